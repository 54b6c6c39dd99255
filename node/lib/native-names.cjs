'use strict';
// The library's names: its file name per platform, and the npm packages that carry a prebuilt
// copy. One table for the loader (lib/native.cjs) and for the release packaging
// (npm/pack.cjs), so a platform is added in one place.

/** The library's file names to look for on `platform` (a `process.platform` value). */
function libraryFileNames(platform = process.platform) {
  if (platform === 'win32' || platform === 'cygwin') return ['agcupload.dll'];
  if (platform === 'darwin') return ['libagcupload.dylib'];
  return ['libagcupload.so'];
}

/** The scope of the per-platform packages (`@agcupload/linux-x64-gnu`, ...). */
const PLATFORM_SCOPE = '@agcupload';

/** The platforms a prebuilt library is published for, by platform key: npm's `os`, `cpu` and
 * (Linux) `libc` of its package, and the Rust target and release archive it is built as. */
const PLATFORMS = Object.freeze({
  'linux-x64-gnu': Object.freeze({ os: 'linux', cpu: 'x64', libc: 'glibc', rustTarget: 'x86_64-unknown-linux-gnu', archive: 'x86_64-linux-gnu' }),
  'linux-arm64-gnu': Object.freeze({ os: 'linux', cpu: 'arm64', libc: 'glibc', rustTarget: 'aarch64-unknown-linux-gnu', archive: 'aarch64-linux-gnu' }),
  'darwin-x64': Object.freeze({ os: 'darwin', cpu: 'x64', libc: null, rustTarget: 'x86_64-apple-darwin', archive: 'x86_64-apple-darwin' }),
  'darwin-arm64': Object.freeze({ os: 'darwin', cpu: 'arm64', libc: null, rustTarget: 'aarch64-apple-darwin', archive: 'aarch64-apple-darwin' }),
});

/** The platform key of a process: `platform-arch`, plus `-gnu` or `-musl` on Linux (the two C
 * libraries need different builds). `glibc` is whether the process runs on glibc. */
function platformKey(platform, arch, glibc) {
  const key = `${platform}-${arch}`;
  if (platform !== 'linux') return key;
  return `${key}-${glibc ? 'gnu' : 'musl'}`;
}

/** The npm package that carries the library for a platform key. */
function platformPackageName(key) {
  return `${PLATFORM_SCOPE}/${key}`;
}

module.exports = { libraryFileNames, PLATFORMS, PLATFORM_SCOPE, platformKey, platformPackageName };
