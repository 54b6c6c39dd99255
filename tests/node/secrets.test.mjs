// Secrets never appear in an error, even when the server echoes the request back (the mock's
// reflect_request fault puts the request, credential headers first, into its error answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { inspect } from 'node:util';
import * as agc from 'agcupload';
import { Client } from 'agcupload';
import { BASE, CA, CID, SECRET, tempDir, withFault, mockGet } from './mockenv.mjs';

const t = tempDir();

/** Every rendering of `e` a user or a log may see. */
const renderings = (e) => [e.message, String(e), e.stack, inspect(e), JSON.stringify(e), inspect(e.done)];

/** The bearer tokens the mock issued (they must not show either). */
async function tokens() {
  const n = JSON.parse(await mockGet('/mock/stats')).tokens_issued;
  return n;
}

function fresh(extra) {
  const c = new Client({ apiBase: BASE, caFile: CA, ...extra });
  c.setRetry(1, 30000);
  c.setPollIntervalMs(20, 100);
  return c;
}

const saKey = () => JSON.parse(fs.readFileSync(process.env.AGC_TEST_SA_KEY, 'utf8'));

/** Pieces of the service account's private key: no 24-character run of it may show. */
function keyPieces() {
  const pem = saKey().private_key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const out = [];
  for (let i = 0; i + 24 <= pem.length; i += 24) out.push(pem.slice(i, i + 24));
  return out;
}

function assertClean(what, e, extraSecrets = []) {
  assert.ok(e instanceof agc.AgcError, `${what}: ${e}`);
  assert.ok(e.message.includes('[redacted]'), `${what}: the request was not echoed back: ${e.message}`);
  for (const text of renderings(e)) {
    assert.ok(!text.includes(SECRET), `${what}: shows the client secret: ${text}`);
    for (const s of extraSecrets) assert.ok(!text.includes(s), `${what}: shows a secret piece ${s}: ${text}`);
    assert.ok(!/Bearer\s+[A-Za-z0-9._-]{16,}/.test(text), `${what}: shows a bearer token: ${text}`);
    assert.ok(!/Signature=[0-9a-f]{16,}/.test(text), `${what}: shows an upload signature: ${text}`);
  }
}

test('API client: a reflected token, upload-url and PUT request never put a secret in an error', async () => {
  const p = t.app('reflect.app', 2000);
  for (const where of ['all', 'token', 'upload_url', 'put']) {
    const c = fresh({ clientId: CID, clientSecret: SECRET }); // no cached token: the token request is sent
    const e = await withFault(`reflect_request:${where}`, () => c.uploadFile('20030', p).then(() => null, (x) => x));
    assertClean(where, e);
    c.close();
  }
  assert.ok((await tokens()) > 0);
});

test('service account: reflected requests never show the key or the signed JWT', async () => {
  const p = t.app('reflect-sa.app', 2000);
  for (const where of ['all', 'upload_url', 'put']) {
    const c = fresh({ serviceAccount: process.env.AGC_TEST_SA_KEY });
    const e = await withFault(`reflect_request:${where}`, () => c.uploadFile('20031', p).then(() => null, (x) => x));
    assertClean(`sa ${where}`, e, keyPieces());
    c.close();
  }
});

test('the release road and its separate calls with every release call reflected', async () => {
  const c = fresh({ clientId: CID, clientSecret: SECRET });
  const p = t.app('reflect-road.app', 2000);
  await withFault('reflect_request:release', async () => {
    const e = await c.releasePackage('20032', p, { notes: { 'en-US': 'x' }, timeoutMs: 60000 }).then(() => null, (x) => x);
    assertClean('road', e);
    assert.equal(e.step, agc.Step.NOTES);
    assertClean('notes', await c.setReleaseNotes('20032', { 'en-US': 'x' }).then(() => null, (x) => x));
    assertClean('submit', await c.submitForReview('20032').then(() => null, (x) => x));
    assertClean('state', await c.releaseState('20032').then(() => null, (x) => x));
  });
  c.close();
});
