//! The listing folder read and checked without AGC: every documented rule refused locally,
//! all problems of a folder reported together, and a good folder read as it is.

mod common;

use agcupload::limits::{MAX_ICON_PNG, MAX_ICON_WEBP, MAX_SCREENSHOT_PNG_JPEG, MAX_SCREENSHOT_WEBP};
use agcupload::{Device, Error, Listing, MediaFormat};
use common::listing::*;
use common::TempDir;

/// The problems of a folder (the message of its refusal).
fn refused(dir: &TempDir) -> String {
    match Listing::read(&dir.0) {
        Err(Error::InvalidArgument(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn good(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    good_language(&d.0, "en-US", "a");
    d
}

#[test]
fn a_good_folder_is_read_with_its_texts_files_and_sizes() {
    let d = good("listing-good");
    put(&d.0, "zh-CN/name.txt", "演示\r\n".as_bytes());
    put(&d.0, "en-US/videos/tablet/01.mp4", &mp4(5000));
    put(&d.0, "en-US/videos/tablet/01.jpg", &jpeg(1920, 1080, 4000));
    put(&d.0, "en-US/screenshots/tablet/1.webp", &webp(2560, 1600, 9000));
    put(&d.0, "en-US/screenshots/tablet/2.jpeg", &jpeg(2560, 1600, 9000));
    put(&d.0, "en-US/screenshots/tablet/10.png", &png(2560, 1600, 9000));
    put(&d.0, "agc-files.json", b"{}");
    put(&d.0, ".git-keep", b"");
    let l = Listing::read(&d.0).unwrap();
    assert_eq!(l.languages.iter().map(|l| l.lang.as_str()).collect::<Vec<_>>(), ["en-US", "zh-CN"]);
    let en = l.language("en-us").unwrap();
    assert_eq!(en.texts.app_desc.as_deref(), Some("A demo app.\nSecond line a."));
    assert_eq!(l.language("zh-CN").unwrap().texts.app_name.as_deref(), Some("演示"));
    let icon = en.icon.as_ref().unwrap();
    assert_eq!((icon.format, icon.dimensions, icon.name.as_str()), (MediaFormat::Png, (1024, 1024), "en-US/icon.png"));
    assert_eq!(icon.sha256_hex.len(), 64);
    let (dev, tablet) = &en.screenshots[1];
    assert_eq!(*dev, Device::Tablet);
    // In the order of their numbers, whatever the format.
    let names: Vec<&str> = tablet.iter().map(|f| f.file_name()).collect();
    assert_eq!(names, ["1.webp", "2.jpeg", "10.png"]);
    assert!(tablet.iter().all(|f| f.is_landscape()));
    let (dev, videos) = &en.videos[0];
    assert_eq!(
        (*dev, videos[0].video.format, videos[0].poster.dimensions),
        (Device::Tablet, MediaFormat::Mp4, (1920, 1080))
    );
}

#[test]
fn texts_over_their_lengths_are_refused_counted_in_utf16_units() {
    let d = good("listing-lengths");
    put(&d.0, "en-US/name.txt", "n".repeat(65).as_bytes());
    put(&d.0, "en-US/brief.txt", "😀".repeat(41).as_bytes());
    put(&d.0, "en-US/release_notes.txt", "r".repeat(501).as_bytes());
    put(&d.0, "en-US/description.txt", "d".repeat(8001).as_bytes());
    let m = refused(&d);
    for part in [
        "name.txt",
        ": 65 characters",
        "brief.txt",
        ": 82 characters",
        "release_notes.txt",
        "501",
        "description.txt",
        "8001",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
    assert!(m.contains("breaks 4 rules"), "{m}");
    // At the limits: taken.
    put(&d.0, "en-US/name.txt", "n".repeat(64).as_bytes());
    put(&d.0, "en-US/brief.txt", "😀".repeat(40).as_bytes());
    put(&d.0, "en-US/release_notes.txt", "r".repeat(500).as_bytes());
    put(&d.0, "en-US/description.txt", "d".repeat(8000).as_bytes());
    Listing::read(&d.0).unwrap();
}

#[test]
fn empty_or_invisible_texts_and_non_utf8_files_are_refused() {
    let d = good("listing-empty");
    put(&d.0, "en-US/name.txt", "\u{feff}\u{200b} \n".as_bytes());
    put(&d.0, "en-US/brief.txt", b"\xff\xfe bad");
    let m = refused(&d);
    assert!(m.contains("en-US/name.txt") && m.contains("empty"), "{m}");
    assert!(m.contains("en-US/brief.txt: not UTF-8"), "{m}");
}

#[test]
fn description_brief_and_notes_must_differ() {
    let d = good("listing-same");
    put(&d.0, "en-US/brief.txt", b"Same text\n");
    put(&d.0, "en-US/release_notes.txt", b"Same text");
    let m = refused(&d);
    assert!(m.contains("brief.txt and release_notes.txt are the same text"), "{m}");
}

#[test]
fn an_icon_must_be_a_square_png_or_webp_of_216_or_1024_within_its_bytes() {
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("icon.jpg", jpeg(1024, 1024, 1000), "must be PNG or WebP"),
        ("icon.png", png(512, 512, 1000), "512x512"),
        ("icon.png", png(1024, 1000, 1000), "1024x1000"),
        ("icon.png", png(1024, 1024, MAX_ICON_PNG as usize + 1), "over the 3000000 bytes"),
        ("icon.webp", webp(216, 216, MAX_ICON_WEBP as usize + 1), "over the 100000 bytes"),
    ];
    for (name, bytes, says) in cases {
        let d = good("listing-icon");
        std::fs::remove_file(d.path("en-US/icon.png")).unwrap();
        put(&d.0, &format!("en-US/{name}"), &bytes);
        let m = refused(&d);
        assert!(m.contains(says), "{name}: {m}");
    }
    let d = good("listing-icon-ok");
    std::fs::remove_file(d.path("en-US/icon.png")).unwrap();
    put(&d.0, "en-US/icon.webp", &webp(216, 216, MAX_ICON_WEBP as usize));
    Listing::read(&d.0).unwrap();
    put(&d.0, "en-US/icon.png", &png(216, 216, 100));
    assert!(refused(&d).contains("two icons"));
}

#[test]
fn screenshots_are_three_to_ten_per_language_and_device() {
    let d = good("listing-count");
    std::fs::remove_file(d.path("en-US/screenshots/phone/03.png")).unwrap();
    assert!(refused(&d).contains("2 screenshots; AGC takes 3 to 10"));
    for n in 3..=11 {
        put(&d.0, &format!("en-US/screenshots/phone/{n:02}.png"), &png(1080, 1920, 100 + n));
    }
    assert!(refused(&d).contains("11 screenshots"));
    std::fs::remove_file(d.path("en-US/screenshots/phone/11.png")).unwrap();
    Listing::read(&d.0).unwrap();
}

#[test]
fn screenshots_and_posters_of_a_device_share_one_orientation() {
    let d = good("listing-orientation");
    put(&d.0, "en-US/screenshots/phone/02.png", &png(1920, 1080, 500));
    let m = refused(&d);
    assert!(m.contains("one orientation") && m.contains("landscape: 02.png"), "{m}");
    let d = good("listing-orientation-poster");
    put(&d.0, "en-US/videos/phone/01.mp4", &mp4(1000));
    put(&d.0, "en-US/videos/phone/01.png", &png(1920, 1080, 500));
    assert!(refused(&d).contains("landscape: 01.png"));
}

#[test]
fn screenshots_over_their_format_caps_are_refused() {
    let d = good("listing-caps");
    put(&d.0, "en-US/screenshots/phone/02.png", &png(1080, 1920, MAX_SCREENSHOT_PNG_JPEG as usize + 1));
    put(&d.0, "en-US/screenshots/phone/03.webp", &webp(1080, 1920, MAX_SCREENSHOT_WEBP as usize + 1));
    std::fs::remove_file(d.path("en-US/screenshots/phone/03.png")).unwrap();
    let m = refused(&d);
    assert!(m.contains("02.png: 5000001 bytes"), "{m}");
    assert!(m.contains("03.webp: 200001 bytes"), "{m}");
}

#[test]
fn a_file_whose_bytes_contradict_its_suffix_is_refused() {
    let d = good("listing-magic");
    put(&d.0, "en-US/screenshots/phone/02.png", &jpeg(1080, 1920, 500));
    put(&d.0, "en-US/screenshots/phone/04.gif", b"GIF89a");
    let m = refused(&d);
    assert!(m.contains("02.png: a JPEG file, but its suffix says PNG"), "{m}");
    assert!(m.contains("04.gif: unknown suffix"), "{m}");
}

#[test]
fn videos_need_their_posters_and_posters_their_videos() {
    let d = good("listing-videos");
    put(&d.0, "en-US/videos/phone/01.mp4", &mp4(1000));
    put(&d.0, "en-US/videos/phone/02.png", &png(1080, 1920, 500));
    let m = refused(&d);
    assert!(m.contains("01.mp4: a video needs its poster"), "{m}");
    assert!(m.contains("02.png: a poster without its video"), "{m}");
}

#[test]
fn more_than_three_videos_or_one_over_500_mb_are_refused() {
    let d = good("listing-many-videos");
    for n in 1..=4 {
        put(&d.0, &format!("en-US/videos/phone/0{n}.mp4"), &mp4(1000 + n));
        put(&d.0, &format!("en-US/videos/phone/0{n}.png"), &png(1080, 1920, 500 + n));
    }
    assert!(refused(&d).contains("4 videos; AGC takes at most 3"));
    let d = good("listing-big-video");
    let p = put(&d.0, "en-US/videos/phone/01.mp4", &mp4(100));
    // Sparse: refused by its size before any byte is hashed.
    std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(500_000_001).unwrap();
    put(&d.0, "en-US/videos/phone/01.png", &png(1080, 1920, 500));
    assert!(refused(&d).contains("01.mp4: 500000001 bytes"));
}

#[test]
fn a_video_shorter_than_15_s_or_longer_than_2_min_is_refused() {
    let (min, max) = agcupload::limits::VIDEO_SECONDS;
    assert_eq!((min, max), (15, 120));
    let d = good("listing-video-length");
    put(&d.0, "en-US/videos/phone/01.mp4", &mp4_lasting(14_999, 2000));
    put(&d.0, "en-US/videos/phone/01.png", &png(1080, 1920, 500));
    put(&d.0, "en-US/videos/phone/02.mp4", &mp4_lasting(120_001, 2000));
    put(&d.0, "en-US/videos/phone/02.png", &png(1080, 1920, 501));
    let m = refused(&d);
    assert!(m.contains("01.mp4: 14.999 s long; AGC takes videos of 15 s to 120 s"), "{m}");
    assert!(m.contains("02.mp4: 120.001 s long"), "{m}");
    // At the bounds, and a video whose header states no duration (AGC decides): taken.
    put(&d.0, "en-US/videos/phone/01.mp4", &mp4_lasting(15_000, 2000));
    put(&d.0, "en-US/videos/phone/02.mp4", &mp4_lasting(120_000, 2000));
    put(&d.0, "en-US/videos/phone/03.mp4", &mp4(1000));
    put(&d.0, "en-US/videos/phone/03.png", &png(1080, 1920, 502));
    let l = Listing::read(&d.0).unwrap();
    assert_eq!(l.languages[0].videos.iter().map(|(_, v)| v.len()).sum::<usize>(), 3);
}

#[test]
fn unknown_entries_bad_languages_and_devices_are_refused() {
    let d = good("listing-unknown");
    put(&d.0, "en-US/descripton.txt", b"typo");
    put(&d.0, "en-US/screenshots/phablet/01.png", &png(1080, 1920, 100));
    put(&d.0, "en US/name.txt", b"x");
    put(&d.0, "zh-Hans-CN/name.txt", b"x");
    put(&d.0, "notes.md", b"x");
    put(&d.0, "en-US/screenshots/phone/first.png", &png(1080, 1920, 100));
    let m = refused(&d);
    for part in [
        "en-US/descripton.txt: unknown file",
        "phablet: unknown folder",
        "en US/: 'en US' is not a language tag",
        "zh-Hans-CN/: 'zh-Hans-CN' is longer than the 8",
        "notes.md: unknown file",
        "first.png: the name must be a number",
    ] {
        assert!(m.contains(part), "{part}: {m}");
    }
}

#[cfg(unix)]
#[test]
fn links_inside_the_folder_are_refused() {
    let d = good("listing-links");
    let outside = TempDir::new("listing-outside");
    let secret = put(&outside.0, "secret.txt", b"not for the store");
    std::fs::remove_file(d.path("en-US/brief.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, d.path("en-US/brief.txt")).unwrap();
    let m = refused(&d);
    assert!(m.contains("en-US/brief.txt: a symbolic link"), "{m}");
    assert!(!m.contains("not for the store"));
}

#[test]
fn a_folder_without_languages_or_no_folder_at_all_is_refused() {
    let d = TempDir::new("listing-none");
    assert!(refused(&d).contains("holds no language folder"));
    assert!(matches!(Listing::read(&d.path("missing")), Err(Error::File { .. })));
    put(&d.0, "file", b"x");
    assert!(matches!(Listing::read(&d.path("file")), Err(Error::File { .. })));
}
