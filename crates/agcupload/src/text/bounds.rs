//! Hygiene of text that comes from callers or servers: which characters an identifier may
//! hold, and how caller input is quoted in a message (bounded, so a 1 MB path gives a short
//! message).

use std::path::Path;

/// How many bytes of a caller's path a message quotes at most.
pub(crate) const MAX_QUOTED_PATH: usize = 200;

/// How many bytes of one server-provided text a caller sees at most (the gate's bound,
/// `crate::text::untrusted`).
pub const MAX_SERVER_TEXT: usize = 2000;
/// How much of a server-provided text is redacted (then bounded to [`MAX_SERVER_TEXT`]): room
/// for a secret that straddles the bound. A parser that bounds such a text before it reaches
/// the gate bounds it no tighter than this.
pub(crate) const GATE_CUT: usize = 4 * MAX_SERVER_TEXT;

/// Characters that must never appear in an identifier or a file name we send or show:
/// control characters (Cc), Unicode format characters (Cf: bidirectional overrides such as
/// U+202E, zero-width characters, the BOM, tags) and separators (Zl, Zp, and every Zs except
/// the plain space U+0020). They are invisible or reorder text, so an id holding them can
/// look like another one in a log or a console. The categories are `unicode-properties`'.
pub(crate) fn is_hidden_or_control(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    match c.general_category() {
        G::Control | G::Format | G::LineSeparator | G::ParagraphSeparator => true,
        G::SpaceSeparator => c != ' ',
        _ => false,
    }
}

/// Whether an identifier (an objectId, packageId, versionId, app id: from a server or a
/// caller) is unusable: it holds a hidden or control character (line breaks included, see
/// [`is_hidden_or_control`]), or a CI log would run it as a command when it is printed alone
/// on a line, as the tool prints ids: GitHub Actions runs a line that starts with `::` after
/// white space, and its legacy form `##[` anywhere in a line; Azure Pipelines runs `##vso[`
/// anywhere in a line (`::stop-commands::x` as an object id would silence the annotations
/// that follow). Every id check calls this one rule.
pub(crate) fn is_unusable_id(id: &str) -> bool {
    id.chars().any(is_hidden_or_control)
        || id.trim_start().starts_with("::")
        || id.contains("##[")
        || id.contains("##vso[")
}

/// What [`is_unusable_id`] refuses, for messages ("... has {UNUSABLE_ID}").
pub(crate) const UNUSABLE_ID: &str =
    "control, format or separator characters, or text that a CI log runs as a command (a leading '::', or '##' then '[')";

/// A caller's path as a message quotes it: lossy UTF-8, at most [`MAX_QUOTED_PATH`] bytes,
/// hidden and control characters replaced.
pub(crate) fn path_for_message(path: &Path) -> String {
    bounded(&path.to_string_lossy(), MAX_QUOTED_PATH)
}

/// Cut a server- or caller-supplied text to at most `max` bytes (on a char boundary),
/// replacing control, format and separator characters (see `is_hidden_or_control`),
/// so that a hostile server cannot flood a log, forge log lines or reorder them.
pub fn bounded(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 3);
    for ch in text.chars() {
        if out.len() + ch.len_utf8() > max {
            out.push_str("...");
            break;
        }
        out.push(if is_hidden_or_control(ch) { ' ' } else { ch });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The characters the hand-written tables of Unicode 15.1 refused: Cf, and Zs (but U+0020),
    /// Zl and Zp. A newer table may add to them, never drop one.
    const REFUSED_IN_UNICODE_15_1: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
        (0x00A0, 0x00A0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ];

    #[test]
    fn the_refused_set_never_shrinks() {
        for &(lo, hi) in REFUSED_IN_UNICODE_15_1 {
            for c in (lo..=hi).filter_map(char::from_u32) {
                assert!(is_hidden_or_control(c), "U+{:04X}", c as u32);
            }
        }
        // Every control character and every white space but the plain space, as std sees them.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_control() || (c.is_whitespace() && c != ' ') {
                assert!(is_hidden_or_control(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn hidden_characters() {
        for c in ['\n', '\u{7f}', '\u{202E}', '\u{200B}', '\u{FEFF}', '\u{2028}', '\u{2029}', '\u{A0}', '\u{3000}'] {
            assert!(is_hidden_or_control(c), "{:?}", c);
        }
        for c in [' ', 'a', '-', '/', 'é', '中', '\u{1F600}'] {
            assert!(!is_hidden_or_control(c), "{:?}", c);
        }
    }

    #[test]
    fn ids_that_a_ci_log_would_run_are_unusable() {
        for id in [
            "::stop-commands::x",
            "  ::error title=AGC::boom",
            "::add-mask::x",
            "a##[error]b",
            "##vso[task.setvariable variable=x]y",
            "12\n::error::x",
            "12\r::error::x",
            "\u{2028}::x",
        ] {
            assert!(is_unusable_id(id), "{id:?}");
        }
        for id in ["10001/abc/a.app", "pkg-1", "a::b", "#1", "## [x]", "1 2"] {
            assert!(!is_unusable_id(id), "{id:?}");
        }
    }

    #[test]
    fn long_paths_are_cut() {
        let p = "x/".repeat(1_000_000);
        let shown = path_for_message(Path::new(&p));
        assert!(shown.len() <= MAX_QUOTED_PATH + 3, "{}", shown.len());
    }
}
