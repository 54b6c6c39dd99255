// Bad input: each a clear AgcError subclass, with the failed call's own message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as agc from 'agcupload';
import { Client, Status, ATOMIC_SERVICE } from 'agcupload';
import { CID, BASE, CA, client, tempDir, requestsLog } from './mockenv.mjs';

const t = tempDir();

/** Asserts that `promise` rejects with an instance of `Cls` named `name`, and returns the error. */
async function rejects(promise, Cls, name) {
  let err = null;
  await assert.rejects(promise, (e) => {
    err = e;
    return true;
  });
  assert.ok(err instanceof Cls, `${err && err.constructor.name}: ${err && err.message} is not a ${Cls.name}`);
  assert.ok(err instanceof agc.AgcError);
  assert.equal(err.name, name, err.message);
  assert.equal(err.code, name);
  assert.equal(err.status, Status[name.replace('AGC_ERR_', '')]);
  assert.ok(err.message.length > 0, 'an empty message');
  assert.equal(err.step, null);
  return err;
}

test('file errors: missing, FIFO, empty, wrong suffix, not a ZIP, too large', async () => {
  const c = client();
  const missing = path.join(t.dir, 'missing.app');
  let e = await rejects(c.uploadFile('20010', missing), agc.FileError, 'AGC_ERR_FILE');
  assert.ok(e.message.includes('missing.app'), e.message);
  const fifo = path.join(t.dir, 'pipe.app');
  execFileSync('mkfifo', [fifo]);
  e = await rejects(c.uploadFile('20010', fifo), agc.FileError, 'AGC_ERR_FILE');
  assert.ok(e.message.includes('pipe.app'), e.message);
  await rejects(c.uploadFile('20010', t.write('empty.app', '')), agc.FileError, 'AGC_ERR_FILE');
  await rejects(c.uploadFile('20010', t.write('x.txt', 'PK\x03\x04')), agc.FileError, 'AGC_ERR_FILE_TYPE');
  await rejects(c.uploadFile('20010', t.write('notzip.app', 'hello world')), agc.FileError, 'AGC_ERR_FILE_TYPE');
  await rejects(c.uploadFile('20010', t.app('big.app', 10 * 1024 * 1024 + 1), { kind: ATOMIC_SERVICE }),
    agc.FileError, 'AGC_ERR_FILE_TOO_LARGE');
  c.close();
});

test('invalid arguments: null, wrong types, NUL characters, out-of-range numbers', async () => {
  const c = client();
  const p = t.app('args.app', 1000);
  // NULL reaches the library, which names the argument
  let e = await rejects(c.uploadFile(null, p), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  assert.match(e.message, /app_id/);
  await rejects(c.uploadFile('20011', undefined), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  // refused before the call
  e = await rejects(c.uploadFile(20011, p), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  assert.match(e.message, /appId: expected a string, not number/);
  await rejects(c.uploadFile('200\u000011', p), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.uploadFile('20011', p, { kind: 42 }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.uploadFile('20011', p, { kind: -1 }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.uploadFile('20011', p, { releaseType: 3 }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.uploadFile('20011', p, { progress: 'x' }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.uploadFile('20011', p, { signal: {} }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.waitPackageReady('20011', 'pkg', { timeoutMs: 1.5 }), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  await rejects(c.bindPackage('20011', null), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  assert.throws(() => c.setRetry(0), agc.InvalidArgumentError);
  assert.throws(() => c.setTimeoutsMs(-5, 10), agc.InvalidArgumentError);
  assert.throws(() => c.setTrust(9), (x) => x instanceof agc.InvalidArgumentError && x.message.length > 0);
  assert.throws(() => c.setProxy('socks5://h:1'), agc.InvalidArgumentError);
  assert.throws(() => c.setApiBase('http://insecure.example'), agc.AgcError);
  assert.throws(() => c.setCaFile(path.join(t.dir, 'no-ca.pem')), agc.NetworkError);
  assert.throws(() => new Client({ clientId: CID }), agc.InvalidArgumentError);
  assert.throws(() => new Client(), agc.InvalidArgumentError);
  c.close();
  c.close(); // twice is harmless
  assert.equal(c.closed, true);
  e = await rejects(c.uploadFile('20011', p), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  assert.match(e.message, /closed/);
  assert.throws(() => c.setRetry(2), agc.InvalidArgumentError);
});

test('null or wrongly typed options of every operation are an InvalidArgumentError before any request', async () => {
  const c = client();
  const p = t.app('opts.app', 1000);
  // The requests of the Connect API and the upload hosts (the mock logs its own control calls too).
  const sent = async () => (await requestsLog()).filter((r) => !r.path.startsWith('/mock/')).length;
  const before = await sent();
  const invalid = async (promise, what) => {
    const e = await promise.then(() => null, (x) => x);
    assert.ok(e instanceof agc.InvalidArgumentError, `${what}: ${e && e.constructor.name}: ${e && e.message}`);
    assert.equal(e.status, Status.INVALID_ARGUMENT, what);
    return e;
  };
  for (const bad of [null, 'x', 5, true, []]) {
    const what = `options ${JSON.stringify(bad)}`;
    await invalid(c.uploadFile('20016', p, bad), `uploadFile ${what}`);
    await invalid(c.bindPackage('20016', { fileName: 'a.app', objectId: 'o' }, bad), `bindPackage ${what}`);
    await invalid(c.waitPackageReady('20016', 'pkg', bad), `waitPackageReady ${what}`);
    await invalid(c.publish('20016', p, bad), `publish ${what}`);
    await invalid(c.setReleaseNotes('20016', { 'en-US': 'x' }, bad), `setReleaseNotes ${what}`);
    await invalid(c.submitForReview('20016', bad), `submitForReview ${what}`);
    const e = await invalid(c.releasePackage('20016', p, bad), `releasePackage ${what}`);
    assert.equal(e.step, agc.Step.CHECK);
  }
  const wrong = [
    { chineseMainland: 'yes' }, { chineseMainland: 1 }, { preflight: 'no' }, { kind: '1' }, { timeoutMs: '5' },
    { test: 'beta' }, { test: { description: 'b', groups: 'g-1' } }, { test: { description: 'b', groups: [null] } },
    { test: { description: 'b', groups: ['g-1'], notify: 'true' } },
    { test: { description: 'b', groups: [{ id: 'g-1', notify: 1 }] } }, { test: { description: 'b', groups: [{ id: 7 }] } },
    { resume: 'err.done' }, { resume: [] }, { notes: 'Dark mode.' }, { releaseTime: 5 }, { phased: 3 }, { remark: {} },
  ];
  for (const o of wrong) {
    const e = await invalid(c.releasePackage('20016', p, o), `releasePackage ${JSON.stringify(o)}`);
    assert.equal(e.step, agc.Step.CHECK);
  }
  for (const o of [{ chineseMainland: 'yes' }, { preflight: 0 }, { fileName: 5 }, { releaseType: '6' }]) {
    await invalid(c.uploadFile('20016', p, o), `uploadFile ${JSON.stringify(o)}`);
    await invalid(c.publish('20016', p, o), `publish ${JSON.stringify(o)}`);
  }
  await invalid(c.submitForReview('20016', { remark: 7 }), 'submitForReview remark');
  await invalid(c.setReleaseNotes('20016', { 'en-US': 5 }), 'setReleaseNotes note');
  await invalid(c.waitPackageReady('20016', 'pkg', { timeoutMs: -1 }), 'waitPackageReady timeoutMs');
  await invalid(c.bindPackage('20016', { fileName: 'a.app', objectId: 'o' }, { progress: 5 }), 'bindPackage progress');
  await invalid(agc.inspectPackage(5), 'inspectPackage path');
  await invalid(agc.sealFile('key', p, p + '.sealed'), 'sealFile key');
  await invalid(agc.openFile(new Uint8Array(32), 5, p + '.opened'), 'openFile inPath');
  assert.throws(() => agc.libraryFileNames(5), agc.InvalidArgumentError);
  assert.deepEqual(agc.libraryFileNames('linux'), ['libagcupload.so']);
  assert.equal(await sent(), before, 'a request reached the mock');
  c.close();
});

test('a wrong secret is an AuthError that does not show the secret', async () => {
  const bad = new Client({ clientId: CID, clientSecret: 'node-wrong-secret-xyz', apiBase: BASE, caFile: CA });
  const e = await rejects(bad.uploadFile('20012', t.app('w.app', 1000)), agc.AuthError, 'AGC_ERR_AUTH');
  assert.ok(!String(e.stack).includes('node-wrong-secret-xyz'));
  assert.ok(!JSON.stringify(e).includes('node-wrong-secret-xyz'));
  bad.close();
});

test('an unreachable server is a NetworkError', async () => {
  const c = new Client({ clientId: CID, clientSecret: 'x', apiBase: 'https://127.0.0.1:9', caFile: CA });
  c.setRetry(1, 10000);
  await rejects(c.uploadFile('20013', t.app('n.app', 1000)), agc.NetworkError, 'AGC_ERR_NETWORK');
  c.close();
});

test('concurrent failures each get their own message (agc_last_error read on the failing thread)', async () => {
  const c = client();
  const calls = [];
  for (let i = 0; i < 12; i++) {
    const name = `absent-${i}.app`;
    calls.push(c.uploadFile('20014', path.join(t.dir, name)).then(() => assert.fail('uploaded'), (e) => [name, e]));
    calls.push(c.uploadFile('20014', t.write(`wrong-${i}.txt`, 'PK\x03\x04')).then(() => assert.fail('uploaded'),
      (e) => [`wrong-${i}.txt`, e]));
  }
  for (const [name, e] of await Promise.all(calls)) {
    assert.ok(e.message.includes(name), `${name}: the message is another call's: ${e.message}`);
    assert.ok(e instanceof agc.FileError);
  }
  c.close();
});

test('setters and close() while an operation runs are refused; the operation completes', async () => {
  const c = client();
  const p = t.app('busy.app', 2 * 1024 * 1024);
  let refused = 0;
  const up = c.uploadFile('20015', p, {
    progress: () => {
      try {
        c.setUserAgent('changed');
      } catch (e) {
        assert.ok(e instanceof agc.ReentrantError && e.name === 'AGC_ERR_REENTRANT', String(e));
        refused += 1;
      }
    },
  });
  assert.throws(() => c.close(), agc.ReentrantError);
  assert.throws(() => c.setRetry(3), agc.ReentrantError);
  const r = await up;
  assert.equal(r.size, 2 * 1024 * 1024);
  assert.ok(refused > 0);
  c.setUserAgent('fine-now');
  c.close();
});

test('every status the library names has the family the Python package gives it', () => {
  const family = {
    INVALID_ARGUMENT: agc.InvalidArgumentError, FILE: agc.FileError, FILE_TYPE: agc.FileError,
    FILE_TOO_LARGE: agc.FileError, FILE_CHANGED: agc.FileError, CANCELLED: agc.CancelledError,
    NETWORK: agc.NetworkError, TIMEOUT: agc.NetworkError, TLS: agc.NetworkError, AUTH: agc.AuthError,
    API: agc.ApiError, PROTOCOL: agc.ApiError, HTTP: agc.ApiError, UPLOAD_REJECTED: agc.RejectedError,
    SEAL_KEY: agc.SealError, SEAL_CORRUPT: agc.SealError, PACKAGE_FAILED: agc.PackageFailedError,
    REENTRANT: agc.ReentrantError, PREFLIGHT: agc.PreflightError, INTERNAL: agc.InternalError,
  };
  assert.deepEqual(Object.keys(family).sort(), Object.keys(Status).filter((k) => k !== 'OK').sort());
  assert.ok(new agc.RejectedError(13, 'x') instanceof agc.ApiError);
  for (const [k, n] of Object.entries(Status)) {
    if (n === 0) continue;
    const e = agc.errorFor(n, 'm');
    assert.equal(e.constructor, family[k], `${k}: ${e.constructor.name}`);
    assert.equal(e.name, `AGC_ERR_${k}`, `the library names ${n} ${e.name}`);
    assert.equal(e.message, 'm');
  }
  assert.equal(agc.errorFor(77, 'm').constructor, agc.AgcError);
  assert.equal(agc.errorFor(77, 'm').name, 'AGC_ERR_UNKNOWN');
});

test('a path as bytes that are not UTF-8 uploads with fileName, and is a clear error without', async () => {
  const c = client();
  const dir = Buffer.from(t.dir);
  const p = Buffer.concat([dir, Buffer.from('/bad\xff.app', 'latin1')]);
  const fs = await import('node:fs');
  fs.writeFileSync(p, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(5000, 1)]));
  const r = await c.uploadFile('20016', p, { fileName: 'good.app' });
  assert.deepEqual([r.fileName, r.size], ['good.app', 5004]);
  const e = await rejects(c.uploadFile('20016', p), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  assert.match(e.message, /file_name/);
  await rejects(c.uploadFile('20016', Buffer.from('a\0b.app')), agc.InvalidArgumentError, 'AGC_ERR_INVALID_ARGUMENT');
  c.close();
});
