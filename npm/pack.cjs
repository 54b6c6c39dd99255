'use strict';
// The npm packages of a release (`make dist`), each staged under target/dist-build/npm and
// `npm pack`ed into OUTDIR:
//   node npm/pack.cjs main OUTDIR
//       agcupload-VERSION.tgz: node/'s files, with no library and no scripts (the `prepare`
//       script builds the library with cargo, for installs from the source folder only), plus
//       the licenses. It names one package per platform as optionalDependencies.
//   node npm/pack.cjs platform RUST_TARGET LIBRARY NOTICES OUTDIR
//       agcupload-KEY-VERSION.tgz (@agcupload/KEY, e.g. linux-x64-gnu): the library alone, with
//       the licenses, THIRD-PARTY-NOTICES and a README; npm installs it only where its os, cpu
//       and libc match.
// The platforms, their keys and npm fields come from node/lib/native-names.cjs, the table the
// loader reads. The version is the workspace's (Cargo.toml); node/package.json must agree, and
// name every platform of the table at that version.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { PLATFORMS, libraryFileNames, platformPackageName } = require('../node/lib/native-names.cjs');

const ROOT = path.join(__dirname, '..');
const STAGE = path.join(ROOT, 'target', 'dist-build', 'npm');
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE'];

function fail(message) {
  console.error(`npm/pack: ${message}`);
  process.exit(2);
}

function workspaceVersion() {
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const m = /^\[workspace\.package\][^[]*?^version\s*=\s*"([^"]+)"/m.exec(toml);
  if (!m) fail('no [workspace.package] version in Cargo.toml');
  return m[1];
}

function mainManifest(version) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node', 'package.json'), 'utf8'));
  if (pkg.version !== version) fail(`node/package.json's version ${pkg.version} differs from Cargo.toml's ${version}`);
  const want = Object.fromEntries(Object.keys(PLATFORMS).map((key) => [platformPackageName(key), version]));
  if (JSON.stringify(pkg.optionalDependencies) !== JSON.stringify(want)) {
    fail(`node/package.json's optionalDependencies must be ${JSON.stringify(want)} (the platforms of ` +
      `node/lib/native-names.cjs at the version), not ${JSON.stringify(pkg.optionalDependencies)}`);
  }
  return pkg;
}

function freshStage(name) {
  const dir = path.join(STAGE, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** `npm pack` of a staged folder into outDir; returns the tarball's path. */
function pack(dir, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--loglevel=warn', '--pack-destination', path.resolve(outDir)],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(out);
  const tarball = path.join(path.resolve(outDir), info.filename);
  console.log(`  ${info.filename} ${fs.statSync(tarball).size} bytes: ${info.files.map((f) => f.path).join(' ')}`);
  return { tarball, files: info.files.map((f) => f.path) };
}

function copyLicenses(dir) {
  for (const name of LICENSES) fs.copyFileSync(path.join(ROOT, name), path.join(dir, name));
}

function packMain(outDir) {
  const version = workspaceVersion();
  const pkg = mainManifest(version);
  const dir = freshStage('agcupload');
  // Every library name of every platform: a development build left in node/ never ships.
  const libraries = new Set(['win32', 'darwin', 'linux'].flatMap((p) => libraryFileNames(p)));
  const files = pkg.files.filter((f) => !libraries.has(f));
  for (const f of files) {
    const from = path.join(ROOT, 'node', f);
    if (!fs.existsSync(from)) fail(`node/package.json lists ${f}, which node/ lacks`);
    fs.cpSync(from, path.join(dir, f), { recursive: true });
  }
  copyLicenses(dir);
  const manifest = { ...pkg, files: [...files, ...LICENSES] };
  // Registry installs run no script of ours: `prepare` needs the source tree and cargo.
  delete manifest.scripts;
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const { files: packed } = pack(dir, outDir);
  const shipped = packed.filter((f) => libraries.has(path.basename(f)));
  if (shipped.length) fail(`the main package must carry no library, but holds ${shipped.join(', ')}`);
}

function packPlatform(rustTarget, library, notices, outDir) {
  const version = workspaceVersion();
  mainManifest(version);
  const key = Object.keys(PLATFORMS).find((k) => PLATFORMS[k].rustTarget === rustTarget);
  if (!key) {
    fail(`no npm platform package for ${rustTarget} (node/lib/native-names.cjs has ` +
      `${Object.values(PLATFORMS).map((p) => p.rustTarget).join(', ')})`);
  }
  const platform = PLATFORMS[key];
  for (const f of [library, notices]) if (!fs.statSync(f, { throwIfNoEntry: false })?.isFile()) fail(`${f}: no such file`);
  const name = platformPackageName(key);
  const file = libraryFileNames(platform.os)[0];
  const dir = freshStage(key);
  fs.copyFileSync(library, path.join(dir, file));
  fs.chmodSync(path.join(dir, file), 0o755);
  copyLicenses(dir);
  fs.copyFileSync(notices, path.join(dir, 'THIRD-PARTY-NOTICES'));
  fs.writeFileSync(path.join(dir, 'README.md'), `# ${name}\n\n` +
    `libagcupload ${version} built for ${key} (${rustTarget}${platform.libc ? ', glibc 2.17 and newer' : ''}): ` +
    'the native library of the [agcupload](https://www.npmjs.com/package/agcupload) package, which ' +
    'installs this one as an optional dependency on that platform and loads it. Install `agcupload`, ' +
    'not this package.\n\nLicense: MIT OR Apache-2.0 (LICENSE-MIT, LICENSE-APACHE); the crates built into ' +
    'the library: THIRD-PARTY-NOTICES.\n');
  const main = JSON.parse(fs.readFileSync(path.join(ROOT, 'node', 'package.json'), 'utf8'));
  const manifest = {
    name,
    version,
    description: `libagcupload for ${key}: the native library of the agcupload package`,
    license: main.license,
    repository: main.repository,
    os: [platform.os],
    cpu: [platform.cpu],
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    files: [file, ...LICENSES, 'THIRD-PARTY-NOTICES', 'README.md'],
    // Yarn's Plug'n'Play must put the library on disk for the loader to open it.
    preferUnplugged: true,
    // A scoped package is private unless published public.
    publishConfig: { access: 'public' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  pack(dir, outDir);
}

const [what, ...args] = process.argv.slice(2);
if (what === 'main' && args.length === 1) packMain(args[0]);
else if (what === 'platform' && args.length === 4) packPlatform(...args);
else fail('usage: node npm/pack.cjs main OUTDIR | platform RUST_TARGET LIBRARY NOTICES OUTDIR');
