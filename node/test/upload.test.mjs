// Upload, publish and service accounts through the installed package, against the mock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as agc from 'agcupload';
import { Client, HARMONY_APP, Phase, FileError } from 'agcupload';
import { BASE, CA, client, tempDir, sha256, storedObject, requestsLog } from './mockenv.mjs';

const t = tempDir();

test('upload with a progress callback: phases in order, bytes up to the size, stored bytes match', async () => {
  const c = client();
  const data = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(3 * 1024 * 1024, 0x5a)]);
  const p = t.write('node.app', data);
  const seen = [];
  const r = await c.uploadFile('20002', p, { kind: HARMONY_APP, progress: (phase, done, total) => { seen.push([phase, done, total]); } });
  assert.equal(r.size, data.length);
  assert.equal(r.sha256, sha256(data));
  assert.equal(r.fileName, 'node.app');
  assert.ok(r.objectId);
  const uploading = seen.filter(([ph]) => ph === Phase.UPLOADING).map(([, d]) => d);
  assert.ok(uploading.length > 2, `few progress calls: ${uploading.length}`);
  assert.deepEqual(uploading, [...uploading].sort((a, b) => a - b));
  assert.equal(uploading.at(-1), data.length);
  assert.equal(typeof uploading[0], 'number');
  assert.deepEqual(seen.at(-1), ['done', data.length, data.length]);
  assert.ok(seen.findIndex(([ph]) => ph === 'hashing') < seen.findIndex(([ph]) => ph === 'uploading'));
  assert.equal(sha256(await storedObject(r.objectId)), r.sha256);
  c.close();
});

test('progress as an EventEmitter, and a file: URL as the path', async () => {
  const c = client();
  const p = t.app('emitter.app', 300000);
  const events = new EventEmitter();
  const phases = [];
  events.on('progress', (e) => phases.push(e.phase));
  const r = await c.uploadFile('20002', pathToFileURL(p), { progress: events, fileName: 'renamed.app' });
  assert.equal(r.fileName, 'renamed.app');
  assert.ok(phases.includes('uploading') && phases.at(-1) === 'done', phases.join(','));
  c.close();
});

test('publish: upload, bind and wait in one call', async () => {
  const c = client();
  const phases = new Set();
  const r = await c.publish('20003', t.app('pub.app'), { timeoutMs: 60000, progress: (ph) => { phases.add(ph); } });
  assert.ok(r.packageId);
  assert.equal(r.upload.fileName, 'pub.app');
  for (const ph of ['uploading', 'binding', 'waiting']) assert.ok(phases.has(ph), [...phases].join(','));
  // the separate steps
  const up = await c.uploadFile('20003', t.app('steps.app'));
  const pkg = await c.bindPackage('20003', up);
  assert.ok(pkg && pkg !== r.packageId);
  await c.waitPackageReady('20003', pkg, { timeoutMs: 60000 });
  const log = await requestsLog();
  const puts = log.filter((x) => x.method === 'PUT' && x.path.startsWith('/obs/'));
  assert.ok(puts.length >= 2 && puts.every((x) => !x.bearer), 'the upload host got a bearer token');
  c.close();
});

test('service account: key file path, key JSON text, and a malformed key is an AuthError', async () => {
  const key = process.env.AGC_TEST_SA_KEY;
  assert.ok(key, 'AGC_TEST_SA_KEY not set');
  for (const serviceAccount of [key, fs.readFileSync(key, 'utf8')]) {
    const c = new Client({ serviceAccount, apiBase: BASE, caFile: CA });
    const r = await c.uploadFile('20004', t.app('sa.app', 1000));
    assert.ok(r.objectId);
    c.close();
  }
  assert.throws(() => new Client({ serviceAccount: '{"key_id": "x"}' }),
    (e) => e instanceof agc.AuthError && e.name === 'AGC_ERR_AUTH' && e.message.length > 0);
});

test('several uploads on one client at once (each on its own worker thread)', async () => {
  const c = client();
  const files = [1, 2, 3].map((i) => t.app(`par${i}.app`, 200000 + i));
  const rs = await Promise.all(files.map((f) => c.uploadFile('20005', f)));
  assert.deepEqual(rs.map((r) => r.size), [200001, 200002, 200003]);
  assert.equal(new Set(rs.map((r) => r.objectId)).size, 3);
  c.close();
});

test('the installed package: bundled library, CommonJS and ES module entry points are one module', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('agcupload');
  assert.equal(cjs.Client, agc.Client);
  assert.equal(agc.default.Client, Client);
  assert.match(agc.version(), /^\d+\.\d+\.\d+/);
  const pkgDir = path.dirname(require.resolve('agcupload/package.json'));
  assert.equal(agc.libraryPath, path.join(pkgDir, 'libagcupload.so'));
  if (process.env.AGCUPLOAD_EXPECT_INSTALLED === '1') {
    assert.ok(pkgDir.includes(`${path.sep}node_modules${path.sep}`), pkgDir);
    assert.equal(process.env.LD_LIBRARY_PATH, undefined);
  }
  assert.deepEqual(agc.libraryFileNames('linux'), ['libagcupload.so']);
  assert.deepEqual(agc.libraryFileNames('darwin'), ['libagcupload.dylib']);
  assert.deepEqual(agc.libraryFileNames('win32'), ['agcupload.dll']);
  assert.ok(new FileError(2, 'x') instanceof agc.AgcError);
});

test('AGCUPLOAD_LIBRARY overrides the bundled library (and a bad one is a clear error)', async () => {
  const { execFileSync } = await import('node:child_process');
  const copy = path.join(t.dir, 'copy-of-libagcupload.so');
  fs.copyFileSync(agc.libraryPath, copy);
  const run = (lib) => execFileSync(process.execPath, ['--input-type=module', '-e',
    "import { libraryPath, version } from 'agcupload'; console.log(libraryPath, version())"],
  { env: { ...process.env, AGCUPLOAD_LIBRARY: lib }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(run(copy).trim(), `${copy} ${agc.version()}`);
  assert.throws(() => run(path.join(t.dir, 'none.so')), (e) => /AGCUPLOAD_LIBRARY/.test(e.stderr) && /none\.so/.test(e.stderr));
});

test('workers load the library the main thread loaded, even if AGCUPLOAD_LIBRARY changes later', async () => {
  const saved = process.env.AGCUPLOAD_LIBRARY;
  process.env.AGCUPLOAD_LIBRARY = path.join(t.dir, 'not-a-library.so');
  try {
    const c = client();
    // several at once: new workers start now, with the changed environment
    const rs = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => c.uploadFile('20006', t.app(`env${i}.app`, 1000))));
    assert.equal(rs.length, 6);
    c.close();
  } finally {
    if (saved === undefined) delete process.env.AGCUPLOAD_LIBRARY;
    else process.env.AGCUPLOAD_LIBRARY = saved;
  }
});
