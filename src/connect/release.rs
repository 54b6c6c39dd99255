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

/// Most characters of `newFeatures` the API takes.
pub const MAX_NEW_FEATURES: usize = 500;
/// Fewest and most characters of a submit `remark`.
pub const REMARK_CHARS: (usize, usize) = (10, 300);
/// Most characters of a `phasedReleaseDescription` (our bound; AGC documents none).
pub const MAX_PHASED_DESC: usize = 500;
/// Codes AGC answers a submit with while it still processes the package. They are reused for
/// unrelated errors, so [`is_still_processing`] also reads the message.
pub const STILL_PROCESSING_CODES: [i64; 3] = [204144660, 204144719, 204144727];

/// Does this business error mean "the package is still being processed, try again later"?
/// Decided by code *and* message: the codes are reused for unrelated errors.
pub fn is_still_processing(code: i64, message: &str) -> bool {
    if !STILL_PROCESSING_CODES.contains(&code) {
        return false;
    }
    let m = message.to_lowercase();
    const WORDS: [&str; 11] = [
        "processing",
        "being processed",
        "compil",
        "parsing",
        "retry",
        "try again",
        "later",
        "处理",
        "编译",
        "解析",
        "稍后",
    ];
    WORDS.iter().any(|w| m.contains(w))
}

/// Release notes ("what's new") of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseNote {
    /// A language the app already has, e.g. `en-US`, `zh-CN`.
    pub language: String,
    /// At most [`MAX_NEW_FEATURES`] characters.
    pub new_features: String,
}

impl ReleaseNote {
    /// A note for one language.
    pub fn new(language: impl Into<String>, new_features: impl Into<String>) -> ReleaseNote {
        ReleaseNote { language: language.into(), new_features: new_features.into() }
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

/// Check notes before any request: languages well formed and distinct, text not empty and at
/// most [`MAX_NEW_FEATURES`] characters (the error names the language).
pub fn check_notes(notes: &[ReleaseNote]) -> Result<()> {
    for (i, n) in notes.iter().enumerate() {
        check_note(n)?;
        if notes[..i].iter().any(|o| o.language.eq_ignore_ascii_case(&n.language)) {
            return Err(Error::InvalidArgument(format!("release notes for {} are given twice", n.language)));
        }
    }
    Ok(())
}

/// Check one note: its language is a tag, its text not empty and at most
/// [`MAX_NEW_FEATURES`] characters (the error names the language).
pub fn check_note(n: &ReleaseNote) -> Result<()> {
    check_language(&n.language)?;
    let chars = n.new_features.chars().count();
    if shows_nothing(&n.new_features) {
        return Err(Error::InvalidArgument(format!("release notes for {} are empty", n.language)));
    }
    if chars > MAX_NEW_FEATURES {
        return Err(Error::InvalidArgument(format!(
            "release notes for {} have {chars} characters; AGC takes at most {MAX_NEW_FEATURES}",
            n.language
        )));
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

/// Whether a note would show nothing: only white space and invisible characters (BOMs,
/// zero-width and other format characters, controls, separators). Such a note is empty.
fn shows_nothing(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || crate::text::is_hidden_or_control(c))
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

/// The `app-language-info` body of one note.
pub fn note_body(note: &ReleaseNote) -> Value {
    json!({"lang": note.language, "newFeatures": note.new_features})
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
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if y < 1970 || d == 0 || d > days || h > 23 || mi > 59 || s > 59 {
        return Err(bad());
    }
    Ok(format!("{stamp}+0000"))
}

/// Where a release stands (`appInfo.releaseState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseState {
    /// 7: a draft, not submitted.
    Draft,
    /// 4 or 5: in review.
    InReview,
    /// 1 or 8: rejected; see [`AppState::audit_opinion`].
    Rejected,
    /// 0: released.
    Released,
    /// Any other value (see [`AppState::release_state`]), or none in the answer.
    Other,
}

impl ReleaseState {
    /// The state's name, the one every layer shows: `draft`, `in-review`, `rejected`,
    /// `released`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            ReleaseState::Draft => "draft",
            ReleaseState::InReview => "in-review",
            ReleaseState::Rejected => "rejected",
            ReleaseState::Released => "released",
            ReleaseState::Other => "other",
        }
    }
}

/// The answer of the state call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppState {
    /// The release state in short.
    pub state: ReleaseState,
    /// AGC's `appInfo.releaseState` number, when present.
    pub release_state: Option<i64>,
    /// AGC's `auditInfo.auditOpinion` (the reviewers' words), when present and not empty.
    pub audit_opinion: Option<String>,
}

/// Parse an `app-info` answer.
pub fn parse_app_state(body: &[u8]) -> Result<AppState> {
    let root = ok_envelope(body, "app-info")?;
    let code = root.get("appInfo").and_then(|a| a.get("releaseState")).and_then(as_i64);
    let state = match code {
        Some(0) => ReleaseState::Released,
        Some(4) | Some(5) => ReleaseState::InReview,
        Some(7) => ReleaseState::Draft,
        Some(1) | Some(8) => ReleaseState::Rejected,
        _ => ReleaseState::Other,
    };
    let audit_opinion = root
        .get("auditInfo")
        .and_then(|a| a.get("auditOpinion"))
        .and_then(Value::as_str)
        // Cleaned first: an opinion of only hidden characters (a NUL, U+200B) is none.
        .map(|s| bounded(s, 2000))
        .filter(|s| !s.trim().is_empty());
    Ok(AppState { state, release_state: code, audit_opinion })
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
        for bad in [
            "2026-02-29T00:00:00+0000",
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
    }

    #[test]
    fn submit_bodies_hold_only_what_is_set() {
        assert_eq!(SubmitOptions::default().body().unwrap(), json!({}));
        let o = SubmitOptions {
            phase: Some(ReleasePhase::Phased { description: "slowly".into() }),
            release_time: Some("2030-01-02T03:04:05Z".into()),
            remark: Some("ten chars!".into()),
            release_type: None,
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
