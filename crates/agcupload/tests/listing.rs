//! The listing against the mock: pull, plan, apply with its read-back (and AGC answering
//! success while storing nothing), the rules that need AGC's state, deleting a language,
//! withdrawing a review, phased release control and the app id look-up.

mod common;

use agc_mock::{AppPreflight, Fault, MockServer};
use agcupload::{Device, Error, ListingField, ListingValue, NoProgress, Phase, PhasedAction, Status};
use common::listing::*;
use common::*;
use serde_json::Value;

const APP: &str = "6917000001";

fn lang_of<'a>(s: &'a [Value], lang: &str) -> &'a Value {
    s.iter().find(|l| l["lang"] == lang).unwrap_or_else(|| panic!("no {lang} in {s:?}"))
}

#[test]
fn pull_edit_plan_apply_and_the_plan_is_empty_after() {
    let s = mock();
    let c = client_for(&s);
    let d = TempDir::new("listing-road");
    // AGC's texts into the folder.
    good_language(&d.0, "en-US", "one");
    let first = c.listing_apply(APP, &d.0, &mut NoProgress).unwrap();
    assert_eq!(first.uploads.len(), 4, "{:?}", first.uploads);
    let pulled_dir = TempDir::new("listing-pulled");
    let pulled = c.listing_pull(APP, &pulled_dir.0, &mut NoProgress).unwrap();
    assert!(pulled.written.contains(&"en-US/description.txt".to_string()), "{pulled:?}");
    assert_eq!(
        std::fs::read_to_string(pulled_dir.path("en-US/description.txt")).unwrap(),
        "A demo app.\nSecond line one.\n"
    );
    assert!(pulled_dir.path("agc-files.json").exists());

    // Nothing changed: nothing to do, no request that writes.
    let plan = c.listing_plan(APP, &d.0, &mut NoProgress).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert!(plan.unchanged.contains(&"en-US/screenshots/phone".to_string()), "{:?}", plan.unchanged);

    // Edit one text and one screenshot: the plan shows exactly those.
    put(&d.0, "en-US/brief.txt", b"A better demo");
    put(&d.0, "en-US/screenshots/phone/02.png", &png(1080, 1920, 7777));
    let plan = c.listing_plan(APP, &d.0, &mut NoProgress).unwrap();
    let fields: Vec<ListingField> = plan.changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, [ListingField::Brief, ListingField::Screenshots(Device::Phone)]);
    assert_eq!(plan.changes[0].current, Some(ListingValue::Text("The demo one".into())));
    let calls = s.release_calls().len();
    let mut events = Vec::new();
    let applied = c
        .listing_apply(APP, &d.0, &mut |p: Phase, done: u64, total: u64| {
            events.push((p, done, total));
            true
        })
        .unwrap();
    assert_eq!(applied.changes.len(), 2);
    assert_eq!(applied.uploads.len(), 3, "the device's three screenshots go again");
    // The listing's own phases, in order, each counting what it sends.
    let listing_phases = [
        Phase::ReadingAppInfo,
        Phase::SettingTexts,
        Phase::SendingListingFiles,
        Phase::SettingFileInfo,
        Phase::CheckingListing,
    ];
    let mut seen: Vec<Phase> = events.iter().map(|e| e.0).filter(|p| listing_phases.contains(p)).collect();
    seen.dedup();
    assert_eq!(seen, listing_phases, "{events:?}");
    let of = |phase: Phase| -> Vec<(u64, u64)> { events.iter().filter(|e| e.0 == phase).map(|e| (e.1, e.2)).collect() };
    assert_eq!(of(Phase::SettingTexts), [(0, 1), (1, 1)]);
    assert_eq!(of(Phase::SendingListingFiles), [(0, 3), (1, 3), (2, 3), (3, 3)]);
    assert_eq!(of(Phase::SettingFileInfo), [(0, 1), (1, 1)]);
    // Each file's bytes still report as an upload, between the file counts.
    assert_eq!(events.iter().filter(|e| e.0 == Phase::Done).count(), 3);
    assert!(!events.iter().any(|e| matches!(e.0, Phase::SettingNotes | Phase::Binding | Phase::Submitting)));
    let sent: Vec<_> = s.release_calls()[calls..].iter().filter(|c| c.method == "PUT").cloned().collect();
    // Only the changed text, only the screenshots list.
    assert_eq!(sent[0].body, serde_json::json!({"lang": "en-US", "briefInfo": "A better demo"}));
    assert!(sent[1].body.get("screenShotList").is_some() && sent[1].body.get("appIconList").is_none());
    let held = s.listing(APP);
    let en = lang_of(&held, "en-US");
    assert_eq!(en["briefInfo"], "A better demo");
    assert_eq!(en["deviceMaterials"][0]["screenShots"].as_array().unwrap().len(), 3);
    assert!(c.listing_plan(APP, &d.0, &mut NoProgress).unwrap().changes.is_empty());
}

#[test]
fn success_that_stores_nothing_fails_the_read_back() {
    let s = mock();
    let c = client_for(&s);
    let d = TempDir::new("listing-ignored");
    good_language(&d.0, "en-US", "x");
    s.set_fault(Fault::ListingSuccessIgnored);
    let e = c.listing_apply(APP, &d.0, &mut NoProgress).unwrap_err();
    assert_eq!(e.status(), Status::Protocol, "{e}");
    let m = e.to_string();
    for field in ["en-US name", "en-US description", "en-US icon", "en-US screenshots/phone"] {
        assert!(m.contains(field), "{field}: {m}");
    }
    assert!(!d.path("agc-files.json").exists(), "no manifest for what AGC does not show");
}

#[test]
fn a_new_language_needs_its_name_before_anything_is_sent() {
    let s = mock();
    let c = client_for(&s);
    let d = TempDir::new("listing-new-lang");
    put(&d.0, "fr-FR/brief.txt", b"Bref");
    let e = c.listing_apply(APP, &d.0, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("fr-FR") && m.contains("name.txt")), "{e}");
    assert!(s.release_calls().iter().all(|c| c.method == "GET"));
    put(&d.0, "fr-FR/name.txt", b"Demo FR");
    let plan = c.listing_plan(APP, &d.0, &mut NoProgress).unwrap();
    assert!(plan.changes.iter().all(|c| c.new_language));
    c.listing_apply(APP, &d.0, &mut NoProgress).unwrap();
    assert_eq!(lang_of(&s.listing(APP), "fr-FR")["appName"], "Demo FR");
}

#[test]
fn a_folder_breaking_a_rule_sends_nothing() {
    let s = mock();
    let c = client_for(&s);
    let d = TempDir::new("listing-broken");
    good_language(&d.0, "en-US", "x");
    put(&d.0, "en-US/icon.png", &png(500, 500, 100));
    let e = c.listing_apply(APP, &d.0, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
    assert!(s.requests().is_empty(), "not even a token");
}

#[test]
fn the_default_language_is_never_deleted_and_another_is() {
    let s = mock();
    let c = client_for(&s);
    let e = c.delete_language(APP, "en-US", &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Preflight(ref m) if m.contains("default language")), "{e}");
    assert!(s.release_calls().iter().all(|c| c.method == "GET"));
    c.delete_language(APP, "zh-CN", &mut NoProgress).unwrap();
    assert!(s.listing(APP).iter().all(|l| l["lang"] != "zh-CN"));
    let e = c.delete_language(APP, "zh-CN", &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Preflight(ref m) if m.contains("no language zh-CN")), "{e}");
}

fn with_version(s: &MockServer, state: i64) {
    s.set_app_preflight(APP, AppPreflight { version_id: Some("v-42".into()), ..Default::default() });
    s.set_release_state(APP, state, None);
}

#[test]
fn a_review_is_withdrawn_only_in_the_documented_states() {
    let s = mock();
    let c = client_for(&s);
    with_version(&s, 7);
    let e = c.withdraw_review(APP, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Preflight(ref m) if m.contains("release state 7")), "{e}");
    assert!(s.release_calls().iter().all(|c| c.method == "GET"));
    with_version(&s, 4);
    let w = c.withdraw_review(APP, &mut NoProgress).unwrap();
    assert_eq!((w.version_id.as_str(), w.release_state), ("v-42", 4));
    let call = s.release_calls().into_iter().find(|c| c.path.ends_with("on-shelf/cancel")).unwrap();
    assert_eq!(call.body, serde_json::json!({"versionId": "v-42"}));
    let req = s.requests().into_iter().find(|r| r.path.ends_with("on-shelf/cancel")).unwrap();
    assert!(req.query.is_empty() && req.headers.iter().any(|(k, v)| k == "appid" && v == APP), "{req:?}");
    assert_eq!(c.release_state(APP, &mut NoProgress).unwrap().release_state, Some(7));
}

#[test]
fn a_phased_release_is_paused_stepped_and_finished_and_state_shows_it() {
    let s = mock();
    let c = client_for(&s);
    let e = c.phased_release(APP, PhasedAction::Pause, None, None, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Preflight(ref m) if m.contains("no phased release")), "{e}");
    s.set_phased(APP, "v-7", Some(2));
    let st = c.release_state(APP, &mut NoProgress).unwrap();
    assert_eq!(st.release_phase, Some(3));
    assert_eq!(st.phased.unwrap().phase_day, Some(2));
    let before = s.requests().len();
    c.phased_release(APP, PhasedAction::Pause, Some("crash spike"), None, &mut NoProgress).unwrap();
    assert_eq!(s.phased(APP).unwrap().0, "SUSPEND");
    // One read of app-info (the phased state and the version from one answer), one change.
    let reads = s.requests()[before..].iter().filter(|r| r.method == "GET" && r.path.ends_with("app-info")).count();
    assert_eq!(reads, 1);
    let done = c.phased_release(APP, PhasedAction::Step(5), None, None, &mut NoProgress).unwrap();
    assert_eq!(done.version_id, "v-7");
    assert_eq!(s.phased(APP), Some(("RELEASE".into(), Some(5), "v-7".into())));
    assert!(c.phased_release(APP, PhasedAction::Step(9), None, None, &mut NoProgress).is_err());
    c.phased_release(APP, PhasedAction::Full, None, None, &mut NoProgress).unwrap();
    assert_eq!(s.phased(APP), None);
}

#[test]
fn an_app_id_is_found_by_its_bundle_name_harmony_apps_only() {
    let s = mock();
    let c = client_for(&s);
    s.set_app_versions(APP, "com.example.listing", None, None);
    assert_eq!(c.app_id_for_bundle("com.example.listing", &mut NoProgress).unwrap(), APP);
    let q = s.requests().into_iter().find(|r| r.path.ends_with("appid-list")).unwrap().query;
    assert!(q.iter().any(|(k, v)| k == "packageTypes" && v == "7"), "{q:?}");
    let e = c.app_id_for_bundle("com.example.nothing", &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(ref m) if m.contains("no HarmonyOS app")), "{e}");
    assert!(matches!(c.app_id_for_bundle("a,b", &mut NoProgress), Err(Error::InvalidArgument(_))));
}

/// The phases a call reported, each once, in order.
fn phases_of(call: impl FnOnce(&mut dyn agcupload::Progress)) -> Vec<Phase> {
    let mut seen = Vec::new();
    call(&mut |p: Phase, _: u64, _: u64| {
        if seen.last() != Some(&p) {
            seen.push(p);
        }
        true
    });
    seen
}

#[test]
fn the_calls_around_a_release_report_their_own_phases() {
    let s = mock();
    let c = client_for(&s);
    let deleted = phases_of(|p| c.delete_language(APP, "zh-CN", p).unwrap());
    assert_eq!(deleted, [Phase::ReadingAppInfo, Phase::DeletingLanguage]);
    with_version(&s, 4);
    let withdrawn = phases_of(|p| {
        c.withdraw_review(APP, p).unwrap();
    });
    assert_eq!(withdrawn, [Phase::ReadingAppInfo, Phase::Withdrawing]);
    s.set_phased(APP, "v-7", Some(2));
    let phased = phases_of(|p| {
        c.phased_release(APP, PhasedAction::Pause, None, None, p).unwrap();
    });
    assert_eq!(phased, [Phase::ReadingAppInfo, Phase::ChangingPhasedRelease]);
    s.set_app_versions(APP, "com.example.listing", None, None);
    let looked_up = phases_of(|p| {
        c.app_id_for_bundle("com.example.listing", p).unwrap();
    });
    assert_eq!(looked_up, [Phase::LookingUpAppId]);
}
