//! The boundary every exported function goes through: the [`ffi!`] macro, the argument
//! conversions of [`arg!`], and the thread's last error.
//!
//! # The contract of `ffi!`
//!
//! Every `extern "C"` function of this crate is written out (cbindgen reads the signatures)
//! and its whole body is one `ffi!` invocation. The macro guarantees, in this order:
//!
//! 1. **Out-pointers are reset first.** Every argument declared `out` that is not NULL is set
//!    to its empty value (NULL for a handle or a string, 0 for a number) before anything else
//!    is looked at, so each is empty after any failure. Only a body that writes one and then
//!    fails breaks this, and only `agc_release_package` does (by design, documented there).
//! 2. **The arguments are checked in the order they are listed**, each by its conversion
//!    (below). The first that fails ends the call: `AGC_ERR_INVALID_ARGUMENT` naming the
//!    argument (`"app_id is NULL"`, `"app_id is not valid UTF-8"`), or `AGC_ERR_REENTRANT` for a
//!    client called from inside its own callback on this thread ([`crate::reentry`]). The body
//!    only runs when every check passed, and sees each listed argument converted (shadowed).
//! 3. **No panic crosses.** The checks and the body run inside `catch_unwind`: a panic is
//!    `AGC_ERR_INTERNAL` with a fixed message (status form) or the fallback (value form).
//! 4. **The last error is set by every status-form call**: `""` on success, the failure's
//!    message otherwise (the library's errors are redacted before they reach this layer). The
//!    value form (accessors, names) never touches it. Both work on a thread that is exiting
//!    (see [`set_last_error`] and [`crate::reentry`]).
//!
//! Forms:
//! - `ffi!(agc_name(arg: conv, ...) { body })` returns an `agc_status`; `body` is a
//!   `Result<(), Failure>` (`?` takes the library's errors).
//! - `ffi!(agc_name(arg: conv, ...) or fallback => expr)` returns `expr`, or `fallback` when a
//!   check fails (a NULL handle) or on a panic.
//! - `ffi!(free handle)` frees a handle made by [`boxed`]; NULL is a no-op.
//!
//! `agc_name` is the exported function's own name: the re-entrancy message names the call.
//!
//! Conversions (also usable alone as `arg!(name: conv)` for an argument needed only
//! sometimes). Each relies on the exported function's documented `# Safety` contract: a
//! pointer is NULL or valid for what its type says.
//!
//! | conv | C argument | the body sees | refused when |
//! |---|---|---|---|
//! | `str` | `const char *` | `&str` | NULL, not UTF-8 |
//! | `opt_str` | `const char *` | `Option<&str>` (NULL = `None`) | not UTF-8 |
//! | `path` | `const char *` | `&Path` (bytes on POSIX) | NULL (not UTF-8 elsewhere) |
//! | `handle` | `const T *` | `&T` | NULL |
//! | `handle_mut` | `T *` | `&mut T` | NULL |
//! | `opt_handle` | `const T *` | `Option<&T>` | never |
//! | `out` | `T **` or `uint64_t *` | `&mut *mut T` / `&mut u64` (reset first) | NULL |
//! | `client` | `const agc_client *` | [`Entered`]: the client, busy on this thread | NULL, re-entry |
//! | `client_mut` | `agc_client *` | `&mut Client` | NULL, re-entry |
//! | `c_enum(agc_x)` | `unsigned int` | the library's value of `agc_x` | not a value of `agc_x` |
//! | `seal_key(len)` | `const uint8_t *` | `SealKey` (`len` bytes) | NULL, `len` not 32 |

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::ptr;

use crate::client::agc_client;
use crate::reentry::{ensure_idle, Busy};
use crate::types::{agc_status, CEnum};
use agcupload::seal::{self, SealKey};
use agcupload::{Client, Error};

/// Run an exported function: see the module's documentation for the contract.
macro_rules! ffi {
    (free $handle:ident) => {
        // SAFETY: the exported function's contract: NULL, or a live handle from `boxed`.
        unsafe { $crate::boundary::free_box($handle) }
    };
    ($name:ident($($arg:ident: $conv:ident $(($param:ident))?),* $(,)?) $body:block) => {
        $crate::boundary::guard(|| -> ::std::result::Result<(), $crate::boundary::Failure> {
            $(ffi!(@reset $arg $conv);)*
            $(let $arg = arg!($arg: $conv $(($param))? in $name)?;)*
            $body
        })
    };
    ($name:ident($($arg:ident: $conv:ident $(($param:ident))?),* $(,)?) or $fallback:expr => $value:expr) => {
        $crate::boundary::guard_value($fallback, || -> ::std::option::Option<_> {
            $(let $arg = arg!($arg: $conv $(($param))? in $name).ok()?;)*
            Some($value)
        })
    };
    (@reset $arg:ident out) => {
        // SAFETY: the exported function's contract: `$arg` is NULL or writable.
        unsafe { $crate::boundary::reset_out($arg) }
    };
    (@reset $arg:ident $conv:ident) => {};
}

/// Check and convert one argument of an exported function: see the module's table. The
/// result is a `Result<_, Error>`; `in name` names the call (for `client` and `client_mut`).
macro_rules! arg {
    ($arg:ident: $conv:ident $(($param:ident))?) => {
        arg!($arg: $conv $(($param))? in unnamed)
    };
    ($arg:ident: str in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::boundary::str_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: opt_str in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::boundary::opt_str_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: path in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::boundary::path_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: handle in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or a live handle.
        unsafe { $crate::boundary::handle_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: handle_mut in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or a live handle no other thread uses.
        unsafe { $crate::boundary::handle_mut_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: opt_handle in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or a live handle.
        ::std::result::Result::<_, ::agcupload::Error>::Ok(unsafe { $arg.as_ref() })
    };
    ($arg:ident: out in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or writable.
        unsafe { $crate::boundary::out_arg($arg, stringify!($arg)) }
    };
    ($arg:ident: client in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or a live client.
        unsafe { $crate::boundary::enter_client($arg, stringify!($name)) }
    };
    ($arg:ident: client_mut in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or a live client no other thread uses.
        unsafe { $crate::boundary::client_mut($arg, stringify!($name)) }
    };
    ($arg:ident: c_enum($t:ident) in $name:ident) => {
        $crate::boundary::enum_arg::<$crate::types::$t>($arg)
    };
    ($arg:ident: seal_key($len:ident) in $name:ident) => {
        // SAFETY: the exported function's contract: NULL or `$len` readable bytes.
        unsafe { $crate::boundary::seal_key_arg($arg, $len) }
    };
}

/// Why an exported call failed: its status and its message (for `agc_last_error()`).
#[derive(Debug)]
pub(crate) struct Failure {
    status: agc_status,
    message: String,
}

impl Failure {
    /// A failure whose message is not the error's own (the release road names its step).
    pub(crate) fn new(status: agc_status, message: String) -> Failure {
        Failure { status, message }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure { status: e.status().into(), message: e.to_string() }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    /// Whether the last call on this thread failed. A `const` `Cell` has no destructor, so it
    /// stays usable after the thread's other thread-locals are gone (a pthread key destructor
    /// runs after Rust's TLS destructors): then `agc_last_error()` falls back to a static text.
    static LAST_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// What `agc_last_error()` says after a failure when the thread's message store is gone.
pub(crate) const UNAVAILABLE: &CStr = c"the details of this error are unavailable: the calling thread is exiting and its thread-local storage was destroyed (the status code is exact)";

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

/// The status form of [`ffi!`]: catch panics, record the message, map the status.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> agc_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("");
            agc_status::AGC_OK
        }
        Ok(Err(f)) => {
            set_last_error(&f.message);
            f.status
        }
        Err(_) => {
            set_last_error("internal error: a panic was caught at the C boundary; please report it");
            agc_status::AGC_ERR_INTERNAL
        }
    }
}

/// The value form of [`ffi!`]: `fallback` for a failed check (`None`) or a panic.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> Option<T>) -> T {
    catch_unwind(AssertUnwindSafe(body)).ok().flatten().unwrap_or(fallback)
}

fn null(name: &str) -> Error {
    Error::InvalidArgument(format!("{name} is NULL"))
}

/// A required, NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|_| Error::InvalidArgument(format!("{name} is not valid UTF-8")))
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As for [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: per the caller's contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// A required, NUL-terminated path argument. On POSIX a path is bytes: any byte string is
/// accepted as is (`OsStr::from_bytes`); elsewhere it must be UTF-8.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn path_arg<'a>(p: *const c_char, name: &str) -> Result<&'a Path, Error> {
    if p.is_null() {
        return Err(null(name));
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

/// A required handle, shared.
///
/// # Safety
/// `p` is NULL or a live handle valid for `'a`.
pub(crate) unsafe fn handle_arg<'a, T>(p: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: NULL or live per the caller's contract.
    unsafe { p.as_ref() }.ok_or_else(|| null(name))
}

/// A required handle, to change.
///
/// # Safety
/// `p` is NULL or a live handle valid for `'a` that nothing else uses meanwhile.
pub(crate) unsafe fn handle_mut_arg<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: NULL or live and unaliased per the caller's contract.
    unsafe { p.as_mut() }.ok_or_else(|| null(name))
}

/// What an out-pointer holds before the call has anything to hand over.
pub(crate) trait OutValue {
    /// NULL for a handle or a string, 0 for a number.
    const EMPTY: Self;
}

impl<T> OutValue for *mut T {
    const EMPTY: Self = ptr::null_mut();
}

impl OutValue for u64 {
    const EMPTY: Self = 0;
}

/// Empty an out-pointer, if there is one.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn reset_out<V: OutValue>(out: *mut V) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the caller's contract.
        unsafe { out.write(V::EMPTY) };
    }
}

/// A required out-pointer (already reset by [`ffi!`]), to write the call's result into.
///
/// # Safety
/// `out` is NULL or writable for `'a`.
pub(crate) unsafe fn out_arg<'a, V>(out: *mut V, name: &str) -> Result<&'a mut V, Error> {
    // SAFETY: NULL or writable per the caller's contract.
    unsafe { out.as_mut() }.ok_or_else(|| null(name))
}

/// A value handed to the caller as a handle, freed with its `agc_*_free` (by [`free_box`]).
pub(crate) fn boxed<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Free a handle made by [`boxed`]. NULL is a no-op. Never panics across the boundary.
///
/// # Safety
/// `p` is NULL or came from [`boxed`] with this `T` and is not yet freed.
pub(crate) unsafe fn free_box<T>(p: *mut T) {
    guard_value((), || {
        if !p.is_null() {
            // SAFETY: per the caller's contract: from Box::into_raw, freed once.
            drop(unsafe { Box::from_raw(p) });
        }
        Some(())
    })
}

/// A client running one operation: the client, marked busy on this thread until this is
/// dropped (a call into it from its own callback is refused meanwhile).
pub(crate) struct Entered<'a> {
    client: &'a Client,
    _busy: Busy,
}

impl std::ops::Deref for Entered<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
    }
}

/// Borrow a client for one operation (possibly on several threads at once), marking it busy
/// on this thread; refused with `Error::Reentrant` if it already is (from its own callback).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new`.
pub(crate) unsafe fn enter_client<'a>(c: *const agc_client, what: &str) -> Result<Entered<'a>, Error> {
    if c.is_null() {
        return Err(null("client"));
    }
    let busy = Busy::enter(c, what)?;
    // SAFETY: non-NULL and live per the contract; not freed while busy (agc_client_free
    // refuses a busy client on this thread).
    Ok(Entered { client: unsafe { &(*c).inner }, _busy: busy })
}

/// Borrow a client to change it (setters). Refused with `Error::Reentrant` while the client
/// runs an operation on this thread (from its callback): the operation holds a `&Client`.
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new` not used concurrently by another thread.
pub(crate) unsafe fn client_mut<'a>(c: *mut agc_client, what: &str) -> Result<&'a mut Client, Error> {
    if c.is_null() {
        return Err(null("client"));
    }
    ensure_idle(c, what)?;
    // SAFETY: non-NULL, from `boxed` in agc_client_new; no operation holds it on this thread
    // (checked above) and none on another thread per the contract.
    Ok(unsafe { &mut (*c).inner })
}

/// A C enum passed as an `unsigned int`, as the library's value.
pub(crate) fn enum_arg<E: CEnum>(raw: std::os::raw::c_uint) -> Result<E::Core, Error> {
    E::from_raw(i64::from(raw))
        .map(E::core)
        .ok_or_else(|| Error::InvalidArgument(format!("{raw} is not an {}", E::NAME)))
}

/// A seal key argument: exactly 32 bytes.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes.
pub(crate) unsafe fn seal_key_arg(key: *const u8, key_len: usize) -> Result<SealKey, Error> {
    if key.is_null() {
        return Err(null("key"));
    }
    if key_len != seal::KEY_LEN {
        return Err(Error::SealKey(format!("seal key must be {} bytes, got {key_len}", seal::KEY_LEN)));
    }
    // SAFETY: non-NULL and `key_len` readable bytes per the caller's contract.
    SealKey::from_bytes(unsafe { std::slice::from_raw_parts(key, key_len) })
}

/// A string of a server's answer as a C string (the library refuses NUL in what it keeps).
pub(crate) fn c_string(s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| Error::Protocol("the server returned a string with a NUL byte".into()))
}

/// Texts as C strings (notes, messages): a NUL inside one (never expected, the library cleans
/// them) becomes a space rather than losing the text.
pub(crate) fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// The pointer of an optional string, NULL when absent; owned by what holds it.
pub(crate) fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}
