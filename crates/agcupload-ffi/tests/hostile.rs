//! The hostile-server suite: the mock plays an AGC whose every free-text field, on
//! success answers as on refusals, holds the request's credentials echoed back, the client
//! secret, CI workflow commands, terminal escapes, bidirectional overrides and 64 KiB of
//! padding ([`Fault::Hostile`]). Through the Rust API and the C ABI, in both auth modes, on
//! the success paths (upload, multipart upload, publish, the state with the reviewers'
//! opinion, the road to review and to a test release) and on failure paths (refusals, a bad
//! secret, ids that hold a secret), nothing a caller receives shows a secret, a control,
//! format or separator character, or more than the gate's bound.
//!
//! Before the gate (`src/untrusted.rs`) the state's opinion reached callers verbatim.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;
use std::time::Duration;

use agc_mock::{Fault, IdKind, MockServer};
use agcupload::MAX_SERVER_TEXT;
use agcupload::{
    Error, NoProgress, PackageKind, ReleaseNote, ReleaseRequest, ReleaseState, ReleaseStep, ReleaseTarget,
    SubmitOptions, TestRelease, TestType, Transfer, UploadRequest,
};
use agcupload_ffi::*;
use common::secrets::*;
use common::*;

const APP: &str = "10001";

/// A text a caller receives: no secret, one line of visible characters, bounded.
fn assert_tame(what: &str, text: &str, server: &MockServer, mode: Mode) {
    assert_clean(what, text, &secrets(server, mode));
    let bad: Vec<char> = text.chars().filter(|c| c.is_control() || is_hidden(*c)).collect();
    assert!(bad.is_empty(), "{what} holds hidden or control characters {bad:?}: {text:?}");
    assert!(text.len() <= MAX_SERVER_TEXT + 600, "{what} is {} bytes long", text.len());
}

/// Format characters the hostile text uses (bidi override, zero-width space).
fn is_hidden(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn hostile(mode: Mode) -> MockServer {
    let s = server(mode);
    s.set_fault(Fault::Hostile);
    s
}

fn rust_success_paths(mode: Mode) {
    let dir = TempDir::new("hostile-ok");
    let p = dir.app("h.app", 40_000);
    let server = hostile(mode);
    let client = rust_client(&server, mode);

    // Upload, single and multipart, and publish (upload, bind, parsing): each succeeds.
    let r = client.upload_file(APP, &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_tame("upload object id", &r.object_id, &server, mode);
    let mut req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    req.transfer = Transfer::Multipart;
    let r = client.upload(&req, &mut NoProgress).unwrap();
    for n in &r.notes {
        assert_tame("multipart note", n, &server, mode);
    }
    let published = client
        .publish(&UploadRequest::new(APP, &p, PackageKind::HarmonyApp), Duration::from_secs(60), &mut NoProgress)
        .unwrap();
    assert_tame("package id", &published.package_id, &server, mode);

    // The state: AGC's opinion is the hostile text, echo included.
    server.set_release_state(APP, 8, Some("any"));
    let st = client.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!(st.state, ReleaseState::Rejected);
    let opinion = st.audit_opinion.expect("the hostile opinion is shown, tamed");
    assert!(opinion.contains("[redacted]"), "the echo reached the opinion unredacted or not at all: {opinion}");
    assert_tame("audit opinion", &opinion, &server, mode);
    assert_tame("AppState Debug", &format!("{:?}", client.release_state(APP, &mut NoProgress).unwrap()), &server, mode);
    server.set_release_state(APP, 7, None);

    // The road to review and to a test release.
    let mut road = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Review(SubmitOptions::default()),
    );
    road.notes = vec![ReleaseNote::new("en-US", "Faster start.")];
    let done = client.release(&road, &mut NoProgress).unwrap();
    assert_tame("road ids", &format!("{done:?}"), &server, mode);
    let test = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Test(TestRelease::new(TestType::Open, "beta")),
    );
    let done = client.release(&test, &mut NoProgress).unwrap();
    assert_tame("test road ids", &format!("{done:?}"), &server, mode);
}

#[test]
fn hostile_success_answers_reach_rust_callers_tamed_api_client() {
    rust_success_paths(Mode::ApiClient);
}

#[test]
fn hostile_success_answers_reach_rust_callers_tamed_service_account() {
    rust_success_paths(Mode::ServiceAccount);
}

fn rust_failure_paths(mode: Mode) {
    let dir = TempDir::new("hostile-fail");
    let p = dir.app("f.app", 5000);
    let server = hostile(mode);
    let client = rust_client(&server, mode);
    let check = |what: &str, e: &Error| {
        assert_tame(&format!("{what} Display"), &e.to_string(), &server, mode);
        assert_clean(&format!("{what} Debug"), &format!("{e:?}"), &secrets(&server, mode));
    };
    // A submit refused (the app is in review): AGC's words are the hostile text.
    server.set_release_state(APP, 4, None);
    let e = client.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(30), &mut NoProgress);
    let e = e.unwrap_err();
    assert!(e.to_string().contains("[redacted]"), "{e}");
    check("refused submit", &e);
    let mut road = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Review(SubmitOptions::default()),
    );
    road.submit_timeout = Duration::from_secs(30);
    // The preflight refuses it first (a draft in review), from AGC's hostile app-info.
    let e = client.release(&road, &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::Preflight, "{e}");
    check("preflight refusal", &e.error);
    road.upload.preflight = false;
    let e = client.release(&road, &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::Submit, "{e}");
    check("road refused", &e.error);
    assert_tame("road error Display", &e.to_string(), &server, mode);
    server.set_release_state(APP, 7, None);

    // An id that holds the client's own secret is refused, and the refusal shows neither.
    if mode == Mode::ApiClient {
        server.set_fault(Fault::AnswerIdOnce(IdKind::Object, format!("obj-{}", server.client_secret())));
        let e = client.upload_file(APP, &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
        check("id holding the secret", &e);
        server.set_fault(Fault::Hostile);
        // A wrong client secret: the token refusal echoes it.
        let wrong = client_with_secret(&server, "wrong-secret-0123456789abcdef-wrong");
        let e = wrong.upload_file(APP, &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
        assert!(!e.to_string().contains("0123456789abcdef"), "{e}");
        check("bad secret", &e);
    }
}

#[test]
fn hostile_refusals_reach_rust_callers_tamed_api_client() {
    rust_failure_paths(Mode::ApiClient);
}

#[test]
fn hostile_refusals_reach_rust_callers_tamed_service_account() {
    rust_failure_paths(Mode::ServiceAccount);
}

/// The C ABI: the state with its opinion (`agc_get_release_status`), an upload, and
/// `agc_last_error` after a refusal.
fn c_paths(mode: Mode) {
    let dir = TempDir::new("hostile-c");
    let p = dir.app("c.app", 5000);
    let path = CString::new(p.to_str().unwrap()).unwrap();
    let app = CString::new(APP).unwrap();
    let server = hostile(mode);
    server.set_release_state(APP, 8, Some("any"));
    // SAFETY: valid NUL-terminated strings and out-pointers; every object is freed below.
    unsafe {
        let c = c_client(&server, mode);
        let mut status: *mut agc_release_status = ptr::null_mut();
        assert_eq!(agc_get_release_status(c, app.as_ptr(), &mut status), agc_status::AGC_OK, "{}", last_error());
        let o = agc_release_status_audit_opinion(status);
        assert!(!o.is_null(), "the opinion is given, tamed");
        let text = CStr::from_ptr(o).to_string_lossy().into_owned();
        agc_release_status_free(status);
        assert!(text.contains("[redacted]"), "{text}");
        assert_tame("agc_release_status_audit_opinion", &text, &server, mode);

        let mut out: *mut agc_upload_result = ptr::null_mut();
        let st = agc_upload_file(c, app.as_ptr(), path.as_ptr(), 1, ptr::null(), None, ptr::null_mut(), &mut out);
        assert_eq!(st, agc_status::AGC_OK, "{}", last_error());
        assert_tame("object id", &CStr::from_ptr(agc_upload_result_object_id(out)).to_string_lossy(), &server, mode);
        agc_upload_result_free(out);

        server.set_release_state(APP, 4, None);
        let mut opts: *mut agc_release_options = ptr::null_mut();
        assert_eq!(agc_release_options_new(&mut opts), agc_status::AGC_OK);
        let st = agc_submit_for_review(c, app.as_ptr(), opts, None, ptr::null_mut());
        assert_eq!(st, agc_status::AGC_ERR_API, "{}", last_error());
        let msg = last_error();
        assert!(msg.contains("[redacted]"), "{msg}");
        assert_tame("agc_last_error after a refusal", &msg, &server, mode);
        agc_release_options_free(opts);
        agc_client_free(c);
    }
}

#[test]
fn hostile_answers_reach_c_callers_tamed_api_client() {
    c_paths(Mode::ApiClient);
}

#[test]
fn hostile_answers_reach_c_callers_tamed_service_account() {
    c_paths(Mode::ServiceAccount);
}

/// The C ABI's cancel while AGC answers a submit slowly: `agc_release_package` returns
/// `AGC_ERR_CANCELLED` without waiting for the answer, and its result says the submit may have
/// landed (`agc_release_result_outcome_uncertain`), with the ids kept.
#[test]
fn a_c_callback_cancel_ends_a_slow_submit_and_the_result_says_it_may_have_landed() {
    unsafe extern "C" fn cancel_once_submitted(ud: *mut std::ffi::c_void, phase: agc_phase, _: u64, _: u64) -> i32 {
        // SAFETY: `ud` is the test's MockServer, alive for the whole call.
        let server = unsafe { &*(ud as *const MockServer) };
        i32::from(phase == agc_phase::AGC_PHASE_SUBMITTING && server.last_submit(APP).is_some())
    }
    let dir = TempDir::new("slow-submit-c");
    let p = dir.app("s.app", 5000);
    let path = CString::new(p.to_str().unwrap()).unwrap();
    let app = CString::new(APP).unwrap();
    let server = server(Mode::ApiClient);
    server.set_fault(Fault::SlowAnswer(60_000));
    let started = std::time::Instant::now();
    // SAFETY: valid NUL-terminated strings and out-pointers; every object is freed below.
    unsafe {
        let c = c_client(&server, Mode::ApiClient);
        let mut out: *mut agc_release_result = ptr::null_mut();
        let ud = &server as *const MockServer as *mut std::ffi::c_void;
        let st = agc_release_package(
            c,
            app.as_ptr(),
            path.as_ptr(),
            1,
            ptr::null(),
            ptr::null(),
            Some(cancel_once_submitted),
            ud,
            &mut out,
        );
        let waited = started.elapsed();
        server.set_fault(Fault::None);
        assert_eq!(st, agc_status::AGC_ERR_CANCELLED, "{}", last_error());
        assert!(waited < Duration::from_secs(45), "the cancel waited for the answer: {waited:?}");
        assert!(!out.is_null());
        assert_eq!(agc_release_result_failed_step(out), agc_release_step::AGC_STEP_SUBMIT);
        assert_eq!(agc_release_result_outcome_uncertain(out), 1);
        assert!(!agc_release_result_package_id(out).is_null());
        assert!(last_error().contains("may have accepted the submit"), "{}", last_error());
        agc_release_result_free(out);
        assert_eq!(agc_release_result_outcome_uncertain(ptr::null()), 0);
        agc_client_free(c);
    }
    assert!(server.last_submit(APP).is_some());
}
