//! The C ABI. This layer only translates: pointers and UTF-8 are checked here, every body
//! runs inside a panic boundary, errors become an [`agc_status`] plus a thread-local message.
//! No upload logic lives here.
//!
//! Conventions (also in the header): functions return `agc_status`; `AGC_OK` is 0; on
//! failure `agc_last_error()` describes what went wrong on this thread; out-pointers are set
//! to NULL on failure; strings are NUL-terminated UTF-8.
#![allow(non_camel_case_types)]

mod boundary;
mod exports;
mod types;

pub use exports::*;
pub use types::*;
