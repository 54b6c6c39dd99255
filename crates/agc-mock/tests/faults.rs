//! Every fault mode, observed from the client side.

mod common;

use std::io::Write;

use agc_mock::{fault_from_name, Endpoint, Fault, MockServer};
use common::*;

fn setup() -> (MockServer, String) {
    let s = MockServer::start_default().unwrap();
    let t = get_token(&s);
    (s, t)
}

#[test]
fn fault_names_parse() {
    let names = [
        ("none", Fault::None),
        ("token_expired_once", Fault::TokenExpiredOnce),
        ("token_bad_credentials", Fault::TokenBadCredentials),
        ("put_500_once", Fault::Put500Once),
        ("put_503_retry_after_once", Fault::Put503RetryAfterOnce(1)),
        ("put_reset_halfway_once", Fault::PutResetHalfwayOnce),
        ("stall", Fault::Stall),
        ("slow_reader", Fault::SlowReader(1_000_000)),
        ("redirect_307", Fault::Redirect307),
        ("http_upload_url", Fault::HttpUploadUrl),
        ("url_with_credentials", Fault::UrlWithCredentials),
        ("huge_json", Fault::HugeJson),
        ("malformed_json", Fault::MalformedJson),
        ("missing_fields", Fault::MissingFields),
        ("wrong_host", Fault::WrongHost),
        ("wrong_method", Fault::WrongMethod),
        ("hash_mismatch_in_url", Fault::HashMismatchInUrl),
        ("stale_signature", Fault::StaleSignature),
        ("expired_signature_once", Fault::ExpiredSignatureOnce),
        ("status_500_once", Fault::Status500Once),
    ];
    for (n, f) in names {
        assert_eq!(fault_from_name(n), Some(f), "{n}");
    }
    assert!(matches!(fault_from_name("parse_fails"), Some(Fault::ParseFails(_))));
    assert_eq!(fault_from_name("parse_fails:boom"), Some(Fault::ParseFails("boom".into())));
    assert_eq!(fault_from_name("slow_reader:5000"), Some(Fault::SlowReader(5000)));
    assert_eq!(fault_from_name("put_503_retry_after_once:7"), Some(Fault::Put503RetryAfterOnce(7)));
    assert_eq!(fault_from_name("transient_code_once"), Some(Fault::TransientCodeOnce(204144659)));
    assert_eq!(fault_from_name("api_error:204144641:bad app"), Some(Fault::ApiError(204144641, "bad app".into())));
    assert_eq!(fault_from_name("nonsense"), None);
    assert_eq!(fault_from_name("reflect_request:release"), Some(Fault::ReflectRequest(agc_mock::ReflectAt::Release)));
    assert_eq!(fault_from_name("reflect_request"), Some(Fault::ReflectRequest(agc_mock::ReflectAt::All)));
    assert_eq!(fault_from_name("reflect_request:nowhere"), None);
    assert_eq!(fault_from_name("slow_reader:0"), None);
}

#[test]
fn token_faults() {
    let (s, tok) = setup();
    s.set_fault(Fault::TokenBadCredentials);
    let r = Client::connect(&s)
        .send(
            "POST",
            "/api/oauth2/v1/token",
            &[],
            br#"{"grant_type":"client_credentials","client_id":"mock-client-id","client_secret":"mock-client-secret"}"#,
        )
        .unwrap();
    assert_eq!((r.status, r.json()["ret"]["code"].as_i64()), (200, Some(203890688)));
    s.set_fault(Fault::None);

    s.set_fault(Fault::TokenExpiredOnce);
    let r = upload_url_resp(&s, &tok, "a.app", b"x");
    assert_eq!((r.status, r.json()["ret"]["msg"].as_str()), (401, Some("token expired")));
    // Fired once, and the token is now invalid.
    let r = upload_url_resp(&s, &tok, "a.app", b"x");
    assert_eq!((r.status, r.json()["ret"]["msg"].as_str()), (401, Some("token invalid")));
    let tok2 = get_token(&s);
    assert_eq!(upload_url_resp(&s, &tok2, "a.app", b"x").status, 200);
}

#[test]
fn status_500_and_transient_code_fire_once() {
    let (s, tok) = setup();
    s.set_fault(Fault::Status500Once);
    assert_eq!(upload_url_resp(&s, &tok, "a.app", b"x").status, 500);
    assert_eq!(upload_url_resp(&s, &tok, "a.app", b"x").status, 200);
    s.set_fault(Fault::TransientCodeOnce(204144659));
    let r = upload_url_resp(&s, &tok, "a.app", b"x");
    assert_eq!((r.status, r.json()["ret"]["code"].as_i64()), (200, Some(204144659)));
    assert_eq!(upload_url_resp(&s, &tok, "a.app", b"x").json()["ret"]["code"], 0);
    s.set_fault(Fault::ApiError(204144688, "no url for you".into()));
    let r = upload_url_resp(&s, &tok, "a.app", b"x");
    assert_eq!(r.json()["ret"]["code"], 204144688);
    assert_eq!(r.json()["ret"]["msg"], "no url for you");
}

#[test]
fn redirect_307() {
    let (s, tok) = setup();
    s.set_fault(Fault::Redirect307);
    let r = upload_url_resp(&s, &tok, "a.app", b"x");
    assert_eq!(r.status, 307);
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with(&format!("{}/api/publish/v2/upload-url/for-obs?appId=10086", s.base_url())), "{loc}");
}

#[test]
fn upload_url_shape_faults() {
    let (s, tok) = setup();
    let data = b"payload";
    let authority = format!("127.0.0.1:{}", s.port());

    s.set_fault(Fault::HttpUploadUrl);
    assert!(upload_url(&s, &tok, "a.app", data)["url"].as_str().unwrap().starts_with(&format!("http://{authority}/")));
    s.set_fault(Fault::UrlWithCredentials);
    assert!(upload_url(&s, &tok, "a.app", data)["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("https://user:pass@{authority}/")));
    s.set_fault(Fault::WrongHost);
    let i = upload_url(&s, &tok, "a.app", data);
    assert_ne!(i["headers"]["Host"].as_str().unwrap(), authority);
    s.set_fault(Fault::WrongMethod);
    assert_eq!(upload_url(&s, &tok, "a.app", data)["method"], "POST");
    s.set_fault(Fault::MissingFields);
    let i = upload_url(&s, &tok, "a.app", data);
    assert!(i.get("url").is_none());
    s.set_fault(Fault::HashMismatchInUrl);
    let i = upload_url(&s, &tok, "a.app", data);
    assert_ne!(i["headers"]["x-amz-content-sha256"].as_str().unwrap(), sha_hex(data));
    // Replaying it anyway fails the payload check.
    let r = put(&s, &i, data);
    assert_eq!((r.status, r.s3_code()), (400, "XAmzContentSHA256Mismatch".into()));
    s.set_fault(Fault::MalformedJson);
    let r = upload_url_resp(&s, &tok, "a.app", data);
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn huge_json_is_streamed() {
    let (s, tok) = setup();
    s.set_fault(Fault::HugeJson);
    let mut c = Client::connect(&s);
    let auth = format!("Bearer {tok}");
    let target =
        format!("/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=1&sha256={}", sha_hex(b"x"));
    c.write_head("GET", &target, &[("Host", "x"), ("client_id", "mock-client-id"), ("Authorization", &auth)]).unwrap();
    let (status, headers) = c.read_head_only().unwrap();
    assert_eq!(status, 200);
    let cl = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).unwrap();
    assert_eq!(cl.1, "50000000");
    let mut first = [0u8; 12];
    // (Not c.stream.read_exact: the first body bytes may have arrived with the head.)
    c.read_body_exact(&mut first).unwrap();
    assert_eq!(&first, b"{\"padding\":\"");
}

#[test]
fn stale_and_expired_signatures() {
    let (s, tok) = setup();
    let data = b"stale";
    s.set_fault(Fault::StaleSignature);
    let i = upload_url(&s, &tok, "a.app", data);
    let r = put(&s, &i, data);
    assert_eq!((r.status, r.s3_code()), (403, "RequestTimeTooSkewed".into()));
    // Persistent.
    let i = upload_url(&s, &tok, "a.app", data);
    assert_eq!(put(&s, &i, data).status, 403);

    s.set_fault(Fault::ExpiredSignatureOnce);
    let i = upload_url(&s, &tok, "a.app", data);
    assert_eq!(put(&s, &i, data).status, 403);
    let i = upload_url(&s, &tok, "a.app", data);
    assert_eq!(put(&s, &i, data).status, 200);
}

#[test]
fn put_500_and_503_fire_once() {
    let (s, tok) = setup();
    let data = vec![1u8; 5000];
    let i = upload_url(&s, &tok, "a.app", &data);
    s.set_fault(Fault::Put500Once);
    let r = put(&s, &i, &data);
    assert_eq!((r.status, r.s3_code()), (500, "InternalError".into()));
    s.set_fault(Fault::Put503RetryAfterOnce(3));
    let r = put(&s, &i, &data);
    assert_eq!((r.status, r.s3_code(), r.header("retry-after")), (503, "SlowDown".into(), Some("3")));
    assert!(s.objects().is_empty());
    assert_eq!(put(&s, &i, &data).status, 200);
    let puts: Vec<_> = s.requests().into_iter().filter(|r| r.kind == Endpoint::Upload).collect();
    assert_eq!(puts.iter().map(|r| r.status).collect::<Vec<_>>(), vec![500, 503, 200]);
    assert!(puts.iter().all(|r| r.complete && r.body_received == 5000));
}

#[test]
fn put_reset_halfway() {
    let (s, tok) = setup();
    let data = vec![9u8; 200_000];
    let i = upload_url(&s, &tok, "a.app", &data);
    s.set_fault(Fault::PutResetHalfwayOnce);
    let r = put_with(&s, &i, &data, |_| {});
    assert!(r.is_err(), "the client must see a broken connection");
    assert!(s.objects().is_empty());
    let rec = s.requests().into_iter().find(|r| r.kind == Endpoint::Upload).unwrap();
    assert_eq!((rec.status, rec.complete), (0, false));
    assert_eq!(rec.body_received, 100_000);
    assert_eq!(put(&s, &i, &data).status, 200);
}

#[test]
fn slow_reader_throttles() {
    let (s, tok) = setup();
    let data = vec![3u8; 100_000];
    let i = upload_url(&s, &tok, "a.app", &data);
    s.set_fault(Fault::SlowReader(200_000));
    let t = std::time::Instant::now();
    assert_eq!(put(&s, &i, &data).status, 200);
    assert!(t.elapsed().as_millis() >= 400, "{:?}", t.elapsed());
}

#[test]
fn stall_answers_nothing_but_control_still_works() {
    let (s, _tok) = setup();
    s.set_fault(Fault::Stall);
    let mut c = Client::connect(&s);
    c.stream.sock.set_read_timeout(Some(std::time::Duration::from_millis(500))).unwrap();
    c.write_head("POST", "/api/oauth2/v1/token", &[("Host", "x"), ("Content-Length", "0")]).unwrap();
    let e = c.read_response().err().expect("no answer while stalled");
    assert!(matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{e}");
    // The control endpoint is exempt, so scripts can clear the fault.
    let r = Client::connect(&s).send("POST", "/mock/fault", &[], b"none").unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(get_token(&s).len(), 43);
    let recs = s.requests();
    let stalled = recs.iter().find(|r| r.kind == Endpoint::Token && r.status == 0).unwrap();
    assert!(!stalled.complete);
    let _ = c.stream.write_all(b"");
}
