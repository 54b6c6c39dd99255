//! The release calls after "ready": release notes, submit for review and the app's release
//! state (docs/protocol.md section 6), and [`ReleasePaths`], every AGC path of the release road.
//!
//! Request bodies are built here, answers are parsed leniently here (pure functions over
//! bytes), and what matters is validated here before any request: note lengths, languages,
//! the release time format, the phase and its description, the remark. The `Client` methods
//! are in `crate::client::release`, which also chains the steps into one call.

use serde_json::{json, Map, Value};

use super::{as_i64, ok_envelope};
use crate::error::{bounded, Error, Result};

/// The Connect API paths of the release calls. Defaults come from working open-source
/// publishers (none was tried on a live account), so every one can be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleasePaths {
    /// `PUT`: release notes of one language.
    pub language_info: String,
    /// `POST`: submit the draft for review.
    pub app_submit: String,
    /// `GET`: the app's release state and audit opinion.
    pub app_info: String,
    /// `POST` creates a test version, `PUT` sets its package, window and groups.
    pub test_version: String,
    /// `POST`: add an uploaded package to the test versions.
    pub test_version_pkg: String,
    /// `POST`: submit a test version.
    pub test_version_submit: String,
}

impl Default for ReleasePaths {
    fn default() -> ReleasePaths {
        ReleasePaths {
            language_info: "/api/publish/v3/app-language-info".into(),
            app_submit: "/api/publish/v3/app-submit".into(),
            app_info: "/api/publish/v3/app-info".into(),
            test_version: "/api/publish/v2/test/app/version".into(),
            test_version_pkg: "/api/publish/v2/test/version/pkg".into(),
            test_version_submit: "/api/publish/v2/test/app/version/submit".into(),
        }
    }
}

impl ReleasePaths {
    /// Each path starts with `/` and has no query, fragment, space or control character.
    pub fn validate(&self) -> Result<()> {
        for (name, p) in [
            ("language_info", &self.language_info),
            ("app_submit", &self.app_submit),
            ("app_info", &self.app_info),
            ("test_version", &self.test_version),
            ("test_version_pkg", &self.test_version_pkg),
            ("test_version_submit", &self.test_version_submit),
        ] {
            let ok = p.starts_with('/')
                && p.len() <= 512
                && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '?' || c == '#');
            if !ok {
                return Err(Error::InvalidArgument(format!(
                    "release path {name} must start with '/' and have no query, fragment or spaces"
                )));
            }
        }
        Ok(())
    }
}

/// Most UTF-16 code units of `newFeatures` the API takes. AGC is a Java service and no
/// public source says how it counts, so the stricter count is used: an emoji outside the
/// Basic Multilingual Plane counts as 2 (docs/protocol.md section 6).
pub const MAX_NEW_FEATURES: usize = 500;
/// Most UTF-16 code units of an `appName` (our bound, AGC's console limit; no peer shows one).
pub const MAX_APP_NAME: usize = 64;
/// Most UTF-16 code units of a `briefInfo` (our bound, AGC's console limit).
pub const MAX_BRIEF_INFO: usize = 80;
/// Most UTF-16 code units of an `appDesc` (our bound, AGC's console limit).
pub const MAX_APP_DESC: usize = 8000;
/// Fewest and most characters of a submit `remark`.
pub const REMARK_CHARS: (usize, usize) = (10, 300);
/// Most characters of a `phasedReleaseDescription` (our bound; AGC documents none).
pub const MAX_PHASED_DESC: usize = 500;
/// Codes AGC answers a submit with while it still processes the package. They are reused for
/// unrelated errors, so [`is_still_processing`] also reads the message.
pub const STILL_PROCESSING_CODES: [i64; 3] = [204144660, 204144719, 204144727];
/// "the app's packages exceeds the upper limit": the draft holds too many packages, often
/// because each retried run bound another one (apkgo issue 31).
pub const CODE_PACKAGES_LIMIT: i64 = 204144662;
/// "can't be edited": the version is in review (or otherwise locked) in AGC.
pub const CODE_CANNOT_EDIT: i64 = 204144647;

/// What to do about an AGC refusal users often hit, for messages and hints; `None` for
/// codes without advice. Decided here so every layer says the same.
pub fn advice(code: i64, message: &str) -> Option<&'static str> {
    match code {
        CODE_PACKAGES_LIMIT => Some(
            "the draft holds too many packages (each earlier run that bound a package added one): \
             delete the unused packages of the draft in AppGallery Connect, then run again",
        ),
        CODE_CANNOT_EDIT => Some(
            "the version cannot be edited now, usually because it is in review: wait for the review \
             to end (or withdraw it in AppGallery Connect) before changing it",
        ),
        c if is_still_processing(c, message) => Some(
            "AGC is still processing the package: wait a few minutes and submit again, or give the \
             submit a longer timeout",
        ),
        _ => None,
    }
}

/// An AGC refusal with its [`advice`] added to the message, when there is one.
pub(crate) fn with_advice(e: Error) -> Error {
    match e {
        Error::Api { code, message } => match advice(code, &message) {
            Some(a) if !message.contains(a) => Error::Api { code, message: format!("{message} ({a})") },
            _ => Error::Api { code, message },
        },
        other => other,
    }
}

/// Length as AGC is assumed to count it: UTF-16 code units (see [`MAX_NEW_FEATURES`]).
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Does this business error mean "the package is still being processed, try again later"?
/// Decided by code *and* message: the codes are reused for unrelated errors.
pub fn is_still_processing(code: i64, message: &str) -> bool {
    if !STILL_PROCESSING_CODES.contains(&code) {
        return false;
    }
    let m = message.to_lowercase();
    const WORDS: [&str; 14] = [
        "processing",
        "being processed",
        "compil",
        "parsing",
        "parse",
        "retry",
        "try again",
        "later",
        "minutes",
        "处理",
        "编译",
        "解析",
        "稍后",
        "分钟",
    ];
    WORDS.iter().any(|w| m.contains(w))
}

/// Release notes ("what's new") of one language, and optionally its listing texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseNote {
    /// A language tag, e.g. `en-US`, `zh-CN`. AGC asks for `app_name` when the app does not
    /// have this language yet.
    pub language: String,
    /// At most [`MAX_NEW_FEATURES`] UTF-16 code units.
    pub new_features: String,
    /// `appName` in this language, at most [`MAX_APP_NAME`] units. Not sent when `None`.
    pub app_name: Option<String>,
    /// `appDesc` (the full description), at most [`MAX_APP_DESC`] units. Not sent when `None`.
    pub app_desc: Option<String>,
    /// `briefInfo` (the one-line introduction), at most [`MAX_BRIEF_INFO`] units. Not sent when
    /// `None`.
    pub brief_info: Option<String>,
}

impl ReleaseNote {
    /// A note for one language, without listing texts.
    pub fn new(language: impl Into<String>, new_features: impl Into<String>) -> ReleaseNote {
        ReleaseNote { language: language.into(), new_features: new_features.into(), ..Default::default() }
    }
}

/// A language tag as AGC writes them (`en-US`, `zh-CN`, `fr`): 2 to 16 letters, digits, `-`,
/// `_`, starting with a letter.
pub fn check_language(language: &str) -> Result<()> {
    let ok = (2..=16).contains(&language.len())
        && language.starts_with(|c: char| c.is_ascii_alphabetic())
        && language.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!("'{}' is not a language tag like en-US or zh-CN", bounded(language, 40))))
    }
}

/// Check notes before any request: languages well formed and distinct, text not empty (not
/// only invisible characters) and at most [`MAX_NEW_FEATURES`] UTF-16 code units, listing
/// texts (when set) not empty and within their bounds (the error names the language).
pub fn check_notes(notes: &[ReleaseNote]) -> Result<()> {
    for (i, n) in notes.iter().enumerate() {
        check_note(n)?;
        if notes[..i].iter().any(|o| o.language.eq_ignore_ascii_case(&n.language)) {
            return Err(Error::InvalidArgument(format!("release notes for {} are given twice", n.language)));
        }
    }
    Ok(())
}

/// Check one note: its language is a tag, its text not empty (not only invisible characters)
/// and at most [`MAX_NEW_FEATURES`] UTF-16 code units, its listing texts (when set) not empty
/// and within their bounds (the error names the language).
pub fn check_note(n: &ReleaseNote) -> Result<()> {
    check_language(&n.language)?;
    check_note_text(&n.language, "release notes", &n.new_features, MAX_NEW_FEATURES)?;
    for (what, text, max) in [
        ("the app name", &n.app_name, MAX_APP_NAME),
        ("the description", &n.app_desc, MAX_APP_DESC),
        ("the brief introduction", &n.brief_info, MAX_BRIEF_INFO),
    ] {
        if let Some(t) = text {
            check_note_text(&n.language, what, t, max)?;
        }
    }
    Ok(())
}

/// Check a submit `releaseType`: only 1 (full release) is taken.
pub fn check_release_type(release_type: u32) -> Result<()> {
    if release_type != 1 {
        return Err(Error::InvalidArgument(format!("submit release type must be 1, got {release_type}")));
    }
    Ok(())
}

/// Check a release phase: a phased release needs a description of 1 to [`MAX_PHASED_DESC`]
/// characters.
pub fn check_phase(phase: &ReleasePhase) -> Result<()> {
    if let ReleasePhase::Phased { description } = phase {
        let n = description.chars().count();
        if description.trim().is_empty() || n > MAX_PHASED_DESC {
            return Err(Error::InvalidArgument(format!(
                "a phased release needs a description of 1 to {MAX_PHASED_DESC} characters (got {n})"
            )));
        }
    }
    Ok(())
}

/// One text of a language: not empty to the eye, at most `max` UTF-16 code units.
pub(crate) fn check_note_text(language: &str, what: &str, text: &str, max: usize) -> Result<()> {
    if shows_nothing(text) {
        return Err(Error::InvalidArgument(format!(
            "{what} for {language}: empty (only white space or invisible characters)"
        )));
    }
    let units = utf16_len(text);
    if units > max {
        return Err(Error::InvalidArgument(format!(
            "{what} for {language}: {units} characters (UTF-16 code units, as AGC counts them: an \
             emoji counts 2); AGC takes at most {max}"
        )));
    }
    Ok(())
}

/// Whether a note would show nothing: only white space and invisible characters (BOMs,
/// zero-width and other format characters, controls, separators). Such a note is empty.
fn shows_nothing(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || crate::text::bounds::is_hidden_or_control(c))
}

/// Check a submit remark: [`REMARK_CHARS`] characters.
pub fn check_remark(remark: &str) -> Result<()> {
    let n = remark.chars().count();
    if n < REMARK_CHARS.0 || n > REMARK_CHARS.1 {
        return Err(Error::InvalidArgument(format!(
            "the remark must have {} to {} characters (got {n})",
            REMARK_CHARS.0, REMARK_CHARS.1
        )));
    }
    Ok(())
}

/// The `app-language-info` body of one note (listing texts only when set).
pub fn note_body(note: &ReleaseNote) -> Value {
    let mut b = json!({"lang": note.language, "newFeatures": note.new_features});
    for (key, text) in [("appName", &note.app_name), ("appDesc", &note.app_desc), ("briefInfo", &note.brief_info)] {
        if let Some(t) = text {
            b[key] = json!(t);
        }
    }
    b
}

/// How the release rolls out after approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleasePhase {
    /// `releasePhase` 0: to everyone at once.
    Full,
    /// `releasePhase` 3: phased over about 7 days; AGC requires a description.
    Phased {
        /// `phasedReleaseDescription`.
        description: String,
    },
}

/// Body fields of a submit that [`SubmitOptions`] models itself; [`SubmitOptions::extra`]
/// may not set them.
pub const MODELED_SUBMIT_FIELDS: [&str; 5] =
    ["releaseType", "releasePhase", "phasedReleaseDescription", "releaseTime", "remark"];
/// Most extra submit fields, and most bytes of one field's JSON value.
pub const MAX_EXTRA_SUBMIT_FIELDS: (usize, usize) = (32, 4096);

/// Check one extra submit field: a name of 1 to 64 ASCII letters, digits or `_` that the
/// options do not model themselves, and a JSON value of at most 4 KiB.
pub fn check_submit_field(name: &str, value: &Value) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !ok {
        return Err(Error::InvalidArgument(format!(
            "'{}' is not a submit field name (1 to 64 ASCII letters, digits or _, starting with a letter)",
            bounded(name, 40)
        )));
    }
    if MODELED_SUBMIT_FIELDS.contains(&name) {
        return Err(Error::InvalidArgument(format!(
            "the submit field {name} is set by its own option (release time, phase, remark), not as an extra field"
        )));
    }
    if value.to_string().len() > MAX_EXTRA_SUBMIT_FIELDS.1 {
        return Err(Error::InvalidArgument(format!(
            "the value of the submit field {name} is longer than {} bytes of JSON",
            MAX_EXTRA_SUBMIT_FIELDS.1
        )));
    }
    Ok(())
}

/// Parse the JSON text of an extra submit field's value (`7`, `"id"`, `{"a":1}`).
pub fn parse_submit_field(name: &str, json_text: &str) -> Result<Value> {
    let v: Value = serde_json::from_str(json_text).map_err(|_| {
        Error::InvalidArgument(format!(
            "the value of the submit field {} is not JSON (write a string with quotes: \"text\")",
            bounded(name, 40)
        ))
    })?;
    check_submit_field(name, &v)?;
    Ok(v)
}

/// What a submit for review sends; every field is optional and sent only when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitOptions {
    /// `releaseType` (1 = full release). Not sent when `None`.
    pub release_type: Option<u32>,
    /// `releasePhase` and `phasedReleaseDescription`. Not sent when `None`.
    pub phase: Option<ReleasePhase>,
    /// Scheduled release: `yyyy-MM-ddTHH:mm:ss` followed by `+0000` (also accepted: `Z`,
    /// `+00:00`; sent as `+0000`). `None` = at once after approval.
    pub release_time: Option<String>,
    /// A note to the reviewers, 10 to 300 characters.
    pub remark: Option<String>,
    /// Body fields this type does not model, sent as given (for example `registeredIdType`
    /// and `registeredIdNumber`, which AGC has asked for). Checked by
    /// [`check_submit_field`]: a modelled field name is refused.
    pub extra: std::collections::BTreeMap<String, Value>,
}

impl SubmitOptions {
    /// Check every field; returns the JSON body to send.
    pub fn body(&self) -> Result<Value> {
        let mut m = Map::new();
        if let Some(t) = self.release_type {
            check_release_type(t)?;
            m.insert("releaseType".into(), json!(t));
        }
        match &self.phase {
            None => {}
            Some(ReleasePhase::Full) => {
                m.insert("releasePhase".into(), json!(0));
            }
            Some(p @ ReleasePhase::Phased { description }) => {
                check_phase(p)?;
                m.insert("releasePhase".into(), json!(3));
                m.insert("phasedReleaseDescription".into(), json!(description));
            }
        }
        if let Some(t) = &self.release_time {
            m.insert("releaseTime".into(), json!(normalize_release_time(t)?));
        }
        if let Some(r) = &self.remark {
            check_remark(r)?;
            m.insert("remark".into(), json!(r));
        }
        if self.extra.len() > MAX_EXTRA_SUBMIT_FIELDS.0 {
            return Err(Error::InvalidArgument(format!(
                "at most {} extra submit fields, got {}",
                MAX_EXTRA_SUBMIT_FIELDS.0,
                self.extra.len()
            )));
        }
        for (k, v) in &self.extra {
            check_submit_field(k, v)?;
            m.insert(k.clone(), v.clone());
        }
        Ok(Value::Object(m))
    }
}

/// Check a release time and write it as AGC expects: `yyyy-MM-ddTHH:mm:ss+0000` (UTC). The
/// input is that, or the same with `Z` or `+00:00`; any other offset is refused, since the
/// API wants UTC.
pub fn normalize_release_time(text: &str) -> Result<String> {
    let bad = || {
        Error::InvalidArgument(format!("release time '{}' is not yyyy-MM-ddTHH:mm:ss+0000 (UTC)", bounded(text, 40)))
    };
    let (stamp, zone) = text.split_at_checked(19).ok_or_else(bad)?;
    if !matches!(zone, "+0000" | "Z" | "+00:00") {
        return Err(bad());
    }
    let b = stamp.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = stamp.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let (y, mo, d) = (digits(0..4).ok_or_else(bad)?, digits(5..7).ok_or_else(bad)?, digits(8..10).ok_or_else(bad)?);
    let (h, mi, s) =
        (digits(11..13).ok_or_else(bad)?, digits(14..16).ok_or_else(bad)?, digits(17..19).ok_or_else(bad)?);
    // Digits only, so each fits a u8 but the year; the calendar is the `time` crate's.
    let month = time::Month::try_from(mo as u8).map_err(|_| bad())?;
    time::Date::from_calendar_date(y as i32, month, d as u8).map_err(|_| bad())?;
    time::Time::from_hms(h as u8, mi as u8, s as u8).map_err(|_| bad())?;
    if y < 1970 {
        return Err(bad());
    }
    Ok(format!("{stamp}+0000"))
}

/// Where a release stands (`appInfo.releaseState`, 0 to 13, as apkgo and easy-publisher map
/// it; docs/protocol.md section 6). The C layer gives each a number (`agc_release_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseState {
    /// 7: a draft, not submitted.
    Draft,
    /// 4 (in review), 5 (update in review) or 12 (pre-review).
    InReview,
    /// 1 (rejected), 8 (update rejected) or 13 (pre-review rejected); see
    /// [`AppState::audit_opinion`].
    Rejected,
    /// 0: released (on the shelf).
    Released,
    /// 3: approved, to be released (a scheduled release waits for its time).
    Approved,
    /// 2 (removed), 6 (removal requested), 10 (removed by the developer) or 11 (release
    /// cancelled): not on the shelf.
    Offline,
    /// Any other value (9, removal rejected, or one we do not know; see
    /// [`AppState::release_state`]), or none in the answer.
    Other,
}

impl ReleaseState {
    /// The reading of AGC's `releaseState` number (`None`: absent).
    pub fn from_code(code: Option<i64>) -> ReleaseState {
        match code {
            Some(0) => ReleaseState::Released,
            Some(3) => ReleaseState::Approved,
            Some(4 | 5 | 12) => ReleaseState::InReview,
            Some(7) => ReleaseState::Draft,
            Some(1 | 8 | 13) => ReleaseState::Rejected,
            Some(2 | 6 | 10 | 11) => ReleaseState::Offline,
            _ => ReleaseState::Other,
        }
    }

    /// The name every layer shows: `draft`, `in-review`, `rejected`, `released`, `approved`,
    /// `offline`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            ReleaseState::Draft => "draft",
            ReleaseState::InReview => "in-review",
            ReleaseState::Rejected => "rejected",
            ReleaseState::Released => "released",
            ReleaseState::Approved => "approved",
            ReleaseState::Offline => "offline",
            ReleaseState::Other => "other",
        }
    }

    /// AGC's name of a `releaseState` number, for messages (`None` for an unknown number).
    pub fn describe_code(code: i64) -> Option<&'static str> {
        Some(match code {
            0 => "released",
            1 => "rejected",
            2 => "removed",
            3 => "approved, to be released",
            4 => "in review",
            5 => "update in review",
            6 => "removal requested",
            7 => "draft",
            8 => "update rejected",
            9 => "removal rejected",
            10 => "removed by the developer",
            11 => "release cancelled",
            12 => "pre-review",
            13 => "pre-review rejected",
            _ => return None,
        })
    }
}

/// The answer of the state call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppState {
    /// The release state in short.
    pub state: ReleaseState,
    /// AGC's `appInfo.releaseState` number, when present.
    pub release_state: Option<i64>,
    /// AGC's `reviewState` number (in `appInfo`, `auditInfo` or at the top level), passed
    /// through when present; its values are not documented publicly.
    pub review_state: Option<i64>,
    /// AGC's `auditInfo.auditOpinion` (the reviewers' words), when present and not empty.
    pub audit_opinion: Option<String>,
    /// AGC's `releasePhase` (0 full, 3 phased), when present.
    pub release_phase: Option<i64>,
    /// AGC's `phasedReleaseInfo`, when present (a phased release).
    pub phased: Option<PhasedRelease>,
}

/// What app-info's `phasedReleaseInfo` says. The page names the object, not its fields: they
/// are read by the names of the phased-release call's body (`state`, `phaseDay`, `versionId`),
/// each when present (docs/protocol.md section 8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhasedRelease {
    /// `state`: `RELEASE` (rolling out) or `SUSPEND` (paused), as AGC writes it.
    pub state: Option<String>,
    /// `phaseDay`: the step reached (2 to 7).
    pub phase_day: Option<i64>,
    /// `versionId`: the version being rolled out.
    pub version_id: Option<String>,
}

/// Parse an `app-info` answer. `releaseState` is read from `appInfo`, else from the top
/// level (apkgo reads both); numbers may be strings.
pub fn parse_app_state(body: &[u8]) -> Result<AppState> {
    let root = ok_envelope(body, "app-info")?;
    let info = root.get("appInfo").filter(|v| v.is_object());
    let field = |k: &str| info.and_then(|a| a.get(k)).or_else(|| root.get(k));
    let code = field("releaseState").and_then(as_i64);
    let review_state =
        field("reviewState").or_else(|| root.get("auditInfo").and_then(|a| a.get("reviewState"))).and_then(as_i64);
    let audit_opinion = root
        .get("auditInfo")
        .and_then(|a| a.get("auditOpinion"))
        .and_then(Value::as_str)
        // Cleaned first: an opinion of only hidden characters (a NUL, U+200B) is none. Bounded
        // no tighter than the gate cuts before it redacts (crate::text::untrusted): a secret cut here
        // would keep a piece too short to be recognised; the gate bounds it after redaction.
        .map(|s| bounded(s, crate::text::bounds::GATE_CUT))
        .filter(|s| !s.trim().is_empty());
    let release_phase = field("releasePhase").and_then(as_i64);
    let phased = field("phasedReleaseInfo").and_then(Value::as_object).map(|p| {
        let text = |k: &str| {
            let t = match p.get(k)? {
                Value::String(s) => s.trim().to_owned(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let t = bounded(&t, 128);
            (!t.trim().is_empty()).then_some(t)
        };
        PhasedRelease {
            state: text("state"),
            phase_day: p.get("phaseDay").and_then(as_i64),
            version_id: text("versionId"),
        }
    });
    Ok(AppState {
        state: ReleaseState::from_code(code),
        release_state: code,
        review_state,
        audit_opinion,
        release_phase,
        phased,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::test_release::{parse_test_package, parse_version_id};

    #[test]
    fn per_field_checks_agree_with_the_submit_body() {
        for remark in ["123456789", "1234567890", &"r".repeat(300), &"r".repeat(301)] {
            let whole = SubmitOptions { remark: Some(remark.to_string()), ..Default::default() }.body().is_ok();
            assert_eq!(check_remark(remark).is_ok(), whole, "{} characters", remark.len());
        }
        for d in ["", " ", "slowly", &"d".repeat(500), &"d".repeat(501)] {
            let p = ReleasePhase::Phased { description: d.to_string() };
            let whole = SubmitOptions { phase: Some(p.clone()), ..Default::default() }.body().is_ok();
            assert_eq!(check_phase(&p).is_ok(), whole, "{} characters", d.len());
        }
        assert!(check_release_type(1).is_ok() && check_release_type(6).is_err());
        assert!(check_note(&ReleaseNote::new("en-US", "x")).is_ok());
        assert!(check_note(&ReleaseNote::new("en US", "x")).is_err());
        assert!(check_note(&ReleaseNote::new("en-US", "y".repeat(501))).is_err());
    }

    #[test]
    fn release_times() {
        assert_eq!(normalize_release_time("2026-02-28T23:59:59+0000").unwrap(), "2026-02-28T23:59:59+0000");
        assert_eq!(normalize_release_time("2028-02-29T00:00:00Z").unwrap(), "2028-02-29T00:00:00+0000");
        assert_eq!(normalize_release_time("2028-02-29T00:00:00+00:00").unwrap(), "2028-02-29T00:00:00+0000");
        assert_eq!(normalize_release_time("2000-02-29T12:00:00Z").unwrap(), "2000-02-29T12:00:00+0000");
        assert_eq!(normalize_release_time("1970-01-01T00:00:00Z").unwrap(), "1970-01-01T00:00:00+0000");
        for bad in [
            "2026-02-29T00:00:00+0000",
            "2100-02-29T00:00:00+0000",
            "2026-04-31T00:00:00+0000",
            "2026-00-10T00:00:00+0000",
            "2026-01-00T00:00:00+0000",
            "2026-01-01T00:60:00+0000",
            "2026-01-01T00:00:60+0000",
            "1969-12-31T23:59:59+0000",
            "2026-13-01T00:00:00+0000",
            "2026-01-01T24:00:00+0000",
            "2026-01-01 00:00:00+0000",
            "2026-01-01T00:00:00+0800",
            "2026-01-01T00:00:00",
            "２０２６-01-01T00:00:00+0000",
            "",
        ] {
            assert!(matches!(normalize_release_time(bad), Err(Error::InvalidArgument(_))), "{bad}");
        }
    }

    #[test]
    fn still_processing_needs_code_and_message() {
        assert!(is_still_processing(204144660, "The file is being processed"));
        assert!(is_still_processing(204144719, "package is compiling, retry in 3-5 minutes"));
        assert!(is_still_processing(204144727, "软件包编译中"));
        assert!(!is_still_processing(204144727, "invalid parameter: releaseTime"));
        assert!(!is_still_processing(204144641, "still processing"));
        assert!(is_still_processing(204144660, "package parse in progress"));
        assert!(is_still_processing(204144727, "wait 3-5 minutes"));
        assert!(is_still_processing(204144727, "请5分钟后重试"));
        assert!(!is_still_processing(204144660, "registeredIdType and registeredIdNumber can not be null"));
    }

    #[test]
    fn states_are_read_from_app_info_or_the_top_level_with_review_state() {
        let s = parse_app_state(br#"{"ret":{"code":0},"appInfo":{"releaseState":12,"reviewState":"3"}}"#).unwrap();
        assert_eq!((s.state, s.release_state, s.review_state), (ReleaseState::InReview, Some(12), Some(3)));
        let s = parse_app_state(br#"{"ret":{"code":0},"releaseState":"13","auditInfo":{"reviewState":1}}"#).unwrap();
        assert_eq!((s.state, s.review_state), (ReleaseState::Rejected, Some(1)));
        // Every releaseState of Huawei's AppInfo page, in number order (docs/protocol.md section 6).
        use ReleaseState::*;
        let documented = [
            Released, Rejected, Offline, Approved, InReview, InReview, Offline, Draft, Rejected, Other, Offline,
            Offline, InReview, Rejected,
        ];
        for (code, want) in documented.into_iter().enumerate() {
            assert_eq!(ReleaseState::from_code(Some(code as i64)), want, "releaseState {code}");
        }
        assert_eq!(ReleaseState::from_code(Some(99)), Other);
        assert_eq!(ReleaseState::from_code(None), Other);
        assert_eq!(ReleaseState::describe_code(12), Some("pre-review"));
        assert_eq!(utf16_len("😀a"), 3);
    }

    #[test]
    fn phased_release_info_is_read_when_present() {
        let s = parse_app_state(
            br#"{"ret":{"code":0},"appInfo":{"releaseState":0,"releasePhase":3,
                "phasedReleaseInfo":{"state":"SUSPEND","phaseDay":"4","versionId":6001}}}"#,
        )
        .unwrap();
        assert_eq!(s.release_phase, Some(3));
        let p = s.phased.unwrap();
        assert_eq!(
            (p.state.as_deref(), p.phase_day, p.version_id.as_deref()),
            (Some("SUSPEND"), Some(4), Some("6001"))
        );
        let none =
            parse_app_state(br#"{"ret":{"code":0},"appInfo":{"releaseState":0,"phasedReleaseInfo":"x"}}"#).unwrap();
        assert_eq!((none.release_phase, none.phased), (None, None));
    }

    #[test]
    fn submit_bodies_hold_only_what_is_set() {
        assert_eq!(SubmitOptions::default().body().unwrap(), json!({}));
        let o = SubmitOptions {
            phase: Some(ReleasePhase::Phased { description: "slowly".into() }),
            release_time: Some("2030-01-02T03:04:05Z".into()),
            remark: Some("ten chars!".into()),
            release_type: None,
            ..Default::default()
        };
        assert_eq!(
            o.body().unwrap(),
            json!({"releasePhase":3,"phasedReleaseDescription":"slowly","releaseTime":"2030-01-02T03:04:05+0000","remark":"ten chars!"})
        );
        let short = SubmitOptions { remark: Some("too short".into()), ..Default::default() };
        assert!(short.body().is_err());
        let nodesc =
            SubmitOptions { phase: Some(ReleasePhase::Phased { description: " ".into() }), ..Default::default() };
        assert!(nodesc.body().is_err());
    }

    #[test]
    fn notes_are_checked_by_characters_and_name_the_language() {
        check_notes(&[ReleaseNote::new("zh-CN", "新".repeat(500)), ReleaseNote::new("en-US", "x")]).unwrap();
        let e = check_notes(&[ReleaseNote::new("de-DE", "y".repeat(501))]).unwrap_err();
        assert!(e.to_string().contains("de-DE") && e.to_string().contains("501"), "{e}");
        assert!(check_notes(&[ReleaseNote::new("en US", "x")]).is_err());
        for empty in ["", " \n\t", "\u{feff}\u{feff}\u{feff}", "\u{200b}\u{2060} \u{3000}\r\n"] {
            let e = check_notes(&[ReleaseNote::new("en-US", empty)]).unwrap_err();
            assert!(e.to_string().contains("empty"), "{empty:?}: {e}");
        }
        check_notes(&[ReleaseNote::new("en-US", "\u{feff}x\u{200b}")]).unwrap();
        assert!(check_notes(&[ReleaseNote::new("en-US", "a"), ReleaseNote::new("en-us", "b")]).is_err());
    }

    #[test]
    fn answers_are_read_leniently() {
        let s = parse_app_state(
            br#"{"ret":{"code":0,"msg":"ok"},"appInfo":{"releaseState":"8"},"auditInfo":{"auditOpinion":"crash"}}"#,
        )
        .unwrap();
        assert_eq!(
            (s.state, s.release_state, s.audit_opinion.as_deref()),
            (ReleaseState::Rejected, Some(8), Some("crash"))
        );
        assert_eq!(parse_app_state(br#"{"ret":{"code":0}}"#).unwrap().state, ReleaseState::Other);
        assert_eq!(parse_version_id(br#"{"ret":{"code":0},"versionId":123}"#).unwrap(), "123");
        assert_eq!(parse_test_package(br#"{"ret":"{\"code\":0}","pkgVersion":["p1","p2"]}"#).unwrap(), "p1");
        assert!(matches!(parse_test_package(br#"{"ret":{"code":0},"pkgVersion":[]}"#), Err(Error::Protocol(_))));
        assert!(matches!(parse_version_id(br#"{"ret":{"code":5,"msg":"no"}}"#), Err(Error::Api { code: 5, .. })));
    }

    #[test]
    fn hostile_answers_are_errors_never_panics() {
        let valid: [&[u8]; 3] = [
            br#"{"ret":{"code":0,"msg":"ok"},"appInfo":{"releaseState":4},"auditInfo":{"auditOpinion":"fine"}}"#,
            br#"{"ret":{"code":0},"versionId":"v-1"}"#,
            br#"{"ret":{"code":0},"pkgVersion":["p-1"]}"#,
        ];
        for v in valid {
            for cut in 0..v.len() {
                let part = &v[..cut];
                let _ = parse_app_state(part);
                assert!(parse_version_id(part).is_err() || cut == v.len());
                assert!(parse_test_package(part).is_err() || cut == v.len());
            }
        }
        let weird = [
            r#"{"ret":{"code":0},"appInfo":{"releaseState":[1]},"auditInfo":{"auditOpinion":5}}"#,
            r#"{"ret":{"code":0},"appInfo":"x","auditInfo":null}"#,
            "{\"ret\":{\"code\":0},\"versionId\":\"a\u{0}b\"}",
            r#"{"ret":{"code":0},"versionId":{"x":1}}"#,
            r#"{"ret":{"code":0},"pkgVersion":[null]}"#,
            r#"{"ret":{"code":0},"pkgVersion":{"0":"p"}}"#,
            r#"[]"#,
            r#"{"ret":"not json"}"#,
        ];
        for w in weird {
            let _ = parse_app_state(w.as_bytes());
            assert!(parse_version_id(w.as_bytes()).is_err(), "{w}");
            assert!(parse_test_package(w.as_bytes()).is_err(), "{w}");
        }
        let long = format!(r#"{{"ret":{{"code":0}},"versionId":"{}"}}"#, "v".repeat(300));
        assert!(matches!(parse_version_id(long.as_bytes()), Err(Error::Protocol(_))));
    }
}
