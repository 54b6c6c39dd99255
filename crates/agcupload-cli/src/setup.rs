//! What every command needs before it talks to AGC: the context (display, signals, network
//! flags), the client built from flags and environment, and the failures
//! of that set-up. Shared by the commands in `main.rs` and the release road in `road.rs`.

use std::path::Path;
use std::time::Duration;

use agcupload::seal::SealKey;
use agcupload::ServiceAccount;
use agcupload::{Client, Credentials, RetryPolicy};
use zeroize::Zeroizing;

use crate::args::{self, ConnArgs, FileArgs, NetArgs, SealKeyArgs, TransferArgs, WaitArgs};
use crate::exit;
use crate::output::Failure;
use crate::progress::{Display, Reporter};
use crate::signals::Signals;

/// The library's transport defaults, for when only one of the two timeouts is given.
const DEFAULT_CONNECT_TIMEOUT: Duration = agcupload::defaults::CONNECT_TIMEOUT;
const DEFAULT_IO_TIMEOUT: Duration = agcupload::defaults::IO_TIMEOUT;
/// Longest wait between two compile-status polls (the library's default cap).
const POLL_MAX: Duration = agcupload::defaults::POLL_MAX;

pub(crate) struct Ctx {
    pub(crate) display: Display,
    pub(crate) signals: Signals,
    pub(crate) net: NetArgs,
}
impl Ctx {
    pub(crate) fn reporter(&self) -> Reporter {
        Reporter::new(self.display, self.signals.clone())
    }

    /// A library error as a failure; a cancellation takes the code of the signal.
    pub(crate) fn failure(&self, e: &agcupload::Error) -> Failure {
        let mut f = Failure::from_error(e);
        if e.status() == agcupload::Status::Cancelled {
            f.code = self.signals.exit_code();
            f.message = if f.code == exit::INTERRUPTED {
                "cancelled by Ctrl-C".into()
            } else {
                "cancelled by a termination signal".into()
            };
        }
        f
    }
}

/// The seal key options matter only for a profile picture (a bad AGC_SEAL_KEY left in the
/// environment must not fail an app upload).
pub(crate) fn picture_key(file: &FileArgs) -> Option<&SealKeyArgs> {
    (file.kind == args::Kind::Picture).then_some(&file.seal)
}

/// After a failed upload whose resume file records parts sent: how to go on from it.
pub(crate) fn resume_hint(transfer: &TransferArgs) -> Option<String> {
    let path = transfer.resume_file.as_deref().filter(|p| agcupload::recorded_parts(p).is_some_and(|n| n > 0))?;
    Some(format!(
        "the resume file {} keeps the parts already sent: run the same command again (same file, same \
         --resume-file) to send only the others",
        agcupload::quote_path(path)
    ))
}

pub(crate) fn timeout(wait: &WaitArgs) -> Duration {
    Duration::from_secs(wait.timeout_min * 60)
}

/// The client, configured from flags and environment. Fails before any network I/O.
pub(crate) fn client(
    conn: &ConnArgs,
    net: &NetArgs,
    seal: Option<&SealKeyArgs>,
    wait: Option<&WaitArgs>,
) -> Result<Client, Failure> {
    let lib = |e: agcupload::Error| Failure::from_error(&e);
    let mut client = Client::new(credentials(conn)?).map_err(lib)?;
    client.set_user_agent(&format!("agcupload/{} libagcupload", env!("CARGO_PKG_VERSION"))).map_err(lib)?;
    if let Some(base) = &conn.api_base {
        client.set_api_base(base).map_err(lib)?;
    }
    if let Some(proxy) = &net.proxy {
        client.set_proxy(Some(proxy)).map_err(lib)?;
    }
    if let Some(trust) = net.trust {
        client.set_trust(trust.roots()).map_err(lib)?;
    }
    if let Some(ca) = &conn.ca_file {
        client.set_ca_file(ca).map_err(lib)?;
    }
    if conn.retries.is_some() || conn.deadline_min.is_some() {
        let d = RetryPolicy::default();
        let deadline = conn.deadline_min.map(|m| Duration::from_secs(m * 60)).or(d.deadline);
        client.set_retry(conn.retries.unwrap_or(d.max_attempts), deadline).map_err(lib)?;
    }
    if conn.connect_timeout.is_some() || conn.io_timeout.is_some() {
        let connect = conn.connect_timeout.map_or(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs);
        let io = conn.io_timeout.map_or(DEFAULT_IO_TIMEOUT, Duration::from_secs);
        client.set_timeouts(connect, io).map_err(lib)?;
    }
    if let Some(secs) = wait.and_then(|w| w.poll_interval) {
        let first = Duration::from_secs(secs);
        client.set_poll_interval(first, first.max(POLL_MAX)).map_err(lib)?;
    }
    if let Some(key) = seal.map(seal_key).transpose()?.flatten() {
        client.set_seal_key(key);
    }
    Ok(client)
}

/// Credentials, in this order: service-account file, service-account JSON text, API client.
fn credentials(conn: &ConnArgs) -> Result<Credentials, Failure> {
    let lib = |e: agcupload::Error| Failure::from_error(&e);
    if let Some(path) = &conn.service_account {
        return Ok(Credentials::ServiceAccount(ServiceAccount::from_file(path).map_err(lib)?));
    }
    if let Some(text) = env_nonempty("AGC_SERVICE_ACCOUNT_JSON") {
        if !text.trim_start().starts_with('{') {
            return Err(Failure::usage(
                "AGC_SERVICE_ACCOUNT_JSON must hold the key file's JSON text (use AGC_SERVICE_ACCOUNT_FILE for a path)",
            ));
        }
        return Ok(Credentials::ServiceAccount(ServiceAccount::from_json(&text).map_err(lib)?));
    }
    let Some(id) = conn.client_id.as_deref().filter(|s| !s.is_empty()) else {
        return Err(Failure::usage(
            "no credentials: set AGC_CLIENT_ID and AGC_CLIENT_SECRET (or --client-secret-file), \
             or AGC_SERVICE_ACCOUNT_FILE / --service-account, or AGC_SERVICE_ACCOUNT_JSON",
        ));
    };
    let secret = match &conn.client_secret_file {
        Some(path) => secret_from_file(path)?,
        None => Zeroizing::new(env_nonempty("AGC_CLIENT_SECRET").unwrap_or_default()),
    };
    if secret.is_empty() {
        return Err(Failure::usage(
            "AGC_CLIENT_ID is set but the client secret is missing: set AGC_CLIENT_SECRET or --client-secret-file",
        ));
    }
    Ok(Credentials::api_client(id, secret.as_str()))
}

/// A library error about one of the tool's own input files, as a failure whose message says
/// which file it is ("the client secret file `<bounded path>`: is a FIFO ...").
pub(crate) fn file_failure(what: &str, e: &agcupload::Error) -> Failure {
    let mut f = Failure::from_error(e);
    f.message = format!("{what} {e}");
    f
}

/// The longest client secret file read (a secret is about 64 characters).
const SECRET_FILE_MAX: u64 = 4096;

/// The first line of the client secret file, trimmed, read by the library's file rules
/// (regular file only, at most [`SECRET_FILE_MAX`] bytes, wiped buffers). Errors name the
/// path (bounded), never the content.
fn secret_from_file(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let what = |e: agcupload::Error| file_failure("the client secret file", &e);
    let bytes = agcupload::read_small_file(path, SECRET_FILE_MAX).map_err(what)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| what(agcupload::Error::File { path: path.to_path_buf(), reason: "is not UTF-8 text".into() }))?;
    Ok(Zeroizing::new(text.lines().next().unwrap_or_default().trim().to_owned()))
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The seal key from its file or from AGC_SEAL_KEY (64 hex digits); `None` when neither is set.
pub(crate) fn seal_key(args: &SealKeyArgs) -> Result<Option<SealKey>, Failure> {
    let key_failure = |message: String| Failure {
        code: exit::FILE,
        status: agcupload::Status::SealKey.name().into(),
        message,
        advice: None,
    };
    let lib = |e: agcupload::Error| Failure::from_error(&e);
    if let Some(path) = &args.seal_key_file {
        // Exactly KEY_LEN bytes: a larger file is refused after reading at most one more.
        let bytes = agcupload::read_small_file(path, agcupload::seal::KEY_LEN as u64)
            .map_err(|e| file_failure("the seal key file", &e))?;
        return SealKey::from_bytes(&bytes).map(Some).map_err(lib);
    }
    let Some(hex) = env_nonempty("AGC_SEAL_KEY").map(Zeroizing::new) else { return Ok(None) };
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return Err(key_failure("AGC_SEAL_KEY must be 64 hex digits (32 bytes)".into()));
    }
    let mut bytes = Zeroizing::new([0u8; 32]);
    for (i, pair) in hex.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => bytes[i] = (h * 16 + l) as u8,
            _ => return Err(key_failure("AGC_SEAL_KEY must be 64 hex digits (32 bytes)".into())),
        }
    }
    SealKey::from_bytes(&bytes[..]).map(Some).map_err(lib)
}
