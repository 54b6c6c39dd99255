#!/bin/sh
# Writes THIRD-PARTY-NOTICES: the license texts of every crate built into what ships (the C
# library and the tool), by cargo-about from Cargo.lock (about.toml: the accepted licenses;
# about.hbs: the text layout). A crate under a license not accepted there fails it.
# The tool's dependency tree holds the library's (both are the Rust library plus their own
# front ends), so it is the root cargo-about walks; the check below fails the day the C
# library links a crate the tool does not, rather than leave that crate out.
# Usage: scripts/dist/notices.sh OUTPUT
set -eu
[ "$#" = 1 ] || { echo "usage: $0 OUTPUT" >&2; exit 2; }
OUTPUT=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
ABOUT="$ROOT/target/tools/bin/cargo-about"
[ -x "$ABOUT" ] || { echo "notices: $ABOUT is missing; run scripts/dist/tools.sh about" >&2; exit 2; }

# The third-party crates (not ours) each front end links on the shipped target.
linked() {
  cargo tree --locked -e normal --target x86_64-unknown-linux-gnu -p "$1" --prefix none -f '{p}' |
    sed 's/ (.*//' | grep -v '^agcupload' | LC_ALL=C sort -u
}
linked agcupload-ffi >target/notices-ffi.txt
linked agcupload-cli >target/notices-cli.txt
missing=$(LC_ALL=C comm -23 target/notices-ffi.txt target/notices-cli.txt)
if [ -n "$missing" ]; then
  echo "notices: the C library links crates the tool does not; generate the notices from both:" >&2
  echo "$missing" >&2
  exit 1
fi

"$ABOUT" generate --frozen --config about.toml -m crates/agcupload-cli/Cargo.toml -o "$OUTPUT" about.hbs
# Every linked crate is named in the notices.
absent=$(while read -r name version; do
  grep -qF -- "- $name ${version#v}" "$OUTPUT" || echo "$name $version"
done <target/notices-cli.txt)
[ -z "$absent" ] || { echo "notices: $OUTPUT leaves out:" >&2; echo "$absent" >&2; exit 1; }
echo "notices: $OUTPUT names $(wc -l <target/notices-cli.txt) crates under $(grep -c '^=====' "$OUTPUT") license texts"
