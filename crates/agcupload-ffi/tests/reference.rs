//! docs/reference/limits-and-statuses.md shows what the code defines: every status of the C ABI
//! with its number (from the library itself, through `agc_status_str`), and the size limits of
//! the package kinds (from `agcupload::limits`). A status added or a limit changed fails here
//! until the page says it.

use std::ffi::CStr;

use agcupload::limits as l;
use agcupload_ffi::agc_status_str;

fn page() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reference/limits-and-statuses.md"))
        .expect("docs/reference/limits-and-statuses.md")
}

/// Every status the library names, with its number: the numbers with a name other than
/// `AGC_ERR_UNKNOWN`.
fn statuses() -> Vec<(String, i32)> {
    (0..=255)
        .filter_map(|n| {
            // SAFETY: agc_status_str returns a static NUL-terminated string for any number.
            let name = unsafe { CStr::from_ptr(agc_status_str(n)) }.to_str().unwrap().to_owned();
            (name != "AGC_ERR_UNKNOWN").then_some((name, n))
        })
        .collect()
}

#[test]
fn the_status_table_lists_every_status_with_its_number_and_nothing_else() {
    let page = page();
    let rows: Vec<&str> =
        page.lines().filter(|l| l.starts_with("| `AGC_OK` |") || l.starts_with("| `AGC_ERR_")).collect();
    let statuses = statuses();
    assert!(statuses.len() >= 20, "{statuses:?}");
    for (name, n) in &statuses {
        let row = format!("| `{name}` | {n} |");
        assert!(rows.iter().any(|r| r.starts_with(&row)), "the status table lacks the row '{row} ...'");
    }
    assert_eq!(rows.len(), statuses.len(), "the status table has rows for statuses that do not exist: {rows:#?}");
}

#[test]
fn the_limits_table_states_the_library_limits() {
    let page = page();
    let row = |kind: &str| page.lines().find(|l| l.starts_with(&format!("| {kind} |"))).unwrap_or_default().to_owned();
    let mib = |b: u64| format!("{} MiB", b >> 20);
    assert!(
        row("HarmonyOS app").ends_with(&format!("| {} GiB |", l::HARMONY_APP_MAX >> 30)),
        "{}",
        row("HarmonyOS app")
    );
    assert!(
        row("Atomic service").ends_with(&format!("| {} |", mib(l::ATOMIC_SERVICE_MAX))),
        "{}",
        row("Atomic service")
    );
    assert!(
        row("Profile picture").ends_with(&format!("| {} (plaintext) |", mib(l::PROFILE_PICTURE_MAX))),
        "{}",
        row("Profile picture")
    );
}
