// The preflight through the Node package: publish and releasePackage check the
// package against what AGC holds before anything is sent; a refusal is a PreflightError (status
// PREFLIGHT, step PREFLIGHT for the road) and no upload URL is asked; `preflight: false` skips
// it; a read AGC refuses for lack of rights is a "warning: " note of the result. The mock's
// view of each app is set with POST /mock/app; each test uses its own app ids, and a bundle
// name of its own where it binds one (the other files' packages are signedApp's default one, on new apps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as agc from 'agcupload';
import { Status, Step } from 'agcupload';
import { SECRET, client, count, mockPost, storedObjects, tempDir } from './mockenv.mjs';

const t = tempDir();
const c = client();
const setApp = (view) => mockPost('/mock/app', JSON.stringify(view));
const uploadUrls = () => count('GET', '/api/publish/v2/upload-url');

test('the statuses and steps of the preflight mirror the C ABI', () => {
  assert.equal(Status.PREFLIGHT, 19);
  assert.equal(Step.PREFLIGHT, 11);
  const e = agc.errorFor(Status.PREFLIGHT, 'm');
  assert.ok(e instanceof agc.PreflightError && e instanceof agc.AgcError);
  assert.equal(e.name, 'AGC_ERR_PREFLIGHT');
});

test('a version code not higher than the live one is refused before any upload; preflight: false sends it', async () => {
  const bundle = 'com.example.nodepre.old';
  await setApp({ appId: '32001', packageName: bundle, onShelfVersionCode: 1000013, onShelfVersionNumber: '1.0.13' });
  const p = t.app('old.app', 20000, { bundle, versionCode: 1000012 });
  const [urls, objects] = [await uploadUrls(), await storedObjects()];
  const e = await c.publish('32001', p, { timeoutMs: 60000 }).then(() => null, (x) => x);
  assert.ok(e instanceof agc.PreflightError, String(e));
  assert.equal(e.status, Status.PREFLIGHT);
  assert.match(e.message, /versionCode 1000012 of com\.example\.nodepre\.old is not higher than 1000013/);
  assert.equal(await uploadUrls(), urls, 'an upload URL was asked after a refusal');
  assert.equal(await storedObjects(), objects);

  // The road: the failed step is the preflight, and nothing was obtained.
  const r = await c.releasePackage('32001', p, { timeoutMs: 60000 }).then(() => null, (x) => x);
  assert.ok(r instanceof agc.PreflightError, String(r));
  assert.equal(r.step, Step.PREFLIGHT);
  assert.equal(r.done.objectId, null);
  assert.equal(await uploadUrls(), urls, 'the road asked an upload URL after a refusal');

  // Skipped: the package goes up (the mock, unlike AGC, does not compare version codes).
  await assert.rejects(c.publish('32001', p, { preflight: 'no' }), agc.InvalidArgumentError);
  await assert.rejects(c.releasePackage('32001', p, { preflight: 1 }), agc.InvalidArgumentError);
  const pub = await c.publish('32001', p, { timeoutMs: 60000, preflight: false });
  assert.ok(pub.packageId && pub.upload.objectId);
  assert.ok(await uploadUrls() > urls);
  const ids = await c.releasePackage('32001', p, { timeoutMs: 60000, preflight: false });
  assert.ok(ids.packageId, JSON.stringify(ids));
});

test('a higher version code passes; a new app gets a note, not a warning', async () => {
  const bundle = 'com.example.nodepre.newer';
  await setApp({ appId: '32002', packageName: bundle, onShelfVersionCode: 1000011 });
  const r = await c.publish('32002', t.app('new.app', 20000, { bundle }), { timeoutMs: 60000, preflight: true });
  assert.ok(r.packageId);
  assert.deepEqual(r.upload.notes, []);
  const fresh = await c.publish('32004', t.app('fresh.app', 20000), { timeoutMs: 60000 });
  assert.ok(fresh.upload.notes.some((n) => n.includes('is not bound to any app')), JSON.stringify(fresh.upload.notes));
  assert.ok(!fresh.upload.notes.some((n) => n.startsWith('warning: ')), JSON.stringify(fresh.upload.notes));
});

test('a read refused for lack of rights is a warning note of the publish and of the road', async () => {
  await setApp({ appId: '32003', denyAppInfo: true });
  const r = await c.publish('32003', t.app('rights.app', 20000), { timeoutMs: 60000 });
  assert.ok(r.packageId);
  const warnings = r.upload.notes.filter((n) => n.startsWith('warning: '));
  assert.equal(warnings.length, 1, JSON.stringify(r.upload.notes));
  assert.match(warnings[0], /lack of rights/);
  assert.match(warnings[0], /32003/);
  assert.ok(!warnings[0].includes(SECRET));
  const ids = await c.releasePackage('32003', t.app('rights-road.app', 20000), { timeoutMs: 60000 });
  assert.ok(ids.packageId);
  assert.ok(ids.notes.some((n) => n.startsWith('warning: ') && n.includes('lack of rights')), JSON.stringify(ids.notes));
  c.close();
});
