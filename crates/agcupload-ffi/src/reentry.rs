//! Re-entrancy detection: which clients are running an operation (and so may be inside one of
//! their callbacks) on this thread. A call into such a client from its callback is refused
//! with `AGC_ERR_REENTRANT`, as libcurl refuses with `CURLE_RECURSIVE_API_CALL`: a setter
//! would alias the `&Client` the operation holds with a `&mut`, and a free would pull the
//! client from under it.
//!
//! The record is an intrusive stack of heap frames whose head lives in a `const` thread-local
//! `Cell` of a raw pointer: it has no destructor, so it keeps working while the thread exits
//! (calls from a pthread key destructor), and costs one small allocation per operation.

use std::cell::Cell;
use std::ptr;

use crate::client::agc_client;
use agcupload::{Error, Result};

struct Frame {
    client: *const agc_client,
    prev: *const Frame,
}

thread_local! {
    static BUSY: Cell<*const Frame> = const { Cell::new(ptr::null()) };
}

/// Whether `client` is running an operation on this thread.
fn is_busy(client: *const agc_client) -> bool {
    BUSY.try_with(|head| {
        let mut f = head.get();
        while !f.is_null() {
            // SAFETY: every frame on the stack is owned by a live `Busy` further up this
            // thread's call stack; frames are popped before they are freed.
            let frame = unsafe { &*f };
            if ptr::eq(frame.client, client) {
                return true;
            }
            f = frame.prev;
        }
        false
    })
    .unwrap_or(false)
}

/// Refuse a call into `client` while it runs an operation on this thread. `what` names the
/// call for the message.
pub(crate) fn ensure_idle(client: *const agc_client, what: &str) -> Result<()> {
    if is_busy(client) {
        return Err(Error::Reentrant(format!(
            "{what} was called on a client from inside one of its own callbacks on this thread; \
             nothing was done (call it after the operation returns)"
        )));
    }
    Ok(())
}

/// Marks a client busy on this thread for as long as it lives (one operation).
pub(crate) struct Busy {
    /// From `Box::into_raw`; freed in `drop` after it is unlinked.
    frame: *mut Frame,
    pushed: bool,
}

impl Busy {
    /// Check that `client` is idle on this thread, then mark it busy.
    pub(crate) fn enter(client: *const agc_client, what: &str) -> Result<Busy> {
        ensure_idle(client, what)?;
        let prev = BUSY.try_with(Cell::get).unwrap_or(ptr::null());
        let frame = Box::into_raw(Box::new(Frame { client, prev }));
        let pushed = BUSY.try_with(|head| head.set(frame)).is_ok();
        Ok(Busy { frame, pushed })
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        // SAFETY: `frame` came from Box::into_raw in `enter` and is freed only here.
        let frame = unsafe { Box::from_raw(self.frame) };
        if self.pushed {
            // Operations nest strictly (each `Busy` lives in one exported call's frame), so
            // this frame is the head: unlink it before it is freed.
            let _ = BUSY.try_with(|head| head.set(frame.prev));
        }
    }
}
