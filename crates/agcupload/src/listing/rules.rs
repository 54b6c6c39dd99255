//! The listing's rules that need no AGC (docs/protocol.md section 8, from Huawei's pages):
//! text lengths, texts that must differ, the icon's format, bytes and sides, screenshots per
//! device and their orientation, bytes per format, videos and their posters.
//!
//! Where a page leaves a point open, the rule fails safe: "MB" and "KB" are read as 10^6 and
//! 10^3 bytes (the smaller), the screenshot count is 3 to 10 (the data page and the console;
//! the appendix's table says 3 to 5), devices other than phone and tablet and the posters of
//! videos take the phone's screenshot caps.

use std::path::Path;

use super::{ListingFile, ListingVideo, MediaFormat};
use crate::connect::listing::ListingTexts;
use crate::connect::release::{check_note_text, MAX_APP_DESC, MAX_APP_NAME, MAX_BRIEF_INFO, MAX_NEW_FEATURES};
use crate::error::{Error, Result};
use crate::text::bounds::path_for_message;

/// The sides an icon may have: square, 216 or 1024 pixels (Huawei's appendix).
pub const ICON_SIDES: [u32; 2] = [216, 1024];
/// Most bytes of a PNG icon: 3 MB.
pub const MAX_ICON_PNG: u64 = 3_000_000;
/// Most bytes of a WebP icon: 100 KB.
pub const MAX_ICON_WEBP: u64 = 100_000;
/// Most bytes of a PNG or JPEG screenshot (and poster): 5 MB.
pub const MAX_SCREENSHOT_PNG_JPEG: u64 = 5_000_000;
/// Most bytes of a WebP screenshot (and poster): 200 KB.
pub const MAX_SCREENSHOT_WEBP: u64 = 200_000;
/// Fewest and most screenshots of one language and device.
pub const SCREENSHOTS_PER_DEVICE: (usize, usize) = (3, 10);
/// Most videos of one language and device (Huawei's appendix: intro videos, at most 3).
pub const MAX_VIDEOS_PER_DEVICE: usize = 3;
/// Most bytes of a video: 500 MB.
pub const MAX_VIDEO: u64 = 500_000_000;
/// Shortest and longest video, in seconds (Huawei's appendix: 15 s to 2 min), as its movie
/// header states it.
pub const VIDEO_SECONDS: (u64, u64) = (15, 120);
/// How many problems one message lists before "and N more".
const SHOWN_PROBLEMS: usize = 25;

/// The problems found in a folder, reported together.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<String>);

impl Problems {
    pub(crate) fn add(&mut self, problem: String) {
        self.0.push(problem);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when there is none, else one [`Error::InvalidArgument`] listing them.
    pub(crate) fn into_result(self, dir: &Path) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let n = self.0.len();
        let mut shown: Vec<String> = self.0.into_iter().take(SHOWN_PROBLEMS).collect();
        if n > SHOWN_PROBLEMS {
            shown.push(format!("and {} more", n - SHOWN_PROBLEMS));
        }
        Err(Error::InvalidArgument(format!(
            "the listing {} breaks {n} rule{}, nothing was sent: {}",
            path_for_message(dir),
            if n == 1 { "" } else { "s" },
            shown.join("; ")
        )))
    }
}

/// The message of an error without its kind's prefix.
fn message(e: Error) -> String {
    match e {
        Error::InvalidArgument(m) => m,
        other => other.to_string(),
    }
}

/// A language's texts: not empty, within their lengths (UTF-16 code units, as the release
/// notes are counted), and description, brief introduction and release notes all different.
pub(crate) fn check_texts(lang: &str, t: &ListingTexts, p: &mut Problems) {
    for (file, what, text, max) in [
        ("name.txt", "the app name", &t.app_name, MAX_APP_NAME),
        ("description.txt", "the description", &t.app_desc, MAX_APP_DESC),
        ("brief.txt", "the brief introduction", &t.brief_info, MAX_BRIEF_INFO),
        ("release_notes.txt", "release notes", &t.new_features, MAX_NEW_FEATURES),
    ] {
        if let Some(text) = text {
            if let Err(e) = check_note_text(lang, what, text, max) {
                p.add(format!("{lang}/{file}: {}", message(e)));
            }
        }
    }
    for (a, b) in distinct_pairs(t) {
        p.add(format!("{lang}/: {a} and {b} are the same text; AGC takes them only when they differ"));
    }
}

/// The pairs among description, brief introduction and release notes that hold the same
/// (non-empty) text.
pub(crate) fn distinct_pairs(t: &ListingTexts) -> Vec<(&'static str, &'static str)> {
    let named =
        [("description.txt", &t.app_desc), ("brief.txt", &t.brief_info), ("release_notes.txt", &t.new_features)];
    let mut out = Vec::new();
    for i in 0..named.len() {
        for j in i + 1..named.len() {
            if let (Some(a), Some(b)) = (named[i].1, named[j].1) {
                if !a.trim().is_empty() && a.trim() == b.trim() {
                    out.push((named[i].0, named[j].0));
                }
            }
        }
    }
    out
}

/// The icon: PNG (at most 3 MB) or WebP (at most 100 KB), square, 216 or 1024 pixels.
pub(crate) fn check_icon(f: &ListingFile, p: &mut Problems) {
    let cap = match f.format {
        MediaFormat::Png => MAX_ICON_PNG,
        MediaFormat::Webp => MAX_ICON_WEBP,
        other => {
            p.add(format!("{}: the icon must be PNG or WebP, not {}", f.name, other.name()));
            return;
        }
    };
    if f.size > cap {
        p.add(format!("{}: {} bytes, over the {cap} bytes AGC takes for a {} icon", f.name, f.size, f.format.name()));
    }
    let (w, h) = f.dimensions;
    if w != h || !ICON_SIDES.contains(&w) {
        p.add(format!("{}: {w}x{h} pixels; the icon must be 216x216 or 1024x1024", f.name));
    }
}

/// An image of a screenshot or a poster: PNG or JPEG (5 MB) or WebP (200 KB).
fn check_image(f: &ListingFile, what: &str, p: &mut Problems) {
    let cap = match f.format {
        MediaFormat::Png | MediaFormat::Jpeg => MAX_SCREENSHOT_PNG_JPEG,
        MediaFormat::Webp => MAX_SCREENSHOT_WEBP,
        MediaFormat::Mp4 => {
            p.add(format!("{}: a video, where {what} must be an image", f.name));
            return;
        }
    };
    if f.size > cap {
        p.add(format!("{}: {} bytes, over the {cap} bytes AGC takes for a {} {what}", f.name, f.size, f.format.name()));
    }
}

/// The screenshots of one language and device (`shown` names their folder): 3 to 10 images
/// within their caps.
pub(crate) fn check_screenshots(shown: &str, shots: &[ListingFile], p: &mut Problems) {
    let (min, max) = SCREENSHOTS_PER_DEVICE;
    if shots.len() < min || shots.len() > max {
        p.add(format!("{shown}/: {} screenshots; AGC takes {min} to {max} per language and device", shots.len()));
    }
    for f in shots {
        check_image(f, "screenshot", p);
    }
}

/// The videos of one language and device: at most 3, each with a poster image within the
/// screenshot caps.
pub(crate) fn check_videos(shown: &str, videos: &[ListingVideo], p: &mut Problems) {
    if videos.len() > MAX_VIDEOS_PER_DEVICE {
        p.add(format!(
            "{shown}/: {} videos; AGC takes at most {MAX_VIDEOS_PER_DEVICE} per language and device",
            videos.len()
        ));
    }
    // A video over MAX_VIDEO is refused where it is read, before it is hashed.
    for v in videos {
        check_image(&v.poster, "poster", p);
    }
}

/// The screenshots and posters of one language and device share one orientation.
pub(crate) fn check_one_orientation<'a>(shown: &str, images: impl Iterator<Item = &'a ListingFile>, p: &mut Problems) {
    let images: Vec<&ListingFile> = images.collect();
    let landscape: Vec<&str> = images.iter().filter(|f| f.is_landscape()).map(|f| f.file_name()).collect();
    if !landscape.is_empty() && landscape.len() < images.len() {
        let portrait: Vec<&str> = images.iter().filter(|f| !f.is_landscape()).map(|f| f.file_name()).collect();
        p.add(format!(
            "{shown}: screenshots and posters of one device share one orientation; landscape: {}, portrait: {}",
            landscape.join(", "),
            portrait.join(", ")
        ));
    }
}
