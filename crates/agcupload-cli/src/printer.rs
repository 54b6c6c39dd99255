//! The one printer: every line the tool writes goes through here, so that under GitHub
//! Actions no server text can become a workflow command (`neutralise`), JSON stays one
//! value, and a closed pipe is never an error.

use std::borrow::Cow;
use std::io::Write;
use std::sync::OnceLock;

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether the tool runs under GitHub Actions (`GITHUB_ACTIONS=true`).
pub fn on_github() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true"))
}

/// Print `text` and a newline on `stream` (under GitHub Actions, [`neutralise`]d).
pub fn print(stream: Stream, text: &str) {
    write(stream, &format!("{text}\n"));
}

/// Write `text` as it is on `stream` (the progress bar's redraws), under the same rule as
/// [`print()`]: the start of `text` counts as the start of a line.
pub fn write(stream: Stream, text: &str) {
    let text = if on_github() { neutralise(text) } else { Cow::Borrowed(text) };
    write_raw(stream, &text);
}

/// A JSON document on one stdout line. Under GitHub Actions every `##[` inside it (only a
/// string can hold one) is written `#\u0023[`: the same JSON value, not a legacy command.
pub fn print_json(v: &serde_json::Value) {
    let text = v.to_string();
    let text = if on_github() { text.replace("##[", "#\\u0023[") } else { text };
    print(Stream::Stdout, &text);
}

/// The tool's own `::error` annotation, on stderr: the only way this tool prints a line that
/// the runner takes as a command. The message is escaped (`%`, CR, LF) and holds no legacy
/// `##[`; the title is escaped as a property.
pub fn annotate_error(title: &str, message: &str) {
    let data = escape_command(message).replace("##[", "##[\\");
    write_raw(Stream::Stderr, &format!("::error title={}::{data}\n", escape_property(title)));
}

/// Write errors (a closed pipe) are ignored: there is nowhere left to report them.
fn write_raw(stream: Stream, text: &str) {
    let _ = match stream {
        Stream::Stdout => {
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes()).and_then(|()| o.flush())
        }
        Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
    };
}

/// Line breaks as a log reader may count them (the runner reads lines at CR and LF; the
/// others are counted too, to be safe).
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Text that GitHub's runner cannot take as a workflow command: a `\` goes before the `::` of
/// every line that starts with `::` after white space (the start of `text` and every point
/// after a line break count), and every `##[` becomes `##[\` (what the runner itself does to
/// its own markers in a step's output). Text without either is returned as it is.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let body = |line: &str| -> usize { line.len() - line.trim_start_matches(|c: char| c.is_whitespace()).len() };
    let starts_command = |line: &str| line[body(line)..].starts_with("::");
    if !text.contains("##[") && !text.split(is_line_break).any(starts_command) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    loop {
        let end = rest.find(is_line_break).unwrap_or(rest.len());
        let (line, tail) = rest.split_at(end);
        if starts_command(line) {
            let (space, command) = line.split_at(body(line));
            out.push_str(space);
            out.push('\\');
            out.push_str(command);
        } else {
            out.push_str(line);
        }
        let Some(brk) = tail.chars().next() else { break };
        out.push(brk);
        rest = &tail[brk.len_utf8()..];
    }
    Cow::Owned(out.replace("##[", "##[\\"))
}

/// Print clap's usage error, help or version text through this path (stdout or stderr, as
/// clap would); off GitHub Actions clap prints it itself (with colours on a terminal).
pub fn print_clap(e: &clap::Error) {
    if on_github() {
        let stream = if e.use_stderr() { Stream::Stderr } else { Stream::Stdout };
        write(stream, &e.render().to_string());
    } else {
        let _ = e.print();
    }
}

/// `%`, CR and LF escaped as GitHub's workflow commands require.
pub(crate) fn escape_command(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_command(s).replace(':', "%3A").replace(',', "%2C")
}
