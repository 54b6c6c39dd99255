//! Library-wide entry points: version, status names, the last error, freeing strings.

use std::ffi::CString;
use std::os::raw::{c_char, c_int};

use super::boundary::*;
use agcupload::Status;

/// The library's version, e.g. `"0.1.0"`. Static storage: never free it.
#[no_mangle]
pub extern "C" fn agc_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The symbolic name of a status, e.g. `"AGC_ERR_FILE_TYPE"`; `"AGC_ERR_UNKNOWN"` for a
/// number that is not a status. Static storage: never free it.
#[no_mangle]
pub extern "C" fn agc_status_str(status: c_int) -> *const c_char {
    let name = Status::ALL.iter().find(|s| **s as c_int == status).map(|s| s.c_name()).unwrap_or("AGC_ERR_UNKNOWN\0");
    name.as_ptr().cast()
}

/// The name of a progress phase (an `agc_phase` value, taken as an `int` so that any number is
/// safe), e.g. `"uploading"`: the same names the tool and the Python package show. Returns a
/// static string, never NULL; `"unknown"` for a value that is not an `agc_phase`. Never free it.
#[no_mangle]
pub extern "C" fn agc_phase_str(phase: c_int) -> *const c_char {
    let name = agcupload::Phase::from_raw(i64::from(phase)).map(|p| p.name_nul()).unwrap_or("unknown\0");
    name.as_ptr().cast()
}

/// A human-readable description of the last failure of an `agc_*` call on this thread, or
/// `""` if the last such call succeeded. Never NULL; never contains a secret (client secret,
/// token, signed headers, keys). Owned by the library: valid until the next `agc_*` call
/// on the same thread; copy it if you need it longer. Called on a thread that is exiting
/// (from a pthread key destructor, after the thread's storage is gone) it is a fixed text
/// after a failure and `""` after a success.
#[no_mangle]
pub extern "C" fn agc_last_error() -> *const c_char {
    last_error_ptr()
}

/// Free a string the library handed over through an out-pointer (`agc_bind_package`,
/// `agc_bind_object`, `agc_publish_package`, the audit opinion of `agc_get_release_state`).
/// NULL is a no-op.
///
/// # Safety
/// `s` is NULL or such a string, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_string_free(s: *mut c_char) {
    guard_value((), || {
        if !s.is_null() {
            // SAFETY: from CString::into_raw in this library, freed once per the contract.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
