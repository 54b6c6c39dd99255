//! The one gate through which text that a server controls reaches a caller.
//!
//! A server (or a proxy in front of it) writes opinions, messages, notes and ids. Any of them
//! may echo the request (and so our secrets), hold terminal escapes, bidirectional overrides
//! or line breaks that forge a log line, or be megabytes long. Every public [`crate::Client`]
//! method returns its result, on success and on failure, through [`Gate::pass`](crate::text::untrusted::Gate::pass): the result
//! type says which of its fields came from a server ([`FromServer`](crate::text::untrusted::FromServer)), and each of them is
//!
//! - **redacted** of every secret the client holds or has held (see [`crate::text::redact`]),
//! - **neutralised**: control, format (bidi, zero-width) and separator characters become a
//!   plain space, so one text is one line that shows what it holds,
//! - **bounded** to [`MAX_SERVER_TEXT`](crate::text::untrusted::MAX_SERVER_TEXT) bytes (ids keep their own per-kind limits).
//!
//! Each result type implements [`FromServer`](crate::text::untrusted::FromServer) beside its
//! definition, so that the gate does not depend on the operations that use it.
//!
//! An id cannot be changed without breaking it, so an id that would be changed (it holds a
//! secret of this client) is refused with [`Error::Protocol`] instead; ids with hidden or
//! control characters are already refused where they are parsed ([`crate::connect::ids`]).
//! The C ABI, the Python package, the Node package and the tool only present what leaves
//! this gate; none of them prints server text of its own.

use crate::connect::release::AppState;
use crate::error::{bounded, Error, Result};
use crate::text::redact::Redactor;

// The gate's limits are text rules (`text`), so that parsers can bound by them without
// depending on the gate.
pub(crate) use crate::text::bounds::GATE_CUT;
pub use crate::text::bounds::MAX_SERVER_TEXT;

/// A value whose server-provided fields must pass the gate before a caller sees it.
pub trait FromServer: Sized {
    /// The value with every server-provided field passed through `gate`.
    fn pass(self, gate: &Gate<'_>) -> Result<Self>;
}

/// The gate of one client: its redactor.
pub struct Gate<'a> {
    redactor: &'a Redactor,
}

impl<'a> Gate<'a> {
    /// The gate of the client owning `redactor`.
    pub(crate) fn new(redactor: &'a Redactor) -> Gate<'a> {
        Gate { redactor }
    }

    /// Free text from a server (an opinion, a note): redacted, neutralised, bounded.
    pub fn text(&self, text: &str) -> String {
        // Cut first (with room for a secret that straddles the bound), so a megabyte of
        // hostile text costs the redactor no more than a few KiB.
        let head = cut(text, GATE_CUT);
        let redacted = self.redactor.redact(head);
        let mut out = bounded(&redacted, MAX_SERVER_TEXT);
        if head.len() < text.len() && !out.ends_with("...") {
            out.push_str("...");
        }
        out
    }

    /// A store text from a server (a description, release notes), for a file or a JSON
    /// value rather than a log line: redacted, kept multi-line (line breaks and tabs stay, and
    /// so do format characters such as the zero-width joiner of an emoji or a right-to-left
    /// mark, which are content of a store text), other control characters replaced by a
    /// space, and cut to [`crate::connect::listing::MAX_KEPT_TEXT`] bytes. A one-line view of
    /// it for a log is [`bounded`], as the listing's summaries do.
    pub fn listing_text(&self, text: &str) -> String {
        let max = crate::connect::listing::MAX_KEPT_TEXT;
        // Redacted whole, with room for a secret that straddles the bound, then cut.
        let head = cut(text, max + GATE_CUT);
        let redacted = self.redactor.redact(head);
        let kept: String =
            redacted.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c }).collect();
        cut(&kept, max).to_owned()
    }

    /// An id from a server. Refused when it holds a secret of this client: redacting it would
    /// make it a different id.
    pub fn id(&self, what: &str, id: String) -> Result<String> {
        if self.redactor.redact(&id) != id {
            return Err(Error::Protocol(format!(
                "AGC answered a {what} that holds a secret of this client (a server echoing the request?); refusing it"
            )));
        }
        Ok(id)
    }

    /// An error on its way to a caller: every text field redacted and neutralised (an error
    /// message is one line: a line break in it could forge a log line).
    pub fn error(&self, e: Error) -> Error {
        e.map_text(|t| neutralise(&self.redactor.redact(t)))
    }

    /// A result on its way to a caller: its server-provided fields on success, its text on
    /// failure.
    pub fn pass<T: FromServer>(&self, r: Result<T>) -> Result<T> {
        r.and_then(|v| v.pass(self)).map_err(|e| self.error(e))
    }
}

/// `text` with hidden and control characters replaced by a space (length kept).
fn neutralise(text: &str) -> String {
    if !text.chars().any(crate::text::bounds::is_hidden_or_control) {
        return text.to_owned();
    }
    text.chars().map(|c| if crate::text::bounds::is_hidden_or_control(c) { ' ' } else { c }).collect()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl FromServer for () {
    fn pass(self, _: &Gate<'_>) -> Result<()> {
        Ok(())
    }
}

/// A `String` result of a [`crate::Client`] method is an id (package, test version).
impl FromServer for String {
    fn pass(self, gate: &Gate<'_>) -> Result<String> {
        gate.id("id", self)
    }
}

impl<T: FromServer> FromServer for Option<T> {
    fn pass(self, gate: &Gate<'_>) -> Result<Option<T>> {
        self.map(|v| v.pass(gate)).transpose()
    }
}

impl FromServer for AppState {
    fn pass(mut self, gate: &Gate<'_>) -> Result<AppState> {
        self.audit_opinion = self.audit_opinion.map(|o| gate.text(&o)).filter(|o| !o.trim().is_empty());
        if let Some(p) = &mut self.phased {
            p.state = p.state.take().map(|s| gate.text(&s));
            p.version_id = p.version_id.take().map(|v| gate.id("versionId", v)).transpose()?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate_with(secret: &str) -> Redactor {
        let r = Redactor::new();
        r.add_fixed(secret);
        r
    }

    #[test]
    fn text_is_redacted_neutralised_and_bounded() {
        let r = gate_with("s3cr3t-client-secret-value");
        let g = Gate::new(&r);
        let hostile = "client_secret=s3cr3t-client-secret-value\n::error::x\u{1b}[31m\u{202e}evil";
        let shown = g.text(hostile);
        assert!(!shown.contains("s3cr3t-client-secret"), "{shown}");
        assert!(!shown.contains('\n') && !shown.contains('\u{1b}') && !shown.contains('\u{202e}'), "{shown:?}");
        assert!(shown.contains("[redacted]") && shown.contains(" ::error::x"), "{shown}");
        let huge = "a".repeat(5_000_000);
        let shown = g.text(&huge);
        assert!(shown.len() <= MAX_SERVER_TEXT + 3 && shown.ends_with("..."), "{}", shown.len());
        // A multi-byte character at the cut is never split.
        let wide = "é".repeat(10_000);
        assert!(g.text(&wide).ends_with("..."));
    }

    #[test]
    fn a_secret_at_the_bound_of_an_opinion_is_never_shown_in_part() {
        let token = "tokA1b2C3d4E5f6G7h8I9j0KkLlMmNnOoPpQq";
        let r = Redactor::new();
        r.add(token);
        let g = Gate::new(&r);
        for pad in MAX_SERVER_TEXT - 40..MAX_SERVER_TEXT + 5 {
            let body = format!(r#"{{"ret":{{"code":0}},"auditInfo":{{"auditOpinion":"{}{token}"}}}}"#, "x".repeat(pad));
            let state = crate::connect::release::parse_app_state(body.as_bytes()).unwrap();
            let shown = g.pass(Ok(state)).unwrap().audit_opinion.unwrap();
            assert!(!shown.contains("tokA"), "pad {pad}: {}", &shown[shown.len().saturating_sub(40)..]);
            assert!(shown.len() <= MAX_SERVER_TEXT + 3, "{}", shown.len());
        }
    }

    #[test]
    fn a_secret_cut_by_a_bound_before_the_gate_shows_no_piece() {
        let token = "tokA1b2C3d4E5f6G7h8I9j0KkLlMmNnOoPpQq";
        let r = Redactor::new();
        r.add(token);
        let g = Gate::new(&r);
        // ret.msg is bounded to 300 bytes where it is parsed, before any redaction.
        for pad in 260..=300 - crate::text::redact::MIN_CUT {
            let root = serde_json::json!({"ret": {"code": 204144641, "msg": format!("{}{token}", "x".repeat(pad))}});
            let ret = crate::connect::parse_ret(&root).unwrap();
            let shown = g.error(Error::Api { code: ret.code, message: ret.message }).to_string();
            assert!(!shown.contains("tokA"), "pad {pad}: {shown}");
        }
    }

    #[test]
    fn listing_texts_keep_their_lines_and_joiners_but_lose_secrets_and_escapes() {
        let r = gate_with("s3cr3t-client-secret-value");
        let g = Gate::new(&r);
        let shown = g.listing_text("line 1\nline\t2 \u{1f469}\u{200d}\u{1f4bb}\u{1b}[31m s3cr3t-client-secret-value\r");
        assert!(shown.starts_with("line 1\nline\t2 \u{1f469}\u{200d}\u{1f4bb} [31m "), "{shown:?}");
        assert!(!shown.contains("s3cr3t") && !shown.contains('\r') && !shown.contains('\u{1b}'), "{shown:?}");
        let long = g.listing_text(&"é".repeat(100_000));
        assert!(long.len() <= crate::connect::listing::MAX_KEPT_TEXT, "{}", long.len());
    }

    #[test]
    fn ids_holding_a_secret_are_refused_not_changed() {
        let r = gate_with("s3cr3t-client-secret-value");
        let g = Gate::new(&r);
        assert_eq!(g.id("objectId", "obj-1".into()).unwrap(), "obj-1");
        let e = g.id("objectId", "x-s3cr3t-client-secret-value".into()).unwrap_err();
        assert!(matches!(e, Error::Protocol(_)) && !e.to_string().contains("s3cr3t"), "{e}");
    }

    #[test]
    fn errors_become_one_line_without_secrets() {
        let r = gate_with("s3cr3t-client-secret-value");
        let g = Gate::new(&r);
        let e = g.error(Error::Api { code: 1, message: "bad\r\n::add-mask::s3cr3t-client-secret-value".into() });
        let shown = e.to_string();
        assert!(!shown.contains('\n') && !shown.contains('\r') && !shown.contains("s3cr3t"), "{shown:?}");
        let state = AppState {
            state: crate::ReleaseState::Rejected,
            release_state: Some(8),
            review_state: None,
            audit_opinion: Some("\u{200b}\u{0}".into()),
            release_phase: None,
            phased: None,
        };
        // An opinion of only hidden characters is none.
        assert_eq!(g.pass(Ok(state)).unwrap().audit_opinion, None);
    }
}
