//! Cancelling a call while it waits for its answer, without a thread.
//!
//! A Connect call whose answer takes 40 s (a slow AGC, a stalled proxy) would otherwise hold
//! the caller for 40 s after it asked to stop: a blocking read cannot be interrupted. So every
//! connection's transport ([`Interruptible`], between TCP and TLS) waits for input in slices of
//! [`SLICE`], and between two slices asks the *probe* of the call in progress whether to go
//! on. The probe is the caller's progress sink repeating its last report (the callback that
//! can cancel, as while waiting for a token): a cancel ends the wait within one slice, and the
//! call fails with [`crate::Error::Cancelled`]. The timeouts are unchanged: the slices add up
//! to the same per-read limit and deadline.
//!
//! The probe lives in a thread-local for the duration of [`with_probe`] only (the library never
//! starts a thread: the transport runs on the caller's thread, where the probe was set).

use std::cell::Cell;
use std::fmt;
use std::io;
use std::time::Instant;

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// How long one wait for input lasts before the probe is asked again.
pub(crate) const SLICE: std::time::Duration = std::time::Duration::from_millis(200);

/// The probe: `true` to go on waiting.
type Probe = dyn Fn() -> bool;

thread_local! {
    /// The probe of the call in progress on this thread (set only inside [`with_probe`]).
    static PROBE: Cell<Option<*const Probe>> = const { Cell::new(None) };
    /// Set when a probe said stop, until [`take_cancelled`] reads it.
    static CANCELLED: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with `probe` asked between the slices of every wait for input on this thread.
/// The previous probe (a nested call) is restored afterwards, also on a panic.
pub(crate) fn with_probe<R>(probe: &dyn Fn() -> bool, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<*const Probe>);
    impl Drop for Restore {
        fn drop(&mut self) {
            PROBE.with(|p| p.set(self.0));
        }
    }
    let ptr: *const (dyn Fn() -> bool + '_) = probe;
    // SAFETY: only the lifetime is erased. The pointer is readable through PROBE only until
    // `Restore` runs at the end of this function (also when `f` panics), while `probe` is
    // still borrowed here, so it is never used after the closure is gone.
    let ptr: *const Probe = unsafe { std::mem::transmute(ptr) };
    let _restore = Restore(PROBE.with(|p| p.replace(Some(ptr))));
    CANCELLED.with(|c| c.set(false));
    f()
}

/// Ask the probe of this thread (if any) whether to go on waiting.
fn go_on() -> bool {
    // Taken while it runs: a probe that reaches a transport again (it should not) sees none.
    let Some(ptr) = PROBE.with(|p| p.take()) else { return true };
    struct Put(*const Probe);
    impl Drop for Put {
        fn drop(&mut self) {
            PROBE.with(|p| p.set(Some(self.0)));
        }
    }
    let _put = Put(ptr);
    // SAFETY: set by `with_probe`, whose frame (and the closure) outlives every use: PROBE is
    // restored before `with_probe` returns.
    let go = unsafe { (*ptr)() };
    if !go {
        CANCELLED.with(|c| c.set(true));
    }
    go
}

/// Did a probe on this thread stop a wait since the last [`with_probe`] began? Clears it.
pub(crate) fn take_cancelled() -> bool {
    CANCELLED.with(|c| c.replace(false))
}

/// The error a transport returns when the probe said stop.
#[derive(Debug)]
pub(crate) struct Stopped;

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cancelled while waiting for the answer")
    }
}

impl std::error::Error for Stopped {}

/// Whether a transport failure is a stop asked by the probe.
pub(crate) fn is_stopped(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<Stopped>()))
}

/// A transport that waits for input in slices, asking the probe between them.
#[derive(Debug)]
pub(crate) struct Interruptible<T>(T);

impl<T: Transport> Transport for Interruptible<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if PROBE.with(|p| p.get()).is_none() {
            return self.0.await_input(timeout);
        }
        // The real bound of this wait (the remaining budget or the per-read limit), applied
        // here over the slices; the layer below sees only slices.
        let bound = timeout.for_read();
        let start = Instant::now();
        loop {
            let elapsed = start.elapsed();
            let left = if bound.after.is_not_happening() { None } else { Some(bound.after.saturating_sub(elapsed)) };
            let slice = left.map_or(SLICE, |l| l.min(SLICE));
            let last = left.is_some_and(|l| l <= SLICE);
            let next =
                NextTimeout { after: slice.into(), reason: bound.reason, per_read: None, per_write: timeout.per_write };
            match self.0.await_input(next) {
                Err(ureq::Error::Timeout(_)) if !last => {
                    if !go_on() {
                        // Not `Interrupted`: readers above retry that kind.
                        return Err(ureq::Error::Io(io::Error::other(Stopped)));
                    }
                }
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// Wraps the connection below TLS in [`Interruptible`].
#[derive(Debug)]
pub(crate) struct InterruptibleConnector;

impl<In: Transport> Connector<In> for InterruptibleConnector {
    type Out = Interruptible<In>;

    fn connect(&self, _: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(Interruptible))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn current() -> bool {
        PROBE.with(|p| p.get()).is_some()
    }

    #[test]
    fn a_probe_is_seen_only_inside_its_call_and_nested_ones_are_restored() {
        assert!(!current() && go_on(), "no probe: go on");
        let outer_asked = Cell::new(0);
        let outer = || {
            outer_asked.set(outer_asked.get() + 1);
            true
        };
        with_probe(&outer, || {
            assert!(go_on());
            let inner = || false;
            with_probe(&inner, || {
                assert!(!go_on(), "the inner probe says stop");
                assert!(take_cancelled(), "and the stop is remembered once");
                assert!(!take_cancelled());
            });
            // The outer probe is back.
            assert!(go_on());
        });
        assert_eq!(outer_asked.get(), 2);
        assert!(!current(), "gone after the call");
    }

    #[test]
    fn a_panic_inside_the_call_restores_the_previous_probe() {
        let outer = || true;
        with_probe(&outer, || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let inner = || false;
                with_probe(&inner, || panic!("inside"));
            }));
            assert!(r.is_err());
            assert!(go_on(), "the outer probe, not the inner one's dangling pointer");
        });
        assert!(!current());
    }

    #[test]
    fn a_probe_that_reaches_a_wait_again_sees_none() {
        // While a probe runs it is taken out: a nested wait (it should not happen) goes on.
        let nested = Cell::new(None);
        let probe = || {
            nested.set(Some(current()));
            true
        };
        with_probe(&probe, || assert!(go_on()));
        assert_eq!(nested.get(), Some(false));
    }
}
