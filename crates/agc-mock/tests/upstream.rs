//! Phase 3: uploads forwarded verbatim to an upstream S3 server. The upstream here is a tiny
//! plain-HTTP server that verifies SigV4 itself (with the upstream credentials) the way s3s-fs does.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use agc_mock::sigv4::{self, Credentials};
use agc_mock::{MockConfig, MockServer, UploadUpstream};
use common::*;

fn upstream_creds() -> Credentials {
    Credentials {
        access_key: "UPSTREAMAK".into(),
        secret_key: "upstream/secret".into(),
        region: "us-east-1".into(),
        service: "s3".into(),
    }
}

/// Accepts one connection, verifies the request, answers, and reports (request line, body, verified).
fn fake_s3() -> (String, mpsc::Receiver<(String, Vec<u8>, bool)>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut s, _) = l.accept().unwrap();
            let mut data = Vec::new();
            let mut tmp = [0u8; 65536];
            let (line, headers, path, start) = loop {
                let n = s.read(&mut tmp).unwrap();
                data.extend_from_slice(&tmp[..n]);
                let mut hs = [httparse::EMPTY_HEADER; 64];
                let mut req = httparse::Request::new(&mut hs);
                if let Ok(httparse::Status::Complete(k)) = req.parse(&data) {
                    let h: Vec<(String, String)> = req
                        .headers
                        .iter()
                        .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                        .collect();
                    let line = String::from_utf8_lossy(&data[..data.windows(2).position(|w| w == b"\r\n").unwrap()])
                        .into_owned();
                    break (line, h, req.path.unwrap().to_string(), k);
                }
            };
            let cl: usize =
                headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).unwrap().1.parse().unwrap();
            let mut body = data[start..].to_vec();
            while body.len() < cl {
                let n = s.read(&mut tmp).unwrap();
                body.extend_from_slice(&tmp[..n]);
            }
            let ok = sigv4::verify(&upstream_creds(), "PUT", &path, &[], &headers).is_ok()
                && headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("x-amz-content-sha256") && *v == sha_hex(&body));
            let resp: &[u8] = if ok {
                b"HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 0\r\n\r\n"
            } else {
                b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n29\r\n<Error><Code>SignatureDoesNotMatch</Code>\r\n8\r\n</Error>\r\n0\r\n\r\n"
            };
            s.write_all(resp).unwrap();
            tx.send((line, body, ok)).unwrap();
        }
    });
    (addr, rx)
}

#[test]
fn puts_are_forwarded_verbatim() {
    let (addr, rx) = fake_s3();
    let s = MockServer::start(MockConfig {
        upload_upstream: Some(UploadUpstream {
            addr,
            bucket: "testbucket".into(),
            access_key: "UPSTREAMAK".into(),
            secret_key: "upstream/secret".into(),
            region: "us-east-1".into(),
        }),
        ..Default::default()
    })
    .unwrap();
    let tok = get_token(&s);
    let data = vec![5u8; 70_000];
    let info = upload_url(&s, &tok, "fwd%20me.app", &data);
    let url = info["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/testbucket/10086/", s.base_url())), "{url}");
    assert!(info["headers"]["Authorization"].as_str().unwrap().contains("Credential=UPSTREAMAK/"));
    let r = put(&s, &info, &data);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("etag"), Some("\"abc\""));
    let (line, body, ok) = rx.recv().unwrap();
    assert!(ok);
    assert_eq!(line, format!("PUT {} HTTP/1.1", url_path(&info)));
    assert_eq!(body, data);
    assert_eq!(s.objects()[0].size, 70_000);
    assert_eq!(s.objects()[0].file_name, "fwd me.app");

    // A tampered signed header is refused by the upstream, and its (chunked) answer relayed.
    let r = put_with(&s, &info, &data, |h| {
        for (k, v) in h.iter_mut() {
            if k == "user-agent" {
                *v = "other".into();
            }
        }
    })
    .unwrap();
    let (_, _, ok) = rx.recv().unwrap();
    assert!(!ok);
    assert_eq!(r.status, 403);
    assert_eq!(r.text(), "<Error><Code>SignatureDoesNotMatch</Code></Error>");
    assert_eq!(s.objects().len(), 1);
}
