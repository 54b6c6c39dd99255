//! The release road against the mock: release notes, submit for review (waiting out "still
//! processing"), scheduled and phased releases, the release state, HarmonyOS test releases,
//! and the one-call road keeping its ids on failure.

mod common;

use std::time::Duration;

use agc_mock::{Endpoint, Fault, MockConfig, MockServer};
use agcupload::{
    Client, Error, NoProgress, PackageKind, Phase, ReleaseIds, ReleaseNote, ReleasePaths, ReleasePhase, ReleaseRequest,
    ReleaseState, ReleaseStep, ReleaseTarget, SubmitOptions, TestRelease, TestType, UploadRequest,
};
use common::*;
use serde_json::json;

const APP: &str = "6917000001";

fn server(polls_until_ready: u32) -> MockServer {
    mock_with(MockConfig { polls_until_ready, ..Default::default() })
}

fn client(server: &MockServer) -> Client {
    let mut c = client_for(server);
    c.set_poll_interval(Duration::from_millis(10), Duration::from_millis(40)).unwrap();
    c
}

/// Upload and bind a package without waiting for parsing; returns the package id.
fn bound_package(c: &Client, dir: &TempDir) -> String {
    let p = dir.app("app.app", 50_000);
    let up = c.upload_file(APP, &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    c.bind_package(APP, &up, &mut NoProgress).unwrap()
}

fn calls_to(server: &MockServer, path: &str) -> usize {
    server.release_calls().iter().filter(|c| c.path == path).count()
}

const SUBMIT: &str = "/api/publish/v3/app-submit";
const LANG: &str = "/api/publish/v3/app-language-info";

#[test]
fn notes_are_set_per_language_and_over_long_notes_are_refused_locally() {
    let s = server(0);
    let c = client(&s);
    let notes = [ReleaseNote::new("en-US", "Faster start."), ReleaseNote::new("zh-CN", "启动更快。".repeat(100))];
    let mut rec = Recorder::default();
    c.set_release_notes(APP, &notes, &mut rec).unwrap();
    let stored = s.release_notes(APP);
    assert_eq!(stored.get("en-US").map(String::as_str), Some("Faster start."));
    assert_eq!(stored.get("zh-CN").map(|t| t.chars().count()), Some(500));
    assert_eq!(rec.of(Phase::SettingNotes), vec![0, 1, 2]);
    let bodies: Vec<_> = s.release_calls().into_iter().map(|c| (c.method, c.body)).collect();
    assert_eq!(bodies[0], ("PUT".to_string(), json!({"lang": "en-US", "newFeatures": "Faster start."})));

    s.clear_requests();
    let long = ReleaseNote::new("zh-CN", "x".repeat(501));
    let e = c.set_release_notes(APP, &[ReleaseNote::new("en-US", "ok"), long], &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("zh-CN") && m.contains("501")), "{e}");
    assert_eq!(calls_to(&s, LANG), 2, "nothing was sent for the refused batch");
    assert!(s.requests().is_empty());
}

#[test]
fn a_language_the_app_lacks_is_refused_by_agc_and_named() {
    let s = server(0);
    s.set_languages(APP, &["en-US"]);
    let c = client(&s);
    let e = c.set_release_note(APP, &ReleaseNote::new("zh-CN", "新功能"), &mut NoProgress).unwrap_err();
    match e {
        Error::Api { code, ref message } => {
            assert_eq!(code, 204144641);
            assert!(message.contains("zh-CN") && message.contains("does not exist"), "{message}");
        }
        other => panic!("{other}"),
    }
    assert!(s.release_notes(APP).is_empty());
}

#[test]
fn submit_waits_out_still_processing_then_a_second_submit_is_refused() {
    let s = server(2);
    let c = client(&s);
    let dir = TempDir::new("rel-wait");
    bound_package(&c, &dir);
    // Three refusals while parsing (204144660), then one "still compiling" (204144727).
    s.set_fault(Fault::SubmitStillProcessing(1));
    let mut rec = Recorder::default();
    c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut rec).unwrap();
    assert_eq!(calls_to(&s, SUBMIT), 5);
    assert!(rec.of(Phase::Submitting).len() >= 5);
    assert!(rec.of(Phase::Submitting).windows(2).all(|w| w[0] <= w[1]), "elapsed only grows");
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::InReview);

    // In review: refused at once, with AGC's message.
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { code: 204144726, ref message } if message.contains("under review")), "{e}");
    assert_eq!(calls_to(&s, SUBMIT), 6);
}

#[test]
fn a_reused_code_with_another_message_is_an_api_error_at_once() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-reused");
    bound_package(&c, &dir);
    s.set_fault(Fault::ReleaseCodeOnce(204144719, "invalid parameter: remark has forbidden words".into()));
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { code: 204144719, ref message } if message.contains("forbidden")), "{e}");
    assert_eq!(calls_to(&s, SUBMIT), 1, "not retried, though 204144719 is a transient upload code");
}

#[test]
fn still_processing_past_the_deadline_is_a_timeout_and_cancel_stops_the_wait() {
    let s = server(1000);
    let c = client(&s);
    let dir = TempDir::new("rel-deadline");
    bound_package(&c, &dir);
    let e =
        c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_millis(300), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Timeout(ref m) if m.contains("being processed")), "{e}");
    let mut rec = Recorder { cancel_at: Some((Phase::Submitting, 1)), ..Default::default() };
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(600), &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
}

#[test]
fn scheduled_and_phased_submits_send_exactly_the_documented_fields() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-fields");
    let p = dir.app("app.app", 10_000);
    let options = SubmitOptions {
        release_type: None,
        phase: Some(ReleasePhase::Phased { description: "1% first, then everyone".into() }),
        release_time: Some("2031-05-06T07:08:09Z".into()),
        remark: Some("Please test the login flow.".into()),
        ..Default::default()
    };
    let req = ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Review(options));
    c.release(&req, &mut NoProgress).unwrap();
    assert_eq!(
        s.last_submit(APP).unwrap(),
        json!({
            "releasePhase": 3,
            "phasedReleaseDescription": "1% first, then everyone",
            "releaseTime": "2031-05-06T07:08:09+0000",
            "remark": "Please test the login flow."
        })
    );
    // A full, immediate release sends its phase and nothing else; defaults send nothing.
    for (app, phase, want) in
        [("app-full", Some(ReleasePhase::Full), json!({"releasePhase": 0})), ("app-none", None, json!({}))]
    {
        let o = SubmitOptions { phase, ..Default::default() };
        let req = ReleaseRequest::new(UploadRequest::new(app, &p, PackageKind::HarmonyApp), ReleaseTarget::Review(o));
        c.release(&req, &mut NoProgress).unwrap();
        assert_eq!(s.last_submit(app).unwrap(), want);
    }
    // Bad values never reach AGC.
    let n = s.release_calls().len();
    for bad in [
        SubmitOptions { release_time: Some("2031-05-06 07:08:09".into()), ..Default::default() },
        SubmitOptions { phase: Some(ReleasePhase::Phased { description: String::new() }), ..Default::default() },
        SubmitOptions { remark: Some("short".into()), ..Default::default() },
    ] {
        let e = c.submit_for_review(APP, &bad, Duration::from_secs(5), &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
    }
    assert_eq!(s.release_calls().len(), n);
}

#[test]
fn the_whole_road_with_notes_in_two_languages_reports_every_phase() {
    let s = server(2);
    let c = client(&s);
    let dir = TempDir::new("rel-road");
    let p = dir.app("road.app", 300_000);
    let mut req = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Review(SubmitOptions::default()),
    );
    req.notes = vec![ReleaseNote::new("en-US", "Dark mode."), ReleaseNote::new("zh-CN", "深色模式。")];
    let mut rec = Recorder::default();
    let ids = c.release(&req, &mut rec).unwrap();
    let object = ids.object_id.clone().unwrap();
    assert_eq!(s.object(&object).unwrap().bytes.unwrap(), read(&p));
    assert!(ids.package_id.is_some() && ids.version_id.is_none());
    assert_eq!(ids.file_name.as_deref(), Some("road.app"));
    assert_eq!(s.release_notes(APP).len(), 2);
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::InReview);
    let mut order: Vec<Phase> = Vec::new();
    for (ph, _, _) in &rec.events {
        if order.last() != Some(ph) {
            order.push(*ph);
        }
    }
    let want = [
        Phase::Hashing,
        Phase::Uploading,
        Phase::Done,
        Phase::Binding,
        Phase::Waiting,
        Phase::SettingNotes,
        Phase::Submitting,
    ];
    let mut at = 0;
    for w in want {
        at += order[at..]
            .iter()
            .position(|p| *p == w)
            .unwrap_or_else(|| panic!("{w:?} missing or out of order in {order:?}"));
    }
}

fn invite_test() -> TestRelease {
    let mut t = TestRelease::new(TestType::Invite, "1.2.0 beta");
    t.start_ms = Some(1_900_000_000_000);
    t.end_ms = Some(1_900_000_000_000 + 7 * 86_400_000);
    t.groups = vec!["grp-1".into(), "grp-2".into()];
    t.notify = true;
    t
}

/// A caller who asks for `releaseType` 6 gets it on the test release's upload-url; another value
/// is refused before any request.
#[test]
fn a_test_release_sends_release_type_only_when_asked() {
    let s = server(1);
    let c = client(&s);
    let dir = TempDir::new("rel-test-rt");
    let p = dir.app("beta.app", 10_000);
    let mut up = UploadRequest::new(APP, &p, PackageKind::HarmonyApp);
    up.release_type = Some(6);
    c.release(&ReleaseRequest::new(up.clone(), ReleaseTarget::Test(invite_test())), &mut NoProgress).unwrap();
    let url = s.requests().into_iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(url.query.contains(&("releaseType".to_string(), "6".to_string())), "{:?}", url.query);
    let before = s.requests().len();
    up.release_type = Some(1);
    let e = c.release(&ReleaseRequest::new(up, ReleaseTarget::Test(invite_test())), &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::Check, "{e}");
    assert_eq!(s.requests().len(), before, "nothing sent");
}

#[test]
fn a_test_release_end_to_end() {
    let s = server(1);
    let c = client(&s);
    let dir = TempDir::new("rel-test");
    let p = dir.app("beta.app", 80_000);
    let req =
        ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Test(invite_test()));
    let mut rec = Recorder::default();
    let ids = c.release(&req, &mut rec).unwrap();
    let version = ids.version_id.clone().unwrap();
    let tv = s.test_version(&version).unwrap();
    assert!(tv.submitted);
    assert_eq!(tv.package_id, ids.package_id);
    assert_eq!(tv.created, json!({"releaseType": 6, "testType": 3, "testDesc": "1.2.0 beta", "onshelfSelfDetect": 0}));
    assert_eq!(
        tv.open_test_info.unwrap(),
        json!({
            "startTime": 1_900_000_000_000u64, "endTime": 1_900_604_800_000u64, "testDesc": "1.2.0 beta",
            "testTaskInfo": {"groupInfos": [{"groupId": "grp-1"}, {"groupId": "grp-2"}], "needNotify": 1,
                             "displayArea": "1", "needShareLink": 0}
        })
    );
    // No releaseType on the upload-url unless the caller asks.
    let url = s.requests().into_iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(!url.query.iter().any(|(k, _)| k == "releaseType"), "{:?}", url.query);
    let pkg_body = &s.release_calls().into_iter().find(|c| c.path.ends_with("/test/version/pkg")).unwrap().body;
    assert_eq!(
        pkg_body,
        &json!({"distributeMode": 1, "file": {"fileName": "beta.app", "objectId": ids.object_id.unwrap()}})
    );
    for ph in [
        Phase::CreatingTestVersion,
        Phase::AddingTestPackage,
        Phase::Waiting,
        Phase::SettingTestInfo,
        Phase::SubmittingTest,
    ] {
        assert!(!rec.of(ph).is_empty(), "{ph:?} not reported");
    }
    // Submitting it again is refused.
    let e = c.submit_test_version(APP, &version, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { code: 204144726, .. }), "{e}");
}

#[test]
fn each_failure_names_its_step_and_keeps_the_ids_for_a_rerun() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-fail");
    let p = dir.app("keep.app", 20_000);
    let review = |notes: Vec<ReleaseNote>, resume: ReleaseIds| {
        let mut r = ReleaseRequest::new(
            UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
            ReleaseTarget::Review(SubmitOptions::default()),
        );
        r.notes = notes;
        r.resume = resume;
        r
    };
    // Checked before any request.
    let mut bad = review(vec![], ReleaseIds::default());
    bad.target = ReleaseTarget::Review(SubmitOptions { remark: Some("short".into()), ..Default::default() });
    let e = c.release(&bad, &mut NoProgress).unwrap_err();
    assert_eq!((e.step, e.done.clone()), (ReleaseStep::Check, ReleaseIds::default()));
    assert!(s.requests().is_empty());

    // The upload fails: nothing obtained.
    s.set_fault(Fault::ApiError(204144688, "get upload url failed".into()));
    let e = c.release(&review(vec![], ReleaseIds::default()), &mut NoProgress).unwrap_err();
    assert_eq!((e.step, e.done.object_id.clone()), (ReleaseStep::Upload, None));
    assert_eq!(e.error.status(), agcupload::Status::Api);
    s.set_fault(Fault::None);

    // Notes fail (a language the app lacks): object and package are kept.
    let e = c
        .release(&review(vec![ReleaseNote::new("fr-FR", "Nouveau")], ReleaseIds::default()), &mut NoProgress)
        .unwrap_err();
    assert_eq!(e.step, ReleaseStep::Notes);
    assert!(e.to_string().contains("notes") && e.to_string().contains("fr-FR"), "{e}");
    let kept = e.done.clone();
    assert!(kept.object_id.is_some() && kept.package_id.is_some() && kept.file_name.as_deref() == Some("keep.app"));

    // The submit fails: still kept.
    s.set_fault(Fault::ReleaseCodeOnce(204144641, "invalid parameter".into()));
    let e = c.release(&review(vec![], kept.clone()), &mut NoProgress).unwrap_err();
    assert_eq!((e.step, &e.done), (ReleaseStep::Submit, &kept));

    // The rerun continues from them: no second upload or bind.
    let uploads = s.requests().iter().filter(|r| r.kind == Endpoint::UploadUrl).count();
    let binds = s.requests().iter().filter(|r| r.kind == Endpoint::Bind).count();
    let ids = c.release(&review(vec![ReleaseNote::new("en-US", "New")], kept.clone()), &mut NoProgress).unwrap();
    assert_eq!(ids, kept);
    assert_eq!(s.requests().iter().filter(|r| r.kind == Endpoint::UploadUrl).count(), uploads);
    assert_eq!(s.requests().iter().filter(|r| r.kind == Endpoint::Bind).count(), binds);
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::InReview);

    // A resumed object alone skips the upload but binds it.
    let obj_only = ReleaseIds { object_id: kept.object_id.clone(), ..Default::default() };
    let e = c.release(&review(vec![], obj_only), &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::Submit, "in review already: {e}");
    assert_eq!(e.done.file_name.as_deref(), Some("keep.app"));
    assert!(e.done.package_id.is_some() && e.done.package_id != kept.package_id);
}

#[test]
fn a_failed_test_release_keeps_its_version_and_package() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-test-fail");
    let p = dir.app("beta.app", 20_000);
    let mut req =
        ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Test(invite_test()));
    s.set_fault(Fault::ParseFails("bad signature".into()));
    let e = c.release(&req, &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::WaitParsing);
    assert!(matches!(e.error, Error::PackageFailed(ref m) if m.contains("bad signature")));
    assert!(e.done.object_id.is_some() && e.done.package_id.is_some() && e.done.version_id.is_some());
    s.set_fault(Fault::None);
    req.resume = e.done.clone();
    let ids = c.release(&req, &mut NoProgress).unwrap();
    assert_eq!(ids, e.done);
    assert!(s.test_version(ids.version_id.as_deref().unwrap()).unwrap().submitted);
    assert_eq!(
        s.release_calls().iter().filter(|c| c.path.ends_with("/test/app/version") && c.method == "POST").count(),
        1
    );
    // Notes belong to a review, not a test release.
    req.notes = vec![ReleaseNote::new("en-US", "x")];
    assert_eq!(c.release(&req, &mut NoProgress).unwrap_err().step, ReleaseStep::Check);
}

#[test]
fn the_release_state_is_read_with_the_reviewers_opinion() {
    let s = server(0);
    let c = client(&s);
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!((st.state, st.release_state, st.audit_opinion), (ReleaseState::Draft, Some(7), None));
    s.set_release_state(APP, 8, Some("The app crashes on start."));
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!(st.state, ReleaseState::Rejected);
    assert_eq!(st.audit_opinion.as_deref(), Some("The app crashes on start."));
    s.set_release_state(APP, 0, None);
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::Released);
    s.set_release_state(APP, 9, None);
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!((st.state, st.release_state), (ReleaseState::Other, Some(9)));
}

#[test]
fn every_release_state_0_to_13_is_read_as_apkgo_and_easy_publisher_map_it() {
    let s = server(0);
    let c = client(&s);
    use ReleaseState::*;
    let want = [
        Released, Rejected, Offline, Approved, InReview, InReview, Offline, Draft, Rejected, Other, Offline, Offline,
        InReview, Rejected,
    ];
    for (code, state) in want.iter().enumerate() {
        s.set_release_state(APP, code as i64, None);
        let st = c.release_state(APP, &mut NoProgress).unwrap();
        assert_eq!((st.state, st.release_state), (*state, Some(code as i64)), "releaseState {code}");
    }
    assert_eq!(
        [Draft, InReview, Rejected, Released, Approved, Offline, Other].map(ReleaseState::name),
        ["draft", "in-review", "rejected", "released", "approved", "offline", "other"]
    );
    // reviewState is passed through when AGC sends it.
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().review_state, None);
    s.set_review_state(APP, Some(2));
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().review_state, Some(2));
}

#[test]
fn a_submit_refused_with_503_while_already_in_review_is_not_reported_as_submitted() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-503");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    for before in [4, 7] {
        s.set_release_state(APP, before, None);
        s.set_fault(Fault::Submit503Always);
        let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress);
        assert!(matches!(e, Err(Error::Http { status: 503, .. })), "state {before} before: {e:?}");
        s.set_fault(Fault::None);
    }
    assert_eq!(s.last_submit(APP), None, "AGC never took a submit");
}

#[test]
fn a_lost_submit_is_inferred_from_a_change_to_pre_review_12_then_4() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-prereview");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    s.set_pre_review_reads(APP, 2);
    s.set_fault(Fault::SubmitAnswerLostOnce);
    c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap();
    assert_eq!(calls_to(&s, SUBMIT), 1, "pre-review (12) counts as landed: no second submit");
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!((st.state, st.release_state), (ReleaseState::InReview, Some(12)), "the second read after the submit");
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!((st.state, st.release_state), (ReleaseState::InReview, Some(4)), "12 became 4 after two reads");
    // A second submit is refused while the app is in pre-review or review.
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress);
    assert!(matches!(e, Err(Error::Api { code: 204144726, .. })), "{e:?}");
}

#[test]
fn extra_submit_fields_are_sent_and_modelled_ones_refused() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-extra");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    s.set_fault(Fault::SubmitNeedsRegisteredId);
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress);
    assert!(
        matches!(e, Err(Error::Api { code: 204144660, ref message }) if message.contains("can not be null")),
        "{e:?}"
    );
    assert_eq!(calls_to(&s, SUBMIT), 1, "a refusal without still-processing words is not retried");
    let mut o = SubmitOptions::default();
    o.extra.insert("registeredIdType".into(), json!(1));
    o.extra.insert("registeredIdNumber".into(), json!("91110000MA00000000"));
    c.submit_for_review(APP, &o, Duration::from_secs(60), &mut NoProgress).unwrap();
    assert_eq!(s.last_submit(APP), Some(json!({"registeredIdType": 1, "registeredIdNumber": "91110000MA00000000"})));
    s.set_fault(Fault::None);
    let sent = s.requests().len();
    for key in ["remark", "releaseTime", "bad key", ""] {
        let mut o = SubmitOptions::default();
        o.extra.insert(key.into(), json!(1));
        let e = c.submit_for_review(APP, &o, Duration::from_secs(60), &mut NoProgress).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{key}: {e}");
    }
    assert_eq!(s.requests().len(), sent, "refused before any request");
    assert!(agcupload::parse_submit_field("registeredIdType", "not json").is_err());
}

#[test]
fn parse_minutes_and_fen_zhong_mean_still_processing() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-words");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    for (code, msg) in
        [(204144660, "package parse in progress"), (204144727, "please wait 3-5 minutes"), (204144727, "请5分钟后提交")]
    {
        s.set_release_state(APP, 7, None);
        s.set_fault(Fault::ReleaseCodeOnce(code, msg.into()));
        c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress)
            .unwrap_or_else(|e| panic!("{msg}: {e}"));
    }
}

#[test]
fn common_refusals_carry_advice() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-advice");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    let limit = "[cds]add apk failed, additional msg is [the app's packages exceeds the upper limit.]";
    s.set_fault(Fault::ReleaseCodeOnce(204144662, limit.into()));
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap_err();
    assert!(e.to_string().contains("upper limit") && e.to_string().contains("delete the unused packages"), "{e}");
    s.set_fault(Fault::ReleaseCodeOnce(204144647, "the app can't be edited".into()));
    let e = c.set_release_note(APP, &ReleaseNote::new("en-US", "x"), &mut NoProgress).unwrap_err();
    assert!(e.to_string().contains("in review") && e.to_string().contains("en-US"), "{e}");
    s.set_fault(Fault::SubmitStillProcessing(1000));
    let e = c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_millis(200), &mut NoProgress);
    assert!(matches!(e, Err(Error::Timeout(_))), "{e:?}");
    assert!(agcupload::internal::advice(204144727, "still compiling").is_some());
}

#[test]
fn notes_count_utf16_units_and_carry_listing_texts_for_a_new_language() {
    let s = server(0);
    let c = client(&s);
    let e = c.set_release_note(APP, &ReleaseNote::new("en-US", "😀".repeat(500)), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("1000") && m.contains("UTF-16")), "{e}");
    assert!(s.requests().is_empty());
    c.set_release_note(APP, &ReleaseNote::new("en-US", "😀".repeat(250)), &mut NoProgress).unwrap();
    let e = c.set_release_note(APP, &ReleaseNote::new("en-US", "\u{feff}\u{200b} \u{2060}"), &mut NoProgress);
    assert!(matches!(e, Err(Error::InvalidArgument(ref m)) if m.contains("empty")), "{e:?}");

    s.set_fault(Fault::NewLanguageNeedsAppName);
    let e = c.set_release_note(APP, &ReleaseNote::new("fr-FR", "Nouveau"), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { ref message, .. } if message.contains("appName is necessary")), "{e}");
    let note = ReleaseNote {
        app_name: Some("Mon appli".into()),
        brief_info: Some("Rapide".into()),
        app_desc: Some("Une appli.".into()),
        ..ReleaseNote::new("fr-FR", "Nouveau")
    };
    c.set_release_note(APP, &note, &mut NoProgress).unwrap();
    let body = s.release_calls().last().unwrap().body.clone();
    assert_eq!(
        body,
        json!({"lang": "fr-FR", "newFeatures": "Nouveau", "appName": "Mon appli", "briefInfo": "Rapide", "appDesc": "Une appli."})
    );
    assert_eq!(s.release_notes(APP).get("fr-FR").map(String::as_str), Some("Nouveau"));
    for bad in [
        ReleaseNote { app_name: Some("n".repeat(65)), ..ReleaseNote::new("de-DE", "x") },
        ReleaseNote { brief_info: Some("b".repeat(81)), ..ReleaseNote::new("de-DE", "x") },
        ReleaseNote { app_desc: Some("d".repeat(8001)), ..ReleaseNote::new("de-DE", "x") },
        ReleaseNote { app_name: Some("\u{200b}".into()), ..ReleaseNote::new("de-DE", "x") },
    ] {
        assert!(matches!(c.set_release_note(APP, &bad, &mut NoProgress), Err(Error::InvalidArgument(_))), "{bad:?}");
    }
}

#[test]
fn an_open_test_sends_test_task_info_and_distribute_mode_2_reaches_agc() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-open");
    let p = dir.app("open.app", 20_000);
    let mut t = TestRelease::new(TestType::Open, "open beta");
    t.distribute_mode = 2;
    let req = ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Test(t));
    let ids = c.release(&req, &mut NoProgress).unwrap();
    let info = s.test_version(ids.version_id.as_deref().unwrap()).unwrap().open_test_info.unwrap();
    assert_eq!(info["testTaskInfo"], json!({"displayArea": "1", "needShareLink": 0, "needNotify": 0}));
    let pkg_body = &s.release_calls().into_iter().find(|c| c.path.ends_with("/test/version/pkg")).unwrap().body;
    assert_eq!(pkg_body["distributeMode"], 2);
}

#[test]
fn test_windows_over_90_days_or_ending_first_and_other_distribute_modes_are_refused_before_any_request() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-window");
    let p = dir.app("w.app", 20_000);
    let day = 86_400_000;
    let mut long = invite_test();
    long.end_ms = Some(long.start_ms.unwrap() + 91 * day);
    let mut backwards = invite_test();
    backwards.end_ms = backwards.start_ms;
    let mut past = invite_test();
    (past.start_ms, past.end_ms) = (None, Some(1_000));
    let mut mode = invite_test();
    mode.distribute_mode = 3;
    for t in [long, backwards, past, mode] {
        let req =
            ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Test(t.clone()));
        let e = c.release(&req, &mut NoProgress).unwrap_err();
        assert_eq!(e.step, ReleaseStep::Check, "{t:?}: {e}");
    }
    assert!(s.requests().is_empty());
    let mut ninety = invite_test();
    ninety.end_ms = Some(ninety.start_ms.unwrap() + 90 * day);
    let req = ReleaseRequest::new(UploadRequest::new(APP, &p, PackageKind::HarmonyApp), ReleaseTarget::Test(ninety));
    c.release(&req, &mut NoProgress).unwrap();
}

#[test]
fn release_paths_are_configurable() {
    let s = server(0);
    let mut c = client(&s);
    assert!(c.set_release_paths(ReleasePaths { app_info: "no-slash".into(), ..Default::default() }).is_err());
    c.set_release_paths(ReleasePaths { app_info: "/api/publish/v9/app-info".into(), ..Default::default() }).unwrap();
    let e = c.release_state(APP, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Http { status: 404, .. }), "{e}");
    assert!(s.requests().iter().any(|r| r.path == "/api/publish/v9/app-info"));
}

#[test]
fn a_submit_whose_answer_was_lost_is_not_reported_as_already_in_review() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-lost");
    let pkg = bound_package(&c, &dir);
    c.wait_package_ready(APP, &pkg, Duration::from_secs(30), &mut NoProgress).unwrap();
    s.set_fault(Fault::SubmitAnswerLostOnce);
    c.submit_for_review(APP, &SubmitOptions::default(), Duration::from_secs(60), &mut NoProgress).unwrap();
    assert_eq!(calls_to(&s, SUBMIT), 1, "the retry read the state instead of submitting again");
    assert_eq!(calls_to(&s, "/api/publish/v3/app-info"), 2, "once before the first attempt, once after the loss");
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::InReview);
}

#[test]
fn the_road_reports_the_uploaded_sha256_and_size_and_none_after_a_resume_past_the_upload() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-digest");
    let p = dir.app("digest.app", 30_001);
    let want_sha = sha256_hex(&read(&p));
    let review = |resume: ReleaseIds| {
        let mut r = ReleaseRequest::new(
            UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
            ReleaseTarget::Review(SubmitOptions::default()),
        );
        r.resume = resume;
        r
    };
    // A failure after the upload keeps what it produced.
    s.set_fault(Fault::ParseFails("bad signature".into()));
    let e = c.release(&review(ReleaseIds::default()), &mut NoProgress).unwrap_err();
    assert_eq!(e.step, ReleaseStep::WaitParsing);
    assert_eq!((e.done.sha256_hex.as_deref(), e.done.size), (Some(want_sha.as_str()), Some(30_001)));
    let stored = s.object(e.done.object_id.as_deref().unwrap()).unwrap();
    assert_eq!((stored.sha256_hex.as_str(), stored.size), (want_sha.as_str(), 30_001));
    s.set_fault(Fault::None);

    // Resumed past the upload from the bare ids: unknown, not invented.
    let bare = ReleaseIds { sha256_hex: None, size: None, ..e.done.clone() };
    let ids = c.release(&review(bare.clone()), &mut NoProgress).unwrap();
    assert_eq!(ids, bare);
    assert_eq!((ids.sha256_hex, ids.size), (None, None));

    // Resumed from everything the failure kept: carried through.
    let e2 = c.release(&review(e.done.clone()), &mut NoProgress).unwrap_err();
    assert_eq!(e2.step, ReleaseStep::Submit, "in review already: {e2}");
    assert_eq!(e2.done, e.done);

    // A resumed SHA-256 that is not one is refused before any request.
    s.clear_requests();
    for bad in ["abc", &want_sha.to_uppercase(), &format!("{}g", &want_sha[1..])] {
        let e = c.release(&review(ReleaseIds { sha256_hex: Some(bad.to_string()), ..e.done.clone() }), &mut NoProgress);
        let e = e.unwrap_err();
        assert_eq!(e.step, ReleaseStep::Check);
        assert!(matches!(e.error, Error::InvalidArgument(ref m) if m.contains("SHA-256")), "{}", e.error);
    }
    assert!(s.requests().is_empty());
}

#[test]
fn an_over_long_version_or_package_id_is_refused_at_check_before_any_request() {
    // A 300-character version id passed the road's check (1024) and was
    // refused only after the upload and the add-package (256); the package id had the same gap.
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-ids");
    let p = dir.app("ids.app", 20_000);
    s.clear_requests();
    let (long_version, long_package) = ("v".repeat(300), "p".repeat(300));
    let with_version = ReleaseIds { version_id: Some(long_version.clone()), ..Default::default() };
    let with_package = ReleaseIds { package_id: Some(long_package.clone()), ..Default::default() };
    for (resume, kind, long) in
        [(with_version, "version id", &long_version), (with_package, "package id", &long_package)]
    {
        let mut r = ReleaseRequest::new(
            UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
            ReleaseTarget::Test(invite_test()),
        );
        r.resume = ReleaseIds { object_id: Some("obj-1".into()), file_name: Some("ids.app".into()), ..resume };
        let e = c.release(&r, &mut NoProgress).unwrap_err();
        assert_eq!(e.step, ReleaseStep::Check, "{e}");
        assert!(
            matches!(e.error, Error::InvalidArgument(ref m) if m.contains(kind) && m.contains("256")),
            "{}",
            e.error
        );
        assert!(!e.to_string().contains(long.as_str()), "the message repeats the refused id: {e}");
        // The refused id is not handed back as done (a rerun hint would repeat it); the rest is.
        assert_eq!((e.done.version_id.as_deref(), e.done.package_id.as_deref()), (None, None));
        assert_eq!(e.done.object_id.as_deref(), Some("obj-1"));
    }
    // The single steps apply the same rule.
    let e = c.set_test_info(APP, &long_version, "pkg-1", &invite_test(), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("version id")), "{e}");
    let e = c.wait_package_ready(APP, &long_package, Duration::from_secs(5), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("package id")), "{e}");
    assert!(s.requests().is_empty(), "{:?}", s.requests().iter().map(|r| r.kind.clone()).collect::<Vec<_>>());
}

/// A sink that cancels once `when` says so, counting its reports.
struct CancelWhen<F: FnMut(Phase, u64) -> bool> {
    when: F,
    reports: usize,
}

impl<F: FnMut(Phase, u64) -> bool> agcupload::Progress for CancelWhen<F> {
    fn report(&mut self, phase: Phase, done: u64, _total: u64) -> bool {
        self.reports += 1;
        !(self.when)(phase, done)
    }
}

#[test]
fn a_cancel_while_agc_answers_the_submit_ends_the_call_and_says_it_may_have_landed() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-cancel-inflight");
    let p = dir.app("slow.app", 20_000);
    // AGC carries out the submit at once and answers a minute later.
    s.set_fault(Fault::SlowAnswer(60_000));
    let started = std::time::Instant::now();
    // Cancel as soon as the mock has the submit (the sink is asked again while the call waits).
    let mut sink = CancelWhen { when: |ph, _| ph == Phase::Submitting && s.last_submit(APP).is_some(), reports: 0 };
    let req = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Review(SubmitOptions::default()),
    );
    let e = c.release(&req, &mut sink).unwrap_err();
    let waited = started.elapsed();
    s.set_fault(Fault::None);
    assert_eq!((e.step, e.error.status()), (ReleaseStep::Submit, agcupload::Status::Cancelled), "{e}");
    // Not the minute the answer takes (the slices are 200 ms; the bound is loose on purpose).
    assert!(waited < Duration::from_secs(45), "the cancel waited for the answer: {waited:?}");
    assert!(e.outcome_uncertain, "the submit went out: its outcome is unknown");
    assert!(e.to_string().contains("may have accepted the submit"), "{e}");
    assert!(s.last_submit(APP).is_some(), "the mock carried out the submit");
    assert!(e.done.package_id.is_some(), "{e:?}");
}

#[test]
fn a_cancel_asked_after_agc_accepted_the_submit_leaves_it_reported_as_done() {
    let s = server(0);
    let c = client(&s);
    let dir = TempDir::new("rel-cancel-after");
    let p = dir.app("after.app", 20_000);
    s.set_fault(Fault::SlowAnswer(400));
    // The submit's reports: `done` is the elapsed milliseconds. Its last one, after AGC's
    // answer (at least 400 ms in), asks to cancel: the submit is done all the same.
    let mut sink = CancelWhen { when: |ph, done| ph == Phase::Submitting && done >= 300, reports: 0 };
    let req = ReleaseRequest::new(
        UploadRequest::new(APP, &p, PackageKind::HarmonyApp),
        ReleaseTarget::Review(SubmitOptions::default()),
    );
    let ids = c.release(&req, &mut sink).unwrap();
    s.set_fault(Fault::None);
    assert!(ids.package_id.is_some());
    assert!(s.last_submit(APP).is_some());
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().state, ReleaseState::InReview);
}
