#!/bin/sh
# Run a command with the standalone mock AGC server up: starts target/release/agc-mock,
# waits until it has written its info file, exports AGC_MOCK_BASE_URL, AGC_MOCK_CA_FILE,
# AGC_MOCK_CLIENT_ID and AGC_MOCK_CLIENT_SECRET, runs the command, stops the server.
# Usage: scripts/with-mock.sh [--mock-args "ARGS"] COMMAND [ARG...]
set -eu
MOCK_ARGS=""
if [ "${1:-}" = "--mock-args" ]; then MOCK_ARGS="$2"; shift 2; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MOCK="$ROOT/target/release/agc-mock"
[ -x "$MOCK" ] || { echo "with-mock: $MOCK is missing; run 'make mock'" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-mock.XXXXXX")
INFO="$WORK/info.env"
# shellcheck disable=SC2086
TMPDIR="$WORK" "$MOCK" --info-file "$INFO" $MOCK_ARGS >"$WORK/stdout" 2>"$WORK/mock.log" &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
i=0
while [ ! -s "$INFO" ]; do
  i=$((i + 1))
  if [ "$i" -gt 200 ] || ! kill -0 "$PID" 2>/dev/null; then
    echo "with-mock: the mock server did not start; its log:" >&2; cat "$WORK/mock.log" >&2; exit 2
  fi
  sleep 0.05
done
set -a
# shellcheck disable=SC1090
. "$INFO"
set +a
export AGC_MOCK_LOG="$WORK/mock.log"
status=0
"$@" || status=$?
exit "$status"
