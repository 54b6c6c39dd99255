//! The orchestration of one upload: validate -> token -> hash -> upload URL -> PUT, or, for
//! a big file, AGC's multipart upload: init -> the URLs of every part (one call) -> per part
//! PUT (hashed as it is sent) -> compose.
//!
//! Data flows one way. Every step before the network is local and final (a bad file or a
//! resume path holding a user's file never costs a request), and the credentials are checked
//! before the file is read; every step after it runs inside the retry policy. A single PUT asks
//! for a fresh signed URL on each attempt (they expire after about five minutes) but reuses the
//! hash. In a multipart upload the retry policy applies to each part on its own (attempts,
//! Retry-After, the deadline), so a reset re-sends one part, never the file; the part URLs are
//! asked again (the same full map) only when they are old or the upload host refused one.

use std::cell::Cell;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use super::Client;
use crate::auth;
use crate::connect::ids::check_app_id;
use crate::connect::multipart::{self, DonePart, InitQuery, PartMethod, PartTarget, Session, MAX_PARTS, PART_MAX_SIZE};
use crate::connect::upload_url::{self, UploadUrlQuery};
use crate::connect::Answer;
use crate::error::{Error, Result};
use crate::package::rules::{Package, PackageKind};
use crate::progress::{self, Phase, Progress};
use crate::seal::{self, SealKey};
use crate::transfer::digest::{self, to_hex, Sha256Digest};
use crate::transfer::resume::{self, Found, Identity, PartRecord, ResumeFile, ResumeState};
use crate::transfer::sha256::{Pair, Sha256};
use crate::transfer::stream::{self, Range, Stamp, Target, Whole};

/// Part URLs older than this are asked again before a part is sent. How long AGC's part URLs
/// live is not documented; its single upload URL lives about five minutes (a live CI script's
/// notes), so a URL is not trusted for more than four.
pub const PART_URL_MAX_AGE: Duration = Duration::from_secs(4 * 60);

/// Files at least this large go multipart under [`Transfer::Auto`]: 128 MiB.
///
/// Where the CPU is the limit (loopback), multipart is the cheaper transfer: each byte is hashed
/// once, while it is sent (the part's and the whole file's digests side by side), where one PUT
/// hashes the file before its URL is asked and again while it is sent (1 GiB: about 0.8x the time of
/// one PUT, BENCHMARKS.md "Multipart and resume"). Against a real upload host, though, each part
/// costs a round trip for its answer, and init and compose two more calls: below 128 MiB that is
/// not worth it on a good link, and a lost attempt re-sends little. On a slow link (the
/// ~20 KiB/s of hosted runners to the China site, where 128 MiB is nearly two hours) ask for
/// `Transfer::Multipart` at any size.
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
    /// Where a multipart upload keeps its state between runs (the resume file: docs/guide/big-packages.md). A rerun
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
    /// PUT attempts this run made (the single PUT's, or every part's), retries included.
    pub put_attempts: u32,
    /// Parts this run had to send more than once.
    pub retried_parts: u32,
    /// Body bytes sent, every attempt included.
    pub bytes_sent: u64,
    /// What the caller should know: a fallback to one PUT, a resume file not used and why.
    pub notes: Vec<String>,
}

/// How one multipart run ended without a result.
enum Stop {
    /// Start again without the resume state (the note says why).
    Fresh(String),
    /// AGC refused the multipart road before any part was stored: one PUT instead (under
    /// `auto`).
    Refused(String),
    Fail(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Fail(e)
    }
}

/// The signed URLs of every part, from one `parts` call.
struct PartUrls {
    asked: Instant,
    targets: Vec<PartTarget>,
    /// The upload host refused one of them (an expired or bad signature): ask again.
    spoiled: bool,
}

/// Where a run of the multipart upload starts.
struct Start {
    session: Session,
    part_size: u64,
    /// Parts an earlier run finished (a resumed session).
    finished: Vec<PartRecord>,
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
    /// between attempts), then Done. A multipart upload reports RequestingUrl (part number,
    /// part count) before each part and Uploading with bytes counted over the whole file; its
    /// bytes are hashed while they are sent, so Hashing appears only for the parts an earlier
    /// run sent (checked again before they are trusted).
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
        if request.kind == PackageKind::ProfilePicture {
            sealing_key(self, request)?;
        }
        let file_name = package.file_name.clone();
        let identity =
            Identity::of(&package.file.metadata().map_err(|e| Error::FileChanged(format!("cannot stat it: {e}")))?);
        let multipart = request.kind != PackageKind::ProfilePicture
            && match request.transfer {
                Transfer::Single => false,
                Transfer::Multipart => true,
                Transfer::Auto => package.size >= AUTO_MULTIPART_FROM,
            };
        // The resume path is the caller's: refused before any request unless it is free or a
        // resume file of ours, and held by this upload alone.
        let held = match request.resume_file {
            Some(path) if multipart => {
                let pending = ResumeState::pending(request.app_id, &file_name, identity.clone());
                Some(resume::acquire(path, &identity, &pending)?)
            }
            Some(path) => {
                resume::check(path, &identity)?;
                None
            }
            None => None,
        };
        let (mut held, found) = match held {
            Some((f, found)) => (Some(f), found),
            None => (None, Found::Nothing),
        };
        if request.kind == PackageKind::ProfilePicture {
            // A picture is small, and sealed before anything is asked of AGC.
            let (mut file, size) = seal_to_temp(sealing_key(self, request)?, package, progress)?;
            return self.single(request, &mut file, size, file_name, None, Vec::new(), progress);
        }
        // The credentials before the package is read: a wrong secret costs a request, not a
        // hash pass over gigabytes.
        let deadline = self.retry.start();
        let checked = self.retry.run(deadline, progress, |_, deadline, progress| {
            // While the token is awaited (another thread may be fetching it), the caller can
            // still cancel: the phase the URL request would report is repeated.
            let waiting = &mut || progress::event(progress, Phase::RequestingUrl, 0, 0);
            auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |_| Ok(Answer::Ok(())))
        });
        if let Err(e) = self.clean_error(checked) {
            if let Some(f) = held {
                f.release_after_failure();
            }
            return Err(e);
        }
        let size = package.size;
        let mut file = package.file;
        if !multipart {
            return self.single(request, &mut file, size, file_name, request.sha256, Vec::new(), progress);
        }
        let mut notes = Vec::new();
        let mut from = match (found, &held) {
            (Found::State(st), Some(h)) => match st.mismatch(request.app_id, &file_name, &identity) {
                None => Some(*st),
                Some(why) => {
                    notes.push(format!("resume file {} not used: {why}; starting a fresh upload", h.shown()));
                    None
                }
            },
            (Found::Unusable(why), Some(h)) => {
                notes.push(format!("resume file {} not used: {why}; starting a fresh upload", h.shown()));
                None
            }
            _ => None,
        };
        let pending = ResumeState::pending(request.app_id, &file_name, identity);
        loop {
            let resuming = from.is_some();
            let run =
                self.multipart(request, &mut file, size, &pending, from.take(), held.as_mut(), &mut notes, progress);
            match run {
                Ok(r) => {
                    if let Some(f) = held {
                        f.remove()?;
                    }
                    return Ok(r);
                }
                Err(Stop::Fresh(note)) if resuming => notes.push(note),
                Err(Stop::Refused(note)) if request.transfer == Transfer::Auto => {
                    if let Some(f) = held {
                        f.release_after_failure();
                    }
                    notes.push(format!("{note}; the file was sent as one PUT"));
                    return self.single(request, &mut file, size, file_name, request.sha256, notes, progress);
                }
                Err(Stop::Fresh(note) | Stop::Refused(note)) => {
                    if let Some(f) = held {
                        f.release_after_failure();
                    }
                    return Err(Error::Protocol(note));
                }
                Err(Stop::Fail(e)) => {
                    if let Some(f) = held {
                        f.release_after_failure();
                    }
                    return Err(e);
                }
            }
        }
    }

    /// One PUT of the whole file to the upload-url target.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn single(
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
        let read = Cell::new(None);
        let attempts = Cell::new(0u32);
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
                expected: Some(&digest),
                label: "",
                sent: &sent,
                read: &read,
                whole: None,
                stamp: None,
            };
            attempts.set(attempts.get() + 1);
            stream::put(&self.agent, &to, range, progress, deadline)?;
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
            put_attempts: attempts.get(),
            retried_parts: u32::from(attempts.get() > 1),
            bytes_sent: sent.get(),
            notes,
        })
    }

    /// Every signed `Authorization` value is a secret the redactor must know.
    fn remember_signature(&self, headers: &[(String, crate::text::secret::Secret)]) {
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("authorization") {
                self.redactor.add_authorization(value.expose());
            }
        }
    }

    /// Open a session (`init`, no body) and choose its part size; a fresh state goes to the
    /// resume file before any part is sent.
    fn open_session(
        &self,
        request: &UploadRequest<'_>,
        size: u64,
        pending: &ResumeState,
        resume: Option<&mut ResumeFile>,
        notes: &mut Vec<String>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<Start, Stop> {
        let query = InitQuery {
            app_id: request.app_id,
            file_name: &pending.file_name,
            release_type: request.release_type,
            chinese_mainland: request.chinese_mainland,
        };
        let opened = self.connect_call(progress, |_, agent, base, headers, deadline, progress| {
            progress::event(progress, Phase::RequestingUrl, 0, 0)?;
            multipart::init(agent, base, headers, &self.multipart_paths, &query, deadline)
        });
        let session = match opened {
            Ok(s) => s,
            Err(Error::Api { code, message }) => {
                return Err(Stop::Refused(format!("AGC refused the multipart upload (code {code}: {message})")))
            }
            Err(e) => return Err(Stop::Fail(e)),
        };
        let part_size = choose_part_size(request.part_size, &session, size, notes)?;
        if let Some(rf) = resume {
            rf.save(&pending.clone().opened(&session, part_size))?;
        }
        Ok(Start { session, part_size, finished: Vec::new() })
    }

    /// One run of the multipart upload: from `from` (a resume file's state that fits the
    /// file) or a fresh session.
    #[allow(clippy::too_many_arguments)]
    fn multipart(
        &self,
        request: &UploadRequest<'_>,
        file: &mut File,
        size: u64,
        pending: &ResumeState,
        from: Option<ResumeState>,
        mut resume: Option<&mut ResumeFile>,
        notes: &mut Vec<String>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<UploadResult, Stop> {
        // Taken before any byte is read: a file written to during the upload is stopped
        // before the last byte of the part being sent, so nothing is composed from it.
        let stamp = Stamp::of(file)?;
        let resuming = from.is_some();
        let start = match from {
            Some(st) => {
                if let Some(asked) = request.part_size.filter(|p| *p != st.part_size) {
                    notes.push(format!(
                        "part size {} from the resume file used, not the {asked} asked (the parts already sent \
                         have that size)",
                        st.part_size
                    ));
                }
                Start { session: st.session(), part_size: st.part_size, finished: st.parts }
            }
            None => self.open_session(request, size, pending, resume.as_deref_mut(), notes, progress)?,
        };
        let Start { session, part_size, finished } = start;
        let count = size.div_ceil(part_size);
        let lengths: Vec<u64> = (0..count).map(|i| part_size.min(size - i * part_size)).collect();
        let mut record = pending.clone().opened(&session, part_size);
        // The whole file's digest, through the parts done so far.
        let mut whole = Sha256::new();
        let mut done: Vec<DonePart> = Vec::new();
        // Parts an earlier run sent: trusted only if the file still holds the bytes it sent.
        for (i, prev) in finished.iter().enumerate() {
            let number = i as u32 + 1;
            let part_digest = hash_part(file, i as u64 * part_size, lengths[i], &mut whole, size, progress)?;
            if prev.sha256 != to_hex(&part_digest) {
                return Err(Stop::Fresh(format!(
                    "part {number} of the file differs from the one the resume file records; starting a fresh upload"
                )));
            }
            done.push(DonePart { number, part_object_id: prev.part_object_id.clone(), etag: prev.etag.clone() });
        }
        record.parts = finished;
        let resumed_parts = done.len() as u32;
        if resumed_parts as u64 == count {
            // Every part was sent by an earlier run: a wrong known digest stops before compose.
            check_known(request.sha256.as_ref(), &whole.finalize())?;
        }
        let sent = Cell::new(0u64);
        let (mut parts_sent, mut put_attempts, mut retried_parts) = (0u32, 0u32, 0u32);
        let mut urls: Option<PartUrls> = None;
        for number in resumed_parts + 1..=count as u32 {
            let i = number as usize - 1;
            let (offset, len) = (i as u64 * part_size, lengths[i]);
            let last = number as u64 == count;
            let label = format!("part {number}: ");
            let read = Cell::new(None);
            let attempts = Cell::new(0u32);
            let asked_again = Cell::new(false);
            let deadline = self.retry.start();
            let put = self.retry.run(deadline, progress, |_, deadline, progress| {
                progress::event(progress, Phase::RequestingUrl, number as u64, count)?;
                let fresh = urls.as_ref().is_some_and(|u| !u.spoiled && u.asked.elapsed() < self.part_url_max_age);
                if !fresh {
                    asked_again.set(urls.is_some() || resuming);
                    let waiting = &mut || progress::event(progress, Phase::RequestingUrl, number as u64, count);
                    let targets =
                        auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |h| {
                            let paths = &self.multipart_paths;
                            multipart::part_urls(&self.agent, &self.api_base, h, paths, &session, &lengths, deadline)
                        })?;
                    for t in &targets {
                        self.remember_signature(&t.headers);
                    }
                    urls = Some(PartUrls { asked: Instant::now(), targets, spoiled: false });
                }
                let Some(u) = urls.as_mut() else {
                    return Err(Error::Internal("multipart: no part URLs".into()));
                };
                let target = &u.targets[i];
                let to = Target {
                    url: &target.url,
                    post: target.method == PartMethod::Post,
                    headers: &target.headers,
                    expect_continue: request.expect_continue,
                };
                let before = read.get();
                let range = Range {
                    file,
                    file_size: size,
                    offset,
                    len,
                    // A retry must send the bytes an earlier attempt read.
                    expected: before.as_ref(),
                    label: &label,
                    sent: &sent,
                    read: &read,
                    whole: Some(Whole {
                        before: whole.clone(),
                        must_be: if last { request.sha256.as_ref() } else { None },
                    }),
                    stamp: Some(&stamp),
                };
                attempts.set(attempts.get() + 1);
                let put = stream::put(&self.agent, &to, range, progress, deadline);
                if let Err(Error::UploadRejected { status: 400..=499, .. }) = &put {
                    u.spoiled = true;
                }
                let put = put?;
                let etag = put.etag.clone().filter(|e| !e.is_empty()).ok_or_else(|| {
                    Error::Protocol(format!("multipart: the upload host answered part {number} without an ETag"))
                })?;
                Ok((put, etag, target.part_object_id.clone()))
            });
            put_attempts += attempts.get();
            let (put, etag, part_object_id) = match put {
                Ok(p) => p,
                // The first part URLs asked of a resumed session: AGC no longer knows it.
                Err(Error::Api { code, message }) if resuming && parts_sent == 0 => {
                    return Err(Stop::Fresh(format!(
                        "AGC no longer knows the upload session of the resume file (code {code}: {message}); \
                         starting a fresh upload"
                    )))
                }
                // Refused before any part was stored: the multipart road is closed, not the upload.
                Err(Error::Api { code, message }) if parts_sent == 0 && resumed_parts == 0 => {
                    return Err(Stop::Refused(format!("AGC refused the part URLs (code {code}: {message})")))
                }
                Err(Error::Api { code, message }) if asked_again.get() => {
                    return Err(Stop::Fail(Error::Api {
                        code,
                        message: format!(
                            "{message} (AGC refused to sign the part URLs again; they are asked again when older \
                             than {} s or refused by the upload host)",
                            self.part_url_max_age.as_secs()
                        ),
                    }))
                }
                Err(e) => return Err(Stop::Fail(e)),
            };
            parts_sent += 1;
            retried_parts += u32::from(attempts.get() > 1);
            if let Some(w) = put.whole {
                whole = w;
            }
            let sha256 = to_hex(&put.digest);
            if let Some(rf) = resume.as_deref_mut() {
                record.parts.push(PartRecord {
                    number,
                    sha256,
                    etag: etag.clone(),
                    part_object_id: part_object_id.clone(),
                });
                rf.save(&record)?;
            }
            done.push(DonePart { number, part_object_id, etag });
        }
        let digest = whole.finalize();
        self.compose(&session, &done, resuming && parts_sent == 0, notes, progress)?;
        progress::event(progress, Phase::Done, size, size)?;
        Ok(UploadResult {
            object_id: session.object_id.clone(),
            sha256_hex: to_hex(&digest),
            size,
            file_name: pending.file_name.clone(),
            transfer: Transfer::Multipart,
            parts: count as u32,
            parts_sent,
            resumed_parts,
            put_attempts,
            retried_parts,
            bytes_sent: sent.get(),
            notes: std::mem::take(notes),
        })
    }

    /// `compose`, with the ETags as the upload host gave them; refused with quoted ETags, once
    /// more without the quotes (both forms were used live).
    fn compose(
        &self,
        session: &Session,
        done: &[DonePart],
        only_resumed: bool,
        notes: &mut Vec<String>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<(), Stop> {
        let count = done.len() as u64;
        let quoted = done.iter().any(|p| multipart::strip_quotes(&p.etag) != p.etag);
        let mut bare = false;
        loop {
            let body = multipart::compose_body(done, bare);
            let composed = self.connect_call(progress, |_, agent, base, headers, deadline, progress| {
                progress::event(progress, Phase::RequestingUrl, count, count)?;
                multipart::compose(agent, base, headers, &self.multipart_paths, session, &body, deadline)
            });
            match composed {
                Ok(()) => {
                    if bare {
                        notes.push("AGC took the parts' ETags without their quotes".into());
                    }
                    return Ok(());
                }
                Err(Error::Api { .. }) if quoted && !bare => bare = true,
                Err(Error::Api { code, message }) if only_resumed => {
                    return Err(Stop::Fresh(format!(
                        "AGC refused to compose the parts of the resume file's session (code {code}: {message}); \
                         starting a fresh upload"
                    )))
                }
                Err(e) => return Err(Stop::Fail(e)),
            }
        }
    }
}

/// The key a profile picture is sealed with; refused before any request.
fn sealing_key<'c>(client: &'c Client, request: &UploadRequest<'_>) -> Result<&'c SealKey> {
    if request.sha256.is_some() {
        return Err(Error::InvalidArgument(
            "a profile picture is sealed before it is sent: a known SHA-256 cannot apply to it".into(),
        ));
    }
    client
        .seal_key
        .as_ref()
        .ok_or_else(|| Error::SealKey("profile pictures are uploaded only sealed: set a seal key first".into()))
}

/// A known digest that the file does not have ends the upload before anything is stored.
fn check_known(known: Option<&Sha256Digest>, digest: &Sha256Digest) -> std::result::Result<(), Stop> {
    match known.filter(|k| *k != digest) {
        None => Ok(()),
        Some(k) => Err(Stop::Fail(Error::FileChanged(format!(
            "its SHA-256 is {}, not the given {}; the parts were not composed, so nothing was stored",
            to_hex(digest),
            to_hex(k)
        )))),
    }
}

/// Hash `len` bytes from `offset` (a part an earlier run sent), feeding `whole` too; the
/// part's digest. Reports [`Phase::Hashing`] over the whole file of `size` bytes.
fn hash_part(
    file: &mut File,
    offset: u64,
    len: u64,
    whole: &mut Sha256,
    size: u64,
    progress: &mut dyn Progress,
) -> Result<Sha256Digest> {
    use std::io::{Read, Seek, SeekFrom};
    let io_err = |e: std::io::Error| Error::FileChanged(format!("reading it failed: {e}"));
    file.seek(SeekFrom::Start(offset)).map_err(io_err)?;
    digest::advise_sequential(file);
    let mut sink = |phase: Phase, done: u64, _: u64| progress.report(phase, offset + done, size);
    let mut ticker = progress::Ticker::start(&mut sink, Phase::Hashing, len)?;
    let mut pair = Pair::new(std::mem::take(whole));
    let mut buf = vec![0u8; digest::BUFFER_SIZE.min(usize::try_from(len).unwrap_or(usize::MAX)).max(1)];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => return Err(Error::FileChanged(format!("it shrank below {} bytes", offset + len))),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        };
        pair.update(&buf[..n]);
        left -= n as u64;
        ticker.advance(n as u64)?;
    }
    *whole = pair.whole;
    Ok(pair.part.finalize())
}

/// The part size of a new session: the caller's, else AGC's `nspPartMinSize`, kept within
/// AGC's bounds (and the documented 100 MB per part, whatever `nspPartMaxSize` says) and large
/// enough for at most [`MAX_PARTS`] parts.
///
/// The default is AGC's minimum (5 MiB) on purpose. On the slow links multipart is for, a
/// reset re-sends at most one part: 5 MiB is about 4 minutes at 20 KiB/s, 64 MiB nearly an
/// hour, and a link that drops more often than a part takes never gets one through. Bigger
/// parts only save per-part round trips: against a distant upload host each part costs one
/// (its answer), so on a fast link with a long round trip a caller does better with
/// `part_size` of 32-64 MiB.
fn choose_part_size(asked: Option<u64>, session: &Session, size: u64, notes: &mut Vec<String>) -> Result<u64> {
    let min = session.part_min_size;
    let max = session.part_max_size.min(PART_MAX_SIZE);
    if min > max {
        return Err(Error::Protocol(format!(
            "multipart init: nspPartMinSize {min} is above the largest part AGC takes ({max} bytes)"
        )));
    }
    let mut p = asked.unwrap_or(min);
    if p < min {
        notes.push(format!("part size {p} raised to AGC's minimum {min}"));
        p = min;
    } else if p > max {
        let whose = if max == PART_MAX_SIZE { "AGC's documented 100 MB per part" } else { "AGC's maximum" };
        notes.push(format!("part size {p} lowered to {max} bytes, {whose}"));
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
    debug_assert!(resume::check_part_size(p, session, size).is_ok());
    Ok(p)
}

/// Seal a checked picture into an unnamed temporary file, mode 0600 (`tempfile`: created in
/// the temp dir with `O_TMPFILE`, or created and unlinked at once where that is missing, so no
/// ciphertext or plaintext copy outlives the upload, even a crash).
///
/// Exactly the validated `package.size` bytes are sealed, and they must be the file's bytes
/// and start with the bytes whose type was validated: a picture that grows, shrinks or is
/// rewritten while it is sealed ends with [`Error::FileChanged`] (see `seal::seal_snapshot`),
/// before anything is sent.
fn seal_to_temp(key: &SealKey, package: Package, progress: &mut dyn Progress) -> Result<(std::fs::File, u64)> {
    use std::io::{Seek, SeekFrom};
    // Messages name the directory: the file has no name.
    let dir = std::env::temp_dir();
    let mut out = tempfile::tempfile_in(&dir).map_err(|e| Error::file(&dir, crate::fsio::without_path(e)))?;
    // tempfile's O_TMPFILE file takes the umask's mode; ours is private, as a named one is.
    #[cfg(unix)]
    out.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600)).map_err(|e| Error::file(&dir, e))?;
    let mut ticker = progress::Ticker::start(progress, Phase::Sealing, package.size)?;
    let sealed = seal::seal_snapshot(
        key,
        &package.file,
        package.size,
        &package.head[..package.head_len],
        &package.path,
        &dir,
        &mut out,
        &mut |n| ticker.advance(n),
    )?;
    out.seek(SeekFrom::Start(0)).map_err(|e| Error::file(&dir, e))?;
    Ok((out, sealed))
}

/// What of it came from a server passes the gate (`crate::text::untrusted`).
impl crate::text::untrusted::FromServer for UploadResult {
    fn pass(mut self, gate: &crate::text::untrusted::Gate<'_>) -> crate::error::Result<UploadResult> {
        self.object_id = gate.id("objectId", self.object_id)?;
        self.file_name = gate.text(&self.file_name);
        self.notes = self.notes.iter().map(|n| gate.text(n)).collect();
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_picture_lives_in_a_private_file_without_a_name() {
        let dir = std::env::temp_dir().join(format!("agc-upload-seal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let picture = dir.join("avatar.png");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend((0..5000u32).map(|i| (i % 251) as u8));
        std::fs::write(&picture, &png).unwrap();
        let package = Package::open(&picture, PackageKind::ProfilePicture, None).unwrap();
        let key = SealKey::from_bytes(&[3u8; 32]).unwrap();
        let (file, size) = seal_to_temp(&key, package, &mut crate::progress::NoProgress).unwrap();
        assert_eq!(size, seal::sealed_len(png.len() as u64));
        let meta = file.metadata().unwrap();
        assert_eq!(meta.len(), size);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // No directory entry: nothing is left once the descriptor is closed, even by a crash.
            assert_eq!(meta.nlink(), 0);
            assert_eq!(meta.mode() & 0o777, 0o600);
        }
        let mut opened = Vec::new();
        seal::open_stream(&key, &file, &mut opened).unwrap();
        assert_eq!(opened, png);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
