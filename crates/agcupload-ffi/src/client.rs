//! `agc_client`: the constructors, every setter (site, TLS roots, proxy, timeouts, retries,
//! seal key, polling) and the free.

use std::os::raw::{c_char, c_uint};
use std::time::Duration;

use crate::boundary::boxed;
use crate::reentry::ensure_idle;
use crate::types::agc_status;
use agcupload::{Client, Credentials, ServiceAccount};

/// An AGC client: credentials, settings and a token cache. Create with `agc_client_new`,
/// free with `agc_client_free`. Uploads on one client may run on several threads at once;
/// the setters must not run concurrently with any other call on the same client.
pub struct agc_client {
    pub(crate) inner: Client,
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
    ffi!(agc_client_new(out: out, client_id: str, client_secret: str) {
        *out = boxed(agc_client { inner: Client::new(Credentials::api_client(client_id, client_secret))? });
        Ok(())
    })
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
    ffi!(agc_client_new_service_account(out: out) {
        // JSON text is UTF-8 and goes to the library, which tells JSON from a path; anything
        // else can only be a path, and a path may be any bytes on POSIX.
        let credentials = match arg!(key_json_or_path: str) {
            Ok(text) => Credentials::service_account(text)?,
            Err(_) if !key_json_or_path.is_null() => {
                Credentials::ServiceAccount(ServiceAccount::from_file(arg!(key_json_or_path: path)?)?)
            }
            Err(e) => return Err(e.into()),
        };
        *out = boxed(agc_client { inner: Client::new(credentials)? });
        Ok(())
    })
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
    // A free returns nothing: its status is only what agc_last_error() says.
    let _ = ffi!(agc_client_free() {
        ensure_idle(client, "agc_client_free")?;
        ffi!(free client);
        Ok(())
    });
}

/// Use another AGC site: `"cn"` (default), `"de"`, `"sg"`, `"ru"`, or a full `https://`
/// base URL (for a test server). Drops the cached token (tokens are per site).
///
/// # Safety
/// `client` is a live handle; `site_or_url` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_api_base(client: *mut agc_client, site_or_url: *const c_char) -> agc_status {
    ffi!(agc_client_set_api_base(client: client_mut, site_or_url: str) { Ok(client.set_api_base(site_or_url)?) })
}

/// Trust the certificates of this PEM file in addition to the built-in Mozilla roots.
/// Fails with `AGC_ERR_TLS` when the file is unreadable or holds no certificate. The path is
/// taken as bytes on POSIX (it need not be UTF-8).
///
/// # Safety
/// `client` is a live handle; `pem_path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_ca_file(client: *mut agc_client, pem_path: *const c_char) -> agc_status {
    ffi!(agc_client_set_ca_file(client: client_mut, pem_path: path) { Ok(client.set_ca_file(pem_path)?) })
}

/// Choose the trusted root certificates: an `agc_trust` value. `AGC_TRUST_SYSTEM` and
/// `AGC_TRUST_BOTH` read the system store now; `AGC_ERR_TLS` when it holds no certificate.
/// Another value gives `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `client` is a live handle not used concurrently.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_trust(client: *mut agc_client, trust: c_uint) -> agc_status {
    ffi!(agc_client_set_trust(client: client_mut, trust: c_enum(agc_trust)) { Ok(client.set_trust(trust)?) })
}

/// Choose the HTTP CONNECT proxy of every connection of this client:
/// - `"env"` (the default): the environment, read when the client is created and again
///   whenever one of its settings changes: `https_proxy`, `HTTPS_PROXY`, `all_proxy`, `ALL_PROXY` (first non-empty),
///   with `no_proxy`/`NO_PROXY` listing hosts reached directly (`example.com` covers its
///   subdomains, `*` covers all). `HTTP_PROXY` is not used (we only speak HTTPS).
/// - `"none"`: connect directly, whatever the environment says.
/// - a URL `http://[user:password@]host:port` (or `https://` for TLS to the proxy; user and
///   password percent-encoded). `NO_PROXY` still applies. Copied.
///
/// A malformed URL or a SOCKS proxy gives `AGC_ERR_INVALID_ARGUMENT`; NULL too. Proxy
/// credentials never appear in `agc_last_error()`. When the proxy is unreachable, refuses the
/// CONNECT (HTTP 403, or 407 for missing or wrong credentials) or cannot reach AGC, uploads
/// fail with `AGC_ERR_NETWORK` and a message that names the proxy (`scheme://host:port`).
///
/// # Safety
/// `client` is a live handle not used concurrently; `proxy` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_proxy(client: *mut agc_client, proxy: *const c_char) -> agc_status {
    ffi!(agc_client_set_proxy(client: client_mut, proxy: str) { Ok(client.set_proxy(Some(proxy))?) })
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
    ffi!(agc_client_set_timeouts_ms(client: client_mut) {
        Ok(client.set_timeouts(Duration::from_millis(connect_ms), Duration::from_millis(inactivity_ms))?)
    })
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
    ffi!(agc_client_set_retry(client: client_mut) {
        let deadline = (deadline_ms > 0).then(|| Duration::from_millis(deadline_ms));
        Ok(client.set_retry(max_attempts, deadline)?)
    })
}

/// The `User-Agent` sent to the Connect API (the upload replays the signed one). Copied.
///
/// # Safety
/// `client` is a live handle; `user_agent` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_user_agent(client: *mut agc_client, user_agent: *const c_char) -> agc_status {
    ffi!(agc_client_set_user_agent(client: client_mut, user_agent: str) { Ok(client.set_user_agent(user_agent)?) })
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
    ffi!(agc_client_set_seal_key(client: client_mut, key: seal_key(key_len)) {
        client.set_seal_key(key);
        Ok(())
    })
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
    ffi!(agc_client_set_poll_interval_ms(client: client_mut) {
        Ok(client.set_poll_interval(Duration::from_millis(initial_ms), Duration::from_millis(max_ms))?)
    })
}
