//! The release steps callable one by one: release notes, submit for review, release state.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::progress::CProgress;
use super::release_options::agc_release_options;
use super::types::*;
use agcupload::ReleaseState;

/// Where an app's release stands (`agc_get_release_state`). Numbers are stable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_release_state {
    /// Another state (see the raw `releaseState`), or none in AGC's answer.
    AGC_RELEASE_OTHER = 0,
    /// A draft, not submitted (`releaseState` 7).
    AGC_RELEASE_DRAFT = 1,
    /// In review (`releaseState` 4, 5, or 12 pre-review).
    AGC_RELEASE_IN_REVIEW = 2,
    /// Rejected (`releaseState` 1, 8, or 13 pre-review rejected); the reviewers' opinion is in
    /// the audit opinion.
    AGC_RELEASE_REJECTED = 3,
    /// Released (`releaseState` 0).
    AGC_RELEASE_RELEASED = 4,
    /// Approved, to be released (`releaseState` 3; a scheduled release waits for its time).
    AGC_RELEASE_APPROVED = 5,
    /// Not on the shelf: removed, removal requested, removed by the developer, release
    /// cancelled (`releaseState` 2, 6, 10, 11).
    AGC_RELEASE_OFFLINE = 6,
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
            ReleaseState::Approved => AGC_RELEASE_APPROVED,
            ReleaseState::Offline => AGC_RELEASE_OFFLINE,
        }
    }
}

impl agc_release_state {
    fn core(self) -> ReleaseState {
        use agc_release_state::*;
        match self {
            AGC_RELEASE_OTHER => ReleaseState::Other,
            AGC_RELEASE_DRAFT => ReleaseState::Draft,
            AGC_RELEASE_IN_REVIEW => ReleaseState::InReview,
            AGC_RELEASE_REJECTED => ReleaseState::Rejected,
            AGC_RELEASE_RELEASED => ReleaseState::Released,
            AGC_RELEASE_APPROVED => ReleaseState::Approved,
            AGC_RELEASE_OFFLINE => ReleaseState::Offline,
        }
    }
}

/// The name of a release state, as the tool and the packages show it: `"draft"`,
/// `"in-review"`, `"rejected"`, `"released"`, `"approved"`, `"offline"`, `"other"`; an
/// unknown number gives `"other"`. A static string: never free it.
#[no_mangle]
pub extern "C" fn agc_release_state_str(state: c_int) -> *const c_char {
    use agc_release_state::*;
    let s = [
        AGC_RELEASE_OTHER,
        AGC_RELEASE_DRAFT,
        AGC_RELEASE_IN_REVIEW,
        AGC_RELEASE_REJECTED,
        AGC_RELEASE_RELEASED,
        AGC_RELEASE_APPROVED,
        AGC_RELEASE_OFFLINE,
    ]
    .into_iter()
    .find(|s| *s as c_int == state)
    .unwrap_or(AGC_RELEASE_OTHER);
    s.core().c_name().as_ptr().cast()
}

/// Where an app's release stands, with every field AGC gave (`agc_get_release_status`).
/// Read it with the `agc_release_status_*` accessors; free it with `agc_release_status_free`.
pub struct agc_release_status {
    state: agc_release_state,
    release_state: i64,
    review_state: i64,
    audit_opinion: Option<CString>,
}

/// Read where the app's release stands into a new status object: on success `*out`
/// receives it (the caller frees it with `agc_release_status_free`); `*out` is set to NULL
/// first, so it is NULL after a failure. The same reading as `agc_get_release_state`, plus
/// AGC's `reviewState` (`agc_release_status_review_state`).
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_get_release_status(
    client: *const agc_client,
    app_id: *const c_char,
    out: *mut *mut agc_release_status,
) -> agc_status {
    guard(|| {
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(out) };
        non_null(out, "out")?;
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_get_release_status") }?;
        // SAFETY: per this function's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        let s = c.release_state(app_id, &mut agcupload::NoProgress)?;
        let status = agc_release_status {
            state: s.state.into(),
            release_state: s.release_state.unwrap_or(-1),
            review_state: s.review_state.unwrap_or(-1),
            audit_opinion: s.audit_opinion.as_deref().map(c_string).transpose()?,
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { give(out, status) };
        Ok(())
    })
}

/// The short reading (an `agc_release_state`); `AGC_RELEASE_OTHER` for NULL.
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_state(status: *const agc_release_status) -> agc_release_state {
    // SAFETY: per this function's contract.
    unsafe { status.as_ref() }.map_or(agc_release_state::AGC_RELEASE_OTHER, |s| s.state)
}

/// AGC's raw `releaseState` (0 to 13 today), or -1 when AGC gave none (or `status` is NULL).
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_release_state(status: *const agc_release_status) -> i64 {
    // SAFETY: per this function's contract.
    unsafe { status.as_ref() }.map_or(-1, |s| s.release_state)
}

/// AGC's raw `reviewState`, passed through (its values are not documented publicly), or -1
/// when AGC gave none (or `status` is NULL).
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_review_state(status: *const agc_release_status) -> i64 {
    // SAFETY: per this function's contract.
    unsafe { status.as_ref() }.map_or(-1, |s| s.review_state)
}

/// The reviewers' opinion (redacted, bounded), or NULL when there is none (or `status` is
/// NULL). Owned by `status`: valid until `agc_release_status_free`.
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_audit_opinion(status: *const agc_release_status) -> *const c_char {
    // SAFETY: per this function's contract.
    unsafe { status.as_ref() }.and_then(|s| s.audit_opinion.as_ref()).map_or(ptr::null(), |o| o.as_ptr())
}

/// Free a status object and its strings. NULL is a no-op.
///
/// # Safety
/// `status` is NULL or from `agc_get_release_status`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_free(status: *mut agc_release_status) {
    // SAFETY: per this function's contract.
    unsafe { free_box(status) }
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
/// call starts: the progress callback may free or change it. A cancel while AGC is answering
/// ends the call (`AGC_ERR_CANCELLED`) although AGC may have accepted the submit: read the
/// state (`agc_get_release_status`) before submitting again (`agc_release_package` says so in
/// `agc_release_result_outcome_uncertain`).
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
        let timeout = o.map_or(agcupload::defaults::SUBMIT_TIMEOUT, |o| o.submit_timeout);
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
        let s = c.release_state(app_id, &mut agcupload::NoProgress)?;
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
