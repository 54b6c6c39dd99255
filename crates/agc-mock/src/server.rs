//! Accept loop, per-connection request loop, routing (to the handlers in `server_*`), and the
//! Connect calls answered here: token, bind, compile status, and the `/mock/` control calls.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};
use serde_json::{json, Value};

use crate::http::{Conn, HeadError, Request, Sock};
use crate::jwt;
use crate::model::{Endpoint, Fault, RequestRecord, StatusVariant};
use crate::server_common::{answer, respond_json, ret_json, single, Outcome, C};
use crate::state::{Package, Shared};
use crate::util::{self, json_str, now_secs, parse_query};

/// Largest JSON request body accepted.
const MAX_JSON_BODY: u64 = 1024 * 1024;
/// How long a keep-alive connection may sit idle, and how long a stall lasts.
const IDLE_LIMIT: Duration = Duration::from_secs(600);

pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Arc<rustls::ServerConfig>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(tcp) = stream else { continue };
        let (s, t) = (shared.clone(), tls.clone());
        let _ = std::thread::Builder::new().name("agc-mock-conn".into()).spawn(move || serve_connection(s, tcp, t));
    }
}

fn serve_connection(shared: Arc<Shared>, tcp: TcpStream, tls: Arc<rustls::ServerConfig>) {
    let Ok(conn) = ServerConnection::new(tls) else { return };
    let sock = Sock::new(tcp, shared.shutdown.clone(), IDLE_LIMIT);
    let mut c: C = Conn::new(StreamOwned::new(conn, sock));
    loop {
        let req = match c.read_head() {
            Ok(r) => r,
            Err(HeadError::TooLarge) => {
                let _ = c.respond(431, &[], b"", true);
                break;
            }
            Err(HeadError::Malformed) => {
                let _ = c.respond(400, &[], b"", true);
                break;
            }
            Err(HeadError::Closed) | Err(HeadError::Io) => break,
        };
        let out = handle(&shared, &mut c, &req);
        if out.abort {
            return;
        }
        if !out.keep || req.wants_close() {
            break;
        }
    }
    c.stream.conn.send_close_notify();
    let _ = c.stream.flush();
}

fn classify(shared: &Shared, req: &Request) -> Endpoint {
    let p = req.raw_path.as_str();
    if p.starts_with("/mock/") {
        return Endpoint::Control;
    }
    match p {
        "/api/oauth2/v1/token" => return Endpoint::Token,
        "/api/publish/v2/upload-url/for-obs" => return Endpoint::UploadUrl,
        "/api/publish/v3/app-package-info" => return Endpoint::Bind,
        "/api/publish/v3/package/compile/status" => return Endpoint::CompileStatus,
        crate::server_preflight::APPID_LIST_PATH => return Endpoint::AppIdList,
        _ if crate::server_listing::is_listing_path(p, &req.method) => return Endpoint::Listing,
        _ if crate::server_release::is_release_path(p) => return Endpoint::Release,
        _ if crate::server_multipart::is_multipart_path(p) => return Endpoint::Multipart,
        _ => {}
    }
    if p.starts_with(&format!("/obs/{}/", crate::model::OBS_BUCKET)) {
        return Endpoint::Upload;
    }
    if let Some(up) = &shared.config.upload_upstream {
        if p.starts_with(&format!("/{}/", up.bucket)) {
            return Endpoint::Upload;
        }
    }
    Endpoint::Unknown
}

fn handle(shared: &Arc<Shared>, c: &mut C, req: &Request) -> Outcome {
    let kind = classify(shared, req);
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let record = RequestRecord {
        method: req.method.clone(),
        path: req.raw_path.clone(),
        query: parse_query(&req.raw_query),
        headers: req.headers.clone(),
        kind: kind.clone(),
        bearer: req.headers.iter().any(|(k, v)| {
            k == "authorization" && v.trim_start().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
        }),
        client_id_header: req.header("client_id").is_some(),
        content_length: req.content_length().ok().flatten(),
        chunked: req.is_chunked(),
        body_received: 0,
        status: 0,
        complete: false,
    };
    let (cl, chunked) = (record.content_length.unwrap_or(0), record.chunked);
    shared.lock().records.push((id, record));
    let sh = shared.clone();
    c.hook = Some(Box::new(move |status, body| update_record(&sh, id, status, body, !chunked && body >= cl)));

    let out = if kind != Endpoint::Control && shared.fault() == Fault::Stall {
        stall(shared);
        Outcome::dead(0)
    } else {
        match kind {
            Endpoint::Upload => crate::server_put::handle_put(shared, c, req),
            Endpoint::Control => control(shared, c, req),
            _ => connect_api(shared, c, req, &kind),
        }
    };

    c.hook = None;
    let body = out.body_received.max(c.body_read);
    update_record(shared, id, out.status, body, out.status != 0 && out.complete && !chunked && body >= cl);
    if shared.log.load(Ordering::SeqCst) {
        eprintln!(
            "agc-mock: {} {} -> {} ({} body bytes)",
            req.method,
            req.raw_path,
            if out.status == 0 { "no answer".to_string() } else { out.status.to_string() },
            out.body_received
        );
    }
    out
}

fn update_record(shared: &Shared, id: u64, status: u16, body: u64, complete: bool) {
    let mut st = shared.lock();
    if let Some((_, r)) = st.records.iter_mut().rev().find(|(i, _)| *i == id) {
        r.status = status;
        r.body_received = body;
        r.complete = complete;
    }
}

fn stall(shared: &Shared) {
    let start = Instant::now();
    while !shared.shutdown.load(Ordering::SeqCst) && start.elapsed() < IDLE_LIMIT {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Reads a small (JSON) request body. Err = the outcome already answered / failed.
fn read_small_body(c: &mut C, req: &Request) -> Result<Vec<u8>, Outcome> {
    if req.is_chunked() {
        let _ = respond_json(c, 411, &ret_json(204_144_641, "Content-Length required"), true);
        return Err(Outcome::answered(411, 0, false));
    }
    let len = match req.content_length() {
        Ok(l) => l.unwrap_or(0),
        Err(()) => {
            let _ = respond_json(c, 400, &ret_json(204_144_641, "bad Content-Length"), true);
            return Err(Outcome::answered(400, 0, false));
        }
    };
    if len > MAX_JSON_BODY {
        let _ = respond_json(c, 413, &ret_json(204_144_641, "request body too large"), true);
        return Err(Outcome::answered(413, 0, false));
    }
    match c.read_exact_body(len as usize) {
        Ok(b) => Ok(b),
        Err(_) => Err(Outcome::dead(0)),
    }
}

fn connect_api(shared: &Arc<Shared>, c: &mut C, req: &Request, kind: &Endpoint) -> Outcome {
    let body = match read_small_body(c, req) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let blen = body.len() as u64;
    if *kind == Endpoint::Unknown {
        return answer(c, 404, &ret_json(404, "no such endpoint"), blen);
    }
    if shared.take_fault(|f| *f == Fault::Redirect307, false).is_some() {
        let loc = if req.raw_query.is_empty() {
            format!("{}{}", shared.base_url(), req.raw_path)
        } else {
            format!("{}{}?{}", shared.base_url(), req.raw_path, req.raw_query)
        };
        let body = ret_json(307, "moved");
        let _ = c.respond(
            307,
            &[("Location", loc), ("Content-Type", "application/json".into())],
            body.to_string().as_bytes(),
            false,
        );
        return Outcome::answered(307, blen, true);
    }
    let expected_method = match kind {
        Endpoint::Token | Endpoint::Multipart => "POST",
        Endpoint::UploadUrl | Endpoint::CompileStatus | Endpoint::AppIdList => "GET",
        // Checked per path in server_release and server_listing.
        Endpoint::Release | Endpoint::Listing => req.method.as_str(),
        _ => "PUT",
    };
    if req.method != expected_method {
        return answer(c, 405, &ret_json(405, "method not allowed"), blen);
    }
    if let Fault::ReflectRequest(at) = shared.fault() {
        if at.covers(kind) {
            let echo = crate::server_common::reflect(req, Some(&body));
            if *kind == Endpoint::Token {
                return answer(c, 200, &ret_json(203_890_688, &echo), blen);
            }
            if *kind == Endpoint::Release {
                // AGC's way of refusing a release call: 200 with the message in ret.msg.
                return answer(c, 200, &ret_json(204_144_641, &echo), blen);
            }
            let _ = c.respond(400, &[("Content-Type", "text/plain".into())], echo.as_bytes(), false);
            return Outcome::answered(400, blen, true);
        }
    }
    if matches!(shared.fault(), Fault::Hostile | Fault::HostileOverlappingToken) {
        let secret = shared.config.client_secret.clone();
        c.hostile = Some(crate::model::hostile_text(&crate::server_common::reflect(req, Some(&body)), &secret));
        let outcome = connect_api_answer(shared, c, req, kind, &body, blen);
        c.hostile = None;
        return outcome;
    }
    if let Fault::SlowAnswer(ms) = shared.fault() {
        if *kind == Endpoint::Release && req.method != "GET" {
            let s = shared.clone();
            let stop = move || s.shutdown.load(Ordering::SeqCst) || !matches!(s.fault(), Fault::SlowAnswer(_));
            c.delay = Some((Duration::from_millis(ms), Box::new(stop)));
            let outcome = connect_api_answer(shared, c, req, kind, &body, blen);
            c.delay = None;
            return outcome;
        }
    }
    connect_api_answer(shared, c, req, kind, &body, blen)
}

/// [`connect_api`] once the body is read and the echo faults are handled.
fn connect_api_answer(
    shared: &Arc<Shared>,
    c: &mut C,
    req: &Request,
    kind: &Endpoint,
    body: &[u8],
    blen: u64,
) -> Outcome {
    if *kind == Endpoint::Token {
        return token(shared, c, body);
    }

    // Authentication.
    let token = match check_auth(shared, req) {
        Ok(t) => t,
        Err(msg) => return answer(c, 401, &ret_json(204_144_643, msg), blen),
    };
    if shared.take_fault(|f| *f == Fault::TokenExpiredOnce, true).is_some() {
        if let Some(t) = token {
            shared.lock().tokens.remove(&t);
        }
        return answer(c, 401, &ret_json(204_144_643, "token expired"), blen);
    }
    if shared.take_fault(|f| *f == Fault::Status500Once, true).is_some() {
        return answer(c, 500, &ret_json(500, "internal server error"), blen);
    }
    if let Some(Fault::TransientCodeOnce(code)) = shared.take_fault(|f| matches!(f, Fault::TransientCodeOnce(_)), true)
    {
        return answer(c, 200, &ret_json(code, "temporary failure, please retry later"), blen);
    }
    if *kind == Endpoint::Bind && shared.take_fault(|f| *f == Fault::Bind503Once, true).is_some() {
        let body = ret_json(503, "service busy").to_string();
        let headers = [("Content-Type", "application/json".to_string()), ("Retry-After", "0".to_string())];
        let _ = c.respond(503, &headers, body.as_bytes(), false);
        return Outcome::answered(503, blen, true);
    }
    let query = parse_query(&req.raw_query);
    match kind {
        Endpoint::UploadUrl => crate::server_api::upload_url(shared, c, &query, blen),
        Endpoint::Bind => bind(shared, c, &query, body),
        Endpoint::CompileStatus => compile_status(shared, c, &query, blen),
        Endpoint::Release => crate::server_release::handle(shared, c, req, &query, body),
        Endpoint::Multipart => crate::server_multipart::handle(shared, c, &req.raw_path, &query, body),
        Endpoint::AppIdList => crate::server_preflight::appid_list(shared, c, &query, blen),
        Endpoint::Listing => crate::server_listing::handle(shared, c, req, &query, body),
        _ => answer(c, 404, &ret_json(404, "no such endpoint"), blen),
    }
}

/// Ok(Some(access token)) / Ok(None) for a valid JWT / Err(message).
fn check_auth(shared: &Shared, req: &Request) -> Result<Option<String>, &'static str> {
    let auths: Vec<&str> = req.headers.iter().filter(|(k, _)| k == "authorization").map(|(_, v)| v.as_str()).collect();
    if auths.len() != 1 {
        return Err("token invalid");
    }
    let v = auths[0].trim();
    let tok = match v.get(..7) {
        Some(s) if s.eq_ignore_ascii_case("bearer ") => v[7..].trim(),
        _ => return Err("token invalid"),
    };
    if jwt::looks_like_jwt(tok) {
        return match jwt::verify(tok, &shared.config.service_accounts, now_secs()) {
            Ok(_) => Ok(None),
            Err(jwt::JwtError::Expired) => Err("token expired"),
            Err(jwt::JwtError::Invalid(_)) => Err("token invalid"),
        };
    }
    let expiry = shared.lock().tokens.get(tok).copied();
    match expiry {
        None => Err("token invalid"),
        Some(e) if e <= now_secs() => Err("token expired"),
        Some(_) => {
            if req.header("client_id") != Some(shared.config.client_id.as_str()) {
                return Err("client_id missing or does not match the token");
            }
            Ok(Some(tok.to_string()))
        }
    }
}

fn token(shared: &Arc<Shared>, c: &mut C, body: &[u8]) -> Outcome {
    let blen = body.len() as u64;
    let bad = ret_json(203_890_688, "client id or secret error");
    if shared.fault() == Fault::TokenBadCredentials {
        return answer(c, 200, &bad, blen);
    }
    while shared.fault() == Fault::TokenStall && !shared.shutdown.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return answer(c, 400, &ret_json(204_144_641, "invalid request body"), blen);
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str());
    if s("grant_type") != Some("client_credentials") {
        return answer(c, 400, &ret_json(204_144_641, "unsupported grant_type"), blen);
    }
    let id_ok = s("client_id") == Some(shared.config.client_id.as_str());
    let secret_ok =
        s("client_secret").is_some_and(|x| util::ct_eq(x.as_bytes(), shared.config.client_secret.as_bytes()));
    if !(id_ok && secret_ok) {
        return answer(c, 200, &bad, blen);
    }
    use base64::Engine;
    let mut tok = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(util::random_bytes(32));
    if shared.fault() == Fault::HostileOverlappingToken {
        tok = format!("tokHOSTILE{}{tok}", shared.config.client_secret);
    }
    let ttl = shared.config.token_ttl_secs;
    {
        let mut st = shared.lock();
        st.tokens.insert(tok.clone(), now_secs().saturating_add(ttl.min(i64::MAX as u64 / 2) as i64));
        st.issued_tokens.push(tok.clone());
    }
    answer(c, 200, &json!({"access_token": tok, "expires_in": ttl}), blen)
}

fn bind(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], body: &[u8]) -> Outcome {
    let blen = body.len() as u64;
    let bad = |c: &mut C, msg: &str| answer(c, 400, &ret_json(204_144_641, msg), blen);
    let app_id = match single(query, "appId") {
        Some(a) if !a.is_empty() => a.to_string(),
        _ => return bad(c, "invalid parameter: appId"),
    };
    // releaseType (1, 6) and releasePhase (0, 3) are optional, each at most once; nothing else.
    for (k, _) in query {
        if !["appId", "releaseType", "releasePhase"].contains(&k.as_str())
            || query.iter().filter(|(x, _)| x == k).count() > 1
        {
            return bad(c, &format!("invalid parameter: {k}"));
        }
    }
    if single(query, "releaseType").is_some_and(|t| t != "1" && t != "6") {
        return bad(c, "invalid parameter: releaseType");
    }
    if single(query, "releasePhase").is_some_and(|p| p != "0" && p != "3") {
        return bad(c, "invalid parameter: releasePhase");
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return bad(c, "invalid request body");
    };
    let (Some(file_name), Some(object_id)) =
        (v.get("fileName").and_then(|x| x.as_str()), v.get("objectId").and_then(|x| x.as_str()))
    else {
        return bad(c, "fileName and objectId are required");
    };
    let obj = {
        let st = shared.lock();
        st.objects
            .iter()
            .find(|o| o.object_id == object_id)
            .map(|o| (o.file_name.clone(), st.object_apps.get(object_id).cloned().unwrap_or_default()))
    };
    let Some((stored_name, stored_app)) = obj else {
        return answer(c, 200, &ret_json(204_144_641, "invalid parameter: objectId not found"), blen);
    };
    if stored_app != app_id {
        return answer(c, 200, &ret_json(204_144_641, "invalid parameter: objectId belongs to another app"), blen);
    }
    let suffix = |n: &str| n.rsplit_once('.').map(|(_, s)| s.to_ascii_lowercase());
    if suffix(file_name).as_deref() != Some("app") || suffix(&stored_name) != suffix(file_name) {
        return answer(c, 200, &ret_json(204_144_693, "package type does not match the objectId suffix"), blen);
    }
    let pkg = format!("pkg-{}", util::random_hex(8));
    {
        let mut st = shared.lock();
        st.packages.insert(pkg.clone(), Package { polls: 0 });
        st.release.package_bound(&app_id, &pkg);
    }
    if shared.take_fault(|f| *f == Fault::BindResetAfterProcessingOnce, true).is_some() {
        // Processed, but the answer is lost.
        crate::server_common::set_linger_zero(&c.stream.sock.tcp);
        return Outcome::dead(blen);
    }
    let shown = crate::server_common::answered_id(shared, crate::model::IdKind::Package, &pkg);
    if shared.fault() == Fault::BindPackageIdInData {
        return answer(c, 200, &json!({"ret": {"code": 0, "msg": "success"}, "data": {"packageId": shown}}), blen);
    }
    answer(c, 200, &json!({"ret": {"code": 0, "msg": "success"}, "packageId": shown}), blen)
}

fn compile_status(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], blen: u64) -> Outcome {
    let ok_keys = query.iter().all(|(k, _)| k == "appId" || k == "pkgIds");
    let (Some(app), Some(ids)) = (single(query, "appId"), single(query, "pkgIds")) else {
        return answer(c, 400, &ret_json(204_144_641, "invalid parameter: appId and pkgIds required"), blen);
    };
    if !ok_keys || app.is_empty() || ids.is_empty() {
        return answer(c, 400, &ret_json(204_144_641, "invalid parameter"), blen);
    }
    let variant = {
        let mut st = shared.lock();
        match st.fault.clone() {
            Some(Fault::CompileStatusVariant(v, n)) => {
                st.fault = if n > 1 { Some(Fault::CompileStatusVariant(v, n - 1)) } else { None };
                Some(v)
            }
            _ => None,
        }
    };
    if let Some(v) = variant {
        let first = ids.split(',').map(str::trim).find(|s| !s.is_empty()).unwrap_or_default();
        let body = match v {
            StatusVariant::Empty => json!({"ret": {"code": 0, "msg": "success"}, "pkgStateList": []}),
            StatusVariant::Missing => json!({"ret": {"code": 0, "msg": "success"}}),
            StatusVariant::Absent => json!({"ret": {"code": 0, "msg": "success"},
                "pkgStateList": [{"pkgId": format!("{first}-other"), "successStatus": 0}]}),
            StatusVariant::Unknown => json!({"ret": {"code": 0, "msg": "success"},
                "pkgStateList": [{"pkgId": first, "successStatus": 5}]}),
            StatusVariant::NoStatus => {
                json!({"ret": {"code": 0, "msg": "success"}, "pkgStateList": [{"pkgId": first}]})
            }
        };
        return answer(c, 200, &body, blen);
    }
    let fail_code = match shared.fault() {
        Fault::ParseFailsCode(code) => Some(code),
        _ => None,
    };
    let fail = match shared.fault() {
        Fault::ParseFails(r) => Some(r),
        _ => None,
    };
    let limit = shared.config.polls_until_ready;
    let mut list = Vec::new();
    {
        let mut st = shared.lock();
        for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(p) = st.packages.get_mut(id) {
                p.polls = p.polls.saturating_add(1);
                let mut e = json!({"pkgId": id});
                if let Some(code) = &fail_code {
                    e["successStatus"] = json!(2);
                    e["errorCode"] = json!(code);
                } else if let Some(r) = &fail {
                    e["successStatus"] = json!(2);
                    e["failureReason"] = json!(r);
                    e["errorMessage"] = json!(r);
                } else {
                    e["successStatus"] = json!(if p.polls <= limit { 1 } else { 0 });
                }
                list.push(e);
            }
        }
    }
    if list.is_empty() {
        return answer(c, 200, &ret_json(204_144_641, "invalid parameter: unknown pkgIds"), blen);
    }
    let msg = match &fail {
        Some(r) => format!("success; package parse failed: {r}"),
        None => "success".to_string(),
    };
    answer(c, 200, &json!({"ret": {"code": 0, "msg": msg}, "pkgStateList": list}), blen)
}

fn control(shared: &Arc<Shared>, c: &mut C, req: &Request) -> Outcome {
    let body = match read_small_body(c, req) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let blen = body.len() as u64;
    let text = |c: &mut C, status: u16, t: &str| {
        let _ = c.respond(status, &[("Content-Type", "text/plain".into())], t.as_bytes(), false);
        Outcome::answered(status, blen, true)
    };
    let path = req.raw_path.as_str();
    match (req.method.as_str(), path) {
        ("POST", "/mock/fault") => {
            let name = String::from_utf8_lossy(&body).to_string();
            match crate::model::fault_from_name(&name) {
                Some(f) => {
                    shared.lock().fault = if f == Fault::None { None } else { Some(f) };
                    text(c, 200, "ok")
                }
                None => text(c, 400, "unknown fault"),
            }
        }
        ("GET", "/mock/requests") => {
            let recs: Vec<RequestRecord> = shared.lock().records.iter().map(|(_, r)| r.clone()).collect();
            let v = serde_json::to_value(&recs).unwrap_or(Value::Null);
            answer(c, 200, &v, blen)
        }
        ("GET", "/mock/release-calls") => {
            // The JSON bodies of the release road's calls (protocol.md section 6), oldest first.
            let v = serde_json::to_value(&shared.lock().release.calls).unwrap_or(Value::Null);
            answer(c, 200, &v, blen)
        }
        ("POST", "/mock/app") => match crate::server_preflight::control_app(shared, &body) {
            Ok(()) => text(c, 200, "ok"),
            Err(e) => text(c, 400, &e),
        },
        ("POST", "/mock/clear-requests") => {
            shared.lock().records.clear();
            text(c, 200, "ok")
        }
        ("GET", "/mock/stats") => {
            let st = shared.lock();
            let v = json!({"tokens_issued": st.issued_tokens.len(), "objects": st.objects.len()});
            drop(st);
            answer(c, 200, &v, blen)
        }
        ("GET", p) if p.starts_with("/mock/objects/") => {
            let id = util::percent_decode(&p["/mock/objects/".len()..], false);
            let bytes = shared.lock().objects.iter().find(|o| o.object_id == id).and_then(|o| o.bytes.clone());
            match bytes {
                Some(b) => {
                    let _ = c.respond(200, &[("Content-Type", "application/octet-stream".into())], &b, false);
                    Outcome::answered(200, blen, true)
                }
                None => text(c, 404, "no such object"),
            }
        }
        _ => text(c, 404, &format!("unknown control endpoint {}", json_str(path))),
    }
}
