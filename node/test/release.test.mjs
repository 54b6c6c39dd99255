// The release road: in one call, its failure and resume, test releases, and the separate steps.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as agc from 'agcupload';
import { Step, ReleaseStatus, TestType, Phase } from 'agcupload';
import { client, tempDir, withFault, count, storedObjects, storedObject, sha256, requestsLog } from './mockenv.mjs';
import fs from 'node:fs';

const t = tempDir();
const c = client();
after(() => c.close());
const apiRequests = async () => (await requestsLog()).filter((r) => r.path.startsWith('/api/')).length;

test('the road end to end: upload, bind, wait, notes, submit; then in review', async () => {
  const phases = new Set();
  const ids = await c.releasePackage('31003', t.app('road.app'), {
    notes: { 'en-US': 'Dark mode.' }, remark: 'Please test the login.', timeoutMs: 60000,
    progress: (p) => { phases.add(p); },
  });
  assert.ok(ids.objectId && ids.packageId, JSON.stringify(ids));
  assert.equal(ids.fileName, 'road.app');
  assert.equal(ids.versionId, null);
  for (const p of [Phase.UPLOADING, Phase.BINDING, Phase.WAITING, Phase.SETTING_NOTES, Phase.SUBMITTING]) {
    assert.ok(phases.has(p), `${p} missing from ${[...phases]}`);
  }
  assert.equal((await c.releaseState('31003')).status, ReleaseStatus.IN_REVIEW);
});

test('a failed step keeps the ids; resume goes on without uploading or binding again', async () => {
  const app = '31004';
  const p = t.app('resume.app', 30001);
  const e = await withFault('release_code_once:204144641:invalid parameter from the mock',
    () => c.releasePackage(app, p, { notes: { 'en-US': 'Dark mode.' }, timeoutMs: 60000 }).then(() => null, (x) => x));
  assert.ok(e instanceof agc.ApiError, String(e));
  assert.equal(e.status, agc.Status.API);
  assert.equal(e.step, Step.NOTES);
  assert.equal(e.outcomeUncertain, false, 'an answered refusal is no uncertain outcome');
  assert.match(e.message, /invalid parameter from the mock/);
  assert.ok(e.done.objectId && e.done.packageId, JSON.stringify(e.done));
  assert.equal(e.done.fileName, 'resume.app');
  assert.equal(e.done.size, 30001);
  assert.equal(e.done.sha256, sha256(fs.readFileSync(p)));
  assert.equal(sha256(await storedObject(e.done.objectId)), e.done.sha256);
  const before = [await storedObjects(), await count('PUT', '/obs/'), await count('PUT', '/api/publish/v3/app-package')];
  // the file is not read again: a path that does not exist is fine
  const ids = await c.releasePackage(app, path.join(t.dir, 'gone.app'), { notes: { 'en-US': 'Dark mode.' }, resume: e.done, timeoutMs: 60000 });
  assert.deepEqual([ids.objectId, ids.packageId, ids.sha256], [e.done.objectId, e.done.packageId, e.done.sha256]);
  assert.deepEqual([await storedObjects(), await count('PUT', '/obs/'), await count('PUT', '/api/publish/v3/app-package')], before);
  assert.equal((await c.releaseState(app)).status, ReleaseStatus.IN_REVIEW);
  // in review already: the submit is refused, the ids carried
  const again = await c.releasePackage(app, p, { resume: e.done }).then(() => null, (x) => x);
  assert.ok(again instanceof agc.ApiError);
  assert.equal(again.step, Step.SUBMIT);
  assert.equal(again.outcomeUncertain, false);
  assert.equal(again.done.packageId, e.done.packageId);
});

test('options are checked before any request (step CHECK)', async () => {
  const before = await apiRequests();
  const e = await c.releasePackage('31002', t.app(), { notes: { 'de-DE': '\u00fc'.repeat(501) } }).then(() => null, (x) => x);
  assert.ok(e instanceof agc.InvalidArgumentError, String(e));
  assert.equal(e.step, Step.CHECK);
  assert.equal(e.outcomeUncertain, false);
  assert.equal(e.done.objectId, null);
  const bad = await c.releasePackage('31002', t.app(), { resume: { objectId: 'o', sha256: 'ABC', size: 5 } }).then(() => null, (x) => x);
  assert.ok(bad instanceof agc.InvalidArgumentError);
  assert.equal(bad.step, Step.CHECK);
  assert.match(bad.message, /SHA-256/);
  await assert.rejects(c.releasePackage('31002', t.app(), { test: { description: 'x', testType: TestType.INVITE } }),
    (x) => x instanceof agc.InvalidArgumentError && x.step === Step.CHECK);
  await assert.rejects(c.releasePackage('31002', t.app(), { test: { description: 'x', start: 1 } }), agc.InvalidArgumentError);
  await assert.rejects(c.submitForReview('31002', { remark: 'short' }), agc.InvalidArgumentError);
  await assert.rejects(c.setReleaseNotes('31002', ['en-US', 'x']), agc.InvalidArgumentError);
  assert.equal(await apiRequests(), before, 'a request was sent');
});

test('a HarmonyOS test release, invite with groups and a window, then an open one', async () => {
  // AGC takes one needNotify per test version: groups asking different flags are refused.
  const mixed = await c.releasePackage('31006', t.app('mixed.app'), {
    test: { description: 'mixed', testType: TestType.INVITE, groups: ['grp-1', { id: 'grp-2', notify: true }] },
  }).then(() => null, (x) => x);
  assert.ok(mixed instanceof agc.InvalidArgumentError && /needNotify/.test(mixed.message), String(mixed));
  const phases = new Set();
  const start = new Date(Date.UTC(2030, 2, 1));
  const ids = await c.releasePackage('31006', t.app('beta.app'), {
    timeoutMs: 60000,
    test: {
      description: '1.2.0 beta', testType: TestType.INVITE, groups: ['grp-1', 'grp-2'], notify: true,
      start, end: new Date(start.getTime() + 7 * 86400000),
    },
    progress: (p) => { phases.add(p); },
  });
  assert.ok(ids.objectId && ids.packageId && ids.versionId, JSON.stringify(ids));
  for (const p of ['creating_test_version', 'adding_test_package', 'setting_test_info', 'submitting_test']) {
    assert.ok(phases.has(p), `${p} missing`);
  }
  assert.ok(!phases.has('submitting'));
  const open = await c.releasePackage('31007', t.app('open.app'), { test: { description: 'open beta' }, timeoutMs: 60000 });
  assert.ok(open.versionId);
});

test('notes, submit and state as separate calls', async () => {
  const app = '31001';
  await c.publish(app, t.app('sep.app'), { timeoutMs: 60000 });
  const before = await count('PUT', '/api/publish/v3/app-language-info');
  const seen = [];
  await c.setReleaseNotes(app, { 'en-US': 'Dark mode.', 'zh-CN': '\u6df1\u8272\u6a21\u5f0f' }, { progress: (...a) => { seen.push(a); } });
  assert.equal(await count('PUT', '/api/publish/v3/app-language-info') - before, 2);
  assert.deepEqual(seen.at(-1), ['setting_notes', 2, 2]);
  await assert.rejects(c.setReleaseNotes(app, { 'fr-FR': 'Mode sombre.' }), (e) => e instanceof agc.ApiError && e.message.includes('fr-FR'));
  let s = await c.releaseState(app);
  assert.deepEqual(s, { status: ReleaseStatus.DRAFT, raw: 7, auditOpinion: null });
  // a Date becomes AGC's UTC text (the library and the mock check its form)
  await c.submitForReview(app, { releaseTime: new Date(Date.UTC(2031, 4, 6, 7, 8, 9)), phased: '1% first',
    remark: 'Please test the login.', timeoutMs: 60000 });
  s = await c.releaseState(app);
  assert.deepEqual(s, { status: ReleaseStatus.IN_REVIEW, raw: 4, auditOpinion: null });
  await assert.rejects(c.submitForReview(app), (e) => e instanceof agc.ApiError && /review/.test(e.message));
});

test('a submit retried while AGC still processes ends in a timeout (NetworkError)', async () => {
  const app = '31008';
  await c.publish(app, t.app('proc.app'), { timeoutMs: 60000 });
  const e = await withFault('submit_still_processing:1000000', () => c.submitForReview(app, { timeoutMs: 300 }).then(() => null, (x) => x));
  assert.ok(e instanceof agc.NetworkError, String(e));
  assert.equal(e.status, agc.Status.TIMEOUT);
  assert.equal((await c.releaseState(app)).status, ReleaseStatus.DRAFT);
});


test('refusals before the road starts carry step CHECK and the ids to resume', async () => {
  const c2 = client();
  const resume = { objectId: 'o-1', fileName: 'f.app', packageId: null };
  for (const call of [
    () => c2.releasePackage(7, t.app()),
    () => c2.releasePackage('31009', t.app(), { signal: AbortSignal.abort(), resume }),
    () => c2.releasePackage('31009', t.app(), { kind: 99, resume }),
  ]) {
    const e = await call().then(() => null, (x) => x);
    assert.ok(e instanceof agc.AgcError, String(e));
    assert.equal(e.step, Step.CHECK, e.message);
    assert.ok(e.done && 'versionId' in e.done, JSON.stringify(e.done));
  }
  const e = await c2.releasePackage('31009', t.app(), { kind: 99, resume }).then(() => null, (x) => x);
  assert.deepEqual(e.done, { objectId: 'o-1', fileName: 'f.app', packageId: null, versionId: null, sha256: null, size: null });
  c2.close();
});
