//! Small helpers: UTC time formatting (the `time` crate's calendar), hex, percent-encoding,
//! randomness.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (0 if the clock is before 1970).
pub fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Formats epoch seconds as an ISO 8601 basic timestamp, `yyyymmddThhmmssZ` (the epoch itself
/// for a time outside the calendar).
pub fn amz_date(secs: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses `yyyymmddThhmmssZ` into epoch seconds. As lenient as S3's clock check needs: a day
/// up to 31 rolls over into the next month, a leap second into the next minute.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let month = time::Month::try_from(mo as u8).ok()?;
    let first = time::Date::from_calendar_date(y as i32, month, 1).ok()?.midnight().assume_utc().unix_timestamp();
    Some(first + (d - 1) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// `n` random bytes from the OS.
pub fn random_bytes(n: usize) -> Vec<u8> {
    use ring::rand::SecureRandom;
    let mut v = vec![0u8; n];
    if ring::rand::SystemRandom::new().fill(&mut v).is_err() {
        // Extremely unlikely; fall back to something unique enough for a test server.
        let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        for (i, b) in v.iter_mut().enumerate() {
            *b = (t >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    v
}

/// `n` random bytes as lowercase hex (2n chars).
pub fn random_hex(n: usize) -> String {
    hex(&random_bytes(n))
}

/// AWS URI-encoding: everything but `A-Za-z0-9-._~` is `%XX`; `/` is kept when `keep_slash`.
pub fn aws_uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding (`+` is kept as is unless `plus_as_space`). Invalid escapes are kept literally;
/// invalid UTF-8 is replaced lossily.
pub fn percent_decode(s: &str, plus_as_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' && i + 2 < b.len() {
            let h = (b[i + 1] as char).to_digit(16);
            let l = (b[i + 2] as char).to_digit(16);
            if let (Some(h), Some(l)) = (h, l) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if plus_as_space && c == b'+' { b' ' } else { c });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a raw query string into percent-decoded pairs (form style: `+` is a space).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// Equality without an early exit (for secrets and signatures).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Minimal JSON string escaping for hand-built documents.
pub fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// XML text escaping.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_369_353_600), "20130524T000000Z");
        for t in [0i64, 951_782_400, 1_369_353_600, 1_700_000_123, 4_102_444_799] {
            assert_eq!(parse_amz_date(&amz_date(t)), Some(t));
        }
        assert_eq!(parse_amz_date("2013052T000000Z"), None);
        assert_eq!(parse_amz_date("20131324T000000Z"), None);
        // 2000 is a leap year, 2100 is not: its "29 February" rolls over to 1 March.
        assert_eq!(parse_amz_date("20000229T000000Z"), Some(951_782_400));
        assert_eq!(parse_amz_date("21000229T000000Z"), parse_amz_date("21000301T000000Z"));
        assert_eq!(amz_date(4_107_542_400), "21000301T000000Z");
    }

    #[test]
    fn encoding() {
        assert_eq!(aws_uri_encode("a b/c~", true), "a%20b/c~");
        assert_eq!(aws_uri_encode("a b/c", false), "a%20b%2Fc");
        assert_eq!(percent_decode("a%20b%2", false), "a b%2");
        assert_eq!(percent_decode("%", false), "%");
        assert_eq!(
            parse_query("a=1&b=x%3Dy&c"),
            vec![("a".into(), "1".into()), ("b".into(), "x=y".into()), ("c".into(), String::new())]
        );
    }
}
