//! The one redaction step through which every message leaves a [`crate::Client`].
//!
//! Error texts quote servers (a non-JSON error body, `ret.msg`, an S3 `Message`). A server or
//! proxy that echoes the request would put our own secrets into them. The client therefore
//! remembers every secret it holds or has held (client secret, access tokens, service-account
//! JWTs, signed upload `Authorization` values and their `Signature=` part, the seal key in
//! hex and base64) and every public `Client` method passes its result through
//! the gate (`crate::text::untrusted`), which replaces each of them with `[redacted]`.
//!
//! Messages are bounded, so an echo may be cut inside a secret: a random secret (token, JWT,
//! signature, client secret) is therefore redacted wherever any run of at least
//! [`MIN_RUN`](crate::text::redact::MIN_RUN) consecutive bytes of it appears, not only where it appears whole, and where a
//! bound cut it (right before the `...` that marks the cut), from [`MIN_CUT`](crate::text::redact::MIN_CUT) bytes on.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::text::secret::base64_wiped;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";
/// Runs of a random secret at least this long are redacted wherever they appear.
pub const MIN_RUN: usize = 16;
/// The start of a random secret this long or longer is redacted right before a `...` (where
/// `error::bounded` cut a text before it reached the redactor); a shorter one is taken for
/// chance.
pub const MIN_CUT: usize = 4;
/// What a bound appends where it cut a text.
const CUT_MARK: &str = "...";
/// How many short-lived secrets (tokens, JWTs, signatures) are remembered; older ones are
/// forgotten (and wiped).
pub const MAX_RECENT: usize = 64;

struct Entry {
    value: Zeroizing<String>,
    /// Shortest run that is redacted: `min(MIN_RUN, len)` for random secrets, `len` for
    /// values only redacted whole.
    run: usize,
    /// A random secret, whose start is redacted where a bound cut it.
    random: bool,
}

#[derive(Default)]
struct Inner {
    /// Secrets for the client's lifetime (client secret, seal key forms).
    fixed: Vec<Entry>,
    /// The last [`MAX_RECENT`] tokens, JWTs and signed upload values.
    recent: VecDeque<Entry>,
}

/// The secrets one client knows, and the redaction of messages against them.
#[derive(Default)]
pub struct Redactor {
    inner: Mutex<Inner>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.lock();
        write!(f, "Redactor({} secrets)", g.fixed.len() + g.recent.len())
    }
}

fn entry(value: &str, whole_only: bool) -> Option<Entry> {
    if value.is_empty() {
        return None;
    }
    let mut owned = Zeroizing::new(String::with_capacity(value.len()));
    owned.push_str(value);
    let run = if whole_only { value.len() } else { value.len().min(MIN_RUN) };
    Some(Entry { value: owned, run, random: !whole_only })
}

impl Redactor {
    /// An empty redactor.
    pub fn new() -> Redactor {
        Redactor::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remember a secret for the client's lifetime (client secret).
    pub fn add_fixed(&self, secret: &str) {
        if let Some(e) = entry(secret, false) {
            let mut g = self.lock();
            if !g.fixed.iter().any(|x| *x.value == *e.value) {
                g.fixed.push(e);
            }
        }
    }

    /// Remember the seal key: its hex (both cases) and base64 (standard and URL-safe) forms.
    pub fn add_key_bytes(&self, key: &[u8]) {
        use std::fmt::Write;
        let mut hex = Zeroizing::new(String::with_capacity(key.len() * 2));
        let mut upper = Zeroizing::new(String::with_capacity(key.len() * 2));
        for b in key {
            let _ = write!(hex, "{b:02x}");
            let _ = write!(upper, "{b:02X}");
        }
        self.add_fixed(&hex);
        self.add_fixed(&upper);
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        self.add_fixed(&base64_wiped(key, &STANDARD_NO_PAD));
        self.add_fixed(&base64_wiped(key, &URL_SAFE_NO_PAD));
    }

    /// Remember a short-lived random secret (access token, JWT).
    pub fn add(&self, secret: &str) {
        self.push_recent(entry(secret, false));
    }

    /// Remember a signed upload `Authorization` value: whole, and its `Signature=` part as a
    /// random secret.
    pub fn add_authorization(&self, value: &str) {
        self.push_recent(entry(value, true));
        if let Some(sig) = signature_part(value) {
            self.push_recent(entry(sig, false));
        }
    }

    fn push_recent(&self, e: Option<Entry>) {
        let Some(e) = e else { return };
        let mut g = self.lock();
        if let Some(pos) = g.recent.iter().position(|x| *x.value == *e.value) {
            g.recent.remove(pos);
        }
        while g.recent.len() >= MAX_RECENT {
            g.recent.pop_front();
        }
        g.recent.push_back(e);
    }

    /// `text` with every known secret replaced by [`REDACTED`]. Every secret is looked for
    /// in the original text and what they cover is replaced at once: replacing one secret
    /// before looking for the next would cut a secret that overlaps it (a token holding a
    /// run of another secret) into pieces shorter than [`MIN_RUN`], which then stay.
    pub fn redact(&self, text: &str) -> String {
        let g = self.lock();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for e in g.fixed.iter().chain(g.recent.iter()) {
            cover(text, e.value.as_bytes(), e.run, &mut ranges);
            if e.random {
                cover_cut(text, e.value.as_bytes(), e.run, &mut ranges);
            }
        }
        replace(text, ranges)
    }
}

/// The value after `Signature=` (up to `,`, space or end), if any.
fn signature_part(value: &str) -> Option<&str> {
    let start = value.find("Signature=")? + "Signature=".len();
    let rest = &value[start..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

/// Add to `ranges` the byte ranges of `text` covered by runs of at least `run` bytes that
/// occur in `secret`.
fn cover(text: &str, secret: &[u8], run: usize, ranges: &mut Vec<(usize, usize)>) {
    let t = text.as_bytes();
    if run == 0 || t.len() < run || secret.len() < run {
        return;
    }
    let grams: HashSet<&[u8]> = secret.windows(run).collect();
    // Windows come in increasing order: merge this secret's as they are found.
    let mut current: Option<(usize, usize)> = None;
    for (i, w) in t.windows(run).enumerate() {
        if grams.contains(w) {
            current = match current {
                Some((s, end)) if end >= i => Some((s, i + run)),
                other => {
                    ranges.extend(other);
                    Some((i, i + run))
                }
            };
        }
    }
    ranges.extend(current);
}

/// Add to `ranges` each start of `secret` shorter than `run` (runs that long are found by
/// [`cover`]) and at least [`MIN_CUT`] long that ends right before a [`CUT_MARK`].
fn cover_cut(text: &str, secret: &[u8], run: usize, ranges: &mut Vec<(usize, usize)>) {
    let t = text.as_bytes();
    for (j, _) in text.match_indices(CUT_MARK) {
        let longest = run.saturating_sub(1).min(secret.len()).min(j);
        if let Some(k) = (MIN_CUT..=longest).rev().find(|&k| t[j - k..j] == secret[..k]) {
            ranges.push((j - k, j));
        }
    }
}

/// `text` with the union of `ranges` (widened to character boundaries) replaced, each run of
/// overlapping or touching ranges by one [`REDACTED`].
fn replace(text: &str, mut ranges: Vec<(usize, usize)>) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (mut s, mut e) in ranges {
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        while !text.is_char_boundary(e) {
            e += 1;
        }
        match merged.last_mut() {
            Some((_, end)) if s <= *end => *end = (*end).max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in merged {
        out.push_str(&text[at..s]);
        out.push_str(REDACTED);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tokA1b2C3d4E5f6G7h8I9j0KkLlMmNnOoPpQq";

    #[test]
    fn whole_and_partial_secrets_are_redacted() {
        let r = Redactor::new();
        r.add(TOKEN);
        assert_eq!(r.redact(&format!("Bearer {TOKEN} end")), "Bearer [redacted] end");
        // A message bounded inside the token still hides what is left of it.
        assert_eq!(r.redact(&format!("Bearer {}...", &TOKEN[..20])), "Bearer [redacted]...");
        assert_eq!(r.redact(&format!("x{}y", &TOKEN[5..30])), "x[redacted]y");
        // Short fragments and unrelated text stay.
        assert_eq!(r.redact(&TOKEN[..10]), &TOKEN[..10]);
        assert_eq!(r.redact("nothing secret here at all"), "nothing secret here at all");
    }

    #[test]
    fn overlapping_secrets_are_redacted_whole_whatever_their_order() {
        // A token that holds another secret whole (a server shaping its token): redacting one
        // secret and then looking for the next in what is left would leave "tokHOSTILE".
        let client_secret = "mock-client-secret";
        let token = format!("tokHOSTILE{client_secret}{TOKEN}");
        let r = Redactor::new();
        r.add_fixed(client_secret);
        r.add(&token);
        assert_eq!(r.redact(&format!("authorization: Bearer {token}\nx")), "authorization: Bearer [redacted]\nx");
        assert_eq!(r.redact(&format!("s={client_secret} t={token}")), "s=[redacted] t=[redacted]");
        // Two short-lived secrets that share a run, added in either order.
        let a = format!("0123456789{}", &TOKEN[..20]);
        let b = format!("{}abcdefghijklmnop", &TOKEN[..20]);
        for (first, second) in [(&a, &b), (&b, &a)] {
            let r = Redactor::new();
            r.add(first);
            r.add(second);
            assert_eq!(r.redact(&format!("<{a}> <{b}>")), "<[redacted]> <[redacted]>");
        }
        // "Bearer X" remembered whole beside X itself.
        let r = Redactor::new();
        r.add(TOKEN);
        r.add_authorization(&format!("Bearer {TOKEN}"));
        assert_eq!(r.redact(&format!("h: Bearer {TOKEN}.")), "h: [redacted].");
        // Secrets that touch are one redaction; text between two is kept.
        let r = Redactor::new();
        r.add_fixed(client_secret);
        r.add(TOKEN);
        assert_eq!(r.redact(&format!("{client_secret}{TOKEN}")), REDACTED);
        assert_eq!(r.redact(&format!("{client_secret}-{TOKEN}")), "[redacted]-[redacted]");
    }

    #[test]
    fn a_secret_cut_by_a_bound_is_redacted_as_far_as_it_goes() {
        let r = Redactor::new();
        r.add(TOKEN);
        r.add_fixed("short-pw");
        for k in MIN_CUT..TOKEN.len() {
            let cut = crate::error::bounded(&format!("Bearer {TOKEN}"), "Bearer ".len() + k);
            assert_eq!(r.redact(&format!("AGC: {cut} (code 5)")), "AGC: Bearer [redacted]... (code 5)", "{k}");
        }
        assert_eq!(r.redact("pw=short..."), "pw=[redacted]...");
        // Shorter pieces, and the same bytes without a cut, are taken for chance.
        assert_eq!(r.redact(&format!("{}...", &TOKEN[..MIN_CUT - 1])), format!("{}...", &TOKEN[..MIN_CUT - 1]));
        assert_eq!(r.redact(&format!("{} and", &TOKEN[..8])), format!("{} and", &TOKEN[..8]));
        assert_eq!(r.redact("Please wait..."), "Please wait...");
        // The readable start of a signed Authorization value is no secret, cut or not.
        let r = Redactor::new();
        r.add_authorization("AWS4-HMAC-SHA256 Credential=AK/1, Signature=0123456789abcdef0123456789abcdef");
        assert_eq!(r.redact("AWS4-HMAC-SHA256 Cred..."), "AWS4-HMAC-SHA256 Cred...");
        assert_eq!(r.redact("Signature=0123456..."), "Signature=[redacted]...");
    }

    #[test]
    fn short_secrets_only_whole_and_utf8_is_kept_intact() {
        let r = Redactor::new();
        r.add_fixed("pw1");
        assert_eq!(r.redact("a pw1 b pw"), "a [redacted] b pw");
        r.add("ééééééééééééééééé");
        let s = r.redact("→ééééééééééééééééé←");
        assert_eq!(s, "→[redacted]←");
    }

    #[test]
    fn authorization_whole_and_its_signature() {
        let r = Redactor::new();
        let sig = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let auth =
            format!("AWS4-HMAC-SHA256 Credential=AK/20260101/r/s3/aws4_request, SignedHeaders=host, Signature={sig}");
        r.add_authorization(&auth);
        assert_eq!(r.redact(&format!("got {auth}")), "got [redacted]");
        assert_eq!(r.redact(&format!("sig {}", &sig[..40])), "sig [redacted]");
        // The non-secret parts of the value are not redacted on their own.
        assert_eq!(r.redact("AWS4-HMAC-SHA256 Credential=AK"), "AWS4-HMAC-SHA256 Credential=AK");
    }

    #[test]
    fn seal_key_forms_and_the_recent_bound() {
        let r = Redactor::new();
        r.add_key_bytes(&[0xab; 32]);
        assert_eq!(r.redact(&"ab".repeat(32)), REDACTED);
        assert_eq!(r.redact(&"AB".repeat(32)), REDACTED);
        assert_eq!(format!("{r:?}"), "Redactor(3 secrets)");
        let r = Redactor::new();
        r.add("the-first-token-of-many");
        for i in 0..MAX_RECENT + 5 {
            r.add(&format!("{i}"));
        }
        assert_eq!(format!("{r:?}"), format!("Redactor({MAX_RECENT} secrets)"));
        assert_eq!(r.redact("the-first-token-of-many"), "the-first-token-of-many");
    }
}
