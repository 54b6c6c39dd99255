//! AGC's multipart upload against the mock (issue 18): byte-identical objects, per-part
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
    assert_eq!(asks, 4, "3 parts, one asked again after its URL expired");
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
    let sha = big_app(&big, agcupload::client::AUTO_MULTIPART_FROM, 3);
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
    let good = agcupload::client::upload::parse_sha256_hex(&sha256_hex(&data)).unwrap();
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
        assert!(shown.contains(&agcupload::digest::to_hex(&wrong)), "names the given digest: {shown}");
        assert!(shown.contains(&sha256_hex(&data)), "names the real digest: {shown}");
        if transfer == Transfer::Multipart {
            assert!(shown.contains("the last part was not sent"), "{shown}");
        }
        assert_eq!(server.objects().len(), before, "{transfer:?}: nothing stored");
    }
    // The single PUT stopped before its last byte.
    let log = server.requests();
    let last_single = log.iter().rev().find(|r| r.kind == Endpoint::Upload && r.query.is_empty()).unwrap();
    assert!(!last_single.complete && last_single.body_received < data.len() as u64);
    // The multipart upload knows the whole file's digest once the last part is hashed, which
    // happens while the part before it is sent: the last part was neither asked for nor sent,
    // and nothing was composed.
    let parts = part_puts(&log);
    let last_part = parts.last().unwrap();
    assert_eq!(part_number(last_part), 2);
    assert!(last_part.complete, "{last_part:?}");
    assert_eq!(log.iter().filter(|r| r.path.ends_with("/multipart/parts")).count(), 2, "part URLs asked");
    assert!(!log.iter().any(|r| r.path.ends_with("/compose")));
    assert!(agcupload::client::upload::parse_sha256_hex("xyz").is_err());
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
    let mut wrong = agcupload::client::upload::parse_sha256_hex(&sha256_hex(&read(&path))).unwrap();
    wrong[31] ^= 1;
    req.sha256 = Some(wrong);
    let e = client.upload(&req, &mut NoProgress).unwrap_err();
    assert_eq!(e.status(), agcupload::Status::FileChanged, "{e}");
    assert!(!e.to_string().contains("not sent"), "the earlier run sent every part: {e}");
    assert_eq!(server.objects().len(), before, "nothing composed");
    assert_eq!(server.requests().iter().filter(|r| r.path.ends_with("/compose")).count(), 1);
}

/// Part N+1 is hashed while part N is sent (the read-ahead). Bytes of part 2 rewritten after
/// that hash (when its URL is asked) are caught by the re-hash while part 2 is sent: stopped
/// before its last byte, nothing composed.
#[test]
fn a_part_rewritten_after_it_was_hashed_ahead_is_stopped_before_its_last_byte() {
    use std::os::unix::fs::FileExt;
    let server = server(MIB, true);
    let client = client_for(&server);
    let dir = TempDir::new("mp-ahead-changed");
    let path = dir.path("f.app");
    big_app(&path, 3 * MIB, 5);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let mut hashing_after_part_1 = 0u64;
    let mut rewritten = false;
    let mut sink = |phase: Phase, done: u64, _total: u64| {
        if phase == Phase::Hashing && done > MIB {
            hashing_after_part_1 += 1;
        }
        if phase == Phase::RequestingUrl && done == 2 && !rewritten {
            file.write_all_at(b"changed!", MIB + 1000).unwrap();
            rewritten = true;
        }
        true
    };
    let e = client.upload(&multipart_request(&path), &mut sink).unwrap_err();
    assert!(rewritten);
    assert_eq!(hashing_after_part_1, 0, "part 2 was hashed while part 1 was sent, with no hash phase of its own");
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

/// A file cut short while the next part is read ahead ends with FILE_CHANGED, nothing composed.
#[test]
fn a_file_that_shrinks_under_the_read_ahead_is_refused() {
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
    assert!(e.to_string().contains("shrank"), "{e}");
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
