//! The tool's transfer options end to end against the in-process mock AGC server:
//! `--transfer`, `--part-size`, `--sha256`, `--resume-file`, the JSON result's transfer facts,
//! the notes on stderr, part numbers in the progress lines, and a run killed with SIGKILL
//! half-way through a multipart upload, then resumed.

use std::path::Path;
use std::time::Duration;

use crate::common::*;
use agc_mock::{Endpoint, Fault, MockConfig, MockServer, RequestRecord};
use serde_json::Value;

const MIB: u64 = 1024 * 1024;

/// A mock whose multipart parts may be as small as 1 MiB.
fn mock() -> MockServer {
    MockServer::start(MockConfig { polls_until_ready: 0, multipart_part_min_size: MIB, ..MockConfig::default() })
        .expect("mock server starts")
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// The part PUTs of a log (a part URL carries `uploadId`).
fn part_puts(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.kind == Endpoint::Upload && r.query.iter().any(|(k, _)| k == "uploadId")).collect()
}

fn stored_bytes(server: &MockServer, j: &Value) -> Vec<u8> {
    let id = j["object_id"].as_str().expect("an object id");
    server.object(id).and_then(|o| o.bytes).expect("the object is stored")
}

/// What the resume file must never hold: a token, the client secret, a signature, a signed URL.
fn assert_no_secret(server: &MockServer, state: &str) {
    assert!(state.contains("upload_id"), "{state}");
    assert!(!state.contains(&server.client_secret()));
    for t in server.issued_tokens() {
        assert!(!state.contains(&t), "a token in the resume file");
    }
    for bad in ["https://", "Signature", "AWS4", "X-Amz", "x-amz", "Authorization", "Bearer"] {
        assert!(!state.contains(bad), "{bad} in the resume file: {state}");
    }
}

#[test]
fn multipart_json_reports_the_parts_and_progress_lines_name_them() {
    let server = mock();
    let dir = Dir::new("json");
    let app = dir.app("a.app", (3 * MIB + 5) as usize);
    let out = run(agc(&server)
        .args(["upload", "--json", "--progress", "lines", "--transfer", "multipart", "--part-size", "1MiB", APP])
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["transfer"], "multipart");
    assert_eq!(j["parts"], 4);
    assert_eq!(j["parts_sent"], 4);
    assert_eq!(j["resumed_parts"], 0);
    assert_eq!(j["bytes_sent"], 3 * MIB + 5);
    assert!(j.get("notes").is_none(), "{j}");
    assert_eq!(stored_bytes(&server, &j), std::fs::read(&app).unwrap());
    assert_eq!(part_puts(&server.requests()).len(), 4);
    assert!(out.stderr.contains("multipart upload in 4 parts"), "{}", out.stderr);
    assert!(out.stderr.contains("(part 4 of 4)"), "part numbers in the lines: {}", out.stderr);
    assert!(out.stderr.lines().all(|l| l.starts_with("agcupload: ")), "{}", out.stderr);

    // A small file under auto: one PUT, and the JSON says so.
    let small = dir.app("s.app", 100_000);
    let out = run(agc(&server).args(["upload", "--json", APP]).arg(&small));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["transfer"], "single");
    assert_eq!(
        (j["parts"].as_u64(), j["parts_sent"].as_u64(), j["resumed_parts"].as_u64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(j["bytes_sent"], 100_000);
}

#[test]
fn notes_go_to_stderr_and_json() {
    let server = mock();
    let dir = Dir::new("notes");
    let app = dir.app("n.app", (2 * MIB + 1) as usize);
    let resume = dir.path("state.json");
    // 64 KiB is below the mock's 1 MiB minimum: raised, with a note.
    let out = run(agc(&server)
        .args(["upload", "--json", "--transfer", "multipart", "--part-size", "64KiB", "--resume-file"])
        .arg(&resume)
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    let notes: Vec<&str> = j["notes"].as_array().expect("notes").iter().filter_map(Value::as_str).collect();
    assert!(notes.iter().any(|n| n.contains("raised to AGC's minimum")), "{notes:?}");
    for n in &notes {
        assert!(out.stderr.contains(&format!("agcupload: note: {n}")), "{n} on stderr: {}", out.stderr);
    }
    assert_eq!(j["parts"], 3);
    assert_eq!(j["attempts"], 3, "PUT attempts, not Connect calls: {j}");
    assert_eq!(j["retried_parts"], 0);
    assert!(!resume.exists(), "a finished upload removes its resume file");
    // --quiet keeps stderr for errors only.
    let out =
        run(agc(&server).args(["upload", "--quiet", "--transfer", "multipart", "--part-size", "64KiB", APP]).arg(&app));
    expect(&out, 0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// A resume path holding a user's file, or the package itself, is a usage error before any
/// request, whatever the transfer; the file is left as it was, and no rerun hint is given.
#[test]
fn a_resume_file_path_holding_a_users_file_is_refused_and_left_alone() {
    let server = mock();
    let dir = Dir::new("victim");
    let app = dir.app("v.app", (2 * MIB + 1) as usize);
    let package = std::fs::read(&app).unwrap();
    let notes = dir.path("important.txt");
    std::fs::write(&notes, "my notes").unwrap();
    for (victim, want) in [(&notes, &b"my notes"[..]), (&app, &package[..])] {
        for transfer in ["multipart", "single", "auto"] {
            let out = run(agc(&server)
                .args(["upload", "--json", "--transfer", transfer, "--resume-file"])
                .arg(victim)
                .arg(APP)
                .arg(&app));
            expect(&out, 2);
            let j = out.json();
            assert_eq!(j["error"]["status"], "AGC_ERR_INVALID_ARGUMENT", "{j}");
            assert!(j["error"].get("hint").is_none(), "no rerun hint: {j}");
            assert_eq!(std::fs::read(victim).unwrap(), want, "{victim:?} untouched ({transfer})");
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// Huawei's pages, through the tool: init with no body and the mainland flag when asked, one
/// call for every part's URL, parts of at most 100 MB.
#[test]
fn multipart_asks_every_part_url_at_once_and_keeps_parts_within_100_mb() {
    let server = mock();
    let dir = Dir::new("doc");
    let app = dir.app("d.app", (3 * MIB + 7) as usize);
    let out = run(agc(&server)
        .args(["upload", "--json", "--transfer", "multipart", "--mainland", "0", "--part-size", "1MiB", APP])
        .arg(&app));
    expect(&out, 0);
    let log = server.requests();
    let calls = |end: &str| log.iter().filter(|r| r.kind == Endpoint::Multipart && r.path.ends_with(end)).count();
    assert_eq!((calls("/init"), calls("/parts"), calls("/compose")), (1, 1, 1));
    let init = log.iter().find(|r| r.path.ends_with("/init")).unwrap();
    assert!(init.query.contains(&("chineseMainlandFlag".into(), "0".into())), "{:?}", init.query);
    assert_eq!(init.body_received, 0);
    assert_eq!(stored_bytes(&server, &out.json()), std::fs::read(&app).unwrap());

    let out = run(agc(&server)
        .args(["upload", "--json", "--transfer", "multipart", "--part-size", "150000000", APP])
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    let notes: Vec<&str> = j["notes"].as_array().expect("notes").iter().filter_map(Value::as_str).collect();
    assert!(notes.iter().any(|n| n.contains("lowered to 100000000 bytes")), "{notes:?}");
}

#[test]
fn a_refused_part_map_is_a_rejection_naming_agcs_code() {
    let server = mock();
    server.set_fault(Fault::PartsRefused(204144641));
    let dir = Dir::new("refused");
    let app = dir.app("r.app", (2 * MIB) as usize);
    let resume = dir.path("r.resume");
    let out = run(agc(&server)
        .args(["upload", "--json", "--transfer", "multipart", "--resume-file"])
        .arg(&resume)
        .arg(APP)
        .arg(&app));
    expect(&out, 6);
    let j = out.json();
    assert!(j["error"]["message"].as_str().unwrap().contains("204144641"), "{j}");
    // No part was sent: no resume file left behind, no rerun hint.
    assert!(j["error"].get("hint").is_none(), "{j}");
    assert!(!resume.exists());
    assert!(server.objects().is_empty());
}

#[test]
fn a_known_digest_skips_hashing_and_a_wrong_one_stores_nothing() {
    let server = mock();
    let dir = Dir::new("sha");
    let app = dir.app("k.app", 500_000);
    let sha = sha256_hex(&std::fs::read(&app).unwrap());
    let out = run(agc(&server).args(["upload", "--json", "--sha256", &sha, APP]).arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["sha256"], sha.as_str());
    assert!(j["timings_ms"].get("hashing").is_none(), "no hash pass: {j}");
    assert!(j["timings_ms"].get("uploading").is_some(), "{j}");
    let before = server.objects().len();

    let mut wrong = sha.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    let wrong = String::from_utf8(wrong).unwrap();
    for transfer in ["single", "multipart"] {
        let out =
            run(agc(&server).args(["upload", "--json", "--transfer", transfer, "--sha256", &wrong, APP]).arg(&app));
        assert_ne!(out.code, 0, "{transfer}: {}", out.stderr);
        let j = out.json();
        assert_eq!(j["error"]["status"], "AGC_ERR_FILE_CHANGED", "{transfer}: {j}");
        let msg = j["error"]["message"].as_str().unwrap();
        assert!(msg.contains(&wrong) && msg.contains(&sha), "{transfer}: names both digests: {msg}");
        assert_eq!(server.objects().len(), before, "{transfer}: nothing stored");
    }
}

#[test]
fn bad_transfer_arguments_are_usage_errors_before_any_request() {
    let server = mock();
    let dir = Dir::new("usage");
    let app = dir.app("u.app", 1000);
    for args in [
        vec!["--transfer", "parallel"],
        vec!["--part-size", "0"],
        vec!["--part-size", "5MB"],
        vec!["--part-size", "lots"],
        vec!["--sha256", "abc"],
        vec!["--sha256", &"zz".repeat(32)],
    ] {
        let out = run(agc(&server).arg("upload").args(&args).arg(APP).arg(&app));
        expect(&out, 2);
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

/// Start the tool on a slow link and SIGKILL it once `after` parts are through.
fn killed_half_way(server: &MockServer, app: &Path, resume: &Path, after: u32) -> String {
    server.set_fault(Fault::SlowReader(2_000_000));
    let part_of = |line: &str| -> Option<u32> {
        let rest = &line[line.find("(part ")? + "(part ".len()..];
        rest.split(' ').next()?.parse().ok()
    };
    let out = signal_when(
        agc(server)
            .args(["upload", "--progress", "lines", "--transfer", "multipart", "--part-size", "1MiB", "--resume-file"])
            .arg(resume)
            .arg(APP)
            .arg(app),
        |line| part_of(line).is_some_and(|n| n > after),
        || {},
        libc::SIGKILL,
    );
    assert_eq!(out.code, 128 + libc::SIGKILL, "killed by the signal");
    assert!(out.stdout.is_empty(), "no result from a killed run: {}", out.stdout);
    server.set_fault(Fault::None);
    out.stderr
}

#[test]
fn a_run_killed_half_way_resumes_sending_only_the_unfinished_parts() {
    let server = mock();
    let dir = Dir::new("kill");
    let parts = 13u64;
    let app = dir.app("big.app", (12 * MIB + MIB / 2) as usize);
    let data = std::fs::read(&app).unwrap();
    let resume = dir.path("upload.resume");
    killed_half_way(&server, &app, &resume, 5);
    std::thread::sleep(Duration::from_millis(300)); // let the server see the dead connection
    assert!(server.objects().is_empty(), "nothing composed by the killed run");
    let state = std::fs::read_to_string(&resume).expect("the killed run left its resume file");
    assert_no_secret(&server, &state);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&resume).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // The parts the mock stored before the kill (the killed run may have had no time to
    // record the last of them).
    let finished = server.stored_parts().len() as u64;
    assert!(finished >= 5, "{finished} parts finished before the kill");
    server.clear_requests();

    let out = run(agc(&server)
        .args(["upload", "--json", "--transfer", "multipart", "--part-size", "1MiB", "--resume-file"])
        .arg(&resume)
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(stored_bytes(&server, &j), data, "the stored object is the file");
    assert_eq!(j["transfer"], "multipart");
    assert_eq!(j["parts"], parts);
    let resumed = j["resumed_parts"].as_u64().unwrap();
    let sent = j["parts_sent"].as_u64().unwrap();
    assert_eq!(resumed + sent, parts);
    assert!(resumed + 1 >= finished, "{resumed} resumed of {finished} finished");
    let log = server.requests();
    let puts = part_puts(&log);
    assert_eq!(puts.len() as u64, sent, "one PUT per part not yet finished");
    assert!(sent <= parts - finished + 1, "only the unfinished parts, plus at most the interrupted one: {sent}");
    assert!(j.get("notes").is_none(), "{j}");
    assert!(!resume.exists(), "a finished upload removes its resume file");
}

#[test]
fn a_file_changed_after_a_killed_run_is_uploaded_afresh_with_a_note() {
    let server = mock();
    let dir = Dir::new("changed");
    let app = dir.app("c.app", (6 * MIB) as usize);
    let resume = dir.path("upload.resume");
    killed_half_way(&server, &app, &resume, 2);
    assert!(resume.exists());
    std::thread::sleep(Duration::from_millis(20));
    let mut data = std::fs::read(&app).unwrap();
    // A byte of part 2 (finished by the killed run), past the package's pack.info.
    data[MIB as usize + 100] ^= 0xff;
    std::fs::write(&app, &data).unwrap();
    let out = run(agc(&server)
        .args(["publish", "--json", "--transfer", "multipart", "--part-size", "1MiB", "--resume-file"])
        .arg(&resume)
        .arg(APP)
        .arg(&app));
    expect(&out, 0);
    let j = out.json();
    assert_eq!(j["resumed_parts"], 0);
    assert_eq!(j["parts_sent"], 6);
    assert!(j["package_id"].is_string(), "publish binds the multipart object: {j}");
    assert_eq!(stored_bytes(&server, &j), data, "the new content, not a mix");
    assert!(out.stderr.contains("agcupload: note: resume file") && out.stderr.contains("changed"), "{}", out.stderr);
}

/// Answers the live publishers met: part URLs without a partObjectId (echoed to compose as
/// given), a compose that takes the ETags only without their quotes (asked once more, with a
/// note), and part URLs that expired before their PUT (the map asked again).
#[test]
fn part_answers_as_live_agc_gives_them_are_taken() {
    let server = mock();
    let dir = Dir::new("live");
    let app = dir.app("l.app", (3 * MIB + 11) as usize);
    for (fault, parts_calls, note) in [
        (Fault::NoPartObjectIds, 1, None),
        (Fault::ComposeWantsBareEtags, 1, Some("without their quotes")),
        (Fault::PartUrlExpiredOnce, 2, None),
    ] {
        server.clear_requests();
        server.set_fault(fault.clone());
        let out = run(agc(&server)
            .args(["upload", "--json", "--transfer", "multipart", "--part-size", "1MiB", APP])
            .arg(&app));
        expect(&out, 0);
        let j = out.json();
        assert_eq!(stored_bytes(&server, &j), std::fs::read(&app).unwrap(), "{fault:?}");
        let log = server.requests();
        let asked = log.iter().filter(|r| r.kind == Endpoint::Multipart && r.path.ends_with("/parts")).count();
        assert_eq!(asked, parts_calls, "{fault:?}");
        if let Some(note) = note {
            assert!(out.stderr.contains(note), "{fault:?}: {}", out.stderr);
        }
    }
    server.set_fault(Fault::None);
}
