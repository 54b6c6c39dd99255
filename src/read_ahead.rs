//! A multipart upload's next part, hashed while the part before it is sent.
//!
//! Each part's SHA-256 must be known before its URL is asked (AGC signs it in), and the whole
//! file's SHA-256 is reported. Both are fed by one [`ReadAhead`] per part: while part N is sent,
//! every read of its body also reads as many bytes of part N+1 (positional reads: the PUT's
//! cursor is left alone) and hashes them together with part N's in-flight re-hash, in one
//! interleaved pass (`crate::sha256`). When part N is through, part N+1's digest is ready and
//! its URL is asked at once; whatever the PUT did not cover (the first part, a part an earlier
//! run sent, a read-ahead cut short by a retry) is hashed by [`ReadAhead::finish`].
//!
//! The in-flight re-hash of part N+1 later checks that the bytes sent are the bytes hashed
//! here, so the whole file's digest is the digest of what was sent.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use crate::digest::{advise_sequential, Sha256Digest, BUFFER_SIZE};
use crate::error::{Error, Result};
use crate::progress::{Phase, Progress, Ticker};
use crate::sha256::{update_with_pair, Pair, Sha256};

/// The digest of one part (`len` bytes from `offset`) and the whole file's running digest
/// through it, fed as far as `done`.
pub(crate) struct ReadAhead {
    offset: u64,
    len: u64,
    done: u64,
    pair: Pair,
    /// Read buffer, allocated at the first read and kept from part to part.
    buf: Vec<u8>,
}

impl ReadAhead {
    /// Part `offset..offset + len`, after `whole` has taken every byte before `offset`.
    pub(crate) fn new(whole: Sha256, offset: u64, len: u64) -> Self {
        ReadAhead { offset, len, done: 0, pair: Pair::new(whole), buf: Vec::new() }
    }

    /// Move on to the part `offset..offset + len` that follows this one (finished), keeping
    /// the whole file's digest and the read buffer.
    pub(crate) fn next_part(&mut self, offset: u64, len: u64) {
        debug_assert_eq!(self.left(), 0);
        let whole = std::mem::take(&mut self.pair.whole);
        (self.offset, self.len, self.done, self.pair) = (offset, len, 0, Pair::new(whole));
    }

    /// The whole file's digest through the bytes fed so far (once the last part is finished,
    /// the whole file's).
    pub(crate) fn whole(&self) -> Sha256Digest {
        self.pair.whole.finalize()
    }

    fn left(&self) -> u64 {
        self.len - self.done
    }

    /// `sent.update(bytes)` for the PUT of the part before, hashing up to as many bytes of
    /// this part with it (read at their offset, so the PUT's cursor does not move).
    #[cfg(unix)]
    pub(crate) fn along(&mut self, file: &File, sent: &mut Sha256, bytes: &[u8]) -> Result<()> {
        let want = self.left().min(bytes.len().min(BUFFER_SIZE) as u64) as usize;
        if want == 0 {
            sent.update(bytes);
            return Ok(());
        }
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        let n = read_at(file, &mut self.buf[..want], self.offset + self.done)?;
        if n == 0 {
            return Err(self.shrank());
        }
        update_with_pair(sent, bytes, &mut self.pair, &self.buf[..n]);
        self.done += n as u64;
        Ok(())
    }

    /// Without positional reads nothing is read ahead: [`ReadAhead::finish`] hashes the part.
    #[cfg(not(unix))]
    pub(crate) fn along(&mut self, _: &File, sent: &mut Sha256, bytes: &[u8]) -> Result<()> {
        sent.update(bytes);
        Ok(())
    }

    /// Hash what is left of the part (reporting [`Phase::Hashing`] over the whole file of
    /// `size` bytes, when anything is left); the part's digest. [`ReadAhead::whole`] then
    /// covers the file through this part.
    pub(crate) fn finish(&mut self, file: &mut File, size: u64, progress: &mut dyn Progress) -> Result<Sha256Digest> {
        let left = self.left();
        if left > 0 {
            let io_err = |e: io::Error| Error::FileChanged(format!("reading it failed: {e}"));
            let from = self.offset + self.done;
            file.seek(SeekFrom::Start(from)).map_err(io_err)?;
            advise_sequential(file);
            let mut sink = |phase: Phase, done: u64, _: u64| progress.report(phase, from + done, size);
            let mut ticker = Ticker::start(&mut sink, Phase::Hashing, left)?;
            let mut buf = std::mem::take(&mut self.buf);
            let cap = BUFFER_SIZE.min(usize::try_from(left).unwrap_or(BUFFER_SIZE));
            if buf.len() < cap {
                buf.resize(cap, 0);
            }
            while self.left() > 0 {
                let want = buf.len().min(usize::try_from(self.left()).unwrap_or(usize::MAX));
                let n = match file.read(&mut buf[..want]) {
                    Ok(0) => return Err(self.shrank()),
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(io_err(e)),
                };
                self.pair.update(&buf[..n]);
                self.done += n as u64;
                ticker.advance(n as u64)?;
            }
            self.buf = buf;
        }
        Ok(self.pair.part.finalize())
    }

    fn shrank(&self) -> Error {
        Error::FileChanged(format!("it shrank below {} bytes while being hashed", self.offset + self.len))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buf, at) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r.map_err(|e| Error::FileChanged(format!("reading it failed: {e}"))),
        }
    }
}
