//! Bind + compile status, service-account JWTs, control endpoints and the binary.

mod common;

use std::io::{BufRead, BufReader};

use agc_mock::{fixture_service_account, Endpoint, Fault, MockConfig, MockServer};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::*;

fn upload(s: &MockServer, tok: &str, name: &str, data: &[u8]) -> String {
    let i = upload_url(s, tok, name, data);
    assert_eq!(put(s, &i, data).status, 200);
    i["objectId"].as_str().unwrap().to_string()
}

fn bind(s: &MockServer, tok: &str, app: &str, file: &str, oid: &str) -> serde_json::Value {
    let body = serde_json::json!({"fileName": file, "objectId": oid}).to_string();
    connect_call(s, tok, "PUT", &format!("/api/publish/v3/app-package-info?appId={app}"), body.as_bytes()).json()
}

fn status(s: &MockServer, tok: &str, pkg: &str) -> serde_json::Value {
    connect_call(s, tok, "GET", &format!("/api/publish/v3/package/compile/status?appId=10086&pkgIds={pkg}"), b"").json()
}

#[test]
fn bind_then_poll_until_ready() {
    let s = MockServer::start(MockConfig { polls_until_ready: 2, ..Default::default() }).unwrap();
    let tok = get_token(&s);
    let oid = upload(&s, &tok, "app.app", b"package bytes");
    assert_eq!(bind(&s, &tok, "10086", "app.app", "10086/0000/none.app")["ret"]["code"], 204144641);
    assert_eq!(bind(&s, &tok, "999", "app.app", &oid)["ret"]["code"], 204144641);
    assert_eq!(bind(&s, &tok, "10086", "app.hap", &oid)["ret"]["code"], 204144693);
    let v = bind(&s, &tok, "10086", "app.app", &oid);
    assert_eq!(v["ret"]["code"], 0);
    let pkg = v["packageId"].as_str().unwrap().to_string();
    assert!(pkg.starts_with("pkg-"));
    for expected in [1, 1, 0, 0] {
        let st = status(&s, &tok, &pkg);
        assert_eq!(st["ret"]["code"], 0);
        assert_eq!(st["pkgStateList"][0]["pkgId"], pkg.as_str());
        assert_eq!(st["pkgStateList"][0]["successStatus"], expected);
    }
    assert_eq!(status(&s, &tok, "pkg-unknown")["ret"]["code"], 204144641);
    let kinds: Vec<Endpoint> = s.requests().into_iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&Endpoint::Bind) && kinds.contains(&Endpoint::CompileStatus));
}

#[test]
fn parse_fails() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let oid = upload(&s, &tok, "app.app", b"package bytes");
    let pkg = bind(&s, &tok, "10086", "app.app", &oid)["packageId"].as_str().unwrap().to_string();
    s.set_fault(Fault::ParseFails("bad signature".into()));
    let st = status(&s, &tok, &pkg);
    assert_eq!(st["pkgStateList"][0]["successStatus"], 2);
    assert_eq!(st["pkgStateList"][0]["failureReason"], "bad signature");
    assert!(st["ret"]["msg"].as_str().unwrap().contains("bad signature"));
}

fn fixture_key() -> (String, String, ring::signature::RsaKeyPair) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(agc_mock::fixture_private_key_path()).unwrap()).unwrap();
    let pem = v["private_key"].as_str().unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(b64).unwrap();
    let key = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    assert_eq!(v["type"], "service_account");
    assert_eq!(v["token_uri"], "https://oauth-login.cloud.huawei.com/oauth2/v3/token");
    (v["key_id"].as_str().unwrap().into(), v["sub_account"].as_str().unwrap().into(), key)
}

fn jwt(kid: &str, iss: &str, exp_delta: i64, key: &ring::signature::RsaKeyPair) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims =
        serde_json::json!({"aud": agc_mock::JWT_AUDIENCE, "iss": iss, "iat": now - 10, "exp": now + exp_delta});
    signed(&serde_json::json!({"kid": kid, "typ": "JWT", "alg": "PS256"}), &claims, key)
}

fn signed(header: &serde_json::Value, claims: &serde_json::Value, key: &ring::signature::RsaKeyPair) -> String {
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(claims.to_string());
    let msg = format!("{h}.{p}");
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(&ring::signature::RSA_PSS_SHA256, &ring::rand::SystemRandom::new(), msg.as_bytes(), &mut sig).unwrap();
    format!("{msg}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn jwt_call(s: &MockServer, token: &str) -> Resp {
    let auth = format!("Bearer {token}");
    let target =
        format!("/api/publish/v2/upload-url/for-obs?appId=1&fileName=a.app&contentLength=1&sha256={}", sha_hex(b"x"));
    Client::connect(s).send("GET", &target, &[("Authorization", &auth)], b"").unwrap()
}

#[test]
fn service_account_jwt() {
    let s = MockServer::start(MockConfig { service_accounts: vec![fixture_service_account()], ..Default::default() })
        .unwrap();
    let (kid, iss, key) = fixture_key();
    assert_eq!(fixture_service_account().key_id, kid);
    let good = jwt(&kid, &iss, 3600, &key);
    assert_eq!(jwt_call(&s, &good).status, 200);
    let r = jwt_call(&s, &jwt(&kid, &iss, -5, &key));
    assert_eq!((r.status, r.json()["ret"]["msg"].as_str()), (401, Some("token expired")));
    assert_eq!(jwt_call(&s, &jwt("other-kid", &iss, 3600, &key)).status, 401);
    assert_eq!(jwt_call(&s, &jwt(&kid, "someone-else", 3600, &key)).status, 401);
    // Correctly signed, but with the wrong audience, without `iat` or `exp`, or not PS256.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let header = serde_json::json!({"kid": kid, "typ": "JWT", "alg": "PS256"});
    let aud = agc_mock::JWT_AUDIENCE;
    for claims in [
        serde_json::json!({"aud": "https://elsewhere.example/token", "iss": iss, "iat": now, "exp": now + 60}),
        serde_json::json!({"aud": aud, "iss": iss, "exp": now + 60}),
        serde_json::json!({"aud": aud, "iss": iss, "iat": now}),
        serde_json::json!({"iss": iss, "iat": now, "exp": now + 60}),
    ] {
        let r = jwt_call(&s, &signed(&header, &claims, &key));
        assert_eq!((r.status, r.json()["ret"]["msg"].as_str()), (401, Some("token invalid")), "{claims}");
    }
    let rs256 = serde_json::json!({"kid": kid, "typ": "JWT", "alg": "RS256"});
    let claims = serde_json::json!({"aud": aud, "iss": iss, "iat": now, "exp": now + 60});
    assert_eq!(jwt_call(&s, &signed(&rs256, &claims, &key)).status, 401);
    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(jwt_call(&s, &tampered).status, 401);
    // Without configured accounts nothing is accepted.
    let s2 = MockServer::start_default().unwrap();
    assert_eq!(jwt_call(&s2, &good).status, 401);
}

#[test]
fn control_endpoints() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    let oid = upload(&s, &tok, "c.app", b"control bytes");
    let mut c = Client::connect(&s);
    let st = c.send("GET", "/mock/stats", &[], b"").unwrap().json();
    assert_eq!((st["tokens_issued"].as_u64(), st["objects"].as_u64()), (Some(1), Some(1)));
    let enc: String = oid.replace(' ', "%20");
    let r = c.send("GET", &format!("/mock/objects/{enc}"), &[], b"").unwrap();
    assert_eq!((r.status, r.body.as_slice()), (200, &b"control bytes"[..]));
    assert_eq!(c.send("GET", "/mock/objects/nope", &[], b"").unwrap().status, 404);
    let recs = c.send("GET", "/mock/requests", &[], b"").unwrap().json();
    let arr = recs.as_array().unwrap();
    assert_eq!(arr[0]["kind"], "Token");
    assert_eq!(arr[2]["kind"], "Upload");
    assert_eq!(arr[2]["status"], 200);
    assert!(arr[2]["headers"].is_array());
    assert_eq!(c.send("POST", "/mock/fault", &[], b"put_500_once").unwrap().status, 200);
    assert_eq!(c.send("POST", "/mock/fault", &[], b"bogus").unwrap().status, 400);
    let i = upload_url(&s, &tok, "c.app", b"zz");
    assert_eq!(put(&s, &i, b"zz").status, 500);
    s.clear_requests();
    assert!(s.requests().is_empty());
}

#[test]
fn the_app_control_starts_a_phased_release_and_refuses_one_without_a_version() {
    let s = MockServer::start_default().unwrap();
    s.control_app_json(br#"{"appId": "20001", "phased": {"versionId": "v-9", "phaseDay": 3}}"#).unwrap();
    assert_eq!(s.phased("20001"), Some(("RELEASE".into(), Some(3), "v-9".into())));
    // Another control without it leaves the rollout as it is.
    s.control_app_json(br#"{"appId": "20001", "releaseState": 5}"#).unwrap();
    assert!(s.phased("20001").is_some());
    let e = s.control_app_json(br#"{"appId": "20002", "phased": {"phaseDay": 3}}"#).unwrap_err();
    assert!(e.contains("versionId"), "{e}");
    assert_eq!(s.phased("20002"), None);
}

#[test]
fn binary_prints_info_and_serves() {
    let dir = std::env::temp_dir().join(format!("agc-mock-bin-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let info = dir.join("info.env");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agc-mock"))
        .args(["--info-file", info.to_str().unwrap(), "--polls-until-ready", "0", "--fault", "none"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..5 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        lines.push(l.trim_end().to_string());
    }
    assert!(lines[0].starts_with("AGC_MOCK_BASE_URL=https://127.0.0.1:"));
    assert!(lines[1].starts_with("AGC_MOCK_CA_FILE=/"));
    assert_eq!(lines[2], "AGC_MOCK_CLIENT_ID=mock-client-id");
    assert_eq!(lines[3], "AGC_MOCK_CLIENT_SECRET=mock-client-secret");
    assert_eq!(lines[4], "AGC_MOCK_READY=1");
    let file = std::fs::read_to_string(&info).unwrap();
    assert_eq!(file, lines.join("\n") + "\n");
    // Talk to it with curl-free raw TLS: just check the port accepts TCP.
    let port: u16 = lines[0].rsplit(':').next().unwrap().parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    child.kill().unwrap();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
