//! The store listing as a folder, in fastlane `supply`'s layout (docs/guide/listing.md):
//!
//! ```text
//! listing/<lang>/name.txt  description.txt  brief.txt  release_notes.txt
//! listing/<lang>/icon.png | icon.webp
//! listing/<lang>/screenshots/<device>/NN.(png|jpg|jpeg|webp)
//! listing/<lang>/videos/<device>/NN.mp4 with its poster NN.(png|jpg|jpeg|webp)
//! ```
//!
//! `device` is one of `phone`, `tablet`, `2in1`, `tv`, `watch`. A missing file means "leave as
//! is". [`Listing::read`] reads the folder and checks every rule AGC documents that can be
//! checked without AGC ([`rules`](crate::listing::rules)): all problems are reported at once,
//! before any request. The rules that need AGC's state (a new language needs a name; the
//! texts left as they are in AGC count for "all different") are checked by the plan
//! (`crate::client::listing`), also before anything is sent.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::connect::listing::{check_listing_language, ListingTexts};
use crate::error::{Error, Result};
use crate::text::bounds::path_for_message;

pub(crate) mod manifest;
pub(crate) mod mp4;
pub mod rules;

use rules::Problems;

/// The name of the manifest in the folder: what AGC showed of each language's files after
/// the last `apply` or `pull`, and the SHA-256 of the files applied (`crate::listing::manifest`).
pub const MANIFEST_NAME: &str = "agc-files.json";

/// Most bytes of a text file (an 8000-character description in UTF-8 is at most 32 KB).
pub const MAX_TEXT_FILE: u64 = 64 * 1024;

/// A device of the listing's `screenshots/` and `videos/` folders, with AGC's `deviceType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Device {
    /// `phone`: `deviceType` 4.
    Phone,
    /// `tablet`: `deviceType` 5.
    Tablet,
    /// `2in1` (PC / 2-in-1): `deviceType` 19.
    TwoInOne,
    /// `tv` (smart screen): `deviceType` 8.
    Tv,
    /// `watch` (smart watch): `deviceType` 12.
    Watch,
}

impl Device {
    /// Every device, in the order the plan lists them.
    pub const ALL: [Device; 5] = [Device::Phone, Device::Tablet, Device::TwoInOne, Device::Tv, Device::Watch];

    /// The folder name: `phone`, `tablet`, `2in1`, `tv`, `watch`.
    pub fn folder(self) -> &'static str {
        match self {
            Device::Phone => "phone",
            Device::Tablet => "tablet",
            Device::TwoInOne => "2in1",
            Device::Tv => "tv",
            Device::Watch => "watch",
        }
    }

    /// AGC's `deviceType` (Huawei's app-file-info page: 4 phone, 5 tablet, 8 smart screen,
    /// 12 smart watch, 19 PC/2in1).
    pub fn device_type(self) -> u32 {
        match self {
            Device::Phone => 4,
            Device::Tablet => 5,
            Device::TwoInOne => 19,
            Device::Tv => 8,
            Device::Watch => 12,
        }
    }

    /// The device of a folder name.
    pub fn from_folder(name: &str) -> Option<Device> {
        Device::ALL.into_iter().find(|d| d.folder() == name)
    }

    /// The device of an AGC `deviceType`.
    pub fn from_device_type(t: i64) -> Option<Device> {
        Device::ALL.into_iter().find(|d| i64::from(d.device_type()) == t)
    }
}

/// An image or video format of the listing, from the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFormat {
    /// PNG.
    Png,
    /// JPEG (`.jpg` or `.jpeg`).
    Jpeg,
    /// WebP.
    Webp,
    /// MP4 (an ISO base media file: `ftyp` at byte 4).
    Mp4,
}

impl MediaFormat {
    /// The format a suffix names (lowercase).
    pub fn of_suffix(suffix: &str) -> Option<MediaFormat> {
        Some(match suffix {
            "png" => MediaFormat::Png,
            "jpg" | "jpeg" => MediaFormat::Jpeg,
            "webp" => MediaFormat::Webp,
            "mp4" => MediaFormat::Mp4,
            _ => return None,
        })
    }

    /// `PNG`, `JPEG`, `WebP`, `MP4`.
    pub fn name(self) -> &'static str {
        match self {
            MediaFormat::Png => "PNG",
            MediaFormat::Jpeg => "JPEG",
            MediaFormat::Webp => "WebP",
            MediaFormat::Mp4 => "MP4",
        }
    }
}

/// One file of the listing, checked and hashed when the folder was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path inside the folder, `/`-separated (`en-US/screenshots/phone/01.png`): how
    /// messages and the plan name it.
    pub name: String,
    /// Its format, from its first bytes (which match its suffix).
    pub format: MediaFormat,
    /// Bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of its bytes: the upload checks that it sends these bytes.
    pub sha256_hex: String,
    /// Width and height in pixels, from the image's header (`(0, 0)` for a video).
    pub dimensions: (u32, u32),
}

impl ListingFile {
    /// Landscape: wider than high (a square image counts as portrait).
    pub fn is_landscape(&self) -> bool {
        self.dimensions.0 > self.dimensions.1
    }

    /// The last component of its name (`01.png`), the `fileName` the upload sends.
    pub fn file_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// A video and its poster (AGC shows each video after its poster image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingVideo {
    /// `NN.mp4`.
    pub video: ListingFile,
    /// `NN.png` (or `.jpg`, `.jpeg`, `.webp`), of the same number.
    pub poster: ListingFile,
}

/// One language folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingLanguage {
    /// The folder's name: the language tag (`en-US`).
    pub lang: String,
    /// `name.txt`, `description.txt`, `brief.txt`, `release_notes.txt` (`None`: no file,
    /// leave as is).
    pub texts: ListingTexts,
    /// `icon.png` or `icon.webp`.
    pub icon: Option<ListingFile>,
    /// `screenshots/<device>/`, by device, each in the order of its numbers.
    pub screenshots: Vec<(Device, Vec<ListingFile>)>,
    /// `videos/<device>/`, by device, each in the order of its numbers.
    pub videos: Vec<(Device, Vec<ListingVideo>)>,
}

/// A listing folder that passed every local rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The folder.
    pub dir: PathBuf,
    /// Its languages, sorted by tag.
    pub languages: Vec<ListingLanguage>,
}

/// The text files of a language folder and the fields they fill.
pub(crate) const TEXT_FILES: [&str; 4] = ["name.txt", "description.txt", "brief.txt", "release_notes.txt"];

impl Listing {
    /// Read and check the folder `dir`: every problem of every rule is reported at once, as
    /// one [`Error::InvalidArgument`] (or [`Error::File`] when `dir` is not a folder), before
    /// any request. Texts are UTF-8; a leading BOM is dropped, line ends become `\n` and
    /// trailing white space is removed. Links inside the folder are refused (one could lead
    /// outside it); files are hashed, images' sizes read from their headers.
    pub fn read(dir: &Path) -> Result<Listing> {
        let meta = std::fs::metadata(dir).map_err(|e| Error::file(dir, crate::fsio::describe_io(&e)))?;
        if !meta.is_dir() {
            return Err(Error::file(dir, "is not a folder (the listing is a folder of language folders)"));
        }
        let mut p = Problems::default();
        let mut languages = Vec::new();
        for (name, path, kind) in entries(dir, "", &mut p) {
            if name == MANIFEST_NAME || name.starts_with('.') {
                continue;
            }
            if kind != Kind::Dir {
                p.add(format!("{name}: unknown {}; the listing holds language folders such as en-US/", kind.word()));
                continue;
            }
            if let Err(e) = check_listing_language(&name) {
                p.add(format!("{name}/: {}", strip_prefix(&e)));
                continue;
            }
            if languages.iter().any(|l: &ListingLanguage| l.lang.eq_ignore_ascii_case(&name)) {
                p.add(format!("{name}/: the language is there twice (tags are compared without regard to case)"));
                continue;
            }
            languages.push(read_language(&name, &path, &mut p));
        }
        if languages.is_empty() && p.is_empty() {
            p.add("the folder holds no language folder (such as en-US/)".into());
        }
        p.into_result(dir)?;
        languages.sort_by(|a, b| a.lang.cmp(&b.lang));
        Ok(Listing { dir: dir.to_path_buf(), languages })
    }

    /// The language `lang` (tags compared without regard to case).
    pub fn language(&self, lang: &str) -> Option<&ListingLanguage> {
        self.languages.iter().find(|l| l.lang.eq_ignore_ascii_case(lang))
    }
}

/// An error's message without its kind's prefix ("invalid argument: ").
fn strip_prefix(e: &Error) -> String {
    match e {
        Error::InvalidArgument(m) => m.clone(),
        other => other.to_string(),
    }
}

/// What a folder entry is (links are not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    Link,
    Other,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Dir => "folder",
            Kind::File => "file",
            Kind::Link => "symbolic link",
            Kind::Other => "special file",
        }
    }
}

/// The entries of `dir`, sorted by name; `shown` is its path inside the listing for messages.
/// Names that are not UTF-8 are problems.
fn entries(dir: &Path, shown: &str, p: &mut Problems) -> Vec<(String, PathBuf, Kind)> {
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            p.add(format!("{shown}: cannot be read ({})", crate::fsio::describe_io(&e)));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in read {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                p.add(format!("{shown}: cannot be read ({})", crate::fsio::describe_io(&e)));
                continue;
            }
        };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            p.add(format!("{shown}{}: the name is not UTF-8", path_for_message(Path::new(&entry.file_name()))));
            continue;
        };
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => Kind::Link,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(t) if t.is_file() => Kind::File,
            _ => Kind::Other,
        };
        out.push((name, entry.path(), kind));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Read one language folder; its problems go to `p`.
fn read_language(lang: &str, dir: &Path, p: &mut Problems) -> ListingLanguage {
    let mut texts = ListingTexts::default();
    let mut icon = None;
    let mut screenshots = Vec::new();
    let mut videos = Vec::new();
    for (name, path, kind) in entries(dir, &format!("{lang}/"), p) {
        let shown = format!("{lang}/{name}");
        if name.starts_with('.') {
            continue;
        }
        match (name.as_str(), kind) {
            (n, Kind::File) if TEXT_FILES.contains(&n) => {
                let Some(text) = read_text(&path, &shown, p) else { continue };
                let slot = match n {
                    "name.txt" => &mut texts.app_name,
                    "description.txt" => &mut texts.app_desc,
                    "brief.txt" => &mut texts.brief_info,
                    _ => &mut texts.new_features,
                };
                *slot = Some(text);
            }
            (n, Kind::File) if n.starts_with("icon.") => {
                if icon.is_some() {
                    p.add(format!("{lang}/: two icons; keep one of icon.png and icon.webp"));
                    continue;
                }
                icon = read_media(&path, &shown, p);
                if let Some(f) = &icon {
                    rules::check_icon(f, p);
                }
            }
            ("screenshots", Kind::Dir) => {
                for (device, dir) in device_folders(&path, &shown, p) {
                    let files = read_numbered(&dir, &format!("{shown}/{}", device.folder()), p);
                    for pair in files.windows(2) {
                        if pair[0].0 == pair[1].0 {
                            p.add(format!("{} and {}: two screenshots of one number", pair[0].1.name, pair[1].1.name));
                        }
                    }
                    let shots: Vec<ListingFile> = files.into_iter().map(|(_, f)| f).collect();
                    rules::check_screenshots(&format!("{shown}/{}", device.folder()), &shots, p);
                    screenshots.push((device, shots));
                }
            }
            ("videos", Kind::Dir) => {
                for (device, dir) in device_folders(&path, &shown, p) {
                    let shown = format!("{shown}/{}", device.folder());
                    let pairs = pair_videos(read_numbered(&dir, &shown, p), &shown, p);
                    rules::check_videos(&shown, &pairs, p);
                    videos.push((device, pairs));
                }
            }
            (_, Kind::Link) => p.add(format!("{shown}: a symbolic link; the listing takes files and folders only")),
            _ => p.add(format!(
                "{shown}: unknown {}; a language folder holds {}, icon.png or icon.webp, screenshots/ and videos/",
                kind.word(),
                TEXT_FILES.join(", ")
            )),
        }
    }
    rules::check_texts(lang, &texts, p);
    for (device, shots) in &screenshots {
        let posters: Vec<&ListingFile> =
            videos.iter().filter(|(d, _)| d == device).flat_map(|(_, v)| v.iter().map(|v| &v.poster)).collect();
        rules::check_one_orientation(&format!("{lang}/ {}", device.folder()), shots.iter().chain(posters), p);
    }
    for (device, v) in &videos {
        if !screenshots.iter().any(|(d, _)| d == device) {
            rules::check_one_orientation(&format!("{lang}/ {}", device.folder()), v.iter().map(|v| &v.poster), p);
        }
    }
    ListingLanguage { lang: lang.to_owned(), texts, icon, screenshots, videos }
}

/// The device folders of `screenshots/` or `videos/`.
fn device_folders(dir: &Path, shown: &str, p: &mut Problems) -> Vec<(Device, PathBuf)> {
    let mut out = Vec::new();
    for (name, path, kind) in entries(dir, &format!("{shown}/"), p) {
        if name.starts_with('.') {
            continue;
        }
        match (Device::from_folder(&name), kind) {
            (Some(d), Kind::Dir) => out.push((d, path)),
            _ => p.add(format!(
                "{shown}/{name}: unknown {}; the devices are {}",
                kind.word(),
                Device::ALL.map(|d| format!("{}/", d.folder())).join(", ")
            )),
        }
    }
    out
}

/// The numbered files of a device folder (`NN.ext`), sorted by number, each read and hashed.
fn read_numbered(dir: &Path, shown: &str, p: &mut Problems) -> Vec<(u32, ListingFile)> {
    let mut out: Vec<(u32, ListingFile)> = Vec::new();
    for (name, path, kind) in entries(dir, &format!("{shown}/"), p) {
        if name.starts_with('.') {
            continue;
        }
        let file_shown = format!("{shown}/{name}");
        if kind != Kind::File {
            p.add(format!("{file_shown}: a {}; only numbered files (01.png) belong here", kind.word()));
            continue;
        }
        let number = name
            .split_once('.')
            .filter(|(n, _)| (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(n, _)| n.parse::<u32>().ok());
        let Some(number) = number else {
            p.add(format!("{file_shown}: the name must be a number and a suffix, such as 01.png"));
            continue;
        };
        if let Some(f) = read_media(&path, &file_shown, p) {
            out.push((number, f));
        }
    }
    out.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    out
}

/// Videos with their posters: `NN.mp4` with `NN.<image>`.
fn pair_videos(files: Vec<(u32, ListingFile)>, shown: &str, p: &mut Problems) -> Vec<ListingVideo> {
    let mut pairs = Vec::new();
    let (videos, images): (Vec<_>, Vec<_>) = files.into_iter().partition(|(_, f)| f.format == MediaFormat::Mp4);
    let numbers: Vec<u32> = videos.iter().map(|(n, _)| *n).collect();
    for (n, image) in &images {
        if !numbers.contains(n) {
            p.add(format!("{}: a poster without its video ({shown}/{n:02}.mp4)", image.name));
        }
    }
    for (n, video) in videos {
        let posters: Vec<&ListingFile> = images.iter().filter(|(m, _)| *m == n).map(|(_, f)| f).collect();
        match posters.as_slice() {
            [poster] => pairs.push(ListingVideo { video, poster: (*poster).clone() }),
            [] => p.add(format!("{}: a video needs its poster, an image of the same number", video.name)),
            _ => p.add(format!("{}: more than one poster of number {n}", video.name)),
        }
    }
    pairs
}

/// A text file: UTF-8, at most [`MAX_TEXT_FILE`] bytes, links refused; a BOM dropped, line
/// ends made `\n`, trailing white space removed.
fn read_text(path: &Path, shown: &str, p: &mut Problems) -> Option<String> {
    let bytes = match crate::fsio::read_small_file_no_link(path, MAX_TEXT_FILE) {
        Ok(b) => b,
        Err(e) => {
            p.add(format!("{shown}: {}", file_reason(&e)));
            return None;
        }
    };
    match std::str::from_utf8(&bytes) {
        Ok(t) => Some(normalize_text(t)),
        Err(_) => {
            p.add(format!("{shown}: not UTF-8 text"));
            None
        }
    }
}

/// A text as the listing compares and sends it: without a leading BOM, line ends `\n`,
/// without trailing white space.
pub fn normalize_text(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    t.replace("\r\n", "\n").replace('\r', "\n").trim_end().to_owned()
}

/// The reason of a file error, without the path (the message names the file itself).
fn file_reason(e: &Error) -> String {
    match e {
        Error::File { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// An image or video: a regular file (links refused), its format from its first bytes equal
/// to its suffix's, hashed, an image's dimensions from its header.
fn read_media(path: &Path, shown: &str, p: &mut Problems) -> Option<ListingFile> {
    let suffix = shown.rsplit_once('.').map(|(_, s)| s.to_ascii_lowercase()).unwrap_or_default();
    let Some(format) = MediaFormat::of_suffix(&suffix) else {
        p.add(format!("{shown}: unknown suffix; images are .png, .jpg, .jpeg or .webp, videos .mp4"));
        return None;
    };
    let (mut file, meta) = match crate::fsio::open_regular_no_link(path) {
        Ok(f) => f,
        Err(e) => {
            p.add(format!("{shown}: {}", e.reason()));
            return None;
        }
    };
    let size = meta.len();
    if size == 0 {
        p.add(format!("{shown}: empty"));
        return None;
    }
    if format == MediaFormat::Mp4 && size > rules::MAX_VIDEO {
        // Refused before it is hashed: that would read half a gigabyte for nothing.
        p.add(format!("{shown}: {size} bytes, over the {} bytes AGC takes for a video", rules::MAX_VIDEO));
        return None;
    }
    let io = |e: std::io::Error| format!("{shown}: cannot be read ({})", crate::fsio::describe_io(&e));
    let mut head = [0u8; 12];
    let n = match read_up_to(&mut file, &mut head) {
        Ok(n) => n,
        Err(e) => {
            p.add(io(e));
            return None;
        }
    };
    let found = sniff(&head[..n]);
    if found != Some(format) {
        let what = found.map_or("of an unrecognised type".to_owned(), |f| format!("a {} file", f.name()));
        p.add(format!("{shown}: {what}, but its suffix says {}", format.name()));
        return None;
    }
    let dimensions = if format == MediaFormat::Mp4 {
        // A duration the header states is held to AGC's bounds; none that can be trusted (a
        // fragmented file, say): AGC decides.
        let (min, max) = rules::VIDEO_SECONDS;
        if let Some(ms) = mp4::duration_ms(&mut file, size) {
            if ms < min * 1000 || ms > max * 1000 {
                p.add(format!(
                    "{shown}: {}.{:03} s long; AGC takes videos of {min} s to {max} s",
                    ms / 1000,
                    ms % 1000
                ));
                return None;
            }
        }
        (0, 0)
    } else {
        let read = file.seek(SeekFrom::Start(0)).map_err(io).and_then(|_| {
            imagesize::reader_size(BufReader::new(&file))
                .map_err(|e| format!("{shown}: its size cannot be read from its header ({e})"))
        });
        match read {
            Ok(s) => (u32::try_from(s.width).unwrap_or(u32::MAX), u32::try_from(s.height).unwrap_or(u32::MAX)),
            Err(m) => {
                p.add(m);
                return None;
            }
        }
    };
    let digest = match crate::transfer::digest::sha256_file(&mut file, size, &mut crate::progress::NoProgress) {
        Ok(d) => d,
        Err(e) => {
            p.add(format!("{shown}: {e}"));
            return None;
        }
    };
    Some(ListingFile {
        path: path.to_path_buf(),
        name: shown.to_owned(),
        format,
        size,
        sha256_hex: crate::transfer::digest::to_hex(&digest),
        dimensions,
    })
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The format of a file's first bytes.
fn sniff(head: &[u8]) -> Option<MediaFormat> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(MediaFormat::Png)
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Some(MediaFormat::Jpeg)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(MediaFormat::Webp)
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Some(MediaFormat::Mp4)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_compared_without_bom_carriage_returns_or_trailing_space() {
        assert_eq!(normalize_text("\u{feff}Line 1\r\nLine 2\r\n\n  "), "Line 1\nLine 2");
        assert_eq!(normalize_text("  lead kept"), "  lead kept");
    }

    #[test]
    fn formats_come_from_the_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n0000"), Some(MediaFormat::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(MediaFormat::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBP"), Some(MediaFormat::Webp));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom"), Some(MediaFormat::Mp4));
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn devices_map_to_agc_device_types() {
        for d in Device::ALL {
            assert_eq!(Device::from_folder(d.folder()), Some(d));
            assert_eq!(Device::from_device_type(i64::from(d.device_type())), Some(d));
        }
        assert_eq!(Device::from_device_type(14), None);
    }
}
