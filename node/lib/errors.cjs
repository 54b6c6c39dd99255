'use strict';
// The errors: `AgcError` and one subclass per family of `agc_status`, the same families as the
// Python package's (python/agcupload/errors.py). Every failed call rejects (or throws) with the
// subclass of its status's family, carrying `status` (the number), `name` and `code` (its C
// name, e.g. "AGC_ERR_FILE_TYPE") and `message` (the library's explanation, never a secret).
// From `releasePackage` also `step` (the Step that failed), `done` (the ReleaseIds obtained
// before it, to pass back as `resume`) and `outcomeUncertain` (true when AGC may have carried
// out the failed bind or submit although the call failed: its request went out and no clear
// answer came, or a cancel came while AGC was answering; check AGC before resuming); null
// from every other call.
const { fn } = require('./native.cjs');

/** The C ABI's `agc_status` numbers (stable; never renumbered). */
const Status = Object.freeze({
  OK: 0,
  INVALID_ARGUMENT: 1,
  FILE: 2,
  FILE_TYPE: 3,
  FILE_TOO_LARGE: 4,
  FILE_CHANGED: 5,
  CANCELLED: 6,
  NETWORK: 7,
  TIMEOUT: 8,
  TLS: 9,
  AUTH: 10,
  API: 11,
  PROTOCOL: 12,
  UPLOAD_REJECTED: 13,
  HTTP: 14,
  SEAL_KEY: 15,
  SEAL_CORRUPT: 16,
  PACKAGE_FAILED: 17,
  REENTRANT: 18,
  PREFLIGHT: 19,
  INTERNAL: 255,
});

class AgcError extends Error {
  constructor(status, message) {
    const name = String(fn.agc_status_str(Number(status)) || 'AGC_ERR_UNKNOWN');
    super(message === undefined ? String(fn.agc_last_error() || '') : String(message));
    Object.defineProperty(this, 'name', { value: name, enumerable: false, writable: true, configurable: true });
    this.status = Number(status);
    this.code = name;
    this.step = null;
    this.done = null;
    this.outcomeUncertain = null;
  }
}

/** AGC_ERR_INVALID_ARGUMENT: a missing, badly typed or out-of-range argument. */
class InvalidArgumentError extends AgcError {}
/** The file: missing or unreadable (FILE), wrong type (FILE_TYPE), too large, or changed. */
class FileError extends AgcError {}
/** AGC_ERR_CANCELLED: the progress callback or the AbortSignal asked to stop. */
class CancelledError extends AgcError {}
/** The network, after retries: NETWORK (refused, reset, DNS), TIMEOUT or TLS. */
class NetworkError extends AgcError {}
/** AGC_ERR_AUTH: wrong credentials or a rejected key. */
class AuthError extends AgcError {}
/** The server's answer: an AGC business error (API), an unexpected HTTP status (HTTP), a
 * malformed answer (PROTOCOL); `RejectedError` for a refused upload. */
class ApiError extends AgcError {}
/** AGC_ERR_UPLOAD_REJECTED: the upload host refused the PUT. */
class RejectedError extends ApiError {}
/** Sealing: the key is missing or not 32 bytes (SEAL_KEY), or the data does not authenticate. */
class SealError extends AgcError {}
/** AGC_ERR_PACKAGE_FAILED: AGC could not parse the package (its reason is the message). */
class PackageFailedError extends AgcError {}
/** AGC_ERR_REENTRANT: the client was called while it may not be (a setter or close() while one
 * of its operations runs). */
class ReentrantError extends AgcError {}
/** AGC_ERR_PREFLIGHT: the preflight refused the upload before anything was sent (the package's
 * bundle name is bound to another app, its version code is not higher than AGC's, the draft is
 * in review or full); the message names what AGC holds and what the package says. Skip the
 * preflight with the `preflight: false` option. */
class PreflightError extends AgcError {}
/** AGC_ERR_INTERNAL: a bug in libagcupload; please report it. */
class InternalError extends AgcError {}

const FAMILY = new Map([
  [Status.INVALID_ARGUMENT, InvalidArgumentError],
  [Status.FILE, FileError],
  [Status.FILE_TYPE, FileError],
  [Status.FILE_TOO_LARGE, FileError],
  [Status.FILE_CHANGED, FileError],
  [Status.CANCELLED, CancelledError],
  [Status.NETWORK, NetworkError],
  [Status.TIMEOUT, NetworkError],
  [Status.TLS, NetworkError],
  [Status.AUTH, AuthError],
  [Status.API, ApiError],
  [Status.PROTOCOL, ApiError],
  [Status.HTTP, ApiError],
  [Status.UPLOAD_REJECTED, RejectedError],
  [Status.SEAL_KEY, SealError],
  [Status.SEAL_CORRUPT, SealError],
  [Status.PACKAGE_FAILED, PackageFailedError],
  [Status.REENTRANT, ReentrantError],
  [Status.PREFLIGHT, PreflightError],
  [Status.INTERNAL, InternalError],
]);

/** The error for `status` (a status of no known family gives a plain AgcError). With no
 * `message`, agc_last_error() of this thread: only right after a call made on this thread. */
function errorFor(status, message) {
  const Cls = FAMILY.get(Number(status)) || AgcError;
  return new Cls(status, message);
}

/** Throws the family's error unless `status` is AGC_OK (for calls made on this thread). */
function check(status) {
  if (status !== 0) throw errorFor(status);
}

module.exports = {
  Status, AgcError, InvalidArgumentError, FileError, CancelledError, NetworkError, AuthError, ApiError,
  RejectedError, SealError, PackageFailedError, ReentrantError, PreflightError, InternalError, errorFor, check,
};
