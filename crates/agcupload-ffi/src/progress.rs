//! The C progress callback as a [`Progress`] sink.

use std::os::raw::c_void;

use super::types::*;
use agcupload::{Phase, Progress};

pub(super) struct CProgress {
    pub(super) callback: agc_progress_fn,
    pub(super) user_data: *mut c_void,
}

impl Progress for CProgress {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        match self.callback {
            None => true,
            // SAFETY: the caller gave us this function pointer and user_data for this call.
            Some(f) => unsafe { f(self.user_data, agc_phase::from(phase), done, total) == 0 },
        }
    }
}
