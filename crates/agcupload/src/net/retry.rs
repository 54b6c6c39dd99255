//! The one retry policy: which failures are worth another attempt, how long to wait
//! (exponential backoff with full jitter, or the server's `Retry-After`), and when to stop
//! (attempt count and overall deadline).
//!
//! Waiting happens on the caller's thread in short slices, reporting [`Phase::Retrying`] so a
//! progress callback can show it and cancel it.

use std::time::{Duration, Instant};

use crate::connect::TRANSIENT_CODES;
use crate::error::{Error, Result};
use crate::net::http::Deadline;
#[doc(hidden)]
use crate::progress::{self, Phase, Progress};

/// Retry settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// First backoff ceiling; doubles per attempt.
    pub base_delay: Duration,
    /// Largest backoff ceiling, and the largest `Retry-After` we honour.
    pub max_delay: Duration,
    /// Overall time budget of one operation, retries and waits included; `None` = unbounded
    /// (the inactivity timeout still catches a stalled peer).
    pub deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: crate::defaults::MAX_ATTEMPTS,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            deadline: Some(crate::defaults::RETRY_DEADLINE),
        }
    }
}

/// S3 error codes meaning "the signed URL went stale: ask for a new one".
const EXPIRED_SIGNATURE_CODES: [&str; 3] = ["RequestTimeTooSkewed", "ExpiredToken", "RequestExpired"];

/// Is another attempt worth it?
pub fn is_retryable(e: &Error) -> bool {
    match e {
        Error::Network { retryable, .. } => *retryable,
        Error::Timeout(_) => true,
        Error::Http { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
        Error::UploadRejected { status, code, message, .. } => {
            matches!(status, 429 | 500 | 502 | 503 | 504)
                || EXPIRED_SIGNATURE_CODES.contains(&code.as_str())
                || (code == "AccessDenied" && message.to_ascii_lowercase().contains("expired"))
        }
        Error::Api { code, .. } => TRANSIENT_CODES.contains(code),
        _ => false,
    }
}

fn server_delay(e: &Error) -> Option<Duration> {
    match e {
        Error::Http { retry_after, .. } | Error::UploadRejected { retry_after, .. } => *retry_after,
        _ => None,
    }
}

/// A uniformly random duration in `[0, ceiling]` (full jitter), from the OS RNG.
fn jitter(ceiling: Duration) -> Duration {
    let mut b = [0u8; 8];
    // Randomness only spreads clients apart; without it we wait the full ceiling.
    if getrandom::getrandom(&mut b).is_err() {
        return ceiling;
    }
    let r = u64::from_le_bytes(b) as f64 / u64::MAX as f64;
    ceiling.mul_f64(r)
}

impl RetryPolicy {
    /// The absolute deadline for an operation starting now.
    pub(crate) fn start(&self) -> Deadline {
        Deadline(self.deadline.map(|d| Instant::now() + d))
    }

    /// The wait before attempt `attempt + 1`, after `attempt` failed with `e`.
    pub(crate) fn delay(&self, attempt: u32, e: &Error) -> Duration {
        if let Some(d) = server_delay(e) {
            return d.min(self.max_delay);
        }
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        jitter(exp.min(self.max_delay))
    }

    /// Run `op` until it succeeds, fails for good, runs out of attempts or of time.
    /// `op` gets the attempt number (1-based) and the deadline.
    pub(crate) fn run<T>(
        &self,
        deadline: Deadline,
        progress: &mut dyn Progress,
        op: impl FnMut(u32, Deadline, &mut dyn Progress) -> Result<T>,
    ) -> Result<T> {
        self.run_if(deadline, progress, is_retryable, op)
    }

    /// [`RetryPolicy::run`] for an operation that decides itself which failures are worth
    /// another attempt (`retryable` is asked after each failure, before any wait).
    pub(crate) fn run_if<T>(
        &self,
        deadline: Deadline,
        progress: &mut dyn Progress,
        retryable: impl Fn(&Error) -> bool,
        mut op: impl FnMut(u32, Deadline, &mut dyn Progress) -> Result<T>,
    ) -> Result<T> {
        let mut attempt = 1;
        loop {
            let err = match op(attempt, deadline, progress) {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if !retryable(&err) || attempt >= self.max_attempts {
                return Err(err);
            }
            let wait = self.delay(attempt, &err);
            if let Some(left) = deadline.remaining().map_err(|_| err_after_deadline(&err))? {
                if wait >= left {
                    return Err(err_after_deadline(&err));
                }
            }
            progress::event(progress, Phase::Retrying, attempt as u64, self.max_attempts as u64)?;
            sleep_reporting(wait, attempt, self.max_attempts, progress)?;
            attempt += 1;
        }
    }
}

fn err_after_deadline(last: &Error) -> Error {
    Error::Timeout(format!("the overall deadline passed; last error: {last}"))
}

/// Sleep in slices of at most 100 ms, reporting so the caller may cancel.
fn sleep_reporting(wait: Duration, attempt: u32, max: u32, progress: &mut dyn Progress) -> Result<()> {
    let end = Instant::now() + wait;
    loop {
        let now = Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(Duration::from_millis(100)));
        progress::event(progress, Phase::Retrying, attempt as u64, max as u64)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    fn net() -> Error {
        Error::Network { what: "reset".into(), retryable: true }
    }

    #[test]
    fn classification() {
        assert!(is_retryable(&net()));
        assert!(!is_retryable(&Error::Network { what: "x".into(), retryable: false }));
        assert!(is_retryable(&Error::Http { status: 503, message: String::new(), retry_after: None }));
        assert!(!is_retryable(&Error::Http { status: 400, message: String::new(), retry_after: None }));
        let rej = |status, code: &str, message: &str| Error::UploadRejected {
            status,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        };
        assert!(is_retryable(&rej(403, "RequestTimeTooSkewed", "")));
        assert!(is_retryable(&rej(403, "AccessDenied", "Request has expired")));
        assert!(!is_retryable(&rej(403, "SignatureDoesNotMatch", "")));
        assert!(!is_retryable(&rej(400, "XAmzContentSHA256Mismatch", "")));
        assert!(is_retryable(&Error::Api { code: 204144659, message: String::new() }));
        assert!(!is_retryable(&Error::Api { code: 204144641, message: String::new() }));
        assert!(!is_retryable(&Error::Auth(String::new())));
        assert!(!is_retryable(&Error::Cancelled));
        assert!(!is_retryable(&Error::FileChanged(String::new())));
    }

    #[test]
    fn delays() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..Default::default()
        };
        for attempt in 1..10 {
            let d = p.delay(attempt, &net());
            assert!(d <= Duration::from_millis(100 << (attempt - 1)).min(Duration::from_secs(1)));
        }
        let e = Error::Http { status: 503, message: String::new(), retry_after: Some(Duration::from_secs(7)) };
        assert_eq!(p.delay(1, &e), Duration::from_secs(1));
    }

    #[test]
    fn stops_after_max_attempts_and_on_permanent_errors() {
        let p = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: None,
        };
        let mut calls = 0;
        let r: Result<()> = p.run(p.start(), &mut NoProgress, |_, _, _| {
            calls += 1;
            Err(net())
        });
        assert!(matches!(r, Err(Error::Network { .. })));
        assert_eq!(calls, 3);
        calls = 0;
        let r: Result<()> = p.run(p.start(), &mut NoProgress, |_, _, _| {
            calls += 1;
            Err(Error::Auth("no".into()))
        });
        assert!(matches!(r, Err(Error::Auth(_))));
        assert_eq!(calls, 1);
        let r = p.run(p.start(), &mut NoProgress, |a, _, _| if a < 2 { Err(net()) } else { Ok(a) });
        assert_eq!(r.unwrap(), 2);
    }

    #[test]
    fn deadline_ends_retries() {
        let p = RetryPolicy {
            max_attempts: 100,
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(5),
            deadline: Some(Duration::from_millis(50)),
        };
        let e = Error::Http { status: 503, message: String::new(), retry_after: Some(Duration::from_secs(5)) };
        let r: Result<()> = p.run(p.start(), &mut NoProgress, |_, _, _| {
            Err(Error::Http { status: 503, message: String::new(), retry_after: Some(Duration::from_secs(5)) })
        });
        assert!(matches!(r, Err(Error::Timeout(_))), "{r:?}");
        let _ = e;
    }
}
