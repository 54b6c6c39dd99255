#!/bin/sh
# make demo: start the mock AGC server, build a sample signed .app (scripts/make-app.py), upload and publish it
# with the `agcupload` tool (its live bar on a terminal, plain progress lines otherwise), print
# the object and package ids; then the store listing from a folder (scripts/make-listing.py):
# plan, apply with its read-back, plan again (nothing left to change); stop the server.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
APP="$WORK/demo.app"
# A signed HarmonyOS .app (pack.info: com.example.agcmock, versionCode 1000012) holding 64 MiB of
# incompressible data: publish runs the preflight, which reads its pack.info (not its body).
python3 "$ROOT/scripts/make-app.py" "$APP" --size $((64 * 1024 * 1024))
# A store listing folder: en-US texts, a 1024x1024 icon, three phone screenshots.
python3 "$ROOT/scripts/make-listing.py" "$WORK/listing"
echo "demo: uploading $(du -h "$APP" | cut -f1) sample package to the mock AGC server" >&2
exec "$ROOT/scripts/with-mock.sh" --mock-args "--polls-until-ready 1" sh -c '
  set -e
  export AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET"
  export AGC_API_BASE="$AGC_MOCK_BASE_URL" AGC_CA_FILE="$AGC_MOCK_CA_FILE"
  tool="$0/target/release/agcupload"
  "$tool" publish --poll-interval 1 10001 "$1" > "$2/ids"
  echo "object id:  $(sed -n 1p "$2/ids")"
  echo "package id: $(sed -n 2p "$2/ids")"
  echo "demo: the store listing of $2/listing: what would change" >&2
  "$tool" listing plan --dir "$2/listing" 10001
  echo "demo: applying it (texts, then the files through the upload URL, then a read-back)" >&2
  "$tool" listing apply --dir "$2/listing" 10001
  echo "demo: planned again: AGC now holds what the folder says" >&2
  "$tool" listing plan --dir "$2/listing" 10001
' "$ROOT" "$APP" "$WORK"
