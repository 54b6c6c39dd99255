//! Secrets reflected by a server (issue 9, item 2): the mock echoes each request (credential
//! headers, body, request line, other headers) into its error answers for the token call,
//! upload-url, the PUT and the release-road calls. For both auth modes, neither the error's `Display` nor its `Debug`
//! nor the C ABI's `agc_last_error()` may contain the client secret, an access token, the
//! service-account JWT, or the PUT's signed `Authorization` value or its `Signature=` part.
//!
//! Without the client's redaction step every case here fails: the echo reaches the message.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;
use std::time::Duration;

use agc_mock::{fixture_private_key_path, fixture_service_account, Fault, MockConfig, MockServer, ReflectAt};
use agcupload::ffi::*;
use agcupload::{
    Client, Credentials, Error, NoProgress, PackageKind, ReleaseIds, ReleaseNote, ReleaseRequest, ReleaseStep,
    ReleaseTarget, Status, SubmitOptions, TestRelease, TestType, UploadRequest,
};
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
            polls_until_ready: 0,
            ..Default::default()
        }),
        Mode::ServiceAccount => mock_with(MockConfig {
            service_accounts: vec![fixture_service_account()],
            polls_until_ready: 0,
            ..Default::default()
        }),
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
    c.set_poll_interval(Duration::from_millis(10), Duration::from_millis(40)).unwrap();
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
        (ReflectAt::Release, _) => unreachable!("an upload makes no release call"),
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

/// A C ABI client of `server` in `mode`, one attempt per call, fast parse polls. The caller
/// frees it with `agc_client_free`.
unsafe fn c_client(server: &MockServer, mode: Mode) -> *mut agc_client {
    let mut c: *mut agc_client = ptr::null_mut();
    // SAFETY: valid NUL-terminated strings and out-pointers.
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
        assert_eq!(agc_client_set_poll_interval_ms(c, 10, 40), agc_status::AGC_OK);
    }
    c
}

fn c_api(mode: Mode) {
    let dir = TempDir::new("reflect-c");
    let p = dir.app("c.app", 5000);
    let path = CString::new(p.to_str().unwrap()).unwrap();
    let app = CString::new("10001").unwrap();
    for at in cases(mode) {
        let server = server(mode);
        server.set_fault(Fault::ReflectRequest(at));
        // SAFETY: valid NUL-terminated strings and out-pointers; the handle is freed below.
        unsafe {
            let c = c_client(&server, mode);
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

/// Asserts that a release-road message quotes the reflected echo with its secrets replaced:
/// the echo's first credential header is there (the client may cut the rest), `[redacted]`
/// is there, no secret is.
fn assert_redacted_echo(what: &str, text: &str, server: &MockServer, mode: Mode) {
    assert!(text.contains("authorization: Bearer"), "{what}: the echo did not reach the message: {text}");
    assert!(text.contains("[redacted]"), "{what}: nothing was redacted: {text}");
    let s = secrets(server, mode);
    assert!(!s.random.is_empty(), "the run produced secrets to look for");
    assert_clean(what, text, &s);
}

/// The release road's errors (the one-call road to review and to a test version, and the
/// separate notes, submit and state calls) with every release call reflecting the request.
fn rust_release(mode: Mode) {
    let dir = TempDir::new("reflect-release");
    let p = dir.app("rel.app", 5000);
    let server = server(mode);
    server.set_fault(Fault::ReflectRequest(ReflectAt::Release));
    let client = rust_client(&server, mode);
    let app = "10001";
    let check = |what: &str, e: &Error| {
        assert_eq!(e.status(), Status::Api, "{mode:?} {what}: {e}");
        assert_redacted_echo(&format!("{mode:?} {what} Display"), &e.to_string(), &server, mode);
        assert_clean(&format!("{mode:?} {what} Debug"), &format!("{e:?}"), &secrets(&server, mode));
    };
    let note = ReleaseNote::new("en-US", "Faster start.");
    // The preflight's app-info read is a release call too: reflected, the road stops there; the
    // other roads run without it, to reach their own step.
    let roads: [(&str, Vec<ReleaseNote>, ReleaseTarget, ReleaseIds, ReleaseStep); 5] = [
        (
            "road preflight",
            vec![note.clone()],
            ReleaseTarget::Review(SubmitOptions::default()),
            ReleaseIds::default(),
            ReleaseStep::Preflight,
        ),
        (
            "road notes",
            vec![note.clone()],
            ReleaseTarget::Review(SubmitOptions::default()),
            ReleaseIds::default(),
            ReleaseStep::Notes,
        ),
        (
            "road submit",
            vec![],
            ReleaseTarget::Review(SubmitOptions::default()),
            ReleaseIds::default(),
            ReleaseStep::Submit,
        ),
        (
            "road create test version",
            vec![],
            ReleaseTarget::Test(TestRelease::new(TestType::Open, "beta")),
            ReleaseIds::default(),
            ReleaseStep::CreateTestVersion,
        ),
        (
            "road add test package",
            vec![],
            ReleaseTarget::Test(TestRelease::new(TestType::Open, "beta")),
            ReleaseIds { version_id: Some("900001".into()), ..Default::default() },
            ReleaseStep::AddTestPackage,
        ),
    ];
    for (what, notes, target, resume, step) in roads {
        let mut req = ReleaseRequest::new(UploadRequest::new(app, &p, PackageKind::HarmonyApp), target);
        req.notes = notes;
        req.resume = resume;
        req.upload.preflight = step == ReleaseStep::Preflight;
        let e = client.release(&req, &mut NoProgress).unwrap_err();
        assert_eq!(e.step, step, "{mode:?} {what}: {e}");
        check(what, &e.error);
        assert_redacted_echo(&format!("{mode:?} {what} step Display"), &e.to_string(), &server, mode);
    }
    let e = client.set_release_notes(app, &[note], &mut NoProgress).unwrap_err();
    check("set_release_notes", &e);
    let e =
        client.submit_for_review(app, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap_err();
    check("submit_for_review", &e);
    let e = client.release_state(app, &mut NoProgress).unwrap_err();
    check("release_state", &e);
    assert_clean(&format!("{mode:?} client Debug"), &format!("{client:?}"), &secrets(&server, mode));
}

#[test]
fn reflected_secrets_never_reach_release_errors_api_client() {
    rust_release(Mode::ApiClient);
}

#[test]
fn reflected_secrets_never_reach_release_errors_service_account() {
    rust_release(Mode::ServiceAccount);
}

/// The same through the C ABI: `agc_last_error()` and the release result's message of
/// `agc_release_package` (to review with a note, and to a test version), and
/// `agc_last_error()` of `agc_set_release_notes`, `agc_submit_for_review` and
/// `agc_get_release_state`.
fn c_release(mode: Mode) {
    let dir = TempDir::new("reflect-release-c");
    let p = dir.app("relc.app", 5000);
    let path = CString::new(p.to_str().unwrap()).unwrap();
    let app = CString::new("10001").unwrap();
    let (lang, text, desc) =
        (CString::new("en-US").unwrap(), CString::new("Faster.").unwrap(), CString::new("beta").unwrap());
    let server = server(mode);
    server.set_fault(Fault::ReflectRequest(ReflectAt::Release));
    // SAFETY: valid NUL-terminated strings and out-pointers; every object is freed below.
    unsafe {
        let c = c_client(&server, mode);
        let mut review: *mut agc_release_options = ptr::null_mut();
        assert_eq!(agc_release_options_new(&mut review), agc_status::AGC_OK);
        assert_eq!(agc_release_options_set_note(review, lang.as_ptr(), text.as_ptr()), agc_status::AGC_OK);
        let mut test: *mut agc_release_options = ptr::null_mut();
        assert_eq!(agc_release_options_new(&mut test), agc_status::AGC_OK);
        assert_eq!(agc_release_options_set_test(test, 4, desc.as_ptr()), agc_status::AGC_OK);
        // The preflight's app-info read is reflected too; the other roads skip it.
        let mut no_preflight: *mut agc_upload_options = ptr::null_mut();
        assert_eq!(agc_upload_options_new(&mut no_preflight), agc_status::AGC_OK);
        assert_eq!(agc_upload_options_set_preflight(no_preflight, 0), agc_status::AGC_OK);
        for (what, upload_opts, opts, step) in [
            ("agc_release_package preflight", ptr::null(), review, agc_release_step::AGC_STEP_PREFLIGHT),
            ("agc_release_package notes", no_preflight.cast_const(), review, agc_release_step::AGC_STEP_NOTES),
            (
                "agc_release_package test",
                no_preflight.cast_const(),
                test,
                agc_release_step::AGC_STEP_CREATE_TEST_VERSION,
            ),
        ] {
            let mut out: *mut agc_release_result = ptr::null_mut();
            let st = agc_release_package(
                c,
                app.as_ptr(),
                path.as_ptr(),
                1,
                upload_opts,
                opts,
                None,
                ptr::null_mut(),
                &mut out,
            );
            assert_eq!(st, agc_status::AGC_ERR_API, "{mode:?} {what}: {}", last_error());
            let msg = last_error();
            assert!(!out.is_null(), "{mode:?} {what}: no result on a failed step");
            assert_eq!(agc_release_result_failed_step(out), step, "{mode:?} {what}: {msg}");
            let in_result = CStr::from_ptr(agc_release_result_error(out)).to_string_lossy().into_owned();
            agc_release_result_free(out);
            assert_redacted_echo(&format!("{mode:?} {what} agc_last_error"), &msg, &server, mode);
            assert_redacted_echo(&format!("{mode:?} {what} result error"), &in_result, &server, mode);
        }
        let st = agc_set_release_notes(c, app.as_ptr(), review, None, ptr::null_mut());
        assert_eq!(st, agc_status::AGC_ERR_API, "{mode:?}: {}", last_error());
        assert_redacted_echo(&format!("{mode:?} agc_set_release_notes"), &last_error(), &server, mode);
        let st = agc_submit_for_review(c, app.as_ptr(), review, None, ptr::null_mut());
        assert_eq!(st, agc_status::AGC_ERR_API, "{mode:?}: {}", last_error());
        assert_redacted_echo(&format!("{mode:?} agc_submit_for_review"), &last_error(), &server, mode);
        let mut state = agc_release_state::AGC_RELEASE_DRAFT;
        let mut opinion: *mut std::os::raw::c_char = ptr::null_mut();
        let st = agc_get_release_state(c, app.as_ptr(), &mut state, ptr::null_mut(), &mut opinion);
        assert_eq!(st, agc_status::AGC_ERR_API, "{mode:?}: {}", last_error());
        assert!(opinion.is_null());
        assert_redacted_echo(&format!("{mode:?} agc_get_release_state"), &last_error(), &server, mode);
        agc_release_options_free(review);
        agc_release_options_free(test);
        agc_upload_options_free(no_preflight);
        agc_client_free(c);
    }
}

#[test]
fn reflected_secrets_never_reach_release_last_error_api_client() {
    c_release(Mode::ApiClient);
}

#[test]
fn reflected_secrets_never_reach_release_last_error_service_account() {
    c_release(Mode::ServiceAccount);
}
