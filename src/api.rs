//! The Connect API: the JSON envelope, the upload-URL call, and the parsers for every answer
//! (pure functions over bytes, so they can be fuzzed without a network).
//!
//! Parsing is lenient where AGC is inconsistent (`ret` as an object or a JSON string, `msg`
//! or `message`, numbers as strings) and strict where safety depends on it (the upload URL,
//! its method, its `Host` and the payload hash it was signed for).

use serde::Deserialize;
use serde_json::Value;

use crate::auth::AuthHeaders;
use crate::error::{bounded, Error, Result};
use crate::http::{self, Deadline, MAX_JSON_BODY};
use crate::secret::Secret;

/// `ret.code` values that mean "try again later" (protocol.md section 2).
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

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
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

/// What the upload-URL call needs to know.
#[derive(Debug, Clone)]
pub struct UploadUrlQuery<'a> {
    /// The app's id.
    pub app_id: &'a str,
    /// The name with its suffix, as AGC will record it.
    pub file_name: &'a str,
    /// Exact body size.
    pub content_length: u64,
    /// Lowercase hex SHA-256 of the body.
    pub sha256_hex: &'a str,
    /// `releaseType` (1 full, 6 HarmonyOS test release), sent only when set.
    pub release_type: Option<u32>,
    /// `chineseMainlandFlag`, sent only when set.
    pub chinese_mainland: Option<bool>,
}

/// A validated upload target: where and how to PUT.
pub struct UploadTarget {
    /// Opaque id of the object, returned to the caller.
    pub object_id: String,
    /// The https URL to PUT to.
    pub url: String,
    /// Headers to replay exactly, in the order received. Values are secrets (the
    /// `Authorization` one is a signature we must never log).
    pub headers: Vec<(String, Secret)>,
}

impl std::fmt::Debug for UploadTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadTarget")
            .field("object_id", &self.object_id)
            .field("url", &"<signed url>")
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .finish()
    }
}

/// `urlInfo`, read in place from the parsed answer (no copy of the signed values).
#[derive(Deserialize)]
struct UrlInfo<'a> {
    #[serde(rename = "objectId")]
    object_id: Option<&'a str>,
    url: Option<&'a str>,
    method: Option<&'a str>,
    headers: Option<serde::de::IgnoredAny>,
}

/// A parsed answer whose strings are wiped when it is dropped: the upload-url answer holds
/// the signed `Authorization` value.
struct Wiped(Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        fn wipe(v: &mut Value) {
            match v {
                Value::String(s) => zeroize::Zeroize::zeroize(s),
                Value::Array(a) => a.iter_mut().for_each(wipe),
                Value::Object(o) => o.values_mut().for_each(wipe),
                _ => {}
            }
        }
        wipe(&mut self.0);
    }
}

/// Headers that the HTTP layer owns: we never replay them from the answer.
const HOP_HEADERS: [&str; 4] = ["content-length", "transfer-encoding", "connection", "expect"];

/// Longest objectId accepted, from the server or a caller.
pub const MAX_OBJECT_ID: usize = 1024;
/// Longest packageId accepted, from the server or a caller.
pub const MAX_PACKAGE_ID: usize = 256;

/// What is wrong with an objectId or packageId, if anything: empty, over `max` bytes, or
/// unusable (`text::is_unusable_id`: a control, format or separator character, U+202E, U+2028,
/// U+00A0, ..., which would make one id look like another in a log or a console; or a leading
/// `::`, which a CI log would run as a command; a plain space is allowed).
fn id_problem(id: &str, max: usize) -> Option<String> {
    if id.is_empty() {
        Some("is empty".into())
    } else if id.len() > max {
        Some(format!("is over {max} bytes"))
    } else if crate::text::is_unusable_id(id) {
        Some(format!("has {}", crate::text::UNUSABLE_ID))
    } else {
        None
    }
}

/// Check an object id a caller passes (for example to bind an earlier upload): the same rule
/// as for the server's objectId; `Error::InvalidArgument` otherwise.
pub fn check_object_id(object_id: &str) -> Result<()> {
    match id_problem(object_id, MAX_OBJECT_ID) {
        Some(problem) => Err(Error::InvalidArgument(format!("object id {problem}"))),
        None => Ok(()),
    }
}

/// Check a package id a caller passes (to wait for it): the same rule as for the server's
/// packageId; `Error::InvalidArgument` otherwise.
pub fn check_package_id(package_id: &str) -> Result<()> {
    match id_problem(package_id, MAX_PACKAGE_ID) {
        Some(problem) => Err(Error::InvalidArgument(format!("package id {problem}"))),
        None => Ok(()),
    }
}

/// Validate an upload-URL answer (already known to be HTTP 200) against what we asked for.
pub fn parse_upload_url(body: &[u8], query: &UploadUrlQuery<'_>) -> Result<UploadTarget> {
    const WHAT: &str = "upload-url";
    let mut root = Wiped(ok_envelope(body, WHAT)?);
    let info_value = Wiped(root.0.get_mut("urlInfo").map(Value::take).unwrap_or(Value::Null));
    drop(root);
    let info = UrlInfo::deserialize(&info_value.0)
        .map_err(|_| Error::Protocol(format!("{WHAT}: urlInfo is missing or malformed")))?;
    let missing = |f: &str| Error::Protocol(format!("{WHAT}: urlInfo.{f} is missing"));
    let object_id = info.object_id.filter(|s| !s.is_empty()).ok_or_else(|| missing("objectId"))?.to_owned();
    if let Some(problem) = id_problem(&object_id, MAX_OBJECT_ID) {
        return Err(Error::Protocol(format!("{WHAT}: objectId {problem}")));
    }
    let url = info.url.filter(|s| !s.is_empty()).ok_or_else(|| missing("url"))?.to_owned();
    let method = info.method.unwrap_or("PUT");
    if !method.eq_ignore_ascii_case("PUT") {
        return Err(Error::Protocol(format!("{WHAT}: the upload method is '{}', not PUT", bounded(method, 20))));
    }
    let authority = check_upload_url(&url)?;

    let mut headers: Vec<(String, Secret)> = Vec::new();
    let mut seen_sha = false;
    info.headers.ok_or_else(|| missing("headers"))?;
    let fields = info_value.0.get("headers").and_then(Value::as_object).ok_or_else(|| missing("headers"))?;
    for (name, value) in fields {
        let name = name.clone();
        let lname = name.to_ascii_lowercase();
        let value = value
            .as_str()
            .ok_or_else(|| Error::Protocol(format!("{WHAT}: header '{}' is not a string", bounded(&name, 64))))?;
        let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        if !valid_name || value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::Protocol(format!("{WHAT}: header '{}' is not a valid HTTP header", bounded(&name, 64))));
        }
        if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(Error::Protocol(format!("{WHAT}: header '{}' appears twice", bounded(&name, 64))));
        }
        match lname.as_str() {
            "host" if !same_authority(value, &authority) => {
                return Err(Error::Protocol(format!(
                    "{WHAT}: the signed Host '{}' differs from the URL's host '{}'",
                    bounded(value, 100),
                    bounded(&authority, 100)
                )))
            }
            "x-amz-content-sha256" => {
                if !value.eq_ignore_ascii_case(query.sha256_hex) {
                    return Err(Error::Protocol(format!(
                        "{WHAT}: the URL was signed for payload hash {}, but the file's SHA-256 is {}",
                        bounded(value, 80),
                        query.sha256_hex
                    )));
                }
                seen_sha = true;
            }
            "content-length" if value.trim() != query.content_length.to_string() => {
                return Err(Error::Protocol(format!(
                    "{WHAT}: the URL was signed for Content-Length {}, but the file has {} bytes",
                    bounded(value, 30),
                    query.content_length
                )))
            }
            "transfer-encoding" => {
                return Err(Error::Protocol(format!(
                    "{WHAT}: the answer asks for Transfer-Encoding, which uploads must not use"
                )))
            }
            _ => {}
        }
        if HOP_HEADERS.contains(&lname.as_str()) {
            continue;
        }
        headers.push((name, Secret::new(value)));
    }
    if !seen_sha {
        return Err(Error::Protocol(format!("{WHAT}: the answer has no x-amz-content-sha256 header")));
    }
    Ok(UploadTarget { object_id, url, headers })
}

/// Check an upload URL: see [`check_https_url`] (a query is allowed: signed URLs may carry
/// one). Returns its authority (`host[:port]`).
pub fn check_upload_url(url: &str) -> Result<String> {
    check_https_url(url, true).map_err(|why| Error::Protocol(format!("upload-url: the upload URL {why}")))
}

/// Check a Connect API base URL: see [`check_https_url`]; no query. Returns its authority.
pub fn check_api_base(url: &str) -> Result<String> {
    // Never quoted: user info in it may be a password.
    check_https_url(url, false).map_err(|why| {
        Error::InvalidArgument(format!(
            "the API base must be a site (cn, de, sg, ru) or an https:// URL without credentials, query or \
             fragment; this one {why}"
        ))
    })
}

/// The one URL check, for the API base and for upload URLs: `https`, a non-empty host, a port
/// that is a u16 (or none: 443), no user info, no fragment, no query unless `query_allowed`,
/// no whitespace or control characters. Returns the authority, or why the URL is refused
/// (a phrase that never quotes the URL).
pub fn check_https_url(url: &str, query_allowed: bool) -> std::result::Result<String, &'static str> {
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("has spaces or control characters");
    }
    // `Uri` accepts a fragment and drops it (with the path after it): refuse it before parsing.
    if url.contains('#') {
        return Err("has a fragment (#)");
    }
    let uri: ureq::http::Uri = url.parse().map_err(|_| "is not a valid URL")?;
    if uri.scheme_str() != Some("https") {
        return Err("is not https");
    }
    let auth = uri.authority().ok_or("has no host")?;
    if auth.as_str().contains('@') {
        return Err("carries a user name or password");
    }
    if auth.host().is_empty() {
        return Err("has no host");
    }
    if host_and_port(auth).is_none() {
        return Err("has an invalid host or port");
    }
    if !query_allowed && (uri.query().is_some() || url.contains('?')) {
        return Err("has a query");
    }
    Ok(auth.as_str().to_owned())
}

/// `(host, port)` of an authority without user info, port 443 implicit. `Authority` parses
/// `host:99999`, `host:44-03` or `[::1]junk:443` and then reports a port of None (or 443):
/// anything after the host but `:digits` (a u16, or nothing) is refused here.
fn host_and_port(auth: &ureq::http::uri::Authority) -> Option<(String, u16)> {
    let rest = auth.as_str().get(auth.host().len()..)?;
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => 443,
        None => return None,
        Some("") => 443,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => p.parse::<u16>().ok()?,
        Some(_) => return None,
    };
    Some((auth.host().to_ascii_lowercase(), port))
}

/// `Host` header vs URL authority: host case-insensitive, port 443 implicit. A user name or a
/// port that is not a u16 (which `Authority` parses and then ignores) never matches.
fn same_authority(host_header: &str, authority: &str) -> bool {
    fn split(a: &str) -> Option<(String, u16)> {
        let a = a.trim().to_ascii_lowercase();
        if a.contains('@') {
            return None;
        }
        if let Ok(auth) = a.parse::<ureq::http::uri::Authority>() {
            return host_and_port(&auth);
        }
        Some((a, 443))
    }
    matches!((split(host_header), split(authority)), (Some(h), Some(a)) if h == a)
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

/// `GET /api/publish/v2/upload-url/for-obs`.
pub(crate) fn request_upload_url(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    query: &UploadUrlQuery<'_>,
    deadline: Deadline,
) -> Result<Answer<UploadTarget>> {
    const WHAT: &str = "upload-url";
    let url = format!("{base}/api/publish/v2/upload-url/for-obs");
    let mut req = agent
        .get(&url)
        .query("appId", query.app_id)
        .query("fileName", query.file_name)
        .query("contentLength", query.content_length.to_string())
        .query("sha256", query.sha256_hex);
    if let Some(rt) = query.release_type {
        req = req.query("releaseType", rt.to_string());
    }
    if let Some(cm) = query.chinese_mainland {
        req = req.query("chineseMainlandFlag", if cm { "1" } else { "0" });
    }
    let req = auth.apply(req);
    let reply = http::finish(http::with_deadline(req, deadline)?.call(), MAX_JSON_BODY, WHAT)?;
    connect_answer(reply, WHAT, |body| parse_upload_url(body, query))
}

/// `PUT /api/publish/v3/app-package-info`: bind an uploaded object to the app.
/// Returns the `packageId`.
///
/// A bind is not idempotent (a second one can attach the package twice), so `unsure` is set
/// when this call failed in a way that AGC may nevertheless have processed it: the request may
/// have been sent and no clear refusal came back (a reset or timeout after sending, a 5xx other
/// than 503, a 3xx, a malformed 200). It stays untouched after a failure before sending and
/// after a clear refusal (401/403, 4xx, 429, 503, a `ret.code` error).
#[allow(clippy::too_many_arguments)]
pub(crate) fn bind_package(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    app_id: &str,
    file_name: &str,
    object_id: &str,
    deadline: Deadline,
    unsure: &std::cell::Cell<bool>,
) -> Result<Answer<String>> {
    const WHAT: &str = "bind";
    let body = serde_json::json!({"fileName": file_name, "objectId": object_id}).to_string();
    let req = agent
        .put(format!("{base}/api/publish/v3/app-package-info"))
        .query("appId", app_id)
        .content_type("application/json");
    let req = auth.apply(req);
    let sent = http::with_deadline(req, deadline)?.send(body.as_bytes());
    // Any failure from here on (but a connect that never happened) follows a sent request.
    if sent.as_ref().map_or_else(|e| !http::never_sent(e), |_| true) {
        unsure.set(true);
    }
    let reply = http::finish(sent, MAX_JSON_BODY, WHAT)?;
    unsure.set(false);
    let status = reply.status;
    let answer = connect_answer(reply, WHAT, parse_bind);
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

/// Parse a bind answer: the `packageId`.
pub fn parse_bind(body: &[u8]) -> Result<String> {
    const WHAT: &str = "bind";
    let root = ok_envelope(body, WHAT)?;
    let id = match root.get("packageId") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::Protocol(format!("{WHAT}: the answer has no packageId"))),
    };
    if let Some(problem) = id_problem(&id, MAX_PACKAGE_ID) {
        return Err(Error::Protocol(format!("{WHAT}: packageId {problem}")));
    }
    Ok(id)
}

/// Where AGC is with parsing a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageState {
    /// Parsed; the package can be used.
    Ready,
    /// Still parsing.
    Parsing,
    /// Parsing failed, with AGC's reason.
    Failed(String),
}

/// `GET /api/publish/v3/package/compile/status`.
pub(crate) fn compile_status(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    app_id: &str,
    package_id: &str,
    deadline: Deadline,
) -> Result<Answer<PackageState>> {
    const WHAT: &str = "compile-status";
    let req = agent
        .get(format!("{base}/api/publish/v3/package/compile/status"))
        .query("appId", app_id)
        .query("pkgIds", package_id);
    let req = auth.apply(req);
    let reply = http::finish(http::with_deadline(req, deadline)?.call(), MAX_JSON_BODY, WHAT)?;
    connect_answer(reply, WHAT, |body| parse_compile_status(body, package_id))
}

/// Parse a compile-status answer for `package_id` (matched on `pkgId`).
pub fn parse_compile_status(body: &[u8], package_id: &str) -> Result<PackageState> {
    const WHAT: &str = "compile-status";
    let root = ok_envelope(body, WHAT)?;
    let list = root
        .get("pkgStateList")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: the answer has no pkgStateList")))?;
    let id_of = |v: &Value| match v.get("pkgId") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let state = list
        .iter()
        .find(|s| id_of(s).as_deref() == Some(package_id))
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: package {} is not in the answer", bounded(package_id, 64))))?;
    match state.get("successStatus").and_then(as_i64) {
        Some(0) => Ok(PackageState::Ready),
        Some(1) => Ok(PackageState::Parsing),
        Some(2) => {
            let reason = ["failureReason", "errorMessage", "errMsg", "reason"]
                .iter()
                .find_map(|k| state.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
                .map(|s| bounded(s, 500))
                .or_else(|| parse_ret(&root).map(|r| r.message).filter(|m| !m.is_empty()))
                .unwrap_or_else(|| "AGC gave no reason".into());
            Ok(PackageState::Failed(reason))
        }
        other => Err(Error::Protocol(format!("{WHAT}: unknown successStatus {other:?}"))),
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

/// Parse an S3-style XML error body: `(Code, Message)`, each bounded. Missing parts are empty.
pub fn parse_s3_error(body: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(body);
    let code = xml_element(&text, "Code").map(|c| bounded(&c, 64)).unwrap_or_default();
    let message = xml_element(&text, "Message").map(|m| bounded(&m, 300)).unwrap_or_default();
    (code, message)
}

fn xml_element(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&close)? + start;
    Some(
        text[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn q() -> UploadUrlQuery<'static> {
        UploadUrlQuery {
            app_id: "1",
            file_name: "a.app",
            content_length: 3,
            sha256_hex: SHA,
            release_type: None,
            chinese_mainland: None,
        }
    }

    fn answer(url: &str, method: &str, host: &str, sha: &str) -> Vec<u8> {
        serde_json::json!({
            "ret": {"code": 0, "msg": "success"},
            "urlInfo": {"objectId": "obj/1", "url": url, "method": method,
                "headers": {"Authorization": "AWS4-HMAC-SHA256 sig", "x-amz-content-sha256": sha,
                            "x-amz-date": "20261125T000000Z", "Host": host, "user-agent": "x",
                            "Content-Type": "application/octet-stream"}}
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn accepts_a_good_answer() {
        let t = parse_upload_url(&answer("https://obs.example.com/b/o", "PUT", "obs.example.com", SHA), &q()).unwrap();
        assert_eq!(t.object_id, "obj/1");
        assert_eq!(t.headers.len(), 6);
        assert!(!format!("{t:?}").contains("AWS4"));
        let t = parse_upload_url(&answer("https://obs.example.com:443/b/o", "put", "OBS.example.com", SHA), &q());
        assert!(t.is_ok());
    }

    #[test]
    fn rejects_hostile_answers() {
        let bad = [
            answer("http://obs.example.com/b/o", "PUT", "obs.example.com", SHA),
            answer("https://u:p@obs.example.com/b/o", "PUT", "obs.example.com", SHA),
            answer("https://obs.example.com/b/o", "POST", "obs.example.com", SHA),
            answer("https://obs.example.com/b/o", "PUT", "evil.example.com", SHA),
            answer("https://obs.example.com:8443/b/o", "PUT", "obs.example.com", SHA),
            answer("https://obs.example.com/b/o", "PUT", "obs.example.com", &"0".repeat(64)),
            answer("not a url", "PUT", "obs.example.com", SHA),
            answer("https://obs.example.com:99999/b/o", "PUT", "obs.example.com", SHA),
            answer("https://[::1]:44-03/b/o", "PUT", "[::1]", SHA),
            answer("https://obs.example.com:abc/b/o", "PUT", "obs.example.com:443", SHA),
            answer("https://obs.example.com/b/o", "PUT", "obs.example.com:65536", SHA),
            answer("https://obs.example.com/b/o", "PUT", "obs.example.com:x", SHA),
            answer("https://obs.example.com/b/o", "PUT", "user@obs.example.com", SHA),
            answer("https://[::1]junk:443/b/o", "PUT", "[::1]", SHA),
            answer("https://[::1]/b/o", "PUT", "[::1]junk", SHA),
            b"{\"ret\":{\"code\":0}}".to_vec(),
            b"{\"ret\":{\"code\":0},\"urlInfo\":{\"objectId\":\"x\"}}".to_vec(),
            b"{\"urlInfo\":{}}".to_vec(),
            b"{not json".to_vec(),
        ];
        for b in bad {
            let e = parse_upload_url(&b, &q()).unwrap_err();
            assert!(matches!(e, Error::Protocol(_)), "{e} for {}", String::from_utf8_lossy(&b));
        }
    }

    #[test]
    fn one_url_check_for_upload_urls_and_the_api_base() {
        // Issue 9 item 7: each of these reached the network as an API base in v0.1.
        for bad in [
            "https://obs.example.com:99999",
            "https://obs.example.com:99999/b/o",
            "https://obs.example.com/#frag",
            "https://obs.example.com/b/o#frag",
            "https://u:p@obs.example.com/b/o",
            "https://u@obs.example.com",
            "https://obs.example.com:x/b",
            "https://:443/b",
            "https://obs.example.com/b o",
            "http://obs.example.com/b",
        ] {
            assert!(matches!(check_upload_url(bad), Err(Error::Protocol(_))), "upload URL {bad}");
            assert!(matches!(check_api_base(bad), Err(Error::InvalidArgument(_))), "API base {bad}");
            assert!(check_https_url(bad, true).is_err(), "{bad}");
        }
        // Queries: signed upload URLs may have one, an API base may not.
        for q in ["https://obs.example.com/b/o?x=1", "https://obs.example.com/?"] {
            assert!(check_upload_url(q).is_ok(), "{q}");
            assert!(matches!(check_api_base(q), Err(Error::InvalidArgument(_))), "{q}");
        }
        assert_eq!(check_api_base("https://127.0.0.1:8443").unwrap(), "127.0.0.1:8443");
        assert_eq!(check_upload_url("https://obs.example.com:65535/b").unwrap(), "obs.example.com:65535");
    }

    #[test]
    fn host_mismatch_message_is_bounded() {
        // Found by tests/fuzz_parsers.rs: the URL's authority (up to 64 KiB) was echoed whole.
        let host = "a".repeat(60_000);
        let e =
            parse_upload_url(&answer(&format!("https://{host}/b/o"), "PUT", "obs.example.com", SHA), &q()).unwrap_err();
        assert!(matches!(e, Error::Protocol(_)), "{e}");
        assert!(e.to_string().len() < 400, "{} bytes", e.to_string().len());
    }

    #[test]
    fn business_errors_and_lenient_ret() {
        let b = br#"{"ret":"{\"code\":204144688,\"message\":\"no url\"}"}"#;
        match parse_upload_url(b, &q()) {
            Err(Error::Api { code, message }) => {
                assert_eq!(code, 204144688);
                assert_eq!(message, "no url");
            }
            other => panic!("{other:?}"),
        }
        let v: Value = serde_json::from_str(r#"{"ret":{"code":"7","msg":"m\nx"}}"#).unwrap();
        assert_eq!(parse_ret(&v), Some(Ret { code: 7, message: "m x".into() }));
    }

    #[test]
    fn bind_and_compile_status_answers() {
        assert_eq!(parse_bind(br#"{"ret":{"code":0,"msg":"success"},"packageId":"pkg-1"}"#).unwrap(), "pkg-1");
        assert_eq!(parse_bind(br#"{"ret":{"code":0},"packageId":123}"#).unwrap(), "123");
        assert!(matches!(parse_bind(br#"{"ret":{"code":0}}"#), Err(Error::Protocol(_))));
        assert!(matches!(
            parse_bind(br#"{"ret":{"code":204144693,"msg":"type"}}"#),
            Err(Error::Api { code: 204144693, .. })
        ));
        let st = |s: &str| parse_compile_status(s.as_bytes(), "p1");
        assert_eq!(st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p0","successStatus":2},{"pkgId":"p1","successStatus":0}]}"#).unwrap(), PackageState::Ready);
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":"1"}]}"#).unwrap(),
            PackageState::Parsing
        );
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":2,"failureReason":"bad sign"}]}"#)
                .unwrap(),
            PackageState::Failed("bad sign".into())
        );
        assert!(matches!(st(r#"{"ret":{"code":0},"pkgStateList":[]}"#), Err(Error::Protocol(_))));
        assert!(matches!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":9}]}"#),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn s3_errors() {
        let (c, m) = parse_s3_error(
            b"<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>a &amp; b</Message></Error>",
        );
        assert_eq!((c.as_str(), m.as_str()), ("SignatureDoesNotMatch", "a & b"));
        let (c, m) = parse_s3_error(b"garbage");
        assert!(c.is_empty() && m.is_empty());
        let big = format!("<Error><Code>{}</Code></Error>", "A".repeat(10000));
        assert!(parse_s3_error(big.as_bytes()).0.len() <= 67);
    }
}
