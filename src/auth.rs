//! Access tokens: fetch with the API client's credentials, cache until shortly before they
//! expire, refresh once when the Connect API refuses one.
//!
//! The cache is a mutex held across the fetch, so a client shared by many threads fetches a
//! token once, not once per thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api::{self, parse_json, parse_ret};
use crate::error::{Error, Result};
use crate::http::{self, Deadline, MAX_JSON_BODY};
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
}

impl Credentials {
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
        req.header("Authorization", format!("Bearer {}", self.bearer.expose()))
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
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").field("credentials", &self.credentials).finish_non_exhaustive()
    }
}

/// Refresh this long before the server's expiry (or a tenth of the lifetime if shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

impl TokenCache {
    pub fn new(credentials: Credentials) -> TokenCache {
        TokenCache { credentials, cached: Mutex::new(None), fetches: AtomicUsize::new(0) }
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
    pub fn headers(&self, agent: &ureq::Agent, base: &str, deadline: Deadline, rejected: Option<&AuthHeaders>) -> Result<AuthHeaders> {
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
        let token = guard.as_ref().map(|c| c.token.clone()).ok_or_else(|| Error::Internal("token cache empty".into()))?;
        Ok(match &self.credentials {
            Credentials::ApiClient { client_id, .. } => AuthHeaders { client_id: Some(client_id.clone()), bearer: token },
        })
    }

    fn fetch(&self, agent: &ureq::Agent, base: &str, deadline: Deadline) -> Result<(Secret, Duration)> {
        const WHAT: &str = "token";
        let Credentials::ApiClient { client_id, client_secret } = &self.credentials;
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret.expose(),
        })
        .to_string();
        let body = Secret::new(body);
        let req = agent.post(format!("{base}/api/oauth2/v1/token")).content_type("application/json");
        let reply = http::finish(http::with_deadline(req, deadline)?.send(body.expose().as_bytes()), MAX_JSON_BODY, WHAT)?;
        self.fetches.fetch_add(1, Ordering::Relaxed);
        parse_token(reply.status, &reply.body, reply.retry_after)
    }
}

/// Parse a token answer: `(token, lifetime)`, or why there is none.
pub fn parse_token(status: u16, body: &[u8], retry_after: Option<Duration>) -> Result<(Secret, Duration)> {
    const WHAT: &str = "token";
    let root: Option<Value> = parse_json(body, WHAT).ok();
    if let Some(root) = &root {
        if let Some(tok) = root.get("access_token").and_then(Value::as_str).filter(|t| !t.is_empty()) {
            if status == 200 {
                let secs = root
                    .get("expires_in")
                    .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
                    .unwrap_or(3600);
                return Ok((Secret::new(tok), Duration::from_secs(secs.clamp(1, 365 * 86400))));
            }
        }
    }
    let ret = root.as_ref().and_then(parse_ret);
    match (status, ret) {
        (429 | 500..=599, _) => Err(Error::Http {
            status,
            message: format!("{WHAT}: the token endpoint is unavailable"),
            retry_after,
        }),
        (300..=399, _) => Err(Error::Protocol(format!("{WHAT}: the server answered a redirect ({status}), which we never follow"))),
        (_, Some(r)) => Err(Error::Auth(format!("AGC refused the client credentials: {} (code {})", r.message, r.code))),
        (401 | 403, None) => Err(Error::Auth(format!("AGC refused the client credentials (HTTP {status})"))),
        (200, None) if root.is_some() => Err(Error::Protocol(format!("{WHAT}: the answer has neither access_token nor ret"))),
        (_, None) if root.is_none() => Err(Error::Protocol(format!("{WHAT}: the answer (HTTP {status}) is not valid JSON"))),
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
    fn credentials_debug_hides_the_secret() {
        let c = Credentials::api_client("id-1", "top-secret-value");
        assert!(!format!("{c:?}").contains("top-secret-value"));
    }
}
