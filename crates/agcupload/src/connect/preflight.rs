//! What a preflight asks AGC, on the wire: `GET appid-list?packageName=…&packageTypes=7`
//! (which HarmonyOS apps a bundle name is bound to) and the version fields of `app-info`.
//! Parsers are pure functions over bytes, lenient where publishers saw AGC vary:
//!
//! - appid-list's list is under `appids` (Huawei's page and fangxiangCN/easy-publisher
//!   `appIDResp`: items `{"key": packageName, "value": appId}`) or `appIdList` (a publisher reads
//!   `result['appids'] ?? result['appIdList'] ?? result['data']`); an item is an object whose id
//!   is `value`, `appId` or `id` (in that order), or the id itself (a string or a number); an
//!   item that names another bundle name (`key`, or `packageName`) is not ours and is skipped;
//! - app-info's fields are read from `appInfo`, else from the top level; numbers may be
//!   strings; a draft may carry no `versionCode` (easy-publisher: "华为压根不返回 versionCode").
//!
//! Every text kept from an answer is bounded and stripped of control characters here.

use serde_json::Value;

use super::{as_i64, ok_envelope};
use crate::error::{bounded, Error, Result};

/// `packageTypes` of appid-list for a HarmonyOS app or atomic service (Huawei's appid-list page).
/// Without it AGC may answer the id of an Android app that shares the bundle name.
pub const PACKAGE_TYPES_HARMONY: &str = "7";
/// AGC's answer to a filtered appid-list that found nothing ("根据packageTypes过滤后，查询到的应用信息为空",
/// Huawei's publishing error-code page): the bundle name is bound to no HarmonyOS app yet, not a
/// failure.
pub const CODE_NO_APP_OF_TYPE: i64 = 204_144_721;

/// The Connect API paths only the preflight uses (app-info is [`super::release::ReleasePaths::app_info`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightPaths {
    /// `GET`: the app ids a bundle name is bound to (`packageName` query).
    pub appid_list: String,
}

impl Default for PreflightPaths {
    fn default() -> PreflightPaths {
        PreflightPaths { appid_list: "/api/publish/v2/appid-list".into() }
    }
}

impl PreflightPaths {
    /// Each path starts with `/` and has no query, fragment, space or control character.
    pub fn validate(&self) -> Result<()> {
        let p = &self.appid_list;
        let ok = p.starts_with('/')
            && p.len() <= 512
            && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '?' || c == '#');
        if !ok {
            return Err(Error::InvalidArgument(
                "preflight path appid_list must start with '/' and have no query, fragment or spaces".into(),
            ));
        }
        Ok(())
    }
}

/// Most bytes of a bundle name looked up in appid-list (our bound; AGC documents none).
pub const MAX_BUNDLE_NAME: usize = 128;

/// A bundle name to look up (`com.example.app`): 1 to 128 ASCII letters,
/// digits, `.`, `_` or `-`, starting with a letter. A comma is refused: appid-list takes a
/// comma-separated list, and one name is looked up at a time.
pub fn check_bundle_name(name: &str) -> Result<()> {
    let ok = (1..=MAX_BUNDLE_NAME).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "'{}' is not a bundle name like com.example.app (1 to {MAX_BUNDLE_NAME} ASCII letters, digits, '.', '_' \
             or '-', starting with a letter)",
            bounded(name, 60)
        )))
    }
}

/// The most app ids kept from one appid-list answer.
pub const MAX_APP_IDS: usize = 64;
/// The longest text kept from an answer field.
const FIELD_MAX: usize = 128;

/// Parse an appid-list answer for `bundle` into the app ids (bounded, cleaned, at most
/// [`MAX_APP_IDS`]), skipping items that name another bundle name. No list at all, or an empty
/// one, is an empty vector: the bundle name is bound to no app. AGC's [`CODE_NO_APP_OF_TYPE`]
/// is an [`Error::Api`] here, like any business error: the caller decides what it means.
pub fn parse_appid_list(body: &[u8], bundle: &str) -> Result<Vec<String>> {
    let root = ok_envelope(body, "appid-list")?;
    let list = ["appids", "appIdList", "appIds", "data"].iter().find_map(|k| root.get(*k).and_then(Value::as_array));
    let Some(list) = list else { return Ok(Vec::new()) };
    let mut ids = Vec::new();
    for item in list.iter().take(MAX_APP_IDS) {
        let v = match item {
            Value::Object(o) => {
                let named = ["key", "packageName"].iter().find_map(|k| o.get(*k).and_then(Value::as_str));
                if named.is_some_and(|n| n.trim() != bundle) {
                    continue;
                }
                ["value", "appId", "id"].iter().find_map(|k| o.get(*k))
            }
            other => Some(other),
        };
        let id = match v {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        if !id.is_empty() {
            ids.push(bounded(&id, FIELD_MAX));
        }
    }
    Ok(ids)
}

/// The version fields of an app-info answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppVersions {
    /// `releaseState`.
    pub release_state: Option<i64>,
    /// `versionCode`: the version of the draft, or the one in review.
    pub version_code: Option<i64>,
    /// `versionNumber`.
    pub version_number: Option<String>,
    /// `onShelfVersionCode`: the live version.
    pub on_shelf_version_code: Option<i64>,
    /// `onShelfVersionNumber`.
    pub on_shelf_version_number: Option<String>,
    /// `versionId`: the draft's or the one in review.
    pub version_id: Option<String>,
    /// `onShelfVersionId`: the live version's.
    pub on_shelf_version_id: Option<String>,
    /// `updateTime`, as AGC writes it.
    pub update_time: Option<String>,
    /// `packageName`: no app-info model on Huawei's pages carries it; compared with the
    /// package's only if an answer ever does.
    pub package_name: Option<String>,
}

/// Parse the version fields of an app-info answer (`appInfo`, else the top level).
pub fn parse_app_versions(body: &[u8]) -> Result<AppVersions> {
    let root = ok_envelope(body, "app-info")?;
    let info = root.get("appInfo").filter(|v| v.is_object());
    let field = |k: &str| info.and_then(|a| a.get(k)).or_else(|| root.get(k));
    let text = |k: &str| {
        let t = match field(k)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let t = bounded(&t, FIELD_MAX);
        (!t.trim().is_empty()).then_some(t)
    };
    // A version code of 0 or less is none (a draft without a package).
    let code = |k: &str| field(k).and_then(as_i64).filter(|n| *n > 0);
    Ok(AppVersions {
        release_state: field("releaseState").and_then(as_i64),
        version_code: code("versionCode"),
        version_number: text("versionNumber"),
        on_shelf_version_code: code("onShelfVersionCode"),
        on_shelf_version_number: text("onShelfVersionNumber"),
        version_id: text("versionId"),
        on_shelf_version_id: text("onShelfVersionId"),
        update_time: text("updateTime"),
        package_name: text("packageName"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appid_lists_in_every_shape() {
        let ok = r#""ret":{"code":0,"msg":"success"}"#;
        let ids = |s: String| parse_appid_list(s.as_bytes(), "com.a").unwrap();
        assert_eq!(ids(format!(r#"{{{ok},"appids":[{{"key":"com.a","value":"111"}}]}}"#)), ["111"]);
        // An item of another bundle name is not ours.
        assert_eq!(
            ids(format!(r#"{{{ok},"appids":[{{"key":"com.b","value":"9"}},{{"key":" com.a ","value":"1"}}]}}"#)),
            ["1"]
        );
        assert!(ids(format!(r#"{{{ok},"appIdList":[{{"appId":"9","packageName":"com.b"}}]}}"#)).is_empty());
        assert_eq!(ids(format!(r#"{{{ok},"appIdList":[{{"appId":222}},{{"id":"333"}}]}}"#)), ["222", "333"]);
        assert_eq!(ids(format!(r#"{{{ok},"appids":["444", 555, null, {{}}]}}"#)), ["444", "555"]);
        assert!(ids(format!(r#"{{{ok}}}"#)).is_empty());
        assert!(ids(format!(r#"{{{ok},"appids":[]}}"#)).is_empty());
        let hostile = ids(format!(r#"{{{ok},"appids":[{{"value":"1\u001b[31m\n{}"}}]}}"#, "9".repeat(500)));
        assert!(hostile[0].len() <= FIELD_MAX + 3 && !hostile[0].chars().any(char::is_control));
        let many: Vec<String> = (0..500).map(|i| format!("\"{i}\"")).collect();
        assert_eq!(ids(format!(r#"{{{ok},"appids":[{}]}}"#, many.join(","))).len(), MAX_APP_IDS);
        assert!(matches!(
            parse_appid_list(br#"{"ret":{"code":204144641,"msg":"bad"}}"#, "com.a"),
            Err(Error::Api { code: 204144641, .. })
        ));
        assert!(matches!(parse_appid_list(b"{", "com.a"), Err(Error::Protocol(_))));
    }

    #[test]
    fn bundle_names_are_checked_before_a_look_up() {
        for good in ["com.example.app", "a", "com.a_b-c.D9"] {
            assert!(check_bundle_name(good).is_ok(), "{good}");
        }
        for bad in ["", "9com.a", ".com", "com.a,com.b", "com a", "com/a", "中.a", &"a".repeat(129)] {
            assert!(matches!(check_bundle_name(bad), Err(Error::InvalidArgument(_))), "{bad}");
        }
    }

    #[test]
    fn app_versions_leniently() {
        let v = parse_app_versions(
            br#"{"ret":{"code":0},"appInfo":{"releaseState":"0","versionCode":"1000013","onShelfVersionCode":1000013,
                "onShelfVersionNumber":"1.0.13","updateTime":"2025-03-01 10:00:00","packageName":"com.a",
                "versionId":"v-2","onShelfVersionId":6001}}"#,
        )
        .unwrap();
        assert_eq!(v.release_state, Some(0));
        assert_eq!((v.version_code, v.on_shelf_version_code), (Some(1000013), Some(1000013)));
        assert_eq!(v.package_name.as_deref(), Some("com.a"));
        assert_eq!((v.version_id.as_deref(), v.on_shelf_version_id.as_deref()), (Some("v-2"), Some("6001")));
        let draft = parse_app_versions(br#"{"ret":{"code":0},"releaseState":7,"versionCode":0}"#).unwrap();
        assert_eq!((draft.release_state, draft.version_code, draft.on_shelf_version_code), (Some(7), None, None));
        assert!(matches!(
            parse_app_versions(br#"{"ret":{"code":204144662,"msg":"full"}}"#),
            Err(Error::Api { code: 204144662, .. })
        ));
    }
}
