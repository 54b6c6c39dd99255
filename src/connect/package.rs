//! `PUT app-package-info` (bind an uploaded object) and `GET package/compile/status`, with
//! their parsers.

use serde_json::Value;

use super::ids::IdKind;
use super::{as_i64, connect_answer, exchange, ok_envelope, parse_ret, send, Answer, Method, Request};
use crate::auth::AuthHeaders;
use crate::error::{bounded, Error, Result};
use crate::http::{self, Deadline, MAX_JSON_BODY};

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
    deadline: Deadline,
    unsure: &std::cell::Cell<bool>,
) -> Result<Answer<String>> {
    const WHAT: &str = "bind";
    let body = serde_json::json!({"fileName": file_name, "objectId": object_id});
    let request = Request {
        method: Method::Put,
        path: "/api/publish/v3/app-package-info",
        query: &[("appId", app_id)],
        body: Some(&body),
        what: WHAT,
    };
    let sent = exchange(agent, base, auth, &request, deadline)?;
    // Any failure from here on (but a connect that never happened) follows a sent request.
    if sent.as_ref().map_or_else(|e| !http::never_sent(e), |_| true) {
        unsure.set(true);
    }
    let reply = http::finish(sent, MAX_JSON_BODY, WHAT)?;
    unsure.set(false);
    let status = reply.status;
    let answer = connect_answer(reply, WHAT, parse_bind);
    let clear_refusal = match (status, &answer) {
        (200, Err(Error::Protocol(_))) => false,
        (200, _) | (400..=499, _) | (503, _) => true,
        _ => false,
    };
    if answer.is_err() && !clear_refusal {
        unsure.set(true);
    }
    answer
}

/// Parse a bind answer: the `packageId`.
pub fn parse_bind(body: &[u8]) -> Result<String> {
    const WHAT: &str = "bind";
    let root = ok_envelope(body, WHAT)?;
    let id = match root.get("packageId") {
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
    };
    send(agent, base, auth, &request, deadline, |body| parse_compile_status(body, package_id))
}

/// Parse a compile-status answer for `package_id` (matched on `pkgId`).
pub fn parse_compile_status(body: &[u8], package_id: &str) -> Result<PackageState> {
    const WHAT: &str = "compile-status";
    let root = ok_envelope(body, WHAT)?;
    let list = root
        .get("pkgStateList")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: the answer has no pkgStateList")))?;
    let id_of = |v: &Value| match v.get("pkgId") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let state = list
        .iter()
        .find(|s| id_of(s).as_deref() == Some(package_id))
        .ok_or_else(|| Error::Protocol(format!("{WHAT}: package {} is not in the answer", bounded(package_id, 64))))?;
    match state.get("successStatus").and_then(as_i64) {
        Some(0) => Ok(PackageState::Ready),
        Some(1) => Ok(PackageState::Parsing),
        Some(2) => {
            let reason = ["failureReason", "errorMessage", "errMsg", "reason"]
                .iter()
                .find_map(|k| state.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
                .map(|s| bounded(s, 500))
                .or_else(|| parse_ret(&root).map(|r| r.message).filter(|m| !m.is_empty()))
                .unwrap_or_else(|| "AGC gave no reason".into());
            Ok(PackageState::Failed(reason))
        }
        other => Err(Error::Protocol(format!("{WHAT}: unknown successStatus {other:?}"))),
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
        assert!(matches!(st(r#"{"ret":{"code":0},"pkgStateList":[]}"#), Err(Error::Protocol(_))));
        assert!(matches!(
            st(r#"{"ret":{"code":0},"pkgStateList":[{"pkgId":"p1","successStatus":9}]}"#),
            Err(Error::Protocol(_))
        ));
    }
}
