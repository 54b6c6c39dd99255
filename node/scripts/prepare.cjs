'use strict';
// `npm pack`, `npm publish`, `npm install` in node/ and `npm install --install-links ./node`
// in another project run this first (the `prepare` script): it builds the Rust library with cargo exactly
// as `make lib` does (`cargo build --release --workspace`, so a tree already built by make is
// reused as is) and copies the shared library into the package, where lib/native.cjs finds it
// (cargo names it libagcupload_ffi, the package carries it as libagcupload).
// CARGO names the cargo to run (default: `cargo` on PATH, else ~/.cargo/bin/cargo);
// CARGO_TARGET_DIR is honoured (the target directory is asked from `cargo metadata`).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { libraryFileNames } = require('../lib/native-names.cjs');

const here = path.join(__dirname, '..');
const manifest = path.join(here, '..', 'Cargo.toml');
if (!fs.existsSync(manifest)) {
  console.error(`agcupload prepare: ${manifest} not found; pack the package from the repository's node/ directory`);
  process.exit(1);
}

function cargo() {
  if (process.env.CARGO) return process.env.CARGO;
  const home = path.join(os.homedir(), '.cargo', 'bin', 'cargo');
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
    return 'cargo';
  } catch {
    if (fs.existsSync(home)) return home;
  }
  console.error('agcupload prepare: cargo not found (install Rust, or set CARGO)');
  process.exit(1);
}

const c = cargo();
// npm shows the script's stdout as part of its own; cargo's progress goes to stderr anyway.
execFileSync(c, ['build', '--release', '--workspace', '--manifest-path', manifest], { stdio: ['ignore', 2, 2] });
const meta = JSON.parse(execFileSync(c, ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest]));
const name = libraryFileNames()[0];
const built = path.join(meta.target_directory, 'release', name.replace('agcupload', 'agcupload_ffi'));
if (!fs.existsSync(built)) {
  console.error(`agcupload prepare: cargo finished but ${built} is missing`);
  process.exit(1);
}
// The package's version is the library's (the workspace's version, Cargo.toml's [workspace.package]).
const version = /^\[workspace\.package\][^[]*?^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(manifest, 'utf8'))[1];
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
if (pkg.version !== version) {
  console.error(`agcupload prepare: node/package.json's version ${pkg.version} differs from Cargo.toml's ${version}`);
  process.exit(1);
}
fs.copyFileSync(built, path.join(here, name));
fs.chmodSync(path.join(here, name), 0o755);
console.error(`agcupload prepare: ${built} -> node/${name}`);
