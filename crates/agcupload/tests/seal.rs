//! Tests of the sealed format through the public API (`agcupload::seal`).
//!
//! The known-answer vectors here are also in docs/sealed-format.md and are reproduced
//! independently by docs/sealed-format-kat.py.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use agcupload::seal::*;
use agcupload::Error;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------------
// Helpers

fn kat_key() -> SealKey {
    let bytes: Vec<u8> = (0u8..32).collect();
    SealKey::from_bytes(&bytes).unwrap()
}

fn other_key() -> SealKey {
    let mut bytes: Vec<u8> = (0u8..32).collect();
    bytes[31] ^= 1;
    SealKey::from_bytes(&bytes).unwrap()
}

const KAT_PREFIX: [u8; PREFIX_LEN] =
    [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2];

/// Deterministic, non-repeating-looking test data.
fn data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn seal_vec(key: &SealKey, chunk_size: u32, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let n = seal_stream_with(key, None, chunk_size, plain, &mut out).unwrap();
    assert_eq!(n, out.len() as u64);
    out
}

fn open_vec(key: &SealKey, sealed: &[u8]) -> agcupload::Result<Vec<u8>> {
    let mut out = Vec::new();
    let n = open_stream(key, sealed, &mut out)?;
    assert_eq!(n, out.len() as u64);
    Ok(out)
}

#[track_caller]
fn assert_corrupt(result: agcupload::Result<Vec<u8>>, what: &str) {
    match result {
        Err(Error::SealCorrupt(msg)) => assert!(!msg.is_empty(), "{what}: empty message"),
        Err(e) => panic!("{what}: expected SealCorrupt, got {e:?}"),
        Ok(_) => panic!("{what}: tampered data was accepted"),
    }
}

/// A unique scratch directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("agcupload-seal-{tag}-{}-{n}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(&self.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn assert_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_private(_path: &Path) {}

// Small chunk size for cheap exhaustive tamper tests: 3 chunks (2 full + 1 partial).
const SMALL: u32 = MIN_CHUNK_SIZE;
const SMALL_PLAIN: usize = 2 * SMALL as usize + 500;

fn small_sealed() -> (Vec<u8>, Vec<u8>) {
    let plain = data(SMALL_PLAIN);
    let sealed = seal_vec(&kat_key(), SMALL, &plain);
    assert_eq!(sealed.len(), HEADER_LEN + SMALL_PLAIN + 3 * TAG_LEN);
    (plain, sealed)
}

/// Offsets of the sealed chunks of `small_sealed()`: (start, end) of each chunk.
fn small_chunks(sealed: &[u8]) -> Vec<(usize, usize)> {
    let full = SMALL as usize + TAG_LEN;
    let c0 = HEADER_LEN;
    vec![(c0, c0 + full), (c0 + full, c0 + 2 * full), (c0 + 2 * full, sealed.len())]
}

// ---------------------------------------------------------------------------------------------
// Keys

#[test]
fn key_length_is_checked() {
    for len in [0usize, 16, 31, 33, 64] {
        match SealKey::from_bytes(&vec![1u8; len]) {
            Err(Error::SealKey(msg)) => {
                assert_eq!(msg, format!("seal key must be 32 bytes, got {len}"))
            }
            other => panic!("len {len}: {other:?}"),
        }
    }
    assert!(SealKey::from_bytes(&[1u8; 32]).is_ok());
}

#[test]
fn key_debug_is_redacted() {
    let key = SealKey::from_bytes(&[0xAB; 32]).unwrap();
    let shown = format!("{key:?} {:?} {:#?}", key.clone(), key);
    assert_eq!(shown, "SealKey(<redacted>) SealKey(<redacted>) SealKey(<redacted>)");
    let shown = shown.to_lowercase();
    assert!(!shown.contains("ab") && !shown.contains("171"));
}

#[test]
fn cloned_key_opens() {
    let key = kat_key();
    let clone = key.clone();
    drop(key);
    let sealed = seal_vec(&clone, SMALL, b"hello");
    assert_eq!(open_vec(&kat_key(), &sealed).unwrap(), b"hello");
}

// ---------------------------------------------------------------------------------------------
// Sizes and round trips

#[test]
fn sealed_len_formula() {
    assert_eq!(sealed_len(0), 48);
    assert_eq!(sealed_len(1), 49);
    assert_eq!(sealed_len(65535), 32 + 65535 + 16);
    assert_eq!(sealed_len(65536), 32 + 65536 + 32);
    assert_eq!(sealed_len(65537), 32 + 65537 + 32);
    assert_eq!(sealed_len(5 << 20), 32 + (5 << 20) + 16 * 81);
    assert_eq!(sealed_len(u64::MAX), u64::MAX);
    assert_eq!(sealed_len_with(0, 1024), Some(48));
    assert_eq!(sealed_len_with(2048, 1024), Some(32 + 2048 + 48));
    assert_eq!(sealed_len_with(10, 1023), None);
    assert_eq!(sealed_len_with(10, MAX_CHUNK_SIZE + 1), None);
}

#[test]
fn round_trip_streams() {
    let key = kat_key();
    for len in [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 5 << 20] {
        let plain = data(len);
        let mut sealed = Vec::new();
        let n = seal_stream(&key, &plain[..], &mut sealed).unwrap();
        assert_eq!(n, sealed.len() as u64, "len {len}");
        assert_eq!(n, sealed_len(len as u64), "len {len}");
        assert_eq!(open_vec(&key, &sealed).unwrap(), plain, "len {len}");
    }
}

#[test]
fn round_trip_small_chunks() {
    let key = kat_key();
    for cs in [MIN_CHUNK_SIZE, 1500, 4096, MAX_CHUNK_SIZE] {
        let c = cs as usize;
        for len in [0, 1, c - 1, c, c + 1, 3 * c, 3 * c + 7] {
            let plain = data(len);
            let sealed = seal_vec(&key, cs, &plain);
            assert_eq!(Some(sealed.len() as u64), sealed_len_with(len as u64, cs), "{cs}/{len}");
            assert_eq!(open_vec(&key, &sealed).unwrap(), plain, "{cs}/{len}");
        }
    }
}

#[test]
fn bad_chunk_size_when_sealing() {
    for cs in [0, 1, MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1, u32::MAX] {
        let r = seal_stream_with(&kat_key(), None, cs, &b"x"[..], Vec::new());
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{cs}: {r:?}");
    }
}

#[test]
fn random_prefix_differs() {
    let key = kat_key();
    let mut a = Vec::new();
    let mut b = Vec::new();
    seal_stream(&key, &b"same"[..], &mut a).unwrap();
    seal_stream(&key, &b"same"[..], &mut b).unwrap();
    assert_eq!(a[..13], b[..13]);
    assert_ne!(a[13..32], b[13..32], "nonce prefixes must be random");
    assert_ne!(a, b);
    assert_eq!(open_vec(&key, &a).unwrap(), b"same");
    assert_eq!(open_vec(&key, &b).unwrap(), b"same");
}

/// A reader that returns few bytes at a time and is sometimes interrupted.
struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step += 1;
        if self.step % 5 == 0 {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
        }
        let n = (self.step % 7 + 1).min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn short_and_interrupted_reads() {
    let key = kat_key();
    let plain = data(5000);
    let mut sealed = Vec::new();
    seal_stream_with(&key, None, SMALL, Dribble { data: &plain, step: 0 }, &mut sealed).unwrap();
    assert_eq!(sealed.len() as u64, sealed_len_with(5000, SMALL).unwrap());
    let mut out = Vec::new();
    open_stream(&key, Dribble { data: &sealed, step: 0 }, &mut out).unwrap();
    assert_eq!(out, plain);
}

#[test]
fn stream_errors_are_file_errors() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    match seal_stream(&kat_key(), Failing, Vec::new()) {
        Err(Error::File { path, reason }) => {
            assert_eq!(path, Path::new("<input>"));
            assert!(reason.contains("disk on fire"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(open_stream(&kat_key(), Failing, Vec::new()), Err(Error::File { .. })));
}

#[test]
fn round_trip_files() {
    let dir = TempDir::new("files");
    let key = kat_key();
    for len in [0usize, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 << 20] {
        let plain = data(len);
        let (p, s, o) = (dir.path("plain"), dir.path("sealed"), dir.path("opened"));
        fs::write(&p, &plain).unwrap();
        let n = seal_file(&key, &p, &s).unwrap();
        assert_eq!(n, sealed_len(len as u64));
        assert_eq!(fs::metadata(&s).unwrap().len(), n);
        assert_private(&s);
        let m = open_file(&key, &s, &o).unwrap();
        assert_eq!(m, len as u64);
        assert_private(&o);
        assert_eq!(fs::read(&o).unwrap(), plain, "len {len}");
        assert_eq!(dir.names(), ["opened", "plain", "sealed"], "no temporary files left");
    }
}

#[test]
fn files_in_place_and_replacing() {
    let dir = TempDir::new("inplace");
    let key = kat_key();
    let f = dir.path("picture.png");
    fs::write(&f, b"PNG bytes").unwrap();
    seal_file(&key, &f, &f).unwrap();
    assert_eq!(fs::metadata(&f).unwrap().len(), sealed_len(9));
    open_file(&key, &f, &f).unwrap();
    assert_eq!(fs::read(&f).unwrap(), b"PNG bytes");
    // An existing output is replaced.
    let out = dir.path("out");
    fs::write(&out, b"old").unwrap();
    seal_file(&key, &f, &out).unwrap();
    open_file(&key, &out, &out).unwrap();
    assert_eq!(fs::read(&out).unwrap(), b"PNG bytes");
    assert_eq!(dir.names(), ["out", "picture.png"]);
}

#[test]
fn long_output_name() {
    let dir = TempDir::new("longname");
    let name = "p".repeat(250);
    let (p, s) = (dir.path("plain"), dir.path(&name));
    fs::write(&p, b"x").unwrap();
    seal_file(&kat_key(), &p, &s).unwrap();
    open_file(&kat_key(), &s, &p).unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"x");
    assert_eq!(dir.names(), vec!["plain".to_string(), name]);
}

#[test]
fn missing_input_file() {
    let dir = TempDir::new("missing");
    let out = dir.path("out");
    for r in [seal_file(&kat_key(), &dir.path("nope"), &out), open_file(&kat_key(), &dir.path("nope"), &out)] {
        match r {
            Err(Error::File { path, .. }) => assert_eq!(path, dir.path("nope")),
            other => panic!("{other:?}"),
        }
    }
    assert!(dir.names().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Wrong key and tampering, through files: nothing is left behind

#[test]
fn wrong_key_leaves_nothing() {
    let dir = TempDir::new("wrongkey");
    let (p, s, o) = (dir.path("plain"), dir.path("sealed"), dir.path("opened"));
    fs::write(&p, data(3 * CHUNK_SIZE + 10)).unwrap();
    seal_file(&kat_key(), &p, &s).unwrap();
    fs::remove_file(&p).unwrap();

    let r = open_file(&other_key(), &s, &o);
    assert!(matches!(r, Err(Error::SealCorrupt(_))), "{r:?}");
    assert_eq!(dir.names(), ["sealed"], "no output and no temporary file");

    // An existing output is left untouched.
    fs::write(&o, b"keep me").unwrap();
    let r = open_file(&other_key(), &s, &o);
    assert!(matches!(r, Err(Error::SealCorrupt(_))), "{r:?}");
    assert_eq!(fs::read(&o).unwrap(), b"keep me");
    assert_eq!(dir.names(), ["opened", "sealed"]);
}

#[test]
fn late_corruption_leaves_nothing() {
    // The first chunks authenticate (and reach the temporary file); the last one does not.
    let dir = TempDir::new("late");
    let (p, s, o) = (dir.path("plain"), dir.path("sealed"), dir.path("opened"));
    fs::write(&p, data(3 * CHUNK_SIZE + 10)).unwrap();
    seal_file(&kat_key(), &p, &s).unwrap();
    fs::remove_file(&p).unwrap();
    let mut sealed = fs::read(&s).unwrap();
    let last = sealed.len() - 1;
    sealed[last] ^= 0x40;
    fs::write(&s, &sealed).unwrap();
    let r = open_file(&kat_key(), &s, &o);
    assert!(matches!(r, Err(Error::SealCorrupt(_))), "{r:?}");
    assert_eq!(dir.names(), ["sealed"]);
    // Truncated at a chunk boundary: same.
    fs::write(&s, &sealed[..HEADER_LEN + 2 * (CHUNK_SIZE + TAG_LEN)]).unwrap();
    let r = open_file(&kat_key(), &s, &o);
    assert!(matches!(r, Err(Error::SealCorrupt(_))), "{r:?}");
    assert_eq!(dir.names(), ["sealed"]);
}

#[test]
fn stream_writes_only_authenticated_chunks() {
    let (plain, sealed) = small_sealed();
    // Wrong key: nothing at all is written.
    let mut out = Vec::new();
    assert!(matches!(open_stream(&other_key(), &sealed[..], &mut out), Err(Error::SealCorrupt(_))));
    assert!(out.is_empty());
    // Second chunk damaged: exactly the first chunk was written (the caller must discard it).
    let mut bad = sealed.clone();
    bad[small_chunks(&sealed)[1].0 + 3] ^= 1;
    let mut out = Vec::new();
    assert!(matches!(open_stream(&kat_key(), &bad[..], &mut out), Err(Error::SealCorrupt(_))));
    assert_eq!(out, plain[..SMALL as usize]);
}

#[test]
fn every_byte_flip_is_detected() {
    let (plain, sealed) = small_sealed();
    assert_eq!(open_vec(&kat_key(), &sealed).unwrap(), plain);
    for i in 0..sealed.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut bad = sealed.clone();
            bad[i] ^= mask;
            assert_corrupt(open_vec(&kat_key(), &bad), &format!("flip {mask:#04x} at {i}"));
        }
    }
}

#[test]
fn every_truncation_is_detected() {
    let (_, sealed) = small_sealed();
    for len in 0..sealed.len() {
        assert_corrupt(open_vec(&kat_key(), &sealed[..len]), &format!("truncated to {len}"));
    }
    // An exact multiple of the chunk size ends with an empty final chunk; dropping it is caught.
    let sealed = seal_vec(&kat_key(), SMALL, &data(2 * SMALL as usize));
    for len in 0..sealed.len() {
        assert_corrupt(open_vec(&kat_key(), &sealed[..len]), &format!("truncated to {len}"));
    }
    // And with the default chunk size, at every chunk boundary and a few points around them.
    let sealed = seal_vec(&kat_key(), CHUNK_SIZE as u32, &data(3 * CHUNK_SIZE + 100));
    let full = CHUNK_SIZE + TAG_LEN;
    for boundary in [0, HEADER_LEN, HEADER_LEN + full, HEADER_LEN + 2 * full, HEADER_LEN + 3 * full] {
        for delta in [-17isize, -16, -1, 0, 1, 15, 16, 17, 1000] {
            let len = boundary as isize + delta;
            if len >= 0 && (len as usize) < sealed.len() {
                let len = len as usize;
                assert_corrupt(open_vec(&kat_key(), &sealed[..len]), &format!("truncated to {len}"));
            }
        }
    }
}

#[test]
fn reordered_duplicated_dropped_chunks() {
    let (_, sealed) = small_sealed();
    let ch = small_chunks(&sealed);
    let header = &sealed[..HEADER_LEN];
    let c = |i: usize| &sealed[ch[i].0..ch[i].1];
    let build = |order: &[usize]| {
        let mut v = header.to_vec();
        for &i in order {
            v.extend_from_slice(c(i));
        }
        v
    };
    assert_eq!(build(&[0, 1, 2]), sealed);
    for order in [
        &[1, 0, 2][..], // swapped
        &[0, 0, 1, 2],  // duplicated
        &[0, 1, 1, 2],  // duplicated
        &[0, 2],        // dropped middle chunk
        &[1, 2],        // dropped first chunk
        &[0, 1],        // dropped final chunk
        &[0, 2, 1],     // final chunk moved
        &[2],           // final chunk alone
        &[0, 1, 2, 2],  // final chunk twice
    ] {
        assert_corrupt(open_vec(&kat_key(), &build(order)), &format!("order {order:?}"));
    }
}

#[test]
fn chunks_from_another_file_are_rejected() {
    // Same key, same plaintext, different prefix: chunks do not transplant.
    let (_, a) = small_sealed();
    let (_, b) = small_sealed();
    assert_ne!(a, b);
    let ch = small_chunks(&a);
    let mut mixed = a.clone();
    mixed[ch[1].0..ch[1].1].copy_from_slice(&b[ch[1].0..ch[1].1]);
    assert_corrupt(open_vec(&kat_key(), &mixed), "chunk from another file");
    // Header of one, chunks of the other.
    let mut mixed = b[..HEADER_LEN].to_vec();
    mixed.extend_from_slice(&a[HEADER_LEN..]);
    assert_corrupt(open_vec(&kat_key(), &mixed), "header from another file");
}

#[test]
fn appended_data_is_rejected() {
    let (_, sealed) = small_sealed();
    let ch = small_chunks(&sealed);
    let tails: Vec<Vec<u8>> = vec![
        vec![0],
        vec![0; TAG_LEN],
        vec![0; 1000],
        sealed[ch[2].0..ch[2].1].to_vec(),
        sealed[ch[0].0..ch[0].1].to_vec(),
        sealed.clone(),
    ];
    for tail in tails {
        let mut bad = sealed.clone();
        bad.extend_from_slice(&tail);
        assert_corrupt(open_vec(&kat_key(), &bad), &format!("{} bytes appended", tail.len()));
    }
    for plain_len in [0usize, 5] {
        let mut bad = seal_vec(&kat_key(), SMALL, &data(plain_len));
        bad.push(0);
        assert_corrupt(open_vec(&kat_key(), &bad), "1 byte appended");
    }
}

#[test]
fn header_edits_are_rejected() {
    let (_, sealed) = small_sealed();
    let edit = |i: usize, v: u8| {
        let mut bad = sealed.clone();
        bad[i] = v;
        bad
    };
    let set_chunk_size = |cs: u32| {
        let mut bad = sealed.clone();
        bad[9..13].copy_from_slice(&cs.to_be_bytes());
        bad
    };
    assert_eq!(&sealed[..13], b"AGCSEAL\x01\x01\x00\x00\x04\x00");
    assert_corrupt(open_vec(&kat_key(), &edit(0, b'X')), "magic");
    assert_corrupt(open_vec(&kat_key(), &edit(6, b'l')), "magic");
    assert_corrupt(open_vec(&kat_key(), &edit(7, 0)), "version 0");
    assert_corrupt(open_vec(&kat_key(), &edit(7, 2)), "version 2");
    assert_corrupt(open_vec(&kat_key(), &edit(8, 0)), "alg 0");
    assert_corrupt(open_vec(&kat_key(), &edit(8, 2)), "alg 2");
    for cs in [
        0,
        1,
        MIN_CHUNK_SIZE - 1,
        MIN_CHUNK_SIZE + 1,
        2048,
        SMALL_PLAIN as u32,
        65536,
        MAX_CHUNK_SIZE,
        MAX_CHUNK_SIZE + 1,
        u32::MAX,
    ] {
        assert_corrupt(open_vec(&kat_key(), &set_chunk_size(cs)), &format!("chunk size {cs}"));
    }
    for (i, &byte) in sealed.iter().enumerate().take(HEADER_LEN).skip(13) {
        assert_corrupt(open_vec(&kat_key(), &edit(i, byte ^ 0x10)), &format!("prefix byte {i}"));
    }
    // Messages say what is wrong.
    match open_vec(&kat_key(), &edit(7, 2)) {
        Err(Error::SealCorrupt(m)) => assert!(m.contains("version 2"), "{m}"),
        other => panic!("{other:?}"),
    }
    match open_vec(&kat_key(), b"PNG\r\n\x1a\n this is not sealed at all, not at all") {
        Err(Error::SealCorrupt(m)) => assert!(m.contains("magic"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_corrupt(open_vec(&kat_key(), b""), "empty input");
    assert_corrupt(open_vec(&kat_key(), &sealed[..HEADER_LEN]), "header only");
}

#[test]
fn messages_do_not_contain_key_bytes() {
    let key = SealKey::from_bytes(&[0x5A; 32]).unwrap();
    let (_, sealed) = small_sealed();
    let err = open_vec(&key, &sealed).unwrap_err();
    let text = format!("{err} {err:?}").to_lowercase();
    assert!(!text.contains("5a5a") && !text.contains("90, 90"), "{text}");
    assert!(text.contains("wrong key"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Known-answer vectors (docs/sealed-format.md; reproduced by docs/sealed-format-kat.py)

const KAT_EMPTY: &str = "4147435345414c010100010000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2\
                         5d77f03051152f667a1210f85468ad3f";

const KAT_PROFILE: &str = "4147435345414c010100010000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2\
                           d0a46897b5e70cfe68a4d53e40509183d181bb38\
                           be93ddaa0cab6faa718c4ccd6a201956";

const KAT_65537_SHA256: &str = "3eb0f3b2d97c6b36d02184577e7b47adc92b34f9c17dc9e76b8ade077d35732a";
const KAT_65537_FINAL_CHUNK: &str = "946641136ea193dbac78236ee419d6dd84";

#[test]
fn kat_empty() {
    let mut out = Vec::new();
    let n = seal_stream_with_prefix(&kat_key(), &KAT_PREFIX, &b""[..], &mut out).unwrap();
    assert_eq!(n, 48);
    assert_eq!(hex(&out), KAT_EMPTY);
    assert_eq!(open_vec(&kat_key(), &unhex(KAT_EMPTY)).unwrap(), b"");
}

#[test]
fn kat_profile_picture() {
    let mut out = Vec::new();
    let plain = b"AGC profile picture\n";
    let n = seal_stream_with_prefix(&kat_key(), &KAT_PREFIX, &plain[..], &mut out).unwrap();
    assert_eq!(n, 68);
    assert_eq!(hex(&out), KAT_PROFILE);
    assert_eq!(open_vec(&kat_key(), &unhex(KAT_PROFILE)).unwrap(), plain);
}

#[test]
fn kat_65537_bytes() {
    let plain: Vec<u8> = (0..65537u32).map(|i| (i % 251) as u8).collect();
    let mut out = Vec::new();
    let n = seal_stream_with_prefix(&kat_key(), &KAT_PREFIX, &plain[..], &mut out).unwrap();
    assert_eq!(n, 65601);
    assert_eq!(out.len(), 65601);
    assert_eq!(hex(&out[..HEADER_LEN]), &KAT_EMPTY[..64]);
    assert_eq!(hex(&Sha256::digest(&out)), KAT_65537_SHA256);
    assert_eq!(hex(&out[HEADER_LEN + CHUNK_SIZE + TAG_LEN..]), KAT_65537_FINAL_CHUNK);
    assert_eq!(open_vec(&kat_key(), &out).unwrap(), plain);
}
