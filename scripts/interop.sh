#!/bin/sh
# `make interop`: upload through libagcupload to a real S3 implementation, s3s-fs, which
# verifies SigV4 signatures, the x-amz-date window and the payload SHA-256.
#
# Installs s3s-fs (once, cached under target/tools), starts it on 127.0.0.1 on a free port
# with a temporary data directory, fixed keys and one bucket, then runs the ignored tests of
# crates/agcupload/tests/interop.rs against it (they start the mock AGC server in-process with upload_upstream
# pointing at s3s-fs: the client speaks HTTPS to the mock, s3s-fs checks the signature made
# for it). Exits non-zero when anything fails. Extra arguments go to the test binary.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CARGO=${CARGO:-cargo}
S3S_FS_VERSION=0.14.1   # 0.15 needs a newer rustc than the project's minimum
TOOLS="$ROOT/target/tools"
S3S="$TOOLS/bin/s3s-fs"

if ! "$S3S" --version 2>/dev/null | grep -qx "s3s-fs $S3S_FS_VERSION"; then
  echo "== installing s3s-fs $S3S_FS_VERSION into target/tools (once; takes a few minutes)"
  "$CARGO" install --locked s3s-fs --version "$S3S_FS_VERSION" --features binary --root "$TOOLS"
fi
"$S3S" --version

# Build the tests first, so s3s-fs is not kept waiting (and a compile error shows plainly).
"$CARGO" test -p agcupload --test interop --no-run

WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-interop.XXXXXX")
DATA="$WORK/data"
BUCKET=agc-interop
ACCESS_KEY=AKINTEROPTEST0000001
SECRET_KEY=interop/SecretKey/0123456789abcdefEXAMPLE
mkdir -p "$DATA/$BUCKET"   # s3s-fs maps a bucket to a directory of its root
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port_open() {
  python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# Start s3s-fs; retry on another port if the one we picked was taken meanwhile.
tries=0
while :; do
  tries=$((tries + 1))
  PORT=$(free_port)
  RUST_LOG=${RUST_LOG:-warn} "$S3S" --host 127.0.0.1 --port "$PORT" \
    --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" "$DATA" >"$WORK/s3s-fs.log" 2>&1 &
  PID=$!
  i=0
  while ! port_open "$PORT"; do
    i=$((i + 1))
    if ! kill -0 "$PID" 2>/dev/null || [ "$i" -gt 100 ]; then break; fi
    sleep 0.1
  done
  if kill -0 "$PID" 2>/dev/null && port_open "$PORT"; then break; fi
  kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""
  if [ "$tries" -ge 3 ]; then
    echo "interop: s3s-fs did not start; its log:" >&2; cat "$WORK/s3s-fs.log" >&2; exit 2
  fi
done
echo "== s3s-fs $S3S_FS_VERSION on 127.0.0.1:$PORT (bucket $BUCKET, data $DATA)"

export AGC_INTEROP_S3_ADDR="127.0.0.1:$PORT"
export AGC_INTEROP_S3_BUCKET="$BUCKET"
export AGC_INTEROP_S3_ACCESS_KEY="$ACCESS_KEY"
export AGC_INTEROP_S3_SECRET_KEY="$SECRET_KEY"
export AGC_INTEROP_S3_REGION=us-east-1
export AGC_INTEROP_S3_ROOT="$DATA"

status=0
"$CARGO" test -p agcupload --test interop -- --ignored --nocapture "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "interop: FAILED; the last lines of the s3s-fs log:" >&2
  tail -n 40 "$WORK/s3s-fs.log" >&2
fi
exit "$status"
