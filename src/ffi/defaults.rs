//! The library's defaults as C constants (`#define AGC_DEFAULT_*`). The values are the core's
//! (`crate::defaults`): written here as literals because the header generator needs them, and
//! checked equal to the core's at compile time, so they can never drift.

use crate::defaults as d;

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
);
