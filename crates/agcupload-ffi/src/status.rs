//! Library-wide calls: the version, the names of statuses and phases, the thread's last error,
//! and freeing a string the library handed over.

use std::ffi::CString;
use std::os::raw::{c_char, c_int};
use std::ptr;

use crate::boundary::{last_error_ptr, UNAVAILABLE};
use crate::types::{agc_phase, agc_status, CEnum, Names};
use agcupload::{Phase, Status};

static STATUS_NAMES: Names<agc_status> = Names::new(Status::name);
static PHASE_NAMES: Names<agc_phase> = Names::new(Phase::name);

/// The library's version, e.g. `"0.1.0"`. Static storage: never free it.
#[no_mangle]
pub extern "C" fn agc_version() -> *const c_char {
    ffi!(agc_version() or ptr::null() => concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast())
}

/// The symbolic name of a status, e.g. `"AGC_ERR_FILE_TYPE"`; `"AGC_ERR_UNKNOWN"` for a
/// number that is not a status. Static storage: never free it.
#[no_mangle]
pub extern "C" fn agc_status_str(status: c_int) -> *const c_char {
    ffi!(agc_status_str() or c"AGC_ERR_UNKNOWN".as_ptr() => {
        agc_status::from_raw(i64::from(status)).map_or(c"AGC_ERR_UNKNOWN", |s| STATUS_NAMES.of(s)).as_ptr()
    })
}

/// The name of a progress phase (an `agc_phase` value, taken as an `int` so that any number is
/// safe), e.g. `"uploading"`: the same names the tool and the Python package show. Returns a
/// static string, never NULL; `"unknown"` for a value that is not an `agc_phase`. Never free it.
#[no_mangle]
pub extern "C" fn agc_phase_str(phase: c_int) -> *const c_char {
    ffi!(agc_phase_str() or c"unknown".as_ptr() => {
        agc_phase::from_raw(i64::from(phase)).map_or(c"unknown", |p| PHASE_NAMES.of(p)).as_ptr()
    })
}

/// A human-readable description of the last failure of an `agc_*` call on this thread, or
/// `""` if the last such call succeeded. Never NULL; never contains a secret (client secret,
/// token, signed headers, keys). Owned by the library: valid until the next `agc_*` call
/// on the same thread; copy it if you need it longer. Called on a thread that is exiting
/// (from a pthread key destructor, after the thread's storage is gone) it is a fixed text
/// after a failure and `""` after a success.
#[no_mangle]
pub extern "C" fn agc_last_error() -> *const c_char {
    ffi!(agc_last_error() or UNAVAILABLE.as_ptr() => last_error_ptr())
}

/// Free a string the library handed over through an out-pointer (the package id of
/// `agc_bind_object` and `agc_publish_package`, the version id of `agc_withdraw_review` and
/// `agc_phased_release`, the app id of `agc_app_id_for_bundle`). NULL is a no-op.
///
/// # Safety
/// `s` is NULL or such a string, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_string_free(s: *mut c_char) {
    ffi!(agc_string_free() or () => {
        if !s.is_null() {
            // SAFETY: from CString::into_raw in this library, freed once per the contract.
            drop(unsafe { CString::from_raw(s) });
        }
    })
}
