//! The release road on the mock's side (docs/protocol.md section 6): release notes, submit for
//! review, app state, HarmonyOS test versions. A small state machine per app:
//!
//! - languages that exist (default `en-US` and `zh-CN`); notes for another language are refused;
//! - a draft that every bound package joins; a submit is refused with 204144660 ("being
//!   processed") while that package is still parsing (each refused submit counts as a poll),
//!   refused when the draft has no package, and refused while the app is in review (4, 5,
//!   12); an accepted one moves the app to 4, or to 12 (pre-review) for some reads first
//!   ([`MockServer::set_pre_review_reads`]); extra fields AGC takes (`registeredIdType`,
//!   `registeredIdNumber`) are accepted, unknown ones refused;
//! - notes counted in UTF-16 code units (500), `appName`/`appDesc`/`briefInfo` bounded
//!   (64/8000/80); a new language only with `appName` (server_listing.rs checks and keeps the
//!   texts);
//! - test versions with ids: create, add a package (`distributeMode` 1 or 2; parsed like a
//!   bound one), set its window (at most 90 days, else 204144692 "open test time not exist")
//!   and groups once the package is parsed (an invite test without
//!   `testTaskInfo.displayArea`: 204144692 "displayArea is necessary for invite test"), submit
//!   once.
//!
//! Every call's JSON body is recorded ([`ReleaseCall`]) so tests can check exactly what was sent.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::http::Request;
use crate::model::Fault;
use crate::server_common::{answer, ret_json, single, Outcome, C};
use crate::state::{Package, ReleaseCall, Shared, TestVersion};
use crate::util;

/// Code of a refused parameter.
const BAD: i64 = 204_144_641;
/// "The file is being processed" (submit while the package is parsing).
pub const CODE_PROCESSING: i64 = 204_144_660;
/// "Still compiling, retry in 3–5 minutes" (the `submit_still_processing` fault).
pub const CODE_COMPILING: i64 = 204_144_727;
/// The mock's code for "already in review / already submitted" (AGC's real one is unknown).
pub const CODE_IN_REVIEW: i64 = 204_144_726;
/// AGC's code for a refused test window or a missing `displayArea` (botiverse/hands PR 514).
pub const CODE_TEST_INFO: i64 = 204_144_692;
/// Longest test window the mock takes (90 days, as botiverse/hands sends).
const MAX_TEST_WINDOW_MS: u64 = 90 * 24 * 3600 * 1000;
/// Release states of an app in review (4, 5, 12 pre-review).
const IN_REVIEW: [i64; 3] = [4, 5, 12];

/// Length as AGC is assumed to count (UTF-16 code units, the stricter count).
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Paths the mock serves here.
pub(crate) const PATHS: [&str; 6] = [
    "/api/publish/v3/app-language-info",
    "/api/publish/v3/app-submit",
    "/api/publish/v3/app-info",
    "/api/publish/v2/test/app/version",
    "/api/publish/v2/test/version/pkg",
    "/api/publish/v2/test/app/version/submit",
];

/// Is this a release-road path?
pub(crate) fn is_release_path(p: &str) -> bool {
    PATHS.contains(&p)
}

fn ok(extra: Value) -> Value {
    let mut v = json!({"ret": {"code": 0, "msg": "success"}});
    if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
        o.extend(e);
    }
    v
}

/// Characters of a string field, or None when absent or not a string.
fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn only_keys(v: &Value, allowed: &[&str]) -> Result<(), String> {
    match v.as_object() {
        Some(o) => match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(format!("invalid parameter: unknown field {k}")),
            None => Ok(()),
        },
        None => Err("invalid request body".into()),
    }
}

/// `yyyy-MM-ddTHH:mm:ss±hhmm`.
fn release_time_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'+' || *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn is_parsed(shared: &Shared, st: &mut crate::state::State, pkg: &str, count_poll: bool) -> bool {
    let limit = shared.config.polls_until_ready;
    match st.packages.get_mut(pkg) {
        Some(p) if p.polls > limit => true,
        Some(p) => {
            if count_poll {
                p.polls = p.polls.saturating_add(1);
            }
            false
        }
        None => false,
    }
}

pub(crate) fn handle(
    shared: &Arc<Shared>,
    c: &mut C,
    req: &Request,
    query: &[(String, String)],
    body: &[u8],
) -> Outcome {
    let blen = body.len() as u64;
    let app_id = match single(query, "appId") {
        Some(a) if !a.is_empty() && query.len() == 1 => a.to_string(),
        _ => return answer(c, 400, &ret_json(BAD, "invalid parameter: appId"), blen),
    };
    let path = req.raw_path.as_str();
    let method = req.method.as_str();
    let v: Value = if body.is_empty() { Value::Null } else { serde_json::from_slice(body).unwrap_or(Value::Null) };
    let expected = match path {
        "/api/publish/v3/app-info" => "GET",
        "/api/publish/v3/app-language-info" => "PUT",
        "/api/publish/v2/test/app/version" if method == "PUT" => "PUT",
        _ => "POST",
    };
    if method != expected {
        return answer(c, 405, &ret_json(405, "method not allowed"), blen);
    }
    shared.lock().release.calls.push(ReleaseCall {
        method: method.to_string(),
        path: path.to_string(),
        app_id: app_id.clone(),
        body: v.clone(),
    });
    // A read of the state (which a submit does first) does not take the fault: it is for
    // the next call that changes something.
    if let Some(Fault::ReleaseCodeOnce(code, msg)) =
        shared.take_fault(|f| matches!(f, Fault::ReleaseCodeOnce(..)) && method != "GET", true)
    {
        return answer(c, 200, &ret_json(code, &msg), blen);
    }
    if path == "/api/publish/v3/app-submit" && shared.take_fault(|f| *f == Fault::Submit503Always, false).is_some() {
        let body = ret_json(503, "service busy").to_string();
        let headers = [("Content-Type", "application/json".to_string()), ("Retry-After", "0".to_string())];
        let _ = c.respond(503, &headers, body.as_bytes(), false);
        return Outcome::answered(503, blen, true);
    }
    // A full draft, or an API client without the rights to read the app.
    if method == "GET" {
        if let Some(o) = crate::server_preflight::refuse_app_info(shared, c, &app_id, blen) {
            return o;
        }
    }
    if expected != "GET" && !v.is_object() {
        return answer(c, 400, &ret_json(BAD, "invalid request body"), blen);
    }
    let result = match (method, path) {
        ("GET", _) => app_info(shared, &app_id),
        ("PUT", "/api/publish/v3/app-language-info") => language_info(shared, &app_id, &v),
        ("POST", "/api/publish/v3/app-submit") => submit(shared, &app_id, &v),
        ("POST", "/api/publish/v2/test/app/version") => create_version(shared, &app_id, &v),
        ("PUT", "/api/publish/v2/test/app/version") => update_version(shared, &app_id, &v),
        ("POST", "/api/publish/v2/test/version/pkg") => add_package(shared, &app_id, &v),
        _ => submit_version(shared, &app_id, &v),
    };
    if result.is_ok()
        && path == "/api/publish/v3/app-submit"
        && shared.take_fault(|f| *f == Fault::SubmitAnswerLostOnce, true).is_some()
    {
        return Outcome::dead(blen);
    }
    match result {
        Ok(doc) => answer(c, 200, &doc, blen),
        Err((code, msg)) => answer(c, 200, &ret_json(code, &msg), blen),
    }
}

type Answer = Result<Value, (i64, String)>;

fn bad(msg: impl Into<String>) -> (i64, String) {
    (BAD, msg.into())
}

fn app_info(shared: &Shared, app_id: &str) -> Answer {
    let mut st = shared.lock();
    let st = &mut *st;
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    let languages = crate::server_listing::languages_json(shared, &st.listing, app_id, &app.languages, &app.notes);
    let mut info = json!({"appId": app_id, "releaseState": app.release_state});
    if let Some(default) = app.languages.first() {
        info["defaultLang"] = json!(default);
    }
    crate::server_listing::fill_phased(&st.listing, app_id, &mut info);
    if let Some(r) = app.review_state {
        info["reviewState"] = json!(r);
    }
    crate::server_preflight::fill_app_info(&app.preflight, &mut info);
    let doc = ok(json!({
        "appInfo": info,
        "auditInfo": {"auditOpinion": app.audit_opinion.clone().unwrap_or_default()},
        "languages": languages,
    }));
    // Pre-review (12) turns into review (4) after a few reads.
    if app.release_state == 12 && app.pre_review_reads > 0 {
        app.pre_review_reads -= 1;
        if app.pre_review_reads == 0 {
            app.release_state = 4;
        }
    }
    Ok(doc)
}

/// The texts of a language (release notes and listing texts), checked and stored by
/// server_listing.rs. A new language is added when `appName` comes with it (Huawei's page; the
/// fault `new_language_needs_app_name` says the same); without one it is refused as a language
/// the app lacks.
fn language_info(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(v, &["lang", "newFeatures", "appName", "appDesc", "briefInfo"]).map_err(bad)?;
    if let Some(f) = text(v, "newFeatures") {
        if units(f) > 500 {
            return Err(bad("invalid parameter: newFeatures exceeds 500 characters"));
        }
    }
    let ignored = shared.fault() == Fault::ListingSuccessIgnored;
    let mut st = shared.lock();
    let st = &mut *st;
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    let live = app.preflight.on_shelf_version_code.is_some() || app.preflight.on_shelf_version_id.is_some();
    crate::server_listing::language_texts(
        ignored,
        &mut st.listing,
        app_id,
        &mut app.languages,
        &mut app.notes,
        live,
        v,
    )?;
    Ok(ok(json!({})))
}

fn submit(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(
        v,
        &[
            "releaseType",
            "releasePhase",
            "phasedReleaseDescription",
            "releaseTime",
            "remark",
            "registeredIdType",
            "registeredIdNumber",
        ],
    )
    .map_err(bad)?;
    if let Some(t) = v.get("registeredIdType") {
        if t.as_i64().is_none() {
            return Err(bad("invalid parameter: registeredIdType"));
        }
    }
    if let Some(n) = v.get("registeredIdNumber") {
        if n.as_str().is_none_or(str::is_empty) {
            return Err(bad("invalid parameter: registeredIdNumber"));
        }
    }
    if shared.fault() == Fault::SubmitNeedsRegisteredId
        && (v.get("registeredIdType").is_none() || v.get("registeredIdNumber").is_none())
    {
        return Err((CODE_PROCESSING, "registeredIdType and registeredIdNumber can not be null".into()));
    }
    if let Some(t) = v.get("releaseType") {
        if t.as_i64() != Some(1) {
            return Err(bad("invalid parameter: releaseType"));
        }
    }
    match v.get("releasePhase").map(Value::as_i64) {
        None | Some(Some(0)) => {
            if v.get("phasedReleaseDescription").is_some() {
                return Err(bad("invalid parameter: phasedReleaseDescription without a phased release"));
            }
        }
        Some(Some(3)) => {
            if text(v, "phasedReleaseDescription").is_none_or(|d| d.trim().is_empty()) {
                return Err(bad("invalid parameter: phasedReleaseDescription is required for releasePhase 3"));
            }
        }
        _ => return Err(bad("invalid parameter: releasePhase")),
    }
    if let Some(t) = v.get("releaseTime") {
        if !t.as_str().is_some_and(release_time_ok) {
            return Err(bad("invalid parameter: releaseTime"));
        }
    }
    if let Some(r) = v.get("remark") {
        if !r.as_str().is_some_and(|r| (10..=300).contains(&r.chars().count())) {
            return Err(bad("invalid parameter: remark"));
        }
    }
    let mut st = shared.lock();
    let pkg = {
        let app = st.release.apps.entry(app_id.to_string()).or_default();
        if IN_REVIEW.contains(&app.release_state) {
            return Err((CODE_IN_REVIEW, "the app is under review and cannot be submitted again".into()));
        }
        app.draft_package.clone().ok_or_else(|| bad("the draft has no package"))?
    };
    if !is_parsed(shared, &mut st, &pkg, true) {
        return Err((CODE_PROCESSING, "The file is being processed. Please try again later.".into()));
    }
    if let Some(Fault::SubmitStillProcessing(n)) = st.fault.clone() {
        st.fault = if n > 1 { Some(Fault::SubmitStillProcessing(n - 1)) } else { None };
        return Err((CODE_COMPILING, "The package is still compiling, retry in 3-5 minutes.".into()));
    }
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    app.release_state = if app.pre_review_reads > 0 { 12 } else { 4 };
    app.audit_opinion = None;
    app.last_submit = Some(v.clone());
    Ok(ok(json!({})))
}

fn id_of(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn create_version(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(v, &["releaseType", "testType", "testDesc", "onshelfSelfDetect"]).map_err(bad)?;
    if v.get("releaseType").and_then(Value::as_i64) != Some(6) {
        return Err(bad("invalid parameter: releaseType must be 6"));
    }
    if !matches!(v.get("testType").and_then(Value::as_i64), Some(3 | 4)) {
        return Err(bad("invalid parameter: testType"));
    }
    if !text(v, "testDesc").is_some_and(|d| (1..=50).contains(&d.chars().count())) {
        return Err(bad("invalid parameter: testDesc"));
    }
    if !matches!(v.get("onshelfSelfDetect").map(Value::as_i64), None | Some(Some(0 | 1))) {
        return Err(bad("invalid parameter: onshelfSelfDetect"));
    }
    let id = format!("tv-{}", util::random_hex(6));
    shared.lock().release.versions.insert(
        id.clone(),
        TestVersion {
            app_id: app_id.to_string(),
            created: v.clone(),
            package_id: None,
            open_test_info: None,
            submitted: false,
        },
    );
    Ok(ok(json!({"versionId": crate::server_common::answered_id(shared, crate::model::IdKind::Version, &id)})))
}

fn add_package(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(v, &["distributeMode", "file"]).map_err(bad)?;
    if !matches!(v.get("distributeMode").and_then(Value::as_i64), Some(1 | 2)) {
        return Err(bad("invalid parameter: distributeMode"));
    }
    let file = v.get("file").ok_or_else(|| bad("invalid parameter: file"))?;
    let (Some(name), Some(object_id)) = (text(file, "fileName"), text(file, "objectId")) else {
        return Err(bad("invalid parameter: file.fileName and file.objectId are required"));
    };
    let mut st = shared.lock();
    let known = st.objects.iter().any(|o| o.object_id == object_id)
        && st.object_apps.get(object_id).map(String::as_str) == Some(app_id);
    if !known {
        return Err(bad("invalid parameter: objectId not found for this app"));
    }
    if !name.to_ascii_lowercase().ends_with(".app") {
        return Err((204_144_693, "package type does not match the objectId suffix".into()));
    }
    let pkg = format!("tpkg-{}", util::random_hex(6));
    st.packages.insert(pkg.clone(), Package { polls: 0 });
    st.release.test_packages.insert(pkg.clone(), app_id.to_string());
    Ok(ok(json!({"pkgVersion": [pkg]})))
}

fn update_version(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(v, &["versionId", "pkgId", "openTestInfo"]).map_err(bad)?;
    let version = id_of(v.get("versionId")).ok_or_else(|| bad("invalid parameter: versionId"))?;
    let pkg = id_of(v.get("pkgId")).ok_or_else(|| bad("invalid parameter: pkgId"))?;
    let info = v.get("openTestInfo").filter(|i| i.is_object()).ok_or_else(|| bad("invalid parameter: openTestInfo"))?;
    let (Some(start), Some(end)) =
        (info.get("startTime").and_then(Value::as_u64), info.get("endTime").and_then(Value::as_u64))
    else {
        return Err(bad("invalid parameter: openTestInfo.startTime and endTime are required"));
    };
    if end <= start || end - start > MAX_TEST_WINDOW_MS {
        return Err((CODE_TEST_INFO, "open test time not exist".into()));
    }
    let task = info.get("testTaskInfo");
    if let Some(t) = task {
        only_keys(t, &["groupInfos", "displayArea", "needShareLink", "needNotify", "publicTestInstallLimit"])
            .map_err(bad)?;
        // AGC's examples send "1"; some publishers send the number 1: both are taken.
        let area = t.get("displayArea");
        if area.is_some_and(|d| id_of(Some(d)).is_none_or(|d| d != "1")) {
            return Err(bad("invalid parameter: displayArea"));
        }
        for flag in ["needShareLink", "needNotify"] {
            if !matches!(t.get(flag).map(Value::as_i64), None | Some(Some(0 | 1))) {
                return Err(bad(format!("invalid parameter: {flag}")));
            }
        }
    }
    let mut st = shared.lock();
    let Some(tv) = st.release.versions.get(&version).filter(|t| t.app_id == app_id).cloned() else {
        return Err(bad("invalid parameter: versionId not found"));
    };
    if tv.submitted {
        return Err((CODE_IN_REVIEW, "the test version is already submitted".into()));
    }
    if st.release.test_packages.get(&pkg).map(String::as_str) != Some(app_id) {
        return Err(bad("invalid parameter: pkgId not found"));
    }
    let groups = info.get("testTaskInfo").and_then(|t| t.get("groupInfos")).and_then(Value::as_array);
    let groups_ok = groups.is_some_and(|g| !g.is_empty() && g.iter().all(|x| id_of(x.get("groupId")).is_some()));
    let invite = tv.created.get("testType").and_then(Value::as_i64) == Some(3);
    if invite && !groups_ok {
        return Err(bad("invalid parameter: an invite test needs testTaskInfo.groupInfos"));
    }
    if invite && task.and_then(|t| t.get("displayArea")).is_none() {
        return Err((CODE_TEST_INFO, "displayArea is necessary for invite test".into()));
    }
    if !is_parsed(shared, &mut st, &pkg, true) {
        return Err((CODE_PROCESSING, "The file is being processed. Please try again later.".into()));
    }
    if let Some(t) = st.release.versions.get_mut(&version) {
        t.package_id = Some(pkg);
        t.open_test_info = Some(info.clone());
    }
    Ok(ok(json!({})))
}

fn submit_version(shared: &Shared, app_id: &str, v: &Value) -> Answer {
    only_keys(v, &["versionId"]).map_err(bad)?;
    let version = id_of(v.get("versionId")).ok_or_else(|| bad("invalid parameter: versionId"))?;
    let mut st = shared.lock();
    let Some(tv) = st.release.versions.get_mut(&version).filter(|t| t.app_id == app_id) else {
        return Err(bad("invalid parameter: versionId not found"));
    };
    if tv.submitted {
        return Err((CODE_IN_REVIEW, "the test version is already submitted".into()));
    }
    if tv.package_id.is_none() || tv.open_test_info.is_none() {
        return Err(bad("the test version has no package or test window"));
    }
    tv.submitted = true;
    Ok(ok(json!({})))
}
