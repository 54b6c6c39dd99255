//! The orchestration of one upload: validate -> hash -> token -> upload URL -> PUT.
//!
//! Data flows one way. Every step before the network is local and final (a bad file never
//! costs a request); every step after it runs inside the retry policy, and each attempt asks
//! for a fresh signed URL (they expire after about five minutes) but reuses the hash.

use std::path::Path;

use super::Client;
use crate::auth;
use crate::connect::ids::check_app_id;
use crate::connect::upload_url::{self, UploadUrlQuery};
use crate::digest::{self, to_hex};
use crate::error::{Error, Result};
use crate::package::{Package, PackageKind};
use crate::progress::{self, Phase, Progress};
use crate::seal::{self, SealKey};
use crate::transfer;

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
    /// The optional query parameters of the bind that follows the upload in
    /// [`Client::publish`] and the release road (none sent by default).
    pub bind: crate::connect::package::BindQuery,
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
            bind: Default::default(),
        }
    }
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

    /// Validate, hash and upload a file. Progress phases: Hashing, then per attempt
    /// RequestingUrl and Uploading (Retrying between attempts), then Done.
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
        let package = Package::open(request.path, request.kind, request.file_name)?;
        let file_name = package.file_name.clone();
        let (mut file, size) = match request.kind {
            PackageKind::ProfilePicture => {
                let key = self.seal_key.as_ref().ok_or_else(|| {
                    Error::SealKey("profile pictures are uploaded only sealed: set a seal key first".into())
                })?;
                seal_to_temp(key, package, progress)?
            }
            _ => (package.file, package.size),
        };
        let digest = digest::sha256_file(&mut file, size, progress)?;
        let sha256_hex = to_hex(&digest);
        let query = UploadUrlQuery {
            app_id: request.app_id,
            file_name: &file_name,
            content_length: size,
            sha256_hex: &sha256_hex,
            release_type: request.release_type,
            chinese_mainland: request.chinese_mainland,
        };
        let deadline = self.retry.start();
        let object_id = self.retry.run(deadline, progress, |_, deadline, progress| {
            progress::event(progress, Phase::RequestingUrl, 0, 0)?;
            let waiting = &mut || progress::event(progress, Phase::RequestingUrl, 0, 0);
            let target = auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                upload_url::request_upload_url(&self.agent, &self.api_base, headers, &query, deadline)
            })?;
            for (name, value) in &target.headers {
                if name.eq_ignore_ascii_case("authorization") {
                    self.redactor.add_authorization(value.expose());
                }
            }
            transfer::put(&self.agent, &target, &mut file, size, &digest, progress, deadline)?;
            Ok(target.object_id)
        })?;
        progress::event(progress, Phase::Done, size, size)?;
        Ok(UploadResult { object_id, sha256_hex, size, file_name })
    }
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
