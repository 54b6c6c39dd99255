//! The release road: release options, the one-call road with its result, the separate notes
//! and submit steps, and the release state.

use std::ffi::CString;
use std::os::raw::{c_char, c_uint, c_void};
use std::ptr;
use std::time::Duration;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::options::agc_upload_options;
use super::progress::CProgress;
use super::types::*;
use crate::client::UploadRequest;
use crate::error::Error;
use crate::package::PackageKind;
use crate::release::{self, ReleaseNote, ReleasePhase, ReleaseState, SubmitOptions, TestRelease, TestType};
use crate::release_flow::{ReleaseIds, ReleaseRequest, ReleaseStep, ReleaseTarget};

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
        }
    }
}

/// Where an app's release stands (`agc_get_release_state`). Numbers are stable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_release_state {
    /// Another state (see the raw `releaseState`), or none in AGC's answer.
    AGC_RELEASE_OTHER = 0,
    /// A draft, not submitted (`releaseState` 7).
    AGC_RELEASE_DRAFT = 1,
    /// In review (`releaseState` 4 or 5).
    AGC_RELEASE_IN_REVIEW = 2,
    /// Rejected (`releaseState` 1 or 8); the reviewers' opinion is in the audit opinion.
    AGC_RELEASE_REJECTED = 3,
    /// Released (`releaseState` 0).
    AGC_RELEASE_RELEASED = 4,
}

impl From<ReleaseState> for agc_release_state {
    fn from(s: ReleaseState) -> agc_release_state {
        use agc_release_state::*;
        match s {
            ReleaseState::Other => AGC_RELEASE_OTHER,
            ReleaseState::Draft => AGC_RELEASE_DRAFT,
            ReleaseState::InReview => AGC_RELEASE_IN_REVIEW,
            ReleaseState::Rejected => AGC_RELEASE_REJECTED,
            ReleaseState::Released => AGC_RELEASE_RELEASED,
        }
    }
}

/// Options of the release road, all optional. Create with `agc_release_options_new`, free
/// with `agc_release_options_free`. Without `agc_release_options_set_test` the road ends with
/// a submit for review; with it, with a submitted HarmonyOS test version.
pub struct agc_release_options {
    notes: Vec<ReleaseNote>,
    submit: SubmitOptions,
    test: Option<TestRelease>,
    parse_timeout: Duration,
    submit_timeout: Duration,
    resume: ReleaseIds,
}

/// Create release options with no notes, an immediate full release, and 15-minute waits for
/// parsing and for "still processing" submits. On success `*out` receives them (the caller
/// frees them with `agc_release_options_free`).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_new(out: *mut *mut agc_release_options) -> agc_status {
    guard(|| {
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(out) };
        non_null(out, "out")?;
        let o = agc_release_options {
            notes: Vec::new(),
            submit: SubmitOptions::default(),
            test: None,
            parse_timeout: Duration::from_secs(15 * 60),
            submit_timeout: Duration::from_secs(15 * 60),
            resume: ReleaseIds::default(),
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { give(out, o) };
        Ok(())
    })
}

/// Free release options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or from `agc_release_options_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_free(options: *mut agc_release_options) {
    // SAFETY: per this function's contract.
    unsafe { free_box(options) }
}

/// # Safety
/// `o` is NULL or a live options object not used concurrently.
unsafe fn opts_mut<'a>(o: *mut agc_release_options) -> Result<&'a mut agc_release_options, Error> {
    non_null(o, "options")?;
    // SAFETY: non-NULL and live per the contract.
    Ok(unsafe { &mut *o })
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: per the caller's contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// Release notes ("what's new") for one language, e.g. `"en-US"`; copied. Checked now: a
/// language tag, at most 500 characters (`AGC_ERR_INVALID_ARGUMENT` naming the language).
/// Setting a language again replaces its text. The language must exist for the app in AGC.
///
/// # Safety
/// `options` is a live options object; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_note(
    options: *mut agc_release_options,
    language: *const c_char,
    new_features: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        // SAFETY: per this function's contract.
        let (lang, text) = unsafe { (str_arg(language, "language")?, str_arg(new_features, "new_features")?) };
        let note = ReleaseNote::new(lang, text);
        release::check_notes(std::slice::from_ref(&note))?;
        o.notes.retain(|n| !n.language.eq_ignore_ascii_case(lang));
        o.notes.push(note);
        Ok(())
    })
}

/// Scheduled release: `yyyy-MM-ddTHH:mm:ss+0000` in UTC (`Z` and `+00:00` are accepted too);
/// copied and checked now. NULL clears it (release at once after approval).
///
/// # Safety
/// `options` is a live options object; `release_time` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_release_time(
    options: *mut agc_release_options,
    release_time: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        // SAFETY: per this function's contract.
        o.submit.release_time = match unsafe { opt_str(release_time, "release_time") }? {
            Some(t) => Some(release::normalize_release_time(t)?),
            None => None,
        };
        Ok(())
    })
}

/// `releasePhase`: 0 = full release, 3 = phased release, which needs `description`
/// (`phasedReleaseDescription`, copied; ignored for 0 and may then be NULL).
///
/// # Safety
/// `options` is a live options object; `description` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_phase(
    options: *mut agc_release_options,
    phase: c_uint,
    description: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        let p = match phase {
            0 => ReleasePhase::Full,
            3 => {
                // SAFETY: per this function's contract.
                let d = unsafe { str_arg(description, "description") }?;
                ReleasePhase::Phased { description: d.to_owned() }
            }
            other => return Err(Error::InvalidArgument(format!("release phase must be 0 or 3, got {other}"))),
        };
        let checked = SubmitOptions { phase: Some(p), ..Default::default() };
        checked.body()?;
        o.submit.phase = checked.phase;
        Ok(())
    })
}

/// A remark to the reviewers, 10 to 300 characters; copied and checked now. NULL clears it.
///
/// # Safety
/// `options` is a live options object; `remark` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_remark(
    options: *mut agc_release_options,
    remark: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        // SAFETY: per this function's contract.
        let remark = unsafe { opt_str(remark, "remark") }?.map(str::to_owned);
        let checked = SubmitOptions { remark, ..Default::default() };
        checked.body()?;
        o.submit.remark = checked.remark;
        Ok(())
    })
}

/// Make the road a HarmonyOS test release: `test_type` 3 = invite test (needs at least one
/// group, `agc_release_options_add_test_group`), 4 = open test; `description` (`testDesc`,
/// 1 to 50 characters) is copied. The upload is then asked with `releaseType` 6.
///
/// # Safety
/// `options` is a live options object; `description` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_test(
    options: *mut agc_release_options,
    test_type: c_uint,
    description: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        // SAFETY: per this function's contract.
        let desc = unsafe { str_arg(description, "description") }?;
        let t = match test_type {
            3 => TestType::Invite,
            4 => TestType::Open,
            other => return Err(Error::InvalidArgument(format!("test type must be 3 or 4, got {other}"))),
        };
        // Check the description now (groups are checked when the road starts).
        TestRelease::new(TestType::Open, desc).validate()?;
        let mut test = o.test.take().unwrap_or_else(|| TestRelease::new(t, desc));
        test.test_type = t;
        test.description = desc.to_owned();
        o.test = Some(test);
        Ok(())
    })
}

fn test_mut(o: &mut agc_release_options) -> Result<&mut TestRelease, Error> {
    o.test.as_mut().ok_or_else(|| Error::InvalidArgument("call agc_release_options_set_test first".into()))
}

/// The test window in milliseconds since the Unix epoch (`end_ms` > `start_ms`). Default:
/// from the submit on, for 30 days. Needs `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_test_window(
    options: *mut agc_release_options,
    start_ms: u64,
    end_ms: u64,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let t = test_mut(unsafe { opts_mut(options) }?)?;
        if end_ms <= start_ms {
            return Err(Error::InvalidArgument("the test window must end after it starts".into()));
        }
        t.start_ms = Some(start_ms);
        t.end_ms = Some(end_ms);
        Ok(())
    })
}

/// Add a test group id (copied); `notify` 1 asks AGC to tell the testers (`needNotify`).
/// Needs `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object; `group_id` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_add_test_group(
    options: *mut agc_release_options,
    group_id: *const c_char,
    notify: c_uint,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let t = test_mut(unsafe { opts_mut(options) }?)?;
        // SAFETY: per this function's contract.
        let g = unsafe { str_arg(group_id, "group_id") }?;
        if notify > 1 {
            return Err(Error::InvalidArgument(format!("notify must be 0 or 1, got {notify}")));
        }
        let mut probe = TestRelease::new(TestType::Open, "x");
        probe.groups = vec![g.to_owned()];
        probe.validate()?;
        if !t.groups.iter().any(|x| x == g) {
            t.groups.push(g.to_owned());
        }
        t.notify = notify == 1;
        Ok(())
    })
}

/// Longest wait for AGC to parse the package, and longest wait while a submit is refused as
/// "still processing", in milliseconds (each > 0; default 15 minutes).
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_timeouts_ms(
    options: *mut agc_release_options,
    parse_timeout_ms: u64,
    submit_timeout_ms: u64,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        if parse_timeout_ms == 0 || submit_timeout_ms == 0 {
            return Err(Error::InvalidArgument("timeouts must be greater than zero".into()));
        }
        o.parse_timeout = Duration::from_millis(parse_timeout_ms);
        o.submit_timeout = Duration::from_millis(submit_timeout_ms);
        Ok(())
    })
}

/// Continue an earlier road from the ids it obtained (each NULL = not known): with an
/// object id (and its `file_name`; default the file's name) the upload is skipped; with a
/// package id the bind (or adding the test package) too; with a version id, creating the
/// test version. All copied.
///
/// # Safety
/// `options` is a live options object; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_resume(
    options: *mut agc_release_options,
    object_id: *const c_char,
    file_name: *const c_char,
    package_id: *const c_char,
    version_id: *const c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        // SAFETY: per this function's contract.
        let ids = unsafe {
            ReleaseIds {
                object_id: opt_str(object_id, "object_id")?.map(str::to_owned),
                file_name: opt_str(file_name, "file_name")?.map(str::to_owned),
                package_id: opt_str(package_id, "package_id")?.map(str::to_owned),
                version_id: opt_str(version_id, "version_id")?.map(str::to_owned),
            }
        };
        if let Some(n) = &ids.file_name {
            crate::package::check_file_name(n)?;
        }
        o.resume = ids;
        Ok(())
    })
}

/// Continue from what an earlier (failed) road obtained: the ids of `result`, copied.
///
/// # Safety
/// `options` is a live options object; `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_resume_from(
    options: *mut agc_release_options,
    result: *const agc_release_result,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let o = unsafe { opts_mut(options) }?;
        non_null(result, "result")?;
        // SAFETY: non-NULL and live per the contract.
        let r = unsafe { &*result };
        let s = |c: &Option<CString>| c.as_ref().and_then(|c| c.to_str().ok()).map(str::to_owned);
        o.resume = ReleaseIds {
            object_id: s(&r.object_id),
            file_name: s(&r.file_name),
            package_id: s(&r.package_id),
            version_id: s(&r.version_id),
        };
        Ok(())
    })
}

/// What the release road did: the ids obtained, and on failure the step, its status and its
/// message. Owned by the caller; free with `agc_release_result_free`. Strings returned by
/// its accessors live as long as the result.
pub struct agc_release_result {
    object_id: Option<CString>,
    file_name: Option<CString>,
    package_id: Option<CString>,
    version_id: Option<CString>,
    failed_step: agc_release_step,
    status: agc_status,
    error: CString,
}

fn opt_c(s: &Option<String>) -> Option<CString> {
    s.as_deref().and_then(|s| CString::new(s).ok())
}

fn to_c_release(ids: &ReleaseIds, step: agc_release_step, status: agc_status, error: &str) -> agc_release_result {
    agc_release_result {
        object_id: opt_c(&ids.object_id),
        file_name: opt_c(&ids.file_name),
        package_id: opt_c(&ids.package_id),
        version_id: opt_c(&ids.version_id),
        failed_step: step,
        status,
        error: CString::new(error.replace('\0', " ")).unwrap_or_default(),
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
        let mut upload = UploadRequest::new(app_id, path, kind);
        upload.file_name = file_name.as_deref();
        if let Some(o) = uo {
            upload.release_type = o.release_type;
            upload.chinese_mainland = o.chinese_mainland;
        }
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
            Ok(ids) => (to_c_release(&ids, agc_release_step::AGC_STEP_NONE, agc_status::AGC_OK, ""), Ok(())),
            Err(e) => {
                let text = e.to_string();
                let r = to_c_release(&e.done, e.step.into(), e.error.status().into(), &text);
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

/// The object id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_object_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || {
        unsafe { result.as_ref() }.and_then(|r| r.object_id.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The file name AGC recorded for the object, or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_file_name(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || {
        unsafe { result.as_ref() }.and_then(|r| r.file_name.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The package id obtained (or resumed), or NULL if none. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_package_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || {
        unsafe { result.as_ref() }.and_then(|r| r.package_id.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The test version id obtained (or resumed), or NULL if none (always NULL for a submit for
/// review). Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_version_id(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || {
        unsafe { result.as_ref() }.and_then(|r| r.version_id.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The step that failed, `AGC_STEP_NONE` on success (or if `result` is NULL).
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_failed_step(result: *const agc_release_result) -> agc_release_step {
    // SAFETY: NULL or live per the contract.
    guard_value(agc_release_step::AGC_STEP_NONE, || {
        unsafe { result.as_ref() }.map_or(agc_release_step::AGC_STEP_NONE, |r| r.failed_step)
    })
}

/// The failed step's status, `AGC_OK` on success; `AGC_ERR_INVALID_ARGUMENT` if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_status(result: *const agc_release_result) -> agc_status {
    // SAFETY: NULL or live per the contract.
    guard_value(agc_status::AGC_ERR_INVALID_ARGUMENT, || {
        unsafe { result.as_ref() }.map_or(agc_status::AGC_ERR_INVALID_ARGUMENT, |r| r.status)
    })
}

/// The failed step's message (empty on success), or NULL if `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_error(result: *const agc_release_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.error.as_ptr()))
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

/// Set the release notes in `options` (`agc_release_options_set_note`) on the app, one
/// language after another. Progress phase: `AGC_PHASE_SETTING_NOTES`. A language AGC refuses
/// gives `AGC_ERR_API` naming the language. The notes are copied when the call starts: the
/// progress callback may free or change `options`.
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_set_release_notes(
    client: *const agc_client,
    app_id: *const c_char,
    options: *const agc_release_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_set_release_notes") }?;
        // SAFETY: per this function's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        non_null(options, "options")?;
        // Copied: a callback may free or change the options while the operation runs.
        // SAFETY: non-NULL and live per the contract.
        let notes = unsafe { &*options }.notes.clone();
        let mut sink = CProgress { callback: progress, user_data };
        c.set_release_notes(app_id, &notes, &mut sink)
    })
}

/// Submit the app's draft for review with the release time, phase and remark of `options`
/// (NULL: an immediate full release). While AGC still processes the package (codes
/// 204144660, 204144719, 204144727 with a matching message) it retries with backoff until
/// the options' submit timeout, then `AGC_ERR_TIMEOUT`; any other refusal is `AGC_ERR_API`
/// with AGC's message. Progress phase: `AGC_PHASE_SUBMITTING`. `options` is copied when the
/// call starts: the progress callback may free or change it.
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `options` is NULL or live.
#[no_mangle]
pub unsafe extern "C" fn agc_submit_for_review(
    client: *const agc_client,
    app_id: *const c_char,
    options: *const agc_release_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_submit_for_review") }?;
        // SAFETY: per this function's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        // SAFETY: NULL or live per the contract.
        let o = unsafe { options.as_ref() };
        let submit = o.map(|o| o.submit.clone()).unwrap_or_default();
        let timeout = o.map_or(Duration::from_secs(15 * 60), |o| o.submit_timeout);
        let mut sink = CProgress { callback: progress, user_data };
        c.submit_for_review(app_id, &submit, timeout, &mut sink)
    })
}

/// Read where the app's release stands. `*state` receives an `agc_release_state`;
/// `*release_state` (may be NULL) AGC's raw `releaseState`, or -1 if absent; `*audit_opinion`
/// (may be NULL) the reviewers' opinion, a string the caller frees with `agc_string_free`,
/// or NULL when there is none. Before any check, each of them that is not NULL is reset
/// (`AGC_RELEASE_OTHER`, -1, NULL), so that is what they hold after a failure; a NULL
/// `state` is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `state` is writable; the other
/// out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_get_release_state(
    client: *const agc_client,
    app_id: *const c_char,
    state: *mut agc_release_state,
    release_state: *mut i64,
    audit_opinion: *mut *mut c_char,
) -> agc_status {
    guard(|| {
        // Every out-value is reset before any check: NULL opinion, "other" state, no number.
        // SAFETY: each is NULL or writable per the contract.
        unsafe {
            clear_out(audit_opinion);
            if !state.is_null() {
                *state = agc_release_state::AGC_RELEASE_OTHER;
            }
            if !release_state.is_null() {
                *release_state = -1;
            }
        }
        non_null(state, "state")?;
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_get_release_state") }?;
        // SAFETY: per this function's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        let s = c.release_state(app_id, &mut crate::progress::NoProgress)?;
        let opinion = s.audit_opinion.as_deref().map(c_string).transpose()?;
        // SAFETY: checked non-NULL / NULL-or-writable per the contract.
        unsafe {
            *state = s.state.into();
            if !release_state.is_null() {
                *release_state = s.release_state.unwrap_or(-1);
            }
            if !audit_opinion.is_null() {
                *audit_opinion = opinion.map_or(ptr::null_mut(), CString::into_raw);
            }
        }
        Ok(())
    })
}
