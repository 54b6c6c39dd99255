//! What is being uploaded: the package kind, its name, and AGC's rules, all checked before
//! any network I/O.
//!
//! Rules (docs/protocol.md, section 4): only `.app` packages for HarmonyOS (a raw `.hap` is
//! refused), a HarmonyOS app at most 4 GiB, an atomic service at most 10 MiB, profile
//! pictures (PNG, JPEG, WebP) at most 10 MiB of plaintext. The suffix of the name requested
//! for the upload URL must match the file's real type, which we check by its magic bytes.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// 4 GiB: the largest HarmonyOS app package AGC accepts.
pub const HARMONY_APP_MAX: u64 = 4 * 1024 * 1024 * 1024;
/// 10 MiB: the largest atomic service package AGC accepts.
pub const ATOMIC_SERVICE_MAX: u64 = 10 * 1024 * 1024;
/// 10 MiB: the largest profile picture (plaintext, before sealing).
pub const PROFILE_PICTURE_MAX: u64 = 10 * 1024 * 1024;

/// What kind of file is uploaded (the C layer's `agc_package_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageKind {
    /// A HarmonyOS app package (`.app`, a ZIP archive), at most 4 GiB.
    HarmonyApp,
    /// A HarmonyOS atomic service package (`.app`), at most 10 MiB.
    AtomicService,
    /// A user profile picture (`.png`, `.jpg`/`.jpeg`, `.webp`), at most 10 MiB; it is
    /// sealed (encrypted) before upload and only ciphertext leaves the machine.
    ProfilePicture,
}

impl PackageKind {
    /// Human name, used in messages.
    pub fn describe(self) -> &'static str {
        match self {
            PackageKind::HarmonyApp => "a HarmonyOS app",
            PackageKind::AtomicService => "an atomic service",
            PackageKind::ProfilePicture => "a profile picture",
        }
    }

    /// The largest accepted file, in bytes.
    pub fn max_size(self) -> u64 {
        match self {
            PackageKind::HarmonyApp => HARMONY_APP_MAX,
            PackageKind::AtomicService => ATOMIC_SERVICE_MAX,
            PackageKind::ProfilePicture => PROFILE_PICTURE_MAX,
        }
    }

    fn allowed_suffixes(self) -> &'static [&'static str] {
        match self {
            PackageKind::HarmonyApp | PackageKind::AtomicService => &["app"],
            PackageKind::ProfilePicture => &["png", "jpg", "jpeg", "webp"],
        }
    }
}

/// The real content type, from the first bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Zip,
    Png,
    Jpeg,
    Webp,
    Unknown,
}

fn sniff(head: &[u8]) -> Magic {
    if head.starts_with(b"PK\x03\x04") {
        Magic::Zip
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Magic::Png
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Magic::Jpeg
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Magic::Webp
    } else {
        Magic::Unknown
    }
}

fn expected_magic(suffix: &str) -> Magic {
    match suffix {
        "app" => Magic::Zip,
        "png" => Magic::Png,
        "jpg" | "jpeg" => Magic::Jpeg,
        "webp" => Magic::Webp,
        _ => Magic::Unknown,
    }
}

/// The lowercase suffix of a file name (`"x.APP"` -> `"app"`), if it has one.
pub(crate) fn suffix_of(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Check a name we will send as `fileName`: non-empty, at most 255 bytes, no path separators,
/// no control, format or separator characters (U+202E, U+2028, ...: see
/// `text::is_hidden_or_control`), and not only a suffix (`.app` has no name before its dot).
pub fn check_file_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 255 {
        return Err(Error::InvalidArgument(format!("file name must be 1 to 255 bytes, got {}", name.len())));
    }
    if name.chars().any(|c| c == '/' || c == '\\' || crate::text::bounds::is_hidden_or_control(c))
        || name == "."
        || name == ".."
    {
        return Err(Error::InvalidArgument(
            "file name must not contain path separators, control characters, or invisible (format or separator) characters"
                .into(),
        ));
    }
    if matches!(name.rsplit_once('.'), Some(("", _))) {
        return Err(Error::InvalidArgument(format!(
            "file name '{}' is only a suffix: it needs a name before the dot",
            crate::error::bounded(name, 64)
        )));
    }
    Ok(())
}

/// A file that passed every local rule, opened once and kept open, so the bytes we hash and
/// upload are those of the file we checked (a rename of the path afterwards does not matter).
#[derive(Debug)]
pub struct Package {
    pub(crate) file: File,
    pub(crate) size: u64,
    pub(crate) file_name: String,
    pub(crate) kind: PackageKind,
    /// The path it was opened from (for messages only: the open file is what is read).
    pub(crate) path: PathBuf,
    /// The first bytes as validated (their type was checked): what is sealed must start
    /// with them.
    pub(crate) head: [u8; HEAD_LEN],
    /// How many bytes of `head` the file had.
    pub(crate) head_len: usize,
}

/// How many leading bytes decide the content type.
pub(crate) const HEAD_LEN: usize = 12;

impl Package {
    /// Open and check `path` for `kind`. `file_name` overrides the name sent to AGC (its
    /// suffix must still match the content); by default it is the path's last component.
    pub fn open(path: &Path, kind: PackageKind, file_name: Option<&str>) -> Result<Package> {
        // Never blocks on a FIFO; anything but a regular file is refused before any read.
        let (file, meta) = crate::fsio::open_regular(path).map_err(|e| e.into_error(path))?;
        let size = meta.len();
        if size == 0 {
            return Err(Error::file(path, "is empty"));
        }

        let file_name = match file_name {
            Some(n) => n.to_owned(),
            None => path
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| {
                    Error::InvalidArgument(
                        "the file's own name is not valid UTF-8, and AGC needs a UTF-8 name: set the file name \
                         to send (agc_upload_options_set_file_name in C, UploadRequest::file_name in Rust, \
                         file_name= in Python)"
                            .into(),
                    )
                })?
                .to_owned(),
        };
        check_file_name(&file_name)?;

        let allowed = kind.allowed_suffixes();
        let suffix = suffix_of(&file_name).unwrap_or_default();
        if suffix == "hap" || suffix == "hsp" {
            return Err(Error::FileType(format!(
                "'{file_name}': AGC refuses a raw .{suffix}; upload the signed .app package"
            )));
        }
        if !allowed.contains(&suffix.as_str()) {
            return Err(Error::FileType(format!(
                "'{file_name}' has suffix '.{suffix}', but {} must be {}",
                kind.describe(),
                allowed.iter().map(|s| format!(".{s}")).collect::<Vec<_>>().join(", ")
            )));
        }
        if size > kind.max_size() {
            return Err(Error::FileTooLarge { size, limit: kind.max_size(), kind: kind.describe() });
        }

        let mut head = [0u8; HEAD_LEN];
        let n = read_head(&file, &mut head).map_err(|e| Error::file(path, crate::fsio::describe_io(&e)))?;
        let found = sniff(&head[..n]);
        let wanted = expected_magic(&suffix);
        if found != wanted {
            let what = match found {
                Magic::Zip => "a ZIP archive",
                Magic::Png => "a PNG image",
                Magic::Jpeg => "a JPEG image",
                Magic::Webp => "a WebP image",
                Magic::Unknown => "of an unrecognised type",
            };
            let need = match wanted {
                Magic::Zip => "a .app package must be a ZIP archive",
                _ => "the image type must match the suffix",
            };
            return Err(Error::FileType(format!("'{file_name}' is {what}, but {need}")));
        }

        Ok(Package { file, size, file_name, kind, path: path.to_path_buf(), head, head_len: n })
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The kind it was checked for.
    pub fn kind(&self) -> PackageKind {
        self.kind
    }

    /// The name sent to AGC as `fileName`.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
}

fn read_head(mut file: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(suffix_of("a.APP").as_deref(), Some("app"));
        assert_eq!(suffix_of("a.tar.gz").as_deref(), Some("gz"));
        assert_eq!(suffix_of(".app"), None);
        assert_eq!(suffix_of("app"), None);
        assert_eq!(suffix_of("x."), None);
    }

    #[test]
    fn magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Magic::Zip);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxxxx"), Magic::Png);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Magic::Jpeg);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBP"), Magic::Webp);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), Magic::Unknown);
        assert_eq!(sniff(b"PK"), Magic::Unknown);
    }

    #[test]
    fn names() {
        assert!(check_file_name("ok.app").is_ok());
        assert!(check_file_name("a/b.app").is_err());
        assert!(check_file_name("a\nb.app").is_err());
        assert!(check_file_name("").is_err());
        assert!(check_file_name(&"x".repeat(256)).is_err());
        for bad in [".app", ".png", "x\u{202E}ppa.png", "a\u{2028}b.app", "a\u{200B}.app", "a\u{A0}b.app"] {
            assert!(matches!(check_file_name(bad), Err(Error::InvalidArgument(_))), "{bad:?}");
        }
        for good in ["a b.app", ".hidden.app", "é中.app", "a.b.app"] {
            assert!(check_file_name(good).is_ok(), "{good:?}");
        }
    }
}
