// Shared helpers of tests/node: the standalone mock that scripts/with-mock.sh started (its
// address, CA and credentials come from the AGC_MOCK_* variables), its control endpoints over
// real HTTPS with its CA, temporary files, and a client of the mock from the installed package.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
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
    /** A .app (a ZIP's magic, then random bytes) of `size` bytes after the magic. */
    app(name = 'road.app', size = 20000) {
      return this.write(name, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), crypto.randomBytes(size)]));
    },
  };
}

export const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
