#!/bin/sh
# The release workflow's last job: merges the dist/ folders of the build jobs (one per target,
# each with its SHA256SUMS) into OUT, with one SHA256SUMS for all. Each folder's files are first
# checked against its own SHA256SUMS (they travelled between jobs as artifacts); a file name that
# several folders hold (THIRD-PARTY-NOTICES) must have the same content in each; a file a
# folder's SHA256SUMS does not list is refused. OUT/SHA256SUMS is checked at the end.
# Usage: scripts/dist/merge-sums.sh OUT DIR...
set -eu
[ "$#" -ge 2 ] || { echo "usage: $0 OUT DIR..." >&2; exit 2; }
OUT=$1
shift
mkdir -p "$OUT"
# The names of a folder's files, sorted.
files() { find "$1" -mindepth 1 -maxdepth 1 -exec basename {} \; | LC_ALL=C sort; }
[ -z "$(files "$OUT")" ] || { echo "merge-sums: $OUT is not empty" >&2; exit 2; }
for dir in "$@"; do
  [ -f "$dir/SHA256SUMS" ] || { echo "merge-sums: $dir has no SHA256SUMS" >&2; exit 1; }
  echo "== $dir"
  (cd "$dir" && sha256sum -c --strict SHA256SUMS) || { echo "merge-sums: $dir does not match its SHA256SUMS" >&2; exit 1; }
  listed=$(awk '{ sub(/^\*/, "", $2); print $2 }' "$dir/SHA256SUMS" | LC_ALL=C sort)
  present=$(files "$dir" | grep -vx SHA256SUMS)
  [ "$listed" = "$present" ] || { echo "merge-sums: $dir holds files its SHA256SUMS does not list, or lacks some it lists" >&2; exit 1; }
  for name in $listed; do
    if [ -e "$OUT/$name" ]; then
      cmp -s "$dir/$name" "$OUT/$name" || { echo "merge-sums: $name differs between the jobs" >&2; exit 1; }
    else
      cp "$dir/$name" "$OUT/$name"
    fi
  done
done
# The list is taken before the redirection creates SHA256SUMS.
(cd "$OUT" && names=$(files .) && printf '%s\n' "$names" | xargs sha256sum -- >SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
echo "merged into $OUT: $(($(wc -l <"$OUT/SHA256SUMS"))) files"
