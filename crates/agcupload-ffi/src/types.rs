//! The C-facing enums and callback type. Their numbers are the ABI: never renumber, append.

use std::os::raw::{c_int, c_void};

use agcupload::PackageKind;
use agcupload::Phase;
use agcupload::Status;

/// Result of every fallible function. `AGC_OK` (0) is success; anything else is an error
/// whose details `agc_last_error()` gives. Numbers are stable and never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_status {
    /// Success.
    AGC_OK = 0,
    /// A NULL pointer, invalid UTF-8, or an out-of-range value was passed.
    AGC_ERR_INVALID_ARGUMENT = 1,
    /// The file is missing, unreadable, not a regular file (FIFO, device, directory, socket:
    /// refused without blocking), or empty; or a CA or key file is over 4 MiB.
    AGC_ERR_FILE = 2,
    /// The file's suffix is not allowed for the package kind, or its content does not match it.
    AGC_ERR_FILE_TYPE = 3,
    /// The file exceeds the size limit of its package kind.
    AGC_ERR_FILE_TOO_LARGE = 4,
    /// The file changed (size or content) while it was hashed, sealed or uploaded; nothing was
    /// stored.
    AGC_ERR_FILE_CHANGED = 5,
    /// The progress callback returned non-zero.
    AGC_ERR_CANCELLED = 6,
    /// The network failed (refused, reset, DNS, unexpected EOF) and retries did not help.
    AGC_ERR_NETWORK = 7,
    /// A connect or inactivity timeout, or the overall deadline, expired.
    AGC_ERR_TIMEOUT = 8,
    /// TLS failed: untrusted certificate, handshake failure, unreadable CA file.
    AGC_ERR_TLS = 9,
    /// Authentication failed: wrong credentials or a rejected key.
    AGC_ERR_AUTH = 10,
    /// The Connect API answered a business error (`ret.code != 0`).
    AGC_ERR_API = 11,
    /// A server answer was malformed or hostile.
    AGC_ERR_PROTOCOL = 12,
    /// The upload host refused the PUT (S3-style error).
    AGC_ERR_UPLOAD_REJECTED = 13,
    /// The Connect API answered an unexpected HTTP status.
    AGC_ERR_HTTP = 14,
    /// A seal key is needed but not set, or is not 32 bytes.
    AGC_ERR_SEAL_KEY = 15,
    /// Sealed data failed to authenticate: wrong key, tampered or truncated.
    AGC_ERR_SEAL_CORRUPT = 16,
    /// AGC parsed the package and reported a failure.
    AGC_ERR_PACKAGE_FAILED = 17,
    /// The client was called from inside one of its own callbacks on this thread (a setter,
    /// another operation, or `agc_client_free`); the call was refused and did nothing.
    AGC_ERR_REENTRANT = 18,
    /// The preflight refused the upload before anything was sent: the package's bundle name
    /// is bound to another app, its version code is not higher than the live one or the one in
    /// review, or the draft is in review or full (`agc_last_error` names what AGC holds
    /// and what the package says). Turn it off with `agc_upload_options_set_preflight`.
    AGC_ERR_PREFLIGHT = 19,
    /// An internal error, including a caught panic. Please report it.
    AGC_ERR_INTERNAL = 255,
}

impl From<Status> for agc_status {
    fn from(s: Status) -> agc_status {
        use agc_status::*;
        match s {
            Status::Ok => AGC_OK,
            Status::InvalidArgument => AGC_ERR_INVALID_ARGUMENT,
            Status::File => AGC_ERR_FILE,
            Status::FileType => AGC_ERR_FILE_TYPE,
            Status::FileTooLarge => AGC_ERR_FILE_TOO_LARGE,
            Status::FileChanged => AGC_ERR_FILE_CHANGED,
            Status::Cancelled => AGC_ERR_CANCELLED,
            Status::Network => AGC_ERR_NETWORK,
            Status::Timeout => AGC_ERR_TIMEOUT,
            Status::Tls => AGC_ERR_TLS,
            Status::Auth => AGC_ERR_AUTH,
            Status::Api => AGC_ERR_API,
            Status::Protocol => AGC_ERR_PROTOCOL,
            Status::UploadRejected => AGC_ERR_UPLOAD_REJECTED,
            Status::Http => AGC_ERR_HTTP,
            Status::SealKey => AGC_ERR_SEAL_KEY,
            Status::SealCorrupt => AGC_ERR_SEAL_CORRUPT,
            Status::PackageFailed => AGC_ERR_PACKAGE_FAILED,
            Status::Reentrant => AGC_ERR_REENTRANT,
            Status::Preflight => AGC_ERR_PREFLIGHT,
            Status::Internal => AGC_ERR_INTERNAL,
        }
    }
}

/// What is uploaded; decides the suffix and size rules. Passed as an `unsigned int`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_package_kind {
    /// A HarmonyOS app package: `.app` (ZIP), at most 4 GiB.
    AGC_KIND_HARMONY_APP = 1,
    /// A HarmonyOS atomic service: `.app` (ZIP), at most 10 MiB.
    AGC_KIND_ATOMIC_SERVICE = 2,
    /// A user profile picture: `.png`, `.jpg`/`.jpeg` or `.webp`, at most 10 MiB; it is
    /// sealed with the client's seal key before upload (see `agc_client_set_seal_key`).
    AGC_KIND_PROFILE_PICTURE = 3,
}

impl From<PackageKind> for agc_package_kind {
    fn from(k: PackageKind) -> agc_package_kind {
        match k {
            PackageKind::HarmonyApp => agc_package_kind::AGC_KIND_HARMONY_APP,
            PackageKind::AtomicService => agc_package_kind::AGC_KIND_ATOMIC_SERVICE,
            PackageKind::ProfilePicture => agc_package_kind::AGC_KIND_PROFILE_PICTURE,
        }
    }
}

/// What an operation is doing when it calls the progress callback.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_phase {
    /// Computing the file's SHA-256; `done`/`total` are bytes. In a multipart upload, only
    /// for the parts an earlier run sent (checked before they are trusted), bytes over the
    /// whole file: the other parts are hashed while they are sent.
    AGC_PHASE_HASHING = 1,
    /// Asking for a signed upload URL (and a token if needed); `done` = `total` = 0. In a
    /// multipart upload (`agc_upload_options_set_transfer`): `done` = the part number, `total`
    /// = the number of parts.
    AGC_PHASE_REQUESTING_URL = 2,
    /// Sending the file; `done`/`total` are bytes. Restarts at 0 after a retry. In a multipart
    /// upload, bytes over the whole file, part after part (a retried part restarts at its start).
    AGC_PHASE_UPLOADING = 3,
    /// Waiting before another attempt; `done` = the attempt that failed, `total` = max attempts.
    AGC_PHASE_RETRYING = 4,
    /// The upload finished; `done` = `total` = bytes uploaded (`agc_publish_package` goes on
    /// with `AGC_PHASE_BINDING` and `AGC_PHASE_WAITING`).
    AGC_PHASE_DONE = 5,
    /// Encrypting a profile picture; `done`/`total` are plaintext bytes.
    AGC_PHASE_SEALING = 6,
    /// Binding the uploaded object to the app; `done` = `total` = 0.
    AGC_PHASE_BINDING = 7,
    /// Waiting for AGC to parse the package; `done` = elapsed ms, `total` = timeout ms.
    AGC_PHASE_WAITING = 8,
    /// Setting release notes; `done` = languages set so far, `total` = languages.
    AGC_PHASE_SETTING_NOTES = 9,
    /// Submitting for review; `done` = elapsed ms, `total` = timeout ms (reported several
    /// times a second while AGC still processes the package).
    AGC_PHASE_SUBMITTING = 10,
    /// Creating a HarmonyOS test version; `done` = `total` = 0.
    AGC_PHASE_CREATING_TEST_VERSION = 11,
    /// Adding the uploaded package to the test versions; `done` = `total` = 0.
    AGC_PHASE_ADDING_TEST_PACKAGE = 12,
    /// Setting the test version's package, window and groups; `done` = `total` = 0.
    AGC_PHASE_SETTING_TEST_INFO = 13,
    /// Submitting the test version; `done` = `total` = 0.
    AGC_PHASE_SUBMITTING_TEST = 14,
}

impl From<Phase> for agc_phase {
    fn from(p: Phase) -> agc_phase {
        use agc_phase::*;
        match p {
            Phase::Hashing => AGC_PHASE_HASHING,
            Phase::RequestingUrl => AGC_PHASE_REQUESTING_URL,
            Phase::Uploading => AGC_PHASE_UPLOADING,
            Phase::Retrying => AGC_PHASE_RETRYING,
            Phase::Done => AGC_PHASE_DONE,
            Phase::Sealing => AGC_PHASE_SEALING,
            Phase::Binding => AGC_PHASE_BINDING,
            Phase::Waiting => AGC_PHASE_WAITING,
            Phase::SettingNotes => AGC_PHASE_SETTING_NOTES,
            Phase::Submitting => AGC_PHASE_SUBMITTING,
            Phase::CreatingTestVersion => AGC_PHASE_CREATING_TEST_VERSION,
            Phase::AddingTestPackage => AGC_PHASE_ADDING_TEST_PACKAGE,
            Phase::SettingTestInfo => AGC_PHASE_SETTING_TEST_INFO,
            Phase::SubmittingTest => AGC_PHASE_SUBMITTING_TEST,
        }
    }
}

/// Progress callback, called on the caller's thread, at most about once per 64 KiB (never
/// per 8 KiB write) and at each phase change. `user_data` is passed through untouched.
/// Return 0 to continue, non-zero to cancel: the operation stops promptly with
/// `AGC_ERR_CANCELLED` (an upload in flight is aborted and nothing is stored). While a call
/// waits for an answer (a Connect API call, or the upload host confirming a PUT whose bytes it
/// has) or for the upload host to take more of the body, the callback is called again with
/// its last report about every 200 ms, so a cancel ends that wait too; a step AGC had
/// already accepted is not
/// undone (a release result then says whether the cut-off step may have landed:
/// `agc_release_result_outcome_uncertain`). A call into
/// the same `agc_client` from the callback (a setter, another operation, `agc_client_free`)
/// is refused with `AGC_ERR_REENTRANT` and does nothing; other clients are fine.
pub type agc_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, phase: agc_phase, done: u64, total: u64) -> c_int>;
