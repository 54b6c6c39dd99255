//! The release road after "ready": release notes, submit for review, release state, and
//! HarmonyOS test releases (protocol.md section 6).
//!
//! Every AGC path of these calls is in [`ReleasePaths`] (set with
//! [`Client::set_release_paths`]); request bodies are built here, answers are parsed leniently
//! here (pure functions over bytes), and what matters is validated here before any request:
//! note lengths, languages, the release time format, the phase and its description, the remark
//! and the test description. [`crate::release_flow`] chains these steps into one call.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::api::{self, Answer};
use crate::auth::AuthHeaders;
use crate::client::Client;
use crate::error::{bounded, Error, Result};
use crate::http::{self, Deadline, MAX_JSON_BODY};
use crate::progress::{self, Phase, Progress};

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
/// Most characters of a test version's description (`testDesc`).
pub const MAX_TEST_DESC: usize = 50;
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
        check_language(&n.language)?;
        if notes[..i].iter().any(|o| o.language.eq_ignore_ascii_case(&n.language)) {
            return Err(Error::InvalidArgument(format!("release notes for {} are given twice", n.language)));
        }
        let chars = n.new_features.chars().count();
        if n.new_features.trim().is_empty() {
            return Err(Error::InvalidArgument(format!("release notes for {} are empty", n.language)));
        }
        if chars > MAX_NEW_FEATURES {
            return Err(Error::InvalidArgument(format!(
                "release notes for {} have {chars} characters; AGC takes at most {MAX_NEW_FEATURES}",
                n.language
            )));
        }
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
            if t != 1 {
                return Err(Error::InvalidArgument(format!("submit release type must be 1, got {t}")));
            }
            m.insert("releaseType".into(), json!(t));
        }
        match &self.phase {
            None => {}
            Some(ReleasePhase::Full) => {
                m.insert("releasePhase".into(), json!(0));
            }
            Some(ReleasePhase::Phased { description }) => {
                let n = description.chars().count();
                if description.trim().is_empty() || n > MAX_PHASED_DESC {
                    return Err(Error::InvalidArgument(format!(
                        "a phased release needs a description of 1 to {MAX_PHASED_DESC} characters (got {n})"
                    )));
                }
                m.insert("releasePhase".into(), json!(3));
                m.insert("phasedReleaseDescription".into(), json!(description));
            }
        }
        if let Some(t) = &self.release_time {
            m.insert("releaseTime".into(), json!(normalize_release_time(t)?));
        }
        if let Some(r) = &self.remark {
            let n = r.chars().count();
            if n < REMARK_CHARS.0 || n > REMARK_CHARS.1 {
                return Err(Error::InvalidArgument(format!(
                    "the remark must have {} to {} characters (got {n})",
                    REMARK_CHARS.0, REMARK_CHARS.1
                )));
            }
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
    let root = api::ok_envelope(body, "app-info")?;
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

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An id from an answer: a non-empty string or a number, bounded, no control characters.
fn id_from(v: Option<&Value>, what: &str, field: &str) -> Result<String> {
    let id = match v {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::Protocol(format!("{what}: the answer has no {field}"))),
    };
    if id.len() > 256 || crate::text::is_unusable_id(&id) {
        return Err(Error::Protocol(format!("{what}: {field} is over 256 bytes or has {}", crate::text::UNUSABLE_ID)));
    }
    Ok(id)
}

/// Parse the answer of creating a test version: its `versionId`.
pub fn parse_version_id(body: &[u8]) -> Result<String> {
    let root = api::ok_envelope(body, "test-version")?;
    id_from(root.get("versionId"), "test-version", "versionId")
}

/// Parse the answer of adding a test package: the first `pkgVersion` (or a `pkgId`).
pub fn parse_test_package(body: &[u8]) -> Result<String> {
    let root = api::ok_envelope(body, "test-package")?;
    let v = match root.get("pkgVersion") {
        Some(Value::Array(a)) => a.first(),
        Some(v @ (Value::String(_) | Value::Number(_))) => Some(v),
        _ => root.get("pkgId"),
    };
    id_from(v, "test-package", "pkgVersion")
}

/// Parse an answer whose only content is the envelope.
pub fn parse_empty(body: &[u8], what: &str) -> Result<()> {
    api::ok_envelope(body, what).map(|_| ())
}

/// Who can install a test version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestType {
    /// `testType` 3: invited testers (test groups) only.
    Invite = 3,
    /// `testType` 4: open test, anyone with the link.
    Open = 4,
}

/// A HarmonyOS test release (`releaseType` 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRelease {
    /// Invite or open test.
    pub test_type: TestType,
    /// `testDesc`, 1 to 50 characters.
    pub description: String,
    /// Start of the test window, ms since the epoch (`None`: now).
    pub start_ms: Option<u64>,
    /// End of the test window, ms since the epoch (`None`: start + 30 days).
    pub end_ms: Option<u64>,
    /// Test group ids; an invite test needs at least one.
    pub groups: Vec<String>,
    /// `needNotify`: tell the testers.
    pub notify: bool,
}

/// Default length of a test window.
pub const DEFAULT_TEST_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);

impl TestRelease {
    /// An invite or open test with this description, the default window and no groups.
    pub fn new(test_type: TestType, description: impl Into<String>) -> TestRelease {
        TestRelease {
            test_type,
            description: description.into(),
            start_ms: None,
            end_ms: None,
            groups: Vec::new(),
            notify: false,
        }
    }

    /// Check every field before any request.
    pub fn validate(&self) -> Result<()> {
        let n = self.description.chars().count();
        if self.description.trim().is_empty() || n > MAX_TEST_DESC {
            return Err(Error::InvalidArgument(format!(
                "the test description must have 1 to {MAX_TEST_DESC} characters (got {n})"
            )));
        }
        if let (Some(s), Some(e)) = (self.start_ms, self.end_ms) {
            if e <= s {
                return Err(Error::InvalidArgument("the test window must end after it starts".into()));
            }
        }
        if self.test_type == TestType::Invite && self.groups.is_empty() {
            return Err(Error::InvalidArgument("an invite test needs at least one test group".into()));
        }
        for g in &self.groups {
            if g.is_empty()
                || g.len() > 128
                || g.chars().any(|c| crate::text::is_hidden_or_control(c) || c.is_whitespace())
            {
                return Err(Error::InvalidArgument(
                    "a test group id must be 1 to 128 characters without spaces".into(),
                ));
            }
        }
        Ok(())
    }

    /// The test window in ms since the epoch, defaults applied.
    pub fn window(&self, now_ms: u64) -> (u64, u64) {
        let start = self.start_ms.unwrap_or(now_ms);
        let end = self.end_ms.unwrap_or(start.saturating_add(DEFAULT_TEST_WINDOW.as_millis() as u64));
        (start, end)
    }

    /// The body that creates the test version.
    pub fn create_body(&self) -> Value {
        json!({"releaseType": 6, "testType": self.test_type as u32, "testDesc": self.description, "onshelfSelfDetect": 0})
    }

    /// The body that sets the package, window and groups of `version_id`.
    pub fn info_body(&self, version_id: &str, package_id: &str, now_ms: u64) -> Value {
        let (start, end) = self.window(now_ms);
        let mut info = json!({"startTime": start, "endTime": end, "testDesc": self.description});
        if !self.groups.is_empty() {
            let groups: Vec<Value> = self.groups.iter().map(|g| json!({"groupId": g})).collect();
            info["testTaskInfo"] = json!({"groupInfos": groups, "needNotify": u8::from(self.notify)});
        }
        json!({"versionId": version_id, "pkgId": package_id, "openTestInfo": info})
    }
}

/// The body that adds an uploaded object to the test versions.
pub fn test_package_body(file_name: &str, object_id: &str) -> Value {
    json!({"distributeMode": 1, "file": {"fileName": file_name, "objectId": object_id}})
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// One Connect call of the release road: `method` on `base + path?appId=…` with an optional
/// JSON body; `parse` reads the 200 answer.
#[allow(clippy::too_many_arguments)]
fn send<T>(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    method: &str,
    path: &str,
    app_id: &str,
    body: Option<&Value>,
    deadline: Deadline,
    what: &str,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Answer<T>> {
    let url = format!("{base}{path}");
    let reply = match (method, body) {
        ("GET", _) => {
            let req = auth.apply(agent.get(&url).query("appId", app_id));
            http::finish(http::with_deadline(req, deadline)?.call(), MAX_JSON_BODY, what)?
        }
        (m, body) => {
            let req = match m {
                "PUT" => agent.put(&url),
                _ => agent.post(&url),
            };
            let req = auth.apply(req.query("appId", app_id).content_type("application/json"));
            let text = body.map(Value::to_string).unwrap_or_else(|| "{}".into());
            http::finish(http::with_deadline(req, deadline)?.send(text.as_bytes()), MAX_JSON_BODY, what)?
        }
    };
    api::connect_answer(reply, what, parse)
}

/// A submit attempt: done, still processing (AGC's words), or refused (code, words).
enum SubmitTry {
    Done,
    StillProcessing(String),
    Refused(i64, String),
}

impl Client {
    /// A release call with the retry policy and the token refresh.
    #[allow(clippy::too_many_arguments)]
    fn release_call<T>(
        &self,
        method: &str,
        path: &str,
        app_id: &str,
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
            send(agent, base, auth, method, path, app_id, body, deadline, what, &parse)
        })
    }

    /// Set the release notes of one language (`PUT app-language-info`). The language must
    /// exist for the app; AGC's refusal is an [`Error::Api`] naming the language. Reports
    /// [`Phase::SettingNotes`] `0/1`.
    pub fn set_release_note(&self, app_id: &str, note: &ReleaseNote, progress: &mut dyn Progress) -> Result<()> {
        self.set_release_notes(app_id, std::slice::from_ref(note), progress)
    }

    /// Set the release notes of several languages, all checked before the first request.
    /// Reports [`Phase::SettingNotes`] with `done` = notes set so far, `total` = notes.
    pub fn set_release_notes(&self, app_id: &str, notes: &[ReleaseNote], progress: &mut dyn Progress) -> Result<()> {
        crate::client::check_app_id(app_id)?;
        check_notes(notes)?;
        let total = notes.len() as u64;
        let path = self.release_paths().language_info.clone();
        for (i, note) in notes.iter().enumerate() {
            let body = note_body(note);
            let phase = Some((Phase::SettingNotes, i as u64, total));
            self.release_call("PUT", &path, app_id, Some(&body), "app-language-info", phase, progress, |b| {
                parse_empty(b, "app-language-info")
            })
            .map_err(|e| match e {
                Error::Api { code, message } => {
                    Error::Api { code, message: format!("release notes for {}: {message}", note.language) }
                }
                other => other,
            })?;
        }
        progress::event(progress, Phase::SettingNotes, total, total)
    }

    /// Submit the app's draft for review (`POST app-submit`). While AGC still processes the
    /// package (codes 204144660, 204144719, 204144727 with a matching message) the submit is
    /// retried with backoff (the compile-status poll intervals) until `timeout`, then
    /// [`Error::Timeout`]; any other refusal is [`Error::Api`] with AGC's message.
    /// Reports [`Phase::Submitting`] with elapsed and timeout in ms, several times a second
    /// while waiting, so the wait can be cancelled. A submit retried after a transient failure
    /// first reads the state: if the app is in review, the failed attempt reached AGC and the
    /// submit is done (so a lost answer never turns into an "already in review" error).
    pub fn submit_for_review(
        &self,
        app_id: &str,
        options: &SubmitOptions,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        // AGC's refusal and "still processing" message leave `connect_call` as an answer, not
        // an error, so its redaction never saw them: the errors made of them are redacted here.
        self.clean(self.submit_until(app_id, options, timeout, progress))
    }

    /// [`Client::submit_for_review`] before the redaction of its error.
    fn submit_until(
        &self,
        app_id: &str,
        options: &SubmitOptions,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        crate::client::check_app_id(app_id)?;
        let body = options.body()?;
        let path = self.release_paths().app_submit.clone();
        let info_path = self.release_paths().app_info.clone();
        let start = Instant::now();
        let end = start + timeout;
        let total_ms = timeout.as_millis() as u64;
        let (mut wait, max_wait) = self.poll_intervals();
        loop {
            let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
            let parse = |b: &[u8]| match parse_empty(b, "app-submit") {
                Ok(()) => Ok(SubmitTry::Done),
                Err(Error::Api { code, message }) if is_still_processing(code, &message) => {
                    Ok(SubmitTry::StillProcessing(message))
                }
                // Not retried by the retry policy even when the code is a transient one: a
                // submit refused for another reason is final.
                Err(Error::Api { code, message }) if !api::TOKEN_REJECTED_CODES.contains(&code) => {
                    Ok(SubmitTry::Refused(code, message))
                }
                Err(e) => Err(e),
            };
            let outcome = self.connect_call(progress, |attempt, agent, base, auth, deadline, progress| {
                progress::event(progress, Phase::Submitting, elapsed, total_ms)?;
                if attempt > 1 {
                    // A submit is not idempotent: the attempt that failed (reset, timeout,
                    // 5xx) may have reached AGC. If the app is now in review, it did.
                    match send(
                        agent,
                        base,
                        auth,
                        "GET",
                        &info_path,
                        app_id,
                        None,
                        deadline,
                        "app-info",
                        parse_app_state,
                    )? {
                        Answer::Ok(s) if s.state == ReleaseState::InReview => return Ok(Answer::Ok(SubmitTry::Done)),
                        Answer::Ok(_) => {}
                        Answer::TokenRejected(m) => return Ok(Answer::TokenRejected(m)),
                    }
                }
                send(agent, base, auth, "POST", &path, app_id, Some(&body), deadline, "app-submit", parse)
            })?;
            let message = match outcome {
                SubmitTry::Done => {
                    let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
                    return progress::event(progress, Phase::Submitting, elapsed, total_ms);
                }
                SubmitTry::Refused(code, message) => return Err(Error::Api { code, message }),
                SubmitTry::StillProcessing(m) => m,
            };
            if Instant::now() >= end {
                return Err(Error::Timeout(format!(
                    "AGC was still processing the package after {} s: {message}",
                    timeout.as_secs()
                )));
            }
            let until = (Instant::now() + wait).min(end);
            while Instant::now() < until {
                let elapsed = (start.elapsed().as_millis() as u64).min(total_ms);
                progress::event(progress, Phase::Submitting, elapsed, total_ms)?;
                std::thread::sleep((until - Instant::now().min(until)).min(Duration::from_millis(200)));
            }
            wait = (wait * 2).min(max_wait);
        }
    }

    /// Where the app's release stands (`GET app-info`): draft, in review, rejected (with the
    /// reviewers' opinion), released.
    pub fn release_state(&self, app_id: &str, progress: &mut dyn Progress) -> Result<AppState> {
        crate::client::check_app_id(app_id)?;
        let path = self.release_paths().app_info.clone();
        self.release_call("GET", &path, app_id, None, "app-info", None, progress, parse_app_state)
    }

    /// Create a HarmonyOS test version; returns its `versionId`. Reports
    /// [`Phase::CreatingTestVersion`].
    pub fn create_test_version(&self, app_id: &str, test: &TestRelease, progress: &mut dyn Progress) -> Result<String> {
        crate::client::check_app_id(app_id)?;
        test.validate()?;
        let path = self.release_paths().test_version.clone();
        let body = test.create_body();
        let phase = Some((Phase::CreatingTestVersion, 0, 0));
        self.release_call("POST", &path, app_id, Some(&body), "test-version", phase, progress, parse_version_id)
    }

    /// Add an uploaded object (uploaded with `releaseType` 6) to the test versions; returns
    /// its package id, which [`Client::wait_package_ready`] then polls. Reports
    /// [`Phase::AddingTestPackage`].
    pub fn add_test_package(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        crate::client::check_app_id(app_id)?;
        crate::package::check_file_name(file_name)?;
        if object_id.is_empty() {
            return Err(Error::InvalidArgument("object id is empty".into()));
        }
        let path = self.release_paths().test_version_pkg.clone();
        let body = test_package_body(file_name, object_id);
        let phase = Some((Phase::AddingTestPackage, 0, 0));
        self.release_call("POST", &path, app_id, Some(&body), "test-package", phase, progress, parse_test_package)
    }

    /// Put a parsed package into a test version with its window and groups (`PUT` test
    /// version with `openTestInfo`). Reports [`Phase::SettingTestInfo`].
    pub fn set_test_info(
        &self,
        app_id: &str,
        version_id: &str,
        package_id: &str,
        test: &TestRelease,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        crate::client::check_app_id(app_id)?;
        test.validate()?;
        check_id(version_id, "version id")?;
        check_id(package_id, "package id")?;
        let path = self.release_paths().test_version.clone();
        let body = test.info_body(version_id, package_id, now_ms());
        let phase = Some((Phase::SettingTestInfo, 0, 0));
        self.release_call("PUT", &path, app_id, Some(&body), "test-version", phase, progress, |b| {
            parse_empty(b, "test-version")
        })
    }

    /// Submit a test version. Reports [`Phase::SubmittingTest`].
    pub fn submit_test_version(&self, app_id: &str, version_id: &str, progress: &mut dyn Progress) -> Result<()> {
        crate::client::check_app_id(app_id)?;
        check_id(version_id, "version id")?;
        let path = self.release_paths().test_version_submit.clone();
        let body = json!({"versionId": version_id});
        let phase = Some((Phase::SubmittingTest, 0, 0));
        self.release_call("POST", &path, app_id, Some(&body), "test-submit", phase, progress, |b| {
            parse_empty(b, "test-submit")
        })
    }
}

fn check_id(id: &str, what: &str) -> Result<()> {
    if id.is_empty() || id.len() > 256 || crate::text::is_unusable_id(id) {
        return Err(Error::InvalidArgument(format!(
            "{what} must be 1 to 256 characters, without {}",
            crate::text::UNUSABLE_ID
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn test_release_checks_and_bodies() {
        let mut t = TestRelease::new(TestType::Invite, "beta");
        assert!(t.validate().is_err(), "invite needs groups");
        t.groups = vec!["g1".into()];
        t.start_ms = Some(1000);
        t.validate().unwrap();
        let b = t.info_body("v", "p", 5);
        assert_eq!(b["openTestInfo"]["startTime"], 1000);
        assert_eq!(b["openTestInfo"]["endTime"], 1000 + DEFAULT_TEST_WINDOW.as_millis() as u64);
        assert_eq!(b["openTestInfo"]["testTaskInfo"]["groupInfos"][0]["groupId"], "g1");
        assert!(TestRelease::new(TestType::Open, "x".repeat(51)).validate().is_err());
        assert!(ReleasePaths { app_info: "/a?b".into(), ..Default::default() }.validate().is_err());
    }
}
