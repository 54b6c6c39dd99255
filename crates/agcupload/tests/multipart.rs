//! AGC's multipart upload against the mock: byte-identical objects, per-part
//! retry, resume across runs, the single-PUT fallback, a known digest, and what the resume
//! file may hold. Big files are generated in the temp directory, never committed.

mod common;

use std::io::Write;
use std::path::Path;

use agc_mock::{Endpoint, Fault, MockConfig, MockServer, RequestRecord};
use agcupload::{Client, Error, NoProgress, PackageKind, Phase, Transfer, UploadRequest, UploadResult};
use common::*;

const MIB: u64 = 1024 * 1024;

/// A mock whose `nspPartMinSize` is `part` bytes; bodies kept only as size + SHA-256 when
/// `!keep` (a 200 MiB object would otherwise sit in memory).
fn server(part: u64, keep: bool) -> MockServer {
    mock_with(MockConfig { multipart_part_min_size: part, store_bodies: keep, ..MockConfig::default() })
}

/// Writes `size` pseudo-random bytes (ZIP magic first) in 1 MiB pieces; returns the SHA-256.
fn big_app(path: &Path, size: u64, seed: u32) -> String {
    use sha2::Digest;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut h = sha2::Sha256::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed as u64;
    let mut left = size;
    let mut first = true;
    let mut buf = vec![0u8; MIB as usize];
    while left > 0 {
        let n = left.min(MIB) as usize;
        for chunk in buf[..n].chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = x.to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        if first {
            buf[..4].copy_from_slice(b"PK\x03\x04");
            first = false;
        }
        f.write_all(&buf[..n]).unwrap();
        h.update(&buf[..n]);
        left -= n as u64;
    }
    f.flush().unwrap();
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn multipart_request<'a>(path: &'a Path) -> UploadRequest<'a> {
    let mut r = UploadRequest::new("10001", path, PackageKind::HarmonyApp);
    r.transfer = Transfer::Multipart;
    r
}

fn part_puts(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.kind == Endpoint::Upload && r.query.iter().any(|(k, _)| k == "uploadId")).collect()
}

fn part_number(r: &RequestRecord) -> u32 {
    r.query.iter().find(|(k, _)| k == "partNumber").and_then(|(_, v)| v.parse().ok()).unwrap()
}

fn stored_sha(server: &MockServer, r: &UploadResult) -> String {
    server.object(&r.object_id).expect("the object is stored").sha256_hex
}

#[test]
fn a_200_mib_upload_goes_multipart_byte_identical_and_binds() {
    let server = server(5 * MIB, false);
    let client = client_for(&server);
    let dir = TempDir::new("mp-200");
    let path = dir.path("big.app");
    let sha = big_app(&path, 200 * MIB, 1);
    let mut rec = Recorder::default();
    // Auto: 200 MiB is above the threshold.
    let r = client.upload(&UploadRequest::new("10001", &path, PackageKind::HarmonyApp), &mut rec).unwrap();
    assert_eq!(r.transfer, Transfer::Multipart);
    assert_eq!((r.parts, r.parts_sent, r.resumed_parts), (40, 40, 0));
    assert_eq!(r.sha256_hex, sha);
    assert_eq!(r.bytes_sent, 200 * MIB);
    assert_eq!(stored_sha(&server, &r), sha, "the stored object is the file, byte for byte");
    assert_eq!(server.object(&r.object_id).unwrap().size, 200 * MIB);
    let log = server.requests();
    let puts = part_puts(&log);
    assert_eq!(puts.len(), 40);
    assert!(puts.iter().all(|p| p.headers.iter().all(|(n, _)| n != "expect")), "Expect is opt-in");
    assert!(puts.iter().all(|p| !p.bearer && !p.client_id_header && !p.chunked));
    // Progress over the whole file: Uploading counts up to the size across the parts.
    let up = rec.of(Phase::Uploading);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "upload progress went backwards");
    assert_eq!(up.last(), Some(&(200 * MIB)));
    assert!(rec.events.iter().filter(|e| e.0 == Phase::Uploading).all(|e| e.2 == 200 * MIB));
    // The object binds like a single PUT's.
    let pkg = client.bind_package("10001", &r, &mut NoProgress).unwrap();
    assert!(!pkg.is_empty());
    assert_eq!(server.packages_bound(), 1);
}

/// The 30 MiB-reset scenario of the issue, scaled down (the point is the count): parts of
/// 1 MiB and a reset every 3.5 MiB of part bodies, so each reset cuts one part mid-way.
#[test]
fn a_reset_every_few_mib_completes_resending_at_most_one_part_per_reset() {
    let server = server(MIB, false);
    let every = 7 * MIB / 2;
    server.set_fault(Fault::PartResetEvery(every));
    let client = client_for(&server);
    let dir = TempDir::new("mp-reset");
    let path = dir.path("big.app");
    let size = 40 * MIB;
    let sha = big_app(&path, size, 2);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(stored_sha(&server, &r), sha);
    let log = server.requests();
    let puts = part_puts(&log);
    let resets = puts.iter().filter(|p| p.status == 0).count() as u64;
    assert!(resets >= size / every, "{resets} resets");
    assert_eq!(puts.len() as u64, 40 + resets, "each reset re-sent exactly the part it cut");
    for p in puts.iter().filter(|p| p.status == 0) {
        let n = part_number(p);
        assert_eq!(puts.iter().filter(|q| part_number(q) == n).count(), 2, "part {n} sent twice");
    }
    assert_eq!((r.parts, r.parts_sent), (40, 40));
    assert_eq!((r.put_attempts as u64, r.retried_parts as u64), (40 + resets, resets), "PUT attempts, not calls");
    // A cut attempt may have handed over its whole part (into the sockets' buffers) before the
    // reset reached the client: at most one part per reset.
    assert!(r.bytes_sent > size && r.bytes_sent <= size + resets * MIB, "{} bytes sent, {resets} resets", r.bytes_sent);
}

#[test]
fn headers_as_a_json_string_with_numbers_are_replayed() {
    let server = server(MIB, true);
    server.set_fault(Fault::PartHeadersAsText);
    let client = client_for(&server);
    let dir = TempDir::new("mp-text");
    let path = dir.app("f.app", (2 * MIB + 100) as usize);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(r.parts, 3);
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    for p in part_puts(&server.requests()) {
        let n = part_number(p).to_string();
        assert!(p.headers.iter().any(|(k, v)| k == "x-obs-part-number" && *v == n), "numeric header replayed");
    }
}

#[test]
fn an_expired_part_url_gets_a_fresh_one_and_compose_is_retried() {
    let server = server(MIB, true);
    server.set_fault(Fault::PartUrlExpiredOnce);
    let client = client_for(&server);
    let dir = TempDir::new("mp-expired");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    let log = server.requests();
    let asks = log.iter().filter(|r| r.kind == Endpoint::Multipart && r.path.ends_with("/parts")).count();
    assert_eq!(asks, 2, "the full map asked once, then once more after the host refused an expired URL");
    assert_eq!(part_puts(&log).iter().filter(|p| p.status == 403).count(), 1);

    server.clear_requests();
    server.set_fault(Fault::ComposeFailsOnce);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    let composes = server.requests().iter().filter(|r| r.path.ends_with("/compose")).count();
    assert_eq!(composes, 2);
}

#[test]
fn init_refused_falls_back_to_one_put_with_a_note_under_auto_only() {
    let server = server(MIB, true);
    server.set_fault(Fault::MultipartInitRefused(204144641));
    let client = client_for(&server);
    let dir = TempDir::new("mp-refused");
    let path = dir.app("f.app", (3 * MIB) as usize);
    // Auto tries multipart from the threshold on.
    let big = dir.path("big.app");
    let sha = big_app(&big, agcupload::AUTO_MULTIPART_FROM, 3);
    let r = client.upload(&UploadRequest::new("10001", &big, PackageKind::HarmonyApp), &mut NoProgress).unwrap();
    assert_eq!(r.transfer, Transfer::Single);
    assert!(
        r.notes.iter().any(|n| n.contains("refused the multipart upload") && n.contains("204144641")),
        "{:?}",
        r.notes
    );
    assert_eq!(stored_sha(&server, &r), sha);
    let log = server.requests();
    assert_eq!(log.iter().filter(|r| r.kind == Endpoint::Multipart).count(), 1, "init asked once");
    assert_eq!(log.iter().filter(|r| r.kind == Endpoint::UploadUrl).count(), 1);
    assert_eq!(log.iter().filter(|r| r.kind == Endpoint::Upload).count(), 1, "one PUT");
    // Asked for multipart explicitly: the refusal is the answer.
    let e = client.upload(&multipart_request(&path), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Protocol(ref m) if m.contains("204144641")), "{e}");
}

#[test]
fn a_known_digest_skips_the_hash_pass_and_a_wrong_one_stores_nothing() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-digest");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let data = read(&path);
    let good = agcupload::parse_sha256_hex(&sha256_hex(&data)).unwrap();
    let mut req = UploadRequest::new("10001", &path, PackageKind::HarmonyApp);
    req.sha256 = Some(good);
    let mut rec = Recorder::default();
    let r = client.upload(&req, &mut rec).unwrap();
    assert!(rec.of(Phase::Hashing).is_empty(), "no hash pass with a known digest");
    assert_eq!(r.transfer, Transfer::Single);
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), data);

    let mut wrong = good;
    wrong[0] ^= 1;
    let before = server.objects().len();
    for transfer in [Transfer::Single, Transfer::Multipart] {
        let mut req = UploadRequest::new("10001", &path, PackageKind::HarmonyApp);
        req.sha256 = Some(wrong);
        req.transfer = transfer;
        let e = client.upload(&req, &mut NoProgress).unwrap_err();
        let shown = e.to_string();
        assert_eq!(e.status(), agcupload::Status::FileChanged, "{shown}");
        assert!(shown.contains(&agcupload::to_hex(&wrong)), "names the given digest: {shown}");
        assert!(shown.contains(&sha256_hex(&data)), "names the real digest: {shown}");
        if transfer == Transfer::Multipart {
            assert!(shown.contains("the last part was stopped before its last byte"), "{shown}");
        }
        assert_eq!(server.objects().len(), before, "{transfer:?}: nothing stored");
    }
    // The single PUT stopped before its last byte.
    let log = server.requests();
    let last_single = log.iter().rev().find(|r| r.kind == Endpoint::Upload && r.query.is_empty()).unwrap();
    assert!(!last_single.complete && last_single.body_received < data.len() as u64);
    // The multipart upload hashes the whole file as its parts are sent: the last part was
    // stopped before its last byte, and nothing was composed.
    let parts = part_puts(&log);
    let last_part = parts.last().unwrap();
    assert_eq!(part_number(last_part), 3);
    assert!(!last_part.complete && last_part.body_received < MIB, "{last_part:?}");
    assert_eq!(log.iter().filter(|r| r.path.ends_with("/multipart/parts")).count(), 1, "one map of part URLs");
    assert!(!log.iter().any(|r| r.path.ends_with("/compose")));
    assert!(agcupload::parse_sha256_hex("xyz").is_err());
}

#[test]
fn expect_continue_is_opt_in() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-expect");
    let path = dir.app("f.app", (2 * MIB) as usize);
    let mut req = UploadRequest::new("10001", &path, PackageKind::HarmonyApp);
    client.upload(&req, &mut NoProgress).unwrap();
    req.expect_continue = true;
    client.upload(&req, &mut NoProgress).unwrap();
    let log = server.requests();
    let puts: Vec<_> = log.iter().filter(|r| r.kind == Endpoint::Upload).collect();
    let expects = |p: &RequestRecord| p.headers.iter().any(|(n, v)| n == "expect" && v == "100-continue");
    assert!(!expects(puts[0]) && expects(puts[1]));
}

/// Cancel the upload once `parts` parts are through (as a killed run would leave it).
fn interrupted_run(client: &Client, path: &Path, resume: &Path, part: u64, parts: u64) {
    let mut req = multipart_request(path);
    req.resume_file = Some(resume);
    let mut rec = Recorder { cancel_at: Some((Phase::Uploading, parts * part + part / 2)), ..Recorder::default() };
    let e = client.upload(&req, &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert!(resume.exists(), "the state survives the interrupted run");
}

fn resumed(client: &Client, path: &Path, resume: &Path) -> UploadResult {
    let mut req = multipart_request(path);
    req.resume_file = Some(resume);
    client.upload(&req, &mut NoProgress).unwrap()
}

#[test]
fn an_interrupted_upload_resumes_sending_only_the_missing_parts() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-resume");
    let path = dir.app("f.app", (8 * MIB + 7) as usize);
    let resume = dir.path("upload.resume");
    interrupted_run(&client, &path, &resume, MIB, 4);
    let state = std::fs::read_to_string(&resume).unwrap();
    assert_resume_file_holds_no_secret(&server, &state);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&resume).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let stored_before = server.stored_parts().len();
    assert_eq!(stored_before, 4);
    let r = resumed(&client, &path, &resume);
    assert_eq!((r.parts, r.resumed_parts, r.parts_sent), (9, 4, 5));
    assert_eq!(server.stored_parts().len(), 9, "only the missing parts were sent");
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    assert!(!resume.exists(), "a finished upload removes its resume file");
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn a_changed_file_is_not_resumed_and_a_forgotten_session_restarts() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-changed");
    let path = dir.app("f.app", (6 * MIB) as usize);
    let resume = dir.path("upload.resume");
    interrupted_run(&client, &path, &resume, MIB, 3);
    // Same size, other bytes, other mtime.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut data = read(&path);
    data[MIB as usize + 10] ^= 0xff;
    std::fs::write(&path, &data).unwrap();
    let r = resumed(&client, &path, &resume);
    assert_eq!((r.resumed_parts, r.parts_sent), (0, 6));
    assert!(r.notes.iter().any(|n| n.contains("changed")), "{:?}", r.notes);
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), data, "the new content, not a mix");

    interrupted_run(&client, &path, &resume, MIB, 2);
    server.forget_multipart_sessions();
    let r = resumed(&client, &path, &resume);
    assert_eq!((r.resumed_parts, r.parts_sent), (0, 6));
    assert!(r.notes.iter().any(|n| n.contains("no longer knows")), "{:?}", r.notes);
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), data);
    assert!(!resume.exists());
}

/// The resume file holds no token, client secret, signature or signed URL.
pub fn assert_resume_file_holds_no_secret(server: &MockServer, state: &str) {
    assert!(state.contains("upload_id") && state.contains("etag"), "{state}");
    assert!(!state.contains(&server.client_secret()));
    for t in server.issued_tokens() {
        assert!(!state.contains(&t), "a token in the resume file");
    }
    for a in server.upload_authorizations() {
        let sig = a.rsplit("Signature=").next().unwrap();
        assert!(!state.contains(sig), "a signature in the resume file");
    }
    for bad in ["https://", "Signature", "AWS4", "X-Amz", "x-amz", "Authorization", "Bearer"] {
        assert!(!state.contains(bad), "{bad} in the resume file: {state}");
    }
}

#[test]
fn a_wrong_known_digest_is_caught_even_when_every_part_was_sent_by_an_earlier_run() {
    let server = server(MIB, true);
    let mut client = client_for(&server);
    let dir = TempDir::new("mp-digest-resumed");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let resume = dir.path("upload.resume");
    // Every part sent, then compose fails and is not retried: the resume file holds all parts.
    client.set_retry(1, None).unwrap();
    server.set_fault(Fault::ComposeFailsOnce);
    let mut req = multipart_request(&path);
    req.resume_file = Some(&resume);
    assert!(client.upload(&req, &mut NoProgress).is_err());
    assert!(resume.exists());
    let before = server.objects().len();
    let mut wrong = agcupload::parse_sha256_hex(&sha256_hex(&read(&path))).unwrap();
    wrong[31] ^= 1;
    req.sha256 = Some(wrong);
    let e = client.upload(&req, &mut NoProgress).unwrap_err();
    assert_eq!(e.status(), agcupload::Status::FileChanged, "{e}");
    assert!(!e.to_string().contains("not sent"), "the earlier run sent every part: {e}");
    assert_eq!(server.objects().len(), before, "nothing composed");
    assert_eq!(server.requests().iter().filter(|r| r.path.ends_with("/compose")).count(), 1);
}

/// Bytes of part 2 rewritten after part 1 was sent (before part 2 is) change the file's stamp:
/// part 2 is stopped before its last byte and nothing is composed, so no object mixes the old
/// and the new content.
#[test]
fn a_file_rewritten_between_two_parts_is_stopped_before_the_next_parts_last_byte() {
    use std::os::unix::fs::FileExt;
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-ahead-changed");
    let path = dir.path("f.app");
    big_app(&path, 3 * MIB, 5);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let mut hashing = 0u64;
    let mut rewritten = false;
    let mut sink = |phase: Phase, done: u64, _total: u64| {
        if phase == Phase::Hashing {
            hashing += 1;
        }
        if phase == Phase::RequestingUrl && done == 2 && !rewritten {
            file.write_all_at(b"changed!", MIB + 1000).unwrap();
            rewritten = true;
        }
        true
    };
    let e = client.upload(&multipart_request(&path), &mut sink).unwrap_err();
    assert!(rewritten);
    assert_eq!(hashing, 0, "a fresh multipart upload hashes its parts while they are sent");
    assert_eq!(e.status(), agcupload::Status::FileChanged, "{e}");
    assert!(e.to_string().contains("part 2"), "{e}");
    // The mock logs the cut PUT once its handler sees the connection end.
    let mut tries = 0;
    let part_2 = loop {
        let log = server.requests();
        if let Some(p) = part_puts(&log).into_iter().find(|p| part_number(p) == 2) {
            break p.clone();
        }
        tries += 1;
        assert!(tries < 200, "part 2's PUT never reached the mock: {e}");
        std::thread::sleep(std::time::Duration::from_millis(25));
    };
    assert!(!part_2.complete && part_2.body_received < MIB, "{part_2:?}");
    assert!(!server.requests().iter().any(|r| r.path.ends_with("/compose")));
    assert!(server.objects().is_empty());
}

/// A file cut short during the upload ends with FILE_CHANGED, nothing composed.
#[test]
fn a_file_that_shrinks_during_the_upload_is_refused() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-ahead-shrunk");
    let path = dir.path("f.app");
    big_app(&path, 3 * MIB, 6);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let mut cut = false;
    let mut sink = |phase: Phase, _done: u64, _total: u64| {
        if phase == Phase::Uploading && !cut {
            file.set_len(MIB + MIB / 2).unwrap();
            cut = true;
        }
        true
    };
    let e = client.upload(&multipart_request(&path), &mut sink).unwrap_err();
    assert!(cut);
    assert_eq!(e.status(), agcupload::Status::FileChanged, "{e}");
    assert!(e.to_string().contains("size changed") || e.to_string().contains("shrank"), "{e}");
    assert!(!server.requests().iter().any(|r| r.path.ends_with("/compose")));
    assert!(server.objects().is_empty());
}

/// The benchmark's dropping link (`slow_reset_every`): one PUT of a file larger than the
/// reset interval never gets through; parts smaller than it do.
#[test]
fn a_link_that_drops_every_few_mib_defeats_one_put_but_not_the_parts() {
    let server = server(MIB, true);
    server.set_fault(Fault::SlowResetEvery(400_000_000, 3 * MIB / 2));
    let mut client = client_for(&server);
    client.set_retry(3, None).unwrap();
    let dir = TempDir::new("mp-dropping");
    let path = dir.app("f.app", (4 * MIB) as usize);
    let mut single = UploadRequest::new("10001", &path, PackageKind::HarmonyApp);
    single.transfer = Transfer::Single;
    let e = client.upload(&single, &mut NoProgress).unwrap_err();
    assert_eq!(e.status(), agcupload::Status::Network, "{e}");
    assert!(server.objects().is_empty());
    server.clear_requests();
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    // Each reset costs at most the part it cut (1 MiB), never the file.
    let log = server.requests();
    let resets = part_puts(&log).iter().filter(|p| !p.complete).count() as u64;
    assert!(resets >= 1, "the link dropped: {log:?}");
    assert!(r.bytes_sent > 4 * MIB && r.bytes_sent <= 4 * MIB + resets * MIB, "{} after {resets} resets", r.bytes_sent);
}

fn multipart_calls<'a>(log: &'a [RequestRecord], ends: &str) -> Vec<&'a RequestRecord> {
    log.iter().filter(|r| r.kind == Endpoint::Multipart && r.path.ends_with(ends)).collect()
}

fn query_of<'a>(r: &'a RequestRecord, key: &str) -> Option<&'a str> {
    r.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Huawei's pages: init takes query parameters only; one `parts` call gets the URLs of every
/// part, the map numbered from 1 in order (twelve parts: `additionalProp10` sorts before
/// `additionalProp2` as text, and the mock numbers parts by their position).
#[test]
fn init_has_no_body_and_one_parts_call_lists_every_part_in_order() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-one-call");
    let path = dir.app("f.app", (11 * MIB + 5) as usize);
    let mut rec = Recorder::default();
    let r = client.upload(&multipart_request(&path), &mut rec).unwrap();
    assert_eq!((r.parts, r.parts_sent, r.put_attempts, r.retried_parts), (12, 12, 12, 0));
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    let log = server.requests();
    let init = multipart_calls(&log, "/init");
    assert_eq!(init.len(), 1);
    assert!(init[0].content_length.unwrap_or(0) == 0 && init[0].body_received == 0, "{:?}", init[0]);
    for absent in ["fileType", "releaseType", "chineseMainlandFlag"] {
        assert_eq!(query_of(init[0], absent), None, "{absent} is sent only when the caller sets it");
    }
    assert_eq!(multipart_calls(&log, "/parts").len(), 1, "one call for every part's URL");
    let numbers: Vec<u32> = part_puts(&log).iter().map(|p| part_number(p)).collect();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    assert!(rec.of(Phase::Hashing).is_empty(), "the parts are hashed while they are sent");
}

#[test]
fn init_sends_the_mainland_flag_and_the_release_type_only_as_set() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-init-query");
    let path = dir.app("f.app", (2 * MIB) as usize);
    for (mainland, release, flag, rt) in [
        (Some(false), Some(6), Some("0"), Some("6")),
        (Some(true), Some(1), Some("1"), Some("1")),
        (None, None, None, None),
    ] {
        server.clear_requests();
        let mut req = multipart_request(&path);
        req.chinese_mainland = mainland;
        req.release_type = release;
        client.upload(&req, &mut NoProgress).unwrap();
        let log = server.requests();
        let init = multipart_calls(&log, "/init")[0];
        assert_eq!(query_of(init, "chineseMainlandFlag"), flag);
        assert_eq!(query_of(init, "releaseType"), rt);
    }
}

#[test]
fn part_urls_old_enough_to_expire_are_asked_again_with_the_same_full_map() {
    let server = server(MIB, true);
    let mut client = client_for(&server);
    client.set_part_url_max_age(std::time::Duration::ZERO);
    let dir = TempDir::new("mp-reask");
    let path = dir.app("f.app", (3 * MIB + 1) as usize);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    // The mock refuses a second call that is not the same map: each of the 4 parts asked it.
    assert_eq!(multipart_calls(&server.requests(), "/parts").len(), 4);
}

#[test]
fn a_refused_second_parts_call_fails_clearly_and_the_resume_file_keeps_the_parts_sent() {
    let server = server(MIB, true);
    server.set_fault(Fault::PartsOnce);
    let mut client = client_for(&server);
    let dir = TempDir::new("mp-parts-once");
    let path = dir.app("f.app", (3 * MIB) as usize);
    // Asked once, as every source does: AGC refusing a second call costs nothing.
    client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    client.set_part_url_max_age(std::time::Duration::ZERO);
    let resume = dir.path("upload.resume");
    let mut req = multipart_request(&path);
    req.resume_file = Some(&resume);
    let e = client.upload(&req, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { .. }), "{e}");
    assert!(e.to_string().contains("refused to sign the part URLs again"), "{e}");
    let state = std::fs::read_to_string(&resume).unwrap();
    assert!(state.contains("\"number\": 1"), "part 1 recorded: {state}");
}

#[test]
fn a_refused_parts_call_before_any_part_falls_back_to_one_put_under_auto() {
    let server = server(MIB, true);
    server.set_fault(Fault::PartsRefused(204144641));
    let client = client_for(&server);
    let dir = TempDir::new("mp-parts-refused");
    let big = dir.path("big.app");
    let sha = big_app(&big, agcupload::AUTO_MULTIPART_FROM, 7);
    let r = client.upload(&UploadRequest::new("10001", &big, PackageKind::HarmonyApp), &mut NoProgress).unwrap();
    assert_eq!(r.transfer, Transfer::Single);
    assert!(r.notes.iter().any(|n| n.contains("refused the part URLs") && n.contains("one PUT")), "{:?}", r.notes);
    assert_eq!(stored_sha(&server, &r), sha);
    let small = dir.app("f.app", (2 * MIB) as usize);
    let e = client.upload(&multipart_request(&small), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Protocol(ref m) if m.contains("204144641")), "{e}");
}

#[test]
fn missing_or_empty_part_object_ids_are_echoed_to_compose() {
    let server = server(MIB, true);
    server.set_fault(Fault::NoPartObjectIds);
    let client = client_for(&server);
    let dir = TempDir::new("mp-no-ids");
    let path = dir.app("f.app", (3 * MIB + 9) as usize);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
}

#[test]
fn compose_refusing_quoted_etags_is_asked_once_more_with_them_bare() {
    let server = server(MIB, true);
    server.set_fault(Fault::ComposeWantsBareEtags);
    let client = client_for(&server);
    let dir = TempDir::new("mp-bare-etags");
    let path = dir.app("f.app", (2 * MIB + 3) as usize);
    let r = client.upload(&multipart_request(&path), &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
    assert!(r.notes.iter().any(|n| n.contains("without their quotes")), "{:?}", r.notes);
    assert_eq!(multipart_calls(&server.requests(), "/compose").len(), 2);
}

#[test]
fn a_part_size_over_100_mb_is_lowered_with_a_note() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-100mb");
    let path = dir.app("f.app", (2 * MIB) as usize);
    let mut req = multipart_request(&path);
    req.part_size = Some(150 * 1000 * 1000);
    let r = client.upload(&req, &mut NoProgress).unwrap();
    assert!(r.notes.iter().any(|n| n.contains("lowered to 100000000") && n.contains("100 MB")), "{:?}", r.notes);
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&path));
}

/// A resume path that holds a user's file, or the package itself, is refused before any
/// request, and the file is left as it was.
#[test]
fn a_resume_path_holding_a_users_file_or_the_package_is_refused_before_any_request() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-resume-victim");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let package = read(&path);
    let notes = dir.path("important.txt");
    std::fs::write(&notes, b"my notes").unwrap();
    for (victim, want) in [(&notes, &b"my notes"[..]), (&path, &package[..])] {
        for transfer in [Transfer::Multipart, Transfer::Single] {
            let mut req = multipart_request(&path);
            req.transfer = transfer;
            req.resume_file = Some(victim);
            let e = client.upload(&req, &mut NoProgress).unwrap_err();
            assert_eq!(e.status(), agcupload::Status::InvalidArgument, "{e}");
            assert_eq!(read(victim), want, "{victim:?} untouched");
        }
    }
    assert!(server.requests().is_empty(), "nothing was asked of AGC");
}

/// Four threads, one resume file: each either uploads or is refused up front; none fails
/// after sending.
#[test]
fn uploads_sharing_one_resume_file_work_or_are_refused_up_front() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-resume-threads");
    let path = dir.app("f.app", (4 * MIB) as usize);
    let resume = dir.path("shared.resume");
    let results: Vec<Result<UploadResult, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut req = multipart_request(&path);
                    req.resume_file = Some(&resume);
                    client.upload(&req, &mut NoProgress)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert!(ok >= 1, "{results:?}");
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(e.status(), agcupload::Status::InvalidArgument, "{e}");
        assert!(e.to_string().contains("in use by another upload"), "{e}");
    }
    assert_eq!(server.objects().len(), ok, "one object per upload that went");
    assert!(!resume.exists());
}

/// A resume file's values are held to a fresh upload's bounds: 64-byte parts are not used.
#[test]
fn a_resume_file_with_a_part_size_out_of_bounds_is_not_trusted() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-resume-forged");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let resume = dir.path("upload.resume");
    interrupted_run(&client, &path, &resume, MIB, 1);
    let mut state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&resume).unwrap()).unwrap();
    state["part_size"] = 64.into();
    state["part_min_size"] = 64.into();
    state["parts"] = serde_json::json!([]);
    std::fs::write(&resume, state.to_string()).unwrap();
    server.clear_requests();
    let r = resumed(&client, &path, &resume);
    assert!(r.notes.iter().any(|n| n.contains("part size is not usable")), "{:?}", r.notes);
    assert_eq!((r.parts, r.resumed_parts), (3, 0));
    assert!(part_puts(&server.requests()).iter().all(|p| p.body_received >= MIB), "no 64-byte part");
}

#[test]
fn a_rerun_asking_another_part_size_says_which_one_it_used() {
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-resume-size");
    let path = dir.app("f.app", (4 * MIB) as usize);
    let resume = dir.path("upload.resume");
    interrupted_run(&client, &path, &resume, MIB, 2);
    let mut req = multipart_request(&path);
    req.resume_file = Some(&resume);
    req.part_size = Some(2 * MIB);
    let r = client.upload(&req, &mut NoProgress).unwrap();
    assert_eq!((r.parts, r.resumed_parts), (4, 2));
    let note = format!("part size {MIB} from the resume file used, not the {} asked", 2 * MIB);
    assert!(r.notes.iter().any(|n| n.contains(&note)), "{:?}", r.notes);
}

/// Credentials are checked before the file is read: a wrong secret costs no hash pass.
#[test]
fn a_wrong_secret_is_found_before_the_file_is_hashed() {
    let server = server(MIB, true);
    let client = client_with_secret(&server, "wrong-secret");
    let dir = TempDir::new("mp-wrong-secret");
    let path = dir.app("f.app", (3 * MIB) as usize);
    let mut single = UploadRequest::new("10001", &path, PackageKind::HarmonyApp);
    single.transfer = Transfer::Single;
    let mut rec = Recorder::default();
    let e = client.upload(&single, &mut rec).unwrap_err();
    assert_eq!(e.status(), agcupload::Status::Auth, "{e}");
    assert!(rec.of(Phase::Hashing).is_empty(), "hashed before the credentials were checked");
}
