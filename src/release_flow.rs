//! The whole road in one call: upload → bind → wait for parsing → release notes → submit for
//! review, or upload → test version → add package → wait → window and groups → submit.
//!
//! Every step reports its phase to the progress sink. A failure names the step and keeps the
//! ids already obtained ([`ReleaseIds`]); passing them back in [`ReleaseRequest::resume`]
//! continues from there instead of uploading again.

use std::time::Duration;

use crate::client::{Client, UploadRequest};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::release::{check_notes, ReleaseNote, SubmitOptions, TestRelease};

/// Where the road ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseTarget {
    /// Submit the app for review (a full or phased, immediate or scheduled release).
    Review(SubmitOptions),
    /// Submit a HarmonyOS test version (the upload is asked with `releaseType` 6).
    Test(TestRelease),
}

/// A step of the road. Numbers are part of the C ABI (`agc_release_step`): only append.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseStep {
    /// Checking the arguments, before any request.
    Check = 1,
    /// Uploading the file.
    Upload = 2,
    /// Binding the uploaded object to the app.
    Bind = 3,
    /// Waiting for AGC to parse the package.
    WaitParsing = 4,
    /// Setting the release notes.
    Notes = 5,
    /// Submitting for review.
    Submit = 6,
    /// Creating the test version.
    CreateTestVersion = 7,
    /// Adding the package to the test versions.
    AddTestPackage = 8,
    /// Setting the test window and groups.
    SetTestInfo = 9,
    /// Submitting the test version.
    SubmitTest = 10,
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
}

impl std::fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {} failed: {}", self.step.name(), self.error)
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
    /// The package to upload (for a test release its `release_type` is forced to 6).
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
            parse_timeout: Duration::from_secs(15 * 60),
            submit_timeout: Duration::from_secs(15 * 60),
            resume: ReleaseIds::default(),
        }
    }

    fn check(&self) -> Result<()> {
        crate::client::check_app_id(self.upload.app_id)?;
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
            crate::package::check_file_name(n)?;
        }
        if let Some(h) = &self.resume.sha256_hex {
            check_resumed_sha256(h)?;
        }
        for (id, what) in [
            (&self.resume.object_id, "object id"),
            (&self.resume.package_id, "package id"),
            (&self.resume.version_id, "version id"),
        ] {
            if id.as_ref().is_some_and(|s| s.is_empty() || s.len() > 1024 || crate::text::is_unusable_id(s)) {
                return Err(Error::InvalidArgument(format!(
                    "the {what} to resume from must be 1 to 1024 characters, without {}",
                    crate::text::UNUSABLE_ID
                )));
            }
        }
        Ok(())
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
pub(crate) fn check_resumed_sha256(h: &str) -> Result<()> {
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
    pub fn release(
        &self,
        request: &ReleaseRequest<'_>,
        progress: &mut dyn Progress,
    ) -> std::result::Result<ReleaseIds, Box<ReleaseError>> {
        let mut done = request.resume.clone();
        let fail = |step: ReleaseStep, error: Error, done: &ReleaseIds| {
            Box::new(ReleaseError { step, error, done: done.clone() })
        };
        request.check().map_err(|e| fail(ReleaseStep::Check, e, &done))?;
        let app_id = request.upload.app_id;
        let test = matches!(request.target, ReleaseTarget::Test(_));

        // Upload, unless an object (or a package made from one) is resumed.
        let need_object = done.package_id.is_none();
        if need_object {
            if done.object_id.is_none() {
                let mut up = request.upload.clone();
                if test {
                    up.release_type = Some(6);
                }
                let r = self.upload(&up, progress).map_err(|e| fail(ReleaseStep::Upload, e, &done))?;
                done.object_id = Some(r.object_id);
                done.file_name = Some(r.file_name);
                done.sha256_hex = Some(r.sha256_hex);
                done.size = Some(r.size);
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
                    let pkg = self
                        .bind_object(app_id, &name, &id, progress)
                        .map_err(|e| fail(ReleaseStep::Bind, e, &done))?;
                    done.package_id = Some(pkg);
                }
                let pkg = done.package_id.clone().unwrap_or_default();
                self.wait_package_ready(app_id, &pkg, request.parse_timeout, progress)
                    .map_err(|e| fail(ReleaseStep::WaitParsing, e, &done))?;
                if !request.notes.is_empty() {
                    self.set_release_notes(app_id, &request.notes, progress)
                        .map_err(|e| fail(ReleaseStep::Notes, e, &done))?;
                }
                self.submit_for_review(app_id, options, request.submit_timeout, progress)
                    .map_err(|e| fail(ReleaseStep::Submit, e, &done))?;
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
                        .add_test_package(app_id, &name, &id, progress)
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
