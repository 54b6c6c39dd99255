//! Hostile or odd input must not take the server down; concurrent clients are served.

mod common;

use std::io::{Read, Write};

use agc_mock::MockServer;
use common::*;

#[test]
fn garbage_does_not_kill_the_server() {
    let s = MockServer::start_default().unwrap();
    // Plain TCP, not TLS.
    let mut t = std::net::TcpStream::connect(("127.0.0.1", s.port())).unwrap();
    t.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let _ = t.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = [0u8; 64];
    let _ = t.read(&mut buf);
    // TLS, then not HTTP.
    let mut c = Client::connect(&s);
    c.stream.write_all(b"\x00\x01 what is this\r\n\r\n").unwrap();
    assert_eq!(c.read_response().unwrap().status, 400);
    // Oversized JSON body.
    let mut c = Client::connect(&s);
    c.write_head("POST", "/api/oauth2/v1/token", &[("Host", "x"), ("Content-Length", "2000000")]).unwrap();
    assert_eq!(c.read_response().unwrap().status, 413);
    // Malformed Content-Length.
    let mut c = Client::connect(&s);
    c.write_head("POST", "/api/oauth2/v1/token", &[("Host", "x"), ("Content-Length", "-1")]).unwrap();
    assert_eq!(c.read_response().unwrap().status, 400);
    // Too many headers.
    let mut c = Client::connect(&s);
    let many: Vec<(String, String)> = (0..500).map(|i| (format!("X-{i}"), "v".to_string())).collect();
    let hr: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.write_head("GET", "/mock/stats", &hr).unwrap();
    assert_eq!(c.read_response().unwrap().status, 431);
    // Bad JSON to the token endpoint, unknown paths, PUT to an unknown object.
    let r = Client::connect(&s).send("POST", "/api/oauth2/v1/token", &[], b"{not json").unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(Client::connect(&s).send("GET", "/nope", &[], b"").unwrap().status, 404);
    let r = Client::connect(&s)
        .send("PUT", "/obs/agc-bucket/x/y/z.app", &[("Authorization", "AWS4-HMAC-SHA256 garbage")], b"abc")
        .unwrap();
    assert_eq!((r.status, r.s3_code()), (403, "AccessDenied".into()));
    // Still alive.
    assert_eq!(get_token(&s).len(), 43);
}

#[test]
fn concurrent_uploads() {
    let s = MockServer::start_default().unwrap();
    let tok = get_token(&s);
    std::thread::scope(|sc| {
        for i in 0..8u8 {
            let (s, tok) = (&s, &tok);
            sc.spawn(move || {
                let data = vec![i; 50_000 + i as usize];
                let info = upload_url(s, tok, &format!("f{i}.app"), &data);
                assert_eq!(put(s, &info, &data).status, 200);
            });
        }
    });
    assert_eq!(s.objects().len(), 8);
}
