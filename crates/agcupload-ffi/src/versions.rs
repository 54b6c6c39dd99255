//! The calls around a release that the store listing's users need, each a call on a client:
//! delete a language from the listing, withdraw the version in review, change a phased
//! release, look an app id up by its bundle name.

use std::os::raw::{c_char, c_uint, c_void};

use crate::boundary::c_string;
use crate::client::agc_client;
use crate::types::{agc_progress_fn, agc_status, CProgress};

/// Delete the language `lang` (`"fr-FR"`) from app `app_id`'s store listing. Refused before
/// any request that writes (`AGC_ERR_PREFLIGHT`) when AGC shows it is the app's default
/// language, names no default language (the rule cannot be checked then), or does not show
/// the language. Progress phases: `AGC_PHASE_READING_APP_INFO`, `AGC_PHASE_DELETING_LANGUAGE`.
///
/// # Safety
/// `client` is live; `app_id` and `lang` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_delete_language(
    client: *const agc_client,
    app_id: *const c_char,
    lang: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
) -> agc_status {
    ffi!(agc_delete_language(client: client, app_id: str, lang: str) {
        Ok(client.delete_language(app_id, lang, &mut CProgress::new(progress, user_data))?)
    })
}

/// Withdraw the version of app `app_id` that is in review (its version id from AGC's
/// app-info). Refused before the call (`AGC_ERR_PREFLIGHT`) outside the release states where
/// Huawei allows it (3, 4, 5, 6, 12), or when AGC shows no version to withdraw. On success
/// `*version_id` receives the version withdrawn, a string the caller frees with
/// `agc_string_free`; it is set to NULL first, so it is NULL after a failure. Progress
/// phases: `AGC_PHASE_READING_APP_INFO`, `AGC_PHASE_WITHDRAWING`.
///
/// # Safety
/// `client` is live; `app_id` is NULL or NUL-terminated; `version_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_withdraw_review(
    client: *const agc_client,
    app_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    version_id: *mut *mut c_char,
) -> agc_status {
    ffi!(agc_withdraw_review(version_id: out, client: client, app_id: str) {
        let w = client.withdraw_review(app_id, &mut CProgress::new(progress, user_data))?;
        *version_id = c_string(&w.version_id)?.into_raw();
        Ok(())
    })
}

/// Pause, resume, step or finish the phased release of app `app_id`: `action` is an
/// `agc_phased_action`; `step_day` is the day to go on to for `AGC_PHASED_STEP` (AGC's
/// `phaseDay`; the library checks its range, `AGC_ERR_INVALID_ARGUMENT` outside it) and is
/// ignored otherwise. `description` (NULL: none) is at most 500 characters. `version_id`
/// NULL takes the version from AGC's app-info (its phased release's, else the version in a
/// phased release). Nothing is sent (`AGC_ERR_PREFLIGHT`) when AGC shows no phased release
/// or names no version of it. On success `*version_id_out` receives the version the call
/// was made for, a string the caller frees with `agc_string_free`; it is set to NULL first,
/// so it is NULL after a failure. Progress phases: `AGC_PHASE_READING_APP_INFO`,
/// `AGC_PHASE_CHANGING_PHASED_RELEASE`.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated; `version_id_out` is NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_phased_release(
    client: *const agc_client,
    app_id: *const c_char,
    action: c_uint,
    step_day: c_uint,
    description: *const c_char,
    version_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    version_id_out: *mut *mut c_char,
) -> agc_status {
    ffi!(agc_phased_release(
        version_id_out: out,
        client: client,
        app_id: str,
        action: c_enum(agc_phased_action),
        description: opt_str,
        version_id: opt_str,
    ) {
        let action = action.with_day(step_day);
        let done =
            client.phased_release(app_id, action, description, version_id, &mut CProgress::new(progress, user_data))?;
        *version_id_out = c_string(&done.version_id)?.into_raw();
        Ok(())
    })
}

/// The id of the HarmonyOS app (or atomic service) whose bundle name is `bundle_name`
/// (an Android app of the same name is never taken). No such app, or more than one, is
/// `AGC_ERR_INVALID_ARGUMENT` saying so. On success `*app_id` receives the id, a string the
/// caller frees with `agc_string_free`; it is set to NULL first, so it is NULL after a
/// failure. Progress phase: `AGC_PHASE_LOOKING_UP_APP_ID`.
///
/// # Safety
/// `client` is live; `bundle_name` is NULL or NUL-terminated; `app_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_app_id_for_bundle(
    client: *const agc_client,
    bundle_name: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    app_id: *mut *mut c_char,
) -> agc_status {
    ffi!(agc_app_id_for_bundle(app_id: out, client: client, bundle_name: str) {
        let id = client.app_id_for_bundle(bundle_name, &mut CProgress::new(progress, user_data))?;
        *app_id = c_string(&id)?.into_raw();
        Ok(())
    })
}
