//! Interop with a real S3 implementation (s3s-fs), which verifies SigV4, the `x-amz-date`
//! window and the payload SHA-256. `make interop` (scripts/interop.sh) installs and starts
//! s3s-fs and runs these tests with `--ignored`; they need:
//!
//! - `AGC_INTEROP_S3_ADDR` (`127.0.0.1:PORT`, plain HTTP), `AGC_INTEROP_S3_BUCKET` (exists),
//!   `AGC_INTEROP_S3_ACCESS_KEY`, `AGC_INTEROP_S3_SECRET_KEY`;
//! - optionally `AGC_INTEROP_S3_REGION` (default `us-east-1`) and `AGC_INTEROP_S3_ROOT` (the
//!   s3s-fs data directory: objects are then also compared on disk).
//!
//! Path of an upload: `agcupload::Client` --HTTPS--> mock AGC (terminates TLS, hands out URLs
//! signed for the S3 server's keys) --verbatim--> s3s-fs. Reads go straight to s3s-fs with a
//! GET signed by `agc_mock::sigv4`. Without the variables (under `--ignored`) the tests fail.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agc_mock::sigv4::{self, Credentials};
use agc_mock::{Endpoint, Fault, MockConfig, UploadUpstream};
use agcupload::internal::parse_s3_error;
use agcupload::{Error, NoProgress, PackageKind, Status};
use common::*;

struct S3 {
    addr: String,
    bucket: String,
    access_key: String,
    secret_key: String,
    region: String,
    root: Option<std::path::PathBuf>,
}

fn s3() -> S3 {
    let var =
        |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run these tests with `make interop`"));
    S3 {
        addr: var("AGC_INTEROP_S3_ADDR"),
        bucket: var("AGC_INTEROP_S3_BUCKET"),
        access_key: var("AGC_INTEROP_S3_ACCESS_KEY"),
        secret_key: var("AGC_INTEROP_S3_SECRET_KEY"),
        region: std::env::var("AGC_INTEROP_S3_REGION").unwrap_or_else(|_| "us-east-1".into()),
        root: std::env::var_os("AGC_INTEROP_S3_ROOT").map(Into::into),
    }
}

impl S3 {
    fn creds(&self) -> Credentials {
        Credentials {
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
            region: self.region.clone(),
            service: "s3".into(),
        }
    }

    /// The mock AGC server forwarding uploads here, signing with these (possibly edited) keys.
    fn mock(&self, edit: impl FnOnce(&mut UploadUpstream)) -> agc_mock::MockServer {
        let mut up = UploadUpstream {
            addr: self.addr.clone(),
            bucket: self.bucket.clone(),
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
            region: self.region.clone(),
        };
        edit(&mut up);
        mock_with(MockConfig { upload_upstream: Some(up), ..Default::default() })
    }
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client, so requests can be broken on purpose.

struct Resp {
    status: u16,
    body: Vec<u8>,
}

impl Resp {
    fn code(&self) -> String {
        parse_s3_error(&self.body).0
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer.
fn raw(addr: &str, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect to s3s-fs");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before taking the whole body; that is an answer too.
    let _ = s.write_all(body);
    let mut data = Vec::new();
    let _ = s.read_to_end(&mut data);
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&data)));
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
    let mut body = data[end + 4..].to_vec();
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Resp { status, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
}

/// `yyyymmddThhmmssZ` for a Unix time.
fn amz_date(secs: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).expect("a time within the calendar");
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Headers of a request signed like AGC's upload URLs (content-type, host, user-agent,
/// x-amz-content-sha256, x-amz-date), Authorization last.
fn signed(
    s3: &S3,
    creds: &Credentials,
    method: &str,
    path: &str,
    payload_sha: &str,
    date: &str,
) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = vec![
        ("Host".into(), s3.addr.clone()),
        ("Content-Type".into(), "application/octet-stream".into()),
        ("user-agent".into(), "AGC-OBS-Signer/1.0".into()),
        ("x-amz-content-sha256".into(), payload_sha.into()),
        ("x-amz-date".into(), date.into()),
    ];
    let names: Vec<String> = ["content-type", "host", "user-agent", "x-amz-content-sha256", "x-amz-date"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let auth = sigv4::sign_v4(creds, method, path, &[], &h, &names, payload_sha, date).expect("sign");
    h.push(("Authorization".into(), auth));
    h
}

fn get_object(s3: &S3, key: &str) -> Resp {
    let path = format!("/{}/{key}", s3.bucket);
    let h = signed(s3, &s3.creds(), "GET", &path, &sha256_hex(b""), &amz_date(now()));
    raw(&s3.addr, "GET", &path, &h, b"")
}

/// A PUT signed with `creds` at `date` (Unix seconds), then broken by `edit`.
fn put_object(
    s3: &S3,
    key: &str,
    body: &[u8],
    creds: &Credentials,
    date: i64,
    edit: impl FnOnce(&mut Vec<(String, String)>, &mut Vec<u8>),
) -> Resp {
    let path = format!("/{}/{key}", s3.bucket);
    let mut h = signed(s3, creds, "PUT", &path, &sha256_hex(body), &amz_date(date));
    let mut body = body.to_vec();
    edit(&mut h, &mut body);
    raw(&s3.addr, "PUT", &path, &h, &body)
}

fn unique(tag: &str) -> String {
    let mut b = [0u8; 6];
    getrandom::getrandom(&mut b).unwrap();
    format!("interop/{tag}-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>())
}

// ---------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs a running s3s-fs: run `make interop`"]
fn library_uploads_reach_s3_and_read_back() {
    let s3 = s3();
    let server = s3.mock(|_| {});
    let client = client_for(&server);
    let dir = TempDir::new("interop");
    for size in [4usize, 1024 * 1024, 20 * 1024 * 1024] {
        let path = dir.app(&format!("pkg-{size}.app"), size);
        let data = read(&path);
        let r = client
            .upload_file("10086", &path, PackageKind::HarmonyApp, &mut NoProgress)
            .unwrap_or_else(|e| panic!("upload of {size} bytes through s3s-fs: {e}"));
        assert_eq!(r.size, size as u64);
        assert_eq!(r.sha256_hex, sha256_hex(&data));

        // Read it back from the S3 server itself, and from its data directory.
        let got = get_object(&s3, &r.object_id);
        assert_eq!(got.status, 200, "GET {}: {}", r.object_id, got.text());
        assert_eq!(got.body.len(), size, "GET returned {} bytes", got.body.len());
        assert!(got.body == data, "the object read back differs from the file ({size} bytes)");
        if let Some(root) = &s3.root {
            let on_disk =
                std::fs::read(root.join(&s3.bucket).join(&r.object_id)).expect("object file in the s3s-fs root");
            assert!(on_disk == data, "the object on disk differs from the file ({size} bytes)");
        }
        eprintln!("interop: {size} bytes uploaded as {} and read back intact", r.object_id);
    }
    // Exactly one PUT per file, each answered 200 by s3s-fs (no retry needed).
    let puts: Vec<u16> = server.requests().iter().filter(|r| r.kind == Endpoint::Upload).map(|r| r.status).collect();
    assert_eq!(puts, vec![200, 200, 200]);
}

#[test]
#[ignore = "needs a running s3s-fs: run `make interop`"]
fn s3_refuses_broken_requests() {
    let s3 = s3();
    let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();

    // Control: the same raw client, unbroken, is accepted.
    let ok_key = unique("raw-ok");
    let r = put_object(&s3, &ok_key, &body, &s3.creds(), now(), |_, _| {});
    assert_eq!(r.status, 200, "control PUT: {}", r.text());
    assert!(get_object(&s3, &ok_key).body == body);

    type Edit = fn(&mut Vec<(String, String)>, &mut Vec<u8>);
    fn set(h: &mut [(String, String)], name: &str, value: &str) {
        h.iter_mut().filter(|(k, _)| k.eq_ignore_ascii_case(name)).for_each(|(_, v)| *v = value.into());
    }
    let keep: Edit = |_, _| {};
    let good = s3.creds();
    let wrong_secret = Credentials { secret_key: "not-the-secret".into(), ..s3.creds() };
    let unknown_key = Credentials { access_key: "AKNOBODY".into(), ..s3.creds() };
    let t = now();
    let cases: Vec<(&str, &Credentials, i64, Edit, u16, &str)> = vec![
        // s3s-fs 0.14.1 detects the mismatch (its log: "UploadStreamError: Sha256Mismatch") but
        // answers 500 InternalError where AWS answers 400 XAmzContentSHA256Mismatch.
        (
            "one body byte changed, signed x-amz-content-sha256 kept",
            &good,
            t,
            |_, b| b[50_000] ^= 0x01,
            500,
            "InternalError",
        ),
        (
            "a signed header (user-agent) changed",
            &good,
            t,
            |h, _| set(h, "user-agent", "curl/8"),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            "a signed header (content-type) changed",
            &good,
            t,
            |h, _| set(h, "content-type", "text/plain"),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            "x-amz-content-sha256 of the tampered body, signature kept",
            &good,
            t,
            |h, b| {
                b[0] ^= 0x01;
                let sha = sha256_hex(b);
                set(h, "x-amz-content-sha256", &sha)
            },
            403,
            "SignatureDoesNotMatch",
        ),
        ("signed with the wrong secret key", &wrong_secret, t, keep, 403, "SignatureDoesNotMatch"),
        ("an unknown access key", &unknown_key, t, keep, 403, "NotSignedUp"),
        ("anonymous (no Authorization)", &good, t, |h, _| h.retain(|(k, _)| k != "Authorization"), 403, "AccessDenied"),
        ("correctly signed, x-amz-date 20 minutes old", &good, t - 20 * 60, keep, 403, "RequestTimeTooSkewed"),
        ("correctly signed, x-amz-date 20 minutes ahead", &good, t + 20 * 60, keep, 403, "RequestTimeTooSkewed"),
    ];
    let n = cases.len();
    let mut seen = Vec::new();
    for (what, creds, date, edit, want_status, want_code) in cases {
        let key = unique("raw-bad");
        let r = put_object(&s3, &key, &body, creds, date, edit);
        let (code, message) = parse_s3_error(&r.body);
        eprintln!("interop: {what}: HTTP {} {code} ({message})", r.status);
        seen.push(format!("{what}: {} {code}", r.status));
        assert!((400..600).contains(&r.status), "{what}: expected a refusal, got {}: {}", r.status, r.text());
        assert_eq!((r.status, code.as_str()), (want_status, want_code), "{what}: {}", r.text());
        let g = get_object(&s3, &key);
        assert_eq!(
            (g.status, g.code().as_str()),
            (404, "NoSuchKey"),
            "{what}: a refused PUT left an object: {}",
            g.text()
        );
    }
    assert_eq!(seen.len(), n);
}

#[test]
#[ignore = "needs a running s3s-fs: run `make interop`"]
fn library_reports_s3_rejections() {
    let s3 = s3();
    let dir = TempDir::new("interop-rej");
    let path = dir.app("rej.app", 200_000);

    type Case<'a> = (&'a str, Box<dyn FnOnce(&mut UploadUpstream)>, Fault, u16, &'a str, usize);
    let cases: Vec<Case> = vec![
        (
            "mock signs with a wrong secret key",
            Box::new(|u| u.secret_key = "wrong/secret".into()),
            Fault::None,
            403,
            "SignatureDoesNotMatch",
            1,
        ),
        (
            "mock signs with an unknown access key",
            Box::new(|u| u.access_key = "AKUNKNOWN".into()),
            Fault::None,
            403,
            "NotSignedUp",
            1,
        ),
        // Retried with a fresh URL each time (max_attempts 4 in common::client_for), all stale.
        ("every URL signed 20 minutes ago", Box::new(|_| {}), Fault::StaleSignature, 403, "RequestTimeTooSkewed", 4),
    ];
    for (what, edit, fault, want_status, want_code, want_puts) in cases {
        let server = s3.mock(edit);
        server.set_fault(fault);
        let client = client_for(&server);
        let e = client.upload_file("10086", &path, PackageKind::HarmonyApp, &mut NoProgress).expect_err(what);
        eprintln!("interop: {what}: {e}");
        assert_eq!(e.status(), Status::UploadRejected, "{what}: {e}");
        match &e {
            // (s3s-fs 0.14.1 sends no <Message> for these, so `message` is empty.)
            Error::UploadRejected { status, code, .. } => {
                assert_eq!((*status, code.as_str()), (want_status, want_code), "{what}: {e}");
            }
            other => panic!("{what}: {other:?}"),
        }
        for secret in server.upload_authorizations() {
            assert!(
                !e.to_string().contains(&secret) && !format!("{e:?}").contains(&secret),
                "{what}: the error shows a signature"
            );
        }
        let puts = server.requests().iter().filter(|r| r.kind == Endpoint::Upload).count();
        assert_eq!(puts, want_puts, "{what}: PUT attempts");
        assert!(server.objects().is_empty(), "{what}: the mock recorded a stored object");
    }
}
