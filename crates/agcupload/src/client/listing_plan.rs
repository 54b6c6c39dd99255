//! The listing's plan, as pure functions of the folder, what AGC shows and the manifest: the
//! changes per language and field (with the rules that need AGC's state), what a read-back
//! must find, and the manifest an apply leaves. No I/O: `listing.rs` makes the calls.

use crate::connect::listing::{check_listing_language, AgcLanguage, AgcListing, ListingTexts, MAX_FILE_LIST_LANGUAGES};
use crate::error::bounded;
use crate::listing::manifest::Manifest;
use crate::listing::{normalize_text, Device, Listing, ListingFile, ListingLanguage};

/// A field of a language's listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListingField {
    /// `name.txt`: `appName`.
    Name,
    /// `description.txt`: `appDesc`.
    Description,
    /// `brief.txt`: `briefInfo`.
    Brief,
    /// `release_notes.txt`: `newFeatures`.
    ReleaseNotes,
    /// `icon.png` or `icon.webp`.
    Icon,
    /// `screenshots/<device>/`.
    Screenshots(Device),
    /// `videos/<device>/` (each video with its poster).
    Videos(Device),
}

impl ListingField {
    /// Its name in the plan: `name`, `description`, `brief`, `release_notes`, `icon`,
    /// `screenshots/phone`, `videos/tablet`, …
    pub fn name(self) -> String {
        match self {
            ListingField::Name => "name".into(),
            ListingField::Description => "description".into(),
            ListingField::Brief => "brief".into(),
            ListingField::ReleaseNotes => "release_notes".into(),
            ListingField::Icon => "icon".into(),
            ListingField::Screenshots(d) => format!("screenshots/{}", d.folder()),
            ListingField::Videos(d) => format!("videos/{}", d.folder()),
        }
    }

    /// Whether it is a text (else files).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ListingField::Name | ListingField::Description | ListingField::Brief | ListingField::ReleaseNotes
        )
    }
}

/// A value of a field: a text, or files (AGC's references, or the folder's file names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingValue {
    /// A text.
    Text(String),
    /// Files: what AGC shows (references, usually URLs), or the folder's files (names inside
    /// the folder).
    Files(Vec<String>),
}

impl ListingValue {
    /// One line for a log: a text's first characters and its length, or the files' count and
    /// names (hidden and control characters replaced).
    pub fn summary(&self) -> String {
        match self {
            ListingValue::Text(t) => {
                let first = bounded(t.lines().next().unwrap_or(""), 60);
                let lines = t.lines().count();
                let more = if lines > 1 { format!(", {lines} lines") } else { String::new() };
                format!("\"{first}\" ({} characters{more})", crate::connect::release::utf16_len(t))
            }
            ListingValue::Files(f) if f.is_empty() => "no files".into(),
            ListingValue::Files(f) => {
                let names: Vec<String> =
                    f.iter().take(4).map(|n| bounded(n.rsplit('/').next().unwrap_or(n), 80)).collect();
                let more = if f.len() > 4 { ", ..." } else { "" };
                format!("{} file{} ({}{more})", f.len(), if f.len() == 1 { "" } else { "s" }, names.join(", "))
            }
        }
    }
}

/// One change the plan found (and apply makes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingChange {
    /// The language.
    pub lang: String,
    /// The field.
    pub field: ListingField,
    /// The language is new to the app (AGC does not have it yet).
    pub new_language: bool,
    /// What AGC holds now (`None`: nothing).
    pub current: Option<ListingValue>,
    /// What the folder says.
    pub wanted: ListingValue,
}

impl ListingChange {
    /// One line for a log: `en-US description: "Old..." (120 characters) -> "New..." (130 characters)`.
    pub fn summary(&self) -> String {
        let from = self.current.as_ref().map_or_else(|| "nothing".to_owned(), ListingValue::summary);
        let new = if self.new_language { " (new language)" } else { "" };
        format!("{} {}{new}: {from} -> {}", self.lang, self.field.name(), self.wanted.summary())
    }
}

/// What would change: the result of [`crate::Client::listing_plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPlan {
    /// The changes, by language, then field.
    pub changes: Vec<ListingChange>,
    /// The fields the folder sets that AGC already shows (`en-US/name`).
    pub unchanged: Vec<String>,
    /// What the caller should know (a manifest not used, and why).
    pub notes: Vec<String>,
}

/// One file sent by [`crate::Client::listing_apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingUpload {
    /// The file inside the folder (`en-US/screenshots/phone/01.png`).
    pub file: String,
    /// AGC's object id of it.
    pub object_id: String,
    /// Bytes.
    pub size: u64,
}

/// What [`crate::Client::listing_apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingApplied {
    /// The changes made, each confirmed by the read-back (empty: nothing to do).
    pub changes: Vec<ListingChange>,
    /// The files uploaded.
    pub uploads: Vec<ListingUpload>,
    /// `app-language-info` and `app-file-info` calls made.
    pub calls: u32,
    /// What the caller should know.
    pub notes: Vec<String>,
}

/// What [`crate::Client::listing_pull`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPulled {
    /// The languages AGC has, by tag.
    pub languages: Vec<String>,
    /// The text files written (`en-US/name.txt`).
    pub written: Vec<String>,
    /// What the caller should know (a language AGC holds that cannot be a folder name).
    pub notes: Vec<String>,
}

/// The texts of a language, by field.
pub(super) fn text_fields(t: &ListingTexts) -> [(ListingField, &Option<String>); 4] {
    [
        (ListingField::Name, &t.app_name),
        (ListingField::Description, &t.app_desc),
        (ListingField::Brief, &t.brief_info),
        (ListingField::ReleaseNotes, &t.new_features),
    ]
}

/// Set one text of `t`.
pub(super) fn set_text(t: &mut ListingTexts, field: ListingField, value: String) {
    match field {
        ListingField::Name => t.app_name = Some(value),
        ListingField::Description => t.app_desc = Some(value),
        ListingField::Brief => t.brief_info = Some(value),
        _ => t.new_features = Some(value),
    }
}

/// What AGC shows of one device: its references, else (a shape we do not know) the entry
/// itself; nothing when AGC shows no entry.
pub(super) fn device_refs(agc: Option<&AgcLanguage>, d: Device) -> Vec<String> {
    match agc.and_then(|l| l.device(d.device_type())) {
        Some(e) if !e.refs.is_empty() => e.refs.clone(),
        Some(e) => vec![e.raw.clone()],
        None => Vec::new(),
    }
}

pub(super) fn hashes<'a>(files: impl Iterator<Item = &'a ListingFile>) -> Vec<String> {
    files.map(|f| f.sha256_hex.clone()).collect()
}

pub(super) fn video_files(v: &[crate::listing::ListingVideo]) -> Vec<&ListingFile> {
    v.iter().flat_map(|v| [&v.video, &v.poster]).collect()
}

/// The plan of `listing` against `agc`, with the rules that need AGC's state. `Err` holds
/// the problems.
pub(super) fn plan_of(
    listing: &Listing,
    agc: &AgcListing,
    manifest: Option<&Manifest>,
) -> std::result::Result<(Vec<ListingChange>, Vec<String>), Vec<String>> {
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();
    let mut problems = Vec::new();
    for l in &listing.languages {
        let a = agc.language(&l.lang);
        let new_language = a.is_none();
        if new_language && l.texts.app_name.is_none() {
            problems.push(format!(
                "{}/: the app does not have this language yet, and AGC adds one only with its name (name.txt)",
                l.lang
            ));
        }
        let current = a.map(|a| &a.texts);
        // What AGC will hold: the folder's texts, else AGC's.
        let mut effective = current.cloned().unwrap_or_default();
        let mut changing = Vec::new();
        for (field, local) in text_fields(&l.texts) {
            let Some(local) = local else { continue };
            let now = current.and_then(|c| text_fields(c).into_iter().find(|(f, _)| *f == field)?.1.clone());
            if now.as_deref().map(normalize_text).as_deref() == Some(local.as_str()) {
                unchanged.push(format!("{}/{}", l.lang, field.name()));
            } else {
                changing.push(field);
                changes.push(ListingChange {
                    lang: l.lang.clone(),
                    field,
                    new_language,
                    current: now.map(ListingValue::Text),
                    wanted: ListingValue::Text(local.clone()),
                });
            }
            set_text(&mut effective, field, local.clone());
        }
        if agc.live_version && !changing.is_empty() && effective.new_features.as_deref().is_none_or(str::is_empty) {
            problems.push(format!(
                "{}/: the app has a live version, and AGC takes the texts of an update only with its release \
                 notes (release_notes.txt)",
                l.lang
            ));
        }
        let effective = ListingTexts {
            app_desc: effective.app_desc.map(|t| normalize_text(&t)),
            brief_info: effective.brief_info.map(|t| normalize_text(&t)),
            new_features: effective.new_features.map(|t| normalize_text(&t)),
            app_name: None,
        };
        for (x, y) in crate::listing::rules::distinct_pairs(&effective) {
            let field_of = |file: &str| match file {
                "description.txt" => ListingField::Description,
                "brief.txt" => ListingField::Brief,
                _ => ListingField::ReleaseNotes,
            };
            if changing.contains(&field_of(x)) || changing.contains(&field_of(y)) {
                problems.push(format!(
                    "{}/: {x} and {y} would hold the same text (one as AGC has it); AGC takes them only when they differ",
                    l.lang
                ));
            }
        }
        let record = manifest.and_then(|m| m.languages.get(&l.lang));
        if let Some(icon) = &l.icon {
            let now: Vec<String> = a.and_then(|a| a.icon.clone()).into_iter().collect();
            let same = record.is_some_and(|r| {
                r.icon_sha256.as_deref() == Some(icon.sha256_hex.as_str())
                    && !now.is_empty()
                    && r.icon_agc.as_deref() == now.first().map(String::as_str)
            });
            file_change(&mut changes, &mut unchanged, l, ListingField::Icon, new_language, now, vec![icon], same);
        }
        for (d, shots) in &l.screenshots {
            let now = device_refs(a, *d);
            let rec = record.and_then(|r| r.devices.get(d.folder()));
            let same = rec.is_some_and(|r| !now.is_empty() && r.agc == now && r.screenshots == hashes(shots.iter()));
            let files = shots.iter().collect();
            file_change(&mut changes, &mut unchanged, l, ListingField::Screenshots(*d), new_language, now, files, same);
        }
        for (d, videos) in &l.videos {
            let now = device_refs(a, *d);
            let files = video_files(videos);
            let rec = record.and_then(|r| r.devices.get(d.folder()));
            let same =
                rec.is_some_and(|r| !now.is_empty() && r.agc == now && r.videos == hashes(files.iter().copied()));
            file_change(&mut changes, &mut unchanged, l, ListingField::Videos(*d), new_language, now, files, same);
        }
    }
    for (kind, name) in [(0, "icons"), (1, "screenshots"), (2, "videos")] {
        let mut langs: Vec<&str> = changes
            .iter()
            .filter(|c| match c.field {
                ListingField::Icon => kind == 0,
                ListingField::Screenshots(_) => kind == 1,
                ListingField::Videos(_) => kind == 2,
                _ => false,
            })
            .map(|c| c.lang.as_str())
            .collect();
        langs.dedup();
        if langs.len() > MAX_FILE_LIST_LANGUAGES {
            problems.push(format!(
                "{} languages change their {name}; AGC takes at most {MAX_FILE_LIST_LANGUAGES} in one call (apply \
                 the listing in parts: whether a second call replaces the first is not documented)",
                langs.len()
            ));
        }
    }
    if problems.is_empty() {
        Ok((changes, unchanged))
    } else {
        Err(problems)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn file_change(
    changes: &mut Vec<ListingChange>,
    unchanged: &mut Vec<String>,
    l: &ListingLanguage,
    field: ListingField,
    new_language: bool,
    now: Vec<String>,
    files: Vec<&ListingFile>,
    same: bool,
) {
    if same {
        unchanged.push(format!("{}/{}", l.lang, field.name()));
        return;
    }
    changes.push(ListingChange {
        lang: l.lang.clone(),
        field,
        new_language,
        current: (!now.is_empty()).then_some(ListingValue::Files(now)),
        wanted: ListingValue::Files(files.iter().map(|f| f.name.clone()).collect()),
    });
}

/// The files of a change, from the folder.
pub(super) fn files_of<'a>(listing: &'a Listing, c: &ListingChange) -> Vec<&'a ListingFile> {
    let Some(l) = listing.language(&c.lang) else { return Vec::new() };
    match c.field {
        ListingField::Icon => l.icon.iter().collect(),
        ListingField::Screenshots(d) => {
            l.screenshots.iter().filter(|(x, _)| *x == d).flat_map(|(_, s)| s.iter()).collect()
        }
        ListingField::Videos(d) => l.videos.iter().filter(|(x, _)| *x == d).flat_map(|(_, v)| video_files(v)).collect(),
        _ => Vec::new(),
    }
}

/// What was sent of one file field, for the read-back.
pub(super) struct SentFiles {
    pub(super) lang: String,
    pub(super) field: ListingField,
    pub(super) object_ids: Vec<String>,
}

/// The fields AGC does not show as sent (`before` is what it showed before apply).
pub(super) fn read_back(
    text_changes: &[&ListingChange],
    files: &[SentFiles],
    before: &AgcListing,
    after: &AgcListing,
) -> Vec<String> {
    let mut wrong = Vec::new();
    for c in text_changes {
        let ListingValue::Text(sent) = &c.wanted else { continue };
        let shown = after
            .language(&c.lang)
            .and_then(|a| text_fields(&a.texts).into_iter().find(|(f, _)| *f == c.field).and_then(|(_, t)| t.clone()));
        if shown.as_deref().map(normalize_text).as_deref() != Some(sent.as_str()) {
            wrong.push(format!("{} {}", c.lang, c.field.name()));
        }
    }
    for s in files {
        let now = after.language(&s.lang);
        let was = before.language(&s.lang);
        let ok = match s.field {
            ListingField::Icon => match now.and_then(|a| a.icon.as_deref()) {
                Some(icon) => {
                    s.object_ids.iter().any(|id| icon.contains(id.as_str()))
                        || was.and_then(|a| a.icon.as_deref()) != Some(icon)
                }
                None => false,
            },
            ListingField::Screenshots(d) | ListingField::Videos(d) => {
                match now.and_then(|a| a.device(d.device_type())) {
                    Some(e) => {
                        let ours = |id: &String| e.refs.iter().any(|r| r.contains(id.as_str()));
                        if s.object_ids.iter().any(ours) {
                            // AGC shows object ids: every one sent must be there.
                            s.object_ids.iter().all(ours)
                        } else {
                            // AGC shows other references (URLs): the entry must have changed.
                            was.and_then(|a| a.device(d.device_type())).map(|b| &b.raw) != Some(&e.raw)
                        }
                    }
                    None => false,
                }
            }
            _ => true,
        };
        if !ok {
            wrong.push(format!("{} {}", s.lang, s.field.name()));
        }
    }
    wrong
}

/// The manifest after `after` was read: AGC's references of every language and device, and
/// the hashes of the slots that hold the folder's files (sent now, or unchanged).
pub(super) fn updated_manifest(
    app_id: &str,
    old: Option<Manifest>,
    listing: Option<&Listing>,
    applied: &[String],
    after: &AgcListing,
) -> Manifest {
    let mut m = old.unwrap_or_else(|| Manifest::new(app_id));
    for a in &after.languages {
        if check_listing_language(&a.lang).is_err() {
            continue;
        }
        let r = m.languages.entry(a.lang.clone()).or_default();
        r.icon_agc = a.icon.clone();
        for d in Device::ALL {
            let refs = device_refs(Some(a), d);
            if !refs.is_empty() {
                r.devices.entry(d.folder().to_owned()).or_default().agc = refs;
            }
        }
    }
    let Some(listing) = listing else { return m };
    for l in &listing.languages {
        let r = m.languages.entry(l.lang.clone()).or_default();
        let holds = |field: ListingField| applied.contains(&format!("{}/{}", l.lang, field.name()));
        if let Some(icon) = &l.icon {
            if holds(ListingField::Icon) {
                r.icon_sha256 = Some(icon.sha256_hex.clone());
            }
        }
        for (d, shots) in &l.screenshots {
            if holds(ListingField::Screenshots(*d)) {
                r.devices.entry(d.folder().to_owned()).or_default().screenshots = hashes(shots.iter());
            }
        }
        for (d, v) in &l.videos {
            if holds(ListingField::Videos(*d)) {
                r.devices.entry(d.folder().to_owned()).or_default().videos = hashes(video_files(v).into_iter());
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::listing::AgcDeviceFiles;

    fn file(name: &str, sha: &str) -> ListingFile {
        ListingFile {
            path: name.into(),
            name: name.into(),
            format: crate::listing::MediaFormat::Png,
            size: 1,
            sha256_hex: sha.into(),
            dimensions: (1080, 1920),
        }
    }

    fn lang(tag: &str, texts: ListingTexts) -> ListingLanguage {
        ListingLanguage { lang: tag.into(), texts, icon: None, screenshots: Vec::new(), videos: Vec::new() }
    }

    fn agc_lang(tag: &str, texts: ListingTexts) -> AgcLanguage {
        AgcLanguage { lang: tag.into(), texts, icon: None, devices: Vec::new() }
    }

    #[test]
    fn only_texts_that_differ_are_planned_and_line_ends_do_not_count() {
        let local = ListingTexts {
            app_name: Some("Demo".into()),
            app_desc: Some("line 1\nline 2".into()),
            brief_info: Some("new brief".into()),
            new_features: None,
        };
        let held = ListingTexts {
            app_name: Some("Demo".into()),
            app_desc: Some("line 1\r\nline 2\n".into()),
            brief_info: Some("old brief".into()),
            new_features: Some("notes".into()),
        };
        let listing = Listing { dir: "x".into(), languages: vec![lang("en-US", local)] };
        let mut agc = AgcListing { default_lang: None, languages: vec![agc_lang("en-US", held)], live_version: false };
        let (changes, unchanged) = plan_of(&listing, &agc, None).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].field, changes[0].new_language), (ListingField::Brief, false));
        assert_eq!(changes[0].current, Some(ListingValue::Text("old brief".into())));
        assert_eq!(unchanged, ["en-US/name", "en-US/description"]);
        // An upgrade's texts need release notes: AGC's count.
        agc.live_version = true;
        assert!(plan_of(&listing, &agc, None).is_ok());
        agc.languages[0].texts.new_features = None;
        let problems = plan_of(&listing, &agc, None).unwrap_err();
        assert!(problems[0].contains("release_notes.txt"), "{problems:?}");
    }

    #[test]
    fn a_new_language_without_a_name_is_refused() {
        let listing = Listing {
            dir: "x".into(),
            languages: vec![lang("fr", ListingTexts { brief_info: Some("b".into()), ..Default::default() })],
        };
        let problems = plan_of(&listing, &AgcListing::default(), None).unwrap_err();
        assert!(problems[0].contains("name.txt"), "{problems:?}");
        let named = Listing {
            dir: "x".into(),
            languages: vec![lang("fr", ListingTexts { app_name: Some("Démo".into()), ..Default::default() })],
        };
        let (changes, _) = plan_of(&named, &AgcListing::default(), None).unwrap();
        assert!(changes[0].new_language && changes[0].current.is_none());
    }

    #[test]
    fn a_text_equal_to_one_agc_keeps_is_refused_only_when_it_changes() {
        let held =
            ListingTexts { app_desc: Some("same".into()), brief_info: Some("other".into()), ..Default::default() };
        let agc = AgcListing { default_lang: None, languages: vec![agc_lang("en-US", held)], live_version: false };
        let clash = Listing {
            dir: "x".into(),
            languages: vec![lang("en-US", ListingTexts { new_features: Some("same".into()), ..Default::default() })],
        };
        let problems = plan_of(&clash, &agc, None).unwrap_err();
        assert!(problems[0].contains("description.txt and release_notes.txt"), "{problems:?}");
        let fine = Listing {
            dir: "x".into(),
            languages: vec![lang("en-US", ListingTexts { new_features: Some("fixes".into()), ..Default::default() })],
        };
        assert!(plan_of(&fine, &agc, None).is_ok());
    }

    #[test]
    fn files_are_unchanged_only_when_the_manifest_and_agc_agree() {
        let mut l = lang("en-US", ListingTexts::default());
        l.screenshots = vec![(Device::Phone, vec![file("a", "h1"), file("b", "h2"), file("c", "h3")])];
        let listing = Listing { dir: "x".into(), languages: vec![l] };
        let mut held = agc_lang("en-US", ListingTexts::default());
        held.devices = vec![AgcDeviceFiles { device_type: 4, refs: vec!["u1".into()], raw: "{}".into() }];
        let agc = AgcListing { default_lang: None, languages: vec![held], live_version: false };
        // No manifest: a change.
        let (changes, _) = plan_of(&listing, &agc, None).unwrap();
        assert_eq!(changes[0].field, ListingField::Screenshots(Device::Phone));
        let mut m = Manifest::new("1");
        let rec = m.languages.entry("en-US".into()).or_default().devices.entry("phone".into()).or_default();
        rec.agc = vec!["u1".into()];
        rec.screenshots = vec!["h1".into(), "h2".into(), "h3".into()];
        let (changes, unchanged) = plan_of(&listing, &agc, Some(&m)).unwrap();
        assert!(changes.is_empty() && unchanged == ["en-US/screenshots/phone"], "{changes:?}");
        // AGC shows something else now (a change in the console): sent again.
        let mut other = m.clone();
        other.languages.get_mut("en-US").unwrap().devices.get_mut("phone").unwrap().agc = vec!["u0".into()];
        assert_eq!(plan_of(&listing, &agc, Some(&other)).unwrap().0.len(), 1);
    }

    #[test]
    fn the_read_back_finds_what_agc_did_not_store() {
        let change = ListingChange {
            lang: "en-US".into(),
            field: ListingField::Name,
            new_language: false,
            current: None,
            wanted: ListingValue::Text("New".into()),
        };
        let before = AgcListing {
            default_lang: None,
            live_version: false,
            languages: vec![AgcLanguage {
                lang: "en-US".into(),
                texts: ListingTexts { app_name: Some("Old".into()), ..Default::default() },
                icon: Some("https://x/old.png".into()),
                devices: vec![AgcDeviceFiles { device_type: 4, refs: vec!["https://x/1".into()], raw: "a".into() }],
            }],
        };
        let sent = [
            SentFiles { lang: "en-US".into(), field: ListingField::Icon, object_ids: vec!["o-icon".into()] },
            SentFiles {
                lang: "en-US".into(),
                field: ListingField::Screenshots(Device::Phone),
                object_ids: vec!["o1".into(), "o2".into()],
            },
        ];
        // AGC stored nothing.
        let wrong = read_back(&[&change], &sent, &before, &before);
        assert_eq!(wrong, ["en-US name", "en-US icon", "en-US screenshots/phone"]);
        // AGC stored all of it (ids visible in its references).
        let mut after = before.clone();
        after.languages[0].texts.app_name = Some("New\n".into());
        after.languages[0].icon = Some("https://x/o-icon".into());
        after.languages[0].devices[0] = AgcDeviceFiles {
            device_type: 4,
            refs: vec!["https://x/o1".into(), "https://x/o2".into()],
            raw: "b".into(),
        };
        assert!(read_back(&[&change], &sent, &before, &after).is_empty());
        // Only one of the two screenshots: wrong.
        after.languages[0].devices[0].refs.pop();
        assert_eq!(read_back(&[&change], &sent, &before, &after), ["en-US screenshots/phone"]);
    }

    #[test]
    fn summaries_are_one_line() {
        let c = ListingChange {
            lang: "en-US".into(),
            field: ListingField::Description,
            new_language: true,
            current: Some(ListingValue::Text("a\nb\u{1b}[31m".into())),
            wanted: ListingValue::Files(vec!["en-US/screenshots/phone/01.png".into()]),
        };
        let s = c.summary();
        assert!(!s.contains('\n') && !s.contains('\u{1b}'), "{s:?}");
        assert!(s.contains("(new language)") && s.contains("1 file (01.png)"), "{s}");
    }
}
