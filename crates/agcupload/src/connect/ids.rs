//! One rule per id kind, for the ids callers pass and the ids AGC answers: app id, object id,
//! package id, test version id, test group id. Every check (the road's Check step, each single
//! step, the C layer, the tool) and every parser uses [`IdKind`], so an id that passes the
//! check is never refused later by the step that sends it.
//!
//! Limits: `objectId` up to 1024 characters (docs/protocol.md, upload-url). AGC documents no
//! limit for the others; ours: app id 128 (AGC's app ids are about 20 digits), package id and
//! test version id 256, test group id 128. Every id is refused when empty, over its limit in
//! bytes, or holding a control, format or separator character (U+202E, U+2028, U+00A0, ...),
//! which would make one id look like another in a log or a console; a plain space is allowed
//! in object, package and version ids (opaque to us), never in app and test group ids.
//! Messages name the kind and the problem, never the id itself.

use serde_json::Value;

use crate::error::{Error, Result};

/// Longest app id accepted.
pub const MAX_APP_ID: usize = 128;
/// Longest objectId accepted, from the server or a caller.
pub const MAX_OBJECT_ID: usize = 1024;
/// Longest packageId (`pkgId`, `pkgVersion`) accepted, from the server or a caller.
pub const MAX_PACKAGE_ID: usize = 256;
/// Longest test `versionId` accepted, from the server or a caller.
pub const MAX_VERSION_ID: usize = 256;
/// Longest test group id accepted.
pub const MAX_GROUP_ID: usize = 128;

/// The kinds of id, each with one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// The app's id (`appId`).
    App,
    /// An uploaded object (`objectId`).
    Object,
    /// A package (`packageId`, `pkgId`, `pkgVersion`).
    Package,
    /// A test version (`versionId`).
    Version,
    /// A test group (`groupId`).
    TestGroup,
}

impl IdKind {
    /// The name in messages: `app id`, `object id`, `package id`, `version id`, `test group id`.
    pub const fn name(self) -> &'static str {
        match self {
            IdKind::App => "app id",
            IdKind::Object => "object id",
            IdKind::Package => "package id",
            IdKind::Version => "version id",
            IdKind::TestGroup => "test group id",
        }
    }

    /// The longest id of this kind, in bytes.
    pub const fn max_len(self) -> usize {
        match self {
            IdKind::App => MAX_APP_ID,
            IdKind::Object => MAX_OBJECT_ID,
            IdKind::Package => MAX_PACKAGE_ID,
            IdKind::Version => MAX_VERSION_ID,
            IdKind::TestGroup => MAX_GROUP_ID,
        }
    }

    const fn spaces_allowed(self) -> bool {
        !matches!(self, IdKind::App | IdKind::TestGroup)
    }

    /// What is wrong with `id` as an id of this kind, if anything: a phrase such as `is empty`
    /// or `is over 256 bytes`, which never quotes the id.
    pub fn problem(self, id: &str) -> Option<String> {
        let max = self.max_len();
        if id.is_empty() {
            Some("is empty".into())
        } else if id.len() > max {
            Some(format!("is over {max} bytes"))
        } else if crate::text::bounds::is_unusable_id(id) {
            // Control, format or separator characters, or a CI log's command prefix (`::`,
            // `##[`): see `text::is_unusable_id`.
            Some(format!("has {}", crate::text::bounds::UNUSABLE_ID))
        } else if !self.spaces_allowed() && id.chars().any(char::is_whitespace) {
            Some("has spaces".into())
        } else {
            None
        }
    }

    /// Check an id a caller passes: [`Error::InvalidArgument`] naming the kind and the problem.
    pub fn check(self, id: &str) -> Result<()> {
        match self.problem(id) {
            Some(problem) => Err(Error::InvalidArgument(format!("{} {problem}", self.name()))),
            None => Ok(()),
        }
    }
}

/// [`IdKind::App`]'s check.
pub fn check_app_id(app_id: &str) -> Result<()> {
    IdKind::App.check(app_id)
}

/// The check of an object id (for example an object to bind that an earlier upload stored).
pub fn check_object_id(object_id: &str) -> Result<()> {
    IdKind::Object.check(object_id)
}

/// [`IdKind::Package`]'s check (for example a package to wait for).
pub fn check_package_id(package_id: &str) -> Result<()> {
    IdKind::Package.check(package_id)
}

/// [`IdKind::Version`]'s check.
pub fn check_version_id(version_id: &str) -> Result<()> {
    IdKind::Version.check(version_id)
}

/// The check of a test group id.
pub fn check_group_id(group_id: &str) -> Result<()> {
    IdKind::TestGroup.check(group_id)
}

/// An id of `kind` in an answer to `what` (field `field`): a non-empty string (trimmed) or a
/// number, passing the kind's rule; [`Error::Protocol`] otherwise.
pub(crate) fn id_from(v: Option<&Value>, what: &str, field: &str, kind: IdKind) -> Result<String> {
    let id = match v {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::Protocol(format!("{what}: the answer has no {field}"))),
    };
    match kind.problem(&id) {
        Some(problem) => Err(Error::Protocol(format!("{what}: {field} {problem}"))),
        None => Ok(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_kind_and_messages_never_quote_the_id() {
        for kind in [IdKind::App, IdKind::Object, IdKind::Package, IdKind::Version, IdKind::TestGroup] {
            let max = kind.max_len();
            kind.check(&"7".repeat(max)).unwrap();
            for bad in ["".to_owned(), "7".repeat(max + 1), "a\u{202e}b".into(), "a\u{0}b".into()] {
                let e = kind.check(&bad).unwrap_err();
                assert!(matches!(e, Error::InvalidArgument(_)), "{kind:?} {e}");
                let text = e.to_string();
                assert!(text.contains(kind.name()), "{text}");
                assert!(bad.is_empty() || !text.contains(&bad), "{text}");
            }
            assert_eq!(kind.check("a b").is_ok(), !matches!(kind, IdKind::App | IdKind::TestGroup), "{kind:?}");
        }
        assert_eq!(IdKind::Version.max_len(), IdKind::Package.max_len());
        assert!(check_version_id(&"v".repeat(300)).is_err());
    }
}
