//! The panic boundary, the thread-local last error, and argument conversion.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use super::types::agc_status;
use crate::error::{Error, Result};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

pub(crate) fn set_last_error(msg: &str) {
    let c = CString::new(msg.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

/// Pointer to this thread's last error message (empty when the last call succeeded).
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Run an exported function's body: catch panics, record the message, map the status.
pub(crate) fn guard(body: impl FnOnce() -> Result<()>) -> agc_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("");
            agc_status::AGC_OK
        }
        Ok(Err(e)) => {
            set_last_error(&e.to_string());
            e.status().into()
        }
        Err(_) => {
            set_last_error("internal error: a panic was caught at the C boundary; please report it");
            agc_status::AGC_ERR_INTERNAL
        }
    }
}

/// Like [`guard`] for functions that cannot report a status (frees, accessors).
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A required, NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::InvalidArgument(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|_| Error::InvalidArgument(format!("{name} is not valid UTF-8")))
}

/// A required non-NULL pointer argument.
pub(crate) fn non_null<T>(p: *const T, name: &str) -> Result<()> {
    if p.is_null() {
        Err(Error::InvalidArgument(format!("{name} is NULL")))
    } else {
        Ok(())
    }
}

/// Free a boxed handle the library handed out. NULL is a no-op. Never panics across the boundary.
///
/// # Safety
/// `p` is NULL or came from `Box::into_raw` in this library and is not yet freed.
pub(crate) unsafe fn free_box<T>(p: *mut T) {
    guard_value((), || {
        if !p.is_null() {
            // SAFETY: per the caller's contract: from Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(p) });
        }
    })
}

/// Hand a new object to the caller through an out-pointer (the caller owns it).
///
/// # Safety
/// `out` is non-NULL and writable (checked by the caller with `non_null`).
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T) {
    // SAFETY: per the caller's contract.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

pub(crate) fn c_string(s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| Error::Protocol("the server returned a string with a NUL byte".into()))
}

/// Clear an out-pointer, if there is one.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn clear_out<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *out = ptr::null_mut() };
    }
}
