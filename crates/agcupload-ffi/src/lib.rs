//! The C ABI. This layer only translates: pointers and UTF-8 are checked here, every body
//! runs inside a panic boundary, errors become an [`agc_status`] plus a thread-local message.
//! No upload logic lives here. One file per exposed concept; the header is generated from
//! them in the order of the `mod` lines below.
//!
//! Conventions (also in the header): functions return `agc_status`; `AGC_OK` is 0; on
//! failure `agc_last_error()` describes what went wrong on this thread; out-pointers are set
//! to NULL first (before any other check), so they are NULL after any failure; strings are
//! NUL-terminated UTF-8, paths are NUL-terminated bytes on POSIX.
#![allow(non_camel_case_types)]

mod boundary;
mod reentry;
mod types;

mod defaults;

mod client;
mod inspect;
mod network;
mod options;
mod preflight;
mod progress;
mod publish;
mod release;
mod release_calls;
mod release_options;
mod seal;
mod status;
mod transfer;
mod upload;
// After upload and release: the notes of both results.
mod notes;

pub use client::*;
pub use defaults::*;
pub use inspect::*;
pub use network::*;
pub use notes::*;
pub use options::*;
pub use preflight::*;
pub use publish::*;
pub use release::*;
pub use release_calls::*;
pub use release_options::*;
pub use seal::*;
pub use status::*;
pub use transfer::*;
pub use types::*;
pub use upload::*;
