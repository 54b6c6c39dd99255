//! What a run reports: the result on stdout (text or one JSON object), messages on stderr,
//! and under GitHub Actions an `::error::` annotation, `$GITHUB_OUTPUT` and
//! `$GITHUB_STEP_SUMMARY`.
//!
//! It is also the tool's one output path: every line the tool prints on stdout or stderr goes
//! through [`print()`], [`write`] or [`print_json`] (progress, results, messages, clap's usage
//! errors). Under GitHub Actions the runner reads both streams for workflow commands: a line
//! that starts with `::` after white space, and (its legacy form) `##[` anywhere in a line.
//! There, no line that this path prints can be such a command unless the tool wrote it
//! ([`annotate_error`]): see [`crate::printer::neutralise`].

use std::io::Write;

use serde_json::{json, Map, Value};

use crate::exit;
use crate::printer::{annotate_error, is_line_break, on_github, print, print_json, Stream};
use crate::progress::{human_bytes, Reporter};

/// Why a run failed.
#[derive(Debug)]
pub struct Failure {
    /// The process exit code.
    pub code: i32,
    /// The library's status name (`AGC_ERR_...`), or `usage`.
    pub status: String,
    /// One line for a person; never a secret (the library's messages never hold one).
    pub message: String,
    /// What to do about it whatever the command ([`crate::advice`]), added to the report's hint.
    pub advice: Option<&'static str>,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { code: exit::USAGE, status: "usage".into(), message: message.into(), advice: None }
    }

    pub fn from_error(e: &agcupload::Error) -> Failure {
        Failure {
            code: exit::for_status(e.status()),
            status: e.status().name().into(),
            message: e.to_string(),
            advice: crate::advice::for_error(e),
        }
    }
}

/// The result of one command, filled in as its steps succeed.
#[derive(Debug)]
pub struct Report {
    pub command: &'static str,
    pub app_id: Option<String>,
    pub object_id: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub file_name: Option<String>,
    pub package_id: Option<String>,
    /// The HarmonyOS test version (publish --test).
    pub version_id: Option<String>,
    /// The step of the release road that failed (publish --submit / --test).
    pub failed_step: Option<&'static str>,
    /// The listing's changes, one line each (listing plan and apply): under GitHub Actions the
    /// `listing-changes` output (their number) and a list in the step summary.
    pub listing_changes: Option<Vec<String>>,
    /// Other result fields, in order (JSON only).
    pub extra: Vec<(&'static str, Value)>,
    /// Per-phase milliseconds, when a progress sink ran.
    pub timings: Option<Vec<(&'static str, f64)>>,
    /// PUT attempts of the upload (retries included), as the library counted them.
    pub attempts: Option<u32>,
    /// Human summary printed on stderr on success (unless --quiet).
    pub summary: Option<String>,
    /// The stdout line of a command whose result is not an id (without --json).
    pub text: Option<String>,
    /// What the caller can do next after a failure (always printed).
    pub hint: Option<String>,
    /// What the library noted (a fallback to one PUT, a resume file not used and why, a
    /// package that binds its bundle name for good): printed on stderr (unless --quiet) and
    /// `notes` in JSON.
    pub notes: Vec<String>,
    /// What the user should know although the command went on (the library's notes that
    /// start with "warning: ", e.g. a preflight read refused for lack of rights): printed on
    /// stderr even with --quiet, and `warnings` in JSON.
    pub warnings: Vec<String>,
    pub failure: Option<Failure>,
}

impl Report {
    pub fn new(command: &'static str) -> Report {
        Report {
            command,
            app_id: None,
            object_id: None,
            sha256: None,
            size: None,
            file_name: None,
            package_id: None,
            version_id: None,
            failed_step: None,
            listing_changes: None,
            extra: Vec::new(),
            timings: None,
            attempts: None,
            summary: None,
            text: None,
            hint: None,
            notes: Vec::new(),
            warnings: Vec::new(),
            failure: None,
        }
    }

    /// How the file travelled, as the library reports it: the JSON's `transfer`, `parts`,
    /// `parts_sent`, `resumed_parts` and `bytes_sent`, and the library's notes.
    pub fn transferred(&mut self, u: &agcupload::UploadResult) {
        self.extra.push(("transfer", json!(u.transfer.as_str())));
        self.extra.push(("parts", json!(u.parts)));
        self.extra.push(("parts_sent", json!(u.parts_sent)));
        self.extra.push(("resumed_parts", json!(u.resumed_parts)));
        self.extra.push(("bytes_sent", json!(u.bytes_sent)));
        self.extra.push(("retried_parts", json!(u.retried_parts)));
        self.attempts = Some(u.put_attempts);
    }

    /// The library's notes: those that start with "warning: " to `warnings`, the others to
    /// `notes`.
    pub fn add_notes(&mut self, notes: &[String]) {
        for n in notes {
            if n.starts_with("warning: ") {
                self.warnings.push(n.clone());
            } else {
                self.notes.push(n.clone());
            }
        }
    }

    pub fn record(&mut self, reporter: &mut Reporter) {
        reporter.finish();
        self.timings = Some(reporter.timings());
    }

    /// The failure, its advice after any hint the command gave.
    pub fn fail(mut self, f: Failure) -> Report {
        if let Some(a) = f.advice {
            self.hint = Some(match self.hint.take() {
                Some(h) => format!("{h}; {a}"),
                None => a.to_owned(),
            });
        }
        self.failure = Some(f);
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.failure.as_ref().map_or(exit::OK, |f| f.code)
    }

    /// The JSON object of `--json`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("ok".into(), json!(self.failure.is_none()));
        m.insert("command".into(), json!(self.command));
        let mut opt = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        opt("app_id", self.app_id.as_ref().map(|v| json!(v)));
        opt("object_id", self.object_id.as_ref().map(|v| json!(v)));
        opt("sha256", self.sha256.as_ref().map(|v| json!(v)));
        opt("size", self.size.map(|v| json!(v)));
        opt("file_name", self.file_name.as_ref().map(|v| json!(v)));
        opt("package_id", self.package_id.as_ref().map(|v| json!(v)));
        opt("version_id", self.version_id.as_ref().map(|v| json!(v)));
        opt("failed_step", self.failed_step.map(|v| json!(v)));
        for (k, v) in &self.extra {
            m.insert((*k).into(), v.clone());
        }
        if !self.notes.is_empty() {
            m.insert("notes".into(), json!(self.notes));
        }
        if !self.warnings.is_empty() {
            m.insert("warnings".into(), json!(self.warnings));
        }
        if let Some(phases) = &self.timings {
            let t: Map<String, Value> =
                phases.iter().map(|(k, ms)| ((*k).to_string(), json!((ms * 1000.0).round() / 1000.0))).collect();
            m.insert("timings_ms".into(), Value::Object(t));
        }
        if let Some(attempts) = self.attempts {
            m.insert("attempts".into(), json!(attempts));
        }
        if let Some(f) = &self.failure {
            let mut e = json!({"exit_code": f.code, "status": f.status, "message": f.message});
            if let Some(h) = &self.hint {
                e["hint"] = json!(h);
            }
            m.insert("error".into(), e);
        }
        Value::Object(m)
    }

    /// Print everything and return the exit code.
    pub fn emit(&self, json_out: bool, quiet: bool) -> i32 {
        if json_out {
            print_json(&self.to_json());
        } else {
            // The ids are the result, even when a later step failed.
            for id in [&self.object_id, &self.package_id, &self.version_id].into_iter().flatten() {
                print(Stream::Stdout, id);
            }
            if let Some(t) = &self.text {
                print(Stream::Stdout, t);
            }
        }
        for w in &self.warnings {
            let w = w.strip_prefix("warning: ").unwrap_or(w);
            print(Stream::Stderr, &format!("agcupload: warning: {w}"));
        }
        if !quiet {
            for n in &self.notes {
                print(Stream::Stderr, &format!("agcupload: note: {n}"));
            }
        }
        match &self.failure {
            Some(f) => {
                print(Stream::Stderr, &format!("agcupload: error: {} ({})", f.message, f.status));
                if let Some(h) = &self.hint {
                    print(Stream::Stderr, &format!("agcupload: {h}"));
                }
            }
            None if !quiet => {
                if let Some(s) = &self.summary {
                    print(Stream::Stderr, &format!("agcupload: {s}"));
                }
            }
            None => {}
        }
        if on_github() {
            self.github();
        }
        self.exit_code()
    }

    /// GitHub Actions: annotation, step outputs, step summary. Write errors only warn.
    fn github(&self) {
        if let Some(f) = &self.failure {
            let mut text = f.message.clone();
            if let Some(h) = &self.hint {
                text.push('\n');
                text.push_str(h);
            }
            annotate_error(&format!("agcupload {}", self.command), &text);
        }
        let changes = self.listing_changes.as_ref().map(|c| c.len().to_string());
        let outputs: Vec<(&str, &str)> = [
            ("object-id", self.object_id.as_deref()),
            ("package-id", self.package_id.as_deref()),
            ("version-id", self.version_id.as_deref()),
            ("sha256", self.sha256.as_deref()),
            ("failed-step", self.failed_step),
            ("listing-changes", changes.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        if !outputs.is_empty() {
            if let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
                let text: String = outputs.iter().map(|(k, v)| output_line(k, v)).collect();
                append(&path, &text, "GITHUB_OUTPUT");
            }
        }
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            append(&path, &self.summary_markdown(), "GITHUB_STEP_SUMMARY");
        }
    }

    fn summary_markdown(&self) -> String {
        let mut s = format!(
            "### agcupload {}: {}\n\n",
            self.command,
            if self.failure.is_none() { "success" } else { "failed" }
        );
        s.push_str("| | |\n|---|---|\n");
        let mut row = |k: &str, v: &str| s.push_str(&format!("| {k} | {} |\n", cell(v)));
        if let Some(v) = &self.app_id {
            row("app id", v);
        }
        if let Some(v) = &self.file_name {
            row("file name", v);
        }
        if let Some(v) = self.size {
            row("size", &format!("{} ({v} bytes)", human_bytes(v)));
        }
        if let Some(v) = &self.sha256 {
            row("sha256", v);
        }
        if let Some(v) = &self.object_id {
            row("object id", v);
        }
        if let Some(v) = &self.package_id {
            row("package id", v);
        }
        if let Some(v) = &self.version_id {
            row("test version id", v);
        }
        if let Some(v) = self.failed_step {
            row("failed step", v);
        }
        if let Some(phases) = &self.timings {
            let t: Vec<String> = phases.iter().map(|(k, ms)| format!("{k} {:.1} s", ms / 1000.0)).collect();
            if !t.is_empty() {
                row("time", &t.join(", "));
            }
        }
        if let Some(attempts) = self.attempts.filter(|a| *a > 0) {
            row("upload attempts", &attempts.to_string());
        }
        if let Some(f) = &self.failure {
            row("error", &format!("{} ({}, exit {})", f.message, f.status, f.code));
        }
        if let Some(h) = &self.hint {
            row("next", h);
        }
        if let Some(changes) = &self.listing_changes {
            row("listing changes", &changes.len().to_string());
        }
        s.push('\n');
        for change in self.listing_changes.iter().flatten() {
            s.push_str(&format!("- {}\n", cell(change)));
        }
        if self.listing_changes.as_ref().is_some_and(|c| !c.is_empty()) {
            s.push('\n');
        }
        s
    }
}

/// A Markdown table cell (GitHub-flavoured, as the step summary renders it) that shows `s` as
/// plain text: one line (line breaks and other control characters become spaces), and every
/// character that Markdown would read inside a line escaped with a backslash: `|` would end
/// the cell, `<` `>` start HTML, `` ` `` code, `*` `_` `~` emphasis, `[` `]` links and images,
/// `$` maths, `&` an entity, `\` an escape. (Block syntax, `#` or `-`, cannot start a cell.)
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_line_break(c) || c.is_control() {
            out.push(' ');
        } else {
            if "\\`*_[]<>|~$&".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// One `$GITHUB_OUTPUT` entry; the multi-line form when the value is not one plain line.
fn output_line(key: &str, value: &str) -> String {
    if value.contains(['\n', '\r']) {
        let mut delim = String::from("agcupload_EOF");
        while value.contains(&delim) {
            delim.push('_');
        }
        format!("{key}<<{delim}\n{value}\n{delim}\n")
    } else {
        format!("{key}={value}\n")
    }
}

fn append(path: &std::ffi::OsStr, text: &str, what: &str) {
    let r =
        std::fs::OpenOptions::new().append(true).create(true).open(path).and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = r {
        print(Stream::Stderr, &format!("agcupload: warning: cannot write {what}: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printer::{escape_command, escape_property, neutralise};
    use std::borrow::Cow;

    #[test]
    fn github_escapes() {
        assert_eq!(escape_command("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(output_line("object-id", "abc"), "object-id=abc\n");
        assert_eq!(output_line("x", "a\nb"), "x<<agcupload_EOF\na\nb\nagcupload_EOF\n");
        assert_eq!(output_line("x", "agcupload_EOF\n"), "x<<agcupload_EOF_\nagcupload_EOF\n\nagcupload_EOF_\n");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(
            cell("<img src=x> **b** `c` [l](u) _i_\r\n$x$"),
            r"\<img src=x\> \*\*b\*\* \`c\` \[l\](u) \_i\_  \$x\$"
        );
        assert_eq!(escape_property("agcupload a:b,c"), "agcupload a%3Ab%2Cc");
    }

    #[test]
    fn no_line_can_start_a_workflow_command() {
        for (text, want) in [
            ("::stop-commands::x", "\\::stop-commands::x"),
            ("  ::error::x", "  \\::error::x"),
            ("in-review\n::add-mask::s\r ::warning::w", "in-review\n\\::add-mask::s\r \\::warning::w"),
            ("a\u{2028}::x", "a\u{2028}\\::x"),
            ("say ##[error]boom", "say ##[\\error]boom"),
            ("a::b ::c", "a::b ::c"),
            ("plain\n", "plain\n"),
        ] {
            assert_eq!(neutralise(text), want, "{text:?}");
        }
        assert!(matches!(neutralise("10001/abc/a.app"), Cow::Borrowed(_)));
    }
}
