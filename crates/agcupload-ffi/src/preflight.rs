//! The preflight option of an upload (`agc_upload_options_set_preflight`): whether
//! `agc_publish_package` and `agc_release_package` check the package against what AGC holds
//! before anything is sent. The checks themselves are the core's
//! (`Client::preflight`); a refusal is `AGC_ERR_PREFLIGHT`.

use std::os::raw::c_int;

use super::boundary::*;
use super::options::agc_upload_options;
use super::types::*;
use agcupload::Error;

/// Run the preflight (1, the default) or skip it (0). With it, `agc_publish_package` and
/// `agc_release_package` first inspect the package's pack.info and read
/// AGC's appid-list and app-info, and refuse with `AGC_ERR_PREFLIGHT` (nothing sent) a package
/// whose bundle name is bound to another app, whose version code is not higher than the live
/// one or the one in review, or a draft in review or full. A read AGC refuses for lack of
/// rights is a warning, not a failure; skip the preflight for an API client without them.
/// `agc_upload_file` never runs it (an upload alone binds nothing). Other values than 0 and 1
/// give `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_preflight(
    options: *mut agc_upload_options,
    enabled: c_int,
) -> agc_status {
    guard(|| {
        non_null(options, "options")?;
        if enabled != 0 && enabled != 1 {
            return Err(Error::InvalidArgument(format!("preflight must be 0 or 1, got {enabled}")));
        }
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).preflight = enabled == 1 };
        Ok(())
    })
}
