#!/bin/sh
# Installs the release tools once, pinned, under target/tools (nothing outside the tree):
#   target/tools/dist/       a venv from PyPI: cargo-zigbuild (its wheel carries the binary),
#                            ziglang (zig, the C toolchain and glibc 2.17 stubs it links against),
#                            twine (checks the wheel's metadata) and auditwheel (checks its tag)
#   target/tools/bin/cargo-about   the third-party notices generator (crates.io, built once;
#                            minutes of CPU, so only `make notices` asks for it: `make dist`
#                            ships the committed THIRD-PARTY-NOTICES)
# A stamp holds the pins, so changing one here reinstalls on the next run.
# Usage: scripts/dist/tools.sh [venv|about]...   (both when none is named)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS="$ROOT/target/tools"
PY_TOOLS="cargo-zigbuild==0.24.1 ziglang==0.15.2 twine==7.0.0 auditwheel==6.8.2"
CARGO_ABOUT_VERSION=0.9.3
PYTHON=${PYTHON:-python3}
CARGO=${CARGO:-cargo}

venv() {
  stamp="$TOOLS/dist/.installed"
  [ "$(cat "$stamp" 2>/dev/null)" = "$PY_TOOLS" ] && return 0
  echo "== installing $PY_TOOLS into target/tools/dist"
  rm -rf "$TOOLS/dist"
  "$PYTHON" -m venv "$TOOLS/dist"
  # shellcheck disable=SC2086
  "$TOOLS/dist/bin/pip" install --quiet --disable-pip-version-check $PY_TOOLS
  printf '%s\n' "$PY_TOOLS" >"$stamp"
}

about() {
  stamp="$TOOLS/.cargo-about-version"
  if [ -x "$TOOLS/bin/cargo-about" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$CARGO_ABOUT_VERSION" ]; then return 0; fi
  echo "== installing cargo-about $CARGO_ABOUT_VERSION into target/tools/bin"
  "$CARGO" install --quiet --locked cargo-about --version "$CARGO_ABOUT_VERSION" --features cli --root "$TOOLS"
  printf '%s\n' "$CARGO_ABOUT_VERSION" >"$stamp"
}

[ "$#" -gt 0 ] || set -- venv about
for what in "$@"; do
  case "$what" in
    venv) venv ;;
    about) about ;;
    *) echo "tools: unknown tool set '$what' (venv, about)" >&2; exit 2 ;;
  esac
done
