'use strict';
// The threads that run operations: a pool of worker_threads (lib/worker.cjs), one operation
// per worker at a time, grown on demand, idle workers kept (unref'd: they never keep the
// process alive) for the next operation. The library itself starts no thread.
//
// Why workers and not koffi's `fn.async()`: agc_last_error() is thread-local, and an async
// koffi call runs on whichever libuv thread-pool thread picks it up; the next call (to read the
// message) may land on another one. A worker runs the call and agc_last_error() back to back
// on the same thread, and its progress callback is a plain synchronous koffi callback there.
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const { InternalError, Status } = require('./errors.cjs');
const { libraryPath } = require('./native.cjs');

const WORKER = path.join(__dirname, 'worker.cjs');
const internal = (message) => new InternalError(Status.INTERNAL, message);
const MAX_IDLE = 4;
const idle = [];

function spawn() {
  const w = new Worker(WORKER, { workerData: { agcuploadLibrary: libraryPath } });
  w.on('error', () => {}); // reported to the operation running on it (see run)
  w.once('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  return w;
}

/**
 * Runs `op` with `args` on a worker. `onProgress(phase, done, total)` (or null) gets the
 * progress; `cancel` is an Int32Array over a SharedArrayBuffer whose first element, once
 * non-zero, makes the next progress callback return non-zero. Resolves to
 * {status, message, value}.
 */
function run(op, args, onProgress, cancel) {
  return new Promise((resolve, reject) => {
    const w = idle.pop() || spawn();
    w.ref();
    const done = (fnc, v) => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      fnc(v);
    };
    const onMessage = (m) => {
      if (m.type === 'progress') {
        if (onProgress) onProgress(m.phase, m.done, m.total);
        return;
      }
      if (m.type === 'crash') {
        w.terminate();
        done(reject, internal(`agcupload worker: ${m.message}`));
        return;
      }
      w.unref();
      if (idle.length < MAX_IDLE) idle.push(w);
      else w.terminate();
      done(resolve, m);
    };
    const onError = (e) => done(reject, internal(`agcupload worker failed during ${op}: ${e && e.message}`));
    const onExit = (code) => done(reject, internal(`agcupload worker exited (code ${code}) during ${op}`));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    try {
      w.postMessage({ op, args, progress: !!onProgress, cancel: cancel.buffer });
    } catch (e) {
      w.unref();
      idle.push(w);
      done(reject, internal(`agcupload: cannot pass ${op}'s arguments to its worker: ${e.message}`));
    }
  });
}

module.exports = { run };
