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
#    fresh venv of the system's Python, uploading to the mock with a progress callback;
#  - the npm packages: the main one carries no library and no script, the linux-x64-gnu one the
#    portable library (the archive's), the licenses and notices, with its os, cpu and libc;
#    `npm publish --dry-run` of each; both installed from their tarballs into a fresh project
#    (the @agcupload scope pointed at npm/absent-registry.cjs, so npm finds the other platforms'
#    optional packages absent, as they are on another machine), printing no warning about them;
#    programs in ESM and CommonJS upload to the mock, one in TypeScript type-checks (tsc
#    --strict) and a wrong one does not; on a simulated other platform (arm64, musl) the loader
#    fails with its one error naming the platform and the fixes, and AGCUPLOAD_LIBRARY fixes it;
#  - THIRD-PARTY-NOTICES in dist/ is the committed one, and scripts/dist/check-notices.sh fails
#    a notices file that lacks a crate.
# Runs under scripts/with-mock.sh (started here when AGC_MOCK_BASE_URL is unset). Needs cc,
# cmake, pkg-config, readelf, objdump, sha256sum, the system's python3 with venv, node and npm
# in /usr/bin, and the npm registry (koffi, typescript, @types/node).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ -z "${AGC_MOCK_BASE_URL:-}" ]; then exec scripts/with-mock.sh "$0" "$@"; fi
VERSION=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
NAME="agcupload-$VERSION-x86_64-linux-gnu"
WHEEL="agcupload-$VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
NPM_MAIN="agcupload-$VERSION.tgz"
NPM_PLATFORM="agcupload-linux-x64-gnu-$VERSION.tgz"
DIST="$ROOT/dist"
TOOLS="$ROOT/target/tools/dist"
for f in "$NAME.tar.gz" "$WHEEL" "$NPM_MAIN" "$NPM_PLATFORM" THIRD-PARTY-NOTICES SHA256SUMS; do
  [ -f "$DIST/$f" ] || { echo "test-dist: dist/$f is missing; run make dist" >&2; exit 2; }
done

# A user's machine: the system's tools only, and Node.js's folder (CI's setup-node puts it
# elsewhere; the check below proves it holds no cargo). CARGO and the like would point a build at
# Rust. (The notices' checks alone run with the PATH given, for cargo metadata.)
FULL_PATH=$PATH
NODE_DIR=$(dirname "$(command -v node || echo /usr/bin/node)")
PATH=/usr/bin:/bin
case "$NODE_DIR" in /usr/bin | /bin) ;; *) PATH="$PATH:$NODE_DIR" ;; esac
export PATH
unset CARGO RUSTC RUSTUP_TOOLCHAIN CARGO_TARGET_DIR LD_LIBRARY_PATH PYTHONPATH AGCUPLOAD_LIBRARY AGCUPLOAD_LIB
export AGC_CLIENT_ID="$AGC_MOCK_CLIENT_ID" AGC_CLIENT_SECRET="$AGC_MOCK_CLIENT_SECRET"
export AGC_API_BASE="$AGC_MOCK_BASE_URL" AGC_CA_FILE="$AGC_MOCK_CA_FILE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-dist.XXXXXX")
REGISTRY_PID=
cleanup() {
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
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
for tool in cc cmake pkg-config readelf objdump sha256sum python3 node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-dist: $tool is missing from $PATH" >&2; exit 2; }
done

echo "== dist/SHA256SUMS"
check "sha256sum -c SHA256SUMS" sh -c "cd '$DIST' && sha256sum -c SHA256SUMS"
check "SHA256SUMS covers every artefact in dist/" sh -c \
  "cd '$DIST' && [ \"\$(ls | grep -vx SHA256SUMS | LC_ALL=C sort)\" = \"\$(awk '{ sub(/^\\*/, \"\", \$2); print \$2 }' SHA256SUMS | LC_ALL=C sort)\" ]"

echo "== scripts/dist/merge-sums.sh (the release workflow's merge of the build jobs' dist/)"
# Another job's folder: the same notices, one file of its own, its own SHA256SUMS.
mkdir -p "$WORK/job2"
cp "$DIST/THIRD-PARTY-NOTICES" "$WORK/job2/"
echo "another target's archive" >"$WORK/job2/agcupload-$VERSION-other.tar.gz"
(cd "$WORK/job2" && sha256sum agcupload-"$VERSION"-other.tar.gz THIRD-PARTY-NOTICES >SHA256SUMS)
merged_sums_cover_both() {
  scripts/dist/merge-sums.sh "$WORK/merged" "$DIST" "$WORK/job2" && cd "$WORK/merged" && sha256sum -c --quiet SHA256SUMS &&
    [ "$(wc -l <SHA256SUMS)" = "$(($(wc -l <"$DIST/SHA256SUMS") + 1))" ] && grep -q " agcupload-$VERSION-other.tar.gz\$" SHA256SUMS &&
    [ "$(grep -c ' THIRD-PARTY-NOTICES$' SHA256SUMS)" = 1 ]
}
check "merges two jobs' folders into one SHA256SUMS (a file both hold listed once)" merged_sums_cover_both
cd "$ROOT"
echo "changed" >>"$WORK/job2/THIRD-PARTY-NOTICES"
(cd "$WORK/job2" && sha256sum agcupload-"$VERSION"-other.tar.gz THIRD-PARTY-NOTICES >SHA256SUMS)
merge_refused() { # merge_refused OUT MESSAGE: merging dist/ and job2 into OUT fails, saying MESSAGE
  if scripts/dist/merge-sums.sh "$1" "$DIST" "$WORK/job2" >"$WORK/merge.out" 2>&1; then echo "merged"; return 1; fi
  cat "$WORK/merge.out"
  grep -qF "$2" "$WORK/merge.out"
}
check "refuses a file two jobs hold with different contents" merge_refused "$WORK/merged2" "THIRD-PARTY-NOTICES differs between the jobs"
echo "bytes in transit" >>"$WORK/job2/agcupload-$VERSION-other.tar.gz"
check "refuses a folder whose file does not match its own SHA256SUMS" merge_refused "$WORK/merged3" "does not match its SHA256SUMS"

echo "== THIRD-PARTY-NOTICES"
check "dist/THIRD-PARTY-NOTICES is the committed file, and it is fresh" sh -c \
  "cmp THIRD-PARTY-NOTICES '$DIST/THIRD-PARTY-NOTICES' && PATH='$FULL_PATH' scripts/dist/check-notices.sh"
stale_notices_fail() { # a notices file without ring fails, naming it and the fix
  grep -v '^  - ring ' THIRD-PARTY-NOTICES >"$WORK/stale-notices"
  if PATH=$FULL_PATH scripts/dist/check-notices.sh "$WORK/stale-notices" 2>"$WORK/stale.err"; then echo "passed"; return 1; fi
  cat "$WORK/stale.err"
  grep -q 'run make notices' "$WORK/stale.err" && grep -q '^  + ring ' "$WORK/stale.err"
}
check "check-notices fails a notices file that lacks a crate built in (ring), saying: run make notices" stale_notices_fail

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

echo "== npm: the packages"
# manifest TARBALL: the package.json inside an npm tarball
manifest() { tar -xzOf "$1" package/package.json; }
main_has_no_library_nor_script() {
  tar -tzf "$DIST/$NPM_MAIN" | tee "$WORK/main.list"
  if grep -E '\.(so|dylib|dll)$' "$WORK/main.list"; then echo "a library in the main package"; return 1; fi
  grep -qx package/lib/native.cjs "$WORK/main.list" && grep -qx package/LICENSE-MIT "$WORK/main.list" &&
    manifest "$DIST/$NPM_MAIN" | node -e '
      const p = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (p.scripts) throw new Error("scripts: " + JSON.stringify(p.scripts));
      const want = ["linux-x64-gnu", "linux-arm64-gnu", "darwin-x64", "darwin-arm64"].map((k) => "@agcupload/" + k);
      if (JSON.stringify(Object.keys(p.optionalDependencies)) !== JSON.stringify(want)) throw new Error(JSON.stringify(p.optionalDependencies));
      if (Object.values(p.optionalDependencies).some((v) => v !== p.version)) throw new Error("versions differ from " + p.version);'
}
check "$NPM_MAIN: no library, no scripts; the four platform packages as optionalDependencies at its version" main_has_no_library_nor_script
platform_package_holds_the_library() {
  tar -tzf "$DIST/$NPM_PLATFORM" | LC_ALL=C sort | tee "$WORK/platform.list"
  [ "$(tr '\n' ' ' <"$WORK/platform.list")" = "package/LICENSE-APACHE package/LICENSE-MIT package/README.md package/THIRD-PARTY-NOTICES package/libagcupload.so package/package.json " ] &&
    manifest "$DIST/$NPM_PLATFORM" | node -e '
      const p = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const got = JSON.stringify([p.name, p.version, p.os, p.cpu, p.libc, p.scripts]);
      const want = JSON.stringify(["@agcupload/linux-x64-gnu", process.argv[1], ["linux"], ["x64"], ["glibc"], undefined]);
      if (got !== want) throw new Error(got + " is not " + want);' "$VERSION" &&
    mkdir -p "$WORK/platform" && tar -xzf "$DIST/$NPM_PLATFORM" -C "$WORK/platform" &&
    tar -xzOf "$DIST/$NAME.tar.gz" "$NAME/lib/libagcupload.so.$VERSION" | cmp - "$WORK/platform/package/libagcupload.so" &&
    cmp THIRD-PARTY-NOTICES "$WORK/platform/package/THIRD-PARTY-NOTICES" &&
    scripts/dist/check-glibc.sh "$WORK/platform/package/libagcupload.so"
}
check "$NPM_PLATFORM: the archive's library (glibc 2.17), licenses, notices; os linux, cpu x64, libc glibc" \
  platform_package_holds_the_library

# A registry that has nothing, for the @agcupload scope: npm must not fetch a published platform
# package (the ones under test are local tarballs), and finds the other platforms' absent.
node npm/absent-registry.cjs "$WORK/registry.port" &
REGISTRY_PID=$!
i=0
while [ ! -s "$WORK/registry.port" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$WORK/registry.port" ] || { echo "test-dist: npm/absent-registry.cjs did not start" >&2; exit 2; }
ABSENT="http://127.0.0.1:$(cat "$WORK/registry.port")/"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
for t in "$NPM_PLATFORM" "$NPM_MAIN"; do
  check "npm publish --dry-run $t" sh -c "npm publish --dry-run --registry='$ABSENT' '$DIST/$t' 2>&1 | tail -n 3"
done

NPMP="$WORK/npm project"
mkdir -p "$NPMP"
cd "$NPMP"
printf '{ "name": "agc-dist-npm", "version": "1.0.0", "private": true }\n' >package.json
printf '@agcupload:registry=%s\n' "$ABSENT" >.npmrc
npm_installs() {
  npm install "$DIST/$NPM_MAIN" "$DIST/$NPM_PLATFORM" >"$WORK/npm-install.log" 2>&1 || { cat "$WORK/npm-install.log"; return 1; }
  cat "$WORK/npm-install.log"
  # No warning names our packages (a script of theirs, a platform mismatch, ...).
  if grep -i 'warn' "$WORK/npm-install.log" | grep -i 'agcupload'; then return 1; fi
  [ -f node_modules/@agcupload/linux-x64-gnu/libagcupload.so ] && [ ! -e node_modules/agcupload/libagcupload.so ] &&
    for k in linux-arm64-gnu darwin-x64 darwin-arm64; do [ ! -e "node_modules/@agcupload/$k" ] || { echo "installed $k"; return 1; }; done
}
check "npm install of the two tarballs (no cargo on PATH): no warning about them, the platform package in place" npm_installs
echo "     npm install printed:"; sed 's/^/     | /' "$WORK/npm-install.log"
check "npm install typescript@5 @types/node@20 (the registry)" \
  npm install --no-save --silent typescript@5 @types/node@20

cat >esm.mjs <<'JS'
import fs from 'node:fs';
import path from 'node:path';
import { Client, HARMONY_APP, libraryPath, version } from 'agcupload';
const want = fs.realpathSync(path.join('node_modules', '@agcupload', 'linux-x64-gnu', 'libagcupload.so'));
if (fs.realpathSync(libraryPath) !== want) throw new Error(`loaded ${libraryPath}, not ${want}`);
const c = new Client({ clientId: process.env.AGC_CLIENT_ID, clientSecret: process.env.AGC_CLIENT_SECRET,
  apiBase: process.env.AGC_API_BASE, caFile: process.env.AGC_CA_FILE });
let calls = 0;
const r = await c.uploadFile('10001', process.argv[2], { kind: HARMONY_APP, progress: () => { calls++; } });
c.close();
if (r.size !== fs.statSync(process.argv[2]).size || !r.objectId || !calls) throw new Error(JSON.stringify(r));
console.log(`esm: uploaded ${r.objectId} with ${calls} progress calls; agcupload ${version()} from ${libraryPath}`);
JS
cat >cjs.cjs <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const { Client, HARMONY_APP, libraryPath, version } = require('agcupload');
const want = fs.realpathSync(path.join('node_modules', '@agcupload', 'linux-x64-gnu', 'libagcupload.so'));
if (fs.realpathSync(libraryPath) !== want) throw new Error(`loaded ${libraryPath}, not ${want}`);
const c = new Client({ clientId: process.env.AGC_CLIENT_ID, clientSecret: process.env.AGC_CLIENT_SECRET,
  apiBase: process.env.AGC_API_BASE, caFile: process.env.AGC_CA_FILE });
c.uploadFile('10001', process.argv[2], { kind: HARMONY_APP }).then((r) => {
  c.close();
  if (r.size !== fs.statSync(process.argv[2]).size || !r.objectId) throw new Error(JSON.stringify(r));
  console.log(`cjs: uploaded ${r.objectId}; agcupload ${version()} from ${libraryPath}`);
});
JS
cat >app.mts <<'TS'
import fs from 'node:fs';
import { Client, HARMONY_APP, AgcError, Transfer, type UploadResult } from 'agcupload';
export async function upload(file: string): Promise<string> {
  const c = new Client({ clientId: process.env.AGC_CLIENT_ID ?? '', clientSecret: process.env.AGC_CLIENT_SECRET ?? '',
    apiBase: process.env.AGC_API_BASE, caFile: process.env.AGC_CA_FILE });
  try {
    let calls = 0;
    const r: UploadResult = await c.uploadFile('10001', file, {
      kind: HARMONY_APP, transfer: Transfer.AUTO,
      progress: (phase: string, done: number, total: number) => { void phase; void done; void total; calls++; },
    });
    if (r.size !== fs.statSync(file).size || !calls) throw new Error(JSON.stringify(r));
    return `${r.objectId} ${r.size}`;
  } catch (e) {
    if (e instanceof AgcError) return e.code;
    throw e;
  } finally {
    c.close();
  }
}
console.log(`typescript: uploaded ${await upload(process.argv[2] ?? '')}`);
TS
sed -e "s/uploadFile('10001', file/uploadFile(10001, file/" app.mts >wrong.mts
TSC="node_modules/.bin/tsc --strict --noEmit --module node16 --moduleResolution node16 --target es2022 --types node"
check "ESM: import from 'agcupload', upload to the mock with progress, from the platform package" node esm.mjs "$WORK/a.app"
check "CommonJS: require('agcupload'), upload to the mock, from the platform package" node cjs.cjs "$WORK/a.app"
check "TypeScript: a program using the package type-checks (tsc --strict)" sh -c "$TSC app.mts"
# Compiled as tsc would for a user, then run: it uploads to the mock (an AgcError's code would
# be printed instead of an object id, and fail the grep).
ts_uploads() {
  sh -c "$(printf '%s' "$TSC" | sed 's/ --noEmit//') --outDir ts-out app.mts" &&
    node ts-out/app.mjs "$WORK/a.app" | tee "$WORK/ts.out" && grep -q '^typescript: uploaded 10001/' "$WORK/ts.out"
}
check "TypeScript: the compiled program uploads to the mock from the platform package" ts_uploads
tsc_refuses_wrong() {
  grep -qF 'uploadFile(10001, file' wrong.mts || { echo "wrong.mts is not wrong"; return 1; }
  if sh -c "$TSC wrong.mts" >"$WORK/tsc.out" 2>&1; then echo "tsc passed wrong.mts"; return 1; fi
  cat "$WORK/tsc.out"
  grep -q 'error TS2345' "$WORK/tsc.out"
}
check "TypeScript: the types refuse a number as appId" tsc_refuses_wrong

# Another platform, simulated for the loader alone: koffi loads first for this one, then
# process.arch (and the C library the report names) say otherwise.
cat >other-platform.cjs <<'JS'
require('koffi');
const [arch, libc] = process.env.AGC_TEST_OTHER_PLATFORM.split(',');
Object.defineProperty(process, 'arch', { value: arch, configurable: true, enumerable: true });
if (libc === 'musl') {
  const real = process.report.getReport.bind(process.report);
  process.report.getReport = () => { const r = real(); delete r.header.glibcVersionRuntime; return r; };
}
JS
# fails_for OTHER PATTERN...: requiring agcupload there throws one Error, whose message (all
# that is printed) starts with the platform and matches each PATTERN
fails_for() {
  other=$1; shift
  if AGC_TEST_OTHER_PLATFORM=$other node -r ./other-platform.cjs -e '
      try { require("agcupload"); } catch (e) { console.error(e instanceof Error ? e.message : "not an Error: " + e); process.exit(3); }' \
      >"$WORK/other.out" 2>&1; then
    echo "loaded on $other"; return 1
  fi
  cat "$WORK/other.out"
  [ "$(wc -l <"$WORK/other.out")" = 1 ] && grep -q '^agcupload: no libagcupload for this platform, ' "$WORK/other.out" || return 1
  for want in "$@"; do grep -qF -- "$want" "$WORK/other.out" || { echo "missing: $want"; return 1; }; done
}
check "on linux-arm64-gnu without its package: one error naming the platform, the package and the fixes" fails_for arm64,glibc \
  'for this platform, linux-arm64-gnu:' '@agcupload/linux-arm64-gnu is not installed' 'AGCUPLOAD_LIBRARY' 'npm install --install-links'
check "on linux-x64-musl: one error naming the platform, the supported ones and the fixes" fails_for x64,musl \
  'for this platform, linux-x64-musl:' 'only for linux-x64-gnu, linux-arm64-gnu, darwin-x64, darwin-arm64' 'AGCUPLOAD_LIBRARY' '(needs cargo)'
check "... where AGCUPLOAD_LIBRARY, the fix it names, loads the library" sh -c \
  "AGC_TEST_OTHER_PLATFORM=x64,musl AGCUPLOAD_LIBRARY='$NPMP/node_modules/@agcupload/linux-x64-gnu/libagcupload.so' \
   node -r ./other-platform.cjs -e 'const a = require(\"agcupload\"); console.log(a.version(), a.libraryPath)'"
cd "$ROOT"

echo "test-dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
