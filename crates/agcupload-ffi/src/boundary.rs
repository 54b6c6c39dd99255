//! The panic boundary, the thread-local last error, and argument conversion.

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::ptr;

use super::types::agc_status;
use agcupload::{Error, Result};

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    /// Whether the last call on this thread failed. A `const` `Cell` has no destructor, so it
    /// stays usable after the thread's other thread-locals are gone (a pthread key destructor
    /// runs after Rust's TLS destructors): then `agc_last_error()` falls back to a static text.
    static LAST_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// What `agc_last_error()` says after a failure when the thread's message store is gone.
const UNAVAILABLE: &CStr = c"the details of this error are unavailable: the calling thread is exiting and its thread-local storage was destroyed (the status code is exact)";

/// Record this thread's last error (`""` for success). Never panics, even while the thread
/// exits: when the thread-local store is gone only the failed/succeeded bit is kept.
pub(crate) fn set_last_error(msg: &str) {
    let _ = LAST_FAILED.try_with(|f| f.set(!msg.is_empty()));
    let c = CString::new(msg.replace('\0', " ")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut slot) = e.try_borrow_mut() {
            *slot = c;
        }
    });
}

/// Pointer to this thread's last error message (empty when the last call succeeded). Never
/// NULL, never panics; a static text when the thread-local store is gone (see [`UNAVAILABLE`]).
pub(crate) fn last_error_ptr() -> *const c_char {
    let stored = LAST_ERROR.try_with(|e| e.try_borrow().map(|m| m.as_ptr()).ok()).ok().flatten();
    stored.unwrap_or_else(|| {
        if LAST_FAILED.try_with(Cell::get).unwrap_or(true) {
            UNAVAILABLE.as_ptr()
        } else {
            c"".as_ptr()
        }
    })
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

/// A required, NUL-terminated path argument. On POSIX a path is bytes: any byte string is
/// accepted as is (`OsStr::from_bytes`); elsewhere it must be UTF-8.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn path_arg<'a>(p: *const c_char, name: &str) -> Result<&'a Path> {
    if p.is_null() {
        return Err(Error::InvalidArgument(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(Path::new(std::ffi::OsStr::from_bytes(c.to_bytes())))
    }
    #[cfg(not(unix))]
    {
        c.to_str().map(Path::new).map_err(|_| Error::InvalidArgument(format!("{name} is not valid UTF-8")))
    }
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
