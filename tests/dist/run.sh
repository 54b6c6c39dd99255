#!/bin/sh
# `make test-dist`: every artefact of `make dist` installed and used the way a user would, with
# no Rust toolchain on PATH (PATH=/usr/bin:/bin, and cargo and rustc proved absent):
#  - dist/SHA256SUMS verifies (sha256sum -c);
#  - scripts/dist/check-glibc.sh passes the shipped ELF files and fails the normal
#    target/release build (glibc 2.34), so the check can fail;
#  - the archive, unpacked into a fresh folder whose path holds a space: its layout, links and
#    SONAME; bin/agcupload --version and an upload; tests/install/consumer.c built with
#    pkg-config (shared and --static) and with CMake (both targets) from that folder alone
#    (the .pc and CMake files are relocatable), each uploading; then the folder moved and the
#    CMake project configured again from the new place;
#  - the wheel: twine check, auditwheel show (manylinux_2_17), its contents, then installed into a
#    fresh venv of the system's Python, uploading to the mock with a progress callback.
# Runs under scripts/with-mock.sh (started here when AGC_MOCK_BASE_URL is unset). Needs cc,
# cmake, pkg-config, readelf, objdump, sha256sum and the system's python3 with venv, in /usr/bin.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ -z "${AGC_MOCK_BASE_URL:-}" ]; then exec scripts/with-mock.sh "$0" "$@"; fi
VERSION=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
NAME="agcupload-$VERSION-x86_64-linux-gnu"
WHEEL="agcupload-$VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
DIST="$ROOT/dist"
TOOLS="$ROOT/target/tools/dist"
for f in "$NAME.tar.gz" "$WHEEL" THIRD-PARTY-NOTICES SHA256SUMS; do
  [ -f "$DIST/$f" ] || { echo "test-dist: dist/$f is missing; run make dist" >&2; exit 2; }
done

# A user's machine: the system's tools only. CARGO and the like would point a build at Rust.
PATH=/usr/bin:/bin
export PATH
unset CARGO RUSTC RUSTUP_TOOLCHAIN CARGO_TARGET_DIR LD_LIBRARY_PATH PYTHONPATH AGCUPLOAD_LIBRARY AGCUPLOAD_LIB
export AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET"
export AGC_API_BASE="$AGC_MOCK_BASE_URL" AGC_CA_FILE="$AGC_MOCK_CA_FILE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-dist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
passed=0
failed=0
check() { # check NAME COMMAND... : runs a check, counts it, prints ok/FAIL
  name=$1; shift
  if "$@" >"$WORK/out" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$WORK/out"; fi
}
# pkg-config writes a space in a path as `\ `: a command line holding its output is run
# through the shell, which reads `\ ` back as a space within a word (as tests/install/run.sh).
sh_run() { sh -c "$1"; }
soname_of() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }

echo "== PATH=$PATH"
check "no cargo and no rustc on PATH" sh -c '! command -v cargo && ! command -v rustc'
for tool in cc cmake pkg-config readelf objdump sha256sum python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-dist: $tool is missing from /usr/bin:/bin" >&2; exit 2; }
done

echo "== dist/SHA256SUMS"
check "sha256sum -c SHA256SUMS" sh -c "cd '$DIST' && sha256sum -c SHA256SUMS"
check "SHA256SUMS covers every artefact in dist/" sh -c \
  "cd '$DIST' && [ \"\$(ls | grep -vx SHA256SUMS | LC_ALL=C sort)\" = \"\$(awk '{ sub(/^\\*/, \"\", \$2); print \$2 }' SHA256SUMS | LC_ALL=C sort)\" ]"

echo "== the glibc floor"
if [ -f target/release/libagcupload.so ]; then
  check "check-glibc fails the normal build (target/release/libagcupload.so needs a newer glibc)" \
    sh -c "! scripts/dist/check-glibc.sh target/release/libagcupload.so"
else
  failed=$((failed + 1)); echo "FAIL target/release/libagcupload.so is missing (make lib) for the failing case"
fi

echo "== the archive, unpacked into a fresh folder"
UNPACK="$WORK/unpacked here"
mkdir -p "$UNPACK"
check "tar xzf $NAME.tar.gz" tar -xzf "$DIST/$NAME.tar.gz" -C "$UNPACK"
D="$UNPACK/$NAME"
SOVER=$(soname_of "$D/lib/libagcupload.so.$VERSION" 2>/dev/null || true)
check "the archive holds the layout it promises" sh -c "cd '$D' && for f in bin/agcupload include/agcupload.h \
  lib/libagcupload.so.$VERSION lib/libagcupload.a lib/pkgconfig/agcupload.pc \
  lib/cmake/agcupload/agcuploadConfig.cmake lib/cmake/agcupload/agcuploadConfigVersion.cmake \
  LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES README; do [ -f \"\$f\" ] || { echo \"missing \$f\"; exit 1; }; done"
check "lib/$SOVER -> libagcupload.so.$VERSION and libagcupload.so -> $SOVER" sh -c \
  "[ -n '$SOVER' ] && [ \"\$(readlink '$D/lib/$SOVER')\" = libagcupload.so.$VERSION ] && \
   [ \"\$(readlink '$D/lib/libagcupload.so')\" = '$SOVER' ]"
check "the shipped ELF files need glibc 2.17 at most" \
  scripts/dist/check-glibc.sh "$D/lib/libagcupload.so.$VERSION" "$D/bin/agcupload"
check "the library and the tool are stripped" sh -c \
  "! readelf -S --wide '$D/lib/libagcupload.so.$VERSION' | grep -q ' \\.symtab ' && ! readelf -S --wide '$D/bin/agcupload' | grep -q ' \\.symtab '"
check "the notices name the crates built in (rustls, ring, ureq)" sh -c \
  "grep -q ' rustls ' '$D/THIRD-PARTY-NOTICES' && grep -q ' ring ' '$D/THIRD-PARTY-NOTICES' && grep -q ' ureq ' '$D/THIRD-PARTY-NOTICES'"
# `make dist` staged the files under the prefix /$NAME: not one of them may remember it.
check "the .pc and CMake files find the folder from their own place, naming no build path" sh -c \
  "grep -qxF 'prefix=\${pcfiledir}/../..' '$D/lib/pkgconfig/agcupload.pc' && \
   grep -qF '\"\${CMAKE_CURRENT_LIST_DIR}/../../..\"' '$D/lib/cmake/agcupload/agcuploadConfig.cmake' && \
   ! grep -rF '/$NAME' '$D/lib/pkgconfig' '$D/lib/cmake' && ! grep -rF '$ROOT' '$D/lib/pkgconfig' '$D/lib/cmake'"

echo "== bin/agcupload"
python3 scripts/make-app.py "$WORK/a.app" --size 200004 >/dev/null
check "bin/agcupload --version says $VERSION" sh -c "'$D/bin/agcupload' --version | grep -qF '$VERSION'"
check "bin/agcupload upload --json uploads to the mock" sh -c \
  "'$D/bin/agcupload' upload --json 10001 '$WORK/a.app' >'$WORK/upload.json' && \
   python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j[\"ok\"] and j[\"size\"] == 200004 and j[\"object_id\"], j' '$WORK/upload.json'"

echo "== C: tests/install/consumer.c against the unpacked archive"
mkdir -p "$WORK/src/cmake" "$WORK/run"
cp tests/install/consumer.c "$WORK/src/"
cp tests/install/cmake/CMakeLists.txt "$WORK/src/cmake/"
cd "$WORK/src"
export PKG_CONFIG_LIBDIR="$D/lib/pkgconfig" PKG_CONFIG_PATH="$D/lib/pkgconfig"
check "pkg-config finds agcupload $VERSION in the unpacked folder" pkg-config --exact-version="$VERSION" agcupload
libdir=$(pkg-config --variable=libdir agcupload)
check "pkg-config shared build" sh_run "cc -Wall -Wextra -Werror -std=c11 consumer.c -o consumer-pc \
  $(pkg-config --cflags --libs agcupload) -Wl,-rpath,$libdir"
check "pkg-config shared binary needs $SOVER and uploads to the mock" sh -c \
  "readelf -d consumer-pc | grep -q 'NEEDED.*\\[$SOVER\\]' && ./consumer-pc '$WORK/run'"
static_libs=$(pkg-config --static --libs agcupload | sed 's/-lagcupload/-Wl,-Bstatic -lagcupload -Wl,-Bdynamic/')
check "pkg-config --static build" sh_run "cc -Wall -Wextra -Werror -std=c11 consumer.c -o consumer-pc-static \
  $(pkg-config --static --cflags agcupload) $static_libs"
check "pkg-config static binary needs no libagcupload.so and uploads to the mock" sh -c \
  "! readelf -d consumer-pc-static | grep -q 'NEEDED.*libagcupload' && ./consumer-pc-static '$WORK/run'"
unset PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
check "cmake configure and build (find_package from the unpacked folder)" sh -c \
  "cmake -S cmake -B build -DCMAKE_PREFIX_PATH='$D' -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF && cmake --build build"
check "cmake agcupload::agcupload binary uploads to the mock" build/consumer_shared "$WORK/run"
check "cmake agcupload::agcupload_static binary needs no libagcupload.so and uploads to the mock" sh -c \
  "! readelf -d build/consumer_static | grep -q 'NEEDED.*libagcupload' && build/consumer_static '$WORK/run'"
MOVED="$WORK/moved elsewhere"
mv "$UNPACK" "$MOVED"
check "moved to another folder, CMake finds it there" sh -c \
  "cmake -S cmake -B build-moved -DCMAKE_PREFIX_PATH='$MOVED/$NAME' -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF && \
   cmake --build build-moved && build-moved/consumer_shared '$WORK/run' && \
   grep -qF '$MOVED/$NAME/lib/libagcupload.so.$VERSION' build-moved/CMakeCache.txt build-moved/CMakeFiles/*/link.txt"
cd "$ROOT"

echo "== the commands of docs/guide/install.md and the README's C quick start, as written"
# Run in a folder of their own holding what they name: the archive and SHA256SUMS, the README's
# program as app.c, and a CMake project around it for the `cmake -S .` line.
DOC="$WORK/doc"
mkdir -p "$DOC"
cp "$DIST/$NAME.tar.gz" "$DIST/SHA256SUMS" "$DOC/"
# block FILE HEADING LANG: the first ```LANG block after the line HEADING
block() { awk -v h="$2" -v l="$3" '$0 == h { f = 1 } f && $0 == "```" l { p = 1; next } p && /^```$/ { exit } p' "$1"; }
block README.md '## Quick start: C' c >"$DOC/app.c"
block README.md '## Quick start: C' sh >"$DOC/readme.sh"
block docs/guide/install.md '## The release archive' sh >"$DOC/install.sh"
printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' 'project(app C)' 'find_package(agcupload 0.1 CONFIG REQUIRED)' \
  'add_executable(app app.c)' 'target_link_libraries(app PRIVATE agcupload::agcupload)' >"$DOC/CMakeLists.txt"
# Without credentials the program must get as far as the library's own error (so it was found
# at run time), not the loader's.
runs_into_library() {
  rc=0; env -u AGC_CLIENT_ID -u AGC_CLIENT_SECRET "$1" >"$DOC/run.out" 2>&1 || rc=$?
  if [ "$rc" = 1 ] && ! grep -q 'error while loading shared libraries' "$DOC/run.out"; then return 0; fi
  cat "$DOC/run.out"; echo "$1: exit $rc"; return 1
}
check "install.md's archive commands run as written (checksum, unpack, --version, pkg-config, cmake)" sh -c \
  "[ -s '$DOC/install.sh' ] && [ -s '$DOC/app.c' ] && cd '$DOC' && sh -eu install.sh && cmake --build build"
docs_programs_run() { runs_into_library "$DOC/a.out" && runs_into_library "$DOC/build/app"; }
check "the programs they built find the library at run time (rpath)" docs_programs_run
check "the README's C build line, as written, against the unpacked archive" sh -c \
  "[ -s '$DOC/readme.sh' ] && cd '$DOC' && D='$DOC/$NAME' sh -eu readme.sh && [ -x app ]"
check "... and that program finds the library at run time" runs_into_library "$DOC/app"

echo "== the wheel"
check "twine check" "$TOOLS/bin/twine" check --strict "$DIST/$WHEEL"
check "auditwheel show: manylinux_2_17_x86_64 compatible" sh -c \
  "'$TOOLS/bin/auditwheel' show '$DIST/$WHEEL' | tee /dev/stderr | tr '\\n' ' ' | grep -q 'consistent with the following platform tag: \"manylinux_2_17_x86_64\"'"
tr '\n' ' ' <"$WORK/out" | grep -o 'consistent with the following platform tag: "[^"]*"' | sed 's/^/     /' || true
check "the wheel carries the library, py.typed, the licenses and the notices; tags in WHEEL" python3 - "$DIST/$WHEEL" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
info = [n for n in names if n.endswith(".dist-info/WHEEL")][0].rsplit("/", 1)[0]
for want in ("agcupload/__init__.py", "agcupload/py.typed", "agcupload/libagcupload.so",
             info + "/LICENSE-MIT", info + "/LICENSE-APACHE", info + "/THIRD-PARTY-NOTICES"):
    assert want in names, "%s missing: %s" % (want, names)
tags = [l.split(": ", 1)[1] for l in z.read(info + "/WHEEL").decode().splitlines() if l.startswith("Tag: ")]
assert tags == ["py3-none-manylinux_2_17_x86_64", "py3-none-manylinux2014_x86_64"], tags
PY
# The backend's release settings refuse what they cannot honour, before anything is built.
refused() { # refused MESSAGE SETTING...: pip wheel ./python fails, saying MESSAGE
  want=$1; shift
  if "$TOOLS/bin/python" -m pip wheel --quiet --no-input --no-deps --disable-pip-version-check \
      -w "$WORK/refused" "$ROOT/python" "$@" >"$WORK/refused.log" 2>&1; then
    echo "pip wheel succeeded"; return 1
  fi
  grep -q "$want" "$WORK/refused.log" || { cat "$WORK/refused.log"; return 1; }
}
check "the backend refuses a platform tag that is none" refused "is not a platform tag" -C platform-tag="manylinux 2.17"
check "the backend refuses an unknown setting" refused "unknown config setting" -C prebuilt-libary=x
check "the backend refuses a prebuilt library that is missing" refused "no such file" -C prebuilt-library="$WORK/none.so"
VENV="$WORK/venv"
check "a fresh venv of the system's Python; pip install the wheel (no index)" sh -c \
  "python3 -m venv '$VENV' && '$VENV/bin/python' -m pip install --quiet --no-index --disable-pip-version-check '$DIST/$WHEEL'"
check "the installed library needs glibc 2.17 at most" sh -c \
  "scripts/dist/check-glibc.sh \"\$('$VENV/bin/python' -I -c 'import agcupload; print(agcupload.library_path)')\""
cd "$WORK"
check "Python uploads to the mock with a progress callback, from the bundled library" "$VENV/bin/python" -I - "$WORK/a.app" "$VENV" <<'PY'
import os, sys
import agcupload
path, venv = sys.argv[1], sys.argv[2]
assert os.path.realpath(agcupload.library_path).startswith(os.path.realpath(venv)), agcupload.library_path
calls = []
with agcupload.Client(os.environ["AGC_MOCK_CLIENT_ID"], os.environ["AGC_MOCK_CLIENT_SECRET"]) as c:
    c.set_api_base(os.environ["AGC_MOCK_BASE_URL"])
    c.set_ca_file(os.environ["AGC_MOCK_CA_FILE"])
    r = c.upload_file("10001", path, agcupload.HARMONY_APP,
                      progress=lambda phase, done, total: calls.append((str(phase), done, total)))
size = os.path.getsize(path)
assert r.size == size and r.object_id, (r.size, r.object_id)
assert calls and any(done == total == size for _, done, total in calls), calls[-5:]
print("uploaded", r.object_id, "with", len(calls), "progress calls, library", agcupload.library_path)
PY
cd "$ROOT"

echo "test-dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
