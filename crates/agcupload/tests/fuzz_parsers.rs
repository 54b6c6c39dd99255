//! A time-bounded, structure-aware fuzzer for the response parsers (stable Rust: no libFuzzer,
//! no new dependency). It mutates a seeded corpus of token answers, upload-url answers and S3
//! XML errors — byte flips, truncation, splicing, deep nesting, huge numbers and strings, wrong
//! types, hostile URLs, unicode, NULs — and feeds every input to `parse_token`,
//! `parse_upload_url`, `parse_s3_error`, `parse_json` and `parse_ret`, checking that nothing
//! panics, every text is bounded and free of control characters, an accepted upload target is
//! safe to PUT to, and no error ever echoes the secret marker placed in the `Authorization`
//! header (or in the `access_token`).
//!
//! A second target, `fuzz_retry_after`, feeds `Retry-After` values (delta-seconds and
//! IMF-fixdate HTTP dates with hostile fields: years up to i64::MAX, signs, out-of-range times,
//! spacing, unicode) to `parse_retry_after` / `parse_http_date`, checking that nothing panics and
//! that every in-range date agrees with an independent day count.
//!
//! A third target, `fuzz_release_parsers`, feeds structured and damaged answers of the release
//! road (`app-info` state and audit opinion, test `versionId`, `pkgVersion`/`pkgId`, empty
//! envelopes, "still processing" codes) and hostile release times to `src/connect/release.rs`
//! and `src/connect/test_release.rs`, checking that nothing panics, every accepted id is 1 to 256 bytes without control, format or
//! separator characters, the state agrees with `releaseState`, and every text is bounded.
//!
//! A fourth, `fuzz_proxy_settings`, feeds proxy URLs (schemes, credentials holding a secret
//! marker, percent-encoding, IPv6, ports, paths, unicode, damage) and `NO_PROXY` lists to the
//! proxy parser and builder, checking that nothing panics and that neither the error, the
//! setting's `Debug` text nor the name shown in messages ever contains the user or password.
//!
//! `FUZZ_SECONDS` (default 2, so `make test` runs it briefly; `make fuzz` sets 60) bounds the
//! run; `FUZZ_SEED` replays a run. Inputs that reach a new outcome (a coarse stand-in for
//! coverage feedback) join the pool that later mutations start from. A failing input is
//! written to `target/fuzz-failure.bin` and printed.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use agcupload::internal::parse_s3_error;
use agcupload::internal::parse_token;
use agcupload::internal::{check_upload_url, parse_upload_url, UploadUrlQuery};
use agcupload::internal::{parse_http_date, parse_retry_after};
use agcupload::internal::{parse_json, parse_ret};
use agcupload::Error;
use serde_json::{json, Map, Value};

/// Planted in the `Authorization` header of upload-url answers and in `access_token`: must
/// never come out in an error message or a `Debug` string.
const MARKER: &str = "SeCrEtMaRkEr0123456789abcdefQWERTY";
/// Any window this long of the marker counts as a leak.
const WINDOW: usize = 12;
/// The query's payload hash.
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
/// Longest error message we accept from a parser.
const MAX_ERROR_LEN: usize = 1024;

// ---------------------------------------------------------------------------------------------
// Randomness (xorshift64*, seeded from the OS or FUZZ_SEED).

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Seeds.

fn upload_answer(url: &str, host: &str) -> Value {
    json!({
        "ret": {"code": 0, "msg": "success"},
        "urlInfo": {
            "objectId": "cn/20261125/1234567/abc.app",
            "url": url,
            "method": "PUT",
            "headers": {
                "Authorization": format!("AWS4-HMAC-SHA256 Credential=AK/20261125/cn-north-4/s3/aws4_request, SignedHeaders=content-type;host;user-agent;x-amz-content-sha256;x-amz-date, Signature={MARKER}"),
                "x-amz-content-sha256": SHA,
                "x-amz-date": "20261125T101010Z",
                "Host": host,
                "user-agent": "AGC-OBS-Signer/1.0",
                "Content-Type": "application/octet-stream"
            }
        }
    })
}

fn seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Value> = vec![
        upload_answer(
            "https://obs.cn-north-4.myhuaweicloud.com/agc-bucket/cn/1234567/abc.app",
            "obs.cn-north-4.myhuaweicloud.com",
        ),
        upload_answer("https://127.0.0.1:8443/agc-bucket/a%20b.app?x=1", "127.0.0.1:8443"),
        upload_answer("https://[::1]:443/b/o", "[::1]"),
        json!({"ret": "{\"code\":0,\"msg\":\"ok\"}", "urlInfo": upload_answer("https://h/b/o", "h")["urlInfo"].clone()}),
        json!({"ret": {"code": 204144688, "msg": "get upload url failed"}}),
        json!({"ret": {"code": "204144643", "message": "token expired"}}),
        json!({"ret": "{\"code\":204144659,\"message\":\"busy\"}"}),
        json!({"access_token": MARKER, "expires_in": 172800, "token_type": "Bearer"}),
        json!({"access_token": MARKER, "expires_in": "3600"}),
        json!({"ret": {"code": 203890688, "msg": "client id or secret error"}}),
    ];
    // The same answer with Content-Length signed, and with a method given in lowercase.
    let mut a = upload_answer("https://obs.example.com/b/o", "obs.example.com");
    a["urlInfo"]["headers"]["Content-Length"] = json!("3");
    a["urlInfo"]["method"] = json!("put");
    v.push(a);
    let mut out: Vec<Vec<u8>> = v.iter().map(|x| x.to_string().into_bytes()).collect();
    out.push(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><RequestId>0000</RequestId></Error>".to_vec());
    out.push(b"<Error><Code>RequestTimeTooSkewed</Code><Message>a &lt;b&gt; &amp;amp; &quot;c&quot; &apos;d&apos;</Message></Error>".to_vec());
    out.push(b"<Error><Message>no code</Message><Code></Code></Error>".to_vec());
    out.push(b"".to_vec());
    out
}

// ---------------------------------------------------------------------------------------------
// Mutations.

const KEYS: &[&str] = &[
    "ret",
    "code",
    "msg",
    "message",
    "urlInfo",
    "objectId",
    "url",
    "method",
    "headers",
    "Host",
    "host",
    "HOST",
    "x-amz-content-sha256",
    "X-Amz-Content-Sha256",
    "Content-Length",
    "content-length",
    "Transfer-Encoding",
    "Connection",
    "Expect",
    "Authorization",
    "access_token",
    "expires_in",
    "x-amz-date",
    "bad header",
    "bad:header",
    "",
    "\u{0}",
    "héader",
];

const URL_SCHEMES: &[&str] =
    &["https://", "HTTPS://", "http://", "https:/", "https:///", "hTTps://", "ftp://", "https:", "//", ""];
const URL_USERINFO: &[&str] = &["", "", "", "u:p@", "@", "u@", "%40@", "user%3Apass@"];
const URL_HOSTS: &[&str] = &[
    "obs.example.com",
    "OBS.Example.COM",
    "127.0.0.1",
    "[::1]",
    "[::1",
    "::1",
    "",
    "a..b",
    "xn--bcher-kva.example",
    "bücher.example",
    "exa mple.com",
    "evil.com\\@good.com",
    "good.com#@evil.com",
    "good.com?@evil.com",
    "h%00st",
    "256.256.256.256",
    "localhost.",
];
const URL_PORTS: &[&str] = &["", "", ":443", ":8443", ":0", ":65535", ":65536", ":99999999999", ":", ":-1", ":443:443"];
const URL_PATHS: &[&str] =
    &["/b/o", "", "/", "/%2e%2e/x", "/b/o?x=@y", "/b/o#frag@x", "/b/\u{0}", "/b/o o", "/b/%ZZ", "?q", "#@f"];

fn hostile_url(r: &mut Rng) -> String {
    let mut s = String::new();
    s.push_str(r.pick::<&str>(URL_SCHEMES));
    s.push_str(r.pick::<&str>(URL_USERINFO));
    if r.chance(8) {
        s.push_str(&"a".repeat(1 + r.below(70_000)));
    } else {
        s.push_str(r.pick::<&str>(URL_HOSTS));
    }
    s.push_str(r.pick::<&str>(URL_PORTS));
    s.push_str(r.pick::<&str>(URL_PATHS));
    s
}

fn weird_string(r: &mut Rng) -> String {
    match r.below(14) {
        0 => String::new(),
        1 => "\u{0}".into(),
        2 => "a\r\nInjected: 1".into(),
        3 => "\u{202e}rtl\u{200b}zw\u{feff}bom".into(),
        4 => "日本語🙂e\u{301}".into(),
        5 => "x".repeat(r.below(200_000)),
        6 => "é".repeat(r.below(5_000)),
        7 => "\u{85}\u{2028}\u{7f}\u{1b}[31m".into(),
        8 => SHA.to_ascii_uppercase(),
        9 => format!(" {SHA} "),
        10 => MARKER.into(),
        11 => hostile_url(r),
        12 => "PUT".into(),
        _ => "0".repeat(1 + r.below(400)),
    }
}

fn weird_number(r: &mut Rng) -> Value {
    match r.below(10) {
        0 => json!(0),
        1 => json!(i64::MIN),
        2 => json!(i64::MAX),
        3 => json!(u64::MAX),
        4 => json!(-1),
        5 => json!(1e308),
        6 => json!(-0.0),
        7 => json!(0.5),
        8 => json!(r.next()),
        _ => json!(r.next() as i64),
    }
}

fn random_value(r: &mut Rng, depth: usize) -> Value {
    match r.below(if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(r.chance(2)),
        2 | 3 => weird_number(r),
        4 | 5 => Value::String(weird_string(r)),
        6 => Value::Array((0..r.below(4)).map(|_| random_value(r, depth + 1)).collect()),
        7 => {
            let mut m = Map::new();
            for _ in 0..r.below(4) {
                m.insert(r.pick(KEYS).to_string(), random_value(r, depth + 1));
            }
            Value::Object(m)
        }
        _ => deep(r.below(200), Value::Null, r.chance(2)),
    }
}

fn deep(n: usize, inner: Value, arrays: bool) -> Value {
    let mut v = inner;
    for _ in 0..n {
        v = if arrays { Value::Array(vec![v]) } else { json!({ "ret": v }) };
    }
    v
}

/// A random node of the tree (pre-order walk with a random stop).
fn random_node<'a>(r: &mut Rng, v: &'a mut Value) -> &'a mut Value {
    let descend = r.below(4) != 0;
    let len = match v {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    if !descend || len == 0 {
        return v;
    }
    let i = r.below(len);
    match v {
        Value::Object(m) => {
            let (_, child) = m.iter_mut().nth(i).expect("index < len");
            random_node(r, child)
        }
        Value::Array(a) => random_node(r, &mut a[i]),
        _ => unreachable!(),
    }
}

fn mutate_value(r: &mut Rng, root: &mut Value) {
    match r.below(12) {
        0 | 1 => *random_node(r, root) = random_value(r, 0),
        2 => *random_node(r, root) = Value::String(weird_string(r)),
        3 => {
            if let Some(info) = root.get_mut("urlInfo").and_then(Value::as_object_mut) {
                info.insert("url".into(), Value::String(hostile_url(r)));
            }
        }
        4 => {
            // A Host header that may or may not match the URL.
            let host = match root.pointer("/urlInfo/url").and_then(Value::as_str) {
                Some(u) if r.chance(2) => {
                    u.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("").to_string()
                }
                _ => r.pick(URL_HOSTS).to_string() + *r.pick(URL_PORTS),
            };
            if let Some(h) = root.pointer_mut("/urlInfo/headers").and_then(Value::as_object_mut) {
                h.insert(r.pick(&["Host", "host", "HOST"]).to_string(), Value::String(host));
            }
        }
        5 => {
            if let Some(m) = random_node(r, root).as_object_mut() {
                m.insert(r.pick(KEYS).to_string(), random_value(r, 0));
            }
        }
        6 => {
            if let Some(m) = random_node(r, root).as_object_mut() {
                if !m.is_empty() {
                    let k = m.keys().nth(r.below(m.len())).cloned().unwrap_or_default();
                    m.remove(&k);
                }
            }
        }
        7 => {
            // ret (or any object) as a JSON string: the lenient path.
            let n = random_node(r, root);
            if n.is_object() {
                *n = Value::String(n.to_string());
            }
        }
        8 => {
            let n = random_node(r, root);
            let inner = n.take();
            *n = deep(1 + r.below(140), inner, r.chance(2));
        }
        9 => {
            if let Some(ret) = root.get_mut("ret") {
                if let Some(m) = ret.as_object_mut() {
                    m.insert("code".into(), if r.chance(2) { weird_number(r) } else { Value::String(weird_string(r)) });
                }
            }
        }
        10 => {
            if let Some(h) = root.pointer_mut("/urlInfo/headers").and_then(Value::as_object_mut) {
                let v = match r.below(4) {
                    0 => Value::String(SHA.to_ascii_uppercase()),
                    1 => Value::String(format!("{SHA}\u{0}")),
                    2 => random_value(r, 0),
                    _ => Value::String(SHA[1..].to_string()),
                };
                h.insert(r.pick(&["x-amz-content-sha256", "X-AMZ-CONTENT-SHA256"]).to_string(), v);
            }
        }
        _ => {
            if let Some(info) = root.get_mut("urlInfo").and_then(Value::as_object_mut) {
                let v = match r.below(3) {
                    0 => Value::String("o".repeat(1020 + r.below(10))),
                    1 => Value::String(format!("a\u{0}b{}", weird_string(r))),
                    _ => random_value(r, 0),
                };
                info.insert(r.pick(&["objectId", "method"]).to_string(), v);
            }
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"\0",
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"1e999999",
    b"-0",
    b"18446744073709551616",
    b"99999999999999999999999999999999999999",
    b"null",
    b"true",
    b"NaN",
    b"<Code>",
    b"</Code>",
    b"<Message>",
    b"</Message>",
    b"&amp;",
    b"&",
    b"<",
    b"\r\n",
    b"\xe2\x80\xae",
];

fn mutate_bytes(r: &mut Rng, data: &mut Vec<u8>, pool: &[Vec<u8>]) {
    let len = data.len();
    match r.below(9) {
        0 if len > 0 => {
            let i = r.below(len);
            data[i] ^= 1 << r.below(8);
        }
        1 if len > 0 => {
            let i = r.below(len);
            data[i] = r.next() as u8;
        }
        2 => data.truncate(r.below(len + 1)),
        3 if len > 0 => {
            let a = r.below(len);
            let b = (a + 1 + r.below(16)).min(len);
            data.drain(a..b);
        }
        4 => {
            let t = r.pick(TOKENS);
            let at = r.below(len + 1);
            data.splice(at..at, t.iter().copied());
        }
        5 if len > 0 => {
            // Duplicate a range (repeats keys, grows strings).
            let a = r.below(len);
            let b = (a + 1 + r.below(64)).min(len);
            let chunk = data[a..b].to_vec();
            let at = r.below(len + 1);
            data.splice(at..at, chunk);
        }
        6 if !pool.is_empty() => {
            // Splice: our head, another input's tail.
            let other = r.pick(pool);
            let cut = r.below(len + 1);
            let from = r.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        7 => {
            let at = r.below(len + 1);
            let n = 1 + r.below(100);
            let open: Vec<u8> = if r.chance(2) { vec![b'['; n] } else { b"{\"ret\":".repeat(n) };
            data.splice(at..at, open);
        }
        _ => {
            let at = r.below(len + 1);
            data.insert(at, *r.pick(&[0u8, b' ', b'\t', 0x7f, 0x80]));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Oracles.

/// Does `text` contain any WINDOW-long piece of the marker?
fn leaks(text: &str) -> bool {
    (0..=MARKER.len() - WINDOW).any(|i| text.contains(&MARKER[i..i + WINDOW]))
}

/// True when every string in the document that carries a piece of the marker sits where a
/// secret may sit (`urlInfo.headers.<authorization>` or `access_token`): then no output may
/// show it. (A mutation that copied it elsewhere makes it the server's words, fair to echo.)
fn marker_only_in_secret_places(doc: &Value) -> bool {
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
fn marker_outside_secret_places_text(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let rest = text.replace(&format!("\"access_token\":\"{MARKER}"), "").replace(&format!("Signature={MARKER}"), "");
    leaks(&rest)
}

fn prefix(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn check_text(what: &str, text: &str, max: usize) {
    assert!(text.len() <= max, "{what}: {} bytes, over {max}: {:?}", text.len(), prefix(text, 300));
    assert!(!text.chars().any(char::is_control), "{what}: control character in {text:?}");
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

fn check_error(what: &str, e: &Error, secret_may_leak: bool) {
    let shown = e.to_string();
    check_text(what, &shown, MAX_ERROR_LEN);
    if !secret_may_leak {
        assert!(!leaks(&shown), "{what}: the error shows the secret marker: {shown}");
        assert!(!leaks(&format!("{e:?}")), "{what}: the error's Debug shows the secret marker");
    }
}

#[derive(Default)]
struct Stats {
    runs: u64,
    json_ok: u64,
    tokens_ok: u64,
    targets_ok: u64,
    s3_codes: u64,
    outcomes: HashSet<String>,
}

/// Runs every parser on one input; returns a short outcome label (for the pool's feedback).
fn run_one(body: &[u8], status: u16, st: &mut Stats) -> String {
    st.runs += 1;
    let doc = serde_json::from_slice::<Value>(body).ok();
    // A document serde_json's `Value` cannot hold (nested deeper than 128) may still be read
    // in part by a parser (typed, skipping what it does not need): judge it by its text.
    let secret_may_leak = match &doc {
        Some(d) => !marker_only_in_secret_places(d),
        None => marker_outside_secret_places_text(body),
    };
    let mut label = String::new();

    // parse_retry_after: any header text (the first bytes of the input) must not panic.
    let head = String::from_utf8_lossy(&body[..body.len().min(64)]);
    if parse_retry_after(&head, SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)).is_some() {
        label.push_str("retry-after ");
    }

    // parse_json / parse_ret
    match parse_json(body, "fuzz") {
        Ok(v) => {
            st.json_ok += 1;
            if let Some(ret) = parse_ret(&v) {
                check_text("parse_ret message", &ret.message, 303);
                label.push_str(if ret.code == 0 { "ret0 " } else { "ret " });
            }
        }
        Err(e) => check_error("parse_json", &e, false),
    }

    // parse_token
    match parse_token(status, body, Some(Duration::from_secs(1))) {
        Ok((tok, life)) => {
            st.tokens_ok += 1;
            assert_eq!(status, 200);
            assert!(!tok.is_empty());
            assert!(life >= Duration::from_secs(1) && life <= Duration::from_secs(365 * 86400), "{life:?}");
            if !secret_may_leak {
                assert!(!leaks(&format!("{tok:?} {life:?}")));
            }
            label.push_str("token-ok");
        }
        Err(e) => {
            check_error("parse_token", &e, secret_may_leak);
            label.push_str(&format!("token:{:?}", e.status()));
        }
    }

    // parse_upload_url
    let query = UploadUrlQuery {
        app_id: "1234567",
        file_name: "abc.app",
        content_length: 3,
        sha256_hex: SHA,
        release_type: None,
        chinese_mainland: None,
    };
    match parse_upload_url(body, &query) {
        Ok(t) => {
            st.targets_ok += 1;
            check_accepted_target(&t);
            if !secret_may_leak {
                assert!(!leaks(&format!("{t:?}")), "UploadTarget Debug shows the secret");
            }
            label.push_str(" target-ok");
        }
        Err(e) => {
            check_error("parse_upload_url", &e, secret_may_leak);
            // The first words of the message say which check refused it.
            let m = match e {
                Error::Api { .. } => "Api".to_string(),
                _ => e.to_string(),
            };
            label.push_str(" url:");
            label.extend(m.split(['\'', '(']).next().unwrap_or("").chars().filter(|c| !c.is_ascii_digit()).take(60));
        }
    }

    // parse_s3_error
    let (code, message) = parse_s3_error(body);
    check_text("S3 Code", &code, 67);
    check_text("S3 Message", &message, 303);
    if !code.is_empty() {
        st.s3_codes += 1;
        label.push_str(" s3code");
    }
    label
}

fn check_accepted_target(t: &agcupload::internal::UploadTarget) {
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

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok())
}

#[test]
fn fuzz_response_parsers() {
    let secs = env_u64("FUZZ_SECONDS").unwrap_or(2);
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).expect("OS randomness");
        u64::from_le_bytes(b) | 1
    });
    eprintln!("fuzz_parsers: FUZZ_SEED={seed} FUZZ_SECONDS={secs}");
    let mut r = Rng(seed | 1);
    let mut st = Stats::default();
    let mut pool: Vec<Vec<u8>> = seeds();
    let n_seeds = pool.len();
    let statuses = [200u16, 200, 200, 401, 403, 429, 500, 503, 302, 400, 404, 0, 999];

    // The seeds themselves, and the fixed expectations they carry.
    for s in seeds() {
        for &status in &statuses {
            run_one(&s, status, &mut st);
        }
    }
    assert!(st.tokens_ok > 0 && st.targets_ok > 0 && st.s3_codes > 0, "seeds do not reach every parser's success path");

    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut iter: u64 = 0;
    while Instant::now() < deadline {
        for _ in 0..64 {
            iter += 1;
            // A third of the time start from a seed, so structured mutations keep happening.
            let mut input = if r.chance(3) { pool[r.below(n_seeds)].clone() } else { r.pick(&pool).clone() };
            for _ in 0..1 + r.below(4) {
                let structured = r.chance(2);
                match serde_json::from_slice::<Value>(&input) {
                    Ok(mut v) if structured => {
                        mutate_value(&mut r, &mut v);
                        input = v.to_string().into_bytes();
                    }
                    _ => mutate_bytes(&mut r, &mut input, &pool),
                }
            }
            let status = *r.pick(&statuses);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_one(&input, status, &mut st)));
            match outcome {
                Ok(label) => {
                    // Feedback: keep inputs that reach an outcome not seen before (bounded pool).
                    if st.outcomes.insert(label) && input.len() < 300_000 {
                        if pool.len() >= 512 {
                            let i = n_seeds + r.below(pool.len() - n_seeds);
                            pool[i] = input;
                        } else {
                            pool.push(input);
                        }
                    }
                }
                Err(p) => {
                    let _ = std::fs::create_dir_all(concat!(env!("CARGO_TARGET_TMPDIR"), "/.."));
                    let path = concat!(env!("CARGO_TARGET_TMPDIR"), "/../fuzz-failure.bin");
                    let _ = std::fs::write(path, &input);
                    let shown = String::from_utf8_lossy(&input[..input.len().min(2000)]).into_owned();
                    panic!(
                        "fuzz failure at iteration {iter} (FUZZ_SEED={seed}, status {status}): {}\ninput ({} bytes, saved to {path}): {shown:?}",
                        p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default(),
                        input.len()
                    );
                }
            }
        }
    }
    let el = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz_parsers: {iter} inputs in {el:.1}s ({:.0}/s); valid JSON {}, tokens accepted {}, upload targets accepted {}, S3 codes {}, distinct outcomes {}, pool {}",
        iter as f64 / el.max(1e-9),
        st.json_ok,
        st.tokens_ok,
        st.targets_ok,
        st.s3_codes,
        st.outcomes.len(),
        pool.len()
    );
    if std::env::var("FUZZ_VERBOSE").is_ok() {
        let mut o: Vec<_> = st.outcomes.iter().collect();
        o.sort();
        for x in o {
            eprintln!("  outcome: {x}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Retry-After and HTTP dates.

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Days from 1970-01-01 to `y-m-d` (proleptic Gregorian, y >= 1), counted differently from the
/// library (cumulative month lengths and leap-year counts), as an oracle.
fn oracle_days(y: i64, m: usize, d: i64) -> i64 {
    let before = |y: i64| 365 * (y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let lens = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    before(y) - before(1970) + lens[..m].iter().sum::<i64>() + d - 1
}

fn wild_i64(r: &mut Rng) -> i64 {
    match r.below(8) {
        0 => i64::MAX - r.below(3) as i64,
        1 => i64::MIN + r.below(3) as i64,
        2 => (r.next() >> r.below(63)) as i64,
        3 => -((r.next() >> (1 + r.below(62))) as i64),
        4 => 1970 + r.below(200) as i64,
        5 => r.below(10_000) as i64,
        6 => 1600 + r.below(800) as i64,
        _ => 25_252_734_927_766_554 + r.below(1000) as i64 - 500,
    }
}

/// A Retry-After value and, when it is an in-range well-formed date, its expected epoch seconds.
fn retry_after_value(r: &mut Rng) -> (String, Option<i64>) {
    if r.chance(4) {
        let v = match r.below(4) {
            0 => r.next().to_string(),
            1 => format!("{}{}", r.next(), r.below(10)),
            2 => format!("-{}", r.below(100)),
            _ => format!(" {} ", r.below(1000)),
        };
        return (v, None);
    }
    let year = if r.chance(2) { 1600 + r.below(800) as i64 } else { wild_i64(r) };
    let month = r.below(12);
    let day = if r.chance(8) { wild_i64(r) } else { 1 + r.below(31) as i64 };
    let (h, m, s) = if r.chance(8) {
        (wild_i64(r), wild_i64(r), wild_i64(r))
    } else {
        (r.below(24) as i64, r.below(60) as i64, r.below(61) as i64)
    };
    let mut v = format!("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", r.pick(&DAYS), day, MONTHS[month], year, h, m, s);
    let mut expected = None;
    let well_formed = (1..=31).contains(&day) && (0..24).contains(&h) && (0..60).contains(&m) && (0..=60).contains(&s);
    if well_formed && (1970..=100_000).contains(&year) {
        expected = Some(oracle_days(year, month, day) * 86_400 + h * 3600 + m * 60 + s);
    }
    if r.chance(6) {
        // Byte-level damage: the expectation no longer holds, only "no panic" does.
        let mut b = v.into_bytes();
        let pool = vec![b.clone()];
        mutate_bytes(r, &mut b, &pool);
        v = String::from_utf8_lossy(&b).into_owned();
        expected = None;
    }
    (v, expected)
}

#[test]
fn fuzz_retry_after() {
    let secs = env_u64("FUZZ_SECONDS").unwrap_or(2);
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).expect("OS randomness");
        u64::from_le_bytes(b) | 1
    });
    eprintln!("fuzz_retry_after: FUZZ_SEED={seed} FUZZ_SECONDS={secs}");
    let mut r = Rng(seed | 1);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    // The fixed cases first: the year that overflowed in v0.1, and the RFC example.
    for v in ["Sun, 06 Nov 9223372036854775807 08:49:37 GMT", "Sun, 06 Nov -9223372036854775808 08:49:37 GMT"] {
        assert_eq!(parse_retry_after(v, now), None, "{v}");
    }
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777))
    );
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut n, mut checked) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..256 {
            n += 1;
            let (v, expected) = retry_after_value(&mut r);
            let got = std::panic::catch_unwind(|| (parse_http_date(&v), parse_retry_after(&v, now)));
            let (date, wait) = got.unwrap_or_else(|_| panic!("panic on Retry-After {v:?} (FUZZ_SEED={seed})"));
            if let Some(secs) = expected {
                checked += 1;
                let want = SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64);
                assert_eq!(date, Some(want), "date {v:?} (FUZZ_SEED={seed})");
                let want_wait = want.duration_since(now).unwrap_or(Duration::ZERO);
                assert_eq!(wait, Some(want_wait), "wait {v:?} (FUZZ_SEED={seed})");
            }
            if let (Some(d), Some(w)) = (date, wait) {
                assert_eq!(w, d.duration_since(now).unwrap_or(Duration::ZERO), "{v:?}");
            }
        }
    }
    assert!(checked > 0, "no well-formed date was generated");
    eprintln!("fuzz_retry_after: {n} values, {checked} checked against the oracle");
}

// ---------------------------------------------------------------------------------------------
// The release road's answers (src/connect/release.rs, src/connect/test_release.rs) and release times.

use agcupload::internal::parse_empty;
use agcupload::internal::{is_still_processing, parse_app_state};
use agcupload::internal::{parse_test_package, parse_version_id};
use agcupload::{normalize_release_time, ReleaseState};

const RELEASE_KEYS: &[&str] =
    &["ret", "code", "msg", "appInfo", "releaseState", "auditInfo", "auditOpinion", "versionId", "pkgVersion", "pkgId"];

/// Control, format and separator characters (besides the plain space) an id must not hold;
/// our own list of the ones the generators produce, as an oracle independent of the library.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x00A0 | 0x00AD | 0x200B..=0x200F | 0x2028 | 0x2029 | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}

fn release_string(r: &mut Rng) -> Value {
    match r.below(10) {
        0 => json!("v-1\u{202e}gnp.exe"),
        1 => json!("pkg\u{2028}2"),
        2 => json!("\u{feff}id"),
        3 => json!("a\u{a0}b"),
        4 => json!(" 12345 "),
        5 => json!("x".repeat(250 + r.below(12))),
        6 => weird_number(r),
        7 => json!("状态-ok"),
        _ => Value::String(weird_string(r)),
    }
}

/// A release answer: one of the shapes the road reads, with hostile pieces.
fn release_answer(r: &mut Rng) -> Value {
    let code = match r.below(6) {
        0 => json!(204144660),
        1 => json!("0"),
        2 => weird_number(r),
        _ => json!(0),
    };
    let mut v = json!({"ret": {"code": code, "msg": if r.chance(3) { Value::String(weird_string(r)) } else { json!("success") }}});
    let m = v.as_object_mut().expect("object");
    match r.below(4) {
        0 => {
            let state = match r.below(5) {
                0 => weird_number(r),
                1 => Value::String(weird_string(r)),
                2 => json!(r.below(10).to_string()),
                _ => json!(*r.pick(&[0, 1, 4, 5, 7, 8, 3, 9])),
            };
            m.insert("appInfo".into(), json!({ "releaseState": state }));
            if r.chance(2) {
                let op = if r.chance(2) {
                    Value::String(weird_string(r))
                } else {
                    json!("Crashes on start.\u{0}\u{1b}[31m")
                };
                m.insert("auditInfo".into(), json!({ "auditOpinion": op }));
            }
        }
        1 => {
            m.insert("versionId".into(), release_string(r));
        }
        2 => {
            let p = match r.below(4) {
                0 => Value::Array((0..r.below(3)).map(|_| release_string(r)).collect()),
                1 => release_string(r),
                2 => random_value(r, 0),
                _ => Value::Null,
            };
            m.insert("pkgVersion".into(), p);
            if r.chance(2) {
                m.insert("pkgId".into(), release_string(r));
            }
        }
        _ => {}
    }
    if r.chance(4) {
        if let Some(o) = random_node(r, &mut v).as_object_mut() {
            o.insert(r.pick(RELEASE_KEYS).to_string(), random_value(r, 0));
        }
    }
    v
}

fn check_id_accepted(what: &str, id: &str) {
    assert!(!id.is_empty() && id.len() <= 256, "{what}: accepted an id of {} bytes", id.len());
    assert!(!id.chars().any(hidden), "{what}: accepted an id with a hidden character: {id:?}");
    assert_eq!(id, id.trim(), "{what}: accepted an id with surrounding spaces");
}

fn release_run_one(body: &[u8], outcomes: &mut HashSet<String>) -> String {
    let doc = serde_json::from_slice::<Value>(body).ok();
    let mut label = String::new();
    match parse_app_state(body) {
        Ok(s) => {
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
            label.push_str(&format!("state:{:?}/{}", s.state, s.audit_opinion.is_some()));
        }
        Err(e) => {
            check_error("app-info", &e, true);
            label.push_str(&format!("state-err:{:?}", e.status()));
        }
    }
    match parse_version_id(body) {
        Ok(id) => {
            check_id_accepted("versionId", &id);
            label.push_str("/vid");
        }
        Err(e) => check_error("test-version", &e, true),
    }
    match parse_test_package(body) {
        Ok(id) => {
            check_id_accepted("pkgVersion", &id);
            label.push_str("/pkg");
        }
        Err(e) => check_error("test-package", &e, true),
    }
    if let Err(e) = parse_empty(body, "submit") {
        check_error("submit", &e, true);
    }
    if let Some(d) = &doc {
        let code = d.pointer("/ret/code").and_then(Value::as_i64).unwrap_or(0);
        let msg = d.pointer("/ret/msg").and_then(Value::as_str).unwrap_or("");
        if is_still_processing(code, msg) {
            label.push_str("/processing");
        }
    }
    outcomes.insert(label.clone());
    label
}

fn release_time(r: &mut Rng) -> String {
    // Mostly in range (so the accepting path is reached), sometimes wild.
    let n = |r: &mut Rng, w: usize, lo: usize, hi: usize| -> String {
        match r.below(16) {
            0 => wild_i64(r).to_string(),
            1 => "٣".repeat(w),
            2 => format!("{:0w$}", r.below(10usize.pow(w as u32) + 10)),
            _ => format!("{:0w$}", lo + r.below(hi - lo + 1)),
        }
    };
    let tz = *r.pick(&["+0000", "Z", "+00:00", "+0000", "+0800", "", "z", "+0000\u{0}", "-0000", " +0000"]);
    let sep = *r.pick(&["T", "T", "T", "T", " ", "t", "\u{2028}"]);
    let mut v = format!(
        "{}-{}-{}{sep}{}:{}:{}{tz}",
        n(r, 4, 1960, 2200),
        n(r, 2, 1, 12),
        n(r, 2, 1, 31),
        n(r, 2, 0, 24),
        n(r, 2, 0, 60),
        n(r, 2, 0, 60)
    );
    if r.chance(5) {
        let mut b = v.into_bytes();
        let pool = vec![b.clone()];
        mutate_bytes(r, &mut b, &pool);
        v = String::from_utf8_lossy(&b).into_owned();
    }
    v
}

fn seed_from_env(name: &str) -> u64 {
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).expect("OS randomness");
        u64::from_le_bytes(b) | 1
    });
    eprintln!("{name}: FUZZ_SEED={seed} FUZZ_SECONDS={}", env_u64("FUZZ_SECONDS").unwrap_or(2));
    seed
}

#[test]
fn fuzz_release_parsers() {
    let secs = env_u64("FUZZ_SECONDS").unwrap_or(2);
    let seed = seed_from_env("fuzz_release_parsers");
    let mut r = Rng(seed | 1);
    let mut outcomes = HashSet::new();
    // Fixed cases: ids with a right-to-left override or a line separator are refused (they
    // passed the `char::is_control` check before), plain ones accepted.
    for (body, ok) in [
        (r#"{"ret":{"code":0},"versionId":"v1\u202egpj.exe"}"#, false),
        (r#"{"ret":{"code":0},"versionId":"v1\u2028x"}"#, false),
        (r#"{"ret":{"code":0},"versionId":" v-1 "}"#, true),
        (r#"{"ret":{"code":0},"versionId":12}"#, true),
    ] {
        assert_eq!(parse_version_id(body.as_bytes()).is_ok(), ok, "{body}");
    }
    assert!(parse_test_package(br#"{"ret":{"code":0},"pkgVersion":["p\ufeff1"]}"#).is_err());
    assert!(parse_test_package(br#"{"ret":{"code":0},"pkgVersion":["p1"]}"#).is_ok());
    // An opinion of only hidden characters is no opinion (it came out as " " before).
    let s = parse_app_state(
        br#"{"ret":{"code":0},"appInfo":{"releaseState":1},"auditInfo":{"auditOpinion":"\u0000\u200b"}}"#,
    );
    assert_eq!(s.expect("an app-info answer").audit_opinion, None);
    let mut pool: Vec<Vec<u8>> = (0..64).map(|_| release_answer(&mut r).to_string().into_bytes()).collect();
    let n_seeds = pool.len();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut n, mut times_ok) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..64 {
            n += 1;
            let mut input = match r.below(3) {
                0 => release_answer(&mut r).to_string().into_bytes(),
                _ => r.pick(&pool).clone(),
            };
            for _ in 0..r.below(3) {
                match serde_json::from_slice::<Value>(&input) {
                    Ok(mut v) if r.chance(2) => {
                        mutate_value(&mut r, &mut v);
                        input = v.to_string().into_bytes();
                    }
                    _ => mutate_bytes(&mut r, &mut input, &pool),
                }
            }
            let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| release_run_one(&input, &mut outcomes)));
            match got {
                Ok(label) => {
                    if outcomes.len() > n_seeds && !label.is_empty() && input.len() < 300_000 && pool.len() < 512 {
                        pool.push(input);
                    }
                }
                Err(_) => panic!(
                    "release parser failure (FUZZ_SEED={seed}) on {:?}",
                    String::from_utf8_lossy(&input[..input.len().min(2000)])
                ),
            }
            let t = release_time(&mut r);
            let res = std::panic::catch_unwind(|| normalize_release_time(&t))
                .unwrap_or_else(|_| panic!("panic on release time {t:?} (FUZZ_SEED={seed})"));
            match res {
                Ok(norm) => {
                    times_ok += 1;
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
                }
                Err(e) => check_error("release time", &e, true),
            }
        }
    }
    assert!(outcomes.iter().any(|o| o.contains("/vid")) && outcomes.iter().any(|o| o.contains("/pkg")));
    eprintln!("fuzz_release_parsers: {n} answers, {times_ok} release times accepted, {} outcomes", outcomes.len());
}

// ---------------------------------------------------------------------------------------------
// Proxy settings and NO_PROXY (src/proxy.rs).

/// The user and the password planted in proxy URLs: never in an error, a Debug text or a name.
const PROXY_USER: &str = "UsErMaRk9f8e7d6c5b4a";
const PROXY_PASS: &str = "PaSsMaRk0a1b2c3d4e5f";

fn percent_encode_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// A proxy setting, and whether byte damage may have moved the credentials out of the
/// userinfo (then only "no panic, bounded text" is checked).
fn proxy_setting(r: &mut Rng) -> (String, bool) {
    let scheme = *r.pick(&[
        "http://",
        "https://",
        "HTTP://",
        "",
        "socks5://",
        "ftp://",
        "http:/",
        "https:///",
        "http://http://",
    ]);
    let (user, pass) = match r.below(3) {
        0 => (PROXY_USER.to_owned(), PROXY_PASS.to_owned()),
        1 => (percent_encode_all(PROXY_USER), percent_encode_all(PROXY_PASS)),
        _ => (format!("{PROXY_USER}%"), format!("{PROXY_PASS}%zz@x")),
    };
    let userinfo = match r.below(6) {
        0 => String::new(),
        1 => format!("{user}@"),
        2 => format!(":{pass}@"),
        3 => format!("{user}:{pass}:{pass}@"),
        4 => format!("{user}:{pass}@@"),
        _ => format!("{user}:{pass}@"),
    };
    let host = match r.below(10) {
        0 => "[::1]".to_owned(),
        1 => "[fe80::1%25eth0]".to_owned(),
        2 => String::new(),
        3 => "prøxy.example".to_owned(),
        4 => "a".repeat(1 + r.below(400)),
        5 => "[::1".to_owned(),
        6 => "10.0.0.1".to_owned(),
        7 => weird_string(r).chars().take(300).collect(),
        _ => "proxy.example".to_owned(),
    };
    let port =
        *r.pick(&["", ":3128", ":0", ":65535", ":65536", ":99999999999999999999", ":", ":-1", ":0x10", ":3128:1"]);
    let tail = *r.pick(&["", "", "/", "/path", "?q", "#f", " ", "\t", "\u{0}", "/\u{202e}"]);
    let mut v = format!("{scheme}{userinfo}{host}{port}{tail}");
    let damaged = r.chance(6);
    if damaged {
        let mut b = v.into_bytes();
        let pool = vec![b.clone()];
        mutate_bytes(r, &mut b, &pool);
        v = String::from_utf8_lossy(&b).into_owned();
    }
    (v, damaged)
}

fn no_proxy_value(r: &mut Rng) -> String {
    let entries = [
        "*",
        ".example.com",
        "*.example.com",
        "example.com.",
        "::1",
        "[::1]",
        "10.0.0.0/8",
        "host:443",
        "",
        " ",
        ",,",
        "é",
        "\u{202e}x",
    ];
    let mut v = String::new();
    for _ in 0..r.below(6) {
        let e = if r.chance(5) { weird_string(r).chars().take(200).collect() } else { r.pick(&entries).to_string() };
        v.push_str(&e);
        v.push_str(r.pick::<&str>(&[",", " ", "\t", ", "]));
    }
    v
}

fn shows_credentials(text: &str) -> bool {
    [PROXY_USER, PROXY_PASS].iter().any(|m| (0..=m.len() - WINDOW).any(|i| text.contains(&m[i..i + WINDOW])))
        || text.contains(&percent_encode_all(&PROXY_PASS[..4]))
        || text.contains(&percent_encode_all(&PROXY_USER[..4]))
}

#[test]
fn fuzz_proxy_settings() {
    let secs = env_u64("FUZZ_SECONDS").unwrap_or(2);
    let seed = seed_from_env("fuzz_proxy_settings");
    let mut r = Rng(seed | 1);
    // Fixed cases: credentials work and are never shown; the port is kept.
    let (debug, shown, _) =
        agcupload::internal::fuzz_proxy_setting(&format!("http://{PROXY_USER}:{PROXY_PASS}@proxy.example:3128"), "")
            .expect("a plain proxy URL");
    assert_eq!(shown.as_deref(), Some("http://proxy.example:3128"));
    assert!(!shows_credentials(&debug), "{debug}");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut n, mut accepted) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..64 {
            n += 1;
            let ((setting, damaged), np) = (proxy_setting(&mut r), no_proxy_value(&mut r));
            let shows_credentials = |t: &str| !damaged && shows_credentials(t);
            let got = std::panic::catch_unwind(|| agcupload::internal::fuzz_proxy_setting(&setting, &np))
                .unwrap_or_else(|_| panic!("panic on proxy {setting:?} NO_PROXY {np:?} (FUZZ_SEED={seed})"));
            match got {
                Ok((debug, shown, patterns)) => {
                    accepted += 1;
                    assert!(!shows_credentials(&debug), "Debug shows credentials: {debug} for {setting:?}");
                    if let Some(s) = &shown {
                        assert!(!shows_credentials(s), "the name shows credentials: {s} for {setting:?}");
                        assert!(!s.contains('@'), "the name has userinfo: {s}");
                        check_text("proxy name", s, 1024);
                        let port = s.rsplit(':').next().and_then(|p| p.parse::<u32>().ok());
                        assert!(port.is_some_and(|p| (1..=65535).contains(&p)), "port of {s} for {setting:?}");
                    }
                    for p in &patterns {
                        assert!(!p.is_empty() && !p.contains([',', ' ', '\t']), "NO_PROXY pattern {p:?} from {np:?}");
                    }
                }
                Err(e) => {
                    check_error("proxy setting", &e, true);
                    let shown = e.to_string();
                    assert!(!shows_credentials(&shown), "the error shows credentials: {shown} for {setting:?}");
                    assert!(!shows_credentials(&format!("{e:?}")), "the error's Debug shows credentials");
                }
            }
        }
    }
    assert!(accepted > 0, "no proxy setting was accepted");
    eprintln!("fuzz_proxy_settings: {n} settings, {accepted} accepted");
}
