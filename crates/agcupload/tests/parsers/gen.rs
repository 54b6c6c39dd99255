//! The inputs: seeds (answers as AGC and the upload hosts give them), hostile pieces (URLs,
//! strings, numbers, deep nesting), and edits that damage a seed as data (so proptest shrinks a
//! failing input to the fewest, smallest edits).

use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Map, Value};

use crate::checks::{MARKER, SHA};

// ---------------------------------------------------------------------------------------------
// Seeds.

pub fn upload_answer(url: &str, host: &str) -> Value {
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

/// Token answers, upload-url answers (accepted and refused) and S3 XML errors.
pub fn seeds() -> Vec<Vec<u8>> {
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
// Hostile pieces.

pub const KEYS: &[&str] = &[
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
pub const URL_HOSTS: &[&str] = &[
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
pub const URL_PORTS: &[&str] =
    &["", "", ":443", ":8443", ":0", ":65535", ":65536", ":99999999999", ":", ":-1", ":443:443"];
const URL_PATHS: &[&str] =
    &["/b/o", "", "/", "/%2e%2e/x", "/b/o?x=@y", "/b/o#frag@x", "/b/\u{0}", "/b/o o", "/b/%ZZ", "?q", "#@f"];

fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = &'static str> + Clone {
    select(xs)
}

pub fn hostile_url() -> impl Strategy<Value = String> + Clone {
    let host =
        prop_oneof![7 => pick(URL_HOSTS).prop_map(str::to_owned), 1 => (1usize..70_000).prop_map(|n| "a".repeat(n))];
    (pick(URL_SCHEMES), pick(URL_USERINFO), host, pick(URL_PORTS), pick(URL_PATHS))
        .prop_map(|(s, u, h, p, path)| format!("{s}{u}{h}{p}{path}"))
}

pub fn weird_string() -> impl Strategy<Value = String> + Clone {
    let fixed = select(vec![
        String::new(),
        "\u{0}".into(),
        "a\r\nInjected: 1".into(),
        "\u{202e}rtl\u{200b}zw\u{feff}bom".into(),
        "日本語🙂e\u{301}".into(),
        "\u{85}\u{2028}\u{7f}\u{1b}[31m".into(),
        SHA.to_ascii_uppercase(),
        format!(" {SHA} "),
        MARKER.into(),
        "PUT".into(),
    ]);
    prop_oneof![
        9 => fixed,
        1 => (0usize..200_000).prop_map(|n| "x".repeat(n)),
        1 => (0usize..5_000).prop_map(|n| "é".repeat(n)),
        1 => hostile_url(),
        1 => (1usize..400).prop_map(|n| "0".repeat(n)),
        1 => any::<String>(),
    ]
}

pub fn weird_number() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        select(vec![
            json!(0),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(-1),
            json!(1e308),
            json!(-0.0),
            json!(0.5)
        ]),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// `inner` wrapped `n` times in arrays or in `{"ret": …}`.
pub fn deep(n: usize, inner: Value, arrays: bool) -> Value {
    let mut v = inner;
    for _ in 0..n {
        v = if arrays { Value::Array(vec![v]) } else { json!({ "ret": v }) };
    }
    v
}

/// Any JSON value built of the hostile pieces, a few levels deep, sometimes nested very deep.
pub fn random_value() -> impl Strategy<Value = Value> + Clone {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => weird_number(),
        2 => weird_string().prop_map(Value::String),
    ];
    let tree = leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((pick(KEYS), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
        ]
    });
    prop_oneof![8 => tree, 1 => (0usize..200, any::<bool>()).prop_map(|(n, arrays)| deep(n, Value::Null, arrays))]
}

// ---------------------------------------------------------------------------------------------
// Edits of a JSON document.

/// Where an edit applies: a walk down from the root, one child index a step, stopping early
/// where the node has no children.
pub type Walk = Vec<Index>;

fn walk() -> impl Strategy<Value = Walk> + Clone {
    prop::collection::vec(any::<Index>(), 0..4)
}

fn node<'a>(v: &'a mut Value, walk: &[Index]) -> &'a mut Value {
    let Some((first, rest)) = walk.split_first() else { return v };
    let len = match v {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    if len == 0 {
        return v;
    }
    let i = first.index(len);
    match v {
        Value::Object(m) => {
            let (_, child) = m.iter_mut().nth(i).expect("index < len");
            node(child, rest)
        }
        Value::Array(a) => node(&mut a[i], rest),
        _ => unreachable!("only objects and arrays have children"),
    }
}

#[derive(Debug, Clone)]
pub enum ValueEdit {
    Replace(Walk, Value),
    /// `urlInfo.url` set to a hostile URL.
    Url(String),
    /// A `Host` header (under one of its spellings) that matches the URL or not.
    Host(&'static str, Option<String>),
    Insert(Walk, &'static str, Value),
    Remove(Walk, Index),
    /// An object turned into its JSON text (the lenient `ret` path).
    Stringify(Walk),
    Nest(Walk, usize, bool),
    RetCode(Value),
    PayloadHash(&'static str, Value),
    /// `urlInfo.objectId` or `urlInfo.method` set.
    InfoField(&'static str, Value),
}

pub fn value_edit() -> impl Strategy<Value = ValueEdit> {
    let sha = prop_oneof![
        Just(Value::String(SHA.to_ascii_uppercase())),
        Just(Value::String(format!("{SHA}\u{0}"))),
        Just(Value::String(SHA[1..].to_string())),
        random_value(),
    ];
    let info = prop_oneof![
        (1020usize..1030).prop_map(|n| Value::String("o".repeat(n))),
        weird_string().prop_map(|s| Value::String(format!("a\u{0}b{s}"))),
        random_value(),
    ];
    let host = prop_oneof![Just(None), (pick(URL_HOSTS), pick(URL_PORTS)).prop_map(|(h, p)| Some(format!("{h}{p}"))),];
    prop_oneof![
        2 => (walk(), random_value()).prop_map(|(w, v)| ValueEdit::Replace(w, v)),
        1 => (walk(), weird_string()).prop_map(|(w, s)| ValueEdit::Replace(w, Value::String(s))),
        1 => hostile_url().prop_map(ValueEdit::Url),
        1 => (pick(&["Host", "host", "HOST"]), host).prop_map(|(n, h)| ValueEdit::Host(n, h)),
        1 => (walk(), pick(KEYS), random_value()).prop_map(|(w, k, v)| ValueEdit::Insert(w, k, v)),
        1 => (walk(), any::<Index>()).prop_map(|(w, i)| ValueEdit::Remove(w, i)),
        1 => walk().prop_map(ValueEdit::Stringify),
        1 => (walk(), 1usize..140, any::<bool>()).prop_map(|(w, n, a)| ValueEdit::Nest(w, n, a)),
        1 => prop_oneof![weird_number(), weird_string().prop_map(Value::String)].prop_map(ValueEdit::RetCode),
        1 => (pick(&["x-amz-content-sha256", "X-AMZ-CONTENT-SHA256"]), sha).prop_map(|(n, v)| ValueEdit::PayloadHash(n, v)),
        1 => (pick(&["objectId", "method"]), info).prop_map(|(n, v)| ValueEdit::InfoField(n, v)),
    ]
}

pub fn apply_value_edit(root: &mut Value, edit: &ValueEdit) {
    match edit {
        ValueEdit::Replace(w, v) => *node(root, w) = v.clone(),
        ValueEdit::Url(u) => {
            if let Some(info) = root.get_mut("urlInfo").and_then(Value::as_object_mut) {
                info.insert("url".into(), Value::String(u.clone()));
            }
        }
        ValueEdit::Host(name, host) => {
            // None: the URL's own authority (so the target may well be accepted).
            let host = match host {
                Some(h) => h.clone(),
                None => match root.pointer("/urlInfo/url").and_then(Value::as_str) {
                    Some(u) => u.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("").to_string(),
                    None => String::new(),
                },
            };
            if let Some(h) = root.pointer_mut("/urlInfo/headers").and_then(Value::as_object_mut) {
                h.insert((*name).to_string(), Value::String(host));
            }
        }
        ValueEdit::Insert(w, k, v) => {
            if let Some(m) = node(root, w).as_object_mut() {
                m.insert((*k).to_string(), v.clone());
            }
        }
        ValueEdit::Remove(w, i) => {
            if let Some(m) = node(root, w).as_object_mut() {
                if !m.is_empty() {
                    let k = m.keys().nth(i.index(m.len())).cloned().unwrap_or_default();
                    m.remove(&k);
                }
            }
        }
        ValueEdit::Stringify(w) => {
            let n = node(root, w);
            if n.is_object() {
                *n = Value::String(n.to_string());
            }
        }
        ValueEdit::Nest(w, depth, arrays) => {
            let n = node(root, w);
            let inner = n.take();
            *n = deep(*depth, inner, *arrays);
        }
        ValueEdit::RetCode(v) => {
            if let Some(m) = root.get_mut("ret").and_then(Value::as_object_mut) {
                m.insert("code".into(), v.clone());
            }
        }
        ValueEdit::PayloadHash(name, v) => {
            if let Some(h) = root.pointer_mut("/urlInfo/headers").and_then(Value::as_object_mut) {
                h.insert((*name).to_string(), v.clone());
            }
        }
        ValueEdit::InfoField(name, v) => {
            if let Some(info) = root.get_mut("urlInfo").and_then(Value::as_object_mut) {
                info.insert((*name).to_string(), v.clone());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edits of bytes.

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

#[derive(Debug, Clone)]
pub enum ByteEdit {
    FlipBit(Index, u8),
    Set(Index, u8),
    Truncate(Index),
    Remove(Index, usize),
    Token(Index, &'static [u8]),
    /// A range repeated elsewhere (repeats keys, grows strings).
    Duplicate(Index, usize, Index),
    /// Our head, one seed's tail.
    Splice(Index, Index, Index),
    /// Many `[` or `{"ret":` opened.
    Open(Index, usize, bool),
    Insert(Index, u8),
}

pub fn byte_edit() -> impl Strategy<Value = ByteEdit> + Clone {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| ByteEdit::FlipBit(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| ByteEdit::Set(i, b)),
        any::<Index>().prop_map(ByteEdit::Truncate),
        (any::<Index>(), 1usize..17).prop_map(|(i, n)| ByteEdit::Remove(i, n)),
        (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| ByteEdit::Token(i, t)),
        (any::<Index>(), 1usize..65, any::<Index>()).prop_map(|(a, n, to)| ByteEdit::Duplicate(a, n, to)),
        (any::<Index>(), any::<Index>(), any::<Index>()).prop_map(|(c, s, f)| ByteEdit::Splice(c, s, f)),
        (any::<Index>(), 1usize..101, any::<bool>()).prop_map(|(i, n, a)| ByteEdit::Open(i, n, a)),
        (any::<Index>(), select(&[0u8, b' ', b'\t', 0x7f, 0x80][..])).prop_map(|(i, b)| ByteEdit::Insert(i, b)),
    ]
}

/// `edit` applied to `data`; `pool` gives the tails that splices take.
pub fn apply_byte_edit(data: &mut Vec<u8>, edit: &ByteEdit, pool: &[Vec<u8>]) {
    let len = data.len();
    // A position within the data (`len + 1` places to insert at), a byte of it when it has one.
    let at = |i: &Index| i.index(len + 1);
    match edit {
        ByteEdit::FlipBit(i, b) if len > 0 => data[i.index(len)] ^= 1 << b,
        ByteEdit::Set(i, b) if len > 0 => data[i.index(len)] = *b,
        ByteEdit::Truncate(i) => data.truncate(at(i)),
        ByteEdit::Remove(i, n) if len > 0 => {
            let a = i.index(len);
            data.drain(a..(a + n).min(len));
        }
        ByteEdit::Token(i, t) => {
            let a = at(i);
            data.splice(a..a, t.iter().copied());
        }
        ByteEdit::Duplicate(i, n, to) if len > 0 => {
            let a = i.index(len);
            let chunk = data[a..(a + n).min(len)].to_vec();
            let to = at(to);
            data.splice(to..to, chunk);
        }
        ByteEdit::Splice(cut, seed, from) if !pool.is_empty() => {
            let other = &pool[seed.index(pool.len())];
            let from = from.index(other.len() + 1);
            data.truncate(at(cut));
            data.extend_from_slice(&other[from..]);
        }
        ByteEdit::Open(i, n, arrays) => {
            let a = at(i);
            let open: Vec<u8> = if *arrays { vec![b'['; *n] } else { b"{\"ret\":".repeat(*n) };
            data.splice(a..a, open);
        }
        ByteEdit::Insert(i, b) => {
            let a = at(i);
            data.insert(a, *b);
        }
        // An edit that needs bytes (or a pool) where there are none leaves the data as it is.
        _ => {}
    }
}

/// A text damaged by byte edits (lossy UTF-8 back).
pub fn damage(text: &str, edits: &[ByteEdit]) -> String {
    let mut b = text.as_bytes().to_vec();
    let pool = vec![b.clone()];
    for e in edits {
        apply_byte_edit(&mut b, e, &pool);
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// One edit of an answer: a structured one (applied when the answer is JSON at that point,
/// else it falls back to bytes, as the damage usually leaves it), or a byte one.
#[derive(Debug, Clone)]
pub enum Edit {
    Value(ValueEdit, ByteEdit),
    Bytes(ByteEdit),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![(value_edit(), byte_edit()).prop_map(|(v, b)| Edit::Value(v, b)), byte_edit().prop_map(Edit::Bytes),]
}

/// `edits` applied one after the other to `input`.
pub fn apply_edits(mut input: Vec<u8>, edits: &[Edit], pool: &[Vec<u8>]) -> Vec<u8> {
    for e in edits {
        match e {
            Edit::Value(v, fallback) => match serde_json::from_slice::<Value>(&input) {
                Ok(mut doc) => {
                    apply_value_edit(&mut doc, v);
                    input = doc.to_string().into_bytes();
                }
                Err(_) => apply_byte_edit(&mut input, fallback, pool),
            },
            Edit::Bytes(b) => apply_byte_edit(&mut input, b, pool),
        }
    }
    input
}

// ---------------------------------------------------------------------------------------------
// Retry-After.

pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
pub const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Integers at the edges: the extremes, huge and negative ones, plausible years, and the
/// years where the seconds since the epoch overflow an i64.
pub fn wild_i64() -> impl Strategy<Value = i64> + Clone {
    prop_oneof![
        (0i64..3).prop_map(|k| i64::MAX - k),
        (0i64..3).prop_map(|k| i64::MIN + k),
        (any::<u64>(), 0u32..63).prop_map(|(x, s)| (x >> s) as i64),
        (any::<u64>(), 1u32..63).prop_map(|(x, s)| -((x >> s) as i64)),
        1970i64..2170,
        0i64..10_000,
        1600i64..2400,
        (-500i64..500).prop_map(|d| 25_252_734_927_766_554 + d),
    ]
}

/// A Retry-After value and, when it is an in-range well-formed date, its epoch seconds.
pub fn retry_after_value() -> impl Strategy<Value = (String, Option<i64>)> {
    let delta = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (any::<u64>(), 0u8..10).prop_map(|(n, d)| format!("{n}{d}")),
        (0u32..100).prop_map(|n| format!("-{n}")),
        (0u32..1000).prop_map(|n| format!(" {n} ")),
    ]
    .prop_map(|v| (v, None));
    let year = prop_oneof![1600i64..2400, wild_i64()];
    let day = prop_oneof![7 => 1i64..=31, 1 => wild_i64()];
    let time = prop_oneof![7 => (0i64..24, 0i64..60, 0i64..=60), 1 => (wild_i64(), wild_i64(), wild_i64())];
    let date = (select(&DAYS[..]), year, 0usize..12, day, time).prop_map(|(wd, year, month, day, (h, m, s))| {
        let v = format!("{wd}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT", MONTHS[month]);
        let well_formed =
            (1..=31).contains(&day) && (0..24).contains(&h) && (0..60).contains(&m) && (0..=60).contains(&s);
        let expected =
            (well_formed && (1970..=100_000).contains(&year)).then(|| oracle_secs(year, month, day, h, m, s));
        (v, expected)
    });
    (prop_oneof![1 => delta, 3 => date], prop::option::weighted(0.17, prop::collection::vec(byte_edit(), 1..4)))
        .prop_map(|((v, expected), damage_edits)| match damage_edits {
            // Byte damage: the expectation no longer holds, only "no panic" does.
            Some(edits) => (damage(&v, &edits), None),
            None => (v, expected),
        })
}

fn oracle_secs(year: i64, month: usize, day: i64, h: i64, m: i64, s: i64) -> i64 {
    crate::checks::oracle_days(year, month, day) * 86_400 + h * 3600 + m * 60 + s
}

// ---------------------------------------------------------------------------------------------
// The release road.

pub const RELEASE_KEYS: &[&str] =
    &["ret", "code", "msg", "appInfo", "releaseState", "auditInfo", "auditOpinion", "versionId", "pkgVersion", "pkgId"];

fn release_string() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        1 => select(vec![
            json!("v-1\u{202e}gnp.exe"),
            json!("pkg\u{2028}2"),
            json!("\u{feff}id"),
            json!("a\u{a0}b"),
            json!(" 12345 "),
            json!("状态-ok"),
        ]),
        1 => (250usize..262).prop_map(|n| json!("x".repeat(n))),
        1 => weird_number(),
        2 => weird_string().prop_map(Value::String),
    ]
}

/// A release answer: one of the shapes the road reads (app-info, a test version id, a test
/// package id, an empty envelope), with hostile pieces.
pub fn release_answer() -> impl Strategy<Value = Value> {
    let code =
        prop_oneof![3 => Just(json!(0)), 1 => Just(json!(204144660)), 1 => Just(json!("0")), 1 => weird_number()];
    let msg = prop_oneof![2 => Just(json!("success")), 1 => weird_string().prop_map(Value::String)];
    let state = prop_oneof![
        1 => weird_number(),
        1 => weird_string().prop_map(Value::String),
        1 => (0u8..10).prop_map(|n| json!(n.to_string())),
        2 => select(vec![0, 1, 4, 5, 7, 8, 3, 9]).prop_map(|n| json!(n)),
    ];
    let opinion = prop::option::of(prop_oneof![
        weird_string().prop_map(Value::String),
        Just(json!("Crashes on start.\u{0}\u{1b}[31m")),
    ]);
    let pkg = prop_oneof![
        prop::collection::vec(release_string(), 0..3).prop_map(Value::Array),
        release_string(),
        random_value(),
        Just(Value::Null),
    ];
    let body = prop_oneof![
        (state, opinion).prop_map(|(state, op)| {
            let mut m = Map::new();
            m.insert("appInfo".into(), json!({ "releaseState": state }));
            if let Some(op) = op {
                m.insert("auditInfo".into(), json!({ "auditOpinion": op }));
            }
            m
        }),
        release_string().prop_map(|id| Map::from_iter([("versionId".to_string(), id)])),
        (pkg, prop::option::of(release_string())).prop_map(|(p, id)| {
            let mut m = Map::from_iter([("pkgVersion".to_string(), p)]);
            if let Some(id) = id {
                m.insert("pkgId".into(), id);
            }
            m
        }),
        Just(Map::new()),
    ];
    let extra = prop::option::weighted(0.25, (walk(), pick(RELEASE_KEYS), random_value()));
    (code, msg, body, extra).prop_map(|(code, msg, body, extra)| {
        let mut v = json!({"ret": {"code": code, "msg": msg}});
        v.as_object_mut().expect("an object").extend(body);
        if let Some((w, k, x)) = extra {
            if let Some(o) = node(&mut v, &w).as_object_mut() {
                o.insert(k.to_string(), x);
            }
        }
        v
    })
}

/// A release time: mostly in range (so the accepting path is reached), sometimes wild.
pub fn release_time() -> impl Strategy<Value = String> {
    fn field(w: usize, lo: usize, hi: usize) -> impl Strategy<Value = String> {
        prop_oneof![
            1 => wild_i64().prop_map(|n| n.to_string()),
            1 => Just("٣".repeat(w)),
            1 => (0..10usize.pow(w as u32) + 10).prop_map(move |n| format!("{n:0w$}")),
            13 => (lo..=hi).prop_map(move |n| format!("{n:0w$}")),
        ]
    }
    let tz = select(&["+0000", "Z", "+00:00", "+0000", "+0800", "", "z", "+0000\u{0}", "-0000", " +0000"][..]);
    let sep = select(&["T", "T", "T", "T", " ", "t", "\u{2028}"][..]);
    let text = (
        field(4, 1960, 2200),
        field(2, 1, 12),
        field(2, 1, 31),
        sep,
        field(2, 0, 24),
        field(2, 0, 60),
        field(2, 0, 60),
        tz,
    )
        .prop_map(|(y, mo, d, sep, h, mi, s, tz)| format!("{y}-{mo}-{d}{sep}{h}:{mi}:{s}{tz}"));
    (text, prop::option::weighted(0.2, prop::collection::vec(byte_edit(), 1..3))).prop_map(|(t, edits)| match edits {
        Some(e) => damage(&t, &e),
        None => t,
    })
}

// ---------------------------------------------------------------------------------------------
// Proxy settings.

/// A proxy setting carrying the planted credentials, and whether byte damage may have moved
/// them out of the userinfo, or another part spells them (then only "no panic, bounded text"
/// is checked).
pub fn proxy_setting() -> impl Strategy<Value = (String, bool)> {
    let host = prop_oneof![
        1 => Just("[::1]".to_owned()),
        1 => Just("[fe80::1%25eth0]".to_owned()),
        1 => Just(String::new()),
        1 => Just("prøxy.example".to_owned()),
        1 => (1usize..400).prop_map(|n| "a".repeat(n)),
        1 => Just("[::1".to_owned()),
        1 => Just("10.0.0.1".to_owned()),
        1 => weird_string().prop_map(|s| s.chars().take(300).collect()),
        // A host that spells a piece of the password (as the cargo-fuzz target once built):
        // showing it is no leak.
        1 => Just(crate::checks::PROXY_PASS[8..].to_owned()),
        3 => Just("proxy.example".to_owned()),
    ];
    let port =
        select(&["", ":3128", ":0", ":65535", ":65536", ":99999999999999999999", ":", ":-1", ":0x10", ":3128:1"][..]);
    let tail = select(&["", "", "/", "/path", "?q", "#f", " ", "\t", "\u{0}", "/\u{202e}"][..]);
    let url = (select(&crate::checks::PROXY_SCHEMES[..]), 0usize..3, 0usize..6, host, port, tail).prop_map(
        |(scheme, spelling, shape, host, port, tail)| {
            let planted_elsewhere = crate::checks::may_carry_credentials(&format!("{host}{port}{tail}"));
            (crate::checks::proxy_url(scheme, spelling, shape, &host, port, tail), planted_elsewhere)
        },
    );
    (url, prop::option::weighted(0.17, prop::collection::vec(byte_edit(), 1..3))).prop_map(
        |((v, planted_elsewhere), edits)| match edits {
            Some(e) => (damage(&v, &e), true),
            None => (v, planted_elsewhere),
        },
    )
}

pub fn no_proxy_value() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        4 => select(&["*", ".example.com", "*.example.com", "example.com.", "::1", "[::1]", "10.0.0.0/8", "host:443", "", " ", ",,", "é", "\u{202e}x"][..])
            .prop_map(str::to_owned),
        1 => weird_string().prop_map(|s| s.chars().take(200).collect()),
    ];
    prop::collection::vec((entry, select(&[",", " ", "\t", ", "][..])), 0..6)
        .prop_map(|v| v.into_iter().map(|(e, sep)| e + sep).collect())
}
