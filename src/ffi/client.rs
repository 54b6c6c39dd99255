//! The client handle: constructors, setters, free.

use std::os::raw::{c_char, c_uint};
use std::path::Path;
use std::time::Duration;

use super::boundary::*;
use super::seal::key_arg;
use super::types::*;
use crate::client::Client;
use crate::error::Error;
use crate::Credentials;

/// An AGC client: credentials, settings and a token cache. Create with `agc_client_new`,
/// free with `agc_client_free`. Uploads on one client may run on several threads at once;
/// the setters must not run concurrently with any other call on the same client.
pub struct agc_client {
    pub(super) inner: Client,
}

/// Borrow a client handle mutably (setters).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new` not used concurrently.
pub(super) unsafe fn client_mut<'a>(c: *mut agc_client) -> Result<&'a mut Client, Error> {
    non_null(c, "client")?;
    // SAFETY: non-NULL, from Box::into_raw in agc_client_new, exclusive per the contract.
    Ok(unsafe { &mut (*c).inner })
}

/// The shared body of the setters: check the handle, run `f` on the client, map the result.
///
/// # Safety
/// `client` is NULL or a live handle not used concurrently; `f` reads only valid arguments.
pub(super) unsafe fn configure(
    client: *mut agc_client,
    f: impl FnOnce(&mut Client) -> Result<(), Error>,
) -> agc_status {
    // SAFETY: per the caller's contract.
    guard(|| f(unsafe { client_mut(client) }?))
}

/// Borrow a client handle shared (uploads, possibly from several threads).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new`.
pub(super) unsafe fn client_ref<'a>(c: *const agc_client) -> Result<&'a Client, Error> {
    non_null(c, "client")?;
    // SAFETY: non-NULL and live per the contract.
    Ok(unsafe { &(*c).inner })
}

/// The shared body of the client constructors: clear `*out`, build, hand over.
///
/// # Safety
/// `out` is NULL or writable; `credentials` reads only valid arguments.
unsafe fn new_client(
    out: *mut *mut agc_client,
    credentials: impl FnOnce() -> Result<Credentials, Error>,
) -> agc_status {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { clear_out(out) };
        let client = Client::new(credentials()?)?;
        // SAFETY: as above.
        unsafe { give(out, agc_client { inner: client }) };
        Ok(())
    })
}

/// Create a client for AGC's China site using API-client credentials (both copied).
/// On success `*out` receives a handle the caller owns and must free with
/// `agc_client_free`; on failure `*out` is set to NULL (when `out` is not NULL).
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_client_new(
    client_id: *const c_char,
    client_secret: *const c_char,
    out: *mut *mut agc_client,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        new_client(out, || {
            let id = str_arg(client_id, "client_id")?;
            Ok(Credentials::api_client(id, str_arg(client_secret, "client_secret")?))
        })
    }
}

/// Create a client that authenticates as a service account (Huawei's recommendation): the
/// key file's path, or its JSON text (`*private.json`). The key signs a PS256 JWT used as the
/// bearer token. A malformed file or a non-RSA key gives `AGC_ERR_AUTH` (the message never
/// quotes the key). On success `*out` receives a handle the caller frees with
/// `agc_client_free`; on failure `*out` is set to NULL.
///
/// # Safety
/// `key_json_or_path` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_client_new_service_account(
    key_json_or_path: *const c_char,
    out: *mut *mut agc_client,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { new_client(out, || Credentials::service_account(str_arg(key_json_or_path, "key_json_or_path")?)) }
}

/// Free a client. NULL is a no-op. The handle must not be in use by another thread.
///
/// # Safety
/// `client` is NULL or a handle from `agc_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_client_free(client: *mut agc_client) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(client) }
}

/// Use another AGC site: `"cn"` (default), `"de"`, `"sg"`, `"ru"`, or a full `https://`
/// base URL (for a test server). Drops the cached token (tokens are per site).
///
/// # Safety
/// `client` is a live handle; `site_or_url` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_api_base(client: *mut agc_client, site_or_url: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_api_base(str_arg(site_or_url, "site_or_url")?)) }
}

/// Trust the certificates of this PEM file in addition to the built-in Mozilla roots.
/// Fails with `AGC_ERR_TLS` when the file is unreadable or holds no certificate.
///
/// # Safety
/// `client` is a live handle; `pem_path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_ca_file(client: *mut agc_client, pem_path: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_ca_file(Path::new(str_arg(pem_path, "pem_path")?))) }
}

/// Connect timeout and inactivity timeout (the longest any single read or write may wait,
/// which catches a stalled peer), in milliseconds; both must be > 0.
/// Defaults: 15 000 and 60 000.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_timeouts_ms(
    client: *mut agc_client,
    connect_ms: u64,
    inactivity_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| c.set_timeouts(Duration::from_millis(connect_ms), Duration::from_millis(inactivity_ms)))
    }
}

/// The `User-Agent` sent to the Connect API (the upload replays the signed one). Copied.
///
/// # Safety
/// `client` is a live handle; `user_agent` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_user_agent(client: *mut agc_client, user_agent: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_user_agent(str_arg(user_agent, "user_agent")?)) }
}

/// Retry policy: `max_attempts` in all (1 to 100; 1 = never retry) and the overall deadline
/// of one operation in milliseconds, waits included (0 = no deadline). Defaults: 5 and
/// 3 600 000. Transient failures (connection refused/reset, timeouts, HTTP 429/5xx, an
/// expired upload signature, AGC "try later" codes) are retried with exponential backoff
/// and full jitter, honouring `Retry-After`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_retry(
    client: *mut agc_client,
    max_attempts: c_uint,
    deadline_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| {
            let deadline = (deadline_ms > 0).then(|| Duration::from_millis(deadline_ms));
            c.set_retry(max_attempts, deadline)
        })
    }
}

/// Set the 32-byte key that seals (encrypts) profile pictures before upload. The key is
/// copied (and wiped from the library's memory when the client is freed); wipe your copy.
/// Without a key, uploading `AGC_KIND_PROFILE_PICTURE` fails with `AGC_ERR_SEAL_KEY`.
/// A `key_len` other than 32 is `AGC_ERR_SEAL_KEY`.
///
/// # Safety
/// `client` is a live handle; `key` is NULL or points to `key_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_seal_key(
    client: *mut agc_client,
    key: *const u8,
    key_len: usize,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| {
            c.set_seal_key(key_arg(key, key_len)?);
            Ok(())
        })
    }
}

/// Waits between compile-status polls in `agc_wait_package_ready`: the first, and the cap
/// it doubles up to, in milliseconds (defaults 5 000 and 30 000).
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_poll_interval_ms(
    client: *mut agc_client,
    initial_ms: u64,
    max_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| c.set_poll_interval(Duration::from_millis(initial_ms), Duration::from_millis(max_ms)))
    }
}
