//! The orchestration of one upload: validate -> hash -> token -> upload URL -> PUT, or, for
//! a big file, AGC's multipart upload: init -> per part (hash, part URL, PUT) -> compose.
//!
//! Data flows one way. Every step before the network is local and final (a bad file never
//! costs a request); every step after it runs inside the retry policy, and each attempt asks
//! for a fresh signed URL (they expire after about five minutes) but reuses the hash. In a
//! multipart upload the retry policy applies to each part on its own (attempts, Retry-After,
//! the deadline), so a reset re-sends one part, never the file.

use std::cell::Cell;
use std::fs::File;
use std::path::Path;

use super::Client;
use crate::auth;
use crate::connect::ids::check_app_id;
use crate::connect::multipart::{self, DonePart, InitQuery, PartMethod, PartQuery, Session, MAX_PARTS};
use crate::connect::upload_url::{self, UploadUrlQuery};
use crate::digest::{self, to_hex, Sha256Digest};
use crate::error::{Error, Result};
use crate::package::{Package, PackageKind};
use crate::progress::{self, Phase, Progress};
use crate::read_ahead::ReadAhead;
use crate::resume::{self, Identity, PartRecord, ResumeState};
use crate::seal::{self, SealKey};
use crate::sha256::Sha256;
use crate::transfer::{self, Range, Target};

/// Files at least this large go multipart under [`Transfer::Auto`]: 128 MiB.
///
/// Chosen by measurement (BENCHMARKS.md, "Multipart and resume"): where the CPU is the limit
/// (loopback), multipart costs about a third more time at every size, since each byte is
/// hashed three times (the part's digest before its PUT, its re-hash while sent, the whole
/// file's digest) instead of twice: +37 ms at 32 MiB, +0.16 s at 128 MiB, +0.7 to 1.0 s at 1 GiB
/// on the benchmark host. Against a real upload host each part also costs two round trips (its
/// URL, its answer). Below 128 MiB that is not worth it on a good link, and a lost attempt
/// re-sends little; on a slow link (the ~20 KiB/s of hosted runners to the China site, where
/// 128 MiB is nearly two hours) ask for `Transfer::Multipart` at any size.
pub const AUTO_MULTIPART_FROM: u64 = 128 * 1024 * 1024;

/// How the file travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transfer {
    /// Multipart from [`AUTO_MULTIPART_FROM`] bytes, else one PUT; a business refusal of
    /// the multipart `init` falls back to one PUT, with a note in the result.
    #[default]
    Auto,
    /// Always one PUT (the upload-url flow).
    Single,
    /// Always AGC's multipart upload; its refusal is an error.
    Multipart,
}

impl Transfer {
    /// `auto`, `single` or `multipart`.
    pub fn parse(text: &str) -> Result<Transfer> {
        match text.trim() {
            "auto" => Ok(Transfer::Auto),
            "single" => Ok(Transfer::Single),
            "multipart" => Ok(Transfer::Multipart),
            _ => Err(Error::InvalidArgument("transfer must be auto, single or multipart".into())),
        }
    }

    /// The name [`Transfer::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Transfer::Auto => "auto",
            Transfer::Single => "single",
            Transfer::Multipart => "multipart",
        }
    }
}

/// One upload: what and where.
#[derive(Debug, Clone)]
pub struct UploadRequest<'a> {
    /// The app's id in AGC.
    pub app_id: &'a str,
    /// The local file.
    pub path: &'a Path,
    /// What the file is; decides the suffix and size rules.
    pub kind: PackageKind,
    /// Name sent to AGC (default: the file's own name); its suffix must match the content.
    pub file_name: Option<&'a str>,
    /// `releaseType`: 1 full release, 6 HarmonyOS test release. Not sent when `None`.
    pub release_type: Option<u32>,
    /// `chineseMainlandFlag`. Not sent when `None`.
    pub chinese_mainland: Option<bool>,
    /// Single PUT, multipart, or chosen by size (the default).
    pub transfer: Transfer,
    /// Bytes per part of a multipart upload (default: AGC's `nspPartMinSize`, 5 MiB: the least
    /// re-sent per reset on a slow link; 32-64 MiB saves per-part round trips on a fast one);
    /// raised to AGC's minimum or lowered to its maximum, with a note, when outside them.
    pub part_size: Option<u64>,
    /// The file's SHA-256 when the caller knows it: the hash pass is skipped. The bytes are
    /// still hashed while sent, and a wrong digest stops the upload before its last byte
    /// ([`Error::FileChanged`] naming both digests): nothing wrong is stored.
    pub sha256: Option<Sha256Digest>,
    /// Where a multipart upload keeps its state between runs (see [`crate::resume`]). A rerun
    /// with the same file sends only the parts not yet finished; a finished upload removes it.
    pub resume_file: Option<&'a Path>,
    /// Send `Expect: 100-continue` with the body, so the upload host may refuse (an expired
    /// signature) before the body goes out. Off by default: no live-tested peer sends it.
    pub expect_continue: bool,
    /// The optional query parameters of the bind that follows the upload in
    /// [`Client::publish`] and the release road (none sent by default).
    pub bind: crate::connect::package::BindQuery,
    /// Run the preflight ([`Client::preflight`]) before an upload that will be bound
    /// ([`Client::publish`], [`Client::release`]) and in [`Client::check`]. On by default;
    /// turn it off for an API client that lacks the rights to read the app.
    pub preflight: bool,
}

impl<'a> UploadRequest<'a> {
    /// An upload with the default options.
    pub fn new(app_id: &'a str, path: &'a Path, kind: PackageKind) -> UploadRequest<'a> {
        UploadRequest {
            app_id,
            path,
            kind,
            file_name: None,
            release_type: None,
            chinese_mainland: None,
            transfer: Transfer::Auto,
            part_size: None,
            sha256: None,
            resume_file: None,
            expect_continue: false,
            bind: Default::default(),
            preflight: true,
        }
    }
}

/// Parse a 64-character hex SHA-256 (either case).
pub fn parse_sha256_hex(text: &str) -> Result<Sha256Digest> {
    let t = text.trim();
    let bad = || Error::InvalidArgument("a SHA-256 must be 64 hexadecimal characters".into());
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// What AGC stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadResult {
    /// AGC's opaque id of the stored object (needed to bind it to the app).
    pub object_id: String,
    /// Lowercase hex SHA-256 of the uploaded bytes.
    pub sha256_hex: String,
    /// Bytes uploaded.
    pub size: u64,
    /// The `fileName` AGC recorded.
    pub file_name: String,
    /// How the file went: [`Transfer::Single`] or [`Transfer::Multipart`].
    pub transfer: Transfer,
    /// Parts of the object (1 for a single PUT).
    pub parts: u32,
    /// Parts this run sent (a re-sent part counts once).
    pub parts_sent: u32,
    /// Parts finished by an earlier run and taken from the resume file.
    pub resumed_parts: u32,
    /// Body bytes sent, every attempt included.
    pub bytes_sent: u64,
    /// What the caller should know: a fallback to one PUT, a resume file not used and why.
    pub notes: Vec<String>,
}

/// How one multipart run ended without a result.
enum Stop {
    /// Start again without the resume state (the note says why).
    Fresh(String),
    /// AGC refused `init` with a business error: one PUT instead (under `auto`).
    Refused(String),
    Fail(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Fail(e)
    }
}

impl Client {
    /// Upload a file with default options. See [`Client::upload`].
    pub fn upload_file(
        &self,
        app_id: &str,
        path: &Path,
        kind: PackageKind,
        progress: &mut dyn Progress,
    ) -> Result<UploadResult> {
        self.upload(&UploadRequest::new(app_id, path, kind), progress)
    }

    /// Validate, hash and upload a file. Progress phases of a single PUT: Hashing (absent
    /// when the digest is given), then per attempt RequestingUrl and Uploading (Retrying
    /// between attempts), then Done. A multipart upload reports, per part, RequestingUrl and
    /// Uploading, with bytes counted over the whole file; Hashing only for the bytes of a part
    /// not hashed while the part before it was sent (the first part, parts an earlier run sent).
    pub fn upload(&self, request: &UploadRequest<'_>, progress: &mut dyn Progress) -> Result<UploadResult> {
        let r = self.upload_inner(request, progress);
        self.clean(r)
    }

    pub(super) fn upload_inner(
        &self,
        request: &UploadRequest<'_>,
        progress: &mut dyn Progress,
    ) -> Result<UploadResult> {
        check_app_id(request.app_id)?;
        if let Some(p) = request.part_size {
            if p == 0 {
                return Err(Error::InvalidArgument("the part size must be greater than zero".into()));
            }
        }
        let package = Package::open(request.path, request.kind, request.file_name)?;
        let file_name = package.file_name.clone();
        if request.kind == PackageKind::ProfilePicture {
            if request.sha256.is_some() {
                return Err(Error::InvalidArgument(
                    "a profile picture is sealed before it is sent: a known SHA-256 cannot apply to it".into(),
                ));
            }
            let key = self.seal_key.as_ref().ok_or_else(|| {
                Error::SealKey("profile pictures are uploaded only sealed: set a seal key first".into())
            })?;
            let (mut file, size) = seal_to_temp(key, package, progress)?;
            return self.single(request, &mut file, size, file_name, None, Vec::new(), progress);
        }
        let size = package.size;
        let mut file = package.file;
        let multipart = match request.transfer {
            Transfer::Single => false,
            Transfer::Multipart => true,
            Transfer::Auto => size >= AUTO_MULTIPART_FROM,
        };
        if !multipart {
            return self.single(request, &mut file, size, file_name, request.sha256, Vec::new(), progress);
        }
        let mut notes = Vec::new();
        let mut use_state = true;
        loop {
            match self.multipart(request, &mut file, size, &file_name, use_state, &mut notes, progress) {
                Ok(r) => return Ok(r),
                Err(Stop::Fresh(note)) if use_state => {
                    notes.push(note);
                    use_state = false;
                }
                Err(Stop::Refused(note)) if request.transfer == Transfer::Auto => {
                    notes.push(note);
                    return self.single(request, &mut file, size, file_name, request.sha256, notes, progress);
                }
                Err(Stop::Fresh(note) | Stop::Refused(note)) => return Err(Error::Protocol(note)),
                Err(Stop::Fail(e)) => return Err(e),
            }
        }
    }

    /// One PUT of the whole file to the upload-url target.
    #[allow(clippy::too_many_arguments)]
    fn single(
        &self,
        request: &UploadRequest<'_>,
        file: &mut File,
        size: u64,
        file_name: String,
        known: Option<Sha256Digest>,
        notes: Vec<String>,
        progress: &mut dyn Progress,
    ) -> Result<UploadResult> {
        let digest = match known {
            Some(d) => d,
            None => digest::sha256_file(file, size, progress)?,
        };
        let sha256_hex = to_hex(&digest);
        let query = UploadUrlQuery {
            app_id: request.app_id,
            file_name: &file_name,
            content_length: size,
            sha256_hex: &sha256_hex,
            release_type: request.release_type,
            chinese_mainland: request.chinese_mainland,
        };
        let sent = Cell::new(0u64);
        let deadline = self.retry.start();
        let object_id = self.retry.run(deadline, progress, |_, deadline, progress| {
            progress::event(progress, Phase::RequestingUrl, 0, 0)?;
            let waiting = &mut || progress::event(progress, Phase::RequestingUrl, 0, 0);
            let target = auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                upload_url::request_upload_url(&self.agent, &self.api_base, headers, &query, deadline)
            })?;
            self.remember_signature(&target.headers);
            let to = Target {
                url: &target.url,
                post: false,
                headers: &target.headers,
                expect_continue: request.expect_continue,
            };
            let range = Range {
                file,
                file_size: size,
                offset: 0,
                len: size,
                expected: &digest,
                label: "",
                sent: &sent,
                ahead: None,
            };
            transfer::put(&self.agent, &to, range, progress, deadline)?;
            Ok(target.object_id)
        })?;
        progress::event(progress, Phase::Done, size, size)?;
        Ok(UploadResult {
            object_id,
            sha256_hex,
            size,
            file_name,
            transfer: Transfer::Single,
            parts: 1,
            parts_sent: 1,
            resumed_parts: 0,
            bytes_sent: sent.get(),
            notes,
        })
    }

    /// Every signed `Authorization` value is a secret the redactor must know.
    fn remember_signature(&self, headers: &[(String, crate::secret::Secret)]) {
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("authorization") {
                self.redactor.add_authorization(value.expose());
            }
        }
    }

    /// One run of the multipart upload, from the resume state when `use_state`.
    #[allow(clippy::too_many_arguments)]
    fn multipart(
        &self,
        request: &UploadRequest<'_>,
        file: &mut File,
        size: u64,
        file_name: &str,
        use_state: bool,
        notes: &mut Vec<String>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<UploadResult, Stop> {
        let identity = Identity::of(&file.metadata().map_err(|e| Error::FileChanged(format!("cannot stat it: {e}")))?);
        let resume_path = request.resume_file;
        let mut state = match (resume_path, use_state) {
            (Some(path), true) => match resume::load(path) {
                Ok(None) => None,
                Ok(Some(st)) => match st.mismatch(request.app_id, file_name, &identity) {
                    None => Some(st),
                    Some(why) => {
                        notes.push(format!(
                            "resume file {} not used: {why}; starting a fresh upload",
                            resume::shown(path)
                        ));
                        None
                    }
                },
                Err(why) => {
                    notes.push(format!("resume file {} not used: {why}; starting a fresh upload", resume::shown(path)));
                    None
                }
            },
            _ => None,
        };
        let resuming = state.is_some();
        let (session, part_size) = match &state {
            Some(st) => (st.session(), st.part_size),
            None => {
                let query = InitQuery { app_id: request.app_id, file_name, release_type: request.release_type };
                let opened = self.connect_call(progress, |_, agent, base, headers, deadline, progress| {
                    progress::event(progress, Phase::RequestingUrl, 0, 0)?;
                    multipart::init(agent, base, headers, &self.multipart_paths, &query, deadline)
                });
                let session = match opened {
                    Ok(s) => s,
                    Err(Error::Api { code, message }) => {
                        return Err(Stop::Refused(format!(
                            "AGC refused the multipart upload (code {code}: {message}); the file was sent as one PUT"
                        )))
                    }
                    Err(e) => return Err(Stop::Fail(e)),
                };
                let part_size = choose_part_size(request.part_size, &session, size, notes)?;
                (session, part_size)
            }
        };
        if state.is_none() {
            if let Some(path) = resume_path {
                let st = ResumeState::new(request.app_id, file_name, identity, part_size, &session);
                resume::save(path, &st)?;
                state = Some(st);
            }
        }
        let count = size.div_ceil(part_size);
        let finished: Vec<PartRecord> = state.as_ref().map(|s| s.parts.clone()).unwrap_or_default();
        let mut done: Vec<DonePart> = Vec::new();
        let sent = Cell::new(0u64);
        let (mut parts_sent, mut resumed_parts) = (0u32, 0u32);
        // Each part's digest (asked for in its URL) and the whole file's: part 1 is hashed here,
        // each next part mostly while the part before it is sent (see `crate::read_ahead`).
        let mut ahead = ReadAhead::new(Sha256::new(), 0, part_size.min(size));
        for number in 1..=count as u32 {
            let offset = (number as u64 - 1) * part_size;
            let len = part_size.min(size - offset);
            let prev = finished.get(number as usize - 1);
            let part_digest = ahead.finish(file, size, progress)?;
            let part_hex = to_hex(&part_digest);
            let next = offset + len;
            if next == size {
                // Every byte of the file is hashed now: a wrong known digest stops here, before
                // the last part is sent (or, when an earlier run sent it, before compose).
                let digest = ahead.whole();
                if let Some(known) = request.sha256.as_ref().filter(|k| **k != digest) {
                    let unsent = if prev.is_none() { "the last part was not sent and " } else { "" };
                    return Err(Stop::Fail(Error::FileChanged(format!(
                        "its SHA-256 is {}, not the given {}; {unsent}the parts were not composed, so nothing was \
                         stored",
                        to_hex(&digest),
                        to_hex(known)
                    ))));
                }
            }
            // The next part (none after the last) is hashed along this one's PUT.
            ahead.next_part(next, part_size.min(size - next));
            if let Some(prev) = prev {
                if prev.sha256 != part_hex {
                    return Err(Stop::Fresh(format!(
                        "part {number} of the file differs from the one the resume file records; starting a fresh upload"
                    )));
                }
                done.push(DonePart { number, part_object_id: prev.part_object_id.clone(), etag: prev.etag.clone() });
                resumed_parts += 1;
                continue;
            }
            let label = format!("part {number}: ");
            let part = PartQuery { number, length: len, sha256_hex: &part_hex };
            let first_ask = Cell::new(true);
            let deadline = self.retry.start();
            let sent_part = self.retry.run(deadline, progress, |_, deadline, progress| {
                progress::event(progress, Phase::RequestingUrl, number as u64, count)?;
                let waiting = &mut || progress::event(progress, Phase::RequestingUrl, number as u64, count);
                let target = auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |h| {
                    multipart::part_url(
                        &self.agent,
                        &self.api_base,
                        h,
                        &self.multipart_paths,
                        &session,
                        &part,
                        deadline,
                    )
                });
                first_ask.set(false);
                let target = target?;
                self.remember_signature(&target.headers);
                let to = Target {
                    url: &target.url,
                    post: target.method == PartMethod::Post,
                    headers: &target.headers,
                    expect_continue: request.expect_continue,
                };
                let range = Range {
                    file,
                    file_size: size,
                    offset,
                    len,
                    expected: &part_digest,
                    label: &label,
                    sent: &sent,
                    ahead: Some(&mut ahead),
                };
                let etag = transfer::put(&self.agent, &to, range, progress, deadline)?.filter(|e| !e.is_empty());
                let etag = etag.ok_or_else(|| {
                    Error::Protocol(format!("multipart: the upload host answered part {number} without an ETag"))
                })?;
                Ok(DonePart { number, part_object_id: target.part_object_id.clone(), etag })
            });
            let part_done = match sent_part {
                Ok(p) => p,
                // The first part URL asked of a resumed session: AGC no longer knows it.
                Err(Error::Api { code, message }) if resuming && parts_sent == 0 => {
                    return Err(Stop::Fresh(format!(
                        "AGC no longer knows the upload session of the resume file (code {code}: {message}); \
                         starting a fresh upload"
                    )))
                }
                Err(e) => return Err(Stop::Fail(e)),
            };
            parts_sent += 1;
            if let (Some(path), Some(st)) = (resume_path, state.as_mut()) {
                st.parts.push(PartRecord {
                    number,
                    sha256: part_hex.clone(),
                    etag: part_done.etag.clone(),
                    part_object_id: part_done.part_object_id.clone(),
                });
                resume::save(path, st)?;
            }
            done.push(part_done);
        }
        let whole = ahead.whole();
        let composed = self.connect_call(progress, |_, agent, base, headers, deadline, progress| {
            progress::event(progress, Phase::RequestingUrl, count, count)?;
            multipart::compose(agent, base, headers, &self.multipart_paths, &session, &done, deadline)
        });
        match composed {
            Ok(()) => {}
            Err(Error::Api { code, message }) if resuming && parts_sent == 0 => {
                return Err(Stop::Fresh(format!(
                    "AGC refused to compose the parts of the resume file's session (code {code}: {message}); \
                     starting a fresh upload"
                )))
            }
            Err(e) => return Err(Stop::Fail(e)),
        }
        if let Some(path) = resume_path {
            resume::remove(path)?;
        }
        progress::event(progress, Phase::Done, size, size)?;
        Ok(UploadResult {
            object_id: session.object_id.clone(),
            sha256_hex: to_hex(&whole),
            size,
            file_name: file_name.to_owned(),
            transfer: Transfer::Multipart,
            parts: count as u32,
            parts_sent,
            resumed_parts,
            bytes_sent: sent.get(),
            notes: std::mem::take(notes),
        })
    }
}

/// The part size of a new session: the caller's, else AGC's `nspPartMinSize`, kept within
/// AGC's bounds and large enough for at most [`MAX_PARTS`] parts.
///
/// The default is AGC's minimum (5 MiB) on purpose. On the slow links multipart is for, a
/// reset re-sends at most one part: 5 MiB is about 4 minutes at 20 KiB/s, 64 MiB nearly an
/// hour, and a link that drops more often than a part takes never gets one through. Bigger
/// parts only save per-part requests: on loopback, 1 GiB in 5 MiB parts (205 part URLs and
/// PUTs) took 3-11% longer than in 64 MiB parts across runs, with 2-3% more client CPU (the
/// rest is the mock signing 205 part URLs; BENCHMARKS.md).
/// Against a distant upload host each part costs two round trips, so on a fast link with a
/// long round trip a caller does better with `part_size` of 32-64 MiB.
fn choose_part_size(asked: Option<u64>, session: &Session, size: u64, notes: &mut Vec<String>) -> Result<u64> {
    let (min, max) = (session.part_min_size, session.part_max_size);
    let mut p = asked.unwrap_or(min);
    if p < min {
        notes.push(format!("part size {p} raised to AGC's minimum {min}"));
        p = min;
    } else if p > max {
        notes.push(format!("part size {p} lowered to AGC's maximum {max}"));
        p = max;
    }
    if size.div_ceil(p) > MAX_PARTS {
        let need = size.div_ceil(MAX_PARTS);
        if need > max {
            return Err(Error::InvalidArgument(format!(
                "the file needs more than {MAX_PARTS} parts of AGC's largest part size {max}"
            )));
        }
        notes.push(format!("part size raised to {need} to stay within {MAX_PARTS} parts"));
        p = need;
    }
    Ok(p)
}

/// Seal a checked picture into an unnamed temporary file (created 0600 in the temp dir and
/// unlinked at once, so no ciphertext or plaintext copy outlives the upload, even a crash).
///
/// Exactly the validated `package.size` bytes are sealed, and they must be the file's bytes
/// and start with the bytes whose type was validated: a picture that grows, shrinks or is
/// rewritten while it is sealed ends with [`Error::FileChanged`] (see `seal::seal_snapshot`),
/// before anything is sent.
fn seal_to_temp(key: &SealKey, package: Package, progress: &mut dyn Progress) -> Result<(std::fs::File, u64)> {
    use std::io::{Seek, SeekFrom};
    let dir = std::env::temp_dir();
    let path = dir.join(format!(".agc-sealed-{}-{}", std::process::id(), seal::random_suffix()?));
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut out = opts.open(&path).map_err(|e| Error::file(&path, e))?;
    let _ = std::fs::remove_file(&path);
    let mut ticker = progress::Ticker::start(progress, Phase::Sealing, package.size)?;
    let sealed = seal::seal_snapshot(
        key,
        &package.file,
        package.size,
        &package.head[..package.head_len],
        &package.path,
        &path,
        &mut out,
        &mut |n| ticker.advance(n),
    )?;
    out.seek(SeekFrom::Start(0)).map_err(|e| Error::file(&path, e))?;
    Ok((out, sealed))
}
