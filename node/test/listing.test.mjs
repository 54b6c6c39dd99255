// The store listing and the calls around a release: a listing folder written here (texts, a real
// PNG icon and three real PNG phone screenshots) applied, pulled, edited, planned and applied
// again against the mock; the rules, cancellation, AGC storing nothing; deleting a language,
// withdrawing a review, a phased release, the app id of a bundle name; the argument checks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as agc from 'agcupload';
import { Phase, PhasedAction, Status } from 'agcupload';
import { client, png, tempDir, withFault, mockPost, mockGet, requestsLog } from './mockenv.mjs';

const t = tempDir();
const c = client();
after(() => c.close());

/** Requests that reached AGC's side of the mock (its control endpoints left out). */
const sent = async () => (await requestsLog()).filter((r) => !r.path.startsWith('/mock/')).length;
/** The bodies of the release and listing calls the mock took for `appId` on `p`. */
const callsTo = async (appId, p) => JSON.parse(await mockGet('/mock/release-calls'))
  .filter((x) => x.app_id === appId && x.path === p);

/** Writes `files` ({relative path: text or Buffer}) into a new listing folder; returns its path. */
function folder(name, files) {
  const dir = path.join(t.dir, name);
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  }
  return dir;
}

const TEXTS = {
  'en-US/name.txt': 'Listing from Node\n',
  'en-US/description.txt': 'An app whose listing a Node program keeps.\nSecond line.\n',
  'en-US/brief.txt': 'Kept from Node\n',
  'en-US/release_notes.txt': 'First listing\n',
};
const FILES = {
  'en-US/icon.png': png(216, 216, [200, 40, 40]),
  'en-US/screenshots/phone/01.png': png(1080, 1920, [10, 20, 30]),
  'en-US/screenshots/phone/02.png': png(1080, 1920, [40, 50, 60]),
  'en-US/screenshots/phone/03.png': png(1080, 1920, [70, 80, 90]),
};

test('a folder applied and pulled; one text edited: the plan shows exactly it, apply reads it back, then nothing is left', async () => {
  const app = '38101';
  const full = folder('full', { ...TEXTS, ...FILES });
  const phases = new Set();
  const first = await c.listingApply(app, full, { progress: (p) => { phases.add(p); } });
  assert.deepEqual(Object.keys(first).sort(), ['calls', 'changes', 'notes', 'uploads']);
  assert.deepEqual(first.changes.map((ch) => ch.field).sort(),
    ['brief', 'description', 'icon', 'name', 'release_notes', 'screenshots/phone']);
  const shots = first.changes.find((ch) => ch.field === 'screenshots/phone');
  assert.equal(shots.isText, false);
  assert.equal(shots.current, null, 'AGC held no screenshots');
  assert.equal(shots.wanted.length, 3, JSON.stringify(shots.wanted));
  assert.ok(shots.wanted.every((f) => /0[123]\.png$/.test(f)), JSON.stringify(shots.wanted));
  const name = first.changes.find((ch) => ch.field === 'name');
  assert.deepEqual([name.lang, name.isText, name.newLanguage, name.current, name.wanted],
    ['en-US', true, false, null, 'Listing from Node']);
  assert.equal(first.uploads.length, 4);
  assert.equal(first.uploads[0].file, 'en-US/icon.png');
  for (const u of first.uploads) {
    assert.ok(u.objectId, JSON.stringify(u));
    assert.equal(u.size, FILES[u.file].length, u.file);
  }
  assert.equal(first.calls, 3, 'one app-language-info, one app-file-info per kind of file');
  for (const p of [Phase.READING_APP_INFO, Phase.SETTING_TEXTS, Phase.SENDING_LISTING_FILES, Phase.UPLOADING,
    Phase.SETTING_FILE_INFO, Phase.CHECKING_LISTING]) {
    assert.ok(phases.has(p), `${p} missing from ${[...phases]}`);
  }
  assert.ok(!phases.has(Phase.SETTING_NOTES) && !phases.has(Phase.BINDING), [...phases].join(' '));

  // AGC's texts into a folder of their own (files are not downloaded).
  const pulledDir = path.join(t.dir, 'pulled');
  const pulled = await c.listingPull(app, pulledDir, { progress: (p) => { phases.add(`pull:${p}`); } });
  assert.deepEqual(Object.keys(pulled).sort(), ['languages', 'notes', 'written']);
  assert.ok(pulled.languages.includes('en-US'), JSON.stringify(pulled.languages));
  assert.ok(pulled.written.includes('en-US/brief.txt'), JSON.stringify(pulled.written));
  assert.ok(phases.has(`pull:${Phase.READING_APP_INFO}`));
  assert.equal(fs.readFileSync(path.join(pulledDir, 'en-US/brief.txt'), 'utf8'), 'Kept from Node\n');

  fs.writeFileSync(path.join(pulledDir, 'en-US/brief.txt'), 'Edited in Node\n');
  const plan = await c.listingPlan(app, pulledDir);
  assert.deepEqual(Object.keys(plan).sort(), ['changes', 'notes', 'unchanged']);
  assert.equal(plan.changes.length, 1, JSON.stringify(plan.changes));
  const [ch] = plan.changes;
  assert.deepEqual({ ...ch, summary: undefined }, {
    lang: 'en-US', field: 'brief', newLanguage: false, isText: true, summary: undefined,
    current: 'Kept from Node', wanted: 'Edited in Node',
  });
  assert.match(ch.summary, /^en-US brief: "Kept from Node" .* -> "Edited in Node"/);
  assert.ok(plan.unchanged.includes('en-US/name'), JSON.stringify(plan.unchanged));

  const applied = await c.listingApply(app, pulledDir);
  assert.deepEqual(applied.changes.map((x) => [x.lang, x.field, x.wanted]), [['en-US', 'brief', 'Edited in Node']]);
  assert.deepEqual(applied.uploads, []);
  assert.equal(applied.calls, 1);
  // read back through a pull of its own
  await c.listingPull(app, path.join(t.dir, 'again'));
  assert.equal(fs.readFileSync(path.join(t.dir, 'again/en-US/brief.txt'), 'utf8'), 'Edited in Node\n');
  assert.deepEqual((await c.listingPlan(app, pulledDir)).changes, []);
});

test('a broken rule of the folder rejects with InvalidArgumentError listing them, and sends nothing', async () => {
  const dir = folder('broken', {
    'en-US/name.txt': 'Broken\n',
    'en-US/brief.txt': `${'b'.repeat(81)}\n`,
    'en-US/description.txt': 'Same text\n',
    'en-US/release_notes.txt': 'Same text\n',
  });
  const before = await sent();
  for (const call of [() => c.listingPlan('38102', dir), () => c.listingApply('38102', dir)]) {
    const e = await call().then(() => null, (x) => x);
    assert.ok(e instanceof agc.InvalidArgumentError, String(e));
    assert.equal(e.status, Status.INVALID_ARGUMENT);
    assert.match(e.message, /breaks 2 rules, nothing was sent/);
    assert.match(e.message, /en-US\/brief\.txt: .*81 characters/);
    assert.match(e.message, /description\.txt and release_notes\.txt are the same text/);
  }
  assert.equal(await sent(), before, 'a request was sent');
});

test('abort via AbortSignal stops an apply while AGC is slow to answer', async () => {
  const dir = folder('abort', TEXTS);
  const ac = new AbortController();
  const started = Date.now();
  const e = await withFault('slow_answer:30000', () => c.listingApply('38103', dir, {
    signal: ac.signal,
    progress: (p) => { if (p === Phase.SETTING_TEXTS) ac.abort(new Error('user abort')); },
  }).then(() => null, (x) => x));
  assert.ok(e instanceof agc.CancelledError, String(e));
  assert.equal(e.cause && e.cause.message, 'user abort');
  assert.ok(Date.now() - started < 20000, `the abort took ${Date.now() - started} ms`);
  // an already aborted signal: nothing sent at all
  const before = await sent();
  await assert.rejects(c.listingPlan('38103', dir, { signal: AbortSignal.abort() }), agc.CancelledError);
  assert.equal(await sent(), before);
});

test('AGC answering success but storing nothing rejects with the PROTOCOL status', async () => {
  const app = '38104';
  const dir = folder('ignored', { 'en-US/name.txt': 'Ignored\n', 'en-US/brief.txt': 'Never stored\n' });
  const e = await withFault('listing_success_ignored', () => c.listingApply(app, dir).then(() => null, (x) => x));
  assert.ok(e instanceof agc.ApiError, String(e));
  assert.equal(e.status, Status.PROTOCOL);
  assert.equal(e.code, 'AGC_ERR_PROTOCOL');
  assert.match(e.message, /brief/);
  // nothing landed: the plan still shows both texts
  assert.deepEqual((await c.listingPlan(app, dir)).changes.map((ch) => ch.field).sort(), ['brief', 'name']);
});

test('a language is deleted, never the default one', async () => {
  const app = '38105';
  const phases = new Set();
  await assert.rejects(c.deleteLanguage(app, 'en-US'), agc.PreflightError);
  assert.deepEqual(await callsTo(app, '/api/publish/v2/app-language-info'), [], 'the default language was sent');
  assert.equal(await c.deleteLanguage(app, 'zh-CN', { progress: (p) => { phases.add(p); } }), undefined);
  assert.ok(phases.has(Phase.DELETING_LANGUAGE), [...phases].join(' '));
  const pulled = await c.listingPull(app, path.join(t.dir, 'deleted'));
  assert.deepEqual(pulled.languages, ['en-US']);
  await assert.rejects(c.deleteLanguage(app, 'zh-CN'), agc.PreflightError, 'a language AGC does not show');
});

test('withdraw is refused locally outside the states that allow it, and done in review (state 4)', async () => {
  const app = '38106';
  const cancel = '/api/publish/v3/version/on-shelf/cancel';
  await mockPost('/mock/app', JSON.stringify({ appId: app, versionId: 'v-node-1' })); // a draft (state 7)
  const e = await c.withdrawReview(app).then(() => null, (x) => x);
  assert.ok(e instanceof agc.PreflightError, String(e));
  assert.deepEqual(await callsTo(app, cancel), [], 'the withdraw was sent');
  await mockPost('/mock/app', JSON.stringify({ appId: app, versionId: 'v-node-1', releaseState: 4 }));
  const phases = new Set();
  assert.equal(await c.withdrawReview(app, { progress: (p) => { phases.add(p); } }), 'v-node-1');
  assert.ok(phases.has(Phase.WITHDRAWING), [...phases].join(' '));
  assert.deepEqual((await callsTo(app, cancel)).map((x) => x.body), [{ versionId: 'v-node-1' }]);
  await assert.rejects(c.withdrawReview(app), agc.PreflightError, 'withdrawn already: back to draft');
});

test('a phased release paused, resumed, stepped and finished', async () => {
  const app = '38107';
  const phasedPath = '/api/publish/v2/version/phased-release';
  await mockPost('/mock/app', JSON.stringify({ appId: app, phased: { versionId: 'v-node-7', phaseDay: 2 } }));
  const phases = new Set();
  const paused = await c.phasedRelease(app, PhasedAction.PAUSE, {
    description: 'crash spike', progress: (p) => { phases.add(p); },
  });
  assert.equal(paused, 'v-node-7');
  assert.ok(phases.has(Phase.CHANGING_PHASED_RELEASE), [...phases].join(' '));
  assert.equal(await c.phasedRelease(app, PhasedAction.RESUME), 'v-node-7');
  // a day out of range, or none given, is the library's InvalidArgumentError before any request
  const before = await sent();
  await assert.rejects(c.phasedRelease(app, PhasedAction.STEP, { stepDay: 99 }), agc.InvalidArgumentError);
  await assert.rejects(c.phasedRelease(app, PhasedAction.STEP), agc.InvalidArgumentError);
  assert.equal(await sent(), before);
  assert.equal(await c.phasedRelease(app, PhasedAction.STEP, { stepDay: 5, versionId: 'v-node-7' }), 'v-node-7');
  assert.equal(await c.phasedRelease(app, PhasedAction.FULL), 'v-node-7');
  assert.deepEqual((await callsTo(app, phasedPath)).map((x) => [x.body.releasePhase, x.body.state, x.body.phaseDay]), [
    [3, 'SUSPEND', undefined], [3, 'RELEASE', undefined], [3, 'RELEASE', 5], [4, 'RELEASE', undefined],
  ]);
  assert.equal((await callsTo(app, phasedPath))[0].body.description, 'crash spike');
  const e = await c.phasedRelease(app, PhasedAction.RESUME).then(() => null, (x) => x);
  assert.ok(e instanceof agc.PreflightError, String(e));
  assert.match(e.message, /no phased release/);
});

test('the app id of a bundle name; an unknown one is named in the error', async () => {
  await mockPost('/mock/app', JSON.stringify({ appId: '38108', packageName: 'com.example.nodelisting' }));
  const phases = new Set();
  assert.equal(await c.appIdForBundle('com.example.nodelisting', { progress: (p) => { phases.add(p); } }), '38108');
  assert.ok(phases.has(Phase.LOOKING_UP_APP_ID), [...phases].join(' '));
  const e = await c.appIdForBundle('com.example.nothing.node').then(() => null, (x) => x);
  assert.ok(e instanceof agc.InvalidArgumentError, String(e));
  assert.match(e.message, /com\.example\.nothing\.node/);
});

test('bad arguments are refused before any request', async () => {
  const app = '38109';
  const dir = folder('args', TEXTS);
  const before = await sent();
  const refused = [
    () => c.listingPlan(app, 5),
    () => c.listingPlan(38109, dir),
    () => c.listingApply(app, 'a\0b'),
    () => c.listingApply(app, null),
    () => c.listingPull(app, dir, null),
    () => c.listingPull(app, dir, { progress: 'loud' }),
    () => c.listingPlan(app, dir, { signal: 'stop' }),
    () => c.deleteLanguage(app, null),
    () => c.deleteLanguage(app, ['fr-FR']),
    () => c.withdrawReview(38109),
    () => c.withdrawReview(null),
    () => c.phasedRelease(app, 9),
    () => c.phasedRelease(app, 'pause'),
    () => c.phasedRelease(app),
    () => c.phasedRelease(app, PhasedAction.STEP, { stepDay: -1 }),
    () => c.phasedRelease(app, PhasedAction.STEP, { stepDay: '4' }),
    () => c.phasedRelease(app, PhasedAction.PAUSE, { description: 5 }),
    () => c.phasedRelease(app, PhasedAction.PAUSE, { description: 'd'.repeat(501) }),
    () => c.phasedRelease(app, PhasedAction.PAUSE, { versionId: {} }),
    () => c.appIdForBundle(null),
    () => c.appIdForBundle('com.example.x', []),
  ];
  for (const [i, call] of refused.entries()) {
    const e = await call().then(() => null, (x) => x);
    assert.ok(e instanceof agc.InvalidArgumentError, `call ${i}: ${e}`);
  }
  assert.equal(await sent(), before, 'a request was sent');
  assert.deepEqual({ ...PhasedAction }, { PAUSE: 1, RESUME: 2, FULL: 3, STEP: 4 });
  assert.ok(Object.isFrozen(PhasedAction));
});
