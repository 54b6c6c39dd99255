//! Listing folders for the tests: images whose headers say their size (the rest is padding:
//! the listing reads headers only), MP4s, and a valid language folder to break one rule at a
//! time.

use std::path::{Path, PathBuf};

/// A PNG header of `w`x`h`, padded to `size` bytes.
pub fn png(w: u32, h: u32, size: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend(13u32.to_be_bytes());
    v.extend(b"IHDR");
    v.extend(w.to_be_bytes());
    v.extend(h.to_be_bytes());
    v.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    pad(v, size)
}

/// A JPEG header (SOF0) of `w`x`h`, padded to `size` bytes.
pub fn jpeg(w: u16, h: u16, size: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    v.extend(h.to_be_bytes());
    v.extend(w.to_be_bytes());
    v.extend([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    pad(v, size)
}

/// A WebP (VP8X) header of `w`x`h`, padded to `size` bytes.
pub fn webp(w: u32, h: u32, size: usize) -> Vec<u8> {
    let mut v = b"RIFF".to_vec();
    v.extend(((size.max(30) - 8) as u32).to_le_bytes());
    v.extend(b"WEBPVP8X");
    v.extend(10u32.to_le_bytes());
    v.extend([0, 0, 0, 0]);
    v.extend(&(w - 1).to_le_bytes()[..3]);
    v.extend(&(h - 1).to_le_bytes()[..3]);
    pad(v, size)
}

/// An MP4 (`ftyp` box) of `size` bytes.
pub fn mp4(size: usize) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend(b"ftypisom\0\0\0\0isommp41");
    pad(v, size)
}

/// An MP4 whose movie header (`moov`/`mvhd`, version 0, time scale 1000) says `ms`
/// milliseconds, then an `mdat` of `size` bytes.
pub fn mp4_lasting(ms: u32, size: usize) -> Vec<u8> {
    let boxed = |kind: &[u8], body: &[u8]| {
        let mut v = u32::try_from(body.len() + 8).unwrap().to_be_bytes().to_vec();
        v.extend(kind);
        v.extend(body);
        v
    };
    let mut mvhd = vec![0u8; 12];
    mvhd.extend(1000u32.to_be_bytes());
    mvhd.extend(ms.to_be_bytes());
    mvhd.extend([0u8; 80]);
    let mut v = boxed(b"ftyp", b"isom\0\0\0\0isommp41");
    v.extend(boxed(b"moov", &boxed(b"mvhd", &mvhd)));
    v.extend(boxed(b"mdat", &pad(Vec::new(), size)));
    v
}

fn pad(mut v: Vec<u8>, size: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e3779b9 ^ size as u32;
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push((x >> 24) as u8);
    }
    v
}

/// Write `bytes` at `rel` under `root`, creating folders.
pub fn put(root: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A language folder that passes every rule: four different texts, a 1024 PNG icon and three
/// portrait phone screenshots (`tag` makes the texts and images of one call differ from
/// another's).
pub fn good_language(root: &Path, lang: &str, tag: &str) {
    put(root, &format!("{lang}/name.txt"), format!("Demo {tag}\n").as_bytes());
    put(root, &format!("{lang}/description.txt"), format!("A demo app.\nSecond line {tag}.\n").as_bytes());
    put(root, &format!("{lang}/brief.txt"), format!("The demo {tag}").as_bytes());
    put(root, &format!("{lang}/release_notes.txt"), format!("Fixes {tag}").as_bytes());
    put(root, &format!("{lang}/icon.png"), &png(1024, 1024, 2000 + tag.len()));
    for n in 1..=3 {
        put(root, &format!("{lang}/screenshots/phone/0{n}.png"), &png(1080, 1920, 3000 + n * 10 + tag.len()));
    }
}
