//! Uploading a file (`agc_upload_file`) and its result (`agc_upload_result_*`: the ids, how the
//! file travelled, the notes).

use std::ffi::CString;
use std::os::raw::{c_char, c_uint, c_void};
use std::ptr;

use crate::boundary::{boxed, c_string, c_text};
use crate::client::agc_client;
use crate::types::{agc_progress_fn, agc_status, agc_transfer, CProgress};
use crate::upload_options::agc_upload_options;
use agcupload::{Error, Transfer, UploadResult};

/// The result of a successful upload. Owned by the caller; free with `agc_upload_result_free`.
/// Strings returned by its accessors live as long as the result.
pub struct agc_upload_result {
    object_id: CString,
    sha256: CString,
    file_name: CString,
    size: u64,
    transfer: Transfer,
    parts: u32,
    parts_sent: u32,
    resumed_parts: u32,
    bytes_sent: u64,
    /// What the caller should know although the call succeeded: the preflight's warnings
    /// (a check skipped for lack of rights), a bundle name bound for good by this first
    /// package, a resume file not used, a part size adjusted. Already redacted.
    notes: Vec<CString>,
}

impl agc_upload_result {
    pub(crate) fn new(r: &UploadResult) -> Result<agc_upload_result, Error> {
        Ok(agc_upload_result {
            object_id: c_string(&r.object_id)?,
            sha256: c_string(&r.sha256_hex)?,
            file_name: c_string(&r.file_name)?,
            size: r.size,
            transfer: r.transfer,
            parts: r.parts,
            parts_sent: r.parts_sent,
            resumed_parts: r.resumed_parts,
            bytes_sent: r.bytes_sent,
            notes: c_notes(&r.notes),
        })
    }
}

/// The notes of a result as C strings.
pub(crate) fn c_notes(notes: &[String]) -> Vec<CString> {
    notes.iter().map(|n| c_text(n)).collect()
}

/// Note `index`, or NULL when out of range.
pub(crate) fn note_ptr(notes: &[CString], index: usize) -> *const c_char {
    notes.get(index).map_or(ptr::null(), |n| n.as_ptr())
}

/// Upload a file to AGC: validate it (suffix, size, content type) before any network I/O,
/// hash it, get a signed URL, PUT it (retrying transient failures).
///
/// - `path`: the file; on POSIX any bytes (it need not be UTF-8, but then the name sent to
///   AGC must be set with `agc_upload_options_set_file_name`).
/// - `kind`: an `agc_package_kind` value.
/// - `options`: may be NULL (the defaults). Copied when the call starts: `progress` may free
///   or change them.
/// - `progress`: may be NULL. Called on this thread; non-zero return cancels.
/// - `user_data`: passed to `progress` untouched; may be NULL.
/// - `out`: on success receives a result the caller owns and frees with
///   `agc_upload_result_free`; set to NULL on failure.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `options` is NULL or a live
/// options object; `out` is NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_upload_file(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    options: *const agc_upload_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
) -> agc_status {
    ffi!(agc_upload_file(
        out: out,
        client: client,
        app_id: str,
        path: path,
        kind: c_enum(agc_package_kind),
        options: opt_handle,
    ) {
        let options = agc_upload_options::copied(options);
        let r = client.upload(&options.request(app_id, path, kind), &mut CProgress::new(progress, user_data))?;
        *out = boxed(agc_upload_result::new(&r)?);
        Ok(())
    })
}

/// The object id AGC assigned (needed to bind the file to the app). Owned by `result`;
/// NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_object_id(result: *const agc_upload_result) -> *const c_char {
    ffi!(agc_upload_result_object_id(result: handle) or ptr::null() => result.object_id.as_ptr())
}

/// Lowercase hex SHA-256 of the uploaded bytes (64 characters). Owned by `result`; NULL if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_sha256(result: *const agc_upload_result) -> *const c_char {
    ffi!(agc_upload_result_sha256(result: handle) or ptr::null() => result.sha256.as_ptr())
}

/// The file name AGC recorded. Owned by `result`; NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_file_name(result: *const agc_upload_result) -> *const c_char {
    ffi!(agc_upload_result_file_name(result: handle) or ptr::null() => result.file_name.as_ptr())
}

/// Bytes uploaded; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_size(result: *const agc_upload_result) -> u64 {
    ffi!(agc_upload_result_size(result: handle) or 0 => result.size)
}

/// How the file went: `AGC_TRANSFER_SINGLE` or `AGC_TRANSFER_MULTIPART` (never
/// `AGC_TRANSFER_AUTO`); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_transfer(result: *const agc_upload_result) -> c_uint {
    ffi!(agc_upload_result_transfer(result: handle) or 0 => agc_transfer::from(result.transfer) as c_uint)
}

/// Parts of the stored object (1 for a single PUT); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_parts(result: *const agc_upload_result) -> u32 {
    ffi!(agc_upload_result_parts(result: handle) or 0 => result.parts)
}

/// Parts this call sent (a part re-sent after a failure counts once); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_parts_sent(result: *const agc_upload_result) -> u32 {
    ffi!(agc_upload_result_parts_sent(result: handle) or 0 => result.parts_sent)
}

/// Parts finished by an earlier run and taken from the resume file (not sent again); 0 if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_resumed_parts(result: *const agc_upload_result) -> u32 {
    ffi!(agc_upload_result_resumed_parts(result: handle) or 0 => result.resumed_parts)
}

/// Body bytes this call sent, every attempt included (more than the size after a retry, less
/// after a resume); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_bytes_sent(result: *const agc_upload_result) -> u64 {
    ffi!(agc_upload_result_bytes_sent(result: handle) or 0 => result.bytes_sent)
}

/// The number of notes of an upload (or publish) result; 0 if `result` is NULL. A note
/// starting with `"warning: "` says that a check of the preflight was skipped (AGC refused
/// the read for lack of rights).
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_note_count(result: *const agc_upload_result) -> usize {
    ffi!(agc_upload_result_note_count(result: handle) or 0 => result.notes.len())
}

/// Note `index` (from 0) of an upload (or publish) result, or NULL when `index` is out of
/// range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_note(result: *const agc_upload_result, index: usize) -> *const c_char {
    ffi!(agc_upload_result_note(result: handle) or ptr::null() => note_ptr(&result.notes, index))
}

/// Free a result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_upload_file` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_free(result: *mut agc_upload_result) {
    ffi!(free result)
}
