//! The token endpoint of API clients on the wire: `POST oauth2/v1/token` with the client
//! credentials (`grant_type` `client_credentials`), and its answer: an `access_token` and its
//! `expires_in`, or AGC's refusal. The token cache (`crate::auth`) decides when to call it; a
//! service account needs no call (its signed JWT is the bearer token).

use std::time::Duration;

use serde_json::Value;
use zeroize::Zeroizing;

use super::{parse_json, parse_ret};
use crate::error::{Error, Result};
use crate::net::http::{self, Deadline, MAX_JSON_BODY};
use crate::text::secret::Secret;

/// Where the token endpoint is, under the API base.
const PATH: &str = "/api/oauth2/v1/token";

/// Ask the token endpoint for a token with an API client's credentials: the answer as it came
/// (the caller wipes its body and reads it with [`parse_token`]). The request body, which
/// holds the secret, is wiped once sent.
pub(crate) fn request(
    agent: &ureq::Agent,
    base: &str,
    client_id: &str,
    client_secret: &Secret,
    deadline: Deadline,
) -> Result<http::Reply> {
    let body = token_request_body(client_id, client_secret)?;
    let req = agent.post(format!("{base}{PATH}")).content_type("application/json");
    http::finish(http::with_deadline(req, deadline)?.send(&body[..]), MAX_JSON_BODY, "token")
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
}
