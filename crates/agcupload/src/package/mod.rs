//! Packages: the kinds and AGC's rules checked before any network I/O (`rules`), and the
//! offline reading of a `.app`'s pack.info (`inspect`).

pub(crate) mod inspect;
pub(crate) mod rules;
