//! The store listing's C calls through their Rust exports, against the in-process mock: the
//! argument checks (NULL, invalid UTF-8, an unknown phased action, out-pointers cleared), the
//! result's accessors (NULL-safe, bounded), plan → apply → plan → pull, AGC answering success
//! while storing nothing, a cancel from the callback, and the calls around a release.

mod common;

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_void};
use std::path::Path;
use std::ptr;

use agc_mock::{AppPreflight, Fault, MockServer};
use agcupload::PhasedAction;
use agcupload_ffi::*;
use common::listing::{good_language, put};

const APP: &str = "6917000001";

fn s(p: *const c_char) -> String {
    assert!(!p.is_null(), "a NULL string");
    // SAFETY: non-NULL, NUL-terminated (from the library).
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn cs(p: &Path) -> CString {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

fn last_error() -> String {
    s(agc_last_error())
}

/// A client of the C ABI wired to an in-process mock server.
unsafe fn c_client(server: &MockServer) -> *mut agc_client {
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

type FolderCall = unsafe extern "C" fn(
    *const agc_client,
    *const c_char,
    *const c_char,
    agc_progress_fn,
    *mut c_void,
    *mut *mut agc_listing_result,
) -> agc_status;

const FOLDER_CALLS: [(&str, FolderCall); 3] =
    [("plan", agc_listing_plan), ("apply", agc_listing_apply), ("pull", agc_listing_pull)];

/// Runs `call` with a dangling sentinel in its out-pointer: the call must fail with
/// `AGC_ERR_INVALID_ARGUMENT` naming `arg`, and clear the out-pointer.
fn refused<T>(arg: &str, call: impl FnOnce(*mut *mut T) -> agc_status) {
    let mut out: *mut T = ptr::NonNull::dangling().as_ptr();
    assert_eq!(call(&mut out), agc_status::AGC_ERR_INVALID_ARGUMENT, "{arg}: {}", last_error());
    assert!(out.is_null(), "{arg}: the out-pointer is left set");
    assert!(last_error().contains(arg), "{arg}: {}", last_error());
}

#[test]
fn listing_calls_refuse_null_and_invalid_utf8_and_clear_their_out_pointers() {
    let server = common::mock();
    let dir = common::TempDir::new("ffi-listing-args");
    let bad = c"\xff\xfe".as_ptr();
    let app = CString::new(APP).unwrap();
    let d = cs(&dir.0);
    unsafe {
        let c = c_client(&server);
        for (name, call) in FOLDER_CALLS {
            refused("client is NULL", |o| call(ptr::null(), app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), o));
            refused("app_id is NULL", |o| call(c, ptr::null(), d.as_ptr(), None, ptr::null_mut(), o));
            refused("app_id is not valid UTF-8", |o| call(c, bad, d.as_ptr(), None, ptr::null_mut(), o));
            refused("dir is NULL", |o| call(c, app.as_ptr(), ptr::null(), None, ptr::null_mut(), o));
            assert_eq!(
                call(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), ptr::null_mut()),
                agc_status::AGC_ERR_INVALID_ARGUMENT,
                "{name}"
            );
            assert!(last_error().contains("out is NULL"), "{name}: {}", last_error());
        }
        let lang = CString::new("fr-FR").unwrap();
        let none = ptr::null_mut();
        let cc = c.cast_const();
        for (arg, client, a, l) in [
            ("client is NULL", ptr::null(), app.as_ptr(), lang.as_ptr()),
            ("app_id is NULL", cc, ptr::null(), lang.as_ptr()),
            ("app_id is not valid UTF-8", cc, bad, lang.as_ptr()),
            ("lang is NULL", cc, app.as_ptr(), ptr::null()),
            ("lang is not valid UTF-8", cc, app.as_ptr(), bad),
        ] {
            assert_eq!(agc_delete_language(client, a, l, None, none), agc_status::AGC_ERR_INVALID_ARGUMENT, "{arg}");
            assert!(last_error().contains(arg), "{arg}: {}", last_error());
        }
        refused("client is NULL", |o| agc_withdraw_review(ptr::null(), app.as_ptr(), None, none, o));
        refused("app_id is NULL", |o| agc_withdraw_review(c, ptr::null(), None, none, o));
        refused("app_id is not valid UTF-8", |o| agc_withdraw_review(c, bad, None, none, o));
        refused("client is NULL", |o| agc_app_id_for_bundle(ptr::null(), app.as_ptr(), None, none, o));
        refused("bundle_name is NULL", |o| agc_app_id_for_bundle(c, ptr::null(), None, none, o));
        refused("bundle_name is not valid UTF-8", |o| agc_app_id_for_bundle(c, bad, None, none, o));
        let step = agc_phased_action::AGC_PHASED_STEP as u32;
        let phased = |app_id, action, description, version_id, o| {
            agc_phased_release(c, app_id, action, 3, description, version_id, None, none, o)
        };
        refused("client is NULL", |o| {
            agc_phased_release(ptr::null(), app.as_ptr(), step, 3, ptr::null(), ptr::null(), None, none, o)
        });
        refused("app_id is NULL", |o| phased(ptr::null(), step, ptr::null(), ptr::null(), o));
        refused("app_id is not valid UTF-8", |o| phased(bad, step, ptr::null(), ptr::null(), o));
        refused("description is not valid UTF-8", |o| phased(app.as_ptr(), step, bad, ptr::null(), o));
        refused("version_id is not valid UTF-8", |o| phased(app.as_ptr(), step, ptr::null(), bad, o));
        for action in [0, 5, u32::MAX] {
            refused("agc_phased_action", |o| phased(app.as_ptr(), action, ptr::null(), ptr::null(), o));
        }
        assert_eq!(
            agc_withdraw_review(c, app.as_ptr(), None, none, ptr::null_mut()),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        agc_client_free(c);
    }
    assert!(server.requests().is_empty(), "nothing was sent: {:?}", server.requests());
}

#[test]
fn the_result_accessors_are_null_safe_and_bounded() {
    unsafe {
        let null: *const agc_listing_result = ptr::null();
        assert_eq!(agc_listing_result_change_count(null), 0);
        assert!(agc_listing_result_change_lang(null, 0).is_null());
        assert!(agc_listing_result_change_field(null, 0).is_null());
        assert_eq!(agc_listing_result_change_new_language(null, 0), -1);
        assert_eq!(agc_listing_result_change_is_text(null, 0), -1);
        assert!(agc_listing_result_change_summary(null, 0).is_null());
        assert!(agc_listing_result_change_current(null, 0).is_null());
        assert!(agc_listing_result_change_wanted(null, 0).is_null());
        assert_eq!(agc_listing_result_unchanged_count(null), 0);
        assert!(agc_listing_result_unchanged(null, 0).is_null());
        assert_eq!(agc_listing_result_upload_count(null), 0);
        assert!(agc_listing_result_upload_file(null, 0).is_null());
        assert!(agc_listing_result_upload_object_id(null, 0).is_null());
        assert_eq!(agc_listing_result_upload_size(null, 0), 0);
        assert_eq!(agc_listing_result_language_count(null), 0);
        assert!(agc_listing_result_language(null, 0).is_null());
        assert_eq!(agc_listing_result_written_count(null), 0);
        assert!(agc_listing_result_written(null, 0).is_null());
        assert_eq!(agc_listing_result_calls(null), 0);
        assert_eq!(agc_listing_result_note_count(null), 0);
        assert!(agc_listing_result_note(null, 0).is_null());
        agc_listing_result_free(ptr::null_mut());
    }
}

/// Progress phases seen, each once in order of first sight, and a cancel on one of them.
#[derive(Default)]
struct Seen {
    phases: Vec<agc_phase>,
    cancel_on: Option<agc_phase>,
}

unsafe extern "C" fn record(ud: *mut c_void, phase: agc_phase, _done: u64, _total: u64) -> c_int {
    let seen = unsafe { &mut *ud.cast::<Seen>() };
    if !seen.phases.contains(&phase) {
        seen.phases.push(phase);
    }
    c_int::from(seen.cancel_on == Some(phase))
}

fn strings(count: usize, at: impl Fn(usize) -> *const c_char) -> Vec<String> {
    let all: Vec<String> = (0..count).map(|i| s(at(i))).collect();
    assert!(at(count).is_null(), "index {count} is past the end");
    all
}

#[test]
fn plan_apply_plan_and_pull_through_the_c_abi() {
    use agc_phase::*;
    let server = common::mock();
    let dir = common::TempDir::new("ffi-listing-road");
    good_language(&dir.0, "en-US", "c");
    let (app, d) = (CString::new(APP).unwrap(), cs(&dir.0));
    unsafe {
        let c = c_client(&server);
        let mut r: *mut agc_listing_result = ptr::null_mut();
        assert_eq!(agc_listing_plan(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), &mut r), agc_status::AGC_OK);
        let n = agc_listing_result_change_count(r);
        let fields = strings(n, |i| agc_listing_result_change_field(r, i));
        assert_eq!(fields, ["name", "description", "brief", "release_notes", "icon", "screenshots/phone"]);
        assert_eq!(strings(n, |i| agc_listing_result_change_lang(r, i)), vec!["en-US"; n]);
        assert_eq!(agc_listing_result_change_is_text(r, 0), 1);
        assert_eq!(agc_listing_result_change_is_text(r, 5), 0);
        assert_eq!(agc_listing_result_change_new_language(r, 0), 0);
        assert_eq!(agc_listing_result_change_is_text(r, n), -1);
        assert!(agc_listing_result_change_current(r, n).is_null());
        assert_eq!(s(agc_listing_result_change_wanted(r, 2)), "The demo c");
        assert_eq!(
            s(agc_listing_result_change_wanted(r, 5)),
            "en-US/screenshots/phone/01.png\nen-US/screenshots/phone/02.png\nen-US/screenshots/phone/03.png"
        );
        assert!(s(agc_listing_result_change_summary(r, 2)).starts_with("en-US brief: "));
        assert_eq!(agc_listing_result_upload_count(r), 0);
        agc_listing_result_free(r);

        let mut seen = Seen::default();
        let ud = (&mut seen as *mut Seen).cast();
        assert_eq!(
            agc_listing_apply(c, app.as_ptr(), d.as_ptr(), Some(record), ud, &mut r),
            agc_status::AGC_OK,
            "{}",
            last_error()
        );
        assert_eq!(agc_listing_result_change_count(r), 6);
        assert_eq!(agc_listing_result_upload_count(r), 4);
        let files = strings(4, |i| agc_listing_result_upload_file(r, i));
        assert!(files.contains(&"en-US/screenshots/phone/02.png".to_string()), "{files:?}");
        for i in 0..4 {
            assert!(!s(agc_listing_result_upload_object_id(r, i)).is_empty());
            assert!(agc_listing_result_upload_size(r, i) > 0);
        }
        assert_eq!(agc_listing_result_upload_size(r, 4), 0);
        assert!(agc_listing_result_upload_object_id(r, 4).is_null());
        assert_eq!(agc_listing_result_calls(r), 3, "one text call, one per kind of file");
        agc_listing_result_free(r);
        let listing_phases: Vec<agc_phase> = seen
            .phases
            .iter()
            .copied()
            .filter(|p| (AGC_PHASE_READING_APP_INFO as i32..=AGC_PHASE_CHECKING_LISTING as i32).contains(&(*p as i32)))
            .collect();
        assert_eq!(
            listing_phases,
            [
                AGC_PHASE_READING_APP_INFO,
                AGC_PHASE_SETTING_TEXTS,
                AGC_PHASE_SENDING_LISTING_FILES,
                AGC_PHASE_SETTING_FILE_INFO,
                AGC_PHASE_CHECKING_LISTING
            ]
        );
        assert!(seen.phases.contains(&AGC_PHASE_UPLOADING));

        // Edit one text: the plan shows exactly it, AGC's text as the current value.
        put(&dir.0, "en-US/brief.txt", b"A shorter pitch\n");
        assert_eq!(agc_listing_plan(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), &mut r), agc_status::AGC_OK);
        assert_eq!(agc_listing_result_change_count(r), 1);
        assert_eq!(s(agc_listing_result_change_field(r, 0)), "brief");
        assert_eq!(s(agc_listing_result_change_current(r, 0)), "The demo c");
        assert_eq!(s(agc_listing_result_change_wanted(r, 0)), "A shorter pitch");
        assert!(strings(agc_listing_result_unchanged_count(r), |i| agc_listing_result_unchanged(r, i))
            .contains(&"en-US/screenshots/phone".to_string()));
        agc_listing_result_free(r);
        assert_eq!(agc_listing_apply(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), &mut r), agc_status::AGC_OK);
        assert_eq!((agc_listing_result_change_count(r), agc_listing_result_upload_count(r)), (1, 0));
        agc_listing_result_free(r);
        assert_eq!(agc_listing_plan(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), &mut r), agc_status::AGC_OK);
        assert_eq!(agc_listing_result_change_count(r), 0);
        agc_listing_result_free(r);

        // Pull into a fresh folder: AGC's texts, one file each.
        let pulled = dir.path("pulled");
        let p = cs(&pulled);
        assert_eq!(agc_listing_pull(c, app.as_ptr(), p.as_ptr(), None, ptr::null_mut(), &mut r), agc_status::AGC_OK);
        let languages = strings(agc_listing_result_language_count(r), |i| agc_listing_result_language(r, i));
        assert!(languages.contains(&"en-US".to_string()), "{languages:?}");
        let written = strings(agc_listing_result_written_count(r), |i| agc_listing_result_written(r, i));
        assert!(written.contains(&"en-US/brief.txt".to_string()), "{written:?}");
        assert_eq!(agc_listing_result_change_count(r), 0);
        agc_listing_result_free(r);
        assert_eq!(std::fs::read_to_string(pulled.join("en-US/brief.txt")).unwrap(), "A shorter pitch\n");
        agc_client_free(c);
    }
}

#[test]
fn apply_fails_with_a_protocol_error_when_agc_stores_nothing() {
    let server = common::mock();
    let dir = common::TempDir::new("ffi-listing-ignored");
    good_language(&dir.0, "en-US", "x");
    server.set_fault(Fault::ListingSuccessIgnored);
    let (app, d) = (CString::new(APP).unwrap(), cs(&dir.0));
    unsafe {
        let c = c_client(&server);
        let mut r: *mut agc_listing_result = ptr::NonNull::dangling().as_ptr();
        let st = agc_listing_apply(c, app.as_ptr(), d.as_ptr(), None, ptr::null_mut(), &mut r);
        assert_eq!(st, agc_status::AGC_ERR_PROTOCOL, "{}", last_error());
        assert!(r.is_null());
        assert!(last_error().contains("en-US name"), "{}", last_error());
        agc_client_free(c);
    }
}

#[test]
fn a_cancel_from_the_callback_stops_apply_before_the_files_are_bound() {
    let server = common::mock();
    let dir = common::TempDir::new("ffi-listing-cancel");
    good_language(&dir.0, "en-US", "x");
    let (app, d) = (CString::new(APP).unwrap(), cs(&dir.0));
    unsafe {
        let c = c_client(&server);
        let mut seen = Seen { cancel_on: Some(agc_phase::AGC_PHASE_SENDING_LISTING_FILES), ..Default::default() };
        let mut r: *mut agc_listing_result = ptr::null_mut();
        let st = agc_listing_apply(c, app.as_ptr(), d.as_ptr(), Some(record), (&mut seen as *mut Seen).cast(), &mut r);
        assert_eq!(st, agc_status::AGC_ERR_CANCELLED, "{}", last_error());
        assert!(r.is_null());
        assert!(!seen.phases.contains(&agc_phase::AGC_PHASE_UPLOADING), "{:?}", seen.phases);
        assert!(server.requests().iter().all(|q| !q.path.ends_with("app-file-info")));
        agc_client_free(c);
    }
}

#[test]
fn delete_withdraw_phased_and_app_id_through_the_c_abi() {
    let server = common::mock();
    let app = CString::new(APP).unwrap();
    let none = ptr::null_mut();
    unsafe {
        let c = c_client(&server);
        let (en, zh) = (CString::new("en-US").unwrap(), CString::new("zh-CN").unwrap());
        assert_eq!(agc_delete_language(c, app.as_ptr(), en.as_ptr(), None, none), agc_status::AGC_ERR_PREFLIGHT);
        assert!(last_error().contains("default language"), "{}", last_error());
        assert_eq!(agc_delete_language(c, app.as_ptr(), zh.as_ptr(), None, none), agc_status::AGC_OK);

        let mut id: *mut c_char = ptr::null_mut();
        server.set_app_preflight(APP, AppPreflight { version_id: Some("v-42".into()), ..Default::default() });
        server.set_release_state(APP, 7, None);
        assert_eq!(agc_withdraw_review(c, app.as_ptr(), None, none, &mut id), agc_status::AGC_ERR_PREFLIGHT);
        assert!(id.is_null());
        server.set_release_state(APP, 4, None);
        assert_eq!(agc_withdraw_review(c, app.as_ptr(), None, none, &mut id), agc_status::AGC_OK);
        assert_eq!(s(id), "v-42");
        agc_string_free(id);

        use agc_phased_action::*;
        let pause = AGC_PHASED_PAUSE as u32;
        let step = AGC_PHASED_STEP as u32;
        let no = ptr::null();
        let phased = |action, day, description, version_id, out| {
            agc_phased_release(c, app.as_ptr(), action, day, description, version_id, None, none, out)
        };
        assert_eq!(phased(pause, 0, no, no, &mut id), agc_status::AGC_ERR_PREFLIGHT);
        server.set_phased(APP, "v-7", Some(2));
        let why = CString::new("crash spike").unwrap();
        assert_eq!(phased(pause, 0, why.as_ptr(), no, &mut id), agc_status::AGC_OK, "{}", last_error());
        assert_eq!(s(id), "v-7");
        agc_string_free(id);
        assert_eq!(server.phased(APP).unwrap().0, "SUSPEND");
        // The day is the library's to check.
        assert_eq!(phased(step, 9, no, no, &mut id), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(id.is_null());
        let v7 = CString::new("v-7").unwrap();
        assert_eq!(phased(step, 5, no, v7.as_ptr(), &mut id), agc_status::AGC_OK, "{}", last_error());
        agc_string_free(id);
        assert_eq!(server.phased(APP), Some(("RELEASE".into(), Some(5), "v-7".into())));
        assert_eq!(phased(AGC_PHASED_FULL as u32, 0, no, no, &mut id), agc_status::AGC_OK);
        agc_string_free(id);
        assert_eq!(server.phased(APP), None);

        server.set_app_versions(APP, "com.example.listing", None, None);
        let bundle = CString::new("com.example.listing").unwrap();
        assert_eq!(agc_app_id_for_bundle(c, bundle.as_ptr(), None, none, &mut id), agc_status::AGC_OK);
        assert_eq!(s(id), APP);
        agc_string_free(id);
        let nothing = CString::new("com.example.nothing").unwrap();
        assert_eq!(
            agc_app_id_for_bundle(c, nothing.as_ptr(), None, none, &mut id),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(id.is_null() && last_error().contains("no HarmonyOS app"), "{}", last_error());
        agc_client_free(c);
    }
}

#[test]
fn every_phased_action_maps_to_the_librarys() {
    use agc_phased_action::*;
    let pairs = [
        (PhasedAction::Pause, AGC_PHASED_PAUSE),
        (PhasedAction::Resume, AGC_PHASED_RESUME),
        (PhasedAction::Full, AGC_PHASED_FULL),
        (PhasedAction::Step(4), AGC_PHASED_STEP),
    ];
    for (n, (core, c)) in pairs.into_iter().enumerate() {
        assert_eq!(agc_phased_action::from(core), c);
        assert_eq!(c as usize, n + 1, "the numbers are the ABI");
    }
}
