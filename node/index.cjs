'use strict';
/**
 * agcupload: upload HarmonyOS app packages and other files to Huawei AppGallery Connect, take
 * them the release road (notes, submit for review, test releases) and keep the app's store
 * listing from a folder, from Node.js.
 *
 * A thin binding of libagcupload (the same library C programs link, loaded with koffi): no
 * upload logic lives here. Every operation returns a Promise; the blocking call runs on a
 * worker thread of this package (lib/pool.cjs), never on the event loop. The installed package
 * carries its own copy of the library; set AGCUPLOAD_LIBRARY to a path to load another one.
 *
 *   const { Client } = require('agcupload');
 *   const c = new Client({ clientId, clientSecret });
 *   const r = await c.uploadFile('1234567', 'build/app.app', { progress: (p, d, t) => console.log(p, d, t) });
 */
const { EventEmitter } = require('node:events');
const { fileURLToPath } = require('node:url');
const { koffi, fn, libraryPath, libraryFileNames, namesByNumber, libraryDefault } = require('./lib/native.cjs');
const pool = require('./lib/pool.cjs');
const errors = require('./lib/errors.cjs');
const { UPLOAD_OPTIONS, setterOf } = require('./lib/upload-options.cjs');

const { Status, AgcError, InvalidArgumentError, CancelledError, ReentrantError, errorFor, check } = errors;

/** What is uploaded (the C ABI's agc_package_kind). */
const PackageKind = Object.freeze({ HARMONY_APP: 1, ATOMIC_SERVICE: 2, PROFILE_PICTURE: 3 });

/** The phases of agc_phase, by number, as the names the progress callback receives: the
 * library's (agc_phase_str), which holds the one list. */
const PHASES = Object.freeze(Object.fromEntries(namesByNumber(fn.agc_phase_str, 'unknown')));
/** The phase names (Phase.UPLOADING === 'uploading'). */
const Phase = Object.freeze(Object.fromEntries(Object.values(PHASES).map((n) => [n.toUpperCase(), n])));

/** A step of the release road (the C ABI's agc_release_step); NONE on success. */
const Step = Object.freeze({
  NONE: 0, CHECK: 1, UPLOAD: 2, BIND: 3, WAIT_PARSING: 4, NOTES: 5, SUBMIT: 6, CREATE_TEST_VERSION: 7,
  ADD_TEST_PACKAGE: 8, SET_TEST_INFO: 9, SUBMIT_TEST: 10, PREFLIGHT: 11,
});

/** Where an app's release stands (the C ABI's agc_release_state). */
const ReleaseStatus = Object.freeze({ OTHER: 0, DRAFT: 1, IN_REVIEW: 2, REJECTED: 3, RELEASED: 4, APPROVED: 5, OFFLINE: 6 });

/** A HarmonyOS test release's kind (AGC's testType). */
const TestType = Object.freeze({ INVITE: 3, OPEN: 4 });

/** Which root certificates a client trusts (the C ABI's agc_trust). */
const Trust = Object.freeze({ MOZILLA: 1, SYSTEM: 2, BOTH: 3 });

/** How an upload sends the file (the C ABI's agc_transfer): AUTO (the default) is AGC's
 * multipart upload from 128 MiB and one PUT below; an upload result says SINGLE or MULTIPART. */
const Transfer = Object.freeze({ AUTO: 1, SINGLE: 2, MULTIPART: 3 });

/** What phasedRelease does to a phased release (the C ABI's agc_phased_action): STEP goes on
 * to the day given as `stepDay`. */
const PhasedAction = Object.freeze({ PAUSE: 1, RESUME: 2, FULL: 3, STEP: 4 });

// The library's default waits for parsing and for a submit AGC answers "still processing".
const DEFAULT_PARSE_MS = libraryDefault('parse_timeout_ms');
const DEFAULT_SUBMIT_MS = libraryDefault('submit_timeout_ms');

// ------------------------------------------------------------------------------ arguments

function invalid(message) {
  return new InvalidArgumentError(Status.INVALID_ARGUMENT, message);
}

/** A text argument: a string, or null/undefined (passed on as NULL: the library refuses it). */
function text(v, what) {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw invalid(`${what}: expected a string, not ${describe(v)}`);
  if (v.includes('\0')) throw invalid(`${what}: contains a NUL character`);
  return v;
}

/** A path: a string, a file: URL, or a Buffer/Uint8Array of the file system's bytes (which
 * need not be UTF-8 on POSIX; such a name needs `fileName` for AGC). */
function pathArg(v, what) {
  if (v instanceof Uint8Array) {
    if (v.includes(0)) throw invalid(`${what}: contains a NUL byte`);
    const z = new Uint8Array(v.length + 1); // NUL-terminated copy, as `const char *`
    z.set(v);
    return z;
  }
  if (v instanceof URL) {
    try {
      v = fileURLToPath(v);
    } catch (e) {
      throw invalid(`${what}: ${e.message}`);
    }
  }
  return text(v, what);
}

/** A non-negative integer (a Number or BigInt) below 2^64. */
function uint(v, what, max = 2n ** 64n - 1n) {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && BigInt(v) <= max) return v;
  if (typeof v === 'bigint' && v >= 0n && v <= max) return v;
  throw invalid(`${what}: expected a whole number from 0 to ${max}, not ${describe(v)}`);
}

function uint32(v, what) {
  return uint(v, what, 2n ** 32n - 1n);
}

function bytes(v, what) {
  if (v instanceof Uint8Array) return Buffer.from(v); // a copy, wiped after use
  throw invalid(`${what}: expected a Buffer or Uint8Array, not ${describe(v)}`);
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v.constructor && v.constructor.name) || 'an object' : typeof v;
}

function epochMs(t, what) {
  if (t instanceof Date) {
    const ms = t.getTime();
    if (Number.isNaN(ms)) throw invalid(`${what}: an invalid Date`);
    return uint(ms, what);
  }
  return uint(t, what);
}

/** A scheduled release time as AGC's yyyy-MM-ddTHH:mm:ss+0000 (UTC); a string is passed on
 * (the library checks it). */
function releaseTimeText(t) {
  if (typeof t === 'string') return text(t, 'releaseTime');
  if (t instanceof Date && !Number.isNaN(t.getTime())) return t.toISOString().replace(/\.\d{3}Z$/, '+0000');
  throw invalid(`releaseTime: expected a Date or a string, not ${describe(t)}`);
}

function kindArg(kind) {
  return uint32(kind === undefined ? PackageKind.HARMONY_APP : kind, 'kind');
}

function bool(v, what) {
  if (typeof v !== 'boolean') throw invalid(`${what}: expected a boolean, not ${describe(v)}`);
  return v;
}

/** An options object: undefined is none ({}); null, a string, an array... are refused. Every
 * method that takes options reads them through this, before anything else. */
function optionsArg(o, what = 'options') {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) {
    throw invalid(`${what}: expected an object, not ${describe(o)}`);
  }
  return o;
}

/** A thenable (what an async function returns). */
function isThenable(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}

// ------------------------------------------------------------------------------ native objects

/** How each kind of upload option is checked before any call into the library (the `check`
 * of its row in lib/upload-options.cjs): the value the setter gets, or an InvalidArgumentError.
 * The library checks the rest as each is set (a part size of 0, a digest that is not 64 hex
 * digits, an empty resume file path), so a bad value never reaches the network. */
const OPTION_CHECKS = {
  text: (v, what) => text(v, what),
  uint32: (v, what) => uint32(v, what),
  uint: (v, what) => uint(v, what),
  flag: (v, what) => (bool(v, what) ? 1 : 0),
  transfer: (v, what) => {
    if (Object.values(Transfer).includes(v)) return v;
    throw invalid(`${what}: expected Transfer.AUTO, Transfer.SINGLE or Transfer.MULTIPART (1, 2, 3), not ${
      typeof v === 'number' ? v : describe(v)}`);
  },
  sha256: (v, what) => {
    if (v === null) throw invalid(`${what}: expected a string of 64 hex digits, not null`);
    return text(v, what);
  },
  path: (v, what) => {
    if (v === null) throw invalid(`${what}: expected a path, not null`);
    return pathArg(v, what);
  },
};

/** agc_upload_options for operation `op` (upload, publish, release) from the options of `o`
 * that lib/upload-options.cjs gives `op`, or null when every one is left unset. Every option
 * given is checked, before the handle is made: a wrongly typed one is an error wherever it is. */
function uploadOptions(o, op) {
  const values = UPLOAD_OPTIONS.filter((r) => o[r.name] !== undefined)
    .map((r) => [r, OPTION_CHECKS[r.check](o[r.name], r.name)])
    .filter(([r]) => r.ops.includes(op))
    .map(([r, v]) => [fn[setterOf(r)], v]);
  if (values.length === 0) return null;
  const out = [null];
  check(fn.agc_upload_options_new(out));
  const h = out[0];
  try {
    for (const [setter, value] of values) check(setter(h, value));
  } catch (e) {
    fn.agc_upload_options_free(h);
    throw e;
  }
  return h;
}

/** agc_release_options from a JS options object; every value is checked by the library as it is set. */
function releaseOptions(o) {
  const out = [null];
  check(fn.agc_release_options_new(out));
  const h = out[0];
  try {
    if (o.notes !== undefined && o.notes !== null) {
      if (typeof o.notes !== 'object' || Array.isArray(o.notes)) {
        throw invalid('notes: expected an object of language to text, e.g. {"en-US": "..."}');
      }
      const entries = o.notes instanceof Map ? [...o.notes] : Object.entries(o.notes);
      for (const [lang, note] of entries) {
        check(fn.agc_release_options_set_note(h, text(lang, 'notes language'), text(note, `notes[${lang}]`)));
      }
    }
    if (o.releaseTime !== undefined && o.releaseTime !== null) {
      check(fn.agc_release_options_set_release_time(h, releaseTimeText(o.releaseTime)));
    }
    if (o.phased !== undefined && o.phased !== null) {
      check(fn.agc_release_options_set_phase(h, 3, text(o.phased, 'phased')));
    }
    if (o.remark !== undefined && o.remark !== null) check(fn.agc_release_options_set_remark(h, text(o.remark, 'remark')));
    if (o.parseTimeoutMs !== undefined || o.submitTimeoutMs !== undefined) {
      const parse = o.parseTimeoutMs === undefined ? DEFAULT_PARSE_MS : uint(o.parseTimeoutMs, 'timeoutMs');
      const submit = o.submitTimeoutMs === undefined ? DEFAULT_SUBMIT_MS : uint(o.submitTimeoutMs, 'timeoutMs');
      check(fn.agc_release_options_set_timeouts_ms(h, parse, submit));
    }
    if (o.test !== undefined && o.test !== null) testOptions(h, o.test);
    if (o.resume !== undefined && o.resume !== null) resumeOptions(h, o.resume);
  } catch (e) {
    fn.agc_release_options_free(h);
    throw e;
  }
  return h;
}

function testOptions(h, test) {
  const t = optionsArg(test, 'test');
  const type = t.testType === undefined ? TestType.OPEN : uint32(t.testType, 'test.testType');
  const groups = t.groups === undefined || t.groups === null ? [] : t.groups;
  if (!Array.isArray(groups)) throw invalid(`test.groups: expected an array, not ${describe(groups)}`);
  const notifyAll = t.notify === undefined ? false : bool(t.notify, 'test.notify');
  const members = groups.map((g, i) => {
    if (typeof g === 'string') return [g, notifyAll];
    const group = optionsArg(g, `test.groups[${i}]`);
    return [text(group.id, `test.groups[${i}].id`), group.notify === undefined ? false : bool(group.notify, `test.groups[${i}].notify`)];
  });
  check(fn.agc_release_options_set_test(h, type, text(t.description, 'test.description')));
  for (const [id, notify] of members) {
    check(fn.agc_release_options_add_test_group(h, text(id, 'test.groups id'), notify ? 1 : 0));
  }
  if ((t.start === undefined) !== (t.end === undefined)) {
    throw invalid('test: give both start and end of the test window, or neither');
  }
  if (t.start !== undefined) {
    check(fn.agc_release_options_set_test_window(h, epochMs(t.start, 'test.start'), epochMs(t.end, 'test.end')));
  }
}

function resumeOptions(h, resume) {
  const ids = optionsArg(resume, 'resume (the ReleaseIds of an earlier road, e.g. err.done)');
  const texts = [text(ids.objectId, 'resume.objectId'), text(ids.fileName, 'resume.fileName'),
    text(ids.packageId, 'resume.packageId'), text(ids.versionId, 'resume.versionId'), text(ids.sha256, 'resume.sha256')];
  const size = ids.size == null ? 0 : uint(ids.size, 'resume.size');
  check(fn.agc_release_options_set_resume(h, ...texts, size));
}

function emptyIds() {
  return { objectId: null, fileName: null, packageId: null, versionId: null, sha256: null, size: null };
}

/** The ReleaseIds fields of `ids` (e.g. the `resume` given), the others null. */
function idsFrom(ids) {
  const out = emptyIds();
  if (ids && typeof ids === 'object') for (const k of Object.keys(out)) if (ids[k] != null) out[k] = ids[k];
  return out;
}

// ------------------------------------------------------------------------------ running an operation

/**
 * Runs `op` on a worker. `o.progress`: a function (phase, done, total) that cancels by
 * returning `true` (exactly: any other value, a Promise of an async function included, goes
 * on; an exception, or the rejection of a returned Promise while the operation runs, cancels
 * and becomes the rejection), or an EventEmitter that gets 'progress' events ({phase, done,
 * total}); `o.signal`: an AbortSignal. Progress reaches the main thread while the operation
 * goes on: a cancel takes effect at the library's next progress call (at most about 64 KiB
 * later).
 */
async function runOp(op, args, o) {
  const { progress, signal } = o;
  if (progress !== undefined && progress !== null && typeof progress !== 'function' && !(progress instanceof EventEmitter)) {
    throw invalid(`progress: expected a function or an EventEmitter, not ${describe(progress)}`);
  }
  if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
    throw invalid(`signal: expected an AbortSignal, not ${describe(signal)}`);
  }
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  let raised = null;
  const stop = () => Atomics.store(cancel, 0, 1);
  if (signal && signal.aborted) {
    const e = new CancelledError(Status.CANCELLED, 'cancelled by the AbortSignal before it started');
    e.cause = signal.reason;
    throw e;
  }
  if (signal) signal.addEventListener('abort', stop, { once: true });
  let onProgress = null;
  let running = true;
  const fail = (e) => {
    if (running && !raised) {
      raised = e;
      stop();
    }
  };
  if (progress || signal) {
    onProgress = (n, done, total) => {
      if (!progress || raised) return;
      const phase = PHASES[n] || String(n);
      try {
        if (typeof progress === 'function') {
          const answer = progress(phase, done, total);
          if (answer === true) {
            stop();
          } else if (isThenable(answer)) {
            // An async callback: its Promise is no answer; its rejection is its exception.
            Promise.resolve(answer).then(undefined, fail);
          }
        } else {
          progress.emit('progress', { phase, done, total });
        }
      } catch (e) {
        fail(e);
      }
    };
  }
  let m;
  try {
    m = await pool.run(op, args, onProgress, cancel);
  } finally {
    running = false;
    if (signal) signal.removeEventListener('abort', stop);
  }
  const err = m.status === 0 ? null : errorFor(m.status, m.message);
  if (err && err.status === Status.CANCELLED && signal && signal.aborted) err.cause = signal.reason;
  return { status: m.status, value: m.value, err, raised };
}

/** The value, or the error: the progress callback's own exception first (its cause the AgcError). */
function settle(r) {
  if (r.raised) {
    if (r.err && r.raised instanceof Error && r.raised.cause === undefined) r.raised.cause = r.err;
    throw r.raised;
  }
  if (r.err) throw r.err;
  return r.value;
}

// ------------------------------------------------------------------------------ the client

const finalizer = new FinalizationRegistry((h) => fn.agc_client_free(h));

class Client {
  #h = null;
  #running = 0;

  /**
   * `new Client({ clientId, clientSecret })` for an API client, or `new Client({ serviceAccount })`
   * with a service account's key file path or its JSON text. Optional: apiBase, caFile, proxy,
   * trust (applied as the setters would). The secret goes to the library and is not kept here.
   */
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalid(`Client: expected {clientId, clientSecret} or {serviceAccount}, not ${describe(options)}`);
    }
    const out = [null];
    if (options.serviceAccount !== undefined) {
      const sa = options.serviceAccount instanceof URL ? pathArg(options.serviceAccount, 'serviceAccount')
        : text(options.serviceAccount, 'serviceAccount');
      check(fn.agc_client_new_service_account(sa, out));
    } else {
      check(fn.agc_client_new(text(options.clientId, 'clientId'), text(options.clientSecret, 'clientSecret'), out));
    }
    this.#h = out[0];
    finalizer.register(this, this.#h, this);
    try {
      if (options.apiBase !== undefined) this.setApiBase(options.apiBase);
      if (options.caFile !== undefined) this.setCaFile(options.caFile);
      if (options.proxy !== undefined) this.setProxy(options.proxy);
      if (options.trust !== undefined) this.setTrust(options.trust);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** True once close() ran. */
  get closed() {
    return this.#h === null;
  }

  #handle() {
    if (this.#h === null) throw invalid('agcupload.Client is closed');
    return this.#h;
  }

  /** For setters: the library forbids them while another call on the client runs. */
  #idle(what) {
    const h = this.#handle();
    if (this.#running > 0) {
      throw new ReentrantError(Status.REENTRANT, `${what} while an operation of this client is running is refused ` +
        '(the library forbids it); await the operation first');
    }
    return h;
  }

  async #op(op, args, o) {
    this.#running += 1;
    try {
      return await runOp(op, args, o);
    } finally {
      this.#running -= 1;
    }
  }

  /** `op` with the agc_upload_options of `o` (freed after). */
  async #withUploadOptions(op, args, o) {
    args.options = uploadOptions(o, op);
    try {
      return settle(await this.#op(op, args, o));
    } finally {
      if (args.options) fn.agc_upload_options_free(args.options);
    }
  }

  /** `op` with agc_release_options made of `values` (freed after). */
  async #withReleaseOptions(op, args, values, o) {
    args.releaseOptions = releaseOptions(values);
    try {
      return settle(await this.#op(op, args, o));
    } finally {
      fn.agc_release_options_free(args.releaseOptions);
    }
  }

  /** Frees the client; later calls fail. Twice is harmless. Refused while an operation runs. */
  close() {
    if (this.#h === null) return;
    this.#idle('close()');
    finalizer.unregister(this);
    fn.agc_client_free(this.#h);
    this.#h = null;
  }

  setApiBase(siteOrUrl) {
    check(fn.agc_client_set_api_base(this.#idle('setApiBase()'), text(siteOrUrl, 'apiBase')));
  }

  setCaFile(path) {
    check(fn.agc_client_set_ca_file(this.#idle('setCaFile()'), pathArg(path, 'caFile')));
  }

  setTimeoutsMs(connectMs, inactivityMs) {
    check(fn.agc_client_set_timeouts_ms(this.#idle('setTimeoutsMs()'), uint(connectMs, 'connectMs'),
      uint(inactivityMs, 'inactivityMs')));
  }

  setUserAgent(userAgent) {
    check(fn.agc_client_set_user_agent(this.#idle('setUserAgent()'), text(userAgent, 'userAgent')));
  }

  setRetry(maxAttempts, deadlineMs = 0) {
    check(fn.agc_client_set_retry(this.#idle('setRetry()'), uint32(maxAttempts, 'maxAttempts'), uint(deadlineMs, 'deadlineMs')));
  }

  setSealKey(key) {
    const k = bytes(key, 'key');
    try {
      check(fn.agc_client_set_seal_key(this.#idle('setSealKey()'), k, k.length));
    } finally {
      k.fill(0);
    }
  }

  setPollIntervalMs(initialMs, maxMs) {
    check(fn.agc_client_set_poll_interval_ms(this.#idle('setPollIntervalMs()'), uint(initialMs, 'initialMs'), uint(maxMs, 'maxMs')));
  }

  setProxy(proxy) {
    check(fn.agc_client_set_proxy(this.#idle('setProxy()'), text(proxy, 'proxy')));
  }

  setTrust(trust) {
    check(fn.agc_client_set_trust(this.#idle('setTrust()'), uint32(trust, 'trust')));
  }

  /** Upload `path`; resolves to {objectId, sha256, size, fileName, transfer, parts, partsSent,
   * resumedParts, bytesSent, notes}. Transfer options: transfer, partSize, sha256, resumeFile. */
  async uploadFile(appId, path, options) {
    const o = optionsArg(options);
    const args = { client: this.#handle(), appId: text(appId, 'appId'), path: pathArg(path, 'path'), kind: kindArg(o.kind) };
    return this.#withUploadOptions('upload', args, o);
  }

  /** Bind an upload ({fileName, objectId}, e.g. what uploadFile resolved to); resolves to the package id. */
  async bindPackage(appId, upload, options) {
    const o = optionsArg(options);
    if (upload === null || typeof upload !== 'object') throw invalid('upload: expected {fileName, objectId}');
    const args = {
      client: this.#handle(), appId: text(appId, 'appId'), fileName: text(upload.fileName, 'fileName'),
      objectId: text(upload.objectId, 'objectId'),
    };
    return settle(await this.#op('bind', args, o));
  }

  /** Wait until AGC has parsed the package (o.timeoutMs, default 15 minutes). */
  async waitPackageReady(appId, packageId, options) {
    const o = optionsArg(options);
    const args = {
      client: this.#handle(), appId: text(appId, 'appId'), packageId: text(packageId, 'packageId'),
      timeoutMs: o.timeoutMs === undefined ? DEFAULT_PARSE_MS : uint(o.timeoutMs, 'timeoutMs'),
    };
    settle(await this.#op('wait', args, o));
  }

  /** Upload, bind and wait in one call; resolves to {upload, packageId}. */
  async publish(appId, path, options) {
    const o = optionsArg(options);
    const args = {
      client: this.#handle(), appId: text(appId, 'appId'), path: pathArg(path, 'path'), kind: kindArg(o.kind),
      timeoutMs: o.timeoutMs === undefined ? DEFAULT_PARSE_MS : uint(o.timeoutMs, 'timeoutMs'),
    };
    return this.#withUploadOptions('publish', args, o);
  }

  /** Set the app's release notes, by language tag ({"en-US": "Dark mode."}). */
  async setReleaseNotes(appId, notes, options) {
    const o = optionsArg(options);
    if (notes === null || typeof notes !== 'object') throw invalid('notes: expected an object of language to text');
    await this.#withReleaseOptions('notes', { client: this.#handle(), appId: text(appId, 'appId') }, { notes }, o);
  }

  /** Submit the app's draft for review (releaseTime, phased, remark, timeoutMs). */
  async submitForReview(appId, options) {
    const o = optionsArg(options);
    const review = { releaseTime: o.releaseTime, phased: o.phased, remark: o.remark, submitTimeoutMs: o.timeoutMs };
    await this.#withReleaseOptions('submit', { client: this.#handle(), appId: text(appId, 'appId') }, review, o);
  }

  /** Where the app's release stands: {status, raw, auditOpinion}. */
  async releaseState(appId) {
    const args = { client: this.#handle(), appId: text(appId, 'appId') };
    const v = settle(await this.#op('state', args, {}));
    const known = Object.values(ReleaseStatus).includes(v.state);
    return { status: known ? v.state : ReleaseStatus.OTHER, raw: v.raw < 0 ? null : v.raw, auditOpinion: v.auditOpinion };
  }

  /** A listing call (plan, apply, pull) on the folder `dir`; resolves to everything its result holds. */
  async #listing(op, appId, dir, options) {
    const o = optionsArg(options);
    const args = { client: this.#handle(), appId: text(appId, 'appId'), dir: pathArg(dir, 'dir') };
    return settle(await this.#op(op, args, o));
  }

  /** What applying the listing folder `dir` would change, sending nothing: resolves to
   * {changes, unchanged, notes}. A broken rule is an InvalidArgumentError listing them all. */
  async listingPlan(appId, dir, options) {
    const { changes, unchanged, notes } = await this.#listing('listingPlan', appId, dir, options);
    return { changes, unchanged, notes };
  }

  /** Apply the listing folder `dir` and read it back: resolves to {changes, uploads, calls,
   * notes}. AGC answering success without showing what was sent is an ApiError (Status.PROTOCOL). */
  async listingApply(appId, dir, options) {
    const { changes, uploads, calls, notes } = await this.#listing('listingApply', appId, dir, options);
    return { changes, uploads, calls, notes };
  }

  /** Write AGC's texts of the app (and the manifest) into the folder `dir`: resolves to
   * {languages, written, notes}. */
  async listingPull(appId, dir, options) {
    const { languages, written, notes } = await this.#listing('listingPull', appId, dir, options);
    return { languages, written, notes };
  }

  /** Delete the language `lang` from the app's listing (never its default language: PreflightError). */
  async deleteLanguage(appId, lang, options) {
    const o = optionsArg(options);
    const args = { client: this.#handle(), appId: text(appId, 'appId'), lang: text(lang, 'lang') };
    settle(await this.#op('deleteLanguage', args, o));
  }

  /** Withdraw the version in review; resolves to its version id. Outside the release states
   * where AGC allows it, a PreflightError and nothing sent. */
  async withdrawReview(appId, options) {
    const o = optionsArg(options);
    return settle(await this.#op('withdraw', { client: this.#handle(), appId: text(appId, 'appId') }, o));
  }

  /** Pause, resume, step (to `stepDay`) or finish the phased release (a PhasedAction); resolves
   * to the version id the call was made for. Options: stepDay, description, versionId. */
  async phasedRelease(appId, action, options) {
    const o = optionsArg(options);
    if (!Object.values(PhasedAction).includes(action)) {
      throw invalid('action: expected PhasedAction.PAUSE, RESUME, FULL or STEP (1, 2, 3, 4), not ' +
        `${typeof action === 'number' ? action : describe(action)}`);
    }
    const args = {
      client: this.#handle(), appId: text(appId, 'appId'), action,
      // The library ignores the day for other actions and checks its range for STEP (0: none given).
      stepDay: o.stepDay === undefined ? 0 : uint32(o.stepDay, 'stepDay'),
      description: text(o.description, 'description'), versionId: text(o.versionId, 'versionId'),
    };
    return settle(await this.#op('phased', args, o));
  }

  /** The id of the HarmonyOS app whose bundle name is `bundleName`; none or several is an
   * InvalidArgumentError. */
  async appIdForBundle(bundleName, options) {
    const o = optionsArg(options);
    return settle(await this.#op('appIdForBundle', { client: this.#handle(), bundleName: text(bundleName, 'bundleName') }, o));
  }

  /**
   * Take a package the whole road in one call; resolves to the ReleaseIds obtained. On failure
   * rejects with the status's AgcError subclass, with `step` and `done` (pass `resume: err.done`
   * to continue without uploading or binding again) and `outcomeUncertain` (true when AGC may
   * have carried out the failed bind or submit: check AGC before resuming).
   */
  async releasePackage(appId, path, options) {
    let o = {};
    const args = {};
    let r;
    try {
      try {
        o = optionsArg(options);
        Object.assign(args, { client: this.#handle(), appId: text(appId, 'appId'), path: pathArg(path, 'path'), kind: kindArg(o.kind) });
        args.options = uploadOptions(o, 'release');
        args.releaseOptions = releaseOptions({
          notes: o.notes, releaseTime: o.releaseTime, phased: o.phased, remark: o.remark, test: o.test,
          resume: o.resume, parseTimeoutMs: o.timeoutMs, submitTimeoutMs: o.timeoutMs,
        });
        r = await this.#op('release', args, o);
      } catch (e) {
        // refused before the road started: nothing obtained beyond what was to be resumed
        if (e instanceof AgcError) {
          e.step = Step.CHECK;
          e.done = idsFrom(o.resume);
          e.outcomeUncertain = false;
        }
        throw e;
      }
    } finally {
      if (args.options) fn.agc_upload_options_free(args.options);
      if (args.releaseOptions) fn.agc_release_options_free(args.releaseOptions);
    }
    const ids = r.value ? r.value.ids : idsFrom(o.resume);
    if (r.err) {
      r.err.step = r.value ? r.value.step : Step.CHECK;
      r.err.done = ids;
      r.err.outcomeUncertain = r.value ? r.value.outcomeUncertain : false;
    }
    settle(r);
    return ids;
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Client.prototype[Symbol.dispose] = function dispose() {
    this.close();
  };
}

// ------------------------------------------------------------------------------ module functions

/** The loaded library's version (agc_version()), e.g. "0.1.0". */
function version() {
  return String(fn.agc_version());
}

/** Seal `inPath` into `outPath` with a 32-byte key (docs/sealed-format.md). */
async function sealFile(key, inPath, outPath) {
  await keyOp('seal', key, inPath, outPath);
}

/** Open a sealed file; `outPath` appears only if every chunk authenticates. */
async function openFile(key, inPath, outPath) {
  await keyOp('open', key, inPath, outPath);
}

/**
 * Read a HarmonyOS package's pack.info offline (no credentials, no network): bundle name and
 * type, version, modules (agc_inspect_package; only the ZIP's end and pack.info are read).
 */
async function inspectPackage(p) {
  return settle(await runOp('inspect', { path: pathArg(p, 'path') }, {}));
}

/** The library's file names on `platform` (default: this one's). */
function libraryFileNamesFor(platform) {
  return libraryFileNames(platform === undefined ? undefined : text(platform, 'platform') || undefined);
}

/** agc_seal_file / agc_open_file on a worker; both copies of the key are wiped after. */
async function keyOp(op, key, inPath, outPath) {
  const args = { inPath: pathArg(inPath, 'inPath'), outPath: pathArg(outPath, 'outPath'), key: bytes(key, 'key') };
  try {
    settle(await runOp(op, args, {}));
  } finally {
    args.key.fill(0);
  }
}

module.exports = {
  Client, PackageKind, HARMONY_APP: PackageKind.HARMONY_APP, ATOMIC_SERVICE: PackageKind.ATOMIC_SERVICE,
  PROFILE_PICTURE: PackageKind.PROFILE_PICTURE, Phase, PHASES, Step, ReleaseStatus, TestType, Trust, Transfer, PhasedAction, Status,
  version, sealFile, openFile, inspectPackage, libraryPath, libraryFileNames: libraryFileNamesFor,
  AgcError: errors.AgcError, InvalidArgumentError: errors.InvalidArgumentError, FileError: errors.FileError,
  CancelledError: errors.CancelledError, NetworkError: errors.NetworkError, AuthError: errors.AuthError,
  ApiError: errors.ApiError, RejectedError: errors.RejectedError, SealError: errors.SealError,
  PackageFailedError: errors.PackageFailedError, ReentrantError: errors.ReentrantError,
  PreflightError: errors.PreflightError, InternalError: errors.InternalError, errorFor,
};
// `import agcupload from 'agcupload'` and TypeScript's default import find the same object.
module.exports.default = module.exports;
void koffi;
