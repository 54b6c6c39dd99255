#!/bin/sh
# make demo: start the mock AGC server, build a sample .app (a real ZIP), upload and publish it
# with the `agcupload` tool (its live bar on a terminal, plain progress lines otherwise), print
# the object and package ids, stop the server.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
APP="$WORK/demo.app"
python3 - "$APP" <<'PY'
import os, sys, zipfile
# A stand-in for a signed HarmonyOS .app: a ZIP holding 64 MiB of incompressible data.
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.writestr("module.json", '{"app":{"bundleName":"com.example.demo"}}')
    z.writestr("entry-default-signed.hap", os.urandom(64 * 1024 * 1024))
PY
echo "demo: uploading $(du -h "$APP" | cut -f1) sample package to the mock AGC server" >&2
exec "$ROOT/scripts/with-mock.sh" --mock-args "--polls-until-ready 1" sh -c '
  AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET" \
    "$0/target/release/agcupload" publish --poll-interval 1 \
    --api-base "$AGC_MOCK_BASE_URL" --ca-file "$AGC_MOCK_CA_FILE" 10001 "$1" > "$2/ids"
  echo "object id:  $(sed -n 1p "$2/ids")"
  echo "package id: $(sed -n 2p "$2/ids")"
' "$ROOT" "$APP" "$WORK"
