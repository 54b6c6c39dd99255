#!/bin/sh
# make demo: start the mock AGC server, build a sample signed .app (scripts/make-app.py), upload and publish it
# with the `agcupload` tool (its live bar on a terminal, plain progress lines otherwise), print
# the object and package ids, stop the server.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
APP="$WORK/demo.app"
# A signed HarmonyOS .app (pack.info: com.example.agcmock, versionCode 1000012) holding 64 MiB of
# incompressible data: publish runs the preflight, which reads its pack.info (not its body).
python3 "$ROOT/scripts/make-app.py" "$APP" --size $((64 * 1024 * 1024))
echo "demo: uploading $(du -h "$APP" | cut -f1) sample package to the mock AGC server" >&2
exec "$ROOT/scripts/with-mock.sh" --mock-args "--polls-until-ready 1" sh -c '
  AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET" \
    "$0/target/release/agcupload" publish --poll-interval 1 \
    --api-base "$AGC_MOCK_BASE_URL" --ca-file "$AGC_MOCK_CA_FILE" 10001 "$1" > "$2/ids"
  echo "object id:  $(sed -n 1p "$2/ids")"
  echo "package id: $(sed -n 2p "$2/ids")"
' "$ROOT" "$APP" "$WORK"
