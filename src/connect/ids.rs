//! The rules for the ids callers pass and AGC answers (app, object, package, test version,
//! test group): one place, so a check before any request and the step that sends the id agree.

use serde_json::Value;

use crate::error::{Error, Result};

/// Longest objectId accepted, from the server or a caller.
pub const MAX_OBJECT_ID: usize = 1024;
/// Longest packageId accepted, from the server or a caller.
pub const MAX_PACKAGE_ID: usize = 256;

/// What is wrong with an objectId or packageId, if anything: empty, over `max` bytes, or
/// holding a control, format or separator character (U+202E, U+2028, U+00A0, ...; a plain
/// space is allowed), which would make one id look like another in a log or a console.
pub(crate) fn id_problem(id: &str, max: usize) -> Option<String> {
    if id.is_empty() {
        Some("is empty".into())
    } else if id.len() > max {
        Some(format!("is over {max} bytes"))
    } else if id.chars().any(crate::text::is_hidden_or_control) {
        Some("has control, format or separator characters".into())
    } else {
        None
    }
}

/// Check an object id a caller passes (for example to bind an earlier upload): the same rule
/// as for the server's objectId; `Error::InvalidArgument` otherwise.
pub fn check_object_id(object_id: &str) -> Result<()> {
    match id_problem(object_id, MAX_OBJECT_ID) {
        Some(problem) => Err(Error::InvalidArgument(format!("object id {problem}"))),
        None => Ok(()),
    }
}

/// Check a package id a caller passes (to wait for it): the same rule as for the server's
/// packageId; `Error::InvalidArgument` otherwise.
pub fn check_package_id(package_id: &str) -> Result<()> {
    match id_problem(package_id, MAX_PACKAGE_ID) {
        Some(problem) => Err(Error::InvalidArgument(format!("package id {problem}"))),
        None => Ok(()),
    }
}

/// Check an app id: 1 to 128 characters, no spaces or hidden characters.
pub(crate) fn check_app_id(app_id: &str) -> Result<()> {
    if app_id.is_empty()
        || app_id.len() > 128
        || app_id.chars().any(|c| crate::text::is_hidden_or_control(c) || c.is_whitespace())
    {
        return Err(Error::InvalidArgument("app id must be 1 to 128 characters without spaces".into()));
    }
    Ok(())
}

/// An id from an answer: a non-empty string or a number, bounded, no control characters.
pub(crate) fn id_from(v: Option<&Value>, what: &str, field: &str) -> Result<String> {
    let id = match v {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::Protocol(format!("{what}: the answer has no {field}"))),
    };
    if id.len() > 256 || id.chars().any(crate::text::is_hidden_or_control) {
        return Err(Error::Protocol(format!(
            "{what}: {field} is over 256 bytes or has control, format or separator characters"
        )));
    }
    Ok(id)
}

/// Check a version or package id of the test release road: 1 to 256 characters, no hidden
/// characters.
pub(crate) fn check_id(id: &str, what: &str) -> Result<()> {
    if id.is_empty() || id.len() > 256 || id.chars().any(crate::text::is_hidden_or_control) {
        return Err(Error::InvalidArgument(format!(
            "{what} must be 1 to 256 characters, without control, format or separator characters"
        )));
    }
    Ok(())
}
