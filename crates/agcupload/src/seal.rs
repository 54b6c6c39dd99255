//! Encrypted storage ("sealing") of files such as user profile pictures.
//!
//! AppGallery Connect requires profile pictures to be stored encrypted. A *sealed* file is a
//! 32-byte authenticated header followed by the plaintext cut into fixed-size chunks, each
//! encrypted with XChaCha20-Poly1305 in the STREAM construction of Hoang, Reyhanitabar,
//! Rogaway and Vizár ("Online Authenticated-Encryption and its Nonce-Reuse
//! Misuse-Resistance", CRYPTO 2015). The full specification, precise enough for another
//! implementation, and known-answer vectors are in `docs/sealed-format.md`; a stand-alone
//! Python script, `docs/sealed-format-kat.py`, reproduces the vectors.
//!
//! In short:
//!
//! ```text
//! header  = "AGCSEAL" || version (0x01) || algorithm (0x01) || chunk_size (u32 BE) || prefix (19 bytes)
//! chunk i = XChaCha20-Poly1305(key, nonce = prefix || u32 BE i || last, aad = header, plaintext chunk i)
//! file    = header || chunk 0 || chunk 1 || ... || final chunk
//! ```
//!
//! * Every chunk except the final one carries exactly `chunk_size` plaintext bytes and has
//!   `last = 0x00`; the final chunk has `last = 0x01` and carries *fewer* than `chunk_size`
//!   bytes, possibly none. A plaintext that is a multiple of `chunk_size` (including the
//!   empty plaintext) therefore ends with an empty final chunk (a lone 16-byte tag). This
//!   makes the encoding canonical and lets a reader tell the final chunk by its length alone.
//! * The whole header is the associated data of *every* chunk, so any header edit fails
//!   authentication of the very first chunk, and no chunk can be moved to another file.
//! * The chunk counter and the last-chunk flag in the nonce detect reordered, duplicated,
//!   dropped and truncated chunks; bytes after the final chunk are rejected.
//! * Memory use is constant (one chunk buffer) whatever the size, and the plaintext buffer
//!   is wiped after use. Keys ([`SealKey`]) are wiped on drop and never printed.
//!
//! [`open_stream`] writes a chunk's plaintext only after that chunk authenticates, but a
//! failure in a later chunk leaves earlier plaintext already written: on error the output
//! must be discarded. [`open_file`] does this for you: it writes to a private temporary file
//! and renames it onto the destination only after the final chunk authenticates.

use std::fmt;
use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::path::Path;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

/// Length of a seal key in bytes.
pub const KEY_LEN: usize = 32;

/// Default chunk size: plaintext bytes per chunk (64 KiB).
pub const CHUNK_SIZE: usize = 65536;

/// Smallest chunk size accepted when sealing or opening (1 KiB).
pub const MIN_CHUNK_SIZE: u32 = 1024;

/// Largest chunk size accepted when sealing or opening (1 MiB).
pub const MAX_CHUNK_SIZE: u32 = 1024 * 1024;

/// Length of the random nonce prefix stored in the header.
pub const PREFIX_LEN: usize = 19;

/// Length of the header: magic (7) + version (1) + algorithm (1) + chunk size (4) + prefix (19).
pub const HEADER_LEN: usize = 32;

/// Length of the Poly1305 tag that ends every chunk.
pub const TAG_LEN: usize = 16;

/// The magic bytes that start every sealed file.
pub const MAGIC: &[u8; 7] = b"AGCSEAL";

/// The format version written and accepted.
pub const FORMAT_VERSION: u8 = 1;

/// Algorithm id of XChaCha20-Poly1305 in the STREAM construction (the only one defined).
pub const ALG_XCHACHA20POLY1305_STREAM: u8 = 1;

/// A 32-byte seal key.
///
/// The key lives on the heap (so moves do not leave copies behind), is wiped on drop, and is
/// never printed: `Debug` shows `SealKey(<redacted>)`.
pub struct SealKey(Box<[u8; KEY_LEN]>);

impl SealKey {
    /// Make a key from exactly 32 bytes.
    ///
    /// Any other length gives `Error::SealKey("seal key must be 32 bytes, got N")`.
    pub fn from_bytes(bytes: &[u8]) -> Result<SealKey> {
        if bytes.len() != KEY_LEN {
            return Err(Error::SealKey(format!("seal key must be {KEY_LEN} bytes, got {}", bytes.len())));
        }
        let mut key = Box::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes);
        Ok(SealKey(key))
    }

    /// The key bytes, for the client's redaction step only (it redacts their hex and
    /// base64 forms from messages).
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0[..]
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        // The cipher keeps its own copy of the key and wipes it on drop (ZeroizeOnDrop).
        XChaCha20Poly1305::new(Key::from_slice(&self.0[..]))
    }
}

impl Clone for SealKey {
    fn clone(&self) -> SealKey {
        let mut key = Box::new([0u8; KEY_LEN]);
        key.copy_from_slice(&self.0[..]);
        SealKey(key)
    }
}

impl Drop for SealKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for SealKey {}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

/// Exact sealed size of a plaintext of `plain_len` bytes with the default [`CHUNK_SIZE`]:
/// `32 + plain_len + 16 * (plain_len / 65536 + 1)`.
///
/// Saturates at `u64::MAX` (far beyond what the format can hold: at most 2^32 chunks).
pub fn sealed_len(plain_len: u64) -> u64 {
    sealed_len_with(plain_len, CHUNK_SIZE as u32).unwrap_or(u64::MAX)
}

/// Exact sealed size of a plaintext of `plain_len` bytes with chunk size `chunk_size`:
/// `32 + plain_len + 16 * (plain_len / chunk_size + 1)`.
///
/// `None` if `chunk_size` is outside [`MIN_CHUNK_SIZE`]`..=`[`MAX_CHUNK_SIZE`] or the result
/// does not fit in a `u64`.
pub fn sealed_len_with(plain_len: u64, chunk_size: u32) -> Option<u64> {
    check_chunk_size(chunk_size).ok()?;
    let chunks = plain_len / u64::from(chunk_size) + 1;
    (HEADER_LEN as u64).checked_add(plain_len)?.checked_add(chunks.checked_mul(TAG_LEN as u64)?)
}

/// Seal `input` into `output` with a fresh random nonce prefix and the default chunk size.
///
/// Returns the number of sealed bytes written (always `sealed_len(plaintext length)`).
/// The prefix comes from the operating system's random number generator; if that fails the
/// result is `Error::Internal`, there is no fallback. Read and write errors are reported as
/// `Error::File` with the pseudo-paths `<input>` and `<output>`.
pub fn seal_stream<R: Read, W: Write>(key: &SealKey, input: R, output: W) -> Result<u64> {
    seal_stream_with(key, None, CHUNK_SIZE as u32, input, output)
}

/// **Test-only:** seal with a caller-given nonce prefix, for known-answer tests.
///
/// Never use this for real data: sealing two different plaintexts with the same key and the
/// same prefix reuses nonces, which destroys both confidentiality and integrity. Use
/// [`seal_stream`] or [`seal_file`], which draw a random prefix.
pub fn seal_stream_with_prefix<R: Read, W: Write>(
    key: &SealKey,
    prefix: &[u8; PREFIX_LEN],
    input: R,
    output: W,
) -> Result<u64> {
    seal_stream_with(key, Some(prefix), CHUNK_SIZE as u32, input, output)
}

/// Seal with an explicit chunk size and, for tests only, an explicit nonce prefix.
///
/// `prefix: None` draws a random prefix (as [`seal_stream`] does); `Some(..)` is for
/// known-answer tests only (see [`seal_stream_with_prefix`] for why). `chunk_size` must be
/// within [`MIN_CHUNK_SIZE`]`..=`[`MAX_CHUNK_SIZE`], else `Error::InvalidArgument`; it is
/// recorded in the authenticated header, so [`open_stream`] needs no parameter. Small
/// chunk sizes exist to make exhaustive tamper tests cheap; real data should use the
/// default. Returns the number of sealed bytes written.
pub fn seal_stream_with<R: Read, W: Write>(
    key: &SealKey,
    prefix: Option<&[u8; PREFIX_LEN]>,
    chunk_size: u32,
    input: R,
    output: W,
) -> Result<u64> {
    seal_impl(key, prefix, chunk_size, input, output)
        .map_err(|e| e.into_error(Path::new("<input>"), Path::new("<output>")))
}

/// Open (decrypt and authenticate) a sealed stream into `output`.
///
/// Returns the number of plaintext bytes written. Each chunk's plaintext is written only
/// after that chunk authenticates, but an error in a later chunk leaves the earlier chunks
/// written: **on error the output is incomplete and must be discarded** ([`open_file`] does
/// that for you). A wrong key, tampering, truncation, reordering, a bad header or bytes after
/// the final chunk all give `Error::SealCorrupt`. Read and write errors are reported as
/// `Error::File` with the pseudo-paths `<input>` and `<output>`.
pub fn open_stream<R: Read, W: Write>(key: &SealKey, input: R, output: W) -> Result<u64> {
    open_impl(key, input, output).map_err(|e| e.into_error(Path::new("<input>"), Path::new("<output>")))
}

/// Seal the file `input` into a new file `output`; returns the sealed size.
///
/// The sealed data is written to a temporary file in `output`'s directory (mode 0600 on
/// unix), flushed to disk, then renamed onto `output` (replacing any existing file). On any
/// failure the temporary file is removed and `output` is untouched. `input` and `output` may
/// be the same path.
///
/// Exactly the size the file had when it was opened is sealed, and the sealed bytes are the
/// file's content: when the file grows, shrinks or is rewritten while it is sealed, the result
/// is `Error::FileChanged` (see `seal_snapshot`). Anything but a regular file (a FIFO, a
/// device, a directory) is refused with `Error::File` before any read.
pub fn seal_file(key: &SealKey, input: &Path, output: &Path) -> Result<u64> {
    // Never blocks on a FIFO; only a regular file is read.
    let (source, meta) = crate::fsio::open_regular(input).map_err(|e| e.into_error(input))?;
    let mut tmp = create_temp_for(output)?;
    // On an error `tmp` is dropped, which removes the temporary file.
    let written = seal_snapshot(key, &source, meta.len(), &[], input, output, tmp.as_file_mut(), &mut |_| Ok(()))?;
    drop(source);
    persist(tmp, output)?;
    Ok(written)
}

/// Open the sealed file `input` into `output`; returns the plaintext size.
///
/// The plaintext goes to a temporary file in `output`'s directory (mode 0600 on unix) which
/// is flushed and renamed onto `output` only after the final chunk authenticates. On any
/// failure (wrong key, tampered or truncated file, I/O error) the temporary file is removed
/// and `output` is untouched: no partial plaintext is ever left behind.
pub fn open_file(key: &SealKey, input: &Path, output: &Path) -> Result<u64> {
    // Never blocks on a FIFO; only a regular file is read.
    let (source, _) = crate::fsio::open_regular(input).map_err(|e| e.into_error(input))?;
    let mut tmp = create_temp_for(output)?;
    // On an error `tmp` is dropped, which removes the temporary file and its partial plaintext.
    let written = open_impl(key, &source, tmp.as_file_mut()).map_err(|e| e.into_error(input, output))?;
    drop(source);
    persist(tmp, output)?;
    Ok(written)
}

/// Seal exactly `size` bytes of `file` (read from offset 0, whatever its position) into
/// `output`, and make sure the sealed plaintext is the file's content: `Error::FileChanged`
/// when the file ends early (it shrank), holds more than `size` bytes (it grew), does not
/// start with `expected_head` (the bytes whose type was validated), or was rewritten while
/// it was sealed.
///
/// The last needs a second read: the plaintext is hashed (SHA-256) while it is sealed, then
/// the file is read again from the start and hashed, and the two digests must agree. A
/// rewrite in the middle of sealing leaves a mixture of old and new bytes in the sealed data
/// that is neither the old nor the new file, and the second read sees the new file, so the
/// digests differ. Time stamps are no substitute: the kernel updates them at a coarse clock
/// tick and a writer can reset them, while the digest depends on nothing but the bytes.
///
/// `tick(n)` is called after each read of `n` plaintext bytes in the sealing pass; an error
/// from it (cancellation) stops the sealing and is returned as is. `input`/`output` only name
/// the streams in I/O error messages.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_snapshot<W: Write>(
    key: &SealKey,
    file: &File,
    size: u64,
    expected_head: &[u8],
    input: &Path,
    output: &Path,
    out: W,
    tick: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<u64> {
    use sha2::{Digest, Sha256};
    let mut snapshot = Snapshot { file, size, pos: 0, hasher: Sha256::new(), head: expected_head, tick, stop: None };
    let sealed = seal_impl(key, None, CHUNK_SIZE as u32, &mut snapshot, out);
    if let Some(e) = snapshot.stop.take() {
        return Err(e);
    }
    let sealed = sealed.map_err(|e| e.into_error(input, output))?;
    let sealed_digest = snapshot.hasher.finalize();
    let read_err = |e: io::Error| Error::file(input, e);
    check_no_more(file, size).map_err(read_err)??;

    // The second read: the file's content now.
    let mut hasher = Sha256::new();
    let mut buf = Zeroizing::new(vec![0u8; crate::transfer::digest::BUFFER_SIZE]);
    let mut pos = 0u64;
    while pos < size {
        let want = buf.len().min(usize::try_from(size - pos).unwrap_or(usize::MAX));
        let n = read_at(file, &mut buf[..want], pos).map_err(read_err)?;
        if n == 0 {
            return Err(shrank(pos, size));
        }
        hasher.update(&buf[..n]);
        pos += n as u64;
    }
    check_no_more(file, size).map_err(read_err)??;
    if hasher.finalize() != sealed_digest {
        return Err(Error::FileChanged(
            "its content was rewritten while it was sealed (the sealed bytes are not the file's bytes)".into(),
        ));
    }
    Ok(sealed)
}

fn shrank(got: u64, size: u64) -> Error {
    Error::FileChanged(format!("it shrank from {size} to {got} bytes while it was sealed"))
}

/// `Ok(Err(FileChanged))` when `file` holds a byte at offset `size`.
fn check_no_more(file: &File, size: u64) -> io::Result<Result<()>> {
    let mut probe = [0u8; 1];
    Ok(if read_at(file, &mut probe, size)? != 0 {
        Err(Error::FileChanged(format!("it grew beyond the {size} bytes checked while it was sealed")))
    } else {
        Ok(())
    })
}

/// One positioned read (retried on EINTR); does not move the file's cursor on unix.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        #[cfg(unix)]
        let r = std::os::unix::fs::FileExt::read_at(file, buf, offset);
        #[cfg(windows)]
        let r = std::os::windows::fs::FileExt::seek_read(file, buf, offset);
        match r {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

/// The reader of the sealing pass: exactly `size` bytes from offset 0, hashed, checked
/// against the validated head. `stop` holds why it stopped when that is not an I/O error.
struct Snapshot<'a> {
    file: &'a File,
    size: u64,
    pos: u64,
    hasher: sha2::Sha256,
    head: &'a [u8],
    tick: &'a mut dyn FnMut(u64) -> Result<()>,
    stop: Option<Error>,
}

impl Read for Snapshot<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use sha2::Digest;
        let left = self.size - self.pos;
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        let stop = if n == 0 {
            Some(shrank(self.pos, self.size))
        } else if !head_matches(self.head, self.pos, &buf[..n]) {
            Some(Error::FileChanged("its first bytes changed after their type was checked".into()))
        } else {
            self.hasher.update(&buf[..n]);
            self.pos += n as u64;
            (self.tick)(n as u64).err()
        };
        match stop {
            Some(e) => {
                self.stop = Some(e);
                Err(io::Error::other("sealing stopped"))
            }
            None => Ok(n),
        }
    }
}

/// Whether `data`, read at offset `pos`, agrees with `head` where they overlap.
fn head_matches(head: &[u8], pos: u64, data: &[u8]) -> bool {
    let Ok(start) = usize::try_from(pos) else { return true };
    if start >= head.len() {
        return true;
    }
    let end = head.len().min(start + data.len());
    head[start..end] == data[..end - start]
}

// ---------------------------------------------------------------------------------------------
// Internals

/// An error inside the stream functions, before we know how to name the streams.
enum StreamError {
    Read(io::Error),
    Write(io::Error),
    Other(Error),
}

impl StreamError {
    fn into_error(self, input: &Path, output: &Path) -> Error {
        match self {
            StreamError::Read(e) => Error::file(input, e),
            StreamError::Write(e) => Error::file(output, e),
            StreamError::Other(e) => e,
        }
    }
}

impl From<Error> for StreamError {
    fn from(e: Error) -> StreamError {
        StreamError::Other(e)
    }
}

fn corrupt(reason: impl Into<String>) -> StreamError {
    StreamError::Other(Error::SealCorrupt(reason.into()))
}

fn check_chunk_size(chunk_size: u32) -> Result<(), String> {
    if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        Ok(())
    } else {
        Err(format!("chunk size {chunk_size} is outside {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}"))
    }
}

fn encode_header(chunk_size: u32, prefix: &[u8; PREFIX_LEN]) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..7].copy_from_slice(MAGIC);
    header[7] = FORMAT_VERSION;
    header[8] = ALG_XCHACHA20POLY1305_STREAM;
    header[9..13].copy_from_slice(&chunk_size.to_be_bytes());
    header[13..].copy_from_slice(prefix);
    header
}

/// Parse and check a header; returns the chunk size and the nonce prefix.
///
/// The header is only *checked* here; it is *authenticated* by every chunk, whose associated
/// data it is (so a header edit fails at chunk 0 at the latest).
fn decode_header(header: &[u8; HEADER_LEN]) -> Result<(u32, [u8; PREFIX_LEN]), String> {
    if &header[..7] != MAGIC {
        return Err("not a sealed file (bad magic)".into());
    }
    if header[7] != FORMAT_VERSION {
        return Err(format!("unsupported format version {}", header[7]));
    }
    if header[8] != ALG_XCHACHA20POLY1305_STREAM {
        return Err(format!("unsupported algorithm id {}", header[8]));
    }
    let chunk_size = u32::from_be_bytes([header[9], header[10], header[11], header[12]]);
    check_chunk_size(chunk_size)?;
    let mut prefix = [0u8; PREFIX_LEN];
    prefix.copy_from_slice(&header[13..]);
    Ok((chunk_size, prefix))
}

/// The per-file STREAM state: cipher, header (the associated data) and chunk counter.
struct Stream {
    aead: XChaCha20Poly1305,
    header: [u8; HEADER_LEN],
    prefix: [u8; PREFIX_LEN],
    /// Index of the next chunk; valid indices are `0..=u32::MAX`.
    counter: u64,
}

/// The counter ran out: a non-final chunk at index `u32::MAX` can have no successor.
struct CounterExhausted;

impl Stream {
    fn new(key: &SealKey, header: [u8; HEADER_LEN], prefix: [u8; PREFIX_LEN]) -> Stream {
        Stream { aead: key.cipher(), header, prefix, counter: 0 }
    }

    /// The nonce of the next chunk, and advance the counter.
    fn next_nonce(&mut self, last: bool) -> Result<XNonce, CounterExhausted> {
        let index = u32::try_from(self.counter).map_err(|_| CounterExhausted)?;
        if !last && index == u32::MAX {
            // A final chunk must follow, and it would need index 2^32.
            return Err(CounterExhausted);
        }
        let mut nonce = XNonce::default();
        nonce[..PREFIX_LEN].copy_from_slice(&self.prefix);
        nonce[PREFIX_LEN..PREFIX_LEN + 4].copy_from_slice(&index.to_be_bytes());
        nonce[PREFIX_LEN + 4] = u8::from(last);
        self.counter += 1;
        Ok(nonce)
    }

    /// Encrypt one chunk in place; returns its tag.
    fn seal_chunk(&mut self, buf: &mut [u8], last: bool) -> Result<Tag, CounterExhausted> {
        let nonce = self.next_nonce(last)?;
        // Only fails for messages over 256 GiB; chunks are at most 1 MiB.
        self.aead.encrypt_in_place_detached(&nonce, &self.header, buf).map_err(|_| CounterExhausted)
    }

    /// Decrypt and authenticate one chunk in place (`buf` is the ciphertext without its tag).
    fn open_chunk(&mut self, buf: &mut [u8], tag: &Tag, last: bool) -> Result<(), StreamError> {
        let index = self.counter;
        let nonce = self.next_nonce(last).map_err(|_| corrupt("too many chunks (counter exhausted)"))?;
        self.aead.decrypt_in_place_detached(&nonce, &self.header, buf, tag).map_err(|_| {
            if index == 0 {
                corrupt("chunk 0 failed authentication (wrong key, or the file is damaged or was modified)")
            } else if last {
                corrupt(format!("chunk {index} failed authentication (the file is truncated, damaged or was modified)"))
            } else {
                corrupt(format!("chunk {index} failed authentication (the file is damaged or was modified)"))
            }
        })
    }
}

/// Read until `buf` is full or the input ends; returns the number of bytes read.
fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> Result<usize, StreamError> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(StreamError::Read(e)),
        }
    }
    Ok(filled)
}

fn write_all<W: Write>(output: &mut W, data: &[u8]) -> Result<(), StreamError> {
    output.write_all(data).map_err(StreamError::Write)
}

fn random_prefix() -> Result<[u8; PREFIX_LEN]> {
    let mut prefix = [0u8; PREFIX_LEN];
    getrandom::getrandom(&mut prefix)
        .map_err(|e| Error::Internal(format!("the operating system's random number generator failed: {e}")))?;
    Ok(prefix)
}

fn seal_impl<R: Read, W: Write>(
    key: &SealKey,
    prefix: Option<&[u8; PREFIX_LEN]>,
    chunk_size: u32,
    mut input: R,
    mut output: W,
) -> Result<u64, StreamError> {
    check_chunk_size(chunk_size).map_err(Error::InvalidArgument)?;
    let prefix = match prefix {
        Some(p) => *p,
        None => random_prefix()?,
    };
    let header = encode_header(chunk_size, &prefix);
    let mut stream = Stream::new(key, header, prefix);
    let chunk = chunk_size as usize;
    // The one plaintext buffer; wiped on drop, whatever happens.
    let mut buf = Zeroizing::new(vec![0u8; chunk]);

    write_all(&mut output, &header)?;
    let mut plain_total: u64 = 0;
    let mut sealed_total: u64 = HEADER_LEN as u64;
    loop {
        let n = read_full(&mut input, &mut buf)?;
        let last = n < chunk;
        let tag = stream.seal_chunk(&mut buf[..n], last).map_err(|_| {
            // 2^32 chunks of chunk_size bytes have been read and more follows.
            Error::FileTooLarge {
                size: plain_total.saturating_add(n as u64),
                limit: (u64::from(chunk_size) << 32) - 1,
                kind: "a sealed file",
            }
        })?;
        write_all(&mut output, &buf[..n])?;
        write_all(&mut output, &tag)?;
        plain_total += n as u64;
        sealed_total += (n + TAG_LEN) as u64;
        if last {
            break;
        }
    }
    output.flush().map_err(StreamError::Write)?;
    Ok(sealed_total)
}

fn open_impl<R: Read, W: Write>(key: &SealKey, mut input: R, mut output: W) -> Result<u64, StreamError> {
    let mut header = [0u8; HEADER_LEN];
    let got = read_full(&mut input, &mut header)?;
    if got < HEADER_LEN {
        return Err(corrupt(format!("truncated header ({got} of {HEADER_LEN} bytes)")));
    }
    let (chunk_size, prefix) = decode_header(&header).map_err(corrupt)?;
    let mut stream = Stream::new(key, header, prefix);
    let chunk = chunk_size as usize;
    // One sealed chunk: ciphertext then tag. Decrypted in place, wiped on drop.
    let mut buf = Zeroizing::new(vec![0u8; chunk + TAG_LEN]);

    let mut plain_total: u64 = 0;
    loop {
        let n = read_full(&mut input, &mut buf)?;
        if n < TAG_LEN {
            return Err(corrupt(format!("truncated: chunk {} is missing or shorter than its tag", stream.counter)));
        }
        // A full-size chunk is never final; a shorter one always is.
        let last = n < chunk + TAG_LEN;
        let body_len = n - TAG_LEN;
        let (body, tag) = buf[..n].split_at_mut(body_len);
        let tag = Tag::clone_from_slice(tag);
        stream.open_chunk(body, &tag, last)?;
        if last {
            let mut extra = [0u8; 1];
            if read_full(&mut input, &mut extra)? != 0 {
                body.zeroize();
                return Err(corrupt("unexpected data after the final chunk"));
            }
        }
        write_all(&mut output, body)?;
        plain_total += body_len as u64;
        if last {
            break;
        }
    }
    output.flush().map_err(StreamError::Write)?;
    Ok(plain_total)
}

/// Create a new, private (0600 on unix) temporary file in `dest`'s directory, removed when it
/// is dropped unless it was persisted.
fn create_temp_for(dest: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let full_name = dest.file_name().ok_or_else(|| Error::file(dest, "not a file name"))?.to_string_lossy();
    // Keep the temporary name well under NAME_MAX whatever the destination's name.
    let mut name = String::new();
    for ch in full_name.chars() {
        if name.len() + ch.len_utf8() > 64 {
            break;
        }
        name.push(ch);
    }
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{name}.");
    builder.prefix(&prefix).suffix(".agcseal-tmp").rand_bytes(16);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder
        .tempfile_in(dir)
        .map_err(|e| Error::file(dest, format!("cannot create a temporary file: {}", crate::fsio::without_path(e))))
}

/// Flush the temporary file to disk and rename it onto the destination (replacing it).
fn persist(tmp: tempfile::NamedTempFile, dest: &Path) -> Result<()> {
    tmp.as_file().sync_all().map_err(|e| Error::file(dest, e))?;
    tmp.persist(dest).map_err(|e| Error::file(dest, crate::fsio::without_path(e.error)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SealKey {
        SealKey::from_bytes(&[7u8; 32]).unwrap()
    }

    #[test]
    fn seal_counter_exhaustion() {
        let mut s = Stream::new(&key(), [0; HEADER_LEN], [0; PREFIX_LEN]);
        s.counter = u64::from(u32::MAX) - 1;
        // Non-final chunk at index 2^32 - 2: fine.
        assert!(s.seal_chunk(&mut [1, 2, 3], false).is_ok());
        // Non-final chunk at index 2^32 - 1 could have no final successor.
        assert!(s.seal_chunk(&mut [1, 2, 3], false).is_err());
        // The final chunk at index 2^32 - 1 is the last one allowed.
        assert!(s.seal_chunk(&mut [1, 2, 3], true).is_ok());
        assert!(s.seal_chunk(&mut [], true).is_err());
    }

    #[test]
    fn seal_nonce_layout() {
        let mut s = Stream::new(&key(), [0; HEADER_LEN], [0xAB; PREFIX_LEN]);
        s.counter = 0x0102_0304;
        let n = s.next_nonce(true).ok().unwrap();
        assert_eq!(&n[..19], &[0xAB; 19]);
        assert_eq!(&n[19..], &[1, 2, 3, 4, 1]);
        let n = s.next_nonce(false).ok().unwrap();
        assert_eq!(&n[19..], &[1, 2, 3, 5, 0]);
    }

    #[test]
    fn seal_header_roundtrip() {
        let h = encode_header(4096, &[9; PREFIX_LEN]);
        assert_eq!(&h[..9], b"AGCSEAL\x01\x01");
        assert_eq!(&h[9..13], &[0, 0, 0x10, 0]);
        let (cs, p) = decode_header(&h).unwrap();
        assert_eq!(cs, 4096);
        assert_eq!(p, [9; PREFIX_LEN]);
        for bad in [0u32, 1023, 1024 * 1024 + 1, u32::MAX] {
            assert!(decode_header(&encode_header(bad, &[0; PREFIX_LEN])).is_err());
        }
    }

    #[test]
    fn seal_xchacha_draft_vector() {
        // draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
        let key: Vec<u8> = (0x80u8..=0x9f).collect();
        let nonce: Vec<u8> = (0x40u8..=0x57).collect();
        let aad = hex("50515253c0c1c2c3c4c5c6c7");
        let mut buf = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".to_vec();
        let aead = XChaCha20Poly1305::new(Key::from_slice(&key));
        let tag = aead.encrypt_in_place_detached(XNonce::from_slice(&nonce), &aad, &mut buf).unwrap();
        assert_eq!(
            buf,
            hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e")
        );
        assert_eq!(tag.as_slice(), &hex("c0875924c1c7987947deafd8780acf49")[..]);
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }
}
