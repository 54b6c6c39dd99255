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
const { fn, namesByNumber } = require('./native.cjs');

/** The C ABI's `agc_status` numbers by name without its prefix (Status.FILE_TYPE is the number
 * of AGC_ERR_FILE_TYPE), read from the library (agc_status_str), which holds the one list. */
const Status = Object.freeze(Object.fromEntries(
  [...namesByNumber(fn.agc_status_str, 'AGC_ERR_UNKNOWN')].map(([n, name]) => [name.replace(/^AGC_(ERR_)?/, ''), n]),
));

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

// Each status's family, by the status's name (its number is the library's).
const FAMILY = new Map(Object.entries({
  INVALID_ARGUMENT: InvalidArgumentError,
  FILE: FileError,
  FILE_TYPE: FileError,
  FILE_TOO_LARGE: FileError,
  FILE_CHANGED: FileError,
  CANCELLED: CancelledError,
  NETWORK: NetworkError,
  TIMEOUT: NetworkError,
  TLS: NetworkError,
  AUTH: AuthError,
  API: ApiError,
  PROTOCOL: ApiError,
  HTTP: ApiError,
  UPLOAD_REJECTED: RejectedError,
  SEAL_KEY: SealError,
  SEAL_CORRUPT: SealError,
  PACKAGE_FAILED: PackageFailedError,
  REENTRANT: ReentrantError,
  PREFLIGHT: PreflightError,
  INTERNAL: InternalError,
}).filter(([name]) => name in Status).map(([name, Cls]) => [Status[name], Cls]));

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
