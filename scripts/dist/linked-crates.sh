#!/bin/sh
# Prints the third-party crates (not ours) built into what ships, one "NAME VERSION" a line,
# sorted: those the C library (crate agcupload-ffi) and the tool (crate agcupload-cli) link on
# any release target (normal dependencies only: no dev- or build-only crates), from Cargo.lock.
# The set THIRD-PARTY-NOTICES must name (scripts/dist/notices.sh writes the file,
# scripts/dist/check-notices.sh compares). The tool's dependency tree holds the library's (both
# are the Rust library plus their own front ends), so the notices are generated from the tool;
# this fails the day the C library links a crate the tool does not, rather than leave it out.
# The targets are about.toml's.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CARGO=${CARGO:-cargo}
targets=$(awk '/^targets *=/ { f = 1 } f { print } f && /]/ { exit }' about.toml | grep -o '"[^"]*"' | tr -d '"')
[ -n "$targets" ] || { echo "linked-crates: about.toml names no targets" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-linked.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
linked() {
  # shellcheck disable=SC2046,SC2086 # one --target per word
  "$CARGO" tree --locked -e normal $(printf -- '--target %s ' $targets) -p "$1" --prefix none -f '{p}' |
    sed -e 's/ (.*//' -e 's/ v\([0-9]\)/ \1/' | grep -v -e '^agcupload' -e '^$' | LC_ALL=C sort -u
}
linked agcupload-ffi >"$WORK/ffi"
linked agcupload-cli >"$WORK/cli"
missing=$(LC_ALL=C comm -23 "$WORK/ffi" "$WORK/cli")
if [ -n "$missing" ]; then
  echo "linked-crates: the C library links crates the tool does not; generate the notices from both:" >&2
  echo "$missing" >&2
  exit 1
fi
cat "$WORK/cli"
