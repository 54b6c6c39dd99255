//! The calls around a release that the store listing's users asked for, each one request
//! after app-info's checks: delete a language, withdraw the version in review, pause, resume,
//! step or finish a phased release, and look an app id up by its bundle name.

use super::Client;
use crate::connect::ids::{check_app_id, check_version_id};
use crate::connect::listing::{
    check_listing_language, check_withdraw_state, phased_body, withdraw_body, PhasedAction, CODE_DEFAULT_LANGUAGE,
};
use crate::connect::preflight::{
    check_bundle_name, parse_app_versions, parse_appid_list, CODE_NO_APP_OF_TYPE, PACKAGE_TYPES_HARMONY,
};
use crate::connect::release::parse_app_state;
use crate::connect::Method;
use crate::error::{Error, Result};
use crate::progress::{Phase, Progress};
use crate::text::untrusted::{FromServer, Gate};

/// A withdrawn review: the result of [`Client::withdraw_review`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    /// The version withdrawn.
    pub version_id: String,
    /// AGC's `releaseState` before.
    pub release_state: i64,
}

/// A phased-release call made: the result of [`Client::phased_release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasedDone {
    /// The version.
    pub version_id: String,
    /// What was asked.
    pub action: PhasedAction,
}

impl FromServer for Withdrawn {
    fn pass(mut self, gate: &Gate<'_>) -> Result<Withdrawn> {
        self.version_id = gate.id("versionId", self.version_id)?;
        Ok(self)
    }
}

impl FromServer for PhasedDone {
    fn pass(mut self, gate: &Gate<'_>) -> Result<PhasedDone> {
        self.version_id = gate.id("versionId", self.version_id)?;
        Ok(self)
    }
}

impl Client {
    /// Delete the language `lang` from app `app_id`'s listing (`DELETE v2 app-language-info`).
    /// Refused before the call when app-info shows it is the default language, names no
    /// default language (the rule cannot be checked then), or does not show the language.
    /// Reports [`Phase::ReadingAppInfo`], then [`Phase::DeletingLanguage`].
    pub fn delete_language(&self, app_id: &str, lang: &str, progress: &mut dyn Progress) -> Result<()> {
        let r = self.delete_language_inner(app_id, lang, progress);
        self.clean(r)
    }

    fn delete_language_inner(&self, app_id: &str, lang: &str, progress: &mut dyn Progress) -> Result<()> {
        check_app_id(app_id)?;
        check_listing_language(lang)?;
        let agc = self.read_listing(app_id, Phase::ReadingAppInfo, progress)?;
        let Some(default) = &agc.default_lang else {
            return Err(Error::Preflight(format!(
                "nothing was sent: app-info names no default language, so deleting {lang} cannot be checked against it"
            )));
        };
        if default.eq_ignore_ascii_case(lang) {
            return Err(Error::Preflight(format!(
                "nothing was sent: {lang} is the app's default language, which AGC does not delete (code \
                 {CODE_DEFAULT_LANGUAGE})"
            )));
        }
        let Some(found) = agc.language(lang) else {
            return Err(Error::Preflight(format!("nothing was sent: the app has no language {lang}")));
        };
        let tag = found.lang.clone();
        let path = self.listing_paths.language_delete.clone();
        self.listing_write(
            Method::Delete,
            &path,
            &[("appId", app_id), ("lang", &tag)],
            &[],
            None,
            "app-language-info",
            Some((Phase::DeletingLanguage, 0, 0)),
            progress,
        )
    }

    /// Withdraw the version in review of app `app_id` (`PUT v3 version/on-shelf/cancel`,
    /// `appId` as a header, the draft's `versionId` from app-info). Refused before the call
    /// with [`Error::Preflight`] outside the release states where Huawei's page allows it (3,
    /// 4, 5, 6, 12), or when app-info shows no `versionId`. Reports [`Phase::ReadingAppInfo`],
    /// then [`Phase::Withdrawing`].
    pub fn withdraw_review(&self, app_id: &str, progress: &mut dyn Progress) -> Result<Withdrawn> {
        let r = self.withdraw_inner(app_id, progress);
        self.clean(r)
    }

    fn withdraw_inner(&self, app_id: &str, progress: &mut dyn Progress) -> Result<Withdrawn> {
        check_app_id(app_id)?;
        let v = self.read_app_info(app_id, Phase::ReadingAppInfo, progress, parse_app_versions)?;
        check_withdraw_state(v.release_state)?;
        let Some(version_id) = v.version_id.filter(|id| check_version_id(id).is_ok()) else {
            return Err(Error::Preflight("nothing was sent: app-info shows no versionId to withdraw".into()));
        };
        let path = self.listing_paths.on_shelf_cancel.clone();
        let body = withdraw_body(&version_id);
        self.listing_write(
            Method::Put,
            &path,
            &[],
            &[("appId", app_id)],
            Some(&body),
            "on-shelf/cancel",
            Some((Phase::Withdrawing, 0, 0)),
            progress,
        )?;
        Ok(Withdrawn { version_id, release_state: v.release_state.unwrap_or_default() })
    }

    /// Pause, resume, step or finish the phased release of app `app_id` (`PUT v2
    /// version/phased-release`, `appId` as a header). The version is `version_id` when given,
    /// else app-info's `phasedReleaseInfo.versionId`, else its `versionId` when its
    /// `releasePhase` is 3; without one, or when app-info shows no phased release, nothing is
    /// sent ([`Error::Preflight`]). `description` is at most 500 characters. Reports
    /// [`Phase::ReadingAppInfo`], then [`Phase::ChangingPhasedRelease`].
    pub fn phased_release(
        &self,
        app_id: &str,
        action: PhasedAction,
        description: Option<&str>,
        version_id: Option<&str>,
        progress: &mut dyn Progress,
    ) -> Result<PhasedDone> {
        let r = self.phased_inner(app_id, action, description, version_id, progress);
        self.clean(r)
    }

    fn phased_inner(
        &self,
        app_id: &str,
        action: PhasedAction,
        description: Option<&str>,
        version_id: Option<&str>,
        progress: &mut dyn Progress,
    ) -> Result<PhasedDone> {
        check_app_id(app_id)?;
        if let Some(v) = version_id {
            check_version_id(v)?;
        }
        // Checked before any request (the body's rules: the step, the description).
        phased_body(version_id.unwrap_or("v"), action, description)?;
        // One read: the phased state and the version ids come from the same answer.
        let (state, versions) = self.read_app_info(app_id, Phase::ReadingAppInfo, progress, |b| {
            Ok((parse_app_state(b)?, parse_app_versions(b)?))
        })?;
        let phased = state.phased.is_some() || state.release_phase == Some(3);
        if !phased {
            return Err(Error::Preflight(
                "nothing was sent: app-info shows no phased release (no phasedReleaseInfo, releasePhase not 3)".into(),
            ));
        }
        let chosen = version_id
            .map(str::to_owned)
            .or_else(|| state.phased.as_ref().and_then(|p| p.version_id.clone()))
            .or_else(|| versions.version_id.filter(|_| state.release_phase == Some(3)));
        let Some(version_id) = chosen.filter(|v| check_version_id(v).is_ok()) else {
            return Err(Error::Preflight(
                "nothing was sent: app-info names no version of the phased release; give its version id".into(),
            ));
        };
        let body = phased_body(&version_id, action, description)?;
        let path = self.listing_paths.phased_release.clone();
        self.listing_write(
            Method::Put,
            &path,
            &[],
            &[("appId", app_id)],
            Some(&body),
            "phased-release",
            Some((Phase::ChangingPhasedRelease, 0, 0)),
            progress,
        )?;
        Ok(PhasedDone { version_id, action })
    }

    /// The id of the HarmonyOS app (or atomic service) whose bundle name is `bundle`
    /// (`appid-list` with `packageTypes=7`, so an Android app of the same name is never
    /// taken). No such app, or more than one, is [`Error::InvalidArgument`] saying so.
    /// Reports [`Phase::LookingUpAppId`].
    pub fn app_id_for_bundle(&self, bundle: &str, progress: &mut dyn Progress) -> Result<String> {
        let r = self.app_id_inner(bundle, progress);
        self.clean(r)
    }

    fn app_id_inner(&self, bundle: &str, progress: &mut dyn Progress) -> Result<String> {
        check_bundle_name(bundle)?;
        let path = self.preflight_paths.appid_list.clone();
        let query = [("packageName", bundle), ("packageTypes", PACKAGE_TYPES_HARMONY)];
        let phase = Some((Phase::LookingUpAppId, 0, 0));
        let ids = self.listing_call(Method::Get, &path, &query, &[], None, "appid-list", phase, progress, |b| {
            parse_appid_list(b, bundle)
        });
        let ids = match ids {
            Ok(ids) => ids,
            Err(Error::Api { code: CODE_NO_APP_OF_TYPE, .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        match ids.as_slice() {
            [one] => {
                check_app_id(one).map_err(|_| Error::Protocol("appid-list answered an unusable app id".into()))?;
                Ok(one.clone())
            }
            [] => Err(Error::InvalidArgument(format!("no HarmonyOS app in AGC has the bundle name {bundle}"))),
            many => Err(Error::InvalidArgument(format!(
                "the bundle name {bundle} belongs to {} apps in AGC ({}): give the app id",
                many.len(),
                many.join(", ")
            ))),
        }
    }
}
