//! The one error type of the crate, and its stable mapping to [`Status`].
//!
//! Every message here is written for a human reading a build log. Variants carry the
//! *server's* words (bounded) or our own descriptions, never request headers, tokens, client
//! secrets or keys that we put there; since a server may echo our request back, every error
//! leaving a public `Client` method also passes through the client's redaction step
//! ([`crate::text::redact`]).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// What kind of failure an [`Error`] is: one stable name per kind (see [`Status::name`]), the
/// one the tool's JSON and exit codes use. The C layer gives each a number (`agc_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Success.
    Ok,
    /// A NULL pointer, invalid UTF-8, or an out-of-range value was passed.
    InvalidArgument,
    /// The file is missing, unreadable, not a regular file (a FIFO, device, directory or
    /// socket: refused before any read, never blocking), empty, or, for a CA bundle or key
    /// file, larger than 4 MiB.
    File,
    /// The file's suffix is not allowed for the package kind, or its content does not match
    /// its suffix (for example a `.app` that is not a ZIP archive).
    FileType,
    /// The file exceeds the size limit of its package kind.
    FileTooLarge,
    /// The file changed (size or content) after it was checked: while it was hashed, sealed
    /// or uploaded. Nothing that changed is ever uploaded.
    FileChanged,
    /// The progress callback asked to stop.
    Cancelled,
    /// The network failed: connection refused or reset, DNS failure, unexpected EOF.
    Network,
    /// A connect, inactivity or overall deadline expired.
    Timeout,
    /// TLS failed, for example an untrusted certificate or an unreadable CA file.
    Tls,
    /// Authentication failed: wrong credentials, rejected or malformed key.
    Auth,
    /// The Connect API answered with a business error (`ret.code != 0`).
    Api,
    /// A server answer was malformed or hostile (bad JSON, oversize body, wrong URL, ...).
    Protocol,
    /// The upload host refused the PUT (S3-style error).
    UploadRejected,
    /// The Connect API answered with an unexpected HTTP status.
    Http,
    /// A seal key is needed but none is set, or the key is not 32 bytes.
    SealKey,
    /// A sealed file failed to authenticate: wrong key, tampered or truncated data.
    SealCorrupt,
    /// AGC finished parsing the package and reported a failure.
    PackageFailed,
    /// A call into a client from inside one of its own callbacks on the same thread (like
    /// libcurl's `CURLE_RECURSIVE_API_CALL`); refused, nothing was done.
    Reentrant,
    /// The preflight refused the upload before anything was sent: AGC holds something the
    /// package contradicts (its bundle name is bound to another app, its version code is not
    /// higher than the live one or the one in review, the draft is in review or full).
    Preflight,
    /// An internal error, including a caught panic. Please report it.
    Internal,
}

impl Status {
    /// Every status, in the order of the C header's `agc_status`.
    pub const ALL: [Status; 21] = [
        Status::Ok,
        Status::InvalidArgument,
        Status::File,
        Status::FileType,
        Status::FileTooLarge,
        Status::FileChanged,
        Status::Cancelled,
        Status::Network,
        Status::Timeout,
        Status::Tls,
        Status::Auth,
        Status::Api,
        Status::Protocol,
        Status::UploadRejected,
        Status::Http,
        Status::SealKey,
        Status::SealCorrupt,
        Status::PackageFailed,
        Status::Reentrant,
        Status::Preflight,
        Status::Internal,
    ];

    /// The stable symbolic name (`AGC_OK`, `AGC_ERR_...`): the one the tool's JSON shows and
    /// the C header's `agc_status` uses.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "AGC_OK",
            Status::InvalidArgument => "AGC_ERR_INVALID_ARGUMENT",
            Status::File => "AGC_ERR_FILE",
            Status::FileType => "AGC_ERR_FILE_TYPE",
            Status::FileTooLarge => "AGC_ERR_FILE_TOO_LARGE",
            Status::FileChanged => "AGC_ERR_FILE_CHANGED",
            Status::Cancelled => "AGC_ERR_CANCELLED",
            Status::Network => "AGC_ERR_NETWORK",
            Status::Timeout => "AGC_ERR_TIMEOUT",
            Status::Tls => "AGC_ERR_TLS",
            Status::Auth => "AGC_ERR_AUTH",
            Status::Api => "AGC_ERR_API",
            Status::Protocol => "AGC_ERR_PROTOCOL",
            Status::UploadRejected => "AGC_ERR_UPLOAD_REJECTED",
            Status::Http => "AGC_ERR_HTTP",
            Status::SealKey => "AGC_ERR_SEAL_KEY",
            Status::SealCorrupt => "AGC_ERR_SEAL_CORRUPT",
            Status::PackageFailed => "AGC_ERR_PACKAGE_FAILED",
            Status::Reentrant => "AGC_ERR_REENTRANT",
            Status::Preflight => "AGC_ERR_PREFLIGHT",
            Status::Internal => "AGC_ERR_INTERNAL",
        }
    }
}

/// Everything that can go wrong, with enough context to act on it. Field names say what
/// they hold; every text is bounded and free of secrets.
#[allow(missing_docs)]
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied argument is unusable.
    InvalidArgument(String),
    /// A local file could not be used.
    File { path: PathBuf, reason: String },
    /// Suffix or content type not allowed.
    FileType(String),
    /// Over the kind's size limit.
    FileTooLarge { size: u64, limit: u64, kind: &'static str },
    /// The file changed after it was hashed.
    FileChanged(String),
    /// The progress callback returned non-zero.
    Cancelled,
    /// Transport failure; `retryable` tells the retry policy whether trying again may help.
    Network { what: String, retryable: bool },
    /// A timeout or the overall deadline.
    Timeout(String),
    /// TLS failure.
    Tls(String),
    /// Authentication failure.
    Auth(String),
    /// AGC business error: `ret.code` and the server's message.
    Api { code: i64, message: String },
    /// Malformed or hostile answer.
    Protocol(String),
    /// The upload host refused the PUT. `code`/`message` come from its S3-style XML error
    /// (bounded); `retry_after` from its `Retry-After` header.
    UploadRejected { status: u16, code: String, message: String, retry_after: Option<Duration> },
    /// Unexpected HTTP status from the Connect API; `retry_after` from its `Retry-After` header.
    Http { status: u16, message: String, retry_after: Option<Duration> },
    /// Missing or malformed seal key.
    SealKey(String),
    /// Sealed data failed authentication.
    SealCorrupt(String),
    /// AGC reported that parsing the package failed.
    PackageFailed(String),
    /// A call into a client from inside one of its callbacks on the same thread.
    Reentrant(String),
    /// The preflight refused the upload: what AGC holds and what the package says.
    Preflight(String),
    /// Bug or caught panic.
    Internal(String),
}

impl Error {
    /// The stable status for this error.
    pub fn status(&self) -> Status {
        match self {
            Error::InvalidArgument(_) => Status::InvalidArgument,
            Error::File { .. } => Status::File,
            Error::FileType(_) => Status::FileType,
            Error::FileTooLarge { .. } => Status::FileTooLarge,
            Error::FileChanged(_) => Status::FileChanged,
            Error::Cancelled => Status::Cancelled,
            Error::Network { .. } => Status::Network,
            Error::Timeout(_) => Status::Timeout,
            Error::Tls(_) => Status::Tls,
            Error::Auth(_) => Status::Auth,
            Error::Api { .. } => Status::Api,
            Error::Protocol(_) => Status::Protocol,
            Error::UploadRejected { .. } => Status::UploadRejected,
            Error::Http { .. } => Status::Http,
            Error::SealKey(_) => Status::SealKey,
            Error::SealCorrupt(_) => Status::SealCorrupt,
            Error::PackageFailed(_) => Status::PackageFailed,
            Error::Reentrant(_) => Status::Reentrant,
            Error::Preflight(_) => Status::Preflight,
            Error::Internal(_) => Status::Internal,
        }
    }

    /// The same error with every text it carries passed through `f` (the path of a file
    /// error too, when `f` changes it). Used by the redaction step ([`crate::text::redact`]).
    pub(crate) fn map_text(self, f: impl Fn(&str) -> String) -> Error {
        match self {
            Error::InvalidArgument(m) => Error::InvalidArgument(f(&m)),
            Error::File { path, reason } => {
                let shown = path.to_string_lossy();
                let mapped = f(&shown);
                let path = if mapped == shown { path } else { PathBuf::from(mapped) };
                Error::File { path, reason: f(&reason) }
            }
            Error::FileType(m) => Error::FileType(f(&m)),
            e @ (Error::FileTooLarge { .. } | Error::Cancelled) => e,
            Error::FileChanged(m) => Error::FileChanged(f(&m)),
            Error::Network { what, retryable } => Error::Network { what: f(&what), retryable },
            Error::Timeout(m) => Error::Timeout(f(&m)),
            Error::Tls(m) => Error::Tls(f(&m)),
            Error::Auth(m) => Error::Auth(f(&m)),
            Error::Api { code, message } => Error::Api { code, message: f(&message) },
            Error::Protocol(m) => Error::Protocol(f(&m)),
            Error::UploadRejected { status, code, message, retry_after } => {
                Error::UploadRejected { status, code: f(&code), message: f(&message), retry_after }
            }
            Error::Http { status, message, retry_after } => Error::Http { status, message: f(&message), retry_after },
            Error::SealKey(m) => Error::SealKey(f(&m)),
            Error::SealCorrupt(m) => Error::SealCorrupt(f(&m)),
            Error::PackageFailed(m) => Error::PackageFailed(f(&m)),
            Error::Reentrant(m) => Error::Reentrant(f(&m)),
            Error::Preflight(m) => Error::Preflight(f(&m)),
            Error::Internal(m) => Error::Internal(f(&m)),
        }
    }

    pub(crate) fn file(path: &std::path::Path, reason: impl fmt::Display) -> Error {
        Error::File { path: path.to_path_buf(), reason: reason.to_string() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            Error::File { path, reason } => write!(f, "{}: {reason}", crate::text::bounds::path_for_message(path)),
            Error::FileType(m) => write!(f, "wrong file type: {m}"),
            Error::FileTooLarge { size, limit, kind } => {
                write!(f, "file is {size} bytes, over the {limit}-byte limit for {kind}")
            }
            Error::FileChanged(m) => write!(f, "file changed during upload: {m}"),
            Error::Cancelled => write!(f, "cancelled by the progress callback"),
            Error::Network { what, .. } => write!(f, "network error: {what}"),
            Error::Timeout(m) => write!(f, "timed out: {m}"),
            Error::Tls(m) => write!(f, "TLS error: {m}"),
            Error::Auth(m) => write!(f, "authentication failed: {m}"),
            Error::Api { code, message } => write!(f, "AGC error {code}: {message}"),
            Error::Protocol(m) => write!(f, "unexpected server answer: {m}"),
            Error::UploadRejected { status, code, message, .. } => {
                write!(f, "upload refused with HTTP {status}")?;
                if !code.is_empty() {
                    write!(f, " {code}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Error::Http { status, message, .. } => write!(f, "HTTP {status}: {message}"),
            Error::SealKey(m) => write!(f, "seal key: {m}"),
            Error::SealCorrupt(m) => write!(f, "sealed data rejected: {m}"),
            Error::PackageFailed(m) => write!(f, "AGC could not parse the package: {m}"),
            Error::Reentrant(m) => write!(f, "re-entrant call refused: {m}"),
            Error::Preflight(m) => write!(f, "refused before upload: {m}"),
            Error::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

// Text rules live in `text`; errors quote through them.
pub(crate) use crate::text::bounds::bounded;
