//! The transfer pipeline: hashing the file (`digest`, and `sha256` for the two states a
//! multipart part needs), streaming it to a signed URL (`stream`), and the resume file of a
//! multipart upload (`resume`). The operations that drive it are in `crate::client::upload`.

pub(crate) mod digest;
pub(crate) mod resume;
pub(crate) mod sha256;
pub(crate) mod stream;
