//! Secrets reflected by a server: the mock echoes each request (credential
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

use agc_mock::{Fault, MockServer, ReflectAt};
use agcupload::{
    Error, NoProgress, PackageKind, ReleaseIds, ReleaseNote, ReleaseRequest, ReleaseStep, ReleaseTarget, Status,
    SubmitOptions, TestRelease, TestType, UploadRequest,
};
use agcupload_ffi::*;
use common::secrets::*;
use common::*;

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
            let st = agc_upload_file(c, app.as_ptr(), path.as_ptr(), 1, ptr::null(), None, ptr::null_mut(), &mut out);
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
/// `agc_get_release_status`.
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
        let mut status: *mut agc_release_status = ptr::NonNull::dangling().as_ptr();
        let st = agc_get_release_status(c, app.as_ptr(), &mut status);
        assert_eq!(st, agc_status::AGC_ERR_API, "{mode:?}: {}", last_error());
        assert!(status.is_null());
        assert_redacted_echo(&format!("{mode:?} agc_get_release_status"), &last_error(), &server, mode);
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
