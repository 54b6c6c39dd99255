//! The tool's own inputs against the in-process mock AGC server: options of the other road
//! refused before any I/O, the tool's own files (client secret, seal key, release notes) read
//! by the library's file rules (regular files only, never blocking, bounded), hostile note
//! file names quoted, and no hint that repeats a step AGC may have carried out.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use agc_mock::{Endpoint, Fault, MockConfig, MockServer};
use serde_json::Value;

use crate::common::{Dir as Tmp, APP, BIN};

fn server() -> MockServer {
    MockServer::start(MockConfig::default()).expect("mock server starts")
}

/// The shared `agc` with its output piped (this file's `run` reads it).
fn tool(server: &MockServer) -> Command {
    let mut c = crate::common::agc(server);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident set of the child, in KiB (from wait4).
    max_rss_kib: i64,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// Run to the end and collect the exit code, the output and the child's peak RSS. A child
/// still running after two minutes is killed and the test fails: a safety net against a hang
/// (a FIFO read), not a measure of speed.
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives the peak RSS
fn run(cmd: &mut Command) -> Ran {
    let mut child = cmd.spawn().expect("agcupload starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let readers = (
        std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default()),
        std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default()),
    );
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 on our own child, with valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed");
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("agcupload hung (killed after the safety timeout): {:?}", cmd);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ran { code, stdout: readers.0.join().unwrap(), stderr: readers.1.join().unwrap(), max_rss_kib: usage.ru_maxrss }
}

fn expect_code(r: &Ran, code: i32) {
    assert_eq!(r.code, code, "exit code; stdout: {}\nstderr: {}", r.stdout, r.stderr);
}

// ---- the other road's options -----------------------------------------------------

#[test]
fn options_of_the_other_road_are_refused_before_any_request() {
    let server = server();
    let tmp = Tmp::new("roads");
    let app = tmp.app("in.app", 20_004);
    let review_only: &[&[&str]] = &[
        &["--notes-dir", "notes"],
        &["--remark", "a remark of some length"],
        &["--phased", "y"],
        &["--release-time", "garbage"],
        &["--submit-timeout-min", "3"],
        &["--submit-timeout", "3"],
    ];
    let test_only: &[&[&str]] = &[
        &["--test-desc", "x"],
        &["--test-group", "g"],
        &["--test-start", "0"],
        &["--test-end", "0"],
        &["--notify"],
        &["--version-id", "v1"],
    ];
    let check = |args: Vec<&str>, wanted: &str| {
        let r = run(tool(&server).args(&args).arg(APP).arg(&app));
        expect_code(&r, 2);
        assert!(r.stderr.contains(wanted), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    };
    for opt in review_only {
        let mut args = vec!["publish", "--test", "open", "--test-desc", "d"];
        args.extend_from_slice(opt);
        check(args, "cannot be used with");
        // Without any road, the option needs --submit.
        let mut args = vec!["publish"];
        args.extend_from_slice(opt);
        check(args, "--submit");
    }
    for opt in test_only {
        let mut args = vec!["publish", "--submit"];
        args.extend_from_slice(opt);
        check(args, "cannot be used with");
        let mut args = vec!["publish"];
        args.extend_from_slice(opt);
        check(args, "--test");
    }
    for opt in review_only.iter().chain(test_only) {
        let mut args = vec!["upload"];
        args.extend_from_slice(opt);
        check(args, "unexpected argument");
    }
    // The two reproductions, whole.
    check(
        vec![
            "publish",
            "--test",
            "open",
            "--test-desc",
            "d",
            "--release-time",
            "garbage",
            "--phased",
            "y",
            "--remark",
            "short",
        ],
        "cannot be used with",
    );
    check(vec!["publish", "--submit", "--test-desc", "x", "--test-group", "g", "--notify"], "cannot be used with");
    assert!(server.requests().is_empty(), "no request for a usage error: {:?}", server.requests());
}

// ---- the tool's own input files ---------------------------------------------------

/// The unusable files: a FIFO without a writer, a character device that never ends, a
/// directory, a 10 MiB file. Each with the words the refusal must hold.
fn unusable_files(tmp: &Tmp, name: &str) -> Vec<(PathBuf, &'static str)> {
    let dir = tmp.path(&format!("{name}.d"));
    std::fs::create_dir_all(&dir).unwrap();
    let big = tmp.path(&format!("{name}.big"));
    std::fs::write(&big, "SECRET-CONTENT-".repeat(10 * 1024 * 1024 / 15 + 1)).unwrap();
    vec![
        (tmp.fifo(&format!("{name}.fifo")), "FIFO"),
        (PathBuf::from("/dev/zero"), "character device"),
        (dir, "directory"),
        (big, "too large"),
    ]
}

#[test]
fn the_client_secret_file_must_be_a_small_regular_file() {
    let server = server();
    let tmp = Tmp::new("secret");
    let app = tmp.app("in.app", 20_004);
    for (path, words) in unusable_files(&tmp, "secret") {
        let r = run(tool(&server)
            .env_remove("AGC_CLIENT_SECRET")
            .env("AGC_CLIENT_SECRET_FILE", &path)
            .args(["upload", APP])
            .arg(&app));
        expect_code(&r, 3);
        assert!(r.stderr.contains("client secret file") && r.stderr.contains(words), "{path:?}: {}", r.stderr);
        assert!(!r.stderr.contains("SECRET-CONTENT"), "the content is never quoted: {}", r.stderr);
    }
    // The flag as well, and a good file still works (first line, trimmed).
    let good = tmp.path("good");
    std::fs::write(&good, format!("{}\nsecond line\n", server.client_secret())).unwrap();
    let r = run(tool(&server)
        .env_remove("AGC_CLIENT_SECRET")
        .arg("check")
        .arg("--client-secret-file")
        .arg(&good)
        .arg(APP)
        .arg(&app));
    expect_code(&r, 0);
    let fifo = tmp.fifo("flag.fifo");
    let r = run(tool(&server)
        .env_remove("AGC_CLIENT_SECRET")
        .arg("check")
        .arg("--client-secret-file")
        .arg(&fifo)
        .arg(APP)
        .arg(&app));
    expect_code(&r, 3);
    let kinds: Vec<Endpoint> = server.requests().into_iter().map(|r| r.kind).collect();
    // Only the good check's requests: its token and its preflight's two reads.
    assert_eq!(
        kinds,
        vec![Endpoint::Token, Endpoint::AppIdList, Endpoint::Release],
        "only the good check's: {kinds:?}"
    );
}

#[test]
fn the_seal_key_file_must_be_a_regular_file_of_32_bytes() {
    let tmp = Tmp::new("sealkey");
    let input = tmp.path("plain.png");
    std::fs::write(&input, b"\x89PNG\r\n\x1a\nsome picture").unwrap();
    let mut cases = unusable_files(&tmp, "key");
    let long = tmp.path("key.33");
    std::fs::write(&long, [7u8; 33]).unwrap();
    cases.push((long, "larger than 32 bytes"));
    for (i, (path, words)) in cases.into_iter().enumerate() {
        // By flag and by environment variable.
        for by_env in [false, true] {
            let out = tmp.path(&format!("sealed-{i}-{by_env}"));
            let mut cmd = Command::new(BIN);
            cmd.env_clear().stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            if by_env {
                cmd.env("AGC_SEAL_KEY_FILE", &path).arg("seal");
            } else {
                cmd.arg("seal").arg("--seal-key-file").arg(&path);
            }
            let r = run(cmd.arg(&input).arg(&out));
            expect_code(&r, 3);
            assert!(r.stderr.contains("seal key file") && r.stderr.contains(words), "{path:?}: {}", r.stderr);
            assert!(!out.exists(), "nothing written with an unusable key");
        }
    }
    let key = tmp.path("key.bin");
    std::fs::write(&key, [9u8; 32]).unwrap();
    let r = run(Command::new(BIN)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .arg("seal")
        .arg("--seal-key-file")
        .arg(&key)
        .arg(&input)
        .arg(tmp.path("sealed-ok")));
    expect_code(&r, 0);
}

// ---- no hint that repeats an uncertain step ---------------------------------------

#[test]
fn after_a_bind_that_may_have_happened_the_hint_says_what_to_check_and_repeats_nothing() {
    let server = server();
    let tmp = Tmp::new("unsure");
    let app = tmp.app("in.app", 20_004);
    let r = run(tool(&server).args(["upload", APP]).arg(&app));
    expect_code(&r, 0);
    let object_id = r.stdout.trim().to_owned();

    // The road resumed from the object: its first Connect call is the bind, answered 500.
    server.set_fault(Fault::Status500Once);
    server.clear_requests();
    let r = run(tool(&server).args(["publish", "--json", "--submit", "--object-id", &object_id, APP]).arg(&app));
    let j = r.json();
    assert_eq!(j["failed_step"], "bind", "{j}");
    let binds = server.requests().into_iter().filter(|q| q.kind == Endpoint::Bind).count();
    assert_eq!(binds, 1, "the uncertain bind is not repeated");
    let hint = j["error"]["hint"].as_str().expect("a hint");
    assert!(!hint.starts_with("continue with"), "no plain rerun after an uncertain bind: {hint}");
    assert!(hint.contains("AppGallery Connect") && hint.contains("first"), "what to check first: {hint}");
    assert!(hint.contains("--package-id PACKAGE_ID"), "how to continue if it is there: {hint}");
    assert!(hint.contains(&format!("--object-id {object_id}")), "and if it is not: {hint}");

    // upload --publish: the bind is processed, the answer lost.
    server.set_fault(Fault::BindResetAfterProcessingOnce);
    let r = run(tool(&server).args(["upload", "--publish", "--json", APP]).arg(&app));
    let j = r.json();
    assert_eq!(j["ok"], false, "{j}");
    let hint = j["error"]["hint"].as_str().expect("a hint");
    assert!(hint.starts_with("AGC may have bound object") && hint.contains("first look"), "{hint}");

    // A clear refusal (a step that did not happen) keeps the plain continue hint.
    server.set_fault(Fault::TransientCodeOnce(123_456));
    let r = run(tool(&server).args(["publish", "--json", "--submit", "--object-id", &object_id, APP]).arg(&app));
    let j = r.json();
    assert_eq!(j["failed_step"], "bind", "{j}");
    assert!(j["error"]["hint"].as_str().unwrap_or_default().starts_with("continue with"), "{j}");
}

// ---- the notes directory ----------------------------------------------------------

fn notes(tmp: &Tmp) -> PathBuf {
    let d = tmp.path("notes");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn hostile_note_file_names_are_quoted_bounded() {
    let server = server();
    let tmp = Tmp::new("names");
    let dir = notes(&tmp);
    std::fs::write(dir.join("en-US.txt"), "Fine.").unwrap();
    std::fs::write(dir.join("x\n::error title=pwn::owned\u{1b}]0;title\u{7}\u{1b}[31m\u{202e}.txt"), "x").unwrap();
    for github in [false, true] {
        let mut cmd = tool(&server);
        if github {
            cmd.env("GITHUB_ACTIONS", "true");
        }
        let r = run(cmd.args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
        expect_code(&r, 2);
        assert!(r.stderr.contains("::error title=pwn::owned"), "the name is shown, inline: {}", r.stderr);
        assert!(
            !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{7}') && !r.stderr.contains('\u{202e}'),
            "{:?}",
            r.stderr
        );
        for line in r.stderr.lines() {
            assert!(!line.starts_with("::error title=pwn"), "a forged workflow command: {:?}", r.stderr);
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_the_notes_directory_are_refused() {
    let server = server();
    let tmp = Tmp::new("links");
    let dir = notes(&tmp);
    let secret = tmp.path("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-NOT-A-NOTE").unwrap();
    std::os::unix::fs::symlink("../secret.txt", dir.join("en-US.txt")).unwrap();
    let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
    expect_code(&r, 2);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert!(!r.stderr.contains("TOP-SECRET"), "{}", r.stderr);
    // A link inside the directory too (one rule: no links).
    std::fs::remove_file(dir.join("en-US.txt")).unwrap();
    std::fs::write(dir.join("zh-CN.txt"), "新").unwrap();
    std::os::unix::fs::symlink("zh-CN.txt", dir.join("en-US.txt")).unwrap();
    let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
    expect_code(&r, 2);
    assert!(server.requests().is_empty(), "nothing sent: {:?}", server.requests());
}

#[test]
fn a_huge_sparse_note_is_refused_without_being_read() {
    let server = server();
    let tmp = Tmp::new("huge");
    let dir = notes(&tmp);
    let f = std::fs::File::create(dir.join("en-US.txt")).unwrap();
    f.set_len(1 << 30).unwrap(); // sparse: no disk used
    drop(f);
    let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
    expect_code(&r, 3);
    assert!(r.stderr.contains("too large") && r.stderr.contains("en-US.txt"), "{}", r.stderr);
    // A bound, not a timing: the whole file would be 1 GiB of memory.
    assert!(r.max_rss_kib < 100 * 1024, "peak RSS {} KiB", r.max_rss_kib);
    // A FIFO in its place: refused at once (no writer ever comes).
    std::fs::remove_file(dir.join("en-US.txt")).unwrap();
    tmp.fifo("notes/en-US.txt");
    let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
    expect_code(&r, 3);
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn a_note_of_only_invisible_characters_is_empty() {
    let server = server();
    let tmp = Tmp::new("bom");
    let dir = notes(&tmp);
    for text in ["\u{feff}\u{feff}\u{feff}", "\u{feff}\u{200b}\u{2060}\n", "\u{3000} \t\r\n"] {
        std::fs::write(dir.join("en-US.txt"), text).unwrap();
        let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
        expect_code(&r, 2);
        assert!(r.stderr.contains("empty"), "{text:?}: {}", r.stderr);
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // Visible text after a BOM is a note.
    std::fs::write(dir.join("en-US.txt"), "\u{feff}Dark mode.\n").unwrap();
    let r = run(tool(&server).args(["notes", "--notes-dir"]).arg(&dir).arg(APP));
    expect_code(&r, 0);
}
