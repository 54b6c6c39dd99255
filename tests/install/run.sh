#!/bin/sh
# `make test-install`: install libagcupload into a temporary prefix, then, using only that
# prefix, build the consumer (tests/install/consumer.c) four ways and have each upload to the
# mock server: pkg-config shared, pkg-config --static, CMake agcupload::agcupload and CMake
# agcupload::agcupload_static. Then `make uninstall` must leave the prefix empty; the same with
# a DESTDIR staging root and a layout of its own (absolute paths in the .pc and CMake files; the
# default layout's are relative to their own place). Both prefixes hold a space
# (docs/guide/install.md: every path is quoted, the .pc escapes it), and the source tree must be
# as it was (`git status --porcelain`, and every path outside target/ and .git): a path split at
# a space used to leave directories there. A prefix with a quote is refused before anything is written. Needs cc, pkg-config, cmake, readelf (Linux), git.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAKE=${MAKE:-make}
cd "$ROOT"
if [ -z "${AGC_MOCK_BASE_URL:-}" ]; then exec scripts/with-mock.sh "$0" "$@"; fi
for tool in pkg-config cmake readelf git "${CC:-cc}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-install: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
PREFIX="$WORK/with space/prefix"
mkdir -p "$PREFIX" "$WORK/src/cmake" "$WORK/run"
# What the source tree holds, to compare at the end: git's view, and every path outside target/
# and .git (git shows no empty directory, which is what a split path left behind).
tree_state() { git status --porcelain --untracked-files=all; find . -path ./target -prune -o -path ./.git -prune -o -print | LC_ALL=C sort; }
tree_state >"$WORK/tree.before"
# The consumer's sources, away from the source tree (so no include/ of ours is near).
cp tests/install/consumer.c "$WORK/src/"
cp tests/install/cmake/CMakeLists.txt "$WORK/src/cmake/"
passed=0
failed=0
check() { # check NAME COMMAND... : runs a check, counts it, prints ok/FAIL
  name=$1; shift
  if "$@" >"$WORK/out" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$WORK/out"; fi
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
# pkg-config's output quotes a space as `\ ` (for a shell or make to read): run a command line
# that holds its output through the shell, which turns `\ ` back into a space within a word.
sh_run() { sh -c "$1"; }

echo "== make install PREFIX=$PREFIX"
$MAKE --no-print-directory install PREFIX="$PREFIX" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 1; }
SOVER=$(readelf -d "$PREFIX/lib/libagcupload.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
echo "installed SONAME: $SOVER"
check "SONAME follows the rule (0.y.z -> .so.0.y)" test "$SOVER" = "libagcupload.so.0.1"
check "the SONAME link and libagcupload.so resolve to libagcupload.so.0.1.0" \
  sh -c "[ \"\$(readlink '$PREFIX/lib/libagcupload.so')\" = libagcupload.so.0.1 ] && \
         [ \"\$(readlink '$PREFIX/lib/libagcupload.so.0.1')\" = libagcupload.so.0.1.0 ] && \
         [ -f '$PREFIX/lib/libagcupload.so.0.1.0' ] && [ -f '$PREFIX/lib/libagcupload.a' ] && \
         [ -f '$PREFIX/include/agcupload.h' ]"
if [ -x target/release/agcupload ]; then
  check "the agcupload tool is installed under bin/" test -x "$PREFIX/bin/agcupload"
fi

# pkg-config sees only this prefix.
export PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
cd "$WORK/src"
echo "pkg-config --cflags --libs agcupload: $(pkg-config --cflags --libs agcupload)"
echo "pkg-config --static --libs agcupload: $(pkg-config --static --libs agcupload)"
check "pkg-config knows version $(pkg-config --modversion agcupload)" pkg-config --exact-version=0.1.0 agcupload
# shellcheck disable=SC2016 # pkg-config's variable, literally
check "the .pc finds the prefix from its own place" grep -qxF 'prefix=${pcfiledir}/../..' \
  "$PREFIX/lib/pkgconfig/agcupload.pc"
check "the .pc and CMake files name no absolute path (the tree may move)" sh -c \
  "! grep -F '$WORK' '$PREFIX/lib/pkgconfig/agcupload.pc' '$PREFIX/lib/cmake/agcupload/'*.cmake"
check "make install says how the library is found at run time (rpath or ldconfig)" \
  sh -c "grep -q -- '-Wl,-rpath,$PREFIX/lib' '$WORK/install.log' && grep -q 'run ldconfig' '$WORK/install.log'"
libdir=$(pkg-config --variable=libdir agcupload)  # as pkg-config writes it: `\ ` for a space
check "pkg-config shared build" sh_run "${CC:-cc} -Wall -Wextra -Werror -std=c11 consumer.c -o consumer-pc \
  $(pkg-config --cflags --libs agcupload) -Wl,-rpath,$libdir"
check "pkg-config shared binary needs $SOVER" sh -c "readelf -d consumer-pc | grep -q 'NEEDED.*\[$SOVER\]'"
check "pkg-config shared binary uploads to the mock" ./consumer-pc "$WORK/run"
# Static: pkg-config --static adds Libs.private; -Bstatic makes the linker take libagcupload.a
# although libagcupload.so sits beside it (docs/guide/install.md).
static_libs=$(pkg-config --static --libs agcupload | sed 's/-lagcupload/-Wl,-Bstatic -lagcupload -Wl,-Bdynamic/')
check "pkg-config --static build" sh_run "${CC:-cc} -Wall -Wextra -Werror -std=c11 consumer.c -o consumer-pc-static \
  $(pkg-config --static --cflags agcupload) $static_libs"
check "pkg-config static binary needs no libagcupload.so" sh -c "! readelf -d consumer-pc-static | grep -q 'NEEDED.*libagcupload'"
check "pkg-config static binary uploads to the mock" ./consumer-pc-static "$WORK/run"

echo "== cmake find_package(agcupload CONFIG REQUIRED)"
check "cmake configure" cmake -S cmake -B build -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
grep -h "agcupload 0" "$WORK/out" | sed 's/^/     /' || true
check "cmake build" cmake --build build
check "cmake agcupload::agcupload binary needs $SOVER" sh -c "readelf -d build/consumer_shared | grep -q 'NEEDED.*\[$SOVER\]'"
check "cmake agcupload::agcupload binary uploads to the mock" build/consumer_shared "$WORK/run"
check "cmake agcupload::agcupload_static binary needs no libagcupload.so" \
  sh -c "! readelf -d build/consumer_static | grep -q 'NEEDED.*libagcupload'"
check "cmake agcupload::agcupload_static binary uploads to the mock" build/consumer_static "$WORK/run"
check "cmake refuses a version of another ABI (find_package 0.2)" sh -c \
  "mkdir -p v && printf 'cmake_minimum_required(VERSION 3.16)\nproject(v C)\nfind_package(agcupload 0.2 CONFIG REQUIRED)\n' >v/CMakeLists.txt && \
   ! cmake -S v -B v/build -DCMAKE_PREFIX_PATH='$PREFIX' >v/log 2>&1 && grep -q 'version: 0.1.0' v/log"

cd "$ROOT"
echo "== make uninstall PREFIX=$PREFIX"
$MAKE --no-print-directory uninstall PREFIX="$PREFIX" >"$WORK/uninstall.log" 2>&1 || { cat "$WORK/uninstall.log"; exit 1; }
check "make uninstall leaves the prefix empty" sh -c "[ -d '$PREFIX' ] && [ -z \"\$(find '$PREFIX' -mindepth 1)\" ] || { find '$PREFIX'; exit 1; }"

echo "== make install PREFIX=$WORK/it\"s (refused)"
check "a prefix with a quote is refused with a message, nothing written" sh -c \
  "! $MAKE --no-print-directory install PREFIX='$WORK/it\"s' >'$WORK/refused.log' 2>&1 && \
   grep -q 'may not hold a quote' '$WORK/refused.log' && [ ! -e '$WORK/it\"s' ] || { cat '$WORK/refused.log'; exit 1; }"

STAGE="$WORK/stage dir"
# A layout of its own (the header in inc/): the .pc and CMake files name the final paths.
echo "== make install DESTDIR=$STAGE PREFIX=/opt/with space INCLUDEDIR=/opt/with space/inc"
$MAKE --no-print-directory install DESTDIR="$STAGE" PREFIX="/opt/with space" INCLUDEDIR="/opt/with space/inc" \
  >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; exit 1; }
check "DESTDIR stages the files; the .pc and CMake files name the final paths, the .pc escaping spaces" sh -c \
  "[ -f '$STAGE/opt/with space/lib/libagcupload.so.0.1.0' ] && [ -f '$STAGE/opt/with space/inc/agcupload.h' ] && \
   grep -qxF 'prefix=/opt/with\\ space' '$STAGE/opt/with space/lib/pkgconfig/agcupload.pc' && \
   grep -qxF 'includedir=/opt/with\\ space/inc' '$STAGE/opt/with space/lib/pkgconfig/agcupload.pc' && \
   grep -qF '\"/opt/with space/lib/libagcupload.so.0.1.0\"' '$STAGE/opt/with space/lib/cmake/agcupload/agcuploadConfig.cmake' && \
   grep -qF '\"/opt/with space/inc\"' '$STAGE/opt/with space/lib/cmake/agcupload/agcuploadConfig.cmake'"
$MAKE --no-print-directory uninstall DESTDIR="$STAGE" PREFIX="/opt/with space" INCLUDEDIR="/opt/with space/inc" \
  >"$WORK/uninstall.log" 2>&1 || { cat "$WORK/uninstall.log"; exit 1; }
check "make uninstall DESTDIR=... leaves the staged prefix empty" sh -c \
  "[ -d '$STAGE/opt/with space' ] && [ -z \"\$(find '$STAGE/opt/with space' -mindepth 1)\" ] || { find '$STAGE'; exit 1; }"

cd "$ROOT"
tree_state >"$WORK/tree.after"
check "the source tree is as it was (git status --porcelain, and no new directory)" diff "$WORK/tree.before" "$WORK/tree.after"

echo "test-install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
