//! AGC's multipart upload ("Upload Management" API): `init`, `parts` (the signed URLs of
//! every part, asked in one call), `compose`. Requests and parsers only; the transfer is in
//! `client/upload.rs` and `transfer.rs`.
//!
//! Sources: Huawei's pages agc-help-upload-api-obbfile-* and FilePartInfo, Huawei's sample
//! `UploadMultipartParts.java`, and two live-tested publishers (easy-publisher, a multipart CI
//! script); see `docs/protocol.md` section "Multipart upload" for each point and its source.
//! The paths are [`MultipartPaths`]' defaults.

use serde_json::{json, Map, Value};

use super::ids::IdKind;
use super::upload_url::{check_upload_url, parse_signed_headers, SignedFor, Wiped};
use super::AuthHeaders;
use super::{as_i64, ok_envelope, send, Answer, Body, Method, Request};
use crate::error::{bounded, Error, Result};
use crate::net::http::Deadline;
use crate::text::secret::Secret;

/// The part size AGC asks for when its `init` answer names none (Huawei's init page and
/// easy-publisher's fallback).
pub const DEFAULT_PART_MIN_SIZE: u64 = 5 * 1024 * 1024;
/// The largest part when `init` names no `nspPartMaxSize` (Huawei's init page: 1 GiB).
pub const DEFAULT_PART_MAX_SIZE: u64 = 1024 * 1024 * 1024;
/// The largest part AGC takes, whatever `nspPartMaxSize` says: "单个分片最大限制为100MB"
/// (Huawei's FilePartInfo and part upload pages). Whether that MB is 10^6 or 2^20 bytes is not
/// stated: the smaller reading is used, so no part can be too large under either.
pub const PART_MAX_SIZE: u64 = 100_000_000;
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

/// What `init` needs: query parameters only, no body (Huawei's init page; every source sends
/// none). `contentType` is its documented default; `fileType` is not on the current page and is
/// never sent (the live-tested CI script omits it).
#[derive(Debug, Clone)]
pub struct InitQuery<'a> {
    /// The app's id.
    pub app_id: &'a str,
    /// The name AGC records.
    pub file_name: &'a str,
    /// `releaseType`, only as the caller set it (a live test-release publisher sends none).
    pub release_type: Option<u32>,
    /// `chineseMainlandFlag` (0/1), only as the caller set it: developers outside mainland
    /// China need it (AGC error 204144694 otherwise).
    pub chinese_mainland: Option<bool>,
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
    /// `partObjectId` as given (empty when the answer had none), echoed to `compose`.
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

/// The `parts` body: `additionalProp1..N` in that order, each `{"sha256": "", "length"}`.
///
/// Every part is listed, numbered from 1 (Huawei's page: the call "gets the upload URLs of all
/// parts"; a server that numbers parts by position must see them in order, so the text is
/// written in numeric order, not serde_json's key order). `sha256` is optional in the
/// documented body and sent empty, as the live-tested CI script does: the parts go unsigned
/// (see `docs/protocol.md` on what integrity that leaves).
pub fn parts_body(lengths: &[u64]) -> String {
    ordered_object(lengths.iter().enumerate().map(|(i, len)| (i as u32 + 1, json!({"sha256": "", "length": len}))))
}

/// `{"additionalProp1": v1, "additionalProp2": v2, ...}` with the keys in numeric order.
fn ordered_object(entries: impl Iterator<Item = (u32, Value)>) -> String {
    let mut text = String::from("{");
    for (i, (n, v)) in entries.enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&Value::String(part_key(n)).to_string());
        text.push(':');
        text.push_str(&v.to_string());
    }
    text.push('}');
    text
}

/// Parse a `parts` answer (HTTP 200): the target of every part, in order (`lengths[i]` is
/// part i+1's length, which its signature must allow).
pub fn parse_parts(body: &[u8], lengths: &[u64]) -> Result<Vec<PartTarget>> {
    const WHAT: &str = "multipart parts";
    let mut root = Wiped(ok_envelope(body, WHAT)?);
    let map = Wiped(root.0.get_mut("uploadInfoMap").map(Value::take).unwrap_or(Value::Null));
    drop(root);
    let mut targets = Vec::with_capacity(lengths.len());
    for (i, &length) in lengths.iter().enumerate() {
        let key = part_key(i as u32 + 1);
        let info = map
            .0
            .get(&key)
            .filter(|v| v.is_object())
            .ok_or_else(|| Error::Protocol(format!("{WHAT}: uploadInfoMap has no {key}")))?;
        targets.push(parse_part_info(info, &key, length)?);
    }
    Ok(targets)
}

fn parse_part_info(info: &Value, key: &str, length: u64) -> Result<PartTarget> {
    const WHAT: &str = "multipart parts";
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
    // Huawei's own compose example sends `"partObjectId": ""`, and the live-tested publishers
    // accept a missing one: echo back what was given.
    let part_object_id = text_field(info.get("partObjectId")).unwrap_or_default();
    if !part_object_id.is_empty() {
        if let Some(problem) = IdKind::Object.problem(&part_object_id) {
            return Err(Error::Protocol(format!("{WHAT}: {key}.partObjectId {problem}")));
        }
    }
    let fields = info.get("headers").unwrap_or(&Value::Null);
    let fields = if fields.is_null() { &Value::Object(Map::new()) } else { fields };
    let expect = SignedFor { authority: &authority, content_length: length, sha256_hex: None };
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
    let release_type = query.release_type.map(|r| r.to_string());
    let mut params: Vec<(&str, &str)> =
        vec![("appId", query.app_id), ("fileName", query.file_name), ("contentType", "application/octet-stream")];
    if let Some(r) = &release_type {
        params.push(("releaseType", r));
    }
    if let Some(m) = query.chinese_mainland {
        params.push(("chineseMainlandFlag", if m { "1" } else { "0" }));
    }
    let request = Request {
        method: Method::Post,
        path: &paths.init,
        query: &params,
        body: Some(Body::Empty),
        what: "multipart init",
        headers: &[],
    };
    send(agent, base, auth, &request, deadline, parse_init)
}

/// `POST parts` with the full map of `lengths` (part 1 first): the URLs of every part.
pub(crate) fn part_urls(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    paths: &MultipartPaths,
    session: &Session,
    lengths: &[u64],
    deadline: Deadline,
) -> Result<Answer<Vec<PartTarget>>> {
    let body = parts_body(lengths);
    let params = [("objectId", session.object_id.as_str()), ("nspUploadId", session.upload_id.as_str())];
    let request = Request {
        method: Method::Post,
        path: &paths.parts,
        query: &params,
        body: Some(Body::Text(&body)),
        what: "multipart parts",
        headers: &[],
    };
    send(agent, base, auth, &request, deadline, |b| parse_parts(b, lengths))
}

/// The `compose` body: `{"additionalPropN": {"partObjectId", "etag"}}` for every part, in
/// numeric order. `bare`: each ETag without its surrounding quotes (both forms were used
/// live: easy-publisher keeps the quotes, the CI script strips them).
pub fn compose_body(parts: &[DonePart], bare: bool) -> String {
    ordered_object(parts.iter().map(|p| {
        let etag = if bare { strip_quotes(&p.etag) } else { &p.etag };
        (p.number, json!({"partObjectId": p.part_object_id, "etag": etag}))
    }))
}

/// An ETag without the quotes around it (and a weak `W/` prefix's), else as it is.
pub fn strip_quotes(etag: &str) -> &str {
    let e = etag.strip_prefix("W/").unwrap_or(etag);
    e.strip_prefix('"').and_then(|e| e.strip_suffix('"')).unwrap_or(etag)
}

/// `POST compose`: join the parts; `body` is [`compose_body`]'s.
pub(crate) fn compose(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    paths: &MultipartPaths,
    session: &Session,
    body: &str,
    deadline: Deadline,
) -> Result<Answer<()>> {
    let params = [("objectId", session.object_id.as_str()), ("nspUploadId", session.upload_id.as_str())];
    let request = Request {
        method: Method::Post,
        path: &paths.compose,
        query: &params,
        body: Some(Body::Text(body)),
        what: "multipart compose",
        headers: &[],
    };
    send(agent, base, auth, &request, deadline, |b| super::parse_empty(b, "multipart compose"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /// Two parts: 5 bytes, then 3.
    const LENGTHS: [u64; 2] = [5, 3];

    /// The answer's entry for part 2 is `part2`; part 1's is a plain valid one.
    fn parse_second(body: &[u8]) -> Result<PartTarget> {
        parse_parts(body, &LENGTHS).map(|mut t| t.remove(1))
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

    fn part_1() -> Value {
        json!({"url": "https://obs.example.com/b/o?partNumber=1&uploadId=u", "headers": {"Host": "obs.example.com"},
               "partObjectId": "p1"})
    }

    fn parts_answer(headers: Value, method: &str) -> Vec<u8> {
        json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": part_1(), "additionalProp2": {
            "url": "https://obs.example.com/b/o?partNumber=2&uploadId=u", "method": method,
            "headers": headers, "partObjectId": "p2"}}})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn part_headers_as_object_as_string_and_with_non_strings() {
        let obj = json!({"Authorization": "AWS4-HMAC-SHA256 sig", "Host": "obs.example.com",
                         "x-amz-content-sha256": SHA, "x-obs-part": 2, "x-flag": true, "x-none": null});
        let t = parse_second(&parts_answer(obj.clone(), "")).unwrap();
        assert_eq!(t.method, PartMethod::Put);
        assert_eq!(t.part_object_id, "p2");
        let got: Vec<(&str, &str)> = t.headers.iter().map(|(n, v)| (n.as_str(), v.expose())).collect();
        assert!(got.contains(&("x-obs-part", "2")) && got.contains(&("x-flag", "true")), "{got:?}");
        assert!(!got.iter().any(|(n, _)| *n == "x-none"));
        assert!(!format!("{t:?}").contains("AWS4"));
        let t2 = parse_second(&parts_answer(Value::String(obj.to_string()), "post")).unwrap();
        assert_eq!(t2.method, PartMethod::Post);
        assert_eq!(t2.headers.len(), t.headers.len());
        // Parts are asked without their digest: whatever payload hash the URL was signed for
        // is the upload host's to check against the bytes.
        for sha in ["UNSIGNED-PAYLOAD", SHA] {
            let h = json!({"Host": "obs.example.com", "x-amz-content-sha256": sha});
            assert!(parse_second(&parts_answer(h, "PUT")).is_ok(), "{sha}");
        }
    }

    #[test]
    fn hostile_part_answers_are_refused() {
        let bad = [
            parts_answer(json!({"Host": "evil.example.com"}), "PUT"),
            parts_answer(json!({"Content-Length": "4"}), "PUT"),
            parts_answer(json!({"a": {"nested": 1}}), "PUT"),
            parts_answer(json!({"a": [1]}), "PUT"),
            parts_answer(json!("{not json"), "PUT"),
            parts_answer(json!({"x": "a\r\nInjected: 1"}), "PUT"),
            parts_answer(json!({}), "DELETE"),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": part_1()}}).to_string().into_bytes(),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp2": part_1()}}).to_string().into_bytes(),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": part_1(),
                   "additionalProp2": {"url": "http://h/x", "partObjectId": "p"}}})
            .to_string()
            .into_bytes(),
            json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": part_1(),
                   "additionalProp2": {"url": "https://h/x", "partObjectId": "p\u{202e}2"}}})
            .to_string()
            .into_bytes(),
        ];
        for b in bad {
            let e = parse_second(&b).unwrap_err();
            assert!(matches!(e, Error::Protocol(_)), "{e} for {}", String::from_utf8_lossy(&b));
        }
    }

    #[test]
    fn a_missing_or_empty_part_object_id_is_echoed_as_given() {
        for given in [json!(null), json!("")] {
            let mut one = part_1();
            one["partObjectId"] = given.clone();
            let body = json!({"ret": {"code": 0}, "uploadInfoMap": {"additionalProp1": one}}).to_string();
            let t = parse_parts(body.as_bytes(), &[5]).unwrap();
            assert_eq!(t[0].part_object_id, "", "{given}");
        }
    }

    #[test]
    fn the_parts_body_lists_every_part_in_numeric_order() {
        let lengths: Vec<u64> = (1..=12).map(|n| n * 10).collect();
        let text = parts_body(&lengths);
        let keys: Vec<usize> = (1..=12).map(|n| text.find(&format!("\"additionalProp{n}\"")).unwrap()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "numeric order, not text order: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["additionalProp12"], json!({"sha256": "", "length": 120}));
        assert_eq!(v.as_object().unwrap().len(), 12);
    }

    #[test]
    fn compose_body_numbers_the_parts_and_keeps_etags_verbatim_unless_asked_bare() {
        let parts: Vec<DonePart> = (1..=11)
            .map(|n| DonePart { number: n, part_object_id: format!("p{n}"), etag: format!("\"e{n}\"") })
            .collect();
        let text = compose_body(&parts, false);
        assert!(text.find("additionalProp2\"").unwrap() < text.find("additionalProp10\"").unwrap(), "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["additionalProp1"]["etag"], "\"e1\"");
        assert_eq!(v["additionalProp2"]["partObjectId"], "p2");
        let bare: Value = serde_json::from_str(&compose_body(&parts, true)).unwrap();
        assert_eq!(bare["additionalProp11"]["etag"], "e11");
        assert_eq!(strip_quotes("W/\"x\""), "x");
        assert_eq!(strip_quotes("plain"), "plain");
        assert_eq!(strip_quotes("\""), "\"");
    }
}
