//! The one-call release road (`agc_release_package`) and its result (`agc_release_result_*`).

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::ptr;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::options::agc_upload_options;
use super::progress::CProgress;
use super::release_options::agc_release_options;
use super::types::*;
use agcupload::Error;
use agcupload::PackageKind;
use agcupload::UploadRequest;
use agcupload::{ReleaseIds, ReleaseRequest, ReleaseStep, ReleaseTarget};

/// A step of the release road (`agc_release_result_failed_step`). Numbers are stable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_release_step {
    /// No step failed.
    AGC_STEP_NONE = 0,
    /// Checking the arguments, before any request.
    AGC_STEP_CHECK = 1,
    /// Uploading the file.
    AGC_STEP_UPLOAD = 2,
    /// Binding the uploaded object to the app.
    AGC_STEP_BIND = 3,
    /// Waiting for AGC to parse the package.
    AGC_STEP_WAIT_PARSING = 4,
    /// Setting the release notes.
    AGC_STEP_NOTES = 5,
    /// Submitting for review.
    AGC_STEP_SUBMIT = 6,
    /// Creating the test version.
    AGC_STEP_CREATE_TEST_VERSION = 7,
    /// Adding the package to the test versions.
    AGC_STEP_ADD_TEST_PACKAGE = 8,
    /// Setting the test window and groups.
    AGC_STEP_SET_TEST_INFO = 9,
    /// Submitting the test version.
    AGC_STEP_SUBMIT_TEST = 10,
    /// The preflight: the package checked against what AGC holds, before the upload
    /// (`AGC_ERR_PREFLIGHT` when it refused it; nothing was sent).
    AGC_STEP_PREFLIGHT = 11,
}

impl From<ReleaseStep> for agc_release_step {
    fn from(s: ReleaseStep) -> agc_release_step {
        use agc_release_step::*;
        match s {
            ReleaseStep::Check => AGC_STEP_CHECK,
            ReleaseStep::Upload => AGC_STEP_UPLOAD,
            ReleaseStep::Bind => AGC_STEP_BIND,
            ReleaseStep::WaitParsing => AGC_STEP_WAIT_PARSING,
            ReleaseStep::Notes => AGC_STEP_NOTES,
            ReleaseStep::Submit => AGC_STEP_SUBMIT,
            ReleaseStep::CreateTestVersion => AGC_STEP_CREATE_TEST_VERSION,
            ReleaseStep::AddTestPackage => AGC_STEP_ADD_TEST_PACKAGE,
            ReleaseStep::SetTestInfo => AGC_STEP_SET_TEST_INFO,
            ReleaseStep::SubmitTest => AGC_STEP_SUBMIT_TEST,
            ReleaseStep::Preflight => AGC_STEP_PREFLIGHT,
        }
    }
}

/// What the release road did: the ids obtained, and on failure the step, its status and its
/// message. Owned by the caller; free with `agc_release_result_free`. Strings returned by
/// its accessors live as long as the result.
pub struct agc_release_result {
    pub(super) object_id: Option<CString>,
    pub(super) file_name: Option<CString>,
    pub(super) package_id: Option<CString>,
    pub(super) version_id: Option<CString>,
    pub(super) sha256_hex: Option<CString>,
    pub(super) size: Option<u64>,
    failed_step: agc_release_step,
    status: agc_status,
    error: CString,
    outcome_uncertain: bool,
    /// The road's notes (`agc_release_result_note`).
    pub(super) notes: Vec<CString>,
}

fn opt_c(s: &Option<String>) -> Option<CString> {
    s.as_deref().and_then(|s| CString::new(s).ok())
}

fn to_c_release(
    ids: &ReleaseIds,
    step: agc_release_step,
    status: agc_status,
    error: &str,
    outcome_uncertain: bool,
) -> agc_release_result {
    agc_release_result {
        object_id: opt_c(&ids.object_id),
        file_name: opt_c(&ids.file_name),
        package_id: opt_c(&ids.package_id),
        version_id: opt_c(&ids.version_id),
        sha256_hex: opt_c(&ids.sha256_hex),
        size: ids.size,
        failed_step: step,
        status,
        error: CString::new(error.replace('\0', " ")).unwrap_or_default(),
        outcome_uncertain,
        notes: super::notes::c_notes(&ids.notes),
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
///   obtained, the failed step, its status and its message; pass it to
///   `agc_release_options_resume_from` to continue). The caller frees it with
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
    let mut step_text: Option<String> = None;
    let status = guard(|| {
        non_null(out, "out")?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { clear_out(out) };
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_release_package") }?;
        // SAFETY: per this function's contract.
        let (app_id, path) = unsafe { (str_arg(app_id, "app_id")?, path_arg(path, "path")?) };
        let kind = PackageKind::from_raw(kind)
            .ok_or_else(|| Error::InvalidArgument(format!("{kind} is not an agc_package_kind")))?;
        // SAFETY: NULL or live per the contract.
        let (uo, ro) = unsafe { (upload_options.as_ref(), release_options.as_ref()) };
        // Copied: a callback may free the options while the operation runs.
        let file_name: Option<String> = uo.and_then(|o| o.file_name.clone());
        let transfer = uo.map(|o| o.transfer.clone()).unwrap_or_default();
        let mut upload = UploadRequest::new(app_id, path, kind);
        upload.file_name = file_name.as_deref();
        if let Some(o) = uo {
            upload.release_type = o.release_type;
            upload.chinese_mainland = o.chinese_mainland;
            upload.bind = o.bind;
            upload.preflight = o.preflight;
        }
        transfer.apply(&mut upload);
        let target = match ro.and_then(|o| o.test.clone()) {
            Some(t) => ReleaseTarget::Test(t),
            None => ReleaseTarget::Review(ro.map(|o| o.submit.clone()).unwrap_or_default()),
        };
        let mut req = ReleaseRequest::new(upload, target);
        if let Some(o) = ro {
            req.notes = o.notes.clone();
            req.parse_timeout = o.parse_timeout;
            req.submit_timeout = o.submit_timeout;
            req.resume = o.resume.clone();
        }
        let mut sink = CProgress { callback: progress, user_data };
        let (result, outcome) = match c.release(&req, &mut sink) {
            Ok(ids) => (to_c_release(&ids, agc_release_step::AGC_STEP_NONE, agc_status::AGC_OK, "", false), Ok(())),
            Err(e) => {
                let text = e.to_string();
                let r = to_c_release(&e.done, e.step.into(), e.error.status().into(), &text, e.outcome_uncertain);
                step_text = Some(text);
                (r, Err(e.error))
            }
        };
        // SAFETY: as above.
        unsafe { give(out, result) };
        outcome
    });
    // The message names the failed step ("step submit failed: AGC error ...").
    if let (Some(text), false) = (step_text, status == agc_status::AGC_OK) {
        set_last_error(&text);
    }
    status
}

/// One field of a release result, read inside the panic boundary: `if_null` when `result`
/// is NULL (or on a caught panic), else `field` of it.
///
/// # Safety
/// `result` is NULL or a live release result.
unsafe fn read_result<T: Copy>(
    result: *const agc_release_result,
    if_null: T,
    field: impl FnOnce(&agc_release_result) -> T,
) -> T {
    // SAFETY: NULL or live per the caller's contract.
    guard_value(if_null, || unsafe { result.as_ref() }.map_or(if_null, field))
}

/// The string of an optional field, NULL when absent; owned by the result that holds it.
fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// The object id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_object_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| opt_ptr(&r.object_id)) }
}

/// The file name AGC recorded for the object, or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_file_name(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| opt_ptr(&r.file_name)) }
}

/// The package id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_package_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| opt_ptr(&r.package_id)) }
}

/// The test version id obtained (or resumed), or NULL if none (always NULL for a submit for
/// review). Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_version_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| opt_ptr(&r.version_id)) }
}

/// The lowercase hex SHA-256 of the uploaded bytes (64 characters), or NULL when unknown:
/// the road failed before its upload finished, or it resumed past the upload from ids that did
/// not carry it (`agc_release_options_set_resume` without
/// `agc_release_options_set_resume_upload`), or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_sha256(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| opt_ptr(&r.sha256_hex)) }
}

/// The number of bytes uploaded, or 0 when unknown (as for `agc_release_result_sha256`) or
/// when `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_size(result: *const agc_release_result) -> u64 {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, 0, |r| r.size.unwrap_or(0)) }
}

/// The step that failed, `AGC_STEP_NONE` on success (or if `result` is NULL).
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_failed_step(result: *const agc_release_result) -> agc_release_step {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, agc_release_step::AGC_STEP_NONE, |r| r.failed_step) }
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
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, 0, |r| c_int::from(r.outcome_uncertain)) }
}

/// The failed step's status, `AGC_OK` on success; `AGC_ERR_INVALID_ARGUMENT` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_status(result: *const agc_release_result) -> agc_status {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, agc_status::AGC_ERR_INVALID_ARGUMENT, |r| r.status) }
}

/// The failed step's message (empty on success), or NULL if `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_error(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    unsafe { read_result(result, ptr::null(), |r| r.error.as_ptr()) }
}

/// Free a release result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_release_package`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_free(result: *mut agc_release_result) {
    // SAFETY: per this function's contract.
    unsafe { free_box(result) }
}
