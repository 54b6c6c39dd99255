//! A mock AppGallery Connect (AGC) server for libagcupload's tests.
//!
//! It speaks the real protocol over HTTPS (a CA generated at start): the OAuth token endpoint,
//! `upload-url/for-obs` answering genuine AWS SigV4-signed upload headers, an S3/OBS-like PUT
//! endpoint that verifies the signature, `x-amz-date`, Content-Length and the payload SHA-256,
//! the HarmonyOS bind and compile-status calls, and service-account JWT bearers. Fault modes
//! ([`Fault`]) drive the reliability tests; every request is recorded ([`RequestRecord`]).
//!
//! Run in-process with [`MockServer::start`], or as the standalone `agc-mock` binary.
//!
//! Modules depend one way: this root (the [`MockServer`] handle) on `server` (accept loop,
//! routing, token, bind, compile status, control), which dispatches to the handlers
//! (`server_api`, `server_put`, `server_multipart`, `server_preflight`, `server_release`);
//! they use `server_common` (shared helpers), `state` (the shared state) and `model` (the
//! public types), which use none of them; `http`, `sigv4`, `jwt`, `tls` and `util` are leaves.

#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod http;
mod jwt;
mod model;
mod server;
mod server_api;
mod server_common;
mod server_listing;
mod server_multipart;
mod server_preflight;
mod server_put;
mod server_release;
pub mod sigv4;
mod state;
mod tls;
mod util;

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::Value;

pub use model::{
    fault_from_name, fixture_private_key_path, fixture_service_account, hostile_text, Endpoint, Fault, IdKind,
    MockConfig, ReflectAt, RequestRecord, ServiceAccount, StatusVariant, StoredObject, UploadUpstream, FIXTURE_DIR,
    JWT_AUDIENCE, MAX_SKEW_SECS, OBS_ACCESS_KEY, OBS_BUCKET, OBS_REGION, OBS_SECRET_KEY, OBS_USER_AGENT,
};
pub use state::{AppIdListShape, AppPreflight, ReleaseCall, TestVersion as MockTestVersion};
/// The `x-amz-date` form of a Unix time, for callers that sign with [`sigv4`] (the interop test).
pub use util::amz_date;

use state::{Shared, State};

/// A running mock server. Dropping it stops accepting connections and ends connection threads
/// within about a second.
pub struct MockServer {
    shared: Arc<Shared>,
    ca_pem: String,
    ca_path: PathBuf,
    temp_dir: PathBuf,
    accept: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds `127.0.0.1:0`, generates the CA and certificate, and returns once accepting.
    pub fn start(config: MockConfig) -> std::io::Result<MockServer> {
        Self::start_on_port(config, 0)
    }

    /// Like [`MockServer::start`] but binds `127.0.0.1:port` (0 = any free port).
    pub fn start_on_port(config: MockConfig, port: u16) -> std::io::Result<MockServer> {
        let tls = tls::generate()?;
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let port = listener.local_addr()?.port();
        let temp_dir =
            std::env::temp_dir().join(format!("agc-mock-{}-{}-{}", std::process::id(), port, util::random_hex(4)));
        std::fs::create_dir_all(&temp_dir)?;
        let ca_path = temp_dir.join("ca.pem");
        std::fs::write(&ca_path, &tls.ca_pem)?;
        let shared = Arc::new(Shared {
            config,
            port,
            shutdown: Arc::new(AtomicBool::new(false)),
            log: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            state: Mutex::new(State::default()),
            temp_dir: temp_dir.clone(),
        });
        let s2 = shared.clone();
        let tls_config = tls.config.clone();
        let accept = std::thread::Builder::new()
            .name(format!("agc-mock-accept-{port}"))
            .spawn(move || server::accept_loop(listener, s2, tls_config))?;
        Ok(MockServer { shared, ca_pem: tls.ca_pem, ca_path, temp_dir, accept: Some(accept) })
    }

    /// [`MockServer::start`] with [`MockConfig::default`].
    pub fn start_default() -> std::io::Result<MockServer> {
        Self::start(MockConfig::default())
    }

    /// `https://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.shared.base_url()
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.shared.port
    }

    /// PEM of the generated CA.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// Path of a file holding [`MockServer::ca_pem`] (removed when the server is dropped).
    pub fn ca_path(&self) -> PathBuf {
        self.ca_path.clone()
    }

    /// The accepted client id.
    pub fn client_id(&self) -> String {
        self.shared.config.client_id.clone()
    }

    /// The accepted client secret.
    pub fn client_secret(&self) -> String {
        self.shared.config.client_secret.clone()
    }

    /// Replaces the current fault; [`Fault::None`] clears it.
    pub fn set_fault(&self, fault: Fault) {
        self.shared.lock().fault = if fault == Fault::None { None } else { Some(fault) };
    }

    /// Every request, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().records.iter().map(|(_, r)| r.clone()).collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.lock().records.clear();
    }

    /// Accepted uploads, in order.
    pub fn objects(&self) -> Vec<StoredObject> {
        self.shared.lock().objects.clone()
    }

    /// One accepted upload by object id.
    pub fn object(&self, object_id: &str) -> Option<StoredObject> {
        self.shared.lock().objects.iter().find(|o| o.object_id == object_id).cloned()
    }

    /// Number of packages created by binds (each bind AGC processed creates one).
    pub fn packages_bound(&self) -> usize {
        self.shared.lock().packages.len()
    }

    /// Number of access tokens issued.
    pub fn tokens_issued(&self) -> usize {
        self.shared.lock().issued_tokens.len()
    }

    /// Every access token handed out.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.lock().issued_tokens.clone()
    }

    /// Every SigV4 `Authorization` value handed out in upload-url answers.
    pub fn upload_authorizations(&self) -> Vec<String> {
        self.shared.lock().upload_auths.clone()
    }

    /// multipart upload: forget every upload session (as if AGC dropped them between runs).
    pub fn forget_multipart_sessions(&self) {
        self.shared.lock().multipart.forget();
    }

    /// multipart upload: the parts stored so far, as `(nspUploadId, part number)`, in order
    /// (a part sent twice appears twice).
    pub fn stored_parts(&self) -> Vec<(String, u32)> {
        self.shared.lock().multipart.stored_parts.clone()
    }

    /// Log one line per request to stderr (method, path, status, body bytes; never secrets).
    pub fn set_request_log(&self, on: bool) {
        self.shared.log.store(on, Ordering::SeqCst);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.shared.port));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        let _ = std::fs::remove_dir_all(&self.temp_dir);
    }
}

impl MockServer {
    /// Every release call (notes, submit, app-info, test versions) with its JSON body.
    pub fn release_calls(&self) -> Vec<ReleaseCall> {
        self.shared.lock().release.calls.clone()
    }

    /// Release notes stored for an app, by language.
    pub fn release_notes(&self, app_id: &str) -> BTreeMap<String, String> {
        self.shared.lock().release.apps.get(app_id).map(|a| a.notes.clone()).unwrap_or_default()
    }

    /// The body of the app's accepted submit, if any.
    pub fn last_submit(&self, app_id: &str) -> Option<Value> {
        self.shared.lock().release.apps.get(app_id).and_then(|a| a.last_submit.clone())
    }

    /// The languages an app has (default `en-US`, `zh-CN`).
    pub fn set_languages(&self, app_id: &str, languages: &[&str]) {
        let mut st = self.shared.lock();
        st.release.apps.entry(app_id.to_string()).or_default().languages =
            languages.iter().map(|s| s.to_string()).collect();
    }

    /// Force an app's `releaseState` and audit opinion (for example 8 and the reviewers' words).
    pub fn set_release_state(&self, app_id: &str, release_state: i64, audit_opinion: Option<&str>) {
        let mut st = self.shared.lock();
        let app = st.release.apps.entry(app_id.to_string()).or_default();
        app.release_state = release_state;
        app.audit_opinion = audit_opinion.map(str::to_string);
    }

    /// After the app's next accepted submit, answer `releaseState` 12 (pre-review) for `reads`
    /// app-info reads, then 4 (in review), as AGC does; 0 (the default) goes to 4 at once.
    pub fn set_pre_review_reads(&self, app_id: &str, reads: u32) {
        self.shared.lock().release.apps.entry(app_id.to_string()).or_default().pre_review_reads = reads;
    }

    /// Set (or clear) the `reviewState` the app's app-info answers carry.
    pub fn set_review_state(&self, app_id: &str, review_state: Option<i64>) {
        self.shared.lock().release.apps.entry(app_id.to_string()).or_default().review_state = review_state;
    }

    /// A test version by id.
    pub fn test_version(&self, version_id: &str) -> Option<MockTestVersion> {
        self.shared.lock().release.versions.get(version_id).cloned()
    }
}

impl MockServer {
    /// Replace what the preflight of `app_id` sees (bundle name, version codes, a full draft,
    /// refusals for lack of rights).
    pub fn set_app_preflight(&self, app_id: &str, preflight: AppPreflight) {
        self.shared.lock().release.apps.entry(app_id.to_string()).or_default().preflight = preflight;
    }

    /// Bind `package_name` to `app_id` and set the versions app-info shows: the draft's or
    /// the one in review (`versionCode`) and the live one (`onShelfVersionCode`).
    pub fn set_app_versions(&self, app_id: &str, package_name: &str, version_code: Option<i64>, live: Option<i64>) {
        let mut st = self.shared.lock();
        let p = &mut st.release.apps.entry(app_id.to_string()).or_default().preflight;
        p.package_name = Some(package_name.to_string());
        p.version_code = version_code;
        p.on_shelf_version_code = live;
        p.on_shelf_version_number = live.map(|n| format!("{}.{}.{}", n / 1_000_000, n / 1000 % 1000, n % 1000));
        p.update_time = live.map(|_| "2025-03-01 10:00:00".to_string());
    }

    /// What `POST /mock/app` with `body` does (its body's fields are documented there): the standalone mock's
    /// `--app JSON`.
    pub fn control_app_json(&self, body: &[u8]) -> Result<(), String> {
        server_preflight::control_app(&self.shared, body)
    }

    /// Which shape `appid-list` answers with (default: `appids` with `key`/`value` items).
    pub fn set_appid_list_shape(&self, shape: AppIdListShape) {
        self.shared.lock().release.appid_list_shape = shape;
    }
}

// The store listing (server_listing.rs).
impl MockServer {
    /// Start a phased release of `version_id` (state RELEASE) at `phase_day`, as app-info then
    /// shows it (`releasePhase` 3, `phasedReleaseInfo`).
    pub fn set_phased(&self, app_id: &str, version_id: &str, phase_day: Option<i64>) {
        self.shared.lock().listing.apps.entry(app_id.to_string()).or_default().phased =
            Some(state::Phased { version_id: version_id.to_string(), state: "RELEASE".into(), phase_day });
    }

    /// The phased release of `app_id`: (state, phaseDay, versionId), `None` when none runs.
    pub fn phased(&self, app_id: &str) -> Option<(String, Option<i64>, String)> {
        let st = self.shared.lock();
        let p = st.listing.apps.get(app_id)?.phased.clone()?;
        Some((p.state, p.phase_day, p.version_id))
    }

    /// app-info's `languages[]` of `app_id`, as the listing calls left it.
    pub fn listing(&self, app_id: &str) -> Vec<Value> {
        let st = self.shared.lock();
        let (languages, notes) = st
            .release
            .apps
            .get(app_id)
            .map(|a| (a.languages.clone(), a.notes.clone()))
            .unwrap_or_else(|| (vec!["en-US".into(), "zh-CN".into()], BTreeMap::new()));
        server_listing::languages_json(&self.shared, &st.listing, app_id, &languages, &notes)
    }
}
