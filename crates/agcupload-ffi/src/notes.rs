//! The notes of an upload or release result (`agc_upload_result_note*`,
//! `agc_release_result_note*`): what the caller should know although the call succeeded —
//! the preflight's warnings ("warning: AGC refused ... for lack of rights", so a check was
//! skipped), a bundle name bound for good by this first package, a resume file not used, a
//! part size adjusted. The same texts as the Rust `UploadResult::notes` and
//! `ReleaseIds::notes`, already redacted.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

use super::boundary::*;
use super::release::agc_release_result;
use super::upload::agc_upload_result;

/// The notes as C strings; a NUL inside one (never expected: the texts are cleaned) becomes
/// a space rather than losing the note.
pub(super) fn c_notes(notes: &[String]) -> Vec<CString> {
    notes.iter().map(|n| CString::new(n.replace('\0', " ")).unwrap_or_default()).collect()
}

fn note_ptr(notes: &[CString], index: usize) -> *const c_char {
    notes.get(index).map_or(ptr::null(), |n| n.as_ptr())
}

/// The number of notes of an upload (or publish) result; 0 if `result` is NULL. A note
/// starting with `"warning: "` says that a check of the preflight was skipped (AGC refused
/// the read for lack of rights).
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_note_count(result: *const agc_upload_result) -> usize {
    // SAFETY: NULL or live per the contract.
    guard_value(0, || unsafe { result.as_ref() }.map_or(0, |r| r.notes.len()))
}

/// Note `index` (from 0) of an upload (or publish) result, or NULL when `index` is out of
/// range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_note(result: *const agc_upload_result, index: usize) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| note_ptr(&r.notes, index)))
}

/// The number of notes of a release result (the preflight's warnings, the upload's notes),
/// kept on failure too; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_note_count(result: *const agc_release_result) -> usize {
    // SAFETY: NULL or live per the contract.
    guard_value(0, || unsafe { result.as_ref() }.map_or(0, |r| r.notes.len()))
}

/// Note `index` (from 0) of a release result, or NULL when `index` is out of range or
/// `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live release result.
#[no_mangle]
pub unsafe extern "C" fn agc_release_result_note(result: *const agc_release_result, index: usize) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| note_ptr(&r.notes, index)))
}
