//! The release road: app-info, test version and test package answers, empty envelopes
//! (`parse_app_state`, `parse_version_id`, `parse_test_package`, `parse_empty`,
//! `is_still_processing`) and release times (`normalize_release_time`), all fed the same bytes
//! (the seeds hold answers and times).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/agcupload/tests/parsers/checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check_release(data);
    checks::check_release_time(&String::from_utf8_lossy(data));
});
