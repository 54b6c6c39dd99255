//! The upload PUT, verified the way S3/OBS does it, plus the PUT faults and (phase 3)
//! verbatim forwarding to an upstream S3 server.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::http::Request;
use crate::model::Fault;
use crate::server_common::{
    count_body, obs_credentials, read_body, reset_after, set_linger_zero, store, xml_error, Outcome, Put, BUF, C,
};
use crate::sigv4::{self, VerifyError};
use crate::state::Shared;
use crate::util::{self, now_secs, parse_query};

/// [`Fault::PutEarlyAnswer`]: the status to answer this PUT with, counting the fault down.
/// Returns `(status, framed)`.
fn take_early_answer(shared: &Shared) -> Option<(u16, bool)> {
    let mut st = shared.lock();
    let (status, n, framed) = match st.fault.clone() {
        Some(Fault::PutEarlyAnswer(status, n)) => (status, n, true),
        Some(Fault::PutEarlyAnswerUnframed(status, n)) => (status, n, false),
        _ => return None,
    };
    st.fault = match (n > 1, framed) {
        (false, _) => None,
        (true, true) => Some(Fault::PutEarlyAnswer(status, n - 1)),
        (true, false) => Some(Fault::PutEarlyAnswerUnframed(status, n - 1)),
    };
    Some((status, framed))
}

/// Answers before reading any body byte, without `Connection: close`, then holds the
/// connection open: whatever the client sends next is read and counted, never answered,
/// until it closes the connection (or the server shuts down).
fn early_answer(shared: &Shared, p: Put<'_>, status: u16, framed: bool) -> Outcome {
    let mut headers: Vec<(&str, String)> = Vec::new();
    let body = match status {
        300..=399 => {
            headers.push(("Location", format!("{}{}", shared.base_url(), p.req.raw_path)));
            Vec::new()
        }
        _ => {
            headers.push(("Content-Type", "application/xml".into()));
            if status == 503 {
                headers.push(("Retry-After", "0".into()));
            }
            let code = match status {
                403 => "AccessDenied",
                503 => "SlowDown",
                _ => "InternalError",
            };
            xml_error(code, "refused before the body (mock early answer)")
        }
    };
    let sent = if framed {
        p.c.respond(status, &headers, &body, false)
    } else {
        // No Content-Length: the body ends when the connection closes, which we never do.
        p.c.notify(status);
        let mut head = format!("HTTP/1.1 {status} {}\r\n", crate::http::reason(status));
        for (k, v) in &headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(&body);
        p.c.write_raw(&out)
    };
    if sent.is_err() {
        return Outcome::dead(0);
    }
    let mut tmp = vec![0u8; 64 * 1024];
    let mut got = 0u64;
    while let Ok(n) = p.c.read_some(&mut tmp) {
        if n == 0 {
            break;
        }
        got += n as u64;
    }
    Outcome { status, body_received: got, complete: false, keep: false, abort: false }
}

/// [`Fault::PutNeverRead`]: hold the connection without reading a byte of the body.
fn never_read(shared: &Shared, tcp: &TcpStream) -> Outcome {
    shrink_receive_buffer(tcp);
    let start = Instant::now();
    while shared.fault() == Fault::PutNeverRead
        && !shared.shutdown.load(std::sync::atomic::Ordering::SeqCst)
        && start.elapsed() < Duration::from_secs(600)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    Outcome::dead(0)
}

/// The smallest receive buffer the kernel allows, so that the client's send buffer fills soon.
fn shrink_receive_buffer(tcp: &TcpStream) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let size: libc::c_int = 4096;
        // SAFETY: valid fd owned by `tcp`; pointer and size describe a live `c_int`.
        unsafe {
            libc::setsockopt(
                tcp.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                &size as *const libc::c_int as *const libc::c_void,
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
}

pub(crate) fn handle_put(shared: &Arc<Shared>, c: &mut C, req: &Request) -> Outcome {
    let cl = req.content_length().ok().flatten();
    let expect = req.header("expect").is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"));
    let mut p = Put { c, req, cl, expect };
    if req.method != "PUT" {
        return p.refuse(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", &[]);
    }
    let bearer = req.headers.iter().any(|(k, v)| k == "authorization" && !v.trim_start().starts_with(sigv4::ALGORITHM));
    if bearer {
        return p.refuse(400, "InvalidArgument", "Unsupported Authorization Type", &[]);
    }
    if req.header_count("host") != 1 {
        return p.refuse(400, "InvalidArgument", "Exactly one Host header is required", &[]);
    }
    if req.is_chunked() {
        return p.refuse(411, "MissingContentLength", "You must provide the Content-Length HTTP header.", &[]);
    }
    let Ok(Some(len)) = req.content_length() else {
        if req.content_length().is_err() {
            p.cl = None;
            return p.refuse(400, "BadRequest", "Invalid Content-Length", &[]);
        }
        return p.refuse(411, "MissingContentLength", "You must provide the Content-Length HTTP header.", &[]);
    };
    if shared.config.upload_upstream.is_some() && !req.raw_path.starts_with("/obs/") {
        return proxy(shared, p, len);
    }
    if shared.fault() == Fault::PutNeverRead {
        return never_read(shared, &p.c.stream.sock.tcp);
    }

    // multipart upload: a part of a session (`?partNumber=N&uploadId=U`).
    if req.raw_query.contains("uploadId=") {
        return crate::server_multipart::handle_part_put(shared, p, len);
    }

    // PUT faults.
    if let Fault::ReflectRequest(at) = shared.fault() {
        if at.covers(&crate::model::Endpoint::Upload) {
            let echo = crate::server_common::reflect(req, None);
            return p.refuse(400, "InvalidRequest", &echo, &[]);
        }
    }
    if shared.take_fault(|f| *f == Fault::Put500Once, true).is_some() {
        return p.refuse(500, "InternalError", "We encountered an internal error. Please try again.", &[]);
    }
    if shared.take_fault(|f| *f == Fault::PutHugeErrorOnce, true).is_some() {
        return p.refuse(400, "InvalidRequest", &"A".repeat(200_000), &[]);
    }
    if let Some(Fault::Put503RetryAfterOnce(secs)) =
        shared.take_fault(|f| matches!(f, Fault::Put503RetryAfterOnce(_)), true)
    {
        return p.refuse(503, "SlowDown", "Please reduce your request rate.", &[("Retry-After", secs.to_string())]);
    }
    if let Some((status, framed)) = take_early_answer(shared) {
        return early_answer(shared, p, status, framed);
    }
    if shared.take_fault(|f| *f == Fault::PutResetHalfwayOnce, true).is_some() {
        if !p.continue_100() {
            return Outcome::dead(0);
        }
        let got = p.c.drain(len / 2).unwrap_or(0);
        set_linger_zero(&p.c.stream.sock.tcp);
        return Outcome::dead(got);
    }

    // Signature, date, object, length.
    let query = parse_query(&req.raw_query);
    match sigv4::verify(&obs_credentials(shared), &req.method, &req.raw_path, &query, &req.headers) {
        Ok(_) => {}
        Err(VerifyError::AccessDenied(m)) => return p.refuse(403, "AccessDenied", &m, &[]),
        Err(VerifyError::SignatureDoesNotMatch) => {
            return p.refuse(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                &[],
            )
        }
    }
    let date_ok = req
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
    let prefix = format!("/obs/{}/", crate::model::OBS_BUCKET);
    let object_id = util::percent_decode(req.raw_path.get(prefix.len()..).unwrap_or(""), false);
    let Some(pending) = shared.lock().pending.get(&object_id).cloned() else {
        return p.refuse(403, "AccessDenied", "No upload URL was issued for this object.", &[]);
    };
    if len != pending.declared_len {
        return p.refuse(400, "BadRequest", "Content-Length does not match the declared contentLength.", &[]);
    }
    if !p.continue_100() {
        return Outcome::dead(0);
    }

    let reset = reset_after(shared, false);
    let body = read_body(shared, &mut p, len, reset, shared.config.store_bodies);
    if reset.is_some() {
        count_body(
            shared,
            match &body {
                Ok(b) => b.got,
                Err(o) => o.body_received,
            },
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(o) => return o,
    };
    let (digest, bytes, got) = (body.sha256_hex, body.bytes, body.got);
    let claimed = req.header("x-amz-content-sha256").unwrap_or("").trim().to_ascii_lowercase();
    if claimed != "unsigned-payload" && claimed != digest {
        p.cl = Some(0); // body already read
        let o = p.refuse(
            400,
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            &[],
        );
        return Outcome { body_received: got, complete: true, ..o };
    }
    store(shared, &object_id, &pending.file_name, &pending.app_id, got, &digest, bytes);
    let etag = format!("\"{}\"", &digest[..32]);
    if let Fault::PutAnswerHeld(ms) = shared.fault() {
        let s = shared.clone();
        let stop = move || {
            s.shutdown.load(std::sync::atomic::Ordering::SeqCst) || !matches!(s.fault(), Fault::PutAnswerHeld(_))
        };
        p.c.delay = Some((std::time::Duration::from_millis(ms), Box::new(stop)));
    }
    let answered = p.c.respond(200, &[("ETag", etag)], b"", false);
    p.c.delay = None;
    match answered {
        Ok(()) => Outcome::answered(200, got, true),
        Err(_) => Outcome { status: 200, body_received: got, complete: true, keep: false, abort: false },
    }
}

/// Phase 3: forwards the PUT verbatim to the upstream S3 server and relays its answer.
fn proxy(shared: &Arc<Shared>, mut p: Put<'_>, len: u64) -> Outcome {
    let Some(up) = shared.config.upload_upstream.clone() else {
        return p.refuse(502, "BadGateway", "no upstream", &[]);
    };
    let connect = || -> std::io::Result<TcpStream> {
        let addr = up.addr.to_socket_addrs()?.next().ok_or_else(|| std::io::Error::other("upstream address"))?;
        let s = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
        s.set_read_timeout(Some(Duration::from_secs(120)))?;
        s.set_write_timeout(Some(Duration::from_secs(120)))?;
        Ok(s)
    };
    let Ok(mut upstream) = connect() else {
        return p.refuse(502, "BadGateway", "Cannot reach the upstream S3 server.", &[]);
    };
    let mut head = format!("{}\r\n", p.req.request_line);
    for (k, v) in &p.req.headers_orig {
        if k.eq_ignore_ascii_case("expect") {
            continue; // 100-continue is handled here, towards the client
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut upstream_ok = upstream.write_all(head.as_bytes()).is_ok();
    if !p.continue_100() {
        return Outcome::dead(0);
    }
    let mut buf = vec![0u8; BUF];
    let mut hasher = Sha256::new();
    let mut bytes = shared.config.store_bodies.then(|| Vec::with_capacity(len.min(64 << 20) as usize));
    let mut got = 0u64;
    while got < len {
        let want = buf.len().min((len - got) as usize);
        let n = match p.c.read_some(&mut buf[..want]) {
            Ok(0) | Err(_) => return Outcome::dead(got),
            Ok(n) => n,
        };
        hasher.update(&buf[..n]);
        if let Some(b) = bytes.as_mut() {
            b.extend_from_slice(&buf[..n]);
        }
        if upstream_ok && upstream.write_all(&buf[..n]).is_err() {
            upstream_ok = false;
        }
        got += n as u64;
    }
    let _ = upstream.flush();
    let Some((status, headers, body)) = read_upstream_response(&mut upstream) else {
        let o = Put { cl: Some(0), ..p }.refuse(502, "BadGateway", "No valid answer from the upstream S3 server.", &[]);
        return Outcome { body_received: got, complete: true, ..o };
    };
    if (200..300).contains(&status) {
        let prefix = format!("/{}/", up.bucket);
        let object_id = util::percent_decode(p.req.raw_path.get(prefix.len()..).unwrap_or(""), false);
        let pending = shared.lock().pending.get(&object_id).cloned();
        let (file_name, app_id) = pending.map(|x| (x.file_name, x.app_id)).unwrap_or_default();
        let digest = util::hex(&hasher.finalize());
        store(shared, &object_id, &file_name, &app_id, got, &digest, bytes);
    }
    let hdrs: Vec<(&str, String)> = headers
        .iter()
        .filter(|(k, _)| {
            !["content-length", "transfer-encoding", "connection", "keep-alive"]
                .contains(&k.to_ascii_lowercase().as_str())
        })
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    match p.c.respond(status, &hdrs, &body, false) {
        Ok(()) => Outcome::answered(status, got, true),
        Err(_) => Outcome { status, body_received: got, complete: true, keep: false, abort: false },
    }
}

/// Reads an HTTP/1.1 response (Content-Length, chunked, or close-delimited; body capped at 1 MiB).
/// Status, headers (original case) and body of an upstream answer.
type UpstreamResponse = (u16, Vec<(String, String)>, Vec<u8>);

fn read_upstream_response(s: &mut TcpStream) -> Option<UpstreamResponse> {
    const CAP: usize = 1 << 20;
    let mut data = Vec::new();
    let mut tmp = [0u8; 16 * 1024];
    loop {
        let (status, headers, head_len) = {
            let mut hs = [httparse::EMPTY_HEADER; 64];
            let mut resp = httparse::Response::new(&mut hs);
            match resp.parse(&data) {
                Ok(httparse::Status::Complete(n)) => {
                    let code = resp.code?;
                    if code == 100 {
                        data.drain(..n);
                        continue;
                    }
                    let h: Vec<(String, String)> = resp
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                        .collect();
                    (code, h, n)
                }
                Ok(httparse::Status::Partial) => {
                    if data.len() > crate::http::MAX_HEAD {
                        return None;
                    }
                    let n = s.read(&mut tmp).ok()?;
                    if n == 0 {
                        return None;
                    }
                    data.extend_from_slice(&tmp[..n]);
                    continue;
                }
                Err(_) => return None,
            }
        };
        let get = |n: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.trim().to_string());
        let mut body = data[head_len..].to_vec();
        if let Some(cl) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
            if cl > CAP {
                return None;
            }
            while body.len() < cl {
                let n = s.read(&mut tmp).ok()?;
                if n == 0 {
                    return None;
                }
                body.extend_from_slice(&tmp[..n]);
            }
            body.truncate(cl);
        } else if get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
            body = read_chunked(s, body, CAP)?;
        } else if status != 204 && status != 304 {
            while let Ok(n) = s.read(&mut tmp) {
                if n == 0 || body.len() > CAP {
                    break;
                }
                body.extend_from_slice(&tmp[..n]);
            }
        }
        return Some((status, headers, body));
    }
}

fn read_chunked(s: &mut TcpStream, mut raw: Vec<u8>, cap: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut tmp = [0u8; 16 * 1024];
    let mut pos = 0;
    loop {
        // Need a full size line.
        let line_end = loop {
            if let Some(i) = raw[pos..].windows(2).position(|w| w == b"\r\n") {
                break pos + i;
            }
            if raw.len() > cap * 2 {
                return None;
            }
            let n = s.read(&mut tmp).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&tmp[..n]);
        };
        let line = std::str::from_utf8(&raw[pos..line_end]).ok()?;
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        pos = line_end + 2;
        if size == 0 {
            return Some(out);
        }
        if out.len() + size > cap {
            return None;
        }
        while raw.len() < pos + size + 2 {
            let n = s.read(&mut tmp).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&tmp[..n]);
        }
        out.extend_from_slice(&raw[pos..pos + size]);
        pos += size + 2;
    }
}
