//! Reliability: one test per fault mode of the mock server. Each asserts the exact outcome
//! (success with identical stored bytes, or the exact error) and what the request log shows.

mod common;

use std::time::{Duration, Instant};

use agc_mock::{Endpoint, Fault, MockServer, RequestRecord};
use agcupload::{Client, Error, NoProgress, PackageKind, Phase, RetryPolicy};
use common::*;

fn count(log: &[RequestRecord], k: Endpoint) -> usize {
    log.iter().filter(|r| r.kind == k).count()
}

fn puts(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.kind == Endpoint::Upload).collect()
}

/// Every PUT carried Content-Length, was not chunked, and no Bearer token or client_id
/// reached the upload host.
fn assert_clean_puts(log: &[RequestRecord]) {
    for p in puts(log) {
        assert!(p.content_length.is_some(), "PUT without Content-Length");
        assert!(!p.chunked, "chunked PUT");
        assert!(!p.bearer, "Bearer token sent to the upload host");
        assert!(!p.client_id_header, "client_id sent to the upload host");
    }
}

struct Case {
    server: MockServer,
    client: Client,
    dir: TempDir,
}

fn case(fault: Fault) -> Case {
    let server = mock();
    server.set_fault(fault);
    let client = client_for(&server);
    Case { server, client, dir: TempDir::new("fault") }
}

impl Case {
    fn upload(&self, size: usize) -> (Result<agcupload::UploadResult, Error>, Vec<u8>, Recorder) {
        let p = self.dir.app("f.app", size);
        let data = read(&p);
        let mut rec = Recorder::default();
        let r = self.client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut rec);
        (r, data, rec)
    }

    /// Success after a retry: stored bytes identical, and a Retrying phase was reported.
    fn expect_recovered(&self, size: usize) -> Vec<RequestRecord> {
        let (r, data, rec) = self.upload(size);
        let r = r.unwrap_or_else(|e| panic!("expected success after retry, got {e}"));
        let stored = self.server.object(&r.object_id).expect("stored");
        assert_eq!(stored.bytes.as_deref(), Some(&data[..]));
        let log = self.server.requests();
        assert_clean_puts(&log);
        assert_eq!(self.server.objects().len(), 1, "exactly one object stored");
        (rec, log).1
    }

    fn expect_error(&self, size: usize, want: fn(&Error) -> bool) -> (Error, Vec<RequestRecord>) {
        let (r, _, _) = self.upload(size);
        let e = r.expect_err("expected an error");
        assert!(want(&e), "unexpected error: {e:?}");
        let log = self.server.requests();
        assert_clean_puts(&log);
        assert!(self.server.objects().is_empty(), "nothing may be stored");
        (e, log)
    }
}

#[test]
fn token_expired_once_is_refreshed_and_the_call_repeated() {
    let c = case(Fault::TokenExpiredOnce);
    let log = c.expect_recovered(100_000);
    assert_eq!(c.server.tokens_issued(), 2, "one refresh");
    assert_eq!(count(&log, Endpoint::UploadUrl), 2);
    assert_eq!(count(&log, Endpoint::Upload), 1);
}

#[test]
fn wrong_credentials_are_auth_without_retry_storm() {
    let c = case(Fault::TokenBadCredentials);
    let (e, log) = c.expect_error(100, |e| matches!(e, Error::Auth(_)));
    assert!(e.to_string().contains("203890688"), "{e}");
    assert_eq!(log.len(), 1, "a single token request");
}

#[test]
fn put_500_once_is_retried_with_a_fresh_url() {
    let c = case(Fault::Put500Once);
    let log = c.expect_recovered(1024 * 1024);
    assert_eq!(count(&log, Endpoint::Upload), 2);
    assert_eq!(count(&log, Endpoint::UploadUrl), 2, "a fresh signed URL per attempt");
    assert_eq!(count(&log, Endpoint::Token), 1, "the token is reused");
    let p = puts(&log);
    assert_eq!(p[0].status, 500);
    assert_eq!(p[1].status, 200);
    assert_eq!(p[1].body_received, 1024 * 1024, "the retry restarted from byte 0");
}

#[test]
fn put_503_honours_retry_after() {
    let c = case(Fault::Put503RetryAfterOnce(1));
    let start = Instant::now();
    let (r, _, rec) = c.upload(50_000);
    r.unwrap();
    // A lower bound only: the wait can be longer on a loaded machine, never shorter.
    assert!(start.elapsed() >= Duration::from_secs(1), "Retry-After: 1 not honoured");
    assert!(rec.events.iter().any(|e| e.0 == Phase::Retrying && e.1 == 1), "no Retrying report");
    let log = c.server.requests();
    assert_eq!(puts(&log).iter().map(|p| p.status).collect::<Vec<_>>(), vec![503, 200]);
}

#[test]
fn connection_reset_halfway_restarts_from_byte_zero() {
    let c = case(Fault::PutResetHalfwayOnce);
    let size = 4 * 1024 * 1024;
    let (r, data, rec) = c.upload(size);
    let r = r.unwrap();
    assert_eq!(c.server.object(&r.object_id).unwrap().bytes.as_deref(), Some(&data[..]));
    let log = c.server.requests();
    let p = puts(&log);
    assert_eq!(p.len(), 2);
    assert!(!p[0].complete && p[0].body_received < size as u64);
    assert!(p[1].complete && p[1].body_received == size as u64);
    // The Uploading phase restarted at 0 for the second attempt.
    let restarts = rec.events.windows(2).filter(|w| w[1].0 == Phase::Uploading && w[1].1 == 0).count();
    assert_eq!(restarts, 2);
    assert_clean_puts(&log);
}

#[test]
fn a_stalled_server_is_caught_by_the_inactivity_timeout() {
    let c = case(Fault::Stall);
    let mut client = client_for(&c.server);
    client.set_timeouts(Duration::from_secs(5), Duration::from_millis(300)).unwrap();
    client.set_retry(2, Some(Duration::from_secs(60))).unwrap();
    let p = c.dir.app("s.app", 100);
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert_eq!(count(&c.server.requests(), Endpoint::Token), 2, "retried once, then gave up");
}

#[test]
fn the_overall_deadline_bounds_a_stall_even_with_a_long_inactivity_timeout() {
    let c = case(Fault::Stall);
    let mut client = client_for(&c.server);
    client.set_timeouts(Duration::from_secs(5), Duration::from_secs(600)).unwrap();
    client.set_retry(10, Some(Duration::from_millis(700))).unwrap();
    let p = c.dir.app("d.app", 100);
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
}

#[test]
fn a_slow_reader_is_not_a_stall() {
    let c = case(Fault::SlowReader(1_000_000));
    let mut client = client_for(&c.server);
    // The inactivity clock runs on socket reads and writes: after the last write the kernel
    // may still hold a few MB for the peer to drain, so the timeout must exceed that drain
    // time (here about 2 s). The stall test above shows a silent peer is caught.
    client.set_timeouts(Duration::from_secs(5), Duration::from_secs(8)).unwrap();
    let p = c.dir.app("slow.app", 2 * 1024 * 1024);
    let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap();
    assert_eq!(c.server.object(&r.object_id).unwrap().bytes.unwrap(), read(&p));
    assert_eq!(count(&c.server.requests(), Endpoint::Upload), 1, "no retry needed");
}

fn protocol(e: &Error) -> bool {
    matches!(e, Error::Protocol(_))
}

#[test]
fn redirects_are_never_followed() {
    let c = case(Fault::Redirect307);
    let (e, log) = c.expect_error(100, protocol);
    assert!(e.to_string().contains("redirect"), "{e}");
    assert_eq!(log.len(), 1, "no second request to the Location");
}

#[test]
fn hostile_upload_url_answers_are_refused_before_any_put() {
    let cases: [(Fault, &str); 7] = [
        (Fault::HttpUploadUrl, "not https"),
        (Fault::UrlWithCredentials, "user name or password"),
        (Fault::MalformedJson, "not valid JSON"),
        (Fault::MissingFields, "missing"),
        (Fault::WrongHost, "Host"),
        (Fault::WrongMethod, "not PUT"),
        (Fault::HashMismatchInUrl, "payload hash"),
    ];
    for (fault, words) in cases {
        let c = case(fault.clone());
        let (e, log) = c.expect_error(100, protocol);
        assert!(e.to_string().contains(words), "{fault:?}: {e}");
        assert_eq!(count(&log, Endpoint::Upload), 0, "{fault:?}: a PUT was sent");
        assert_eq!(count(&log, Endpoint::UploadUrl), 1, "{fault:?}: protocol errors are not retried");
    }
}

#[test]
fn a_50_mb_json_answer_is_cut_at_one_mib() {
    let c = case(Fault::HugeJson);
    let (e, _) = c.expect_error(100, protocol);
    assert!(e.to_string().contains("larger than 1048576"), "{e}");
}

#[test]
fn an_oversized_s3_error_body_is_a_protocol_error() {
    let c = case(Fault::PutHugeErrorOnce);
    let (e, log) = c.expect_error(1000, protocol);
    assert!(e.to_string().contains("larger than 65536"), "{e}");
    assert_eq!(count(&log, Endpoint::Upload), 1, "not retried");
}

#[test]
fn a_stale_signature_is_refused_and_fresh_urls_are_requested_until_attempts_run_out() {
    let c = case(Fault::StaleSignature);
    let (e, log) = c.expect_error(10_000, |e| matches!(e, Error::UploadRejected { status: 403, .. }));
    assert!(e.to_string().contains("RequestTimeTooSkewed") || e.to_string().contains("expired"), "{e}");
    assert_eq!(count(&log, Endpoint::UploadUrl), 4, "a fresh URL for each of the 4 attempts");
    assert_eq!(count(&log, Endpoint::Upload), 4);
}

#[test]
fn a_refused_large_put_does_not_send_its_body() {
    // Expect: 100-continue (opt-in) lets the host refuse a stale signature before 8 MiB go out.
    let c = case(Fault::StaleSignature);
    let size = 8 * 1024 * 1024;
    let p = c.dir.app("f.app", size);
    let mut req = agcupload::UploadRequest::new("10001", &p, PackageKind::HarmonyApp);
    req.expect_continue = true;
    let e = c.client.upload(&req, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::UploadRejected { status: 403, .. }), "{e}");
    assert!(c.server.objects().is_empty());
    let log = c.server.requests();
    let p = puts(&log);
    assert_eq!(p.len(), 4);
    for put in p {
        assert!(put.headers.iter().any(|(n, v)| n == "expect" && v == "100-continue"));
        assert_eq!(put.body_received, 0, "the body was sent to a host that refused it");
    }
}

#[test]
fn an_expired_signature_once_gets_a_new_url_without_rehashing() {
    let c = case(Fault::ExpiredSignatureOnce);
    let (r, _, rec) = c.upload(300_000);
    r.unwrap();
    let log = c.server.requests();
    assert_eq!(count(&log, Endpoint::UploadUrl), 2);
    assert_eq!(puts(&log).iter().map(|p| p.status).collect::<Vec<_>>(), vec![403, 200]);
    assert_eq!(rec.of(Phase::Hashing).iter().filter(|d| **d == 0).count(), 1, "hashed once");
}

#[test]
fn api_business_errors_are_not_retried_but_transient_codes_are() {
    let c = case(Fault::ApiError(204144688, "could not get an upload URL".into()));
    let (e, log) = c.expect_error(100, |e| matches!(e, Error::Api { code: 204144688, .. }));
    assert!(e.to_string().contains("could not get an upload URL"));
    assert_eq!(count(&log, Endpoint::UploadUrl), 1);

    let c = case(Fault::TransientCodeOnce(204144659));
    let log = c.expect_recovered(100);
    assert_eq!(count(&log, Endpoint::UploadUrl), 2);
}

#[test]
fn connect_api_500_once_is_retried() {
    let c = case(Fault::Status500Once);
    let log = c.expect_recovered(100);
    assert_eq!(count(&log, Endpoint::UploadUrl), 2);
}

/// Changes the file when the upload passes `at` bytes.
fn upload_changing_file(change: fn(&std::path::Path)) -> (Error, MockServer) {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new("chg");
    let p = dir.app("chg.app", 4 * 1024 * 1024);
    let path = p.clone();
    let mut changed = false;
    let mut sink = move |phase: Phase, done: u64, _total: u64| {
        if phase == Phase::Uploading && done >= 1024 * 1024 && !changed {
            change(&path);
            changed = true;
        }
        true
    };
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut sink).unwrap_err();
    (e, server)
}

#[test]
fn content_changing_during_the_upload_is_detected_and_nothing_stored() {
    let (e, server) = upload_changing_file(|p| {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
        f.seek(SeekFrom::Start(3 * 1024 * 1024)).unwrap();
        f.write_all(b"tampered").unwrap();
    });
    assert!(matches!(e, Error::FileChanged(_)), "{e:?}");
    assert!(server.objects().is_empty());
    let log = server.requests();
    let p = puts(&log);
    assert_eq!(p.len(), 1, "not retried");
    assert!(!p[0].complete, "the last byte must not have been sent");
}

#[test]
fn size_changing_during_the_upload_is_detected_and_nothing_stored() {
    for grow in [false, true] {
        let (e, server) = if grow {
            upload_changing_file(|p| {
                use std::io::Write;
                std::fs::OpenOptions::new().append(true).open(p).unwrap().write_all(b"more").unwrap();
            })
        } else {
            upload_changing_file(|p| {
                std::fs::OpenOptions::new().write(true).open(p).unwrap().set_len(2 * 1024 * 1024).unwrap()
            })
        };
        assert!(matches!(e, Error::FileChanged(_)), "grow={grow}: {e:?}");
        assert!(server.objects().is_empty());
        assert!(puts(&server.requests()).iter().all(|p| !p.complete));
    }
}

#[test]
fn cancelling_a_retry_wait_stops_at_once() {
    let c = case(Fault::Put503RetryAfterOnce(30));
    let p = c.dir.app("w.app", 1000);
    let mut rec = Recorder { cancel_at: Some((Phase::Retrying, 1)), ..Default::default() };
    let start = Instant::now();
    let e = c.client.upload_file("1", &p, PackageKind::HarmonyApp, &mut rec).unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    assert!(start.elapsed() < Duration::from_secs(25), "did not wait out the 30 s Retry-After");
}

/// Keeps every log record (ureq and rustls log through the `log` facade).
struct Capture(std::sync::Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(std::sync::Mutex::new(Vec::new()));

#[test]
fn no_secret_appears_in_any_error_message_log_line_or_debug_output() {
    log::set_logger(&LOGS).expect("the only logger of this test binary");
    log::set_max_level(log::LevelFilter::Trace);
    let secret_client = "client-secret-must-not-leak";
    let faults = [
        Fault::None,
        Fault::TokenExpiredOnce,
        Fault::TokenBadCredentials,
        Fault::Put500Once,
        Fault::PutResetHalfwayOnce,
        Fault::Redirect307,
        Fault::HttpUploadUrl,
        Fault::UrlWithCredentials,
        Fault::HugeJson,
        Fault::MalformedJson,
        Fault::MissingFields,
        Fault::WrongHost,
        Fault::WrongMethod,
        Fault::HashMismatchInUrl,
        Fault::StaleSignature,
        Fault::ApiError(204144641, "bad".into()),
        Fault::Status500Once,
    ];
    let mut texts = Vec::new();
    let mut tokens = Vec::new();
    let mut auths = Vec::new();
    for fault in faults {
        let server = mock_with(agc_mock::MockConfig { client_secret: secret_client.into(), ..Default::default() });
        server.set_fault(fault.clone());
        let mut client = client_for(&server);
        client
            .set_retry_policy(RetryPolicy {
                max_attempts: 2,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(5),
                deadline: None,
            })
            .unwrap();
        let dir = TempDir::new("leak");
        let p = dir.app("l.app", 2000);
        let r = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress);
        match &r {
            Ok(v) => texts.push(format!("{v:?}")),
            Err(e) => {
                texts.push(e.to_string());
                texts.push(format!("{e:?}"));
            }
        }
        texts.push(format!("{client:?}"));
        tokens.extend(server.issued_tokens());
        auths.extend(server.upload_authorizations());
    }
    let logs = std::mem::take(&mut *LOGS.0.lock().unwrap());
    assert!(logs.len() > 50, "the libraries logged at trace level ({} lines)", logs.len());
    texts.extend(logs);
    assert!(!tokens.is_empty() && !auths.is_empty(), "the run must have produced secrets to look for");
    for t in &texts {
        assert!(!t.contains(secret_client), "client secret in: {t}");
        for tok in &tokens {
            assert!(!t.contains(tok.as_str()), "access token in: {t}");
        }
        for a in &auths {
            let sig = a.rsplit("Signature=").next().unwrap_or(a);
            assert!(!t.contains(sig), "upload signature in: {t}");
        }
    }
}

/// A host that accepts the TCP connection and never answers the TLS handshake: the connect
/// timeout ends the wait (the handshake is part of connecting; `src/tls.rs`).
#[test]
fn a_host_that_never_answers_the_tls_handshake_is_a_connect_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().take(2) {
            held.push(s.unwrap());
        }
        std::thread::sleep(Duration::from_secs(20));
    });
    let server = mock();
    let mut client = client_for(&server);
    client.set_api_base(&format!("https://127.0.0.1:{port}")).unwrap();
    client.set_timeouts(Duration::from_millis(1500), Duration::from_secs(600)).unwrap();
    client.set_retry(1, None).unwrap();
    let dir = TempDir::new("tls-silent");
    let p = dir.app("s.app", 100);
    let t0 = Instant::now();
    let e = client.upload_file("1", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    let took = t0.elapsed();
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    // Bound, not a speed check: far below the 600 s inactivity timeout the handshake would
    // otherwise wait for.
    assert!(took < Duration::from_secs(15), "{took:?}");
    drop(held);
}

/// Cancels once `after` has passed since the first report of the upload, and counts the
/// reports that come after it said stop (there should be none).
struct CancelAfter {
    after: Duration,
    started: Option<Instant>,
    stopped: Option<Instant>,
    reports_after_stop: usize,
    last_done: u64,
}

impl CancelAfter {
    fn new(after: Duration) -> CancelAfter {
        CancelAfter { after, started: None, stopped: None, reports_after_stop: 0, last_done: 0 }
    }
}

impl agcupload::Progress for CancelAfter {
    fn report(&mut self, phase: Phase, done: u64, _total: u64) -> bool {
        if self.stopped.is_some() {
            self.reports_after_stop += 1;
            return false;
        }
        if phase != Phase::Uploading {
            return true;
        }
        self.last_done = done;
        let started = *self.started.get_or_insert_with(Instant::now);
        if started.elapsed() >= self.after {
            self.stopped = Some(Instant::now());
            return false;
        }
        true
    }
}

/// An upload host that takes the PUT's head and never reads its body: the client's writes
/// block once the socket buffers are full. The sink is still asked (its last report repeated)
/// while a write waits, so its cancel ends the call within a slice of the wait, not at the
/// 60 s inactivity timeout.
#[test]
fn a_cancel_while_the_upload_host_never_reads_the_body_ends_the_call() {
    let c = case(Fault::PutNeverRead);
    let p = c.dir.app("f.app", 24 << 20);
    let mut sink = CancelAfter::new(Duration::from_secs(1));
    let e = c.client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut sink).unwrap_err();
    let took = sink.started.expect("the upload began").elapsed();
    c.server.set_fault(Fault::None);
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    assert!(sink.stopped.is_some());
    assert!(sink.last_done < 24 << 20, "the whole body went out: the host did not block the writes");
    assert_eq!(sink.reports_after_stop, 0, "the sink was asked again after it said stop");
    // From the upload's first report (the cancel comes a second later). A bound, not a speed
    // check: well under the 60 s inactivity timeout a blocked write would otherwise wait.
    assert!(took < Duration::from_secs(15), "the cancel waited for the blocked write: {took:?}");
    assert!(c.server.objects().is_empty());
}

/// The same host under a short inactivity timeout and a sink that never cancels: the blocked
/// write still ends at that timeout (the slices add up to it), as an error of its own.
#[test]
fn an_upload_host_that_never_reads_the_body_is_an_inactivity_timeout() {
    let mut c = case(Fault::PutNeverRead);
    c.client.set_timeouts(Duration::from_secs(5), Duration::from_millis(1500)).unwrap();
    c.client.set_retry(1, None).unwrap();
    let p = c.dir.app("f.app", 24 << 20);
    let t0 = Instant::now();
    let e = c.client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    let took = t0.elapsed();
    c.server.set_fault(Fault::None);
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    assert!(took < Duration::from_secs(30), "{took:?}");
}

/// A part PUT of a multipart upload to a host that never reads it: the same cancel.
#[test]
fn a_cancel_while_the_upload_host_never_reads_a_part_ends_the_call() {
    let c = case(Fault::PutNeverRead);
    let p = c.dir.app("f.app", 40 << 20);
    let mut req = agcupload::UploadRequest::new("10001", &p, PackageKind::HarmonyApp);
    req.transfer = agcupload::Transfer::Multipart;
    req.part_size = Some(16 << 20);
    let mut sink = CancelAfter::new(Duration::from_secs(1));
    let e = c.client.upload(&req, &mut sink).unwrap_err();
    let took = sink.started.expect("the upload began").elapsed();
    c.server.set_fault(Fault::None);
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    let log = c.server.requests();
    assert!(puts(&log).iter().any(|r| r.query.iter().any(|(k, _)| k == "uploadId")), "no part PUT was made: {log:?}");
    assert!(sink.last_done < 16 << 20, "part 1 went out whole: the host did not block the writes");
    assert_eq!(sink.reports_after_stop, 0, "the sink was asked again after it said stop");
    assert!(took < Duration::from_secs(15), "the cancel waited for the blocked write: {took:?}");
}
