'use strict';
// One operation at a time, on this worker thread (started by lib/pool.cjs). Each operation is
// a synchronous call into the library (it blocks this thread, never the main one), followed,
// on the same thread, by agc_last_error() and the result's accessors: agc_last_error() is
// thread-local, so this is the one thread where the message of the failed call can be read.
//
// The library calls the progress callback on this thread, synchronously (a koffi transient
// callback: no hop to another thread). It posts the progress to the main thread (which does
// not wait for it) and returns the cancel flag that the main thread sets in shared memory.
const { parentPort } = require('node:worker_threads');
const { koffi, fn, takeString } = require('./native.cjs');

function text(ptr) {
  return ptr === null || ptr === undefined ? null : String(ptr);
}

/** The strings of a result (its notes, ...), through their count and indexed accessor. */
function strings(out, count, at) {
  const n = Number(count(out));
  const all = [];
  for (let i = 0; i < n; i++) {
    const t = text(at(out, i));
    if (t !== null) all.push(t);
  }
  return all;
}

function uploadResult(out) {
  try {
    return {
      objectId: text(fn.agc_upload_result_object_id(out)),
      sha256: text(fn.agc_upload_result_sha256(out)),
      size: Number(fn.agc_upload_result_size(out)),
      fileName: text(fn.agc_upload_result_file_name(out)),
      transfer: fn.agc_upload_result_transfer(out),
      parts: fn.agc_upload_result_parts(out),
      partsSent: fn.agc_upload_result_parts_sent(out),
      resumedParts: fn.agc_upload_result_resumed_parts(out),
      bytesSent: Number(fn.agc_upload_result_bytes_sent(out)),
      notes: strings(out, fn.agc_upload_result_note_count, fn.agc_upload_result_note),
    };
  } finally {
    fn.agc_upload_result_free(out);
  }
}

function releaseResult(out) {
  try {
    const size = Number(fn.agc_release_result_size(out));
    return {
      ids: {
        objectId: text(fn.agc_release_result_object_id(out)),
        fileName: text(fn.agc_release_result_file_name(out)),
        packageId: text(fn.agc_release_result_package_id(out)),
        versionId: text(fn.agc_release_result_version_id(out)),
        sha256: text(fn.agc_release_result_sha256(out)),
        size: size || null,
        notes: strings(out, fn.agc_release_result_note_count, fn.agc_release_result_note),
      },
      step: fn.agc_release_result_failed_step(out),
      outcomeUncertain: fn.agc_release_result_outcome_uncertain(out) !== 0,
    };
  } finally {
    fn.agc_release_result_free(out);
  }
}

function packageInfo(info) {
  try {
    const modules = [];
    const n = Number(fn.agc_package_info_module_count(info));
    for (let i = 0; i < n; i++) {
      const devices = text(fn.agc_package_info_module_device_types(info, i));
      modules.push({
        name: text(fn.agc_package_info_module_name(info, i)),
        type: text(fn.agc_package_info_module_type(info, i)),
        deviceTypes: devices ? devices.split(',') : [],
      });
    }
    const min = Number(fn.agc_package_info_min_compatible_version_code(info));
    return {
      bundleName: text(fn.agc_package_info_bundle_name(info)),
      bundleType: text(fn.agc_package_info_bundle_type(info)),
      kind: fn.agc_package_info_kind(info),
      versionCode: Number(fn.agc_package_info_version_code(info)),
      versionName: text(fn.agc_package_info_version_name(info)),
      minCompatibleVersionCode: min < 0 ? null : min,
      size: Number(fn.agc_package_info_size(info)),
      modules,
    };
  } finally {
    fn.agc_package_info_free(info);
  }
}

/** A change's value as the C ABI gives it: a text as it is, files one a line as a list. */
function listingValue(v, isText) {
  if (v === null || isText) return v;
  return v === '' ? [] : v.split('\n');
}

/** Everything an agc_listing_result holds (a call leaves what it does not fill empty); freed. */
function listingResult(out) {
  try {
    const changes = [];
    const n = Number(fn.agc_listing_result_change_count(out));
    for (let i = 0; i < n; i++) {
      const isText = fn.agc_listing_result_change_is_text(out, i) === 1;
      changes.push({
        lang: text(fn.agc_listing_result_change_lang(out, i)),
        field: text(fn.agc_listing_result_change_field(out, i)),
        newLanguage: fn.agc_listing_result_change_new_language(out, i) === 1,
        isText,
        summary: text(fn.agc_listing_result_change_summary(out, i)),
        current: listingValue(text(fn.agc_listing_result_change_current(out, i)), isText),
        wanted: listingValue(text(fn.agc_listing_result_change_wanted(out, i)), isText),
      });
    }
    const uploads = [];
    const u = Number(fn.agc_listing_result_upload_count(out));
    for (let i = 0; i < u; i++) {
      uploads.push({
        file: text(fn.agc_listing_result_upload_file(out, i)),
        objectId: text(fn.agc_listing_result_upload_object_id(out, i)),
        size: Number(fn.agc_listing_result_upload_size(out, i)),
      });
    }
    return {
      changes,
      unchanged: strings(out, fn.agc_listing_result_unchanged_count, fn.agc_listing_result_unchanged),
      uploads,
      calls: fn.agc_listing_result_calls(out),
      languages: strings(out, fn.agc_listing_result_language_count, fn.agc_listing_result_language),
      written: strings(out, fn.agc_listing_result_written_count, fn.agc_listing_result_written),
      notes: strings(out, fn.agc_listing_result_note_count, fn.agc_listing_result_note),
    };
  } finally {
    fn.agc_listing_result_free(out);
  }
}

/** A listing call (agc_listing_plan, _apply, _pull) and its result, read and freed here. */
function listingOp(call, a, cb) {
  const out = [null];
  const st = call(a.client, a.appId, a.dir, cb, null, out);
  return [st, st === 0 ? listingResult(out[0]) : null];
}

// Each operation: (args, cb) -> [status, value]. `cb` is the progress callback or null.
const ops = {
  upload(a, cb) {
    const out = [null];
    const st = fn.agc_upload_file(a.client, a.appId, a.path, a.kind, a.options, cb, null, out);
    return [st, st === 0 ? uploadResult(out[0]) : null];
  },
  bind(a, cb) {
    const pkg = [null];
    const st = fn.agc_bind_object(a.client, a.appId, a.fileName, a.objectId, cb, null, pkg);
    return [st, takeString(pkg[0])];
  },
  wait(a, cb) {
    return [fn.agc_wait_package_ready(a.client, a.appId, a.packageId, a.timeoutMs, cb, null), null];
  },
  publish(a, cb) {
    const out = [null];
    const pkg = [null];
    const st = fn.agc_publish_package(a.client, a.appId, a.path, a.kind, a.options, a.timeoutMs, cb, null, out, pkg);
    const packageId = takeString(pkg[0]);
    return [st, st === 0 ? { upload: uploadResult(out[0]), packageId } : null];
  },
  release(a, cb) {
    const out = [null];
    const st = fn.agc_release_package(a.client, a.appId, a.path, a.kind, a.options, a.releaseOptions, cb, null, out);
    return [st, out[0] ? releaseResult(out[0]) : null];
  },
  notes(a, cb) {
    return [fn.agc_set_release_notes(a.client, a.appId, a.releaseOptions, cb, null), null];
  },
  submit(a, cb) {
    return [fn.agc_submit_for_review(a.client, a.appId, a.releaseOptions, cb, null), null];
  },
  state(a) {
    const out = [null];
    const st = fn.agc_get_release_status(a.client, a.appId, out);
    if (st !== 0) return [st, null];
    try {
      const h = out[0];
      const auditOpinion = fn.agc_release_status_audit_opinion(h);
      return [st, { state: fn.agc_release_status_state(h), raw: Number(fn.agc_release_status_release_state(h)), auditOpinion }];
    } finally {
      fn.agc_release_status_free(out[0]);
    }
  },
  seal(a) {
    return [fn.agc_seal_file(a.key, a.key.length, a.inPath, a.outPath), null];
  },
  open(a) {
    return [fn.agc_open_file(a.key, a.key.length, a.inPath, a.outPath), null];
  },
  listingPlan(a, cb) {
    return listingOp(fn.agc_listing_plan, a, cb);
  },
  listingApply(a, cb) {
    return listingOp(fn.agc_listing_apply, a, cb);
  },
  listingPull(a, cb) {
    return listingOp(fn.agc_listing_pull, a, cb);
  },
  deleteLanguage(a, cb) {
    return [fn.agc_delete_language(a.client, a.appId, a.lang, cb, null), null];
  },
  withdraw(a, cb) {
    const out = [null];
    const st = fn.agc_withdraw_review(a.client, a.appId, cb, null, out);
    return [st, takeString(out[0])];
  },
  phased(a, cb) {
    const out = [null];
    const st = fn.agc_phased_release(a.client, a.appId, a.action, a.stepDay, a.description, a.versionId, cb, null, out);
    return [st, takeString(out[0])];
  },
  appIdForBundle(a, cb) {
    const out = [null];
    const st = fn.agc_app_id_for_bundle(a.client, a.bundleName, cb, null, out);
    return [st, takeString(out[0])];
  },
  inspect(a) {
    const out = [null];
    const st = fn.agc_inspect_package(a.path, out);
    return [st, st === 0 ? packageInfo(out[0]) : null];
  },
};

parentPort.on('message', (msg) => {
  const cancel = new Int32Array(msg.cancel);
  let cb = null;
  if (msg.progress) {
    cb = (_ud, phase, done, total) => {
      parentPort.postMessage({ type: 'progress', phase, done: Number(done), total: Number(total) });
      return Atomics.load(cancel, 0) === 0 ? 0 : 1;
    };
  }
  let reply;
  try {
    const [status, value] = ops[msg.op](msg.args, cb);
    // Right after the call, on this thread: the failed call's own message.
    const message = status === 0 ? '' : String(fn.agc_last_error() || '');
    reply = { type: 'end', status, message, value };
  } catch (e) {
    reply = { type: 'crash', message: `${e && e.name}: ${e && e.message}` };
  } finally {
    if (msg.args.key) msg.args.key.fill(0);
  }
  parentPort.postMessage(reply);
});

module.exports = { koffi };
