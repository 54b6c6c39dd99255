//! The client handle: constructors, setters, free.

use std::os::raw::{c_char, c_uint};
use std::time::Duration;

use super::boundary::*;
use super::reentry::{ensure_idle, Busy};
use super::seal::key_arg;
use super::types::*;
use agcupload::Client;
use agcupload::Credentials;
use agcupload::Error;
use agcupload::ServiceAccount;

/// An AGC client: credentials, settings and a token cache. Create with `agc_client_new`,
/// free with `agc_client_free`. Uploads on one client may run on several threads at once;
/// the setters must not run concurrently with any other call on the same client.
pub struct agc_client {
    pub(super) inner: Client,
}

/// Borrow a client handle mutably (setters). Refused with `Error::Reentrant` while the client
/// runs an operation on this thread (from its callback): the operation holds a `&Client`.
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new` not used concurrently by another thread.
pub(super) unsafe fn client_mut<'a>(c: *mut agc_client, what: &str) -> Result<&'a mut Client, Error> {
    non_null(c, "client")?;
    ensure_idle(c, what)?;
    // SAFETY: non-NULL, from Box::into_raw in agc_client_new; no operation holds it on this
    // thread (checked above) and none on another thread per the contract.
    Ok(unsafe { &mut (*c).inner })
}

/// The shared body of the setters: check the handle, run `f` on the client, map the result.
///
/// # Safety
/// `client` is NULL or a live handle not used concurrently; `f` reads only valid arguments.
pub(super) unsafe fn configure(
    client: *mut agc_client,
    what: &str,
    f: impl FnOnce(&mut Client) -> Result<(), Error>,
) -> agc_status {
    // SAFETY: per the caller's contract.
    guard(|| f(unsafe { client_mut(client, what) }?))
}

/// Borrow a client handle shared for one operation (uploads, possibly from several threads),
/// marking it busy on this thread until the returned [`Busy`] is dropped; refused with
/// `Error::Reentrant` if it already is (a call from inside its own callback).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new`.
pub(super) unsafe fn enter_client<'a>(c: *const agc_client, what: &str) -> Result<(&'a Client, Busy), Error> {
    non_null(c, "client")?;
    let busy = Busy::enter(c, what)?;
    // SAFETY: non-NULL and live per the contract; not freed while busy (agc_client_free
    // refuses a busy client on this thread).
    Ok((unsafe { &(*c).inner }, busy))
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
        // SAFETY: NULL or writable per the contract; cleared before any other check.
        unsafe { clear_out(out) };
        non_null(out, "out")?;
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
/// quotes the key). JSON text must be UTF-8; a path is bytes on POSIX (an argument that is
/// not valid UTF-8 can only be a path and is read as one). On success `*out` receives a
/// handle the caller frees with `agc_client_free`; on failure `*out` is set to NULL.
///
/// # Safety
/// `key_json_or_path` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_client_new_service_account(
    key_json_or_path: *const c_char,
    out: *mut *mut agc_client,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { new_client(out, || service_account_arg(key_json_or_path)) }
}

/// JSON text is UTF-8; a path may be any bytes (POSIX). Valid UTF-8 goes to the core, which
/// decides JSON or path; anything else can only be a path.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn service_account_arg(p: *const c_char) -> Result<Credentials, Error> {
    // SAFETY: per the caller's contract.
    match unsafe { str_arg(p, "key_json_or_path") } {
        Ok(text) => Credentials::service_account(text),
        // SAFETY: per the caller's contract.
        Err(_) if !p.is_null() => {
            Ok(Credentials::ServiceAccount(ServiceAccount::from_file(unsafe { path_arg(p, "key_json_or_path") }?)?))
        }
        Err(e) => Err(e),
    }
}

/// Free a client. NULL is a no-op. The handle must not be in use by another thread.
/// Called from inside one of this client's own callbacks (on the thread running its
/// operation), it frees nothing and sets `agc_last_error()` to say so (the status would be
/// `AGC_ERR_REENTRANT`); free the client after the operation returns. Otherwise it sets
/// `agc_last_error()` to `""`.
///
/// # Safety
/// `client` is NULL or a handle from `agc_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_client_free(client: *mut agc_client) {
    guard_value((), || {
        if let Err(e) = ensure_idle(client, "agc_client_free") {
            set_last_error(&e.to_string());
            return;
        }
        set_last_error("");
        // SAFETY: per this function's contract; not busy on this thread (checked above).
        unsafe { free_box(client) }
    })
}

/// Use another AGC site: `"cn"` (default), `"de"`, `"sg"`, `"ru"`, or a full `https://`
/// base URL (for a test server). Drops the cached token (tokens are per site).
///
/// # Safety
/// `client` is a live handle; `site_or_url` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_api_base(client: *mut agc_client, site_or_url: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, "agc_client_set_api_base", |c| c.set_api_base(str_arg(site_or_url, "site_or_url")?)) }
}

/// Trust the certificates of this PEM file in addition to the built-in Mozilla roots.
/// Fails with `AGC_ERR_TLS` when the file is unreadable or holds no certificate. The path is
/// taken as bytes on POSIX (it need not be UTF-8).
///
/// # Safety
/// `client` is a live handle; `pem_path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_ca_file(client: *mut agc_client, pem_path: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, "agc_client_set_ca_file", |c| c.set_ca_file(path_arg(pem_path, "pem_path")?)) }
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
        configure(client, "agc_client_set_timeouts_ms", |c| {
            c.set_timeouts(Duration::from_millis(connect_ms), Duration::from_millis(inactivity_ms))
        })
    }
}

/// The `User-Agent` sent to the Connect API (the upload replays the signed one). Copied.
///
/// # Safety
/// `client` is a live handle; `user_agent` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_user_agent(client: *mut agc_client, user_agent: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, "agc_client_set_user_agent", |c| c.set_user_agent(str_arg(user_agent, "user_agent")?)) }
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
        configure(client, "agc_client_set_retry", |c| {
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
        configure(client, "agc_client_set_seal_key", |c| {
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
        configure(client, "agc_client_set_poll_interval_ms", |c| {
            c.set_poll_interval(Duration::from_millis(initial_ms), Duration::from_millis(max_ms))
        })
    }
}
