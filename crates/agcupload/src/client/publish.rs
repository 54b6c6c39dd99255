//! Bind an uploaded object, wait for AGC to parse the package, and both after an upload in
//! one call ([`Client::publish`]).

use std::time::Duration;

use super::{Client, UploadRequest, UploadResult};
use crate::auth;
use crate::connect::ids::{check_app_id, check_object_id, check_package_id};
use crate::connect::package::{self, BindQuery, PackageState};
use crate::error::{Error, Result};
use crate::net::http;
use crate::progress::{self, Phase, Progress};

/// What [`Client::publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The upload.
    pub upload: UploadResult,
    /// The package id AGC gave the bound object.
    pub package_id: String,
}

impl Client {
    /// Bind an uploaded object to the app (HarmonyOS 5+: v3 app-package-info); returns the
    /// package id. Reports [`Phase::Binding`]; transient failures are retried.
    pub fn bind_package(&self, app_id: &str, upload: &UploadResult, progress: &mut dyn Progress) -> Result<String> {
        self.bind_object(app_id, &upload.file_name, &upload.object_id, progress)
    }

    /// [`Client::bind_package`] from the stored object's file name and id (for example an
    /// object uploaded earlier by another process).
    pub fn bind_object(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        self.bind_object_with(app_id, file_name, object_id, &BindQuery::default(), progress)
    }

    /// [`Client::bind_object`] with the bind's optional query parameters (`releaseType`,
    /// `releasePhase`; see [`BindQuery`]).
    pub fn bind_object_with(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        query: &BindQuery,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        let r = self.bind_object_noting(app_id, file_name, object_id, query, &std::cell::Cell::new(false), progress);
        self.clean(r)
    }

    /// [`Client::bind_object`], and on failure also whether AGC may nevertheless have
    /// processed the bind (`true`: the request was sent and no clear refusal came back, so
    /// binding again could attach the package twice; check the app's packages first).
    pub fn bind_object_outcome(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        query: &BindQuery,
        progress: &mut dyn Progress,
    ) -> std::result::Result<String, (Error, bool)> {
        let unsure = std::cell::Cell::new(false);
        let r = self.bind_object_noting(app_id, file_name, object_id, query, &unsure, progress);
        self.clean(r).map_err(|e| (e, unsure.get()))
    }

    /// The bind; `unsure` is left `true` when a failed bind may have been processed by AGC.
    fn bind_object_noting(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        query: &BindQuery,
        unsure: &std::cell::Cell<bool>,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        check_app_id(app_id)?;
        crate::package::rules::check_file_name(file_name)?;
        check_object_id(object_id)?;
        query.check()?;
        // A bind is not idempotent: retry only when the failed attempt cannot have been
        // processed (see `package::bind_package`); otherwise stop and name the object id.
        let deadline = self.retry.start();
        let bound = self.retry.run_if(
            deadline,
            progress,
            |e| !unsure.get() && crate::net::retry::is_retryable(e),
            |_, deadline, progress| {
                progress::event(progress, Phase::Binding, 0, 0)?;
                let waiting = &mut || progress::event(progress, Phase::Binding, 0, 0);
                auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                    package::bind_package(
                        &self.agent,
                        &self.api_base,
                        headers,
                        app_id,
                        file_name,
                        object_id,
                        query,
                        deadline,
                        unsure,
                    )
                })
            },
        );
        bound.map_err(|e| if unsure.get() { bind_may_have_happened(e, object_id) } else { e })
    }

    /// Poll AGC until the package is parsed: `Ok` when ready, [`Error::PackageFailed`] with
    /// AGC's reason, or [`Error::Timeout`] after `timeout`. Waits start at 5 s and double up
    /// to 30 s ([`Client::set_poll_interval`]); [`Phase::Waiting`] reports elapsed and
    /// timeout in milliseconds, several times a second, so the wait can be cancelled.
    pub fn wait_package_ready(
        &self,
        app_id: &str,
        package_id: &str,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let r = self.wait_package_ready_inner(app_id, package_id, timeout, progress);
        self.clean(r)
    }

    fn wait_package_ready_inner(
        &self,
        app_id: &str,
        package_id: &str,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        check_app_id(app_id)?;
        check_package_id(package_id)?;
        let start = std::time::Instant::now();
        let end = start + timeout;
        let total_ms = timeout.as_millis() as u64;
        let mut wait = self.poll.0;
        loop {
            let deadline = http::Deadline(Some(end.min(self.retry.start().0.unwrap_or(end))));
            let state = self.retry.run(deadline, progress, |_, deadline, progress| {
                let waiting = &mut || {
                    let elapsed = start.elapsed().as_millis() as u64;
                    progress::event(progress, Phase::Waiting, elapsed.min(total_ms), total_ms)
                };
                auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                    package::compile_status(&self.agent, &self.api_base, headers, app_id, package_id, deadline)
                })
            });
            let state = match state {
                Ok(s) => s,
                Err(Error::Timeout(_)) if std::time::Instant::now() >= end => {
                    return Err(Error::Timeout(format!(
                        "package {package_id} was not parsed within {} s",
                        timeout.as_secs()
                    )))
                }
                Err(e) => return Err(e),
            };
            match state {
                PackageState::Ready => {
                    progress::event(
                        progress,
                        Phase::Waiting,
                        total_ms.min(start.elapsed().as_millis() as u64),
                        total_ms,
                    )?;
                    return Ok(());
                }
                PackageState::Failed(reason) => return Err(Error::PackageFailed(reason)),
                PackageState::Parsing => {}
            }
            let now = std::time::Instant::now();
            if now >= end {
                return Err(Error::Timeout(format!(
                    "package {package_id} was not parsed within {} s",
                    timeout.as_secs()
                )));
            }
            let until = (now + wait).min(end);
            while std::time::Instant::now() < until {
                let elapsed = start.elapsed().as_millis() as u64;
                progress::event(progress, Phase::Waiting, elapsed.min(total_ms), total_ms)?;
                std::thread::sleep((until - std::time::Instant::now().min(until)).min(Duration::from_millis(200)));
            }
            wait = (wait * 2).min(self.poll.1);
        }
    }

    /// Upload, bind and wait for AGC to parse the package, in one call. Unless
    /// `request.preflight` is off, the preflight ([`Client::preflight`]) runs first and a
    /// refusal ([`Error::Preflight`]) sends nothing; its warnings lead the upload's notes.
    pub fn publish(
        &self,
        request: &UploadRequest<'_>,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<Published> {
        let r = (|| {
            // Refuse what AGC would refuse before the first byte is sent.
            let checked = match request.preflight {
                true => self.preflight_inner(request, super::PreflightFor::Review, progress)?,
                false => None,
            };
            let mut upload = self.upload_inner(request, progress)?;
            if let Some(p) = checked {
                let notes = p.notes;
                upload.notes.splice(0..0, notes);
            }
            let unsure = std::cell::Cell::new(false);
            let (app, name, id) = (request.app_id, &upload.file_name, &upload.object_id);
            let package_id = self.bind_object_noting(app, name, id, &request.bind, &unsure, progress)?;
            self.wait_package_ready_inner(request.app_id, &package_id, timeout, progress)?;
            Ok(Published { upload, package_id })
        })();
        self.clean(r)
    }
}

/// The error of a bind that AGC may have processed although it failed: same status, and a
/// message that says so and names the object id, so the caller can check the draft and bind
/// it later with `agc_bind_object` instead of attaching it twice.
fn bind_may_have_happened(e: Error, object_id: &str) -> Error {
    let note = format!(
        "; AGC may have processed this bind, so it was not repeated (a second bind could attach the package \
         twice): check the app's packages, or bind object id {} later with agc_bind_object",
        crate::error::bounded(object_id, 300)
    );
    match e {
        Error::Network { what, .. } => Error::Network { what: what + &note, retryable: false },
        Error::Timeout(m) => Error::Timeout(m + &note),
        Error::Http { status, message, retry_after } => Error::Http { status, message: message + &note, retry_after },
        Error::Protocol(m) => Error::Protocol(m + &note),
        other => other,
    }
}

/// What of it came from a server passes the gate (`crate::text::untrusted`).
impl crate::text::untrusted::FromServer for Published {
    fn pass(mut self, gate: &crate::text::untrusted::Gate<'_>) -> crate::error::Result<Published> {
        self.upload = self.upload.pass(gate)?;
        self.package_id = gate.id("packageId", self.package_id)?;
        Ok(self)
    }
}
