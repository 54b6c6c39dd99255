//! Secrets reflected by a server (issue 9, item 2): the mock echoes each request (credential
//! headers, body, request line, other headers) into its error answers for the token call,
//! upload-url and the PUT. For both auth modes, neither the error's `Display` nor its `Debug`
//! nor the C ABI's `agc_last_error()` may contain the client secret, an access token, the
//! service-account JWT, or the PUT's signed `Authorization` value or its `Signature=` part.
//!
//! Without the client's redaction step every case here fails: the echo reaches the message.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;

use agc_mock::{fixture_private_key_path, fixture_service_account, Fault, MockConfig, MockServer, ReflectAt};
use agcupload::ffi::*;
use agcupload::{Client, Credentials, Error, NoProgress, PackageKind, Status};
use common::*;

/// Runs of secrets at least this long must not appear (bounded messages may cut a secret).
const RUN: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    ApiClient,
    ServiceAccount,
}

fn server(mode: Mode) -> MockServer {
    match mode {
        Mode::ApiClient => mock_with(MockConfig {
            client_secret: "cs-0f3a9b1c77d24e59a8c1b2d3e4f5a6b7-must-not-leak".into(),
            ..Default::default()
        }),
        Mode::ServiceAccount => {
            mock_with(MockConfig { service_accounts: vec![fixture_service_account()], ..Default::default() })
        }
    }
}

fn rust_client(server: &MockServer, mode: Mode) -> Client {
    let creds = match mode {
        Mode::ApiClient => Credentials::api_client(server.client_id(), server.client_secret()),
        Mode::ServiceAccount => {
            Credentials::service_account(fixture_private_key_path().to_str().expect("utf-8 fixture path"))
                .expect("fixture key")
        }
    };
    let mut c = Client::new(creds).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_ca_file(&server.ca_path()).unwrap();
    c.set_retry(1, None).unwrap();
    c
}

/// Every secret of the run: the client secret (API client mode), and every `Authorization`
/// value the mock received (bearer tokens, JWTs, signed upload values).
struct Secrets {
    random: Vec<String>,
    whole: Vec<String>,
}

fn secrets(server: &MockServer, mode: Mode) -> Secrets {
    let mut random = Vec::new();
    let mut whole = Vec::new();
    if mode == Mode::ApiClient {
        random.push(server.client_secret());
    }
    random.extend(server.issued_tokens());
    for r in server.requests() {
        for (k, v) in &r.headers {
            if k != "authorization" {
                continue;
            }
            if let Some(bearer) = v.strip_prefix("Bearer ") {
                random.push(bearer.to_string());
            } else {
                whole.push(v.clone());
                let sig = v.rsplit("Signature=").next().unwrap_or(v);
                random.push(sig.to_string());
            }
        }
    }
    Secrets { random, whole }
}

/// Panics when `text` shows a secret: any run of RUN bytes of a random secret (token, JWT,
/// signature, client secret), or a whole signed upload value.
fn assert_clean(what: &str, text: &str, s: &Secrets) {
    for secret in &s.random {
        let b = secret.as_bytes();
        for w in b.windows(RUN.min(b.len())) {
            let w = String::from_utf8_lossy(w);
            assert!(!text.contains(&*w), "{what} shows part of a secret ({w}): {text}");
        }
    }
    for v in &s.whole {
        assert!(!text.contains(v.as_str()), "{what} shows a signed Authorization value: {text}");
    }
}

fn expected_status(at: ReflectAt, mode: Mode) -> Status {
    match (at, mode) {
        (ReflectAt::Token | ReflectAt::All, Mode::ApiClient) => Status::Auth,
        (ReflectAt::UploadUrl | ReflectAt::All, _) => Status::Http,
        (ReflectAt::Put, _) => Status::UploadRejected,
        (ReflectAt::Token, Mode::ServiceAccount) => unreachable!("service accounts make no token call"),
    }
}

fn cases(mode: Mode) -> Vec<ReflectAt> {
    match mode {
        Mode::ApiClient => vec![ReflectAt::Token, ReflectAt::UploadUrl, ReflectAt::Put, ReflectAt::All],
        Mode::ServiceAccount => vec![ReflectAt::UploadUrl, ReflectAt::Put, ReflectAt::All],
    }
}

fn rust_api(mode: Mode) {
    let dir = TempDir::new("reflect");
    let p = dir.app("r.app", 5000);
    for at in cases(mode) {
        let server = server(mode);
        server.set_fault(Fault::ReflectRequest(at));
        let client = rust_client(&server, mode);
        let e: Error = client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
        assert_eq!(e.status(), expected_status(at, mode), "{mode:?} {at:?}: {e}");
        let shown = e.to_string();
        // The echo did reach the message (this is what makes the test meaningful): the
        // request line is there, and the secrets in it were replaced.
        assert!(shown.contains("HTTP/1.1") || shown.contains("[redacted]"), "{mode:?} {at:?}: no echo: {shown}");
        assert!(shown.contains("[redacted]"), "{mode:?} {at:?}: nothing was redacted: {shown}");
        let s = secrets(&server, mode);
        assert!(!s.random.is_empty(), "the run produced secrets to look for");
        assert_clean(&format!("{mode:?} {at:?} Display"), &shown, &s);
        assert_clean(&format!("{mode:?} {at:?} Debug"), &format!("{e:?}"), &s);
        assert_clean(&format!("{mode:?} {at:?} client Debug"), &format!("{client:?}"), &s);
    }
}

#[test]
fn reflected_secrets_never_reach_rust_errors_api_client() {
    rust_api(Mode::ApiClient);
}

#[test]
fn reflected_secrets_never_reach_rust_errors_service_account() {
    rust_api(Mode::ServiceAccount);
}

fn last_error() -> String {
    // SAFETY: agc_last_error returns a valid NUL-terminated string owned by the library.
    unsafe { CStr::from_ptr(agc_last_error()) }.to_string_lossy().into_owned()
}

fn c_api(mode: Mode) {
    let dir = TempDir::new("reflect-c");
    let p = dir.app("c.app", 5000);
    let path = CString::new(p.to_str().unwrap()).unwrap();
    let app = CString::new("10001").unwrap();
    for at in cases(mode) {
        let server = server(mode);
        server.set_fault(Fault::ReflectRequest(at));
        let mut c: *mut agc_client = ptr::null_mut();
        // SAFETY: valid NUL-terminated strings and out-pointers; the handle is freed below.
        unsafe {
            let st = match mode {
                Mode::ApiClient => {
                    let id = CString::new(server.client_id()).unwrap();
                    let secret = CString::new(server.client_secret()).unwrap();
                    agc_client_new(id.as_ptr(), secret.as_ptr(), &mut c)
                }
                Mode::ServiceAccount => {
                    let key = CString::new(fixture_private_key_path().to_str().unwrap()).unwrap();
                    agc_client_new_service_account(key.as_ptr(), &mut c)
                }
            };
            assert_eq!(st, agc_status::AGC_OK);
            let base = CString::new(server.base_url()).unwrap();
            let ca = CString::new(server.ca_path().to_str().unwrap()).unwrap();
            assert_eq!(agc_client_set_api_base(c, base.as_ptr()), agc_status::AGC_OK);
            assert_eq!(agc_client_set_ca_file(c, ca.as_ptr()), agc_status::AGC_OK);
            assert_eq!(agc_client_set_retry(c, 1, 0), agc_status::AGC_OK);
            let mut out: *mut agc_upload_result = ptr::null_mut();
            let st = agc_upload_file(c, app.as_ptr(), path.as_ptr(), 1, None, ptr::null_mut(), &mut out);
            assert_eq!(st as i32, expected_status(at, mode) as i32, "{mode:?} {at:?}: {}", last_error());
            assert!(out.is_null());
            let msg = last_error();
            assert!(msg.contains("[redacted]"), "{mode:?} {at:?}: nothing was redacted: {msg}");
            assert_clean(&format!("{mode:?} {at:?} agc_last_error"), &msg, &secrets(&server, mode));
            agc_client_free(c);
        }
    }
}

#[test]
fn reflected_secrets_never_reach_agc_last_error_api_client() {
    c_api(Mode::ApiClient);
}

#[test]
fn reflected_secrets_never_reach_agc_last_error_service_account() {
    c_api(Mode::ServiceAccount);
}
