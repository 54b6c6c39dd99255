#!/usr/bin/env bash
# `check && check || fail "..."` is this file's idiom: fail only records the case as failed.
# shellcheck disable=SC2015
# `make test-action`: the GitHub Action's script (scripts/action/run.sh) run as the runner runs
# it, against the standalone mock AGC server (through scripts/with-mock.sh, which exports
# AGC_MOCK_*), with the release agcupload tool: inputs as INPUT_<NAME> environment variables
# (upper case, dashes kept: INPUT_APP-ID, as GitHub names them), GITHUB_ACTIONS=true,
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, secrets in the environment. Checks the step
# outputs, the summary, the exit codes and the `::error` annotations; and tool.sh get, against a
# local stand-in for the GitHub releases.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN="$ROOT/scripts/action/run.sh"
TOOL="$ROOT/target/release/agcupload"
[ -x "$TOOL" ] || { echo "run_test: $TOOL is missing; run 'make cli'" >&2; exit 2; }
: "${AGC_MOCK_BASE_URL:?run through scripts/with-mock.sh}"
T=$(mktemp -d "${TMPDIR:-/tmp}/agc-action.XXXXXX")
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
case_name=""

begin() { case_name=$1; case_failed=0; }
fail() {
  echo "FAIL $case_name: $1" >&2
  for f in out err outputs summary; do
    [ -s "$T/$f" ] && sed "s/^/  $f | /" "$T/$f" >&2
  done
  case_failed=1
}
end() {
  if [ "$case_failed" = 0 ]; then echo "ok   $case_name"; passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# The tool, recording its arguments (one per line) before it runs.
cat >"$T/agcupload" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/argv"
exec "$TOOL" "\$@"
EOF
chmod +x "$T/agcupload"

# Run the action's script with the inputs given as NAME=VALUE (input names as in action.yml),
# in a clean environment, as the runner would; the exit code in $rc.
action() {
  local kv envs=()
  for kv in "$@"; do
    envs+=("INPUT_$(printf '%s' "${kv%%=*}" | tr '[:lower:]' '[:upper:]')=${kv#*=}")
  done
  rm -f "$T/argv"
  : >"$T/outputs"
  : >"$T/summary"
  env -i PATH="$PATH" HOME="$T" GITHUB_ACTIONS=true GITHUB_OUTPUT="$T/outputs" GITHUB_STEP_SUMMARY="$T/summary" \
    AGCUPLOAD="${TOOL_UNDER_TEST:-$T/agcupload}" AGC_CA_FILE="$AGC_MOCK_CA_FILE" \
    AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="${SECRET:-$AGC_MOCK_CLIENT_SECRET}" \
    INPUT_COMMAND=publish INPUT_NOTIFY=false "${envs[@]}" \
    bash "$RUN" >"$T/out" 2>"$T/err"
  rc=$?
}

# The value of a step output ($GITHUB_OUTPUT, name=value lines).
output() { sed -n "s/^$1=//p" "$T/outputs" | tail -n 1; }
has_arg_seq() { tr '\n' ' ' <"$T/argv" | grep -qF -- "$1"; }
mock() { curl -sS --cacert "$AGC_MOCK_CA_FILE" "$@"; }
tokens() { mock "$AGC_MOCK_BASE_URL/mock/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens_issued"])'; }

mkdir -p "$T/with space"
APP="$T/with space/a.app"
# A signed .app: publish, test and submit run the preflight, which reads its pack.info.
python3 "$ROOT/scripts/make-app.py" "$APP" --size 150004 || { echo "cannot write the test package" >&2; exit 1; }
SHA=$(sha256sum "$APP" | cut -d ' ' -f 1)
BASE="api-base=$AGC_MOCK_BASE_URL"

begin "publish: outputs, summary, the object stored, no annotation"
action app-id=10001 "file=$APP" "$BASE" poll-interval=1
[ "$rc" = 0 ] || fail "exit $rc"
object=$(output object-id)
[ -n "$object" ] && [ -n "$(output package-id)" ] || fail "object-id and package-id outputs"
[ "$(output sha256)" = "$SHA" ] || fail "sha256 output is the file's"
[ "$(output exit-code)" = 0 ] || fail "exit-code output"
[ "$(mock "$AGC_MOCK_BASE_URL/mock/objects/$object" | sha256sum | cut -d ' ' -f 1)" = "$SHA" ] ||
  fail "the mock stored the file's bytes under the object id"
grep -q "agcupload publish: success" "$T/summary" || fail "summary"
grep -qF "| sha256 | $SHA |" "$T/summary" || fail "summary names the sha256"
! grep -q '::error' "$T/err" || fail "an annotation on success"
[ "$(head -n 1 "$T/out")" = "$object" ] || fail "stdout starts with the object id"
end

begin "test release: version-id output, groups and notify passed"
action app-id=10001 "file=$APP" "$BASE" command=test test-desc="1.0 beta" "test-groups=g-1, g-2
g-3" notify=true poll-interval=1
[ "$rc" = 0 ] || fail "exit $rc"
[ -n "$(output version-id)" ] || fail "version-id output"
has_arg_seq "publish --test=invite " || fail "--test=invite by default"
has_arg_seq "--test-group=g-1 --test-group=g-2 --test-group=g-3 --notify" || fail "groups and notify"
has_arg_seq "-- 10001 $APP" || fail "positionals after --"
end

begin "submit refused by AGC: failed-step, ids kept, ::error annotation"
mock -X POST --data 'release_code_once:204144641:the app is not ready' "$AGC_MOCK_BASE_URL/mock/fault" >/dev/null
mkdir -p "$T/notes"
echo "Fixes." >"$T/notes/en-US.txt"
action app-id=10001 "file=$APP" "$BASE" command=submit notes-dir="$T/notes" poll-interval=1
[ "$rc" = 6 ] || fail "exit $rc, want 6"
[ "$(output exit-code)" = 6 ] || fail "exit-code output"
[ -n "$(output failed-step)" ] || fail "failed-step output"
[ -n "$(output object-id)" ] && [ -n "$(output package-id)" ] || fail "the ids done are outputs"
grep -q "^::error title=agcupload publish::step $(output failed-step) failed" "$T/err" || fail "annotation"
grep -q "agcupload publish: failed" "$T/summary" || fail "summary says failed"
grep -q "| failed step | " "$T/summary" || fail "summary names the failed step"
end

begin "wrong secret: exit 4, annotated, the secret never shown"
SECRET=wrong-action-secret-42 action app-id=10001 "file=$APP" "$BASE" command=upload
[ "$rc" = 4 ] || fail "exit $rc, want 4"
grep -q "^::error title=agcupload upload::authentication failed" "$T/err" || fail "annotation"
! grep -rq "wrong-action-secret-42" "$T/out" "$T/err" "$T/outputs" "$T/summary" || fail "the secret is shown"
end

# Every input reaches the tool as one `--opt=value` argument, so a free-text value that starts
# with a dash is a value: as two arguments, the tool would read it as an option (exit 2).
# Each free-text input in turn, on a run that succeeds.
has_arg() { grep -qxF -- "$1" "$T/argv"; }
draft() { # the app back to a draft that a submit may take (the last submit put it in review)
  mock -X POST --data '{"appId":"10001","releaseState":7}' "$AGC_MOCK_BASE_URL/mock/app" >/dev/null
}
dashed() { # dashed INPUT ARG INPUT=VALUE...: a run that succeeds with ARG passed whole
  begin "a value that starts with a dash is passed as a value: $1"
  shift
  local want=$1
  shift
  action app-id=10001 "file=$APP" "$BASE" poll-interval=1 "$@"
  [ "$rc" = 0 ] || fail "exit $rc, want 0"
  ! grep -q "unexpected argument" "$T/err" || fail "read as an option"
  has_arg "$want" || fail "the tool did not get '$want'"
  end
}
dashed test-desc "--test-desc=-rc1 nightly" command=test "test-desc=-rc1 nightly" test-groups=g-1
dashed test-groups "--test-group=-g2" command=test test-desc=beta "test-groups=g-1, -g2"
draft
dashed remark "--remark=- fixes the login flow" command=submit notes-dir="$T/notes" "remark=- fixes the login flow"
draft
dashed phased "--phased=-1% of users first" command=submit notes-dir="$T/notes" "phased=-1% of users first"
draft
mkdir -p "$T/-notes"
cp "$T/notes/en-US.txt" "$T/-notes/"
cd "$T" || exit 1
dashed notes-dir "--notes-dir=-notes" command=submit notes-dir=-notes
draft
dashed file-name "--file-name=-a.app" command=publish file-name=-a.app
dashed resume-file "--resume-file=-resume.json" command=publish resume-file=-resume.json
[ ! -e "$T/-resume.json" ] || { begin "resume-file: removed after the upload"; fail "left behind"; end; }
# The file (and the app id) come after `--`: positionals, whatever they start with.
cp "$APP" "$T/-pkg.app"
begin "a value that starts with a dash is passed as a value: file"
action app-id=10001 file=-pkg.app "$BASE" command=upload
[ "$rc" = 0 ] || fail "exit $rc, want 0"
[ "$(tail -n 2 "$T/argv" | tr '\n' ' ')" = "10001 -pkg.app " ] || fail "the file is the last argument, after --"
[ "$(sed -n '/^--$/=' "$T/argv")" = "$(($(wc -l <"$T/argv") - 2))" ] || fail "-- comes right before the positionals"
end
cd "$ROOT" || exit 1
# The inputs of a fixed form: the tool checks each value itself (a wrong one is its own usage
# error, naming the value, never an unknown option).
begin "the inputs of a fixed form are passed as --opt=value"
action app-id=10001 "file=$APP" "$BASE" command=submit api-base=-cn kind=-app mainland=-1 timeout-min=-3 \
  poll-interval=-1 release-time=-2031 notes-dir=-n
[ "$rc" = 2 ] || fail "exit $rc, want 2"
! grep -q "unexpected argument" "$T/err" || fail "read as an option"
for want in --api-base=-cn --kind=-app --mainland=-1 --timeout-min=-3 --poll-interval=-1 --release-time=-2031; do
  has_arg "$want" || fail "the tool did not get '$want'"
done
end
begin "the test window inputs are passed as --opt=value"
action app-id=10001 "file=$APP" "$BASE" command=test test-desc=beta test-type=-open test-start=-1 test-end=-2
[ "$rc" = 2 ] || fail "exit $rc, want 2"
! grep -q "unexpected argument" "$T/err" || fail "read as an option"
for want in --test=-open --test-start=-1 --test-end=-2; do
  has_arg "$want" || fail "the tool did not get '$want'"
done
end

before=$(tokens)
refused() { # refused CASE MESSAGE INPUT...
  local what=$1 msg=$2
  shift 2
  begin "refused before any request: $what"
  action "$@"
  [ "$rc" = 2 ] || fail "exit $rc, want 2"
  grep -qF "::error title=agcupload action::$msg" "$T/err" || fail "annotation '$msg'"
  [ "$(output exit-code)" = 2 ] || fail "exit-code output"
  end
}
refused "no app-id" "the input app-id is required" "file=$APP" "$BASE"
refused "no file" "the input file is required" app-id=10001 "$BASE"
refused "unknown command" "the input command must be upload, publish, submit, test, listing or listing-plan" \
  app-id=10001 "file=$APP" command=release
refused "test-type without command test" "the input test-type is for command: test" \
  app-id=10001 "file=$APP" test-type=open
refused "notify not a boolean" "the input notify must be true or false" \
  app-id=10001 "file=$APP" command=test test-desc=b notify=yes
refused "timeout-min for upload" "the inputs timeout-min and poll-interval are not for command: upload" \
  app-id=10001 "file=$APP" command=upload timeout-min=3
# An agcupload from before --resume-file (a release an action user may have pinned): its help
# lacks the option, so the action refuses the input instead of passing an unknown option.
cat >"$T/old-agcupload" <<'EOF'
#!/bin/sh
case "$1" in
  version) echo "agcupload 0.0.9" ;;
  *) echo "usage: agcupload publish [--submit] APP_ID FILE" ;;
esac
EOF
chmod +x "$T/old-agcupload"
TOOL_UNDER_TEST="$T/old-agcupload" refused "resume-file with a tool that lacks --resume-file" \
  "the input resume-file needs an agcupload that supports --resume-file" \
  app-id=10001 "file=$APP" command=submit resume-file="$T/resume.json"
begin "an option the command does not take: the tool refuses it (exit 2)"
action app-id=10001 "file=$APP" "$BASE" command=upload notes-dir="$T/notes"
[ "$rc" = 2 ] || fail "exit $rc, want 2"
grep -q "^::error title=agcupload usage::" "$T/err" || fail "the tool's usage annotation"
end
begin "no request reached the mock for the refused runs"
[ "$(tokens)" = "$before" ] || fail "tokens issued: $before, then $(tokens)"
end

begin "resume-file is passed to the tool, which removes it after the upload"
action app-id=10001 "file=$APP" "$BASE" command=upload resume-file="$T/resume.json"
[ "$rc" = 0 ] || fail "exit $rc, want 0"
has_arg_seq "--resume-file=$T/resume.json" || fail "the tool got --resume-file"
[ ! -e "$T/resume.json" ] || fail "a finished upload leaves no resume file"
[ -n "$(output object-id)" ] || fail "object-id output"
end

begin "args: more options, one per line, reach the tool as they are"
action app-id=10001 "file=$APP" "$BASE" command=upload release-type=6 "args=--transfer=single
   --no-preflight
"
[ "$rc" = 0 ] || fail "exit $rc, want 0"
has_arg_seq "--release-type=6 " || fail "release-type reached the tool"
has_arg_seq "--transfer=single --no-preflight --" || fail "the args lines, trimmed, in order"
end
refused "args: a line that is not an option" "each line of the input args must be one option" \
  app-id=10001 "file=$APP" command=upload "args=--transfer=single
10002"

# The store listing: a folder that passes every rule (scripts/make-listing.py).
python3 "$ROOT/scripts/make-listing.py" "$T/listing" --tag action || { echo "cannot write the listing" >&2; exit 1; }
python3 "$ROOT/scripts/make-listing.py" "$T/listing2" --tag second || { echo "cannot write the listing" >&2; exit 1; }

begin "listing-plan: what would change, as an output and in the summary; nothing sent"
action app-id=10501 "$BASE" command=listing-plan "listing-dir=$T/listing"
[ "$rc" = 0 ] || fail "exit $rc, want 0"
has_arg_seq "listing plan --dir=$T/listing --api-base=" || fail "the tool ran listing plan"
[ "$(output listing-changes)" = 6 ] || fail "listing-changes output: '$(output listing-changes)', want 6"
grep -qF "| listing changes | 6 |" "$T/summary" && grep -qF -- '- en-US brief: nothing -\> "The demo app (action)"' "$T/summary" ||
  fail "the summary lists the changes"
action app-id=10501 "$BASE" command=listing-plan "listing-dir=$T/listing"
[ "$(output listing-changes)" = 6 ] || fail "a plan changed what AGC holds"
end

begin "listing: applied and read back; planned again, nothing left to change"
action app-id=10501 "$BASE" command=listing "listing-dir=$T/listing"
[ "$rc" = 0 ] && [ "$(output exit-code)" = 0 ] || fail "exit $rc, want 0"
has_arg_seq "listing apply --dir=$T/listing" || fail "the tool ran listing apply"
[ "$(output listing-changes)" = 6 ] || fail "listing-changes output: '$(output listing-changes)', want 6"
action app-id=10501 "$BASE" command=listing-plan "listing-dir=$T/listing"
[ "$(output listing-changes)" = 0 ] || fail "after apply, the plan still has '$(output listing-changes)' changes"
end

begin "submit with listing-dir: the listing first, then the road; both outputs"
action app-id=10502 "file=$APP" "$BASE" command=submit "listing-dir=$T/listing2" poll-interval=1
[ "$rc" = 0 ] || fail "exit $rc, want 0"
[ "$(output listing-changes)" = 6 ] && [ -n "$(output package-id)" ] || fail "listing-changes and package-id outputs"
[ "$(sed -n 1p "$T/argv")" = publish ] || fail "the road ran after the listing"
action app-id=10502 "$BASE" command=listing-plan "listing-dir=$T/listing2"
[ "$(output listing-changes)" = 0 ] || fail "the listing was not applied"
end

begin "a listing that breaks a rule stops the job before the package is sent"
cp -R "$T/listing" "$T/broken"
cp "$T/broken/en-US/brief.txt" "$T/broken/en-US/release_notes.txt"
before=$(mock "$AGC_MOCK_BASE_URL/mock/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["objects"])')
action app-id=10503 "file=$APP" "$BASE" "listing-dir=$T/broken"
[ "$rc" = 2 ] && [ "$(output exit-code)" = 2 ] || fail "exit $rc, want 2"
[ "$(sed -n 1,2p "$T/argv" | tr '\n' ' ')" = "listing apply " ] || fail "the last call was not the listing"
grep -q "^::error title=agcupload listing apply::" "$T/err" || fail "the tool's annotation"
after=$(mock "$AGC_MOCK_BASE_URL/mock/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["objects"])')
[ "$before" = "$after" ] || fail "objects were stored: $before -> $after"
end
refused "listing: listing-dir is required" "the input listing-dir is required for command: listing" \
  app-id=10501 command=listing
refused "listing-plan: a package input is refused, not dropped" "the input file is not for command: listing-plan" \
  app-id=10501 "file=$APP" command=listing-plan "listing-dir=$T/listing"
refused "listing: args are refused, not dropped" "the input args is not for command: listing" \
  app-id=10501 command=listing "listing-dir=$T/listing" "args=--transfer=single"

# tool.sh get, with the action's environment: the outputs and exit code in $T/outputs and $rc.
get() {
  : >"$T/outputs"
  env -i PATH="${GET_PATH:-/usr/bin:/bin}" HOME="$T" GITHUB_ACTIONS=true GITHUB_OUTPUT="$T/outputs" \
    RUNNER_OS="${RUNNER_OS_:-Linux}" RUNNER_ARCH="${RUNNER_ARCH_:-X64}" RUNNER_TOOL_CACHE="$T/toolcache" \
    AGCUPLOAD_DOWNLOAD_BASE="${DOWNLOAD_BASE:-}" VERSION_INPUT="$1" \
    bash "$ROOT/scripts/action/tool.sh" get >"$T/out" 2>"$T/err"
  rc=$?
}

begin "tool.sh get path: the agcupload on PATH"
mkdir -p "$T/bin"
ln -sf "$TOOL" "$T/bin/agcupload"
GET_PATH="$T/bin:/usr/bin:/bin" get path
[ "$rc" = 0 ] && [ "$(output path)" = "$T/bin/agcupload" ] || fail "path output (exit $rc)"
get path
[ "$rc" = 2 ] && grep -q "no agcupload is on PATH" "$T/err" || fail "path without one: exit $rc"
end

begin "tool.sh get source: a build, keyed on Cargo.lock"
get source
[ "$(output build)" = true ] || fail "build=true"
[ "$(output lock-hash)" = "$(sha256sum "$ROOT/Cargo.lock" | cut -d ' ' -f 1)" ] || fail "lock-hash is Cargo.lock's"
end

# A stand-in for the GitHub releases: a real HTTP server on loopback serving
# vVERSION/agcupload-VERSION-x86_64-linux-gnu.tar.gz and vVERSION/SHA256SUMS.
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$ROOT/Cargo.toml")
REL="$T/releases/v$VERSION"
ARCHIVE="agcupload-$VERSION-x86_64-linux-gnu.tar.gz"
mkdir -p "$REL" "$T/stage/agcupload-$VERSION-x86_64-linux-gnu/bin"
cp "$TOOL" "$T/stage/agcupload-$VERSION-x86_64-linux-gnu/bin/agcupload"
tar -czf "$REL/$ARCHIVE" -C "$T/stage" "agcupload-$VERSION-x86_64-linux-gnu"
(cd "$REL" && sha256sum "$ARCHIVE" >SHA256SUMS)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$T/releases" >"$T/http.log" 2>&1 &
HTTP_PID=$!
trap 'kill $HTTP_PID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done

begin "tool.sh get: the action's own version is downloaded, checked and unpacked"
DOWNLOAD_BASE="http://127.0.0.1:$PORT" get ""
[ "$rc" = 0 ] || fail "exit $rc"
got=$(output path)
[ -x "$got" ] && "$got" --version | grep -q "$VERSION" || fail "path output runs: $got"
case "$got" in "$T/toolcache/agcupload/$VERSION/"*) ;; *) fail "unpacked under the tool cache: $got" ;; esac
DOWNLOAD_BASE="http://127.0.0.1:$PORT" get "v$VERSION"
[ "$rc" = 0 ] && [ -x "$(output path)" ] || fail "a v-prefixed version: exit $rc"
end

begin "tool.sh get: an archive whose SHA-256 differs from SHA256SUMS is refused, nothing unpacked"
rm -rf "$T/toolcache"
printf 'x' >>"$REL/$ARCHIVE"
DOWNLOAD_BASE="http://127.0.0.1:$PORT" get "$VERSION"
[ "$rc" = 2 ] || fail "exit $rc, want 2"
grep -q "^::error title=agcupload action::the SHA-256 of $ARCHIVE is" "$T/err" || fail "annotation names the mismatch"
[ -z "$(output path)" ] && [ ! -e "$T/toolcache/agcupload/$VERSION/unpacked" ] && [ ! -e "$T/toolcache/agcupload/$VERSION/$ARCHIVE" ] ||
  fail "nothing kept or unpacked"
end

begin "tool.sh get: a version not released, a platform without releases, a bad version"
DOWNLOAD_BASE="http://127.0.0.1:$PORT" get 9.9.9
[ "$rc" = 2 ] && grep -q "cannot download .*9.9.9" "$T/err" || fail "not released: exit $rc"
RUNNER_OS_=Windows DOWNLOAD_BASE="http://127.0.0.1:$PORT" get "$VERSION"
[ "$rc" = 2 ] && grep -q "Windows is not supported yet" "$T/err" || fail "Windows: exit $rc"
DOWNLOAD_BASE="http://127.0.0.1:$PORT" get '1.0; rm -rf /'
[ "$rc" = 2 ] && grep -q "the input version must be a version" "$T/err" || fail "bad version: exit $rc"
get "$VERSION"
[ "$rc" = 2 ] && grep -q "cannot tell where the action comes from" "$T/err" || fail "no download base: exit $rc"
end

begin "every default action.yml documents is the tool's (from agcupload publish --help)"
help=$("$TOOL" publish --help)
for input in timeout-min poll-interval; do
  doc=$(sed -n "/^  $input:/,/^  [a-z]/{s/.*\[default - \([0-9][0-9]*\)\].*/\1/p}" "$ROOT/action.yml")
  tool=$(printf '%s\n' "$help" | sed -n "/--$input /,/\[default:/{s/.*\[default: \([0-9][0-9]*\)\].*/\1/p}" | head -n 1)
  [ -n "$doc" ] && [ "$doc" = "$tool" ] || fail "$input: action.yml says '$doc', the tool '$tool'"
done
end

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
