//! libagcupload: upload HarmonyOS app packages and other files to Huawei AppGallery Connect.
//!
//! The upload is AGC's two-step dance: hash the file, ask the Connect API for a signed upload
//! URL (name, size, SHA-256), then PUT the bytes to it, replaying the signed headers. This
//! crate does it blocking and thread-free, with constant memory, retries, and a C ABI
//! (`include/agcupload.h`).
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

// `cbindgen:ignore` on every module but ffi: the header holds src/ffi only (the constants
// of the other modules are not part of the C ABI; src/ffi/defaults.rs exports the defaults).
/// cbindgen:ignore
pub mod auth;
/// cbindgen:ignore
pub mod client;
/// cbindgen:ignore
pub mod connect;
/// cbindgen:ignore
pub mod defaults;
/// cbindgen:ignore
pub mod digest;
/// cbindgen:ignore
pub mod error;
pub mod ffi;
/// cbindgen:ignore
mod fsio;
/// cbindgen:ignore
mod http;
/// cbindgen:ignore
pub mod inspect;
/// cbindgen:ignore
mod interrupt;
/// cbindgen:ignore
pub mod package;
/// cbindgen:ignore
pub mod progress;
/// cbindgen:ignore
mod proxy;
#[doc(hidden)]
pub use proxy::fuzz_proxy_setting;
/// cbindgen:ignore
/// cbindgen:ignore
pub mod redact;
/// cbindgen:ignore
pub mod resume;
/// cbindgen:ignore
pub mod retry;
/// cbindgen:ignore
pub mod seal;
/// cbindgen:ignore
pub mod secret;
/// cbindgen:ignore
mod sha256;
/// cbindgen:ignore
mod text;
/// cbindgen:ignore
mod tls;
/// cbindgen:ignore
pub mod transfer;
/// cbindgen:ignore
pub mod untrusted;

pub use auth::Credentials;
pub use client::release::{ReleaseError, ReleaseIds, ReleaseRequest, ReleaseStep, ReleaseTarget};
pub use client::{Client, PreflightReport, Published, Transfer, UploadRequest, UploadResult};
pub use connect::package::BindQuery;
pub use connect::preflight::PreflightPaths;
pub use connect::release::{AppState, ReleaseNote, ReleasePaths, ReleasePhase, ReleaseState, SubmitOptions};
pub use connect::test_release::{TestRelease, TestType};
pub use error::{Error, Result, Status};
pub use fsio::{quote_path, read_small_file, read_small_file_no_link};
pub use http::TrustRoots;
pub use inspect::{inspect_package, ModuleInfo, PackageInfo};
pub use package::PackageKind;
pub use progress::{NoProgress, Phase, Progress};
pub use retry::RetryPolicy;
pub use secret::Secret;
