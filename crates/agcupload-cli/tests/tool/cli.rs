//! The `agcupload` binary end to end against the in-process mock AGC server (real HTTPS, real
//! SigV4-verified PUTs): every subcommand, every exit code that a run can produce, `--json`,
//! progress on a pipe and on a pseudo-terminal, GitHub Actions outputs, and signals.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;
use agc_mock::{Endpoint, Fault, MockConfig, MockServer};

fn mock_with(polls_until_ready: u32) -> MockServer {
    MockServer::start(MockConfig {
        polls_until_ready,
        service_accounts: vec![agc_mock::fixture_service_account()],
        ..MockConfig::default()
    })
    .expect("mock server starts")
}

fn mock() -> MockServer {
    mock_with(0)
}

fn stored(server: &MockServer, object_id: &str) -> agc_mock::StoredObject {
    server.object(object_id).unwrap_or_else(|| panic!("object {object_id} is stored"))
}

#[test]
fn upload_prints_only_the_object_id_and_plain_progress_lines() {
    let server = mock();
    let dir = Dir::new("upload");
    let app = dir.app("a.app", 300_000);
    let out = run(agc(&server).args(["upload", APP]).arg(&app));
    expect(&out, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout is the object id alone: {:?}", out.stdout);
    let obj = stored(&server, lines[0]);
    assert_eq!(obj.bytes.as_deref(), Some(std::fs::read(&app).unwrap().as_slice()));
    // Not a terminal: plain lines, never a redraw or an escape sequence.
    assert!(!out.stderr.contains('\r') && !out.stderr.contains('\x1b'), "{:?}", out.stderr);
    assert!(out.stderr.lines().all(|l| l.starts_with("agcupload: ")), "{}", out.stderr);
    assert!(out.stderr.contains("agcupload: hashing 100%"), "{}", out.stderr);
    assert!(out.stderr.contains("agcupload: uploading 100%"), "{}", out.stderr);
    assert!(out.stderr.contains(&obj.sha256_hex), "the summary names the sha256: {}", out.stderr);
    // At most one line per 10% (plus the start line) for each byte phase of this quick run.
    let uploading = out.stderr.lines().filter(|l| l.starts_with("agcupload: uploading")).count();
    assert!((2..=11).contains(&uploading), "{uploading} uploading lines:\n{}", out.stderr);
}

#[test]
fn json_result_has_every_field_and_matches_what_the_server_stored() {
    let server = mock();
    let dir = Dir::new("json");
    let app = dir.app("b.app", 200_000);
    let out = run(agc(&server)
        .args(["upload", "--json", "--release-type", "6", "--file-name", "Named-1.app", APP])
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["ok"], true);
    assert_eq!(j["command"], "upload");
    let obj = stored(&server, j["object_id"].as_str().unwrap());
    assert_eq!(j["sha256"], obj.sha256_hex.as_str());
    assert_eq!(j["size"], 200_000);
    assert_eq!(j["file_name"], "Named-1.app");
    assert_eq!(obj.file_name, "Named-1.app");
    assert_eq!(j["attempts"], 1);
    assert!(j.get("package_id").is_none());
    for phase in ["hashing", "requesting_url", "uploading"] {
        assert!(j["timings_ms"][phase].as_f64().is_some_and(|ms| ms >= 0.0), "{phase} in {j}");
    }
    let url_req = server.requests().into_iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(url_req.query.contains(&("releaseType".into(), "6".into())), "{:?}", url_req.query);
}

#[test]
fn a_retried_upload_counts_its_attempts() {
    let server = mock();
    let dir = Dir::new("retry");
    let app = dir.app("r.app", 100_000);
    server.set_fault(Fault::Put500Once);
    let out = run(agc(&server).args(["upload", "--json", APP]).arg(&app));
    expect(&out, 0);
    assert_eq!(out.json()["attempts"], 2);
    assert!(out.stderr.contains("attempt 1 of 5 failed; retrying"), "{}", out.stderr);
}

#[test]
fn publish_with_a_service_account_binds_and_waits() {
    let server = mock_with(1);
    let dir = Dir::new("publish");
    let app = dir.app("p.app", 150_000);
    let out = run(agc(&server)
        .env_remove("AGC_CLIENT_ID")
        .env_remove("AGC_CLIENT_SECRET")
        .env("AGC_SERVICE_ACCOUNT_FILE", agc_mock::fixture_private_key_path())
        .args(["publish", "--json", "--poll-interval", "1", APP])
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert!(j["package_id"].as_str().is_some_and(|p| p.starts_with("pkg-")), "{j}");
    stored(&server, j["object_id"].as_str().unwrap());
    for phase in ["binding", "waiting"] {
        assert!(j["timings_ms"][phase].is_number(), "{phase} in {j}");
    }
    assert_eq!(server.tokens_issued(), 0, "a service account signs its own JWT");
    assert!(out.stderr.contains("waiting for AGC"), "{}", out.stderr);

    // Without --json: the object id, then the package id.
    let out = run(agc(&server).args(["upload", "--publish", "--poll-interval", "1", APP]).arg(&app));
    expect(&out, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{:?}", out.stdout);
    assert!(lines[1].starts_with("pkg-"));
}

#[test]
fn the_service_account_json_text_comes_from_the_environment() {
    let server = mock();
    let dir = Dir::new("sajson");
    let app = dir.app("s.app", 50_000);
    let json = std::fs::read_to_string(agc_mock::fixture_private_key_path()).unwrap();
    let out = run(agc(&server)
        .env_remove("AGC_CLIENT_ID")
        .env_remove("AGC_CLIENT_SECRET")
        .env("AGC_SERVICE_ACCOUNT_JSON", &json)
        .args(["upload", "--quiet", APP])
        .arg(&app));
    expect(&out, 0);
    stored(&server, out.stdout.trim());
    assert!(out.stderr.is_empty(), "--quiet: {}", out.stderr);
}

#[test]
fn publish_bind_failure_still_reports_the_object_id() {
    // The mock binds only .app objects: a (sealed) picture uploads fine and then fails to bind.
    let server = mock();
    let dir = Dir::new("bindfail");
    let png = dir.file("me.png", b"\x89PNG\r\n\x1a\n", 5_000);
    let key = dir.file("key.bin", b"", 32);
    let out = run(agc(&server)
        .args(["upload", "--publish", "--json", "--kind", "picture", "--seal-key-file"])
        .arg(&key)
        .arg(APP)
        .arg(&png));
    expect(&out, 6);
    let j = out.json();
    assert_eq!(j["ok"], false);
    let object_id = j["object_id"].as_str().expect("object id despite the failure");
    stored(&server, object_id);
    assert_eq!(j["error"]["exit_code"], 6);
    assert_eq!(j["error"]["status"], "AGC_ERR_API");
    assert!(j["error"]["hint"].as_str().unwrap().contains(object_id), "{j}");
    assert!(out.stderr.contains(object_id), "the message names the object: {}", out.stderr);
    assert!(out.stderr.contains("agcupload bind"), "{}", out.stderr);

    // Text mode: the object id is still the first stdout line.
    let out = run(agc(&server)
        .args(["publish", "--quiet", "--kind", "picture", "--seal-key-file"])
        .arg(&key)
        .arg(APP)
        .arg(&png));
    expect(&out, 6);
    stored(&server, out.stdout.trim());
    assert!(out.stderr.contains(out.stdout.trim()), "{}", out.stderr);
}

#[test]
fn bind_then_wait_subcommands() {
    let server = mock_with(1);
    let dir = Dir::new("bind");
    let app = dir.app("later.app", 60_000);
    let up = run(agc(&server).args(["upload", "--quiet", APP]).arg(&app));
    expect(&up, 0);
    let object_id = up.stdout.trim();
    let out = run(agc(&server).args(["bind", "--json", "--file-name", "later.app", APP, object_id]));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["object_id"], object_id);
    let package_id = j["package_id"].as_str().unwrap().to_owned();
    let out = run(agc(&server).args(["wait", "--poll-interval", "1", APP, &package_id]));
    expect(&out, 0);
    assert_eq!(out.stdout.trim(), package_id);
    assert!(out.stderr.contains("is ready"), "{}", out.stderr);
    // bind --wait in one go, text output: the package id alone.
    let out =
        run(agc(&server).args(["bind", "--wait", "--poll-interval", "1", "--file-name", "later.app", APP, object_id]));
    expect(&out, 0);
    assert_eq!(out.stdout.lines().count(), 2, "object id and package id: {}", out.stdout);
    // An object id the server does not know: rejected by AGC.
    let out = run(agc(&server).args(["bind", "--file-name", "later.app", APP, "10001/none/later.app"]));
    expect(&out, 6);
}

#[test]
fn check_validates_and_gets_a_token_and_sends_nothing_else() {
    let server = mock();
    let dir = Dir::new("check");
    let app = dir.app("c.app", 40_000);
    let out = run(agc(&server).args(["check", "--json", APP]).arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(
        (j["file_name"].as_str(), j["size"].as_u64(), j["token"].as_str()),
        (Some("c.app"), Some(40_000), Some("obtained"))
    );
    // The full dry run: the token, then the preflight's reads (appid-list, app-info).
    let kinds: Vec<Endpoint> = server.requests().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![Endpoint::Token, Endpoint::AppIdList, Endpoint::Release]);
    assert_eq!(j["preflight"]["bundle_name"], app::BUNDLE);
    assert_eq!(j["preflight"]["version_code"], app::VERSION_CODE);
    assert!(server.objects().is_empty());
    // --no-preflight: only the token.
    server.clear_requests();
    let out = run(agc(&server).args(["check", "--no-preflight", "--json", APP]).arg(&app));
    expect(&out, 0);
    assert!(out.json().get("preflight").is_none());
    let kinds: Vec<Endpoint> = server.requests().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![Endpoint::Token]);
    // An atomic service over 10 MiB fails the kind's rule before any request.
    let big = dir.app("big.app", 10 * 1024 * 1024 + 1);
    server.clear_requests();
    let out = run(agc(&server).args(["check", "--kind", "atomic", APP]).arg(&big));
    expect(&out, 3);
    assert!(out.stderr.contains("AGC_ERR_FILE_TOO_LARGE"), "{}", out.stderr);
    assert!(server.requests().is_empty());
    // Wrong credentials: the token is refused.
    let out = run(agc(&server).env("AGC_CLIENT_SECRET", "wrong-check-secret").args(["check", APP]).arg(&app));
    expect(&out, 4);
}

#[test]
fn seal_and_open_round_trip_and_a_wrong_key_is_refused() {
    let dir = Dir::new("seal");
    let png = dir.file("me.png", b"\x89PNG\r\n\x1a\n", 70_000);
    let key = dir.file("key.bin", b"", 32);
    let sealed = dir.path("me.png.sealed");
    let opened = dir.path("opened.png");
    let out = run(Command::new(BIN).arg("seal").arg("--seal-key-file").arg(&key).arg(&png).arg(&sealed));
    expect(&out, 0);
    assert_ne!(std::fs::read(&sealed).unwrap(), std::fs::read(&png).unwrap());
    // The key as hex in the environment.
    let hex: String = std::fs::read(&key).unwrap().iter().map(|b| format!("{b:02x}")).collect();
    let out = run(Command::new(BIN).env("AGC_SEAL_KEY", &hex).arg("open").arg("--json").arg(&sealed).arg(&opened));
    expect(&out, 0);
    assert_eq!(out.json()["bytes_written"], 70_000);
    assert_eq!(std::fs::read(&opened).unwrap(), std::fs::read(&png).unwrap());
    let other = dir.file("other.bin", b"x", 32);
    let out = run(Command::new(BIN).arg("open").arg("--seal-key-file").arg(&other).arg(&sealed).arg(dir.path("x.png")));
    expect(&out, 3);
    assert!(out.stderr.contains("AGC_ERR_SEAL_CORRUPT"), "{}", out.stderr);
    let short = dir.file("short.bin", b"", 31);
    let out = run(Command::new(BIN).arg("seal").arg("--seal-key-file").arg(&short).arg(&png).arg(dir.path("y")));
    expect(&out, 3);
    assert!(out.stderr.contains("AGC_ERR_SEAL_KEY"), "{}", out.stderr);
    let out = run(Command::new(BIN)
        .env_remove("AGC_SEAL_KEY")
        .env_remove("AGC_SEAL_KEY_FILE")
        .arg("seal")
        .arg(&png)
        .arg(dir.path("z")));
    expect(&out, 2);
}

#[test]
fn version_prints_tool_and_library() {
    let out = run(Command::new(BIN).arg("version"));
    expect(&out, 0);
    assert!(out.stdout.starts_with(&format!("agcupload {}", env!("CARGO_PKG_VERSION"))), "{}", out.stdout);
    let out = run(Command::new(BIN).args(["version", "--json"]));
    assert!(out.json()["library"].is_string());
    let out = run(Command::new(BIN).arg("--version"));
    expect(&out, 0);
}

#[test]
fn usage_errors_exit_2_before_any_io() {
    let server = mock();
    let dir = Dir::new("usage");
    let app = dir.app("u.app", 1_000);
    let bad: &[&[&str]] = &[
        &["upload", "--retries", "abc", APP],
        &["upload", "--retries", "0", APP],
        &["upload", "--release-type", "6x", APP],
        &["upload", "--release-type", "2", APP],
        &["upload", "--kind", "nonsense", APP],
        &["upload", "--mainland", "yes", APP],
        &["upload", "--timeout-min", "-1", APP],
        &["upload", "--no-such-option", APP],
        &["upload"],
        &["frobnicate"],
        &[],
    ];
    for args in bad {
        let mut cmd = agc(&server);
        cmd.args(*args);
        if args.len() > 1 {
            cmd.arg(&app);
        }
        let out = run(&mut cmd);
        expect(&out, 2);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    // With --json, a usage error is a JSON object too.
    let out = run(agc(&server).args(["upload", "--json", "--retries", "many", APP]).arg(&app));
    expect(&out, 2);
    let j = out.json();
    assert_eq!((j["ok"].as_bool(), j["error"]["exit_code"].as_i64()), (Some(false), Some(2)));
    assert!(j["error"]["message"].as_str().unwrap().contains("--retries"), "{j}");
    // No credentials at all: a usage error too, with what to set.
    let out = run(agc(&server).env_remove("AGC_CLIENT_ID").args(["upload", APP]).arg(&app));
    expect(&out, 2);
    assert!(out.stderr.contains("AGC_CLIENT_ID"), "{}", out.stderr);
    // A library-level invalid argument (an app id with a space) is a usage error as well.
    let out = run(agc(&server).args(["upload", "10 01"]).arg(&app));
    expect(&out, 2);
    assert!(server.requests().is_empty(), "no request for a usage error: {:?}", server.requests());
    // Help on every subcommand, with examples, and the exit codes at the top level.
    for sub in ["upload", "publish", "bind", "wait", "check", "seal", "open", "state", "notes", "submit"] {
        let out = run(Command::new(BIN).args([sub, "--help"]));
        expect(&out, 0);
        assert!(out.stdout.contains("Examples:"), "{sub} --help: {}", out.stdout);
    }
    let out = run(Command::new(BIN).arg("--help"));
    for code in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "130"] {
        assert!(out.stdout.contains(&format!("{code:>5}  ")), "exit code {code} documented");
    }
}

#[test]
fn file_and_auth_failures_have_their_codes_and_no_secret_leaks() {
    let server = mock();
    let dir = Dir::new("codes");
    let app = dir.app("a.app", 10_000);
    let zip = dir.app("a.zip", 10_000);
    let out = run(agc(&server).args(["upload", APP]).arg(&zip));
    expect(&out, 3);
    assert!(out.stderr.contains("AGC_ERR_FILE_TYPE"), "{}", out.stderr);
    let out = run(agc(&server).args(["upload", APP]).arg(dir.path("missing.app")));
    expect(&out, 3);
    let secret = "wrong-cli-secret-7f3a";
    let out = run(agc(&server).env("AGC_CLIENT_SECRET", secret).args(["upload", "--json", APP]).arg(&app));
    expect(&out, 4);
    assert_eq!(out.json()["error"]["status"], "AGC_ERR_AUTH");
    assert!(!out.stderr.contains(secret) && !out.stdout.contains(secret));
    // The secret from a file works the same way.
    let sf = dir.path("secret.txt");
    std::fs::write(&sf, format!("{}\n", server.client_secret())).unwrap();
    let out = run(agc(&server)
        .env_remove("AGC_CLIENT_SECRET")
        .arg("upload")
        .arg("--client-secret-file")
        .arg(&sf)
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    assert!(server.objects().len() == 1);
    // A seal key matters only to a picture: a bad one in the environment does not fail an app.
    let out = run(agc(&server).env("AGC_SEAL_KEY", "not-hex").args(["upload", APP]).arg(&app));
    expect(&out, 0);
    let png = dir.file("p.png", b"\x89PNG\r\n\x1a\n", 1_000);
    let out = run(agc(&server).env("AGC_SEAL_KEY", "not-hex").args(["upload", "--kind", "picture", APP]).arg(&png));
    expect(&out, 3);
    assert!(out.stderr.contains("AGC_ERR_SEAL_KEY") && !out.stderr.contains("not-hex"), "{}", out.stderr);
}

#[test]
fn network_timeout_rejection_and_parse_failure_codes() {
    let server = mock();
    let dir = Dir::new("net");
    let app = dir.app("n.app", 20_000);
    // A stalled server and a 1 s inactivity timeout, one attempt: network/timeout.
    server.set_fault(Fault::Stall);
    let out = run(agc(&server).args(["upload", "--retries", "1", "--io-timeout", "1", APP]).arg(&app));
    expect(&out, 5);
    assert!(out.stderr.contains("AGC_ERR_TIMEOUT"), "{}", out.stderr);
    // AGC refuses the upload URL: rejected.
    server.set_fault(Fault::ApiError(204_144_688, "get upload url failed".into()));
    let out = run(agc(&server).args(["upload", APP]).arg(&app));
    expect(&out, 6);
    assert!(out.stderr.contains("204144688"), "{}", out.stderr);
    // AGC cannot parse the package: its own code, and the object id is still reported.
    server.set_fault(Fault::ParseFails("invalid signature in pack.info".into()));
    let out = run(agc(&server).args(["publish", "--json", APP]).arg(&app));
    expect(&out, 7);
    let j = out.json();
    assert!(j["error"]["message"].as_str().unwrap().contains("invalid signature"), "{j}");
    stored(&server, j["object_id"].as_str().unwrap());
    assert!(j["package_id"].is_string());
}

#[test]
fn github_actions_outputs_summary_and_error_annotation() {
    let server = mock();
    let dir = Dir::new("gha");
    let app = dir.app("g.app", 30_000);
    let gh_out = dir.path("output");
    let gh_sum = dir.path("summary");
    std::fs::write(&gh_out, "earlier=1\n").unwrap();
    let gh = |c: &mut Command| {
        c.env("GITHUB_ACTIONS", "true").env("GITHUB_OUTPUT", &gh_out).env("GITHUB_STEP_SUMMARY", &gh_sum);
    };
    let mut cmd = agc(&server);
    gh(&mut cmd);
    let out = run(cmd.args(["publish", APP]).arg(&app));
    expect(&out, 0);
    let ids: Vec<&str> = out.stdout.lines().collect();
    let outputs = std::fs::read_to_string(&gh_out).unwrap();
    let obj = stored(&server, ids[0]);
    assert!(outputs.starts_with("earlier=1\n"), "appended: {outputs}");
    assert!(outputs.contains(&format!("object-id={}\n", ids[0])), "{outputs}");
    assert!(outputs.contains(&format!("package-id={}\n", ids[1])), "{outputs}");
    assert!(outputs.contains(&format!("sha256={}\n", obj.sha256_hex)), "{outputs}");
    let summary = std::fs::read_to_string(&gh_sum).unwrap();
    assert!(summary.contains("agcupload publish: success"), "{summary}");
    assert!(summary.contains(&format!("| object id | {} |", ids[0])), "{summary}");
    assert!(!out.stderr.contains("::error"), "{}", out.stderr);

    // A failure: an annotation on stderr, the error in the summary.
    let mut cmd = agc(&server);
    gh(&mut cmd);
    let out = run(cmd.env("AGC_CLIENT_SECRET", "nope").args(["upload", APP]).arg(&app));
    expect(&out, 4);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("::error title=agcupload upload::authentication failed")),
        "{}",
        out.stderr
    );
    assert!(std::fs::read_to_string(&gh_sum).unwrap().contains("agcupload upload: failed"));
    // A usage error is annotated too.
    let mut cmd = agc(&server);
    gh(&mut cmd);
    let out = run(cmd.args(["upload", "--release-type", "7", APP]).arg(&app));
    expect(&out, 2);
    assert!(out.stderr.contains("::error title=agcupload usage::"), "{}", out.stderr);
}

/// The bar on a pseudo-terminal (stderr only; stdout stays a pipe and carries only the id).
fn run_on_pty(cmd: &mut Command) -> (Out, String) {
    let (mut master, slave) = openpty();
    cmd.stderr(Stdio::from(slave)).stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    // Replacing it drops the Command's copy of the slave side, so EOF/EIO comes when the child exits.
    cmd.stderr(Stdio::null());
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match master.read(&mut chunk) {
                Ok(0) | Err(_) => break, // EIO once the child has closed the slave side
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        String::from_utf8_lossy(&buf).into_owned()
    });
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let status = child.wait().unwrap();
    let tty = reader.join().unwrap();
    (Out { code: status.code().unwrap_or(-1), stdout, stderr: String::new() }, tty)
}

fn openpty() -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let (mut m, mut s) = (-1, -1);
    let ws = libc::winsize { ws_row: 30, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: valid out-pointers; on success both descriptors are new and owned by us.
    let rc = unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: fresh descriptors from openpty, each wrapped once.
    unsafe { (std::fs::File::from_raw_fd(m), std::os::fd::OwnedFd::from_raw_fd(s)) }
}

#[test]
fn a_terminal_shows_the_live_bar_and_no_color_is_respected() {
    let server = mock();
    let dir = Dir::new("pty");
    let app = dir.app("t.app", 2_000_000);
    let (out, tty) = run_on_pty(agc(&server).env("TERM", "xterm-256color").args(["upload", APP]).arg(&app));
    expect(&out, 0);
    stored(&server, out.stdout.trim());
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    assert!(tty.contains("uploading") && tty.contains("hashing"), "{tty:?}");
    assert!(tty.contains("100%"), "{tty:?}");
    assert!(tty.contains("MiB/s") || tty.contains("KiB/s"), "a rate: {tty:?}");
    assert!(tty.contains("ETA"), "{tty:?}");
    assert!(tty.contains('\r') || tty.contains("\x1b["), "redrawn in place: {tty:?}");
    assert!(!tty.contains("agcupload: uploading"), "not the plain lines: {tty:?}");
    assert!(tty.contains("\x1b[36m"), "coloured bar: {tty:?}");

    let (out, tty) =
        run_on_pty(agc(&server).env("TERM", "xterm-256color").env("NO_COLOR", "1").args(["upload", APP]).arg(&app));
    expect(&out, 0);
    assert!(tty.contains("uploading") && tty.contains("100%"), "{tty:?}");
    assert!(!tty.contains("\x1b[36m") && !tty.contains("\x1b[34m"), "NO_COLOR: {tty:?}");
}

/// Start an upload of a large file to a slow server, wait until the PUT is under way, send
/// `signal`, and return the run.
fn interrupt_during_put(server: &MockServer, dir: &Dir, signal: i32) -> Out {
    let app = dir.app("big.app", 16 * 1024 * 1024);
    server.set_fault(Fault::SlowReader(1_000_000));
    // The PUT is under way once a progress line shows some percent of it sent.
    let sending = |line: &str| line.starts_with("agcupload: uploading ") && line.contains('%') && !line.contains(" 0%");
    signal_when(agc(server).args(["upload", "--progress", "lines", APP]).arg(&app), sending, || {}, signal)
}

#[test]
fn ctrl_c_during_the_put_cancels_cleanly_and_nothing_is_stored() {
    let server = mock();
    let dir = Dir::new("sigint");
    let out = interrupt_during_put(&server, &dir, libc::SIGINT);
    expect(&out, 130);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("cancelled by Ctrl-C"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was stored"), "{}", out.stderr);
    std::thread::sleep(Duration::from_millis(300)); // let the server notice the closed connection
    assert!(server.objects().is_empty(), "nothing stored: {:?}", server.objects());
    assert!(server.requests().iter().filter(|r| r.kind == Endpoint::Upload).all(|r| !r.complete));
}

#[test]
fn sigterm_during_the_put_cancels_with_its_own_code() {
    let server = mock();
    let dir = Dir::new("sigterm");
    let out = interrupt_during_put(&server, &dir, libc::SIGTERM);
    expect(&out, 8);
    assert!(out.stderr.contains("cancelled by a termination signal"), "{}", out.stderr);
    std::thread::sleep(Duration::from_millis(300));
    assert!(server.objects().is_empty());
}

#[test]
fn proxy_variables_are_used() {
    // A proxy that refuses connections: the upload fails with a network error, which shows
    // the tool went through it (the mock itself is up and would accept the upload).
    let server = mock();
    let dir = Dir::new("proxy");
    let app = dir.app("x.app", 5_000);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = run(agc(&server)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .args(["upload", "--retries", "1", APP])
        .arg(&app));
    expect(&out, 5);
    assert!(server.requests().is_empty());
}

/// A notes directory with these `<lang>.txt` files.
fn notes_dir(dir: &Dir, files: &[(&str, &str)]) -> PathBuf {
    let d = dir.path("notes");
    std::fs::create_dir_all(&d).unwrap();
    for (name, text) in files {
        std::fs::write(d.join(name), text).unwrap();
    }
    d
}

#[test]
fn publish_submit_sets_notes_in_two_languages_and_sends_phased_and_scheduled_fields_exactly() {
    let server = mock();
    let dir = Dir::new("submit");
    let app = dir.app("s.app", 80_000);
    let notes = notes_dir(&dir, &[("en-US.txt", "Dark mode.\nFaster start.\n"), ("zh-CN.txt", "深色模式。\r\n")]);
    // AGC answers the first submit "still compiling": the tool waits it out.
    server.set_fault(Fault::SubmitStillProcessing(1));
    let out = run(agc(&server)
        .args(["publish", "--json", "--submit", "--poll-interval", "1", "--notes-dir"])
        .arg(&notes)
        .args(["--phased", "1% first, then everyone", "--release-time", "2031-05-06T07:08:09Z"])
        .args(["--remark", "Please test the login flow.", APP])
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!((j["ok"].as_bool(), j["submitted"].as_str()), (Some(true), Some("review")), "{j}");
    let obj = stored(&server, j["object_id"].as_str().unwrap());
    // What was uploaded, as for a plain upload: the stored object's SHA-256 and size.
    assert_eq!((j["sha256"].as_str(), j["size"].as_u64()), (Some(obj.sha256_hex.as_str()), Some(obj.size)), "{j}");
    assert_eq!(obj.size, std::fs::metadata(&app).unwrap().len());
    assert!(j["package_id"].as_str().is_some_and(|p| p.starts_with("pkg-")), "{j}");
    assert_eq!(j["languages"], serde_json::json!(["en-US", "zh-CN"]));
    for phase in ["uploading", "binding", "waiting", "setting_notes", "submitting"] {
        assert!(j["timings_ms"][phase].is_number(), "{phase} in {j}");
    }
    let stored_notes = server.release_notes(APP);
    assert_eq!(stored_notes.get("en-US").map(String::as_str), Some("Dark mode.\nFaster start."));
    assert_eq!(stored_notes.get("zh-CN").map(String::as_str), Some("深色模式。"));
    assert_eq!(
        server.last_submit(APP),
        Some(serde_json::json!({
            "releasePhase": 3,
            "phasedReleaseDescription": "1% first, then everyone",
            "releaseTime": "2031-05-06T07:08:09+0000",
            "remark": "Please test the login flow.",
        }))
    );
    let submits = server.release_calls().into_iter().filter(|c| c.path.ends_with("/app-submit")).count();
    assert_eq!(submits, 2, "refused once as still processing, then accepted");
    // The phases as plain lines.
    for l in ["setting release notes (2 languages)", "submitting for review"] {
        assert!(out.stderr.contains(&format!("agcupload: {l}")), "{l}: {}", out.stderr);
    }
    assert!(out.stderr.contains("submitted for review"), "{}", out.stderr);
    // Now in review: `state` says so.
    let out = run(agc(&server).args(["state", APP]));
    expect(&out, 0);
    assert_eq!(out.stdout, "in-review\n");
}

#[test]
fn notes_are_checked_before_any_request() {
    let server = mock();
    let dir = Dir::new("longnotes");
    let app = dir.app("l.app", 10_000);
    // 501 characters (of 3 bytes each): over AGC's 500, refused by the library, nothing sent.
    let notes = notes_dir(&dir, &[("en-US.txt", "ok"), ("de-DE.txt", &"新".repeat(501))]);
    let out = run(agc(&server).args(["publish", "--json", "--submit", "--notes-dir"]).arg(&notes).arg(APP).arg(&app));
    expect(&out, 2);
    let msg = out.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("de-DE") && msg.contains("501"), "{msg}");
    assert!(server.requests().is_empty(), "nothing sent: {:?}", server.requests());
    assert!(server.objects().is_empty());
    let out = run(agc(&server).args(["notes", "--notes-dir"]).arg(&notes).arg(APP));
    expect(&out, 2);
    assert!(server.requests().is_empty());
    // Another file name, or an empty directory: usage errors.
    std::fs::remove_file(notes.join("de-DE.txt")).unwrap();
    std::fs::write(notes.join("README.md"), "x").unwrap();
    let out = run(agc(&server).args(["publish", "--submit", "--notes-dir"]).arg(&notes).arg(APP).arg(&app));
    expect(&out, 2);
    assert!(out.stderr.contains("README.md") && out.stderr.contains("<lang>.txt"), "{}", out.stderr);
    let empty = dir.path("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(agc(&server).args(["notes", "--notes-dir"]).arg(&empty).arg(APP));
    expect(&out, 2);
    // Road options need their road, and the two roads exclude each other.
    for args in [
        &["publish", "--notes-dir", "x", APP, "a.app"][..],
        &["publish", "--remark", "long enough", APP, "a.app"],
        &["publish", "--test-desc", "beta", APP, "a.app"],
        &["publish", "--package-id", "p", APP, "a.app"],
        &["publish", "--submit", "--test", "open", "--test-desc", "b", APP, "a.app"],
        &["publish", "--test", "open", APP, "a.app"],
        &["publish", "--test", "closed", "--test-desc", "b", APP, "a.app"],
        &["publish", "--test", "open", "--test-desc", "b", "--test-start", "tomorrow", APP, "a.app"],
        &["publish", "--submit", "--version-id", "v", APP, "a.app"],
    ] {
        let out = run(agc(&server).args(args));
        expect(&out, 2);
    }
    // Values the library refuses: a remark too short, a release time not in UTC.
    let out = run(agc(&server).args(["publish", "--submit", "--remark", "short", APP]).arg(&app));
    expect(&out, 2);
    assert!(out.stderr.contains("remark"), "{}", out.stderr);
    let out = run(agc(&server).args(["submit", "--release-time", "2031-05-06T07:08:09+0800", APP]));
    expect(&out, 2);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn a_failed_submit_keeps_the_ids_and_a_resumed_run_does_not_upload_again() {
    let server = mock();
    let dir = Dir::new("resume");
    let app = dir.app("r.app", 60_000);
    let gh_out = dir.path("output");
    // The app is already in review: the submit is refused.
    server.set_release_state(APP, 4, None);
    let out = run(agc(&server)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &gh_out)
        .args(["publish", "--json", "--submit", "--no-preflight", "--poll-interval", "1", APP])
        .arg(&app));
    expect(&out, 6);
    let j = out.json();
    let object_id = j["object_id"].as_str().expect("object id kept").to_owned();
    let package_id = j["package_id"].as_str().expect("package id kept").to_owned();
    let obj = stored(&server, &object_id);
    assert_eq!((j["sha256"].as_str(), j["size"].as_u64()), (Some(obj.sha256_hex.as_str()), Some(obj.size)), "{j}");
    assert_eq!(j["failed_step"], "submit");
    assert_eq!(j["error"]["status"], "AGC_ERR_API");
    let message = j["error"]["message"].as_str().unwrap();
    assert!(message.contains("step submit failed") && message.contains("under review"), "{message}");
    assert!(message.contains(&object_id) && message.contains(&package_id), "{message}");
    let hint = j["error"]["hint"].as_str().unwrap();
    assert!(
        hint.contains(&format!("--object-id {object_id} --package-id {package_id}")) && hint.contains("--submit"),
        "{hint}"
    );
    let outputs = std::fs::read_to_string(&gh_out).unwrap();
    for line in [
        format!("object-id={object_id}\n"),
        format!("package-id={package_id}\n"),
        format!("sha256={}\n", obj.sha256_hex),
        "failed-step=submit\n".into(),
    ] {
        assert!(outputs.contains(&line), "{line} in {outputs}");
    }
    assert!(out.stderr.contains("::error title=agcupload publish::step submit failed"), "{}", out.stderr);

    // Back to a draft; the rerun with the ids continues: no upload, no bind, just the submit.
    server.set_release_state(APP, 7, None);
    server.clear_requests();
    let objects = server.objects().len();
    let out = run(agc(&server)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", dir.path("output2"))
        .args(["publish", "--submit", "--poll-interval", "1", "--object-id", &object_id, "--package-id", &package_id])
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    assert_eq!(out.stdout, format!("{object_id}\n{package_id}\n"));
    // Nothing uploaded in this run, and no SHA-256 given: none reported rather than a guess.
    let outputs = std::fs::read_to_string(dir.path("output2")).unwrap();
    assert!(outputs.contains(&format!("object-id={object_id}\n")) && !outputs.contains("sha256"), "{outputs}");
    assert_eq!(server.objects().len(), objects);
    let kinds: Vec<Endpoint> = server.requests().into_iter().map(|r| r.kind).collect();
    assert!(!kinds.iter().any(|k| matches!(k, Endpoint::UploadUrl | Endpoint::Upload | Endpoint::Bind)), "{kinds:?}");
    assert_eq!(server.last_submit(APP), Some(serde_json::json!({})), "no option: nothing but the submit");
}

#[test]
fn a_test_release_end_to_end_prints_the_version_id() {
    let server = mock();
    let dir = Dir::new("testrel");
    let app = dir.app("t.app", 70_000);
    let gh_out = dir.path("output");
    let out = run(agc(&server)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &gh_out)
        .args(["publish", "--test", "invite", "--test-desc", "1.2.0 beta", "--test-group", "g-1"])
        .args(["--test-group", "g-2", "--test-start", "2031-05-06T00:00:00+0000", "--test-end", "1936000000000"])
        .args(["--notify", "--poll-interval", "1", APP])
        .arg(&app));
    expect(&out, 0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "object, package, test version: {}", out.stdout);
    let obj = stored(&server, lines[0]);
    let v = server.test_version(lines[2]).unwrap_or_else(|| panic!("test version {}", lines[2]));
    assert!(v.submitted);
    assert_eq!(v.package_id.as_deref(), Some(lines[1]));
    assert_eq!(v.created["testType"], 3);
    assert_eq!(v.created["testDesc"], "1.2.0 beta");
    let info = v.open_test_info.unwrap();
    assert_eq!(
        (info["startTime"].as_u64(), info["endTime"].as_u64()),
        (Some(1_935_792_000_000), Some(1_936_000_000_000))
    );
    assert_eq!(info["testTaskInfo"]["groupInfos"], serde_json::json!([{"groupId": "g-1"}, {"groupId": "g-2"}]));
    assert_eq!(info["testTaskInfo"]["needNotify"], 1);
    // No releaseType unless --release-type asks for it.
    let url_req = server.requests().into_iter().find(|r| r.kind == Endpoint::UploadUrl).unwrap();
    assert!(!url_req.query.iter().any(|(k, _)| k == "releaseType"), "{:?}", url_req.query);
    let outputs = std::fs::read_to_string(&gh_out).unwrap();
    assert!(outputs.contains(&format!("version-id={}\n", lines[2])), "{outputs}");
    assert!(outputs.contains(&format!("sha256={}\n", obj.sha256_hex)), "{outputs}");
    for l in ["creating the test version", "adding the package to the test version", "submitting the test version"] {
        assert!(out.stderr.contains(&format!("agcupload: {l}")), "{l}: {}", out.stderr);
    }
}

#[test]
fn state_shows_rejections_with_agc_opinion_and_notes_and_submit_stand_alone() {
    let server = mock();
    server.set_release_state(APP, 8, Some("The app crashes at start."));
    let out = run(agc(&server).args(["state", APP]));
    expect(&out, 0);
    assert_eq!(out.stdout, "rejected\nThe app crashes at start.\n");
    let out = run(agc(&server).args(["state", "--json", APP]));
    let j = out.json();
    assert_eq!(
        (j["state"].as_str(), j["release_state"].as_i64(), j["audit_opinion"].as_str()),
        (Some("rejected"), Some(8), Some("The app crashes at start."))
    );
    server.set_release_state(APP, 0, None);
    let out = run(agc(&server).args(["state", "--json", APP]));
    assert_eq!((out.json()["state"].as_str(), out.json()["audit_opinion"].is_null()), (Some("released"), true));

    let dir = Dir::new("notescmd");
    let notes = notes_dir(&dir, &[("zh-CN.txt", "修复。"), ("en-US.txt", "Fixes.")]);
    let out = run(agc(&server).args(["notes", "--notes-dir"]).arg(&notes).arg(APP));
    expect(&out, 0);
    assert_eq!(out.stdout, "en-US\nzh-CN\n");
    assert_eq!(server.release_notes(APP).len(), 2);
    // A language the app lacks: AGC refuses, naming it.
    server.set_languages(APP, &["en-US"]);
    let out = run(agc(&server).args(["notes", "--notes-dir"]).arg(&notes).arg(APP));
    expect(&out, 6);
    assert!(out.stderr.contains("zh-CN"), "{}", out.stderr);

    // submit alone: the draft needs a package, so publish one first.
    server.set_release_state(APP, 7, None);
    let app = dir.app("s.app", 20_000);
    expect(&run(agc(&server).args(["publish", "--quiet", "--poll-interval", "1", APP]).arg(&app)), 0);
    let out = run(agc(&server).args(["submit", "--json", "--release-time", "2032-01-02T03:04:05+00:00", APP]));
    expect(&out, 0);
    assert_eq!(out.json()["submitted"], "review");
    assert_eq!(server.last_submit(APP), Some(serde_json::json!({"releaseTime": "2032-01-02T03:04:05+0000"})));
}

#[test]
fn state_names_every_agc_state_and_the_road_takes_agc_variants() {
    let server = mock();
    for (code, name) in [(12, "in-review"), (13, "rejected"), (3, "approved"), (10, "offline"), (9, "other")] {
        server.set_release_state(APP, code, None);
        let out = run(agc(&server).args(["state", "--json", APP]));
        expect(&out, 0);
        assert_eq!((out.json()["state"].as_str(), out.json()["release_state"].as_i64()), (Some(name), Some(code)));
    }
    server.set_review_state(APP, Some(5));
    assert_eq!(run(agc(&server).args(["state", "--json", APP])).json()["review_state"], 5);
    server.set_release_state(APP, 7, None);

    // Extra submit fields and an app name for a new language.
    let dir = Dir::new("variants");
    let notes = notes_dir(&dir, &[("fr-FR.txt", "Nouveau.")]);
    let app = dir.app("v.app", 20_000);
    server.set_fault(Fault::NewLanguageNeedsAppName);
    let out = run(agc(&server)
        .args(["publish", "--submit", "--poll-interval", "1", "--notes-dir"])
        .arg(&notes)
        .args([
            "--app-name",
            "fr-FR=Mon appli",
            "--app-desc",
            "fr-FR=Une appli.",
            "--submit-field",
            "registeredIdType=1",
        ])
        .args(["--submit-field", "registeredIdNumber=\"91110000MA00000000\"", APP])
        .arg(&app));
    expect(&out, 0);
    let lang = server.release_calls().into_iter().find(|c| c.path.ends_with("/app-language-info")).unwrap();
    assert_eq!((lang.body["appName"].as_str(), lang.body["appDesc"].as_str()), (Some("Mon appli"), Some("Une appli.")));
    assert_eq!(
        server.last_submit(APP),
        Some(serde_json::json!({"registeredIdType": 1, "registeredIdNumber": "91110000MA00000000"}))
    );
    server.set_fault(Fault::None);
    for bad in [&["--submit-field", "remark=\"ten chars long\""][..], &["--submit-field", "x=not json"]] {
        let out = run(agc(&server).args(["submit"]).args(bad).arg(APP));
        expect(&out, 2);
    }
    let out = run(agc(&server)
        .args(["publish", "--submit", "--notes-dir"])
        .arg(&notes)
        .args(["--app-name", "de-DE=X", APP])
        .arg(&app));
    expect(&out, 2);
    assert!(out.stderr.contains("de-DE"), "{}", out.stderr);

    // An open test distributed to AppGallery.
    let out = run(agc(&server)
        .args([
            "publish",
            "--test",
            "open",
            "--test-desc",
            "open beta",
            "--distribute-mode",
            "2",
            "--poll-interval",
            "1",
            APP,
        ])
        .arg(&app));
    expect(&out, 0);
    let pkg = server.release_calls().into_iter().find(|c| c.path.ends_with("/test/version/pkg")).unwrap();
    assert_eq!(pkg.body["distributeMode"], 2);
    let version = out.stdout.lines().nth(2).unwrap().to_owned();
    let task = &server.test_version(&version).unwrap().open_test_info.unwrap()["testTaskInfo"];
    assert_eq!((task["displayArea"].as_str(), task["needShareLink"].as_i64()), (Some("1"), Some(0)));
    let out = run(agc(&server)
        .args(["publish", "--test", "open", "--test-desc", "b", "--distribute-mode", "3", APP])
        .arg(&app));
    expect(&out, 2);
}

#[test]
fn trust_system_uses_ssl_cert_file_and_proxy_none_goes_direct() {
    let server = mock();
    let dir = Dir::new("trust");
    let app = dir.app("x.app", 5_000);
    // Without AGC_CA_FILE the mock's CA is unknown to Mozilla's roots: a TLS failure.
    let out = run(agc(&server).env_remove("AGC_CA_FILE").args(["upload", "--retries", "1", APP]).arg(&app));
    expect(&out, 5);
    assert!(out.stderr.contains("AGC_ERR_TLS"), "{}", out.stderr);
    // The system store is SSL_CERT_FILE = the mock's CA.
    let out = run(agc(&server)
        .env_remove("AGC_CA_FILE")
        .env("SSL_CERT_FILE", server.ca_path())
        .args(["upload", "--trust", "system", APP])
        .arg(&app));
    expect(&out, 0);
    stored(&server, out.stdout.trim());
    let out = run(agc(&server)
        .env_remove("AGC_CA_FILE")
        .env("SSL_CERT_FILE", server.ca_path())
        .env("AGC_TRUST", "both")
        .args(["state", APP]));
    expect(&out, 0);
    let out = run(agc(&server).args(["--trust", "windows", "state", APP]));
    expect(&out, 2);

    // A proxy in the environment that refuses connections; --proxy none (or AGC_PROXY=none)
    // goes direct.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let proxied = |c: &mut Command| {
        c.env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"));
    };
    let mut cmd = agc(&server);
    proxied(&mut cmd);
    expect(&run(cmd.args(["--proxy", "none", "upload", APP]).arg(&app)), 0);
    let mut cmd = agc(&server);
    proxied(&mut cmd);
    expect(&run(cmd.env("AGC_PROXY", "none").args(["state", APP])), 0);
    let before = server.requests().len();
    let mut cmd = agc(&server);
    proxied(&mut cmd);
    expect(&run(cmd.args(["state", "--retries", "1", APP])), 5);
    // An explicit proxy URL is used too; a SOCKS one is refused as a usage error.
    expect(
        &run(agc(&server).args(["state", "--retries", "1", "--proxy", &format!("http://127.0.0.1:{port}"), APP])),
        5,
    );
    expect(&run(agc(&server).args(["state", "--proxy", "socks5://127.0.0.1:1080", APP])), 2);
    assert_eq!(server.requests().len(), before, "nothing reached the server through the dead proxy");
}

#[test]
fn a_test_release_failing_after_the_upload_continues_from_the_object() {
    let server = mock();
    let dir = Dir::new("testresume");
    let app = dir.app("tr.app", 40_000);
    // AGC refuses to create the test version once.
    server.set_fault(Fault::ReleaseCodeOnce(204_144_641, "invalid parameter: testDesc".into()));
    let test = ["publish", "--json", "--test", "open", "--test-desc", "open beta", "--poll-interval", "1", APP];
    let out = run(agc(&server).args(test).arg(&app));
    expect(&out, 6);
    let j = out.json();
    assert_eq!(j["failed_step"], "create-test-version");
    let object_id = j["object_id"].as_str().unwrap().to_owned();
    assert!(j.get("version_id").is_none() && j.get("package_id").is_none(), "{j}");
    assert!(j["error"]["hint"].as_str().unwrap().ends_with(&format!("--object-id {object_id}")), "{j}");
    // The rerun takes the object (its file name from the path) and uploads nothing.
    server.clear_requests();
    let out = run(agc(&server).args(test).args(["--object-id", &object_id]).arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["object_id"], object_id.as_str());
    assert!(server.test_version(j["version_id"].as_str().unwrap()).is_some_and(|v| v.submitted), "{j}");
    let kinds: Vec<Endpoint> = server.requests().into_iter().map(|r| r.kind).collect();
    assert!(!kinds.iter().any(|k| matches!(k, Endpoint::UploadUrl | Endpoint::Upload)), "{kinds:?}");
    assert_eq!(server.objects().len(), 1);
}

/// Ctrl-C while AGC answers a submit slowly (it carried the submit out at once, its answer
/// takes a minute): the tool stops within moments, not after the answer, and says that the
/// submit may have landed: its hint reads the state first and repeats nothing.
#[test]
fn ctrl_c_while_agc_answers_the_submit_stops_at_once_and_says_it_may_have_landed() {
    let server = mock();
    let dir = Dir::new("sigslow");
    let app = dir.app("s.app", 30_000);
    server.set_fault(Fault::SlowAnswer(60_000));
    let asked = std::cell::Cell::new(None);
    let out = signal_when(
        agc(&server).args(["publish", "--submit", "--json", "--progress", "lines", APP]).arg(&app),
        |line| line.starts_with("agcupload: submitting for review"),
        // The submit is on its way; wait until AGC has it, then Ctrl-C while its answer is held.
        || {
            while server.last_submit(APP).is_none() {
                std::thread::sleep(Duration::from_millis(20));
            }
            asked.set(Some(std::time::Instant::now()));
        },
        libc::SIGINT,
    );
    let waited = asked.get().expect("the submit reached AGC").elapsed();
    server.set_fault(Fault::None);
    expect(&out, 130);
    // Not the minute the answer takes (a loose bound: the tool polls in 200 ms slices).
    assert!(waited < Duration::from_secs(45), "Ctrl-C waited for AGC's answer: {waited:?}");
    let j = out.json();
    assert_eq!(j["failed_step"].as_str(), Some("submit"), "{j}");
    let hint = j["error"]["hint"].as_str().unwrap();
    assert!(
        hint.contains("may have accepted the submit") && hint.contains(&format!("agcupload state {APP}")),
        "{hint}"
    );
    assert!(!hint.starts_with("continue with"), "{hint}");
}

#[test]
fn ctrl_c_while_agc_still_processes_the_submit_keeps_the_ids() {
    let server = mock();
    let dir = Dir::new("sigsubmit");
    let app = dir.app("c.app", 30_000);
    server.set_fault(Fault::SubmitStillProcessing(1_000));
    let out = signal_when(
        agc(&server)
            .args(["publish", "--submit", "--json", "--progress", "lines", "--poll-interval", "30", APP])
            .arg(&app),
        |line| line.starts_with("agcupload: submitting for review"),
        || {},
        libc::SIGINT,
    );
    expect(&out, 130);
    let j = out.json();
    assert_eq!(
        (j["failed_step"].as_str(), j["error"]["message"].as_str().map(|m| m.contains("Ctrl-C"))),
        (Some("submit"), Some(true))
    );
    let hint = j["error"]["hint"].as_str().unwrap();
    assert!(hint.contains("--package-id") && hint.contains(j["package_id"].as_str().unwrap()), "{hint}");
    assert!(server.last_submit(APP).is_none());
}

#[test]
fn a_terminal_shows_the_release_steps_as_bar_labels() {
    let server = mock();
    let dir = Dir::new("ptyroad");
    let app = dir.app("b.app", 50_000);
    let notes = notes_dir(&dir, &[("en-US.txt", "New.")]);
    let (out, tty) = run_on_pty(
        agc(&server)
            .env("TERM", "xterm-256color")
            .args(["publish", "--submit", "--poll-interval", "1", "--notes-dir"])
            .arg(&notes)
            .arg(APP)
            .arg(&app),
    );
    expect(&out, 0);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    for label in ["uploading", "binding", "setting release notes", "submitting for review"] {
        assert!(tty.contains(label), "{label}: {tty:?}");
    }
    assert!(!tty.contains("agcupload: setting release notes"), "not the plain lines: {tty:?}");
}

/// `--bind-release-type` / `--bind-release-phase` reach the bind's query (publish, bind and the
/// road); by default neither is sent; a value AGC does not define is a usage error.
#[test]
fn bind_query_flags_reach_the_bind() {
    let server = mock();
    let dir = Dir::new("bindq");
    let app = dir.app("q.app", 30_000);
    let bind_query = |server: &MockServer| {
        server.requests().into_iter().rev().find(|r| r.kind == Endpoint::Bind).expect("a bind").query
    };
    expect(&run(agc(&server).args(["publish", "--quiet", APP]).arg(&app)), 0);
    assert_eq!(bind_query(&server), vec![("appId".to_string(), APP.to_string())]);
    let out = run(agc(&server)
        .args(["publish", "--quiet", "--bind-release-type", "1", "--bind-release-phase", "3", APP])
        .arg(&app));
    expect(&out, 0);
    let q = bind_query(&server);
    assert!(
        q.contains(&("releaseType".into(), "1".into())) && q.contains(&("releasePhase".into(), "3".into())),
        "{q:?}"
    );
    let object_id = out.stdout.lines().next().unwrap().to_owned();
    let out = run(agc(&server).args(["bind", "--bind-release-phase", "0", "--file-name", "q.app", APP, &object_id]));
    expect(&out, 0);
    assert!(bind_query(&server).contains(&("releasePhase".into(), "0".into())));
    let notes = notes_dir(&dir, &[("en-US.txt", "Dark mode.")]);
    let out = run(agc(&server)
        .args(["publish", "--quiet", "--submit", "--bind-release-phase", "3", "--notes-dir"])
        .arg(&notes)
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    assert!(bind_query(&server).contains(&("releasePhase".into(), "3".into())));
    let before = server.requests().len();
    let out = run(agc(&server).args(["publish", "--bind-release-phase", "2", APP]).arg(&app));
    expect(&out, 2);
    assert_eq!(server.requests().len(), before, "refused before any request");
}

#[test]
fn an_over_long_version_or_package_id_is_refused_before_any_request_and_never_repeated() {
    // A 300-character version id passed the check, then failed after the
    // upload and the add-package.
    let server = mock();
    let dir = Dir::new("longids");
    let app = dir.app("ids.app", 20_000);
    let test = ["publish", "--json", "--test", "open", "--test-desc", "open beta", APP];
    for (flag, id) in [("--version-id", "v".repeat(300)), ("--package-id", "p".repeat(300))] {
        server.clear_requests();
        let out = run(agc(&server).args(test).args(["--object-id", "obj-1", flag, &id]).arg(&app));
        assert_ne!(out.code, 0, "{flag}: {}", out.stdout);
        let j = out.json();
        assert_eq!(j["failed_step"], "check", "{j}");
        assert!(!out.stdout.contains(&id) && !out.stderr.contains(&id), "{flag} is repeated: {j}");
        let kind = &flag[2..].replace('-', " ");
        assert!(j["error"]["message"].as_str().unwrap().contains(kind.as_str()), "{j}");
        assert!(server.requests().is_empty(), "{flag}: {:?}", server.requests());
    }
}

/// The committed man page is what the tool generates from its argument definitions now
/// (`make man` writes it).
#[test]
fn the_committed_man_page_is_the_generated_one() {
    let out = std::process::Command::new(BIN).arg("generate-man").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH agcupload 1") && page.contains("publish"), "{page}");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reference/agcupload.1"))
        .expect("docs/reference/agcupload.1 is committed");
    assert!(committed == page, "docs/reference/agcupload.1 is stale: run `make man` and commit it");
}
