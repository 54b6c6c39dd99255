// Shared helpers of node/test: the standalone mock that scripts/with-mock.sh started (its
// address, CA and credentials come from the AGC_MOCK_* variables), its control endpoints over
// real HTTPS with its CA, temporary files, and a client of the mock from the installed package.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { Client } from 'agcupload';

export const BASE = process.env.AGC_MOCK_BASE_URL || '';
export const CA = process.env.AGC_MOCK_CA_FILE || '';
export const CID = process.env.AGC_MOCK_CLIENT_ID || '';
export const SECRET = process.env.AGC_MOCK_CLIENT_SECRET || '';
if (!BASE || !CA) throw new Error('run through scripts/with-mock.sh (AGC_MOCK_BASE_URL is not set)');

function request(method, p, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(BASE + p, { method, ca: fs.readFileSync(CA) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        if (res.statusCode !== 200) reject(new Error(`${method} ${p}: ${res.statusCode} ${data}`));
        else resolve(data);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const mockGet = (p) => request('GET', p);
export const mockPost = (p, body = '') => request('POST', p, body);
export const requestsLog = async () => JSON.parse(await mockGet('/mock/requests'));
export const storedObjects = async () => JSON.parse(await mockGet('/mock/stats')).objects;
export const storedObject = (id) => mockGet('/mock/objects/' + encodeURIComponent(id));

export async function count(method, prefix) {
  return (await requestsLog()).filter((r) => r.method === method && r.path.startsWith(prefix)).length;
}

/** Sets a mock fault for the length of `body` (an async function), and always clears it. */
export async function withFault(name, body) {
  await mockPost('/mock/fault', name);
  try {
    return await body();
  } finally {
    await mockPost('/mock/fault', 'none');
  }
}

/** A client of the mock: its API base and CA, two attempts per upload, quick parse polls. */
export function client(extra = {}) {
  const c = new Client({ clientId: CID, clientSecret: SECRET, apiBase: BASE, caFile: CA, ...extra });
  c.setRetry(2, 60000);
  c.setPollIntervalMs(20, 100);
  return c;
}

/** A stored (uncompressed) ZIP of `entries` ([name, Buffer]), signed unless `signed` is false:
 * a HAP signing block head right before the central directory, as hap-sign-tool lays it out. */
export function zip(entries, signed = true) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const n = Buffer.from(name);
    const crc = zlib.crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(n.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(data.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(n.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, n, data);
    centrals.push(ch, n);
    offset += 30 + n.length + data.length;
  }
  let block = Buffer.alloc(0);
  if (signed) {
    const head = Buffer.alloc(32);
    head.writeUInt32LE(1, 0); head.writeBigUInt64LE(BigInt(64 + 32), 4);
    head.write('<hap sign block>', 12, 'latin1'); head.writeUInt32LE(3, 28);
    block = Buffer.concat([Buffer.alloc(64, 0x5a), head]);
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset + block.length, 16);
  return Buffer.concat([...locals, block, cd, end]);
}

/** The bundle name and version code of signedApp's default packages. */
export const BUNDLE = 'com.example.agcmock';
export const VERSION_CODE = 1000012;

/** A signed .app of exactly `size` bytes: pack.info (one entry module) saying `bundle`,
 * `versionCode` and `bundleType`, and a module of random padding. Throws when `size` cannot
 * hold them. */
export function signedApp({ size = 20000, bundle = BUNDLE, versionCode = VERSION_CODE, bundleType = 'app' } = {}) {
  const info = Buffer.from(JSON.stringify({
    summary: {
      app: { bundleName: bundle, bundleType, version: { code: versionCode, name: `1.0.${versionCode % 1000}` } },
      modules: [{ deviceType: ['phone'], distro: { moduleName: 'entry', moduleType: 'entry' } }],
    },
  }));
  const overhead = zip([['entry-default.hap', Buffer.alloc(0)], ['pack.info', info]]).length;
  if (size < overhead) throw new Error(`a signed .app of this pack.info needs at least ${overhead} bytes, not ${size}`);
  const data = zip([['entry-default.hap', crypto.randomBytes(size - overhead)], ['pack.info', info]]);
  if (data.length !== size) throw new Error(`signedApp wrote ${data.length} bytes, not ${size}`);
  return data;
}

/** A temporary directory, removed at exit. */
export function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-node-test-'));
  process.on('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  return {
    dir: d,
    write(name, data) {
      const p = path.join(d, name);
      fs.writeFileSync(p, data);
      return p;
    },
    /** A signed .app of exactly `size` bytes (see signedApp): publish and the road run the
     * preflight, which reads its pack.info. */
    app(name = 'road.app', size = 20000, opts = {}) {
      return this.write(name, signedApp({ size, ...opts }));
    },
  };
}

export const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

/** A real PNG, `w`x`h` RGB of one colour (zlib-compressed rows), so any decoder takes it. */
export function png(w, h, rgb) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.alloc(1 + 3 * w); // filter byte 0, then the pixels
  for (let x = 0; x < w; x++) row.set(rgb, 1 + 3 * x);
  const rows = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}
