//! What the secret tests share: a mock and a client (Rust and C ABI) in either auth mode,
//! the secrets a run produced, and the check that a text shows none of them.

use std::ffi::{CStr, CString};
use std::ptr;
use std::time::Duration;

use agc_mock::{fixture_private_key_path, fixture_service_account, MockConfig, MockServer};
use agcupload::{Client, Credentials};
use agcupload_ffi::*;

use super::mock_with;

/// Runs of secrets at least this long must not appear (bounded messages may cut a secret).
pub const RUN: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    ApiClient,
    ServiceAccount,
}

pub fn server(mode: Mode) -> MockServer {
    match mode {
        Mode::ApiClient => mock_with(MockConfig {
            client_secret: "cs-0f3a9b1c77d24e59a8c1b2d3e4f5a6b7-must-not-leak".into(),
            polls_until_ready: 0,
            ..Default::default()
        }),
        Mode::ServiceAccount => mock_with(MockConfig {
            service_accounts: vec![fixture_service_account()],
            polls_until_ready: 0,
            ..Default::default()
        }),
    }
}

pub fn rust_client(server: &MockServer, mode: Mode) -> Client {
    let creds = match mode {
        Mode::ApiClient => Credentials::api_client(server.client_id(), server.client_secret()),
        Mode::ServiceAccount => {
            Credentials::service_account(fixture_private_key_path().to_str().expect("utf-8 fixture path"))
                .expect("fixture key")
        }
    };
    let mut c = Client::new(creds).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    c.set_ca_file(&server.ca_path()).unwrap();
    c.set_retry(1, None).unwrap();
    c.set_poll_interval(Duration::from_millis(10), Duration::from_millis(40)).unwrap();
    c
}

/// Every secret of the run: the client secret (API client mode), and every `Authorization`
/// value the mock received (bearer tokens, JWTs, signed upload values).
pub struct Secrets {
    pub random: Vec<String>,
    pub whole: Vec<String>,
}

pub fn secrets(server: &MockServer, mode: Mode) -> Secrets {
    let mut random = Vec::new();
    let mut whole = Vec::new();
    if mode == Mode::ApiClient {
        random.push(server.client_secret());
    }
    random.extend(server.issued_tokens());
    for r in server.requests() {
        for (k, v) in &r.headers {
            if k != "authorization" {
                continue;
            }
            if let Some(bearer) = v.strip_prefix("Bearer ") {
                random.push(bearer.to_string());
            } else {
                whole.push(v.clone());
                let sig = v.rsplit("Signature=").next().unwrap_or(v);
                random.push(sig.to_string());
            }
        }
    }
    Secrets { random, whole }
}

/// Panics when `text` shows a secret: any run of RUN bytes of a random secret (token, JWT,
/// signature, client secret), or a whole signed upload value.
pub fn assert_clean(what: &str, text: &str, s: &Secrets) {
    for secret in &s.random {
        let b = secret.as_bytes();
        for w in b.windows(RUN.min(b.len())) {
            let w = String::from_utf8_lossy(w);
            assert!(!text.contains(&*w), "{what} shows part of a secret ({w}): {text}");
        }
    }
    for v in &s.whole {
        assert!(!text.contains(v.as_str()), "{what} shows a signed Authorization value: {text}");
    }
}

pub fn last_error() -> String {
    // SAFETY: agc_last_error returns a valid NUL-terminated string owned by the library.
    unsafe { CStr::from_ptr(agc_last_error()) }.to_string_lossy().into_owned()
}

/// A C ABI client of `server` in `mode`, one attempt per call, fast parse polls. The caller
/// frees it with `agc_client_free`.
pub unsafe fn c_client(server: &MockServer, mode: Mode) -> *mut agc_client {
    let mut c: *mut agc_client = ptr::null_mut();
    // SAFETY: valid NUL-terminated strings and out-pointers.
    unsafe {
        let st = match mode {
            Mode::ApiClient => {
                let id = CString::new(server.client_id()).unwrap();
                let secret = CString::new(server.client_secret()).unwrap();
                agc_client_new(id.as_ptr(), secret.as_ptr(), &mut c)
            }
            Mode::ServiceAccount => {
                let key = CString::new(fixture_private_key_path().to_str().unwrap()).unwrap();
                agc_client_new_service_account(key.as_ptr(), &mut c)
            }
        };
        assert_eq!(st, agc_status::AGC_OK);
        let base = CString::new(server.base_url()).unwrap();
        let ca = CString::new(server.ca_path().to_str().unwrap()).unwrap();
        assert_eq!(agc_client_set_api_base(c, base.as_ptr()), agc_status::AGC_OK);
        assert_eq!(agc_client_set_ca_file(c, ca.as_ptr()), agc_status::AGC_OK);
        assert_eq!(agc_client_set_retry(c, 1, 0), agc_status::AGC_OK);
        assert_eq!(agc_client_set_poll_interval_ms(c, 10, 40), agc_status::AGC_OK);
    }
    c
}
