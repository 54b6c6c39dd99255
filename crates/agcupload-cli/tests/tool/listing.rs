//! `agcupload listing plan|apply|pull|delete-language`, `withdraw`, `phased`, `appid` and
//! `--bundle` against the in-process mock: the road from pull to a read-back, AGC answering
//! success while storing nothing, and refusals before any request.

use crate::common::listing::{good_language, png, put};
use crate::common::*;
use agc_mock::{AppPreflight, Fault, MockConfig, MockServer};

fn mock() -> MockServer {
    MockServer::start(MockConfig { polls_until_ready: 0, ..Default::default() }).unwrap()
}

#[test]
fn pull_edit_plan_apply_then_nothing_left_to_change() {
    let server = mock();
    let dir = Dir::new("listing-road");
    let listing = dir.path("listing");
    good_language(&listing, "en-US", "cli");
    let out =
        run(agc(&server).args(["listing", "apply", "--json", "--progress", "lines", "--dir"]).arg(&listing).arg(APP));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["uploads"].as_array().unwrap().len(), 4, "{j}");
    assert_eq!(j["changes"].as_array().unwrap().len(), 6, "{j}");
    // The listing's own phases: in the progress lines and the timings.
    for line in [
        "setting the listing's texts (1 language)",
        "sending the listing's files: file 4 of 4",
        "binding the listing's files (2 calls)",
        "checking what AGC holds",
    ] {
        assert!(out.stderr.contains(line), "{line}: {}", out.stderr);
    }
    // Each file is an upload of its own, sent at its first attempt: no retry is shown.
    assert_eq!(out.stderr.matches("requesting upload URL (attempt 1)").count(), 4, "{}", out.stderr);
    assert!(!out.stderr.contains("(attempt 2)"), "{}", out.stderr);
    for phase in ["reading_app_info", "setting_texts", "sending_listing_files", "setting_file_info", "checking_listing"]
    {
        assert!(j["timings_ms"][phase].is_number(), "{phase} in {j}");
    }

    // pull into a fresh folder: AGC's texts, one file each.
    let pulled = dir.path("pulled");
    let out = run(agc(&server).args(["listing", "pull", "--dir"]).arg(&pulled).arg(APP));
    expect(&out, 0);
    assert!(out.stdout.contains("en-US/name.txt"), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(pulled.join("en-US/brief.txt")).unwrap(), "The demo cli\n");

    // Edit the pulled folder: the plan names exactly that field and sends nothing.
    std::fs::write(pulled.join("en-US/brief.txt"), "A shorter pitch\n").unwrap();
    let before = server.release_calls().len();
    let out = run(agc(&server).args(["listing", "plan", "--dir"]).arg(&pulled).arg(APP));
    expect(&out, 0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with("en-US brief: \"The demo cli\""), "{}", out.stdout);
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(server.release_calls()[before..].iter().all(|c| c.method == "GET"));

    let out = run(agc(&server).args(["listing", "apply", "--dir"]).arg(&pulled).arg(APP));
    expect(&out, 0);
    assert!(out.stderr.contains("1 change applied and read back"), "{}", out.stderr);
    let out = run(agc(&server).args(["listing", "plan", "--json", "--dir"]).arg(&pulled).arg(APP));
    expect(&out, 0);
    assert_eq!(out.json()["changes"], serde_json::json!([]));
    // The first folder: its files are what AGC shows, only its brief differs now.
    let out = run(agc(&server).args(["listing", "plan", "--dir"]).arg(&listing).arg(APP));
    assert!(out.stdout.contains("brief") && !out.stdout.contains("screenshots"), "{}", out.stdout);
}

#[test]
fn a_success_that_stores_nothing_fails_apply_with_exit_6() {
    let server = mock();
    let dir = Dir::new("listing-ignored");
    good_language(&dir.0, "en-US", "x");
    server.set_fault(Fault::ListingSuccessIgnored);
    let out = run(agc(&server).args(["listing", "apply", "--json", "--dir"]).arg(&dir.0).arg(APP));
    expect(&out, 6);
    let j = out.json();
    assert_eq!(j["error"]["status"], "AGC_ERR_PROTOCOL");
    let m = j["error"]["message"].as_str().unwrap();
    assert!(m.contains("does not show what was sent") && m.contains("en-US icon"), "{m}");
    assert!(j["error"]["hint"].as_str().unwrap().contains("listing plan"), "{j}");
}

#[test]
fn a_broken_folder_is_refused_before_any_request() {
    let server = mock();
    let dir = Dir::new("listing-refused");
    good_language(&dir.0, "en-US", "x");
    put(&dir.0, "en-US/screenshots/phone/04.png", &png(1920, 1080, 300));
    put(&dir.0, "en-US/release_notes.txt", b"The demo x");
    let out = run(agc(&server).args(["listing", "apply", "--dir"]).arg(&dir.0).arg(APP));
    expect(&out, 2);
    assert!(out.stderr.contains("breaks 2 rules"), "{}", out.stderr);
    assert!(out.stderr.contains("one orientation") && out.stderr.contains("the same text"), "{}", out.stderr);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // A usage error too: neither an app id nor --bundle.
    let out = run(agc(&server).args(["listing", "plan", "--dir"]).arg(&dir.0));
    expect(&out, 2);
}

#[test]
fn withdraw_is_refused_in_a_draft_and_done_in_review() {
    let server = mock();
    server.set_app_preflight(APP, AppPreflight { version_id: Some("v-9".into()), ..Default::default() });
    let out = run(agc(&server).args(["withdraw", APP]));
    expect(&out, 6);
    assert!(out.stderr.contains("release state 7") && out.stderr.contains("AGC_ERR_PREFLIGHT"), "{}", out.stderr);
    assert!(server.requests().iter().all(|r| r.method == "GET" || r.path.ends_with("token")));
    server.set_release_state(APP, 4, None);
    let out = run(agc(&server).args(["withdraw", APP]));
    expect(&out, 0);
    assert_eq!(out.stdout, "v-9\n");
}

#[test]
fn phased_steps_and_state_shows_the_rollout() {
    let server = mock();
    server.set_phased(APP, "v-3", Some(2));
    let out = run(agc(&server).args(["phased", "--step", "4", APP]));
    expect(&out, 0);
    assert!(out.stderr.contains("day 4 (10% of users)"), "{}", out.stderr);
    let out = run(agc(&server).args(["state", "--json", APP]));
    let j = out.json();
    assert_eq!((j["phased"]["phase_day"].as_i64(), j["phased"]["percent"].as_i64()), (Some(4), Some(10)), "{j}");
    let out = run(agc(&server).args(["state", APP]));
    assert!(out.stdout.contains("phased release: RELEASE, day 4"), "{}", out.stdout);
    expect(&run(agc(&server).args(["phased", "--pause", "--step", "3", APP])), 2);
    expect(&run(agc(&server).args(["phased", "--step", "8", APP])), 2);
    expect(&run(agc(&server).args(["phased", "--full", APP])), 0);
    assert_eq!(server.phased(APP), None);
}

#[test]
fn an_app_id_comes_from_a_bundle_name_for_appid_listing_upload_and_the_road() {
    let server = mock();
    server.set_app_versions(APP, app::BUNDLE, None, None);
    let out = run(agc(&server).args(["appid", app::BUNDLE]));
    expect(&out, 0);
    assert_eq!(out.stdout, format!("{APP}\n"));
    let out = run(agc(&server).args(["appid", "com.example.none"]));
    expect(&out, 2);
    let dir = Dir::new("listing-bundle");
    let p = dir.app("b.app", 20_000);
    let out = run(agc(&server).args(["upload", "--json", "--bundle", app::BUNDLE]).arg(&p));
    expect(&out, 0);
    assert_eq!(out.json()["app_id"], APP);
    let out = run(agc(&server).args(["upload", "--bundle", app::BUNDLE, APP]).arg(&p));
    expect(&out, 2);
    good_language(&dir.path("listing"), "en-US", "b");
    let out = run(agc(&server)
        .args(["listing", "plan", "--json", "--bundle", app::BUNDLE, "--dir"])
        .arg(dir.path("listing")));
    expect(&out, 0);
    assert_eq!(out.json()["app_id"], APP);
    // The release road's own commands take it too.
    let out = run(agc(&server).args(["state", "--json", "--bundle", app::BUNDLE]));
    expect(&out, 0);
    assert_eq!(out.json()["app_id"], APP);
    let notes = dir.path("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("en-US.txt"), "Dark mode.").unwrap();
    let out = run(agc(&server).args(["notes", "--bundle", app::BUNDLE, "--notes-dir"]).arg(&notes));
    expect(&out, 0);
    assert_eq!(server.release_notes(APP).get("en-US").map(String::as_str), Some("Dark mode."));
    let out = run(agc(&server).args(["submit", "--json", "--bundle", "com.example.none"]));
    expect(&out, 2);
    let out = run(agc(&server).args(["state", "--bundle", app::BUNDLE, APP]));
    expect(&out, 2);
}
