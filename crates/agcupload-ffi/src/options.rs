//! Per-upload options (`agc_upload_options`).

use std::os::raw::{c_char, c_uint};

use super::boundary::*;
use super::types::*;
use agcupload::Error;

/// Options of one upload, all optional. Create with `agc_upload_options_new`, free with
/// `agc_upload_options_free`; pass NULL wherever options are taken to use the defaults.
pub struct agc_upload_options {
    pub(super) file_name: Option<String>,
    pub(super) release_type: Option<u32>,
    pub(super) chinese_mainland: Option<bool>,
    /// The bind's optional query (publish and the release road).
    pub(super) bind: agcupload::BindQuery,
    /// One PUT or multipart, part size, known SHA-256, resume file (`transfer.rs`).
    pub(super) transfer: super::transfer::TransferOptions,
    /// Run the preflight (src/ffi/preflight.rs); on by default.
    pub(super) preflight: bool,
}

/// Create an empty options object. On success `*out` receives it (the caller frees it with
/// `agc_upload_options_free`).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_new(out: *mut *mut agc_upload_options) -> agc_status {
    guard(|| {
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(out) };
        non_null(out, "out")?;
        let o = agc_upload_options {
            file_name: None,
            release_type: None,
            chinese_mainland: None,
            bind: agcupload::BindQuery::default(),
            transfer: Default::default(),
            preflight: true,
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { give(out, o) };
        Ok(())
    })
}

/// Free an options object. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or from `agc_upload_options_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_free(options: *mut agc_upload_options) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(options) }
}

/// The `fileName` AGC records (default: the file's own name). Copied. Its suffix must still
/// match the file's content, or the upload fails with `AGC_ERR_FILE_TYPE`.
///
/// # Safety
/// `options` is a live options object; `file_name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_file_name(
    options: *mut agc_upload_options,
    file_name: *const c_char,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        // SAFETY: per this function's contract.
        let name = unsafe { str_arg(file_name, "file_name") }?;
        agcupload::internal::check_file_name(name)?;
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).file_name = Some(name.to_owned()) };
        Ok(())
    })
}

/// `releaseType`: 1 = full release, 6 = HarmonyOS test release. Not sent unless set.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_release_type(
    options: *mut agc_upload_options,
    release_type: c_uint,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        if release_type != 1 && release_type != 6 {
            return Err(Error::InvalidArgument(format!("release type must be 1 or 6, got {release_type}")));
        }
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).release_type = Some(release_type) };
        Ok(())
    })
}

/// `chineseMainlandFlag` (0 or 1; mandatory for developers registered outside mainland
/// China). Not sent unless set.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_chinese_mainland(
    options: *mut agc_upload_options,
    flag: c_uint,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        if flag > 1 {
            return Err(Error::InvalidArgument(format!("chinese mainland flag must be 0 or 1, got {flag}")));
        }
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).chinese_mainland = Some(flag == 1) };
        Ok(())
    })
}

/// `releaseType` sent with the bind that `agc_publish_package` and `agc_release_package` do
/// after the upload (`PUT app-package-info?releaseType=`): 1 = full release, 6 = HarmonyOS test
/// release. Not sent unless set. Another value is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_bind_release_type(
    options: *mut agc_upload_options,
    release_type: c_uint,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        // SAFETY: non-NULL and live per the contract.
        let bind = unsafe { (*options).bind };
        let bind = agcupload::BindQuery { release_type: Some(release_type), ..bind };
        bind.check()?;
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).bind = bind };
        Ok(())
    })
}

/// `releasePhase` sent with the bind that `agc_publish_package` and `agc_release_package` do
/// after the upload: 0 = full, 3 = phased (a phased release may need it). Not sent unless set.
/// Another value is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_bind_release_phase(
    options: *mut agc_upload_options,
    release_phase: c_uint,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        // SAFETY: non-NULL and live per the contract.
        let bind = unsafe { (*options).bind };
        let bind = agcupload::BindQuery { release_phase: Some(release_phase), ..bind };
        bind.check()?;
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).bind = bind };
        Ok(())
    })
}
