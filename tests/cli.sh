#!/bin/sh
# The upload CLI (examples-c/upload) end to end against the standalone mock; run by `make test`
# through scripts/with-mock.sh (which exports AGC_MOCK_*). Checks exit codes and output.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UP="$ROOT/target/release/upload"
SA="$ROOT/mock/fixtures/service-account-private.json"
T=$(mktemp -d "${TMPDIR:-/tmp}/agc-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit $3, want $2" >&2; sed 's/^/  | /' "$T/err" >&2; fails=$((fails + 1)); else echo "ok   $1"; fi
}
export AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET"
export AGC_API_BASE="$AGC_MOCK_BASE_URL" AGC_CA_FILE="$AGC_MOCK_CA_FILE"
printf 'PK\003\004' > "$T/a.app"; head -c 200000 /dev/urandom >> "$T/a.app"

"$UP" --quiet 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "upload prints the object id" 0 $?
[ "$(wc -l < "$T/out")" = 1 ] && grep -q "a.app" "$T/out" || { echo "FAIL object id: $(cat "$T/out")" >&2; fails=$((fails + 1)); }

"$UP" --quiet --service-account "$SA" --publish --release-type 6 --file-name Named-1.app 10001 "$T/a.app" > "$T/out" 2> "$T/err"
check "publish with a service account" 0 $?
[ "$(wc -l < "$T/out")" = 2 ] && grep -q "Named-1.app" "$T/out" || { echo "FAIL publish output: $(cat "$T/out")" >&2; fails=$((fails + 1)); }

cp "$T/a.app" "$T/a.zip"
"$UP" --quiet 10001 "$T/a.zip" > "$T/out" 2> "$T/err"; check "wrong suffix" 1 $?
grep -q AGC_ERR_FILE_TYPE "$T/err" || { echo "FAIL: no AGC_ERR_FILE_TYPE in: $(cat "$T/err")" >&2; fails=$((fails + 1)); }

AGC_CLIENT_SECRET=wrong-cli-secret "$UP" --quiet 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "wrong secret" 1 $?
grep -q AGC_ERR_AUTH "$T/err" && ! grep -q wrong-cli-secret "$T/err" || { echo "FAIL auth message: $(cat "$T/err")" >&2; fails=$((fails + 1)); }

"$UP" --kind nonsense 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "usage error" 2 $?

printf '\211PNG\r\n\032\n' > "$T/me.png"; head -c 5000 /dev/urandom >> "$T/me.png"
"$UP" --quiet --kind picture 10001 "$T/me.png" > "$T/out" 2> "$T/err"; check "picture without a key" 1 $?
grep -q AGC_ERR_SEAL_KEY "$T/err" || { echo "FAIL: no AGC_ERR_SEAL_KEY" >&2; fails=$((fails + 1)); }
head -c 32 /dev/urandom > "$T/key"
"$UP" --quiet --kind picture --seal-key-file "$T/key" 10001 "$T/me.png" > "$T/out" 2> "$T/err"; check "picture sealed" 0 $?
head -c 31 /dev/urandom > "$T/short"
"$UP" --quiet --kind picture --seal-key-file "$T/short" 10001 "$T/me.png" > "$T/out" 2> "$T/err"; check "short key file" 2 $?

AGC_FORCE_PROGRESS=1 "$UP" 10001 "$T/a.app" > "$T/out" 2> "$T/err"; check "progress bar" 0 $?
grep -q "uploading.*100.0%" "$T/err" || { echo "FAIL: no progress bar in: $(cat "$T/err")" >&2; fails=$((fails + 1)); }

[ "$fails" = 0 ] && echo "CLI test: all passed" || { echo "CLI test: $fails failure(s)" >&2; exit 1; }
