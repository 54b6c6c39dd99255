//! The HTTP transport: one `ureq` agent configured the way every call needs it (rustls with
//! the chosen roots, Mozilla's, the system's or both, plus an optional extra CA bundle; the
//! proxy of [`crate::net::proxy`]; no redirects, inactivity timeouts),
//! bounded reading of answers, and the one mapping from `ureq::Error` to [`Error`].
//!
//! Thread-free on purpose: ureq spawns a resolver thread only when a resolve, per-call or
//! global timeout is set, so we never set those. The overall deadline is enforced through
//! the per-phase timeouts of each request (send, receive) and by the retry loop.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ureq::config::Config;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::Agent;

use crate::error::{bounded, Error, Result};
use crate::net::proxy::{self, ProxyChoice};

/// Largest JSON answer we read from the Connect API.
pub const MAX_JSON_BODY: u64 = 1024 * 1024;
/// Largest error body we read from the upload host.
pub const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Default user agent.
pub fn default_user_agent() -> String {
    format!("libagcupload/{}", env!("CARGO_PKG_VERSION"))
}

/// Transport settings. Cheap to clone; secrets never live here.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub connect_timeout: Duration,
    /// Inactivity: the longest a single read or write on the socket may block.
    pub io_timeout: Duration,
    pub user_agent: String,
    /// Extra trusted CAs (DER), added to the roots `trust` chooses.
    pub extra_roots: Vec<Vec<u8>>,
    /// Which root store(s) to trust.
    pub trust: TrustRoots,
    /// The system's roots (DER), loaded when `trust` asks for them.
    pub system_roots: SystemRoots,
    /// Which proxy, if any (credentials never printed: see [`ProxyChoice`]'s Debug).
    pub proxy: ProxyChoice,
}

/// Which root certificates a client trusts (the CA file of `set_ca_file` is always added).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TrustRoots {
    /// Mozilla's roots, built into the library (webpki-root-certs): the same on every machine.
    #[default]
    Mozilla,
    /// The operating system's trust store (on Linux the distribution's bundle, or the file and
    /// directory named by `SSL_CERT_FILE` / `SSL_CERT_DIR`), read when this is set: for
    /// networks whose TLS-inspecting proxy has its CA installed in the system store.
    System,
    /// Both.
    Both,
}

impl TrustRoots {
    fn uses_system(self) -> bool {
        self != TrustRoots::Mozilla
    }
}

/// The system's root certificates (DER); Debug shows only how many.
#[derive(Clone, Default)]
pub(crate) struct SystemRoots(pub Arc<Vec<Vec<u8>>>);

impl std::fmt::Debug for SystemRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} certificates", self.0.len())
    }
}

/// Read the operating system's root certificates. Fails when none is found.
pub(crate) fn load_system_roots() -> Result<SystemRoots> {
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        let why = found.errors.first().map(|e| format!(": {}", bounded(&e.to_string(), 200))).unwrap_or_default();
        return Err(Error::Tls(format!(
            "no certificate found in the system trust store (SSL_CERT_FILE / SSL_CERT_DIR, or the OS store){why}"
        )));
    }
    Ok(SystemRoots(Arc::new(found.certs.iter().map(|c| c.as_ref().to_vec()).collect())))
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            connect_timeout: crate::defaults::CONNECT_TIMEOUT,
            io_timeout: crate::defaults::IO_TIMEOUT,
            user_agent: default_user_agent(),
            extra_roots: Vec::new(),
            trust: TrustRoots::Mozilla,
            system_roots: SystemRoots::default(),
            proxy: ProxyChoice::Environment,
        }
    }
}

/// Read a PEM bundle and return its certificates (DER). Fails when there is none.
pub(crate) fn load_ca_file(path: &Path) -> Result<Vec<Vec<u8>>> {
    // Never blocks on a FIFO, refuses special files (AGC_ERR_FILE), reads at most 4 MiB.
    let pem = crate::fsio::read_small(path, crate::fsio::SMALL_FILE_MAX).map_err(|e| {
        if e.is_unsuitable() {
            e.into_error(path)
        } else {
            Error::Tls(e.message("CA file", path))
        }
    })?;
    let shown = crate::text::bounds::path_for_message(path);
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => out.push(c.der().to_vec()),
            Ok(_) => {}
            Err(e) => return Err(Error::Tls(format!("CA file {shown} is not valid PEM: {e}"))),
        }
    }
    if out.is_empty() {
        return Err(Error::Tls(format!("CA file {shown} holds no certificate")));
    }
    Ok(out)
}

/// The trusted roots: Mozilla's (webpki) and/or the system's, as `trust` says, plus the extra
/// CAs. The extra CAs add to the roots, never replace them.
fn trusted_roots(settings: &Settings) -> Vec<Certificate<'static>> {
    let mut roots: Vec<Certificate<'static>> = Vec::new();
    if settings.trust != TrustRoots::System {
        roots.extend(
            webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|c| Certificate::from_der(c.as_ref()).to_owned()),
        );
    }
    if settings.trust.uses_system() {
        roots.extend(settings.system_roots.0.iter().map(|d| Certificate::from_der(d).to_owned()));
    }
    roots.extend(settings.extra_roots.iter().map(|d| Certificate::from_der(d).to_owned()));
    roots
}

/// Build the agent for `settings`. The proxy environment variables are read here.
pub(crate) fn agent(settings: &Settings) -> Agent {
    let tls = TlsConfig::builder().root_certs(RootCerts::Specific(Arc::new(trusted_roots(settings)))).build();
    let route = proxy::route(&settings.proxy);
    let config: Config = Agent::config_builder()
        // Always set: ureq would otherwise read the environment its own way.
        .proxy(route.proxy)
        .tls_config(tls)
        .https_only(true)
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(settings.user_agent.as_str())
        .timeout_connect(Some(settings.connect_timeout))
        .timeout_per_read(Some(settings.io_timeout))
        .timeout_per_write(Some(settings.io_timeout))
        // Larger writes mean fewer TLS records and syscalls for the PUT body.
        .output_buffer_size(256 * 1024)
        .input_buffer_size(128 * 1024)
        .build();
    Agent::with_parts(config, route.connector, ThreadFreeResolver::default())
}

/// DNS without a thread. ureq's default resolver spawns a thread to bound a lookup whenever it
/// is handed a timeout, and it hands one for a CONNECT proxy's own host name (the connect
/// timeout). We resolve synchronously instead, as for every other lookup here: the library
/// never starts a thread, and DNS has only the operating system's timeout.
#[derive(Debug, Default)]
struct ThreadFreeResolver(DefaultResolver);

impl ureq::unversioned::resolver::Resolver for ThreadFreeResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, ureq::unversioned::transport::NextTimeout::default())
    }
}

/// An absolute deadline, or none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline(pub Option<Instant>);

impl Deadline {
    /// Time left, or a timeout error when it has passed.
    pub fn remaining(&self) -> Result<Option<Duration>> {
        match self.0 {
            None => Ok(None),
            Some(at) => {
                let now = Instant::now();
                if now >= at {
                    Err(Error::Timeout("the overall deadline passed".into()))
                } else {
                    Ok(Some(at - now))
                }
            }
        }
    }
}

/// Apply the deadline to the phases of one request (never resolve/global: see module doc).
pub(crate) fn with_deadline<B>(req: ureq::RequestBuilder<B>, deadline: Deadline) -> Result<ureq::RequestBuilder<B>> {
    Ok(match deadline.remaining()? {
        None => req,
        Some(left) => req
            .config()
            .timeout_send_request(Some(left))
            .timeout_send_body(Some(left))
            .timeout_recv_response(Some(left))
            .timeout_recv_body(Some(left))
            .build(),
    })
}

/// Read at most `limit` bytes of an answer's body.
pub(crate) fn read_body(resp: &mut ureq::http::Response<ureq::Body>, limit: u64, what: &str) -> Result<Vec<u8>> {
    resp.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => Error::Protocol(format!("{what}: the answer is larger than {limit} bytes")),
        other => map_error(other, what),
    })
}

/// A whole, bounded answer.
pub(crate) struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Turn a sent request into a [`Reply`], reading at most `limit` bytes of body. Any Connect
/// answer may hold a secret (the token answer, the signed upload URL, or a server echoing the
/// request), so the body is read into wiped buffers that grow by copying into a larger wiped
/// buffer: no reallocation leaves a partial copy in freed memory. The caller wipes
/// `Reply::body` where it holds a secret.
pub(crate) fn finish(
    sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    limit: u64,
    what: &str,
) -> Result<Reply> {
    use std::io::Read;
    use zeroize::Zeroizing;
    let mut resp = sent.map_err(|e| map_error(e, what))?;
    let status = resp.status().as_u16();
    let retry_after = retry_after(&resp);
    let mut reader = resp.body_mut().with_config().limit(limit).reader();
    let mut body = Zeroizing::new(Vec::with_capacity(4096));
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let n = match reader.read(&mut chunk[..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(match ureq::Error::from(e) {
                    ureq::Error::BodyExceedsLimit(_) => {
                        Error::Protocol(format!("{what}: the answer is larger than {limit} bytes"))
                    }
                    other => map_error(other, what),
                })
            }
        };
        if body.len() + n > body.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity((body.capacity() * 2).max(body.len() + n)));
            bigger.extend_from_slice(&body);
            body = bigger;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Reply { status, retry_after, body: std::mem::take(&mut *body) })
}

/// The `Retry-After` header as a duration: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(resp: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let v = resp.headers().get("retry-after")?.to_str().ok()?;
    parse_retry_after(v, SystemTime::now())
}

/// `Retry-After` (RFC 9110 section 10.2.3): delta-seconds, or an HTTP date (IMF-fixdate) whose
/// distance from `now` is the wait (zero when it is past). `None` for anything else, including
/// dates outside what the arithmetic and `SystemTime` can represent: never a panic, never a
/// wrapped value. Public (hidden) only so the fuzzer can reach it.
#[doc(hidden)]
pub fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is not a delay we could honour anyway.
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate only (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers must send. As lenient
/// as it always was: the weekday is not checked, a day up to 31 rolls over into the next month
/// and a leap second into the next minute. The calendar is the `time` crate's: a year outside
/// its range (±999 999) or before 1970 gives `None`, never a panic.
#[doc(hidden)]
pub fn parse_http_date(v: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: i64 = parts[1].parse().ok()?;
    let month = MONTHS.iter().position(|m| *m == parts[2])? as u8 + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<i64> = parts[4].split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    if hms.len() != 3
        || !(1..=31).contains(&day)
        || !(0..=23).contains(&hms[0])
        || !(0..=59).contains(&hms[1])
        || !(0..=60).contains(&hms[2])
    {
        return None;
    }
    let month = time::Month::try_from(month).ok()?;
    let first = time::Date::from_calendar_date(i32::try_from(year).ok()?, month, 1).ok()?;
    let first = time::PrimitiveDateTime::new(first, time::Time::MIDNIGHT).assume_utc().unix_timestamp();
    // Offsets from the first of the month, so that day 31 and second 60 roll over.
    let secs = first + (day - 1) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(secs).ok()?))
}

/// Did this failure happen before any byte of the request could reach the server (name
/// resolution, a refused or failed connect, the connect timeout)? Anything else (a reset, a
/// timeout while sending or awaiting the answer, a malformed answer) may follow a request the
/// server received and processed.
pub(crate) fn never_sent(e: &ureq::Error) -> bool {
    use ureq::Timeout as T;
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Timeout(T::Resolve | T::Connect) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    }
}

/// The one mapping from transport failures to our errors. `what` names the call.
pub(crate) fn map_error(e: ureq::Error, what: &str) -> Error {
    use std::io::ErrorKind as K;
    if crate::net::interrupt::is_stopped(&e) {
        return Error::Cancelled;
    }
    match e {
        ureq::Error::Timeout(t) => Error::Timeout(format!("{what}: {t}")),
        ureq::Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<rustls::Error>()) => {
            Error::Tls(format!("{what}: {}", bounded(&io.to_string(), 200)))
        }
        ureq::Error::Io(io) => match io.kind() {
            K::TimedOut | K::WouldBlock => {
                Error::Timeout(format!("{what}: no data moved within the inactivity timeout"))
            }
            K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::BrokenPipe
            | K::UnexpectedEof
            | K::NotConnected
            | K::Interrupted => {
                Error::Network { what: format!("{what}: {}", bounded(&io.to_string(), 200)), retryable: true }
            }
            _ => Error::Network { what: format!("{what}: {}", bounded(&io.to_string(), 200)), retryable: false },
        },
        ureq::Error::ConnectProxyFailed(m) => proxy::failure(&m, what),
        ureq::Error::HostNotFound => Error::Network { what: format!("{what}: host not found"), retryable: true },
        ureq::Error::ConnectionFailed => Error::Network { what: format!("{what}: connection failed"), retryable: true },
        ureq::Error::Tls(m) => Error::Tls(format!("{what}: {m}")),
        ureq::Error::Rustls(r) => Error::Tls(format!("{what}: {r}")),
        ureq::Error::Pem(p) => Error::Tls(format!("{what}: {p}")),
        ureq::Error::BodyExceedsLimit(n) => Error::Protocol(format!("{what}: the answer is larger than {n} bytes")),
        ureq::Error::RequireHttpsOnly(_) | ureq::Error::TlsRequired => {
            Error::Protocol(format!("{what}: refusing a URL that is not https"))
        }
        ureq::Error::LargeResponseHeader(_, limit) => {
            Error::Protocol(format!("{what}: the answer's headers exceed {limit} bytes"))
        }
        ureq::Error::Protocol(p) => {
            Error::Protocol(format!("{what}: malformed HTTP: {}", bounded(&p.to_string(), 200)))
        }
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => Error::Protocol(format!("{what}: invalid URL or header")),
        other => Error::Network { what: format!("{what}: {}", bounded(&other.to_string(), 200)), retryable: false },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_extra_ca_adds_to_the_webpki_roots() {
        let base = webpki_root_certs::TLS_SERVER_ROOT_CERTS.len();
        assert!(base > 100);
        let mut settings = Settings::default();
        assert_eq!(trusted_roots(&settings).len(), base);
        settings.extra_roots = vec![vec![1, 2, 3], vec![4, 5]];
        let roots = trusted_roots(&settings);
        assert_eq!(roots.len(), base + 2);
        assert_eq!(roots[base].der(), &[1, 2, 3]);
        assert_eq!(roots[0].der(), webpki_root_certs::TLS_SERVER_ROOT_CERTS[0].as_ref());
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("99999999999999999999999", now), None);
    }

    #[test]
    fn hostile_http_dates_give_none_not_a_panic() {
        // This year overflowed `days * 86400` (a panic in a debug build).
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784111777);
        for v in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Jan 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 06 Feb -9223372036854775808 08:49:37 GMT",
            "Sun, 31 Dec 25252734927766554 23:59:60 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(v, now), None, "{v}");
        }
        // Far but representable: a long wait (the retry policy caps it), not a panic.
        let far = parse_retry_after("Sun, 06 Nov 99999 08:49:37 GMT", now).expect("representable");
        assert!(far > Duration::from_secs(86400 * 365 * 90_000));
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784111777))
        );
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 -1:00:00 GMT"), None);
    }
}
