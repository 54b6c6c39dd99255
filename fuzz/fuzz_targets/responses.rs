//! Token answers, upload-url answers, S3 XML errors and JSON envelopes: `parse_token`,
//! `parse_upload_url`, `parse_s3_error`, `parse_json`, `parse_ret`. The first byte picks the
//! token's HTTP status, the rest is the answer's body.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The promises the property tests check, checked here too.
#[allow(dead_code)]
#[path = "../../crates/agcupload/tests/parsers/checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    checks::check_response(body, checks::STATUSES[usize::from(pick) % checks::STATUSES.len()]);
});
