//! Opening the files a caller names, safely: never block, never read what is not a regular
//! file, never read more than a cap.
//!
//! Every opener of a caller's file goes through [`open_regular`]: the package to upload, the
//! input of `seal_file`/`open_file`, the CA bundle and the service-account key file. It opens
//! with `O_NONBLOCK` (a FIFO would otherwise block `open()` until a writer appears, before
//! any progress callback could cancel), checks the *opened* descriptor with `fstat`, refuses
//! anything that is not a regular file, then clears `O_NONBLOCK` again. The small readers
//! (CA bundle, key file) read through [`read_small`], which stops at a cap, so a huge file
//! or a `/proc` file that never ends cannot eat the memory. [`read_small_file`] (and [`read_small_file_no_link`]) is the same
//! rule for callers (the `agcupload` tool reads its secret file, seal key file and release
//! notes through it).

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::Error;
use crate::text::bounds::path_for_message;

/// The cap of [`read_small`] for the CA bundle and the key file: 4 MiB (Mozilla's whole root
/// store is about 250 KiB, a key file about 3 KiB).
pub(crate) const SMALL_FILE_MAX: u64 = 4 * 1024 * 1024;

/// Why a caller's file cannot be used.
#[derive(Debug)]
pub(crate) enum FsError {
    /// Opening, `fstat` or reading failed (missing, permission denied, ...).
    Io(io::Error),
    /// It is not a regular file; the text says what it is instead.
    NotRegular(&'static str),
    /// It holds more than the cap (the number).
    TooLarge(u64),
}

impl FsError {
    /// The reason in words, without the path.
    pub(crate) fn reason(&self) -> String {
        match self {
            FsError::Io(e) => describe_io(e),
            FsError::NotRegular(what) => format!("is {what}, not a regular file"),
            FsError::TooLarge(cap) => format!("is larger than {}, which is too large for this file", size_words(*cap)),
        }
    }

    /// `Error::File` (AGC_ERR_FILE) naming `path` (bounded when shown).
    pub(crate) fn into_error(self, path: &Path) -> Error {
        Error::file(path, self.reason())
    }

    /// Whether the file itself is unsuitable (special file, over the cap), as opposed to an
    /// I/O failure. Such refusals are always `Error::File`, whatever the opener.
    pub(crate) fn is_unsuitable(&self) -> bool {
        !matches!(self, FsError::Io(_))
    }

    /// The message of an I/O failure for a reader that reports another status (for example
    /// "cannot read CA file <bounded path>: no such file").
    pub(crate) fn message(&self, what: &str, path: &Path) -> String {
        format!("cannot read {what} {}: {}", path_for_message(path), self.reason())
    }
}

/// A cap in words: whole MiB or KiB when it is one, else bytes.
fn size_words(cap: u64) -> String {
    match cap {
        c if c >= 1 << 20 && c % (1 << 20) == 0 => format!("{} MiB", c >> 20),
        c if c >= 1 << 10 && c % (1 << 10) == 0 => format!("{} KiB", c >> 10),
        1 => "1 byte".into(),
        c => format!("{c} bytes"),
    }
}

/// Read a small file that a caller names (a secret file, a key file, a release note) by the
/// library's file rules, so that every reader of such a file behaves the same:
///
/// - opened without blocking and without taking a terminal (`O_NONBLOCK | O_NOCTTY`), so a
///   FIFO with no writer cannot hang the caller;
/// - only a regular file, checked with `fstat` on the opened descriptor: a directory, a FIFO,
///   a socket or a device (`/dev/zero`, `/dev/stdin` on a terminal) is refused;
/// - at most `max` bytes: a larger file is refused without reading more than `max + 1` bytes
///   (a file in `/proc` that reports size 0 is capped too);
/// - the bytes are returned in a buffer that is wiped when dropped (so is every smaller
///   buffer it outgrew), as the content may be a secret.
///
/// Symbolic links are followed (the caller decides whether a link is acceptable).
///
/// # Errors
///
/// [`Error::File`] (`AGC_ERR_FILE`) naming the path, quoted bounded (at most 200 bytes,
/// control and invisible characters replaced) when shown, and the reason ("is a FIFO (named
/// pipe), not a regular file", "is larger than 4 KiB, ...", "no such file", ...). The error
/// never holds any of the file's content.
pub fn read_small_file(path: &Path, max: u64) -> crate::error::Result<Zeroizing<Vec<u8>>> {
    read_small(path, max).map_err(|e| e.into_error(path))
}

/// [`read_small_file`], but a symbolic link as the last component of `path` is refused
/// ("is a symbolic link, not a regular file") instead of followed, by the open itself
/// (`O_NOFOLLOW`), so a link cannot be swapped in after a check. For files found in a
/// directory (the `agcupload` tool's release notes), where a link could lead outside it.
///
/// # Errors
///
/// As [`read_small_file`].
pub fn read_small_file_no_link(path: &Path, max: u64) -> crate::error::Result<Zeroizing<Vec<u8>>> {
    read_small_with(path, max, Links::Refuse).map_err(|e| e.into_error(path))
}

/// A caller's path as the library's messages quote it: lossy UTF-8, at most 200 bytes, and
/// control, format (bidi, zero-width) and separator characters replaced by spaces, so a
/// hostile file name can neither forge a log line (a newline then `::error`) nor send
/// terminal escapes.
pub fn quote_path(path: &Path) -> String {
    path_for_message(path)
}

/// What a non-regular file is, in words.
fn kind_of(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    Some("a special file")
}

/// Open `path` for reading without blocking, and only if the opened descriptor is a regular
/// file. Returns the file (blocking mode restored, positioned at 0) and its `fstat` metadata.
pub(crate) fn open_regular(path: &Path) -> Result<(File, Metadata), FsError> {
    open_regular_with(path, Links::Follow)
}

/// [`open_regular`], but a symbolic link as the last component is refused by the open itself
/// (`O_NOFOLLOW`): for files found in a folder, where a link could lead outside it.
pub(crate) fn open_regular_no_link(path: &Path) -> Result<(File, Metadata), FsError> {
    open_regular_with(path, Links::Refuse)
}

/// Whether the last component of a path may be a symbolic link.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Links {
    Follow,
    Refuse,
}

fn open_regular_with(path: &Path, links: Links) -> Result<(File, Metadata), FsError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO opens at once instead of waiting for a writer. O_NOCTTY: a
        // terminal never becomes our controlling terminal. O_NOFOLLOW: a link is refused by
        // the open itself (no window between a check and the open).
        let nofollow = if links == Links::Refuse { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | nofollow);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) => {
            let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            if links == Links::Refuse && is_link {
                return Err(FsError::NotRegular("a symbolic link"));
            }
            // A socket cannot be opened at all (ENXIO): say what it is rather than the errno.
            if let Some(what) = std::fs::metadata(path).ok().as_ref().and_then(kind_of) {
                return Err(FsError::NotRegular(what));
            }
            return Err(FsError::Io(e));
        }
    };
    let meta = file.metadata().map_err(FsError::Io)?;
    if let Some(what) = kind_of(&meta) {
        return Err(FsError::NotRegular(what));
    }
    #[cfg(unix)]
    clear_nonblocking(&file).map_err(FsError::Io)?;
    Ok((file, meta))
}

#[cfg(unix)]
fn clear_nonblocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl with F_GETFL/F_SETFL on a descriptor that `file` owns and keeps open;
    // no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    if flags & libc::O_NONBLOCK != 0 {
        // SAFETY: as above.
        if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Read a small regular file whole, at most `cap` bytes (more is [`FsError::TooLarge`], found
/// without reading past `cap + 1` bytes). The buffer is wiped when dropped, and so is every
/// smaller buffer it outgrew, as the content may be a private key.
pub(crate) fn read_small(path: &Path, cap: u64) -> Result<Zeroizing<Vec<u8>>, FsError> {
    read_small_with(path, cap, Links::Follow)
}

fn read_small_with(path: &Path, cap: u64, links: Links) -> Result<Zeroizing<Vec<u8>>, FsError> {
    let (mut file, meta) = open_regular_with(path, links)?;
    #[cfg(not(unix))]
    if links == Links::Refuse && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(FsError::NotRegular("a symbolic link"));
    }
    if meta.len() > cap {
        return Err(FsError::TooLarge(cap));
    }
    // One byte more than the size fstat gave, to see the end without growing (files in
    // /proc report size 0 and still have content: those grow below, up to the cap).
    let limit = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    let first = usize::try_from(meta.len()).unwrap_or(limit).saturating_add(1).max(4096).min(limit);
    let mut buf = Zeroizing::new(vec![0u8; first]);
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if filled >= limit {
                return Err(FsError::TooLarge(cap));
            }
            let mut bigger = Zeroizing::new(vec![0u8; buf.len().saturating_mul(2).min(limit)]);
            bigger[..filled].copy_from_slice(&buf[..filled]);
            buf = bigger; // the smaller buffer is wiped as it drops
        }
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FsError::Io(e)),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// An I/O error in words, without the `(os error N)` noise where we can do better.
pub(crate) fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// `e` without the path `tempfile` adds to its errors' messages (`... at path "..."`): messages
/// quote a caller's path themselves, bounded. Its wrapper hides the OS error, so the text is cut.
pub(crate) fn without_path(e: std::io::Error) -> std::io::Error {
    if e.get_ref().is_none() {
        return e;
    }
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((bare, _)) => std::io::Error::new(e.kind(), bare.to_owned()),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_loses_the_path_a_wrapper_added() {
        let dir = std::env::temp_dir().join(format!("agc-fsio-gone-{}", std::process::id())).join("sub");
        let e = tempfile::Builder::new().tempfile_in(&dir).unwrap_err();
        assert!(e.to_string().contains("agc-fsio-gone"), "tempfile names the path: {e}");
        let bare = without_path(e);
        assert_eq!(bare.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(bare.to_string(), std::io::Error::from_raw_os_error(libc::ENOENT).to_string());
        let plain = std::io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(without_path(plain).raw_os_error(), Some(libc::ENOSPC));
    }

    #[test]
    fn reads_small_files_and_caps_them() {
        let dir = std::env::temp_dir().join(format!("agc-fsio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("f");
        std::fs::write(&p, vec![b'a'; 10_000]).unwrap();
        assert_eq!(read_small(&p, 10_000).unwrap().len(), 10_000);
        assert!(matches!(read_small(&p, 9_999), Err(FsError::TooLarge(9_999))));
        assert!(matches!(read_small(&dir, 100), Err(FsError::NotRegular("a directory"))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_public_reader_names_the_path_bounded_and_the_cap_in_words() {
        let dir = std::env::temp_dir().join(format!("agc-fsio-pub-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("secret\n::error x");
        std::fs::write(&p, "hunter2-hunter2").unwrap();
        assert_eq!(&read_small_file(&p, 15).unwrap()[..], b"hunter2-hunter2");
        let e = read_small_file(&p, 8).unwrap_err();
        assert_eq!(e.status(), crate::Status::File);
        let shown = e.to_string();
        assert!(shown.contains("larger than 8 bytes") && !shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains('\n') && shown.contains("secret ::error x"), "{shown}");
        assert!(read_small_file(&dir, 100).unwrap_err().to_string().contains("a directory"));
        assert_eq!(size_words(4096), "4 KiB");
        assert_eq!(size_words(4 << 20), "4 MiB");
        assert_eq!(size_words(32), "32 bytes");
        #[cfg(unix)]
        {
            let link = dir.join("link");
            std::os::unix::fs::symlink(&p, &link).unwrap();
            assert_eq!(&read_small_file(&link, 15).unwrap()[..], b"hunter2-hunter2");
            let e = read_small_file_no_link(&link, 15).unwrap_err().to_string();
            assert!(e.contains("is a symbolic link") && !e.contains("hunter2"), "{e}");
            assert_eq!(&read_small_file_no_link(&p, 15).unwrap()[..], b"hunter2-hunter2");
        }
        assert_eq!(quote_path(Path::new("a\n\u{1b}[31mb")), "a  [31mb");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_files_that_claim_size_zero_are_capped() {
        // /proc/self/maps is a regular file of size 0 with content.
        let got = read_small(Path::new("/proc/self/maps"), SMALL_FILE_MAX).unwrap();
        assert!(!got.is_empty());
        assert!(matches!(read_small(Path::new("/proc/self/maps"), 16), Err(FsError::TooLarge(16))));
    }
}
