//! Uploading a file, and the upload result with its accessors.

use std::ffi::CString;
use std::os::raw::{c_char, c_uint, c_void};
use std::path::Path;
use std::ptr;

use super::boundary::*;
use super::client::{agc_client, enter_client};
use super::options::agc_upload_options;
use super::progress::CProgress;
use super::reentry::Busy;
use super::types::*;
use agcupload::Error;
use agcupload::PackageKind;
use agcupload::{Client, UploadRequest, UploadResult};

/// The result of a successful upload. Owned by the caller; free with `agc_upload_result_free`.
/// Strings returned by its accessors live as long as the result.
pub struct agc_upload_result {
    pub(super) object_id: CString,
    pub(super) sha256: CString,
    pub(super) file_name: CString,
    pub(super) size: u64,
    /// How the file travelled (accessors in `transfer.rs`).
    pub(super) transfer: super::transfer::TransferFacts,
    /// The result's notes (`agc_upload_result_note`).
    pub(super) notes: Vec<CString>,
}

/// The arguments every upload entry point shares, checked.
pub(super) struct UploadArgs<'a> {
    pub(super) client: &'a Client,
    app_id: &'a str,
    path: &'a Path,
    kind: PackageKind,
    /// A copy: a callback that changes or frees the options object cannot pull it from
    /// under the operation.
    file_name: Option<String>,
    release_type: Option<u32>,
    chinese_mainland: Option<bool>,
    bind: agcupload::BindQuery,
    transfer: super::transfer::TransferOptions,
    preflight: bool,
    /// Marks the client busy on this thread while the operation runs (re-entry is refused).
    _busy: Busy,
}

impl UploadArgs<'_> {
    /// # Safety
    /// As for `agc_upload_file_ex`.
    pub(super) unsafe fn new<'a>(
        what: &str,
        client: *const agc_client,
        app_id: *const c_char,
        path: *const c_char,
        kind: c_uint,
        options: *const agc_upload_options,
    ) -> Result<UploadArgs<'a>, Error> {
        // SAFETY: per the caller's contract.
        let (client, busy) = unsafe { enter_client(client, what) }?;
        // SAFETY: per the caller's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        // SAFETY: per the caller's contract.
        let path = unsafe { path_arg(path, "path") }?;
        let kind = PackageKind::from_raw(kind)
            .ok_or_else(|| Error::InvalidArgument(format!("{kind} is not an agc_package_kind")))?;
        // SAFETY: NULL or live per the caller's contract.
        let options = unsafe { options.as_ref() };
        Ok(UploadArgs {
            client,
            app_id,
            path,
            kind,
            file_name: options.and_then(|o| o.file_name.clone()),
            release_type: options.and_then(|o| o.release_type),
            chinese_mainland: options.and_then(|o| o.chinese_mainland),
            bind: options.map(|o| o.bind).unwrap_or_default(),
            transfer: options.map(|o| o.transfer.clone()).unwrap_or_default(),
            preflight: options.is_none_or(|o| o.preflight),
            _busy: busy,
        })
    }

    pub(super) fn request(&self) -> UploadRequest<'_> {
        let mut r = UploadRequest::new(self.app_id, self.path, self.kind);
        r.file_name = self.file_name.as_deref();
        r.release_type = self.release_type;
        r.chinese_mainland = self.chinese_mainland;
        r.bind = self.bind;
        self.transfer.apply(&mut r);
        r.preflight = self.preflight;
        r
    }
}

/// Upload a file to AGC: validate it (suffix, size, content type) before any network I/O,
/// hash it, get a signed URL, PUT it (retrying transient failures).
///
/// - `path`: the file; on POSIX any bytes (it need not be UTF-8, but then the name sent to
///   AGC must be set with `agc_upload_options_set_file_name`).
/// - `kind`: an `agc_package_kind` value.
/// - `progress`: may be NULL. Called on this thread; non-zero return cancels.
/// - `user_data`: passed to `progress` untouched; may be NULL.
/// - `out`: on success receives a result the caller owns and frees with
///   `agc_upload_result_free`; set to NULL on failure.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_file(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
) -> agc_status {
    // SAFETY: same contract as agc_upload_file_ex with no options.
    unsafe { agc_upload_file_ex(client, app_id, path, kind, ptr::null(), progress, user_data, out) }
}

/// `agc_upload_file` with options (`options` may be NULL: defaults).
///
/// # Safety
/// As for `agc_upload_file`; `options` is NULL or a live options object.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_upload_file_ex(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    options: *const agc_upload_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
) -> agc_status {
    guard(|| {
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(out) };
        non_null(out, "out")?;
        // SAFETY: per this function's contract.
        let args = unsafe { UploadArgs::new("agc_upload_file", client, app_id, path, kind, options) }?;
        let mut sink = CProgress { callback: progress, user_data };
        let r = args.client.upload(&args.request(), &mut sink)?;
        // SAFETY: as above.
        unsafe { give(out, to_c_result(&r)?) };
        Ok(())
    })
}

pub(super) fn to_c_result(r: &UploadResult) -> Result<agc_upload_result, Error> {
    Ok(agc_upload_result {
        object_id: c_string(&r.object_id)?,
        sha256: c_string(&r.sha256_hex)?,
        file_name: c_string(&r.file_name)?,
        size: r.size,
        transfer: super::transfer::TransferFacts::of(r),
        notes: super::notes::c_notes(&r.notes),
    })
}

/// The object id AGC assigned (needed to bind the file to the app). Owned by `result`;
/// NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_object_id(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.object_id.as_ptr()))
}

/// Lowercase hex SHA-256 of the uploaded bytes (64 characters). Owned by `result`; NULL if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_sha256(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.sha256.as_ptr()))
}

/// The file name AGC recorded. Owned by `result`; NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_file_name(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.file_name.as_ptr()))
}

/// Bytes uploaded; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_size(result: *const agc_upload_result) -> u64 {
    // SAFETY: NULL or live per the contract.
    guard_value(0, || unsafe { result.as_ref() }.map_or(0, |r| r.size))
}

/// Free a result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_upload_file` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_free(result: *mut agc_upload_result) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(result) }
}
