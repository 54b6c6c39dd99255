//! The store listing on the mock's side (docs/protocol.md section 8), strict where Huawei's
//! pages are:
//!
//! - texts (`PUT v3 app-language-info`, served by server_release.rs with the release notes,
//!   stored here): `lang` at most 8 characters, the lengths (64/8000/80/500, UTF-16 units),
//!   `appName` for a new language, `appDesc`, `briefInfo` and `newFeatures` all different;
//!   `newFeatures` in every call for an app with a live version (an upgrade);
//! - files (`PUT v3 app-file-info?appId=…[&releaseType&releasePhase]`): only the documented
//!   lists (no Android `fileType`/`files`/`imgShowType`), at most 20 languages each, every
//!   language one the app has, `deviceType` of the documented ones, 1 to 10 object ids the mock
//!   issued for this app, `showType` 0 or 1; a list replaces what the language and device held;
//! - `DELETE v2 app-language-info?appId&lang`: the default language (the app's first) is
//!   refused with 204144651;
//! - `PUT v3 version/on-shelf/cancel` and `PUT v2 version/phased-release`: `appId` as a header,
//!   the app's `versionId`; a withdraw only in release states 3, 4, 5, 6, 12 (then the draft,
//!   7); a phased-release call only while one runs (`MockServer::set_phased`);
//! - app-info's `languages[]` with `icon` and `deviceMaterials` (each file shown as a URL ending
//!   in its object id), `defaultLang`, `releasePhase` and `phasedReleaseInfo`.
//!
//! The fault `listing_success_ignored` answers texts and files with success and stores nothing.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::http::Request;
use crate::model::Fault;
use crate::server_common::{ret_json, single, Outcome, C};
use crate::state::{DeviceFiles, ListingBook as Book, ReleaseCall, Shared};

/// Paths served here (app-language-info's PUT is the release road's).
pub(crate) const PATHS: [&str; 3] = [FILE_INFO, ON_SHELF_CANCEL, PHASED_RELEASE];
const FILE_INFO: &str = "/api/publish/v3/app-file-info";
const LANGUAGE_DELETE: &str = "/api/publish/v2/app-language-info";
const ON_SHELF_CANCEL: &str = "/api/publish/v3/version/on-shelf/cancel";
const PHASED_RELEASE: &str = "/api/publish/v2/version/phased-release";

/// Code of a refused parameter.
const BAD: i64 = 204_144_641;
/// The default language cannot be deleted.
const CODE_DEFAULT_LANGUAGE: i64 = 204_144_651;
/// The lists of app-file-info.
const LISTS: [&str; 8] = [
    "appIconList",
    "screenShotList",
    "introVideoList",
    "rcmdVideoList",
    "rcmdPicList",
    "updateScreenShotList",
    "updateVideoList",
    "packagePermissionIntroVideoList",
];
/// Documented `deviceType`s: phone, tablet, smart screen, smart watch, sports watch, PC/2in1.
const DEVICE_TYPES: [i64; 6] = [4, 5, 8, 12, 14, 19];
/// Release states in which a review can be withdrawn.
const WITHDRAW_STATES: [i64; 5] = [3, 4, 5, 6, 12];

/// Is this a path served here (for any method)?
pub(crate) fn is_listing_path(p: &str, method: &str) -> bool {
    PATHS.contains(&p) || (p == LANGUAGE_DELETE && method == "DELETE")
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// Check and store the texts of an `app-language-info` body (the release road's handler calls
/// it): `Err` is AGC's refusal. `languages` and `notes` are the release road's; `ignored`: the
/// fault `listing_success_ignored` (checked, then nothing stored).
pub(crate) fn language_texts(
    ignored: bool,
    book: &mut Book,
    app_id: &str,
    languages: &mut Vec<String>,
    notes: &mut BTreeMap<String, String>,
    live: bool,
    v: &Value,
) -> Result<(), (i64, String)> {
    let bad = |m: String| (BAD, m);
    let lang = text(v, "lang").filter(|l| !l.is_empty()).ok_or_else(|| bad("invalid parameter: lang".into()))?;
    if lang.chars().count() > 8 {
        return Err(bad(format!("invalid parameter: lang {lang} is longer than 8 characters")));
    }
    for (key, max) in [("appName", 64), ("appDesc", 8000), ("briefInfo", 80), ("newFeatures", 500)] {
        if let Some(t) = v.get(key) {
            if !t.as_str().is_some_and(|t| !t.trim().is_empty() && units(t) <= max) {
                return Err(bad(format!("invalid parameter: {key}")));
            }
        }
    }
    if live && v.get("newFeatures").is_none() {
        return Err(bad("invalid parameter: newFeatures is required for an upgrade version".into()));
    }
    let new_language = !languages.iter().any(|l| l == lang);
    if new_language && text(v, "appName").is_none() {
        // The release road's reading (a language the app lacks is refused) keeps its code.
        return Err(bad(format!(
            "invalid parameter: language {lang} does not exist for this app; appName is necessary for a new language ({lang})"
        )));
    }
    let app = book.apps.entry(app_id.to_string()).or_default();
    let held = app.texts.get(lang).cloned().unwrap_or_default();
    let after = |key: &str, i: usize| text(v, key).map(str::to_owned).or_else(|| held[i].clone());
    let desc = after("appDesc", 1);
    let brief = after("briefInfo", 2);
    let features = text(v, "newFeatures").map(str::to_owned).or_else(|| notes.get(lang).cloned());
    let three = [&desc, &brief, &features];
    for i in 0..3 {
        for j in i + 1..3 {
            if let (Some(a), Some(b)) = (three[i], three[j]) {
                if a.trim() == b.trim() {
                    return Err(bad("invalid parameter: appDesc, briefInfo and newFeatures must differ".into()));
                }
            }
        }
    }
    if ignored {
        return Ok(());
    }
    if new_language {
        languages.push(lang.to_string());
    }
    let entry = app.texts.entry(lang.to_string()).or_default();
    for (i, key) in ["appName", "appDesc", "briefInfo"].iter().enumerate() {
        if let Some(t) = text(v, key) {
            entry[i] = Some(t.to_string());
        }
    }
    if let Some(f) = text(v, "newFeatures") {
        notes.insert(lang.to_string(), f.to_string());
    }
    Ok(())
}

/// The URL app-info shows for an object: it ends in the object id.
fn file_url(shared: &Shared, object_id: &str) -> String {
    format!("{}/files/{object_id}", shared.base_url())
}

/// app-info's `languages[]`, in the order of `languages`.
pub(crate) fn languages_json(
    shared: &Shared,
    book: &Book,
    app_id: &str,
    languages: &[String],
    notes: &BTreeMap<String, String>,
) -> Vec<Value> {
    let app = book.apps.get(app_id);
    languages
        .iter()
        .map(|l| {
            let mut item = json!({"lang": l, "newFeatures": notes.get(l).cloned().unwrap_or_default()});
            if let Some(t) = app.and_then(|a| a.texts.get(l)) {
                for (i, key) in ["appName", "appDesc", "briefInfo"].iter().enumerate() {
                    if let Some(s) = &t[i] {
                        item[*key] = json!(s);
                    }
                }
            }
            let files = |list: &str| app.and_then(|a| a.files.get(&(l.clone(), list.to_string())));
            if let Some(icon) = files("appIconList").and_then(|d| d.values().next()).and_then(|(ids, _)| ids.first()) {
                item["icon"] = json!(file_url(shared, icon));
            }
            let mut devices: BTreeMap<i64, Value> = BTreeMap::new();
            for (list, key) in [("screenShotList", "screenShots"), ("introVideoList", "introVideos")] {
                for (dt, (ids, show)) in files(list).into_iter().flatten() {
                    let d = devices.entry(*dt).or_insert_with(|| json!({"deviceType": dt}));
                    d[key] = json!(ids.iter().map(|id| file_url(shared, id)).collect::<Vec<_>>());
                    if let Some(s) = show {
                        d["showType"] = json!(s);
                    }
                }
            }
            if !devices.is_empty() {
                item["deviceMaterials"] = json!(devices.into_values().collect::<Vec<_>>());
            }
            item
        })
        .collect()
}

/// `releasePhase` and `phasedReleaseInfo` for app-info, when a phased release runs.
pub(crate) fn fill_phased(book: &Book, app_id: &str, info: &mut Value) {
    if let Some(p) = book.apps.get(app_id).and_then(|a| a.phased.as_ref()) {
        info["releasePhase"] = json!(3);
        let mut pi = json!({"state": p.state, "versionId": p.version_id});
        if let Some(d) = p.phase_day {
            pi["phaseDay"] = json!(d);
        }
        info["phasedReleaseInfo"] = pi;
    }
}

fn answer(c: &mut C, v: &Value, blen: u64) -> Outcome {
    match crate::server_common::respond_json(c, 200, v, false) {
        Ok(()) => Outcome::answered(200, blen, true),
        Err(_) => Outcome::dead(blen),
    }
}

fn only_keys(v: &Value, allowed: &[&str]) -> Result<(), (i64, String)> {
    match v.as_object() {
        Some(o) => match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err((BAD, format!("invalid parameter: unknown field {k}"))),
            None => Ok(()),
        },
        None => Err((BAD, "invalid request body".into())),
    }
}

/// The listing calls (the paths of [`is_listing_path`]).
pub(crate) fn handle(
    shared: &Arc<Shared>,
    c: &mut C,
    req: &Request,
    query: &[(String, String)],
    body: &[u8],
) -> Outcome {
    let blen = body.len() as u64;
    let path = req.raw_path.as_str();
    let method = req.method.as_str();
    let expected = if path == LANGUAGE_DELETE { "DELETE" } else { "PUT" };
    if method != expected {
        return answer(c, &ret_json(405, "method not allowed"), blen);
    }
    // appId in the query for file-info and the delete, as a header for the version calls.
    let app_id = if path == ON_SHELF_CANCEL || path == PHASED_RELEASE {
        if single(query, "appId").is_some() {
            return answer(c, &ret_json(BAD, "invalid parameter: appId goes in the header"), blen);
        }
        req.header("appid").map(str::to_owned)
    } else {
        single(query, "appId").map(str::to_owned)
    };
    let Some(app_id) = app_id.filter(|a| !a.is_empty()) else {
        return answer(c, &ret_json(BAD, "invalid parameter: appId"), blen);
    };
    let v: Value = if body.is_empty() { Value::Null } else { serde_json::from_slice(body).unwrap_or(Value::Null) };
    shared.lock().release.calls.push(ReleaseCall {
        method: method.to_string(),
        path: path.to_string(),
        app_id: app_id.clone(),
        body: v.clone(),
    });
    let result = match path {
        FILE_INFO => file_info(shared, &app_id, query, &v),
        LANGUAGE_DELETE => delete_language(shared, &app_id, query),
        ON_SHELF_CANCEL => withdraw(shared, &app_id, &v),
        _ => phased(shared, &app_id, &v),
    };
    match result {
        Ok(()) => answer(c, &json!({"ret": {"code": 0, "msg": "success"}}), blen),
        Err((code, msg)) => answer(c, &ret_json(code, &msg), blen),
    }
}

fn file_info(shared: &Shared, app_id: &str, query: &[(String, String)], v: &Value) -> Result<(), (i64, String)> {
    let bad = |m: String| Err((BAD, m));
    for (k, val) in query {
        let ok = match k.as_str() {
            "appId" => true,
            "releaseType" => val == "1",
            "releasePhase" => val == "0" || val == "3",
            _ => false,
        };
        if !ok {
            return bad(format!("invalid parameter: {k}"));
        }
    }
    only_keys(v, &LISTS)?;
    let obj = v.as_object().cloned().unwrap_or_default();
    if obj.is_empty() {
        return bad("invalid parameter: no file list".into());
    }
    let mut st = shared.lock();
    let st = &mut *st;
    let languages = st.release.apps.get(app_id).map(|a| a.languages.clone()).unwrap_or_default();
    let mut staged: Vec<((String, String), DeviceFiles)> = Vec::new();
    for (list, entries) in &obj {
        let Some(entries) = entries.as_array().filter(|e| !e.is_empty() && e.len() <= 20) else {
            return bad(format!("invalid parameter: {list} takes 1 to 20 languages"));
        };
        for e in entries {
            only_keys(e, &["lang", "fileInfoList"])?;
            let Some(lang) = text(e, "lang").filter(|l| languages.iter().any(|x| x == l)) else {
                return bad(format!("invalid parameter: {list}: a language the app does not have"));
            };
            let Some(infos) = e.get("fileInfoList").and_then(Value::as_array).filter(|i| !i.is_empty()) else {
                return bad(format!("invalid parameter: {list}: fileInfoList"));
            };
            let mut by_device = BTreeMap::new();
            for info in infos {
                only_keys(info, &["deviceType", "objectIdList", "showType"])?;
                let Some(dt) = info.get("deviceType").and_then(Value::as_i64).filter(|d| DEVICE_TYPES.contains(d))
                else {
                    return bad(format!("invalid parameter: {list}: deviceType"));
                };
                let show = match info.get("showType") {
                    None => None,
                    Some(s) => match s.as_i64() {
                        Some(n @ (0 | 1)) => Some(n),
                        _ => return bad(format!("invalid parameter: {list}: showType")),
                    },
                };
                let ids: Vec<String> = info
                    .get("objectIdList")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                let count = info.get("objectIdList").and_then(Value::as_array).map_or(0, Vec::len);
                if ids.is_empty() || ids.len() > 10 || ids.len() != count {
                    return bad(format!("invalid parameter: {list}: objectIdList takes 1 to 10 object ids"));
                }
                if let Some(unknown) = ids.iter().find(|id| st.object_apps.get(*id).map(String::as_str) != Some(app_id))
                {
                    return bad(format!("invalid parameter: {list}: object {unknown} was not uploaded for this app"));
                }
                by_device.insert(dt, (ids, show));
            }
            staged.push(((lang.to_string(), list.clone()), by_device));
        }
    }
    if st.fault.as_ref() == Some(&Fault::ListingSuccessIgnored) {
        return Ok(());
    }
    let app = st.listing.apps.entry(app_id.to_string()).or_default();
    for (key, devices) in staged {
        let held = app.files.entry(key).or_default();
        for (dt, files) in devices {
            held.insert(dt, files);
        }
    }
    Ok(())
}

fn delete_language(shared: &Shared, app_id: &str, query: &[(String, String)]) -> Result<(), (i64, String)> {
    if query.iter().any(|(k, v)| !(matches!(k.as_str(), "appId" | "lang") || (k == "releaseType" && v == "1"))) {
        return Err((BAD, "invalid parameter".into()));
    }
    let Some(lang) = single(query, "lang").filter(|l| !l.is_empty()) else {
        return Err((BAD, "invalid parameter: lang".into()));
    };
    let mut st = shared.lock();
    let st = &mut *st;
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    match app.languages.iter().position(|l| l == lang) {
        None => Err((BAD, format!("invalid parameter: language {lang} does not exist for this app"))),
        Some(0) => Err((CODE_DEFAULT_LANGUAGE, format!("the default language {lang} cannot be deleted"))),
        Some(_) => {
            app.languages.retain(|l| l != lang);
            app.notes.remove(lang);
            if let Some(l) = st.listing.apps.get_mut(app_id) {
                l.texts.remove(lang);
                l.files.retain(|(x, _), _| x != lang);
            }
            Ok(())
        }
    }
}

fn withdraw(shared: &Shared, app_id: &str, v: &Value) -> Result<(), (i64, String)> {
    only_keys(v, &["versionId"])?;
    let Some(version) = v.get("versionId").and_then(Value::as_str) else {
        return Err((BAD, "invalid parameter: versionId".into()));
    };
    let mut st = shared.lock();
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    if app.preflight.version_id.as_deref() != Some(version) {
        return Err((BAD, "invalid parameter: versionId is not the app's version".into()));
    }
    if !WITHDRAW_STATES.contains(&app.release_state) {
        return Err((BAD, format!("the version cannot be withdrawn in release state {}", app.release_state)));
    }
    app.release_state = 7;
    Ok(())
}

fn phased(shared: &Shared, app_id: &str, v: &Value) -> Result<(), (i64, String)> {
    only_keys(v, &["versionId", "releasePhase", "state", "description", "phaseDay"])?;
    let bad = |m: &str| Err((BAD, format!("invalid parameter: {m}")));
    let phase = v.get("releasePhase").and_then(Value::as_i64);
    let state = text(v, "state");
    if !matches!(phase, Some(3 | 4)) {
        return bad("releasePhase");
    }
    if !matches!(state, Some("SUSPEND" | "RELEASE")) {
        return bad("state");
    }
    if text(v, "description").is_some_and(|d| d.chars().count() > 500)
        || v.get("description").is_some_and(|d| !d.is_string())
    {
        return bad("description");
    }
    let day = match v.get("phaseDay") {
        None => None,
        Some(d) => match d.as_i64() {
            Some(n @ 2..=7) => Some(n),
            _ => return bad("phaseDay"),
        },
    };
    let mut st = shared.lock();
    let Some(p) = st.listing.apps.get_mut(app_id).and_then(|a| a.phased.as_mut()) else {
        return Err((BAD, "the app has no phased release".into()));
    };
    if text(v, "versionId") != Some(p.version_id.as_str()) {
        return bad("versionId");
    }
    if phase == Some(4) {
        if let Some(a) = st.listing.apps.get_mut(app_id) {
            a.phased = None;
        }
        return Ok(());
    }
    p.state = state.unwrap_or("RELEASE").to_string();
    if day.is_some() {
        p.phase_day = day;
    }
    Ok(())
}
