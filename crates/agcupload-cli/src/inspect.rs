//! `agcupload inspect FILE`: what a package's pack.info says it is, offline. Presentation only:
//! the reading and every check are the library's (`agcupload::inspect`).

use std::path::Path;

use agcupload::PackageInfo;
use serde_json::json;

use crate::output::{Failure, Report};
use crate::progress::{human_bytes, Reporter};

/// Inspect `file` (and hash it with `sha256`, reporting to `rep`).
pub fn run(file: &Path, sha256: bool, rep: &mut Reporter) -> Report {
    let mut report = Report::new("inspect");
    let result = if sha256 {
        let r = agcupload::inspect_package_sha256(file, rep);
        report.record(rep);
        r.map(|(info, hex)| (info, Some(hex)))
    } else {
        agcupload::inspect_package(file).map(|info| (info, None))
    };
    let (info, hex) = match result {
        Ok(r) => r,
        Err(e) => return report.fail(Failure::from_error(&e)),
    };
    report.size = Some(info.size);
    report.sha256 = hex;
    report.extra.push(("bundle_name", json!(info.bundle_name)));
    report.extra.push(("bundle_type", json!(info.bundle_type)));
    report.extra.push(("version_code", json!(info.version_code)));
    report.extra.push(("version_name", json!(info.version_name)));
    report.extra.push(("min_compatible_version_code", json!(info.min_compatible_version_code)));
    let modules: Vec<_> = info
        .modules
        .iter()
        .map(|m| json!({"name": m.name, "type": m.module_type, "device_types": m.device_types}))
        .collect();
    report.extra.push(("modules", json!(modules)));
    report.text = Some(lines(&info, report.sha256.as_deref()));
    report.summary = Some(format!(
        "{} {} (version code {}) is {}",
        info.bundle_name,
        info.version_name,
        info.version_code,
        info.kind.map_or("neither an app nor an atomic service", |k| k.describe())
    ));
    report
}

/// The readable form on stdout: one `name: value` line per field, one line per module.
fn lines(info: &PackageInfo, sha256: Option<&str>) -> String {
    let mut out = vec![
        format!("bundle name:   {}", info.bundle_name),
        format!("bundle type:   {}", info.bundle_type),
        format!("version:       {} (code {})", info.version_name, info.version_code),
    ];
    if let Some(min) = info.min_compatible_version_code {
        out.push(format!("min compatible version code: {min}"));
    }
    out.push(format!("size:          {} ({} bytes)", human_bytes(info.size), info.size));
    if let Some(h) = sha256 {
        out.push(format!("sha256:        {h}"));
    }
    for m in &info.modules {
        let devices = if m.device_types.is_empty() { "no device types".to_owned() } else { m.device_types.join(", ") };
        out.push(format!("module:        {} ({}): {devices}", m.name, m.module_type));
    }
    out.join("\n")
}
