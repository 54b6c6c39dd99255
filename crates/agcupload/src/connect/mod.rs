//! The Connect API: the JSON envelope every answer shares, and the one typed send every
//! endpoint uses. One file per endpoint family: [`token`](crate::connect::token) (the access
//! token of API clients), [`upload_url`](crate::connect::upload_url), [`multipart`](crate::connect::multipart), [`package`] (bind and compile
//! status), [`release`](crate::connect::release) (notes, submit, app state), [`test_release`](crate::connect::test_release); [`ids`](crate::connect::ids) holds the id rules.
//!
//! Parsers are pure functions over bytes, so they can be fuzzed without a network. Parsing is
//! lenient where AGC is inconsistent (`ret` as an object or a JSON string, `msg` or `message`,
//! numbers as strings) and strict where safety depends on it (the upload URL, its method, its
//! `Host` and the payload hash it was signed for). See `docs/protocol.md`.

use serde_json::Value;

use zeroize::Zeroizing;

use crate::error::{bounded, Error, Result};
use crate::net::http::{self, Deadline, MAX_JSON_BODY};
use crate::text::secret::Secret;

pub(crate) mod ids;
pub(crate) mod listing;
pub(crate) mod multipart;
pub(crate) mod package;
pub(crate) mod preflight;
pub(crate) mod release;
pub(crate) mod test_release;
pub(crate) mod token;
pub(crate) mod upload_url;

/// The headers that authenticate one Connect API call.
#[derive(Clone, Debug)]
pub(crate) struct AuthHeaders {
    client_id: Option<String>,
    bearer: Secret,
}

impl AuthHeaders {
    /// `client_id` (API clients only) and the bearer token.
    pub(crate) fn new(client_id: Option<String>, bearer: Secret) -> AuthHeaders {
        AuthHeaders { client_id, bearer }
    }

    /// The bearer token these headers carry (to tell a refused token from a newer one).
    pub(crate) fn bearer(&self) -> &Secret {
        &self.bearer
    }

    /// Add `client_id` (API clients only) and `Authorization: Bearer` to a request.
    pub fn apply<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let req = match &self.client_id {
            Some(id) => req.header("client_id", id.as_str()),
            None => req,
        };
        // Built at its final size in a wiped buffer; the copy ureq's `HeaderValue` makes is
        // outside our control (see docs/design/secrets.md).
        let token = self.bearer.expose();
        let mut value = Zeroizing::new(String::with_capacity(7 + token.len()));
        value.push_str("Bearer ");
        value.push_str(token);
        req.header("Authorization", value.as_str())
    }
}

/// `ret.code` values that mean "try again later" (docs/protocol.md section 2).
pub const TRANSIENT_CODES: [i64; 3] = [204144659, 204144719, 204144735];
/// `ret.code` values that mean the token was refused.
pub const TOKEN_REJECTED_CODES: [i64; 1] = [204144643];

/// The `ret` part of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ret {
    /// 0 on success.
    pub code: i64,
    /// The server's message, bounded and stripped of control characters.
    pub message: String,
}

/// Read `ret` from a parsed answer, if present.
pub fn parse_ret(root: &Value) -> Option<Ret> {
    let ret = root.get("ret")?;
    let obj: Value = match ret {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => v,
            _ => return Some(Ret { code: -1, message: bounded(s, 300) }),
        },
        other => other.clone(),
    };
    let code = obj.get("code").and_then(as_i64)?;
    let msg = obj.get("msg").or_else(|| obj.get("message")).and_then(Value::as_str).unwrap_or("");
    Some(Ret { code, message: bounded(msg, 300) })
}

/// Parse a JSON body; `what` names the call for the error message.
pub fn parse_json(body: &[u8], what: &str) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| Error::Protocol(format!("{what}: the answer is not valid JSON ({e})")))
}

/// A number, or a string holding one.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An answer that may ask us to refresh the token.
pub(crate) enum Answer<T> {
    Ok(T),
    /// The token was refused (HTTP 401/403 or a token `ret.code`); the server's words.
    TokenRejected(String),
}

/// Classify a Connect API answer that is not 200: token refused, retryable, or fatal.
pub(crate) fn classify_status(
    status: u16,
    body: &[u8],
    retry_after: Option<std::time::Duration>,
    what: &str,
) -> Result<Answer<std::convert::Infallible>> {
    let ret = serde_json::from_slice::<Value>(body).ok().as_ref().and_then(parse_ret);
    let msg = ret
        .as_ref()
        .map(|r| format!("{} (code {})", r.message, r.code))
        .unwrap_or_else(|| bounded(&String::from_utf8_lossy(body), 200));
    match status {
        401 | 403 => Ok(Answer::TokenRejected(msg)),
        300..=399 => {
            Err(Error::Protocol(format!("{what}: the server answered a redirect ({status}), which we never follow")))
        }
        _ => Err(Error::Http { status, message: format!("{what}: {msg}"), retry_after }),
    }
}

/// A parsed answer with `ret.code == 0`, or the business error.
pub(crate) fn ok_envelope(body: &[u8], what: &str) -> Result<Value> {
    let root = parse_json(body, what)?;
    match parse_ret(&root) {
        Some(r) if r.code == 0 => Ok(root),
        Some(r) => Err(Error::Api { code: r.code, message: r.message }),
        None => Err(Error::Protocol(format!("{what}: the answer has no ret.code"))),
    }
}

/// The common tail of a Connect API call: non-200 statuses, token refusals, then `parse`.
pub(crate) fn connect_answer<T>(
    reply: http::Reply,
    what: &str,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Answer<T>> {
    // Wiped when done: an upload-url answer holds a signed `Authorization` value.
    let body = zeroize::Zeroizing::new(reply.body);
    if reply.status != 200 {
        return match classify_status(reply.status, &body, reply.retry_after, what)? {
            Answer::TokenRejected(m) => Ok(Answer::TokenRejected(m)),
            Answer::Ok(never) => match never {},
        };
    }
    match parse(&body) {
        Err(Error::Api { code, message }) if TOKEN_REJECTED_CODES.contains(&code) => {
            Ok(Answer::TokenRejected(format!("{message} (code {code})")))
        }
        other => other.map(Answer::Ok),
    }
}

/// An HTTP method of the Connect API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Put,
    Post,
    /// Without a body (the one documented DELETE, of a language, takes its arguments in the
    /// query).
    Delete,
}

/// The body of a PUT or POST.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    /// A JSON value.
    Json(&'a Value),
    /// JSON text written by the caller (keys in an order serde_json's map would not keep).
    Text(&'a str),
    /// No body at all (`Content-Length: 0`, no `Content-Type`): a call documented with
    /// query parameters only.
    Empty,
}

/// One Connect API request: `method` on `base + path` with `query` (in order) and, for PUT
/// and POST, a body (`{}` when `None`). `what` names the call in errors. `headers` are sent
/// besides the auth headers: a few calls take `appId` as a header, not in the query.
pub(crate) struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub body: Option<Body<'a>>,
    pub what: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
}

/// Send `request` and return ureq's raw outcome (before the body is read), for a caller that
/// must know whether a failed request may have reached the server (see `http::never_sent`).
pub(crate) fn exchange(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    request: &Request<'_>,
    deadline: Deadline,
) -> Result<std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>> {
    let url = format!("{base}{}", request.path);
    Ok(match request.method {
        Method::Get => {
            let mut req = agent.get(&url);
            for (k, v) in request.query {
                req = req.query(*k, *v);
            }
            for (k, v) in request.headers {
                req = req.header(*k, *v);
            }
            http::with_deadline(auth.apply(req), deadline)?.call()
        }
        Method::Put | Method::Post | Method::Delete => {
            if request.method == Method::Delete {
                let mut req = agent.delete(&url);
                for (k, v) in request.query {
                    req = req.query(*k, *v);
                }
                for (k, v) in request.headers {
                    req = req.header(*k, *v);
                }
                return Ok(http::with_deadline(auth.apply(req), deadline)?.call());
            }
            let mut req = if request.method == Method::Put { agent.put(&url) } else { agent.post(&url) };
            for (k, v) in request.query {
                req = req.query(*k, *v);
            }
            for (k, v) in request.headers {
                req = req.header(*k, *v);
            }
            let text = match request.body {
                None => "{}".to_owned(),
                Some(Body::Json(v)) => v.to_string(),
                Some(Body::Text(t)) => t.to_owned(),
                Some(Body::Empty) => return Ok(http::with_deadline(auth.apply(req), deadline)?.send_empty()),
            };
            let req = auth.apply(req.content_type("application/json"));
            http::with_deadline(req, deadline)?.send(text.as_bytes())
        }
    })
}

/// The one typed send: `request`, its bounded answer, non-200 statuses and token refusals,
/// then `parse` on a 200 answer.
pub(crate) fn send<T>(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    request: &Request<'_>,
    deadline: Deadline,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Answer<T>> {
    let sent = exchange(agent, base, auth, request, deadline)?;
    let reply = http::finish(sent, MAX_JSON_BODY, request.what)?;
    connect_answer(reply, request.what, parse)
}

/// [`send`] for a call that is not idempotent (a bind, a submit): `unsure` is set when this
/// call failed in a way that AGC may nevertheless have processed it, i.e. the request may
/// have been sent and no clear refusal came back (a reset or timeout after sending, a 5xx
/// other than 503, a 3xx, a malformed 200). It is cleared first, and stays clear after a
/// failure before sending (no connection) and after a clear refusal (401/403, 4xx, 429,
/// 503, a `ret.code` error).
pub(crate) fn send_noting<T>(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    request: &Request<'_>,
    deadline: Deadline,
    parse: impl FnOnce(&[u8]) -> Result<T>,
    unsure: &std::cell::Cell<bool>,
) -> Result<Answer<T>> {
    unsure.set(false);
    let sent = exchange(agent, base, auth, request, deadline)?;
    // Any failure from here on (but a connect that never happened) follows a sent request.
    if sent.as_ref().map_or_else(|e| !http::never_sent(e), |_| true) {
        unsure.set(true);
    }
    let reply = http::finish(sent, MAX_JSON_BODY, request.what)?;
    unsure.set(false);
    let status = reply.status;
    let answer = connect_answer(reply, request.what, parse);
    let clear_refusal = match (status, &answer) {
        (200, Err(Error::Protocol(_))) => false,
        (200, _) | (400..=499, _) | (503, _) => true,
        _ => false,
    };
    if answer.is_err() && !clear_refusal {
        unsure.set(true);
    }
    answer
}

/// Parse an answer whose only content is the envelope.
pub fn parse_empty(body: &[u8], what: &str) -> Result<()> {
    ok_envelope(body, what).map(|_| ())
}
