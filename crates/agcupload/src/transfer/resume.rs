//! The resume file of a multipart upload: what a later run needs to send only the parts
//! still missing, and nothing that would be dangerous to leave on disk.
//!
//! It holds a format marker and version, the app id, the file name AGC records, the file's
//! identity (size, mtime, device, inode), the part size, AGC's object and upload ids and part
//! size bounds, and each finished part's number, SHA-256, ETag and part object id. Never a
//! token, a secret, a signed URL or a signed header.
//!
//! Promises, because the path is the caller's:
//! - A path that holds anything but a resume file of ours (its marker and version) is refused
//!   before any request, and so is the package's own file: nothing of the user's is
//!   overwritten or deleted.
//! - Every write is atomic: a temporary file with a random name in the same directory,
//!   created by `tempfile` with `O_CREAT|O_EXCL` and mode 0600 (a link planted at its name
//!   makes the create fail and another name be tried: it is never followed), fsync, rename
//!   over the path, fsync of the directory; removed on any failure. The first state is moved
//!   into place without replacing anything (`renameat2(RENAME_NOREPLACE)` or `link`): a file
//!   that appeared meanwhile is left as it is. A run killed at any moment leaves the previous
//!   state or the new one.
//! - One upload at a time: the file is held under an advisory lock (`flock`) from before the
//!   first request to the end, each new version locked before it is renamed into place, so a
//!   second upload on the same file (a thread or a process) is refused up front, never after
//!   its parts were sent. The lock is the one part done by hand (`tempfile` has none): it is
//!   taken on the temporary file's descriptor, which then holds the final file.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connect::multipart::{Session, MAX_PARTS, PART_MAX_SIZE};
use crate::error::{Error, Result};
use crate::fsio::without_path;
use crate::text::bounds::path_for_message;

/// The marker every resume file carries (`"format"`).
const FORMAT: &str = "agcupload-resume";
/// The format version written; other versions are not resumed (but are ours to replace).
const VERSION: u32 = 2;
/// A resume file is small: a few lines per part, at most 10 000 parts.
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
    pub fn of(meta: &std::fs::Metadata) -> Identity {
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

    /// Is this the same file as `other` (device and inode, where the platform has them)?
    fn same_file(&self, other: &Identity) -> bool {
        cfg!(unix) && self.dev == other.dev && self.ino == other.ino
    }
}

/// One finished part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    /// 1-based part number.
    pub number: u32,
    /// Lowercase hex SHA-256 of the part's bytes as they were sent.
    pub sha256: String,
    /// The ETag the upload host answered, verbatim.
    pub etag: String,
    /// The part object id of its part URL (empty when AGC gave none).
    pub part_object_id: String,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeState {
    /// Always `agcupload-resume`: what tells a resume file of ours from anything else.
    pub format: String,
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
    /// AGC's object id (empty while the session is being opened).
    pub object_id: String,
    /// AGC's `nspUploadId` (empty while the session is being opened).
    pub upload_id: String,
    /// `nspPartMinSize` and `nspPartMaxSize` of the session.
    pub part_min_size: u64,
    /// See `part_min_size`.
    pub part_max_size: u64,
    /// The finished parts, numbered 1..=n in order.
    pub parts: Vec<PartRecord>,
}

impl ResumeState {
    /// The state of an upload whose session is not open yet (written first, so that the file
    /// is held before any request; a state without a session is never resumed).
    pub fn pending(app_id: &str, file_name: &str, identity: Identity) -> ResumeState {
        ResumeState {
            format: FORMAT.to_owned(),
            version: VERSION,
            app_id: app_id.to_owned(),
            file_name: file_name.to_owned(),
            identity,
            part_size: 0,
            object_id: String::new(),
            upload_id: String::new(),
            part_min_size: 0,
            part_max_size: 0,
            parts: Vec::new(),
        }
    }

    /// The state of a session just opened.
    pub fn opened(mut self, session: &Session, part_size: u64) -> ResumeState {
        self.object_id = session.object_id.clone();
        self.upload_id = session.upload_id.clone();
        self.part_min_size = session.part_min_size;
        self.part_max_size = session.part_max_size;
        self.part_size = part_size;
        self.parts.clear();
        self
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

    /// Why this state cannot resume an upload of `file_name` of `app_id` from a file with
    /// `identity` (None: it can). Every value read back is held to the bounds of a fresh
    /// upload: the part size within the session's bounds and AGC's 100 MB, at most
    /// [`MAX_PARTS`] parts, the parts numbered from 1 and fitting the file.
    pub fn mismatch(&self, app_id: &str, file_name: &str, identity: &Identity) -> Option<String> {
        if self.upload_id.is_empty() || self.object_id.is_empty() {
            return Some("its upload session was never opened".into());
        }
        if self.app_id != app_id || self.file_name != file_name {
            return Some("it belongs to another app or file name".into());
        }
        if &self.identity != identity {
            return Some("the file changed since it was written (size, modification time or inode differ)".into());
        }
        if let Err(why) = check_part_size(self.part_size, &self.session(), identity.size) {
            return Some(format!("its part size is not usable: {why}"));
        }
        let count = identity.size.div_ceil(self.part_size);
        let parts_ok = count >= self.parts.len() as u64
            && self.parts.iter().enumerate().all(|(i, p)| p.number as usize == i + 1 && is_hex_digest(&p.sha256));
        if !parts_ok {
            return Some("its parts do not fit the file".into());
        }
        None
    }
}

/// Can a file of `size` bytes go in parts of `part_size` in `session`? The one bound of a
/// part size, for a fresh upload's choice and for a value read back from a resume file.
/// `Err` says why not.
pub(crate) fn check_part_size(part_size: u64, session: &Session, size: u64) -> std::result::Result<(), String> {
    let (min, max) = (session.part_min_size, session.part_max_size.min(PART_MAX_SIZE));
    if session.part_min_size == 0 || session.part_min_size > session.part_max_size {
        return Err(format!("the part size bounds {min}..{} are not valid", session.part_max_size));
    }
    if part_size < min || part_size > max {
        return Err(format!("{part_size} bytes is outside {min}..{max}"));
    }
    if size.div_ceil(part_size) > MAX_PARTS {
        return Err(format!("{part_size}-byte parts would make more than {MAX_PARTS} parts"));
    }
    Ok(())
}

fn is_hex_digest(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the resume path held when the upload began.
#[derive(Debug)]
pub enum Found {
    /// Nothing: a fresh upload.
    Nothing,
    /// A resume file of ours that cannot be resumed; the reason (the caller starts afresh,
    /// replaces it and says so).
    Unusable(String),
    /// A state to resume from (still to be checked against the file: [`ResumeState::mismatch`]).
    State(Box<ResumeState>),
}

/// The resume file, held for one upload (see the module's promises). Dropping it releases
/// the lock and leaves the file as it is.
pub struct ResumeFile {
    path: PathBuf,
    dir: PathBuf,
    /// The descriptor whose lock holds the file (the inode at `path`).
    #[cfg(unix)]
    held: File,
    /// Does the file record parts sent (else it is removed when the upload fails: nothing in
    /// it would spare a rerun any byte)?
    keeps: bool,
}

impl std::fmt::Debug for ResumeFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumeFile").field("path", &shown(&self.path)).finish()
    }
}

/// Refuse `path` unless it is free or a resume file of ours, and never the package itself
/// (`package`: its identity). Reads, writes nothing. For an upload that will not use the
/// resume file (one PUT), so that the same paths are refused whatever the transfer.
pub fn check(path: &Path, package: &Identity) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        _ => {
            let (mut file, meta) = crate::fsio::open_regular(path).map_err(|e| refused(path, &e.reason()))?;
            classify(path, &mut file, &Identity::of(&meta), package).map(|_| ())
        }
    }
}

/// Take the resume file at `path` for an upload of the package whose identity is `package`,
/// before any request: refused (`InvalidArgument`) when the path holds anything but a resume
/// file of ours, is the package itself, or is held by another upload. When nothing is
/// there, a pending state (`pending`) is written and held at once.
pub fn acquire(path: &Path, package: &Identity, pending: &ResumeState) -> Result<(ResumeFile, Found)> {
    let name = path.file_name().filter(|n| !n.is_empty()).ok_or_else(|| refused(path, "is not a file path"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let _ = name;
    // A few rounds at most: each repeat means another upload replaced or removed the file
    // between our open and our lock.
    for _ in 0..16 {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut rf = ResumeFile::new(path, dir.clone())?;
                match rf.create(pending)? {
                    true => return Ok((rf, Found::Nothing)),
                    false => continue,
                }
            }
            Err(e) => return Err(refused(path, &crate::fsio::describe_io(&e))),
            Ok(_) => {}
        }
        let (mut file, meta) = match crate::fsio::open_regular(path) {
            Ok(f) => f,
            // A link whose target is gone: nothing to resume, and not ours to replace.
            Err(crate::fsio::FsError::Io(e))
                if e.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) =>
            {
                return Err(refused(path, "is a symbolic link to a file that does not exist"))
            }
            Err(crate::fsio::FsError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(refused(path, &e.reason())),
        };
        let found = classify(path, &mut file, &Identity::of(&meta), package)?;
        #[cfg(unix)]
        {
            lock(&file, path)?;
            // Replaced or removed between the open and the lock: look again.
            let now = std::fs::metadata(path).ok().map(|m| Identity::of(&m));
            if !now.is_some_and(|n| n.same_file(&Identity::of(&meta))) {
                continue;
            }
            let keeps = matches!(&found, Found::State(st) if !st.parts.is_empty());
            return Ok((ResumeFile { path: path.to_path_buf(), dir, held: file, keeps }, found));
        }
        #[cfg(not(unix))]
        {
            let keeps = matches!(&found, Found::State(st) if !st.parts.is_empty());
            return Ok((ResumeFile { path: path.to_path_buf(), dir, keeps }, found));
        }
    }
    Err(Error::InvalidArgument(format!(
        "resume file {} keeps being replaced by another upload; try again",
        shown(path)
    )))
}

/// What the open file at `path` is: ours or refused.
fn classify(path: &Path, file: &mut File, this: &Identity, package: &Identity) -> Result<Found> {
    if this.same_file(package) {
        return Err(refused(path, "is the package being uploaded"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_STATE_FILE + 1).read_to_end(&mut bytes).map_err(|e| refused(path, &e.to_string()))?;
    let not_ours = || {
        refused(
            path,
            "already exists and is not an agcupload resume file; it was left as it is (name a new path, or \
             remove it if it is not needed)",
        )
    };
    if bytes.len() as u64 > MAX_STATE_FILE {
        return Err(not_ours());
    }
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(not_ours());
    };
    let marked = root.get("format").and_then(Value::as_str) == Some(FORMAT);
    // The first format had no marker: its exact shape (version 1 and the session's fields).
    let first_format = root.get("format").is_none()
        && root.get("version").and_then(Value::as_u64) == Some(1)
        && ["app_id", "file_name", "identity", "part_size", "object_id", "upload_id", "parts"]
            .iter()
            .all(|k| root.contains_key(*k));
    if !marked && !first_format {
        return Err(not_ours());
    }
    if root.get("version").and_then(Value::as_u64) != Some(VERSION as u64) {
        return Ok(Found::Unusable("it was written by another version of agcupload".into()));
    }
    match serde_json::from_value::<ResumeState>(Value::Object(root)) {
        Ok(st) => Ok(Found::State(Box::new(st))),
        Err(_) => Ok(Found::Unusable("it is damaged".into())),
    }
}

fn refused(path: &Path, why: &str) -> Error {
    Error::InvalidArgument(format!("resume file {} {why}", shown(path)))
}

/// Take the advisory lock without waiting: held elsewhere means another upload.
#[cfg(unix)]
fn lock(file: &File, path: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor `file` owns and keeps open; no memory is passed.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => {
                return Err(refused(path, "is in use by another upload (one resume file serves one upload at a time)"))
            }
            _ => return Err(refused(path, &format!("cannot be locked: {e}"))),
        }
    }
}

impl ResumeFile {
    fn new(path: &Path, dir: PathBuf) -> Result<ResumeFile> {
        // A placeholder descriptor until the first write: the directory itself.
        #[cfg(unix)]
        let held = File::open(&dir).map_err(|e| refused(path, &format!("cannot be created here: {e}")))?;
        Ok(ResumeFile {
            path: path.to_path_buf(),
            dir,
            #[cfg(unix)]
            held,
            keeps: false,
        })
    }

    /// The path as messages quote it.
    pub fn shown(&self) -> String {
        shown(&self.path)
    }

    /// Write the first state where nothing is: `false` when another upload got there first.
    fn create(&mut self, state: &ResumeState) -> Result<bool> {
        let tmp = self.write_temp(state)?;
        // Fails rather than replace a file that appeared meanwhile; the temporary file is
        // removed when the error (which holds it) is dropped.
        match tmp.persist_noclobber(&self.path) {
            Ok(file) => {
                self.hold(file);
                self.sync_dir();
                Ok(true)
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(refused(&self.path, &format!("cannot be created: {}", without_path(e.error)))),
        }
    }

    /// Replace the state atomically.
    pub fn save(&mut self, state: &ResumeState) -> Result<()> {
        let tmp = self.write_temp(state)?;
        let file = tmp
            .persist(&self.path)
            .map_err(|e| Error::file(&self.path, format!("cannot write the resume file: {}", without_path(e.error))))?;
        self.hold(file);
        self.sync_dir();
        self.keeps = !state.parts.is_empty();
        Ok(())
    }

    /// The state, written and synced to a new temporary file in the same directory, locked
    /// (removed again when it is dropped unpersisted).
    fn write_temp(&self, state: &ResumeState) -> Result<tempfile::NamedTempFile> {
        let fail =
            |e: std::io::Error| Error::file(&self.path, format!("cannot write the resume file: {}", without_path(e)));
        let text = serde_json::to_vec_pretty(state).map_err(|e| fail(std::io::Error::other(e)))?;
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut builder = tempfile::Builder::new();
        let prefix = format!(".{name}.");
        builder.prefix(&prefix).suffix(".tmp").rand_bytes(16);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
        let mut tmp = builder.tempfile_in(&self.dir).map_err(fail)?;
        #[cfg(unix)]
        lock(tmp.as_file(), &self.path)?;
        tmp.write_all(&text).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        Ok(tmp)
    }

    #[cfg(unix)]
    fn hold(&mut self, file: File) {
        self.held = file;
    }

    #[cfg(not(unix))]
    fn hold(&mut self, _: File) {}

    fn sync_dir(&self) {
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
    }

    /// Remove the file (a finished upload).
    pub fn remove(self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::file(&self.path, format!("cannot remove the finished resume file: {e}"))),
        }
    }

    /// Done with a failed upload: the file stays when it records parts sent, else it goes.
    pub fn release_after_failure(self) {
        if !self.keeps {
            let _ = self.remove();
        }
    }
}

/// How many finished parts the resume file at `path` records; `None` when the path holds no
/// resume file of ours (for a caller deciding whether a rerun would send fewer parts).
pub fn recorded_parts(path: &Path) -> Option<usize> {
    let bytes = crate::fsio::read_small(path, MAX_STATE_FILE).ok()?;
    let st = serde_json::from_slice::<ResumeState>(&bytes).ok()?;
    (st.format == FORMAT && st.version == VERSION && !st.upload_id.is_empty()).then_some(st.parts.len())
}

/// The resume file's path as messages quote it.
pub(crate) fn shown(path: &Path) -> String {
    path_for_message(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("agc-resume-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn session() -> Session {
        Session { object_id: "o".into(), upload_id: "u".into(), part_min_size: 4, part_max_size: 8 }
    }

    const PACKAGE: Identity = Identity { size: 10, mtime_ns: 5, dev: 1, ino: 2 };

    #[test]
    fn saves_atomically_with_0600_and_loads_back() {
        let dir = scratch("save");
        let p = dir.join("state.json");
        let pending = ResumeState::pending("1", "a.app", PACKAGE.clone());
        let (mut rf, found) = acquire(&p, &PACKAGE, &pending).unwrap();
        assert!(matches!(found, Found::Nothing));
        let mut st = pending.clone().opened(&session(), 4);
        st.parts.push(PartRecord {
            number: 1,
            sha256: "a".repeat(64),
            etag: "\"e\"".into(),
            part_object_id: "p".into(),
        });
        rf.save(&st).unwrap();
        drop(rf);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (rf, found) = acquire(&p, &PACKAGE, &pending).unwrap();
        let Found::State(back) = found else { panic!("{found:?}") };
        assert_eq!(*back, st);
        assert_eq!(back.mismatch("1", "a.app", &PACKAGE), None);
        assert!(back.mismatch("1", "a.app", &Identity { size: 11, ..PACKAGE.clone() }).is_some());
        assert!(back.mismatch("2", "a.app", &PACKAGE).is_some());
        rf.remove().unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_ours_is_refused_and_left_as_it_is() {
        let dir = scratch("foreign");
        let pending = ResumeState::pending("1", "a.app", PACKAGE.clone());
        for (name, content) in [
            ("notes.txt", &b"my important notes"[..]),
            ("empty", b""),
            ("other.json", br#"{"version":2,"parts":[]}"#),
            ("wrong-marker.json", br#"{"format":"something-else","version":2}"#),
        ] {
            let p = dir.join(name);
            std::fs::write(&p, content).unwrap();
            let e = acquire(&p, &PACKAGE, &pending).unwrap_err();
            assert_eq!(e.status(), crate::Status::InvalidArgument, "{name}: {e}");
            assert!(e.to_string().contains("not an agcupload resume file"), "{e}");
            assert!(check(&p, &PACKAGE).is_err());
            assert_eq!(std::fs::read(&p).unwrap(), content, "{name} untouched");
        }
        // A dangling link, a directory, and the package itself (by device and inode).
        #[cfg(unix)]
        {
            let dangling = dir.join("dangling.resume");
            std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
            let e = acquire(&dangling, &PACKAGE, &pending).unwrap_err();
            assert!(e.to_string().contains("does not exist"), "{e}");
            assert!(!dir.join("nowhere").exists(), "nothing created through the link");
        }
        assert!(acquire(&dir, &PACKAGE, &pending).is_err());
        let pkg = dir.join("pkg.app");
        std::fs::write(&pkg, b"PK\x03\x04").unwrap();
        let id = Identity::of(&std::fs::metadata(&pkg).unwrap());
        let e = acquire(&pkg, &id, &pending).unwrap_err();
        assert!(e.to_string().contains("is the package being uploaded"), "{e}");
        assert_eq!(std::fs::read(&pkg).unwrap(), b"PK\x03\x04");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = scratch("lock");
        let p = dir.join("state.json");
        let pending = ResumeState::pending("1", "a.app", PACKAGE.clone());
        let (mut first, _) = acquire(&p, &PACKAGE, &pending).unwrap();
        let e = acquire(&p, &PACKAGE, &pending).unwrap_err();
        assert!(e.to_string().contains("in use by another upload"), "{e}");
        // Still held after a save (the new inode is locked before it is renamed in).
        first.save(&pending.clone().opened(&session(), 4)).unwrap();
        assert!(acquire(&p, &PACKAGE, &pending).is_err());
        drop(first);
        let (second, found) = acquire(&p, &PACKAGE, &pending).unwrap();
        assert!(matches!(found, Found::State(_)));
        second.remove().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_a_temporary_name_is_never_followed() {
        let dir = scratch("link");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, b"keep me").unwrap();
        // The old, predictable name, planted for every pid around ours.
        for pid in std::process::id().saturating_sub(5)..std::process::id() + 5 {
            std::os::unix::fs::symlink(&victim, dir.join(format!(".state.json.tmp-{pid}"))).unwrap();
        }
        let p = dir.join("state.json");
        let pending = ResumeState::pending("1", "a.app", PACKAGE.clone());
        let (mut rf, _) = acquire(&p, &PACKAGE, &pending).unwrap();
        rf.save(&pending.clone().opened(&session(), 4)).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert!(!std::fs::symlink_metadata(&p).unwrap().file_type().is_symlink());
        rf.remove().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn values_read_back_are_held_to_a_fresh_uploads_bounds() {
        let st = ResumeState::pending("1", "a.app", Identity { size: 12_582_912, ..PACKAGE.clone() });
        let s = Session { object_id: "o".into(), upload_id: "u".into(), part_min_size: 64, part_max_size: 1 << 30 };
        let mut tiny = st.clone().opened(&s, 64);
        tiny.part_size = 64;
        let why = tiny.mismatch("1", "a.app", &tiny.identity.clone()).unwrap();
        assert!(why.contains("part size"), "{why}");
        let big = st.clone().opened(&Session { part_min_size: 5 << 20, ..s.clone() }, 200_000_000);
        assert!(big.mismatch("1", "a.app", &big.identity.clone()).unwrap().contains("part size"));
        let bad_bounds =
            st.clone().opened(&Session { part_min_size: 9 << 20, part_max_size: 8 << 20, ..s.clone() }, 9 << 20);
        assert!(bad_bounds.mismatch("1", "a.app", &bad_bounds.identity.clone()).is_some());
        let ok = st.clone().opened(&Session { part_min_size: 5 << 20, ..s.clone() }, 5 << 20);
        assert_eq!(ok.mismatch("1", "a.app", &ok.identity.clone()), None);
        assert!(st.mismatch("1", "a.app", &st.identity.clone()).unwrap().contains("never opened"));
    }
}
