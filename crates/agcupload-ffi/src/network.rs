//! Networks people really have: the proxy and the trusted roots of a client.

use std::os::raw::{c_char, c_uint};

use super::boundary::*;
use super::client::{agc_client, configure};
use super::types::agc_status;
use agcupload::Error;
use agcupload::TrustRoots;

/// Which root certificates a client trusts; passed to `agc_client_set_trust` as an
/// `unsigned int`. The CA file of `agc_client_set_ca_file` is added in every case.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_trust {
    /// Mozilla's roots, built into the library (the default): the same on every machine.
    AGC_TRUST_MOZILLA = 1,
    /// The operating system's trust store (on Linux the distribution's CA bundle, or the
    /// file and directory named by `SSL_CERT_FILE` / `SSL_CERT_DIR`), for networks whose
    /// TLS-inspecting proxy has its CA installed there.
    AGC_TRUST_SYSTEM = 2,
    /// Mozilla's roots and the system's.
    AGC_TRUST_BOTH = 3,
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
    // SAFETY: per this function's contract.
    unsafe { configure(client, "agc_client_set_proxy", |c| c.set_proxy(Some(str_arg(proxy, "proxy")?))) }
}

/// Choose the trusted root certificates: an `agc_trust` value. `AGC_TRUST_SYSTEM` and
/// `AGC_TRUST_BOTH` read the system store now; `AGC_ERR_TLS` when it holds no certificate.
/// Another value gives `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `client` is a live handle not used concurrently.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_trust(client: *mut agc_client, trust: c_uint) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, "agc_client_set_trust", |c| {
            let t = TrustRoots::from_raw(trust)
                .ok_or_else(|| Error::InvalidArgument(format!("{trust} is not an agc_trust")))?;
            c.set_trust(t)
        })
    }
}
