#!/bin/sh
# `make test-node`: the Node.js package exactly as a user gets it. `npm pack` in node/ (its
# prepare script builds the library with cargo like `make lib`, so a built tree is reused) makes
# the tarball; a fresh project in a temporary directory outside the source tree `npm install`s it
# (koffi comes from the npm registry as its dependency); node/test/*.test.mjs are copied into
# that project and run there with `node --test` against the mock, without LD_LIBRARY_PATH or
# AGCUPLOAD_LIBRARY: the package must load the library it carries. Both projects point the
# @agcupload scope at npm/absent-registry.cjs, so npm never installs a published platform package
# (which the loader would prefer to the library under test).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-node.XXXXXX")
REGISTRY_PID=
cleanup() {
  if [ -n "$REGISTRY_PID" ]; then kill "$REGISTRY_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset LD_LIBRARY_PATH AGCUPLOAD_LIBRARY NODE_PATH
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
node "$ROOT/npm/absent-registry.cjs" "$WORK/registry.port" &
REGISTRY_PID=$!
i=0
while [ ! -s "$WORK/registry.port" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$WORK/registry.port" ] || { echo "test-node: npm/absent-registry.cjs did not start" >&2; exit 2; }
SCOPE_NPMRC="@agcupload:registry=http://127.0.0.1:$(cat "$WORK/registry.port")/"

echo "== npm pack $ROOT/node"
(cd "$ROOT/node" && npm pack --silent --pack-destination "$WORK" >/dev/null)
tarball=$(ls "$WORK"/agcupload-*.tgz)
echo "  $(basename "$tarball")"
listing=$(tar -tzf "$tarball")
for want in package/package.json package/index.cjs package/index.mjs package/index.d.ts \
    package/lib/native.cjs package/lib/worker.cjs package/libagcupload.so package/hvigor.cjs package/hvigor.d.ts; do
  echo "$listing" | grep -qx "$want" || { echo "test-node: $want missing from the tarball:" >&2; echo "$listing" >&2; exit 1; }
done

echo "== a fresh project in $WORK/project: npm install the tarball"
mkdir "$WORK/project"
cd "$WORK/project"
printf '{ "name": "agc-node-test", "version": "1.0.0", "private": true, "type": "module" }\n' >package.json
printf '%s\n' "$SCOPE_NPMRC" >.npmrc
npm install --silent --no-save "$tarball" typescript@5 @types/node@20
node -e 'const a = require("agcupload"); console.log("  agcupload", require("agcupload/package.json").version, "library", a.libraryPath)'

echo "== another fresh project: npm install --install-links $ROOT/node (npm packs the folder, running prepare)"
mkdir "$WORK/linked"
(cd "$WORK/linked" && printf '{ "name": "agc-node-linked", "version": "1.0.0", "private": true }\n' >package.json &&
  printf '%s\n' "$SCOPE_NPMRC" >.npmrc &&
  npm install --silent --no-save --install-links "$ROOT/node" &&
  node -e 'const a = require("agcupload"), p = require("path");
    const want = p.join(process.cwd(), "node_modules", "agcupload", "libagcupload.so");
    if (a.libraryPath !== want) throw new Error("loaded " + a.libraryPath + ", not " + want);
    console.log("  agcupload", a.version(), "library", a.libraryPath)')

echo "== TypeScript: index.d.ts checks a program that uses the whole API (tsc --strict)"
mkdir spec
cp "$ROOT"/node/test/*.mjs "$ROOT"/node/test/*.ts spec/
cp "$ROOT"/node/test/tsconfig.json .
node_modules/.bin/tsc -p tsconfig.json

echo "== node --test (cwd $WORK/project)"
# One file at a time (node --test would run them in parallel, and Node 18 has no
# --test-concurrency): the files share one mock, whose faults are global.
# AGCUPLOAD_HEADER: the header names.test.mjs compares the package's constants with.
AGCUPLOAD_EXPECT_INSTALLED=1 AGCUPLOAD_HEADER="$ROOT/include/agcupload.h" "$ROOT/scripts/with-mock.sh" sh -c \
  'status=0; for f in spec/*.test.mjs; do node --test "$f" || status=1; done; exit $status'
