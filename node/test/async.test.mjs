// The event loop keeps serving while the library works, and cancellation with an AbortSignal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as agc from 'agcupload';
import { client, tempDir, storedObjects, count, withFault } from './mockenv.mjs';

const t = tempDir();

test('a timer keeps ticking while a 64 MiB upload runs (the event loop is not blocked)', async () => {
  const c = client();
  const p = t.app('big.app', 64 * 1024 * 1024);
  let ticks = 0;
  let progressCalls = 0;
  const ticksSeenByProgress = new Set();
  const timer = setInterval(() => { ticks += 1; }, 1);
  let pending = true;
  let ticksWhilePending = -1;
  const up = c.uploadFile('20020', p, {
    progress: () => {
      progressCalls += 1;
      ticksSeenByProgress.add(ticks);
    },
  }).finally(() => {
    pending = false;
    ticksWhilePending = ticks;
  });
  // while the promise is pending, other work runs: timers fire, promises resolve
  let otherWork = 0;
  while (pending) {
    await new Promise((resolve) => setImmediate(resolve));
    otherWork += 1;
  }
  const r = await up;
  clearInterval(timer);
  assert.equal(r.size, 64 * 1024 * 1024);
  assert.ok(ticksWhilePending > 10, `the timer ticked ${ticksWhilePending} times during the upload`);
  assert.ok(otherWork > 10, `the loop turned ${otherWork} times during the upload`);
  // progress reached the main thread during the upload, between ticks, not all at the end
  assert.ok(progressCalls > 100, `${progressCalls} progress calls`);
  assert.ok(ticksSeenByProgress.size > 2, `progress came at ${ticksSeenByProgress.size} tick counts`);
  c.close();
});

test('abort via AbortSignal stops the upload before the last byte: nothing is stored', async () => {
  const c = client();
  // Larger than the sockets' buffers, so the body is still being handed over when the abort
  // (seen at the library's next progress call) lands.
  const size = 16 * 1024 * 1024;
  const p = t.app('abort.app', size);
  const before = await storedObjects();
  const ac = new AbortController();
  let maxDone = 0;
  // a slow upload host (1 MB/s), so the abort surely comes before the last byte
  const err = await withFault('slow_reader:1000000', () => c.uploadFile('20021', p, {
    signal: ac.signal,
    progress: (phase, done) => {
      if (phase === 'uploading') {
        maxDone = Math.max(maxDone, done);
        if (done > 0) ac.abort(new Error('user abort'));
      }
    },
  }).then(() => null, (e) => e));
  assert.ok(err instanceof agc.CancelledError, `not cancelled: ${err}`);
  assert.equal(err.name, 'AGC_ERR_CANCELLED');
  assert.equal(err.cause && err.cause.message, 'user abort');
  assert.ok(maxDone < size, `the upload reached ${maxDone} of ${size}`); // the file is size bytes: its last one was not sent
  assert.equal(await storedObjects(), before, 'the mock stored the object');
  c.close();
});

test('an already aborted signal sends no request; a true return from the callback cancels', async () => {
  const c = client();
  // Larger than the sockets' buffers: at 1 MB/s the body is still being handed over when the
  // callback's answer (one report late) arrives.
  const p = t.app('pre.app', 16 * 1024 * 1024);
  const before = await count('GET', '/api/publish/v2/upload-url');
  await assert.rejects(c.uploadFile('20022', p, { signal: AbortSignal.abort() }), agc.CancelledError);
  assert.equal(await count('GET', '/api/publish/v2/upload-url'), before);
  const stored = await storedObjects();
  // The callback runs on the main thread while the library goes on: its answer takes effect at
  // the library's next progress call. A slow upload host keeps the upload going until then.
  await withFault('slow_reader:1000000', () => assert.rejects(
    c.uploadFile('20022', p, { progress: (phase, done) => phase === 'uploading' && done > 0 }),
    (e) => e instanceof agc.CancelledError && e.status === agc.Status.CANCELLED));
  assert.equal(await storedObjects(), stored);
  c.close();
});

test('an async progress callback never cancels: only a true return does', async () => {
  const c = client();
  const size = 2 * 1024 * 1024;
  let calls = 0;
  // A Promise is truthy; it is no answer. Nor is any other value but true.
  const r = await c.uploadFile('20024', t.app('async-cb.app', size), {
    progress: async (phase) => {
      calls += 1;
      await null;
      return phase === 'uploading';
    },
  });
  assert.equal(r.size, size);
  assert.ok(calls > 2, `${calls} progress calls`);
  const others = [1, 'yes', {}, { then: 5 }, () => true, { then: (resolve) => resolve(true) }];
  for (const [i, answer] of others.entries()) {
    const up = await c.uploadFile('20024', t.app(`answer-${i}.app`, 200000), { progress: () => answer });
    assert.equal(up.size, 200000, `answer ${i}`);
  }
  c.close();
});

test('the rejection of an async progress callback cancels and is the rejection', async () => {
  const c = client();
  const boom = new RangeError('from the async callback');
  const p = t.app('async-boom.app', 16 * 1024 * 1024);
  const e = await withFault('slow_reader:1000000', () => c.uploadFile('20025', p, {
    progress: async (phase, done) => {
      if (phase === 'uploading' && done > 0) throw boom;
    },
  }).then(() => null, (x) => x));
  assert.equal(e, boom);
  assert.ok(e.cause instanceof agc.CancelledError, String(e.cause));
  c.close();
});

test('an exception in the progress callback cancels and is the rejection, its cause the CancelledError', async () => {
  const c = client();
  const boom = new RangeError('from the callback');
  const e = await c.uploadFile('20023', t.app('boom.app', 500000), { progress: () => { throw boom; } }).then(() => null, (x) => x);
  assert.equal(e, boom);
  assert.ok(e.cause instanceof agc.CancelledError, String(e.cause));
  c.close();
});

test('abort via AbortSignal ends the call while the upload host never reads the body', async () => {
  // The host takes the PUT's head and never reads the body: the library's writes block once
  // the socket buffers are full. The abort still lands, at the library's next progress call,
  // which it makes while a write waits; not at the 60 s inactivity timeout.
  const c = client();
  const size = 16 * 1024 * 1024;
  const p = t.app('blocked.app', size);
  const ac = new AbortController();
  let abortedAt = 0;
  let timer = null;
  const err = await withFault('put_never_read', () => c.uploadFile('20024', p, {
    signal: ac.signal,
    progress: (phase) => {
      if (phase === 'uploading' && timer === null) {
        timer = setTimeout(() => {
          abortedAt = Date.now();
          ac.abort(new Error('user abort'));
        }, 1000);
      }
    },
  }).then(() => null, (e) => e));
  const endedAt = Date.now();
  clearTimeout(timer);
  assert.ok(err instanceof agc.CancelledError, `not cancelled: ${err}`);
  assert.equal(err.cause && err.cause.message, 'user abort');
  assert.ok(abortedAt > 0, 'the upload ended before the abort');
  // a bound, not a speed check: well under the 60 s inactivity timeout
  assert.ok(endedAt - abortedAt < 10000, `the abort took ${endedAt - abortedAt} ms`);
  c.close();
});
