//! Where an app's release stands: `agc_get_release_status` and its `agc_release_status_*`
//! accessors, and the names of the states (`agc_release_state_str`).

use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::ptr;

use crate::boundary::{boxed, c_string, opt_ptr};
use crate::client::agc_client;
use crate::types::{agc_release_state, agc_status, CEnum, Names};
use agcupload::ReleaseState;

static RELEASE_STATE_NAMES: Names<agc_release_state> = Names::new(ReleaseState::name);

/// Where an app's release stands, with every field AGC gave (`agc_get_release_status`).
/// Read it with the `agc_release_status_*` accessors; free it with `agc_release_status_free`.
pub struct agc_release_status {
    state: agc_release_state,
    release_state: i64,
    review_state: i64,
    audit_opinion: Option<CString>,
}

/// The name of a release state, as the tool and the packages show it: `"draft"`,
/// `"in-review"`, `"rejected"`, `"released"`, `"approved"`, `"offline"`, `"other"`; an
/// unknown number gives `"other"`. A static string: never free it.
#[no_mangle]
pub extern "C" fn agc_release_state_str(state: c_int) -> *const c_char {
    ffi!(agc_release_state_str() or c"other".as_ptr() => {
        let state = agc_release_state::from_raw(i64::from(state)).unwrap_or(agc_release_state::AGC_RELEASE_OTHER);
        RELEASE_STATE_NAMES.of(state).as_ptr()
    })
}

/// Read where the app's release stands into a new status object: on success `*out`
/// receives it (the caller frees it with `agc_release_status_free`); `*out` is set to NULL
/// first, so it is NULL after a failure. Read it with `agc_release_status_state` (the short
/// reading), `agc_release_status_release_state` and `agc_release_status_review_state` (AGC's
/// raw numbers) and `agc_release_status_audit_opinion` (the reviewers' opinion).
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_get_release_status(
    client: *const agc_client,
    app_id: *const c_char,
    out: *mut *mut agc_release_status,
) -> agc_status {
    ffi!(agc_get_release_status(out: out, client: client, app_id: str) {
        let s = client.release_state(app_id, &mut agcupload::NoProgress)?;
        *out = boxed(agc_release_status {
            state: s.state.into(),
            release_state: s.release_state.unwrap_or(-1),
            review_state: s.review_state.unwrap_or(-1),
            audit_opinion: s.audit_opinion.as_deref().map(c_string).transpose()?,
        });
        Ok(())
    })
}

/// The short reading (an `agc_release_state`); `AGC_RELEASE_OTHER` for NULL.
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_state(status: *const agc_release_status) -> agc_release_state {
    ffi!(agc_release_status_state(status: handle) or agc_release_state::AGC_RELEASE_OTHER => status.state)
}

/// AGC's raw `releaseState` (0 to 13 today), or -1 when AGC gave none (or `status` is NULL).
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_release_state(status: *const agc_release_status) -> i64 {
    ffi!(agc_release_status_release_state(status: handle) or -1 => status.release_state)
}

/// AGC's raw `reviewState`, passed through (its values are not documented publicly), or -1
/// when AGC gave none (or `status` is NULL).
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_review_state(status: *const agc_release_status) -> i64 {
    ffi!(agc_release_status_review_state(status: handle) or -1 => status.review_state)
}

/// The reviewers' opinion (redacted, bounded), or NULL when there is none (or `status` is
/// NULL). Owned by `status`: valid until `agc_release_status_free`.
///
/// # Safety
/// `status` is NULL or a live status object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_audit_opinion(status: *const agc_release_status) -> *const c_char {
    ffi!(agc_release_status_audit_opinion(status: handle) or ptr::null() => opt_ptr(&status.audit_opinion))
}

/// Free a status object and its strings. NULL is a no-op.
///
/// # Safety
/// `status` is NULL or from `agc_get_release_status`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_status_free(status: *mut agc_release_status) {
    ffi!(free status)
}
