#!/bin/sh
# `make dist`, after scripts/dist/build.sh and the staged `make install` of its output: packs
#   dist/agcupload-VERSION-x86_64-linux-gnu.tar.gz   the staged prefix plus the licenses, the
#                                                    notices and a README (pkg/README.dist)
#   dist/agcupload-VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#                                                    the Python package around the portable library
# and checks that every ELF file in them needs glibc 2.17 at most. dist/THIRD-PARTY-NOTICES
# (scripts/dist/notices.sh) must be there already. Reproducible: the files' times are the last
# commit's (SOURCE_DATE_EPOCH when set), owners are root, names sorted.
# Usage: scripts/dist/package.sh VERSION ABI_VERSION STAGED_PREFIX
set -eu
[ "$#" = 3 ] || { echo "usage: $0 VERSION ABI_VERSION STAGED_PREFIX" >&2; exit 2; }
VERSION=$1 ABI_VERSION=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# Absolute: pip runs the build backend in a folder of its own.
STAGED=$(cd "$3" && pwd)
DIST="$ROOT/dist"
NAME="agcupload-$VERSION-x86_64-linux-gnu"
WHEEL_PLATFORM=manylinux_2_17_x86_64.manylinux2014_x86_64
TOOLS="$ROOT/target/tools/dist"
NOTICES="$DIST/THIRD-PARTY-NOTICES"
[ -s "$NOTICES" ] || { echo "package: $NOTICES is missing (scripts/dist/notices.sh)" >&2; exit 2; }
[ "$(basename "$STAGED")" = "$NAME" ] || { echo "package: the staged prefix must be named $NAME" >&2; exit 2; }
[ -f "$STAGED/lib/libagcupload.so.$VERSION" ] || { echo "package: $STAGED holds no install" >&2; exit 2; }
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH

echo "== $NAME.tar.gz"
cp LICENSE-MIT LICENSE-APACHE "$NOTICES" "$STAGED/"
sed -e "s/@VERSION@/$VERSION/g" -e "s/@ABI_VERSION@/$ABI_VERSION/g" pkg/README.dist >"$STAGED/README"
chmod 644 "$STAGED/LICENSE-MIT" "$STAGED/LICENSE-APACHE" "$STAGED/THIRD-PARTY-NOTICES" "$STAGED/README"
"$ROOT/scripts/dist/check-glibc.sh" "$STAGED/lib/libagcupload.so.$VERSION" "$STAGED/bin/agcupload"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$(dirname "$STAGED")" -cf - "$NAME" | gzip -9n >"$DIST/$NAME.tar.gz"
tar -tzvf "$DIST/$NAME.tar.gz" | awk '{ printf "  %-10s %9s  %s", $1, $3, $6; if ($7 == "->") printf " -> %s", $8; print "" }'

echo "== the wheel ($WHEEL_PLATFORM)"
# The in-tree backend (python/_agcupload_build.py) with the portable library instead of a cargo
# build, and the tag that library earns.
rm -rf "$ROOT/target/dist-build/wheel"
"$TOOLS/bin/python" -m pip wheel --quiet --no-input --no-deps --disable-pip-version-check \
  -w "$ROOT/target/dist-build/wheel" "$ROOT/python" \
  -C prebuilt-library="$STAGED/lib/libagcupload.so.$VERSION" -C platform-tag="$WHEEL_PLATFORM" -C notices="$NOTICES"
wheel="agcupload-$VERSION-py3-none-$WHEEL_PLATFORM.whl"
[ -f "$ROOT/target/dist-build/wheel/$wheel" ] || { echo "package: pip made no $wheel:" >&2; ls "$ROOT/target/dist-build/wheel" >&2; exit 1; }
cp "$ROOT/target/dist-build/wheel/$wheel" "$DIST/"
mkdir -p "$ROOT/target/dist-build/wheel/so"
"$TOOLS/bin/python" -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("agcupload/libagcupload.so"))' \
  "$DIST/$wheel" "$ROOT/target/dist-build/wheel/so/libagcupload.so"
"$ROOT/scripts/dist/check-glibc.sh" "$ROOT/target/dist-build/wheel/so/libagcupload.so"
echo "  $wheel $(wc -c <"$DIST/$wheel") bytes"
