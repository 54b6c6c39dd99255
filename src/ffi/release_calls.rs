//! The release steps callable one by one: release notes, submit for review, release state.

use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::ptr;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::progress::CProgress;
use super::release_options::agc_release_options;
use super::types::*;
use crate::connect::release::ReleaseState;

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
        let timeout = o.map_or(crate::defaults::SUBMIT_TIMEOUT, |o| o.submit_timeout);
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
