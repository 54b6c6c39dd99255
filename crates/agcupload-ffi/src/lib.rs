//! The C ABI of libagcupload. This layer only translates: every exported function is one
//! `ffi!` invocation (boundary.rs: the panic guard, the last error, the argument checks, the
//! out-pointers), the numbered enums live in types.rs, and no upload rule lives here.
//!
//! One file per C type, holding every function of that type; the header is generated from
//! them in the order of the `mod` lines below (library-wide calls first, then a client, its
//! upload, the road step by step and in one call, the store listing, and what needs no client).
//!
//! Conventions (also in the header): functions return `agc_status`; `AGC_OK` is 0; on
//! failure `agc_last_error()` describes what went wrong on this thread; out-pointers are set
//! to NULL first (before any other check), so they are NULL after any failure; strings are
//! NUL-terminated UTF-8, paths are NUL-terminated bytes on POSIX.
#![allow(non_camel_case_types)]

#[macro_use]
mod boundary;
mod reentry;
mod types;

// The header follows this order (rustfmt would sort adjacent `mod` lines: hence one a group).
// Library-wide: version, names, the last error; the defaults.
mod status;

mod defaults;

// A client and its settings.
mod client;

// Uploading: the options, the call and its result.
mod upload_options;

mod upload;

// The release road: its options, its steps one by one, all of them in one call, where it stands.
mod release_options;

mod publish;

mod release;

mod release_status;

// The store listing from a folder, and the calls around a release it needs.
mod listing;

mod versions;

// Without a client: inspecting a package, sealing a file.
mod package_info;

mod seal;

pub use client::*;
pub use defaults::*;
pub use listing::*;
pub use package_info::*;
pub use publish::*;
pub use release::*;
pub use release_options::*;
pub use release_status::*;
pub use seal::*;
pub use status::*;
pub use types::{
    agc_package_kind, agc_phase, agc_phased_action, agc_progress_fn, agc_release_state, agc_release_step, agc_status,
    agc_transfer, agc_trust,
};
pub use upload::*;
pub use upload_options::*;
pub use versions::*;
