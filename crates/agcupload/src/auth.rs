//! Access tokens: fetched with an API client's credentials (the token endpoint's wire is
//! `crate::connect::token`), or signed locally as a JWT for a service account; cached until
//! shortly before they expire; refreshed once when the Connect API refuses one.
//!
//! A client shared by many threads fetches a token once, not once per thread: one thread
//! fetches, without holding the lock, while the others wait on a condition variable in short
//! slices, each honouring its own deadline and its own cancellation (through its progress
//! callback). If the fetching thread fails or gives up, a waiter takes over.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::connect;
use crate::error::{Error, Result};
use crate::net::http::Deadline;
use crate::text::redact::Redactor;
use crate::text::secret::Secret;

/// How to authenticate to the Connect API.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An API client (AGC console: Users and permissions > API key > Connect API).
    ApiClient {
        /// The client id; sent in the `client_id` header of every call.
        client_id: String,
        /// The client secret; sent only to the token endpoint.
        client_secret: Secret,
    },
    /// A service account (Huawei's recommendation): its key signs a JWT that is used directly
    /// as the bearer token; no `client_id` header, no token call.
    ServiceAccount(ServiceAccount),
}

/// A service account's key file (`*private.json`), parsed and checked.
#[derive(Clone)]
pub struct ServiceAccount {
    key_id: String,
    sub_account: String,
    /// The JWT's `aud`: the key file's `token_uri`, else [`JWT_AUDIENCE`].
    audience: String,
    key: std::sync::Arc<ring::signature::RsaKeyPair>,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("key_id", &self.key_id)
            .field("sub_account", &self.sub_account)
            .field("audience", &self.audience)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// The audience of service-account JWTs when the key file has no `token_uri` (docs/protocol.md
/// section 1: every sample key file's `token_uri` is this URL).
pub const JWT_AUDIENCE: &str = "https://oauth-login.cloud.huawei.com/oauth2/v3/token";
/// Lifetime of a service-account JWT.
pub const JWT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(serde::Deserialize)]
struct KeyFile {
    key_id: Option<String>,
    private_key: Option<Secret>,
    sub_account: Option<String>,
    token_uri: Option<String>,
}

/// Longest `token_uri` we accept as a JWT audience.
const MAX_TOKEN_URI: usize = 512;

/// The JWT audience from a key file's `token_uri`: absent or empty means [`JWT_AUDIENCE`];
/// otherwise it must be an `https://` URL of visible ASCII, at most 512 bytes (it is sent
/// inside every token, and a key file is the caller's input).
fn audience_from(token_uri: Option<String>) -> std::result::Result<String, &'static str> {
    let uri = match token_uri.as_deref().map(str::trim) {
        None | Some("") => return Ok(JWT_AUDIENCE.to_owned()),
        Some(u) => u,
    };
    if uri.len() > MAX_TOKEN_URI {
        return Err("token_uri is longer than 512 bytes");
    }
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("token_uri has spaces, control or non-ASCII characters");
    }
    match uri.strip_prefix("https://") {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(uri.to_owned()),
        _ => Err("token_uri is not an https:// URL"),
    }
}

impl ServiceAccount {
    /// Parse a key file's JSON text. Messages never quote the key.
    pub fn from_json(json: &str) -> Result<ServiceAccount> {
        // Windows editors save JSON with a byte-order mark, which JSON parsers refuse.
        let json = json.trim_start_matches('\u{FEFF}');
        let bad = |m: &str| Error::Auth(format!("service account key file: {m}"));
        let kf: KeyFile = serde_json::from_str(json).map_err(|_| bad("not valid JSON of the expected shape"))?;
        let key_id = kf.key_id.filter(|s| !s.is_empty()).ok_or_else(|| bad("key_id is missing"))?;
        let sub_account = kf.sub_account.filter(|s| !s.is_empty()).ok_or_else(|| bad("sub_account is missing"))?;
        let audience = audience_from(kf.token_uri).map_err(bad)?;
        let pem = kf.private_key.ok_or_else(|| bad("private_key is missing"))?;
        let pk = ureq::tls::PrivateKey::from_pem(pem.expose().as_bytes())
            .map_err(|_| bad("private_key is not a PEM private key"))?;
        // PKCS#8 (what Huawei issues), else PKCS#1; an EC or other key fails both.
        let key = ring::signature::RsaKeyPair::from_pkcs8(pk.der())
            .or_else(|_| ring::signature::RsaKeyPair::from_der(pk.der()))
            .map_err(|e| bad(&format!("private_key is not a usable RSA key, which PS256 needs ({e})")))?;
        Ok(ServiceAccount { key_id, sub_account, audience, key: std::sync::Arc::new(key) })
    }

    /// Read a key file from disk. Only a regular file is read (a FIFO or a device is refused
    /// with `Error::File` without blocking), at most 4 MiB, and the bytes read are wiped
    /// afterwards. Messages quote the path bounded, and never the key.
    pub fn from_file(path: &std::path::Path) -> Result<ServiceAccount> {
        ServiceAccount::read_file(path, true)
    }

    /// [`ServiceAccount::from_file`]; with `quote == false` no message names the path (it
    /// may be key material given where a path or JSON text was expected).
    fn read_file(path: &std::path::Path, quote: bool) -> Result<ServiceAccount> {
        let shown = if quote {
            crate::text::bounds::path_for_message(path)
        } else {
            "(path not shown: it may be key material)".into()
        };
        let bytes = crate::fsio::read_small(path, crate::fsio::SMALL_FILE_MAX).map_err(|e| match e {
            e if quote && e.is_unsuitable() => e.into_error(path),
            e if e.is_unsuitable() => Error::File { path: shown.clone().into(), reason: e.reason() },
            e => Error::Auth(format!("cannot read service account key file {shown}: {}", e.reason())),
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Error::Auth(format!("service account key file {shown} is not UTF-8 text")))?;
        ServiceAccount::from_json(text)
    }

    /// The `aud` of the JWTs it signs: the key file's `token_uri`, or [`JWT_AUDIENCE`] when the
    /// key file has none.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Sign a PS256 JWT valid from `now` (seconds since the epoch) for [`JWT_LIFETIME`].
    pub fn sign_jwt(&self, now: u64) -> Result<Secret> {
        let header = serde_json::json!({"kid": self.key_id, "typ": "JWT", "alg": "PS256"});
        let payload = serde_json::json!({
            "aud": self.audience,
            "iss": self.sub_account,
            "iat": now,
            "exp": now + JWT_LIFETIME.as_secs(),
        });
        let signing_input =
            format!("{}.{}", *base64url(header.to_string().as_bytes()), *base64url(payload.to_string().as_bytes()));
        let mut sig = Zeroizing::new(vec![0u8; self.key.public().modulus_len()]);
        let rng = ring::rand::SystemRandom::new();
        self.key
            .sign(&ring::signature::RSA_PSS_SHA256, &rng, signing_input.as_bytes(), &mut sig)
            .map_err(|_| Error::Auth("signing the service account JWT failed".into()))?;
        // Built in place at its final size: no copy of the JWT is left in freed memory.
        let sig64 = base64url(&sig);
        let mut jwt = String::with_capacity(signing_input.len() + 1 + sig64.len());
        jwt.push_str(&signing_input);
        jwt.push('.');
        jwt.push_str(&sig64);
        Ok(Secret::new(jwt))
    }
}

/// Base64url without padding (RFC 7515 section 2), wiped when dropped (it encodes the JWT's
/// signature).
fn base64url(data: &[u8]) -> Zeroizing<String> {
    crate::text::secret::base64_wiped(data, &base64::engine::general_purpose::URL_SAFE_NO_PAD)
}

impl Credentials {
    /// Service-account credentials from a key file's path or its JSON text. See
    /// [`Credentials::service_account_bytes`] for how the two are told apart.
    pub fn service_account(key_json_or_path: &str) -> Result<Credentials> {
        Credentials::service_account_bytes(key_json_or_path.as_bytes())
    }

    /// Service-account credentials from a key file's JSON text or its path, given as bytes
    /// (on POSIX a path is any bytes; the JSON text must be UTF-8).
    ///
    /// After any UTF-8 byte-order marks and white space, a `{` means JSON text. Otherwise the
    /// argument is a path, unless it is text no sane path is (it starts with a byte-order mark,
    /// or holds a line break or `-----BEGIN`): that is an `Error::Auth` that does not quote it.
    /// A path that may be key material (it holds `private_key` or `PRIVATE KEY`, or is a long
    /// run of base64 characters) is read, but never quoted. No message ever quotes key
    /// material, and a path is quoted at most 200 bytes long.
    pub fn service_account_bytes(key_json_or_path: &[u8]) -> Result<Credentials> {
        let text = strip_bom_and_space(key_json_or_path);
        let account = if text.starts_with(b"{") {
            let json = std::str::from_utf8(text)
                .map_err(|_| Error::Auth("service account key: the JSON text is not valid UTF-8".into()))?;
            ServiceAccount::from_json(json)?
        } else if text.is_empty() {
            return Err(Error::Auth("service account key: neither JSON text nor a path was given".into()));
        } else if is_text_not_path(key_json_or_path) {
            return Err(Error::Auth(
                "service account key: the argument is neither a key file's JSON text (which starts with '{') \
                 nor a path; it looks like key material, so no message shows it"
                    .into(),
            ));
        } else {
            // "private_key.json" is a fair name, and a long line of base64 is a legal one (and
            // may be a key whose lines were joined): both are tried as paths, never quoted.
            let quote = !may_be_key_material(key_json_or_path);
            ServiceAccount::read_file(&path_from_bytes(key_json_or_path)?, quote)?
        };
        Ok(Credentials::ServiceAccount(account))
    }

    /// API client credentials.
    pub fn api_client(client_id: impl Into<String>, client_secret: impl Into<String>) -> Credentials {
        Credentials::ApiClient { client_id: client_id.into(), client_secret: Secret::new(client_secret) }
    }
}

/// `input` without leading UTF-8 byte-order marks and ASCII white space.
fn strip_bom_and_space(mut input: &[u8]) -> &[u8] {
    loop {
        if let Some(rest) = input.strip_prefix(b"\xEF\xBB\xBF") {
            input = rest;
        } else if let Some((_, rest)) = input.split_first().filter(|(b, _)| b.is_ascii_whitespace()) {
            input = rest;
        } else {
            return input;
        }
    }
}

/// Whether a "JSON text or path" argument that is not JSON is text that no sane path is, and
/// may be a key: it starts with a byte-order mark, or holds a line break or `-----BEGIN`.
fn is_text_not_path(input: &[u8]) -> bool {
    input.starts_with(b"\xEF\xBB\xBF")
        || input.iter().any(|&b| b == b'\n' || b == b'\r')
        || contains(input, b"-----BEGIN")
}

/// Whether a path may be (part of) a key, and must therefore never be quoted: it names a
/// private key, or it is at least 64 bytes of the base64 alphabet (`A-Z a-z 0-9 + / =`: no
/// dot, dash or underscore, which almost every real key file's path has).
fn may_be_key_material(input: &[u8]) -> bool {
    let base64 =
        input.len() >= 64 && input.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    base64 || contains(input, b"private_key") || contains(input, b"PRIVATE KEY") || is_text_not_path(input)
}

/// Case-insensitive (ASCII) search.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// A path from bytes: any bytes on POSIX, UTF-8 elsewhere.
fn path_from_bytes(bytes: &[u8]) -> Result<std::path::PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(std::path::PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(bytes)
            .map(std::path::PathBuf::from)
            .map_err(|_| Error::InvalidArgument("the key file path is not valid UTF-8".into()))
    }
}

// The headers live with the Connect wire that sends them; the token cache makes them.
pub(crate) use crate::connect::AuthHeaders;

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// What the lock protects: the token, and whether a thread is fetching a new one.
#[derive(Default)]
struct State {
    cached: Option<Cached>,
    fetching: bool,
}

/// The token cache of one client.
pub(crate) struct TokenCache {
    credentials: Credentials,
    state: Mutex<State>,
    /// Signalled when a fetch ends (successful or not).
    fetched: Condvar,
    fetches: AtomicUsize,
    /// Told about every token and JWT this cache creates, so that messages never show them.
    redactor: std::sync::Arc<Redactor>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("credentials", &self.credentials).finish_non_exhaustive()
    }
}

/// Refresh this long before the server's expiry (or a tenth of the lifetime if shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// A waiter wakes up at least this often to check its deadline and cancellation.
const WAIT_SLICE: Duration = Duration::from_millis(50);

/// Clears `fetching` and wakes the waiters when the fetching thread is done, however it ends
/// (error, cancellation, panic).
struct FetchTurn<'a>(&'a TokenCache);

impl Drop for FetchTurn<'_> {
    fn drop(&mut self) {
        self.0.lock().fetching = false;
        self.0.fetched.notify_all();
    }
}

impl TokenCache {
    pub fn new(credentials: Credentials, redactor: std::sync::Arc<Redactor>) -> TokenCache {
        TokenCache {
            credentials,
            state: Mutex::new(State::default()),
            fetched: Condvar::new(),
            fetches: AtomicUsize::new(0),
            redactor,
        }
    }

    /// How many tokens were fetched from the server so far.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Forget the cached token (for example when the API base changes).
    pub fn clear(&self) {
        self.lock().cached = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The lock is never held across a call that could panic with the state half-updated.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Headers for a call: the cached token, or a fresh one. With `rejected`, the server
    /// refused that token: it is dropped (unless another thread already replaced it).
    ///
    /// While another thread fetches, this one waits, waking every [`WAIT_SLICE`] to check
    /// `deadline` ([`Error::Timeout`]) and to call `keep_waiting` (which returns an error, such
    /// as [`Error::Cancelled`] from the progress callback, to stop waiting).
    pub fn headers(
        &self,
        agent: &ureq::Agent,
        base: &str,
        deadline: Deadline,
        rejected: Option<&AuthHeaders>,
        keep_waiting: &mut dyn FnMut() -> Result<()>,
    ) -> Result<AuthHeaders> {
        let mut state = self.lock();
        if let (Some(bad), Some(c)) = (rejected, state.cached.as_ref()) {
            if c.token == *bad.bearer() {
                state.cached = None;
            }
        }
        let token = loop {
            if let Some(c) = state.cached.as_ref().filter(|c| Instant::now() < c.refresh_at) {
                break c.token.clone();
            }
            if !state.fetching {
                // Our turn: fetch without holding the lock.
                state.fetching = true;
                drop(state);
                let turn = FetchTurn(self);
                let (token, lifetime) = self.fetch(agent, base, deadline)?;
                let margin = REFRESH_MARGIN.min(lifetime / 10);
                self.lock().cached =
                    Some(Cached { token: token.clone(), refresh_at: Instant::now() + lifetime.saturating_sub(margin) });
                drop(turn);
                break token;
            }
            // Another thread is fetching: wait for it, within our own deadline.
            let slice = match deadline.remaining() {
                Ok(None) => WAIT_SLICE,
                Ok(Some(left)) => left.min(WAIT_SLICE),
                Err(_) => {
                    return Err(Error::Timeout(
                        "the overall deadline passed while another thread fetched the access token".into(),
                    ))
                }
            };
            state = self.fetched.wait_timeout(state, slice).map(|(g, _)| g).unwrap_or_else(|p| p.into_inner().0);
            if state.fetching {
                drop(state);
                keep_waiting()?;
                state = self.lock();
            }
        };
        Ok(match &self.credentials {
            Credentials::ApiClient { client_id, .. } => AuthHeaders::new(Some(client_id.clone()), token),
            Credentials::ServiceAccount(_) => AuthHeaders::new(None, token),
        })
    }

    fn fetch(&self, agent: &ureq::Agent, base: &str, deadline: Deadline) -> Result<(Secret, Duration)> {
        let (client_id, client_secret) = match &self.credentials {
            Credentials::ApiClient { client_id, client_secret } => (client_id, client_secret),
            Credentials::ServiceAccount(account) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_err(|_| Error::Internal("the system clock is before 1970".into()))?
                    .as_secs();
                self.fetches.fetch_add(1, Ordering::Relaxed);
                let jwt = account.sign_jwt(now)?;
                self.redactor.add(jwt.expose());
                return Ok((jwt, JWT_LIFETIME));
            }
        };
        let reply = connect::token::request(agent, base, client_id, client_secret, deadline)?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let answer = Zeroizing::new(reply.body);
        let (token, lifetime) = connect::token::parse_token(reply.status, &answer, reply.retry_after)?;
        self.redactor.add(token.expose());
        Ok((token, lifetime))
    }
}

/// Run `call` with a token; if the server refuses the token, refresh it once and call again.
///
/// `keep_waiting` is called while this thread waits for another thread's token fetch (see
/// [`TokenCache::headers`]); an error from it ends the wait with that error.
pub(crate) fn with_token<T>(
    cache: &TokenCache,
    agent: &ureq::Agent,
    base: &str,
    deadline: Deadline,
    keep_waiting: &mut dyn FnMut() -> Result<()>,
    mut call: impl FnMut(&AuthHeaders) -> Result<connect::Answer<T>>,
) -> Result<T> {
    // `keep_waiting` is also the probe that may end a wait for an answer (the token's or the
    // call's) within a slice (`crate::net::interrupt`): it repeats the caller's last progress report.
    let waiting = std::cell::RefCell::new(keep_waiting);
    let probe = || waiting.try_borrow_mut().map_or(true, |mut f| f().is_ok());
    let keep_waiting = &mut || (waiting.borrow_mut())();
    let r = crate::net::interrupt::with_probe(&probe, || {
        let auth = cache.headers(agent, base, deadline, None, keep_waiting)?;
        match call(&auth)? {
            connect::Answer::Ok(v) => Ok(v),
            connect::Answer::TokenRejected(_) => {
                let auth = cache.headers(agent, base, deadline, Some(&auth), keep_waiting)?;
                match call(&auth)? {
                    connect::Answer::Ok(v) => Ok(v),
                    connect::Answer::TokenRejected(m) => {
                        Err(Error::Auth(format!("AGC refused a fresh access token: {m}")))
                    }
                }
            }
        }
    });
    // However the transport's stop surfaced (an I/O error inside TLS, a body cut short), it
    // was the caller's cancel.
    r.map_err(|e| if crate::net::interrupt::take_cancelled() { Error::Cancelled } else { e })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_key_files_are_auth_errors_without_the_key() {
        for bad in [
            "{",
            "{}",
            r#"{"key_id":"k","sub_account":"s"}"#,
            r#"{"key_id":"k","sub_account":"s","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}"#,
        ] {
            let e = Credentials::service_account(bad).unwrap_err();
            assert!(matches!(e, Error::Auth(_)), "{bad}: {e}");
            assert!(!e.to_string().contains("AAAA"));
        }
        assert!(matches!(Credentials::service_account("/nonexistent/key.json"), Err(Error::Auth(_))));
        // Key material that is not JSON is never taken as a path, and never quoted.
        for bad in [
            "\u{FEFF}MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            "\"private_key\": \"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\"",
        ] {
            let e = Credentials::service_account(bad).unwrap_err();
            assert!(matches!(e, Error::Auth(_)), "{bad}: {e}");
            assert!(!e.to_string().contains("MIIEvQ"), "{e}");
        }
        // A byte-order mark and blanks before the JSON text: still JSON (and never a path).
        let e = Credentials::service_account("\u{FEFF} \n{\"key_id\":\"k\"}").unwrap_err();
        assert!(e.to_string().contains("sub_account is missing"), "{e}");
    }

    #[test]
    fn credentials_debug_hides_the_secret() {
        let c = Credentials::api_client("id-1", "top-secret-value");
        assert!(!format!("{c:?}").contains("top-secret-value"));
    }
}
