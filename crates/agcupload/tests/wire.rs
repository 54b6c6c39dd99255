//! On the wire: early refusals of a 100-continue PUT, the
//! non-idempotent bind, the one URL check for the API base, token waiters and their deadline.

mod common;

use std::time::{Duration, Instant};

use agc_mock::{Endpoint, Fault, RequestRecord};
use agcupload::{Client, Error, NoProgress, PackageKind, RetryPolicy};
use common::*;

fn puts(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.kind == Endpoint::Upload).collect()
}

fn three_attempts(c: &mut Client) {
    c.set_retry_policy(RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        deadline: Some(Duration::from_secs(120)),
    })
    .unwrap();
}

/// 2 MiB, sent with `Expect: 100-continue` (opted in).
const BIG: usize = 2 * 1024 * 1024;

/// The upload host answers `status` before the body, `refusals` times, and keeps each
/// connection open. Returns the outcome, the time it took and the request log.
fn early_answers(status: u16, refusals: u32) -> (Result<agcupload::UploadResult, Error>, Duration, Vec<RequestRecord>) {
    early_answers_with(Fault::PutEarlyAnswer(status, refusals))
}

fn early_answers_with(fault: Fault) -> (Result<agcupload::UploadResult, Error>, Duration, Vec<RequestRecord>) {
    let server = mock();
    let mut client = client_for(&server);
    three_attempts(&mut client);
    let dir = TempDir::new("wire-early");
    let p = dir.app("big.app", BIG);
    server.set_fault(fault);
    let t0 = Instant::now();
    // 100-continue is opt-in: these tests are about hosts that use it.
    let mut req = agcupload::UploadRequest::new("10001", &p, PackageKind::HarmonyApp);
    req.expect_continue = true;
    let r = client.upload(&req, &mut NoProgress);
    let took = t0.elapsed();
    (r, took, server.requests())
}

/// Bug: each early refusal cost ~5 s (10 s for two). Generous bound: the whole 3-attempt
/// operation must end in well under that.
const BOUND: Duration = Duration::from_secs(4);

#[test]
fn early_503_twice_then_success_moves_on_at_once() {
    let (r, took, log) = early_answers(503, 2);
    let r = r.unwrap_or_else(|e| panic!("expected success on the third attempt: {e}"));
    assert_eq!(r.size, BIG as u64);
    let puts = puts(&log);
    assert_eq!(puts.len(), 3, "three PUTs");
    for p in &puts[..2] {
        assert_eq!(p.status, 503);
        assert_eq!(p.body_received, 0, "no body byte after an early refusal");
    }
    assert_eq!(puts[2].status, 200);
    assert_eq!(puts[2].body_received, BIG as u64);
    assert!(took < BOUND, "took {took:?}");
}

#[test]
fn early_unframed_503_twice_then_success_moves_on_at_once() {
    // The answer's body ends only when the connection closes, and the host never closes it:
    // v0.1 waited for that close (the inactivity timeout, 60 s by default).
    let (r, took, log) = early_answers_with(Fault::PutEarlyAnswerUnframed(503, 2));
    let r = r.unwrap_or_else(|e| panic!("expected success on the third attempt: {e}"));
    assert_eq!(r.size, BIG as u64);
    let puts = puts(&log);
    assert_eq!(puts.len(), 3, "three PUTs");
    assert!(puts[..2].iter().all(|p| p.status == 503 && p.body_received == 0), "{puts:?}");
    assert_eq!((puts[2].status, puts[2].body_received), (200, BIG as u64));
    assert!(took < BOUND, "took {took:?}");
}

#[test]
fn early_unframed_403_is_final_and_fast() {
    let (r, took, log) = early_answers_with(Fault::PutEarlyAnswerUnframed(403, 3));
    assert!(matches!(r, Err(Error::UploadRejected { status: 403, .. })), "{r:?}");
    assert_eq!(puts(&log).len(), 1);
    assert_eq!(puts(&log)[0].body_received, 0);
    assert!(took < BOUND, "took {took:?}");
}

#[test]
fn early_500_three_times_fails_fast_with_the_status() {
    let (r, took, log) = early_answers(500, 3);
    match r {
        Err(Error::UploadRejected { status: 500, .. }) => {}
        other => panic!("expected UploadRejected 500, got {other:?}"),
    }
    let puts = puts(&log);
    assert_eq!(puts.len(), 3);
    assert!(puts.iter().all(|p| p.status == 500 && p.body_received == 0));
    assert!(took < BOUND, "took {took:?}");
}

#[test]
fn early_403_is_final_and_fast() {
    let (r, took, log) = early_answers(403, 3);
    match r {
        Err(Error::UploadRejected { status: 403, ref code, .. }) if code == "AccessDenied" => {}
        other => panic!("expected UploadRejected 403, got {other:?}"),
    }
    let puts = puts(&log);
    assert_eq!(puts.len(), 1, "a 403 is not retried");
    assert_eq!(puts[0].body_received, 0);
    assert!(took < BOUND, "took {took:?}");
}

#[test]
fn early_307_is_refused_and_fast() {
    let (r, took, log) = early_answers(307, 3);
    assert!(matches!(r, Err(Error::Protocol(ref m)) if m.contains("redirect")), "{r:?}");
    let puts = puts(&log);
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].body_received, 0);
    assert!(took < BOUND, "took {took:?}");
}

// ---------------------------------------------------------------------------------------------
// One URL check for the API base and the upload URLs.

#[test]
fn api_base_is_checked_like_upload_urls() {
    let server = mock();
    let mut client = client_for(&server);
    let port = server.port();
    for bad in [
        "https://127.0.0.1:99999".to_string(),
        format!("https://127.0.0.1:{port}/#frag"),
        format!("https://127.0.0.1:{port}/?x=1"),
        format!("https://user:hunter2@127.0.0.1:{port}"),
    ] {
        match client.set_api_base(&bad) {
            Err(e @ Error::InvalidArgument(_)) => {
                assert!(!e.to_string().contains("hunter2"), "{e}");
                // The same function checks upload URLs (which alone may carry a query).
                assert!(agcupload::internal::check_https_url(&bad, false).is_err(), "{bad}");
                if !bad.contains('?') {
                    assert!(agcupload::internal::check_upload_url(&bad).is_err(), "{bad}");
                }
            }
            other => panic!("{bad}: expected InvalidArgument, got {other:?}"),
        }
    }
    // The refused bases did not replace the good one: uploads still go to the mock.
    assert_eq!(client.api_base(), server.base_url());
    let dir = TempDir::new("wire-base");
    let p = dir.app("a.app", 1000);
    client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).expect("upload");
    // And an upload URL with user info is refused on the upload path.
    server.set_fault(Fault::UrlWithCredentials);
    let e = client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).unwrap_err();
    assert!(matches!(e, Error::Protocol(ref m) if m.contains("user name or password")), "{e}");
}

// ---------------------------------------------------------------------------------------------
// A bind is retried only when it cannot have been processed.

fn binds(log: &[RequestRecord]) -> usize {
    log.iter().filter(|r| r.kind == Endpoint::Bind).count()
}

fn uploaded(tag: &str) -> (agc_mock::MockServer, Client, agcupload::UploadResult, TempDir) {
    let server = mock();
    let client = client_for(&server);
    let dir = TempDir::new(tag);
    let p = dir.app("b.app", 1000);
    let r = client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).expect("upload");
    server.clear_requests();
    (server, client, r, dir)
}

#[test]
fn a_bind_whose_answer_is_lost_is_not_repeated_and_names_the_object() {
    let (server, client, r, _dir) = uploaded("wire-bind-reset");
    server.set_fault(Fault::BindResetAfterProcessingOnce);
    let e = client.bind_package("10001", &r, &mut NoProgress).unwrap_err();
    assert_eq!(binds(&server.requests()), 1, "the bind was attempted exactly once");
    assert_eq!(server.packages_bound(), 1, "AGC processed it once");
    assert!(matches!(e, Error::Network { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains(&r.object_id), "the message names the object id: {msg}");
    assert!(msg.contains("agc_bind_object"), "{msg}");
    // The caller binds it later with the object id (here: a second, deliberate bind).
    client.bind_object("10001", &r.file_name, &r.object_id, &mut NoProgress).expect("explicit bind");
}

#[test]
fn a_bind_answered_500_is_not_repeated() {
    let (server, client, r, _dir) = uploaded("wire-bind-500");
    server.set_fault(Fault::Status500Once);
    let e = client.bind_package("10001", &r, &mut NoProgress).unwrap_err();
    assert_eq!(binds(&server.requests()), 1);
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains(&r.object_id), "{e}");
}

#[test]
fn a_bind_answered_503_is_retried_and_succeeds() {
    let (server, client, r, _dir) = uploaded("wire-bind-503");
    server.set_fault(Fault::Bind503Once);
    let id = client.bind_package("10001", &r, &mut NoProgress).expect("retried bind");
    assert!(id.starts_with("pkg-"), "{id}");
    let log = server.requests();
    assert_eq!(binds(&log), 2, "503 answered: retried once");
    assert_eq!(log.iter().filter(|r| r.kind == Endpoint::Bind).map(|r| r.status).collect::<Vec<_>>(), [503, 200]);
    assert_eq!(server.packages_bound(), 1, "bound exactly once");
}

#[test]
fn a_bind_that_cannot_connect_is_retried() {
    // Nothing listens on the port: the connect is refused, the request never left. A service
    // account needs no token call, so the bind request itself meets the refused connect.
    let key = agc_mock::fixture_private_key_path();
    let mut client = Client::new(agcupload::Credentials::service_account(key.to_str().unwrap()).unwrap()).unwrap();
    three_attempts(&mut client);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    client.set_api_base(&format!("https://127.0.0.1:{port}")).unwrap();
    let mut rec = Recorder::default();
    let e = client.bind_object("10001", "b.app", "obj-1", &mut rec).unwrap_err();
    assert!(matches!(e, Error::Network { .. }), "{e:?}");
    assert!(!e.to_string().contains("agc_bind_object"), "a bind that never left is not in doubt: {e}");
    let retries = rec.events.iter().filter(|(p, ..)| *p == agcupload::Phase::Retrying).count();
    assert!(retries >= 1, "connect failures are retried");
}

// ---------------------------------------------------------------------------------------------
// Threads waiting for another thread's token fetch honour their own deadline and
// cancellation.

/// Cancels at the `n`th RequestingUrl report (the first comes before the token is asked for;
/// later ones come only from waiting for another thread's fetch).
struct CancelAfter {
    n: usize,
    seen: usize,
}

impl agcupload::Progress for CancelAfter {
    fn report(&mut self, phase: agcupload::Phase, _: u64, _: u64) -> bool {
        if phase == agcupload::Phase::RequestingUrl {
            self.seen += 1;
        }
        self.seen < self.n
    }
}

/// Starts thread A uploading while the token endpoint stalls; returns once A's token request
/// reached the mock. A ends when the fault is cleared.
fn stalled_fetch(
    server: &agc_mock::MockServer,
    client: &std::sync::Arc<Client>,
    dir: &TempDir,
) -> (std::thread::JoinHandle<Result<agcupload::UploadResult, Error>>, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    server.set_fault(Fault::TokenStall);
    let p = dir.app("a.app", 1000);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (c, d) = (client.clone(), done.clone());
    let a = std::thread::spawn(move || {
        let r = c.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress);
        d.store(true, std::sync::atomic::Ordering::SeqCst);
        r
    });
    while !server.requests().iter().any(|r| r.kind == Endpoint::Token) {
        std::thread::sleep(Duration::from_millis(10));
    }
    (a, done)
}

/// Runs `b` on a thread; if it is still blocked after a generous bound (the bug: it waits for
/// A's fetch, which never ends while the fault is set), unblocks everything and fails.
fn finish_b<T: Send + 'static>(server: &agc_mock::MockServer, b: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(b());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(v) => v,
        Err(_) => {
            server.set_fault(Fault::None);
            panic!("thread B stayed blocked behind thread A's token fetch");
        }
    }
}

#[test]
fn a_token_waiter_can_cancel_while_another_thread_fetches() {
    let server = mock();
    let client = std::sync::Arc::new(client_for(&server));
    let dir = TempDir::new("wire-token-cancel");
    let (a, a_done) = stalled_fetch(&server, &client, &dir);
    let pb = dir.app("b.app", 1000);
    let c = client.clone();
    let rb = finish_b(&server, move || {
        c.upload_file("10001", &pb, PackageKind::HarmonyApp, &mut CancelAfter { n: 3, seen: 0 })
    });
    assert!(matches!(rb, Err(Error::Cancelled)), "{rb:?}");
    assert!(!a_done.load(std::sync::atomic::Ordering::SeqCst), "B returned while A was still fetching");
    server.set_fault(Fault::None);
    a.join().unwrap().expect("A completes once the token endpoint answers");
    assert_eq!(server.tokens_issued(), 1, "one fetch for both threads");
}

#[test]
fn a_token_waiter_honours_its_own_deadline() {
    let server = mock();
    let client = std::sync::Arc::new(client_for(&server));
    let dir = TempDir::new("wire-token-deadline");
    let (a, a_done) = stalled_fetch(&server, &client, &dir);
    // B: a compile-status wait with a short timeout of its own (A's deadline is 120 s).
    let c = client.clone();
    let rb =
        finish_b(&server, move || c.wait_package_ready("10001", "pkg-x", Duration::from_millis(300), &mut NoProgress));
    assert!(matches!(rb, Err(Error::Timeout(_))), "{rb:?}");
    assert!(!a_done.load(std::sync::atomic::Ordering::SeqCst), "B returned while A was still fetching");
    server.set_fault(Fault::None);
    a.join().unwrap().expect("A completes once the token endpoint answers");
    assert_eq!(server.tokens_issued(), 1);
}
