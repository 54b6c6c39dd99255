//! The preflight's result as the tool shows it: a `preflight` JSON object and the warnings.
//! Presentation only: the checks are the library's (`Client::preflight`).

use agcupload::PreflightReport;
use serde_json::{json, Value};

use crate::output::Report;

/// The `preflight` object of `--json`.
pub fn to_json(p: &PreflightReport) -> Value {
    json!({
        "bundle_name": p.package.bundle_name,
        "bundle_type": p.package.bundle_type,
        "version_code": p.package.version_code,
        "version_name": p.package.version_name,
        "app_ids": p.app_ids,
        "release_state": p.release_state,
        "live_version_code": p.live_version_code,
        "review_version_code": p.review_version_code,
    })
}

/// Record a preflight that passed: its JSON object, and its notes.
pub fn record(report: &mut Report, p: &PreflightReport) {
    report.extra.push(("preflight", to_json(p)));
    report.add_notes(&p.notes);
}

/// The hint after a preflight refusal.
pub const REFUSED_HINT: &str = "nothing was sent; fix the package or the app in AppGallery Connect, or skip the \
                                check with --no-preflight";
