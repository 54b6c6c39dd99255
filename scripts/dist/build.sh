#!/bin/sh
# The portable release build of the C library (crate agcupload-ffi) and the tool (crate
# agcupload-cli) for DIST_TARGET (scripts/dist/target.sh; default x86_64-unknown-linux-gnu),
# release profile, symbols stripped, into its own target dir (target/dist-build), so the normal
# target/release build is left as it is:
#   Linux (x86_64, aarch64): cargo-zigbuild for TARGET.2.17 (zig links against glibc 2.17's
#       symbol versions), from a Linux host of either architecture (`rustup target add TARGET`
#       first when it is not the host's); the SONAME is checked, and that nothing needs a glibc
#       above 2.17.
#   macOS (x86_64, aarch64): cargo on a macOS host (`rustup target add TARGET`), for
#       MACOSX_DEPLOYMENT_TARGET DIST_MACOS_MIN; the install name is checked.
# Only x86_64 Linux is built and run here; the other three take the same steps with their own
# names, in the release workflow (.github/workflows/release.yml).
# Writes target/dist-build/out/{libagcupload.so or .dylib,libagcupload.a,agcupload} (the names
# `make install INSTALL_FROM=...` takes). Needs the scripts/dist/tools.sh venv (cargo-zigbuild
# and ziglang under target/tools/dist) on Linux.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
. "$ROOT/scripts/dist/target.sh"
GLIBC=${DIST_GLIBC:-2.17}
BUILD="$ROOT/target/dist-build"
OUT="$BUILD/out"
TOOLS="$ROOT/target/tools/dist"
fail() { echo "dist-build: $*" >&2; exit 2; }
# CARGO_PROFILE_RELEASE_STRIP: the release profile keeps symbols for the normal build; the
# shipped files drop them (the shared library keeps its dynamic symbol table, its ABI).
export CARGO_TARGET_DIR="$BUILD" CARGO_PROFILE_RELEASE_STRIP=symbols
case "$DIST_OS" in
  linux)
    [ "$(uname -s)" = Linux ] || fail "builds $DIST_TARGET on a Linux host only"
    [ -x "$TOOLS/bin/cargo-zigbuild" ] || fail "$TOOLS/bin/cargo-zigbuild is missing; run scripts/dist/tools.sh venv"
    echo "== cargo zigbuild --release --target $DIST_TARGET.$GLIBC (agcupload-ffi, agcupload-cli) into target/dist-build"
    # The venv first on PATH: cargo-zigbuild finds zig as `python3 -m ziglang` there.
    PATH="$TOOLS/bin:$PATH" cargo zigbuild --release --locked --target "$DIST_TARGET.$GLIBC" -p agcupload-ffi -p agcupload-cli
    ;;
  darwin)
    [ "$(uname -s)" = Darwin ] || fail "builds $DIST_TARGET on a macOS host only"
    echo "== cargo build --release --target $DIST_TARGET (macOS $DIST_MACOS_MIN+; agcupload-ffi, agcupload-cli) into target/dist-build"
    MACOSX_DEPLOYMENT_TARGET=$DIST_MACOS_MIN cargo build --release --locked --target "$DIST_TARGET" -p agcupload-ffi -p agcupload-cli
    ;;
esac
command -v "$DIST_STRIP" >/dev/null 2>&1 || fail "$DIST_STRIP is missing (it strips $DIST_TARGET objects; set STRIP to another)"

built="$BUILD/$DIST_TARGET/release"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$built/$(echo "$DIST_SHLIB" | sed 's/agcupload/agcupload_ffi/')" "$OUT/$DIST_SHLIB"
cp "$built/agcupload" "$OUT/agcupload"
cp "$built/libagcupload_ffi.a" "$OUT/libagcupload.a"
# rustc strips what it links; the static archive it only bundles, debug info of std included.
# -S is --strip-debug, in the spelling macOS's strip knows too.
"$DIST_STRIP" -S "$OUT/libagcupload.a"

if [ "$DIST_OS" = linux ]; then
  # The SONAME build.rs sets must survive the cross link (programs linked against the archive
  # record it).
  soname=$(readelf -d "$OUT/$DIST_SHLIB" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ -n "$soname" ] || { echo "dist-build: $DIST_SHLIB has no SONAME" >&2; exit 1; }
  for f in "$OUT/$DIST_SHLIB" "$OUT/agcupload"; do
    if readelf -S --wide "$f" | grep -q ' \.symtab '; then echo "dist-build: $f is not stripped" >&2; exit 1; fi
  done
  # A strip that does not know the architecture leaves the members as they were, quietly.
  if readelf -S --wide "$OUT/libagcupload.a" | grep -q ' \.debug_info '; then
    echo "dist-build: $DIST_STRIP left debug info in libagcupload.a" >&2; exit 1
  fi
  "$ROOT/scripts/dist/check-glibc.sh" --max "$GLIBC" "$OUT/$DIST_SHLIB" "$OUT/agcupload"
else
  # The install name build.rs sets (@rpath/libagcupload.ABI.dylib), which programs record.
  soname=$(otool -D "$OUT/$DIST_SHLIB" | sed -n '2p')
  case "$soname" in @rpath/libagcupload.*.dylib) ;; *) echo "dist-build: $DIST_SHLIB has the install name '$soname'" >&2; exit 1 ;; esac
fi
echo "built for $DIST_TARGET (SONAME $soname):"
for f in "$OUT"/*; do echo "  $(basename "$f") $(wc -c <"$f") bytes"; done
