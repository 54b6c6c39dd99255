//! On the wire (issue 9, items 7, 13, 14, 15): early refusals of a 100-continue PUT, the
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

/// 2 MiB: over the 1 MiB threshold, so the PUT asks for 100-continue.
const BIG: usize = 2 * 1024 * 1024;

/// The upload host answers `status` before the body, `refusals` times, and keeps each
/// connection open. Returns the outcome, the time it took and the request log.
fn early_answers(status: u16, refusals: u32) -> (Result<agcupload::UploadResult, Error>, Duration, Vec<RequestRecord>) {
    let server = mock();
    let mut client = client_for(&server);
    three_attempts(&mut client);
    let dir = TempDir::new("wire-early");
    let p = dir.app("big.app", BIG);
    server.set_fault(Fault::PutEarlyAnswer(status, refusals));
    let t0 = Instant::now();
    let r = client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress);
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
// Item 7: one URL check for the API base and the upload URLs.

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
                assert!(agcupload::api::check_https_url(&bad, false).is_err(), "{bad}");
                if !bad.contains('?') {
                    assert!(agcupload::api::check_upload_url(&bad).is_err(), "{bad}");
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
