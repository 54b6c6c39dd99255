//! Minimal HTTP/1.1 server-side plumbing: a socket wrapper that turns read timeouts into
//! shutdown checks, a buffered connection that reads request heads (capped) and bodies, and
//! response writing (always with Content-Length).
//!
//! Hand-written on purpose rather than a server crate: the fault modes need raw control of
//! the wire that a server library hides or forbids (an answer before the body is read, a body
//! delimited by the connection's close, a reset halfway through a body, a stalled or slowed
//! read, a held answer). The request head itself is parsed by `httparse`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest accepted request head (request line + headers).
pub const MAX_HEAD: usize = 64 * 1024;
/// Most headers accepted in one request.
pub const MAX_HEADERS: usize = 128;

/// A TCP socket whose blocking reads/writes wake up every second to check for server shutdown,
/// and give up after `idle_limit` without progress.
pub struct Sock {
    /// The socket.
    pub tcp: TcpStream,
    shutdown: Arc<AtomicBool>,
    idle_limit: Duration,
}

impl Sock {
    /// Wraps `tcp` (sets 1 s read/write timeouts).
    pub fn new(tcp: TcpStream, shutdown: Arc<AtomicBool>, idle_limit: Duration) -> Sock {
        let _ = tcp.set_read_timeout(Some(Duration::from_secs(1)));
        let _ = tcp.set_write_timeout(Some(Duration::from_secs(1)));
        let _ = tcp.set_nodelay(true);
        Sock { tcp, shutdown, idle_limit }
    }

    fn retry<T>(&mut self, mut f: impl FnMut(&mut TcpStream) -> io::Result<T>) -> io::Result<T> {
        let start = Instant::now();
        loop {
            match f(&mut self.tcp) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                    ) =>
                {
                    if self.shutdown.load(Ordering::SeqCst) {
                        return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "server shut down"));
                    }
                    if start.elapsed() > self.idle_limit {
                        return Err(io::Error::new(io::ErrorKind::TimedOut, "idle too long"));
                    }
                }
                other => return other,
            }
        }
    }
}

impl Read for Sock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.retry(|t| t.read(buf))
    }
}

impl Write for Sock {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.retry(|t| t.write(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// A parsed request head.
#[derive(Clone, Debug)]
pub struct Request {
    /// Method as received.
    pub method: String,
    /// Path as received (still percent-encoded), without the query.
    pub raw_path: String,
    /// Raw query string (without `?`), empty if none.
    pub raw_query: String,
    /// Headers, names lowercased, arrival order, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// Headers with their original name case (for verbatim forwarding).
    pub headers_orig: Vec<(String, String)>,
    /// Minor HTTP version (0 or 1).
    pub minor_version: u8,
    /// The request line exactly as received (without CRLF).
    pub request_line: String,
}

impl Request {
    /// First value of a header (name lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Number of occurrences of a header.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(k, _)| k == name).count()
    }
    /// Whether the client asked to close the connection after this request.
    pub fn wants_close(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        conn.split(',').any(|t| t.trim() == "close") || (self.minor_version == 0 && !conn.contains("keep-alive"))
    }
    /// `Transfer-Encoding` present with any value (we only accept Content-Length bodies).
    pub fn is_chunked(&self) -> bool {
        self.header("transfer-encoding").is_some()
    }
    /// Parsed Content-Length: `Ok(None)` if absent, `Err` if malformed or repeated with different values.
    pub fn content_length(&self) -> Result<Option<u64>, ()> {
        let mut v: Option<u64> = None;
        for (k, val) in &self.headers {
            if k == "content-length" {
                let t = val.trim();
                if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(());
                }
                let n: u64 = t.parse().map_err(|_| ())?;
                if v.is_some_and(|old| old != n) {
                    return Err(());
                }
                v = Some(n);
            }
        }
        Ok(v)
    }
}

/// Why no request head could be read.
#[derive(Debug)]
pub enum HeadError {
    /// Clean EOF before any byte of a new request.
    Closed,
    /// Head larger than [`MAX_HEAD`] or too many headers.
    TooLarge,
    /// Not HTTP.
    Malformed,
    /// Socket error (including EOF in the middle of a head).
    Io,
}

/// A buffered HTTP connection over any byte stream.
pub struct Conn<S> {
    /// The underlying stream.
    pub stream: S,
    /// Body bytes read since the last request head.
    pub body_read: u64,
    /// Called with (status, body bytes read) right before a response is written, so that
    /// records are final by the time the client sees the answer.
    pub hook: Option<Box<dyn FnMut(u16, u64) + Send>>,
    /// Set for one request under `Fault::Hostile`: the text every JSON answer's free-text
    /// fields are replaced with (see `server::respond_json`).
    pub hostile: Option<String>,
    /// Set for one request under `Fault::SlowAnswer`: how long to hold the answer once it is
    /// ready, and what ends the wait early (the server shutting down, the fault cleared).
    pub delay: Option<(std::time::Duration, Box<dyn Fn() -> bool + Send>)>,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
}

impl<S: Read + Write> Conn<S> {
    /// Wraps a stream.
    pub fn new(stream: S) -> Conn<S> {
        Conn {
            stream,
            body_read: 0,
            hook: None,
            hostile: None,
            delay: None,
            buf: vec![0; MAX_HEAD + 16 * 1024],
            pos: 0,
            len: 0,
        }
    }

    /// Reads and parses the next request head.
    pub fn read_head(&mut self) -> Result<Request, HeadError> {
        loop {
            let avail = &self.buf[self.pos..self.len];
            if let Some(end) = find_head_end(avail) {
                let head = &self.buf[self.pos..self.pos + end];
                let req = parse_head(head)?;
                self.pos += end;
                self.body_read = 0;
                return Ok(req);
            }
            if avail.len() >= MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            if self.pos > 0 {
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
            }
            let n = self.stream.read(&mut self.buf[self.len..]).map_err(|_| HeadError::Io)?;
            if n == 0 {
                return if self.len == 0 { Err(HeadError::Closed) } else { Err(HeadError::Io) };
            }
            self.len += n;
        }
    }

    /// Reads some body bytes (buffered leftovers first). 0 means EOF.
    pub fn read_some(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.len {
            let n = out.len().min(self.len - self.pos);
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            self.body_read += n as u64;
            return Ok(n);
        }
        let n = self.stream.read(out)?;
        self.body_read += n as u64;
        Ok(n)
    }

    /// Runs the response hook (once per request).
    pub fn notify(&mut self, status: u16) {
        if let Some(mut h) = self.hook.take() {
            h(status, self.body_read);
        }
    }

    /// Reads exactly `n` bytes (n is capped by the caller).
    pub fn read_exact_body(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut v = vec![0u8; n];
        let mut got = 0;
        while got < n {
            let k = self.read_some(&mut v[got..])?;
            if k == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            got += k;
        }
        Ok(v)
    }

    /// Reads and discards up to `n` bytes; returns how many were read.
    pub fn drain(&mut self, n: u64) -> io::Result<u64> {
        let mut tmp = vec![0u8; 64 * 1024];
        let mut left = n;
        while left > 0 {
            let want = tmp.len().min(left.min(usize::MAX as u64) as usize);
            let k = self.read_some(&mut tmp[..want])?;
            if k == 0 {
                break;
            }
            left -= k as u64;
        }
        Ok(n - left)
    }

    /// Writes a complete response with Content-Length.
    pub fn respond(&mut self, status: u16, headers: &[(&str, String)], body: &[u8], close: bool) -> io::Result<()> {
        if status >= 200 {
            self.notify(status);
        }
        if let Some((hold, stop)) = &self.delay {
            let until = std::time::Instant::now() + *hold;
            while std::time::Instant::now() < until && !stop() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        let mut out = Vec::with_capacity(256 + body.len());
        out.extend_from_slice(response_head(status, headers, body.len() as u64, close).as_bytes());
        out.extend_from_slice(body);
        self.stream.write_all(&out)?;
        self.stream.flush()
    }

    /// Writes raw bytes.
    pub fn write_raw(&mut self, data: &[u8]) -> io::Result<()> {
        self.stream.write_all(data)?;
        self.stream.flush()
    }
}

/// Builds a response head (status line, given headers, Content-Length, Connection).
pub fn response_head(status: u16, headers: &[(&str, String)], content_length: u64, close: bool) -> String {
    let mut s = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        s.push_str(k);
        s.push_str(": ");
        s.push_str(v);
        s.push_str("\r\n");
    }
    s.push_str(&format!("Content-Length: {content_length}\r\n"));
    if close {
        s.push_str("Connection: close\r\n");
    }
    s.push_str("\r\n");
    s
}

fn find_head_end(b: &[u8]) -> Option<usize> {
    b.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

fn parse_head(head: &[u8]) -> Result<Request, HeadError> {
    let mut hdrs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut hdrs);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(HeadError::Malformed),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(_) => return Err(HeadError::Malformed),
    }
    let method = req.method.ok_or(HeadError::Malformed)?.to_string();
    let target = req.path.ok_or(HeadError::Malformed)?.to_string();
    let minor_version = req.version.ok_or(HeadError::Malformed)?;
    let (raw_path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let mut headers = Vec::new();
    let mut headers_orig = Vec::new();
    for h in req.headers.iter() {
        let v = String::from_utf8_lossy(h.value).into_owned();
        headers.push((h.name.to_ascii_lowercase(), v.clone()));
        headers_orig.push((h.name.to_string(), v));
    }
    let first_line_end = head.windows(2).position(|w| w == b"\r\n").unwrap_or(head.len());
    let request_line = String::from_utf8_lossy(&head[..first_line_end]).trim_start().to_string();
    Ok(Request { method, raw_path, raw_query, headers, headers_orig, minor_version, request_line })
}

/// Reason phrase for the statuses the mock uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}
