//! The PUT: stream the file to the signed URL with `Content-Length` (never chunked),
//! replaying exactly the signed headers, hashing the bytes again as they go and refusing to
//! hand over the last piece if the file is no longer the one we hashed.
//!
//! The body reader reads the file straight into ureq's send buffer: one user-space copy of
//! each byte (file -> buffer), which rustls then encrypts.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};
use ureq::SendBody;

use crate::connect::upload_url::UploadTarget;
use crate::digest::{advise_sequential, Sha256Digest};
use crate::error::{bounded, Error, Result};
use crate::http::{self, Deadline, MAX_ERROR_BODY};
use crate::progress::{Phase, Progress, Ticker};

/// Bodies at least this large ask for `100-continue` first.
const EXPECT_CONTINUE_FROM: u64 = 1024 * 1024;

/// Reads exactly `size` bytes of the file, re-hashing them, and fails instead of returning
/// the final piece if the digest or the size no longer match.
struct VerifyingReader<'a, 'p> {
    file: &'a mut File,
    size: u64,
    sent: u64,
    hasher: Sha256,
    expected: &'a Sha256Digest,
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
        let now = self.file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
        if now != self.size {
            return Err(Error::FileChanged(format!(
                "its size changed from {} to {now} bytes during the upload",
                self.size
            )));
        }
        if cfg!(feature = "bench-no-rehash") {
            return Ok(());
        }
        let digest: Sha256Digest = self.hasher.clone().finalize().into();
        if &digest != self.expected {
            return Err(Error::FileChanged("its content changed between hashing and uploading".into()));
        }
        Ok(())
    }
}

impl Read for VerifyingReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other("upload aborted"));
        }
        let left = self.size - self.sent;
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = loop {
            match self.file.read(&mut buf[..want]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(self.fail(Error::FileChanged(format!("reading it failed during the upload: {e}"))))
                }
            }
        };
        if n == 0 {
            let e = Error::FileChanged(format!(
                "it shrank to {} bytes during the upload (expected {})",
                self.sent, self.size
            ));
            return Err(self.fail(e));
        }
        if !cfg!(feature = "bench-no-rehash") {
            self.hasher.update(&buf[..n]);
        }
        self.sent += n as u64;
        if self.sent == self.size {
            if let Err(e) = self.verify_end() {
                return Err(self.fail(e));
            }
        }
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

/// PUT `size` bytes of `file` to `target`; the bytes must hash to `expected`.
pub(crate) fn put(
    agent: &ureq::Agent,
    target: &UploadTarget,
    file: &mut File,
    size: u64,
    expected: &Sha256Digest,
    progress: &mut dyn Progress,
    deadline: Deadline,
) -> Result<()> {
    const WHAT: &str = "upload";
    file.seek(SeekFrom::Start(0)).map_err(|e| Error::FileChanged(format!("cannot rewind it: {e}")))?;
    advise_sequential(file);

    let mut req = agent.put(&target.url);
    for (name, value) in &target.headers {
        req = req.header(name.as_str(), value.expose());
    }
    let mut req = req.header("Content-Length", size.to_string());
    if size >= EXPECT_CONTINUE_FROM {
        // Let the upload host refuse (expired or bad signature) before the body is sent. The
        // header is not signed and S3/OBS honour it; a host that ignores it costs at most
        // ureq's 1 s wait before the body goes anyway.
        req = req.header("Expect", "100-continue");
    }
    let req = req.config().accept("").build();
    let req = http::with_deadline(req, deadline)?;

    let ticker = Ticker::start(progress, Phase::Uploading, size)?;
    let mut reader = VerifyingReader { file, size, sent: 0, hasher: Sha256::new(), expected, ticker, failure: None };
    let sent = req.send(SendBody::from_reader(&mut reader));
    if let Some(e) = reader.failure.take() {
        return Err(e);
    }
    let mut resp = sent.map_err(|e| http::map_error(e, WHAT))?;
    let status = resp.status().as_u16();
    let retry_after = http::retry_after(&resp);
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
        200 | 204 => {
            if reader.sent != size {
                return Err(Error::Protocol(format!(
                    "{WHAT}: the server accepted the upload before the whole body was sent"
                )));
            }
            Ok(())
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
