//! Proxy settings and `NO_PROXY` lists, taken as a new agent takes them. A URL built around the
//! planted user and password (whose host, port and rest the fuzzer picks) must never show
//! them (unless those parts spell them themselves); any other setting must only be read
//! without a panic and with bounded messages.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/agcupload/tests/parsers/checks.rs"]
mod checks;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    scheme: u8,
    spelling: u8,
    shape: u8,
    host: &'a str,
    port: &'a str,
    tail: &'a str,
    no_proxy: &'a str,
    /// A setting of any text instead (no credentials planted).
    raw: Option<&'a str>,
}

fuzz_target!(|input: Input<'_>| {
    match input.raw {
        Some(raw) => {
            checks::check_proxy(raw, input.no_proxy, true);
        }
        None => {
            let scheme = checks::PROXY_SCHEMES[usize::from(input.scheme) % checks::PROXY_SCHEMES.len()];
            let url = checks::proxy_url(
                scheme,
                usize::from(input.spelling),
                usize::from(input.shape),
                input.host,
                input.port,
                input.tail,
            );
            // A host, port or rest that spells a piece of the credentials is the fuzzer's own
            // text: showing it is no leak.
            let planted_elsewhere =
                checks::may_carry_credentials(&format!("{}{}{}", input.host, input.port, input.tail));
            checks::check_proxy(&url, input.no_proxy, planted_elsewhere);
        }
    }
});
