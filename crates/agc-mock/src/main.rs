//! `agc-mock`: the mock AGC server as a standalone process for C, Python and demo tests.
//!
//! ```text
//! agc-mock [--port N] [--info-file PATH] [--env-file PATH] [--print-env] [--no-store] [--no-multipart-digest]
//!          [--polls-until-ready N] [--fault NAME] [--part-min-size BYTES] [--app JSON]...
//!          [--upstream ADDR --upstream-bucket B --upstream-access-key K --upstream-secret-key S --upstream-region R]
//! ```
//! Prints `AGC_MOCK_*=...` lines (also written atomically to `--info-file`), then serves until
//! killed. `--env-file` writes (and `--print-env` prints instead) ready-to-source `export AGC_*=…`
//! lines that point `agcupload` at this server: `AGC_API_BASE`, `AGC_CA_FILE`, `AGC_CLIENT_ID`,
//! `AGC_CLIENT_SECRET`. `--app` sets what the preflight of one app sees, as `POST /mock/app` with that body
//! does (e.g. `{"appId":"20090","denyAppInfo":true}`: app-info of 20090 refused for lack of
//! rights), for tests that cannot post to the mock (the C tests). One line per request goes to stderr, never with tokens, secrets or Authorization values.

use std::io::Write;
use std::process::ExitCode;

use agc_mock::{fault_from_name, fixture_service_account, MockConfig, MockServer, UploadUpstream};

const USAGE: &str = "usage: agc-mock [--port N] [--info-file PATH] [--env-file PATH] [--print-env] [--no-store] [--no-multipart-digest]\n       [--polls-until-ready N] [--fault NAME] [--part-min-size BYTES] [--app JSON]... [--upstream ADDR --upstream-bucket B --upstream-access-key K --upstream-secret-key S --upstream-region R]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("agc-mock: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut cfg = MockConfig { service_accounts: vec![fixture_service_account()], ..MockConfig::default() };
    let mut port: Option<u16> = None;
    let mut info_file: Option<String> = None;
    let mut env_file: Option<String> = None;
    let mut print_env = false;
    let mut fault = None;
    let mut apps: Vec<String> = Vec::new();
    let (mut up_addr, mut up_bucket, mut up_ak, mut up_sk) = (None, None, None, None);
    let mut up_region = "us-east-1".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--port" => port = Some(val("--port")?.parse().map_err(|_| "bad --port")?),
            "--info-file" => info_file = Some(val("--info-file")?),
            "--env-file" => env_file = Some(val("--env-file")?),
            "--print-env" => print_env = true,
            "--no-store" => cfg.store_bodies = false,
            "--no-multipart-digest" => cfg.multipart_object_digest = false,
            "--polls-until-ready" => {
                cfg.polls_until_ready = val("--polls-until-ready")?.parse().map_err(|_| "bad --polls-until-ready")?
            }
            "--part-min-size" => {
                cfg.multipart_part_min_size =
                    val("--part-min-size")?.parse().ok().filter(|n| *n > 0).ok_or("bad --part-min-size")?
            }
            "--fault" => {
                let n = val("--fault")?;
                fault = Some(fault_from_name(&n).ok_or_else(|| format!("unknown fault {n:?}"))?);
            }
            "--app" => apps.push(val("--app")?),
            "--upstream" => up_addr = Some(val("--upstream")?),
            "--upstream-bucket" => up_bucket = Some(val("--upstream-bucket")?),
            "--upstream-access-key" => up_ak = Some(val("--upstream-access-key")?),
            "--upstream-secret-key" => up_sk = Some(val("--upstream-secret-key")?),
            "--upstream-region" => up_region = val("--upstream-region")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if let Some(addr) = up_addr {
        cfg.upload_upstream = Some(UploadUpstream {
            addr,
            bucket: up_bucket.ok_or("--upstream needs --upstream-bucket")?,
            access_key: up_ak.ok_or("--upstream needs --upstream-access-key")?,
            secret_key: up_sk.ok_or("--upstream needs --upstream-secret-key")?,
            region: up_region,
        });
    }
    let server = match port {
        Some(p) if p != 0 => MockServer::start_on_port(cfg, p),
        _ => MockServer::start(cfg),
    }
    .map_err(|e| format!("cannot start: {e}"))?;
    server.set_request_log(true);
    if let Some(f) = fault {
        server.set_fault(f);
    }
    for app in &apps {
        server.control_app_json(app.as_bytes()).map_err(|e| format!("--app {app}: {e}"))?;
    }
    let ca = std::fs::canonicalize(server.ca_path()).unwrap_or_else(|_| server.ca_path());
    let info = format!(
        "AGC_MOCK_BASE_URL={}\nAGC_MOCK_CA_FILE={}\nAGC_MOCK_CLIENT_ID={}\nAGC_MOCK_CLIENT_SECRET={}\nAGC_MOCK_READY=1\n",
        server.base_url(),
        ca.display(),
        server.client_id(),
        server.client_secret()
    );
    // What `agcupload` reads from the environment, for a shell to source.
    let quote = |v: &str| format!("'{}'", v.replace('\'', "'\\''"));
    let env = format!(
        "export AGC_API_BASE={}\nexport AGC_CA_FILE={}\nexport AGC_CLIENT_ID={}\nexport AGC_CLIENT_SECRET={}\n",
        quote(&server.base_url()),
        quote(&ca.display().to_string()),
        quote(&server.client_id()),
        quote(&server.client_secret())
    );
    for (path, text) in [(info_file, &info), (env_file, &env)] {
        if let Some(path) = path {
            let tmp = format!("{path}.tmp.{}", std::process::id());
            std::fs::write(&tmp, text).map_err(|e| format!("cannot write {tmp}: {e}"))?;
            std::fs::rename(&tmp, &path).map_err(|e| format!("cannot rename to {path}: {e}"))?;
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(if print_env { env.as_bytes() } else { info.as_bytes() });
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
