//! A dry run: everything an upload checks before it sends the file, and nothing more.

use super::{Client, UploadRequest};
use crate::connect::ids::check_app_id;
use crate::error::{Error, Result};
use crate::package::rules::{Package, PackageKind};
use crate::progress::Progress;

/// What [`Client::check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The `fileName` an upload would send.
    pub file_name: String,
    /// The file's size in bytes (before sealing, for a profile picture).
    pub size: u64,
    /// The kind the file was checked against.
    pub kind: PackageKind,
    /// The preflight, when it ran (a package, and `request.preflight` on): what the package
    /// says, what AGC holds, and the warnings.
    pub preflight: Option<super::PreflightReport>,
}

impl Client {
    /// The full dry run: validate `request` as [`Client::upload`] would (app id, the kind's
    /// suffix, size and content rules, a seal key for a profile picture), obtain an access
    /// token (a token call for an API client, a locally signed JWT for a service account),
    /// and, unless `request.preflight` is off, run the preflight ([`Client::preflight`]:
    /// inspection of the package, appid-list and app-info reads; a refusal is
    /// [`Error::Preflight`]). Sends nothing else: no upload URL is asked for and no byte of
    /// the file leaves the machine. `progress` sees the waits between token attempts
    /// ([`crate::Phase::Retrying`]) and may cancel them.
    pub fn check(&self, request: &UploadRequest<'_>, progress: &mut dyn Progress) -> Result<CheckReport> {
        check_app_id(request.app_id)?;
        let package = Package::open(request.path, request.kind, request.file_name)?;
        if request.kind == PackageKind::ProfilePicture && self.seal_key.is_none() {
            return Err(Error::SealKey("profile pictures are uploaded only sealed: set a seal key first".into()));
        }
        let deadline = self.retry.start();
        let r = self.retry.run(deadline, progress, |_, deadline, _| {
            // A thread waiting for another's token fetch still honours the deadline.
            self.tokens.headers(&self.agent, &self.api_base, deadline, None, &mut || Ok(())).map(|_| ())
        });
        self.clean(r)?;
        let (file_name, size) = (package.file_name().to_owned(), package.size());
        drop(package);
        let preflight = match request.preflight {
            true => {
                let r = self.preflight_inner(request, super::PreflightFor::Review, progress);
                self.clean(r)?
            }
            false => None,
        };
        Ok(CheckReport { file_name, size, kind: request.kind, preflight })
    }
}

/// What of it came from a server passes the gate (`crate::text::untrusted`): the file's facts are
/// local, the preflight's findings came from AGC.
impl crate::text::untrusted::FromServer for CheckReport {
    fn pass(mut self, gate: &crate::text::untrusted::Gate<'_>) -> crate::error::Result<CheckReport> {
        self.preflight = self.preflight.pass(gate)?;
        Ok(self)
    }
}
