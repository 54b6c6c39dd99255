//! Files and caller input: special files never block nor
//! get read, small readers are capped, a picture that changes while it is sealed is never
//! uploaded, paths need not be UTF-8, key material is never quoted, messages quote caller
//! input only bounded, and ids with invisible characters are refused. Real files, real FIFOs,
//! real sockets, the real mock server.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use agc_mock::{fixture_private_key_path, fixture_service_account, MockConfig, MockServer};
use agcupload::seal::{self, SealKey};
use agcupload::{Client, Credentials, Error, NoProgress, PackageKind, Phase, Progress, UploadRequest};
use common::*;

/// Run `f` on another thread and wait for it with a generous bound, so that a regression
/// that blocks (a FIFO opened for reading waits for a writer forever) fails the test instead
/// of hanging the suite. Not a timing assertion: the bound is only a hang detector.
fn without_hanging<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(120)).unwrap_or_else(|_| panic!("{what} blocked (still running after 120 s)"))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

fn key() -> SealKey {
    SealKey::from_bytes(&[5u8; 32]).unwrap()
}

fn sa_server() -> MockServer {
    mock_with(MockConfig { service_accounts: vec![fixture_service_account()], ..Default::default() })
}

fn sa_client(server: &MockServer, creds: Credentials) -> Client {
    let mut c = Client::new(creds).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_ca_file(&server.ca_path()).unwrap();
    c
}

fn assert_file_error<T: std::fmt::Debug>(r: agcupload::Result<T>, what: &str) {
    match r {
        Err(Error::File { .. }) => {}
        other => panic!("{what}: expected Error::File, got {other:?}"),
    }
}

// ------------------------------------------------------------------------------------------
// The service-account key argument, and bounded messages

#[test]
fn key_text_with_a_byte_order_mark_uploads() {
    let server = sa_server();
    let text = std::fs::read_to_string(fixture_private_key_path()).unwrap();
    let dir = TempDir::new("bom");
    let p = dir.app("bom.app", 1000);
    for prefixed in [format!("\u{FEFF}{text}"), format!("\u{FEFF} \r\n\t{text}"), format!("\u{FEFF}\u{FEFF}{text}")] {
        let client = sa_client(&server, Credentials::service_account(&prefixed).unwrap());
        let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
        assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&p));
    }
    // A key file saved with a byte-order mark (as Windows editors do) works by its path too.
    let bom_file = dir.write("bom-private.json", format!("\u{FEFF}{text}").as_bytes());
    let client = sa_client(&server, Credentials::service_account(bom_file.to_str().unwrap()).unwrap());
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    // A path that names a private key is still a path (and is never quoted).
    let named = dir.write("agc_private_key.json", text.as_bytes());
    let client = sa_client(&server, Credentials::service_account(named.to_str().unwrap()).unwrap());
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let e = Credentials::service_account(dir.path("no_private_key.json").to_str().unwrap()).unwrap_err();
    assert!(matches!(e, Error::Auth(_)) && !e.to_string().contains("no_private_key"), "{e}");
}

/// Pieces of the fixture's private key that must never show in a message.
fn key_pieces() -> Vec<String> {
    let text = std::fs::read_to_string(fixture_private_key_path()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pem = json["private_key"].as_str().unwrap().to_owned();
    pem.lines().filter(|l| !l.starts_with("-----")).map(|l| l[..l.len().min(24)].to_owned()).collect()
}

#[test]
fn key_material_that_is_not_json_is_an_auth_error_that_never_quotes_it() {
    let text = std::fs::read_to_string(fixture_private_key_path()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pem = json["private_key"].as_str().unwrap().to_owned();
    let body = pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
    let pieces = key_pieces();
    assert!(pieces.len() > 5);
    let inputs = [
        format!("\u{FEFF}garbage {body}"),                   // BOM + garbage holding key bytes
        format!("\u{FEFF}{}", &text[1..]),                   // BOM + the key file without its '{'
        pem.clone(),                                         // a bare PEM key
        format!("  {pem}"),                                  // indented PEM
        body.clone(),                                        // base64 without PEM armour, one line
        format!("\u{FEFF}{body}"),                           // ... after a BOM
        format!("\u{FEFF}{{ not json {body}"),               // BOM + broken JSON
        text.replace("\"private_key\"", "\"private_key\"x"), // broken JSON text
    ];
    for input in &inputs {
        let e = Credentials::service_account(input).unwrap_err();
        let shown = format!("{e} / {e:?}");
        for piece in &pieces {
            assert!(!shown.contains(piece.as_str()), "key bytes in the message: {shown}");
        }
        assert!(!shown.contains("BEGIN"), "{shown}");
        assert!(shown.len() < 1024, "{} bytes", shown.len());
        // Base64 of a key is a legal file name: a one-line blob without a BOM is tried as a
        // path (no such file); it is still never quoted whole.
        assert!(matches!(e, Error::Auth(_) | Error::File { .. }), "{shown}");
    }
    // The BOM + garbage case of the issue: AUTH.
    assert!(matches!(Credentials::service_account(&inputs[0]), Err(Error::Auth(_))));
}

#[test]
fn a_one_megabyte_path_gives_a_short_message() {
    let long = format!("/nonexistent/long-{}", "p".repeat(1 << 20));
    let long = Path::new(&long);
    let server = mock();
    let mut client = client_for(&server);
    let dir = TempDir::new("long");
    let errors = vec![
        ("key path", Credentials::service_account(long.to_str().unwrap()).map(|_| ()).unwrap_err()),
        ("CA file", client.set_ca_file(long).unwrap_err()),
        ("upload", client.upload_file("1", long, PackageKind::HarmonyApp, &mut NoProgress).map(|_| ()).unwrap_err()),
        ("seal input", seal::seal_file(&key(), long, &dir.path("out")).map(|_| ()).unwrap_err()),
        ("open input", seal::open_file(&key(), long, &dir.path("out")).map(|_| ()).unwrap_err()),
        ("seal output", {
            let input = dir.write("in.bin", b"plain");
            seal::seal_file(&key(), &input, &long.join("x")).map(|_| ()).unwrap_err()
        }),
    ];
    for (what, e) in errors {
        let shown = e.to_string();
        assert!(shown.len() < 1024, "{what}: a {} byte message", shown.len());
        assert!(shown.contains("/nonexistent/long-ppp"), "{what}: the path is still named: {shown}");
    }
    assert!(server.requests().is_empty());
}

// ------------------------------------------------------------------------------------------
// Special files

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_by_every_opener() {
    let dir = TempDir::new("fifo");
    let fifo = dir.path("x.app");
    mkfifo(&fifo);
    let server = mock();
    let ca = server.ca_path();
    let (base, id, secret) = (server.base_url(), server.client_id(), server.client_secret());
    let out = dir.path("out.bin");

    let f = fifo.clone();
    let r = without_hanging("upload of a FIFO", move || {
        let mut c = Client::new(Credentials::api_client(id, secret)).unwrap();
        c.set_api_base(&base).unwrap();
        c.set_ca_file(&ca).unwrap();
        c.upload_file("1", &f, PackageKind::HarmonyApp, &mut NoProgress).map(|_| ())
    });
    assert_file_error(r, "upload");
    let (f, o) = (fifo.clone(), out.clone());
    assert_file_error(without_hanging("seal_file", move || seal::seal_file(&key(), &f, &o)), "seal_file");
    let (f, o) = (fifo.clone(), out.clone());
    assert_file_error(without_hanging("open_file", move || seal::open_file(&key(), &f, &o)), "open_file");
    let f = fifo.clone();
    let r = without_hanging("set_ca_file", move || {
        let mut c = Client::new(Credentials::api_client("i", "s")).unwrap();
        c.set_ca_file(&f)
    });
    assert_file_error(r, "set_ca_file");
    let f = fifo.clone();
    let r = without_hanging("key path", move || Credentials::service_account(f.to_str().unwrap()).map(|_| ()));
    assert_file_error(r, "key path");
    assert!(server.requests().is_empty(), "nothing was sent");
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn devices_directories_and_sockets_are_refused_without_reading() {
    let dir = TempDir::new("special");
    let sock = dir.path("s.app");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let subdir = dir.path("d.app");
    std::fs::create_dir(&subdir).unwrap();
    let zero = PathBuf::from("/dev/zero");
    let server = mock();
    let client = client_for(&server);
    for p in [&sock, &subdir, &zero] {
        let s = p.clone();
        // /dev/zero never ends: a reader without a check or cap would eat the memory.
        assert_file_error(
            without_hanging("CA", move || Client::new(Credentials::api_client("i", "s")).unwrap().set_ca_file(&s)),
            &format!("CA {}", p.display()),
        );
        let s = p.clone();
        assert_file_error(
            without_hanging("key", move || Credentials::service_account(s.to_str().unwrap()).map(|_| ())),
            &format!("key {}", p.display()),
        );
        assert_file_error(seal::seal_file(&key(), p, &dir.path("o")), &format!("seal {}", p.display()));
        assert_file_error(seal::open_file(&key(), p, &dir.path("o")), &format!("open {}", p.display()));
        let r = client.upload_file("1", p, PackageKind::HarmonyApp, &mut NoProgress);
        assert_file_error(r, &format!("upload {}", p.display()));
    }
    let e = client.upload_file("1", &sock, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(e.to_string().contains("socket"), "{e}");
    let e = client.upload_file("1", &zero, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(e.to_string().contains("character device"), "{e}");
    assert!(server.requests().is_empty());
}

#[test]
fn small_readers_are_capped() {
    let dir = TempDir::new("cap");
    // A sparse 5 MiB file: over the 4 MiB cap of the CA and key readers.
    let big = dir.path("big.pem");
    std::fs::File::create(&big).unwrap().set_len(5 << 20).unwrap();
    let mut c = Client::new(Credentials::api_client("i", "s")).unwrap();
    let e = c.set_ca_file(&big).unwrap_err();
    assert!(matches!(e, Error::File { .. }) && e.to_string().contains("4 MiB"), "{e}");
    let e = Credentials::service_account(big.to_str().unwrap()).unwrap_err();
    assert!(matches!(e, Error::File { .. }) && e.to_string().contains("4 MiB"), "{e}");
    // A missing CA file stays a TLS error, a missing key file an AUTH error, as documented.
    assert!(matches!(c.set_ca_file(&dir.path("none.pem")), Err(Error::Tls(_))));
    assert!(matches!(Credentials::service_account(dir.path("none.json").to_str().unwrap()), Err(Error::Auth(_))));
}

// ------------------------------------------------------------------------------------------
// A picture that changes while it is sealed

const PIC_SIZE: usize = 1 << 20;

fn png(seed: u8) -> Vec<u8> {
    let mut data = b"\x89PNG\r\n\x1a\n".to_vec();
    data.extend((0..PIC_SIZE - 8).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    data
}

/// Runs `change` once, on the first Sealing report at or after `at` bytes.
struct ChangeDuringSealing<F: FnMut()> {
    at: u64,
    change: Option<F>,
}

impl<F: FnMut()> Progress for ChangeDuringSealing<F> {
    fn report(&mut self, phase: Phase, done: u64, _total: u64) -> bool {
        if phase == Phase::Sealing && done >= self.at {
            if let Some(mut f) = self.change.take() {
                f();
            }
        }
        true
    }
}

fn upload_changing_picture(tag: &str, at: u64, change: impl FnMut(&Path)) -> (MockServer, agcupload::Result<()>) {
    let server = mock();
    let mut client = client_for(&server);
    client.set_seal_key(key());
    let dir = TempDir::new(tag);
    let p = dir.write("avatar.png", &png(1));
    let mut change = change;
    let q = p.clone();
    let mut progress = ChangeDuringSealing { at, change: Some(move || change(&q)) };
    let r = client.upload_file("1", &p, PackageKind::ProfilePicture, &mut progress).map(|_| ());
    (server, r)
}

fn assert_changed_and_nothing_sent(server: &MockServer, r: agcupload::Result<()>, what: &str) {
    match r {
        Err(Error::FileChanged(m)) => eprintln!("{what}: {m}"),
        other => panic!("{what}: expected FileChanged, got {other:?}"),
    }
    assert!(server.objects().is_empty(), "{what}: an object was stored");
    assert!(server.requests().is_empty(), "{what}: a request was sent");
}

#[test]
fn a_picture_that_grows_while_sealed_is_not_uploaded() {
    let (server, r) = upload_changing_picture("grow", 256 * 1024, |p| {
        let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
        f.write_all(&vec![7u8; 20 << 20]).unwrap(); // now 21 MiB, over the 10 MiB limit
    });
    assert_changed_and_nothing_sent(&server, r, "grown");
}

#[test]
fn a_picture_rewritten_while_sealed_is_not_uploaded() {
    // Same size, same PNG signature, other bytes, written in place half-way through sealing.
    let (server, r) = upload_changing_picture("rewrite", 512 * 1024, |p| {
        let mut f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.write_all(&png(2)).unwrap();
    });
    assert_changed_and_nothing_sent(&server, r, "rewritten");
}

#[test]
fn a_picture_that_shrinks_while_sealed_is_not_uploaded() {
    let (server, r) = upload_changing_picture("shrink", 256 * 1024, |p| {
        std::fs::OpenOptions::new().write(true).open(p).unwrap().set_len(PIC_SIZE as u64 / 2).unwrap();
    });
    assert_changed_and_nothing_sent(&server, r, "shrunk");
}

#[test]
fn a_picture_whose_type_changes_before_sealing_reads_it_is_not_uploaded() {
    // At the first Sealing report nothing is read yet: the file becomes a JPEG of the same
    // size. What would be sealed is a consistent file, but not the one whose type was checked.
    let (server, r) = upload_changing_picture("retype", 0, |p| {
        let mut f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        f.write_all(b"\xFF\xD8\xFF\xE0\0\0\0\0").unwrap();
    });
    assert_changed_and_nothing_sent(&server, r, "retyped");
}

#[test]
fn an_unchanged_picture_still_uploads_and_opens_to_its_bytes() {
    let (server, r) = upload_changing_picture("same", 256 * 1024, |_| {});
    r.unwrap();
    let objects = server.objects();
    assert_eq!(objects.len(), 1);
    let mut opened = Vec::new();
    seal::open_stream(&key(), &objects[0].bytes.clone().unwrap()[..], &mut opened).unwrap();
    assert_eq!(opened, png(1));
}

// ------------------------------------------------------------------------------------------
// Paths that are not UTF-8

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_needs_the_file_name_option_and_then_uploads() {
    use std::os::unix::ffi::OsStrExt;
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("bytes");
    let data = read(&dir.app("tmp.app", 70_000));
    let p = dir.0.join(std::ffi::OsStr::from_bytes(b"bad\xff.app"));
    std::fs::write(&p, &data).unwrap();

    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
    let m = e.to_string();
    assert!(m.contains("agc_upload_options_set_file_name") && m.contains("UploadRequest::file_name"), "{m}");
    assert!(server.requests().is_empty());

    let mut req = UploadRequest::new("1", &p, PackageKind::HarmonyApp);
    req.file_name = Some("good.app");
    let r = client.upload(&req, &mut NoProgress).unwrap();
    assert_eq!(r.file_name, "good.app");
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), data);

    // The seal functions take such paths too.
    let sealed = dir.0.join(std::ffi::OsStr::from_bytes(b"s\xfe.sealed"));
    let opened = dir.0.join(std::ffi::OsStr::from_bytes(b"o\xfd.app"));
    seal::seal_file(&key(), &p, &sealed).unwrap();
    seal::open_file(&key(), &sealed, &opened).unwrap();
    assert_eq!(read(&opened), data);

    // So do the CA file and the key file (the key through its bytes entry point).
    let ca = dir.0.join(std::ffi::OsStr::from_bytes(b"ca\xfc.pem"));
    std::fs::copy(server.ca_path(), &ca).unwrap();
    let mut other = Client::new(Credentials::api_client(server.client_id(), server.client_secret())).unwrap();
    other.set_api_base(&server.base_url()).unwrap();
    other.set_ca_file(&ca).unwrap();
    other.upload(&req, &mut NoProgress).unwrap();
    let key_path = dir.0.join(std::ffi::OsStr::from_bytes(b"key\xfb-private.json"));
    std::fs::copy(fixture_private_key_path(), &key_path).unwrap();
    let sa = sa_server();
    let client = sa_client(&sa, Credentials::service_account_bytes(key_path.as_os_str().as_bytes()).unwrap());
    client.upload(&req, &mut NoProgress).unwrap();
}

// ------------------------------------------------------------------------------------------
// Ids and file names with invisible characters, names that are only a suffix

const HIDDEN: [&str; 6] = ["\u{202E}", "\u{2028}", "\u{2029}", "\u{200B}", "\u{FEFF}", "\u{A0}"];

#[test]
fn caller_ids_with_format_or_separator_characters_are_refused() {
    let server = mock();
    let client = client_for(&server);
    for h in HIDDEN {
        let id = format!("obj{h}1");
        let e = client.bind_object("1", "a.app", &id, &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{h:?}: {e}");
        let e = client.wait_package_ready("1", &id, Duration::from_secs(5), &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{h:?}: {e}");
        let app_id = format!("12{h}34");
        let e = client.bind_object(&app_id, "a.app", "obj1", &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "app id {h:?}: {e}");
    }
    assert!(agcupload::internal::check_object_id("obj 1/x-y_z").is_ok(), "a plain space is fine");
    assert!(server.requests().is_empty());
}

#[test]
fn server_ids_with_format_or_separator_characters_are_refused() {
    for h in HIDDEN {
        let body = serde_json::json!({"ret": {"code": 0}, "packageId": format!("p{h}q")}).to_string();
        let e = agcupload::internal::parse_bind(body.as_bytes()).unwrap_err();
        assert!(matches!(e, Error::Protocol(_)), "{h:?}: {e}");

        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let body = serde_json::json!({
            "ret": {"code": 0},
            "urlInfo": {"objectId": format!("obj{h}1"), "url": "https://obs.example.com/b/o", "method": "PUT",
                "headers": {"Authorization": "AWS4-HMAC-SHA256 sig", "x-amz-content-sha256": sha,
                            "x-amz-date": "20261125T000000Z", "Host": "obs.example.com"}}
        })
        .to_string();
        let q = agcupload::internal::UploadUrlQuery {
            app_id: "1",
            file_name: "a.app",
            content_length: 3,
            sha256_hex: sha,
            release_type: None,
            chinese_mainland: None,
        };
        let e = agcupload::internal::parse_upload_url(body.as_bytes(), &q).map(|_| ()).unwrap_err();
        assert!(matches!(e, Error::Protocol(ref m) if m.contains("objectId")), "{h:?}: {e}");
    }
}

#[test]
fn a_file_name_that_is_only_a_suffix_is_refused() {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("suffix");
    let p = dir.app("ok.app", 1000);
    for name in [".app", ".png", "x\u{202E}ppa.app"] {
        let mut req = UploadRequest::new("1", &p, PackageKind::HarmonyApp);
        req.file_name = Some(name);
        let e = client.upload(&req, &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{name:?}: {e}");
        let e = client.bind_object("1", name, "obj-1", &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{name:?}: {e}");
    }
    // A file whose own name is only the suffix is refused the same way.
    let bare = dir.write(".app", &read(&p));
    let e = client.upload_file("1", &bare, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
    assert!(server.requests().is_empty());
}
