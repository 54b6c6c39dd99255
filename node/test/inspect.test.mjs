// inspectPackage: offline reading of a package's pack.info (agc_inspect_package), with the
// fixtures written here as stored ZIPs and signed the way hap-sign-tool lays it out (a signing
// block right before the central directory). Needs no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as agc from 'agcupload';
import { inspectPackage, HARMONY_APP, ATOMIC_SERVICE } from 'agcupload';
import { tempDir, zip } from './mockenv.mjs';

const t = tempDir();

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
