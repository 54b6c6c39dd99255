//! AGC's multipart upload ("Upload Management" API): `init`, `parts` (one signed URL per
//! part), `compose`. Requests and parsers only; the transfer is in `client/upload.rs` and
//! `transfer.rs`.
//!
//! Source: fangxiangCN/easy-publisher `go/internal/channel/harmony/{api,models}.go`
//! (live-tested), chen2he/agc-connect-mcp `data/endpoints.json`; see `docs/protocol.md`
//! section "Multipart upload". The paths are configurable ([`MultipartPaths`]).

use serde_json::{json, Map, Value};

use super::ids::IdKind;
use super::upload_url::{check_upload_url, parse_signed_headers, SignedFor, Wiped};
use super::{as_i64, ok_envelope, send, Answer, Method, Request};
use crate::auth::AuthHeaders;
use crate::error::{bounded, Error, Result};
use crate::http::Deadline;
use crate::secret::Secret;

/// The part size AGC asks for when its `init` answer names none (easy-publisher's fallback).
pub const DEFAULT_PART_MIN_SIZE: u64 = 5 * 1024 * 1024;
/// The largest part when `init` names no `nspPartMaxSize` (Huawei's doc: 1 GiB).
pub const DEFAULT_PART_MAX_SIZE: u64 = 1024 * 1024 * 1024;
/// The most parts one upload may have (S3's and OBS's limit).
pub const MAX_PARTS: u64 = 10_000;

/// The Connect API paths of the multipart calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartPaths {
    /// `POST`: start an upload session.
    pub init: String,
    /// `POST`: signed URLs for parts.
    pub parts: String,
    /// `POST`: join the uploaded parts into the object.
    pub compose: String,
}

impl Default for MultipartPaths {
    fn default() -> MultipartPaths {
        MultipartPaths {
            init: "/api/publish/v2/upload/multipart/init".into(),
            parts: "/api/publish/v2/upload/multipart/parts".into(),
            compose: "/api/publish/v2/upload/multipart/compose".into(),
        }
    }
}

impl MultipartPaths {
    /// Each path starts with `/` and holds no query, fragment, space or control character.
    pub fn validate(&self) -> Result<()> {
        for (name, p) in [("init", &self.init), ("parts", &self.parts), ("compose", &self.compose)] {
            let ok = p.starts_with('/') && !p.contains(['?', '#']) && !p.chars().any(|c| c.is_control() || c == ' ');
            if !ok {
                return Err(Error::InvalidArgument(format!(
                    "the multipart {name} path must start with '/' and have no query, fragment or spaces"
                )));
            }
        }
        Ok(())
    }
}

/// What `init` needs. `contentType`, `fileType` and `releaseType` take easy-publisher's fixed
/// values (`application/octet-stream`, 1, 1) unless the caller's `release_type` says otherwise.
#[derive(Debug, Clone)]
pub struct InitQuery<'a> {
    /// The app's id.
    pub app_id: &'a str,
    /// The name AGC records.
    pub file_name: &'a str,
    /// `releaseType` (default 1).
    pub release_type: Option<u32>,
}

/// An upload session AGC opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The object the parts compose into (bound to the app afterwards).
    pub object_id: String,
    /// `nspUploadId`.
    pub upload_id: String,
    /// `nspPartMinSize`: every part but the last has exactly this size unless the caller
    /// asks for another (easy-publisher: "another size makes the parts URLs mismatch").
    pub part_min_size: u64,
    /// `nspPartMaxSize`.
    pub part_max_size: u64,
}

/// One part's signed upload URL.
pub struct PartTarget {
    /// The https URL.
    pub url: String,
    /// `PUT` or `POST` (empty in the answer means PUT).
    pub method: PartMethod,
    /// The headers to replay exactly; values are secrets (the signature).
    pub headers: Vec<(String, Secret)>,
    /// `partObjectId`, echoed to `compose`.
    pub part_object_id: String,
}

/// How a part is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartMethod {
    /// `PUT` (the default).
    Put,
    /// `POST`.
    Post,
}

impl std::fmt::Debug for PartTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartTarget")
            .field("url", &"<signed url>")
            .field("method", &self.method)
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("part_object_id", &self.part_object_id)
            .finish()
    }
}

/// One uploaded part, as `compose` wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonePart {
    /// 1-based part number.
    pub number: u32,
    /// `partObjectId` of its part URL.
    pub part_object_id: String,
    /// The ETag the upload host answered, verbatim (quotes included).
    pub etag: String,
}

/// The key of part `n` in the `parts` and `compose` bodies: literally `additionalPropN`.
fn part_key(n: u32) -> String {
    format!("additionalProp{n}")
}

/// A size field: a number, or a string holding one; absent or 0 means `default`.
fn size_field(root: &Value, key: &str, default: u64, what: &str) -> Result<u64> {
    match root.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match as_i64(v) {
            Some(0) => Ok(default),
            Some(n) if n > 0 => Ok(n as u64),
            _ => Err(Error::Protocol(format!("{what}: {key} is not a positive number"))),
        },
    }
}

/// A string field that may also arrive as a number.
fn text_field(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parse an `init` answer (HTTP 200).
pub fn parse_init(body: &[u8]) -> Result<Session> {
    const WHAT: &str = "multipart init";
    let root = ok_envelope(body, WHAT)?;
    // Some answers wrap the fields in `data` (as bind's answer may): read either.
    let fields = if root.get("objectId").is_none() { root.get("data").unwrap_or(&root) } else { &root };
    let object_id = text_field(fields.get("objectId"))
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: the answer has no objectId")))?;
    if let Some(problem) = IdKind::Object.problem(&object_id) {
        return Err(Error::Protocol(format!("{WHAT}: objectId {problem}")));
    }
    let upload_id = text_field(fields.get("nspUploadId"))
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: the answer has no nspUploadId")))?;
    if let Some(problem) = IdKind::Object.problem(&upload_id) {
        return Err(Error::Protocol(format!("{WHAT}: nspUploadId {problem}")));
    }
    let part_min_size = size_field(fields, "nspPartMinSize", DEFAULT_PART_MIN_SIZE, WHAT)?;
    let part_max_size = size_field(fields, "nspPartMaxSize", DEFAULT_PART_MAX_SIZE, WHAT)?;
    if part_max_size < part_min_size {
        return Err(Error::Protocol(format!(
            "{WHAT}: nspPartMaxSize {part_max_size} is smaller than nspPartMinSize {part_min_size}"
        )));
    }
    Ok(Session { object_id, upload_id, part_min_size, part_max_size })
}

/// What part `number` must have been signed for.
pub struct PartQuery<'a> {
    /// 1-based part number.
    pub number: u32,
    /// Exact length.
    pub length: u64,
    /// Lowercase hex SHA-256 of the part.
    pub sha256_hex: &'a str,
}

/// Parse a `parts` answer (HTTP 200) for the one part asked.
pub fn parse_part(body: &[u8], part: &PartQuery<'_>) -> Result<PartTarget> {
    const WHAT: &str = "multipart parts";
    let mut root = Wiped(ok_envelope(body, WHAT)?);
    let map = Wiped(root.0.get_mut("uploadInfoMap").map(Value::take).unwrap_or(Value::Null));
    drop(root);
    let key = part_key(part.number);
    let info = map
        .0
        .get(&key)
        .filter(|v| v.is_object())
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: uploadInfoMap has no {key}")))?;
    let url = info
        .get("url")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: {key}.url is missing")))?
        .trim()
        .to_owned();
    let authority = check_upload_url(&url)?;
    let method = match info.get("method").and_then(Value::as_str).map(str::trim).unwrap_or("") {
        "" => PartMethod::Put,
        m if m.eq_ignore_ascii_case("PUT") => PartMethod::Put,
        m if m.eq_ignore_ascii_case("POST") => PartMethod::Post,
        m => {
            return Err(Error::Protocol(format!(
                "{WHAT}: the part upload method is '{}', not PUT or POST",
                bounded(m, 20)
            )))
        }
    };
    let part_object_id = text_field(info.get("partObjectId"))
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: {key}.partObjectId is missing")))?;
    if let Some(problem) = IdKind::Object.problem(&part_object_id) {
        return Err(Error::Protocol(format!("{WHAT}: partObjectId {problem}")));
    }
    let fields = info.get("headers").unwrap_or(&Value::Null);
    let fields = if fields.is_null() { &Value::Object(Map::new()) } else { fields };
    let expect = SignedFor { authority: &authority, content_length: part.length, sha256_hex: part.sha256_hex };
    let headers = parse_signed_headers(fields, WHAT, &expect, false)?;
    Ok(PartTarget { url, method, headers, part_object_id })
}

/// `POST init`: open an upload session.
pub(crate) fn init(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    paths: &MultipartPaths,
    query: &InitQuery<'_>,
    deadline: Deadline,
) -> Result<Answer<Session>> {
    let release_type = query.release_type.unwrap_or(1).to_string();
    let params: Vec<(&str, &str)> = vec![
        ("appId", query.app_id),
        ("fileName", query.file_name),
        ("contentType", "application/octet-stream"),
        ("fileType", "1"),
        ("releaseType", &release_type),
    ];
    let request =
        Request { method: Method::Post, path: &paths.init, query: &params, body: None, what: "multipart init" };
    send(agent, base, auth, &request, deadline, parse_init)
}

/// `POST parts` for one part, asked right before its PUT (signed URLs live about 5 minutes).
pub(crate) fn part_url(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    paths: &MultipartPaths,
    session: &Session,
    part: &PartQuery<'_>,
    deadline: Deadline,
) -> Result<Answer<PartTarget>> {
    let body = json!({ part_key(part.number): {"sha256": part.sha256_hex, "length": part.length} });
    let params = [("objectId", session.object_id.as_str()), ("nspUploadId", session.upload_id.as_str())];
    let request = Request {
        method: Method::Post,
        path: &paths.parts,
        query: &params,
        body: Some(&body),
        what: "multipart parts",
    };
    send(agent, base, auth, &request, deadline, |b| parse_part(b, part))
}

/// The `compose` body: `{"additionalPropN": {"partObjectId", "etag"}}` for every part, in order.
pub fn compose_body(parts: &[DonePart]) -> Value {
    let mut m = Map::new();
    for p in parts {
        m.insert(part_key(p.number), json!({"partObjectId": p.part_object_id, "etag": p.etag}));
    }
    Value::Object(m)
}

/// `POST compose`: join the parts (`parts` in order, numbered from 1).
pub(crate) fn compose(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    paths: &MultipartPaths,
    session: &Session,
    parts: &[DonePart],
    deadline: Deadline,
) -> Result<Answer<()>> {
    let body = compose_body(parts);
    let params = [("objectId", session.object_id.as_str()), ("nspUploadId", session.upload_id.as_str())];
    let request = Request {
        method: Method::Post,
        path: &paths.compose,
        query: &params,
        body: Some(&body),
        what: "multipart compose",
    };
    send(agent, base, auth, &request, deadline, |b| super::parse_empty(b, "multipart compose"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn part() -> PartQuery<'static> {
        PartQuery { number: 2, length: 3, sha256_hex: SHA }
    }

    #[test]
    fn init_answers() {
        let s = parse_init(br#"{"ret":{"code":0},"objectId":"o/1","nspUploadId":"u1","nspPartMinSize":"1048576"}"#)
            .unwrap();
        assert_eq!((s.object_id.as_str(), s.upload_id.as_str(), s.part_min_size), ("o/1", "u1", 1 << 20));
        assert_eq!(s.part_max_size, DEFAULT_PART_MAX_SIZE);
        let s = parse_init(br#"{"ret":{"code":0},"data":{"objectId":"o","nspUploadId":7}}"#).unwrap();
        assert_eq!((s.upload_id.as_str(), s.part_min_size), ("7", DEFAULT_PART_MIN_SIZE));
        for bad in [
            &br#"{"ret":{"code":0},"nspUploadId":"u"}"#[..],
            br#"{"ret":{"code":0},"objectId":"o"}"#,
            br#"{"ret":{"code":0},"objectId":"o","nspUploadId":"u","nspPartMinSize":-1}"#,
            br#"{"ret":{"code":0},"objectId":"o","nspUploadId":"u","nspPartMinSize":10,"nspPartMaxSize":5}"#,
        ] {
            assert!(matches!(parse_init(bad), Err(Error::Protocol(_))), "{}", String::from_utf8_lossy(bad));
        }
        assert!(matches!(parse_init(br#"{"ret":{"code":204144641,"msg":"no"}}"#), Err(Error::Api { .. })));
    }

    fn parts_answer(headers: Value, method: &str) -> Vec<u8> {
        json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp2": {
            "url": "https://obs.example.com/b/o?partNumber=2&uploadId=u", "method": method,
            "headers": headers, "partObjectId": "p2"}}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn part_headers_as_object_as_string_and_with_non_strings() {
        let obj = json!({"Authorization": "AWS4-HMAC-SHA256 sig", "Host": "obs.example.com",
                         "x-amz-content-sha256": SHA, "x-obs-part": 2, "x-flag": true, "x-none": null});
        let t = parse_part(&parts_answer(obj.clone(), ""), &part()).unwrap();
        assert_eq!(t.method, PartMethod::Put);
        assert_eq!(t.part_object_id, "p2");
        let got: Vec<(&str, &str)> = t.headers.iter().map(|(n, v)| (n.as_str(), v.expose())).collect();
        assert!(got.contains(&("x-obs-part", "2")) && got.contains(&("x-flag", "true")), "{got:?}");
        assert!(!got.iter().any(|(n, _)| *n == "x-none"));
        assert!(!format!("{t:?}").contains("AWS4"));
        let t2 = parse_part(&parts_answer(Value::String(obj.to_string()), "post"), &part()).unwrap();
        assert_eq!(t2.method, PartMethod::Post);
        assert_eq!(t2.headers.len(), t.headers.len());
        // UNSIGNED-PAYLOAD is accepted (our re-hash still guards the bytes).
        let unsigned = json!({"Host": "obs.example.com", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"});
        assert!(parse_part(&parts_answer(unsigned, "PUT"), &part()).is_ok());
    }

    #[test]
    fn hostile_part_answers_are_refused() {
        let bad = [
            parts_answer(json!({"Host": "evil.example.com"}), "PUT"),
            parts_answer(json!({"x-amz-content-sha256": "0".repeat(64)}), "PUT"),
            parts_answer(json!({"Content-Length": "4"}), "PUT"),
            parts_answer(json!({"a": {"nested": 1}}), "PUT"),
            parts_answer(json!({"a": [1]}), "PUT"),
            parts_answer(json!("{not json"), "PUT"),
            parts_answer(json!({"x": "a\r\nInjected: 1"}), "PUT"),
            parts_answer(json!({}), "DELETE"),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": {"url": "https://h/x", "partObjectId": "p"}}})
                .to_string()
                .into_bytes(),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp2": {"url": "http://h/x", "partObjectId": "p"}}})
                .to_string()
                .into_bytes(),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp2": {"url": "https://h/x"}}})
                .to_string()
                .into_bytes(),
        ];
        for b in bad {
            let e = parse_part(&b, &part()).unwrap_err();
            assert!(matches!(e, Error::Protocol(_)), "{e} for {}", String::from_utf8_lossy(&b));
        }
    }

    #[test]
    fn compose_body_numbers_the_parts_and_keeps_etags_verbatim() {
        let parts = [
            DonePart { number: 1, part_object_id: "p1".into(), etag: "\"abc\"".into() },
            DonePart { number: 2, part_object_id: "p2".into(), etag: "W/\"x\"".into() },
        ];
        let v = compose_body(&parts);
        assert_eq!(v["additionalProp1"]["etag"], "\"abc\"");
        assert_eq!(v["additionalProp2"]["partObjectId"], "p2");
        assert!(MultipartPaths::default().validate().is_ok());
        let bad = MultipartPaths { parts: "x?y".into(), ..MultipartPaths::default() };
        assert!(bad.validate().is_err());
    }
}
