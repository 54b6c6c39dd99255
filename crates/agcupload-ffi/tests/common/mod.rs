//! Helpers of the C layer's tests: the library's test helpers (one copy, in
//! crates/agcupload/tests/common: the mock, clients, temp files, app fixtures) and what the
//! secret tests share.
#![allow(dead_code)]

#[path = "../../../agcupload/tests/common/mod.rs"]
mod library;
pub use library::*;

pub mod secrets;
