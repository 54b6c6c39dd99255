//! What the handlers share: the connection type and the outcome of a request, JSON answers
//! (and the hostile rewrite of their texts), the echo of a request, the upload bodies (read,
//! hashed, stored, reset on cue) and the S3 errors of a refused PUT, the credentials upload
//! URLs are signed with. It imports no handler: `server` dispatches to the handlers
//! (`server_api`, `server_put`, `server_multipart`, `server_preflight`, `server_release`),
//! which import this module and the state (`state`), never `server` or the crate root.

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::http::{Conn, Request, Sock};
use crate::model::{Fault, IdKind, StoredObject};
use crate::sigv4::Credentials;
use crate::state::Shared;
use crate::util::{self, xml_escape};

pub(crate) type Tls = StreamOwned<ServerConnection, Sock>;
pub(crate) type C = Conn<Tls>;

/// Bodies of refused PUTs up to this size are drained so the client can read the answer.
const DRAIN_LIMIT: u64 = 1 << 30;
/// Read buffer for PUT bodies.
pub(crate) const BUF: usize = 256 * 1024;

/// What handling one request did.
pub(crate) struct Outcome {
    pub status: u16,
    pub body_received: u64,
    pub complete: bool,
    /// Keep the connection for another request.
    pub keep: bool,
    /// Drop the connection without TLS close_notify (after a reset).
    pub abort: bool,
}

impl Outcome {
    pub fn answered(status: u16, body_received: u64, keep: bool) -> Outcome {
        Outcome { status, body_received, complete: true, keep, abort: false }
    }
    pub fn dead(body_received: u64) -> Outcome {
        Outcome { status: 0, body_received, complete: false, keep: false, abort: true }
    }
}

pub(crate) fn ret_json(code: i64, msg: &str) -> Value {
    json!({"ret": {"code": code, "msg": msg}})
}

pub(crate) fn respond_json(c: &mut C, status: u16, v: &Value, close: bool) -> io::Result<()> {
    let body = match &c.hostile {
        Some(text) => {
            let mut v = v.clone();
            make_hostile(&mut v, text);
            v.to_string()
        }
        None => v.to_string(),
    };
    c.respond(status, &[("Content-Type", "application/json;charset=UTF-8".into())], body.as_bytes(), close)
}

/// Every free-text field of `v` (at any depth) replaced with `text` (see [`Fault::Hostile`]).
pub(crate) fn make_hostile(v: &mut Value, text: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let free = matches!(k.as_str(), "msg" | "auditOpinion" | "failureReason" | "errorMessage" | "message");
                if free && (x.is_string() || x.is_null()) {
                    *x = Value::String(text.to_owned());
                } else {
                    make_hostile(x, text);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| make_hostile(x, text)),
        _ => {}
    }
}

/// Answers a JSON document and builds the outcome.
pub(crate) fn answer(c: &mut C, status: u16, v: &Value, body_len: u64) -> Outcome {
    match respond_json(c, status, v, false) {
        Ok(()) => Outcome::answered(status, body_len, true),
        Err(_) => Outcome { status, body_received: body_len, complete: true, keep: false, abort: false },
    }
}

/// The value of a query parameter that appears exactly once.
pub(crate) fn single<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut it = q.iter().filter(|(k, _)| k == name);
    let first = it.next()?;
    if it.next().is_some() {
        return None;
    }
    Some(first.1.as_str())
}

/// The id an answer carries: `made`, or the text of a pending [`Fault::AnswerIdOnce`] of `kind`.
pub(crate) fn answered_id(shared: &Shared, kind: IdKind, made: &str) -> Value {
    match shared.take_fault(|f| matches!(f, Fault::AnswerIdOnce(k, _) if *k == kind), true) {
        Some(Fault::AnswerIdOnce(_, text)) => Value::String(text),
        _ => Value::String(made.to_string()),
    }
}

/// The echo of [`Fault::ReflectRequest`]: credential headers, the body (Connect calls only),
/// the request line, the other headers.
pub(crate) fn reflect(req: &Request, body: Option<&[u8]>) -> String {
    let credential = |k: &str| k == "authorization" || k == "client_id";
    let mut out = String::new();
    for (k, v) in req.headers.iter().filter(|(k, _)| credential(k)) {
        out.push_str(&format!("{k}: {v}\n"));
    }
    if let Some(b) = body {
        out.push_str(&String::from_utf8_lossy(b));
        out.push('\n');
    }
    let q = if req.raw_query.is_empty() { String::new() } else { format!("?{}", req.raw_query) };
    out.push_str(&format!("{} {}{q} HTTP/1.1\n", req.method, req.raw_path));
    for (k, v) in req.headers.iter().filter(|(k, _)| !credential(k)) {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out
}

/// The signed headers, in the order AGC lists them.
pub(crate) const SIGNED: [&str; 5] = ["content-type", "host", "user-agent", "x-amz-content-sha256", "x-amz-date"];

/// The credentials upload URLs are signed with (upstream's when forwarding).
pub(crate) fn obs_credentials(shared: &Shared) -> Credentials {
    match &shared.config.upload_upstream {
        Some(up) => Credentials {
            access_key: up.access_key.clone(),
            secret_key: up.secret_key.clone(),
            region: up.region.clone(),
            service: "s3".into(),
        },
        None => Credentials {
            access_key: crate::model::OBS_ACCESS_KEY.into(),
            secret_key: crate::model::OBS_SECRET_KEY.into(),
            region: crate::model::OBS_REGION.into(),
            service: "s3".into(),
        },
    }
}

pub(crate) fn xml_error(code: &str, msg: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId></Error>",
        xml_escape(code),
        xml_escape(msg),
        util::random_hex(8).to_ascii_uppercase()
    )
    .into_bytes()
}

pub(crate) struct Put<'a> {
    pub(crate) c: &'a mut C,
    pub(crate) req: &'a Request,
    /// Declared Content-Length when valid.
    pub(crate) cl: Option<u64>,
    pub(crate) expect: bool,
}

impl Put<'_> {
    /// Answers an S3 error before reading the body: drains the body when that is reasonable
    /// (so the client sees the answer), otherwise answers and closes.
    pub(crate) fn refuse(&mut self, status: u16, code: &str, msg: &str, extra: &[(&str, String)]) -> Outcome {
        let body = xml_error(code, msg);
        let mut headers: Vec<(&str, String)> = vec![("Content-Type", "application/xml".into())];
        headers.extend_from_slice(extra);
        match self.cl {
            Some(n) if !self.expect && !self.req.is_chunked() && n <= DRAIN_LIMIT => {
                let got = self.c.drain(n).unwrap_or(0);
                if got < n {
                    return Outcome::dead(got);
                }
                match self.c.respond(status, &headers, &body, false) {
                    Ok(()) => Outcome::answered(status, got, true),
                    Err(_) => Outcome { status, body_received: got, complete: true, keep: false, abort: false },
                }
            }
            _ => {
                let _ = self.c.respond(status, &headers, &body, true);
                Outcome { status, body_received: 0, complete: self.cl == Some(0), keep: false, abort: false }
            }
        }
    }

    pub(crate) fn continue_100(&mut self) -> bool {
        !self.expect || self.c.write_raw(b"HTTP/1.1 100 Continue\r\n\r\n").is_ok()
    }
}

/// Sets SO_LINGER {on, 0} so that closing the socket sends a RST.
pub(crate) fn set_linger_zero(tcp: &TcpStream) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let l = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: valid fd owned by `tcp`; pointer and size describe a live `linger`.
        unsafe {
            libc::setsockopt(
                tcp.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &l as *const libc::linger as *const libc::c_void,
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(unix))]
    let _ = tcp;
}

/// After how many more body bytes the upload in flight is reset, under
/// [`Fault::PartResetEvery`] (parts only) or [`Fault::SlowResetEvery`] (every upload body).
pub(crate) fn reset_after(shared: &Shared, part: bool) -> Option<u64> {
    match shared.fault() {
        Fault::PartResetEvery(every) if part && every > 0 => Some(every - shared.lock().multipart.part_bytes % every),
        Fault::SlowResetEvery(_, every) if every > 0 => Some(every - shared.lock().multipart.part_bytes % every),
        _ => None,
    }
}

/// Count `got` upload body bytes toward the resets of [`reset_after`].
pub(crate) fn count_body(shared: &Shared, got: u64) {
    shared.lock().multipart.part_bytes += got;
}

/// A body as read: its SHA-256, its bytes (when the server keeps them) and its length.
pub(crate) struct Body {
    pub sha256_hex: String,
    pub bytes: Option<Vec<u8>>,
    pub got: u64,
}

/// Reads a `len`-byte PUT body, hashing it, at the [`Fault::SlowReader`] rate if set. After
/// `reset_after` bytes (when it is at most `len`) the connection is reset, unanswered. The
/// bytes are returned when `keep`.
pub(crate) fn read_body(
    shared: &Shared,
    p: &mut Put<'_>,
    len: u64,
    reset_after: Option<u64>,
    keep: bool,
) -> Result<Body, Outcome> {
    let rate = match shared.fault() {
        Fault::SlowReader(n) | Fault::SlowResetEvery(n, _) => Some(n.max(1)),
        _ => None,
    };
    let stop = reset_after.filter(|r| *r <= len);
    let mut buf = vec![0u8; rate.map_or(BUF, |r| (r / 20).clamp(1, BUF as u64) as usize)];
    let mut hasher = Sha256::new();
    let mut bytes = keep.then(|| Vec::with_capacity(len.min(64 << 20) as usize));
    let mut got: u64 = 0;
    let start = Instant::now();
    let end = stop.unwrap_or(len);
    while got < end {
        let want = buf.len().min((end - got).min(usize::MAX as u64) as usize);
        let n = match p.c.read_some(&mut buf[..want]) {
            Ok(0) | Err(_) => return Err(Outcome::dead(got)),
            Ok(n) => n,
        };
        hasher.update(&buf[..n]);
        if let Some(b) = bytes.as_mut() {
            b.extend_from_slice(&buf[..n]);
        }
        got += n as u64;
        if let Some(r) = rate {
            let due = Duration::from_secs_f64(got as f64 / r as f64);
            let el = start.elapsed();
            if due > el {
                std::thread::sleep(due - el);
            }
        }
    }
    if stop.is_some() {
        set_linger_zero(&p.c.stream.sock.tcp);
        return Err(Outcome::dead(got));
    }
    Ok(Body { sha256_hex: util::hex(&hasher.finalize()), bytes, got })
}

pub(crate) fn store(
    shared: &Shared,
    object_id: &str,
    file_name: &str,
    app_id: &str,
    size: u64,
    sha: &str,
    bytes: Option<Vec<u8>>,
) {
    let obj = StoredObject {
        object_id: object_id.to_string(),
        file_name: file_name.to_string(),
        size,
        sha256_hex: sha.to_string(),
        bytes,
    };
    let mut st = shared.lock();
    st.objects.retain(|o| o.object_id != object_id);
    st.objects.push(obj);
    st.object_apps.insert(object_id.to_string(), app_id.to_string());
}
