#!/bin/sh
# `make dist`, after scripts/dist/build.sh and the staged `make install` of its output, for
# DIST_TARGET (scripts/dist/target.sh; default x86_64-unknown-linux-gnu), packs:
#   dist/agcupload-VERSION-PLATFORM.tar.gz   the staged prefix plus the licenses, the notices
#                                            and a README (pkg/README.dist)
#   dist/agcupload-VERSION-py3-none-WHEEL_PLATFORM.whl
#                                            the Python package around the portable library
#   dist/agcupload-NPM_KEY-VERSION.tgz       the npm package @agcupload/NPM_KEY: that library
#                                            alone (npm/pack.cjs; e.g. linux-x64-gnu)
# and checks on Linux that every ELF file in them needs glibc 2.17 at most. dist/THIRD-PARTY-NOTICES
# (the committed file) must be there already. Reproducible: the files' times are the last
# commit's (SOURCE_DATE_EPOCH when set), owners are root, names sorted (GNU tar: gtar on macOS).
# Usage: scripts/dist/package.sh VERSION ABI_VERSION STAGED_PREFIX
set -eu
[ "$#" = 3 ] || { echo "usage: $0 VERSION ABI_VERSION STAGED_PREFIX" >&2; exit 2; }
VERSION=$1 ABI_VERSION=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# Absolute: pip runs the build backend in a folder of its own.
STAGED=$(cd "$3" && pwd)
. "$ROOT/scripts/dist/target.sh"
DIST="$ROOT/dist"
NAME="agcupload-$VERSION-$DIST_PLATFORM"
SHLIB_REAL=$(dist_shlib_real "$VERSION")
TOOLS="$ROOT/target/tools/dist"
NOTICES="$DIST/THIRD-PARTY-NOTICES"
[ -s "$NOTICES" ] || { echo "package: $NOTICES is missing (scripts/dist/notices.sh)" >&2; exit 2; }
[ "$(basename "$STAGED")" = "$NAME" ] || { echo "package: the staged prefix must be named $NAME" >&2; exit 2; }
[ -f "$STAGED/lib/$SHLIB_REAL" ] || { echo "package: $STAGED holds no install" >&2; exit 2; }
TAR=tar
if [ "$DIST_OS" = darwin ]; then TAR=gtar; fi
command -v "$TAR" >/dev/null 2>&1 || { echo "package: $TAR (GNU tar) is missing" >&2; exit 2; }
# Only Linux builds have a glibc floor.
check_glibc() { if [ "$DIST_OS" = linux ]; then "$ROOT/scripts/dist/check-glibc.sh" "$@"; fi; }
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

echo "== $NAME.tar.gz"
cp LICENSE-MIT LICENSE-APACHE "$NOTICES" "$STAGED/"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@ABI_VERSION@/$ABI_VERSION/g" pkg/README.dist >"$STAGED/README"
chmod 644 "$STAGED/LICENSE-MIT" "$STAGED/LICENSE-APACHE" "$STAGED/THIRD-PARTY-NOTICES" "$STAGED/README"
check_glibc "$STAGED/lib/$SHLIB_REAL" "$STAGED/bin/agcupload"
"$TAR" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$(dirname "$STAGED")" -cf - "$NAME" | gzip -9n >"$DIST/$NAME.tar.gz"
"$TAR" -tzvf "$DIST/$NAME.tar.gz" | awk '{ printf "  %-10s %9s  %s", $1, $3, $6; if ($7 == "->") printf " -> %s", $8; print "" }'

echo "== the wheel ($WHEEL_PLATFORM)"
# The in-tree backend (python/_agcupload_build.py) with the portable library instead of a cargo
# build, and the tag that library earns.
rm -rf "$ROOT/target/dist-build/wheel"
"$TOOLS/bin/python" -m pip wheel --quiet --no-input --no-deps --disable-pip-version-check \
  -w "$ROOT/target/dist-build/wheel" "$ROOT/python" \
  -C prebuilt-library="$STAGED/lib/$SHLIB_REAL" -C platform-tag="$WHEEL_PLATFORM" -C notices="$NOTICES"
wheel="agcupload-$VERSION-py3-none-$WHEEL_PLATFORM.whl"
[ -f "$ROOT/target/dist-build/wheel/$wheel" ] || { echo "package: pip made no $wheel:" >&2; ls "$ROOT/target/dist-build/wheel" >&2; exit 1; }
cp "$ROOT/target/dist-build/wheel/$wheel" "$DIST/"
if [ "$DIST_OS" = linux ]; then
  mkdir -p "$ROOT/target/dist-build/wheel/so"
  "$TOOLS/bin/python" -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("agcupload/libagcupload.so"))' \
    "$DIST/$wheel" "$ROOT/target/dist-build/wheel/so/libagcupload.so"
  check_glibc "$ROOT/target/dist-build/wheel/so/libagcupload.so"
fi
echo "  $wheel $(wc -c <"$DIST/$wheel") bytes"

echo "== the npm package of $DIST_TARGET"
node "$ROOT/npm/pack.cjs" platform "$DIST_TARGET" "$STAGED/lib/$SHLIB_REAL" "$NOTICES" "$DIST"
