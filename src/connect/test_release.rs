//! HarmonyOS test releases (`releaseType` 6): create a test version, add a package, set its
//! window and groups, submit it; the bodies and the parsers of their answers.

use serde_json::{json, Value};

use super::ids::{id_from, IdKind};
use super::ok_envelope;
use crate::error::{Error, Result};

/// Most characters of a test version's description (`testDesc`).
pub const MAX_TEST_DESC: usize = 50;

/// Parse the answer of creating a test version: its `versionId`.
pub fn parse_version_id(body: &[u8]) -> Result<String> {
    let root = ok_envelope(body, "test-version")?;
    id_from(root.get("versionId"), "test-version", "versionId", IdKind::Version)
}

/// Parse the answer of adding a test package: the first `pkgVersion` (or a `pkgId`).
pub fn parse_test_package(body: &[u8]) -> Result<String> {
    let root = ok_envelope(body, "test-package")?;
    let v = match root.get("pkgVersion") {
        Some(Value::Array(a)) => a.first(),
        Some(v @ (Value::String(_) | Value::Number(_))) => Some(v),
        _ => root.get("pkgId"),
    };
    id_from(v, "test-package", "pkgVersion", IdKind::Package)
}

/// Check a test description (`testDesc`): 1 to [`MAX_TEST_DESC`] characters.
pub fn check_test_desc(description: &str) -> Result<()> {
    let n = description.chars().count();
    if description.trim().is_empty() || n > MAX_TEST_DESC {
        return Err(Error::InvalidArgument(format!(
            "the test description must have 1 to {MAX_TEST_DESC} characters (got {n})"
        )));
    }
    Ok(())
}

/// Check a test window (ms since the epoch): it ends after it starts.
pub fn check_test_window(start_ms: u64, end_ms: u64) -> Result<()> {
    if end_ms <= start_ms {
        return Err(Error::InvalidArgument("the test window must end after it starts".into()));
    }
    Ok(())
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
        check_test_desc(&self.description)?;
        if let (Some(s), Some(e)) = (self.start_ms, self.end_ms) {
            check_test_window(s, e)?;
        }
        if self.test_type == TestType::Invite && self.groups.is_empty() {
            return Err(Error::InvalidArgument("an invite test needs at least one test group".into()));
        }
        for g in &self.groups {
            super::ids::check_group_id(g)?;
        }
        Ok(())
    }

    /// The test window in ms since the epoch, defaults applied.
    pub fn window(&self, now_ms: u64) -> (u64, u64) {
        let start = self.start_ms.unwrap_or(now_ms);
        let end = self.end_ms.unwrap_or(start.saturating_add(crate::defaults::TEST_WINDOW_MS));
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

pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::release::ReleasePaths;

    #[test]
    fn test_release_checks_and_bodies() {
        let mut t = TestRelease::new(TestType::Invite, "beta");
        assert!(t.validate().is_err(), "invite needs groups");
        t.groups = vec!["g1".into()];
        t.start_ms = Some(1000);
        t.validate().unwrap();
        let b = t.info_body("v", "p", 5);
        assert_eq!(b["openTestInfo"]["startTime"], 1000);
        assert_eq!(b["openTestInfo"]["endTime"], 1000 + crate::defaults::TEST_WINDOW_MS);
        assert_eq!(b["openTestInfo"]["testTaskInfo"]["groupInfos"][0]["groupId"], "g1");
        assert!(TestRelease::new(TestType::Open, "x".repeat(51)).validate().is_err());
        assert!(ReleasePaths { app_info: "/a?b".into(), ..Default::default() }.validate().is_err());
    }
}
