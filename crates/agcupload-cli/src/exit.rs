//! Exit codes: one per category of failure, stable, documented in `--help` and docs/guide/cli.md.

use agcupload::Status;

/// Success.
pub const OK: i32 = 0;
/// A bug in the tool or the library (including a caught panic). Please report it.
pub const INTERNAL: i32 = 1;
/// Usage: a bad option or value, missing credentials, an invalid argument.
pub const USAGE: i32 = 2;
/// The file or the seal key: missing, unreadable, wrong type, too large, changed, corrupt.
pub const FILE: i32 = 3;
/// Authentication: wrong credentials, unusable key file, token refused.
pub const AUTH: i32 = 4;
/// Network, TLS or timeout (after retries), including a package not parsed in time.
pub const NETWORK: i32 = 5;
/// AGC or the upload host refused the request, or answered something unusable; or the
/// preflight refused the upload AGC would refuse (nothing was sent).
pub const REJECTED: i32 = 6;
/// AGC parsed the package and reported a failure.
pub const PACKAGE_FAILED: i32 = 7;
/// Cancelled by SIGTERM or SIGHUP (CI job cancelled): nothing more was sent.
pub const CANCELLED: i32 = 8;
/// Cancelled by Ctrl-C (SIGINT), the shell's 128 + 2.
pub const INTERRUPTED: i32 = 130;

/// The exit-code table of `--help` (and of docs/guide/cli.md).
pub const HELP: &str = "\
Exit codes:
    0  success
    1  internal error (a bug: please report it)
    2  usage: bad option or value, missing credentials, invalid argument
    3  file or seal key: missing, unreadable, wrong type, too large, changed, corrupt
    4  authentication failed
    5  network, TLS or timeout (after retries; also a package not parsed in time)
    6  rejected by AGC or the upload host (or an unusable answer), or refused by
       the preflight before anything was sent (see --no-preflight)
    7  AGC could not parse the package
    8  cancelled by SIGTERM/SIGHUP (nothing more was sent)
  130  cancelled by Ctrl-C (SIGINT); a second Ctrl-C exits at once";

/// The exit code of a library status (cancellation is decided by the signal, see main).
pub fn for_status(status: Status) -> i32 {
    match status {
        Status::Ok => OK,
        Status::InvalidArgument => USAGE,
        Status::File
        | Status::FileType
        | Status::FileTooLarge
        | Status::FileChanged
        | Status::SealKey
        | Status::SealCorrupt => FILE,
        Status::Auth => AUTH,
        Status::Network | Status::Timeout | Status::Tls => NETWORK,
        // A preflight refusal is what AGC would refuse: nothing was sent.
        Status::Api | Status::Protocol | Status::UploadRejected | Status::Http | Status::Preflight => REJECTED,
        Status::PackageFailed => PACKAGE_FAILED,
        Status::Cancelled => CANCELLED,
        // The tool never calls back into a client from its callbacks: a bug if it happens.
        Status::Reentrant | Status::Internal => INTERNAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_documented_code() {
        for s in Status::ALL {
            let code = for_status(s);
            assert!(HELP.contains(&format!("{code:>5}  ")), "{s:?} -> {code} is not in the help");
        }
        assert!(HELP.contains(&format!("{INTERRUPTED:>5}  ")));
    }

    /// The table of `--help` as a Markdown table, its continuation lines joined.
    fn markdown_table() -> String {
        let mut rows: Vec<(String, String)> = Vec::new();
        for line in HELP.lines().skip(1) {
            let (code, text) = line.trim_start().split_once("  ").unwrap_or(("", line.trim()));
            match (code.parse::<i32>(), rows.last_mut()) {
                (Ok(_), _) => rows.push((code.to_owned(), text.trim().to_owned())),
                (Err(_), Some(last)) => last.1 = format!("{} {}", last.1, line.trim()),
                (Err(_), None) => panic!("a continuation line before any code: {line}"),
            }
        }
        let mut out = String::from("| exit | meaning |\n|---:|---|\n");
        for (code, text) in rows {
            out.push_str(&format!("| {code} | {text} |\n"));
        }
        out
    }

    /// docs/guide/cli.md shows the same table as `--help`, generated from it.
    #[test]
    fn the_guide_shows_the_exit_codes_of_the_help() {
        let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/guide/cli.md")).unwrap();
        let table = markdown_table();
        assert!(guide.contains(&table), "docs/guide/cli.md must hold the exit codes as --help says them:\n{table}");
    }
}
