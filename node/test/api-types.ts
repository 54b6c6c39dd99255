// Type-checked by `tsc --strict` in scripts/test-node.sh against the installed package's
// index.d.ts (never run): every part of the API, used as node/README.md shows it, and uses the
// types must refuse (each `@ts-expect-error` fails the check if the line compiles).
import {
  Client, HARMONY_APP, PackageKind, Phase, Step, ReleaseStatus, TestType, Trust, Transfer, Status, AgcError, ApiError,
  CancelledError, PreflightError, PhasedAction, InvalidArgumentError, version, sealFile, openFile, inspectPackage, errorFor,
  libraryPath, type ReleaseIds, type UploadResult, type PublishResult, type ReleaseState, type ProgressEvent,
  type PackageInfo, type ListingPlan, type ListingApplied, type ListingPulled, type ListingChange,
} from 'agcupload';
import agcupload from 'agcupload';
import { agcPublishPlugin, type HvigorPlugin } from 'agcupload/hvigor';

declare const emitter: import('node:events').EventEmitter;

export async function everything(): Promise<void> {
  const c = new Client({ clientId: 'id', clientSecret: 'secret', apiBase: 'cn', proxy: 'env', trust: Trust.BOTH });
  const sa = new Client({ serviceAccount: 'agc-private.json' });
  c.setApiBase('de');
  c.setCaFile(new URL('file:///ca.pem'));
  c.setTimeoutsMs(15000, 60000);
  c.setUserAgent('ua');
  c.setRetry(5, 3600000);
  c.setSealKey(new Uint8Array(32));
  c.setPollIntervalMs(5000, 30000);
  c.setProxy('none');
  c.setTrust(Trust.SYSTEM);
  const ac = new AbortController();
  const up: UploadResult = await c.uploadFile('1', 'a.app', {
    kind: HARMONY_APP, fileName: 'a.app', releaseType: 6, chineseMainland: true, signal: ac.signal,
    progress: (phase: string, done: number, total: number) => phase === Phase.UPLOADING && done > total,
  });
  const pkg: string = await c.bindPackage('1', up, { progress: emitter });
  await c.waitPackageReady('1', pkg, { timeoutMs: 1000 });
  const pub: PublishResult = await c.publish('1', 'a.app', { timeoutMs: 1000, kind: PackageKind.ATOMIC_SERVICE });
  const s: string = pub.upload.sha256 + pub.packageId;
  const skipped: PublishResult = await c.publish('1', 'a.app', { preflight: false });
  const warnings: string[] = skipped.upload.notes.filter((n) => n.startsWith('warning: '));
  void warnings;
  const parts: UploadResult = await c.uploadFile('1', 'a.app', {
    transfer: Transfer.MULTIPART, partSize: 16 * 1024 * 1024, sha256: '0'.repeat(64), resumeFile: 'a.resume',
  });
  const multipart: boolean = parts.transfer === Transfer.MULTIPART && parts.parts === parts.partsSent + parts.resumedParts;
  const sent: number = parts.bytesSent;
  await c.publish('1', 'a.app', { transfer: Transfer.AUTO, partSize: 5n * 1024n * 1024n, resumeFile: Buffer.from('a.resume') });
  await c.releasePackage('1', 'a.app', { transfer: Transfer.SINGLE, sha256: 'ab'.repeat(32), resumeFile: new URL('file:///a.resume') });
  void [multipart, sent];
  await c.setReleaseNotes('1', { 'en-US': 'x' });
  await c.submitForReview('1', { releaseTime: new Date(), phased: 'p', remark: 'r'.repeat(10), timeoutMs: 1 });
  const st: ReleaseState = await c.releaseState('1');
  const inReview: boolean = st.status === ReleaseStatus.IN_REVIEW && st.raw === 4 && st.auditOpinion === null;
  let ids: ReleaseIds;
  try {
    ids = await c.releasePackage('1', 'a.app', {
      notes: new Map([['en-US', 'x']]), test: { description: 'b', testType: TestType.INVITE, groups: ['g', { id: 'h', notify: true }],
        start: new Date(), end: Date.now() }, timeoutMs: 60000,
    });
  } catch (e) {
    if (e instanceof AgcError && e.step === Step.NOTES && e.done && e.outcomeUncertain === false) {
      ids = await c.releasePackage('1', 'a.app', { resume: e.done });
    } else {
      throw e;
    }
  }
  const objectId: string | null = ids.objectId;
  const roadNotes: string[] = ids.notes ?? [];
  const refused: boolean = errorFor(Status.PREFLIGHT, 'm') instanceof PreflightError && Step.PREFLIGHT === 11;
  await c.releasePackage('1', 'a.app', { preflight: false });
  void [roadNotes, refused];
  const err: AgcError = errorFor(Status.API, 'm');
  const api: boolean = err instanceof ApiError && err.status === 11 && err.name === err.code;
  const cancelled: boolean = err instanceof CancelledError;
  await sealFile(new Uint8Array(32), 'a', 'b');
  const info: PackageInfo = await inspectPackage('build/app-signed.app');
  const code: number = info.versionCode;
  const devices: string[] = info.modules[0].deviceTypes;
  void code; void devices;
  await openFile(Buffer.alloc(32), 'b', 'c');
  const ev: ProgressEvent = { phase: 'uploading', done: 1, total: 2 };
  const v: string = version() + libraryPath + agcupload.version();
  c.close();
  sa.close();
  void [s, inReview, objectId, api, cancelled, ev, v];

  // @ts-expect-error: a client needs credentials
  new Client({ apiBase: 'cn' });
  // @ts-expect-error: the app id is a string
  await c.uploadFile(1, 'a.app');
  // @ts-expect-error: not a package kind
  await c.uploadFile('1', 'a.app', { kind: 7 });
  // @ts-expect-error: the release type is 1 or 6
  await c.uploadFile('1', 'a.app', { releaseType: 3 });
  // @ts-expect-error: transfer is a Transfer value
  await c.uploadFile('1', 'a.app', { transfer: 'multipart' });
  // @ts-expect-error: not a Transfer value
  await c.uploadFile('1', 'a.app', { transfer: 4 });
  // @ts-expect-error: the part size is a number or bigint
  await c.publish('1', 'a.app', { partSize: '5MiB' });
  // @ts-expect-error: preflight is a boolean
  await c.publish('1', 'a.app', { preflight: 'no' });
  // @ts-expect-error: ReleaseIds has no such field
  void ids.packageName;
}

// The store listing, as node/README.md shows it.
export async function listing(c: Client): Promise<void> {
  const ac = new AbortController();
  const plan: ListingPlan = await c.listingPlan('1234567', 'listing', { signal: ac.signal });
  for (const ch of plan.changes) {
    // A text is a string, files a list of names: the union narrows on isText.
    const wanted: string = ch.isText ? ch.wanted : ch.wanted.join(', ');
    const had: number = ch.isText ? (ch.current ?? '').length : (ch.current ?? []).length;
    console.log(ch.lang, ch.field, ch.newLanguage, ch.summary, wanted, had);
  }
  const unchanged: string[] = plan.unchanged;
  let applied: ListingApplied;
  try {
    applied = await c.listingApply('1234567', new URL('file:///repo/listing'), {
      progress: (phase) => phase === Phase.CHECKING_LISTING,
    });
  } catch (e) {
    if (e instanceof InvalidArgumentError) return;   // a broken rule: nothing was sent
    if (e instanceof ApiError && e.status === Status.PROTOCOL) console.error('AGC does not show it:', e.message);
    throw e;
  }
  const sent: number = applied.uploads.reduce((n, u) => n + u.size, 0) + applied.calls;
  const firstObject: string | undefined = applied.uploads[0]?.objectId;
  const made: ListingChange[] = applied.changes;
  const pulled: ListingPulled = await c.listingPull('1234567', Buffer.from('listing'), { progress: emitter });
  const files: string[] = pulled.written.concat(pulled.languages, pulled.notes);
  await c.deleteLanguage('1234567', 'fr-FR');
  const withdrawn: string = await c.withdrawReview('1234567', { signal: ac.signal });
  const stepped: string = await c.phasedRelease('1234567', PhasedAction.STEP, { stepDay: 4, description: 'crash rate fine' });
  await c.phasedRelease('1234567', PhasedAction.PAUSE, { versionId: stepped });
  await c.phasedRelease('1234567', PhasedAction.FULL);
  const appId: string = await c.appIdForBundle('com.example.app', { progress: (p) => p === Phase.LOOKING_UP_APP_ID });
  void [unchanged, sent, firstObject, made, files, withdrawn, appId];

  const ch = plan.changes[0];
  if (ch.isText) {
    // @ts-expect-error: a text change's wanted is a string, not a list
    void ch.wanted.join(', ');
  }
  // @ts-expect-error: not a PhasedAction
  await c.phasedRelease('1234567', 5);
  // @ts-expect-error: the phased action is a PhasedAction number, not its name
  await c.phasedRelease('1234567', 'pause');
  // @ts-expect-error: the step day is a number
  await c.phasedRelease('1234567', PhasedAction.STEP, { stepDay: '4' });
  // @ts-expect-error: the app id is a string
  await c.listingPlan(1234567, 'listing');
  // @ts-expect-error: a plan has no uploads (listingApply's result has)
  void plan.uploads;
}

// The run() of node/README.md's hvigor task, as written there.
export async function hvigorRun(): Promise<void> {
  const c = new Client({ serviceAccount: process.env.AGC_SERVICE_ACCOUNT_JSON! });
  try {
    const ids = await c.releasePackage(process.env.AGC_APP_ID!, 'build/outputs/default/app-default-signed.app', {
      notes: { 'en-US': 'Dark mode.' },
      progress: (phase, done, total) => { if (phase === 'uploading') console.log(`${done}/${total}`); },
    });
    console.log(`submitted: package ${ids.packageId}`);
  } finally {
    c.close();
  }
}

// The hvigor plugin, as a module's hvigorfile.ts uses it.
export const plugin: HvigorPlugin = agcPublishPlugin({ appId: '1234567', mode: 'submit', notes: { 'en-US': 'Dark mode.' } });
// @ts-expect-error: credentials never come from hvigorfile.ts
agcPublishPlugin({ clientSecret: 'secret' });
// @ts-expect-error: not a mode
agcPublishPlugin({ mode: 'release' });
