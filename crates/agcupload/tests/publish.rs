//! From artifact to "ready in AGC": service-account auth, binding, parse polling, sites.

mod common;

use std::time::Duration;

use agc_mock::{fixture_private_key_path, fixture_service_account, Endpoint, Fault, MockConfig, MockServer};
use agcupload::{Client, Credentials, Error, NoProgress, PackageKind, Phase, UploadRequest};
use common::*;

fn sa_mock(polls: u32) -> MockServer {
    mock_with(MockConfig {
        service_accounts: vec![fixture_service_account()],
        polls_until_ready: polls,
        ..Default::default()
    })
}

fn sa_client(server: &MockServer, creds: Credentials) -> Client {
    let mut c = Client::new(creds).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_ca_file(&server.ca_path()).unwrap();
    c.set_poll_interval(Duration::from_millis(20), Duration::from_millis(80)).unwrap();
    c.set_retry_policy(agcupload::RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        deadline: Some(Duration::from_secs(60)),
    })
    .unwrap();
    c
}

fn fixture_creds() -> Credentials {
    Credentials::service_account(fixture_private_key_path().to_str().unwrap()).unwrap()
}

#[test]
fn service_account_uploads_with_a_jwt_and_no_client_id() {
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("sa");
    let p = dir.app("sa.app", 200_000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().bytes.unwrap(), read(&p));
    let log = server.requests();
    assert_eq!(log.iter().filter(|r| r.kind == Endpoint::Token).count(), 0, "no token call for a service account");
    let url = log.iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(url.bearer && !url.client_id_header);
    // The key file's JSON text works as well as its path.
    let text = std::fs::read_to_string(fixture_private_key_path()).unwrap();
    let client = sa_client(&server, Credentials::service_account(&text).unwrap());
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert!(!format!("{client:?}").contains("PRIVATE KEY"));
}

#[test]
fn a_rejected_jwt_is_re_signed_once() {
    let server = sa_mock(1);
    server.set_fault(Fault::TokenExpiredOnce);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("sa-exp");
    let p = dir.app("e.app", 1000);
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_eq!(client.tokens_fetched(), 2, "signed a second JWT after the 401");
    // Cached: another upload signs nothing new.
    client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_eq!(client.tokens_fetched(), 2);
}

#[test]
fn a_key_agc_does_not_know_is_an_auth_error() {
    let server = sa_mock(1);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_private_key_path()).unwrap()).unwrap();
    json["key_id"] = "unknown-key-id".into();
    let client = sa_client(&server, Credentials::service_account(&json.to_string()).unwrap());
    let dir = TempDir::new("sa-bad");
    let p = dir.app("b.app", 100);
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e}");
    assert!(!e.to_string().contains("BEGIN"));
    assert_eq!(
        server.requests().iter().filter(|r| r.kind == Endpoint::UploadUrl).count(),
        2,
        "refreshed once, then gave up"
    );
}

/// The JWT's `aud` is the key file's `token_uri` (docs/protocol.md section 1), not a constant:
/// a site whose key files name another token endpoint gets JWTs it accepts.
#[test]
fn the_jwt_audience_is_the_key_files_token_uri() {
    let site_aud = "https://oauth-login.example-site.test/oauth2/v3/token";
    let account = agc_mock::ServiceAccount { audience: site_aud.into(), ..fixture_service_account() };
    let server = mock_with(MockConfig { service_accounts: vec![account], ..Default::default() });
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_private_key_path()).unwrap()).unwrap();
    let dir = TempDir::new("sa-aud");
    let p = dir.app("a.app", 1000);
    json["token_uri"] = site_aud.into();
    let creds = Credentials::service_account(&json.to_string()).unwrap();
    sa_client(&server, creds).upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    // Without a token_uri the library falls back to Huawei's constant, which this site refuses.
    json.as_object_mut().unwrap().remove("token_uri");
    let creds = Credentials::service_account(&json.to_string()).unwrap();
    let e = sa_client(&server, creds).upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Auth(_)), "{e}");
    // A token_uri that is not an https URL is refused before any request, without the key.
    for bad in ["http://oauth-login.cloud.huawei.com/oauth2/v3/token", "https://", "https://a b/", "file:///etc/x"] {
        json["token_uri"] = bad.into();
        let e = Credentials::service_account(&json.to_string()).unwrap_err();
        assert!(matches!(e, Error::Auth(_)) && e.to_string().contains("token_uri"), "{bad}: {e}");
        assert!(!e.to_string().contains("PRIVATE KEY"));
    }
}

#[test]
fn malformed_and_non_rsa_key_files_are_auth_errors() {
    let dir = TempDir::new("keys");
    let ec = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        .output()
        .expect("openssl runs");
    assert!(ec.status.success());
    let ec_json =
        serde_json::json!({"key_id": "k", "sub_account": "s", "private_key": String::from_utf8(ec.stdout).unwrap()})
            .to_string();
    let bad = dir.write("bad.json", b"{\"key_id\": 1}");
    for input in [ec_json.as_str(), bad.to_str().unwrap(), "{not json", "/nonexistent/private.json"] {
        let e = Credentials::service_account(input).unwrap_err();
        assert!(matches!(e, Error::Auth(_)), "{input}: {e}");
        assert!(!e.to_string().contains("PRIVATE KEY"), "{e}");
    }
}

#[test]
fn publish_uploads_binds_and_waits_until_ready() {
    for creds in [None, Some(fixture_creds())] {
        let server = sa_mock(3);
        let client = match creds {
            Some(c) => sa_client(&server, c),
            None => sa_client(&server, Credentials::api_client(server.client_id(), server.client_secret())),
        };
        let dir = TempDir::new("pub");
        let p = dir.app("rel.app", 50_000);
        let mut rec = Recorder::default();
        let out = client
            .publish(&UploadRequest::new("777", &p, PackageKind::HarmonyApp), Duration::from_secs(60), &mut rec)
            .unwrap();
        assert!(!out.package_id.is_empty());
        let log = server.requests();
        let polls = log.iter().filter(|r| r.kind == Endpoint::CompileStatus).count();
        assert_eq!(polls, 4, "3 'parsing' answers, then ready");
        assert_eq!(log.iter().filter(|r| r.kind == Endpoint::Bind).count(), 1);
        let phases: Vec<Phase> = rec.events.iter().map(|e| e.0).collect();
        assert!(phases.contains(&Phase::Binding) && phases.contains(&Phase::Waiting));
        let waits = rec.of(Phase::Waiting);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
    }
}

#[test]
fn a_parse_failure_surfaces_agc_reason() {
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("fail");
    let p = dir.app("f.app", 1000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
    server.set_fault(Fault::ParseFails("the package signature does not match the app".into()));
    let e = client.wait_package_ready("1", &id, Duration::from_secs(30), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::PackageFailed(ref m) if m.contains("signature does not match")), "{e}");
    assert_eq!(e.status(), agcupload::Status::PackageFailed);
}

#[test]
fn waiting_times_out() {
    let server = sa_mock(1_000_000);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("to");
    let p = dir.app("t.app", 1000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
    let e = client.wait_package_ready("1", &id, Duration::from_millis(300), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e}");
    // Cancelling the wait from the callback.
    let mut rec = Recorder { cancel_at: Some((Phase::Waiting, 0)), ..Default::default() };
    let e = client.wait_package_ready("1", &id, Duration::from_secs(60), &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
}

#[test]
fn transient_codes_are_retried_within_the_deadline() {
    for code in [204144659, 204144719, 204144735] {
        let server = sa_mock(1);
        let client = sa_client(&server, fixture_creds());
        let dir = TempDir::new("tr");
        let p = dir.app("t.app", 1000);
        let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
        server.set_fault(Fault::TransientCodeOnce(code));
        let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
        assert_eq!(server.requests().iter().filter(|r| r.kind == Endpoint::Bind).count(), 2, "code {code} retried");
        server.set_fault(Fault::TransientCodeOnce(code));
        client.wait_package_ready("1", &id, Duration::from_secs(30), &mut NoProgress).unwrap();
    }
    // A permanent code is not retried.
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("perm");
    let p = dir.app("t.app", 1000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    server.set_fault(Fault::TransientCodeOnce(204144641));
    let e = client.bind_package("1", &r, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Api { code: 204144641, .. }), "{e}");
}

#[test]
fn regional_sites_select_their_base_url() {
    let mut c = Client::new(Credentials::api_client("id", "secret")).unwrap();
    assert_eq!(c.api_base(), "https://connect-api.cloud.huawei.com");
    for (site, url) in [
        ("de", "https://connect-api-dre.cloud.huawei.com"),
        ("sg", "https://connect-api-dra.cloud.huawei.com"),
        ("ru", "https://connect-api-drru.cloud.huawei.com"),
        ("cn", "https://connect-api.cloud.huawei.com"),
        ("https://agc.example.test:8443/", "https://agc.example.test:8443"),
    ] {
        c.set_api_base(site).unwrap();
        assert_eq!(c.api_base(), url);
    }
    assert!(matches!(c.set_api_base("mars"), Err(Error::InvalidArgument(_))));
}

/// AGC may answer a new package's status with an empty, missing or foreign `pkgStateList`, or a
/// `successStatus` we do not know: each means "not parsed yet", so the wait polls on
/// and ends ready once AGC has parsed the package.
#[test]
fn status_answers_without_this_packages_state_mean_still_parsing() {
    use agc_mock::StatusVariant::*;
    for variant in [Empty, Missing, Absent, Unknown, NoStatus] {
        let server = sa_mock(1);
        let client = sa_client(&server, fixture_creds());
        let dir = TempDir::new("variant");
        let p = dir.app("v.app", 1000);
        let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
        let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
        server.set_fault(Fault::CompileStatusVariant(variant, 3));
        client
            .wait_package_ready("1", &id, Duration::from_secs(60), &mut NoProgress)
            .unwrap_or_else(|e| panic!("{variant:?}: {e}"));
        let polls = server.requests().iter().filter(|r| r.kind == Endpoint::CompileStatus).count();
        assert_eq!(polls, 3 + 2, "{variant:?}: 3 variant answers, one 'parsing', then ready");
    }
    // With no state ever, the wait ends with its timeout, not a protocol error.
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("variant-timeout");
    let p = dir.app("t.app", 1000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
    server.set_fault(Fault::CompileStatusVariant(Empty, 1_000_000));
    let e = client.wait_package_ready("1", &id, Duration::from_millis(300), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e}");
}

#[test]
fn a_parse_failure_with_only_an_error_code_names_it() {
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("fail-code");
    let p = dir.app("f.app", 1000);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    let id = client.bind_package("1", &r, &mut NoProgress).unwrap();
    server.set_fault(Fault::ParseFailsCode("PKG_SIGN_0042".into()));
    let e = client.wait_package_ready("1", &id, Duration::from_secs(30), &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::PackageFailed(ref m) if m.contains("errorCode PKG_SIGN_0042")), "{e}");
}

/// The bind's optional `releaseType` / `releasePhase` query parameters are sent when set and
/// never otherwise; AGC's answer may carry the package id inside `data`.
#[test]
fn the_bind_sends_its_optional_query_and_reads_a_package_id_in_data() {
    let server = sa_mock(1);
    let client = sa_client(&server, fixture_creds());
    let dir = TempDir::new("bindq");
    let p = dir.app("q.app", 1000);
    let mut req = UploadRequest::new("1", &p, PackageKind::HarmonyApp);
    client.publish(&req, Duration::from_secs(30), &mut NoProgress).unwrap();
    let bind_query = |s: &MockServer| s.requests().into_iter().rev().find(|r| r.kind == Endpoint::Bind).unwrap().query;
    assert_eq!(bind_query(&server), vec![("appId".to_string(), "1".to_string())], "nothing else by default");
    req.bind = agcupload::BindQuery { release_type: Some(1), release_phase: Some(3) };
    server.set_fault(Fault::BindPackageIdInData);
    let out = client.publish(&req, Duration::from_secs(30), &mut NoProgress).unwrap();
    assert!(out.package_id.starts_with("pkg-"), "{}", out.package_id);
    let q = bind_query(&server);
    assert!(
        q.contains(&("releaseType".into(), "1".into())) && q.contains(&("releasePhase".into(), "3".into())),
        "{q:?}"
    );
    // Values AGC does not define are refused before any request.
    server.set_fault(Fault::None);
    let before = server.requests().len();
    req.bind = agcupload::BindQuery { release_type: None, release_phase: Some(2) };
    let e = client.bind_object_with("1", "q.app", &out.upload.object_id, &req.bind, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e}");
    assert_eq!(server.requests().len(), before);
}
