//! How the file travels: the transfer options of `agc_upload_options` (one PUT or AGC's
//! multipart upload, the part size, a known SHA-256, the resume file) and what the upload
//! result says about the transfer. The decisions are the core's (`UploadRequest`,
//! `UploadResult`); this file only copies values across.

use std::os::raw::{c_char, c_uint};
use std::path::PathBuf;

use super::boundary::*;
use super::options::agc_upload_options;
use super::types::*;
use super::upload::agc_upload_result;
use agcupload::parse_sha256_hex;
use agcupload::Error;
use agcupload::Sha256Digest;
use agcupload::{Transfer, UploadRequest, UploadResult};

/// The size from which `AGC_TRANSFER_AUTO` uses AGC's multipart upload, in bytes (128 MiB).
pub const AGC_AUTO_MULTIPART_FROM_BYTES: u64 = 134217728;

const _: () = assert!(AGC_AUTO_MULTIPART_FROM_BYTES == agcupload::AUTO_MULTIPART_FROM);

/// How an upload sends the file; passed to `agc_upload_options_set_transfer` as an
/// `unsigned int` and returned by `agc_upload_result_transfer`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_transfer {
    /// The default: AGC's multipart upload from `AGC_AUTO_MULTIPART_FROM_BYTES` bytes (128
    /// MiB), one PUT below; when AGC refuses the multipart upload with a business error the
    /// file goes as one PUT, with a note (`agc_upload_result_note`).
    AGC_TRANSFER_AUTO = 1,
    /// One PUT of the whole file.
    AGC_TRANSFER_SINGLE = 2,
    /// AGC's multipart upload (init, parts, compose), whatever the size; its refusal is an error.
    AGC_TRANSFER_MULTIPART = 3,
}

impl agc_transfer {
    fn from_raw(raw: c_uint) -> Option<Transfer> {
        match raw {
            1 => Some(Transfer::Auto),
            2 => Some(Transfer::Single),
            3 => Some(Transfer::Multipart),
            _ => None,
        }
    }

    fn of(t: Transfer) -> agc_transfer {
        match t {
            Transfer::Auto => agc_transfer::AGC_TRANSFER_AUTO,
            Transfer::Single => agc_transfer::AGC_TRANSFER_SINGLE,
            Transfer::Multipart => agc_transfer::AGC_TRANSFER_MULTIPART,
        }
    }
}

/// The transfer options of one `agc_upload_options` (copied when an operation starts).
#[derive(Debug, Clone, Default)]
pub(super) struct TransferOptions {
    transfer: Transfer,
    part_size: Option<u64>,
    sha256: Option<Sha256Digest>,
    resume_file: Option<PathBuf>,
}

impl TransferOptions {
    /// Set them on `r` (which borrows the resume file's path from `self`).
    pub(super) fn apply<'a>(&'a self, r: &mut UploadRequest<'a>) {
        r.transfer = self.transfer;
        r.part_size = self.part_size;
        r.sha256 = self.sha256;
        r.resume_file = self.resume_file.as_deref();
    }
}

/// What the upload result says about the transfer.
#[derive(Debug)]
pub(super) struct TransferFacts {
    transfer: agc_transfer,
    parts: u32,
    parts_sent: u32,
    resumed_parts: u32,
    bytes_sent: u64,
}

impl TransferFacts {
    pub(super) fn of(r: &UploadResult) -> TransferFacts {
        TransferFacts {
            transfer: agc_transfer::of(r.transfer),
            parts: r.parts,
            parts_sent: r.parts_sent,
            resumed_parts: r.resumed_parts,
            bytes_sent: r.bytes_sent,
        }
    }
}

/// Change one field of a live options object.
///
/// # Safety
/// `options` is NULL or a live options object.
unsafe fn with_options(
    options: *mut agc_upload_options,
    change: impl FnOnce(&mut TransferOptions) -> Result<(), Error>,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        // SAFETY: non-NULL and live per the caller's contract.
        change(unsafe { &mut (*options).transfer })
    })
}

/// How the file travels: an `agc_transfer` value (default `AGC_TRANSFER_AUTO`). Another value
/// is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_transfer(
    options: *mut agc_upload_options,
    transfer: c_uint,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        with_options(options, |o| {
            o.transfer = agc_transfer::from_raw(transfer)
                .ok_or_else(|| Error::InvalidArgument(format!("{transfer} is not an agc_transfer")))?;
            Ok(())
        })
    }
}

/// Bytes per part of a multipart upload (default: AGC's minimum, `nspPartMinSize`, 5 MiB).
/// A size outside AGC's bounds is raised or lowered to them, with a note in the result; 0 is
/// `AGC_ERR_INVALID_ARGUMENT`. A resumed upload keeps the part size it started with.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_part_size(
    options: *mut agc_upload_options,
    part_size: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        with_options(options, |o| {
            if part_size == 0 {
                return Err(Error::InvalidArgument("the part size must be greater than zero".into()));
            }
            o.part_size = Some(part_size);
            Ok(())
        })
    }
}

/// The file's SHA-256 when the caller already knows it: 64 hexadecimal characters (either
/// case), copied. The hash pass before the upload is skipped; the bytes are still hashed while
/// they are sent, and a wrong digest stops the upload before its last byte with
/// `AGC_ERR_FILE_CHANGED` (nothing is stored). Anything but 64 hex digits is
/// `AGC_ERR_INVALID_ARGUMENT`; NULL too. Not for profile pictures (they are sealed first).
///
/// # Safety
/// `options` is a live options object; `sha256_hex` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_sha256(
    options: *mut agc_upload_options,
    sha256_hex: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        with_options(options, |o| {
            // SAFETY: NULL or NUL-terminated per the contract.
            let hex = str_arg(sha256_hex, "sha256_hex")?;
            o.sha256 = Some(parse_sha256_hex(hex)?);
            Ok(())
        })
    }
}

/// Keep the state of a multipart upload in this file, so that a later run (after a crash, a
/// kill, a failure) with the same file sends only the parts not yet finished. Copied. The
/// file is written atomically after every part (mode 0600) and holds the app id, file name
/// and identity, AGC's object and upload ids and each finished part's number, SHA-256, ETag
/// and part object id: never a token, secret, signature or signed URL. A changed file, or a
/// session AGC no longer knows, starts a fresh upload, with a note. A finished upload removes
/// the file. NULL or an empty path is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object; `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_resume_file(
    options: *mut agc_upload_options,
    path: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        with_options(options, |o| {
            // SAFETY: NULL or NUL-terminated per the contract.
            let p = path_arg(path, "path")?;
            if p.as_os_str().is_empty() {
                return Err(Error::InvalidArgument("the resume file path is empty".into()));
            }
            o.resume_file = Some(p.to_path_buf());
            Ok(())
        })
    }
}

/// One field of an upload result's transfer facts: `if_null` when `result` is NULL (or on a
/// caught panic).
///
/// # Safety
/// `result` is NULL or a live result.
unsafe fn read_facts<T: Copy>(
    result: *const agc_upload_result,
    if_null: T,
    field: impl FnOnce(&TransferFacts) -> T,
) -> T {
    // SAFETY: NULL or live per the caller's contract.
    guard_value(if_null, || unsafe { result.as_ref() }.map_or(if_null, |r| field(&r.transfer)))
}

/// How the file went: `AGC_TRANSFER_SINGLE` or `AGC_TRANSFER_MULTIPART` (never
/// `AGC_TRANSFER_AUTO`); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_transfer(result: *const agc_upload_result) -> c_uint {
    // SAFETY: per this function's contract.
    unsafe { read_facts(result, 0, |f| f.transfer as c_uint) }
}

/// Parts of the stored object (1 for a single PUT); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_parts(result: *const agc_upload_result) -> u32 {
    // SAFETY: per this function's contract.
    unsafe { read_facts(result, 0, |f| f.parts) }
}

/// Parts this call sent (a part re-sent after a failure counts once); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_parts_sent(result: *const agc_upload_result) -> u32 {
    // SAFETY: per this function's contract.
    unsafe { read_facts(result, 0, |f| f.parts_sent) }
}

/// Parts finished by an earlier run and taken from the resume file (not sent again); 0 if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_resumed_parts(result: *const agc_upload_result) -> u32 {
    // SAFETY: per this function's contract.
    unsafe { read_facts(result, 0, |f| f.resumed_parts) }
}

/// Body bytes this call sent, every attempt included (more than the size after a retry, less
/// after a resume); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_bytes_sent(result: *const agc_upload_result) -> u64 {
    // SAFETY: per this function's contract.
    unsafe { read_facts(result, 0, |f| f.bytes_sent) }
}
