//! Access tokens: fetched with an API client's credentials, or signed locally as a JWT for a
//! service account; cached until shortly before they expire; refreshed once when the Connect
//! API refuses one.
//!
//! The cache is a mutex held across the fetch, so a client shared by many threads fetches a
//! token once, not once per thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::api::{self, parse_json, parse_ret};
use crate::error::{Error, Result};
use crate::http::{self, Deadline, MAX_JSON_BODY};
use crate::redact::Redactor;
use crate::secret::Secret;

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
    key: std::sync::Arc<ring::signature::RsaKeyPair>,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("key_id", &self.key_id)
            .field("sub_account", &self.sub_account)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// The audience of service-account JWTs (protocol.md section 1).
pub const JWT_AUDIENCE: &str = "https://oauth-login.cloud.huawei.com/oauth2/v3/token";
/// Lifetime of a service-account JWT.
pub const JWT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(serde::Deserialize)]
struct KeyFile {
    key_id: Option<String>,
    private_key: Option<Secret>,
    sub_account: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl ServiceAccount {
    /// Parse a key file's JSON text. Messages never quote the key.
    pub fn from_json(json: &str) -> Result<ServiceAccount> {
        let bad = |m: &str| Error::Auth(format!("service account key file: {m}"));
        let kf: KeyFile = serde_json::from_str(json).map_err(|_| bad("not valid JSON of the expected shape"))?;
        let key_id = kf.key_id.filter(|s| !s.is_empty()).ok_or_else(|| bad("key_id is missing"))?;
        let sub_account = kf.sub_account.filter(|s| !s.is_empty()).ok_or_else(|| bad("sub_account is missing"))?;
        let pem = kf.private_key.ok_or_else(|| bad("private_key is missing"))?;
        let pk = ureq::tls::PrivateKey::from_pem(pem.expose().as_bytes())
            .map_err(|_| bad("private_key is not a PEM private key"))?;
        // PKCS#8 (what Huawei issues), else PKCS#1; an EC or other key fails both.
        let key = ring::signature::RsaKeyPair::from_pkcs8(pk.der())
            .or_else(|_| ring::signature::RsaKeyPair::from_der(pk.der()))
            .map_err(|e| bad(&format!("private_key is not a usable RSA key, which PS256 needs ({e})")))?;
        Ok(ServiceAccount { key_id, sub_account, key: std::sync::Arc::new(key) })
    }

    /// Read a key file from disk.
    pub fn from_file(path: &std::path::Path) -> Result<ServiceAccount> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Auth(format!(
                "cannot read service account key file {}: {}",
                path.display(),
                crate::package::describe_io(&e)
            ))
        })?;
        ServiceAccount::from_json(&text)
    }

    /// Sign a PS256 JWT valid from `now` (seconds since the epoch) for [`JWT_LIFETIME`].
    pub fn sign_jwt(&self, now: u64) -> Result<Secret> {
        let header = serde_json::json!({"kid": self.key_id, "typ": "JWT", "alg": "PS256"});
        let payload = serde_json::json!({
            "aud": JWT_AUDIENCE,
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
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = Zeroizing::new(String::with_capacity(data.len() * 4 / 3 + 3));
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

impl Credentials {
    /// Service-account credentials from a key file's path or its JSON text (anything whose
    /// first non-blank character is `{` is taken as JSON).
    pub fn service_account(key_json_or_path: &str) -> Result<Credentials> {
        let account = if key_json_or_path.trim_start().starts_with('{') {
            ServiceAccount::from_json(key_json_or_path)?
        } else {
            ServiceAccount::from_file(std::path::Path::new(key_json_or_path))?
        };
        Ok(Credentials::ServiceAccount(account))
    }

    /// API client credentials.
    pub fn api_client(client_id: impl Into<String>, client_secret: impl Into<String>) -> Credentials {
        Credentials::ApiClient { client_id: client_id.into(), client_secret: Secret::new(client_secret) }
    }
}

/// The headers that authenticate one Connect API call.
#[derive(Clone, Debug)]
pub(crate) struct AuthHeaders {
    client_id: Option<String>,
    bearer: Secret,
}

impl AuthHeaders {
    /// Add `client_id` (API clients only) and `Authorization: Bearer` to a request.
    pub fn apply<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let req = match &self.client_id {
            Some(id) => req.header("client_id", id.as_str()),
            None => req,
        };
        // Built at its final size in a wiped buffer; the copy ureq's `HeaderValue` makes is
        // outside our control (see README, "Secrets in memory").
        let token = self.bearer.expose();
        let mut value = Zeroizing::new(String::with_capacity(7 + token.len()));
        value.push_str("Bearer ");
        value.push_str(token);
        req.header("Authorization", value.as_str())
    }
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// The token cache of one client.
pub(crate) struct TokenCache {
    credentials: Credentials,
    cached: Mutex<Option<Cached>>,
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

impl TokenCache {
    pub fn new(credentials: Credentials, redactor: std::sync::Arc<Redactor>) -> TokenCache {
        TokenCache { credentials, cached: Mutex::new(None), fetches: AtomicUsize::new(0), redactor }
    }

    /// How many tokens were fetched from the server so far.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Forget the cached token (for example when the API base changes).
    pub fn clear(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        // A panic while holding the lock cannot leave the Option inconsistent.
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Headers for a call: the cached token, or a fresh one. With `rejected`, the server
    /// refused that token: it is dropped (unless another thread already replaced it).
    pub fn headers(
        &self,
        agent: &ureq::Agent,
        base: &str,
        deadline: Deadline,
        rejected: Option<&AuthHeaders>,
    ) -> Result<AuthHeaders> {
        let mut guard = self.lock();
        if let (Some(bad), Some(c)) = (rejected, guard.as_ref()) {
            if c.token == bad.bearer {
                *guard = None;
            }
        }
        let fresh = matches!(guard.as_ref(), Some(c) if Instant::now() < c.refresh_at);
        if !fresh {
            let (token, lifetime) = self.fetch(agent, base, deadline)?;
            let margin = REFRESH_MARGIN.min(lifetime / 10);
            *guard = Some(Cached { token, refresh_at: Instant::now() + lifetime.saturating_sub(margin) });
        }
        let token =
            guard.as_ref().map(|c| c.token.clone()).ok_or_else(|| Error::Internal("token cache empty".into()))?;
        Ok(match &self.credentials {
            Credentials::ApiClient { client_id, .. } => {
                AuthHeaders { client_id: Some(client_id.clone()), bearer: token }
            }
            Credentials::ServiceAccount(_) => AuthHeaders { client_id: None, bearer: token },
        })
    }

    fn fetch(&self, agent: &ureq::Agent, base: &str, deadline: Deadline) -> Result<(Secret, Duration)> {
        const WHAT: &str = "token";
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
        let body = token_request_body(client_id, client_secret)?;
        let req = agent.post(format!("{base}/api/oauth2/v1/token")).content_type("application/json");
        let reply = http::finish_wiped(http::with_deadline(req, deadline)?.send(&body[..]), MAX_JSON_BODY, WHAT)?;
        drop(body);
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let answer = Zeroizing::new(reply.body);
        let (token, lifetime) = parse_token(reply.status, &answer, reply.retry_after)?;
        self.redactor.add(token.expose());
        Ok((token, lifetime))
    }
}

/// The JSON body of a token request, serialised straight into a wiped buffer that is large
/// enough from the start (JSON escaping at most sixfolds a string), so that no partial copy
/// of the client secret is left behind by a reallocation.
fn token_request_body(client_id: &str, client_secret: &Secret) -> Result<Zeroizing<Vec<u8>>> {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        grant_type: &'a str,
        client_id: &'a str,
        client_secret: &'a str,
    }
    let secret = client_secret.expose();
    let cap = 80 + 6 * (client_id.len() + secret.len());
    let mut out = Zeroizing::new(Vec::with_capacity(cap));
    serde_json::to_writer(&mut *out, &Body { grant_type: "client_credentials", client_id, client_secret: secret })
        .map_err(|_| Error::Internal("cannot encode the token request".into()))?;
    Ok(out)
}

/// The token answer's fields, parsed without a `Value` tree: the token goes straight into a
/// wiped [`Secret`].
#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: Option<Secret>,
    expires_in: Option<Value>,
    ret: Option<Value>,
}

/// Parse a token answer: `(token, lifetime)`, or why there is none.
pub fn parse_token(status: u16, body: &[u8], retry_after: Option<Duration>) -> Result<(Secret, Duration)> {
    const WHAT: &str = "token";
    // UTF-8 first: serde_json does not validate the strings it skips, and an answer is JSON
    // only if all of it is.
    let typed = std::str::from_utf8(body).ok().map(serde_json::from_str::<TokenAnswer>);
    let root: Option<Value> = match typed {
        Some(Ok(answer)) => {
            if let Some(tok) = answer.access_token.filter(|t| !t.is_empty()) {
                if status == 200 {
                    let secs = answer
                        .expires_in
                        .as_ref()
                        .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
                        .unwrap_or(3600);
                    return Ok((tok, Duration::from_secs(secs.clamp(1, 365 * 86400))));
                }
            }
            let mut root = serde_json::Map::new();
            if let Some(ret) = answer.ret {
                root.insert("ret".into(), ret);
            }
            Some(Value::Object(root))
        }
        // Not of that shape (an array, a non-string access_token, ...): it holds no token.
        _ => parse_json(body, WHAT).ok(),
    };
    let ret = root.as_ref().and_then(parse_ret);
    match (status, ret) {
        (429 | 500..=599, _) => {
            Err(Error::Http { status, message: format!("{WHAT}: the token endpoint is unavailable"), retry_after })
        }
        (300..=399, _) => {
            Err(Error::Protocol(format!("{WHAT}: the server answered a redirect ({status}), which we never follow")))
        }
        (_, Some(r)) => {
            Err(Error::Auth(format!("AGC refused the client credentials: {} (code {})", r.message, r.code)))
        }
        (401 | 403, None) => Err(Error::Auth(format!("AGC refused the client credentials (HTTP {status})"))),
        (200, None) if root.is_some() => {
            Err(Error::Protocol(format!("{WHAT}: the answer has neither access_token nor ret")))
        }
        (_, None) if root.is_none() => {
            Err(Error::Protocol(format!("{WHAT}: the answer (HTTP {status}) is not valid JSON")))
        }
        (_, None) => Err(Error::Http { status, message: format!("{WHAT}: unexpected answer"), retry_after }),
    }
}

/// Run `call` with a token; if the server refuses the token, refresh it once and call again.
pub(crate) fn with_token<T>(
    cache: &TokenCache,
    agent: &ureq::Agent,
    base: &str,
    deadline: Deadline,
    mut call: impl FnMut(&AuthHeaders) -> Result<api::Answer<T>>,
) -> Result<T> {
    let auth = cache.headers(agent, base, deadline, None)?;
    match call(&auth)? {
        api::Answer::Ok(v) => Ok(v),
        api::Answer::TokenRejected(_) => {
            let auth = cache.headers(agent, base, deadline, Some(&auth))?;
            match call(&auth)? {
                api::Answer::Ok(v) => Ok(v),
                api::Answer::TokenRejected(m) => Err(Error::Auth(format!("AGC refused a fresh access token: {m}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers() {
        let (t, d) = parse_token(200, br#"{"access_token":"abc","expires_in":172800}"#, None).unwrap();
        assert_eq!((t.expose(), d), ("abc", Duration::from_secs(172800)));
        let (_, d) = parse_token(200, br#"{"access_token":"abc","expires_in":"60"}"#, None).unwrap();
        assert_eq!(d, Duration::from_secs(60));
        let e = parse_token(200, br#"{"ret":{"code":203890688,"msg":"client id or secret error"}}"#, None).unwrap_err();
        assert!(matches!(e, Error::Auth(ref m) if m.contains("203890688")), "{e}");
        assert!(matches!(parse_token(401, b"", None), Err(Error::Auth(_))));
        assert!(matches!(parse_token(400, b"<html>", None), Err(Error::Protocol(_))));
        assert!(matches!(parse_token(401, b"{}", None), Err(Error::Auth(_))));
        assert!(matches!(parse_token(503, b"busy", None), Err(Error::Http { status: 503, .. })));
        assert!(matches!(parse_token(200, b"{}", None), Err(Error::Protocol(_))));
        assert!(matches!(parse_token(500, br#"{"access_token":"x"}"#, None), Err(Error::Http { .. })));
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        let v = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (i, o) in v {
            assert_eq!(*base64url(i.as_bytes()), o);
        }
        assert_eq!(*base64url(&[0xfb, 0xff]), "-_8");
    }

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
    }

    #[test]
    fn credentials_debug_hides_the_secret() {
        let c = Credentials::api_client("id-1", "top-secret-value");
        assert!(!format!("{c:?}").contains("top-secret-value"));
    }
}
