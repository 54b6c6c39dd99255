//! HarmonyOS test releases (`releaseType` 6): create a test version, add a package, set its
//! window and groups, submit it; the bodies and the parsers of their answers.

use std::time::Duration;

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

/// Check a test window (ms since the epoch): it ends after it starts and lasts at most
/// [`MAX_TEST_WINDOW`] (AGC: 204144692 "open test time not exist" otherwise).
pub fn check_test_window(start_ms: u64, end_ms: u64) -> Result<()> {
    if end_ms <= start_ms {
        return Err(Error::InvalidArgument("the test window must end after it starts".into()));
    }
    if end_ms - start_ms > MAX_TEST_WINDOW.as_millis() as u64 {
        return Err(Error::InvalidArgument(format!(
            "the test window lasts {} days; AGC takes at most {}",
            (end_ms - start_ms).div_ceil(24 * 3600 * 1000),
            MAX_TEST_WINDOW.as_secs() / (24 * 3600)
        )));
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
    /// `needNotify`: tell the testers. One flag per test version (AGC takes one
    /// `testTaskInfo.needNotify`, not one per group).
    pub notify: bool,
    /// `distributeMode` of the test package: [`DISTRIBUTE_TEST_ZONE`] (default) or
    /// [`DISTRIBUTE_APPGALLERY`].
    pub distribute_mode: u32,
}

/// Longest test window (botiverse/hands uses 90 days; AGC refuses longer ones).
pub const MAX_TEST_WINDOW: Duration = Duration::from_secs(90 * 24 * 3600);
/// `distributeMode` 1: the test zone (Huawei's documented default).
pub const DISTRIBUTE_TEST_ZONE: u32 = 1;
/// `distributeMode` 2: AppGallery.
pub const DISTRIBUTE_APPGALLERY: u32 = 2;
/// `testTaskInfo.displayArea` we send: `"1"`, the AppGallery test zone (botiverse/hands PR
/// 514, Eilgnaw/deploy-to-agc-testing 362bec2; ACaiCat/huawei-appgallery-deploy 5b1771e
/// sends the number 1).
pub const DISPLAY_AREA: &str = "1";

/// Check a `distributeMode`: 1 or 2.
pub fn check_distribute_mode(mode: u32) -> Result<()> {
    if matches!(mode, DISTRIBUTE_TEST_ZONE | DISTRIBUTE_APPGALLERY) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!("distribute mode must be 1 (test zone) or 2 (AppGallery), got {mode}")))
    }
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
            distribute_mode: DISTRIBUTE_TEST_ZONE,
        }
    }

    /// Check every field before any request, the window against the clock now.
    pub fn validate(&self) -> Result<()> {
        self.validate_at(now_ms())
    }

    /// [`TestRelease::validate`] with the window's defaults taken at `now_ms`: it must end
    /// after it starts and last at most [`MAX_TEST_WINDOW`].
    pub fn validate_at(&self, now_ms: u64) -> Result<()> {
        check_distribute_mode(self.distribute_mode)?;
        check_test_desc(&self.description)?;
        let (start, end) = self.window(now_ms);
        check_test_window(start, end)?;
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

    /// The body that sets the package, window and groups of `version_id`. `testTaskInfo` is
    /// sent for open tests too, with `displayArea`, `needShareLink` 0 and `needNotify`
    /// (docs/protocol.md section 6).
    pub fn info_body(&self, version_id: &str, package_id: &str, now_ms: u64) -> Value {
        let (start, end) = self.window(now_ms);
        let mut task = json!({"displayArea": DISPLAY_AREA, "needShareLink": 0, "needNotify": u8::from(self.notify)});
        if !self.groups.is_empty() {
            let groups: Vec<Value> = self.groups.iter().map(|g| json!({"groupId": g})).collect();
            task["groupInfos"] = json!(groups);
        }
        let info = json!({"startTime": start, "endTime": end, "testDesc": self.description, "testTaskInfo": task});
        json!({"versionId": version_id, "pkgId": package_id, "openTestInfo": info})
    }
}

/// The body that adds an uploaded object to the test versions with this `distributeMode`.
pub fn test_package_body(file_name: &str, object_id: &str, distribute_mode: u32) -> Value {
    json!({"distributeMode": distribute_mode, "file": {"fileName": file_name, "objectId": object_id}})
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
        let task = &b["openTestInfo"]["testTaskInfo"];
        assert_eq!((task["displayArea"].as_str(), task["needShareLink"].as_i64()), (Some("1"), Some(0)));
        let open = TestRelease::new(TestType::Open, "o").info_body("v", "p", 5);
        assert_eq!(open["openTestInfo"]["testTaskInfo"]["displayArea"], "1", "{open}");
        assert!(open["openTestInfo"]["testTaskInfo"].get("groupInfos").is_none());
        let day = 24 * 3600 * 1000;
        let mut w = TestRelease::new(TestType::Open, "o");
        (w.start_ms, w.end_ms) = (Some(day), Some(day + 90 * day));
        w.validate_at(0).unwrap();
        w.end_ms = Some(day + 90 * day + 1);
        assert!(w.validate_at(0).unwrap_err().to_string().contains("at most 90"));
        (w.start_ms, w.end_ms) = (None, Some(1000));
        assert!(w.validate_at(2000).is_err(), "an end before now (the default start) is refused");
        w.end_ms = Some(day);
        w.distribute_mode = 3;
        assert!(w.validate_at(0).unwrap_err().to_string().contains("distribute mode"));
        w.distribute_mode = DISTRIBUTE_APPGALLERY;
        assert_eq!(test_package_body("a.app", "o", w.distribute_mode)["distributeMode"], 2);
        assert!(ReleasePaths { app_info: "/a?b".into(), ..Default::default() }.validate().is_err());
    }
}
