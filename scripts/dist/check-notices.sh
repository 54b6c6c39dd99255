#!/bin/sh
# Fails when THIRD-PARTY-NOTICES (committed, written by `make notices`) is stale: the crates
# (name and version) it names must be exactly those built into what ships
# (scripts/dist/linked-crates.sh, from Cargo.lock). A dependency added, removed or updated
# without `make notices` fails here. Needs cargo only (not cargo-about); run by `make lint` and
# `make dist`.
# Usage: scripts/dist/check-notices.sh [NOTICES]   (default: THIRD-PARTY-NOTICES at the root)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NOTICES=${1:-$ROOT/THIRD-PARTY-NOTICES}
[ -s "$NOTICES" ] || { echo "check-notices: $NOTICES is missing: run make notices" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-notices.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
"$ROOT/scripts/dist/linked-crates.sh" >"$WORK/linked"
# about.hbs lists each crate as "  - NAME VERSION <repository>" under every license it uses.
sed -n 's/^  - \([^ ]*\) \([^ ]*\).*/\1 \2/p' "$NOTICES" | LC_ALL=C sort -u >"$WORK/named"
if ! cmp -s "$WORK/linked" "$WORK/named"; then
  echo "check-notices: $NOTICES is stale: run make notices. Built in but not named (+), named but not built in (-):" >&2
  LC_ALL=C comm -23 "$WORK/linked" "$WORK/named" | sed 's/^/  + /' >&2
  LC_ALL=C comm -13 "$WORK/linked" "$WORK/named" | sed 's/^/  - /' >&2
  exit 1
fi
echo "notices are fresh: $(basename "$NOTICES") names the $(wc -l <"$WORK/linked") crates built into the library and the tool"
