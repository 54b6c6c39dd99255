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

pub mod api;
pub mod auth;
pub mod client;
pub mod digest;
pub mod error;
pub mod ffi;
mod fsio;
mod http;
pub mod inspect;
pub mod package;
pub mod progress;
mod proxy;
#[doc(hidden)]
pub use proxy::fuzz_proxy_setting;
pub mod redact;
pub mod release;
pub mod release_flow;
pub mod retry;
pub mod seal;
pub mod secret;
mod text;
mod transfer;

pub use auth::Credentials;
pub use client::{Client, Published, UploadRequest, UploadResult};
pub use error::{Error, Result, Status};
pub use http::TrustRoots;
pub use inspect::{inspect_package, ModuleInfo, PackageInfo};
pub use package::PackageKind;
pub use progress::{NoProgress, Phase, Progress};
pub use release::{
    AppState, ReleaseNote, ReleasePaths, ReleasePhase, ReleaseState, SubmitOptions, TestRelease, TestType,
};
pub use release_flow::{ReleaseError, ReleaseIds, ReleaseRequest, ReleaseStep, ReleaseTarget};
pub use retry::RetryPolicy;
pub use secret::Secret;
