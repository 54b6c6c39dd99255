//! A tiny blocking HTTPS/1.1 client (rustls over TcpStream) for the mock's own tests.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use agc_mock::MockServer;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConnection, StreamOwned};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// `<Code>` of an S3 XML error.
    pub fn s3_code(&self) -> String {
        let t = self.text();
        let s = t.find("<Code>").map(|i| i + 6).unwrap_or(0);
        let e = t.find("</Code>").unwrap_or(s);
        t[s..e].to_string()
    }
}

pub struct Client {
    pub stream: StreamOwned<ClientConnection, TcpStream>,
    buf: Vec<u8>,
}

pub fn sha_hex(b: &[u8]) -> String {
    Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

impl Client {
    pub fn connect(server: &MockServer) -> Client {
        let mut roots = rustls::RootCertStore::empty();
        let pem = server.ca_pem();
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine;
        let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        roots.add(CertificateDer::from(der)).unwrap();
        let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let conn = ClientConnection::new(Arc::new(cfg), ServerName::try_from("127.0.0.1").unwrap()).unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Client { stream: StreamOwned::new(conn, tcp), buf: Vec::new() }
    }

    pub fn write_head(&mut self, method: &str, target: &str, headers: &[(&str, &str)]) -> io::Result<()> {
        let mut s = format!("{method} {target} HTTP/1.1\r\n");
        for (k, v) in headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        s.push_str("\r\n");
        self.stream.write_all(s.as_bytes())?;
        self.stream.flush()
    }

    /// Sends a request; adds Host and Content-Length unless given.
    pub fn send(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> io::Result<Resp> {
        let mut h: Vec<(&str, &str)> = headers.to_vec();
        let cl = body.len().to_string();
        if !h.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            h.insert(0, ("Host", "127.0.0.1"));
        }
        if !h
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding"))
        {
            h.push(("Content-Length", &cl));
        }
        self.write_head(method, target, &h)?;
        self.stream.write_all(body)?;
        self.stream.flush()?;
        self.read_response()
    }

    fn fill(&mut self) -> io::Result<()> {
        let mut tmp = [0u8; 65536];
        let n = self.stream.read(&mut tmp)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(())
    }

    pub fn read_head_only(&mut self) -> io::Result<(u16, Vec<(String, String)>)> {
        loop {
            let mut hs = [httparse::EMPTY_HEADER; 64];
            let mut r = httparse::Response::new(&mut hs);
            if let Ok(httparse::Status::Complete(n)) = r.parse(&self.buf) {
                let code = r.code.unwrap();
                let headers = r
                    .headers
                    .iter()
                    .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()))
                    .collect();
                self.buf.drain(..n);
                return Ok((code, headers));
            }
            self.fill()?;
        }
    }

    /// Reads exactly `out.len()` body bytes: first those already buffered with the head.
    pub fn read_body_exact(&mut self, out: &mut [u8]) -> io::Result<()> {
        while self.buf.len() < out.len() {
            self.fill()?;
        }
        out.copy_from_slice(&self.buf[..out.len()]);
        self.buf.drain(..out.len());
        Ok(())
    }

    pub fn read_response(&mut self) -> io::Result<Resp> {
        let (status, headers) = self.read_head_only()?;
        if status == 100 {
            return self.read_response();
        }
        let cl: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.trim().parse().unwrap())
            .expect("the mock always sends Content-Length");
        while self.buf.len() < cl {
            self.fill()?;
        }
        let body = self.buf.drain(..cl).collect();
        Ok(Resp { status, headers, body })
    }
}

pub fn get_token(server: &MockServer) -> String {
    let body = format!(
        r#"{{"grant_type":"client_credentials","client_id":"{}","client_secret":"{}"}}"#,
        server.client_id(),
        server.client_secret()
    );
    let r = Client::connect(server)
        .send("POST", "/api/oauth2/v1/token", &[("Content-Type", "application/json")], body.as_bytes())
        .unwrap();
    assert_eq!(r.status, 200);
    r.json()["access_token"].as_str().expect("access_token").to_string()
}

pub fn connect_call(server: &MockServer, token: &str, method: &str, target: &str, body: &[u8]) -> Resp {
    let auth = format!("Bearer {token}");
    let cid = server.client_id();
    Client::connect(server).send(method, target, &[("client_id", &cid), ("Authorization", &auth)], body).unwrap()
}

pub fn upload_url_resp(server: &MockServer, token: &str, file: &str, data: &[u8]) -> Resp {
    let target = format!(
        "/api/publish/v2/upload-url/for-obs?appId=10086&fileName={file}&contentLength={}&sha256={}&releaseType=1",
        data.len(),
        sha_hex(data)
    );
    connect_call(server, token, "GET", &target, b"")
}

/// Gets an upload URL for `data`; returns urlInfo.
pub fn upload_url(server: &MockServer, token: &str, file: &str, data: &[u8]) -> Value {
    let r = upload_url_resp(server, token, file, data);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["ret"]["code"], 0);
    v["urlInfo"].clone()
}

/// Path of urlInfo.url.
pub fn url_path(info: &Value) -> String {
    let url = info["url"].as_str().unwrap();
    let rest = url.split_once("://").unwrap().1;
    format!("/{}", rest.split_once('/').unwrap().1)
}

pub fn info_headers(info: &Value) -> Vec<(String, String)> {
    info["headers"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect()
}

/// Replays urlInfo as a PUT with `body`, optionally editing headers first.
pub fn put_with(
    server: &MockServer,
    info: &Value,
    body: &[u8],
    edit: impl FnOnce(&mut Vec<(String, String)>),
) -> io::Result<Resp> {
    let mut h = info_headers(info);
    h.push(("Content-Length".into(), body.len().to_string()));
    edit(&mut h);
    let hr: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Client::connect(server).send("PUT", &url_path(info), &hr, body)
}

pub fn put(server: &MockServer, info: &Value, body: &[u8]) -> Resp {
    put_with(server, info, body, |_| {}).unwrap()
}
