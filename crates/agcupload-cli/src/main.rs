//! `agcupload`: the command-line tool for CI pipelines and people. Presentation only: every
//! decision (rules, retries, protocol) is the library's; this crate parses arguments, shows
//! progress, prints results and maps failures to exit codes.
// Doc comments of the arguments are clap's help text, shown as written: `<lang>` there is a
// placeholder for the user, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod advice;
mod args;
mod exit;
mod inspect;
mod listing;
mod output;
mod preflight;
mod printer;
mod progress;
mod road;
mod setup;
mod signals;

use std::path::Path;

use clap::Parser;
use serde_json::json;

use args::{BindArgs, Cli, Command, ConnArgs, FileArgs, PreflightArgs, SealKeyArgs, SendArgs, WaitArgs};
use output::{Failure, Report};
use progress::{human_bytes, Display};
use setup::{client, picture_key, resume_hint, seal_key, timeout, Ctx};
use signals::Signals;

fn main() {
    std::process::exit(run());
}

fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            if code != 0 && std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
                let first = e.to_string().lines().next().unwrap_or("usage error").to_owned();
                printer::annotate_error("agcupload usage", &first);
            }
            printer::print_clap(&e);
            // --json promises one JSON object on stdout, for a usage error too.
            if code != 0 && std::env::args_os().any(|a| a == "--json") {
                let first = e.to_string().lines().next().unwrap_or("usage error").to_owned();
                let msg = first.strip_prefix("error: ").unwrap_or(&first).to_owned();
                let report = Report::new("usage").fail(Failure::usage(msg));
                printer::print_json(&report.to_json());
            }
            return code;
        }
    };
    if let Command::GenerateMan = cli.command {
        return man_page();
    }
    let (signals, sig_err) = Signals::install();
    if let Some(e) = sig_err {
        let warning =
            format!("agcupload: warning: cannot install the signal handlers ({e}); Ctrl-C will not cancel cleanly");
        printer::print(printer::Stream::Stderr, &warning);
    }
    let ctx = Ctx { display: Display::choose(cli.output.progress, cli.output.quiet), signals, net: cli.net };
    let report = match cli.command {
        Command::Upload { conn, mut file, publish, wait, send } => {
            let name = if publish { "publish" } else { "upload" };
            match ctx.resolve_file_args(name, &conn, &mut file) {
                Ok(()) => ctx.upload(&conn, &file, publish, &wait, &send),
                Err(r) => *r,
            }
        }
        Command::Publish { conn, mut file, wait, send, road } => {
            match ctx.resolve_file_args("publish", &conn, &mut file) {
                Err(r) => *r,
                Ok(()) if road.submit || road.test.is_some() => ctx.road(&conn, &file, &wait, &send, &road),
                Ok(()) => ctx.upload(&conn, &file, true, &wait, &send),
            }
        }
        Command::Bind { conn, app_id, object_id, file_name, wait, wait_args, bind } => {
            ctx.bind(&conn, &app_id, &object_id, &file_name, wait, &wait_args, &bind)
        }
        Command::Wait { conn, app_id, package_id, wait } => ctx.wait(&conn, &app_id, &package_id, &wait),
        Command::Check { conn, mut file, preflight } => match ctx.resolve_file_args("check", &conn, &mut file) {
            Ok(()) => ctx.check(&conn, &file, &preflight),
            Err(r) => *r,
        },
        Command::Seal { key, input, output } => ctx.seal(&key, &input, &output, true),
        Command::Open { key, input, output } => ctx.seal(&key, &input, &output, false),
        Command::State { conn, app } => match ctx.resolve_app("state", &conn, &app) {
            Ok(app_id) => ctx.state(&conn, &app_id),
            Err(r) => *r,
        },
        Command::Notes { conn, app, notes_dir } => match ctx.resolve_app("notes", &conn, &app) {
            Ok(app_id) => ctx.notes(&conn, &app_id, &notes_dir),
            Err(r) => *r,
        },
        Command::Submit { conn, app, submit, wait } => match ctx.resolve_app("submit", &conn, &app) {
            Ok(app_id) => ctx.submit(&conn, &app_id, &submit, &wait),
            Err(r) => *r,
        },
        Command::Inspect { file, sha256 } => inspect::run(&file, sha256, &mut ctx.reporter()),
        Command::Listing(command) => ctx.listing(&command),
        Command::Withdraw { conn, app } => ctx.withdraw(&conn, &app),
        Command::Phased { conn, app, phased, description, version_id } => {
            ctx.phased(&conn, &app, &phased, description.as_deref(), version_id.as_deref())
        }
        Command::Appid { conn, bundle } => ctx.appid(&conn, &bundle),
        Command::Version => version(),
        Command::GenerateMan => unreachable!("answered before the signal handlers"),
    };
    report.emit(cli.output.json, cli.output.quiet)
}

impl Ctx {
    fn upload(&self, conn: &ConnArgs, file: &FileArgs, publish: bool, wait: &WaitArgs, send: &SendArgs) -> Report {
        let mut report = Report::new(if publish { "publish" } else { "upload" });
        report.app_id = Some(file.app_id.clone());
        let client = match client(conn, &self.net, picture_key(file), Some(wait)) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut request = file.request();
        send.apply(&mut request);
        let mut rep = self.reporter();
        // A package that will be bound is checked against AGC first.
        if publish && request.preflight {
            match client.preflight(&request, &mut rep) {
                Ok(Some(p)) => preflight::record(&mut report, &p),
                Ok(None) => {}
                Err(e) => {
                    report.record(&mut rep);
                    // Only a refusal is the preflight's doing: a token or TLS failure gets its own advice.
                    if e.status() == agcupload::Status::Preflight {
                        report.hint = Some(preflight::REFUSED_HINT.into());
                    }
                    return report.fail(self.failure(&e));
                }
            }
        }
        let upload = match client.upload(&request, &mut rep) {
            Ok(u) => u,
            Err(e) => {
                report.record(&mut rep);
                if e.status() == agcupload::Status::Cancelled {
                    report.hint = Some("nothing was stored".into());
                }
                if let Some(more) = resume_hint(&send.transfer) {
                    report.hint = Some(match report.hint.take() {
                        Some(h) => format!("{h}; {more}"),
                        None => more,
                    });
                }
                return report.fail(self.failure(&e));
            }
        };
        report.transferred(&upload);
        report.add_notes(&upload.notes);
        report.object_id = Some(upload.object_id.clone());
        report.sha256 = Some(upload.sha256_hex.clone());
        report.size = Some(upload.size);
        report.file_name = Some(upload.file_name.clone());
        report.summary = Some(format!(
            "uploaded {} (sha256 {}) as object {}",
            human_bytes(upload.size),
            upload.sha256_hex,
            upload.object_id
        ));
        if !publish {
            report.record(&mut rep);
            return report;
        }
        let package_id = match client.bind_object_outcome(
            &file.app_id,
            &upload.file_name,
            &upload.object_id,
            &request.bind,
            &mut rep,
        ) {
            Ok(p) => p,
            Err((e, uncertain)) => {
                report.record(&mut rep);
                let bind =
                    format!("agcupload bind --file-name {} {} {}", upload.file_name, file.app_id, upload.object_id);
                report.hint = Some(if uncertain {
                    format!(
                        "AGC may have bound object {} although the bind failed, so binding again could attach the \
                         package twice: first look in AppGallery Connect (the app's version, its software packages) \
                         whether it is there; only if it is not, bind it with: {bind}",
                        upload.object_id
                    )
                } else {
                    format!("the package is stored in AGC as object {}; bind it later with: {bind}", upload.object_id)
                });
                return report.fail(self.failure(&e));
            }
        };
        report.package_id = Some(package_id.clone());
        let r = client.wait_package_ready(&file.app_id, &package_id, timeout(wait), &mut rep);
        report.record(&mut rep);
        if let Err(e) = r {
            report.hint = Some(format!(
                "object {} is bound as package {package_id}; wait again with: agcupload wait {} {package_id}",
                upload.object_id, file.app_id
            ));
            return report.fail(self.failure(&e));
        }
        report.summary = Some(format!(
            "uploaded {} (sha256 {}) as object {}; ready in AGC as package {package_id}",
            human_bytes(upload.size),
            upload.sha256_hex,
            upload.object_id
        ));
        report
    }

    #[allow(clippy::too_many_arguments)]
    fn bind(
        &self,
        conn: &ConnArgs,
        app_id: &str,
        object_id: &str,
        file_name: &str,
        then_wait: bool,
        wait: &WaitArgs,
        bind: &BindArgs,
    ) -> Report {
        let mut report = Report::new("bind");
        report.app_id = Some(app_id.to_owned());
        report.object_id = Some(object_id.to_owned());
        report.file_name = Some(file_name.to_owned());
        let client = match client(conn, &self.net, None, Some(wait)) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let package_id = match client.bind_object_with(app_id, file_name, object_id, &bind.query(), &mut rep) {
            Ok(p) => p,
            Err(e) => {
                report.record(&mut rep);
                return report.fail(self.failure(&e));
            }
        };
        report.package_id = Some(package_id.clone());
        report.summary = Some(format!("object {object_id} bound as package {package_id}"));
        if then_wait {
            let r = client.wait_package_ready(app_id, &package_id, timeout(wait), &mut rep);
            report.record(&mut rep);
            if let Err(e) = r {
                report.hint = Some(format!("wait again with: agcupload wait {app_id} {package_id}"));
                return report.fail(self.failure(&e));
            }
            report.summary = Some(format!("object {object_id} bound as package {package_id}, ready in AGC"));
        } else {
            report.record(&mut rep);
        }
        report
    }

    fn wait(&self, conn: &ConnArgs, app_id: &str, package_id: &str, wait: &WaitArgs) -> Report {
        let mut report = Report::new("wait");
        report.app_id = Some(app_id.to_owned());
        report.package_id = Some(package_id.to_owned());
        let client = match client(conn, &self.net, None, Some(wait)) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let r = client.wait_package_ready(app_id, package_id, timeout(wait), &mut rep);
        report.record(&mut rep);
        match r {
            Ok(()) => {
                report.summary = Some(format!("package {package_id} is ready in AGC"));
                report
            }
            Err(e) => report.fail(self.failure(&e)),
        }
    }

    fn check(&self, conn: &ConnArgs, file: &FileArgs, preflight: &PreflightArgs) -> Report {
        let mut report = Report::new("check");
        report.app_id = Some(file.app_id.clone());
        let client = match client(conn, &self.net, picture_key(file), None) {
            Ok(c) => c,
            Err(f) => return report.fail(f),
        };
        let mut rep = self.reporter();
        let mut req = file.request();
        req.preflight = !preflight.no_preflight;
        let r = client.check(&req, &mut rep);
        report.record(&mut rep);
        match r {
            Ok(c) => {
                report.size = Some(c.size);
                report.file_name = Some(c.file_name.clone());
                report.extra.push(("kind", json!(c.kind.describe())));
                report.extra.push(("token", json!("obtained")));
                let pre = match &c.preflight {
                    Some(p) => {
                        preflight::record(&mut report, p);
                        format!(
                            ", and the preflight passed ({} versionCode {})",
                            p.package.bundle_name, p.package.version_code
                        )
                    }
                    None => String::new(),
                };
                report.summary = Some(format!(
                    "check passed: '{}' ({}) is valid as {}, a token was obtained{pre}; nothing was uploaded",
                    c.file_name,
                    human_bytes(c.size),
                    c.kind.describe()
                ));
                report
            }
            Err(e) => {
                if e.status() == agcupload::Status::Preflight {
                    report.hint = Some(preflight::REFUSED_HINT.into());
                }
                report.fail(self.failure(&e))
            }
        }
    }

    fn seal(&self, key: &SealKeyArgs, input: &Path, output: &Path, seal: bool) -> Report {
        let mut report = Report::new(if seal { "seal" } else { "open" });
        let key = match seal_key(key) {
            Ok(Some(k)) => k,
            Ok(None) => return report.fail(Failure::usage("a key is needed: --seal-key-file FILE or AGC_SEAL_KEY")),
            Err(f) => return report.fail(f),
        };
        let r = if seal {
            agcupload::seal::seal_file(&key, input, output)
        } else {
            agcupload::seal::open_file(&key, input, output)
        };
        match r {
            Ok(n) => {
                report.extra.push(("input", json!(input.display().to_string())));
                report.extra.push(("output", json!(output.display().to_string())));
                report.extra.push(("bytes_written", json!(n)));
                report.summary = Some(format!(
                    "{} {} into {} ({})",
                    if seal { "sealed" } else { "opened" },
                    input.display(),
                    output.display(),
                    human_bytes(n)
                ));
                report
            }
            Err(e) => report.fail(self.failure(&e)),
        }
    }
}

/// The man page, from the same definitions as `--help` (so it cannot fall behind them).
fn man_page() -> i32 {
    use clap::CommandFactory;
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        printer::print(printer::Stream::Stderr, &format!("agcupload: cannot render the man page: {e}"));
        return exit::INTERNAL;
    }
    use std::io::Write;
    match std::io::stdout().write_all(&out) {
        Ok(()) => exit::OK,
        Err(_) => exit::INTERNAL,
    }
}

fn version() -> Report {
    let lib = agcupload::VERSION;
    let mut report = Report::new("version");
    report.text = Some(format!("agcupload {} (libagcupload {lib})", env!("CARGO_PKG_VERSION")));
    report.extra.push(("tool", json!(env!("CARGO_PKG_VERSION"))));
    report.extra.push(("library", json!(lib)));
    report
}
