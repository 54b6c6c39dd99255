//! Binding, waiting for parsing, and publishing in one call.

use std::os::raw::{c_char, c_uint, c_void};
use std::time::Duration;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::options::agc_upload_options;
use super::progress::CProgress;
use super::types::*;
use super::upload::{agc_upload_result, to_c_result, UploadArgs};
use agcupload::Error;

/// Bind an uploaded object to the app (HarmonyOS 5+), so AGC starts parsing it. On success
/// `*package_id` receives AGC's package id, a string the caller frees with
/// `agc_string_free`; it is set to NULL on failure. Progress phase: `AGC_PHASE_BINDING`.
/// A bind is not idempotent, so it is retried only when the failed attempt cannot have been
/// processed (no connection, or AGC refused it: 429, 503, a "try later" code); after any other
/// failure (answer lost, other 5xx) it stops, and `agc_last_error()` names the object id so
/// that it can be bound later with `agc_bind_object` once the app's packages are checked.
///
/// # Safety
/// `client` and `result` are live; `app_id` is NULL or NUL-terminated; `package_id` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_bind_package(
    client: *const agc_client,
    app_id: *const c_char,
    result: *const agc_upload_result,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> agc_status {
    guard(|| {
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(package_id) };
        non_null(result, "result")?;
        // SAFETY: non-NULL and live per the contract.
        let r = unsafe { &*result };
        // Copies: a callback that frees the result cannot pull them from under the bind.
        let (file_name, object_id) = (r.file_name.clone(), r.object_id.clone());
        // SAFETY: per this function's contract; the copies outlive the call.
        unsafe { bind(client, app_id, file_name.as_ptr(), object_id.as_ptr(), progress, user_data, package_id) }
    })
}

/// `agc_bind_package` from a stored object's file name and object id (for example an object
/// uploaded earlier, or by another process). Same ownership of `*package_id`.
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
    // SAFETY: per this function's contract.
    guard(|| unsafe { bind(client, app_id, file_name, object_id, progress, user_data, package_id) })
}

/// # Safety
/// As for `agc_bind_object`.
unsafe fn bind(
    client: *const agc_client,
    app_id: *const c_char,
    file_name: *const c_char,
    object_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> Result<(), Error> {
    // SAFETY: NULL or writable per the caller's contract; cleared before any other check.
    unsafe { clear_out(package_id) };
    non_null(package_id, "package_id")?;
    // SAFETY: per the caller's contract.
    let (c, _busy) = unsafe { enter_client(client, "agc_bind_package/agc_bind_object") }?;
    // SAFETY: per the caller's contract.
    let (app_id, file_name, object_id) =
        unsafe { (str_arg(app_id, "app_id")?, str_arg(file_name, "file_name")?, str_arg(object_id, "object_id")?) };
    let mut sink = CProgress { callback: progress, user_data };
    let id = c.bind_object(app_id, file_name, object_id, &mut sink)?;
    // SAFETY: as above.
    unsafe { *package_id = c_string(&id)?.into_raw() };
    Ok(())
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
    guard(|| {
        // SAFETY: per this function's contract.
        let (c, _busy) = unsafe { enter_client(client, "agc_wait_package_ready") }?;
        // SAFETY: per this function's contract.
        let (app_id, package_id) = unsafe { (str_arg(app_id, "app_id")?, str_arg(package_id, "package_id")?) };
        let mut sink = CProgress { callback: progress, user_data };
        c.wait_package_ready(app_id, package_id, Duration::from_millis(timeout_ms), &mut sink)
    })
}

/// Upload, bind and wait, in one call (for build systems that want a single step).
/// `options` may be NULL. On success `*out` receives the upload result (free with
/// `agc_upload_result_free`) and `*package_id` the package id (free with
/// `agc_string_free`); both are NULL on failure.
///
/// # Safety
/// As for `agc_upload_file_ex`; `package_id` is NULL or writable.
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
    guard(|| {
        // SAFETY: each NULL or writable per the contract; both cleared before any other check.
        unsafe { (clear_out(out), clear_out(package_id)) };
        non_null(out, "out")?;
        non_null(package_id, "package_id")?;
        // SAFETY: per this function's contract.
        let args = unsafe { UploadArgs::new("agc_publish_package", client, app_id, path, kind, options) }?;
        let mut sink = CProgress { callback: progress, user_data };
        let p = args.client.publish(&args.request(), Duration::from_millis(timeout_ms), &mut sink)?;
        let result = Box::new(to_c_result(&p.upload)?);
        let id = c_string(&p.package_id)?;
        // SAFETY: as above.
        unsafe {
            *out = Box::into_raw(result);
            *package_id = id.into_raw();
        }
        Ok(())
    })
}
