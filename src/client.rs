//! The orchestration of one upload: validate -> hash -> token -> upload URL -> PUT.
//!
//! Data flows one way. Every step before the network is local and final (a bad file never
//! costs a request); every step after it runs inside the retry policy, and each attempt asks
//! for a fresh signed URL (they expire after about five minutes) but reuses the hash.

use std::path::Path;
use std::time::Duration;

use crate::api::{self, UploadUrlQuery};
use crate::auth::{self, Credentials, TokenCache};
use crate::digest::{self, to_hex};
use crate::error::{Error, Result};
use crate::http::{self, Settings, TrustRoots};
use crate::package::{Package, PackageKind};
use crate::progress::{self, Phase, Progress};
use crate::proxy::ProxyChoice;
use crate::redact::Redactor;
use crate::retry::RetryPolicy;
use crate::seal::{self, SealKey};
use crate::transfer;

mod check;
pub use check::CheckReport;

/// The Connect API of AGC's China site.
pub const DEFAULT_API_BASE: &str = "https://connect-api.cloud.huawei.com";

/// Base URL for a site name (`cn`, `de`, `sg`, `ru`), or a full `https://` base URL.
pub fn resolve_api_base(site_or_url: &str) -> Result<String> {
    let base = match site_or_url.trim() {
        "cn" => DEFAULT_API_BASE.to_owned(),
        "de" => "https://connect-api-dre.cloud.huawei.com".to_owned(),
        "sg" => "https://connect-api-dra.cloud.huawei.com".to_owned(),
        "ru" => "https://connect-api-drru.cloud.huawei.com".to_owned(),
        url => {
            let trimmed = url.trim_end_matches('/');
            // The same check as every upload URL (issue 9 item 7): a port out of range, a
            // fragment, a query or user info is refused, never silently dropped.
            crate::api::check_api_base(trimmed)?;
            trimmed.to_owned()
        }
    };
    Ok(base)
}

/// One upload: what and where.
#[derive(Debug, Clone)]
pub struct UploadRequest<'a> {
    /// The app's id in AGC.
    pub app_id: &'a str,
    /// The local file.
    pub path: &'a Path,
    /// What the file is; decides the suffix and size rules.
    pub kind: PackageKind,
    /// Name sent to AGC (default: the file's own name); its suffix must match the content.
    pub file_name: Option<&'a str>,
    /// `releaseType`: 1 full release, 6 HarmonyOS test release. Not sent when `None`.
    pub release_type: Option<u32>,
    /// `chineseMainlandFlag`. Not sent when `None`.
    pub chinese_mainland: Option<bool>,
}

impl<'a> UploadRequest<'a> {
    /// An upload with the default options.
    pub fn new(app_id: &'a str, path: &'a Path, kind: PackageKind) -> UploadRequest<'a> {
        UploadRequest { app_id, path, kind, file_name: None, release_type: None, chinese_mainland: None }
    }
}

/// What AGC stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadResult {
    /// AGC's opaque id of the stored object (needed to bind it to the app).
    pub object_id: String,
    /// Lowercase hex SHA-256 of the uploaded bytes.
    pub sha256_hex: String,
    /// Bytes uploaded.
    pub size: u64,
    /// The `fileName` AGC recorded.
    pub file_name: String,
}

/// An AGC client. Cheap to share: uploads take `&self` and may run on several threads at
/// once (the token cache is synchronised); setters take `&mut self`.
#[derive(Debug)]
pub struct Client {
    api_base: String,
    settings: Settings,
    agent: ureq::Agent,
    tokens: TokenCache,
    retry: RetryPolicy,
    seal_key: Option<SealKey>,
    poll: (Duration, Duration),
    /// Every secret this client knows; every error leaving a public method goes through it.
    redactor: std::sync::Arc<Redactor>,
    release_paths: crate::release::ReleasePaths,
}

/// Default first wait between two compile-status polls; doubles up to [`POLL_MAX`].
pub const POLL_INITIAL: Duration = Duration::from_secs(5);
/// Default longest wait between two compile-status polls.
pub const POLL_MAX: Duration = Duration::from_secs(30);

/// What [`Client::publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The upload.
    pub upload: UploadResult,
    /// The package id AGC gave the bound object.
    pub package_id: String,
}

impl Client {
    /// A client for AGC's China site with default settings.
    pub fn new(credentials: Credentials) -> Result<Client> {
        if let Credentials::ApiClient { client_id, client_secret } = &credentials {
            if client_id.is_empty() || client_secret.is_empty() {
                return Err(Error::InvalidArgument("client id and client secret must not be empty".into()));
            }
        }
        let redactor = std::sync::Arc::new(Redactor::new());
        if let Credentials::ApiClient { client_secret, .. } = &credentials {
            redactor.add_fixed(client_secret.expose());
        }
        let settings = Settings::default();
        Ok(Client {
            api_base: DEFAULT_API_BASE.to_owned(),
            agent: http::agent(&settings),
            settings,
            tokens: TokenCache::new(credentials, redactor.clone()),
            retry: RetryPolicy::default(),
            seal_key: None,
            poll: (POLL_INITIAL, POLL_MAX),
            redactor,
            release_paths: crate::release::ReleasePaths::default(),
        })
    }

    /// The redaction step: every error a public method returns passes through here.
    pub(crate) fn clean<T>(&self, r: Result<T>) -> Result<T> {
        r.map_err(|e| self.redactor.redact_error(e))
    }

    /// Redact every secret this client knows (client secret, current and previous tokens,
    /// JWTs, signed upload values, seal key) from `text`, for callers that log server text.
    pub fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// Use another site (`cn`, `de`, `sg`, `ru`) or base URL. A token is valid only on the
    /// site that issued it, so the cached token is dropped.
    pub fn set_api_base(&mut self, site_or_url: &str) -> Result<()> {
        let base = resolve_api_base(site_or_url);
        self.api_base = self.clean(base)?;
        self.tokens.clear();
        Ok(())
    }

    /// The Connect API base URL in use.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// Trust the CAs in this PEM file in addition to the built-in webpki roots.
    ///
    /// Only a regular file is read, at most 4 MiB: a FIFO, a device, a directory or a socket
    /// is refused at once with [`Error::File`] (never blocks, never reads), and so is a larger
    /// file. A missing or unreadable file, or one without a PEM certificate, is [`Error::Tls`].
    pub fn set_ca_file(&mut self, path: &Path) -> Result<()> {
        let roots = http::load_ca_file(path);
        self.settings.extra_roots = self.clean(roots)?;
        self.agent = http::agent(&self.settings);
        Ok(())
    }

    /// Which root certificates to trust: Mozilla's (default), the operating system's, or both
    /// (the CA file of [`Client::set_ca_file`] is added in every case). The system store is
    /// read now (on Linux `SSL_CERT_FILE` / `SSL_CERT_DIR` when set); an empty one is an
    /// [`Error::Tls`].
    pub fn set_trust(&mut self, trust: TrustRoots) -> Result<()> {
        if trust != TrustRoots::Mozilla {
            self.settings.system_roots = http::load_system_roots()?;
        }
        self.settings.trust = trust;
        self.agent = http::agent(&self.settings);
        Ok(())
    }

    /// The HTTP CONNECT proxy for every connection: `None` or `Some("env")` = the environment
    /// (`https_proxy`, `HTTPS_PROXY`, `all_proxy`, `ALL_PROXY`, with `no_proxy`/`NO_PROXY`;
    /// the default), `Some("none")` = direct whatever the environment says, or a URL
    /// `http://[user:password@]host:port` (`https://` for TLS to the proxy), to which
    /// `NO_PROXY` still applies. The environment is read when the client is created or a
    /// setting changes. Credentials in the URL never appear in a message.
    pub fn set_proxy(&mut self, proxy: Option<&str>) -> Result<()> {
        self.settings.proxy = ProxyChoice::from_setting(proxy)?;
        self.agent = http::agent(&self.settings);
        Ok(())
    }

    /// Connect timeout, and inactivity timeout (longest wait for any single read or write).
    pub fn set_timeouts(&mut self, connect: Duration, inactivity: Duration) -> Result<()> {
        if connect.is_zero() || inactivity.is_zero() {
            return Err(Error::InvalidArgument("timeouts must be greater than zero".into()));
        }
        self.settings.connect_timeout = connect;
        self.settings.io_timeout = inactivity;
        self.agent = http::agent(&self.settings);
        Ok(())
    }

    /// The `User-Agent` of Connect API calls (the upload replays the signed one).
    pub fn set_user_agent(&mut self, user_agent: &str) -> Result<()> {
        if user_agent.is_empty() || user_agent.len() > 256 || user_agent.bytes().any(|b| b.is_ascii_control()) {
            return Err(Error::InvalidArgument("user agent must be 1 to 256 printable characters".into()));
        }
        self.settings.user_agent = user_agent.to_owned();
        self.agent = http::agent(&self.settings);
        Ok(())
    }

    /// Attempts in all (>= 1) and the overall deadline of one operation (`None`: unbounded).
    pub fn set_retry(&mut self, max_attempts: u32, deadline: Option<Duration>) -> Result<()> {
        if max_attempts == 0 || max_attempts > 100 {
            return Err(Error::InvalidArgument("max attempts must be 1 to 100".into()));
        }
        self.retry.max_attempts = max_attempts;
        self.retry.deadline = deadline;
        Ok(())
    }

    /// Replace the whole retry policy (backoff timing included).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) -> Result<()> {
        self.set_retry(policy.max_attempts, policy.deadline)?;
        self.retry = policy;
        Ok(())
    }

    /// The key that seals profile pictures before upload (see `docs/sealed-format.md`).
    /// Without one, uploading a [`PackageKind::ProfilePicture`] fails: never in plaintext.
    pub fn set_seal_key(&mut self, key: SealKey) {
        self.redactor.add_key_bytes(key.expose());
        self.seal_key = Some(key);
    }

    /// Waits between compile-status polls: the first, and the cap it doubles up to.
    pub fn set_poll_interval(&mut self, initial: Duration, max: Duration) -> Result<()> {
        if initial.is_zero() || max < initial {
            return Err(Error::InvalidArgument("poll interval must be > 0 and max >= initial".into()));
        }
        self.poll = (initial, max);
        Ok(())
    }

    /// Tokens fetched from the server by this client so far.
    pub fn tokens_fetched(&self) -> usize {
        self.tokens.fetches()
    }

    /// Upload a file with default options. See [`Client::upload`].
    pub fn upload_file(
        &self,
        app_id: &str,
        path: &Path,
        kind: PackageKind,
        progress: &mut dyn Progress,
    ) -> Result<UploadResult> {
        self.upload(&UploadRequest::new(app_id, path, kind), progress)
    }

    /// Validate, hash and upload a file. Progress phases: Hashing, then per attempt
    /// RequestingUrl and Uploading (Retrying between attempts), then Done.
    pub fn upload(&self, request: &UploadRequest<'_>, progress: &mut dyn Progress) -> Result<UploadResult> {
        let r = self.upload_inner(request, progress);
        self.clean(r)
    }

    fn upload_inner(&self, request: &UploadRequest<'_>, progress: &mut dyn Progress) -> Result<UploadResult> {
        check_app_id(request.app_id)?;
        let package = Package::open(request.path, request.kind, request.file_name)?;
        let file_name = package.file_name.clone();
        let (mut file, size) = match request.kind {
            PackageKind::ProfilePicture => {
                let key = self.seal_key.as_ref().ok_or_else(|| {
                    Error::SealKey("profile pictures are uploaded only sealed: set a seal key first".into())
                })?;
                seal_to_temp(key, package, progress)?
            }
            _ => (package.file, package.size),
        };
        let digest = digest::sha256_file(&mut file, size, progress)?;
        let sha256_hex = to_hex(&digest);
        let query = UploadUrlQuery {
            app_id: request.app_id,
            file_name: &file_name,
            content_length: size,
            sha256_hex: &sha256_hex,
            release_type: request.release_type,
            chinese_mainland: request.chinese_mainland,
        };
        let deadline = self.retry.start();
        let object_id = self.retry.run(deadline, progress, |_, deadline, progress| {
            progress::event(progress, Phase::RequestingUrl, 0, 0)?;
            let waiting = &mut || progress::event(progress, Phase::RequestingUrl, 0, 0);
            let target = auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                api::request_upload_url(&self.agent, &self.api_base, headers, &query, deadline)
            })?;
            for (name, value) in &target.headers {
                if name.eq_ignore_ascii_case("authorization") {
                    self.redactor.add_authorization(value.expose());
                }
            }
            transfer::put(&self.agent, &target, &mut file, size, &digest, progress, deadline)?;
            Ok(target.object_id)
        })?;
        progress::event(progress, Phase::Done, size, size)?;
        Ok(UploadResult { object_id, sha256_hex, size, file_name })
    }
}

/// Seal a checked picture into an unnamed temporary file (created 0600 in the temp dir and
/// unlinked at once, so no ciphertext or plaintext copy outlives the upload, even a crash).
///
/// Exactly the validated `package.size` bytes are sealed, and they must be the file's bytes
/// and start with the bytes whose type was validated: a picture that grows, shrinks or is
/// rewritten while it is sealed ends with [`Error::FileChanged`] (see `seal::seal_snapshot`),
/// before anything is sent.
fn seal_to_temp(key: &SealKey, package: Package, progress: &mut dyn Progress) -> Result<(std::fs::File, u64)> {
    use std::io::{Seek, SeekFrom};
    let dir = std::env::temp_dir();
    let path = dir.join(format!(".agc-sealed-{}-{}", std::process::id(), seal::random_suffix()?));
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut out = opts.open(&path).map_err(|e| Error::file(&path, e))?;
    let _ = std::fs::remove_file(&path);
    let mut ticker = progress::Ticker::start(progress, Phase::Sealing, package.size)?;
    let sealed = seal::seal_snapshot(
        key,
        &package.file,
        package.size,
        &package.head[..package.head_len],
        &package.path,
        &path,
        &mut out,
        &mut |n| ticker.advance(n),
    )?;
    out.seek(SeekFrom::Start(0)).map_err(|e| Error::file(&path, e))?;
    Ok((out, sealed))
}

impl Client {
    /// Bind an uploaded object to the app (HarmonyOS 5+: v3 app-package-info); returns the
    /// package id. Reports [`Phase::Binding`]; transient failures are retried.
    pub fn bind_package(&self, app_id: &str, upload: &UploadResult, progress: &mut dyn Progress) -> Result<String> {
        self.bind_object(app_id, &upload.file_name, &upload.object_id, progress)
    }

    /// [`Client::bind_package`] from the stored object's file name and id (for example an
    /// object uploaded earlier by another process).
    pub fn bind_object(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        let r = self.bind_object_inner(app_id, file_name, object_id, progress);
        self.clean(r)
    }

    fn bind_object_inner(
        &self,
        app_id: &str,
        file_name: &str,
        object_id: &str,
        progress: &mut dyn Progress,
    ) -> Result<String> {
        check_app_id(app_id)?;
        crate::package::check_file_name(file_name)?;
        api::check_object_id(object_id)?;
        // A bind is not idempotent: retry only when the failed attempt cannot have been
        // processed (see `api::bind_package`); otherwise stop and name the object id.
        let unsure = std::cell::Cell::new(false);
        let deadline = self.retry.start();
        let bound = self.retry.run_if(
            deadline,
            progress,
            |e| !unsure.get() && crate::retry::is_retryable(e),
            |_, deadline, progress| {
                progress::event(progress, Phase::Binding, 0, 0)?;
                let waiting = &mut || progress::event(progress, Phase::Binding, 0, 0);
                auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                    api::bind_package(
                        &self.agent,
                        &self.api_base,
                        headers,
                        app_id,
                        file_name,
                        object_id,
                        deadline,
                        &unsure,
                    )
                })
            },
        );
        bound.map_err(|e| if unsure.get() { bind_may_have_happened(e, object_id) } else { e })
    }

    /// Poll AGC until the package is parsed: `Ok` when ready, [`Error::PackageFailed`] with
    /// AGC's reason, or [`Error::Timeout`] after `timeout`. Waits start at 5 s and double up
    /// to 30 s ([`Client::set_poll_interval`]); [`Phase::Waiting`] reports elapsed and
    /// timeout in milliseconds, several times a second, so the wait can be cancelled.
    pub fn wait_package_ready(
        &self,
        app_id: &str,
        package_id: &str,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let r = self.wait_package_ready_inner(app_id, package_id, timeout, progress);
        self.clean(r)
    }

    fn wait_package_ready_inner(
        &self,
        app_id: &str,
        package_id: &str,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        check_app_id(app_id)?;
        api::check_package_id(package_id)?;
        let start = std::time::Instant::now();
        let end = start + timeout;
        let total_ms = timeout.as_millis() as u64;
        let mut wait = self.poll.0;
        loop {
            let deadline = http::Deadline(Some(end.min(self.retry.start().0.unwrap_or(end))));
            let state = self.retry.run(deadline, progress, |_, deadline, progress| {
                let waiting = &mut || {
                    let elapsed = start.elapsed().as_millis() as u64;
                    progress::event(progress, Phase::Waiting, elapsed.min(total_ms), total_ms)
                };
                auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                    api::compile_status(&self.agent, &self.api_base, headers, app_id, package_id, deadline)
                })
            });
            let state = match state {
                Ok(s) => s,
                Err(Error::Timeout(_)) if std::time::Instant::now() >= end => {
                    return Err(Error::Timeout(format!(
                        "package {package_id} was not parsed within {} s",
                        timeout.as_secs()
                    )))
                }
                Err(e) => return Err(e),
            };
            match state {
                api::PackageState::Ready => {
                    progress::event(
                        progress,
                        Phase::Waiting,
                        total_ms.min(start.elapsed().as_millis() as u64),
                        total_ms,
                    )?;
                    return Ok(());
                }
                api::PackageState::Failed(reason) => return Err(Error::PackageFailed(reason)),
                api::PackageState::Parsing => {}
            }
            let now = std::time::Instant::now();
            if now >= end {
                return Err(Error::Timeout(format!(
                    "package {package_id} was not parsed within {} s",
                    timeout.as_secs()
                )));
            }
            let until = (now + wait).min(end);
            while std::time::Instant::now() < until {
                let elapsed = start.elapsed().as_millis() as u64;
                progress::event(progress, Phase::Waiting, elapsed.min(total_ms), total_ms)?;
                std::thread::sleep((until - std::time::Instant::now().min(until)).min(Duration::from_millis(200)));
            }
            wait = (wait * 2).min(self.poll.1);
        }
    }

    /// Upload, bind and wait for AGC to parse the package, in one call.
    pub fn publish(
        &self,
        request: &UploadRequest<'_>,
        timeout: Duration,
        progress: &mut dyn Progress,
    ) -> Result<Published> {
        let r = (|| {
            let upload = self.upload_inner(request, progress)?;
            let package_id = self.bind_object_inner(request.app_id, &upload.file_name, &upload.object_id, progress)?;
            self.wait_package_ready_inner(request.app_id, &package_id, timeout, progress)?;
            Ok(Published { upload, package_id })
        })();
        self.clean(r)
    }
}

/// The error of a bind that AGC may have processed although it failed: same status, and a
/// message that says so and names the object id, so the caller can check the draft and bind
/// it later with `agc_bind_object` instead of attaching it twice.
fn bind_may_have_happened(e: Error, object_id: &str) -> Error {
    let note = format!(
        "; AGC may have processed this bind, so it was not repeated (a second bind could attach the package \
         twice): check the app's packages, or bind object id {} later with agc_bind_object",
        crate::error::bounded(object_id, 300)
    );
    match e {
        Error::Network { what, .. } => Error::Network { what: what + &note, retryable: false },
        Error::Timeout(m) => Error::Timeout(m + &note),
        Error::Http { status, message, retry_after } => Error::Http { status, message: message + &note, retry_after },
        Error::Protocol(m) => Error::Protocol(m + &note),
        other => other,
    }
}

pub(crate) fn check_app_id(app_id: &str) -> Result<()> {
    if app_id.is_empty()
        || app_id.len() > 128
        || app_id.chars().any(|c| crate::text::is_hidden_or_control(c) || c.is_whitespace())
        || crate::text::is_unusable_id(app_id)
    {
        return Err(Error::InvalidArgument(format!(
            "app id must be 1 to 128 characters, without spaces, {}",
            crate::text::UNUSABLE_ID
        )));
    }
    Ok(())
}

// Hooks of the release road (src/release.rs, src/release_flow.rs).
impl Client {
    /// Replace the Connect API paths of the release calls (notes, submit, state, test
    /// releases); see [`crate::release::ReleasePaths`] for the defaults.
    pub fn set_release_paths(&mut self, paths: crate::release::ReleasePaths) -> Result<()> {
        paths.validate()?;
        self.release_paths = paths;
        Ok(())
    }

    /// The Connect API paths of the release calls in use.
    pub fn release_paths(&self) -> &crate::release::ReleasePaths {
        &self.release_paths
    }

    /// The compile-status poll intervals (first wait, cap), reused by the submit backoff.
    pub(crate) fn poll_intervals(&self) -> (Duration, Duration) {
        self.poll
    }

    /// One Connect API call under the retry policy, with a token refreshed once if refused.
    /// `call` gets the attempt (1-based), the agent, the API base, the auth headers, the
    /// deadline and the sink.
    pub(crate) fn connect_call<T>(
        &self,
        progress: &mut dyn Progress,
        mut call: impl FnMut(
            u32,
            &ureq::Agent,
            &str,
            &auth::AuthHeaders,
            http::Deadline,
            &mut dyn Progress,
        ) -> Result<api::Answer<T>>,
    ) -> Result<T> {
        let deadline = self.retry.start();
        let r = self.retry.run(deadline, progress, |attempt, deadline, progress| {
            // While another thread fetches the token, repeat the last phase this call reported
            // so the caller's callback can still cancel (nothing reported yet: wait silently,
            // the deadline still holds).
            let sink = std::cell::RefCell::new(RecordingSink { inner: progress, last: None });
            let waiting = &mut || {
                let mut s = sink.borrow_mut();
                match s.last {
                    Some((phase, done, total)) => progress::event(&mut *s, phase, done, total),
                    None => Ok(()),
                }
            };
            auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                call(attempt, &self.agent, &self.api_base, headers, deadline, &mut *sink.borrow_mut())
            })
        });
        // Every release call's error leaves through the redaction step too.
        self.clean(r)
    }
}

/// A progress sink that remembers the last report it passed on.
struct RecordingSink<'a> {
    inner: &'a mut dyn Progress,
    last: Option<(Phase, u64, u64)>,
}

impl Progress for RecordingSink<'_> {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        self.last = Some((phase, done, total));
        self.inner.report(phase, done, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_and_urls() {
        assert_eq!(resolve_api_base("cn").unwrap(), DEFAULT_API_BASE);
        assert_eq!(resolve_api_base("de").unwrap(), "https://connect-api-dre.cloud.huawei.com");
        assert_eq!(resolve_api_base("sg").unwrap(), "https://connect-api-dra.cloud.huawei.com");
        assert_eq!(resolve_api_base("ru").unwrap(), "https://connect-api-drru.cloud.huawei.com");
        assert_eq!(resolve_api_base("https://127.0.0.1:8443/").unwrap(), "https://127.0.0.1:8443");
        for bad in [
            "http://x.example",
            "https://u:p@x.example",
            "xx",
            "",
            "https://x.example/?a=1",
            "https://x.example:99999",
            "https://x.example/#frag",
            "https://x.example#frag",
            "https://x.example:0x1bb",
            "https://@x.example",
        ] {
            assert!(matches!(resolve_api_base(bad), Err(Error::InvalidArgument(_))), "{bad}");
        }
    }
}
