//! `GET upload-url/for-obs`: the query, the validated upload target, and the URL checks
//! shared with the API base.

use serde::Deserialize;
use serde_json::Value;

use super::ids::IdKind;
use super::AuthHeaders;
use super::{ok_envelope, send, Answer, Method, Request};
use crate::error::{bounded, Error, Result};
use crate::net::http::Deadline;
use crate::text::secret::Secret;

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
}

/// A parsed answer whose strings are wiped when it is dropped: the upload-url answer holds
/// the signed `Authorization` value.
pub(crate) struct Wiped(pub(crate) Value);

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
    if let Some(problem) = IdKind::Object.problem(&object_id) {
        return Err(Error::Protocol(format!("{WHAT}: objectId {problem}")));
    }
    let url = info.url.filter(|s| !s.is_empty()).ok_or_else(|| missing("url"))?.to_owned();
    let method = info.method.unwrap_or("PUT");
    if !method.eq_ignore_ascii_case("PUT") {
        return Err(Error::Protocol(format!("{WHAT}: the upload method is '{}', not PUT", bounded(method, 20))));
    }
    let authority = check_upload_url(&url)?;

    let fields = info_value.0.get("headers").ok_or_else(|| missing("headers"))?;
    let expect =
        SignedFor { authority: &authority, content_length: query.content_length, sha256_hex: Some(query.sha256_hex) };
    let headers = parse_signed_headers(fields, WHAT, &expect, true)?;
    Ok(UploadTarget { object_id, url, headers })
}

/// What a signed upload URL must have been signed for.
pub(crate) struct SignedFor<'a> {
    /// The URL's authority (`host[:port]`): a signed `Host` must name it.
    pub authority: &'a str,
    /// The body's exact length: a signed `Content-Length` must equal it.
    pub content_length: u64,
    /// The body's lowercase hex SHA-256, when it was declared to AGC: a signed
    /// `x-amz-content-sha256` must then equal it. `None` (a multipart part asked without its
    /// digest): any value, which the upload host checks against the bytes.
    pub sha256_hex: Option<&'a str>,
}

/// The payload hash a host may be told not to check (AWS SigV4's "unsigned payload").
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The one parser of the headers an upload URL comes with, shared by the single PUT
/// (`urlInfo.headers`) and the multipart parts (`uploadInfoMap.*.headers`).
///
/// Lenient where AGC varies (easy-publisher saw both in multipart answers): the headers may
/// be a JSON object or a JSON string holding one, and a value may be a number or a boolean
/// (sent as its JSON text) or `null` (skipped). Strict where safety depends on it: names are
/// tokens, values have no CR/LF/NUL, no name twice, a signed `Host` names the URL's host, a
/// signed `Content-Length` is the body's, `Transfer-Encoding` is refused, and a signed
/// `x-amz-content-sha256` is the body's SHA-256 or `UNSIGNED-PAYLOAD`.
///
/// `UNSIGNED-PAYLOAD` is accepted: the host will then not check the bytes against the hash,
/// but our own re-hash while sending still refuses to hand over the last byte of a body
/// that differs from the SHA-256 we declared to AGC, so nothing wrong is stored either way.
/// `sha_required`: the answer must carry `x-amz-content-sha256` (the single PUT's rule).
/// Hop-by-hop headers (`Content-Length`, `Connection`, `Expect`) are checked, then dropped:
/// the HTTP layer sets them.
pub(crate) fn parse_signed_headers(
    fields: &Value,
    what: &str,
    expect: &SignedFor<'_>,
    sha_required: bool,
) -> Result<Vec<(String, Secret)>> {
    let missing = || Error::Protocol(format!("{what}: the headers are missing or not an object"));
    let from_text;
    let fields = match fields {
        Value::Object(o) => o,
        Value::String(s) => {
            from_text = Wiped(serde_json::from_str::<Value>(s).map_err(|_| missing())?);
            from_text.0.as_object().ok_or_else(missing)?
        }
        _ => return Err(missing()),
    };
    let mut headers: Vec<(String, Secret)> = Vec::new();
    let mut seen_sha = false;
    for (name, value) in fields {
        let name = name.clone();
        let lname = name.to_ascii_lowercase();
        let text;
        let value = match value {
            Value::Null => continue,
            Value::String(s) => s.as_str(),
            Value::Number(_) | Value::Bool(_) => {
                text = zeroize::Zeroizing::new(value.to_string());
                text.as_str()
            }
            _ => {
                return Err(Error::Protocol(format!(
                    "{what}: header '{}' is not a string, number or boolean",
                    bounded(&name, 64)
                )))
            }
        };
        let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        if !valid_name || value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::Protocol(format!("{what}: header '{}' is not a valid HTTP header", bounded(&name, 64))));
        }
        if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(Error::Protocol(format!("{what}: header '{}' appears twice", bounded(&name, 64))));
        }
        match lname.as_str() {
            "host" if !same_authority(value, expect.authority) => {
                return Err(Error::Protocol(format!(
                    "{what}: the signed Host '{}' differs from the URL's host '{}'",
                    bounded(value, 100),
                    bounded(expect.authority, 100)
                )))
            }
            "x-amz-content-sha256" => {
                if let Some(sha) =
                    expect.sha256_hex.filter(|s| !value.eq_ignore_ascii_case(s) && value != UNSIGNED_PAYLOAD)
                {
                    return Err(Error::Protocol(format!(
                        "{what}: the URL was signed for payload hash {}, but the body's SHA-256 is {sha}",
                        bounded(value, 80),
                    )));
                }
                seen_sha = true;
            }
            "content-length" if value.trim() != expect.content_length.to_string() => {
                return Err(Error::Protocol(format!(
                    "{what}: the URL was signed for Content-Length {}, but the body has {} bytes",
                    bounded(value, 30),
                    expect.content_length
                )))
            }
            "transfer-encoding" => {
                return Err(Error::Protocol(format!(
                    "{what}: the answer asks for Transfer-Encoding, which uploads must not use"
                )))
            }
            _ => {}
        }
        if HOP_HEADERS.contains(&lname.as_str()) {
            continue;
        }
        headers.push((name, Secret::new(value)));
    }
    if sha_required && !seen_sha {
        return Err(Error::Protocol(format!("{what}: the answer has no x-amz-content-sha256 header")));
    }
    Ok(headers)
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

/// `GET /api/publish/v2/upload-url/for-obs`.
pub(crate) fn request_upload_url(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    query: &UploadUrlQuery<'_>,
    deadline: Deadline,
) -> Result<Answer<UploadTarget>> {
    let content_length = query.content_length.to_string();
    let release_type = query.release_type.map(|rt| rt.to_string());
    let mut params: Vec<(&str, &str)> = vec![
        ("appId", query.app_id),
        ("fileName", query.file_name),
        ("contentLength", &content_length),
        ("sha256", query.sha256_hex),
    ];
    if let Some(rt) = &release_type {
        params.push(("releaseType", rt));
    }
    if let Some(cm) = query.chinese_mainland {
        params.push(("chineseMainlandFlag", if cm { "1" } else { "0" }));
    }
    let request = Request {
        method: Method::Get,
        path: "/api/publish/v2/upload-url/for-obs",
        query: &params,
        body: None,
        what: "upload-url",
        headers: &[],
    };
    send(agent, base, auth, &request, deadline, |body| parse_upload_url(body, query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::{parse_ret, Ret};

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
        // Each of these reached the network as an API base in v0.1.
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
        // Found by the parser fuzzer: the URL's authority (up to 64 KiB) was echoed whole.
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
}
