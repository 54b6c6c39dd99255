//! The library's defaults as C constants (`#define AGC_DEFAULT_*`). The values are the core's
//! (`agcupload::defaults`): written here as literals because the header generator needs them, and
//! checked equal to the core's at compile time, so they can never drift.

use std::os::raw::c_char;

use crate::types::agc_status;
use agcupload::defaults as d;
use agcupload::Error;

/// Default connect timeout of every connection, in milliseconds (`agc_client_set_timeouts_ms`).
pub const AGC_DEFAULT_CONNECT_TIMEOUT_MS: u64 = 15000;
/// Default inactivity timeout (longest wait for any single read or write), in milliseconds.
pub const AGC_DEFAULT_IO_TIMEOUT_MS: u64 = 60000;
/// Default first wait between two compile-status polls, in milliseconds (it doubles up to
/// `AGC_DEFAULT_POLL_MAX_MS`; `agc_client_set_poll_interval_ms`).
pub const AGC_DEFAULT_POLL_INITIAL_MS: u64 = 5000;
/// Default longest wait between two compile-status polls, in milliseconds.
pub const AGC_DEFAULT_POLL_MAX_MS: u64 = 30000;
/// Default longest wait for AGC to parse a package, in milliseconds (the release road's parse
/// timeout; a suggested `timeout_ms` for `agc_wait_package_ready` and `agc_publish_package`).
pub const AGC_DEFAULT_PARSE_TIMEOUT_MS: u64 = 900000;
/// Default longest wait while AGC answers a submit with "still processing", in milliseconds.
pub const AGC_DEFAULT_SUBMIT_TIMEOUT_MS: u64 = 900000;
/// Default attempts in all of one operation, the first included (`agc_client_set_retry`).
pub const AGC_DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Default overall deadline of one operation, retries included, in milliseconds.
pub const AGC_DEFAULT_RETRY_DEADLINE_MS: u64 = 3600000;
/// Default length of a test window when no end is given, in milliseconds (30 days).
pub const AGC_DEFAULT_TEST_WINDOW_MS: u64 = 2592000000;

/// The size from which `AGC_TRANSFER_AUTO` uses AGC's multipart upload, in bytes (128 MiB).
pub const AGC_AUTO_MULTIPART_FROM_BYTES: u64 = 134217728;

const _: () = assert!(
    AGC_DEFAULT_CONNECT_TIMEOUT_MS == d::CONNECT_TIMEOUT_MS
        && AGC_DEFAULT_IO_TIMEOUT_MS == d::IO_TIMEOUT_MS
        && AGC_DEFAULT_POLL_INITIAL_MS == d::POLL_INITIAL_MS
        && AGC_DEFAULT_POLL_MAX_MS == d::POLL_MAX_MS
        && AGC_DEFAULT_PARSE_TIMEOUT_MS == d::PARSE_TIMEOUT_MS
        && AGC_DEFAULT_SUBMIT_TIMEOUT_MS == d::SUBMIT_TIMEOUT_MS
        && AGC_DEFAULT_MAX_ATTEMPTS == d::MAX_ATTEMPTS
        && AGC_DEFAULT_RETRY_DEADLINE_MS == d::RETRY_DEADLINE_MS
        && AGC_DEFAULT_TEST_WINDOW_MS == d::TEST_WINDOW_MS
        && AGC_AUTO_MULTIPART_FROM_BYTES == agcupload::AUTO_MULTIPART_FROM
);

/// Read a default by name, for bindings that cannot read the `#define`s above (ctypes, koffi):
/// `name` is the constant's name in lower case without `agc_default_` (`"parse_timeout_ms"`,
/// `"max_attempts"`, ...). On success `*out` receives the value; an unknown name is
/// `AGC_ERR_INVALID_ARGUMENT` (message in `agc_last_error()`) and leaves `*out` 0. Never
/// allocates anything the caller frees.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_default_u64(name: *const c_char, out: *mut u64) -> agc_status {
    ffi!(agc_default_u64(out: out, name: str) {
        let value = d::BY_NAME.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or_else(|| {
            Error::InvalidArgument("unknown default name (see AGC_DEFAULT_* in the header)".into())
        })?;
        *out = value;
        Ok(())
    })
}
