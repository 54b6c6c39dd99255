//! The `agcupload` tool under GitHub Actions (`GITHUB_ACTIONS=true`) against the in-process
//! mock AGC server, with hostile ids, opinions, messages and arguments: no line it prints is
//! a workflow command the runner would execute, except its own `::error` annotation; ids that
//! could start a command are refused; the step summary shows server text as plain text.
//!
//! The runner's parser is modelled by [`runner_commands`] (actions/runner
//! `ActionCommand.TryParseV2` and the legacy `TryParse`, over the lines the runner reads).

use std::process::{Command, Stdio};

use crate::common::*;
use agc_mock::{Fault, IdKind, MockConfig, MockServer};
use serde_json::Value;

fn mock() -> MockServer {
    MockServer::start(MockConfig { polls_until_ready: 0, ..MockConfig::default() }).expect("mock server starts")
}

/// The tool as a GitHub runner starts it: a clean environment with `GITHUB_ACTIONS=true`,
/// `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` in `dir`, and the mock's base URL, CA and client.
fn agc(server: &MockServer, dir: &Dir) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", dir.path("github_output"))
        .env("GITHUB_STEP_SUMMARY", dir.path("github_summary"))
        .env("AGC_API_BASE", server.base_url())
        .env("AGC_CA_FILE", server.ca_path())
        .env("AGC_CLIENT_ID", server.client_id())
        .env("AGC_CLIENT_SECRET", server.client_secret())
        .stdin(Stdio::null());
    c
}

/// The commands GitHub's runner registers (actions/runner ActionCommandManager), plus
/// `stop-commands`.
const REGISTERED: [&str; 15] = [
    "set-env",
    "set-output",
    "save-state",
    "add-mask",
    "add-path",
    "add-matcher",
    "remove-matcher",
    "debug",
    "warning",
    "error",
    "notice",
    "group",
    "endgroup",
    "echo",
    "stop-commands",
];

/// Every line of `text` that the runner would execute as a workflow command, as (command
/// name, line). Lines end at CR or LF (the runner reads lines at either). The modern form is
/// `::name props::data` at the start after white space; the legacy form is `##[name props]`
/// anywhere in the line.
fn runner_commands(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in text.split(['\n', '\r']) {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("::") {
            if let Some(end) = rest.find("::") {
                let name = rest[..end].split(' ').next().unwrap_or_default();
                if REGISTERED.contains(&name) {
                    found.push((name.to_owned(), line.to_owned()));
                    continue;
                }
            }
        }
        if let Some(i) = line.find("##[") {
            let info = &line[i + 3..];
            if let Some(rb) = info.find(']') {
                let name = info[..rb].split([' ', ';']).next().unwrap_or_default();
                if REGISTERED.contains(&name) {
                    found.push((name.to_owned(), line.to_owned()));
                }
            }
        }
    }
    found
}

/// Asserts that the only commands in the run's output are the tool's own `::error`
/// annotations (as many as `own_errors`), on stderr, titled `agcupload ...`.
fn assert_only_own_commands(out: &Out, own_errors: usize) {
    let stdout = runner_commands(&out.stdout);
    assert!(stdout.is_empty(), "stdout runs commands {stdout:?}\nstdout: {}", out.stdout);
    let stderr = runner_commands(&out.stderr);
    let own = |(name, line): &(String, String)| name == "error" && line.starts_with("::error title=agcupload ");
    assert!(stderr.iter().all(own), "stderr runs foreign commands {stderr:?}\nstderr: {}", out.stderr);
    assert_eq!(stderr.len(), own_errors, "own annotations: {stderr:?}\nstderr: {}", out.stderr);
}

#[test]
fn a_server_object_id_that_would_run_as_a_command_is_refused() {
    let server = mock();
    let dir = Dir::new("objid");
    let app = dir.app("a.app", 20_000);
    server.set_fault(Fault::AnswerIdOnce(IdKind::Object, "::stop-commands::x".into()));
    let out = run(agc(&server, &dir).args(["upload", APP]).arg(&app));
    expect(&out, 6);
    assert!(out.stderr.contains("objectId has"), "refused as an unusable answer: {}", out.stderr);
    assert_eq!(out.stdout, "", "no id is a result");
    assert!(server.objects().is_empty(), "nothing was uploaded under that id");
    assert_only_own_commands(&out, 1);
    let outputs = std::fs::read_to_string(dir.path("github_output")).unwrap_or_default();
    assert!(!outputs.contains("stop-commands"), "{outputs}");
}

#[test]
fn a_server_package_id_that_would_run_as_a_command_is_refused() {
    let server = mock();
    let dir = Dir::new("pkgid");
    let app = dir.app("a.app", 20_000);
    server.set_fault(Fault::AnswerIdOnce(IdKind::Package, "::error title=AGC::boom".into()));
    let out = run(agc(&server, &dir).args(["publish", APP]).arg(&app));
    expect(&out, 6);
    assert!(out.stderr.contains("packageId has"), "{}", out.stderr);
    // The object id (a good one) is still the result.
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert!(server.object(lines[0]).is_some(), "{}", out.stdout);
    assert_only_own_commands(&out, 1);
}

#[test]
fn a_server_version_id_that_would_run_as_a_command_is_refused() {
    let server = mock();
    let dir = Dir::new("verid");
    let app = dir.app("a.app", 20_000);
    server.set_fault(Fault::AnswerIdOnce(IdKind::Version, "  ::warning::x".into()));
    let out = run(agc(&server, &dir)
        .args(["publish", "--test", "open", "--test-desc", "beta", "--poll-interval", "1", APP])
        .arg(&app));
    expect(&out, 6);
    assert!(out.stderr.contains("versionId has"), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 1, "the object id, no version id: {}", out.stdout);
    assert_only_own_commands(&out, 1);
    let outputs = std::fs::read_to_string(dir.path("github_output")).unwrap();
    assert!(outputs.contains("failed-step=create-test-version\n") && !outputs.contains("version-id"), "{outputs}");
}

#[test]
fn caller_ids_that_would_run_as_a_command_are_refused_before_any_request() {
    let server = mock();
    let dir = Dir::new("callerid");
    for args in [
        &["wait", APP, "::stop-commands::x"][..],
        &["bind", "--file-name", "a.app", APP, "##[error]x"],
        &["state", "::add-mask::x"],
    ] {
        let out = run(agc(&server, &dir).args(args));
        expect(&out, 2);
        assert_only_own_commands(&out, 1);
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn an_audit_opinion_cannot_start_a_command_in_text_or_json() {
    let server = mock();
    let dir = Dir::new("opinion");
    let opinion = "Rejected.\n::add-mask::secret\r::stop-commands::tok then ##[error]boom";
    server.set_release_state(APP, 8, Some(opinion));
    let out = run(agc(&server, &dir).args(["state", APP]));
    expect(&out, 0);
    assert_only_own_commands(&out, 0);
    // Still shown, as text.
    assert!(out.stdout.starts_with("rejected\n") && out.stdout.contains("add-mask::secret"), "{}", out.stdout);
    assert!(out.stdout.contains("error]boom"), "{}", out.stdout);

    let out = run(agc(&server, &dir).args(["state", "--json", APP]));
    expect(&out, 0);
    assert_only_own_commands(&out, 0);
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    let j: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    // The JSON value is the opinion (a `##[` is written with a JSON escape, not altered).
    let shown = j["audit_opinion"].as_str().unwrap();
    assert!(shown.contains("##[error]boom") && shown.contains("add-mask::secret"), "{shown}");
}

#[test]
fn caller_text_in_messages_cannot_start_a_command() {
    let server = mock();
    let dir = Dir::new("message");
    let app = dir.app("a.app", 20_000);
    let notes = dir.path("notes\n::stop-commands::tok\r::add-mask::m");
    let out = run(agc(&server, &dir).args(["publish", "--submit", "--notes-dir"]).arg(&notes).arg(APP).arg(&app));
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("stop-commands::tok"), "the path is still quoted: {}", out.stderr);
    assert_only_own_commands(&out, 1);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn usage_errors_cannot_start_a_command() {
    let server = mock();
    let dir = Dir::new("usage");
    for args in [
        &["bogus\n::stop-commands::tok"][..],
        &["upload", "--retries", "x\n::add-mask::m", APP, "a.app"],
        &["upload", APP, "a.app", "extra\r::warning::w"],
    ] {
        let out = run(agc(&server, &dir).args(args));
        expect(&out, 2);
        assert_only_own_commands(&out, 1);
    }
}

/// How many times `c` appears in `s` not escaped by a backslash.
fn unescaped(s: &str, c: char) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for ch in s.chars() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            n += 1;
        }
    }
    n
}

#[test]
fn the_step_summary_shows_server_text_as_plain_text() {
    let server = mock();
    let dir = Dir::new("summary");
    let app = dir.app("a.app", 20_000);
    let msg =
        "<img src=x onerror=alert(1)> **bold** | cell [link](https://evil.example) `code` _i_ ![p](u) $x$ ~~s~~ &amp;";
    server.set_fault(Fault::ApiError(204_144_688, msg.into()));
    let out = run(agc(&server, &dir).args(["upload", APP]).arg(&app));
    expect(&out, 6);
    let summary = std::fs::read_to_string(dir.path("github_summary")).unwrap();
    let row = summary.lines().find(|l| l.starts_with("| error | ")).unwrap_or_else(|| panic!("{summary}"));
    assert!(row.contains("alert(1)") || row.contains("alert\\(1\\)"), "the text is shown: {row}");
    assert_eq!(unescaped(row, '|'), 3, "one cell, no column added: {row}");
    for c in ['<', '>', '*', '_', '[', ']', '`', '~', '$', '&'] {
        assert_eq!(unescaped(row, c), 0, "{c} unescaped in {row}");
    }
    assert_only_own_commands(&out, 1);
}

/// The hostile-server suite through the tool: every free-text field of every answer,
/// success answers included, holds the echoed credentials, the client secret, workflow
/// commands, terminal escapes and bidi overrides. On the success road, the state read and a
/// refusal, nothing the tool writes (stdout, stderr, `$GITHUB_OUTPUT`, the step summary) runs
/// as a command, shows a secret or holds an escape or a bidi override.
#[test]
fn a_hostile_server_cannot_reach_the_log_through_the_tool() {
    let server = mock();
    let dir = Dir::new("hostile");
    let app = dir.app("h.app", 20_000);
    server.set_fault(Fault::Hostile);
    let check = |what: &str, out: &Out, own_errors: usize| {
        assert_only_own_commands(out, own_errors);
        let mut secrets = server.issued_tokens();
        secrets.push(server.client_secret());
        let files = [dir.path("github_output"), dir.path("github_summary")]
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        for text in [&out.stdout, &out.stderr, &files] {
            for s in &secrets {
                for w in s.as_bytes().windows(16.min(s.len())) {
                    let w = String::from_utf8_lossy(w);
                    assert!(!text.contains(&*w), "{what}: a secret shows ({w}): {text}");
                }
            }
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{200b}'),
                "{what}: {text:?}"
            );
        }
    };
    let out = run(agc(&server, &dir).args(["publish", "--submit", APP]).arg(&app));
    expect(&out, 0);
    check("publish --submit", &out, 0);
    let out = run(agc(&server, &dir).args(["state", APP]));
    expect(&out, 0);
    assert!(out.stdout.contains("[redacted]"), "the opinion is shown, redacted: {}", out.stdout);
    check("state", &out, 0);
    let out = run(agc(&server, &dir).args(["state", "--json", APP]));
    expect(&out, 0);
    check("state --json", &out, 0);
    // In review now: the second submit is refused with AGC's (hostile) words.
    let out = run(agc(&server, &dir).args(["publish", "--submit", APP]).arg(&app));
    assert_ne!(out.code, 0, "{}", out.stderr);
    check("refused publish --submit", &out, 1);
}

/// A token that holds another secret (the client secret) whole, echoed back in the opinion of
/// a successful state read: `state` and `state --json` show it redacted whole, not a piece of
/// it beside two redactions.
#[test]
fn a_token_overlapping_another_secret_is_redacted_whole_by_state() {
    let server = mock();
    let dir = Dir::new("overlap");
    server.set_fault(Fault::HostileOverlappingToken);
    for json in [false, true] {
        let mut cmd = agc(&server, &dir);
        cmd.arg("state");
        if json {
            cmd.arg("--json");
        }
        let out = run(cmd.arg(APP));
        expect(&out, 0);
        let tokens = server.issued_tokens();
        assert!(tokens.iter().all(|t| t.starts_with("tokHOSTILE")), "the mock shaped its tokens: {tokens:?}");
        let shown = if json {
            let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
            v["audit_opinion"].as_str().unwrap_or_else(|| panic!("an opinion: {v}")).to_owned()
        } else {
            out.stdout.clone()
        };
        assert!(shown.contains("authorization: Bearer [redacted] "), "json {json}: {shown}");
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains("tokHOSTILE"), "json {json}: a piece of the token shows: {text}");
            assert!(!text.contains("[redacted][redacted]"), "json {json}: one secret, two redactions: {text}");
            for t in &tokens {
                assert!(!text.contains(t.as_str()), "json {json}: the token shows");
            }
        }
    }
}
