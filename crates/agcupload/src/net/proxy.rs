//! Which proxy the connections go through, and the words for when the proxy fails.
//!
//! Only HTTP CONNECT proxies (`http://` or `https://` to the proxy) are supported: every
//! connection we make is HTTPS, so the proxy only ever sees `CONNECT host:port` and then
//! opaque TLS. The proxy comes from the client's setting, or by default from the environment
//! the way curl reads it (`https_proxy`, `HTTPS_PROXY`, then `all_proxy`, `ALL_PROXY`;
//! `no_proxy`/`NO_PROXY` lists hosts reached directly). `HTTP_PROXY` is ignored on purpose:
//! it is meant for plain-http URLs, which we never fetch.
//!
//! Proxy credentials (`http://user:password@proxy:3128`) are kept in ureq's proxy value only;
//! every message names the proxy as `scheme://host:port`, never with its user or password,
//! and never quotes the URL a user or the environment gave.

use std::fmt;

use ureq::unversioned::transport::{ChainedConnector, ConnectProxyConnector, ConnectionDetails, Connector, Transport};
use ureq::{Proxy, ProxyProtocol};

use crate::error::{bounded, Error, Result};

/// Where the proxy setting comes from.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) enum ProxyChoice {
    /// `https_proxy`/`HTTPS_PROXY`/`all_proxy`/`ALL_PROXY` and `no_proxy`/`NO_PROXY`, read
    /// when the agent is built (default).
    #[default]
    Environment,
    /// No proxy, whatever the environment says.
    Direct,
    /// This proxy (the URL may hold credentials: never printed). `NO_PROXY` still applies.
    Url(String),
}

impl fmt::Debug for ProxyChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyChoice::Environment => f.write_str("Environment"),
            ProxyChoice::Direct => f.write_str("Direct"),
            ProxyChoice::Url(u) => match parse(u) {
                Ok(p) => write!(f, "Url({})", p.shown),
                Err(_) => f.write_str("Url(<invalid>)"),
            },
        }
    }
}

impl ProxyChoice {
    /// The caller's setting: `None` or `"env"` = the environment, `"none"` = direct, else a
    /// proxy URL (checked now, so a typo fails here rather than at upload time).
    pub(crate) fn from_setting(setting: Option<&str>) -> Result<ProxyChoice> {
        match setting.map(str::trim) {
            None | Some("env") => Ok(ProxyChoice::Environment),
            Some("none") => Ok(ProxyChoice::Direct),
            Some("") => Err(Error::InvalidArgument(
                "the proxy is empty: give a URL such as http://proxy.example:3128, \"none\" for a direct \
                 connection, or \"env\" for the environment's proxy"
                    .into(),
            )),
            Some(url) => {
                parse(url).map_err(Error::InvalidArgument)?;
                Ok(ProxyChoice::Url(url.to_owned()))
            }
        }
    }
}

/// A parsed proxy URL.
struct Parsed {
    protocol: ProxyProtocol,
    host: String,
    port: Option<u16>,
    user: Option<String>,
    password: Option<String>,
    /// `scheme://host:port`, safe to print.
    shown: String,
}

/// Parse a proxy URL (`[http|https]://[user[:password]@]host[:port][/]`). The error never
/// quotes the URL (it may hold a password).
fn parse(url: &str) -> std::result::Result<Parsed, String> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_owned(), url),
    };
    let protocol = match scheme.as_str() {
        "http" => ProxyProtocol::Http,
        "https" => ProxyProtocol::Https,
        s if s.starts_with("socks") => {
            return Err("SOCKS proxies are not supported: use an http:// (CONNECT) proxy".into());
        }
        _ => return Err("a proxy URL must start with http:// or https://".into()),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) || authority.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a proxy URL is scheme://[user:password@]host:port, without a path or query".into());
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let parsed: ureq::http::uri::Authority =
        hostport.parse().map_err(|_| "the proxy URL's host or port is not valid".to_owned())?;
    let host = parsed.host();
    if host.is_empty() {
        return Err("the proxy URL has no host".into());
    }
    let port = match parsed.as_str().rsplit_once(':') {
        Some((_, p)) if !p.ends_with(']') && !p.is_empty() => {
            Some(parsed.port_u16().ok_or_else(|| "the proxy URL's port is not a number from 1 to 65535".to_owned())?)
        }
        _ => None,
    };
    if port == Some(0) {
        return Err("the proxy URL's port is not a number from 1 to 65535".into());
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| "the proxy URL's user or password is not valid percent-encoded UTF-8".to_owned())
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((name, pass)) => (Some(decode(name)?), Some(decode(pass)?)),
            None => (Some(decode(u)?), None),
        },
    };
    let default_port = if protocol == ProxyProtocol::Https { 443 } else { 80 };
    let shown = format!("{scheme}://{host}:{}", port.unwrap_or(default_port));
    Ok(Parsed { protocol, host: host.to_owned(), port, user, password, shown })
}

/// The hosts of `no_proxy`/`NO_PROXY`, as ureq patterns with curl's meaning: an entry
/// `example.com` (or `.example.com`, `*.example.com`) covers that host and all below it;
/// `*` covers every host. Entries are separated by commas or spaces; ports and CIDR ranges
/// are not understood (such an entry is compared as written).
fn no_proxy_patterns(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in value.split([',', ' ', '\t']).map(str::trim).filter(|e| !e.is_empty()) {
        if entry == "*" {
            out.push("*".to_owned());
            continue;
        }
        let name = entry.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if name.contains(':') && !name.starts_with('[') {
            // A bare IPv6 address: the host of a URL is written in brackets.
            out.push(format!("[{name}]"));
        }
        out.push(format!(".{name}"));
        out.push(name);
    }
    out
}

/// The first non-empty variable of `names`.
fn env_var(names: &[&str]) -> Option<(String, String)> {
    names.iter().find_map(|n| match std::env::var(n) {
        Ok(v) if !v.trim().is_empty() => Some(((*n).to_owned(), v)),
        _ => None,
    })
}

/// The proxy a new agent uses: the ureq value, and what the connector needs to word failures.
pub(crate) struct Route {
    /// For the agent's config (`None`: direct).
    pub proxy: Option<Proxy>,
    /// For the connector.
    pub connector: ProxyConnector,
}

/// Resolve the setting now (the environment is read here).
pub(crate) fn route(choice: &ProxyChoice) -> Route {
    let (source, url) = match choice {
        ProxyChoice::Direct => return Route { proxy: None, connector: ProxyConnector::direct() },
        ProxyChoice::Url(u) => ("the proxy setting".to_owned(), u.clone()),
        ProxyChoice::Environment => match env_var(&["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]) {
            Some((name, value)) => (name, value),
            None => return Route { proxy: None, connector: ProxyConnector::direct() },
        },
    };
    let no_proxy = env_var(&["no_proxy", "NO_PROXY"]).map(|(_, v)| no_proxy_patterns(&v)).unwrap_or_default();
    match build(&url, &no_proxy) {
        Ok((proxy, shown)) => {
            let leg = (proxy.host().to_ascii_lowercase(), proxy.port());
            Route {
                proxy: Some(proxy),
                connector: ProxyConnector::new(Some(Leg { shown, host: leg.0, port: leg.1 }), None),
            }
        }
        // Never go direct silently when a proxy was asked for: every connection fails, clearly.
        Err(why) => Route {
            proxy: None,
            connector: ProxyConnector::new(None, Some(format!("{INVALID_SETTING} ({source}): {why}"))),
        },
    }
}

/// ureq's proxy value for `url` with the `NO_PROXY` patterns, and its printable name.
fn build(url: &str, no_proxy: &[String]) -> std::result::Result<(Proxy, String), String> {
    let p = parse(url)?;
    let mut b = Proxy::builder(p.protocol).host(&p.host);
    if let Some(port) = p.port {
        b = b.port(port);
    }
    if let Some(u) = &p.user {
        b = b.username(u);
    }
    if let Some(pw) = &p.password {
        b = b.password(pw);
    }
    for pattern in no_proxy {
        b = b.no_proxy(pattern);
    }
    let proxy = b.build().map_err(|_| "the proxy URL is not valid".to_owned())?;
    Ok((proxy, p.shown))
}

/// For the parser properties and fuzz targets (`tests/parsers`, `fuzz/`) only: take `setting` as
/// `Client::set_proxy` does and, when it is a URL, build the proxy the way a new agent does
/// with `no_proxy` as the `NO_PROXY` value. Returns the `Debug` text of the setting and, for
/// a URL, the name messages use (`scheme://host:port`) and the `NO_PROXY` patterns.
#[doc(hidden)]
pub fn fuzz_proxy_setting(setting: &str, no_proxy: &str) -> Result<(String, Option<String>, Vec<String>)> {
    let choice = ProxyChoice::from_setting(Some(setting))?;
    let debug = format!("{choice:?}");
    let patterns = no_proxy_patterns(no_proxy);
    let shown = match &choice {
        ProxyChoice::Url(u) => Some(build(u, &patterns).map_err(Error::InvalidArgument)?.1),
        _ => None,
    };
    Ok((debug, shown, patterns))
}

/// Start of the message when the proxy URL itself is unusable (not retryable).
const INVALID_SETTING: &str = "invalid proxy setting";

/// The proxy's address, to tell its connection from others and to name it.
#[derive(Debug, Clone)]
struct Leg {
    shown: String,
    host: String,
    port: u16,
}

/// ureq's default chain for us (an HTTP CONNECT proxy, TCP, TLS) with our TCP,
/// [`crate::net::interrupt::SlicedTcp`], so that any wait of the connection can be cancelled, and
/// our TLS (`crate::net::tls`).
type Chain = ChainedConnector<
    (),
    ChainedConnector<(), ChainedConnector<(), (), ConnectProxyConnector>, crate::net::interrupt::SlicedTcpConnector>,
    crate::net::tls::TlsConnector,
>;

fn chain() -> Chain {
    ().chain(ConnectProxyConnector::default())
        .chain(crate::net::interrupt::SlicedTcpConnector)
        .chain(crate::net::tls::TlsConnector::default())
}

/// That chain, wrapped so that a failure to reach the proxy, or the
/// proxy's refusal of a CONNECT, becomes an error that names the proxy (and never its
/// credentials). Adds no thread and no I/O of its own.
pub(crate) struct ProxyConnector {
    inner: Chain,
    leg: Option<Leg>,
    broken: Option<String>,
}

impl fmt::Debug for ProxyConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConnector").field("proxy", &self.leg.as_ref().map(|l| &l.shown)).finish()
    }
}

impl ProxyConnector {
    fn new(leg: Option<Leg>, broken: Option<String>) -> ProxyConnector {
        ProxyConnector { inner: chain(), leg, broken }
    }

    fn direct() -> ProxyConnector {
        ProxyConnector::new(None, None)
    }

    fn explain(&self, details: &ConnectionDetails, e: ureq::Error) -> ureq::Error {
        let Some(leg) = &self.leg else { return e };
        let host = details.uri.host().unwrap_or_default().to_ascii_lowercase();
        let port = details.uri.port_u16().unwrap_or(if details.uri.scheme_str() == Some("http") { 80 } else { 443 });
        if details.config.proxy().is_none() {
            // ureq connects to the proxy itself with a proxy-less copy of the config.
            if host != leg.host || port != leg.port {
                return e;
            }
            return match e {
                ureq::Error::Timeout(_) | ureq::Error::ConnectProxyFailed(_) => e,
                other => ureq::Error::ConnectProxyFailed(format!(
                    "cannot reach the proxy {}: {}",
                    leg.shown,
                    bounded(&other.to_string(), 200)
                )),
            };
        }
        let ureq::Error::ConnectProxyFailed(m) = &e else { return e };
        let target = format!("{host}:{port}");
        if m.starts_with("proxy server did not respond") {
            return ureq::Error::ConnectProxyFailed(format!(
                "the proxy {} closed the connection without answering CONNECT {target}",
                leg.shown
            ));
        }
        let Some(code) = m
            .strip_prefix("proxy server responded ")
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|d| d.parse::<u16>().ok())
        else {
            return e;
        };
        let text = match code {
            // 407 is the standard answer; some proxies (tinyproxy 1.11) send 401 to a CONNECT.
            401 | 407 => format!(
                "the proxy {} refused CONNECT {target} (HTTP {code}): it wants credentials; give them in the \
                 proxy URL (http://user:password@host:port) or check them",
                leg.shown
            ),
            400..=499 => format!(
                "the proxy {} refused CONNECT {target} (HTTP {code}); its rules do not allow this host or port",
                leg.shown
            ),
            500..=599 => format!("the proxy {} could not open a tunnel to {target} (HTTP {code})", leg.shown),
            _ => format!("the proxy {} answered CONNECT {target} with HTTP {code}", leg.shown),
        };
        ureq::Error::ConnectProxyFailed(text)
    }
}

impl Connector<()> for ProxyConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        if let Some(why) = &self.broken {
            return Err(ureq::Error::ConnectProxyFailed(why.clone()));
        }
        match self.inner.connect(details, chained) {
            Ok(t) => Ok(t.map(|t| Box::new(t) as Box<dyn Transport>)),
            Err(e) => Err(self.explain(details, e)),
        }
    }
}

/// Our error for a proxy failure reported by ureq (the text was worded by [`ProxyConnector`]).
/// A refusal (HTTP 4xx) or an unusable setting is final; an unreachable proxy or a 5xx may
/// pass, so it is retried.
pub(crate) fn failure(message: &str, what: &str) -> Error {
    let retryable = !(message.contains("(HTTP 4") || message.starts_with(INVALID_SETTING));
    Error::Network { what: format!("{what}: {}", bounded(message, 400)), retryable }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings() {
        assert_eq!(ProxyChoice::from_setting(None).unwrap(), ProxyChoice::Environment);
        assert_eq!(ProxyChoice::from_setting(Some("env")).unwrap(), ProxyChoice::Environment);
        assert_eq!(ProxyChoice::from_setting(Some("none")).unwrap(), ProxyChoice::Direct);
        assert!(matches!(ProxyChoice::from_setting(Some("")), Err(Error::InvalidArgument(_))));
        for bad in [
            "socks5://u:hunter2@h:1080",
            "ftp://u:hunter2@h:21",
            "http://u:hunter2@h:99999",
            "http://u:hunter2@h:3128/path",
            "http://u:hunter2@:3128",
            "http://u:hunter2@h:3128?x=1",
        ] {
            let e = ProxyChoice::from_setting(Some(bad)).unwrap_err();
            assert!(matches!(e, Error::InvalidArgument(_)), "{bad}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn parse_and_redact() {
        let p = parse("http://us%40er:p%3Ass@proxy.example:3128/").unwrap();
        assert_eq!(p.user.as_deref(), Some("us@er"));
        assert_eq!(p.password.as_deref(), Some("p:ss"));
        assert_eq!((p.host.as_str(), p.port), ("proxy.example", Some(3128)));
        assert_eq!(p.shown, "http://proxy.example:3128");
        let p = parse("proxy.example").unwrap();
        assert_eq!((p.shown.as_str(), p.port), ("http://proxy.example:80", None));
        let p = parse("HTTPS://[::1]:8443").unwrap();
        assert_eq!(p.shown, "https://[::1]:8443");
        let choice = ProxyChoice::from_setting(Some("http://u:hunter2@proxy.example:3128")).unwrap();
        assert_eq!(format!("{choice:?}"), "Url(http://proxy.example:3128)");
    }

    #[test]
    fn no_proxy_has_curls_meaning() {
        assert_eq!(
            no_proxy_patterns(" example.com, .corp.example ,*.x.example 10.0.0.1"),
            [
                ".example.com",
                "example.com",
                ".corp.example",
                "corp.example",
                ".x.example",
                "x.example",
                ".10.0.0.1",
                "10.0.0.1"
            ]
        );
        assert_eq!(no_proxy_patterns("*"), ["*"]);
        assert_eq!(no_proxy_patterns("::1"), ["[::1]", ".::1", "::1"]);
        assert!(no_proxy_patterns(" , ").is_empty());
    }

    #[test]
    fn failures_retry_only_when_they_may_pass() {
        let refused = failure("the proxy http://p:1 refused CONNECT h:443 (HTTP 403); its rules ...", "token");
        assert!(matches!(refused, Error::Network { retryable: false, .. }));
        let gone = failure("cannot reach the proxy http://p:1: connection refused", "token");
        assert!(matches!(gone, Error::Network { retryable: true, .. }));
        let bad = failure("invalid proxy setting (HTTPS_PROXY): no host", "token");
        assert!(matches!(bad, Error::Network { retryable: false, .. }));
        let tunnel = failure("the proxy http://p:1 could not open a tunnel to h:443 (HTTP 502)", "token");
        assert!(matches!(tunnel, Error::Network { retryable: true, .. }));
    }
}
