#!/bin/sh
# Fails when an ELF file needs a glibc symbol version newer than the floor (default 2.17, the
# manylinux2014 baseline the release archive and the wheel promise). Reads the version needs
# (.gnu.version_r, `readelf -V`), which is what the dynamic loader checks at start-up, and names
# the symbols that pull each newer version in (`objdump -T`).
# Usage: scripts/dist/check-glibc.sh [--max 2.17] FILE...
set -eu
MAX=2.17
if [ "${1:-}" = "--max" ]; then MAX=$2; shift 2; fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--max X.Y] FILE..." >&2; exit 2; }
for tool in readelf objdump; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-glibc: $tool is missing (binutils)" >&2; exit 2; }
done
# 0 when version $1 <= $2 (both dotted numbers)
version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; }
status=0
for f in "$@"; do
  [ -f "$f" ] || { echo "check-glibc: $f: no such file" >&2; status=1; continue; }
  # A file that is no ELF at all must not pass unnoticed as "needs nothing".
  if ! readelf -h "$f" >/dev/null 2>&1; then echo "check-glibc: $f: not an ELF file" >&2; status=1; continue; fi
  versions=$(readelf -V --wide "$f" | sed -n 's/.*Name: GLIBC_\([0-9][0-9.]*\).*/\1/p' | sort -uV)
  highest=$(printf '%s\n' "$versions" | tail -n 1)
  too_new=""
  for v in $versions; do version_le "$v" "$MAX" || too_new="$too_new $v"; done
  if [ -z "$too_new" ]; then
    echo "ok   $f needs GLIBC_${highest:-none} at most (floor $MAX)"
  else
    status=1
    # shellcheck disable=SC2086 # one word per version
    echo "FAIL $f needs$(printf ' GLIBC_%s' $too_new), newer than GLIBC_$MAX; the symbols:" >&2
    for v in $too_new; do
      objdump -T "$f" | awk -v v="GLIBC_$v" '$0 ~ "[( ]" v "[) ]" { print "     " v " " $NF }' | sort -u >&2
    done
  fi
done
exit "$status"
