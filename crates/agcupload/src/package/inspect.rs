//! Offline inspection of a HarmonyOS `.app` package: what its `pack.info` says it is.
//!
//! A `.app` is a ZIP archive. DevEco Studio / hvigor's packing tool writes a `pack.info` (JSON)
//! at its root next to the `.hap`/`.hsp` modules:
//!
//! ```json
//! {"summary": {"app": {"bundleName": "com.example.demo", "bundleType": "app",
//!                      "version": {"code": 1000000, "name": "1.0.0", "minCompatibleVersionCode": 1000000}},
//!              "modules": [{"deviceType": ["phone", "tablet"],
//!                           "distro": {"moduleName": "entry", "moduleType": "entry", "installationFree": false}}]},
//!  "packages": [{"name": "entry-default", "moduleType": "entry", "deviceType": ["phone", "tablet"]}]}
//! ```
//!
//! (layout of OpenHarmony's `BundlePackInfo` and of real packages, as read by icyleaf/app-info's
//! `PackInfo`). `bundleType` is `"app"` or `"atomicService"` (also `"shared"` for a shared
//! library bundle); packages built before it existed mark an atomic service by
//! `distro.installationFree: true` on its modules.
//!
//! Only the end of the file is read: the end-of-central-directory record (and the zip64 one),
//! the central directory, the 32 bytes before it (the signing block's head), and `pack.info`
//! itself. Every read goes through one meter with a hard budget ([`READ_BUDGET`](crate::package::inspect::READ_BUDGET)), so no input,
//! however hostile, makes us read more; a 4 GiB package costs a few KiB. The ZIP reader is the
//! `zip` crate (deflate only); the checks before it (entry count, directory size, duplicate
//! names, signing block) are ours.
//!
//! **Signed packages only.** AGC takes only signed packages. `hap-sign-tool` (OpenHarmony's
//! `HapSignerBlockUtils`) inserts a signing block right before the ZIP central directory; its
//! last 32 bytes are a head `{u32 block count, u64 size, 16-byte magic, u32 version}` whose
//! magic is `"<hap sign block>"` (version 3 and later) or `"HAP Sig Block 42"` (older). A
//! package without that head just before its central directory is refused as unsigned.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{bounded, Error, Result};
use crate::package::rules::{Package, PackageKind};

/// The largest `pack.info` accepted, uncompressed (real ones are 1 to 50 KiB).
pub const PACK_INFO_MAX: u64 = 2 * 1024 * 1024;
/// The most entries a package's ZIP directory may list (a `.app` holds its modules and
/// `pack.info`: a handful).
pub const MAX_ENTRIES: u64 = 10_000;
/// The largest central directory accepted.
pub const CENTRAL_DIRECTORY_MAX: u64 = 4 * 1024 * 1024;
/// The most bytes one inspection may read from the file, whatever it holds.
pub const READ_BUDGET: u64 = TAIL_MAX + 2 * CENTRAL_DIRECTORY_MAX + PACK_INFO_MAX + 512 * 1024;

/// The end-of-central-directory record without its comment.
const EOCD_LEN: usize = 22;
/// The EOCD and the longest comment it can carry.
const TAIL_MAX: u64 = EOCD_LEN as u64 + 0xFFFF;
/// The first look at the tail: enough for an EOCD without a long comment.
const TAIL_FIRST: u64 = 1024;
const EOCD_SIG: &[u8; 4] = b"PK\x05\x06";
const EOCD64_LOCATOR_SIG: &[u8; 4] = b"PK\x06\x07";
const EOCD64_SIG: &[u8; 4] = b"PK\x06\x06";
const EOCD64_LOCATOR_LEN: u64 = 20;
const EOCD64_LEN: usize = 56;
/// The smallest central directory header (no name, extra field or comment).
const CENTRAL_HEADER_MIN: u64 = 46;
/// The head that ends a HAP signing block, right before the central directory.
const SIGN_HEAD_LEN: usize = 32;
const SIGN_MAGIC_V3: &[u8; 16] = b"<hap sign block>";
const SIGN_MAGIC_OLD: &[u8; 16] = b"HAP Sig Block 42";
/// The name of the entry read.
const PACK_INFO: &str = "pack.info";
/// The longest text field kept from `pack.info` (HarmonyOS caps a bundle name at 128 bytes).
const TEXT_MAX: usize = 255;
/// The most modules kept.
const MODULES_MAX: usize = 1000;

/// What a package's `pack.info` says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PackageInfo {
    /// `summary.app.bundleName`, for example `com.example.demo`.
    pub bundle_name: String,
    /// `summary.app.bundleType` (`"app"`, `"atomicService"`, `"shared"`, ...); when the
    /// package has none, `"atomicService"` if every module is installation-free, else `"app"`.
    pub bundle_type: String,
    /// The upload kind the package is, if it is one ([`PackageKind::HarmonyApp`] or
    /// [`PackageKind::AtomicService`]); `None` for another bundle type.
    pub kind: Option<PackageKind>,
    /// `summary.app.version.code`.
    pub version_code: u64,
    /// `summary.app.version.name`.
    pub version_name: String,
    /// `summary.app.version.minCompatibleVersionCode`, if present.
    pub min_compatible_version_code: Option<u64>,
    /// The modules (`summary.modules`, or `packages` when the summary lists none).
    pub modules: Vec<ModuleInfo>,
    /// The package's size in bytes.
    pub size: u64,
    /// How many bytes the inspection read from the file (for tests and benchmarks).
    #[doc(hidden)]
    pub bytes_read: u64,
}

/// One module of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModuleInfo {
    /// `distro.moduleName` (or a package's `name`), for example `entry`.
    pub name: String,
    /// `distro.moduleType` (or a package's `moduleType`): `entry`, `feature`, `shared`, ...
    pub module_type: String,
    /// `deviceType` (or `deviceTypes`): `phone`, `tablet`, `2in1`, `wearable`, ...
    pub device_types: Vec<String>,
}

/// Inspect the package at `path`: open it through the library's file rules (regular files
/// only, never blocking on a FIFO) and read its `pack.info`. Errors: `Error::File` when the
/// file cannot be used, `Error::FileType` when it is not a signed HarmonyOS `.app` with a
/// sound `pack.info` (not a ZIP, no or a malformed `pack.info`, a key given twice in it,
/// duplicate names, a name that readers may take for `pack.info` such as `./pack.info` or
/// `PACK.INFO`, too many entries, an oversized or compression-bomb `pack.info`, unsigned).
pub fn inspect_package(path: &Path) -> Result<PackageInfo> {
    let (file, meta) = crate::fsio::open_regular(path).map_err(|e| e.into_error(path))?;
    inspect_file(&file, meta.len(), path)
}

/// [`inspect_package`], then the SHA-256 of the whole file (hex), read from the same open
/// file, reporting [`crate::Phase::Hashing`] to `progress` (which may cancel). The hash reads
/// every byte: only for when the caller asks for it.
pub fn inspect_package_sha256(path: &Path, progress: &mut dyn crate::Progress) -> Result<(PackageInfo, String)> {
    let (mut file, meta) = crate::fsio::open_regular(path).map_err(|e| e.into_error(path))?;
    let info = inspect_file(&file, meta.len(), path)?;
    let digest = crate::transfer::digest::sha256_file(&mut file, info.size, progress)?;
    Ok((info, crate::transfer::digest::to_hex(&digest)))
}

/// Inspect a package already opened and checked by [`Package::open`], and check that it is
/// what the caller declared ([`check_declared_kind`]). What the upload path calls, on the
/// same open file it hashes and sends (reads are positioned: the file's cursor does not move).
/// Profile pictures are not packages: they pass without a read.
pub fn check_package(package: &Package) -> Result<Option<PackageInfo>> {
    if package.kind == PackageKind::ProfilePicture {
        return Ok(None);
    }
    let info = inspect_file(&package.file, package.size, &package.path)?;
    check_declared_kind(&info, package.kind)?;
    Ok(Some(info))
}

/// Refuse a package that is not what the caller declared: an atomic service declared as an
/// app or the reverse, a bundle type that is neither, or a size over the limit of what the
/// package *is* (4 GiB for an app, 10 MiB for an atomic service). Pure: reads nothing.
pub fn check_declared_kind(info: &PackageInfo, declared: PackageKind) -> Result<()> {
    let Some(kind) = info.kind else {
        return Err(Error::FileType(format!(
            "'{}' has bundle type '{}' in its pack.info, which AGC does not take as an app or an atomic service",
            bounded(&info.bundle_name, 128),
            bounded(&info.bundle_type, 64)
        )));
    };
    if declared != kind {
        return Err(Error::FileType(format!(
            "'{}' is {} (pack.info bundleType \"{}\"), but it was declared as {}: upload it as {}",
            bounded(&info.bundle_name, 128),
            kind.describe(),
            bounded(&info.bundle_type, 64),
            declared.describe(),
            kind.describe()
        )));
    }
    if info.size > kind.max_size() {
        return Err(Error::FileTooLarge { size: info.size, limit: kind.max_size(), kind: kind.describe() });
    }
    Ok(())
}

/// Inspect an open regular file of `size` bytes (`path` only names it in messages).
fn inspect_file(file: &File, size: u64, path: &Path) -> Result<PackageInfo> {
    let read = Cell::new(0u64);
    let mut meter = Meter { file, pos: 0, size, read: &read };
    let io_err = |e: io::Error| read_error(path, e);
    if size == 0 {
        return Err(Error::file(path, "is empty"));
    }
    let dir = find_directory(&mut meter).map_err(|e| e.into_error(path))?;
    check_signing_block(&mut meter, dir.offset).map_err(|e| e.into_error(path))?;

    let config = zip::read::Config { archive_offset: zip::read::ArchiveOffset::Known(0) };
    let mut archive = zip::ZipArchive::with_config(config, meter).map_err(|e| zip_error(path, e))?;
    if archive.len() as u64 != dir.entries {
        return Err(not_package(
            path,
            format!(
                "its ZIP directory lists {} entries but only {} distinct names: duplicate names are refused",
                dir.entries,
                archive.len()
            ),
        ));
    }
    // A name that some reader would take for pack.info (another case, a leading `./` or `/`,
    // backslashes) beside or instead of it: AGC or the device may read that one, we this one.
    if let Some(other) = archive.file_names().find(|n| *n != PACK_INFO && names_pack_info(n)) {
        return Err(not_package(
            path,
            format!(
                "its ZIP directory holds an entry named '{}', which readers may take for pack.info: \
                 only one entry named exactly pack.info is accepted",
                bounded(other, 200)
            ),
        ));
    }
    let bytes = {
        let mut entry = match archive.by_name(PACK_INFO) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(not_package(
                    path,
                    "it has no pack.info at its root: a HarmonyOS .app built by DevEco Studio or hvigor has one \
                     (a .hap, .hsp or other ZIP is not an .app)",
                ))
            }
            Err(e) => return Err(zip_error(path, e)),
        };
        if !entry.is_file() || entry.encrypted() {
            return Err(not_package(path, "its pack.info is a directory or encrypted"));
        }
        match entry.compression() {
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated => {}
            other => {
                return Err(not_package(
                    path,
                    format!("its pack.info is compressed with {other}; only stored or deflated is supported"),
                ))
            }
        }
        let declared = entry.size();
        if declared > PACK_INFO_MAX || entry.compressed_size() > PACK_INFO_MAX + 64 * 1024 {
            return Err(not_package(
                path,
                format!("its pack.info is larger than {} MiB, far larger than a pack.info is", PACK_INFO_MAX >> 20),
            ));
        }
        // The declared size can lie (a compression bomb): the inflater never gives more
        // than one byte past it.
        let mut bytes = Vec::with_capacity(declared as usize);
        (&mut entry).take(declared + 1).read_to_end(&mut bytes).map_err(|e| match zip_io(&e) {
            Some(m) => not_package(path, format!("its pack.info cannot be read: {m}")),
            None => io_err(e),
        })?;
        if bytes.len() as u64 > declared {
            return Err(not_package(
                path,
                format!("its pack.info inflates to more than the {declared} bytes it declares (a compression bomb?)"),
            ));
        }
        bytes
    };
    drop(archive);
    let mut info =
        parse_pack_info(&bytes).map_err(|m| not_package(path, format!("its pack.info is malformed: {m}")))?;
    info.size = size;
    info.bytes_read = read.get();
    Ok(info)
}

/// Whether a ZIP entry name denotes the root's `pack.info` once normalised as lenient readers
/// do: cut at a NUL (C strings), case folded, `\` taken as `/`, empty, `.` and `..` segments
/// resolved, trailing dots and spaces dropped (Windows) (so `./pack.info`, `/pack.info`,
/// `\pack.info`, `a/../PACK.INFO`, `pack.info.` all do).
fn names_pack_info(name: &str) -> bool {
    let name = name.split('\0').next().unwrap_or_default();
    let lower = name.to_lowercase().replace('\\', "/");
    let mut segments: Vec<&str> = Vec::new();
    for seg in lower.split('/') {
        let seg = if seg == "." || seg == ".." { seg } else { seg.trim_end_matches(['.', ' ']) };
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments == [PACK_INFO]
}

/// A `FileType` error naming the file.
fn not_package(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::FileType(format!("{} is not a usable HarmonyOS .app: {why}", crate::text::bounds::path_for_message(path)))
}

/// An I/O error of the meter: the budget (a hostile archive) or the file itself.
fn read_error(path: &Path, e: io::Error) -> Error {
    if e.get_ref().is_some_and(|inner| inner.is::<BudgetSpent>()) {
        not_package(path, format!("reading its ZIP structure would take more than {} MiB", READ_BUDGET >> 20))
    } else {
        Error::file(path, crate::fsio::describe_io(&e))
    }
}

/// The words of an error the ZIP reader raised inside `read` (bad CRC, corrupt deflate data),
/// or `None` for an error of the file itself.
fn zip_io(e: &io::Error) -> Option<String> {
    match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => Some(bounded(&e.to_string(), 200)),
        _ => None,
    }
}

fn zip_error(path: &Path, e: zip::result::ZipError) -> Error {
    use zip::result::ZipError;
    match e {
        ZipError::Io(e) => match zip_io(&e) {
            Some(m) if !e.get_ref().is_some_and(|i| i.is::<BudgetSpent>()) => {
                not_package(path, format!("its ZIP structure is damaged: {m}"))
            }
            _ => read_error(path, e),
        },
        other => not_package(path, format!("its ZIP structure is damaged: {}", bounded(&other.to_string(), 200))),
    }
}

/// Where the central directory is, as the end records say.
#[derive(Debug)]
struct Directory {
    offset: u64,
    entries: u64,
}

/// Why the end of the archive is unusable, before the ZIP reader sees it.
enum EndError {
    Io(io::Error),
    Bad(String),
}

impl EndError {
    fn into_error(self, path: &Path) -> Error {
        match self {
            EndError::Io(e) => read_error(path, e),
            EndError::Bad(m) => not_package(path, m),
        }
    }
}

impl From<io::Error> for EndError {
    fn from(e: io::Error) -> Self {
        EndError::Io(e)
    }
}

fn bad(m: impl Into<String>) -> EndError {
    EndError::Bad(m.into())
}

fn u16_at(b: &[u8], i: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[i], b[i + 1]]))
}

fn u32_at(b: &[u8], i: usize) -> u64 {
    u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")))
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))
}

/// Find and check the end-of-central-directory record (and the zip64 one), reading at most
/// the last 64 KiB: the entry count, the directory's size and place are bounded here.
fn find_directory(meter: &mut Meter<'_>) -> Result<Directory, EndError> {
    let size = meter.size;
    let found = match find_eocd(meter, TAIL_FIRST.min(size))? {
        None if size > TAIL_FIRST => find_eocd(meter, TAIL_MAX.min(size))?,
        found => found,
    };
    let (eocd_pos, eocd) =
        found.ok_or_else(|| bad("it is not a ZIP archive (no end-of-central-directory record at its end)"))?;

    let (disk, cd_disk) = (u16_at(&eocd, 4), u16_at(&eocd, 6));
    let (mut entries, mut cd_size, mut cd_offset) = (u16_at(&eocd, 10), u32_at(&eocd, 12), u32_at(&eocd, 16));
    let mut cd_end_limit = eocd_pos;
    if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
        // zip64: the locator sits right before the EOCD and points at the zip64 record.
        let loc_pos = eocd_pos
            .checked_sub(EOCD64_LOCATOR_LEN)
            .ok_or_else(|| bad("its zip64 end-of-central-directory locator is missing"))?;
        let mut loc = [0u8; EOCD64_LOCATOR_LEN as usize];
        meter.read_exact_at(&mut loc, loc_pos)?;
        if &loc[..4] != EOCD64_LOCATOR_SIG {
            return Err(bad("its zip64 end-of-central-directory locator is missing"));
        }
        let rec_pos = u64_at(&loc, 8);
        if u32_at(&loc, 16) > 1 || rec_pos.saturating_add(EOCD64_LEN as u64) > loc_pos {
            return Err(bad("its zip64 end-of-central-directory locator is inconsistent"));
        }
        let mut rec = [0u8; EOCD64_LEN];
        meter.read_exact_at(&mut rec, rec_pos)?;
        if &rec[..4] != EOCD64_SIG {
            return Err(bad("its zip64 end-of-central-directory record is missing"));
        }
        if u32_at(&rec, 16) != 0 || u32_at(&rec, 20) != 0 {
            return Err(bad("it spans several disks, which a package never does"));
        }
        (entries, cd_size, cd_offset) = (u64_at(&rec, 32), u64_at(&rec, 40), u64_at(&rec, 48));
        cd_end_limit = rec_pos;
    } else if disk != 0 || cd_disk != 0 {
        return Err(bad("it spans several disks, which a package never does"));
    }
    if entries > MAX_ENTRIES {
        return Err(bad(format!("its ZIP directory lists {entries} entries, more than the {MAX_ENTRIES} allowed")));
    }
    if cd_size > CENTRAL_DIRECTORY_MAX {
        return Err(bad(format!(
            "its ZIP directory is {cd_size} bytes, more than the {} MiB allowed",
            CENTRAL_DIRECTORY_MAX >> 20
        )));
    }
    if cd_offset.checked_add(cd_size).is_none_or(|end| end > cd_end_limit) || entries * CENTRAL_HEADER_MIN > cd_size {
        return Err(bad("its ZIP directory's size or place is inconsistent"));
    }
    if entries == 0 {
        return Err(bad("it is an empty ZIP archive"));
    }
    Ok(Directory { offset: cd_offset, entries })
}

/// The last end-of-central-directory record within the last `tail` bytes, whose comment
/// ends within the file, with its position.
fn find_eocd(meter: &mut Meter<'_>, tail: u64) -> Result<Option<(u64, [u8; EOCD_LEN])>, EndError> {
    let start = meter.size - tail;
    let mut buf = vec![0u8; tail as usize];
    meter.read_exact_at(&mut buf, start)?;
    let found = (0..=buf.len().saturating_sub(EOCD_LEN)).rev().find(|&i| {
        buf.len() >= EOCD_LEN && &buf[i..i + 4] == EOCD_SIG && i + EOCD_LEN + u16_at(&buf, i + 20) as usize <= buf.len()
    });
    Ok(found.map(|i| (start + i as u64, buf[i..i + EOCD_LEN].try_into().expect("22 bytes"))))
}

/// Refuse a package whose central directory is not preceded by a HAP signing block head.
fn check_signing_block(meter: &mut Meter<'_>, cd_offset: u64) -> Result<(), EndError> {
    let unsigned = || {
        bad("it is not signed (no HAP signing block before its ZIP directory): AGC takes only signed packages; \
             sign it with your release certificate (DevEco Studio's signing configs, or hap-sign-tool sign-app)")
    };
    let Some(head_pos) = cd_offset.checked_sub(SIGN_HEAD_LEN as u64) else { return Err(unsigned()) };
    let mut head = [0u8; SIGN_HEAD_LEN];
    meter.read_exact_at(&mut head, head_pos)?;
    let (block_size, magic, version) = (u64_at(&head, 4), &head[12..28], u32_at(&head, 28));
    let magic_ok = if version >= 3 { magic == SIGN_MAGIC_V3 } else { magic == SIGN_MAGIC_OLD };
    if !magic_ok || block_size < SIGN_HEAD_LEN as u64 || block_size > cd_offset {
        return Err(unsigned());
    }
    Ok(())
}

/// The meter's budget ran out.
#[derive(Debug)]
struct BudgetSpent;

impl std::fmt::Display for BudgetSpent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "read budget of {READ_BUDGET} bytes spent")
    }
}

impl std::error::Error for BudgetSpent {}

/// Positioned reads of the package (the file's own cursor never moves), counted, and refused
/// past [`READ_BUDGET`].
struct Meter<'a> {
    file: &'a File,
    pos: u64,
    size: u64,
    read: &'a Cell<u64>,
}

impl Meter<'_> {
    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.pos = offset;
        self.read_exact(buf)
    }
}

impl Read for Meter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let left = READ_BUDGET - self.read.get();
        if left == 0 {
            return Err(io::Error::other(BudgetSpent));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl Seek for Meter<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

/// One positioned read, retried on EINTR.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        #[cfg(unix)]
        let r = std::os::unix::fs::FileExt::read_at(file, buf, offset);
        #[cfg(windows)]
        let r = std::os::windows::fs::FileExt::seek_read(file, buf, offset);
        match r {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => return r,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// pack.info

use serde_json::Value;

/// A JSON document read into a [`Value`], refusing an object that holds a key twice (at any
/// depth): serde_json keeps the last, other readers the first, so the two could disagree on
/// the bundle name or the version.
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            list.push(v);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{}\" appears twice in one object (readers differ on which one counts)",
                    bounded(&key, 64)
                )));
            }
            let UniqueKeys(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// Read what we need from `pack.info`'s JSON; the error says what is wrong, in words.
fn parse_pack_info(bytes: &[u8]) -> std::result::Result<PackageInfo, String> {
    let UniqueKeys(root) = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => e.to_string(),
        _ => format!("not JSON ({e})"),
    })?;
    let app = root.pointer("/summary/app").ok_or("it has no summary.app")?;
    let bundle_name = text(app.get("bundleName"), "summary.app.bundleName")?;
    if bundle_name.is_empty() {
        return Err("summary.app.bundleName is empty".into());
    }
    let version = app.get("version").ok_or("it has no summary.app.version")?;
    let version_code = number(version.get("code"), "summary.app.version.code")?;
    let version_name = text(version.get("name"), "summary.app.version.name")?;
    let min_compatible_version_code = match version.get("minCompatibleVersionCode") {
        None | Some(Value::Null) => None,
        v => Some(number(v, "summary.app.version.minCompatibleVersionCode")?),
    };

    let mut modules = Vec::new();
    let mut all_installation_free = true;
    match root.pointer("/summary/modules") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, m) in list.iter().enumerate() {
                let at = |f: &str| format!("summary.modules[{i}].{f}");
                let distro = m.get("distro").ok_or_else(|| format!("summary.modules[{i}] has no distro"))?;
                all_installation_free &= distro.get("installationFree") == Some(&Value::Bool(true));
                modules.push(ModuleInfo {
                    name: text(distro.get("moduleName"), &at("distro.moduleName"))?,
                    module_type: text(distro.get("moduleType"), &at("distro.moduleType"))?,
                    device_types: device_types(m, &at("deviceType"))?,
                });
            }
        }
        Some(_) => return Err("summary.modules is not a list".into()),
    }
    if modules.is_empty() {
        all_installation_free = false;
        match root.get("packages") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for (i, p) in list.iter().enumerate() {
                    let at = |f: &str| format!("packages[{i}].{f}");
                    modules.push(ModuleInfo {
                        name: text(p.get("name"), &at("name"))?,
                        module_type: text(p.get("moduleType"), &at("moduleType"))?,
                        device_types: device_types(p, &at("deviceType"))?,
                    });
                }
            }
            Some(_) => return Err("packages is not a list".into()),
        }
    }
    if modules.is_empty() {
        return Err("it lists no modules (summary.modules and packages are empty)".into());
    }
    if modules.len() > MODULES_MAX {
        return Err(format!("it lists {} modules, more than {MODULES_MAX}", modules.len()));
    }

    let bundle_type = match app.get("bundleType") {
        None | Some(Value::Null) => if all_installation_free { "atomicService" } else { "app" }.to_owned(),
        v => text(v, "summary.app.bundleType")?,
    };
    let kind = match bundle_type.as_str() {
        "app" => Some(PackageKind::HarmonyApp),
        "atomicService" => Some(PackageKind::AtomicService),
        _ => None,
    };
    Ok(PackageInfo {
        bundle_name,
        bundle_type,
        kind,
        version_code,
        version_name,
        min_compatible_version_code,
        modules,
        size: 0,
        bytes_read: 0,
    })
}

/// A string field: present, at most [`TEXT_MAX`] bytes, without control or invisible
/// characters (it is shown in consoles and handed to C as a NUL-terminated string).
fn text(v: Option<&Value>, field: &str) -> std::result::Result<String, String> {
    let s = match v {
        Some(Value::String(s)) => s,
        Some(_) => return Err(format!("{field} is not a string")),
        None => return Err(format!("it has no {field}")),
    };
    if s.len() > TEXT_MAX {
        return Err(format!("{field} is longer than {TEXT_MAX} bytes"));
    }
    if s.chars().any(crate::text::bounds::is_hidden_or_control) {
        return Err(format!("{field} holds control or invisible characters"));
    }
    Ok(s.clone())
}

/// A version number: a non-negative JSON integer, or a string of digits (older packing tools),
/// at most `i64::MAX` (C reads it as `int64_t`).
fn number(v: Option<&Value>, field: &str) -> std::result::Result<u64, String> {
    match v {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| format!("{field} is not a non-negative integer")),
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().map_err(|_| format!("{field} is too large"))
        }
        Some(_) => Err(format!("{field} is not a non-negative integer")),
        None => Err(format!("it has no {field}")),
    }
    .and_then(|n| if n > i64::MAX as u64 { Err(format!("{field} is too large")) } else { Ok(n) })
}

/// `deviceType` (what packing tools write) or `deviceTypes` (BundlePackInfo's name): a list
/// of non-empty names without commas (C joins them with commas), possibly absent.
fn device_types(obj: &Value, field: &str) -> std::result::Result<Vec<String>, String> {
    let v = obj.get("deviceType").or_else(|| obj.get("deviceTypes"));
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) if list.len() <= 64 => list
            .iter()
            .map(|d| match text(Some(d), field) {
                Ok(t) if t.is_empty() || t.contains(',') => Err(format!("{field} holds an empty name or a comma")),
                r => r,
            })
            .collect(),
        Some(_) => Err(format!("{field} is not a list of at most 64 strings")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_texts() {
        assert_eq!(number(Some(&Value::from(7u64)), "f"), Ok(7));
        assert_eq!(number(Some(&Value::from("1000012")), "f"), Ok(1_000_012));
        assert!(number(Some(&Value::from(-1)), "f").is_err());
        assert!(number(Some(&Value::from("1e3")), "f").is_err());
        assert!(number(Some(&Value::from("99999999999999999999")), "f").is_err());
        assert!(number(Some(&Value::from(u64::MAX)), "f").is_err());
        let obj = serde_json::json!({"deviceType": ["phone", "a,b"]});
        assert!(device_types(&obj, "d").unwrap_err().contains("comma"));
        assert!(number(None, "f").unwrap_err().contains("no f"));
        assert!(text(Some(&Value::from("a\u{202E}b")), "f").is_err());
        assert!(text(Some(&Value::from("a\0b")), "f").is_err());
        assert!(text(Some(&Value::from("x".repeat(256))), "f").is_err());
        assert_eq!(text(Some(&Value::from("com.example")), "f").as_deref(), Ok("com.example"));
    }

    #[test]
    fn bundle_type_falls_back_on_installation_free() {
        let doc = |free: bool| {
            format!(
                r#"{{"summary":{{"app":{{"bundleName":"a.b","version":{{"code":1,"name":"1"}}}},
                "modules":[{{"distro":{{"moduleName":"entry","moduleType":"entry","installationFree":{free}}}}}]}}}}"#
            )
        };
        let service = parse_pack_info(doc(true).as_bytes()).unwrap();
        assert_eq!((service.bundle_type.as_str(), service.kind), ("atomicService", Some(PackageKind::AtomicService)));
        let app = parse_pack_info(doc(false).as_bytes()).unwrap();
        assert_eq!((app.bundle_type.as_str(), app.kind), ("app", Some(PackageKind::HarmonyApp)));
        assert!(app.modules[0].device_types.is_empty());
    }
}
