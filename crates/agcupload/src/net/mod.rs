//! Networking: the one place that touches ureq's unversioned transport API (ureq is pinned to
//! the minor version this was written against, see Cargo.toml). The agent and bounded reads
//! (`http`), the sliced TCP waits that make a cancel prompt (`interrupt`), our TLS connector
//! (`tls`), the proxy choice (`proxy`) and the one retry policy (`retry`).

pub(crate) mod http;
pub(crate) mod interrupt;
pub(crate) mod proxy;
pub(crate) mod retry;
pub(crate) mod tls;
