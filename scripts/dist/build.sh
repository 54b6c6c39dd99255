#!/bin/sh
# The portable Linux build: the C library (crate agcupload-ffi) and the tool (crate
# agcupload-cli) for x86_64 glibc 2.17 and newer, with cargo-zigbuild (zig links against glibc
# 2.17's symbol versions), release profile, symbols stripped. Its own target dir
# (target/dist-build), so the normal target/release build is left as it is.
# Writes target/dist-build/out/{libagcupload.so,libagcupload.a,agcupload} (the names `make
# install INSTALL_FROM=...` takes) and checks that none needs a glibc above 2.17.
# Needs scripts/dist/tools.sh venv (cargo-zigbuild and ziglang under target/tools/dist).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
GLIBC=${DIST_GLIBC:-2.17}
TARGET=x86_64-unknown-linux-gnu
BUILD="$ROOT/target/dist-build"
OUT="$BUILD/out"
TOOLS="$ROOT/target/tools/dist"
[ -x "$TOOLS/bin/cargo-zigbuild" ] || { echo "dist-build: $TOOLS/bin/cargo-zigbuild is missing; run scripts/dist/tools.sh venv" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || { echo "dist-build: builds for $TARGET, on an x86_64 host only" >&2; exit 2; }

echo "== cargo zigbuild --release --target $TARGET.$GLIBC (agcupload-ffi, agcupload-cli) into target/dist-build"
# The venv first on PATH: cargo-zigbuild finds zig as `python3 -m ziglang` there.
# CARGO_PROFILE_RELEASE_STRIP: the release profile keeps symbols for the normal build; the
# shipped files drop them (the .so keeps its dynamic symbol table, which is its ABI).
PATH="$TOOLS/bin:$PATH" CARGO_TARGET_DIR="$BUILD" CARGO_PROFILE_RELEASE_STRIP=symbols \
  cargo zigbuild --release --locked --target "$TARGET.$GLIBC" -p agcupload-ffi -p agcupload-cli

built="$BUILD/$TARGET/release"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$built/libagcupload_ffi.so" "$OUT/libagcupload.so"
cp "$built/agcupload" "$OUT/agcupload"
cp "$built/libagcupload_ffi.a" "$OUT/libagcupload.a"
# rustc strips what it links; the static archive it only bundles, debug info of std included.
strip --strip-debug "$OUT/libagcupload.a"

# The SONAME build.rs sets must survive the cross link (programs linked against the archive
# record it).
soname=$(readelf -d "$OUT/libagcupload.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "dist-build: libagcupload.so has no SONAME" >&2; exit 1; }
for f in "$OUT/libagcupload.so" "$OUT/agcupload"; do
  if readelf -S --wide "$f" | grep -q ' \.symtab '; then echo "dist-build: $f is not stripped" >&2; exit 1; fi
done
"$ROOT/scripts/dist/check-glibc.sh" --max "$GLIBC" "$OUT/libagcupload.so" "$OUT/agcupload"
echo "built (SONAME $soname):"
for f in "$OUT"/*; do echo "  $(basename "$f") $(wc -c <"$f") bytes"; done
