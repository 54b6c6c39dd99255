//! Sealing and opening files with a 32-byte key (profile pictures).

use std::os::raw::c_char;
use std::path::Path;

use super::boundary::*;
use super::types::*;
use agcupload::seal::{self, SealKey};
use agcupload::Error;

/// Read a seal key argument: exactly 32 bytes.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes.
pub(super) unsafe fn key_arg(key: *const u8, key_len: usize) -> Result<SealKey, Error> {
    non_null(key, "key")?;
    if key_len != seal::KEY_LEN {
        return Err(Error::SealKey(format!("seal key must be {} bytes, got {key_len}", seal::KEY_LEN)));
    }
    // SAFETY: non-NULL and `key_len` readable bytes per the caller's contract.
    SealKey::from_bytes(unsafe { std::slice::from_raw_parts(key, key_len) })
}

/// The shared body of `agc_seal_file` and `agc_open_file`.
///
/// # Safety
/// As for those functions.
unsafe fn file_op(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
    op: fn(&SealKey, &Path, &Path) -> Result<u64, Error>,
) -> agc_status {
    guard(|| {
        // SAFETY: per the caller's contract.
        let (key, input, output) =
            unsafe { (key_arg(key, key_len)?, path_arg(in_path, "in_path")?, path_arg(out_path, "out_path")?) };
        op(&key, input, output).map(drop)
    })
}

/// Seal (encrypt and authenticate) `in_path` into `out_path` with a 32-byte key, in the
/// format of docs/sealed-format.md (XChaCha20-Poly1305 STREAM). `out_path` is written
/// through a temporary file (mode 0600) and replaced only on success.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes; paths are NULL or NUL-terminated
/// (bytes on POSIX: they need not be UTF-8).
#[no_mangle]
pub unsafe extern "C" fn agc_seal_file(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { file_op(key, key_len, in_path, out_path, seal::seal_file) }
}

/// Open (decrypt and verify) a sealed file. The plaintext goes to a temporary file in
/// `out_path`'s directory and is renamed onto `out_path` only after the last chunk
/// authenticates: a wrong key or a tampered or truncated file gives `AGC_ERR_SEAL_CORRUPT`
/// and leaves no plaintext behind (an existing `out_path` is untouched).
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes; paths are NULL or NUL-terminated
/// (bytes on POSIX: they need not be UTF-8).
#[no_mangle]
pub unsafe extern "C" fn agc_open_file(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { file_op(key, key_len, in_path, out_path, seal::open_file) }
}
