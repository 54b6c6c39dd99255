//! libagcupload: upload HarmonyOS app packages and other files to Huawei AppGallery Connect.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod error;
pub mod seal;

pub use error::{Error, Result, Status};
