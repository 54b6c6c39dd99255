//! `agcupload publish` / `publish --submit` / `check` and the preflight: a refusal
//! exits 6 before any upload-url request (the mock's log shows none), `--no-preflight` skips
//! it, a read refused for lack of rights is a warning; the bundle name is looked up among
//! HarmonyOS apps only; a failure that is not the preflight's (credentials, an untrusted
//! certificate) gets its own advice, never --no-preflight.

use std::path::PathBuf;

use crate::common::*;
use agc_mock::{AppPreflight, Endpoint, MockConfig, MockServer};
use serde_json::Value;

fn mock() -> MockServer {
    MockServer::start(MockConfig { polls_until_ready: 0, ..Default::default() }).unwrap()
}

fn json(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
}

fn package(tag: &str, code: u64) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("agc-cli-pf-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("app.app");
    std::fs::write(&p, app::signed_app(app::BUNDLE, code, "app", 30_000)).unwrap();
    (dir, p)
}

fn nothing_sent(server: &MockServer) {
    let log = server.requests();
    assert!(!log.iter().any(|r| matches!(r.kind, Endpoint::UploadUrl | Endpoint::Upload | Endpoint::Bind)), "{log:#?}");
    assert!(server.objects().is_empty());
}

#[test]
fn a_refusal_exits_6_before_any_upload_and_no_preflight_skips_it() {
    let server = mock();
    server.set_app_versions(APP, app::BUNDLE, Some(1_000_013), Some(1_000_013));
    server.set_release_state(APP, 0, None);
    let (dir, p) = package("live", 1_000_012);
    for args in [&["publish", "--json"][..], &["publish", "--json", "--submit"], &["check", "--json"]] {
        let out = run(agc(&server).args(args).arg(APP).arg(&p));
        assert_eq!(out.code, 6, "{args:?}: {}", out.stderr);
        let j = json(&out);
        assert_eq!(j["error"]["status"], "AGC_ERR_PREFLIGHT", "{j}");
        let m = j["error"]["message"].as_str().unwrap();
        assert!(m.contains("versionCode 1000012") && m.contains("not higher than 1000013"), "{m}");
        assert!(j["error"]["hint"].as_str().unwrap().contains("--no-preflight"), "{j}");
        if args.contains(&"--submit") {
            assert_eq!(j["failed_step"], "preflight");
        }
    }
    nothing_sent(&server);
    // Without --json the refusal is on stderr with the exit code.
    let out = run(agc(&server).args(["publish", APP]).arg(&p));
    assert_eq!(out.code, 6);
    assert!(out.stderr.contains("refused before upload") && out.stderr.contains("AGC_ERR_PREFLIGHT"), "{}", out.stderr);
    nothing_sent(&server);
    // --no-preflight: uploaded, bound, ready (AGC would refuse later; the user asked for it),
    // with no preflight read (the refusals above made theirs: count from here).
    let reads = |server: &MockServer| {
        server.requests().iter().filter(|r| r.kind == Endpoint::AppIdList || r.path.contains("app-info")).count()
    };
    let before = reads(&server);
    assert!(before > 0, "the refusals read nothing");
    let out = run(agc(&server).args(["publish", "--json", "--no-preflight", "--poll-interval", "1", APP]).arg(&p));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(reads(&server), before, "--no-preflight read appid-list or app-info");
    assert_eq!(server.objects().len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_good_package_passes_and_a_rights_refusal_is_a_warning() {
    let server = mock();
    server.set_app_versions(APP, app::BUNDLE, Some(1_000_011), Some(1_000_011));
    let (dir, p) = package("good", 1_000_012);
    let out = run(agc(&server).args(["publish", "--json", "--poll-interval", "1", APP]).arg(&p));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = json(&out);
    assert_eq!(j["preflight"]["live_version_code"], 1_000_011);
    assert_eq!(j["preflight"]["app_ids"], serde_json::json!([APP]));
    assert!(j.get("warnings").is_none(), "{j}");
    assert_eq!(server.objects().len(), 1);

    server.set_app_preflight(
        APP,
        AppPreflight { package_name: Some(app::BUNDLE.into()), deny_app_info: true, ..Default::default() },
    );
    let out = run(agc(&server).args(["publish", "--poll-interval", "1", APP]).arg(&p));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("agcupload: warning: AGC refused to show app 10001 for lack of rights"),
        "{}",
        out.stderr
    );
    assert_eq!(server.objects().len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_android_app_sharing_the_bundle_name_does_not_block_a_new_harmonyos_app() {
    let server = mock();
    server.set_app_preflight(
        "20001",
        AppPreflight { package_name: Some(app::BUNDLE.into()), android: true, ..Default::default() },
    );
    let (dir, p) = package("android", 1_000_012);
    let out = run(agc(&server).args(["check", "--json", APP]).arg(&p));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j = json(&out);
    assert_eq!(j["preflight"]["app_ids"], serde_json::json!([]), "{j}");
    assert!(j["notes"].to_string().contains("binds it to app 10001 for good"), "{j}");
    let lists: Vec<_> = server.requests().into_iter().filter(|r| r.kind == Endpoint::AppIdList).collect();
    assert_eq!(lists.len(), 1);
    assert!(lists[0].query.contains(&("packageTypes".to_string(), "7".to_string())), "{:?}", lists[0].query);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_app_with_a_version_under_another_bundle_name_exits_6_before_any_upload() {
    let server = mock();
    server.set_app_versions(APP, "com.example.other", Some(1_000_020), Some(1_000_013));
    server.set_release_state(APP, 0, None);
    let (dir, p) = package("existing", 1_000_030);
    for args in [&["check", "--json"][..], &["publish", "--json"]] {
        let out = run(agc(&server).args(args).arg(APP).arg(&p));
        assert_eq!(out.code, 6, "{args:?}: {}", out.stderr);
        let j = json(&out);
        assert_eq!(j["error"]["status"], "AGC_ERR_PREFLIGHT", "{j}");
        let m = j["error"]["message"].as_str().unwrap();
        assert!(m.contains(&format!("bundle name {} is bound to no HarmonyOS app", app::BUNDLE)), "{m}");
        assert!(m.contains("already has a version (versionCode 1000013, version 1.0.13, live)"), "{m}");
    }
    nothing_sent(&server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_credentials_failure_in_publish_advises_the_credentials_not_the_preflight() {
    let server = mock();
    let (dir, p) = package("auth", 1_000_012);
    for args in [&["publish", "--json"][..], &["publish", "--json", "--submit"], &["check", "--json"]] {
        let out = run(agc(&server).env("AGC_CLIENT_SECRET", "wrong-secret-9c1d").args(args).arg(APP).arg(&p));
        assert_eq!(out.code, 4, "{args:?}: {}", out.stderr);
        let j = json(&out);
        assert_eq!(j["error"]["status"], "AGC_ERR_AUTH", "{j}");
        let hint = j["error"]["hint"].as_str().unwrap_or_default();
        assert!(hint.contains("client id and secret") && hint.contains("key file"), "{args:?}: {j}");
        assert!(hint.contains("AGC_API_BASE"), "{j}");
        assert!(!hint.contains("--no-preflight"), "{j}");
        assert!(!out.stdout.contains("wrong-secret-9c1d") && !out.stderr.contains("wrong-secret-9c1d"));
    }
    // Without --json the advice follows the error on stderr.
    let out = run(agc(&server).env("AGC_CLIENT_SECRET", "wrong-secret-9c1d").args(["publish", APP]).arg(&p));
    assert_eq!(out.code, 4);
    assert!(out.stderr.contains("check the credentials") && !out.stderr.contains("--no-preflight"), "{}", out.stderr);
    nothing_sent(&server);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_untrusted_certificate_names_ca_file_and_trust_system() {
    let server = mock();
    let (dir, p) = package("tls", 1_000_012);
    // Without AGC_CA_FILE the mock's CA is unknown to Mozilla's roots.
    for args in [&["publish", "--json"][..], &["check", "--json"], &["upload", "--json"]] {
        let out = run(agc(&server).env_remove("AGC_CA_FILE").args(args).args(["--retries", "1", APP]).arg(&p));
        assert_eq!(out.code, 5, "{args:?}: {}", out.stderr);
        let j = json(&out);
        assert_eq!(j["error"]["status"], "AGC_ERR_TLS", "{j}");
        assert!(j["error"]["message"].as_str().unwrap().contains("UnknownIssuer"), "{j}");
        let hint = j["error"]["hint"].as_str().unwrap_or_default();
        assert!(hint.contains("--ca-file") && hint.contains("--trust system"), "{args:?}: {j}");
        assert!(!hint.contains("--no-preflight"), "{j}");
    }
    assert!(server.objects().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}
