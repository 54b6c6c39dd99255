#!/bin/sh
# `make test-cli`, part two: the README's offline quick start, as a user types it. The mock
# writes ready-to-source `export AGC_*` lines (--env-file); a sample package from
# scripts/make-app.py; `agcupload publish` with nothing but that environment.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-offline.XXXXXX")
pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
"$ROOT/target/release/agc-mock" --env-file "$WORK/agc.env" --polls-until-ready 0 >/dev/null 2>"$WORK/mock.log" &
pid=$!
i=0
while [ ! -s "$WORK/agc.env" ]; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || { echo "offline: the mock wrote no env file" >&2; cat "$WORK/mock.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^export AGC_API_BASE=' "$WORK/agc.env" || { echo "offline: no AGC_API_BASE in the env file" >&2; exit 1; }
# shellcheck disable=SC1091
. "$WORK/agc.env"
python3 "$ROOT/scripts/make-app.py" "$WORK/demo.app" >/dev/null
if ! PATH="$ROOT/target/release:$PATH" agcupload publish 10001 "$WORK/demo.app" >"$WORK/ids" 2>"$WORK/err"; then
  echo "offline: agcupload publish failed:" >&2; cat "$WORK/err" >&2; exit 1
fi
[ "$(wc -l <"$WORK/ids")" = 2 ] || { echo "offline: expected the object and package ids, got:" >&2; cat "$WORK/ids" >&2; exit 1; }
echo "ok   the offline quick start: agc-mock --env-file, make-app.py, agcupload publish"
