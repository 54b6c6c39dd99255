// The bind's optional releaseType / releasePhase query parameters through the Node package:
// neither is sent by default; bindReleaseType / bindReleasePhase of publish and releasePackage
// send them, and a value AGC does not define is refused before any request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as agc from 'agcupload';
import { client, requestsLog, signedApp, tempDir } from './mockenv.mjs';

const BIND = '/api/publish/v3/app-package-info';
const t = tempDir();
const c = client();

async function bindQueries(appId) {
  return (await requestsLog())
    .filter((r) => r.path === BIND && r.query.some(([k, v]) => k === 'appId' && v === appId))
    .map((r) => Object.fromEntries(r.query));
}

test('the bind sends only the app id unless asked', async () => {
  await c.publish('37101', t.write('plain.app', signedApp()), { timeoutMs: 60000 });
  assert.deepEqual(await bindQueries('37101'), [{ appId: '37101' }]);
});

test('bindReleaseType and bindReleasePhase reach the bind of publish and of the road', async () => {
  await c.publish('37102', t.write('asked.app', signedApp()), { timeoutMs: 60000, bindReleaseType: 1, bindReleasePhase: 3 });
  assert.deepEqual(await bindQueries('37102'), [{ appId: '37102', releaseType: '1', releasePhase: '3' }]);
  await c.releasePackage('37103', t.write('road.app', signedApp()), { timeoutMs: 60000, notes: { 'en-US': 'Dark mode.' }, bindReleasePhase: 0 });
  assert.deepEqual(await bindQueries('37103'), [{ appId: '37103', releasePhase: '0' }]);
});

test('values AGC does not define are refused before any request', async () => {
  const p = t.write('refused.app', signedApp());
  const before = (await requestsLog()).length;
  for (const bad of [{ bindReleasePhase: 2 }, { bindReleaseType: 7 }, { bindReleasePhase: -1 }]) {
    await assert.rejects(c.publish('37104', p, { timeoutMs: 60000, ...bad }), agc.InvalidArgumentError, JSON.stringify(bad));
  }
  const after = (await requestsLog()).slice(before).filter((r) => !r.path.startsWith('/mock/'));
  assert.deepEqual(after, []);
});
