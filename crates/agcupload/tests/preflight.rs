//! The preflight: before an upload that will be bound, the package is checked
//! against what AGC holds, and each refusal happens before any upload-url request (the mock's
//! request log shows none). Fixtures are signed `.app` files built here (tests/common/app.rs).

mod common;

use std::time::Duration;

use agc_mock::{AppIdListShape, AppPreflight, Endpoint, MockServer};
use agcupload::{
    Client, Error, NoProgress, PackageKind, ReleaseRequest, ReleaseStep, ReleaseTarget, Status, SubmitOptions,
    UploadRequest,
};
use common::app::{signed_app, BUNDLE, VERSION_CODE};
use common::*;

const APP: &str = "1234567";

fn client(server: &MockServer) -> Client {
    let mut c = client_for(server);
    c.set_poll_interval(Duration::from_millis(10), Duration::from_millis(40)).unwrap();
    c
}

fn package(dir: &TempDir, name: &str, bundle: &str, code: u64) -> std::path::PathBuf {
    dir.write(name, &signed_app(bundle, code, "app", 20_000))
}

/// No request asked for an upload URL, sent a body to the upload host, or bound anything.
fn nothing_sent(server: &MockServer) {
    let log = server.requests();
    for kind in [Endpoint::UploadUrl, Endpoint::Upload, Endpoint::Multipart, Endpoint::Bind] {
        assert!(!log.iter().any(|r| r.kind == kind), "a {kind:?} request was sent: {log:#?}");
    }
    assert!(server.objects().is_empty());
}

fn refusal(e: Error) -> String {
    assert_eq!(e.status(), Status::Preflight, "{e}");
    e.to_string()
}

#[test]
fn a_good_package_passes_and_is_published() {
    let server = mock();
    server.set_app_versions(APP, BUNDLE, Some(1_000_011), Some(1_000_011));
    server.set_release_state(APP, 0, None);
    let c = client(&server);
    let dir = TempDir::new("pf-good");
    let p = dir.app("good.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let report = c.preflight(&req, &mut NoProgress).unwrap().unwrap();
    assert_eq!(report.package.bundle_name, BUNDLE);
    assert_eq!(report.app_ids.as_deref(), Some(&[APP.to_string()][..]));
    assert_eq!(report.live_version_code, Some(1_000_011));
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    // The preflight alone sent no upload.
    nothing_sent(&server);
    let published = c.publish(&req, Duration::from_secs(10), &mut NoProgress).unwrap();
    assert_eq!(server.objects().len(), 1);
    assert!(published.upload.notes.is_empty());
    // The reads came before the upload URL.
    let log = server.requests();
    let pos = |k: Endpoint| log.iter().position(|r| r.kind == k).unwrap();
    assert!(pos(Endpoint::AppIdList) < pos(Endpoint::UploadUrl));
    let list = &log[pos(Endpoint::AppIdList)];
    assert_eq!(
        list.query,
        vec![("packageName".to_string(), BUNDLE.to_string()), ("packageTypes".to_string(), "7".to_string())]
    );
}

/// The one appid-list request of a run, as the mock logged it.
fn appid_list_query(server: &MockServer) -> Vec<(String, String)> {
    let log = server.requests();
    let lists: Vec<_> = log.iter().filter(|r| r.kind == Endpoint::AppIdList).collect();
    assert_eq!(lists.len(), 1, "{log:#?}");
    lists[0].query.clone()
}

#[test]
fn an_android_app_sharing_the_bundle_name_is_not_taken_for_this_one() {
    let server = mock();
    // The Android app holds the bundle name; the HarmonyOS app APP has no package yet.
    server.set_app_preflight(
        "7654321",
        AppPreflight { package_name: Some(BUNDLE.into()), android: true, ..Default::default() },
    );
    let c = client(&server);
    let dir = TempDir::new("pf-android");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let report = c.check(&req, &mut NoProgress).unwrap().preflight.unwrap();
    assert_eq!(report.app_ids.as_deref(), Some(&[][..]), "the Android app's id was taken");
    assert!(report.notes.iter().any(|n| n.contains("not bound to any app") && n.contains("for good")), "{report:?}");
    assert!(appid_list_query(&server).contains(&("packageTypes".to_string(), "7".to_string())));
    // Once APP holds the name too, it is found among the HarmonyOS apps alone.
    server.set_app_versions(APP, BUNDLE, Some(1_000_011), Some(1_000_011));
    let report = c.preflight(&req, &mut NoProgress).unwrap().unwrap();
    assert_eq!(report.app_ids.as_deref(), Some(&[APP.to_string()][..]));
    nothing_sent(&server);
}

#[test]
fn agcs_no_app_of_this_type_means_not_bound_yet() {
    let server = mock();
    let c = client(&server);
    let dir = TempDir::new("pf-721");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let published = c.publish(&req, Duration::from_secs(10), &mut NoProgress).unwrap();
    assert!(published.upload.notes.iter().any(|n| n.contains("not bound to any app") && n.contains("for good")));
    // The mock answers 204144721 only to the filtered look-up, the one the client must send.
    assert!(appid_list_query(&server).contains(&("packageTypes".to_string(), "7".to_string())));
    assert_eq!(server.objects().len(), 1);
}

#[test]
fn an_app_with_a_version_under_another_bundle_name_is_refused_before_sending() {
    let other = "com.example.other";
    // (what app-info shows of the existing version, the words naming it)
    let cases: [(AppPreflight, i64, &str); 4] = [
        (
            AppPreflight {
                on_shelf_version_code: Some(1_000_013),
                on_shelf_version_number: Some("1.0.13".into()),
                ..Default::default()
            },
            0,
            "versionCode 1000013, version 1.0.13, live",
        ),
        (AppPreflight { on_shelf_version_id: Some("6001".into()), ..Default::default() }, 2, "version id 6001, live"),
        (AppPreflight { version_code: Some(5), ..Default::default() }, 7, "versionCode 5, in the draft or in review"),
        (
            AppPreflight { version_id: Some("v-9".into()), ..Default::default() },
            3,
            "version id v-9, in the draft or in review",
        ),
    ];
    for (view, state, words) in cases {
        let server = mock();
        server.set_app_preflight(APP, AppPreflight { package_name: Some(other.into()), ..view });
        server.set_release_state(APP, state, None);
        let c = client(&server);
        let dir = TempDir::new("pf-existing");
        let p = dir.app("a.app", 20_000);
        let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
        let m = refusal(c.check(&req, &mut NoProgress).unwrap_err());
        assert!(m.contains(&format!("bundle name {BUNDLE} is bound to no HarmonyOS app")), "{m}");
        assert!(m.contains(&format!("app {APP} already has a version ({words})")), "{m}");
        assert!(m.contains("Check the app id"), "{m}");
        let m = refusal(c.publish(&req, Duration::from_secs(5), &mut NoProgress).unwrap_err());
        assert!(m.contains("already has a version"), "{m}");
        nothing_sent(&server);
    }
    // A draft's version id alone is not a version: a new app's first package passes.
    let server = mock();
    server.set_app_preflight(APP, AppPreflight { version_id: Some("v-1".into()), ..Default::default() });
    let c = client(&server);
    let dir = TempDir::new("pf-draft-id");
    let p = dir.app("a.app", 20_000);
    let report = c.check(&UploadRequest::new(APP, &p, PackageKind::HarmonyApp), &mut NoProgress).unwrap();
    assert!(report.preflight.unwrap().notes.iter().any(|n| n.contains("for good")));
}

#[test]
fn a_version_code_not_higher_than_the_live_one_is_refused() {
    let server = mock();
    server.set_app_versions(APP, BUNDLE, Some(1_000_013), Some(1_000_013));
    server.set_release_state(APP, 0, None);
    let c = client(&server);
    let dir = TempDir::new("pf-live");
    for code in [1_000_012, 1_000_013] {
        let p = package(&dir, &format!("v{code}.app"), BUNDLE, code);
        let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
        let m = refusal(c.publish(&req, Duration::from_secs(5), &mut NoProgress).unwrap_err());
        assert!(m.contains(&format!("versionCode {code} of {BUNDLE} is not higher than 1000013 (1.0.13)")), "{m}");
        assert!(m.contains("live") && m.contains("2025-03-01 10:00:00"), "{m}");
    }
    nothing_sent(&server);
}

#[test]
fn a_version_code_not_higher_than_the_one_approved_is_refused_for_a_test_release_too() {
    let server = mock();
    server.set_app_versions(APP, BUNDLE, Some(1_000_020), Some(1_000_001));
    server.set_release_state(APP, 3, None);
    let c = client(&server);
    let dir = TempDir::new("pf-review");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let m = refusal(c.check(&req, &mut NoProgress).unwrap_err());
    assert!(
        m.contains("not higher than 1000020, the version approved, to be released in AGC (release state 3)"),
        "{m}"
    );
    let test = agcupload::TestRelease::new(agcupload::TestType::Open, "beta");
    let road = ReleaseRequest::new(req.clone(), ReleaseTarget::Test(test));
    let e = c.release(&road, &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::Preflight);
    refusal(e.error);
    nothing_sent(&server);
}

#[test]
fn a_draft_in_review_cannot_be_edited() {
    let dir = TempDir::new("pf-inreview");
    for state in [4, 5, 12] {
        let server = mock();
        server.set_app_versions(APP, BUNDLE, Some(1_000_011), None);
        server.set_release_state(APP, state, None);
        let c = client(&server);
        let p = dir.app(&format!("r{state}.app"), 20_000);
        let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
        let road = ReleaseRequest::new(req, ReleaseTarget::Review(SubmitOptions::default()));
        let e = c.release(&road, &mut NoProgress).unwrap_err();
        assert_eq!(e.step, ReleaseStep::Preflight);
        let m = refusal(e.error);
        assert!(m.contains(&format!("app {APP} is in review (release state {state}")), "{m}");
        assert!(m.contains("versionCode 1000011"), "{m}");
        assert!(e.done.object_id.is_none());
        nothing_sent(&server);
    }
}

#[test]
fn a_full_draft_is_refused_with_agcs_code() {
    let server = mock();
    server.set_app_preflight(APP, AppPreflight { draft_full: true, ..Default::default() });
    let c = client(&server);
    let dir = TempDir::new("pf-full");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let m = refusal(c.publish(&req, Duration::from_secs(5), &mut NoProgress).unwrap_err());
    assert!(m.contains("204144662") && m.contains("most packages"), "{m}");
    nothing_sent(&server);
}

#[test]
fn a_package_of_another_app_is_refused_in_both_answer_shapes() {
    for shape in [AppIdListShape::AppIds, AppIdListShape::AppIdList] {
        let server = mock();
        server.set_appid_list_shape(shape);
        server.set_app_versions("7654321", BUNDLE, None, Some(5));
        let c = client(&server);
        let dir = TempDir::new("pf-other");
        let p = dir.app("a.app", 20_000);
        let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
        let m = refusal(c.publish(&req, Duration::from_secs(5), &mut NoProgress).unwrap_err());
        assert!(m.contains(&format!("bundle name {BUNDLE} is bound in AGC to app 7654321, not to app {APP}")), "{m}");
        nothing_sent(&server);
    }
    // app-info names another bundle name (no documented model carries it, but it is read if sent).
    let server = mock();
    server.set_app_preflight(
        APP,
        AppPreflight {
            package_name: Some("com.example.other".into()),
            app_info_package_name: true,
            ..Default::default()
        },
    );
    let c = client(&server);
    let dir = TempDir::new("pf-otherb");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let m = refusal(c.check(&req, &mut NoProgress).unwrap_err());
    assert!(m.contains(&format!("app {APP} is bound in AGC to bundle name com.example.other")), "{m}");
    nothing_sent(&server);
}

#[test]
fn a_new_app_passes_with_a_note_that_the_bundle_name_binds_for_good() {
    let server = mock();
    let c = client(&server);
    let dir = TempDir::new("pf-new");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let published = c.publish(&req, Duration::from_secs(10), &mut NoProgress).unwrap();
    assert!(published.upload.notes.iter().any(|n| n.contains("not bound to any app") && n.contains("for good")));
}

#[test]
fn a_refusal_for_lack_of_rights_is_a_warning() {
    let server = mock();
    server.set_app_preflight(
        APP,
        AppPreflight {
            package_name: Some(BUNDLE.into()),
            deny_app_info: true,
            deny_appid_list: true,
            ..Default::default()
        },
    );
    let c = client(&server);
    let dir = TempDir::new("pf-rights");
    let p = dir.app("a.app", 20_000);
    let req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    let published = c.publish(&req, Duration::from_secs(10), &mut NoProgress).unwrap();
    let notes = &published.upload.notes;
    assert_eq!(notes.iter().filter(|n| n.starts_with("warning:") && n.contains("lack of rights")).count(), 2);
    assert_eq!(server.objects().len(), 1);
    // The check reports them too, and the road carries them.
    let checked = c.check(&req, &mut NoProgress).unwrap().preflight.unwrap();
    assert_eq!(checked.app_ids, None);
    assert_eq!(checked.notes.len(), 2);
}

#[test]
fn no_preflight_skips_it() {
    let server = mock();
    server.set_app_versions(APP, BUNDLE, Some(1_000_013), Some(1_000_013));
    server.set_release_state(APP, 4, None);
    let c = client(&server);
    let dir = TempDir::new("pf-off");
    let p = dir.app("a.app", 20_000);
    let mut req = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    req.preflight = false;
    let checked = c.check(&req, &mut NoProgress).unwrap();
    assert!(checked.preflight.is_none());
    c.publish(&req, Duration::from_secs(10), &mut NoProgress).unwrap();
    let log = server.requests();
    assert!(!log.iter().any(|r| r.kind == Endpoint::AppIdList), "no appid-list read without the preflight");
    assert_eq!(server.objects().len(), 1);
    // A fake package (no pack.info) is refused by the preflight as FILE_TYPE, before any request.
    let fake = dir.fake_app("fake.app", 5000);
    let server = mock();
    let c = client(&server);
    let e =
        c.publish(&UploadRequest::new(APP, &fake, PackageKind::HarmonyApp), Duration::from_secs(5), &mut NoProgress);
    assert_eq!(e.unwrap_err().status(), Status::FileType);
    assert!(server.requests().is_empty());
}

#[test]
fn hostile_server_text_is_bounded_and_cleaned_in_refusals() {
    let server = mock();
    let hostile = format!("com.evil\u{1b}[31m\n::error::x{}", "y".repeat(5000));
    server.set_app_preflight(
        APP,
        AppPreflight { package_name: Some(hostile), app_info_package_name: true, ..Default::default() },
    );
    let c = client(&server);
    let dir = TempDir::new("pf-hostile");
    let p = dir.app("a.app", 20_000);
    let m = refusal(c.check(&UploadRequest::new(APP, &p, PackageKind::HarmonyApp), &mut NoProgress).unwrap_err());
    assert!(!m.chars().any(char::is_control), "{m:?}");
    assert!(m.len() < 1000, "{} bytes", m.len());
    assert!(!m.contains(&server.client_secret()));
}

#[test]
fn an_atomic_service_declared_as_an_app_is_refused_before_any_request() {
    let server = mock();
    let c = client(&server);
    let dir = TempDir::new("pf-kind");
    let p = dir.write("svc.app", &signed_app(BUNDLE, VERSION_CODE, "atomicService", 20_000));
    let e = c.check(&UploadRequest::new(APP, &p, PackageKind::HarmonyApp), &mut NoProgress).unwrap_err();
    assert_eq!(e.status(), Status::FileType);
    assert!(server.requests().iter().all(|r| r.kind == Endpoint::Token), "only the token call");
}
