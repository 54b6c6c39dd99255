//! The resume file of a multipart upload: what a later run needs to send only the parts
//! still missing, and nothing that would be dangerous to leave on disk.
//!
//! It holds the app id, the file name AGC records, the file's identity (size, mtime,
//! device, inode), the part size, AGC's object and upload ids, and each finished part's
//! number, SHA-256, ETag and part object id. Never a token, a secret, a signed URL or a
//! signed header. It is written atomically after every part (a temporary file in the same
//! directory, created 0600, fsync, rename, then fsync of the directory), so a run killed at
//! any moment leaves either the previous state or the new one.

use std::fs::{File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::connect::multipart::{DonePart, Session};
use crate::error::{Error, Result};
use crate::text::path_for_message;

/// The format version written; other versions are not resumed.
const VERSION: u32 = 1;
/// A resume file is small: one line per part, at most 10 000 parts.
const MAX_STATE_FILE: u64 = 8 * 1024 * 1024;

/// What identifies the file being uploaded between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 if unknown).
    pub mtime_ns: i128,
    /// Device (0 where the platform has none).
    pub dev: u64,
    /// Inode (0 where the platform has none).
    pub ino: u64,
}

impl Identity {
    /// The identity of an opened file.
    pub fn of(meta: &Metadata) -> Identity {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Identity { size: meta.len(), mtime_ns, dev, ino }
    }
}

/// One finished part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    /// 1-based part number.
    pub number: u32,
    /// Lowercase hex SHA-256 of the part's bytes.
    pub sha256: String,
    /// The ETag the upload host answered, verbatim.
    pub etag: String,
    /// The part object id of its part URL.
    pub part_object_id: String,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeState {
    /// Format version.
    pub version: u32,
    /// The app's id.
    pub app_id: String,
    /// The name AGC records.
    pub file_name: String,
    /// The file's identity when the upload started.
    pub identity: Identity,
    /// Bytes per part (the last may be shorter).
    pub part_size: u64,
    /// AGC's object id.
    pub object_id: String,
    /// AGC's `nspUploadId`.
    pub upload_id: String,
    /// `nspPartMinSize` and `nspPartMaxSize` of the session.
    pub part_min_size: u64,
    /// See `part_min_size`.
    pub part_max_size: u64,
    /// The finished parts, numbered 1..=n in order.
    pub parts: Vec<PartRecord>,
}

impl ResumeState {
    /// A fresh state for a session just opened.
    pub fn new(app_id: &str, file_name: &str, identity: Identity, part_size: u64, session: &Session) -> ResumeState {
        ResumeState {
            version: VERSION,
            app_id: app_id.to_owned(),
            file_name: file_name.to_owned(),
            identity,
            part_size,
            object_id: session.object_id.clone(),
            upload_id: session.upload_id.clone(),
            part_min_size: session.part_min_size,
            part_max_size: session.part_max_size,
            parts: Vec::new(),
        }
    }

    /// The session it records.
    pub fn session(&self) -> Session {
        Session {
            object_id: self.object_id.clone(),
            upload_id: self.upload_id.clone(),
            part_min_size: self.part_min_size,
            part_max_size: self.part_max_size,
        }
    }

    /// The finished parts as `compose` wants them.
    pub fn done_parts(&self) -> Vec<DonePart> {
        self.parts
            .iter()
            .map(|p| DonePart { number: p.number, part_object_id: p.part_object_id.clone(), etag: p.etag.clone() })
            .collect()
    }

    /// Why this state cannot resume an upload of `file_name` of `app_id` from a file with
    /// `identity` (None: it can).
    pub fn mismatch(&self, app_id: &str, file_name: &str, identity: &Identity) -> Option<&'static str> {
        if self.version != VERSION {
            return Some("it was written by another version of the format");
        }
        if self.app_id != app_id || self.file_name != file_name {
            return Some("it belongs to another app or file name");
        }
        if &self.identity != identity {
            return Some("the file changed since it was written (size, modification time or inode differ)");
        }
        let size = identity.size;
        let parts_ok = self.part_size > 0
            && size.div_ceil(self.part_size) >= self.parts.len() as u64
            && self.parts.iter().enumerate().all(|(i, p)| p.number as usize == i + 1);
        if !parts_ok {
            return Some("its parts do not fit the file");
        }
        None
    }
}

/// Read the resume file. `Ok(None)` when it does not exist; an unreadable or malformed file
/// is `Err` with the reason (the caller starts afresh and says so).
pub fn load(path: &Path) -> std::result::Result<Option<ResumeState>, String> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let bytes = crate::fsio::read_small(path, MAX_STATE_FILE).map_err(|e| e.reason())?;
    serde_json::from_slice::<ResumeState>(&bytes).map(Some).map_err(|_| "it is not a valid resume file".to_owned())
}

/// Write `state` to `path` atomically: temporary file (0600) in the same directory, fsync,
/// rename over `path`, fsync of the directory.
pub fn save(path: &Path, state: &ResumeState) -> Result<()> {
    let fail = |e: std::io::Error| Error::file(path, format!("cannot write the resume file: {e}"));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| Error::file(path, "is not a file path"))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let text = serde_json::to_vec_pretty(state).map_err(|e| fail(std::io::Error::other(e)))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let write = || -> std::io::Result<()> {
        let mut f = opts.open(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Remove the resume file after a finished upload. A file already gone is fine.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::file(path, format!("cannot remove the finished resume file: {e}"))),
    }
}

/// The resume file's path as messages quote it.
pub(crate) fn shown(path: &Path) -> String {
    path_for_message(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_with_0600_and_loads_back() {
        let dir = std::env::temp_dir().join(format!("agc-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("state.json");
        let id = Identity { size: 10, mtime_ns: 5, dev: 1, ino: 2 };
        let session = Session { object_id: "o".into(), upload_id: "u".into(), part_min_size: 4, part_max_size: 8 };
        let mut st = ResumeState::new("1", "a.app", id.clone(), 4, &session);
        assert_eq!(load(&p).unwrap(), None);
        save(&p, &st).unwrap();
        st.parts.push(PartRecord { number: 1, sha256: "x".into(), etag: "\"e\"".into(), part_object_id: "p".into() });
        save(&p, &st).unwrap();
        assert_eq!(load(&p).unwrap().as_ref(), Some(&st));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(st.mismatch("1", "a.app", &id), None);
        assert!(st.mismatch("1", "a.app", &Identity { size: 11, ..id.clone() }).is_some());
        assert!(st.mismatch("2", "a.app", &id).is_some());
        std::fs::write(&p, "garbage").unwrap();
        assert!(load(&p).is_err());
        remove(&p).unwrap();
        remove(&p).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
