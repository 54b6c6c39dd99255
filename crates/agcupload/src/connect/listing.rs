//! The store listing on the wire (docs/protocol.md section 8): the texts of a language
//! (`PUT v3 app-language-info`, `DELETE v2 app-language-info`), the files bound by kind
//! (`PUT v3 app-file-info`), what app-info shows of them (`languages[]` with `icon` and
//! `deviceMaterials`), withdrawing a review (`PUT v3 version/on-shelf/cancel`) and phased
//! release control (`PUT v2 version/phased-release`).
//!
//! Request bodies are built here and checked against the documented limits; answers are
//! parsed leniently here, as pure functions over bytes. Texts read from AGC are kept as AGC
//! wrote them (cut to a bound, line breaks and all), so that they can be compared with the
//! folder's exactly: they reach a caller only through the gate (`crate::text::untrusted`).

use serde_json::{json, Value};

use super::{as_i64, ok_envelope};
use crate::error::{bounded, Error, Result};

/// The Connect API paths of the listing calls, withdraw and phased release (Huawei's pages,
/// docs/protocol.md section 8). Every one can be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPaths {
    /// `PUT`: the texts of one language (v3; the release notes use the same call).
    pub language_info: String,
    /// `DELETE`: a language (the v2 path, even on the HarmonyOS page).
    pub language_delete: String,
    /// `PUT`: the files of a kind, by language and device.
    pub file_info: String,
    /// `PUT`: withdraw the version in review (`appId` as a header).
    pub on_shelf_cancel: String,
    /// `PUT`: pause, resume, step or finish a phased release (`appId` as a header).
    pub phased_release: String,
}

impl Default for ListingPaths {
    fn default() -> ListingPaths {
        ListingPaths {
            language_info: "/api/publish/v3/app-language-info".into(),
            language_delete: "/api/publish/v2/app-language-info".into(),
            file_info: "/api/publish/v3/app-file-info".into(),
            on_shelf_cancel: "/api/publish/v3/version/on-shelf/cancel".into(),
            phased_release: "/api/publish/v2/version/phased-release".into(),
        }
    }
}

impl ListingPaths {
    /// Each path starts with `/` and has no query, fragment, space or control character.
    pub fn validate(&self) -> Result<()> {
        for (name, p) in [
            ("language_info", &self.language_info),
            ("language_delete", &self.language_delete),
            ("file_info", &self.file_info),
            ("on_shelf_cancel", &self.on_shelf_cancel),
            ("phased_release", &self.phased_release),
        ] {
            let ok = p.starts_with('/')
                && p.len() <= 512
                && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '?' || c == '#');
            if !ok {
                return Err(Error::InvalidArgument(format!(
                    "listing path {name} must start with '/' and have no query, fragment or spaces"
                )));
            }
        }
        Ok(())
    }
}

/// Most characters of `lang` in `app-language-info` (Huawei's page: `lang` M, at most 8).
pub const MAX_LANG_LEN: usize = 8;
/// Most language entries in one list of `app-file-info` (Huawei's page: each list up to 20).
pub const MAX_FILE_LIST_LANGUAGES: usize = 20;
/// Most object ids in one `objectIdList` (Huawei's page: at most 10).
pub const MAX_OBJECT_IDS: usize = 10;
/// `showType` of portrait screenshots and videos.
pub const SHOW_PORTRAIT: u32 = 0;
/// `showType` of landscape screenshots and videos.
pub const SHOW_LANDSCAPE: u32 = 1;
/// Release states in which a review can be withdrawn (Huawei's on-shelf/cancel page): 3 to
/// be released, 4 in review, 5 update in review, 6 removal requested, 12 pre-review.
pub const WITHDRAW_STATES: [i64; 5] = [3, 4, 5, 6, 12];
/// `phaseDay` values of a phased release (Huawei's page: 2 to 7), each with the share of
/// users it reaches, in percent, as the page pairs them.
pub const PHASE_DAYS: [(u32, u32); 6] = [(2, 2), (3, 5), (4, 10), (5, 20), (6, 50), (7, 100)];
/// AGC's answer to a DELETE of the default language.
pub const CODE_DEFAULT_LANGUAGE: i64 = 204_144_651;
/// AGC's answer to an `app-language-info` for a new language without `appName`.
pub const CODE_APP_NAME_EMPTY: i64 = 204_144_649;

/// A language tag of the listing: [`crate::check_language`]'s rule, at most
/// [`MAX_LANG_LEN`] characters.
pub fn check_listing_language(lang: &str) -> Result<()> {
    crate::connect::release::check_language(lang)?;
    if lang.len() > MAX_LANG_LEN {
        return Err(Error::InvalidArgument(format!(
            "'{lang}' is longer than the {MAX_LANG_LEN} characters AGC takes as a listing language"
        )));
    }
    Ok(())
}

/// The texts of one language; `None` = not sent (AGC keeps what it has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingTexts {
    /// `appName`.
    pub app_name: Option<String>,
    /// `appDesc`, the full description.
    pub app_desc: Option<String>,
    /// `briefInfo`, the one-line introduction.
    pub brief_info: Option<String>,
    /// `newFeatures`, the release notes.
    pub new_features: Option<String>,
}

impl ListingTexts {
    /// Whether no text is set.
    pub fn is_empty(&self) -> bool {
        self.app_name.is_none() && self.app_desc.is_none() && self.brief_info.is_none() && self.new_features.is_none()
    }
}

/// The `app-language-info` body of one language: `lang` and only the texts that are set.
pub fn language_info_body(lang: &str, texts: &ListingTexts) -> Value {
    let mut b = json!({ "lang": lang });
    for (key, text) in [
        ("appName", &texts.app_name),
        ("appDesc", &texts.app_desc),
        ("briefInfo", &texts.brief_info),
        ("newFeatures", &texts.new_features),
    ] {
        if let Some(t) = text {
            b[key] = json!(t);
        }
    }
    b
}

/// A list of `app-file-info` the listing binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileList {
    /// `appIconList`.
    Icon,
    /// `screenShotList`.
    Screenshots,
    /// `introVideoList`: each video followed by its poster.
    IntroVideos,
}

impl FileList {
    /// The list's key in the body.
    pub fn key(self) -> &'static str {
        match self {
            FileList::Icon => "appIconList",
            FileList::Screenshots => "screenShotList",
            FileList::IntroVideos => "introVideoList",
        }
    }
}

/// One `fileInfoList` entry: the files of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFiles {
    /// `deviceType` (4 phone, 5 tablet, 8 smart screen, 12 smart watch, 19 PC/2in1).
    pub device_type: u32,
    /// `objectIdList`, in order (a video before its poster).
    pub object_ids: Vec<String>,
    /// `showType` (0 portrait, 1 landscape); not sent when `None`.
    pub show_type: Option<u32>,
}

/// The files of one language in one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageFiles {
    /// The language.
    pub lang: String,
    /// Its files, by device.
    pub devices: Vec<DeviceFiles>,
}

/// The `app-file-info` body of one list: `{<key>: [{lang, fileInfoList: [{deviceType,
/// objectIdList, showType}]}]}`, at most [`MAX_FILE_LIST_LANGUAGES`] languages and
/// [`MAX_OBJECT_IDS`] ids per device. Nothing else: `fileType`, `files` and `imgShowType`
/// belong to Android's v2 call.
pub fn file_info_body(list: FileList, entries: &[LanguageFiles]) -> Result<Value> {
    if entries.is_empty() || entries.len() > MAX_FILE_LIST_LANGUAGES {
        return Err(Error::InvalidArgument(format!(
            "{} takes 1 to {MAX_FILE_LIST_LANGUAGES} languages in one call, got {}",
            list.key(),
            entries.len()
        )));
    }
    let mut items = Vec::with_capacity(entries.len());
    for e in entries {
        let mut infos = Vec::with_capacity(e.devices.len());
        for d in &e.devices {
            if d.object_ids.is_empty() || d.object_ids.len() > MAX_OBJECT_IDS {
                return Err(Error::InvalidArgument(format!(
                    "{} for {}: a device takes 1 to {MAX_OBJECT_IDS} files, got {}",
                    list.key(),
                    e.lang,
                    d.object_ids.len()
                )));
            }
            let mut info = json!({ "deviceType": d.device_type, "objectIdList": d.object_ids });
            if let Some(s) = d.show_type {
                info["showType"] = json!(s);
            }
            infos.push(info);
        }
        items.push(json!({ "lang": e.lang, "fileInfoList": infos }));
    }
    Ok(json!({ list.key(): items }))
}

/// What app-info shows of one device's files in one language (`deviceMaterials[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgcDeviceFiles {
    /// `deviceType`.
    pub device_type: i64,
    /// Every file reference the entry holds, in order: each string of its lists, or of an
    /// object in them the first of `url`, `fileUrl`, `objectId` (the entry's shape is not on
    /// Huawei's pages we have; docs/protocol.md section 8).
    pub refs: Vec<String>,
    /// The entry as AGC wrote it (its JSON, keys sorted): a change of it shows that AGC
    /// stored something, whatever its shape.
    pub raw: String,
}

/// One language as app-info shows it (`languages[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgcLanguage {
    /// `lang`.
    pub lang: String,
    /// `appName`, `appDesc`, `briefInfo`, `newFeatures`, as AGC wrote them (cut to a bound).
    pub texts: ListingTexts,
    /// `icon` (a reference: a URL or an id).
    pub icon: Option<String>,
    /// `deviceMaterials[]`.
    pub devices: Vec<AgcDeviceFiles>,
}

impl AgcLanguage {
    /// The entry of one device type, if AGC shows one.
    pub fn device(&self, device_type: u32) -> Option<&AgcDeviceFiles> {
        self.devices.iter().find(|d| d.device_type == i64::from(device_type))
    }
}

/// What app-info shows of the listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgcListing {
    /// `defaultLang`, when present.
    pub default_lang: Option<String>,
    /// `languages[]`.
    pub languages: Vec<AgcLanguage>,
    /// The app has a live version (`onShelfVersionCode` above 0 or an `onShelfVersionId`): its
    /// draft is an upgrade, for which Huawei's page asks `newFeatures`.
    pub live_version: bool,
}

impl AgcListing {
    /// The language `lang` (tags compared without regard to case), if AGC has it.
    pub fn language(&self, lang: &str) -> Option<&AgcLanguage> {
        self.languages.iter().find(|l| l.lang.eq_ignore_ascii_case(lang))
    }
}

/// Most languages kept from one answer (AGC offers fewer than 100).
const MAX_LANGUAGES: usize = 200;
/// Most device entries kept per language, and references per entry.
const MAX_DEVICES: usize = 32;
const MAX_REFS: usize = 64;
/// Most bytes kept of one text: room for [`crate::limits::MAX_APP_DESC`] UTF-16 units in
/// UTF-8 (at most 3 bytes per unit), so that a text within AGC's limit is never cut.
pub const MAX_KEPT_TEXT: usize = 3 * crate::connect::release::MAX_APP_DESC;
/// Most bytes of a reference (a URL).
const MAX_REF: usize = 2048;

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary
/// (nothing replaced: the text is compared with the folder's as AGC wrote it).
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// A reference from a value: a string, or an object's `url`, `fileUrl` or `objectId`.
fn reference(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.as_str(),
        Value::Object(o) => ["url", "fileUrl", "objectId"].iter().find_map(|k| o.get(*k).and_then(Value::as_str))?,
        _ => return None,
    };
    let s = s.trim();
    (!s.is_empty()).then(|| bounded(s, MAX_REF))
}

/// Parse the listing part of an app-info answer: `languages[]` (at the top level, else in
/// `appInfo`) and `defaultLang` (in `appInfo`, else at the top level).
pub fn parse_listing(body: &[u8]) -> Result<AgcListing> {
    let root = ok_envelope(body, "app-info")?;
    let info = root.get("appInfo").filter(|v| v.is_object());
    let field = |k: &str| root.get(k).or_else(|| info.and_then(|a| a.get(k)));
    let default_lang = info
        .and_then(|a| a.get("defaultLang"))
        .or_else(|| root.get("defaultLang"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| bounded(s, 64));
    let mut languages = Vec::new();
    for item in field("languages").and_then(Value::as_array).into_iter().flatten().take(MAX_LANGUAGES) {
        let Some(o) = item.as_object() else { continue };
        let Some(lang) = o.get("lang").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let text = |k: &str| o.get(k).and_then(Value::as_str).map(|s| cut(s, MAX_KEPT_TEXT));
        let mut devices = Vec::new();
        for d in o.get("deviceMaterials").and_then(Value::as_array).into_iter().flatten().take(MAX_DEVICES) {
            let Some(dobj) = d.as_object() else { continue };
            let Some(device_type) = dobj.get("deviceType").and_then(as_i64) else { continue };
            let mut refs = Vec::new();
            let mut keys: Vec<&String> = dobj.keys().collect();
            keys.sort();
            for k in keys {
                if let Some(list) = dobj[k].as_array() {
                    refs.extend(list.iter().filter_map(reference));
                }
            }
            refs.truncate(MAX_REFS);
            // serde_json's map keeps keys sorted, so equal entries give equal text.
            let raw = bounded(&d.to_string(), 64 * 1024);
            devices.push(AgcDeviceFiles { device_type, refs, raw });
        }
        languages.push(AgcLanguage {
            lang: bounded(lang, 64),
            texts: ListingTexts {
                app_name: text("appName"),
                app_desc: text("appDesc"),
                brief_info: text("briefInfo"),
                new_features: text("newFeatures"),
            },
            icon: o.get("icon").and_then(reference),
            devices,
        });
    }
    let live_code = info.and_then(|a| a.get("onShelfVersionCode")).or_else(|| root.get("onShelfVersionCode"));
    let live_id = info.and_then(|a| a.get("onShelfVersionId")).or_else(|| root.get("onShelfVersionId"));
    let live_version = live_code.and_then(as_i64).is_some_and(|c| c > 0)
        || live_id.is_some_and(|v| v.as_str().map_or(v.is_number(), |s| !s.trim().is_empty()));
    Ok(AgcListing { default_lang, languages, live_version })
}

/// Check that a review can be withdrawn in `release_state` (one of [`WITHDRAW_STATES`]).
pub fn check_withdraw_state(release_state: Option<i64>) -> Result<()> {
    match release_state {
        Some(s) if WITHDRAW_STATES.contains(&s) => Ok(()),
        other => {
            let what = match other {
                Some(s) => format!(
                    "release state {s} ({})",
                    crate::connect::release::ReleaseState::describe_code(s).unwrap_or("unknown")
                ),
                None => "no release state".to_owned(),
            };
            Err(Error::Preflight(format!(
                "nothing was sent: AGC shows {what}, and a review can be withdrawn only in release states 3 (to \
                 be released), 4 (in review), 5 (update in review), 6 (removal requested) and 12 (pre-review)"
            )))
        }
    }
}

/// The body of a withdraw: the version in review.
pub fn withdraw_body(version_id: &str) -> Value {
    json!({ "versionId": version_id })
}

/// What a phased-release call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhasedAction {
    /// `state` SUSPEND: stop the rollout where it is.
    Pause,
    /// `state` RELEASE: go on with the rollout.
    Resume,
    /// `releasePhase` 4: release to everyone now.
    Full,
    /// Go on to `phaseDay` N (2 to 7; [`PHASE_DAYS`] gives each one's share of users).
    Step(u32),
}

impl PhasedAction {
    /// `pause`, `resume`, `full` or `step`.
    pub fn name(self) -> &'static str {
        match self {
            PhasedAction::Pause => "pause",
            PhasedAction::Resume => "resume",
            PhasedAction::Full => "full",
            PhasedAction::Step(_) => "step",
        }
    }
}

/// The share of users (percent) `phaseDay` reaches, per [`PHASE_DAYS`].
pub fn phase_day_percent(day: u32) -> Option<u32> {
    PHASE_DAYS.iter().find(|(d, _)| *d == day).map(|(_, p)| *p)
}

/// The body of a phased-release call: `{versionId, releasePhase 3|4, state SUSPEND|RELEASE,
/// description?, phaseDay?}`; the step and the description are checked here.
pub fn phased_body(version_id: &str, action: PhasedAction, description: Option<&str>) -> Result<Value> {
    let (phase, state) = match action {
        PhasedAction::Pause => (3, "SUSPEND"),
        PhasedAction::Resume | PhasedAction::Step(_) => (3, "RELEASE"),
        PhasedAction::Full => (4, "RELEASE"),
    };
    let mut b = json!({ "versionId": version_id, "releasePhase": phase, "state": state });
    if let PhasedAction::Step(day) = action {
        if phase_day_percent(day).is_none() {
            return Err(Error::InvalidArgument(format!("a phased release steps to day 2 to 7, got {day}")));
        }
        b["phaseDay"] = json!(day);
    }
    if let Some(d) = description {
        crate::connect::release::check_phase(&crate::connect::release::ReleasePhase::Phased {
            description: d.to_owned(),
        })?;
        b["description"] = json!(d);
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_bodies_hold_only_the_texts_that_are_set() {
        let t =
            ListingTexts { app_name: Some("Demo".into()), new_features: Some("fixes".into()), ..Default::default() };
        assert_eq!(language_info_body("en-US", &t), json!({"lang":"en-US","appName":"Demo","newFeatures":"fixes"}));
        assert_eq!(language_info_body("fr", &ListingTexts::default()), json!({"lang":"fr"}));
        assert!(ListingTexts::default().is_empty() && !t.is_empty());
    }

    #[test]
    fn file_bodies_follow_the_documented_shape_and_bounds() {
        let e = LanguageFiles {
            lang: "en-US".into(),
            devices: vec![DeviceFiles {
                device_type: 4,
                object_ids: vec!["o1".into(), "o2".into()],
                show_type: Some(0),
            }],
        };
        assert_eq!(
            file_info_body(FileList::Screenshots, std::slice::from_ref(&e)).unwrap(),
            json!({"screenShotList":[{"lang":"en-US","fileInfoList":[{"deviceType":4,"objectIdList":["o1","o2"],"showType":0}]}]})
        );
        let icon = LanguageFiles {
            lang: "en-US".into(),
            devices: vec![DeviceFiles { device_type: 5, object_ids: vec!["i".into()], show_type: None }],
        };
        assert_eq!(
            file_info_body(FileList::Icon, &[icon]).unwrap(),
            json!({"appIconList":[{"lang":"en-US","fileInfoList":[{"deviceType":5,"objectIdList":["i"]}]}]})
        );
        assert!(file_info_body(FileList::Icon, &[]).is_err());
        assert!(file_info_body(FileList::Icon, &vec![e.clone(); 21]).is_err());
        let eleven = LanguageFiles {
            lang: "en-US".into(),
            devices: vec![DeviceFiles { device_type: 4, object_ids: vec!["o".into(); 11], show_type: Some(0) }],
        };
        assert!(file_info_body(FileList::Screenshots, &[eleven]).is_err());
    }

    #[test]
    fn listing_languages_are_tags_of_at_most_eight_characters() {
        assert!(check_listing_language("en-US").is_ok() && check_listing_language("zh-CN").is_ok());
        assert!(check_listing_language("zh-Hans-CN").is_err());
        assert!(check_listing_language("e").is_err() && check_listing_language("en US").is_err());
    }

    #[test]
    fn app_info_languages_are_read_leniently_and_texts_kept_as_written() {
        let body = br#"{"ret":{"code":0},"appInfo":{"defaultLang":"en-US"},"languages":[
            {"lang":"en-US","appName":"Demo","appDesc":"line 1\nline 2\u200d","icon":"https://x/icon.png",
             "deviceMaterials":[{"deviceType":4,"showType":0,"screenShots":["https://x/1.png",{"url":"https://x/2.png"}]},
                                {"deviceType":"5","videos":[{"objectId":"v1"}]}, {"noType":1}, 7]},
            {"lang":"","appName":"skipped"}, {"appName":"no lang"}, "x",
            {"lang":"fr","briefInfo":"bref"}]}"#;
        let l = parse_listing(body).unwrap();
        assert_eq!(l.default_lang.as_deref(), Some("en-US"));
        assert!(!l.live_version);
        assert_eq!(l.languages.len(), 2);
        let en = l.language("EN-us").unwrap();
        assert_eq!(en.texts.app_desc.as_deref(), Some("line 1\nline 2\u{200d}"));
        assert_eq!(en.icon.as_deref(), Some("https://x/icon.png"));
        assert_eq!(en.device(4).unwrap().refs, ["https://x/1.png", "https://x/2.png"]);
        assert_eq!(en.device(5).unwrap().refs, ["v1"]);
        assert!(en.device(19).is_none());
        assert_eq!(l.language("fr").unwrap().texts.brief_info.as_deref(), Some("bref"));
        // A long text is cut on a character boundary, never split.
        let long =
            format!(r#"{{"ret":{{"code":0}},"languages":[{{"lang":"de","appDesc":"{}"}}]}}"#, "é".repeat(20_000));
        let de = parse_listing(long.as_bytes()).unwrap();
        assert!(de.languages[0].texts.app_desc.as_ref().unwrap().len() <= MAX_KEPT_TEXT);
        assert!(parse_listing(br#"{"ret":{"code":0}}"#).unwrap().languages.is_empty());
        assert!(parse_listing(br#"{"ret":{"code":0},"appInfo":{"onShelfVersionCode":"7"}}"#).unwrap().live_version);
        assert!(parse_listing(br#"{"ret":{"code":0},"appInfo":{"onShelfVersionId":6001}}"#).unwrap().live_version);
        assert!(!parse_listing(br#"{"ret":{"code":0},"appInfo":{"onShelfVersionCode":0}}"#).unwrap().live_version);
        assert!(matches!(parse_listing(br#"{"ret":{"code":5,"msg":"no"}}"#), Err(Error::Api { code: 5, .. })));
    }

    #[test]
    fn hostile_app_info_answers_are_errors_or_bounded_never_panics() {
        let valid =
            br#"{"ret":{"code":0},"languages":[{"lang":"en-US","deviceMaterials":[{"deviceType":4,"a":["u"]}]}]}"#;
        for cut in 0..valid.len() {
            let _ = parse_listing(&valid[..cut]);
        }
        let many = format!(
            r#"{{"ret":{{"code":0}},"languages":[{}]}}"#,
            vec![r#"{"lang":"en","deviceMaterials":[{"deviceType":4,"l":["u","u","u"]}]}"#; 500].join(",")
        );
        assert_eq!(parse_listing(many.as_bytes()).unwrap().languages.len(), MAX_LANGUAGES);
        let refs = format!(
            r#"{{"ret":{{"code":0}},"languages":[{{"lang":"en","deviceMaterials":[{{"deviceType":4,"l":[{}]}}]}}]}}"#,
            vec![format!("\"{}\"", "u".repeat(5000)); 100].join(",")
        );
        let l = parse_listing(refs.as_bytes()).unwrap();
        let d = l.languages[0].device(4).unwrap();
        assert_eq!(d.refs.len(), MAX_REFS);
        assert!(d.refs.iter().all(|r| r.len() <= MAX_REF + 3));
    }

    #[test]
    fn withdraw_is_refused_outside_the_documented_states() {
        for s in WITHDRAW_STATES {
            assert!(check_withdraw_state(Some(s)).is_ok(), "{s}");
        }
        for s in [Some(0), Some(7), Some(1), Some(11), Some(99), None] {
            assert!(matches!(check_withdraw_state(s), Err(Error::Preflight(_))), "{s:?}");
        }
        assert_eq!(withdraw_body("v-1"), json!({"versionId":"v-1"}));
    }

    #[test]
    fn phased_bodies_per_action() {
        assert_eq!(
            phased_body("v", PhasedAction::Pause, None).unwrap(),
            json!({"versionId":"v","releasePhase":3,"state":"SUSPEND"})
        );
        assert_eq!(
            phased_body("v", PhasedAction::Resume, Some("go on")).unwrap(),
            json!({"versionId":"v","releasePhase":3,"state":"RELEASE","description":"go on"})
        );
        assert_eq!(
            phased_body("v", PhasedAction::Full, None).unwrap(),
            json!({"versionId":"v","releasePhase":4,"state":"RELEASE"})
        );
        assert_eq!(phased_body("v", PhasedAction::Step(4), None).unwrap()["phaseDay"], json!(4));
        for bad in [0, 1, 8, 100] {
            assert!(phased_body("v", PhasedAction::Step(bad), None).is_err(), "{bad}");
        }
        assert!(phased_body("v", PhasedAction::Pause, Some(&"d".repeat(501))).is_err());
        assert_eq!((phase_day_percent(2), phase_day_percent(7), phase_day_percent(8)), (Some(2), Some(100), None));
    }
}
