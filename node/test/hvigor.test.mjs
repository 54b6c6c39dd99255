// The hvigor plugin (agcupload/hvigor): loading it and applying it to hvigor's node never loads
// the native library; its task publishes the module's .app to the mock. hvigor itself cannot run
// here: a stand-in node object records what the plugin registers, as hvigor's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** A stand-in for hvigor's node: keeps the registered tasks. */
function standInNode(dir) {
  const tasks = [];
  return { tasks, registerTask: (t) => tasks.push(t), getNodePath: () => dir };
}

test('loading and applying the plugin loads neither the library nor koffi', () => {
  // A fresh process, with a library path that cannot load: requiring the plugin, applying it and
  // registering the task must all work, and nothing native may be in the module cache.
  const script = `
    const { agcPublishPlugin, PLUGIN_ID } = require('agcupload/hvigor');
    const tasks = [];
    const plugin = agcPublishPlugin({ appId: '10001', mode: 'publish' });
    plugin.apply({ registerTask: (t) => tasks.push(t), getNodePath: () => process.cwd() });
    const loaded = Object.keys(require.cache).filter((p) => /koffi|native\\.cjs|index\\.cjs/.test(p));
    console.log(JSON.stringify({ id: plugin.pluginId, same: plugin.pluginId === PLUGIN_ID, tasks: tasks.map((t) => [t.name, t.dependencies]), loaded }));
    tasks[0].run().then(() => console.log('ran'), (e) => console.log('ERR ' + e.message));
  `;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, AGCUPLOAD_LIBRARY: path.join(process.cwd(), 'no-such-libagcupload.so'), AGC_CLIENT_ID: 'id', AGC_CLIENT_SECRET: 's' },
    encoding: 'utf8',
  }).trim().split('\n');
  const state = JSON.parse(out[0]);
  assert.deepEqual(state, { id: 'agcupload', same: true, tasks: [['agcPublish', ['assembleApp']]], loaded: [] });
  // Only running the task loads the library, and there its failure is the task's error.
  assert.match(out[1], /^ERR .*no-such-libagcupload\.so/, out.join('\n'));
});

test('options are checked when the plugin is made; credentials only from the environment', () => {
  const { agcPublishPlugin } = require('agcupload/hvigor');
  assert.throws(() => agcPublishPlugin({ clientSecret: 'x' }), /unknown option 'clientSecret'.*credentials come from the environment/);
  assert.throws(() => agcPublishPlugin({ mode: 'release' }), /mode must be one of upload, publish, submit/);
  assert.throws(() => agcPublishPlugin({ dependencies: 'assembleApp' }), /dependencies must be an array/);
  assert.throws(() => agcPublishPlugin([]), /the options must be an object/);
  assert.throws(() => agcPublishPlugin().apply({}), /needs hvigor's node/);
});

test('the task publishes the module\'s .app to the mock, configured from options and the environment', async () => {
  // Imported here, after the tests above: mockenv loads the library.
  const { BASE, CA, CID, SECRET, tempDir, storedObject, sha256 } = await import('./mockenv.mjs');
  const fs = await import('node:fs');
  const t = tempDir();
  const app = t.app('hvigor.app', 21001);
  const { agcPublishPlugin } = require('agcupload/hvigor');
  const lines = [];
  const node = standInNode(t.dir);
  agcPublishPlugin({ taskName: 'publishToAgc', appId: '10001', file: 'hvigor.app', apiBase: BASE, log: (l) => lines.push(l) }).apply(node);
  assert.equal(node.tasks.length, 1);
  assert.equal(node.tasks[0].name, 'publishToAgc');
  const saved = { ...process.env };
  Object.assign(process.env, { AGC_CLIENT_ID: CID, AGC_CLIENT_SECRET: SECRET, AGC_CA_FILE: CA });
  delete process.env.AGC_SERVICE_ACCOUNT_JSON;
  delete process.env.AGC_SERVICE_ACCOUNT_FILE;
  try {
    const r = await node.tasks[0].run();
    assert.ok(r.upload.objectId && r.packageId, JSON.stringify(r));
    assert.equal(sha256(await storedObject(r.upload.objectId)), sha256(fs.readFileSync(app)));
    assert.ok(lines.includes('agcupload: uploading') && lines.includes('agcupload: binding'), lines.join('\n'));
    assert.match(lines.at(-1), new RegExp(`published package ${r.packageId}`));
    assert.ok(!lines.join('\n').includes(SECRET), 'the secret is never logged');
    // Without credentials the task fails before loading anything or sending a request.
    delete process.env.AGC_CLIENT_SECRET;
    await assert.rejects(node.tasks[0].run(), /no credentials: set AGC_SERVICE_ACCOUNT_JSON/);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('with listingDir the task applies the store listing before the package; a broken one stops it first', async () => {
  const { BASE, CA, CID, SECRET, tempDir, png, client, storedObjects } = await import('./mockenv.mjs');
  const fs = await import('node:fs');
  const t = tempDir();
  t.app('listed.app', 21002);
  const files = {
    'name.txt': 'Listed by hvigor\n', 'description.txt': 'An app listed from its build.\n',
    'brief.txt': 'Listed from hvigor\n', 'icon.png': png(216, 216, [1, 2, 3]),
    'screenshots/phone/01.png': png(1080, 1920, [4, 5, 6]), 'screenshots/phone/02.png': png(1080, 1920, [7, 8, 9]),
    'screenshots/phone/03.png': png(1080, 1920, [10, 11, 12]),
  };
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(t.dir, 'listing', 'en-US', rel)), { recursive: true });
    fs.writeFileSync(path.join(t.dir, 'listing', 'en-US', rel), data);
  }
  const { agcPublishPlugin } = require('agcupload/hvigor');
  const lines = [];
  const node = standInNode(t.dir);
  agcPublishPlugin({ appId: '38201', file: 'listed.app', apiBase: BASE, listingDir: 'listing', log: (l) => lines.push(l) }).apply(node);
  const saved = { ...process.env };
  Object.assign(process.env, { AGC_CLIENT_ID: CID, AGC_CLIENT_SECRET: SECRET, AGC_CA_FILE: CA });
  delete process.env.AGC_SERVICE_ACCOUNT_JSON;
  delete process.env.AGC_SERVICE_ACCOUNT_FILE;
  const c = client();
  try {
    const r = await node.tasks[0].run();
    assert.ok(r.packageId, JSON.stringify(r));
    assert.ok(lines.includes('agcupload: listing: 5 changes applied and read back'), lines.join('\n'));
    assert.ok(lines.indexOf('agcupload: setting_texts') < lines.indexOf('agcupload: hashing'), lines.join('\n'));
    assert.deepEqual((await c.listingPlan('38201', path.join(t.dir, 'listing'))).changes, []);
    // A rule broken (the brief equal to the description): the task fails and no package goes up.
    fs.writeFileSync(path.join(t.dir, 'listing', 'en-US', 'brief.txt'), files['description.txt']);
    const objects = await storedObjects();
    await assert.rejects(node.tasks[0].run(), (e) => e instanceof Error && /brief/.test(e.message));
    assert.equal(await storedObjects(), objects);
  } finally {
    c.close();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
