#!/usr/bin/env bash
# How the GitHub Action gets the agcupload tool (action.yml runs it, then, only when it asks for
# a build, actions/cache and `tool.sh build`):
#   tool.sh get     by the action's `version` input (VERSION_INPUT):
#                   - a version (default: the action's own, from its Cargo.toml): downloads the
#                     release archive agcupload-VERSION-<platform>.tar.gz for this runner and the
#                     release's SHA256SUMS, checks the archive's SHA-256 against it, unpacks it
#                     and outputs path=<its bin/agcupload>. Nothing is unpacked when the sum
#                     differs or is missing.
#                   - `path`: the agcupload on PATH (outputs path=...).
#                   - `source`: outputs build=true and lock-hash=<SHA-256 of Cargo.lock> for the
#                     cache key (hashFiles() only sees the workspace's files, not the action's).
#   tool.sh build   cargo build --release --locked of the tool from the action's own source,
#                   into target/ beside it (the cached directory); outputs path=....
# Releases come from AGCUPLOAD_DOWNLOAD_BASE (default: the action repository's GitHub
# releases, https://github.com/OWNER/NAME/releases/download; the archive is looked for under
# BASE/vVERSION/). Outputs go to $GITHUB_OUTPUT (or stdout without it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$1" "$2"
  fi
}

fail() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then
    printf '::error title=agcupload action::%s\n' "$1" >&2
  fi
  printf 'agcupload action: %s\n' "$1" >&2
  exit 2
}

sha256_of() { (sha256sum "$1" 2>/dev/null || shasum -a 256 "$1") | cut -d ' ' -f 1; }

# The release archives' platform names, from the runner's (RUNNER_OS, RUNNER_ARCH).
platform() {
  case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
    Linux/X64 | Linux/x86_64) echo x86_64-linux-gnu ;;
    Linux/ARM64 | Linux/aarch64) echo aarch64-linux-gnu ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    *) fail "no agcupload release is built for this runner (${RUNNER_OS:-$(uname -s)} ${RUNNER_ARCH:-$(uname -m)}; Windows is not supported yet): use a Linux or macOS runner, or set the input version to source (needs Rust)" ;;
  esac
}

# The version of the action's own source: its workspace version.
own_version() {
  sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$ROOT/Cargo.toml"
}

download() {
  local version=$1 base name dir want got bin
  case "$version" in
    v[0-9]*) version=${version#v} ;;
  esac
  case "$version" in
    *[!0-9A-Za-z.+-]* | "") fail "the input version must be a version (like 0.1.0), path or source; got '$1'" ;;
  esac
  if [ -n "${AGCUPLOAD_DOWNLOAD_BASE:-}" ]; then
    base=$AGCUPLOAD_DOWNLOAD_BASE
  elif [ -n "${ACTION_REPOSITORY:-}" ]; then
    base="https://github.com/$ACTION_REPOSITORY/releases/download"
  else
    fail "cannot tell where the action comes from to download its release: set the input version to path or source, or AGCUPLOAD_DOWNLOAD_BASE"
  fi
  name="agcupload-$version-$(platform).tar.gz"
  dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/agcupload/$version"
  mkdir -p "$dir"
  echo "agcupload action: downloading $base/v$version/$name" >&2
  curl -fsSL --retry 3 -o "$dir/$name" "$base/v$version/$name" ||
    fail "cannot download $base/v$version/$name (is $version released for this platform?)"
  curl -fsSL --retry 3 -o "$dir/SHA256SUMS" "$base/v$version/SHA256SUMS" ||
    fail "cannot download $base/v$version/SHA256SUMS, so the archive cannot be checked"
  want=$(awk -v n="$name" '$2 == n || $2 == "*" n { print $1 }' "$dir/SHA256SUMS" | head -n 1)
  [ -n "$want" ] || { rm -f "$dir/$name"; fail "SHA256SUMS of $version does not list $name"; }
  got=$(sha256_of "$dir/$name")
  if [ "$got" != "$want" ]; then
    rm -f "$dir/$name"
    fail "the SHA-256 of $name is $got, but SHA256SUMS says $want: not used"
  fi
  rm -rf "$dir/unpacked"
  mkdir -p "$dir/unpacked"
  tar -xzf "$dir/$name" -C "$dir/unpacked"
  bin=$(find "$dir/unpacked" -maxdepth 3 -path '*/bin/agcupload' -type f | head -n 1)
  [ -n "$bin" ] && [ -x "$bin" ] || fail "$name holds no bin/agcupload"
  echo "agcupload action: using $bin ($("$bin" version | head -n 1))" >&2
  output path "$bin"
}

case "${1:-}" in
  get)
    version=${VERSION_INPUT:-}
    version="${version#"${version%%[![:space:]]*}"}"
    version="${version%"${version##*[![:space:]]}"}"
    case "$version" in
      path)
        path=$(command -v agcupload) || fail "the input version is path, but no agcupload is on PATH"
        echo "agcupload action: using $path ($("$path" version | head -n 1))" >&2
        output path "$path"
        ;;
      source)
        output build true
        output lock-hash "$(sha256_of "$ROOT/Cargo.lock")"
        ;;
      "") download "$(own_version)" ;;
      *) download "$version" ;;
    esac
    ;;
  build)
    command -v cargo >/dev/null 2>&1 || fail "the input version is source, but there is no cargo to build it: install Rust (for example with dtolnay/rust-toolchain), or use a released version"
    cargo build --release --locked --manifest-path "$ROOT/Cargo.toml" -p agcupload-cli >&2
    output path "$ROOT/target/release/agcupload"
    ;;
  *)
    echo "usage: tool.sh get|build" >&2
    exit 2
    ;;
esac
