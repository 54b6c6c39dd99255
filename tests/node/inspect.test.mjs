// inspectPackage: offline reading of a package's pack.info (agc_inspect_package), with the
// fixtures written here as stored ZIPs and signed the way hap-sign-tool lays it out (a signing
// block right before the central directory). Needs no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import * as agc from 'agcupload';
import { inspectPackage, HARMONY_APP, ATOMIC_SERVICE } from 'agcupload';
import { tempDir } from './mockenv.mjs';

const t = tempDir();

/** A stored (uncompressed) ZIP of `entries` ([name, Buffer]), signed unless `signed` is false. */
function zip(entries, signed = true) {
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

const packInfo = (bundleType, code) => Buffer.from(JSON.stringify({
  summary: {
    app: { bundleName: 'com.example.nodeapp', bundleType, version: { code, name: '1.0.12', minCompatibleVersionCode: 1000000 } },
    modules: [{ deviceType: ['phone', 'tablet'], distro: { moduleType: 'entry', moduleName: 'entry' } }],
  },
}));

test('an app package is read offline: bundle, version and modules', async () => {
  const p = t.write('app.app', zip([['entry-default.hap', Buffer.alloc(3000, 7)], ['pack.info', packInfo('app', 1000012)]]));
  const info = await inspectPackage(p);
  assert.equal(info.bundleName, 'com.example.nodeapp');
  assert.equal(info.bundleType, 'app');
  assert.equal(info.kind, HARMONY_APP);
  assert.equal(info.versionCode, 1000012);
  assert.equal(info.versionName, '1.0.12');
  assert.equal(info.minCompatibleVersionCode, 1000000);
  assert.deepEqual(info.modules, [{ name: 'entry', type: 'entry', deviceTypes: ['phone', 'tablet'] }]);
  const svc = t.write('svc.app', zip([['entry.hap', Buffer.alloc(100, 1)], ['pack.info', packInfo('atomicService', 3)]]));
  assert.equal((await inspectPackage(svc)).kind, ATOMIC_SERVICE);
});

test('a bad package is a FileError with the FILE_TYPE status, never a crash', async () => {
  const cases = [
    ['nopack.app', zip([['entry.hap', Buffer.alloc(10)]])],
    ['unsigned.app', zip([['entry.hap', Buffer.alloc(10)], ['pack.info', packInfo('app', 1)]], false)],
    ['badjson.app', zip([['entry.hap', Buffer.alloc(10)], ['pack.info', Buffer.from('{not json')]])],
    ['notzip.app', Buffer.from('PK\x03\x04 but not a zip at all'.repeat(10))],
  ];
  for (const [name, data] of cases) {
    await assert.rejects(inspectPackage(t.write(name, data)),
      (e) => e instanceof agc.FileError && e.name === 'AGC_ERR_FILE_TYPE' && e.message.length > 0, name);
  }
  await assert.rejects(inspectPackage(t.dir + '/absent.app'), agc.FileError);
  await assert.rejects(inspectPackage(42), agc.InvalidArgumentError);
});
