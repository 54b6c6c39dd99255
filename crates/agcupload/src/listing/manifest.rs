//! The manifest in the listing folder ([`super::MANIFEST_NAME`]): per language, what AGC
//! showed of its icon and of each device's files after the last `apply` or `pull` (file
//! references: AGC serves files by URL and never says which bytes they hold), and the
//! SHA-256 of the local files that `apply` sent. The plan counts a file slot unchanged only
//! when both still hold: the local files hash as recorded, and AGC still shows what was
//! recorded. Anything else (no manifest, another app, a file edited, a change made in the
//! console) is a change, so the files are sent again: that fails safe.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The format marker.
const FORMAT: &str = "agcupload-listing-files";
/// The version of the format.
const VERSION: u32 = 1;
/// Most bytes of a manifest read back.
const MAX_MANIFEST: u64 = 4 * 1024 * 1024;

/// What is recorded of one device of one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeviceRecord {
    /// The references AGC showed for the device.
    #[serde(default)]
    pub agc: Vec<String>,
    /// SHA-256 of the screenshots applied, in order.
    #[serde(default)]
    pub screenshots: Vec<String>,
    /// SHA-256 of the videos and posters applied, in order (a video, then its poster).
    #[serde(default)]
    pub videos: Vec<String>,
}

/// What is recorded of one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LanguageRecord {
    /// The icon reference AGC showed.
    #[serde(default)]
    pub icon_agc: Option<String>,
    /// SHA-256 of the icon applied.
    #[serde(default)]
    pub icon_sha256: Option<String>,
    /// By device folder name (`phone`).
    #[serde(default)]
    pub devices: BTreeMap<String, DeviceRecord>,
}

/// The manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub format: String,
    pub version: u32,
    pub app_id: String,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageRecord>,
}

impl Manifest {
    /// An empty manifest of `app_id`.
    pub(crate) fn new(app_id: &str) -> Manifest {
        Manifest { format: FORMAT.into(), version: VERSION, app_id: app_id.into(), languages: BTreeMap::new() }
    }

    /// The manifest of `dir` for `app_id`: `Ok(None)` when there is none; a note when one is
    /// there but cannot be used (unreadable, another format or version, another app), and
    /// then nothing is taken from it.
    pub(crate) fn load(dir: &Path, app_id: &str) -> (Option<Manifest>, Option<String>) {
        let path = dir.join(super::MANIFEST_NAME);
        if std::fs::symlink_metadata(&path).is_err() {
            return (None, None);
        }
        let unusable = |why: &str| {
            (None, Some(format!("{} not used ({why}): every file counts as changed", super::MANIFEST_NAME)))
        };
        let bytes = match crate::fsio::read_small_file_no_link(&path, MAX_MANIFEST) {
            Ok(b) => b,
            Err(e) => return unusable(&e.to_string()),
        };
        let m: Manifest = match serde_json::from_slice(&bytes) {
            Ok(m) => m,
            Err(_) => return unusable("not a manifest of agcupload"),
        };
        if m.format != FORMAT || m.version != VERSION {
            return unusable("another format or version");
        }
        if m.app_id != app_id {
            return unusable("it is another app's");
        }
        (Some(m), None)
    }

    /// Write it to `dir`, atomically (a new temporary file, then a rename).
    pub(crate) fn save(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(super::MANIFEST_NAME);
        let mut text = serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        text.push(b'\n');
        write_atomic(&path, &text)?;
        Ok(path)
    }
}

/// Write `bytes` to `path` atomically: a new temporary file beside it (`tempfile`: created
/// with `O_CREAT|O_EXCL`, never through a link), synced, then renamed over `path`; a folder or
/// a link at `path` is not replaced.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| Error::file(path, format!("cannot be written: {}", crate::fsio::describe_io(&e)));
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(Error::file(path, "is not a regular file; it is not replaced"));
    }
    let mut tmp = tempfile::Builder::new().prefix(".agcupload-").suffix(".tmp").tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A listing file is the repository's, readable like the others (tempfile makes 0600).
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("agc-manifest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_manifest_is_taken_only_for_its_own_app_and_format() {
        let d = temp_dir("own");
        assert_eq!(Manifest::load(&d, "1"), (None, None));
        let mut m = Manifest::new("1");
        m.languages.entry("en-US".into()).or_default().icon_sha256 = Some("ab".into());
        m.save(&d).unwrap();
        assert_eq!(Manifest::load(&d, "1").0, Some(m));
        let (none, note) = Manifest::load(&d, "2");
        assert!(none.is_none() && note.unwrap().contains("another app"));
        std::fs::write(d.join(crate::listing::MANIFEST_NAME), b"{\"format\":\"x\"}").unwrap();
        let (none, note) = Manifest::load(&d, "1");
        assert!(none.is_none() && note.is_some());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn an_atomic_write_never_follows_a_link_or_replaces_a_folder() {
        let d = temp_dir("atomic");
        let target = d.join("folder");
        std::fs::create_dir(&target).unwrap();
        assert!(write_atomic(&target, b"x").is_err());
        write_atomic(&d.join("f.txt"), b"one").unwrap();
        write_atomic(&d.join("f.txt"), b"two").unwrap();
        assert_eq!(std::fs::read(d.join("f.txt")).unwrap(), b"two");
        let leftovers = std::fs::read_dir(&d)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
