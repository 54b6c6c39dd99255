#!/bin/sh
# One version for everything that ships: the workspace's ([workspace.package] in Cargo.toml) is
# the library's, the tool's, the C header's (its AGCUPLOAD_VERSION_* macros, checked by
# `make check-header`), the Python package's (read from Cargo.toml when the wheel is built) and
# the npm package's (node/package.json, which npm needs written out, with the versions of the
# platform packages it names). Every crate inherits it; this fails when one does not, or when
# package.json differs. Run by `make lint`.
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "check-versions: no [workspace.package] version in Cargo.toml" >&2; exit 1; }
status=0
for manifest in crates/*/Cargo.toml; do
    if ! grep -q '^version\.workspace *= *true' "$manifest"; then
        echo "check-versions: $manifest does not inherit the workspace version (version.workspace = true)" >&2
        status=1
    fi
done
node=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' node/package.json)
if [ "$node" != "$version" ]; then
    echo "check-versions: node/package.json has version '$node', Cargo.toml's workspace has '$version'" >&2
    status=1
fi
# The npm platform packages are released with the main one: it names them at its version.
optional=$(sed -n '/"optionalDependencies"/,/}/s/^ *"\(@agcupload\/[^"]*\)": *"\([^"]*\)".*/\1 \2/p' node/package.json)
if [ -z "$optional" ] || printf '%s\n' "$optional" | grep -qv " $version\$"; then
    echo "check-versions: node/package.json's optionalDependencies must name the @agcupload/ platform packages at $version:" >&2
    printf '%s\n' "$optional" | sed 's/^/  /' >&2
    status=1
fi
if ! grep -q 'dynamic = \["version"\]' python/pyproject.toml; then
    echo "check-versions: python/pyproject.toml must take its version from Cargo.toml (dynamic = [\"version\"])" >&2
    status=1
fi
[ "$status" = 0 ] && echo "versions agree: $version (crates, node/package.json and its platform packages, python from Cargo.toml)"
exit "$status"
