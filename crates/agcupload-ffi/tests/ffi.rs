//! The C ABI from Rust: NULL and invalid UTF-8 arguments, status names, the thread-local
//! last error, out-pointers, paths as bytes, re-entrancy. (tests/c/test_abi.c covers the same
//! ground from real C under valgrind.)
mod common;

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use agcupload::Status;
use agcupload_ffi::*;

fn s(p: *const std::os::raw::c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

#[test]
fn every_status_has_its_number_and_the_library_name() {
    let mut numbers = std::collections::BTreeSet::new();
    for st in Status::ALL {
        let n = agc_status::from(st) as i32;
        assert!(numbers.insert(n), "{st:?}: number {n} given twice");
        assert_eq!(s(agc_status_str(n)), st.name());
    }
    // The numbers are the ABI: these never change.
    assert_eq!(agc_status::AGC_OK as i32, 0);
    assert_eq!(agc_status::AGC_ERR_REENTRANT as i32, 18);
    assert_eq!(agc_status::AGC_ERR_PREFLIGHT as i32, 19);
    assert_eq!(agc_status::AGC_ERR_INTERNAL as i32, 255);
    assert_eq!(s(agc_status_str(18)), "AGC_ERR_REENTRANT");
    for n in [-1, 20, 254, 256, i32::MIN, i32::MAX] {
        assert_eq!(s(agc_status_str(n)), "AGC_ERR_UNKNOWN", "{n}");
    }
    assert_eq!(s(agc_version()), env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_phase_and_release_state_has_the_library_name() {
    for p in agcupload::Phase::ALL {
        assert_eq!(s(agc_phase_str(agc_phase::from(p) as i32)), p.name());
    }
    assert_eq!(agc_phase::AGC_PHASE_HASHING as i32, 1);
    assert_eq!(agc_phase::AGC_PHASE_SUBMITTING_TEST as i32, 14);
    assert_eq!(agc_phase::AGC_PHASE_READING_APP_INFO as i32, 15);
    assert_eq!(agc_phase::AGC_PHASE_LOOKING_UP_APP_ID as i32, 23);
    for n in [0, 24, -1] {
        assert_eq!(s(agc_phase_str(n)), "unknown", "{n}");
    }
    use agcupload::ReleaseState as R;
    for st in [R::Other, R::Draft, R::InReview, R::Rejected, R::Released, R::Approved, R::Offline] {
        assert_eq!(s(agc_release_state_str(agc_release_state::from(st) as i32)), st.name());
    }
    assert_eq!(s(agc_release_state_str(99)), "other");
}

#[test]
fn null_and_invalid_utf8_are_invalid_arguments() {
    unsafe {
        let mut c: *mut agc_client = ptr::null_mut();
        let id = CString::new("id").unwrap();
        let bad = b"\xff\xfe\0";
        assert_eq!(agc_client_new(ptr::null(), id.as_ptr(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("client_id is NULL"));
        assert_eq!(agc_client_new(id.as_ptr(), bad.as_ptr().cast(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("not valid UTF-8"));
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), ptr::null_mut()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), &mut c), agc_status::AGC_OK);
        assert_eq!(s(agc_last_error()), "");
        let mut out: *mut agc_upload_result = ptr::NonNull::dangling().as_ptr();
        let path = CString::new("/tmp/x.app").unwrap();
        assert_eq!(
            agc_upload_file(c, bad.as_ptr().cast(), path.as_ptr(), 1, ptr::null(), None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(out.is_null(), "out cleared on failure");
        // A path is bytes on POSIX: not UTF-8 is fine, this one just does not exist.
        assert_eq!(
            agc_upload_file(c, id.as_ptr(), bad.as_ptr().cast(), 1, ptr::null(), None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_FILE
        );
        assert_eq!(
            agc_upload_file(c, id.as_ptr(), path.as_ptr(), 0, ptr::null(), None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            agc_upload_file(ptr::null(), id.as_ptr(), path.as_ptr(), 1, ptr::null(), None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(agc_client_set_api_base(c, bad.as_ptr().cast()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_seal_key(c, ptr::null(), 32), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_seal_file(ptr::null(), 32, path.as_ptr(), path.as_ptr()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        let mut pkg: *mut std::os::raw::c_char = ptr::null_mut();
        assert_eq!(
            agc_bind_object(c, id.as_ptr(), ptr::null(), id.as_ptr(), None, ptr::null_mut(), &mut pkg),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            agc_wait_package_ready(c, id.as_ptr(), bad.as_ptr().cast(), 1, None, ptr::null_mut()),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        agc_client_free(c);
        agc_client_free(ptr::null_mut());
        agc_upload_result_free(ptr::null_mut());
        agc_string_free(ptr::null_mut());
    }
}

#[test]
fn the_last_error_is_per_thread() {
    unsafe {
        let mut c: *mut agc_client = ptr::null_mut();
        assert_eq!(agc_client_new(ptr::null(), ptr::null(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        let here = s(agc_last_error());
        assert!(!here.is_empty());
        let there = std::thread::spawn(|| s(agc_last_error())).join().unwrap();
        assert_eq!(there, "", "another thread sees its own (empty) last error");
        assert_eq!(s(agc_last_error()), here);
    }
}

fn cs(p: &std::path::Path) -> CString {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// A client of the C ABI wired to an in-process mock server.
unsafe fn c_client(server: &agc_mock::MockServer) -> *mut agc_client {
    let (id, secret) = (CString::new(server.client_id()).unwrap(), CString::new(server.client_secret()).unwrap());
    let mut c: *mut agc_client = ptr::null_mut();
    unsafe {
        assert_eq!(agc_client_new(id.as_ptr(), secret.as_ptr(), &mut c), agc_status::AGC_OK);
        let base = CString::new(server.base_url()).unwrap();
        assert_eq!(agc_client_set_api_base(c, base.as_ptr()), agc_status::AGC_OK);
        assert_eq!(agc_client_set_ca_file(c, cs(&server.ca_path()).as_ptr()), agc_status::AGC_OK);
    }
    c
}

#[test]
fn every_out_pointer_is_cleared_before_any_check() {
    unsafe {
        let sentinel: *mut c_char = ptr::NonNull::dangling().as_ptr();
        let id = CString::new("1").unwrap();
        let app = CString::new("/nonexistent/x.app").unwrap();
        let mut c: *mut agc_client = ptr::null_mut();
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), &mut c), agc_status::AGC_OK);
        // v0.1 left *package_id alone when an argument was NULL ...
        let mut pkg = sentinel;
        assert_eq!(
            agc_bind_object(c, id.as_ptr(), ptr::null(), id.as_ptr(), None, ptr::null_mut(), &mut pkg),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(pkg.is_null());
        // ... and *out alone when package_id was NULL.
        let mut out: *mut agc_upload_result = sentinel.cast();
        assert_eq!(
            agc_publish_package(
                c,
                id.as_ptr(),
                app.as_ptr(),
                1,
                ptr::null(),
                1,
                None,
                ptr::null_mut(),
                &mut out,
                ptr::null_mut()
            ),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(out.is_null());
        let (mut out, mut pkg) = (sentinel.cast::<agc_upload_result>(), sentinel);
        assert_eq!(
            agc_publish_package(
                ptr::null(),
                id.as_ptr(),
                app.as_ptr(),
                1,
                ptr::null(),
                1,
                None,
                ptr::null_mut(),
                &mut out,
                &mut pkg
            ),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(out.is_null() && pkg.is_null());
        let mut nc: *mut agc_client = sentinel.cast();
        assert_eq!(agc_client_new_service_account(ptr::null(), &mut nc), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(nc.is_null());
        agc_client_free(c);
    }
}

#[test]
fn paths_are_bytes_on_posix() {
    use std::os::unix::ffi::OsStrExt;
    let server = common::mock();
    let dir = common::TempDir::new("ffi-bytes");
    let bad = |name: &[u8]| dir.0.join(std::ffi::OsStr::from_bytes(name));
    unsafe {
        let c = c_client(&server);
        // The package: refused without a name for AGC, uploaded with one.
        let app = bad(b"bad\xff.app");
        std::fs::copy(dir.app("src.app", 3000), &app).unwrap();
        let (app_id, app_c) = (CString::new("10001").unwrap(), cs(&app));
        let mut r: *mut agc_upload_result = ptr::null_mut();
        let st = agc_upload_file(c, app_id.as_ptr(), app_c.as_ptr(), 1, ptr::null(), None, ptr::null_mut(), &mut r);
        assert_ne!(st, agc_status::AGC_OK);
        assert!(r.is_null());
        let mut o: *mut agc_upload_options = ptr::null_mut();
        assert_eq!(agc_upload_options_new(&mut o), agc_status::AGC_OK);
        let name = CString::new("good.app").unwrap();
        assert_eq!(agc_upload_options_set_file_name(o, name.as_ptr()), agc_status::AGC_OK);
        assert_eq!(
            agc_upload_file(c, app_id.as_ptr(), app_c.as_ptr(), 1, o, None, ptr::null_mut(), &mut r),
            agc_status::AGC_OK,
            "{}",
            s(agc_last_error())
        );
        assert_eq!(s(agc_upload_result_file_name(r)), "good.app");
        assert_eq!(agc_upload_result_size(r), 3000);
        agc_upload_result_free(r);
        agc_upload_options_free(o);
        // The CA file.
        let ca = bad(b"ca\xfe.pem");
        std::fs::copy(server.ca_path(), &ca).unwrap();
        assert_eq!(agc_client_set_ca_file(c, cs(&ca).as_ptr()), agc_status::AGC_OK, "{}", s(agc_last_error()));
        agc_client_free(c);
        // The service-account key file.
        let key_file = bad(b"key\xfd.json");
        std::fs::copy(agc_mock::fixture_private_key_path(), &key_file).unwrap();
        let mut sa: *mut agc_client = ptr::null_mut();
        assert_eq!(
            agc_client_new_service_account(cs(&key_file).as_ptr(), &mut sa),
            agc_status::AGC_OK,
            "{}",
            s(agc_last_error())
        );
        agc_client_free(sa);
        // Sealing and opening.
        let key = [7u8; 32];
        let (pic, sealed, opened) = (bad(b"p\xff.png"), bad(b"s\xff"), bad(b"o\xff.png"));
        std::fs::write(&pic, b"\x89PNG\r\n\x1a\nsome picture bytes").unwrap();
        assert_eq!(agc_seal_file(key.as_ptr(), 32, cs(&pic).as_ptr(), cs(&sealed).as_ptr()), agc_status::AGC_OK);
        assert_eq!(agc_open_file(key.as_ptr(), 32, cs(&sealed).as_ptr(), cs(&opened).as_ptr()), agc_status::AGC_OK);
        assert_eq!(std::fs::read(&opened).unwrap(), std::fs::read(&pic).unwrap());
    }
}

struct Reentry {
    client: *mut agc_client,
    app: CString,
    tried: bool,
    setter: Option<agc_status>,
    upload: Option<agc_status>,
    free_message: String,
}

unsafe extern "C" fn reenter(ud: *mut c_void, _phase: agc_phase, _done: u64, _total: u64) -> c_int {
    let t = unsafe { &mut *ud.cast::<Reentry>() };
    if !t.tried {
        t.tried = true;
        unsafe {
            t.setter = Some(agc_client_set_retry(t.client, 3, 0));
            let app_id = CString::new("10001").unwrap();
            let mut r: *mut agc_upload_result = ptr::NonNull::dangling().as_ptr();
            t.upload = Some(agc_upload_file(
                t.client,
                app_id.as_ptr(),
                t.app.as_ptr(),
                1,
                ptr::null(),
                None,
                ptr::null_mut(),
                &mut r,
            ));
            assert!(r.is_null());
            agc_client_free(t.client);
            t.free_message = s(agc_last_error());
        }
    }
    0
}

#[test]
fn calls_into_a_client_from_its_own_callback_are_refused() {
    let server = common::mock();
    let dir = common::TempDir::new("ffi-reentry");
    unsafe {
        let c = c_client(&server);
        let app = cs(&dir.app("x.app", 200_000));
        let mut t = Reentry {
            client: c,
            app: app.clone(),
            tried: false,
            setter: None,
            upload: None,
            free_message: String::new(),
        };
        let app_id = CString::new("10001").unwrap();
        let mut r: *mut agc_upload_result = ptr::null_mut();
        let st = agc_upload_file(
            c,
            app_id.as_ptr(),
            app.as_ptr(),
            1,
            ptr::null(),
            Some(reenter),
            (&mut t as *mut Reentry).cast(),
            &mut r,
        );
        assert_eq!(st, agc_status::AGC_OK, "{}", s(agc_last_error()));
        assert!(t.tried);
        assert_eq!(t.setter, Some(agc_status::AGC_ERR_REENTRANT));
        assert_eq!(t.upload, Some(agc_status::AGC_ERR_REENTRANT));
        assert!(t.free_message.contains("agc_client_free"), "{}", t.free_message);
        assert_eq!(agc_upload_result_size(r), 200_000);
        agc_upload_result_free(r);
        // Idle again: the setter works, and the client is freed.
        assert_eq!(agc_client_set_retry(c, 2, 0), agc_status::AGC_OK);
        agc_client_free(c);
        assert_eq!(s(agc_last_error()), "");
    }
}

/// The release and network functions keep the out-pointer promise too: every out-pointer is
/// reset before any check.
#[test]
fn release_out_pointers_are_cleared_before_any_check() {
    unsafe {
        let sentinel: *mut c_char = ptr::NonNull::dangling().as_ptr();
        let id = CString::new("1").unwrap();
        let app = CString::new("/nonexistent/x.app").unwrap();
        let bad = CString::new(vec![0xffu8]).unwrap();
        let mut c: *mut agc_client = ptr::null_mut();
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), &mut c), agc_status::AGC_OK);

        for (client, app_id) in
            [(ptr::null(), id.as_ptr()), (c.cast_const(), ptr::null()), (c.cast_const(), bad.as_ptr())]
        {
            let mut status: *mut agc_release_status = sentinel.cast();
            assert_eq!(agc_get_release_status(client, app_id, &mut status), agc_status::AGC_ERR_INVALID_ARGUMENT);
            assert!(status.is_null());
        }
        assert_eq!(agc_get_release_status(c, id.as_ptr(), ptr::null_mut()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("out is NULL"), "{}", s(agc_last_error()));

        // agc_release_package: NULL whenever the road did not start.
        for (client, app_id, path, kind) in [
            (ptr::null(), id.as_ptr(), app.as_ptr(), 1),
            (c.cast_const(), ptr::null(), app.as_ptr(), 1),
            (c.cast_const(), bad.as_ptr(), app.as_ptr(), 1),
            (c.cast_const(), id.as_ptr(), ptr::null(), 1),
            (c.cast_const(), id.as_ptr(), app.as_ptr(), 99),
        ] {
            let mut out: *mut agc_release_result = sentinel.cast();
            assert_eq!(
                agc_release_package(
                    client,
                    app_id,
                    path,
                    kind,
                    ptr::null(),
                    ptr::null(),
                    None,
                    ptr::null_mut(),
                    &mut out
                ),
                agc_status::AGC_ERR_INVALID_ARGUMENT
            );
            assert!(out.is_null());
        }
        assert_eq!(agc_release_options_new(ptr::null_mut()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        // NULL for the network setters' pointers.
        assert_eq!(agc_client_set_proxy(ptr::null_mut(), id.as_ptr()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_proxy(c, ptr::null()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_trust(ptr::null_mut(), 1), agc_status::AGC_ERR_INVALID_ARGUMENT);
        agc_client_free(c);
    }
}

/// Errors of the release road (its `agc_last_error()` and the result's message) leave through
/// the redaction step: with the mock reflecting each request (credential headers, body) into
/// its error answers, neither shows the client secret, a token or a signed upload value.
#[test]
fn release_errors_never_show_reflected_secrets() {
    use agc_mock::{Fault, MockConfig, ReflectAt};
    let dir = common::TempDir::new("ffi-release-reflect");
    let app = cs(&dir.app("r.app", 5000));
    let app_id = CString::new("20001").unwrap();
    for at in [ReflectAt::Token, ReflectAt::UploadUrl, ReflectAt::Put] {
        let server = common::mock_with(MockConfig {
            client_secret: "cs-7d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a-must-not-leak".into(),
            ..Default::default()
        });
        server.set_fault(Fault::ReflectRequest(at));
        unsafe {
            let c = c_client(&server);
            assert_eq!(agc_client_set_retry(c, 1, 0), agc_status::AGC_OK);
            let mut out: *mut agc_release_result = ptr::null_mut();
            let st = agc_release_package(
                c,
                app_id.as_ptr(),
                app.as_ptr(),
                1,
                ptr::null(),
                ptr::null(),
                None,
                ptr::null_mut(),
                &mut out,
            );
            assert_ne!(st, agc_status::AGC_OK, "{at:?}");
            let last = s(agc_last_error());
            assert!(!out.is_null(), "{at:?}: no result on a failed step");
            let in_result = s(agc_release_result_error(out));
            // The preflight obtains the token first: a refused token call fails that step.
            let step = match at {
                ReflectAt::Token => agc_release_step::AGC_STEP_PREFLIGHT,
                _ => agc_release_step::AGC_STEP_UPLOAD,
            };
            assert_eq!(agc_release_result_failed_step(out), step, "{at:?}");
            agc_release_result_free(out);
            // The submit step alone, on the same reflecting server.
            let st2 = agc_submit_for_review(c, app_id.as_ptr(), ptr::null(), None, ptr::null_mut());
            let submit_msg = s(agc_last_error());
            agc_client_free(c);
            assert!(last.contains("[redacted]"), "{at:?}: nothing was redacted: {last}");
            let mut secrets = vec![server.client_secret()];
            secrets.extend(server.issued_tokens());
            for r in server.requests() {
                for (k, v) in &r.headers {
                    if k == "authorization" {
                        secrets.push(v.strip_prefix("Bearer ").unwrap_or(v).to_string());
                        secrets.extend(v.rsplit_once("Signature=").map(|(_, sig)| sig.to_string()));
                    }
                }
            }
            for text in [&last, &in_result, &submit_msg] {
                for secret in &secrets {
                    let b = secret.as_bytes();
                    for w in b.windows(16.min(b.len())) {
                        let w = String::from_utf8_lossy(w);
                        assert!(!text.contains(&*w), "{at:?} (submit {st2:?}) shows part of a secret ({w}): {text}");
                    }
                }
            }
        }
    }
}

/// The bind's optional query through the C ABI: set on the upload options, sent by
/// `agc_publish_package`'s bind; a value AGC does not define is refused by the setter.
#[test]
fn bind_query_options_reach_the_bind() {
    let server =
        agc_mock::MockServer::start(agc_mock::MockConfig { polls_until_ready: 0, ..Default::default() }).unwrap();
    let dir = common::TempDir::new("ffi-bindq");
    let p = dir.app("b.app", 5000);
    unsafe {
        let c = c_client(&server);
        let mut o: *mut agc_upload_options = ptr::null_mut();
        assert_eq!(agc_upload_options_new(&mut o), agc_status::AGC_OK);
        assert_eq!(agc_upload_options_set_bind_release_phase(o, 2), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("release phase"), "{}", s(agc_last_error()));
        assert_eq!(agc_upload_options_set_bind_release_type(o, 7), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_upload_options_set_bind_release_phase(ptr::null_mut(), 3), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_upload_options_set_bind_release_type(o, 1), agc_status::AGC_OK);
        assert_eq!(agc_upload_options_set_bind_release_phase(o, 3), agc_status::AGC_OK);
        let (app, path) = (CString::new("9").unwrap(), CString::new(p.to_str().unwrap()).unwrap());
        let (mut out, mut pkg): (*mut agc_upload_result, *mut c_char) = (ptr::null_mut(), ptr::null_mut());
        let st = agc_publish_package(
            c,
            app.as_ptr(),
            path.as_ptr(),
            1,
            o,
            60_000,
            None,
            ptr::null_mut(),
            &mut out,
            &mut pkg,
        );
        assert_eq!(st, agc_status::AGC_OK, "{}", s(agc_last_error()));
        let q = server.requests().into_iter().find(|r| r.kind == agc_mock::Endpoint::Bind).unwrap().query;
        assert!(
            q.contains(&("releaseType".into(), "1".into())) && q.contains(&("releasePhase".into(), "3".into())),
            "{q:?}"
        );
        agc_string_free(pkg);
        agc_upload_result_free(out);
        agc_upload_options_free(o);
        agc_client_free(c);
    }
}

/// Every default is readable by name (for ctypes and koffi, which cannot read `#define`s) and
/// equals its `AGC_DEFAULT_*` constant; an unknown name is refused.
#[test]
fn defaults_by_name_equal_the_header_constants() {
    let expect: [(&str, u64); 9] = [
        ("connect_timeout_ms", AGC_DEFAULT_CONNECT_TIMEOUT_MS),
        ("io_timeout_ms", AGC_DEFAULT_IO_TIMEOUT_MS),
        ("poll_initial_ms", AGC_DEFAULT_POLL_INITIAL_MS),
        ("poll_max_ms", AGC_DEFAULT_POLL_MAX_MS),
        ("parse_timeout_ms", AGC_DEFAULT_PARSE_TIMEOUT_MS),
        ("submit_timeout_ms", AGC_DEFAULT_SUBMIT_TIMEOUT_MS),
        ("max_attempts", AGC_DEFAULT_MAX_ATTEMPTS as u64),
        ("retry_deadline_ms", AGC_DEFAULT_RETRY_DEADLINE_MS),
        ("test_window_ms", AGC_DEFAULT_TEST_WINDOW_MS),
    ];
    assert_eq!(expect.len(), agcupload::defaults::BY_NAME.len());
    for (name, want) in expect {
        let (n, mut v) = (CString::new(name).unwrap(), 7u64);
        assert_eq!(unsafe { agc_default_u64(n.as_ptr(), &mut v) }, agc_status::AGC_OK, "{name}");
        assert_eq!(v, want, "{name}");
    }
    let (n, mut v) = (CString::new("nope").unwrap(), 7u64);
    assert_eq!(unsafe { agc_default_u64(n.as_ptr(), &mut v) }, agc_status::AGC_ERR_INVALID_ARGUMENT);
    assert_eq!(v, 0);
    assert_eq!(unsafe { agc_default_u64(ptr::null(), &mut v) }, agc_status::AGC_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { agc_default_u64(n.as_ptr(), ptr::null_mut()) }, agc_status::AGC_ERR_INVALID_ARGUMENT);
}
