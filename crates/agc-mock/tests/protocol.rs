//! The happy path and the S3/OBS-style refusals of the mock.

mod common;

use agc_mock::sigv4::{self, Credentials};
use agc_mock::{Endpoint, MockConfig, MockServer};
use common::*;

fn obs_creds() -> Credentials {
    Credentials {
        access_key: agc_mock::OBS_ACCESS_KEY.into(),
        secret_key: agc_mock::OBS_SECRET_KEY.into(),
        region: agc_mock::OBS_REGION.into(),
        service: "s3".into(),
    }
}

#[test]
fn sigv4_aws_documentation_get_object_example() {
    let creds = Credentials {
        access_key: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        region: "us-east-1".into(),
        service: "s3".into(),
    };
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let headers: Vec<(String, String)> = vec![
        ("Host".into(), "examplebucket.s3.amazonaws.com".into()),
        ("Range".into(), "bytes=0-9".into()),
        ("x-amz-content-sha256".into(), empty.into()),
        ("x-amz-date".into(), "20130524T000000Z".into()),
    ];
    let signed: Vec<String> =
        ["host", "range", "x-amz-content-sha256", "x-amz-date"].iter().map(|s| s.to_string()).collect();
    let auth = sigv4::sign_v4(&creds, "GET", "/test.txt", &[], &headers, &signed, empty, "20130524T000000Z").unwrap();
    assert!(auth.ends_with("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"), "{auth}");
    assert!(auth.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
    ));
}

#[test]
fn token_right_and_wrong_credentials() {
    let s = MockServer::start_default().unwrap();
    assert!(s.base_url().starts_with("https://127.0.0.1:"));
    assert!(std::fs::read_to_string(s.ca_path()).unwrap().contains("BEGIN CERTIFICATE"));
    let t = get_token(&s);
    assert_eq!(t.len(), 43);
    assert_eq!(s.tokens_issued(), 1);
    assert_eq!(s.issued_tokens(), vec![t]);

    let r = Client::connect(&s)
        .send(
            "POST",
            "/api/oauth2/v1/token",
            &[("Content-Type", "application/json")],
            br#"{"grant_type":"client_credentials","client_id":"mock-client-id","client_secret":"nope"}"#,
        )
        .unwrap();
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["ret"]["code"], 203890688);
    assert!(v.get("access_token").is_none());
    assert_eq!(s.tokens_issued(), 1);
    let recs = s.requests();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| r.kind == Endpoint::Token && r.status == 200 && r.complete));
}

#[test]
fn token_ttl_is_configurable() {
    let s = MockServer::start(MockConfig { token_ttl_secs: 60, ..Default::default() }).unwrap();
    let r = Client::connect(&s)
        .send(
            "POST",
            "/api/oauth2/v1/token",
            &[],
            br#"{"grant_type":"client_credentials","client_id":"mock-client-id","client_secret":"mock-client-secret"}"#,
        )
        .unwrap();
    assert_eq!(r.json()["expires_in"], 60);
}

#[test]
fn upload_url_shape_and_signature_verifies() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let data = b"hello agc";
    let info = upload_url(&s, &tok, "my%20pkg.app", data);
    let oid = info["objectId"].as_str().unwrap();
    let parts: Vec<&str> = oid.split('/').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], "10086");
    assert_eq!(parts[1].len(), 16);
    assert_eq!(parts[2], "my pkg.app");
    assert_eq!(info["method"], "PUT");
    let url = info["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/obs/agc-bucket/10086/{}/my%20pkg.app", s.base_url(), parts[1]));
    let h = info_headers(&info);
    let get = |n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(get("x-amz-content-sha256"), sha_hex(data));
    assert_eq!(get("Host"), format!("127.0.0.1:{}", s.port()));
    assert_eq!(get("user-agent"), "AGC-OBS-Signer/1.0");
    assert_eq!(get("Content-Type"), "application/octet-stream");
    assert_eq!(get("x-amz-date").len(), 16);
    let auth = get("Authorization");
    assert!(auth.contains("/cn-north-4/s3/aws4_request, SignedHeaders=content-type;host;user-agent;x-amz-content-sha256;x-amz-date, Signature="));
    assert_eq!(s.upload_authorizations(), vec![auth.clone()]);
    // The signature verifies independently of the server.
    sigv4::verify(&obs_creds(), "PUT", &url_path(&info), &[], &h).unwrap();
    let rec = &s.requests()[1];
    assert_eq!(rec.kind, Endpoint::UploadUrl);
    assert!(rec.bearer && rec.client_id_header);
    assert!(rec.query.contains(&("fileName".to_string(), "my pkg.app".to_string())));
}

#[test]
fn upload_url_auth_and_parameter_checks() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let sha = sha_hex(b"x");
    let q = |extra: &str| {
        format!("/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=1&sha256={sha}{extra}")
    };
    // No token, wrong token, no client_id.
    let r = Client::connect(&s).send("GET", &q(""), &[("client_id", "mock-client-id")], b"").unwrap();
    assert_eq!((r.status, r.json()["ret"]["code"].as_i64()), (401, Some(204144643)));
    let r = connect_call(&s, "not-a-token", "GET", &q(""), b"");
    assert_eq!(r.status, 401);
    let auth = format!("Bearer {tok}");
    let r = Client::connect(&s).send("GET", &q(""), &[("Authorization", &auth)], b"").unwrap();
    assert_eq!(r.status, 401);
    // Parameters.
    for bad in [
        q("&extra=1"),
        "/api/publish/v2/upload-url/for-obs?appId=&fileName=a.app&contentLength=1".to_string(),
        "/api/publish/v2/upload-url/for-obs?appId=1&fileName=noext&contentLength=1".to_string(),
        "/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=0".to_string(),
        "/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=-5".to_string(),
        "/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=1&sha256=ABC".to_string(),
        format!(
            "/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=1&sha256={}",
            sha.to_uppercase()
        ),
    ] {
        let r = connect_call(&s, &tok, "GET", &bad, b"");
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json()["ret"]["code"], 204144641, "{bad}");
    }
    let r = connect_call(&s, &tok, "GET", &q("&chineseMainlandFlag=1"), b"");
    assert_eq!(r.status, 200);
}

#[test]
fn put_accepted_and_stored() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let info = upload_url(&s, &tok, "big.app", &data);
    let r = put(&s, &info, &data);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("etag").is_some());
    let oid = info["objectId"].as_str().unwrap();
    let o = s.object(oid).unwrap();
    assert_eq!(o.size, data.len() as u64);
    assert_eq!(o.sha256_hex, sha_hex(&data));
    assert_eq!(o.file_name, "big.app");
    assert_eq!(o.bytes.as_deref(), Some(&data[..]));
    assert_eq!(s.objects().len(), 1);
    let rec = s.requests().into_iter().find(|r| r.kind == Endpoint::Upload).unwrap();
    assert_eq!((rec.status, rec.complete, rec.body_received), (200, true, data.len() as u64));
    assert_eq!(rec.content_length, Some(data.len() as u64));
    assert!(!rec.bearer && !rec.client_id_header && !rec.chunked);
}

#[test]
fn put_without_storing_bodies() {
    let s = MockServer::start(MockConfig { store_bodies: false, ..Default::default() }).unwrap();
    let tok = get_token(&s);
    let info = upload_url(&s, &tok, "a.app", b"abc");
    assert_eq!(put(&s, &info, b"abc").status, 200);
    let o = &s.objects()[0];
    assert_eq!((o.size, o.bytes.is_none()), (3, true));
}

#[test]
fn put_refusals() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let data = b"0123456789abcdef";
    let info = upload_url(&s, &tok, "a.app", data);

    // Any header change breaks the signature.
    let r = put_with(&s, &info, data, |h| {
        for (k, v) in h.iter_mut() {
            if k == "user-agent" {
                *v = "ureq/3".into();
            }
        }
    })
    .unwrap();
    assert_eq!((r.status, r.s3_code()), (403, "SignatureDoesNotMatch".into()));
    assert_eq!(r.header("content-type"), Some("application/xml"));
    assert!(r.text().starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"));
    // Wrong length (signature does not cover Content-Length).
    let r = put(&s, &info, &data[..15]);
    assert_eq!((r.status, r.s3_code()), (400, "BadRequest".into()));
    // Same length, different bytes.
    let r = put(&s, &info, b"0123456789abcdeX");
    assert_eq!((r.status, r.s3_code()), (400, "XAmzContentSHA256Mismatch".into()));
    // A bearer token instead of / besides the signature.
    let r = put_with(&s, &info, data, |h| h.push(("Authorization".into(), "Bearer abc".into()))).unwrap();
    assert_eq!((r.status, r.s3_code()), (400, "InvalidArgument".into()));
    // Duplicate Host.
    let r = put_with(&s, &info, data, |h| h.push(("Host".into(), "127.0.0.1".into()))).unwrap();
    assert_eq!((r.status, r.s3_code()), (400, "InvalidArgument".into()));
    // Chunked, then no Content-Length at all.
    let mut c = Client::connect(&s);
    let mut h = info_headers(&info);
    h.push(("Transfer-Encoding".into(), "chunked".into()));
    let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.write_head("PUT", &url_path(&info), &hr).unwrap();
    let r = c.read_response().unwrap();
    assert_eq!((r.status, r.s3_code()), (411, "MissingContentLength".into()));
    let mut c = Client::connect(&s);
    let h = info_headers(&info);
    let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.write_head("PUT", &url_path(&info), &hr).unwrap();
    let r = c.read_response().unwrap();
    assert_eq!((r.status, r.s3_code()), (411, "MissingContentLength".into()));
    // No URL issued for this object: re-sign would be needed, so a path change fails the signature.
    let mut other = info.clone();
    other["url"] = serde_json::json!(info["url"].as_str().unwrap().replace("a.app", "b.app"));
    let r = put(&s, &other, data);
    assert_eq!(r.status, 403);
    assert!(s.objects().is_empty());
    // And the genuine PUT still works afterwards.
    assert_eq!(put(&s, &info, data).status, 200);
    assert_eq!(s.objects().len(), 1);
}

#[test]
fn keep_alive_serves_several_requests() {
    let s = MockServer::start_default().unwrap();
    let mut c = Client::connect(&s);
    let body =
        br#"{"grant_type":"client_credentials","client_id":"mock-client-id","client_secret":"mock-client-secret"}"#;
    for _ in 0..3 {
        assert_eq!(c.send("POST", "/api/oauth2/v1/token", &[], body).unwrap().status, 200);
    }
    assert_eq!(s.tokens_issued(), 3);
}

#[test]
fn connection_drop_stores_nothing() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let data = vec![7u8; 100_000];
    let info = upload_url(&s, &tok, "a.app", &data);
    {
        let mut c = Client::connect(&s);
        let mut h = info_headers(&info);
        h.push(("Content-Length".into(), data.len().to_string()));
        let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.write_head("PUT", &url_path(&info), &hr).unwrap();
        use std::io::Write;
        c.stream.write_all(&data[..40_000]).unwrap();
        c.stream.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let t = std::time::Instant::now();
    loop {
        let rec = s.requests().into_iter().find(|r| r.kind == Endpoint::Upload).unwrap();
        if !rec.complete && rec.body_received == 40_000 {
            assert_eq!(rec.status, 0);
            break;
        }
        assert!(t.elapsed().as_secs() < 10, "{rec:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(s.objects().is_empty());
}

#[test]
fn oversized_head_is_refused() {
    let s = MockServer::start_default().unwrap();
    let mut c = Client::connect(&s);
    let big = "a".repeat(70 * 1024);
    c.write_head("GET", "/mock/stats", &[("X-Big", &big)]).unwrap();
    let r = c.read_response().unwrap();
    assert_eq!(r.status, 431);
}

#[test]
fn drop_releases_the_port() {
    let s = MockServer::start_default().unwrap();
    let port = s.port();
    let _c = Client::connect(&s); // an open idle connection must not keep the listener
    drop(s);
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
}
