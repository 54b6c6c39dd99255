//! What every parser promises, whatever it is fed: the oracles of the property tests and of the
//! cargo-fuzz targets (fuzz/ includes this file), so both check the same things. Each `check_*`
//! runs a parser on one input and panics, with the input's story, when a promise is broken.
//! Only `agcupload`, `serde_json` and std are used here (the fuzz crate has nothing else).

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use agcupload::internal::{check_upload_url, parse_upload_url, UploadTarget, UploadUrlQuery};
use agcupload::internal::{is_still_processing, parse_app_state, parse_empty, parse_test_package, parse_version_id};
use agcupload::internal::{parse_http_date, parse_json, parse_ret, parse_retry_after, parse_s3_error, parse_token};
use agcupload::{normalize_release_time, Error, ReleaseState};
use serde_json::Value;

/// Planted in the `Authorization` header of upload-url answers and in `access_token`: must
/// never come out in an error message or a `Debug` string.
pub const MARKER: &str = "SeCrEtMaRkEr0123456789abcdefQWERTY";
/// Any window this long of a planted secret counts as a leak.
pub const WINDOW: usize = 12;
/// The query's payload hash.
pub const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/// Longest error message we accept from a parser.
pub const MAX_ERROR_LEN: usize = 1024;
/// The statuses a token answer is tried with.
pub const STATUSES: [u16; 13] = [200, 200, 200, 401, 403, 429, 500, 503, 302, 400, 404, 0, 999];
/// "Now" for Retry-After: a fixed instant, so a failure repeats.
pub const NOW_SECS: u64 = 1_700_000_000;

// ---------------------------------------------------------------------------------------------
// Shared helpers.

/// Does `text` contain any WINDOW-long piece of the marker?
pub fn leaks(text: &str) -> bool {
    (0..=MARKER.len() - WINDOW).any(|i| text.contains(&MARKER[i..i + WINDOW]))
}

fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// At most `max` bytes and no control character.
pub fn check_text(what: &str, text: &str, max: usize) {
    assert!(text.len() <= max, "{what}: {} bytes, over {max}: {:?}", text.len(), prefix(text, 300));
    assert!(!text.chars().any(char::is_control), "{what}: control character in {text:?}");
}

/// A parser's error: bounded, and (unless the input put the secret where the server's own words
/// are) never showing the secret marker, in its message or its `Debug`.
pub fn check_error(what: &str, e: &Error, secret_may_leak: bool) {
    let shown = e.to_string();
    check_text(what, &shown, MAX_ERROR_LEN);
    if !secret_may_leak {
        assert!(!leaks(&shown), "{what}: the error shows the secret marker: {shown}");
        assert!(!leaks(&format!("{e:?}")), "{what}: the error's Debug shows the secret marker");
    }
}

// ---------------------------------------------------------------------------------------------
// Token, upload-url, S3 error, JSON envelope.

/// True when every string in the document that carries a piece of the marker sits where a
/// secret may sit (`urlInfo.headers.<authorization>` or `access_token`): then no output may
/// show it. (An input that put it elsewhere makes it the server's words, fair to echo.)
pub fn marker_only_in_secret_places(doc: &Value) -> bool {
    fn walk(v: &Value, path: &mut Vec<String>, ok: &mut bool) {
        match v {
            Value::String(s) if leaks(s) => {
                let secret_place = (path.len() == 3
                    && path[0] == "urlInfo"
                    && path[1] == "headers"
                    && path[2].eq_ignore_ascii_case("authorization"))
                    || (path.len() == 1 && path[0] == "access_token");
                *ok &= secret_place;
            }
            Value::Array(a) => {
                for x in a {
                    path.push("[]".into());
                    walk(x, path, ok);
                    path.pop();
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    if leaks(k) {
                        *ok = false;
                    }
                    path.push(k.clone());
                    walk(x, path, ok);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut ok = true;
    walk(doc, &mut Vec::new(), &mut ok);
    ok
}

/// For input that is not a `Value`: does a piece of the marker remain once the marker's
/// intact occurrences in secret places (`"access_token":"…`, `Signature=…`) are removed?
pub fn marker_outside_secret_places_text(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let rest = text.replace(&format!("\"access_token\":\"{MARKER}"), "").replace(&format!("Signature={MARKER}"), "");
    leaks(&rest)
}

/// `host[:port]` lowercased, port 443 implicit (our own reading, not the library's).
fn norm_authority(a: &str) -> String {
    // An empty port (`host:`) is the default port (RFC 3986 section 3.2.3).
    let a = a.trim().to_ascii_lowercase();
    let a = a.strip_suffix(':').unwrap_or(&a);
    let after_bracket = a.rfind(']').map_or(0, |i| i + 1);
    if a[after_bracket..].contains(':') {
        a.to_string()
    } else {
        format!("{a}:443")
    }
}

/// The upload-url query every answer is read for.
pub fn upload_query() -> UploadUrlQuery<'static> {
    UploadUrlQuery {
        app_id: "1234567",
        file_name: "abc.app",
        content_length: 3,
        sha256_hex: SHA,
        release_type: None,
        chinese_mainland: None,
    }
}

/// Which parsers accepted an answer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub token: bool,
    pub target: bool,
    pub s3_code: bool,
}

/// Runs every response parser on one answer (the token with `status`) and checks its promises:
/// no panic, bounded texts free of control characters, an accepted token that is one, an
/// accepted upload target that is safe to PUT to, and no secret in any error or `Debug`.
pub fn check_response(body: &[u8], status: u16) -> Accepted {
    let mut accepted = Accepted::default();
    let doc = serde_json::from_slice::<Value>(body).ok();
    // A document serde_json's `Value` cannot hold (nested deeper than 128) may still be read
    // in part by a parser (typed, skipping what it does not need): judge it by its text.
    let secret_may_leak = match &doc {
        Some(d) => !marker_only_in_secret_places(d),
        None => marker_outside_secret_places_text(body),
    };

    // Any header text (the first bytes of the answer) must not panic.
    let head = String::from_utf8_lossy(&body[..body.len().min(64)]);
    let _ = parse_retry_after(&head, SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS));

    match parse_json(body, "fuzz") {
        Ok(v) => {
            if let Some(ret) = parse_ret(&v) {
                check_text("parse_ret message", &ret.message, 303);
            }
        }
        Err(e) => check_error("parse_json", &e, false),
    }

    match parse_token(status, body, Some(Duration::from_secs(1))) {
        Ok((tok, life)) => {
            accepted.token = true;
            assert_eq!(status, 200, "a token accepted with status {status}");
            assert!(!tok.is_empty(), "an empty token accepted");
            assert!(life >= Duration::from_secs(1) && life <= Duration::from_secs(365 * 86400), "{life:?}");
            if !secret_may_leak {
                assert!(!leaks(&format!("{tok:?} {life:?}")), "the token's Debug shows it");
            }
        }
        Err(e) => check_error("parse_token", &e, secret_may_leak),
    }

    match parse_upload_url(body, &upload_query()) {
        Ok(t) => {
            accepted.target = true;
            check_accepted_target(&t);
            if !secret_may_leak {
                assert!(!leaks(&format!("{t:?}")), "UploadTarget Debug shows the secret");
            }
        }
        Err(e) => check_error("parse_upload_url", &e, secret_may_leak),
    }

    let (code, message) = parse_s3_error(body);
    check_text("S3 Code", &code, 67);
    check_text("S3 Message", &message, 303);
    accepted.s3_code = !code.is_empty();
    accepted
}

/// An accepted upload target: an https URL with a plain `host[:u16]` authority that
/// `check_upload_url` reads the same way, a sane object id, and signed headers that are safe to
/// replay (no hop headers, no CR/LF/NUL, each once, the payload hash ours, `Host` the URL's).
pub fn check_accepted_target(t: &UploadTarget) {
    assert!(t.url.to_ascii_lowercase().starts_with("https://"), "accepted a non-https URL: {}", t.url);
    let rest = &t.url["https://".len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    assert!(!authority.is_empty(), "accepted a URL without host: {}", t.url);
    assert!(!authority.contains(['@', '\\', ' ']), "accepted a URL whose authority is {authority:?}");
    assert_eq!(check_upload_url(&t.url).ok().as_deref(), Some(authority), "check_upload_url disagrees on {}", t.url);
    // host[:port] and nothing else: an IPv6 literal ends the host at ']', otherwise ':' does.
    let host_end = if authority.starts_with('[') {
        authority.find(']').map_or(authority.len(), |i| i + 1)
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    let port = &authority[host_end..];
    let port_ok = port.is_empty()
        || port == ":"
        || (port.len() > 1
            && port[1..].bytes().all(|b| b.is_ascii_digit())
            && port.starts_with(':')
            && port[1..].parse::<u16>().is_ok());
    assert!(port_ok, "accepted a URL whose authority {authority:?} is not host[:u16]");
    assert!(!t.object_id.is_empty() && t.object_id.len() <= 1024, "objectId of {} bytes", t.object_id.len());
    assert!(!t.object_id.chars().any(char::is_control));
    let mut seen = HashSet::new();
    let mut sha = 0;
    for (name, value) in &t.headers {
        let v = value.expose();
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "header name {name:?}"
        );
        assert!(!v.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0), "header value of {name} has CR/LF/NUL");
        let lname = name.to_ascii_lowercase();
        assert!(seen.insert(lname.clone()), "header {name} twice");
        assert!(
            !["content-length", "transfer-encoding", "connection", "expect"].contains(&lname.as_str()),
            "hop header {name} replayed"
        );
        match lname.as_str() {
            "x-amz-content-sha256" => {
                sha += 1;
                assert!(v.eq_ignore_ascii_case(SHA), "signed payload hash {v:?} is not the file's");
            }
            "host" => assert_eq!(norm_authority(v), norm_authority(authority), "Host {v:?} vs URL {}", t.url),
            _ => {}
        }
    }
    assert_eq!(sha, 1, "x-amz-content-sha256 missing");
}

// ---------------------------------------------------------------------------------------------
// Retry-After and HTTP dates.

/// Days from 1970-01-01 to `y-m-d` (`m` from 0; proleptic Gregorian, y >= 1), counted
/// differently from the library (cumulative month lengths and leap-year counts), as an oracle.
pub fn oracle_days(y: i64, m: usize, d: i64) -> i64 {
    let before = |y: i64| 365 * (y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let lens = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    before(y) - before(1970) + lens[..m].iter().sum::<i64>() + d - 1
}

/// A `Retry-After` value: no panic, the wait agrees with the date, and when `expected` (epoch
/// seconds of a well-formed in-range date) is given, both agree with it.
pub fn check_retry_after(v: &str, expected: Option<i64>) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    let (date, wait) = (parse_http_date(v), parse_retry_after(v, now));
    if let Some(secs) = expected {
        let want = SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64);
        assert_eq!(date, Some(want), "date {v:?}");
        assert_eq!(wait, Some(want.duration_since(now).unwrap_or(Duration::ZERO)), "wait {v:?}");
    }
    if let (Some(d), Some(w)) = (date, wait) {
        assert_eq!(w, d.duration_since(now).unwrap_or(Duration::ZERO), "{v:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The release road's answers and release times.

/// Control, format and separator characters (besides the plain space) an id must not hold;
/// our own list of the ones the generators produce, as an oracle independent of the library.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x00A0 | 0x00AD | 0x200B..=0x200F | 0x2028 | 0x2029 | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}

fn check_id_accepted(what: &str, id: &str) {
    assert!(!id.is_empty() && id.len() <= 256, "{what}: accepted an id of {} bytes", id.len());
    assert!(!id.chars().any(hidden), "{what}: accepted an id with a hidden character: {id:?}");
    assert_eq!(id, id.trim(), "{what}: accepted an id with surrounding spaces");
}

/// Which release parsers accepted an answer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseAccepted {
    pub state: bool,
    pub version_id: bool,
    pub package: bool,
}

/// Runs the release road's parsers on one answer: no panic, the state agrees with
/// `releaseState` (and with the raw number), the opinion bounded and free of hidden characters,
/// every accepted id 1 to 256 bytes without control, format or separator characters.
pub fn check_release(body: &[u8]) -> ReleaseAccepted {
    let mut accepted = ReleaseAccepted::default();
    let doc = serde_json::from_slice::<Value>(body).ok();
    match parse_app_state(body) {
        Ok(s) => {
            accepted.state = true;
            // AGC's 0-13 as apkgo and easy-publisher map them (docs/protocol.md section 6).
            let want = match s.release_state {
                Some(0) => ReleaseState::Released,
                Some(3) => ReleaseState::Approved,
                Some(4 | 5 | 12) => ReleaseState::InReview,
                Some(7) => ReleaseState::Draft,
                Some(1 | 8 | 13) => ReleaseState::Rejected,
                Some(2 | 6 | 10 | 11) => ReleaseState::Offline,
                _ => ReleaseState::Other,
            };
            assert_eq!(s.state, want, "state of {:?}", s.release_state);
            if let Some(raw) = doc.as_ref().and_then(|d| d.pointer("/appInfo/releaseState")).and_then(Value::as_i64) {
                assert_eq!(s.release_state, Some(raw));
            }
            if let Some(o) = &s.audit_opinion {
                assert!(!o.trim().is_empty(), "an empty opinion");
                // At most 8000 bytes and "..." (the gate redacts it, then bounds it to 2000),
                // hidden characters replaced.
                check_text("auditOpinion", o, 8003);
                assert!(!o.chars().any(hidden), "a hidden character in the opinion {o:?}");
            }
        }
        Err(e) => check_error("app-info", &e, true),
    }
    match parse_version_id(body) {
        Ok(id) => {
            accepted.version_id = true;
            check_id_accepted("versionId", &id);
        }
        Err(e) => check_error("test-version", &e, true),
    }
    match parse_test_package(body) {
        Ok(id) => {
            accepted.package = true;
            check_id_accepted("pkgVersion", &id);
        }
        Err(e) => check_error("test-package", &e, true),
    }
    if let Err(e) = parse_empty(body, "submit") {
        check_error("submit", &e, true);
    }
    if let Some(d) = &doc {
        let code = d.pointer("/ret/code").and_then(Value::as_i64).unwrap_or(0);
        let msg = d.pointer("/ret/msg").and_then(Value::as_str).unwrap_or("");
        let _ = is_still_processing(code, msg);
    }
    accepted
}

/// A release time: no panic; accepted means normalized to `yyyy-MM-ddTHH:mm:ss+0000`; refused
/// means a bounded error. Returns whether it was accepted.
pub fn check_release_time(t: &str) -> bool {
    match normalize_release_time(t) {
        Ok(norm) => {
            let b = norm.as_bytes();
            assert!(
                b.len() == 24
                    && norm.ends_with("+0000")
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && b[10] == b'T'
                    && b[13] == b':'
                    && b[16] == b':'
                    && norm[..19].bytes().filter(u8::is_ascii_digit).count() == 14,
                "release time {t:?} normalized to {norm:?}"
            );
            true
        }
        Err(e) => {
            check_error("release time", &e, true);
            false
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Proxy settings and NO_PROXY.

/// The user and the password planted in proxy URLs: never in an error, a Debug text or a name.
pub const PROXY_USER: &str = "UsErMaRk9f8e7d6c5b4a";
pub const PROXY_PASS: &str = "PaSsMaRk0a1b2c3d4e5f";

pub fn percent_encode_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The proxy URL schemes tried (good, odd and wrong).
pub const PROXY_SCHEMES: [&str; 9] =
    ["http://", "https://", "HTTP://", "", "socks5://", "ftp://", "http:/", "https:///", "http://http://"];

/// A proxy URL carrying the planted credentials: `scheme`, then the credentials spelt one of
/// three ways (`spelling`) in one of six userinfo shapes (`shape`), then host, port and tail.
pub fn proxy_url(scheme: &str, spelling: usize, shape: usize, host: &str, port: &str, tail: &str) -> String {
    let (user, pass) = match spelling % 3 {
        0 => (PROXY_USER.to_owned(), PROXY_PASS.to_owned()),
        1 => (percent_encode_all(PROXY_USER), percent_encode_all(PROXY_PASS)),
        _ => (format!("{PROXY_USER}%"), format!("{PROXY_PASS}%zz@x")),
    };
    let userinfo = match shape % 6 {
        0 => String::new(),
        1 => format!("{user}@"),
        2 => format!(":{pass}@"),
        3 => format!("{user}:{pass}:{pass}@"),
        4 => format!("{user}:{pass}@@"),
        _ => format!("{user}:{pass}@"),
    };
    format!("{scheme}{userinfo}{host}{port}{tail}")
}

fn shows_credentials(text: &str) -> bool {
    [PROXY_USER, PROXY_PASS].iter().any(|m| (0..=m.len() - WINDOW).any(|i| text.contains(&m[i..i + WINDOW])))
        || text.contains(&percent_encode_all(&PROXY_PASS[..4]))
        || text.contains(&percent_encode_all(&PROXY_USER[..4]))
}

/// Could `text` (a part of a proxy URL other than its userinfo) come out as a piece of the
/// planted credentials, once lowercased or percent-decoded as a host may be? Then showing it is
/// no leak: the caller put it there.
pub fn may_carry_credentials(text: &str) -> bool {
    fn decoded(s: &str) -> String {
        let b = s.as_bytes();
        let (mut out, mut i) = (Vec::with_capacity(b.len()), 0);
        while i < b.len() {
            let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) if b[i] == b'%' => {
                    out.push(v);
                    i += 3;
                }
                _ => {
                    out.push(b[i]);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let lower = |s: &str| s.to_lowercase();
    let markers = [lower(PROXY_USER), lower(PROXY_PASS)];
    let encoded = [lower(&percent_encode_all(&PROXY_USER[..4])), lower(&percent_encode_all(&PROXY_PASS[..4]))];
    [lower(text), lower(&decoded(text))].iter().any(|t| {
        markers.iter().any(|m| (0..=m.len() - WINDOW).any(|i| t.contains(&m[i..i + WINDOW])))
            || encoded.iter().any(|e| t.contains(e.as_str()))
    })
}

/// A proxy setting and a `NO_PROXY` value taken as a new agent takes them: no panic; the
/// setting's `Debug`, the name shown in messages and any error never show the user or the
/// password (unless `damaged`: byte damage may have moved them out of the userinfo); the name
/// is `scheme://host:port` with a port in 1..=65535; the patterns are non-empty and unsplit.
/// Returns whether the setting was accepted.
pub fn check_proxy(setting: &str, no_proxy: &str, damaged: bool) -> bool {
    let shows = |t: &str| !damaged && shows_credentials(t);
    match agcupload::internal::fuzz_proxy_setting(setting, no_proxy) {
        Ok((debug, shown, patterns)) => {
            assert!(!shows(&debug), "Debug shows credentials: {debug} for {setting:?}");
            if let Some(s) = &shown {
                assert!(!shows(s), "the name shows credentials: {s} for {setting:?}");
                assert!(!s.contains('@'), "the name has userinfo: {s}");
                check_text("proxy name", s, 1024);
                let port = s.rsplit(':').next().and_then(|p| p.parse::<u32>().ok());
                assert!(port.is_some_and(|p| (1..=65535).contains(&p)), "port of {s} for {setting:?}");
            }
            for p in &patterns {
                assert!(!p.is_empty() && !p.contains([',', ' ', '\t']), "NO_PROXY pattern {p:?} from {no_proxy:?}");
            }
            true
        }
        Err(e) => {
            check_error("proxy setting", &e, true);
            let shown = e.to_string();
            assert!(!shows(&shown), "the error shows credentials: {shown} for {setting:?}");
            assert!(!shows(&format!("{e:?}")), "the error's Debug shows credentials");
            false
        }
    }
}
