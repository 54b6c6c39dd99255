//! The whole road in one call: upload → bind → wait for parsing → release notes → submit for
//! review, or upload → test version → add package → wait → window and groups → submit.
//!
//! Every step reports its phase to the progress sink. A failure names the step and keeps the
//! ids already obtained ([`ReleaseIds`]); passing them back in [`ReleaseRequest::resume`]
//! continues from there instead of uploading again.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::{Client, PreflightFor, UploadRequest};
use crate::connect::ids::{check_app_id, check_object_id, check_package_id, check_version_id, IdKind};
use crate::connect::release::{
    check_notes, is_still_processing, note_body, parse_app_state, with_advice, AppState, ReleaseNote, ReleaseState,
    SubmitOptions,
};
use crate::connect::test_release::{
    check_distribute_mode, now_ms, parse_test_package, parse_version_id, test_package_body, TestRelease,
};
use crate::connect::{self, parse_empty, Answer, Body, Method, Request};
use crate::error::{Error, Result};
use crate::progress::{self, Phase, Progress};

/// Where the road ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseTarget {
    /// Submit the app for review (a full or phased, immediate or scheduled release).
    Review(SubmitOptions),
    /// Submit a HarmonyOS test version (its upload asks for `releaseType` 6 only when the
    /// caller sets it).
    Test(TestRelease),
}

/// A step of the road, named by [`ReleaseStep::name`] (the C layer's `agc_release_step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseStep {
    /// Checking the arguments, before any request.
    Check,
    /// Uploading the file.
    Upload,
    /// Binding the uploaded object to the app.
    Bind,
    /// Waiting for AGC to parse the package.
    WaitParsing,
    /// Setting the release notes.
    Notes,
    /// Submitting for review.
    Submit,
    /// Creating the test version.
    CreateTestVersion,
    /// Adding the package to the test versions.
    AddTestPackage,
    /// Setting the test window and groups.
    SetTestInfo,
    /// Submitting the test version.
    SubmitTest,
    /// The preflight: the package checked against what AGC holds, before the upload.
    Preflight,
}

impl ReleaseStep {
    /// A short name for messages (`upload`, `bind`, `wait-parsing`, …).
    pub fn name(self) -> &'static str {
        match self {
            ReleaseStep::Check => "check",
            ReleaseStep::Upload => "upload",
            ReleaseStep::Bind => "bind",
            ReleaseStep::WaitParsing => "wait-parsing",
            ReleaseStep::Notes => "notes",
            ReleaseStep::Submit => "submit",
            ReleaseStep::CreateTestVersion => "create-test-version",
            ReleaseStep::AddTestPackage => "add-test-package",
            ReleaseStep::SetTestInfo => "set-test-info",
            ReleaseStep::SubmitTest => "submit-test",
            ReleaseStep::Preflight => "preflight",
        }
    }
}

/// What the road has obtained so far; on input ([`ReleaseRequest::resume`]), what to
/// continue from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseIds {
    /// The uploaded object (set: the upload is skipped).
    pub object_id: Option<String>,
    /// The `fileName` AGC recorded for the object.
    pub file_name: Option<String>,
    /// The package id (set: upload and bind, or adding the test package, are skipped).
    pub package_id: Option<String>,
    /// The test version (set: creating it is skipped).
    pub version_id: Option<String>,
    /// Lowercase hex SHA-256 of the uploaded bytes, filled by the upload step; `None` when the
    /// run resumed past the upload and the resumed ids did not carry it.
    pub sha256_hex: Option<String>,
    /// Bytes uploaded, filled by the upload step; `None` when the run resumed past the upload
    /// and the resumed ids did not carry it.
    pub size: Option<u64>,
    /// The upload step's whole result (how the file travelled: transfer, parts, bytes sent,
    /// notes); `None` when the run resumed past the upload. Ignored on input.
    pub upload: Option<super::UploadResult>,
    /// What the caller should know: the preflight's warnings (a call refused for lack of
    /// rights, a bundle name bound for good by this first package), the upload's notes. On
    /// input (a resume), carried through like the ids, and added to.
    pub notes: Vec<String>,
}

/// A failed road: the step, the error, and what was done before it.
#[derive(Debug)]
pub struct ReleaseError {
    /// The step that failed.
    pub step: ReleaseStep,
    /// Why.
    pub error: Error,
    /// The ids obtained before the failure (pass them as [`ReleaseRequest::resume`]).
    pub done: ReleaseIds,
    /// AGC may have carried out the failed step although it failed (a bind or a submit sent,
    /// then a reset, a timeout, a 5xx, or a cancel while AGC was answering): resuming from
    /// `done` would repeat it, so check first (for a bind: the app's packages in AGC; if the
    /// package is there, resume with its package id; for a submit: the app's release state).
    pub outcome_uncertain: bool,
}

impl std::fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {} failed: {}", self.step.name(), self.error)?;
        if self.outcome_uncertain && self.step == ReleaseStep::Submit {
            // A bind's error already says it (client::publish); a submit's does not.
            f.write_str(
                "; AGC may have accepted the submit all the same (the request went out, no clear answer came \
                 back): read the app's state before submitting again",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ReleaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Everything the road needs.
#[derive(Debug, Clone)]
pub struct ReleaseRequest<'a> {
    /// The package to upload. For a test release its `release_type` may be left unset (the
    /// default: the upload-url call then carries no `releaseType`, as every live-tested
    /// publisher does) or set to 6; any other value is refused at the check.
    pub upload: UploadRequest<'a>,
    /// Release notes per language (review only; refused with a test target).
    pub notes: Vec<ReleaseNote>,
    /// Review or test.
    pub target: ReleaseTarget,
    /// Longest wait for AGC to parse the package.
    pub parse_timeout: Duration,
    /// Longest wait while a submit is refused as "still processing".
    pub submit_timeout: Duration,
    /// Ids from an earlier, failed run to continue from.
    pub resume: ReleaseIds,
}

impl<'a> ReleaseRequest<'a> {
    /// A road to `target` with no notes, 15-minute waits and nothing to resume.
    pub fn new(upload: UploadRequest<'a>, target: ReleaseTarget) -> ReleaseRequest<'a> {
        ReleaseRequest {
            upload,
            notes: Vec::new(),
            target,
            parse_timeout: crate::defaults::PARSE_TIMEOUT,
            submit_timeout: crate::defaults::SUBMIT_TIMEOUT,
            resume: ReleaseIds::default(),
        }
    }

    fn check(&self) -> Result<()> {
        check_app_id(self.upload.app_id)?;
        self.upload.bind.check()?;
        check_notes(&self.notes)?;
        match &self.target {
            ReleaseTarget::Review(o) => {
                o.body()?;
                if self.resume.version_id.is_some() {
                    return Err(Error::InvalidArgument("a version id to resume from is only for test releases".into()));
                }
            }
            ReleaseTarget::Test(t) => {
                t.validate()?;
                if !self.notes.is_empty() {
                    return Err(Error::InvalidArgument("release notes are not part of a test release".into()));
                }
                if self.upload.release_type.is_some_and(|r| r != 6) {
                    return Err(Error::InvalidArgument("a test release is uploaded with release type 6".into()));
                }
            }
        }
        if let Some(n) = &self.resume.file_name {
            crate::package::rules::check_file_name(n)?;
        }
        if let Some(h) = &self.resume.sha256_hex {
            check_resumed_sha256(h)?;
        }
        for (id, kind) in self.resumed_ids() {
            if let Some(problem) = id.and_then(|s| kind.problem(s)) {
                return Err(Error::InvalidArgument(format!("the {} to resume from {problem}", kind.name())));
            }
        }
        Ok(())
    }

    /// The ids to resume from, less the ones their rule refuses (and a refused SHA-256).
    fn resume_without_refused_ids(&self) -> ReleaseIds {
        let keep = |id: &Option<String>, kind: IdKind| id.clone().filter(|s| kind.problem(s).is_none());
        ReleaseIds {
            object_id: keep(&self.resume.object_id, IdKind::Object),
            package_id: keep(&self.resume.package_id, IdKind::Package),
            version_id: keep(&self.resume.version_id, IdKind::Version),
            sha256_hex: self.resume.sha256_hex.clone().filter(|h| check_resumed_sha256(h).is_ok()),
            ..self.resume.clone()
        }
    }

    /// The ids to resume from, each with its kind.
    fn resumed_ids(&self) -> [(Option<&str>, IdKind); 3] {
        [
            (self.resume.object_id.as_deref(), IdKind::Object),
            (self.resume.package_id.as_deref(), IdKind::Package),
            (self.resume.version_id.as_deref(), IdKind::Version),
        ]
    }

    /// The file name of a resumed object: given, else the upload's name, else the path's.
    fn resumed_file_name(&self) -> Result<String> {
        self.resume
            .file_name
            .clone()
            .or_else(|| self.upload.file_name.map(str::to_owned))
            .or_else(|| self.upload.path.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .ok_or_else(|| Error::InvalidArgument("resuming from an object id needs its file name".into()))
    }
}

/// A SHA-256 to resume from: 64 lowercase hexadecimal characters, as the upload reports it.
pub fn check_resumed_sha256(h: &str) -> Result<()> {
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(Error::InvalidArgument(
            "the SHA-256 to resume from must be 64 lowercase hexadecimal characters".into(),
        ));
    }
    Ok(())
}

impl Client {
    /// Take a package the whole road in one call (see the module docs). On success, every id
    /// obtained (or resumed); on failure, the step, the error and the ids obtained so far.
    /// Unless `request.upload.preflight` is off, the preflight runs before the upload (not
    /// when the upload is resumed past); its refusal fails [`ReleaseStep::Preflight`] and
    /// sends nothing. A test release skips the draft's review-state check.
    pub fn release(
        &self,
        request: &ReleaseRequest<'_>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<ReleaseIds, Box<ReleaseError>> {
        let mut done = request.resume.clone();
        // AGC refusals users often hit carry advice (`connect::release::advice`).
        let fail = |step: ReleaseStep, error: Error, done: &ReleaseIds| {
            Box::new(ReleaseError { step, error: with_advice(error), done: done.clone(), outcome_uncertain: false })
        };
        // A refused id never comes back as done: no hint built from `done` repeats it.
        request.check().map_err(|e| fail(ReleaseStep::Check, e, &request.resume_without_refused_ids()))?;
        let app_id = request.upload.app_id;

        // Upload, unless an object (or a package made from one) is resumed.
        let need_object = done.package_id.is_none();
        if need_object {
            if done.object_id.is_none() {
                // Refuse what AGC would refuse before the first byte is sent.
                if request.upload.preflight {
                    let purpose = match request.target {
                        ReleaseTarget::Review(_) => PreflightFor::Review,
                        ReleaseTarget::Test(_) => PreflightFor::Test,
                    };
                    let checked = self.preflight_inner(&request.upload, purpose, progress);
                    let checked = self.clean(checked).map_err(|e| fail(ReleaseStep::Preflight, e, &done))?;
                    if let Some(p) = checked {
                        done.notes.extend(p.notes);
                    }
                }
                // A test release's upload-url carries `releaseType` only when the caller asks
                // for it (6): no live-tested publisher sends it (docs/protocol.md section 6).
                let r = self.upload(&request.upload, progress).map_err(|e| fail(ReleaseStep::Upload, e, &done))?;
                done.notes.extend(r.notes.iter().cloned());
                done.object_id = Some(r.object_id.clone());
                done.file_name = Some(r.file_name.clone());
                done.sha256_hex = Some(r.sha256_hex.clone());
                done.size = Some(r.size);
                done.upload = Some(r);
            } else if done.file_name.is_none() {
                done.file_name = Some(request.resumed_file_name().map_err(|e| fail(ReleaseStep::Check, e, &done))?);
            }
        }
        let object = |done: &ReleaseIds| {
            (done.file_name.clone().unwrap_or_default(), done.object_id.clone().unwrap_or_default())
        };

        match &request.target {
            ReleaseTarget::Review(options) => {
                if done.package_id.is_none() {
                    let (name, id) = object(&done);
                    let pkg = self.bind_object_outcome(app_id, &name, &id, &request.upload.bind, progress).map_err(
                        |(e, uncertain)| {
                            let mut failure = fail(ReleaseStep::Bind, e, &done);
                            failure.outcome_uncertain = uncertain;
                            failure
                        },
                    )?;
                    done.package_id = Some(pkg);
                }
                let pkg = done.package_id.clone().unwrap_or_default();
                self.wait_package_ready(app_id, &pkg, request.parse_timeout, progress)
                    .map_err(|e| fail(ReleaseStep::WaitParsing, e, &done))?;
                if !request.notes.is_empty() {
                    self.set_release_notes(app_id, &request.notes, progress)
                        .map_err(|e| fail(ReleaseStep::Notes, e, &done))?;
                }
                self.submit_outcome(app_id, options, request.submit_timeout, progress).map_err(|(e, uncertain)| {
                    let mut failure = fail(ReleaseStep::Submit, e, &done);
                    failure.outcome_uncertain = uncertain;
                    failure
                })?;
            }
            ReleaseTarget::Test(t) => {
                if done.version_id.is_none() {
                    let v = self
                        .create_test_version(app_id, t, progress)
                        .map_err(|e| fail(ReleaseStep::CreateTestVersion, e, &done))?;
                    done.version_id = Some(v);
                }
                if done.package_id.is_none() {
                    let (name, id) = object(&done);
                    let pkg = self
                        .add_test_package(app_id, &name, &id, t.distribute_mode, progress)
                        .map_err(|e| fail(ReleaseStep::AddTestPackage, e, &done))?;
                    done.package_id = Some(pkg);
                }
                let pkg = done.package_id.clone().unwrap_or_default();
                let version = done.version_id.clone().unwrap_or_default();
                self.wait_package_ready(app_id, &pkg, request.parse_timeout, progress)
                    .map_err(|e| fail(ReleaseStep::WaitParsing, e, &done))?;
                self.set_test_info(app_id, &version, &pkg, t, progress)
                    .map_err(|e| fail(ReleaseStep::SetTestInfo, e, &done))?;
                self.submit_test_version(app_id, &version, progress)
                    .map_err(|e| fail(ReleaseStep::SubmitTest, e, &done))?;
            }
        }
        Ok(done)
    }
}

/// Did a submit whose answer was lost land? Only if the state changed from `before` (AGC's
/// raw `releaseState` read before the first attempt) to in review or approved.
fn submit_landed(before: Option<i64>, now: &AppState) -> bool {
    now.release_state != before && matches!(now.state, ReleaseState::InReview | ReleaseState::Approved)
}

/// A submit attempt: done, still processing (AGC's words), or refused (code, words).
enum SubmitTry {
    Done,
    StillProcessing(String),
    Refused(i64, String),
}

impl Client {
    /// A release call with the retry policy and the token refresh.
    #[allow(clippy::too_many_arguments)]
    fn release_call<T: crate::text::untrusted::FromServer>(
        &self,
        method: Method,
        path: &str,
        app_id: &str,
        body: Option<&Value>,
        what: &str,
        phase: Option<(Phase, u64, u64)>,
        progress: &mut dyn Progress,
        parse: impl Fn(&[u8]) -> Result<T>,
    ) -> Result<T> {
        let r = self.connect_call(progress, |_, agent, base, auth, deadline, progress| {
            if let Some((p, d, t)) = phase {
                progress::event(progress, p, d, t)?;
            }
            let request =
                Request { method, path, query: &[("appId", app_id)], body: body.map(Body::Json), what, headers: &[] };
            connect::send(agent, base, auth, &request, deadline, &parse)
        });
        self.clean(r.map_err(with_advice))
    }

    /// Set the release notes of one language (`PUT app-language-info`). The language must
    /// exist for the app; AGC's refusal is an [`Error::Api`] naming the language. Reports
    /// [`Phase::SettingNotes`] `0/1`.
    pub fn set_release_note(&self, app_id: &str, note: &ReleaseNote, progress: &mut dyn Progress) -> Result<()> {
        self.set_release_notes(app_id, std::slice::from_ref(note), progress)
    }

    /// Set the release notes of several languages, all checked before the first request.
    /// Reports [`Phase::SettingNotes`] with `done` = notes set so far, `total` = notes.
    pub fn set_release_notes(&self, app_id: &str, notes: &[ReleaseNote], progress: &mut dyn Progress) -> Result<()> {
        check_app_id(app_id)?;
        check_notes(notes)?;
        let total = notes.len() as u64;
        let path = self.release_paths().language_info.clone();
        for (i, note) in notes.iter().enumerate() {
            let body = note_body(note);
            let phase = Some((Phase::SettingNotes, i as u64, total));
            self.release_call(Method::Put, &path, app_id, Some(&body), "app-language-info", phase, progress, |b| {
                parse_empty(b, "app-language-info")
            })
            .map_err(|e| match e {
                Error::Api { code, message } => {
                    Error::Api { code, message: format!("release notes for {}: {message}", note.language) }
                }
                other => other,
            })?;
        }
        progress::event(progress, Phase::SettingNotes, total, total)
    }

    /// Submit the app's draft for review (`POST app-submit`). While AGC still processes the
    /// package (codes 204144660, 204144719, 204144727 with a matching message) the submit is
    /// retried with backoff (the compile-status poll intervals) until `timeout`, then
    /// [`Error::Timeout`]; any other refusal is [`Error::Api`] with AGC's message.
    /// Reports [`Phase::Submitting`] with elapsed and timeout in ms, several times a second
    /// while waiting, so the wait can be cancelled.
    ///
    /// A submit is not idempotent, so the state is read once before the first attempt. When an
    /// attempt fails in a way AGC may nevertheless have processed (the request was sent and no
    /// clear refusal came back: a reset, a timeout, a 5xx other than 503), the retry reads the
    /// state again and counts the submit as done only if the state *changed* to in review
    /// (4, 5, 12) or approved (3). A clear refusal (429, 503, a 4xx, a `ret.code` error) or a
    /// connection never made never counts as done, nor does a state that was already in review
    /// before the submit; if the first read failed, nothing is inferred (the retry submits
    /// again and AGC's answer decides).
    ///
    /// A cancel while AGC is answering ends the call ([`Error::Cancelled`]) although AGC may
    /// have accepted the submit: read the state before submitting again ([`Client::release`]
    /// says so in [`ReleaseError::outcome_uncertain`]).
    pub fn submit_for_review(
        &self,
        app_id: &str,
        options: &SubmitOptions,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        self.submit_outcome(app_id, options, timeout, progress).map_err(|(e, _)| e)
    }

    /// [`Client::submit_for_review`], and on failure whether AGC may have accepted the submit
    /// all the same (the request went out and no clear answer came back: a reset, a timeout,
    /// a cancel while AGC was answering): then submitting again is not the next step, reading
    /// the state is.
    pub(crate) fn submit_outcome(
        &self,
        app_id: &str,
        options: &SubmitOptions,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> std::result::Result<(), (Error, bool)> {
        let unsure = std::cell::Cell::new(false);
        // AGC's refusal and "still processing" message leave `connect_call` as an answer, not
        // an error, so the gate never saw them: the errors made of them pass it here.
        self.clean(self.submit_until(app_id, options, timeout, &unsure, progress)).map_err(|e| (e, unsure.get()))
    }

    /// [`Client::submit_for_review`] before the redaction of its error.
    fn submit_until(
        &self,
        app_id: &str,
        options: &SubmitOptions,
        timeout: Duration,
        unsure: &std::cell::Cell<bool>,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        check_app_id(app_id)?;
        let body = options.body()?;
        let path = self.release_paths().app_submit.clone();
        let info_path = self.release_paths().app_info.clone();
        let start = Instant::now();
        let end = start + timeout;
        let total_ms = timeout.as_millis() as u64;
        let (mut wait, max_wait) = self.poll_intervals();
        // The state before any attempt: a lost submit is inferred only from a change of it.
        let before = self
            .release_call(Method::Get, &info_path, app_id, None, "app-info", None, progress, parse_app_state)
            .ok()
            .map(|s| s.release_state);
        loop {
            let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
            let parse = |b: &[u8]| match parse_empty(b, "app-submit") {
                Ok(()) => Ok(SubmitTry::Done),
                Err(Error::Api { code, message }) if is_still_processing(code, &message) => {
                    Ok(SubmitTry::StillProcessing(message))
                }
                // Not retried by the retry policy even when the code is a transient one: a
                // submit refused for another reason is final.
                Err(Error::Api { code, message }) if !connect::TOKEN_REJECTED_CODES.contains(&code) => {
                    Ok(SubmitTry::Refused(code, message))
                }
                Err(e) => Err(e),
            };
            let outcome = self.connect_call(progress, |attempt, agent, base, auth, deadline, progress| {
                progress::event(progress, Phase::Submitting, elapsed, total_ms)?;
                let query = &[("appId", app_id)];
                if attempt > 1 && unsure.get() {
                    if let Some(before) = before {
                        let info = Request {
                            method: Method::Get,
                            path: &info_path,
                            query,
                            body: None,
                            what: "app-info",
                            headers: &[],
                        };
                        match connect::send(agent, base, auth, &info, deadline, parse_app_state)? {
                            Answer::Ok(now) if submit_landed(before, &now) => return Ok(Answer::Ok(SubmitTry::Done)),
                            Answer::Ok(_) => {}
                            Answer::TokenRejected(m) => return Ok(Answer::TokenRejected(m)),
                        }
                    }
                }
                let submit = Request {
                    method: Method::Post,
                    path: &path,
                    query,
                    body: Some(Body::Json(&body)),
                    what: "app-submit",
                    headers: &[],
                };
                connect::send_noting(agent, base, auth, &submit, deadline, parse, unsure)
            })?;
            let message = match outcome {
                SubmitTry::Done => {
                    // AGC accepted it: a cancel asked now is not this step's failure (the
                    // submit is done and reported as done); the next step, if any, sees it.
                    let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
                    progress.report(Phase::Submitting, elapsed, total_ms);
                    return Ok(());
                }
                SubmitTry::Refused(code, message) => return Err(with_advice(Error::Api { code, message })),
                SubmitTry::StillProcessing(m) => m,
            };
            if Instant::now() >= end {
                return Err(Error::Timeout(format!(
                    "AGC was still processing the package after {} s: {message}",
                    timeout.as_secs()
                )));
            }
            let until = (Instant::now() + wait).min(end);
            while Instant::now() < until {
                let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
                progress::event(progress, Phase::Submitting, elapsed, total_ms)?;
                std::thread::sleep((until - Instant::now().min(until)).min(Duration::from_millis(200)));
            }
            wait = (wait * 2).min(max_wait);
        }
    }

    /// Where the app's release stands (`GET app-info`): draft, in review, rejected (with the
    /// reviewers' opinion), released.
    pub fn release_state(&self, app_id: &str, progress: &mut dyn Progress) -> Result<AppState> {
        check_app_id(app_id)?;
        let path = self.release_paths().app_info.clone();
        self.release_call(Method::Get, &path, app_id, None, "app-info", None, progress, parse_app_state)
    }

    /// Create a HarmonyOS test version; returns its `versionId`. Reports
    /// [`Phase::CreatingTestVersion`].
    pub fn create_test_version(&self, app_id: &str, test: &TestRelease, progress: &mut dyn Progress) -> Result<String> {
        check_app_id(app_id)?;
        test.validate()?;
        let path = self.release_paths().test_version.clone();
        let body = test.create_body();
        let phase = Some((Phase::CreatingTestVersion, 0, 0));
        self.release_call(Method::Post, &path, app_id, Some(&body), "test-version", phase, progress, parse_version_id)
    }

    /// Add an uploaded object (uploaded with `releaseType` 6) to the test versions with this
    /// `distributeMode` (1 test zone, 2 AppGallery); returns its package id, which [`Client::wait_package_ready`] then polls. Reports
    /// [`Phase::AddingTestPackage`].
    pub fn add_test_package(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        distribute_mode: u32,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        check_app_id(app_id)?;
        crate::package::rules::check_file_name(file_name)?;
        check_distribute_mode(distribute_mode)?;
        check_object_id(object_id)?;
        let path = self.release_paths().test_version_pkg.clone();
        let body = test_package_body(file_name, object_id, distribute_mode);
        let phase = Some((Phase::AddingTestPackage, 0, 0));
        self.release_call(Method::Post, &path, app_id, Some(&body), "test-package", phase, progress, parse_test_package)
    }

    /// Put a parsed package into a test version with its window and groups (`PUT` test
    /// version with `openTestInfo`). Reports [`Phase::SettingTestInfo`].
    pub fn set_test_info(
        &self,
        app_id: &str,
        version_id: &str,
        package_id: &str,
        test: &TestRelease,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        check_app_id(app_id)?;
        test.validate()?;
        check_version_id(version_id)?;
        check_package_id(package_id)?;
        let path = self.release_paths().test_version.clone();
        let body = test.info_body(version_id, package_id, now_ms());
        let phase = Some((Phase::SettingTestInfo, 0, 0));
        self.release_call(Method::Put, &path, app_id, Some(&body), "test-version", phase, progress, |b| {
            parse_empty(b, "test-version")
        })
    }

    /// Submit a test version. Reports [`Phase::SubmittingTest`].
    pub fn submit_test_version(&self, app_id: &str, version_id: &str, progress: &mut dyn Progress) -> Result<()> {
        check_app_id(app_id)?;
        check_version_id(version_id)?;
        let path = self.release_paths().test_version_submit.clone();
        let body = json!({"versionId": version_id});
        let phase = Some((Phase::SubmittingTest, 0, 0));
        self.release_call(Method::Post, &path, app_id, Some(&body), "test-submit", phase, progress, |b| {
            parse_empty(b, "test-submit")
        })
    }
}
