//! The preflight: before an upload that will be bound, check the package against
//! what AGC holds, and refuse the upload AGC would refuse after an hour of sending and parsing.
//!
//! 1. Inspect the package offline ([`crate::package::inspect`]): a signed `.app` whose `pack.info` says
//!    what it is, of the declared kind, within the limit of what it is.
//! 2. Obtain a token (a failure here is a failure: wrong credentials).
//! 3. `appid-list?packageName=<bundle name>&packageTypes=7` (HarmonyOS apps only, so an Android
//!    app sharing the bundle name is never taken for this one): the bundle name must be bound to
//!    this app id, or to none (AGC's 204144721 after the filter, or an empty list).
//! 4. `app-info`: a bundle name bound to no app is refused when the app already has a version
//!    (its bundle name was set by that version's package, so it is another one); otherwise it
//!    is a new app and the first package binds it for good, which a note says. A full draft
//!    (AGC's 204144662) is refused; for a review, a draft in review
//!    (release states 4, 5, 12) cannot be edited; the package's version code must be higher
//!    than the live one (`onShelfVersionCode`) and than the one in review or approved
//!    (`versionCode` in states 0, 3, 4, 5, 12; a draft's own `versionCode` is the package it
//!    replaces, so it is not compared).
//!
//! Each refusal is [`Error::Preflight`] naming what AGC holds and what the package says, and
//! nothing is sent after it. A call AGC refuses for lack of rights (403 after a fresh token: an
//! API client without the role) is a warning in [`PreflightReport::notes`], not a failure.

use super::{Client, UploadRequest};
use crate::connect::preflight::{
    parse_app_versions, parse_appid_list, AppVersions, CODE_NO_APP_OF_TYPE, PACKAGE_TYPES_HARMONY,
};
use crate::connect::release::{ReleaseState, CODE_PACKAGES_LIMIT};
use crate::connect::{self, Method, Request};
use crate::error::{bounded, Error, Result};
use crate::package::inspect::{self, PackageInfo};
use crate::package::rules::Package;
use crate::progress::Progress;

/// Which checks of the draft apply: a review edits the draft, a test release does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreflightFor {
    /// The package goes to the draft and to review ([`Client::publish`], the review road,
    /// `check`): every check.
    Review,
    /// The package goes to a test version: the draft's review state does not matter.
    Test,
}

/// What the preflight found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightReport {
    /// What the package's `pack.info` says.
    pub package: PackageInfo,
    /// The app ids AGC binds the package's bundle name to (`None`: not read, see `notes`).
    pub app_ids: Option<Vec<String>>,
    /// AGC's `releaseState` of the app (`None`: not read or absent).
    pub release_state: Option<i64>,
    /// The live version code (`onShelfVersionCode`), when AGC has one.
    pub live_version_code: Option<i64>,
    /// The version code in review or approved, when there is one.
    pub review_version_code: Option<i64>,
    /// What the caller should know: a call refused for lack of rights (so a check was
    /// skipped), a bundle name not yet bound to any app.
    pub notes: Vec<String>,
}

/// The most bytes of a server text quoted in a preflight message.
const QUOTE_MAX: usize = 128;

impl Client {
    /// The preflight of `request` for a review (see the module docs): inspect the package,
    /// obtain a token, read appid-list and app-info, and refuse with [`Error::Preflight`]
    /// what AGC would refuse. Sends nothing but those reads. `Ok(None)` for a profile
    /// picture (not a package). Runs whatever `request.preflight` says: the flag is for the
    /// operations that run it themselves ([`Client::publish`], [`Client::release`],
    /// [`Client::check`]).
    pub fn preflight(
        &self,
        request: &UploadRequest<'_>,
        progress: &mut dyn Progress,
    ) -> Result<Option<PreflightReport>> {
        let r = self.preflight_inner(request, PreflightFor::Review, progress);
        self.clean(r)
    }

    pub(super) fn preflight_inner(
        &self,
        request: &UploadRequest<'_>,
        purpose: PreflightFor,
        progress: &mut dyn Progress,
    ) -> Result<Option<PreflightReport>> {
        crate::connect::ids::check_app_id(request.app_id)?;
        let package = Package::open(request.path, request.kind, request.file_name)?;
        let Some(info) = inspect::check_package(&package)? else { return Ok(None) };
        drop(package);
        // A token first: its refusal is wrong credentials, never a missing right.
        let deadline = self.retry.start();
        self.retry.run(deadline, progress, |_, deadline, _| {
            self.tokens.headers(&self.agent, &self.api_base, deadline, None, &mut || Ok(())).map(|_| ())
        })?;
        let mut notes = Vec::new();
        let bundle = info.bundle_name.clone();
        let app_id = request.app_id;

        let list_path = self.preflight_paths.appid_list.clone();
        let ids = self.connect_call(progress, |_, agent, base, auth, deadline, _| {
            let query = [("packageName", bundle.as_str()), ("packageTypes", PACKAGE_TYPES_HARMONY)];
            let req = Request {
                method: Method::Get,
                path: &list_path,
                query: &query,
                body: None,
                what: "appid-list",
                headers: &[],
            };
            connect::send(agent, base, auth, &req, deadline, |b| parse_appid_list(b, &bundle))
        });
        let app_ids = match ids {
            Ok(ids) => Some(ids),
            Err(Error::Api { code: CODE_NO_APP_OF_TYPE, .. }) => Some(Vec::new()),
            Err(Error::Auth(m)) => {
                notes.push(format!(
                    "warning: AGC refused the app id look-up for lack of rights ({}), so the bundle name was not \
                     checked against app {app_id}",
                    bounded(&m, 200)
                ));
                None
            }
            Err(e) => return Err(e),
        };
        if let Some(ids) = &app_ids {
            if !ids.is_empty() && !ids.iter().any(|i| i == app_id) {
                return Err(Error::Preflight(format!(
                    "the package's bundle name {bundle} is bound in AGC to app {}, not to app {app_id}: this package \
                     belongs to another app (or the app id is wrong)",
                    ids.join(", ")
                )));
            }
        }

        let info_path = self.release_paths.app_info.clone();
        let versions = self.connect_call(progress, |_, agent, base, auth, deadline, _| {
            let query = [("appId", app_id)];
            let req = Request {
                method: Method::Get,
                path: &info_path,
                query: &query,
                body: None,
                what: "app-info",
                headers: &[],
            };
            connect::send(agent, base, auth, &req, deadline, parse_app_versions)
        });
        let v = match versions {
            Ok(v) => v,
            Err(Error::Api { code: CODE_PACKAGES_LIMIT, message }) if purpose == PreflightFor::Review => {
                return Err(Error::Preflight(format!(
                    "the draft of app {app_id} already holds the most packages AGC allows (AGC code \
                     {CODE_PACKAGES_LIMIT}: {}): delete the unused packages of the draft in AppGallery Connect, \
                     then run again",
                    bounded(&message, QUOTE_MAX)
                )))
            }
            Err(Error::Auth(m)) => {
                notes.push(format!(
                    "warning: AGC refused to show app {app_id} for lack of rights ({}), so its version codes and \
                     release state were not checked",
                    bounded(&m, 200)
                ));
                return Ok(Some(PreflightReport {
                    package: info,
                    app_ids,
                    release_state: None,
                    live_version_code: None,
                    review_version_code: None,
                    notes,
                }));
            }
            Err(e) => return Err(e),
        };
        let report = judge(app_id, &info, app_ids, v, purpose, notes)?;
        Ok(Some(report))
    }
}

/// The version app-info shows, if any, in words: the live one, else the draft's or the one in
/// review. A `versionId` alone counts only outside the draft state (7): whether a brand-new
/// app's empty draft carries one is not documented, and its first package must pass.
fn existing_version(v: &AppVersions) -> Option<String> {
    let described = |kind: &str, code: Option<i64>, number: &Option<String>, id: &Option<String>| {
        let mut parts = Vec::new();
        if let Some(c) = code {
            parts.push(format!("versionCode {c}"));
        }
        if let Some(n) = number {
            parts.push(format!("version {n}"));
        }
        if let Some(i) = id {
            parts.push(format!("version id {i}"));
        }
        (!parts.is_empty()).then(|| format!("{}, {kind}", parts.join(", ")))
    };
    let submitted = v.release_state.is_some() && ReleaseState::from_code(v.release_state) != ReleaseState::Draft;
    let id = v.version_id.clone().filter(|_| submitted);
    described("live", v.on_shelf_version_code, &v.on_shelf_version_number, &v.on_shelf_version_id)
        .or_else(|| described("in the draft or in review", v.version_code, &v.version_number, &id))
}

/// The checks on what app-info says (pure: no request).
fn judge(
    app_id: &str,
    info: &PackageInfo,
    app_ids: Option<Vec<String>>,
    v: AppVersions,
    purpose: PreflightFor,
    mut notes: Vec<String>,
) -> Result<PreflightReport> {
    let bundle = &info.bundle_name;
    let pkg_code = i64::try_from(info.version_code).unwrap_or(i64::MAX);
    if let Some(bound) = &v.package_name {
        if bound != bundle {
            return Err(Error::Preflight(format!(
                "app {app_id} is bound in AGC to bundle name {bound}, but the package's bundle name is {bundle}: \
                 this package belongs to another app (or the app id is wrong)"
            )));
        }
    } else if app_ids.as_ref().is_some_and(Vec::is_empty) {
        // AGC takes an app's bundle name from its first package: an app that has a version
        // already has one, and it is not this package's (appid-list would have named the app).
        if let Some(version) = existing_version(&v) {
            return Err(Error::Preflight(format!(
                "the package's bundle name {bundle} is bound to no HarmonyOS app in AGC, but app {app_id} already \
                 has a version ({version}), so its bundle name is another one: AGC would fail this package after \
                 the upload. Check the app id, and build the package with the bundle name of the app's existing \
                 version (AppGallery Connect: the app's version information)"
            )));
        }
        notes.push(format!(
            "the bundle name {bundle} is not bound to any app in AGC yet: this package binds it to app {app_id} for \
             good"
        ));
    }
    let state_name = |s: i64| ReleaseState::describe_code(s).unwrap_or("unknown");
    let in_review = matches!(v.release_state, Some(4 | 5 | 12));
    if purpose == PreflightFor::Review && in_review {
        let s = v.release_state.unwrap_or_default();
        let version = match (v.version_code, &v.version_number) {
            (Some(c), Some(n)) => format!(", versionCode {c} ({n})"),
            (Some(c), None) => format!(", versionCode {c}"),
            _ => String::new(),
        };
        return Err(Error::Preflight(format!(
            "app {app_id} is in review (release state {s}, {}{version}): its draft cannot be edited until the \
             review ends; wait for it, or withdraw it in AppGallery Connect",
            state_name(s)
        )));
    }
    let live = v.on_shelf_version_code;
    if let Some(live) = live {
        if pkg_code <= live {
            let name = v.on_shelf_version_number.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            let since = v.update_time.as_deref().map(|t| format!(", app updated {t}")).unwrap_or_default();
            return Err(Error::Preflight(format!(
                "versionCode {pkg_code} of {bundle} is not higher than {live}{name}, the version live in AGC{since}: \
                 raise the version code and build again"
            )));
        }
    }
    // versionCode is the one in review or approved in these states (0: the live one again).
    let review = match v.release_state {
        Some(0 | 3 | 4 | 5 | 12) => v.version_code.filter(|c| Some(*c) != live),
        _ => None,
    };
    if let Some(r) = review {
        if pkg_code <= r {
            let s = v.release_state.unwrap_or_default();
            return Err(Error::Preflight(format!(
                "versionCode {pkg_code} of {bundle} is not higher than {r}, the version {} in AGC (release state \
                 {s}): raise the version code and build again",
                state_name(s)
            )));
        }
    }
    Ok(PreflightReport {
        package: info.clone(),
        app_ids,
        release_state: v.release_state,
        live_version_code: live,
        review_version_code: review,
        notes,
    })
}

/// What of it came from a server passes the gate (`crate::text::untrusted`).
impl crate::text::untrusted::FromServer for PreflightReport {
    fn pass(mut self, gate: &crate::text::untrusted::Gate<'_>) -> crate::error::Result<PreflightReport> {
        self.app_ids = match self.app_ids {
            Some(ids) => Some(ids.into_iter().map(|id| gate.id("app id", id)).collect::<Result<_>>()?),
            None => None,
        };
        self.notes = self.notes.iter().map(|n| gate.text(n)).collect();
        Ok(self)
    }
}
