//! Every default of the library, defined once. The C header exports them as `AGC_DEFAULT_*`
//! (`src/ffi/defaults.rs`), the tool reads them from here, and Python through the header's
//! numbers. Each is given in milliseconds (the unit of the C ABI) and as a `Duration`.

use std::time::Duration;

/// Connect timeout of every connection, ms.
pub const CONNECT_TIMEOUT_MS: u64 = 15_000;
/// Inactivity timeout (longest wait for any single read or write), ms.
pub const IO_TIMEOUT_MS: u64 = 60_000;
/// First wait between two compile-status polls, ms; doubles up to [`POLL_MAX_MS`].
pub const POLL_INITIAL_MS: u64 = 5_000;
/// Longest wait between two compile-status polls, ms.
pub const POLL_MAX_MS: u64 = 30_000;
/// Longest wait for AGC to parse a package (the road, publish, the tool's `wait`), ms.
pub const PARSE_TIMEOUT_MS: u64 = 15 * 60 * 1000;
/// Longest wait while AGC answers a submit with "still processing", ms.
pub const SUBMIT_TIMEOUT_MS: u64 = 15 * 60 * 1000;
/// Attempts in all of one operation (the first included).
pub const MAX_ATTEMPTS: u32 = 5;
/// Overall deadline of one operation, retries included, ms.
pub const RETRY_DEADLINE_MS: u64 = 60 * 60 * 1000;
/// Length of a test window when no end is given, ms (30 days).
pub const TEST_WINDOW_MS: u64 = 30 * 24 * 3600 * 1000;

/// [`CONNECT_TIMEOUT_MS`].
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(CONNECT_TIMEOUT_MS);
/// [`IO_TIMEOUT_MS`].
pub const IO_TIMEOUT: Duration = Duration::from_millis(IO_TIMEOUT_MS);
/// [`POLL_INITIAL_MS`].
pub const POLL_INITIAL: Duration = Duration::from_millis(POLL_INITIAL_MS);
/// [`POLL_MAX_MS`].
pub const POLL_MAX: Duration = Duration::from_millis(POLL_MAX_MS);
/// [`PARSE_TIMEOUT_MS`].
pub const PARSE_TIMEOUT: Duration = Duration::from_millis(PARSE_TIMEOUT_MS);
/// [`SUBMIT_TIMEOUT_MS`].
pub const SUBMIT_TIMEOUT: Duration = Duration::from_millis(SUBMIT_TIMEOUT_MS);
/// [`RETRY_DEADLINE_MS`].
pub const RETRY_DEADLINE: Duration = Duration::from_millis(RETRY_DEADLINE_MS);
/// [`TEST_WINDOW_MS`].
pub const TEST_WINDOW: Duration = Duration::from_millis(TEST_WINDOW_MS);

/// Every default by its name (the `AGC_DEFAULT_*` name in lower case, without the prefix),
/// for bindings that cannot read the header's `#define`s (Python reads them through
/// `agc_default_u64`).
pub const BY_NAME: [(&str, u64); 9] = [
    ("connect_timeout_ms", CONNECT_TIMEOUT_MS),
    ("io_timeout_ms", IO_TIMEOUT_MS),
    ("poll_initial_ms", POLL_INITIAL_MS),
    ("poll_max_ms", POLL_MAX_MS),
    ("parse_timeout_ms", PARSE_TIMEOUT_MS),
    ("submit_timeout_ms", SUBMIT_TIMEOUT_MS),
    ("max_attempts", MAX_ATTEMPTS as u64),
    ("retry_deadline_ms", RETRY_DEADLINE_MS),
    ("test_window_ms", TEST_WINDOW_MS),
];
