//! Shared helpers for the integration tests: a client wired to an in-process mock server,
//! test files, and a progress recorder.
#![allow(dead_code)]

pub mod app;
pub mod listing;

use std::path::{Path, PathBuf};
use std::time::Duration;

use agc_mock::{MockConfig, MockServer};
use agcupload::{Client, Credentials, Phase, RetryPolicy};

pub fn mock() -> MockServer {
    MockServer::start(MockConfig::default()).expect("mock server starts")
}

pub fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start(config).expect("mock server starts")
}

/// A client trusting the mock's CA, with fast retries.
pub fn client_for(server: &MockServer) -> Client {
    client_with_secret(server, &server.client_secret())
}

pub fn client_with_secret(server: &MockServer, secret: &str) -> Client {
    let mut c = Client::new(Credentials::api_client(server.client_id(), secret)).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_ca_file(&server.ca_path()).unwrap();
    c.set_retry_policy(RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(2),
        deadline: Some(Duration::from_secs(120)),
    })
    .unwrap();
    c
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let mut rnd = [0u8; 8];
        getrandom::getrandom(&mut rnd).unwrap();
        let hex: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
        let p = std::env::temp_dir().join(format!("agc-test-{tag}-{hex}"));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// A `.app` of exactly `size` bytes: a signed package whose pack.info says
    /// [`app::BUNDLE`] / [`app::VERSION_CODE`] (an app, or an atomic service when `name`
    /// starts with `svc` or `atomic`) when `size` allows one ([`app::min_size`]), else (a
    /// tiny file) only ZIP magic, then deterministic pseudo-random bytes.
    pub fn app(&self, name: &str, size: usize) -> PathBuf {
        if size >= app::min_size() && name.ends_with(".app") {
            let atomic = name.starts_with("svc") || name.starts_with("atomic");
            let kind = if atomic { "atomicService" } else { "app" };
            return self.write(name, &app::signed_app(app::BUNDLE, app::VERSION_CODE, kind, size));
        }
        self.fake_app(name, size)
    }

    /// A `.app`-looking file that is no package: ZIP magic, then pseudo-random bytes.
    pub fn fake_app(&self, name: &str, size: usize) -> PathBuf {
        let mut data = Vec::with_capacity(size);
        data.extend_from_slice(&b"PK\x03\x04"[..size.min(4)]);
        let mut x: u32 = 0x12345678 ^ size as u32;
        while data.len() < size {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.push((x >> 24) as u8);
        }
        self.write(name, &data)
    }

    pub fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, data).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Records every progress report.
#[derive(Default)]
pub struct Recorder {
    pub events: Vec<(Phase, u64, u64)>,
    /// Cancel when a report of this phase reaches this many bytes.
    pub cancel_at: Option<(Phase, u64)>,
}

impl agcupload::Progress for Recorder {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        self.events.push((phase, done, total));
        !matches!(self.cancel_at, Some((p, at)) if p == phase && done >= at)
    }
}

impl Recorder {
    pub fn of(&self, phase: Phase) -> Vec<u64> {
        self.events.iter().filter(|e| e.0 == phase).map(|e| e.1).collect()
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}
