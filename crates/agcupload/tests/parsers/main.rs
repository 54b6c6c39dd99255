//! Property tests of the parsers that read what servers and callers hand us: token answers,
//! upload-url answers and S3 XML errors (`parse_token`, `parse_upload_url`, `parse_s3_error`,
//! `parse_json`, `parse_ret`), `Retry-After` values and HTTP dates, the release road's answers
//! and release times, proxy URLs and `NO_PROXY` lists, a listing video's movie header.
//!
//! The inputs (`gen`) are seeds damaged by edits (structured ones: hostile URLs and hosts,
//! wrong types, deep nesting, huge strings and numbers, unicode, NULs; byte ones: flips,
//! truncation, splices, tokens), and plain random bytes and JSON. The promises (`checks`,
//! shared with the cargo-fuzz targets in fuzz/): nothing panics, every text is bounded and free
//! of control characters, an accepted upload target is safe to PUT to, an accepted id or time is
//! well-formed, dates agree with an independent day count, and no error, `Debug` text or name
//! ever shows a planted secret (the `Authorization` header, the `access_token`, a proxy's user
//! and password).
//!
//! Each property runs a modest number of cases (the debug test stays a few seconds);
//! `PROPTEST_CASES=10000` runs more. `make fuzz` runs the coverage-guided targets for longer.

mod checks;
mod gen;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use agcupload::internal::{parse_app_state, parse_http_date, parse_retry_after, parse_s3_error};
use agcupload::internal::{parse_test_package, parse_version_id, video_duration_ms};
use checks::*;
use gen::*;

/// Cases per property: modest by default; `PROPTEST_CASES` overrides it.
fn cases(default: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = default;
    }
    c
}

/// A seed and the edits that damage it, applied.
fn edited_answer() -> impl Strategy<Value = Vec<u8>> {
    (any::<prop::sample::Index>(), prop::collection::vec(edit(), 1..5)).prop_map(|(seed, edits)| {
        let pool = seeds();
        let start = pool[seed.index(pool.len())].clone();
        apply_edits(start, &edits, &pool)
    })
}

/// `n` values of `strategy`, the same on every run.
fn sample<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).expect("a value").current()).collect()
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn response_parsers_keep_their_promises_on_damaged_answers(
        body in edited_answer(),
        status in select(&STATUSES[..]),
    ) {
        check_response(&body, status);
    }

    #[test]
    fn response_parsers_keep_their_promises_on_any_bytes(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        status in select(&STATUSES[..]),
    ) {
        check_response(&body, status);
    }

    #[test]
    fn response_parsers_keep_their_promises_on_any_json(
        doc in random_value(),
        status in select(&STATUSES[..]),
    ) {
        check_response(doc.to_string().as_bytes(), status);
    }

    /// An upload answer whose URL is hostile and whose `Host` header matches it or not: an
    /// accepted target is safe to PUT to, whatever the URL.
    #[test]
    fn upload_targets_are_accepted_only_when_safe_to_put_to(
        url in hostile_url(),
        host in prop_oneof![
            Just(None),
            (select(URL_HOSTS), select(URL_PORTS)).prop_map(|(h, p)| Some(format!("{h}{p}"))),
        ],
    ) {
        let mut doc = upload_answer("https://obs.example.com/b/o", "obs.example.com");
        apply_value_edit(&mut doc, &ValueEdit::Url(url));
        apply_value_edit(&mut doc, &ValueEdit::Host("Host", host));
        check_response(doc.to_string().as_bytes(), 200);
    }

    /// An S3 error's Code and Message come back as they were before XML escaping.
    #[test]
    fn s3_error_text_round_trips_through_xml_escaping(
        code in "[A-Za-z0-9.]{0,64}",
        message in "[ -~]{0,300}",
    ) {
        let escape = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&apos;")
        };
        let (c, m) = (escape(&code), escape(&message));
        let body = format!("<?xml version=\"1.0\"?><Error><Code>{c}</Code><Message>{m}</Message></Error>");
        prop_assert_eq!(parse_s3_error(body.as_bytes()), (code, message));
    }

    #[test]
    fn retry_after_agrees_with_an_independent_day_count((value, expected) in retry_after_value()) {
        check_retry_after(&value, expected);
    }

    #[test]
    fn release_parsers_keep_their_promises(
        answer in release_answer(),
        edits in prop::collection::vec(edit(), 0..3),
    ) {
        let body = answer.to_string().into_bytes();
        let pool = vec![body.clone()];
        check_release(&apply_edits(body, &edits, &pool));
    }

    #[test]
    fn release_times_are_normalized_or_refused(time in release_time()) {
        check_release_time(&time);
    }

    #[test]
    fn proxy_settings_never_show_their_credentials(
        (setting, damaged) in proxy_setting(),
        no_proxy in no_proxy_value(),
    ) {
        check_proxy(&setting, &no_proxy, damaged);
    }
}

// ---------------------------------------------------------------------------------------------
// The generators reach every parser's accepting path (else a property checks little).

#[test]
fn damaged_answers_reach_every_response_parsers_accepting_path() {
    // Status 200: the only one a token is accepted with (the others are the properties' cases).
    let reached = |bodies: &[Vec<u8>]| {
        let mut seen = Accepted::default();
        for body in bodies {
            let a = check_response(body, 200);
            seen.token |= a.token;
            seen.target |= a.target;
            seen.s3_code |= a.s3_code;
        }
        seen
    };
    let all = Accepted { token: true, target: true, s3_code: true };
    assert_eq!(reached(&seeds()), all, "the seeds");
    assert_eq!(reached(&sample(edited_answer(), 300)), all, "the damaged answers");
}

#[test]
fn release_answers_reach_every_release_parsers_accepting_path() {
    let mut seen = ReleaseAccepted::default();
    for answer in sample(release_answer(), 250) {
        let a = check_release(answer.to_string().as_bytes());
        seen.state |= a.state;
        seen.version_id |= a.version_id;
        seen.package |= a.package;
    }
    assert_eq!(seen, ReleaseAccepted { state: true, version_id: true, package: true });
    assert!(sample(release_time(), 200).iter().any(|t| check_release_time(t)), "no release time was accepted");
}

#[test]
fn generated_dates_are_checked_against_the_day_count_and_proxies_accepted() {
    let dates = sample(retry_after_value(), 200);
    assert!(dates.iter().any(|(_, expected)| expected.is_some()), "no well-formed date was generated");
    let proxies = sample((proxy_setting(), no_proxy_value()), 200);
    assert!(proxies.iter().any(|((s, damaged), np)| check_proxy(s, np, *damaged)), "no proxy setting was accepted");
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs that broke a promise once.

#[test]
fn a_retry_after_date_whose_year_overflows_is_no_wait() {
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW_SECS);
    for v in ["Sun, 06 Nov 9223372036854775807 08:49:37 GMT", "Sun, 06 Nov -9223372036854775808 08:49:37 GMT"] {
        assert_eq!(parse_retry_after(v, now), None, "{v}");
    }
}

#[test]
fn the_rfc_example_date_is_read() {
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777))
    );
}

#[test]
fn ids_with_hidden_characters_are_refused_and_plain_ones_accepted() {
    // A right-to-left override or a line separator passed the `char::is_control` check once.
    for (body, ok) in [
        (r#"{"ret":{"code":0},"versionId":"v1\u202egpj.exe"}"#, false),
        (r#"{"ret":{"code":0},"versionId":"v1\u2028x"}"#, false),
        (r#"{"ret":{"code":0},"versionId":" v-1 "}"#, true),
        (r#"{"ret":{"code":0},"versionId":12}"#, true),
    ] {
        assert_eq!(parse_version_id(body.as_bytes()).is_ok(), ok, "{body}");
    }
    assert!(parse_test_package(br#"{"ret":{"code":0},"pkgVersion":["p\ufeff1"]}"#).is_err());
    assert!(parse_test_package(br#"{"ret":{"code":0},"pkgVersion":["p1"]}"#).is_ok());
}

#[test]
fn an_audit_opinion_of_only_hidden_characters_is_no_opinion() {
    // It came out as " " once.
    let s = parse_app_state(
        br#"{"ret":{"code":0},"appInfo":{"releaseState":1},"auditInfo":{"auditOpinion":"\u0000\u200b"}}"#,
    );
    assert_eq!(s.expect("an app-info answer").audit_opinion, None);
}

#[test]
fn a_plain_proxy_url_keeps_its_port_and_hides_its_credentials() {
    let url = proxy_url("http://", 0, 5, "proxy.example", ":3128", "");
    let (debug, shown, _) = agcupload::internal::fuzz_proxy_setting(&url, "").expect("a plain proxy URL");
    assert_eq!(shown.as_deref(), Some("http://proxy.example:3128"));
    assert!(!debug.contains(PROXY_USER) && !debug.contains(PROXY_PASS), "{debug}");
    assert!(check_proxy(&url, "", false));
}

/// An ISO box of `kind` holding `body`.
fn iso_box(kind: &[u8], body: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(body.len() + 8).unwrap_or(u32::MAX).to_be_bytes().to_vec();
    v.extend(kind);
    v.extend(body);
    v
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn a_video_duration_is_the_one_its_header_states_and_damage_never_panics(
        scale in 1u32..=1_000_000,
        duration in 1u32..u32::MAX,
        mdat in 0usize..512,
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
    ) {
        let mut mvhd = vec![0u8; 12];
        mvhd.extend(scale.to_be_bytes());
        mvhd.extend(duration.to_be_bytes());
        mvhd.extend([0u8; 80]);
        let mut file = iso_box(b"ftyp", b"isom\0\0\0\0isommp41");
        file.extend(iso_box(b"mdat", &vec![0x5a; mdat]));
        file.extend(iso_box(b"moov", &iso_box(b"mvhd", &mvhd)));
        let want = u64::from(duration) * 1000 / u64::from(scale);
        let len = file.len() as u64;
        prop_assert_eq!(video_duration_ms(&mut std::io::Cursor::new(&file), len), Some(want));
        // Cut and flipped: any answer but a panic or a walk past the end.
        let mut damaged = file[..cut.index(file.len() + 1)].to_vec();
        for (at, byte) in flips {
            if !damaged.is_empty() {
                let i = at.index(damaged.len());
                damaged[i] = byte;
            }
        }
        let len = damaged.len() as u64;
        let _ = video_duration_ms(&mut std::io::Cursor::new(&damaged), len);
    }
}
