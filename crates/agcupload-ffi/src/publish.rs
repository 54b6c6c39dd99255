//! The road step by step, each a call on a client: bind an uploaded object, wait for AGC to
//! parse it, set the release notes, submit for review; and `agc_publish_package`, which
//! uploads, binds and waits in one call. (The whole road in one call is `agc_release_package`.)

use std::os::raw::{c_char, c_uint, c_void};
use std::time::Duration;

use crate::boundary::{boxed, c_string};
use crate::client::agc_client;
use crate::release_options::agc_release_options;
use crate::types::{agc_progress_fn, agc_status, CProgress};
use crate::upload::agc_upload_result;
use crate::upload_options::agc_upload_options;

/// Bind an uploaded object to the app (HarmonyOS 5+), so AGC starts parsing it: the object's
/// `file_name` and `object_id`, from an upload result (`agc_upload_result_file_name`,
/// `agc_upload_result_object_id`) or stored from an earlier upload (another run, another
/// process). All three strings are copied when the call starts (`progress` may free the result
/// they came from). On success `*package_id` receives AGC's package id, a string the caller
/// frees with `agc_string_free`; it is set to NULL on failure. Progress phase:
/// `AGC_PHASE_BINDING`. A bind is not idempotent, so it is retried only when the failed
/// attempt cannot have been processed (no connection, or AGC refused it: 429, 503, a "try
/// later" code); after any other failure (answer lost, other 5xx) it stops, and
/// `agc_last_error()` names the object id so that it can be bound later once the app's
/// packages are checked.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated; `package_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_bind_object(
    client: *const agc_client,
    app_id: *const c_char,
    file_name: *const c_char,
    object_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> agc_status {
    ffi!(agc_bind_object(package_id: out, client: client, app_id: str, file_name: str, object_id: str) {
        let (app_id, file_name, object_id) = (app_id.to_owned(), file_name.to_owned(), object_id.to_owned());
        let id = client.bind_object(&app_id, &file_name, &object_id, &mut CProgress::new(progress, user_data))?;
        *package_id = c_string(&id)?.into_raw();
        Ok(())
    })
}

/// Wait until AGC has parsed a bound package: `AGC_OK` when ready,
/// `AGC_ERR_PACKAGE_FAILED` (reason in `agc_last_error()`) when parsing failed, or
/// `AGC_ERR_TIMEOUT` after `timeout_ms`. Polls with backoff (5 s doubling to 30 s by
/// default); reports `AGC_PHASE_WAITING` with elapsed and timeout in milliseconds several
/// times a second, and a non-zero return from `progress` cancels.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_wait_package_ready(
    client: *const agc_client,
    app_id: *const c_char,
    package_id: *const c_char,
    timeout_ms: u64,
    progress: agc_progress_fn,
    user_data: *mut c_void,
) -> agc_status {
    ffi!(agc_wait_package_ready(client: client, app_id: str, package_id: str) {
        let timeout = Duration::from_millis(timeout_ms);
        Ok(client.wait_package_ready(app_id, package_id, timeout, &mut CProgress::new(progress, user_data))?)
    })
}

/// Upload, bind and wait, in one call (for build systems that want a single step).
/// `options` may be NULL. On success `*out` receives the upload result (free with
/// `agc_upload_result_free`) and `*package_id` the package id (free with
/// `agc_string_free`); both are NULL on failure.
///
/// # Safety
/// As for `agc_upload_file`; `package_id` is NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_publish_package(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    options: *const agc_upload_options,
    timeout_ms: u64,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
    package_id: *mut *mut c_char,
) -> agc_status {
    ffi!(agc_publish_package(
        out: out,
        package_id: out,
        client: client,
        app_id: str,
        path: path,
        kind: c_enum(agc_package_kind),
        options: opt_handle,
    ) {
        let options = agc_upload_options::copied(options);
        let request = options.request(app_id, path, kind);
        let p = client.publish(&request, Duration::from_millis(timeout_ms), &mut CProgress::new(progress, user_data))?;
        let (result, id) = (agc_upload_result::new(&p.upload)?, c_string(&p.package_id)?);
        *out = boxed(result);
        *package_id = id.into_raw();
        Ok(())
    })
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
    ffi!(agc_set_release_notes(client: client, app_id: str, options: handle) {
        // Copied: a callback may free or change the options while the operation runs.
        let notes = options.notes.clone();
        Ok(client.set_release_notes(app_id, &notes, &mut CProgress::new(progress, user_data))?)
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
    ffi!(agc_submit_for_review(client: client, app_id: str, options: opt_handle) {
        // Copied: a callback may free or change the options while the operation runs.
        let submit = options.map(|o| o.submit.clone()).unwrap_or_default();
        let timeout = options.map_or(agcupload::defaults::SUBMIT_TIMEOUT, |o| o.submit_timeout);
        Ok(client.submit_for_review(app_id, &submit, timeout, &mut CProgress::new(progress, user_data))?)
    })
}
