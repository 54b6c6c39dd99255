//! The whole release road in one call (`agc_release_package`) and its result
//! (`agc_release_result_*`: the ids obtained, the failed step, the notes).

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::ptr;

use crate::boundary::{boxed, c_text, opt_ptr, Failure};
use crate::client::agc_client;
use crate::release_options::agc_release_options;
use crate::types::{agc_progress_fn, agc_release_step, agc_status, CProgress};
use crate::upload::{c_notes, note_ptr};
use crate::upload_options::agc_upload_options;
use agcupload::{ReleaseError, ReleaseIds, ReleaseRequest, ReleaseTarget};

/// What the release road did: the ids obtained, and on failure the step, its status and its
/// message. Owned by the caller; free with `agc_release_result_free`. Strings returned by
/// its accessors live as long as the result.
pub struct agc_release_result {
    object_id: Option<CString>,
    file_name: Option<CString>,
    package_id: Option<CString>,
    version_id: Option<CString>,
    sha256_hex: Option<CString>,
    size: Option<u64>,
    failed_step: agc_release_step,
    status: agc_status,
    error: CString,
    outcome_uncertain: bool,
    /// The road's notes (the preflight's warnings, the upload's notes), kept on failure too.
    notes: Vec<CString>,
}

impl agc_release_result {
    /// What the road obtained (`ids`), and how it failed if it did (the error, its status and
    /// its message).
    fn new(ids: &ReleaseIds, failure: Option<(&ReleaseError, agc_status, &str)>) -> agc_release_result {
        let opt_c = |s: &Option<String>| s.as_deref().and_then(|s| CString::new(s).ok());
        let (failed_step, status, error, outcome_uncertain) = match failure {
            None => (agc_release_step::AGC_STEP_NONE, agc_status::AGC_OK, "", false),
            Some((e, status, text)) => (e.step.into(), status, text, e.outcome_uncertain),
        };
        agc_release_result {
            object_id: opt_c(&ids.object_id),
            file_name: opt_c(&ids.file_name),
            package_id: opt_c(&ids.package_id),
            version_id: opt_c(&ids.version_id),
            sha256_hex: opt_c(&ids.sha256_hex),
            size: ids.size,
            failed_step,
            status,
            error: c_text(error),
            outcome_uncertain,
            notes: c_notes(&ids.notes),
        }
    }
}

/// Take a package the whole road in one call: upload → bind → wait for parsing → release
/// notes → submit for review; or, with `agc_release_options_set_test`, upload (release type
/// 6) → create test version → add package → wait → window and groups → submit it. Every step
/// reports its phase to `progress` (a non-zero return cancels).
///
/// - `upload_options` may be NULL (defaults); `release_options` may be NULL (no notes, an
///   immediate full release).
/// - `out`: the one exception to "out-pointers are NULL after a failure". It is set to NULL
///   first, like every out-pointer; then it receives a result on success **and on failure
///   of any step of the road** (`AGC_STEP_CHECK` included: the result holds the ids already
///   obtained, the failed step, its status and its message; pass them to
///   `agc_release_options_set_resume` to continue). The caller frees it with
///   `agc_release_result_free`. It stays NULL when the call is refused before the road
///   starts: `out` or `client` NULL, `app_id` NULL or not UTF-8, `path` NULL, an unknown
///   `kind`, `AGC_ERR_REENTRANT`, or a caught panic (`AGC_ERR_INTERNAL`).
/// - `upload_options` and `release_options` are copied when the call starts: the progress
///   callback may free or change them.
/// - Returns the failed step's status (`AGC_ERR_API` with AGC's message for a refused
///   submit, `AGC_ERR_TIMEOUT` when AGC was still processing at the deadline, ...);
///   `agc_last_error()` names the step.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated; options are NULL or live; `out` is
/// NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_release_package(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    upload_options: *const agc_upload_options,
    release_options: *const agc_release_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_release_result,
) -> agc_status {
    ffi!(agc_release_package(
        out: out,
        client: client,
        app_id: str,
        path: path,
        kind: c_enum(agc_package_kind),
        upload_options: opt_handle,
        release_options: opt_handle,
    ) {
        // Copied: a callback may free or change the options while the operation runs.
        let uo = agc_upload_options::copied(upload_options);
        let target = match release_options.and_then(|o| o.test.clone()) {
            Some(t) => ReleaseTarget::Test(t),
            None => ReleaseTarget::Review(release_options.map(|o| o.submit.clone()).unwrap_or_default()),
        };
        let mut req = ReleaseRequest::new(uo.request(app_id, path, kind), target);
        if let Some(o) = release_options {
            req.notes = o.notes.clone();
            req.parse_timeout = o.parse_timeout;
            req.submit_timeout = o.submit_timeout;
            req.resume = o.resume.clone();
        }
        // The result is handed over on failure too, once the road has started: the one
        // exception to "out-pointers are NULL after a failure" (documented above).
        match client.release(&req, &mut CProgress::new(progress, user_data)) {
            Ok(ids) => {
                *out = boxed(agc_release_result::new(&ids, None));
                Ok(())
            }
            Err(e) => {
                // The message names the failed step ("step submit failed: AGC error ...").
                let status = e.error.status().into();
                let text = e.to_string();
                *out = boxed(agc_release_result::new(&e.done, Some((&e, status, &text))));
                Err(Failure::new(status, text))
            }
        }
    })
}

/// The step that failed, `AGC_STEP_NONE` on success (or if `result` is NULL).
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_failed_step(result: *const agc_release_result) -> agc_release_step {
    ffi!(agc_release_result_failed_step(result: handle) or agc_release_step::AGC_STEP_NONE => result.failed_step)
}

/// The failed step's status, `AGC_OK` on success; `AGC_ERR_INVALID_ARGUMENT` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_status(result: *const agc_release_result) -> agc_status {
    ffi!(agc_release_result_status(result: handle) or agc_status::AGC_ERR_INVALID_ARGUMENT => result.status)
}

/// The failed step's message (empty on success), or NULL if `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_error(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_error(result: handle) or ptr::null() => result.error.as_ptr())
}

/// 1 when AGC may have carried out the failed step although it failed (a bind or a submit
/// whose request went out and got no clear answer: a reset, a timeout, a 5xx, a cancel while
/// AGC was answering): do not resume from this result before checking (a bind: the app's
/// packages in AGC; a submit: `agc_get_release_status`). 0 otherwise, on success, or if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_outcome_uncertain(result: *const agc_release_result) -> c_int {
    ffi!(agc_release_result_outcome_uncertain(result: handle) or 0 => c_int::from(result.outcome_uncertain))
}

/// The object id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_object_id(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_object_id(result: handle) or ptr::null() => opt_ptr(&result.object_id))
}

/// The file name AGC recorded for the object, or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_file_name(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_file_name(result: handle) or ptr::null() => opt_ptr(&result.file_name))
}

/// The package id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_package_id(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_package_id(result: handle) or ptr::null() => opt_ptr(&result.package_id))
}

/// The test version id obtained (or resumed), or NULL if none (always NULL for a submit for
/// review). Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_version_id(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_version_id(result: handle) or ptr::null() => opt_ptr(&result.version_id))
}

/// The lowercase hex SHA-256 of the uploaded bytes (64 characters), or NULL when unknown:
/// the road failed before its upload finished, or it resumed past the upload from ids that did
/// not carry it (`agc_release_options_set_resume` without a SHA-256), or `result` is NULL.
/// Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_sha256(result: *const agc_release_result) -> *const c_char {
    ffi!(agc_release_result_sha256(result: handle) or ptr::null() => opt_ptr(&result.sha256_hex))
}

/// The number of bytes uploaded, or 0 when unknown (as for `agc_release_result_sha256`) or
/// when `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_size(result: *const agc_release_result) -> u64 {
    ffi!(agc_release_result_size(result: handle) or 0 => result.size.unwrap_or(0))
}

/// The number of notes of a release result (the preflight's warnings, the upload's notes),
/// kept on failure too; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_note_count(result: *const agc_release_result) -> usize {
    ffi!(agc_release_result_note_count(result: handle) or 0 => result.notes.len())
}

/// Note `index` (from 0) of a release result, or NULL when `index` is out of range or
/// `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_note(result: *const agc_release_result, index: usize) -> *const c_char {
    ffi!(agc_release_result_note(result: handle) or ptr::null() => note_ptr(&result.notes, index))
}

/// Free a release result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_release_package`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_free(result: *mut agc_release_result) {
    ffi!(free result)
}
