//! The C ABI from Rust: NULL and invalid UTF-8 arguments, status names, the thread-local
//! last error. (tests/c/test_abi.c covers the same ground from real C under valgrind.)

use std::ffi::{CStr, CString};
use std::ptr;

use agcupload::ffi::*;
use agcupload::Status;

fn s(p: *const std::os::raw::c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

#[test]
fn status_numbers_and_names_match_the_rust_enum() {
    for st in Status::ALL {
        assert_eq!(agc_status::from(st) as i32, st as i32);
        assert_eq!(s(agc_status_str(st as i32)), st.name());
    }
    assert_eq!(s(agc_status_str(-1)), "AGC_ERR_UNKNOWN");
    assert_eq!(s(agc_status_str(18)), "AGC_ERR_UNKNOWN");
    assert_eq!(s(agc_version()), env!("CARGO_PKG_VERSION"));
}

#[test]
fn null_and_invalid_utf8_are_invalid_arguments() {
    unsafe {
        let mut c: *mut agc_client = ptr::null_mut();
        let id = CString::new("id").unwrap();
        let bad = b"\xff\xfe\0";
        assert_eq!(agc_client_new(ptr::null(), id.as_ptr(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("client_id is NULL"));
        assert_eq!(agc_client_new(id.as_ptr(), bad.as_ptr().cast(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(s(agc_last_error()).contains("not valid UTF-8"));
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), ptr::null_mut()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_new(id.as_ptr(), id.as_ptr(), &mut c), agc_status::AGC_OK);
        assert_eq!(s(agc_last_error()), "");
        let mut out: *mut agc_upload_result = ptr::NonNull::dangling().as_ptr();
        let path = CString::new("/tmp/x.app").unwrap();
        assert_eq!(
            agc_upload_file(c, bad.as_ptr().cast(), path.as_ptr(), 1, None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert!(out.is_null(), "out cleared on failure");
        assert_eq!(
            agc_upload_file(c, id.as_ptr(), bad.as_ptr().cast(), 1, None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            agc_upload_file(c, id.as_ptr(), path.as_ptr(), 0, None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            agc_upload_file(ptr::null(), id.as_ptr(), path.as_ptr(), 1, None, ptr::null_mut(), &mut out),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(agc_client_set_api_base(c, bad.as_ptr().cast()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_seal_key(c, ptr::null(), 32), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_seal_file(ptr::null(), 32, path.as_ptr(), path.as_ptr()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        let mut pkg: *mut std::os::raw::c_char = ptr::null_mut();
        assert_eq!(
            agc_bind_object(c, id.as_ptr(), ptr::null(), id.as_ptr(), None, ptr::null_mut(), &mut pkg),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            agc_wait_package_ready(c, id.as_ptr(), bad.as_ptr().cast(), 1, None, ptr::null_mut()),
            agc_status::AGC_ERR_INVALID_ARGUMENT
        );
        agc_client_free(c);
        agc_client_free(ptr::null_mut());
        agc_upload_result_free(ptr::null_mut());
        agc_string_free(ptr::null_mut());
    }
}

#[test]
fn the_last_error_is_per_thread() {
    unsafe {
        let mut c: *mut agc_client = ptr::null_mut();
        assert_eq!(agc_client_new(ptr::null(), ptr::null(), &mut c), agc_status::AGC_ERR_INVALID_ARGUMENT);
        let here = s(agc_last_error());
        assert!(!here.is_empty());
        let there = std::thread::spawn(|| s(agc_last_error())).join().unwrap();
        assert_eq!(there, "", "another thread sees its own (empty) last error");
        assert_eq!(s(agc_last_error()), here);
    }
}
