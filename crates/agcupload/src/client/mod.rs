//! The [`Client`]: its settings and setters, and one file per operation: [`upload`](crate::client::upload), [`publish`](crate::client::publish)
//! (bind, wait, publish), [`release`](crate::client::release) (the release road and its single steps), [`check`](crate::client::check),
//! [`listing`](crate::client::listing) (the store listing from a folder, withdraw, phased release, app id look-up).

use std::path::Path;
use std::time::Duration;

use crate::auth::{self, Credentials, TokenCache};
use crate::connect::{
    self, listing::ListingPaths, multipart::MultipartPaths, preflight::PreflightPaths, release::ReleasePaths,
};
use crate::error::{Error, Result};
use crate::net::http::{self, Settings, TrustRoots};
use crate::net::proxy::ProxyChoice;
use crate::net::retry::RetryPolicy;
use crate::progress::{self, Phase, Progress};
use crate::seal::SealKey;
use crate::text::redact::Redactor;

pub(crate) mod check;
pub(crate) mod listing;
pub(crate) mod listing_plan;
pub(crate) mod preflight;
pub(crate) mod publish;
pub(crate) mod release;
pub(crate) mod upload;
pub(crate) mod versions;
pub use check::CheckReport;
pub use preflight::{PreflightFor, PreflightReport};
pub use publish::Published;
pub use upload::{Transfer, UploadRequest, UploadResult};

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
            // The same check as every upload URL: a port out of range, a
            // fragment, a query or user info is refused, never silently dropped.
            connect::upload_url::check_api_base(trimmed)?;
            trimmed.to_owned()
        }
    };
    Ok(base)
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
    release_paths: ReleasePaths,
    multipart_paths: MultipartPaths,
    preflight_paths: PreflightPaths,
    listing_paths: ListingPaths,
    /// Part URLs older than this are asked again ([`upload::PART_URL_MAX_AGE`]).
    part_url_max_age: Duration,
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
            poll: (crate::defaults::POLL_INITIAL, crate::defaults::POLL_MAX),
            redactor,
            release_paths: ReleasePaths::default(),
            multipart_paths: MultipartPaths::default(),
            preflight_paths: PreflightPaths::default(),
            listing_paths: ListingPaths::default(),
            part_url_max_age: upload::PART_URL_MAX_AGE,
        })
    }

    /// The gate ([`crate::text::untrusted`]): every result a public method returns passes through
    /// here, its server-provided fields on success, its text on failure.
    pub(crate) fn clean<T: crate::text::untrusted::FromServer>(&self, r: Result<T>) -> Result<T> {
        crate::text::untrusted::Gate::new(&self.redactor).pass(r)
    }

    /// The gate for a result that holds no server text (a local setting): its error only.
    pub(crate) fn clean_error<T>(&self, r: Result<T>) -> Result<T> {
        r.map_err(|e| crate::text::untrusted::Gate::new(&self.redactor).error(e))
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
        self.api_base = self.clean_error(base)?;
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
        self.settings.extra_roots = self.clean_error(roots)?;
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
    /// Without one, uploading a [`PackageKind::ProfilePicture`](crate::PackageKind::ProfilePicture) fails: never in plaintext.
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
}

// Hooks of the release road (src/client/release.rs).
impl Client {
    /// Replace the Connect API paths of the release calls (notes, submit, state, test
    /// releases); see [`ReleasePaths`] for the defaults.
    pub fn set_release_paths(&mut self, paths: ReleasePaths) -> Result<()> {
        paths.validate()?;
        self.release_paths = paths;
        Ok(())
    }

    /// The Connect API paths of the release calls in use.
    pub fn release_paths(&self) -> &ReleasePaths {
        &self.release_paths
    }

    /// Replace the Connect API paths of the listing calls, withdraw and phased release; see
    /// [`ListingPaths`] for the defaults.
    pub fn set_listing_paths(&mut self, paths: ListingPaths) -> Result<()> {
        paths.validate()?;
        self.listing_paths = paths;
        Ok(())
    }

    /// How old part URLs may be before a part is sent with them (default
    /// [`upload::PART_URL_MAX_AGE`]); older ones are asked again. For tests of that road.
    #[doc(hidden)]
    pub fn set_part_url_max_age(&mut self, age: Duration) {
        self.part_url_max_age = age;
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
        ) -> Result<connect::Answer<T>>,
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
            // The call reports through a handle that borrows the sink per report, so that
            // `waiting` can also run while the call waits for its answer.
            auth::with_token(&self.tokens, &self.agent, &self.api_base, deadline, waiting, |headers| {
                call(attempt, &self.agent, &self.api_base, headers, deadline, &mut SharedSink(&sink))
            })
        });
        // Every call's error leaves through the gate too; its answer passes the gate in the
        // public method that returns it (the result type says which fields a server wrote).
        self.clean_error(r)
    }
}

/// A [`RecordingSink`] shared by reference: each report borrows it for that report only.
struct SharedSink<'s, 'a>(&'s std::cell::RefCell<RecordingSink<'a>>);

impl Progress for SharedSink<'_, '_> {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        // Never nested (a report does no I/O), so the borrow is free; if not, go on.
        self.0.try_borrow_mut().map_or(true, |mut s| s.report(phase, done, total))
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
