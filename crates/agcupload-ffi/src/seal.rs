//! Sealing and opening files with a 32-byte key (profile pictures), without a client.

use std::os::raw::c_char;

use crate::types::agc_status;
use agcupload::seal;

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
    ffi!(agc_seal_file(key: seal_key(key_len), in_path: path, out_path: path) {
        seal::seal_file(&key, in_path, out_path)?;
        Ok(())
    })
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
    ffi!(agc_open_file(key: seal_key(key_len), in_path: path, out_path: path) {
        seal::open_file(&key, in_path, out_path)?;
        Ok(())
    })
}
