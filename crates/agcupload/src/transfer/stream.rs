//! The PUT: stream a file (or one part of it) to a signed URL with `Content-Length` (never
//! chunked), replaying exactly the signed headers, hashing the bytes again as they go and
//! refusing to hand over the last piece if they are no longer the bytes we declared.
//!
//! The body reader reads the file straight into ureq's send buffer: one user-space copy of
//! each byte (file -> buffer), which rustls then encrypts. No part is ever held in memory.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use ureq::SendBody;

use crate::error::{bounded, Error, Result};
use crate::net::http::{self, Deadline, MAX_ERROR_BODY};
use crate::progress::{Phase, Progress, Ticker};
use crate::text::secret::Secret;
use crate::transfer::digest::{advise_sequential, to_hex, Sha256Digest};
use crate::transfer::sha256::{Pair, Sha256};

/// Where and how to send one body.
pub(crate) struct Target<'a> {
    /// The signed https URL.
    pub url: &'a str,
    /// POST instead of PUT (some multipart part URLs).
    pub post: bool,
    /// The signed headers, replayed exactly and in order.
    pub headers: &'a [(String, Secret)],
    /// Send `Expect: 100-continue` (opt-in: no peer sends it, see docs/protocol.md).
    pub expect_continue: bool,
}

/// The bytes to send: `len` bytes of `file` from `offset`.
pub(crate) struct Range<'a> {
    pub file: &'a mut File,
    /// The whole file's size when it was opened: a file that is no longer this size changed.
    pub file_size: u64,
    pub offset: u64,
    pub len: u64,
    /// What the bytes must hash to: the digest declared to AGC, or a part's bytes as an
    /// earlier attempt read them. `None` (the first attempt of a part asked without its
    /// digest): whatever they hash to is recorded in `read`.
    pub expected: Option<&'a Sha256Digest>,
    /// Names the body in messages: "" for the whole file, "part 3: " for a part.
    pub label: &'a str,
    /// Counts every body byte handed over, across attempts.
    pub sent: &'a std::cell::Cell<u64>,
    /// Set to the digest of the range's bytes once all of them were read (also when the
    /// attempt then fails), so that a retry can check it sends the same bytes.
    pub read: &'a std::cell::Cell<Option<Sha256Digest>>,
    /// A multipart part: the whole file's digest so far, fed this part's bytes in the same pass.
    pub whole: Option<Whole<'a>>,
    /// The file's stamp when the upload began: a file whose stamp has changed is stopped
    /// before the range's last byte.
    pub stamp: Option<&'a Stamp>,
}

/// The whole file's running digest, carried through the parts.
pub(crate) struct Whole<'a> {
    /// The digest of every byte before this part.
    pub before: Sha256,
    /// When this is the last part and the caller knows the file's digest: what the whole file
    /// must hash to, checked before the last byte.
    pub must_be: Option<&'a Sha256Digest>,
}

/// What an open file looked like: size, inode, modification and change times. A write
/// through any path (or a `touch` that resets the modification time) moves the change time,
/// so a file whose stamp is the same was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    ino: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// The stamp of an open file.
    pub(crate) fn of(file: &File) -> Result<Stamp> {
        let meta = file.metadata().map_err(|e| Error::FileChanged(format!("cannot stat it: {e}")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Stamp {
                len: meta.len(),
                ino: meta.ino(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ctime: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let t = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            let mtime = t.map_or((0, 0), |d| (d.as_secs() as i64, d.subsec_nanos() as i64));
            Ok(Stamp { len: meta.len(), ino: 0, mtime, ctime: (0, 0) })
        }
    }

    /// `Err(FileChanged)` when `file` no longer has this stamp.
    pub(crate) fn check(&self, file: &File, label: &str) -> Result<()> {
        if Stamp::of(file)? != *self {
            return Err(Error::FileChanged(format!(
                "{label}it was written to during the upload (its size, modification or change time moved)"
            )));
        }
        Ok(())
    }
}

/// What a finished PUT gives back.
pub(crate) struct Sent {
    /// The answer's `ETag`, verbatim, if any.
    pub etag: Option<String>,
    /// The SHA-256 of the bytes sent.
    pub digest: Sha256Digest,
    /// The whole file's digest through this part (a part with [`Range::whole`]).
    pub whole: Option<Sha256>,
}

/// The in-flight hash: the range's alone, or with the whole file's in one interleaved pass.
enum Hasher {
    One(Sha256),
    Pair(Pair),
}

impl Hasher {
    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::One(h) => h.update(bytes),
            Hasher::Pair(p) => p.update(bytes),
        }
    }

    fn part(&self) -> &Sha256 {
        match self {
            Hasher::One(h) => h,
            Hasher::Pair(p) => &p.part,
        }
    }
}

/// Reports byte progress of a range as progress over the whole file.
/// The sink is shared (borrowed per report) with the probe that repeats the last report while
/// the PUT's connection waits for the upload host (to take the body, or to answer:
/// `crate::net::interrupt`), so a cancel ends that wait too.
struct Offset<'a, 'p> {
    inner: &'a std::cell::RefCell<&'p mut dyn Progress>,
    base: u64,
    total: u64,
    /// The last `done` reported over the whole file.
    last: &'a std::cell::Cell<u64>,
}

impl Progress for Offset<'_, '_> {
    fn report(&mut self, phase: Phase, done: u64, _total: u64) -> bool {
        self.last.set(self.base + done);
        // Never nested (the probe runs only while the body is not being read); if it were, go on.
        self.inner.try_borrow_mut().map_or(true, |mut p| p.report(phase, self.base + done, self.total))
    }
}

/// Reads exactly the range's bytes, re-hashing them, and fails instead of returning the
/// final piece if the digest or the file's size no longer match.
struct VerifyingReader<'a, 'p> {
    range: Range<'a>,
    sent: u64,
    hasher: Hasher,
    ticker: Ticker<'p>,
    /// Why we stopped the body; takes precedence over the transport error it causes.
    failure: Option<Error>,
}

impl VerifyingReader<'_, '_> {
    fn fail(&mut self, e: Error) -> io::Error {
        let msg = e.to_string();
        self.failure = Some(e);
        io::Error::other(msg)
    }

    /// Called with the final piece read but not yet handed over.
    fn verify_end(&mut self) -> Result<()> {
        let r = &self.range;
        let now = r.file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        if now != r.file_size {
            return Err(Error::FileChanged(format!(
                "{}its size changed from {} to {now} bytes during the upload",
                r.label, r.file_size
            )));
        }
        if let Some(stamp) = r.stamp {
            stamp.check(r.file, r.label)?;
        }
        let digest = self.hasher.part().finalize();
        r.read.set(Some(digest));
        if let Some(expected) = r.expected.filter(|e| **e != digest) {
            return Err(Error::FileChanged(format!(
                "{}the bytes read while sending have SHA-256 {}, not the declared {}: the file changed since it was \
                 hashed, or the SHA-256 given for it is wrong. The upload was stopped before its last byte",
                r.label,
                to_hex(&digest),
                to_hex(expected)
            )));
        }
        if let (Hasher::Pair(pair), Some(Whole { must_be: Some(known), .. })) = (&self.hasher, &r.whole) {
            let whole = pair.whole.finalize();
            if whole != **known {
                return Err(Error::FileChanged(format!(
                    "its SHA-256 is {}, not the given {}; the last part was stopped before its last byte and the \
                     parts were not composed, so nothing was stored",
                    to_hex(&whole),
                    to_hex(known)
                )));
            }
        }
        Ok(())
    }
}

impl Read for VerifyingReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other("upload aborted"));
        }
        let left = self.range.len - self.sent;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = loop {
            match self.range.file.read(&mut buf[..want]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let e = Error::FileChanged(format!("{}reading it failed during the upload: {e}", self.range.label));
                    return Err(self.fail(e));
                }
            }
        };
        if n == 0 {
            let e = Error::FileChanged(format!(
                "{}it shrank to {} bytes during the upload (expected {})",
                self.range.label,
                self.range.offset + self.sent,
                self.range.file_size
            ));
            return Err(self.fail(e));
        }
        self.hasher.update(&buf[..n]);
        self.sent += n as u64;
        if self.sent == self.range.len {
            if let Err(e) = self.verify_end() {
                return Err(self.fail(e));
            }
        }
        self.range.sent.set(self.range.sent.get() + n as u64);
        if let Err(e) = self.ticker.advance(n as u64) {
            return Err(self.fail(e));
        }
        Ok(n)
    }
}

/// Did the upload host answer before the whole body was sent, with a body that only the
/// connection's close delimits (neither Content-Length nor Transfer-Encoding)?
fn early_and_unframed(resp: &ureq::http::Response<ureq::Body>, sent: u64, size: u64) -> bool {
    let h = resp.headers();
    sent < size && !h.contains_key("content-length") && !h.contains_key("transfer-encoding")
}

/// Send `range` to `target`. Progress is [`Phase::Uploading`] over the whole file (the
/// range's bytes counted from its offset).
pub(crate) fn put(
    agent: &ureq::Agent,
    target: &Target<'_>,
    mut range: Range<'_>,
    progress: &mut dyn Progress,
    deadline: Deadline,
) -> Result<Sent> {
    const WHAT: &str = "upload";
    range
        .file
        .seek(SeekFrom::Start(range.offset))
        .map_err(|e| Error::FileChanged(format!("cannot seek in it: {e}")))?;
    advise_sequential(range.file);
    let size = range.len;

    let mut req = if target.post { agent.post(target.url) } else { agent.put(target.url) };
    for (name, value) in target.headers {
        req = req.header(name.as_str(), value.expose());
    }
    let mut req = req.header("Content-Length", size.to_string());
    if target.expect_continue {
        // Let the upload host refuse (expired or bad signature) before the body is sent. The
        // header is not signed; a host that ignores it costs at most ureq's 1 s wait before
        // the body goes anyway. Opt-in: no live-tested peer sends it (docs/protocol.md).
        req = req.header("Expect", "100-continue");
    }
    let req = req.config().accept("").build();
    let req = http::with_deadline(req, deadline)?;

    let (base, total) = (range.offset, range.file_size);
    let shared = std::cell::RefCell::new(progress);
    let last = std::cell::Cell::new(base);
    let mut whole = Offset { inner: &shared, base, total, last: &last };
    let ticker = Ticker::start(&mut whole, Phase::Uploading, size)?;
    let hasher = match range.whole.as_mut() {
        Some(w) => Hasher::Pair(Pair::new(w.before.clone())),
        None => Hasher::One(Sha256::new()),
    };
    let mut reader = VerifyingReader { range, sent: 0, hasher, ticker, failure: None };
    // While the connection waits (for room to send the body to a host that reads it slowly or
    // not at all, for the answer after the body or after `Expect`), the last report is
    // repeated between slices: a cancel then drops the connection without waiting any longer
    // (bytes already handed over may still reach the host). The body reader is never inside a
    // report then: ureq writes only what the reader returned.
    let probe = || shared.try_borrow_mut().map_or(true, |mut p| p.report(Phase::Uploading, last.get(), total));
    let sent = crate::net::interrupt::with_probe(&probe, || req.send(SendBody::from_reader(&mut reader)));
    let stopped = crate::net::interrupt::take_cancelled();
    if let Some(e) = reader.failure.take() {
        return Err(e);
    }
    if stopped && sent.is_err() {
        return Err(Error::Cancelled);
    }
    let mut resp = sent.map_err(|e| http::map_error(e, WHAT))?;
    let status = resp.status().as_u16();
    let retry_after = http::retry_after(&resp);
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(|v| bounded(v, 256));
    let body = if early_and_unframed(&resp, reader.sent, size) {
        // Refused before (all of) the body, with an answer whose end is the connection's
        // close: a host that holds the connection open would make us wait for its idle
        // timeout. Take the status and move on; dropping `resp` closes the connection
        // (ureq never pools a connection whose request body was not sent).
        Ok(Vec::new())
    } else {
        http::read_body(&mut resp, MAX_ERROR_BODY, WHAT)
    };
    match status {
        200 | 201 | 204 => {
            if reader.sent != size {
                return Err(Error::Protocol(format!(
                    "{WHAT}: the server accepted the upload before the whole body was sent"
                )));
            }
            let digest = reader.hasher.part().finalize();
            let whole = match reader.hasher {
                Hasher::Pair(p) => Some(p.whole),
                Hasher::One(_) => None,
            };
            Ok(Sent { etag, digest, whole })
        }
        300..=399 => Err(Error::Protocol(format!(
            "{WHAT}: the upload host answered a redirect ({status}), which we never follow"
        ))),
        _ => {
            // An error body over the cap is itself a protocol violation.
            let (code, message) = parse_s3_error(&body?);
            Err(Error::UploadRejected { status, code, message, retry_after })
        }
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
