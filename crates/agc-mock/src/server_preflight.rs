//! What a preflight reads: `GET /api/publish/v2/appid-list?packageName=…&packageTypes=7`
//! and the richer `app-info` of an app (version codes, a full draft, refusals for lack of rights).
//!
//! - `appid-list` answers by package type, as Huawei's page documents it: with
//!   `packageTypes=7` (HarmonyOS app or atomic service) only the HarmonyOS apps whose bound
//!   bundle name is `packageName`, and AGC's error 204144721 when there is none (the error-code
//!   page: "根据packageTypes过滤后，查询到的应用信息为空"); without the filter every app holding the
//!   name, an Android app ([`AppPreflight::android`]) first, as publishers saw AGC answer an
//!   Android app's id. Items are `{"key": packageName, "value": appId}` under `appids`, or, with
//!   [`AppIdListShape::AppIdList`], `{"appId": …, "packageName": …}` under `appIdList` (another
//!   shape publishers read). Without the filter, a bundle name no app holds gets an empty list.
//! - `app-info` carries `versionCode`, `versionNumber`, `versionId`, `onShelfVersionCode`,
//!   `onShelfVersionNumber`, `onShelfVersionId` and `updateTime` when set
//!   ([`MockServer::set_app_versions`]); `packageName` only with
//!   [`AppPreflight::app_info_package_name`] (no app-info model on Huawei's pages has it). An app
//!   with a version bound to another bundle name than a package's is modelled by those fields
//!   alone. A full draft answers 204144662 "the app's packages exceeds the upper limit"; an app
//!   whose API client lacks the rights answers 403 (AGC's "client token authorization fail").
//!
//! Set per app in-process ([`MockServer::set_app_preflight`]) or, for the standalone mock,
//! with `POST /mock/app` and a JSON body (see [`control_app`]).

use std::sync::Arc;

use serde_json::{json, Value};

use crate::server_common::{answer, respond_json, ret_json, single, Outcome, C};
use crate::state::{AppIdListShape, AppPreflight, Phased, Shared};

/// AGC's code for a draft that holds the most packages it allows.
pub const CODE_PACKAGES_LIMIT: i64 = 204_144_662;
/// AGC's code for a filtered appid-list that found no app.
pub const CODE_NO_APP_OF_TYPE: i64 = 204_144_721;
/// `packageTypes` of a HarmonyOS app or atomic service, the only type the mock's apps filter on.
const PACKAGE_TYPES_HARMONY: &str = "7";
/// The most bundle names one appid-list call takes (Huawei's page).
const MAX_NAMES: usize = 50;
/// The path served here.
pub(crate) const APPID_LIST_PATH: &str = "/api/publish/v2/appid-list";

/// Add the version fields of an app's preflight view to its `appInfo` object.
pub(crate) fn fill_app_info(p: &AppPreflight, info: &mut Value) {
    let num = |n: i64| if p.numbers_as_strings { json!(n.to_string()) } else { json!(n) };
    if let Some(name) = p.package_name.as_ref().filter(|_| p.app_info_package_name) {
        info["packageName"] = json!(name);
    }
    if let Some(v) = p.version_code {
        info["versionCode"] = num(v);
    }
    if let Some(v) = &p.version_number {
        info["versionNumber"] = json!(v);
    }
    if let Some(v) = p.on_shelf_version_code {
        info["onShelfVersionCode"] = num(v);
    }
    if let Some(v) = &p.on_shelf_version_number {
        info["onShelfVersionNumber"] = json!(v);
    }
    if let Some(v) = &p.version_id {
        info["versionId"] = json!(v);
    }
    if let Some(v) = &p.on_shelf_version_id {
        info["onShelfVersionId"] = json!(v);
    }
    if let Some(v) = &p.update_time {
        info["updateTime"] = json!(v);
    }
}

/// AGC's refusal for lack of rights: 403 with its words.
fn refuse_rights(c: &mut C, blen: u64) -> Outcome {
    let v = ret_json(403, "client token authorization fail");
    match respond_json(c, 403, &v, false) {
        Ok(()) => Outcome::answered(403, blen, true),
        Err(_) => Outcome { status: 403, body_received: blen, complete: true, keep: false, abort: false },
    }
}

/// An app-info read refused before it is answered: lack of rights (403) or a full draft
/// (204144662); `None` to answer it normally.
pub(crate) fn refuse_app_info(shared: &Shared, c: &mut C, app_id: &str, blen: u64) -> Option<Outcome> {
    let p = shared.lock().release.apps.get(app_id).map(|a| a.preflight.clone()).unwrap_or_default();
    if p.deny_app_info {
        return Some(refuse_rights(c, blen));
    }
    if p.draft_full {
        let v = ret_json(CODE_PACKAGES_LIMIT, "the app's packages exceeds the upper limit");
        return Some(answer(c, 200, &v, blen));
    }
    None
}

/// `GET appid-list?packageName=a,b[&packageTypes=7]`.
pub(crate) fn appid_list(shared: &Arc<Shared>, c: &mut C, query: &[(String, String)], blen: u64) -> Outcome {
    let bad =
        |c: &mut C, what: &str| answer(c, 400, &ret_json(204_144_641, &format!("invalid parameter: {what}")), blen);
    if query.iter().any(|(k, _)| k != "packageName" && k != "packageTypes") {
        return bad(c, "unknown parameter");
    }
    let names: Vec<String> = match single(query, "packageName") {
        Some(n) if !n.is_empty() => n.split(',').map(str::to_string).collect(),
        _ => return bad(c, "packageName"),
    };
    if names.len() > MAX_NAMES || names.iter().any(String::is_empty) {
        return bad(c, "packageName");
    }
    let filtered = match query.iter().filter(|(k, _)| k == "packageTypes").count() {
        0 => false,
        1 if single(query, "packageTypes") == Some(PACKAGE_TYPES_HARMONY) => true,
        _ => return bad(c, "packageTypes"),
    };
    let st = shared.lock();
    // (android, app id, name, deny): without the filter an Android app comes first.
    let mut found: Vec<(bool, String, String, bool)> = st
        .release
        .apps
        .iter()
        .filter_map(|(id, a)| {
            let name = a.preflight.package_name.as_ref().filter(|n| names.contains(n))?;
            (!filtered || !a.preflight.android)
                .then(|| (!a.preflight.android, id.clone(), name.clone(), a.preflight.deny_appid_list))
        })
        .collect();
    let shape = st.release.appid_list_shape;
    drop(st);
    found.sort();
    if found.iter().any(|f| f.3) {
        return refuse_rights(c, blen);
    }
    if filtered && found.is_empty() {
        let v = ret_json(CODE_NO_APP_OF_TYPE, "根据packageTypes过滤后，查询到的应用信息为空");
        return answer(c, 200, &v, blen);
    }
    let doc = match shape {
        AppIdListShape::AppIds => {
            let items: Vec<Value> = found.iter().map(|(_, id, name, _)| json!({"key": name, "value": id})).collect();
            json!({"ret": {"code": 0, "msg": "success"}, "appids": items})
        }
        AppIdListShape::AppIdList => {
            let items: Vec<Value> =
                found.iter().map(|(_, id, name, _)| json!({"appId": id, "packageName": name})).collect();
            json!({"ret": {"code": 0, "msg": "success"}, "appIdList": items})
        }
    };
    answer(c, 200, &doc, blen)
}

/// `POST /mock/app`, body `{"appId": "…", "packageName": "…", "android": bool,
/// "appInfoPackageName": bool, "versionCode": N, "versionNumber": "…", "versionId": "…",
/// "onShelfVersionCode": N, "onShelfVersionNumber": "…", "onShelfVersionId": "…", "updateTime":
/// "…", "releaseState": N, "draftFull": bool, "denyAppInfo": bool, "denyAppIdList": bool,
/// "numbersAsStrings": bool, "appIdListShape": "appids"|"appIdList", "phased": {"versionId":
/// "…", "phaseDay": N}}`: every field but `appId` optional; the app's preflight view is replaced
/// by the fields given. `phased` starts a phased release of that version (state RELEASE, at
/// `phaseDay` when given), as `MockServer::set_phased` does; without it the app's phased
/// release is left as it is.
pub(crate) fn control_app(shared: &Shared, body: &[u8]) -> Result<(), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let app_id = v.get("appId").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or("appId is required")?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let num = |k: &str| v.get(k).and_then(Value::as_i64);
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let p = AppPreflight {
        package_name: text("packageName"),
        android: flag("android"),
        app_info_package_name: flag("appInfoPackageName"),
        version_code: num("versionCode"),
        version_number: text("versionNumber"),
        on_shelf_version_code: num("onShelfVersionCode"),
        on_shelf_version_number: text("onShelfVersionNumber"),
        version_id: text("versionId"),
        on_shelf_version_id: text("onShelfVersionId"),
        update_time: text("updateTime"),
        draft_full: flag("draftFull"),
        deny_app_info: flag("denyAppInfo"),
        deny_appid_list: flag("denyAppIdList"),
        numbers_as_strings: flag("numbersAsStrings"),
    };
    let shape = match v.get("appIdListShape").and_then(Value::as_str) {
        None => None,
        Some("appids") => Some(AppIdListShape::AppIds),
        Some("appIdList") => Some(AppIdListShape::AppIdList),
        Some(other) => return Err(format!("unknown appIdListShape {other}")),
    };
    let phased = match v.get("phased") {
        None => None,
        Some(ph) => {
            let version_id = ph.get("versionId").and_then(Value::as_str).filter(|s| !s.is_empty());
            let version_id = version_id.ok_or("phased.versionId is required")?.to_string();
            let phase_day = ph.get("phaseDay").and_then(Value::as_i64);
            Some(Phased { version_id, state: "RELEASE".into(), phase_day })
        }
    };
    let mut st = shared.lock();
    if phased.is_some() {
        st.listing.apps.entry(app_id.to_string()).or_default().phased = phased;
    }
    let app = st.release.apps.entry(app_id.to_string()).or_default();
    app.preflight = p;
    if let Some(state) = num("releaseState") {
        app.release_state = state;
    }
    if let Some(s) = shape {
        st.release.appid_list_shape = s;
    }
    Ok(())
}
