#!/bin/sh
# Installs the Debian packages the tests need when they are missing, so that `make test` and
# `make test-install` work on a fresh machine with no other set-up step. Runs apt-get only when
# something is missing and we are root; otherwise says what to install and fails.
#   scripts/ensure-deps.sh test           tinyproxy (crates/agcupload-ffi/tests/network.rs), python3 venv, Node.js and npm
#                                         (make test-node), valgrind (optional)
#   scripts/ensure-deps.sh test-install   cmake, pkg-config
#   scripts/ensure-deps.sh test-dist      cmake, pkg-config, binutils, the system's python3 with venv
#                                         (make test-dist runs on PATH=/usr/bin:/bin), node and npm
set -eu
need=""      # required: missing means the tests cannot run
want=""      # optional: the tests run without it (valgrind: the C tests run natively)
for what in "$@"; do
  case "$what" in
    test)
      command -v tinyproxy >/dev/null 2>&1 || need="$need tinyproxy"
      python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need="$need python3-venv"
      command -v node >/dev/null 2>&1 || need="$need nodejs"
      command -v npm >/dev/null 2>&1 || need="$need npm"
      command -v valgrind >/dev/null 2>&1 || want="$want valgrind" ;;
    test-install)
      command -v cmake >/dev/null 2>&1 || need="$need cmake"
      command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config" ;;
    test-dist)
      command -v cmake >/dev/null 2>&1 || need="$need cmake"
      command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
      { command -v objdump && command -v readelf; } >/dev/null 2>&1 || need="$need binutils"
      /usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need="$need python3-venv"
      command -v node >/dev/null 2>&1 || need="$need nodejs"
      command -v npm >/dev/null 2>&1 || need="$need npm" ;;
    *) echo "ensure-deps: unknown set '$what'" >&2; exit 2 ;;
  esac
done
[ -z "$need$want" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian packages:$need$want"
  # shellcheck disable=SC2086
  if ! apt-get install -y $need $want >/dev/null 2>&1; then
    apt-get update >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    apt-get install -y $need >/dev/null 2>&1 || { echo "ensure-deps: could not install:$need" >&2; exit 1; }
    # shellcheck disable=SC2086
    [ -z "$want" ] || apt-get install -y $want >/dev/null 2>&1 || echo "ensure-deps: optional$want not installed"
  fi
  exit 0
fi
if [ -n "$need" ]; then
  echo "ensure-deps: the tests need these Debian packages:$need (apt-get install$need)" >&2
  exit 1
fi
echo "ensure-deps: optional, not installed:$want"
