// Secrets never appear in an error, even when the server echoes the request back (the mock's
// reflect_request fault puts the request, credential headers first, into its error answers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { inspect } from 'node:util';
import * as agc from 'agcupload';
import { Client } from 'agcupload';
import { BASE, CA, CID, SECRET, tempDir, withFault, requestsLog } from './mockenv.mjs';

const t = tempDir();

/** Every rendering of `e` a user or a log may see. */
const renderings = (e) => [e.message, String(e), e.stack, inspect(e), JSON.stringify(e), inspect(e.done)];

const RUN = 16; // as tests/secrets.rs: no run of 16 characters of a secret may show

/** The secrets the mock saw (its request log keeps the headers): bearer tokens (the access
 * token, or a service account's signed JWT) and the upload's SigV4 signatures. */
async function seenSecrets() {
  const out = [];
  for (const r of await requestsLog()) {
    for (const [k, v] of r.headers) {
      if (k !== 'authorization') continue;
      if (v.startsWith('Bearer ')) out.push(v.slice(7));
      else out.push(v.split('Signature=').at(-1));
    }
  }
  return out;
}

/** Every run of RUN characters of each secret. */
function runs(secrets) {
  const out = new Set();
  for (const x of secrets) for (let i = 0; i + Math.min(RUN, x.length) <= x.length; i++) out.add(x.slice(i, i + RUN));
  return out;
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

async function assertClean(what, e, extraSecrets = []) {
  assert.ok(e instanceof agc.AgcError, `${what}: ${e}`);
  assert.ok(e.message.includes('[redacted]'), `${what}: the request was not echoed back: ${e.message}`);
  const pieces = runs([SECRET, ...await seenSecrets()]);
  for (const text of renderings(e)) {
    for (const p of pieces) assert.ok(!text.includes(p), `${what}: shows part of a secret (${p}): ${text}`);
    for (const p of extraSecrets) assert.ok(!text.includes(p), `${what}: shows a piece of the key ${p}: ${text}`);
  }
}

test('API client: a reflected token, upload-url and PUT request never put a secret in an error', async () => {
  const p = t.app('reflect.app', 2000);
  for (const where of ['all', 'token', 'upload_url', 'put']) {
    const c = fresh({ clientId: CID, clientSecret: SECRET }); // no cached token: the token request is sent
    const e = await withFault(`reflect_request:${where}`, () => c.uploadFile('20030', p).then(() => null, (x) => x));
    await assertClean(where, e);
    c.close();
  }
  // the put case sent a token and a signed PUT: there were secrets to look for
  assert.ok((await seenSecrets()).length >= 2, 'the mock saw no credential');
});

test('service account: reflected requests never show the key or the signed JWT', async () => {
  const p = t.app('reflect-sa.app', 2000);
  for (const where of ['all', 'upload_url', 'put']) {
    const c = fresh({ serviceAccount: process.env.AGC_TEST_SA_KEY });
    const e = await withFault(`reflect_request:${where}`, () => c.uploadFile('20031', p).then(() => null, (x) => x));
    await assertClean(`sa ${where}`, e, keyPieces());
    c.close();
  }
});

test('the release road and its separate calls with every release call reflected', async () => {
  const c = fresh({ clientId: CID, clientSecret: SECRET });
  const p = t.app('reflect-road.app', 2000);
  await withFault('reflect_request:release', async () => {
    // The preflight's app-info read is a release call too: reflected, the road stops there.
    const pre = await c.releasePackage('20032', p, { notes: { 'en-US': 'x' }, timeoutMs: 60000 }).then(() => null, (x) => x);
    await assertClean('road preflight', pre);
    assert.equal(pre.step, agc.Step.PREFLIGHT);
    // Without it, the road uploads, binds, waits and stops at the notes.
    const e = await c.releasePackage('20032', p, { notes: { 'en-US': 'x' }, timeoutMs: 60000, preflight: false })
      .then(() => null, (x) => x);
    await assertClean('road', e);
    assert.equal(e.step, agc.Step.NOTES);
    await assertClean('notes', await c.setReleaseNotes('20032', { 'en-US': 'x' }).then(() => null, (x) => x));
    await assertClean('submit', await c.submitForReview('20032').then(() => null, (x) => x));
    await assertClean('state', await c.releaseState('20032').then(() => null, (x) => x));
  });
  c.close();
});
