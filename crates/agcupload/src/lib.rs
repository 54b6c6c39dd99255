//! libagcupload: upload HarmonyOS app packages and other files to Huawei AppGallery Connect.
//!
//! The upload is AGC's two-step dance: hash the file, ask the Connect API for a signed upload
//! URL (name, size, SHA-256), then PUT the bytes to it, replaying the signed headers. This
//! crate does it blocking and thread-free, with constant memory and retries. The C ABI
//! (`include/agcupload.h`) is the agcupload-ffi crate, built on this one.
//!
//! ```no_run
//! use agcupload::{Client, Credentials, PackageKind, NoProgress};
//! let client = Client::new(Credentials::api_client("my-client-id", "my-secret"))?;
//! let result = client.upload_file("1234567", "build/app.app".as_ref(), PackageKind::HarmonyApp, &mut NoProgress)?;
//! println!("stored as {}", result.object_id);
//! # Ok::<(), agcupload::Error>(())
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

// Private modules by concept; the API is what the root re-exports below, plus `seal` and
// `defaults`. `internal` is for this workspace's C layer, tests and fuzzing only.
mod auth;
mod client;
mod connect;
pub mod defaults;
mod error;
mod fsio;
mod listing;
mod net;
mod package;
mod progress;
pub mod seal;
mod text;
mod transfer;

/// This library's version (the workspace's, shared with the C library's `agc_version()`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use auth::{Credentials, ServiceAccount, JWT_AUDIENCE, JWT_LIFETIME};
pub use client::listing_plan::{
    ListingApplied, ListingChange, ListingField, ListingPlan, ListingPulled, ListingUpload, ListingValue,
};
pub use client::release::{ReleaseError, ReleaseIds, ReleaseRequest, ReleaseStep, ReleaseTarget};
pub use client::upload::parse_sha256_hex;
pub use client::upload::AUTO_MULTIPART_FROM;
pub use client::versions::{PhasedDone, Withdrawn};
pub use client::{CheckReport, Client, PreflightReport, Published, Transfer, UploadRequest, UploadResult};
pub use connect::listing::{ListingPaths, ListingTexts, PhasedAction};
pub use connect::package::BindQuery;
pub use connect::preflight::PreflightPaths;
pub use connect::release::{check_language, check_notes, normalize_release_time, parse_submit_field};
pub use connect::release::{
    AppState, PhasedRelease, ReleaseNote, ReleasePaths, ReleasePhase, ReleaseState, SubmitOptions,
};
pub use connect::test_release::{TestRelease, TestType};
pub use error::{Error, Result, Status};
pub use fsio::{quote_path, read_small_file, read_small_file_no_link};
pub use listing::{
    normalize_text, Device, Listing, ListingFile, ListingLanguage, ListingVideo, MediaFormat, MANIFEST_NAME,
};
pub use net::http::TrustRoots;
pub use net::retry::RetryPolicy;
pub use package::inspect::inspect_package_sha256;
pub use package::inspect::{inspect_package, ModuleInfo, PackageInfo};
pub use package::rules::PackageKind;
pub use progress::{NoProgress, Phase, Progress};
pub use text::secret::Secret;
pub use transfer::digest::{to_hex, Sha256Digest};
pub use transfer::resume::recorded_parts;

/// AGC's limits and ours, each defined once beside the rule that enforces it: package sizes,
/// text lengths, the test window, parts, the listing's files. Every layer (the C header's `AGC_*` limits, the tool's
/// help, docs/reference/limits-and-statuses.md) takes them from here.
pub mod limits {
    pub use crate::connect::listing::{
        MAX_FILE_LIST_LANGUAGES, MAX_LANG_LEN as MAX_LISTING_LANG_LEN, MAX_OBJECT_IDS, PHASE_DAYS, WITHDRAW_STATES,
    };
    pub use crate::connect::multipart::{DEFAULT_PART_MIN_SIZE as PART_MIN_SIZE, MAX_PARTS, PART_MAX_SIZE};
    pub use crate::connect::release::{
        MAX_APP_DESC, MAX_APP_NAME, MAX_BRIEF_INFO, MAX_EXTRA_SUBMIT_FIELDS, MAX_NEW_FEATURES, MAX_PHASED_DESC,
        REMARK_CHARS,
    };
    pub use crate::connect::test_release::{
        DISTRIBUTE_APPGALLERY, DISTRIBUTE_TEST_ZONE, MAX_TEST_DESC, MAX_TEST_WINDOW,
    };
    pub use crate::listing::rules::{
        ICON_SIDES, MAX_ICON_PNG, MAX_ICON_WEBP, MAX_SCREENSHOT_PNG_JPEG, MAX_SCREENSHOT_WEBP, MAX_VIDEO,
        MAX_VIDEOS_PER_DEVICE, SCREENSHOTS_PER_DEVICE, VIDEO_SECONDS,
    };
    pub use crate::listing::MAX_TEXT_FILE as MAX_LISTING_TEXT_FILE;
    pub use crate::package::rules::{ATOMIC_SERVICE_MAX, HARMONY_APP_MAX, PROFILE_PICTURE_MAX};
    pub use crate::text::bounds::MAX_SERVER_TEXT;
}
pub use limits::MAX_SERVER_TEXT;

/// Not part of the API: the rule checks the C layer (agcupload-ffi) runs when an argument is
/// set, and the parsers the tests and the fuzz targets drive. May change in any release.
#[doc(hidden)]
pub mod internal {
    pub use crate::client::release::check_resumed_sha256;
    pub use crate::connect::ids::{check_group_id, check_object_id};
    pub use crate::connect::listing::{check_listing_language, file_info_body, parse_listing, phased_body};
    pub use crate::connect::package::parse_bind;
    pub use crate::connect::preflight::check_bundle_name;
    pub use crate::connect::release::{
        advice, check_note, check_notes, check_phase, check_remark, check_submit_field, is_still_processing,
        normalize_release_time, parse_app_state, parse_submit_field,
    };
    pub use crate::connect::test_release::{
        check_distribute_mode, check_test_desc, check_test_window, parse_test_package, parse_version_id,
    };
    pub use crate::connect::token::parse_token;
    pub use crate::connect::upload_url::{
        check_https_url, check_upload_url, parse_upload_url, UploadTarget, UploadUrlQuery,
    };
    pub use crate::connect::{parse_empty, parse_json, parse_ret};
    pub use crate::listing::mp4::duration_ms as video_duration_ms;
    pub use crate::net::http::{parse_http_date, parse_retry_after};
    pub use crate::net::proxy::fuzz_proxy_setting;
    pub use crate::package::inspect::{check_declared_kind, check_package};
    pub use crate::package::rules::{check_file_name, Package};
    pub use crate::text::bounds::bounded;
    pub use crate::transfer::stream::parse_s3_error;
}
