#!/bin/sh
# `make test-cli`, through scripts/with-mock.sh (which exports AGC_MOCK_*): the built programs
# against the standalone mock server.
#  - examples-c/upload.c, linked shared (target/release/upload) and static (upload-static);
#  - the release `agcupload` binary: a JSON upload, a publish, exit codes, and the release road
#    (notes in two languages + submit for review, state, a test release).
# The `agcupload` tool's full tests (every subcommand and exit code, pty, signals, GitHub
# outputs) are Rust tests in crates/agcupload-cli/tests/tool/cli.rs, run by `cargo test --workspace`.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REL="$ROOT/target/release"
T=$(mktemp -d "${TMPDIR:-/tmp}/agc-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL $1" >&2; sed 's/^/  | /' "$T/err" >&2; fails=$((fails + 1)); }
check() { # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [ "$2" != "$3" ]; then fail "$1: exit $3, want $2"; else echo "ok   $1"; fi
}
export AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET"
export AGC_API_BASE="$AGC_MOCK_BASE_URL" AGC_CA_FILE="$AGC_MOCK_CA_FILE"
unset GITHUB_ACTIONS
# A signed .app (pack.info: com.example.agcmock, versionCode 1000012): publish and the road run
# the preflight, which reads it (the default mock app binds no bundle name and has no version).
python3 "$ROOT/scripts/make-app.py" "$T/a.app" --size 200004 || { echo "FAIL cannot write the test package" >&2; exit 1; }

# The C example, both links.
for prog in upload upload-static; do
  "$REL/$prog" 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "C example ($prog) uploads" 0 $?
  { [ "$(wc -l < "$T/out")" = 1 ] && grep -q "a.app" "$T/out"; } || fail "$prog prints the object id: $(cat "$T/out")"
  grep -q "uploading: 100%" "$T/err" || fail "$prog reports progress"
done
cp "$T/a.app" "$T/a.zip"
"$REL/upload" 10001 "$T/a.zip" > "$T/out" 2> "$T/err"; check "C example: wrong suffix" 1 $?
grep -q AGC_ERR_FILE_TYPE "$T/err" || fail "C example names AGC_ERR_FILE_TYPE"
AGC_CLIENT_SECRET=wrong-c-secret "$REL/upload" 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "C example: wrong secret" 1 $?
{ grep -q AGC_ERR_AUTH "$T/err" && ! grep -q wrong-c-secret "$T/err"; } || fail "C example auth message"
"$REL/upload" 10001 > "$T/out" 2> "$T/err"; check "C example: usage" 2 $?

# The release agcupload binary.
A="$REL/agcupload"
"$A" upload --json 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "agcupload upload --json" 0 $?
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ok"] and j["size"]==200004 and len(j["sha256"])==64 and j["object_id"], j' "$T/out" \
  || fail "agcupload JSON: $(cat "$T/out")"
grep -q "$(printf '\r')" "$T/err" && fail "agcupload: a carriage return in non-terminal progress"
"$A" publish --quiet 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "agcupload publish" 0 $?
[ "$(wc -l < "$T/out")" = 2 ] || fail "agcupload publish prints the object and package ids: $(cat "$T/out")"
"$A" upload --release-type 6x 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "agcupload usage error" 2 $?
"$A" upload 10001 "$T/a.zip" > "$T/out" 2> "$T/err"; check "agcupload file error" 3 $?
AGC_CLIENT_SECRET=wrong-cli-secret "$A" check 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "agcupload auth error" 4 $?
grep -q wrong-cli-secret "$T/err" && fail "agcupload prints the secret"

# The rest of the road: notes in two languages and a submit for review, then a test release.
mkdir "$T/notes" && printf 'Dark mode.\n' > "$T/notes/en-US.txt" && printf '\346\267\261\350\211\262\n' > "$T/notes/zh-CN.txt"
"$A" publish --submit --notes-dir "$T/notes" --remark "Please test the login." --poll-interval 1 10001 "$T/a.app" > "$T/out" 2> "$T/err"
check "agcupload publish --submit (notes in two languages)" 0 $?
grep -q "release notes set for en-US, zh-CN" "$T/err" || fail "agcupload publish --submit summary"
"$A" state 10001 > "$T/out" 2> "$T/err"; check "agcupload state" 0 $?
[ "$(cat "$T/out")" = in-review ] || fail "agcupload state after the submit: $(cat "$T/out")"
"$A" publish --quiet --test open --test-desc "beta 1" --poll-interval 1 10001 "$T/a.app" > "$T/out" 2> "$T/err"
check "agcupload publish --test" 0 $?
{ [ "$(wc -l < "$T/out")" = 3 ] && tail -n 1 "$T/out" | grep -q .; } || fail "agcupload publish --test prints the version id: $(cat "$T/out")"

[ "$fails" = 0 ] && echo "CLI test: all passed" || { echo "CLI test: $fails failure(s)" >&2; exit 1; }
