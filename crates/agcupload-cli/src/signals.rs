//! SIGINT, SIGTERM and SIGHUP set flags that the progress sink checks: the library then
//! cancels at its next progress report (never mid-write of a stored object). A second signal
//! of the same kind exits at once (130 for Ctrl-C, 8 otherwise).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::flag;

use crate::exit;

/// The flags; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Signals {
    interrupt: Arc<AtomicBool>,
    terminate: Arc<AtomicBool>,
}

impl Signals {
    /// Install the handlers. Failure to install them is not fatal (the tool still works,
    /// only without a clean Ctrl-C), so it is returned for a warning.
    pub fn install() -> (Signals, Option<std::io::Error>) {
        let s = Signals::default();
        let mut err = None;
        let mut reg = |sig: i32, f: &Arc<AtomicBool>, code: i32| {
            // Order matters: the conditional exit sees the flag as it was before this signal.
            let r = flag::register_conditional_shutdown(sig, code, Arc::clone(f))
                .and_then(|_| flag::register(sig, Arc::clone(f)));
            if let Err(e) = r {
                err.get_or_insert(e);
            }
        };
        reg(SIGINT, &s.interrupt, exit::INTERRUPTED);
        reg(SIGTERM, &s.terminate, exit::CANCELLED);
        reg(SIGHUP, &s.terminate, exit::CANCELLED);
        (s, err)
    }

    /// A signal asked to stop.
    pub fn cancelled(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed) || self.terminate.load(Ordering::Relaxed)
    }

    /// The exit code of a cancellation: 130 after Ctrl-C, else 8.
    pub fn exit_code(&self) -> i32 {
        if self.interrupt.load(Ordering::Relaxed) {
            exit::INTERRUPTED
        } else {
            exit::CANCELLED
        }
    }
}
