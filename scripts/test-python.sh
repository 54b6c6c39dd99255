#!/bin/sh
# `make test-python`: the Python package exactly as a user gets it. Creates a fresh venv under
# target/python-venv, `pip install ./python` into it (the in-tree backend builds the library
# with cargo like `make lib`, so a built tree is reused), checks that `pip wheel` makes a
# platform wheel carrying the library and py.typed, then runs python/tests/test_*.py with the venv's
# Python from a directory outside the source tree, against the mock, without LD_LIBRARY_PATH,
# PYTHONPATH or AGCUPLOAD_LIBRARY.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV="$ROOT/target/python-venv"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agc-python.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
unset LD_LIBRARY_PATH PYTHONPATH AGCUPLOAD_LIBRARY AGCUPLOAD_LIB
cd "$WORK"

echo "== $PYTHON -m venv --clear $VENV; pip install $ROOT/python"
"$PYTHON" -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install --quiet --no-input "$ROOT/python"
"$VENV/bin/python" -m pip show agcupload | sed -n 's/^\(Name\|Version\|Location\): /  \1: /p'

echo "== pip wheel $ROOT/python"
"$VENV/bin/python" -m pip wheel --quiet --no-input --no-deps -w "$WORK/wheels" "$ROOT/python"
wheel=$(ls "$WORK"/wheels/agcupload-*.whl)
echo "  $(basename "$wheel")"
"$VENV/bin/python" - "$wheel" <<'PY'
import sys, sysconfig, zipfile
path = sys.argv[1]
plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
assert path.endswith("-py3-none-%s.whl" % plat), "not a py3-none-%s wheel: %s" % (plat, path)
names = zipfile.ZipFile(path).namelist()
for want in ("agcupload/__init__.py", "agcupload/py.typed", "agcupload/libagcupload.so"):
    assert want in names, "%s missing from the wheel: %s" % (want, names)
print("  wheel holds", ", ".join(n for n in names if n.startswith("agcupload/")))
PY

# The package ships py.typed: its installed copy must pass a strict type check, as a typed
# user's project would run it (mypy from PyPI, pinned).
echo "== mypy --strict -p agcupload (the installed package)"
"$VENV/bin/python" -m pip install --quiet --no-input mypy==2.4.1
"$VENV/bin/python" -m mypy --strict --no-incremental -p agcupload

echo "== python/tests against the installed package (cwd $WORK)"
"$VENV/bin/python" -I -c 'import agcupload; print("  agcupload", agcupload.__version__, "library", agcupload.library_path)'
# discover puts python/tests (and only it) on sys.path, for the helpers in mockenv.py
AGCUPLOAD_EXPECT_INSTALLED=1 "$ROOT/scripts/with-mock.sh" "$VENV/bin/python" -I -m unittest discover -v \
  -s "$ROOT/python/tests" -t "$ROOT/python/tests" -p 'test_*.py'
