//! `PUT app-package-info` (bind an uploaded object) and `GET package/compile/status`, with
//! their parsers.

use serde_json::Value;

use super::ids::IdKind;
use super::AuthHeaders;
use super::{as_i64, ok_envelope, parse_ret, send, send_noting, Answer, Body, Method, Request};
use crate::error::{bounded, Error, Result};
use crate::net::http::Deadline;

/// Optional query parameters of the bind (`PUT app-package-info`), each sent only when set.
/// harmony-publish sends `releaseType=1&releasePhase=0`; flutter_distributor and
/// agc-connect-mcp name both; a phased release may need `releasePhase=3` (docs/protocol.md
/// section 5). Huawei's documents name no default, so by default neither is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BindQuery {
    /// `releaseType`: 1 full release, 6 HarmonyOS test release.
    pub release_type: Option<u32>,
    /// `releasePhase`: 0 full, 3 phased.
    pub release_phase: Option<u32>,
}

impl BindQuery {
    /// Refuse values AGC does not define (before any request).
    pub fn check(&self) -> Result<()> {
        if let Some(t) = self.release_type.filter(|t| *t != 1 && *t != 6) {
            return Err(Error::InvalidArgument(format!("bind release type must be 1 or 6, got {t}")));
        }
        if let Some(p) = self.release_phase.filter(|p| *p != 0 && *p != 3) {
            return Err(Error::InvalidArgument(format!("bind release phase must be 0 (full) or 3 (phased), got {p}")));
        }
        Ok(())
    }
}

/// `PUT /api/publish/v3/app-package-info`: bind an uploaded object to the app.
/// Returns the `packageId`.
///
/// A bind is not idempotent (a second one can attach the package twice), so `unsure` is set
/// when this call failed in a way that AGC may nevertheless have processed it: the request may
/// have been sent and no clear refusal came back (a reset or timeout after sending, a 5xx other
/// than 503, a 3xx, a malformed 200). It stays untouched after a failure before sending and
/// after a clear refusal (401/403, 4xx, 429, 503, a `ret.code` error).
#[allow(clippy::too_many_arguments)]
pub(crate) fn bind_package(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    app_id: &str,
    file_name: &str,
    object_id: &str,
    bind_query: &BindQuery,
    deadline: Deadline,
    unsure: &std::cell::Cell<bool>,
) -> Result<Answer<String>> {
    const WHAT: &str = "bind";
    let body = serde_json::json!({"fileName": file_name, "objectId": object_id});
    let release_type = bind_query.release_type.map(|t| t.to_string());
    let release_phase = bind_query.release_phase.map(|p| p.to_string());
    let mut query = vec![("appId", app_id)];
    if let Some(t) = &release_type {
        query.push(("releaseType", t));
    }
    if let Some(p) = &release_phase {
        query.push(("releasePhase", p));
    }
    let request = Request {
        method: Method::Put,
        path: "/api/publish/v3/app-package-info",
        query: &query,
        body: Some(Body::Json(&body)),
        what: WHAT,
        headers: &[],
    };
    send_noting(agent, base, auth, &request, deadline, parse_bind, unsure)
}

/// Parse a bind answer: the `packageId`, at the top level or inside `data` (both shapes are
/// seen: easy-publisher reads either).
pub fn parse_bind(body: &[u8]) -> Result<String> {
    const WHAT: &str = "bind";
    let root = ok_envelope(body, WHAT)?;
    let present = |v: &Option<&Value>| {
        matches!(v, Some(Value::String(s)) if !s.is_empty()) || matches!(v, Some(Value::Number(_)))
    };
    let top = root.get("packageId");
    let chosen = if present(&top) { top } else { root.get("data").and_then(|d| d.get("packageId")) };
    let id = match chosen {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::Protocol(format!("{WHAT}: the answer has no packageId"))),
    };
    if let Some(problem) = IdKind::Package.problem(&id) {
        return Err(Error::Protocol(format!("{WHAT}: packageId {problem}")));
    }
    Ok(id)
}

/// Where AGC is with parsing a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageState {
    /// Parsed; the package can be used.
    Ready,
    /// Still parsing.
    Parsing,
    /// Parsing failed, with AGC's reason.
    Failed(String),
}

/// `GET /api/publish/v3/package/compile/status`.
pub(crate) fn compile_status(
    agent: &ureq::Agent,
    base: &str,
    auth: &AuthHeaders,
    app_id: &str,
    package_id: &str,
    deadline: Deadline,
) -> Result<Answer<PackageState>> {
    let request = Request {
        method: Method::Get,
        path: "/api/publish/v3/package/compile/status",
        query: &[("appId", app_id), ("pkgIds", package_id)],
        body: None,
        what: "compile-status",
        headers: &[],
    };
    send(agent, base, auth, &request, deadline, |body| parse_compile_status(body, package_id))
}

/// Parse a compile-status answer for `package_id` (matched on `pkgId`).
///
/// Lenient where AGC is (docs/protocol.md section 5): a missing or empty `pkgStateList`, a list
/// without this package, and an unknown or missing `successStatus` all mean "not parsed yet"
/// (every live-tested publisher keeps polling then), so the wait polls on until its timeout.
/// A failure's reason comes from the first non-empty reason field, with AGC's `errorCode`.
pub fn parse_compile_status(body: &[u8], package_id: &str) -> Result<PackageState> {
    const WHAT: &str = "compile-status";
    let root = ok_envelope(body, WHAT)?;
    let Some(list) = root.get("pkgStateList").and_then(Value::as_array) else {
        return Ok(PackageState::Parsing);
    };
    let id_of = |v: &Value| match v.get("pkgId") {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(state) = list.iter().find(|s| id_of(s).as_deref() == Some(package_id)) else {
        return Ok(PackageState::Parsing);
    };
    match state.get("successStatus").and_then(as_i64) {
        Some(0) => Ok(PackageState::Ready),
        Some(2) => {
            let reason = ["failureReason", "errorMessage", "errMsg", "reason"]
                .iter()
                .find_map(|k| state.get(*k).and_then(Value::as_str).filter(|s| !s.trim().is_empty()))
                .map(|s| bounded(s, 500))
                .or_else(|| parse_ret(&root).map(|r| r.message).filter(|m| !m.is_empty() && m != "success"));
            let code = state.get("errorCode").and_then(|v| match v {
                Value::String(s) if !s.trim().is_empty() => Some(bounded(s.trim(), 32)),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            let reason = match (code, reason) {
                (Some(c), Some(r)) => format!("{r} (errorCode {c})"),
                (Some(c), None) => format!("errorCode {c}"),
                (None, Some(r)) => r,
                (None, None) => "AGC gave no reason".into(),
            };
            Ok(PackageState::Failed(reason))
        }
        // 1 is "parsing"; any other value (or none) is a state we do not know: not ready, not
        // failed, so the wait goes on until its timeout.
        _ => Ok(PackageState::Parsing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_and_compile_status_answers() {
        assert_eq!(parse_bind(br#"{"ret":{"code":0,"msg":"success"},"packageId":"pkg-1"}"#).unwrap(), "pkg-1");
        assert_eq!(parse_bind(br#"{"ret":{"code":0},"packageId":123}"#).unwrap(), "123");
        assert!(matches!(parse_bind(br#"{"ret":{"code":0}}"#), Err(Error::Protocol(_))));
        assert!(matches!(
            parse_bind(br#"{"ret":{"code":204144693,"msg":"type"}}"#),
            Err(Error::Api { code: 204144693, .. })
        ));
        let st = |s: &str| parse_compile_status(s.as_bytes(), "p1");
        assert_eq!(st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p0","successStatus":2},{"pkgId":"p1","successStatus":0}]}"#).unwrap(), PackageState::Ready);
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":"1"}]}"#).unwrap(),
            PackageState::Parsing
        );
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":2,"failureReason":"bad sign"}]}"#)
                .unwrap(),
            PackageState::Failed("bad sign".into())
        );
        // Not parsed yet, in every shape AGC answers while it has no state for the package.
        for body in [
            r#"{"ret":{"code":0},"pkgStateList":[]}"#,
            r#"{"ret":{"code":0}}"#,
            r#"{"ret":{"code":0},"pkgStateList":null}"#,
            r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"other","successStatus":0}]}"#,
            r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":9}]}"#,
            r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1"}]}"#,
        ] {
            assert_eq!(st(body).unwrap(), PackageState::Parsing, "{body}");
        }
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":2,"errorCode":"PKG_0012"}]}"#)
                .unwrap(),
            PackageState::Failed("errorCode PKG_0012".into())
        );
        assert_eq!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":2,"errorMessage":"bad sign","errorCode":7}]}"#)
                .unwrap(),
            PackageState::Failed("bad sign (errorCode 7)".into())
        );
        // A business error is still an error, and not valid JSON is still a protocol error.
        assert!(matches!(st(r#"{"ret":{"code":204144641,"msg":"bad"}}"#), Err(Error::Api { .. })));
        assert!(matches!(st("nope"), Err(Error::Protocol(_))));
    }
}
