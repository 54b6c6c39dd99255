//! End-to-end uploads through the Rust API against the in-process mock AGC server (real
//! HTTPS, real SigV4 verification, real files).

mod common;

use std::sync::Arc;

use agc_mock::Endpoint;
use agcupload::{Error, NoProgress, PackageKind, Phase};
use common::*;

fn assert_upload_roundtrip(size: usize) {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("rt");
    let path = dir.app("pkg.app", size);
    let data = read(&path);
    let mut rec = Recorder::default();
    let r = client.upload_file("10001", &path, PackageKind::HarmonyApp, &mut rec).unwrap();

    assert_eq!(r.size, size as u64);
    assert_eq!(r.sha256_hex, sha256_hex(&data));
    assert_eq!(r.file_name, "pkg.app");
    let stored = server.object(&r.object_id).expect("object stored");
    assert_eq!(stored.bytes.as_deref(), Some(&data[..]), "stored bytes differ");
    assert_eq!(stored.sha256_hex, r.sha256_hex);

    // Progress: each byte phase monotonic and ending at the total; phases in order.
    for phase in [Phase::Hashing, Phase::Uploading] {
        let seen = rec.of(phase);
        assert_eq!(seen.first(), Some(&0), "{phase:?} starts at 0");
        assert_eq!(seen.last(), Some(&(size as u64)), "{phase:?} ends at total");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{phase:?} not monotonic");
        assert!(seen.len() as u64 <= 2 + (size as u64 / (64 * 1024)) + 1, "{phase:?}: {} reports", seen.len());
    }
    let order: Vec<Phase> = rec.events.iter().map(|e| e.0).fold(Vec::new(), |mut v, p| {
        if v.last() != Some(&p) {
            v.push(p)
        }
        v
    });
    assert_eq!(order, vec![Phase::Hashing, Phase::RequestingUrl, Phase::Uploading, Phase::Done]);
    assert_eq!(rec.events.last(), Some(&(Phase::Done, size as u64, size as u64)));

    // The wire: one token, one upload-url, one PUT with Content-Length, no bearer, no chunking.
    let log = server.requests();
    let count = |k: Endpoint| log.iter().filter(|r| r.kind == k).count();
    assert_eq!((count(Endpoint::Token), count(Endpoint::UploadUrl), count(Endpoint::Upload)), (1, 1, 1));
    let put = log.iter().find(|r| r.kind == Endpoint::Upload).unwrap();
    assert_eq!(put.content_length, Some(size as u64));
    assert!(!put.chunked && !put.bearer && !put.client_id_header && put.complete);
    assert_eq!(put.headers.iter().filter(|(n, _)| n == "host").count(), 1);
    assert_eq!(put.headers.iter().find(|(n, _)| n == "user-agent").map(|h| h.1.as_str()), Some("AGC-OBS-Signer/1.0"));
    let url = log.iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(url.bearer && url.client_id_header);
    let q = |k: &str| url.query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(q("sha256"), Some(r.sha256_hex.clone()));
    assert_eq!(q("contentLength"), Some(size.to_string()));
    assert_eq!(q("fileName").as_deref(), Some("pkg.app"));
    assert_eq!(q("appId").as_deref(), Some("10001"));
    assert_eq!(url.query.len(), 4, "no undocumented parameters: {:?}", url.query);
}

#[test]
fn smallest_package_round_trips() {
    // The smallest file that can be a .app: the 4-byte ZIP signature. (A 1-byte file cannot
    // be a ZIP archive; `one_byte_file_is_refused_as_not_a_zip` covers it.)
    assert_upload_roundtrip(4);
}

#[test]
fn one_mib_round_trips() {
    assert_upload_roundtrip(1024 * 1024);
}

#[test]
fn sixty_four_mib_round_trips() {
    assert_upload_roundtrip(64 * 1024 * 1024);
}

#[test]
fn one_byte_file_is_refused_as_not_a_zip() {
    let server = mock();
    let dir = TempDir::new("one");
    let p = dir.write("one.app", b"P");
    let e = client_for(&server).upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::FileType(_)), "{e}");
    assert!(server.requests().is_empty());
}

#[test]
fn cancel_from_callback_during_upload_stores_nothing() {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("cancel");
    let path = dir.app("c.app", 8 * 1024 * 1024);
    let mut rec = Recorder { cancel_at: Some((Phase::Uploading, 1024 * 1024)), ..Default::default() };
    let e = client.upload_file("1", &path, PackageKind::HarmonyApp, &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert!(server.objects().is_empty(), "a cancelled upload was stored");
    // The callback was not called again after it asked to stop.
    let last = rec.events.last().unwrap();
    assert_eq!(last.0, Phase::Uploading);
    assert!(last.1 >= 1024 * 1024 && last.1 < 8 * 1024 * 1024);
}

/// An upload host slow to confirm a PUT it has whole: the sink is asked again while the
/// answer is awaited, and a cancel then ends the wait (the bytes are already there: the host
/// may keep them, which is why a cancel before the last byte is the one that stores nothing).
#[test]
fn a_cancel_while_the_upload_host_confirms_ends_the_wait() {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("cancel-confirm");
    let path = dir.app("c.app", 300_000);
    server.set_fault(agc_mock::Fault::PutAnswerHeld(60_000));
    struct AfterTheBody(usize);
    impl agcupload::Progress for AfterTheBody {
        fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
            // The body is sent; its last report comes again while the answer is awaited.
            if phase == Phase::Uploading && done == total {
                self.0 += 1;
            }
            self.0 < 2
        }
    }
    let mut sink = AfterTheBody(0);
    let started = std::time::Instant::now();
    let e = client.upload_file("1", &path, PackageKind::HarmonyApp, &mut sink).unwrap_err();
    let waited = started.elapsed();
    server.set_fault(agc_mock::Fault::None);
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert!(sink.0 >= 2, "the last report was repeated while the answer was awaited");
    // Not the minute the answer is held (a loose bound: the waits are 200 ms slices).
    assert!(waited < std::time::Duration::from_secs(45), "the cancel waited for the answer: {waited:?}");
}

#[test]
fn cancel_while_hashing() {
    let server = mock();
    let dir = TempDir::new("cancelh");
    let path = dir.app("h.app", 4 * 1024 * 1024);
    let mut rec = Recorder { cancel_at: Some((Phase::Hashing, 1)), ..Default::default() };
    let e = client_for(&server).upload_file("1", &path, PackageKind::HarmonyApp, &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    // The credentials are checked before the hash pass; nothing else is asked.
    let log = server.requests();
    assert!(log.iter().all(|r| r.kind == Endpoint::Token), "no upload after a cancel while hashing: {log:?}");
}

#[test]
fn every_validation_error_is_caught_before_the_network() {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("val");
    let big_atomic = dir.app("big.app", 10 * 1024 * 1024 + 1);
    let sparse = dir.path("huge.app");
    {
        let f = std::fs::File::create(&sparse).unwrap();
        use std::io::Write;
        (&f).write_all(b"PK\x03\x04").unwrap();
        f.set_len(4 * 1024 * 1024 * 1024 + 1).unwrap(); // sparse: no disk used
    }
    type Case = (std::path::PathBuf, PackageKind, fn(&Error) -> bool, &'static str);
    let cases: Vec<Case> = vec![
        (dir.path("missing.app"), PackageKind::HarmonyApp, |e| matches!(e, Error::File { .. }), "missing"),
        (dir.0.clone(), PackageKind::HarmonyApp, |e| matches!(e, Error::File { .. }), "directory"),
        (dir.write("empty.app", b""), PackageKind::HarmonyApp, |e| matches!(e, Error::File { .. }), "empty"),
        (dir.app("pkg.zip", 100), PackageKind::HarmonyApp, |e| matches!(e, Error::FileType(_)), "wrong suffix"),
        (dir.app("entry.hap", 100), PackageKind::HarmonyApp, |e| matches!(e, Error::FileType(_)), "raw hap"),
        (
            dir.write("fake.app", b"MZ not a zip at all"),
            PackageKind::HarmonyApp,
            |e| matches!(e, Error::FileType(_)),
            "not a zip",
        ),
        (
            big_atomic.clone(),
            PackageKind::AtomicService,
            |e| matches!(e, Error::FileTooLarge { .. }),
            "atomic > 10 MiB",
        ),
        (sparse, PackageKind::HarmonyApp, |e| matches!(e, Error::FileTooLarge { .. }), "app > 4 GiB"),
        (
            dir.write("pic.png", b"\xFF\xD8\xFF\xE0jpeg"),
            PackageKind::ProfilePicture,
            |e| matches!(e, Error::FileType(_)),
            "jpeg named png",
        ),
    ];
    for (path, kind, want, what) in cases {
        let e = client.upload_file("1", &path, kind, &mut NoProgress).unwrap_err();
        assert!(want(&e), "{what}: got {e:?}");
        assert!(!e.to_string().is_empty());
    }
    // The same .app is fine as a HarmonyOS app (limit 4 GiB).
    assert!(client.upload_file("1", &big_atomic, PackageKind::HarmonyApp, &mut NoProgress).is_ok());
    let log = server.requests();
    assert_eq!(
        log.iter().filter(|r| r.kind == Endpoint::UploadUrl).count(),
        1,
        "only the valid upload reached the server"
    );
}

#[test]
fn invalid_app_id_is_refused() {
    let server = mock();
    let dir = TempDir::new("appid");
    let p = dir.app("a.app", 10);
    for bad in ["", "a b", "x\n"] {
        let e = client_for(&server).upload_file(bad, &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{bad:?}: {e}");
    }
}

#[test]
fn wrong_credentials_fail_with_auth_and_no_retry_storm() {
    let server = mock();
    let client = client_with_secret(&server, "definitely-wrong-secret");
    let dir = TempDir::new("auth");
    let p = dir.app("a.app", 10);
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e}");
    assert!(!e.to_string().contains("definitely-wrong-secret"));
    assert!(!format!("{e:?}").contains("definitely-wrong-secret"));
    let log = server.requests();
    assert_eq!(log.len(), 1, "one token request, no retries: {log:?}");
}

#[test]
fn untrusted_certificate_is_a_tls_error_and_the_ca_file_adds_to_the_roots() {
    let server = mock();
    let dir = TempDir::new("tls");
    let p = dir.app("a.app", 10);
    let mut c =
        agcupload::Client::new(agcupload::Credentials::api_client(server.client_id(), server.client_secret())).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_retry(1, None).unwrap();
    let e = c.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Tls(_)), "{e}");
    // With the mock's CA added the same client works.
    c.set_ca_file(&server.ca_path()).unwrap();
    c.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    // A file with no certificate is refused.
    let junk = dir.write("junk.pem", b"not a pem");
    assert!(matches!(c.set_ca_file(&junk), Err(Error::Tls(_))));
}

#[test]
fn a_shared_client_uploads_from_eight_threads_with_one_token() {
    let server = mock();
    let client = Arc::new(client_for(&server));
    let dir = Arc::new(TempDir::new("threads"));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let client = Arc::clone(&client);
            let dir = Arc::clone(&dir);
            std::thread::spawn(move || {
                let p = dir.app(&format!("t{i}.app"), 256 * 1024 + i);
                let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
                assert_eq!(r.sha256_hex, sha256_hex(&read(&p)));
                r.object_id
            })
        })
        .collect();
    let mut ids: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert_eq!(server.objects().len(), 8);
    assert_eq!(server.tokens_issued(), 1, "the token cache is shared");
    assert_eq!(client.tokens_fetched(), 1);
}

#[test]
fn file_name_override_and_options_reach_the_query() {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("opts");
    let p = dir.app("build-output.app", 100);
    let mut req = agcupload::UploadRequest::new("1", &p, PackageKind::HarmonyApp);
    req.file_name = Some("MyApp-1.2.app");
    req.release_type = Some(6);
    req.chinese_mainland = Some(false);
    let r = client.upload(&req, &mut NoProgress).unwrap();
    assert_eq!(r.file_name, "MyApp-1.2.app");
    let url = server.requests().into_iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    let q = |k: &str| url.query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(q("fileName").as_deref(), Some("MyApp-1.2.app"));
    assert_eq!(q("releaseType").as_deref(), Some("6"));
    assert_eq!(q("chineseMainlandFlag").as_deref(), Some("0"));
    // An override whose suffix does not match the content is refused.
    req.file_name = Some("MyApp.zip");
    assert!(matches!(client.upload(&req, &mut NoProgress), Err(Error::FileType(_))));
}

#[test]
fn profile_picture_is_stored_only_as_ciphertext() {
    let server = mock();
    let mut client = client_for(&server);
    let dir = TempDir::new("pic");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..200_000u32).map(|i| (i * 7 % 256) as u8));
    let p = dir.write("avatar.png", &png);
    // Without a key: refused, nothing sent.
    let e = client.upload_file("1", &p, PackageKind::ProfilePicture, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::SealKey(_)), "{e}");
    assert!(server.requests().is_empty());

    let key = agcupload::seal::SealKey::from_bytes(&[9u8; 32]).unwrap();
    client.set_seal_key(key.clone());
    let mut rec = Recorder::default();
    let r = client.upload_file("1", &p, PackageKind::ProfilePicture, &mut rec).unwrap();
    assert_eq!(rec.of(Phase::Sealing).last(), Some(&(png.len() as u64)));
    let stored = server.object(&r.object_id).unwrap().bytes.unwrap();
    assert_eq!(r.size, agcupload::seal::sealed_len(png.len() as u64));
    assert_eq!(stored.len() as u64, r.size);
    assert!(stored.windows(8).all(|w| w != &png[..8]), "plaintext PNG signature on the server");
    let mut opened = Vec::new();
    agcupload::seal::open_stream(&key, &stored[..], &mut opened).unwrap();
    assert_eq!(opened, png);
    // That the sealed copy never has a name (nothing left behind) is the library's unit test
    // a_sealed_picture_lives_in_a_private_file_without_a_name.
}

#[test]
fn a_token_is_refreshed_shortly_before_it_expires() {
    // expires_in = 1 s: the cache refreshes a tenth of the lifetime early, so after a 1.2 s
    // pause the next call must fetch a new token (a longer pause only makes this surer).
    let server = mock_with(agc_mock::MockConfig { token_ttl_secs: 1, ..Default::default() });
    let client = client_for(&server);
    let dir = TempDir::new("ttl");
    let p = dir.app("t.app", 1000);
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let before = server.tokens_issued();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_eq!(server.tokens_issued(), before + 1, "one new token after expiry");
    assert_eq!(
        server.requests().iter().filter(|r| r.kind == Endpoint::UploadUrl && r.status == 401).count(),
        0,
        "refreshed before AGC refused it"
    );
}
