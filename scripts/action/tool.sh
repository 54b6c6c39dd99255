#!/usr/bin/env bash
# How the GitHub Action gets the agcupload tool (action.yml runs it in two steps, with
# actions/cache between them):
#   tool.sh find    an agcupload already on PATH (outputs found=true, path=...), else
#                   found=false and lock-hash=<SHA-256 of Cargo.lock> for the cache key
#                   (hashFiles() only sees files inside the workspace, not the action's own);
#   tool.sh build   cargo build --release --locked of the tool from the action's own source,
#                   into target/ beside it (the cached directory); outputs path=....
# Outputs go to $GITHUB_OUTPUT (or stdout without it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$1" "$2"
  fi
}

case "${1:-}" in
  find)
    if path=$(command -v agcupload); then
      output found true
      output path "$path"
      echo "agcupload action: using $path ($("$path" version | head -n 1))" >&2
    else
      output found false
      # sha256sum (Linux) or shasum (macOS).
      hash=$( (sha256sum "$ROOT/Cargo.lock" 2>/dev/null || shasum -a 256 "$ROOT/Cargo.lock") | cut -d ' ' -f 1)
      output lock-hash "$hash"
    fi
    ;;
  build)
    command -v cargo >/dev/null 2>&1 || {
      echo "::error title=agcupload action::no agcupload on PATH and no cargo to build it: install Rust (for example with dtolnay/rust-toolchain) or put agcupload on PATH" >&2
      exit 2
    }
    cargo build --release --locked --manifest-path "$ROOT/Cargo.toml" -p agcupload-cli >&2
    output path "$ROOT/target/release/agcupload"
    ;;
  *)
    echo "usage: tool.sh find|build" >&2
    exit 2
    ;;
esac
