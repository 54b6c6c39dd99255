// Sealing: profile pictures uploaded sealed, sealFile/openFile round trip, bad keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as agc from 'agcupload';
import { PROFILE_PICTURE, sealFile, openFile } from 'agcupload';
import { client, tempDir, storedObject } from './mockenv.mjs';

const t = tempDir();

test('a profile picture needs a seal key, is stored sealed, and opens with the key', async () => {
  const c = client();
  const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), crypto.randomBytes(100000)]);
  const p = t.write('me.png', png);
  await assert.rejects(c.uploadFile('20040', p, { kind: PROFILE_PICTURE }), (e) => e instanceof agc.SealError && e.name === 'AGC_ERR_SEAL_KEY');
  assert.throws(() => c.setSealKey(Buffer.alloc(31)), (e) => e instanceof agc.SealError);
  assert.throws(() => c.setSealKey('k'.repeat(32)), agc.InvalidArgumentError);
  const key = Buffer.from([...Array(32).keys()]);
  c.setSealKey(key);
  assert.deepEqual(key, Buffer.from([...Array(32).keys()]), 'the caller\'s key was changed');
  const r = await c.uploadFile('20040', p, { kind: PROFILE_PICTURE });
  const stored = await storedObject(r.objectId);
  assert.ok(!stored.includes(png.subarray(0, 64)));
  const sealed = t.write('stored.sealed', stored);
  const out = path.join(t.dir, 'opened.png');
  await openFile(key, sealed, out);
  assert.deepEqual(fs.readFileSync(out), png);
  await assert.rejects(openFile(Buffer.alloc(32), sealed, out + '.x'), (e) => e instanceof agc.SealError && e.name === 'AGC_ERR_SEAL_CORRUPT');
  assert.ok(!fs.existsSync(out + '.x'));
  c.close();
});

test('sealFile and openFile round trip; a key of the wrong length is a SealError', async () => {
  const data = crypto.randomBytes(70000);
  const src = t.write('plain.bin', data);
  const key = crypto.randomBytes(32);
  const sealed = path.join(t.dir, 'plain.sealed');
  await sealFile(key, src, sealed);
  assert.notDeepEqual(fs.readFileSync(sealed).subarray(0, 100), data.subarray(0, 100));
  const back = path.join(t.dir, 'back.bin');
  await openFile(new Uint8Array(key), sealed, back);
  assert.deepEqual(fs.readFileSync(back), data);
  await assert.rejects(sealFile(Buffer.alloc(16), src, sealed + '2'), (e) => e instanceof agc.SealError && e.name === 'AGC_ERR_SEAL_KEY');
  await assert.rejects(sealFile(key, path.join(t.dir, 'none.bin'), sealed + '3'), agc.FileError);
  await assert.rejects(sealFile(null, src, sealed + '4'), agc.InvalidArgumentError);
});
