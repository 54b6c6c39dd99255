#!/bin/sh
# `make notices`: writes THIRD-PARTY-NOTICES (committed; `make dist` ships it): the license
# texts of every crate built into what ships (the C library and the tool, on every release
# target), by cargo-about from Cargo.lock (about.toml: the accepted licenses and the targets;
# about.hbs: the text layout). A crate under a license not accepted there fails it. cargo-about
# is built once under target/tools (scripts/dist/tools.sh about); the check that the committed
# file is fresh (scripts/dist/check-notices.sh) needs only cargo.
# Usage: scripts/dist/notices.sh [OUTPUT]   (default: THIRD-PARTY-NOTICES at the root)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUTPUT=${1:-$ROOT/THIRD-PARTY-NOTICES}
cd "$ROOT"
ABOUT="$ROOT/target/tools/bin/cargo-about"
[ -x "$ABOUT" ] || { echo "notices: $ABOUT is missing; run scripts/dist/tools.sh about" >&2; exit 2; }

# Fails first when the C library links a crate the tool does not (the notices come from the tool).
linked=$("$ROOT/scripts/dist/linked-crates.sh")
"$ABOUT" generate --frozen --config about.toml -m crates/agcupload-cli/Cargo.toml -o "$OUTPUT" about.hbs
"$ROOT/scripts/dist/check-notices.sh" "$OUTPUT"
echo "notices: $OUTPUT names $(printf '%s\n' "$linked" | wc -l) crates under $(grep -c '^=====' "$OUTPUT") license texts"
