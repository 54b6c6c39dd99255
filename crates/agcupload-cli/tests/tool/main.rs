//! The `agcupload` tool's integration tests, in one binary (one build and link of the tool's
//! test helpers and the mock), a module per area, all sharing [`common`].

mod common;

mod cli;
mod github;
mod inputs;
mod inspect;
mod listing;
mod multipart;
mod preflight;
