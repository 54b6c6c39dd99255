//! `Retry-After` values and HTTP dates: `parse_retry_after`, `parse_http_date`. Any text, or an
//! IMF-fixdate from fields (years and times of any i64), which must agree with an independent
//! day count when it is well-formed and in range.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../crates/agcupload/tests/parsers/checks.rs"]
mod checks;

#[derive(Arbitrary, Debug)]
enum Input<'a> {
    Text(&'a str),
    Date { weekday: u8, day: i64, month: u8, year: i64, h: i64, m: i64, s: i64 },
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fuzz_target!(|input: Input<'_>| match input {
    Input::Text(v) => checks::check_retry_after(v, None),
    Input::Date { weekday, day, month, year, h, m, s } => {
        let month = usize::from(month) % 12;
        let v =
            format!("{}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT", DAYS[usize::from(weekday) % 7], MONTHS[month]);
        let well_formed =
            (1..=31).contains(&day) && (0..24).contains(&h) && (0..60).contains(&m) && (0..=60).contains(&s);
        let expected = (well_formed && (1970..=100_000).contains(&year))
            .then(|| checks::oracle_days(year, month, day) * 86_400 + h * 3600 + m * 60 + s);
        checks::check_retry_after(&v, expected);
    }
});
