//! The C enums and the callback type. The numbers of the C ABI live here and only here: the
//! library's enums have none. Each C enum maps to and from the library's with exhaustive
//! matches (a variant added on either side fails to compile until it is mapped), and the C
//! names of the library's values are NUL-terminated copies of the library's own names.
//! Numbers are the ABI: never renumber, append.

use std::ffi::{CStr, CString};
use std::os::raw::{c_int, c_void};
use std::sync::OnceLock;

use agcupload::{PackageKind, Phase, PhasedAction, Progress, ReleaseState, ReleaseStep, Status, Transfer, TrustRoots};

/// A C enum taken from C as a plain number (an `int` or `unsigned int`: a value outside the
/// enum must be refused, never turned into the enum).
pub(crate) trait CEnum: Sized + Copy + PartialEq + 'static {
    /// The library's enum it stands for.
    type Core;
    /// Its C name, for messages (`agc_trust`).
    const NAME: &'static str;
    /// Every value, in number order.
    const ALL: &'static [Self];
    /// The library's value.
    fn core(self) -> Self::Core;
    /// The value with this number, if any.
    fn from_raw(raw: i64) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.number() == raw)
    }
    /// Its number.
    fn number(self) -> i64;
}

/// Implements [`CEnum`] from the list of the enum's variants; the list is checked complete at
/// compile time (a variant missing from it makes the match below non-exhaustive).
macro_rules! c_enum {
    ($t:ident => $core:ty: $($v:ident),+ $(,)?) => {
        impl CEnum for $t {
            type Core = $core;
            const NAME: &'static str = stringify!($t);
            const ALL: &'static [$t] = &[$($t::$v),+];
            fn core(self) -> $core {
                <$core>::from(self)
            }
            fn number(self) -> i64 {
                match self {
                    $($t::$v => $t::$v as i64),+
                }
            }
        }
    };
}

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

c_enum!(agc_status => Status:
    AGC_OK, AGC_ERR_INVALID_ARGUMENT, AGC_ERR_FILE, AGC_ERR_FILE_TYPE, AGC_ERR_FILE_TOO_LARGE,
    AGC_ERR_FILE_CHANGED, AGC_ERR_CANCELLED, AGC_ERR_NETWORK, AGC_ERR_TIMEOUT, AGC_ERR_TLS, AGC_ERR_AUTH,
    AGC_ERR_API, AGC_ERR_PROTOCOL, AGC_ERR_UPLOAD_REJECTED, AGC_ERR_HTTP, AGC_ERR_SEAL_KEY,
    AGC_ERR_SEAL_CORRUPT, AGC_ERR_PACKAGE_FAILED, AGC_ERR_REENTRANT, AGC_ERR_PREFLIGHT, AGC_ERR_INTERNAL,
);

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

impl From<agc_status> for Status {
    fn from(s: agc_status) -> Status {
        use agc_status::*;
        match s {
            AGC_OK => Status::Ok,
            AGC_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            AGC_ERR_FILE => Status::File,
            AGC_ERR_FILE_TYPE => Status::FileType,
            AGC_ERR_FILE_TOO_LARGE => Status::FileTooLarge,
            AGC_ERR_FILE_CHANGED => Status::FileChanged,
            AGC_ERR_CANCELLED => Status::Cancelled,
            AGC_ERR_NETWORK => Status::Network,
            AGC_ERR_TIMEOUT => Status::Timeout,
            AGC_ERR_TLS => Status::Tls,
            AGC_ERR_AUTH => Status::Auth,
            AGC_ERR_API => Status::Api,
            AGC_ERR_PROTOCOL => Status::Protocol,
            AGC_ERR_UPLOAD_REJECTED => Status::UploadRejected,
            AGC_ERR_HTTP => Status::Http,
            AGC_ERR_SEAL_KEY => Status::SealKey,
            AGC_ERR_SEAL_CORRUPT => Status::SealCorrupt,
            AGC_ERR_PACKAGE_FAILED => Status::PackageFailed,
            AGC_ERR_REENTRANT => Status::Reentrant,
            AGC_ERR_PREFLIGHT => Status::Preflight,
            AGC_ERR_INTERNAL => Status::Internal,
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

c_enum!(agc_package_kind => PackageKind: AGC_KIND_HARMONY_APP, AGC_KIND_ATOMIC_SERVICE, AGC_KIND_PROFILE_PICTURE);

impl From<PackageKind> for agc_package_kind {
    fn from(k: PackageKind) -> agc_package_kind {
        match k {
            PackageKind::HarmonyApp => agc_package_kind::AGC_KIND_HARMONY_APP,
            PackageKind::AtomicService => agc_package_kind::AGC_KIND_ATOMIC_SERVICE,
            PackageKind::ProfilePicture => agc_package_kind::AGC_KIND_PROFILE_PICTURE,
        }
    }
}

impl From<agc_package_kind> for PackageKind {
    fn from(k: agc_package_kind) -> PackageKind {
        match k {
            agc_package_kind::AGC_KIND_HARMONY_APP => PackageKind::HarmonyApp,
            agc_package_kind::AGC_KIND_ATOMIC_SERVICE => PackageKind::AtomicService,
            agc_package_kind::AGC_KIND_PROFILE_PICTURE => PackageKind::ProfilePicture,
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
    /// Reading what AGC holds of the app (app-info) before a store-listing call decides
    /// anything; `done` = `total` = 0.
    AGC_PHASE_READING_APP_INFO = 15,
    /// Setting the listing's texts, one call per language; `done` = languages sent so far,
    /// `total` = languages (reported before each, and `total`/`total` at the end).
    AGC_PHASE_SETTING_TEXTS = 16,
    /// Sending the listing's files; `done` = files sent so far, `total` = files (before each,
    /// and `total`/`total` at the end). Each file's bytes report as `AGC_PHASE_REQUESTING_URL`,
    /// `AGC_PHASE_UPLOADING` and `AGC_PHASE_DONE`.
    AGC_PHASE_SENDING_LISTING_FILES = 17,
    /// Binding the sent files to the listing, one call per kind of file (icons, screenshots,
    /// videos); `done` = calls made so far, `total` = calls.
    AGC_PHASE_SETTING_FILE_INFO = 18,
    /// Reading the listing back to check AGC holds what was sent; `done` = `total` = 0.
    AGC_PHASE_CHECKING_LISTING = 19,
    /// Deleting a language from the listing; `done` = `total` = 0.
    AGC_PHASE_DELETING_LANGUAGE = 20,
    /// Withdrawing the version in review; `done` = `total` = 0.
    AGC_PHASE_WITHDRAWING = 21,
    /// Pausing, resuming, stepping or finishing a phased release; `done` = `total` = 0.
    AGC_PHASE_CHANGING_PHASED_RELEASE = 22,
    /// Looking an app id up by its bundle name; `done` = `total` = 0.
    AGC_PHASE_LOOKING_UP_APP_ID = 23,
}

c_enum!(agc_phase => Phase:
    AGC_PHASE_HASHING, AGC_PHASE_REQUESTING_URL, AGC_PHASE_UPLOADING, AGC_PHASE_RETRYING, AGC_PHASE_DONE,
    AGC_PHASE_SEALING, AGC_PHASE_BINDING, AGC_PHASE_WAITING, AGC_PHASE_SETTING_NOTES, AGC_PHASE_SUBMITTING,
    AGC_PHASE_CREATING_TEST_VERSION, AGC_PHASE_ADDING_TEST_PACKAGE, AGC_PHASE_SETTING_TEST_INFO,
    AGC_PHASE_SUBMITTING_TEST, AGC_PHASE_READING_APP_INFO, AGC_PHASE_SETTING_TEXTS, AGC_PHASE_SENDING_LISTING_FILES,
    AGC_PHASE_SETTING_FILE_INFO, AGC_PHASE_CHECKING_LISTING, AGC_PHASE_DELETING_LANGUAGE, AGC_PHASE_WITHDRAWING,
    AGC_PHASE_CHANGING_PHASED_RELEASE, AGC_PHASE_LOOKING_UP_APP_ID,
);

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
            Phase::ReadingAppInfo => AGC_PHASE_READING_APP_INFO,
            Phase::SettingTexts => AGC_PHASE_SETTING_TEXTS,
            Phase::SendingListingFiles => AGC_PHASE_SENDING_LISTING_FILES,
            Phase::SettingFileInfo => AGC_PHASE_SETTING_FILE_INFO,
            Phase::CheckingListing => AGC_PHASE_CHECKING_LISTING,
            Phase::DeletingLanguage => AGC_PHASE_DELETING_LANGUAGE,
            Phase::Withdrawing => AGC_PHASE_WITHDRAWING,
            Phase::ChangingPhasedRelease => AGC_PHASE_CHANGING_PHASED_RELEASE,
            Phase::LookingUpAppId => AGC_PHASE_LOOKING_UP_APP_ID,
        }
    }
}

impl From<agc_phase> for Phase {
    fn from(p: agc_phase) -> Phase {
        use agc_phase::*;
        match p {
            AGC_PHASE_HASHING => Phase::Hashing,
            AGC_PHASE_REQUESTING_URL => Phase::RequestingUrl,
            AGC_PHASE_UPLOADING => Phase::Uploading,
            AGC_PHASE_RETRYING => Phase::Retrying,
            AGC_PHASE_DONE => Phase::Done,
            AGC_PHASE_SEALING => Phase::Sealing,
            AGC_PHASE_BINDING => Phase::Binding,
            AGC_PHASE_WAITING => Phase::Waiting,
            AGC_PHASE_SETTING_NOTES => Phase::SettingNotes,
            AGC_PHASE_SUBMITTING => Phase::Submitting,
            AGC_PHASE_CREATING_TEST_VERSION => Phase::CreatingTestVersion,
            AGC_PHASE_ADDING_TEST_PACKAGE => Phase::AddingTestPackage,
            AGC_PHASE_SETTING_TEST_INFO => Phase::SettingTestInfo,
            AGC_PHASE_SUBMITTING_TEST => Phase::SubmittingTest,
            AGC_PHASE_READING_APP_INFO => Phase::ReadingAppInfo,
            AGC_PHASE_SETTING_TEXTS => Phase::SettingTexts,
            AGC_PHASE_SENDING_LISTING_FILES => Phase::SendingListingFiles,
            AGC_PHASE_SETTING_FILE_INFO => Phase::SettingFileInfo,
            AGC_PHASE_CHECKING_LISTING => Phase::CheckingListing,
            AGC_PHASE_DELETING_LANGUAGE => Phase::DeletingLanguage,
            AGC_PHASE_WITHDRAWING => Phase::Withdrawing,
            AGC_PHASE_CHANGING_PHASED_RELEASE => Phase::ChangingPhasedRelease,
            AGC_PHASE_LOOKING_UP_APP_ID => Phase::LookingUpAppId,
        }
    }
}

/// What `agc_phased_release` does to a phased release; passed as an `unsigned int`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_phased_action {
    /// Stop the rollout where it is.
    AGC_PHASED_PAUSE = 1,
    /// Go on with the rollout.
    AGC_PHASED_RESUME = 2,
    /// Release to everyone now.
    AGC_PHASED_FULL = 3,
    /// Go on to the day given as `step_day`.
    AGC_PHASED_STEP = 4,
}

// The library's action carries the step's day, which C passes beside the enum: the enum is
// taken as itself and completed by `with_day`.
c_enum!(agc_phased_action => agc_phased_action: AGC_PHASED_PAUSE, AGC_PHASED_RESUME, AGC_PHASED_FULL, AGC_PHASED_STEP);

impl agc_phased_action {
    /// The library's action; `step_day` counts only for a step.
    pub(crate) fn with_day(self, step_day: u32) -> PhasedAction {
        match self {
            agc_phased_action::AGC_PHASED_PAUSE => PhasedAction::Pause,
            agc_phased_action::AGC_PHASED_RESUME => PhasedAction::Resume,
            agc_phased_action::AGC_PHASED_FULL => PhasedAction::Full,
            agc_phased_action::AGC_PHASED_STEP => PhasedAction::Step(step_day),
        }
    }
}

impl From<PhasedAction> for agc_phased_action {
    fn from(a: PhasedAction) -> agc_phased_action {
        match a {
            PhasedAction::Pause => agc_phased_action::AGC_PHASED_PAUSE,
            PhasedAction::Resume => agc_phased_action::AGC_PHASED_RESUME,
            PhasedAction::Full => agc_phased_action::AGC_PHASED_FULL,
            PhasedAction::Step(_) => agc_phased_action::AGC_PHASED_STEP,
        }
    }
}

/// Which root certificates a client trusts; passed to `agc_client_set_trust` as an
/// `unsigned int`. The CA file of `agc_client_set_ca_file` is added in every case.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_trust {
    /// Mozilla's roots, built into the library (the default): the same on every machine.
    AGC_TRUST_MOZILLA = 1,
    /// The operating system's trust store (on Linux the distribution's CA bundle, or the
    /// file and directory named by `SSL_CERT_FILE` / `SSL_CERT_DIR`), for networks whose
    /// TLS-inspecting proxy has its CA installed there.
    AGC_TRUST_SYSTEM = 2,
    /// Mozilla's roots and the system's.
    AGC_TRUST_BOTH = 3,
}

c_enum!(agc_trust => TrustRoots: AGC_TRUST_MOZILLA, AGC_TRUST_SYSTEM, AGC_TRUST_BOTH);

impl From<TrustRoots> for agc_trust {
    fn from(t: TrustRoots) -> agc_trust {
        match t {
            TrustRoots::Mozilla => agc_trust::AGC_TRUST_MOZILLA,
            TrustRoots::System => agc_trust::AGC_TRUST_SYSTEM,
            TrustRoots::Both => agc_trust::AGC_TRUST_BOTH,
        }
    }
}

impl From<agc_trust> for TrustRoots {
    fn from(t: agc_trust) -> TrustRoots {
        match t {
            agc_trust::AGC_TRUST_MOZILLA => TrustRoots::Mozilla,
            agc_trust::AGC_TRUST_SYSTEM => TrustRoots::System,
            agc_trust::AGC_TRUST_BOTH => TrustRoots::Both,
        }
    }
}

/// How an upload sends the file; passed to `agc_upload_options_set_transfer` as an
/// `unsigned int` and returned by `agc_upload_result_transfer`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_transfer {
    /// The default: AGC's multipart upload from `AGC_AUTO_MULTIPART_FROM_BYTES` bytes (128
    /// MiB), one PUT below; when AGC refuses the multipart upload with a business error the
    /// file goes as one PUT, with a note (`agc_upload_result_note`).
    AGC_TRANSFER_AUTO = 1,
    /// One PUT of the whole file.
    AGC_TRANSFER_SINGLE = 2,
    /// AGC's multipart upload (init, parts, compose), whatever the size; its refusal is an error.
    AGC_TRANSFER_MULTIPART = 3,
}

c_enum!(agc_transfer => Transfer: AGC_TRANSFER_AUTO, AGC_TRANSFER_SINGLE, AGC_TRANSFER_MULTIPART);

impl From<Transfer> for agc_transfer {
    fn from(t: Transfer) -> agc_transfer {
        match t {
            Transfer::Auto => agc_transfer::AGC_TRANSFER_AUTO,
            Transfer::Single => agc_transfer::AGC_TRANSFER_SINGLE,
            Transfer::Multipart => agc_transfer::AGC_TRANSFER_MULTIPART,
        }
    }
}

impl From<agc_transfer> for Transfer {
    fn from(t: agc_transfer) -> Transfer {
        match t {
            agc_transfer::AGC_TRANSFER_AUTO => Transfer::Auto,
            agc_transfer::AGC_TRANSFER_SINGLE => Transfer::Single,
            agc_transfer::AGC_TRANSFER_MULTIPART => Transfer::Multipart,
        }
    }
}

/// A step of the release road (`agc_release_result_failed_step`). Numbers are stable.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_release_step {
    /// No step failed.
    AGC_STEP_NONE = 0,
    /// Checking the arguments, before any request.
    AGC_STEP_CHECK = 1,
    /// Uploading the file.
    AGC_STEP_UPLOAD = 2,
    /// Binding the uploaded object to the app.
    AGC_STEP_BIND = 3,
    /// Waiting for AGC to parse the package.
    AGC_STEP_WAIT_PARSING = 4,
    /// Setting the release notes.
    AGC_STEP_NOTES = 5,
    /// Submitting for review.
    AGC_STEP_SUBMIT = 6,
    /// Creating the test version.
    AGC_STEP_CREATE_TEST_VERSION = 7,
    /// Adding the package to the test versions.
    AGC_STEP_ADD_TEST_PACKAGE = 8,
    /// Setting the test window and groups.
    AGC_STEP_SET_TEST_INFO = 9,
    /// Submitting the test version.
    AGC_STEP_SUBMIT_TEST = 10,
    /// The preflight: the package checked against what AGC holds, before the upload
    /// (`AGC_ERR_PREFLIGHT` when it refused it; nothing was sent).
    AGC_STEP_PREFLIGHT = 11,
}

// Only handed out (never taken from C), and AGC_STEP_NONE has no library value: one direction.
impl From<ReleaseStep> for agc_release_step {
    fn from(s: ReleaseStep) -> agc_release_step {
        use agc_release_step::*;
        match s {
            ReleaseStep::Check => AGC_STEP_CHECK,
            ReleaseStep::Upload => AGC_STEP_UPLOAD,
            ReleaseStep::Bind => AGC_STEP_BIND,
            ReleaseStep::WaitParsing => AGC_STEP_WAIT_PARSING,
            ReleaseStep::Notes => AGC_STEP_NOTES,
            ReleaseStep::Submit => AGC_STEP_SUBMIT,
            ReleaseStep::CreateTestVersion => AGC_STEP_CREATE_TEST_VERSION,
            ReleaseStep::AddTestPackage => AGC_STEP_ADD_TEST_PACKAGE,
            ReleaseStep::SetTestInfo => AGC_STEP_SET_TEST_INFO,
            ReleaseStep::SubmitTest => AGC_STEP_SUBMIT_TEST,
            ReleaseStep::Preflight => AGC_STEP_PREFLIGHT,
        }
    }
}

/// Where an app's release stands (`agc_release_status_state`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum agc_release_state {
    /// Another state (see the raw `releaseState`), or none in AGC's answer.
    AGC_RELEASE_OTHER = 0,
    /// A draft, not submitted (`releaseState` 7).
    AGC_RELEASE_DRAFT = 1,
    /// In review (`releaseState` 4, 5, or 12 pre-review).
    AGC_RELEASE_IN_REVIEW = 2,
    /// Rejected (`releaseState` 1, 8, or 13 pre-review rejected); the reviewers' opinion is in
    /// the audit opinion.
    AGC_RELEASE_REJECTED = 3,
    /// Released (`releaseState` 0).
    AGC_RELEASE_RELEASED = 4,
    /// Approved, to be released (`releaseState` 3; a scheduled release waits for its time).
    AGC_RELEASE_APPROVED = 5,
    /// Not on the shelf: removed, removal requested, removed by the developer, release
    /// cancelled (`releaseState` 2, 6, 10, 11).
    AGC_RELEASE_OFFLINE = 6,
}

c_enum!(agc_release_state => ReleaseState:
    AGC_RELEASE_OTHER, AGC_RELEASE_DRAFT, AGC_RELEASE_IN_REVIEW, AGC_RELEASE_REJECTED, AGC_RELEASE_RELEASED,
    AGC_RELEASE_APPROVED, AGC_RELEASE_OFFLINE,
);

impl From<ReleaseState> for agc_release_state {
    fn from(s: ReleaseState) -> agc_release_state {
        use agc_release_state::*;
        match s {
            ReleaseState::Other => AGC_RELEASE_OTHER,
            ReleaseState::Draft => AGC_RELEASE_DRAFT,
            ReleaseState::InReview => AGC_RELEASE_IN_REVIEW,
            ReleaseState::Rejected => AGC_RELEASE_REJECTED,
            ReleaseState::Released => AGC_RELEASE_RELEASED,
            ReleaseState::Approved => AGC_RELEASE_APPROVED,
            ReleaseState::Offline => AGC_RELEASE_OFFLINE,
        }
    }
}

impl From<agc_release_state> for ReleaseState {
    fn from(s: agc_release_state) -> ReleaseState {
        use agc_release_state::*;
        match s {
            AGC_RELEASE_OTHER => ReleaseState::Other,
            AGC_RELEASE_DRAFT => ReleaseState::Draft,
            AGC_RELEASE_IN_REVIEW => ReleaseState::InReview,
            AGC_RELEASE_REJECTED => ReleaseState::Rejected,
            AGC_RELEASE_RELEASED => ReleaseState::Released,
            AGC_RELEASE_APPROVED => ReleaseState::Approved,
            AGC_RELEASE_OFFLINE => ReleaseState::Offline,
        }
    }
}

/// NUL-terminated copies of the library's names of one C enum's values, made on first use and
/// kept for the life of the process (so the pointers handed out never dangle, on any thread,
/// and no thread-local is involved: usable while a thread exits).
pub(crate) struct Names<E: CEnum>(OnceLock<Vec<CString>>, fn(E::Core) -> &'static str);

impl<E: CEnum> Names<E> {
    /// The names given by `name`, the library's naming function.
    pub(crate) const fn new(name: fn(E::Core) -> &'static str) -> Names<E> {
        Names(OnceLock::new(), name)
    }

    /// The name of `value`.
    pub(crate) fn of(&'static self, value: E) -> &'static CStr {
        let names = self
            .0
            .get_or_init(|| E::ALL.iter().map(|v| CString::new((self.1)(v.core())).unwrap_or_default()).collect());
        E::ALL.iter().position(|v| *v == value).and_then(|i| names.get(i)).map_or(c"", |n| n.as_c_str())
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

/// The C progress callback as the library's [`Progress`] sink.
pub(crate) struct CProgress {
    callback: agc_progress_fn,
    user_data: *mut c_void,
}

impl CProgress {
    pub(crate) fn new(callback: agc_progress_fn, user_data: *mut c_void) -> CProgress {
        CProgress { callback, user_data }
    }
}

impl Progress for CProgress {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        match self.callback {
            None => true,
            // SAFETY: the caller gave this function pointer and user_data for this call.
            Some(f) => unsafe { f(self.user_data, agc_phase::from(phase), done, total) == 0 },
        }
    }
}
