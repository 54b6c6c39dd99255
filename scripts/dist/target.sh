# Sourced by scripts/dist/build.sh and package.sh: the release build of DIST_TARGET (a Rust
# target; default x86_64-unknown-linux-gnu, the one this machine builds and tests) and its names.
#   DIST_PLATFORM   the release archive's platform (agcupload-VERSION-DIST_PLATFORM.tar.gz; the
#                   GitHub Action downloads these names)
#   DIST_OS         linux (cargo-zigbuild for glibc 2.17, from a Linux host) or darwin (cargo,
#                   natively on macOS)
#   WHEEL_PLATFORM  the wheel's platform tag (manylinux_2_17 for glibc 2.17; macOS: the
#                   deployment target below)
#   DIST_MACOS_MIN  MACOSX_DEPLOYMENT_TARGET of a macOS build (Rust's own minimum for the target)
#   DIST_SHLIB      the shared library's link-time name (libagcupload.so, libagcupload.dylib)
#   DIST_STRIP      the strip that understands the target's objects (STRIP overrides it)
# The npm package of each target is named in node/lib/native-names.cjs (by Rust target).
# shellcheck shell=sh
# shellcheck disable=SC2034 # the names are read by the scripts that source this file
DIST_TARGET=${DIST_TARGET:-x86_64-unknown-linux-gnu}
DIST_MACOS_MIN=
case "$DIST_TARGET" in
  x86_64-unknown-linux-gnu)
    DIST_PLATFORM=x86_64-linux-gnu WHEEL_PLATFORM=manylinux_2_17_x86_64.manylinux2014_x86_64 DIST_STRIP=strip ;;
  aarch64-unknown-linux-gnu)
    # The host's binutils cannot strip arm64 objects (they pass them through unchanged).
    DIST_PLATFORM=aarch64-linux-gnu WHEEL_PLATFORM=manylinux_2_17_aarch64.manylinux2014_aarch64 DIST_STRIP=aarch64-linux-gnu-strip ;;
  x86_64-apple-darwin)
    DIST_PLATFORM=x86_64-apple-darwin DIST_MACOS_MIN=10.12 WHEEL_PLATFORM=macosx_10_12_x86_64 DIST_STRIP=strip ;;
  aarch64-apple-darwin)
    DIST_PLATFORM=aarch64-apple-darwin DIST_MACOS_MIN=11.0 WHEEL_PLATFORM=macosx_11_0_arm64 DIST_STRIP=strip ;;
  *)
    echo "dist: DIST_TARGET=$DIST_TARGET is not a release target (x86_64-unknown-linux-gnu," \
      "aarch64-unknown-linux-gnu, x86_64-apple-darwin, aarch64-apple-darwin)" >&2
    exit 2 ;;
esac
case "$DIST_TARGET" in
  *-apple-darwin) DIST_OS=darwin DIST_SHLIB=libagcupload.dylib ;;
  *) DIST_OS=linux DIST_SHLIB=libagcupload.so ;;
esac
DIST_STRIP=${STRIP:-$DIST_STRIP}
# The shared library's file name in an installed tree: dist_shlib_real VERSION
dist_shlib_real() {
  if [ "$DIST_OS" = darwin ]; then echo "libagcupload.$1.dylib"; else echo "libagcupload.so.$1"; fi
}
