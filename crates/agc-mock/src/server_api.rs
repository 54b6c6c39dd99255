//! `GET /api/publish/v2/upload-url/for-obs`: validation, SigV4 signing and the URL faults.

use std::io::Write;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::model::Fault;
use crate::server_common::{answer, obs_credentials, ret_json, single, Outcome, C, SIGNED};
use crate::sigv4;
use crate::state::{PendingUpload, Shared};
use crate::util::{self, aws_uri_encode, now_secs};

const ALLOWED: [&str; 6] = ["appId", "fileName", "contentLength", "sha256", "releaseType", "chineseMainlandFlag"];
/// Size of the [`Fault::HugeJson`] answer.
const HUGE_JSON_BYTES: u64 = 50 * 1000 * 1000;
fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn validate(query: &[(String, String)]) -> Result<(String, String, u64, Option<String>), String> {
    for (k, _) in query {
        if !ALLOWED.contains(&k.as_str()) {
            return Err(format!("invalid parameter: unknown parameter {k}"));
        }
        if query.iter().filter(|(x, _)| x == k).count() > 1 {
            return Err(format!("invalid parameter: {k} repeated"));
        }
    }
    let app_id = single(query, "appId").filter(|a| !a.is_empty()).ok_or("invalid parameter: appId")?;
    let file_name = single(query, "fileName").ok_or("invalid parameter: fileName")?;
    let has_suffix = file_name.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
    if !has_suffix || file_name.contains(['/', '\\']) || file_name.chars().any(char::is_control) {
        return Err("invalid parameter: fileName".into());
    }
    let len = single(query, "contentLength")
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .ok_or("invalid parameter: contentLength")?;
    let sha = match single(query, "sha256") {
        None => None,
        Some(s) if is_sha256_hex(s) => Some(s.to_string()),
        Some(_) => return Err("invalid parameter: sha256".into()),
    };
    if let Some(r) = single(query, "releaseType") {
        if r != "1" && r != "6" {
            return Err("invalid parameter: releaseType".into());
        }
    }
    if let Some(f) = single(query, "chineseMainlandFlag") {
        if f != "0" && f != "1" {
            return Err("invalid parameter: chineseMainlandFlag".into());
        }
    }
    Ok((app_id.to_string(), file_name.to_string(), len, sha))
}

pub(crate) fn upload_url(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], blen: u64) -> Outcome {
    let (app_id, file_name, len, sha) = match validate(query) {
        Ok(v) => v,
        Err(msg) => return answer(c, 400, &ret_json(204_144_641, &msg), blen),
    };
    let fault = shared.fault();
    if let Fault::ApiError(code, msg) = &fault {
        return answer(c, 200, &ret_json(*code, msg), blen);
    }
    let stale =
        fault == Fault::StaleSignature || shared.take_fault(|f| *f == Fault::ExpiredSignatureOnce, true).is_some();

    let object_id = format!("{app_id}/{}/{file_name}", util::random_hex(8));
    let path = match &shared.config.upload_upstream {
        Some(up) => format!("/{}/{}", up.bucket, aws_uri_encode(&object_id, true)),
        None => format!("/obs/{}/{}", crate::model::OBS_BUCKET, aws_uri_encode(&object_id, true)),
    };
    let authority = shared.authority();
    let url = match fault {
        Fault::HttpUploadUrl => format!("http://{authority}{path}"),
        Fault::UrlWithCredentials => format!("https://user:pass@{authority}{path}"),
        _ => format!("https://{authority}{path}"),
    };
    let host = if fault == Fault::WrongHost { "obs.agc-mock.invalid".to_string() } else { authority };
    let method = if fault == Fault::WrongMethod { "POST" } else { "PUT" };
    let mut payload = sha.clone().unwrap_or_else(|| "UNSIGNED-PAYLOAD".to_string());
    if fault == Fault::HashMismatchInUrl {
        payload = sigv4::sha256_hex(format!("not {payload}").as_bytes());
    }
    let date = util::amz_date(if stale { now_secs() - 20 * 60 } else { now_secs() });
    let headers: Vec<(String, String)> = vec![
        ("x-amz-content-sha256".into(), payload.clone()),
        ("x-amz-date".into(), date.clone()),
        ("Host".into(), host.clone()),
        ("user-agent".into(), crate::model::OBS_USER_AGENT.into()),
        ("Content-Type".into(), "application/octet-stream".into()),
    ];
    let signed: Vec<String> = SIGNED.iter().map(|s| s.to_string()).collect();
    let creds = obs_credentials(shared);
    let Some(authz) = sigv4::sign_v4(&creds, method, &path, &[], &headers, &signed, &payload, &date) else {
        return answer(c, 500, &ret_json(500, "signing failed"), blen);
    };
    {
        let mut st = shared.lock();
        st.pending.insert(
            object_id.clone(),
            PendingUpload { app_id: app_id.clone(), file_name: file_name.clone(), declared_len: len },
        );
        st.upload_auths.push(authz.clone());
    }
    let mut hdrs = json!({"Authorization": authz});
    for (k, v) in &headers {
        hdrs[k.as_str()] = json!(v);
    }
    let shown = crate::server_common::answered_id(shared, crate::model::IdKind::Object, &object_id);
    let url_info = if fault == Fault::MissingFields {
        json!({"objectId": shown, "method": method, "headers": hdrs})
    } else {
        json!({"objectId": shown, "url": url, "method": method, "headers": hdrs})
    };
    let doc = json!({"ret": {"code": 0, "msg": "success"}, "urlInfo": url_info});
    match fault {
        Fault::MalformedJson => {
            let s = doc.to_string();
            let cut = &s.as_bytes()[..s.len() / 2];
            let _ = c.respond(200, &[("Content-Type", "application/json;charset=UTF-8".into())], cut, false);
            Outcome::answered(200, blen, true)
        }
        Fault::HugeJson => huge_json(c, &doc, blen),
        _ => answer(c, 200, &doc, blen),
    }
}

/// Streams `{"padding":"xxxx…","ret":…,"urlInfo":…}` of about 50 MB without allocating it.
fn huge_json(c: &mut C, doc: &Value, blen: u64) -> Outcome {
    let rest = doc.to_string();
    let prefix = b"{\"padding\":\"";
    let middle = b"\",";
    let tail = &rest.as_bytes()[1..]; // drop the leading '{'
    let fixed = (prefix.len() + middle.len() + tail.len()) as u64;
    let pad = HUGE_JSON_BYTES.saturating_sub(fixed);
    let head = crate::http::response_head(
        200,
        &[("Content-Type", "application/json;charset=UTF-8".into())],
        fixed + pad,
        false,
    );
    let chunk = vec![b'x'; 64 * 1024];
    c.notify(200);
    let mut write = || -> std::io::Result<()> {
        c.stream.write_all(head.as_bytes())?;
        c.stream.write_all(prefix)?;
        let mut left = pad;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            c.stream.write_all(&chunk[..n])?;
            left -= n as u64;
        }
        c.stream.write_all(middle)?;
        c.stream.write_all(tail)?;
        c.stream.flush()
    };
    match write() {
        Ok(()) => Outcome::answered(200, blen, true),
        Err(_) => Outcome { status: 200, body_received: blen, complete: true, keep: false, abort: false },
    }
}
