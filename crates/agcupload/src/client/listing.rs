//! The store listing from a folder (docs/guide/listing.md): plan (what would change, per
//! language and field, without writing), apply (the texts that changed through
//! `app-language-info`, the files through the same upload as packages then one
//! `app-file-info` per kind, then a read-back that fails when AGC does not show what was
//! sent), pull (AGC's texts into the folder). The calls around a release that the listing's
//! users asked for (delete a language, withdraw, phased release, app id look-up) are in
//! `versions.rs`; they share this file's [`Client::listing_call`] and app-info reading.
//!
//! Every rule is checked before the first request that writes: the folder's
//! ([`crate::listing::rules`]), then those that need AGC's state (a language new to the app
//! needs a name; description, brief introduction and release notes must differ once the
//! texts left as they are count too).

use std::path::Path;

use serde_json::Value;

use super::listing_plan::{
    files_of, plan_of, read_back, set_text, text_fields, updated_manifest, ListingApplied, ListingChange, ListingField,
    ListingPlan, ListingPulled, ListingUpload, ListingValue, SentFiles,
};
use super::{Client, UploadRequest};
use crate::connect::ids::check_app_id;
use crate::connect::listing::{
    check_listing_language, file_info_body, language_info_body, parse_listing, AgcListing, DeviceFiles, FileList,
    LanguageFiles, ListingTexts, CODE_APP_NAME_EMPTY, SHOW_LANDSCAPE, SHOW_PORTRAIT,
};
use crate::connect::release::with_advice;
use crate::connect::{self, parse_empty, Body, Method, Request};
use crate::error::{bounded, Error, Result};
use crate::listing::manifest::{write_atomic, Manifest};
use crate::listing::{normalize_text, Device, Listing, ListingFile, TEXT_FILES};
use crate::package::rules::PackageKind;
use crate::progress::{self, Phase, Progress};
use crate::text::untrusted::{FromServer, Gate};

impl FromServer for ListingPlan {
    fn pass(mut self, gate: &Gate<'_>) -> Result<ListingPlan> {
        for c in &mut self.changes {
            c.current = c.current.take().map(|v| pass_value(v, gate));
        }
        Ok(self)
    }
}

impl FromServer for ListingApplied {
    fn pass(mut self, gate: &Gate<'_>) -> Result<ListingApplied> {
        for c in &mut self.changes {
            c.current = c.current.take().map(|v| pass_value(v, gate));
        }
        for u in &mut self.uploads {
            u.object_id = gate.id("objectId", std::mem::take(&mut u.object_id))?;
        }
        Ok(self)
    }
}

impl FromServer for ListingPulled {
    fn pass(self, _: &Gate<'_>) -> Result<ListingPulled> {
        // Its texts passed the gate before they were written; it holds only our names.
        Ok(self)
    }
}

fn pass_value(v: ListingValue, gate: &Gate<'_>) -> ListingValue {
    match v {
        ListingValue::Text(t) => ListingValue::Text(gate.listing_text(&t)),
        ListingValue::Files(f) => ListingValue::Files(f.iter().map(|r| gate.text(r)).collect()),
    }
}

impl Client {
    /// One listing call (`appId` in the query unless `app_id_header`), under the retry policy
    /// with a token refreshed once if refused.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn listing_call<T>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Option<&Value>,
        what: &str,
        phase: Option<(Phase, u64, u64)>,
        progress: &mut dyn Progress,
        parse: impl Fn(&[u8]) -> Result<T>,
    ) -> Result<T> {
        self.connect_call(progress, |_, agent, base, auth, deadline, progress| {
            if let Some((p, d, t)) = phase {
                progress::event(progress, p, d, t)?;
            }
            let request = Request { method, path, query, body: body.map(Body::Json), what, headers };
            connect::send(agent, base, auth, &request, deadline, &parse)
        })
        .map_err(with_advice)
    }

    /// A call that writes and whose answer carries nothing but `ret`: [`Self::listing_call`]
    /// with the empty answer's parser named after the call.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn listing_write(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Option<&Value>,
        what: &str,
        phase: Option<(Phase, u64, u64)>,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        self.listing_call(method, path, query, headers, body, what, phase, progress, |b| parse_empty(b, what))
    }

    /// What app-info shows of the listing, reported as `phase` ([`Phase::ReadingAppInfo`]
    /// before a call, [`Phase::CheckingListing`] for the read-back).
    pub(super) fn read_listing(&self, app_id: &str, phase: Phase, progress: &mut dyn Progress) -> Result<AgcListing> {
        self.read_app_info(app_id, phase, progress, parse_listing)
    }

    /// One `GET app-info` of `app_id`, reported as `phase`, its answer read by `parse`.
    pub(super) fn read_app_info<T>(
        &self,
        app_id: &str,
        phase: Phase,
        progress: &mut dyn Progress,
        parse: impl Fn(&[u8]) -> Result<T>,
    ) -> Result<T> {
        let path = self.release_paths.app_info.clone();
        self.listing_call(
            Method::Get,
            &path,
            &[("appId", app_id)],
            &[],
            None,
            "app-info",
            Some((phase, 0, 0)),
            progress,
            parse,
        )
    }

    /// What would change if the folder `dir` were applied to app `app_id`, per language and
    /// field, without writing anything: reads the folder (every local rule, [`Listing::read`]),
    /// app-info's `languages[]` and the folder's manifest, then checks the rules that need
    /// AGC's state. A file field is unchanged only when the manifest says these very files
    /// were applied and AGC still shows what it showed then. Reports [`Phase::ReadingAppInfo`].
    pub fn listing_plan(&self, app_id: &str, dir: &Path, progress: &mut dyn Progress) -> Result<ListingPlan> {
        let r = self.listing_plan_inner(app_id, dir, progress).map(|(plan, _, _, _)| plan);
        self.clean(r)
    }

    #[allow(clippy::type_complexity)]
    fn listing_plan_inner(
        &self,
        app_id: &str,
        dir: &Path,
        progress: &mut dyn Progress,
    ) -> Result<(ListingPlan, Listing, AgcListing, Option<Manifest>)> {
        check_app_id(app_id)?;
        let listing = Listing::read(dir)?;
        let agc = self.read_listing(app_id, Phase::ReadingAppInfo, progress)?;
        let (manifest, note) = Manifest::load(dir, app_id);
        let (changes, unchanged) = plan_of(&listing, &agc, manifest.as_ref()).map_err(|problems| {
            Error::InvalidArgument(format!(
                "the listing breaks {} rule{} against what AGC holds, nothing was sent: {}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                problems.join("; ")
            ))
        })?;
        let plan = ListingPlan { changes, unchanged, notes: note.into_iter().collect() };
        Ok((plan, listing, agc, manifest))
    }

    /// Apply the folder `dir` to app `app_id`: the plan ([`Client::listing_plan`]), then the
    /// texts that changed (one `app-language-info` per language, only its changed fields;
    /// [`Phase::SettingTexts`]), the files that changed ([`Phase::SendingListingFiles`], each
    /// through the upload-url and PUT of a package, the bytes checked against the hash taken
    /// when the folder was read: [`Phase::RequestingUrl`], [`Phase::Uploading`],
    /// [`Phase::Done`]), one `app-file-info` per kind of file ([`Phase::SettingFileInfo`]),
    /// and a read-back of app-info ([`Phase::CheckingListing`]): a field AGC does
    /// not show as sent (it answered success and stored nothing) fails the call with
    /// [`Error::Protocol`] naming the fields. Then the manifest is written. Nothing is sent
    /// when a rule is broken.
    pub fn listing_apply(&self, app_id: &str, dir: &Path, progress: &mut dyn Progress) -> Result<ListingApplied> {
        let r = self.listing_apply_inner(app_id, dir, progress);
        self.clean(r)
    }

    fn listing_apply_inner(&self, app_id: &str, dir: &Path, progress: &mut dyn Progress) -> Result<ListingApplied> {
        let (plan, listing, before, manifest) = self.listing_plan_inner(app_id, dir, progress)?;
        let mut applied = ListingApplied { changes: Vec::new(), uploads: Vec::new(), calls: 0, notes: plan.notes };
        if plan.changes.is_empty() {
            // Nothing to send; the manifest learns what AGC shows now.
            let m = updated_manifest(app_id, manifest, Some(&listing), &plan.unchanged, &before);
            m.save(dir)?;
            return Ok(applied);
        }
        let paths = self.listing_paths.clone();

        // Texts, one call per language with its changed fields only.
        let text_changes: Vec<&ListingChange> = plan.changes.iter().filter(|c| c.field.is_text()).collect();
        let mut by_lang: Vec<(String, ListingTexts)> = Vec::new();
        for c in &text_changes {
            let ListingValue::Text(t) = &c.wanted else { continue };
            match by_lang.iter_mut().find(|(l, _)| *l == c.lang) {
                Some((_, texts)) => set_text(texts, c.field, t.clone()),
                None => {
                    let mut texts = ListingTexts::default();
                    set_text(&mut texts, c.field, t.clone());
                    by_lang.push((c.lang.clone(), texts));
                }
            }
        }
        // An upgrade's texts go with its release notes (Huawei's page): AGC's own when the
        // folder leaves them as they are.
        if before.live_version {
            for (lang, texts) in &mut by_lang {
                if texts.new_features.is_none() {
                    texts.new_features = before.language(lang).and_then(|a| a.texts.new_features.clone());
                }
            }
        }
        let total = by_lang.len() as u64;
        for (i, (lang, texts)) in by_lang.iter().enumerate() {
            let body = language_info_body(lang, texts);
            let phase = Some((Phase::SettingTexts, i as u64, total));
            self.listing_write(
                Method::Put,
                &paths.language_info,
                &[("appId", app_id)],
                &[],
                Some(&body),
                "app-language-info",
                phase,
                progress,
            )
            .map_err(|e| match e {
                Error::Api { code: CODE_APP_NAME_EMPTY, message } => Error::Api {
                    code: CODE_APP_NAME_EMPTY,
                    message: format!(
                        "texts of {lang}: {message} (AGC adds a language only with its name: add name.txt)"
                    ),
                },
                Error::Api { code, message } => Error::Api { code, message: format!("texts of {lang}: {message}") },
                other => other,
            })?;
            applied.calls += 1;
        }
        if total > 0 {
            progress::event(progress, Phase::SettingTexts, total, total)?;
        }

        // Files: each uploaded, then one app-file-info per kind.
        let mut sent: Vec<SentFiles> = Vec::new();
        let file_changes: Vec<&ListingChange> = plan.changes.iter().filter(|c| !c.field.is_text()).collect();
        let files_total: u64 = file_changes.iter().map(|c| files_of(&listing, c).len() as u64).sum();
        let mut files_done = 0;
        for c in file_changes {
            let mut ids = Vec::new();
            for f in files_of(&listing, c) {
                progress::event(progress, Phase::SendingListingFiles, files_done, files_total)?;
                files_done += 1;
                let object_id = self.upload_listing_file(app_id, f, progress)?;
                applied.uploads.push(ListingUpload {
                    file: f.name.clone(),
                    object_id: object_id.clone(),
                    size: f.size,
                });
                ids.push(object_id);
            }
            sent.push(SentFiles { lang: c.lang.clone(), field: c.field, object_ids: ids });
        }
        if files_total > 0 {
            progress::event(progress, Phase::SendingListingFiles, files_total, files_total)?;
        }
        let mut bodies = Vec::new();
        for list in [FileList::Icon, FileList::Screenshots, FileList::IntroVideos] {
            let mut entries: Vec<LanguageFiles> = Vec::new();
            for s in &sent {
                let devices: Vec<DeviceFiles> = match (list, s.field) {
                    // One icon for phone and tablet, as a live publisher binds it.
                    (FileList::Icon, ListingField::Icon) => [Device::Phone, Device::Tablet]
                        .iter()
                        .map(|d| DeviceFiles {
                            device_type: d.device_type(),
                            object_ids: s.object_ids.clone(),
                            show_type: None,
                        })
                        .collect(),
                    (FileList::Screenshots, ListingField::Screenshots(d))
                    | (FileList::IntroVideos, ListingField::Videos(d)) => {
                        let landscape = listing.language(&s.lang).is_some_and(|l| {
                            let shots = l.screenshots.iter().filter(|(x, _)| *x == d).flat_map(|(_, v)| v.iter());
                            let posters =
                                l.videos.iter().filter(|(x, _)| *x == d).flat_map(|(_, v)| v.iter().map(|v| &v.poster));
                            shots.chain(posters).next().is_some_and(ListingFile::is_landscape)
                        });
                        let show = if landscape { SHOW_LANDSCAPE } else { SHOW_PORTRAIT };
                        vec![DeviceFiles {
                            device_type: d.device_type(),
                            object_ids: s.object_ids.clone(),
                            show_type: Some(show),
                        }]
                    }
                    _ => continue,
                };
                match entries.iter_mut().find(|e| e.lang == s.lang) {
                    Some(e) => e.devices.extend(devices),
                    None => entries.push(LanguageFiles { lang: s.lang.clone(), devices }),
                }
            }
            if !entries.is_empty() {
                bodies.push(file_info_body(list, &entries)?);
            }
        }
        let calls = bodies.len() as u64;
        for (i, body) in bodies.iter().enumerate() {
            self.listing_write(
                Method::Put,
                &paths.file_info,
                &[("appId", app_id)],
                &[],
                Some(body),
                "app-file-info",
                Some((Phase::SettingFileInfo, i as u64, calls)),
                progress,
            )?;
            applied.calls += 1;
        }
        if calls > 0 {
            progress::event(progress, Phase::SettingFileInfo, calls, calls)?;
        }

        // Read back: AGC answers success to bodies it ignored (a publisher's notes).
        let after = self.read_listing(app_id, Phase::CheckingListing, progress)?;
        let wrong = read_back(&text_changes, &sent, &before, &after);
        if !wrong.is_empty() {
            return Err(Error::Protocol(format!(
                "AGC answered success but does not show what was sent for {}; read what it holds with `listing \
                 plan` and apply again",
                wrong.join(", ")
            )));
        }
        let mut holds = plan.unchanged.clone();
        holds.extend(plan.changes.iter().map(|c| format!("{}/{}", c.lang, c.field.name())));
        updated_manifest(app_id, manifest, Some(&listing), &holds, &after).save(dir)?;
        applied.changes = plan.changes;
        Ok(applied)
    }

    /// Upload one listing file through the package upload (upload-url, signed PUT); the
    /// bytes must hash to what the folder's reading found.
    fn upload_listing_file(&self, app_id: &str, f: &ListingFile, progress: &mut dyn Progress) -> Result<String> {
        let (mut file, meta) = crate::fsio::open_regular_no_link(&f.path).map_err(|e| e.into_error(&f.path))?;
        if meta.len() != f.size {
            return Err(Error::FileChanged(format!("{} changed since the listing was read", f.name)));
        }
        let digest = crate::client::upload::parse_sha256_hex(&f.sha256_hex)?;
        // `single` takes the app id and the transfer options from the request; the kind is
        // not read there (the listing's own rules checked the file).
        let request = UploadRequest::new(app_id, &f.path, PackageKind::HarmonyApp);
        let r =
            self.single(&request, &mut file, f.size, f.file_name().to_owned(), Some(digest), Vec::new(), progress)?;
        Ok(r.object_id)
    }

    /// Write AGC's current texts of app `app_id` into the folder `dir` (created if missing):
    /// `<lang>/name.txt`, `description.txt`, `brief.txt`, `release_notes.txt` for each text AGC
    /// holds (others are left as they are), and the manifest with what AGC shows of the files
    /// (the files themselves are not downloaded). Texts pass the gate first: secrets of this
    /// client redacted, control characters but line breaks and tabs replaced. Reports
    /// [`Phase::ReadingAppInfo`].
    pub fn listing_pull(&self, app_id: &str, dir: &Path, progress: &mut dyn Progress) -> Result<ListingPulled> {
        let r = self.listing_pull_inner(app_id, dir, progress);
        self.clean(r)
    }

    fn listing_pull_inner(&self, app_id: &str, dir: &Path, progress: &mut dyn Progress) -> Result<ListingPulled> {
        check_app_id(app_id)?;
        let agc = self.read_listing(app_id, Phase::ReadingAppInfo, progress)?;
        make_folder(dir)?;
        let gate = Gate::new(&self.redactor);
        let mut pulled = ListingPulled { languages: Vec::new(), written: Vec::new(), notes: Vec::new() };
        for a in &agc.languages {
            if check_listing_language(&a.lang).is_err() {
                pulled.notes.push(format!("AGC's language '{}' is not a folder name; skipped", bounded(&a.lang, 40)));
                continue;
            }
            let folder = dir.join(&a.lang);
            make_folder(&folder)?;
            pulled.languages.push(a.lang.clone());
            for (file, (_, text)) in TEXT_FILES.iter().zip(text_fields(&a.texts)) {
                let Some(text) = text.as_deref().map(|t| gate.listing_text(t)) else { continue };
                let text = normalize_text(&text);
                if text.trim().is_empty() {
                    continue;
                }
                write_atomic(&folder.join(file), format!("{text}\n").as_bytes())?;
                pulled.written.push(format!("{}/{file}", a.lang));
            }
        }
        let (old, note) = Manifest::load(dir, app_id);
        pulled.notes.extend(note);
        updated_manifest(app_id, old, None, &[], &agc).save(dir)?;
        Ok(pulled)
    }
}

/// Create `dir` when missing; refuse a link or anything but a folder.
fn make_folder(dir: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::file(dir, "is not a folder")),
        Err(_) => std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, crate::fsio::describe_io(&e))),
    }
}
