// The transfer options (transfer, partSize, sha256, resumeFile) and the upload result's
// transfer facts; and a release road's outcomeUncertain. Against the standalone mock, whose
// multipart parts are at least 5 MiB (AGC's minimum).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as agc from 'agcupload';
import { Transfer, Step, Phase, Status, ReleaseStatus } from 'agcupload';
import { client, tempDir, withFault, requestsLog, storedObjects, storedObject, sha256 } from './mockenv.mjs';

const MIB = 1024 * 1024;
const t = tempDir();
const c = client();
after(() => c.close());

/** Requests to AGC (the mock's control endpoints left out). */
const agcRequests = async () => (await requestsLog()).filter((r) => !r.path.startsWith('/mock/')).length;
/** The answered part PUTs among `log` (a part URL carries uploadId). */
const partPuts = (log) => log.filter((r) => r.method === 'PUT' && r.path.startsWith('/obs/') && r.status === 200 &&
  (r.query || []).some(([k]) => k === 'uploadId'));
const rejection = (p) => p.then((v) => assert.fail(`resolved with ${JSON.stringify(v)}`), (e) => e);

test('Transfer mirrors the C ABI; a small file goes as one PUT by default', async () => {
  assert.deepEqual({ ...Transfer }, { AUTO: 1, SINGLE: 2, MULTIPART: 3 });
  assert.equal(agc.default.Transfer, Transfer);
  const r = await c.uploadFile('48001', t.app('small.app', 30000));
  assert.equal(r.transfer, Transfer.SINGLE);
  assert.deepEqual([r.parts, r.partsSent, r.resumedParts, r.bytesSent], [1, 1, 0, 30000]);
});

test('bad transfer option values are InvalidArgumentError before any request', async () => {
  const p = t.app('args.app');
  const before = await agcRequests();
  const bad = [
    [{ transfer: 'multipart' }, /transfer/], [{ transfer: 0 }, /transfer/], [{ transfer: 4 }, /transfer/],
    [{ transfer: true }, /transfer/], [{ partSize: -1 }, /partSize/], [{ partSize: 1.5 }, /partSize/],
    [{ partSize: 2 ** 64 }, /partSize/], [{ partSize: 2n ** 64n }, /partSize/], [{ partSize: '5' }, /partSize/],
    [{ partSize: 0 }, /part/i], [{ sha256: 123 }, /sha256/], [{ sha256: null }, /sha256/], [{ sha256: 'abc' }, /SHA-256|sha256/i],
    [{ sha256: 'z'.repeat(64) }, /SHA-256|sha256/i], [{ sha256: `${'0'.repeat(63)}\0` }, /sha256/],
    [{ resumeFile: '' }, /resume/i], [{ resumeFile: 42 }, /resumeFile/], [{ resumeFile: null }, /resumeFile/],
    [{ resumeFile: Buffer.from('a\0b') }, /resumeFile/],
  ];
  for (const [o, message] of bad) {
    const what = JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const e = await rejection(c.uploadFile('48002', p, o));
    assert.ok(e instanceof agc.InvalidArgumentError, `${what}: ${e}`);
    assert.equal(e.status, Status.INVALID_ARGUMENT);
    assert.match(e.message, message, what);
    assert.equal(e.step, null);
    assert.ok((await rejection(c.publish('48002', p, o))) instanceof agc.InvalidArgumentError, what);
    const r = await rejection(c.releasePackage('48002', p, o));
    assert.ok(r instanceof agc.InvalidArgumentError, what);
    assert.equal(r.step, Step.CHECK, what);
    assert.equal(r.outcomeUncertain, false, what);
  }
  assert.equal(await agcRequests(), before, 'a request was sent');
});

test('multipart with a resume file: an interrupted run keeps the state, the rerun sends the missing parts and removes it', async () => {
  const p = t.app('big.app', 12 * MIB); // 5 + 5 + 2 MiB
  const digest = sha256(fs.readFileSync(p));
  const resume = path.join(t.dir, 'big.resume');
  const o = { transfer: Transfer.MULTIPART, partSize: 5 * MIB, resumeFile: resume };

  // The first run stops once part 1 is done (its URL asked for part 2). The cancel reaches the
  // library at its next progress call; a slow upload host keeps part 2 from finishing by then.
  let log = (await requestsLog()).length;
  const err = await withFault('slow_reader:4000000', () => rejection(c.uploadFile('48010', p, {
    ...o, progress: (phase, done) => phase === Phase.REQUESTING_URL && done === 2,
  })));
  assert.ok(err instanceof agc.CancelledError, String(err));
  assert.ok(fs.existsSync(resume), 'the interrupted run keeps its state');
  assert.equal(fs.statSync(resume).mode & 0o777, 0o600);
  const state = fs.readFileSync(resume, 'utf8');
  assert.match(state, /upload_id/);
  for (const secret of ['https://', 'Signature', 'AWS4', 'x-amz', 'Authorization', 'Bearer']) {
    assert.ok(!state.includes(secret), `${secret} in the resume file`);
  }
  // Part 1, and at most the start of part 2: the cancel lands one report late (the callback
  // runs on the main thread), which may be after part 2's PUT began.
  const first = partPuts((await requestsLog()).slice(log)).length;
  assert.ok(first >= 1 && first <= 2, `${first} part PUTs in the interrupted run`);

  // The rerun (the same path, as bytes this time) sends parts 2 and 3 only.
  log = (await requestsLog()).length;
  const r = await c.uploadFile('48010', p, { ...o, resumeFile: Buffer.from(resume) });
  assert.equal(r.transfer, Transfer.MULTIPART);
  assert.deepEqual([r.parts, r.resumedParts, r.partsSent], [3, 1, 2]);
  assert.equal(r.bytesSent, 12 * MIB - 5 * MIB);
  assert.equal(r.size, 12 * MIB);
  assert.equal(r.sha256, digest);
  assert.deepEqual(r.notes, []);
  assert.equal(partPuts((await requestsLog()).slice(log)).length, 2, 'only the missing parts were sent');
  assert.equal(sha256(await storedObject(r.objectId)), digest);
  assert.ok(!fs.existsSync(resume), 'a finished upload removes its resume file');
});

test('a resume path holding a user\'s file or the package is InvalidArgumentError and is left as it was', async () => {
  const p = t.app('victim.app', 2 * MIB);
  const pkg = fs.readFileSync(p);
  const notes = path.join(t.dir, 'important.txt');
  fs.writeFileSync(notes, 'my notes');
  const before = await agcRequests();
  for (const victim of [notes, p]) {
    for (const transfer of [Transfer.MULTIPART, Transfer.SINGLE]) {
      const err = await rejection(c.uploadFile('48012', p, { transfer, resumeFile: victim }));
      assert.ok(err instanceof agc.InvalidArgumentError, String(err));
      assert.match(err.message, /resume file/);
    }
  }
  assert.equal(fs.readFileSync(notes, 'utf8'), 'my notes');
  assert.deepEqual(fs.readFileSync(p), pkg);
  assert.equal(await agcRequests(), before, 'nothing was asked of AGC');
});

test('a known digest skips the hash pass; a wrong one is FILE_CHANGED and stores nothing', async () => {
  const p = t.app('digest.app', 200000);
  const digest = sha256(fs.readFileSync(p));
  const phases = new Set();
  const r = await c.publish('48011', p, { timeoutMs: 60000, sha256: digest.toUpperCase(), progress: (ph) => { phases.add(ph); } });
  assert.equal(r.upload.sha256, digest);
  assert.ok(r.packageId);
  assert.ok(!phases.has(Phase.HASHING), [...phases].join(','));
  assert.ok(phases.has(Phase.UPLOADING), [...phases].join(','));

  const wrong = '0'.repeat(64);
  const stored = await storedObjects();
  const e = await rejection(c.uploadFile('48011', p, { sha256: wrong }));
  assert.ok(e instanceof agc.FileError, String(e));
  assert.equal(e.status, Status.FILE_CHANGED);
  assert.equal(e.code, 'AGC_ERR_FILE_CHANGED');
  assert.ok(e.message.includes(wrong) && e.message.includes(digest), e.message);
  // the release road: the upload step fails, nothing obtained, nothing bound
  const road = await rejection(c.releasePackage('48012', p, { sha256: wrong, timeoutMs: 60000 }));
  assert.ok(road instanceof agc.FileError, String(road));
  assert.equal(road.status, Status.FILE_CHANGED);
  assert.equal(road.step, Step.UPLOAD);
  assert.equal(road.outcomeUncertain, false);
  assert.equal(road.done.objectId, null);
  assert.equal(road.done.packageId, null);
  assert.equal(await storedObjects(), stored, 'a wrong digest stored an object');
});

test('the release road takes the transfer options', async () => {
  const p = t.app('road-parts.app', 6 * MIB);
  const log = (await requestsLog()).length;
  const ids = await c.releasePackage('48013', p, { transfer: Transfer.MULTIPART, timeoutMs: 60000 });
  assert.ok(ids.packageId);
  assert.equal(ids.size, 6 * MIB);
  assert.equal(partPuts((await requestsLog()).slice(log)).length, 2);
  assert.equal(sha256(await storedObject(ids.objectId)), sha256(fs.readFileSync(p)));
});

test('a cancel while AGC answers the submit: CancelledError at SUBMIT, outcomeUncertain', async () => {
  // AGC carries the submit out at once and answers a minute later. The callback returns true
  // from its second call in the submitting phase (the request is out by then: the first call
  // comes before it); the library sees the cancel at its next progress call, during the wait.
  const app = '48020';
  let submitting = 0;
  const started = Date.now();
  const e = await withFault('slow_answer:60000', () => rejection(c.releasePackage(app, t.app('slow.app'), {
    timeoutMs: 120000,
    progress: (phase) => {
      if (phase === Phase.SUBMITTING) submitting += 1;
      return submitting >= 2;
    },
  })));
  assert.ok(Date.now() - started < 45000, 'the cancel waited for AGC\'s answer');
  assert.ok(e instanceof agc.CancelledError, String(e));
  assert.equal(e.status, Status.CANCELLED);
  assert.equal(e.step, Step.SUBMIT);
  assert.equal(e.outcomeUncertain, true);
  assert.match(e.message, /may have accepted the submit/);
  assert.ok(e.done.packageId, JSON.stringify(e.done));
  // it had landed: the app is in review (the fault is cleared by now)
  assert.equal((await c.releaseState(app)).status, ReleaseStatus.IN_REVIEW);
  // an error of any other call carries no outcomeUncertain
  const other = await rejection(c.uploadFile(app, path.join(t.dir, 'missing.app')));
  assert.ok(other instanceof agc.FileError);
  assert.equal(other.outcomeUncertain, null);
});
