//! AGC's multipart upload: `init`, `parts` (a SigV4-signed URL per part), the part PUTs
//! (verified like the single PUT: signature, date, length, SHA-256 when one was declared), and
//! `compose`, which checks that every part is present, in order, with its ETag, and stores the
//! concatenation.
//!
//! Strict where Huawei's pages are (docs/protocol.md, "Multipart upload"): `init` takes query
//! parameters only (no body; `chineseMainlandFlag` 0/1, `releaseType` 1/6); a `parts` body must
//! be the full map `additionalProp1..N` in order (parts are numbered by their position, as a
//! server that reads the map in order would); a part is at most 100 MB; the `sha256` of a part
//! is optional (empty: the URL is signed `UNSIGNED-PAYLOAD`); `partObjectId` may be missing or
//! empty in the answer ([`crate::Fault::NoPartObjectIds`]); a second `parts` call can be
//! refused ([`crate::Fault::PartsOnce`]) and must then repeat the same map.
//!
//! Part bodies are kept in files under the server's temporary directory (a 200 MiB upload
//! costs one part of memory at a time); the composed object is hashed from them and, when
//! [`crate::MockConfig::store_bodies`], read back into memory. With neither stored bodies nor
//! [`crate::MockConfig::multipart_object_digest`] (`--no-store --no-multipart-digest`, the
//! benchmarks), a part is verified (signature, length, SHA-256) and counted, never kept: no
//! file, and compose records the object's size with an empty digest instead of hashing the
//! whole object again (S3's CompleteMultipartUpload does not hash it either). A multipart
//! upload then costs the mock the same work per byte as one PUT: decrypt, one SHA-256.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::model::Fault;
use crate::server_common::{
    answer, count_body, obs_credentials, read_body, reset_after, ret_json, single, store, Outcome, Put, C, SIGNED,
};
use crate::sigv4::{self, VerifyError};
use crate::state::{Issued, Received, Session, Shared};
use crate::util::{self, aws_uri_encode, now_secs, parse_query};

/// `ret.code` of a refused multipart call (unknown session, bad part list).
const INVALID: i64 = 204_144_641;
/// Init's documented query parameters (`fileType` is not on the current page but was sent
/// live by easy-publisher, so it is tolerated).
const INIT_KEYS: [&str; 6] = ["appId", "fileName", "contentType", "fileType", "releaseType", "chineseMainlandFlag"];
/// "单个分片最大限制为100MB" (Huawei's FilePartInfo page), read as 10^6-byte MB.
const PART_MAX_SIZE: u64 = 100_000_000;

/// Are part bodies kept (in files) until compose? Not when the server neither stores bodies nor
/// hashes composed objects.
fn keeps_parts(shared: &Shared) -> bool {
    shared.config.store_bodies || shared.config.multipart_object_digest
}

/// Is this a multipart Connect API path?
pub(crate) fn is_multipart_path(p: &str) -> bool {
    matches!(
        p,
        "/api/publish/v2/upload/multipart/init"
            | "/api/publish/v2/upload/multipart/parts"
            | "/api/publish/v2/upload/multipart/compose"
    )
}

/// `init`, `parts` or `compose` (authenticated already).
pub(crate) fn handle(shared: &Arc<Shared>, c: &mut C, path: &str, query: &[(String, String)], body: &[u8]) -> Outcome {
    let blen = body.len() as u64;
    match path {
        "/api/publish/v2/upload/multipart/init" => init(shared, c, query, blen),
        "/api/publish/v2/upload/multipart/parts" if matches!(shared.fault(), Fault::PartsRefused(_)) => {
            let code = if let Fault::PartsRefused(code) = shared.fault() { code } else { INVALID };
            answer(c, 200, &ret_json(code, "multipart upload is not available for this app"), blen)
        }
        "/api/publish/v2/upload/multipart/parts"
            if shared.fault() == Fault::PartsOnce && asked_before(shared, query) =>
        {
            answer(c, 200, &ret_json(INVALID, "the part URLs of this upload were already issued"), blen)
        }
        "/api/publish/v2/upload/multipart/parts" => parts(shared, c, query, body),
        _ => compose(shared, c, query, body),
    }
}

/// Has this session's `parts` been asked already?
fn asked_before(shared: &Shared, query: &[(String, String)]) -> bool {
    let st = shared.lock();
    single(query, "nspUploadId").and_then(|u| st.multipart.sessions.get(u)).is_some_and(|s| s.map.is_some())
}

fn init(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], blen: u64) -> Outcome {
    if blen > 0 {
        return answer(c, 400, &ret_json(INVALID, "invalid request: init takes query parameters only"), blen);
    }
    for (k, v) in query {
        let value_ok = match k.as_str() {
            "chineseMainlandFlag" => v == "0" || v == "1",
            "releaseType" => v == "1" || v == "6",
            _ => true,
        };
        if !INIT_KEYS.contains(&k.as_str()) || query.iter().filter(|(x, _)| x == k).count() > 1 || !value_ok {
            return answer(c, 400, &ret_json(INVALID, &format!("invalid parameter: {k}")), blen);
        }
    }
    let Some(app_id) = single(query, "appId").filter(|a| !a.is_empty()) else {
        return answer(c, 400, &ret_json(INVALID, "invalid parameter: appId"), blen);
    };
    let file_name = single(query, "fileName").unwrap_or("");
    let has_suffix = file_name.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
    if !has_suffix || file_name.contains(['/', '\\']) || file_name.chars().any(char::is_control) {
        return answer(c, 400, &ret_json(INVALID, "invalid parameter: fileName"), blen);
    }
    if let Some(Fault::MultipartInitRefused(code)) =
        shared.take_fault(|f| matches!(f, Fault::MultipartInitRefused(_)), false)
    {
        return answer(c, 200, &ret_json(code, "multipart upload is not available for this app"), blen);
    }
    let upload_id = util::random_hex(16);
    let object_id = format!("{app_id}/{}/{file_name}", util::random_hex(8));
    let session = Session {
        app_id: app_id.to_string(),
        file_name: file_name.to_string(),
        object_id: object_id.clone(),
        issued: HashMap::new(),
        received: BTreeMap::new(),
        map: None,
    };
    shared.lock().multipart.sessions.insert(upload_id.clone(), session);
    let (min, max) = (shared.config.multipart_part_min_size, shared.config.multipart_part_max_size);
    let doc = json!({"ret": {"code": 0, "msg": "success"}, "objectId": object_id, "nspUploadId": upload_id,
                     "nspPartMinSize": min, "nspPartMaxSize": max});
    answer(c, 200, &doc, blen)
}

/// The session named by `objectId` and `nspUploadId`, or the refusal to answer.
fn session_of(shared: &Shared, query: &[(String, String)]) -> Result<(String, Session), &'static str> {
    let ok_keys = query.iter().all(|(k, _)| k == "objectId" || k == "nspUploadId");
    let (Some(object_id), Some(upload_id)) = (single(query, "objectId"), single(query, "nspUploadId")) else {
        return Err("invalid parameter: objectId and nspUploadId are required");
    };
    if !ok_keys {
        return Err("invalid parameter");
    }
    match shared.lock().multipart.sessions.get(upload_id) {
        Some(s) if s.object_id == object_id => Ok((upload_id.to_string(), s.clone())),
        _ => Err("invalid parameter: nspUploadId not found"),
    }
}

/// A JSON object's entries in the order they were written (serde_json's map sorts its keys,
/// which would hide a body that lists parts out of order). `None`: not a JSON object.
fn ordered_entries(body: &[u8]) -> Option<Vec<(String, Value)>> {
    struct Entries(Vec<(String, Value)>);
    impl<'de> serde::Deserialize<'de> for Entries {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Entries;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                    let mut out = Vec::new();
                    while let Some(entry) = m.next_entry::<String, Value>()? {
                        out.push(entry);
                    }
                    Ok(Entries(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_slice::<Entries>(body).ok().map(|e| e.0)
}

/// The part number of an `additionalPropN` key (N from 1).
fn part_number(key: &str) -> Option<u32> {
    let n = key.strip_prefix("additionalProp")?;
    if n.starts_with('0') || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok().filter(|n| (1..=10_000).contains(n))
}

fn parts(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], body: &[u8]) -> Outcome {
    let blen = body.len() as u64;
    let (upload_id, session) = match session_of(shared, query) {
        Ok(s) => s,
        Err(m) => return answer(c, 200, &ret_json(INVALID, m), blen),
    };
    let Some(asked) = ordered_entries(body) else {
        return answer(c, 400, &ret_json(INVALID, "invalid request body"), blen);
    };
    if asked.is_empty() {
        return answer(c, 200, &ret_json(INVALID, "invalid parameter: no parts"), blen);
    }
    let (min, max) = (shared.config.multipart_part_min_size, shared.config.multipart_part_max_size.min(PART_MAX_SIZE));
    let mut lengths = Vec::new();
    for (i, (key, v)) in asked.iter().enumerate() {
        // Numbered by position: the map must list every part from 1, in order.
        if part_number(key) != Some(i as u32 + 1) {
            return answer(
                c,
                200,
                &ret_json(INVALID, "invalid parameter: the map must list every part as additionalProp1..N, in order"),
                blen,
            );
        }
        let length = v.get("length").and_then(Value::as_u64).unwrap_or(0);
        let last = i + 1 == asked.len();
        if length == 0 || length > max || (!last && length < min) {
            return answer(c, 200, &ret_json(INVALID, &format!("invalid parameter: {key}.length")), blen);
        }
        lengths.push(length);
    }
    if session.map.as_ref().is_some_and(|m| *m != lengths) {
        return answer(c, 200, &ret_json(INVALID, "invalid parameter: not the part map asked before"), blen);
    }
    let stale = shared.take_fault(|f| *f == Fault::PartUrlExpiredOnce, true).is_some();
    let as_text = shared.fault() == Fault::PartHeadersAsText;
    let date = util::amz_date(if stale { now_secs() - 20 * 60 } else { now_secs() });
    let creds = obs_credentials(shared);
    let authority = shared.authority();
    let mut map = Map::new();
    let mut issued = Vec::new();
    let no_ids = shared.fault() == Fault::NoPartObjectIds;
    for (i, (key, v)) in asked.iter().enumerate() {
        let n = i as u32 + 1;
        let length = lengths[i];
        let sha = match v.get("sha256") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s.as_str(),
            Some(_) => return answer(c, 200, &ret_json(INVALID, &format!("invalid parameter: {key}.sha256")), blen),
        };
        let sha_ok = sha.is_empty()
            || (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        if !sha_ok {
            return answer(c, 200, &ret_json(INVALID, &format!("invalid parameter: {key}.sha256")), blen);
        }
        let payload = if sha.is_empty() { sigv4::UNSIGNED_PAYLOAD } else { sha };
        let path = format!("/obs/{}/{}", crate::model::OBS_BUCKET, aws_uri_encode(&session.object_id, true));
        let q = vec![("partNumber".to_string(), n.to_string()), ("uploadId".to_string(), upload_id.clone())];
        let mut headers: Vec<(String, String)> = vec![
            ("x-amz-content-sha256".into(), payload.to_string()),
            ("x-amz-date".into(), date.clone()),
            ("Host".into(), authority.clone()),
            ("user-agent".into(), crate::model::OBS_USER_AGENT.into()),
            ("Content-Type".into(), "application/octet-stream".into()),
        ];
        let mut signed: Vec<String> = SIGNED.iter().map(|s| s.to_string()).collect();
        if as_text {
            // A non-string value in the answer; signed, so the PUT must replay it as "N".
            headers.push(("x-obs-part-number".into(), n.to_string()));
            signed.push("x-obs-part-number".into());
        }
        let Some(authz) = sigv4::sign_v4(&creds, "PUT", &path, &q, &headers, &signed, payload, &date) else {
            return answer(c, 500, &ret_json(500, "signing failed"), blen);
        };
        let part_object_id =
            if no_ids { String::new() } else { format!("{}.part{n}.{}", session.object_id, util::random_hex(4)) };
        let mut hdrs = json!({"Authorization": authz});
        for (k, v) in &headers {
            hdrs[k.as_str()] = if k == "x-obs-part-number" { json!(n) } else { json!(v) };
        }
        let hdrs = if as_text { Value::String(hdrs.to_string()) } else { hdrs };
        let url = format!("https://{authority}{path}?partNumber={n}&uploadId={upload_id}");
        let mut info = json!({"url": url, "method": "PUT", "headers": hdrs, "partObjectId": part_object_id});
        if no_ids && n % 2 == 1 {
            info.as_object_mut().map(|o| o.remove("partObjectId"));
        }
        map.insert(key.clone(), info);
        issued.push((n, Issued { part_object_id, length, sha256: sha.to_string() }, authz));
    }
    {
        let mut st = shared.lock();
        for (n, i, authz) in issued {
            st.upload_auths.push(authz);
            if let Some(s) = st.multipart.sessions.get_mut(&upload_id) {
                s.issued.insert(n, i);
            }
        }
        if let Some(s) = st.multipart.sessions.get_mut(&upload_id) {
            s.map = Some(lengths);
        }
    }
    answer(c, 200, &json!({"ret": {"code": 0, "msg": "success"}, "uploadInfoMap": map}), blen)
}

/// A part PUT (`/obs/<bucket>/<objectId>?partNumber=N&uploadId=U`): signature, date, the
/// issued length and SHA-256, then the body (reset by [`Fault::PartResetEvery`]).
pub(crate) fn handle_part_put(shared: &Arc<Shared>, mut p: Put<'_>, len: u64) -> Outcome {
    let query = parse_query(&p.req.raw_query);
    match sigv4::verify(&obs_credentials(shared), &p.req.method, &p.req.raw_path, &query, &p.req.headers) {
        Ok(_) => {}
        Err(VerifyError::AccessDenied(m)) => return p.refuse(403, "AccessDenied", &m, &[]),
        Err(VerifyError::SignatureDoesNotMatch) => {
            return p.refuse(403, "SignatureDoesNotMatch", "The request signature we calculated does not match.", &[])
        }
    }
    let date_ok = p
        .req
        .header("x-amz-date")
        .and_then(util::parse_amz_date)
        .is_some_and(|t| (now_secs() - t).abs() <= crate::model::MAX_SKEW_SECS);
    if !date_ok {
        return p.refuse(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the server's time is too large.",
            &[],
        );
    }
    let number = single(&query, "partNumber").and_then(|n| n.parse::<u32>().ok());
    let upload_id = single(&query, "uploadId").unwrap_or("").to_string();
    let prefix = format!("/obs/{}/", crate::model::OBS_BUCKET);
    let object_id = util::percent_decode(p.req.raw_path.get(prefix.len()..).unwrap_or(""), false);
    let found = number.and_then(|n| {
        let st = shared.lock();
        let s = st.multipart.sessions.get(&upload_id).filter(|s| s.object_id == object_id)?;
        Some((n, s.issued.get(&n)?.clone()))
    });
    let Some((number, issued)) = found else {
        return p.refuse(404, "NoSuchUpload", "The specified multipart upload does not exist.", &[]);
    };
    if len != issued.length {
        return p.refuse(400, "BadRequest", "Content-Length does not match the declared part length.", &[]);
    }
    if !p.continue_100() {
        return Outcome::dead(0);
    }
    let keep = keeps_parts(shared);
    let body = read_body(shared, &mut p, len, reset_after(shared, true), keep);
    let got = match &body {
        Ok(b) => b.got,
        Err(o) => o.body_received,
    };
    count_body(shared, got);
    let body = match body {
        Ok(b) => b,
        Err(o) => return o,
    };
    let claimed = p.req.header("x-amz-content-sha256").unwrap_or("").trim().to_ascii_lowercase();
    let unsigned = issued.sha256.is_empty() && claimed == sigv4::UNSIGNED_PAYLOAD.to_ascii_lowercase();
    if !unsigned && (claimed != body.sha256_hex || issued.sha256 != body.sha256_hex) {
        p.cl = Some(0); // body already read
        let o = p.refuse(
            400,
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            &[],
        );
        return Outcome { body_received: got, complete: true, ..o };
    }
    // The bytes go to a file (when kept at all): parts are never held in memory.
    let mut file = None;
    if keep {
        let path = shared.temp_dir.join(format!("part-{upload_id}-{number}-{}", util::random_hex(4)));
        if std::fs::write(&path, body.bytes.as_deref().unwrap_or_default()).is_err() {
            let o = Put { cl: Some(0), ..p }.refuse(500, "InternalError", "the mock could not keep the part", &[]);
            return Outcome { body_received: got, complete: true, ..o };
        }
        file = Some(path);
    }
    let etag = format!("\"{}\"", util::random_hex(16));
    {
        let mut st = shared.lock();
        st.multipart.stored_parts.push((upload_id.clone(), number));
        if let Some(s) = st.multipart.sessions.get_mut(&upload_id) {
            let old = s.received.insert(
                number,
                Received { part_object_id: issued.part_object_id, etag: etag.clone(), length: len, file },
            );
            if let Some(f) = old.and_then(|o| o.file) {
                let _ = std::fs::remove_file(f);
            }
        }
    }
    match p.c.respond(200, &[("ETag", etag)], b"", false) {
        Ok(()) => Outcome::answered(200, got, true),
        Err(_) => Outcome { status: 200, body_received: got, complete: true, keep: false, abort: false },
    }
}

fn compose(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], body: &[u8]) -> Outcome {
    let blen = body.len() as u64;
    let (upload_id, session) = match session_of(shared, query) {
        Ok(s) => s,
        Err(m) => return answer(c, 200, &ret_json(INVALID, m), blen),
    };
    if shared.take_fault(|f| *f == Fault::ComposeFailsOnce, true).is_some() {
        return answer(c, 500, &ret_json(500, "internal server error"), blen);
    }
    let bare_etags = shared.fault() == Fault::ComposeWantsBareEtags;
    let Ok(Value::Object(given)) = serde_json::from_slice::<Value>(body) else {
        return answer(c, 400, &ret_json(INVALID, "invalid request body"), blen);
    };
    let mut numbered: Vec<(u32, &Value)> = Vec::new();
    for (k, v) in &given {
        match part_number(k) {
            Some(n) => numbered.push((n, v)),
            None => {
                return answer(c, 200, &ret_json(INVALID, "invalid parameter: part keys are additionalPropN"), blen)
            }
        }
    }
    numbered.sort_by_key(|(n, _)| *n);
    if numbered.is_empty() || numbered.iter().enumerate().any(|(i, (n, _))| *n as usize != i + 1) {
        return answer(c, 200, &ret_json(INVALID, "invalid parameter: parts must be numbered 1..N without gaps"), blen);
    }
    let min = shared.config.multipart_part_min_size;
    let last = numbered.len();
    let mut files = Vec::new();
    for (i, (n, v)) in numbered.iter().enumerate() {
        let Some(r) = session.received.get(n) else {
            return answer(c, 200, &ret_json(INVALID, &format!("invalid parameter: part {n} was not uploaded")), blen);
        };
        // A part URL given without a partObjectId comes back as "" or not at all.
        let pid = match v.get("partObjectId") {
            None if r.part_object_id.is_empty() => Some(""),
            other => other.and_then(Value::as_str),
        };
        let etag = v.get("etag").and_then(Value::as_str);
        let want_etag = if bare_etags { r.etag.trim_matches('"') } else { r.etag.as_str() };
        if pid != Some(r.part_object_id.as_str()) || etag != Some(want_etag) {
            return answer(
                c,
                200,
                &ret_json(INVALID, &format!("invalid parameter: part {n}: wrong partObjectId or etag")),
                blen,
            );
        }
        if i + 1 < last && r.length < min {
            return answer(
                c,
                200,
                &ret_json(INVALID, &format!("invalid parameter: part {n} is smaller than nspPartMinSize")),
                blen,
            );
        }
        files.push((r.file.clone(), r.length));
    }
    if !keeps_parts(shared) {
        // `--no-store --no-multipart-digest`: every part was verified against its SHA-256 when it came; the object is
        // recorded with its size only (see the module doc).
        let size = files.iter().map(|(_, len)| len).sum();
        store(shared, &session.object_id, &session.file_name, &session.app_id, size, "", None);
        shared.lock().multipart.sessions.remove(&upload_id);
        return answer(c, 200, &ret_json(0, "success"), blen);
    }
    // The object is the concatenation of the parts, in order.
    let mut hasher = Sha256::new();
    let mut bytes = shared.config.store_bodies.then(Vec::new);
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    for (f, _) in &files {
        let Some(Ok(mut file)) = f.as_ref().map(std::fs::File::open) else {
            return answer(c, 500, &ret_json(500, "part lost"), blen);
        };
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return answer(c, 500, &ret_json(500, "part unreadable"), blen),
            };
            hasher.update(&buf[..n]);
            if let Some(b) = bytes.as_mut() {
                let _ = b.write_all(&buf[..n]);
            }
            size += n as u64;
        }
    }
    store(shared, &session.object_id, &session.file_name, &session.app_id, size, &util::hex(&hasher.finalize()), bytes);
    if let Some(s) = shared.lock().multipart.sessions.remove(&upload_id) {
        for f in s.received.values().filter_map(|r| r.file.as_ref()) {
            let _ = std::fs::remove_file(f);
        }
    }
    answer(c, 200, &ret_json(0, "success"), blen)
}
