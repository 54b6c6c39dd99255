//! The store listing from a folder: `agc_listing_plan`, `agc_listing_apply`,
//! `agc_listing_pull`, and their one result type `agc_listing_result` with its
//! `agc_listing_result_*` accessors.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

use crate::boundary::{boxed, c_string, c_text};
use crate::client::agc_client;
use crate::types::{agc_progress_fn, agc_status, CProgress};
use crate::upload::{c_notes, note_ptr};
use agcupload::{Error, ListingApplied, ListingChange, ListingPlan, ListingPulled, ListingValue};

/// What a listing call found or did: the changes (plan, apply), the fields left as they are
/// (plan), the files uploaded and the calls made (apply), the languages and files written
/// (pull), and notes (all three). What a call does not fill is empty. Owned by the caller;
/// free with `agc_listing_result_free`. Strings returned by its accessors live as long as it
/// does.
pub struct agc_listing_result {
    changes: Vec<CChange>,
    unchanged: Vec<CString>,
    uploads: Vec<CUpload>,
    languages: Vec<CString>,
    written: Vec<CString>,
    calls: u32,
    notes: Vec<CString>,
}

struct CChange {
    lang: CString,
    field: CString,
    new_language: bool,
    is_text: bool,
    summary: CString,
    current: Option<CString>,
    wanted: CString,
}

struct CUpload {
    file: CString,
    object_id: CString,
    size: u64,
}

/// A value as one C string: a text, or files' names (or AGC's references) one a line.
fn c_value(v: &ListingValue) -> CString {
    match v {
        ListingValue::Text(t) => c_text(t),
        ListingValue::Files(f) => c_text(&f.join("\n")),
    }
}

fn c_change(c: &ListingChange) -> CChange {
    CChange {
        lang: c_text(&c.lang),
        field: c_text(&c.field.name()),
        new_language: c.new_language,
        is_text: c.field.is_text(),
        summary: c_text(&c.summary()),
        current: c.current.as_ref().map(c_value),
        wanted: c_value(&c.wanted),
    }
}

fn c_names(names: &[String]) -> Vec<CString> {
    names.iter().map(|n| c_text(n)).collect()
}

impl agc_listing_result {
    fn empty() -> agc_listing_result {
        agc_listing_result {
            changes: Vec::new(),
            unchanged: Vec::new(),
            uploads: Vec::new(),
            languages: Vec::new(),
            written: Vec::new(),
            calls: 0,
            notes: Vec::new(),
        }
    }

    fn of_plan(p: &ListingPlan) -> agc_listing_result {
        agc_listing_result {
            changes: p.changes.iter().map(c_change).collect(),
            unchanged: c_names(&p.unchanged),
            notes: c_notes(&p.notes),
            ..agc_listing_result::empty()
        }
    }

    fn of_applied(a: &ListingApplied) -> Result<agc_listing_result, Error> {
        let uploads = a
            .uploads
            .iter()
            .map(|u| Ok(CUpload { file: c_text(&u.file), object_id: c_string(&u.object_id)?, size: u.size }))
            .collect::<Result<_, Error>>()?;
        Ok(agc_listing_result {
            changes: a.changes.iter().map(c_change).collect(),
            uploads,
            calls: a.calls,
            notes: c_notes(&a.notes),
            ..agc_listing_result::empty()
        })
    }

    fn of_pulled(p: &ListingPulled) -> agc_listing_result {
        agc_listing_result {
            languages: c_names(&p.languages),
            written: c_names(&p.written),
            notes: c_notes(&p.notes),
            ..agc_listing_result::empty()
        }
    }

    /// A string of change `index`, or NULL when out of range.
    fn change_str(&self, index: usize, field: fn(&CChange) -> &CString) -> *const c_char {
        self.changes.get(index).map_or(ptr::null(), |c| field(c).as_ptr())
    }

    /// A flag of change `index` as 1 or 0, or -1 when out of range.
    fn change_flag(&self, index: usize, flag: fn(&CChange) -> bool) -> c_int {
        self.changes.get(index).map_or(-1, |c| c_int::from(flag(c)))
    }
}

/// What would change if the listing folder `dir` were applied to app `app_id`, without
/// writing anything to AGC (docs/guide/listing.md gives the folder's layout). Reads the folder
/// and checks every rule of its own, reads what AGC holds (`AGC_PHASE_READING_APP_INFO`) and
/// the folder's manifest, then checks the rules that need AGC's state.
///
/// - `out`: on success receives a result the caller frees with `agc_listing_result_free`:
///   the changes (`agc_listing_result_change_*`), the fields that would stay as they are
///   (`agc_listing_result_unchanged`) and notes; set to NULL on failure.
///
/// Errors: `AGC_ERR_INVALID_ARGUMENT` (a broken rule, of the folder or against AGC's state:
/// the message lists them; nothing was sent), `AGC_ERR_FILE` (an unreadable file of the
/// folder), and the errors of any Connect call.
///
/// # Safety
/// `client` is live; `app_id` and `dir` are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_plan(
    client: *const agc_client,
    app_id: *const c_char,
    dir: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_listing_result,
) -> agc_status {
    ffi!(agc_listing_plan(out: out, client: client, app_id: str, dir: path) {
        let plan = client.listing_plan(app_id, dir, &mut CProgress::new(progress, user_data))?;
        *out = boxed(agc_listing_result::of_plan(&plan));
        Ok(())
    })
}

/// Apply the listing folder `dir` to app `app_id`: the plan (`agc_listing_plan`; nothing is
/// sent when a rule is broken), then the texts that changed (`AGC_PHASE_SETTING_TEXTS`), the
/// files that changed (`AGC_PHASE_SENDING_LISTING_FILES`, each file's bytes as
/// `AGC_PHASE_REQUESTING_URL`, `AGC_PHASE_UPLOADING`, `AGC_PHASE_DONE`), one binding call per
/// kind of file (`AGC_PHASE_SETTING_FILE_INFO`) and a read-back of what AGC holds
/// (`AGC_PHASE_CHECKING_LISTING`); then the folder's manifest is written.
///
/// - `out`: on success receives a result the caller frees with `agc_listing_result_free`:
///   the changes made, each confirmed by the read-back (none: nothing to do), the files
///   uploaded (`agc_listing_result_upload_*`), the calls made (`agc_listing_result_calls`)
///   and notes; set to NULL on failure.
///
/// Errors: as `agc_listing_plan`; `AGC_ERR_PROTOCOL` when AGC answered success but does not
/// show what was sent (the message names the fields); `AGC_ERR_FILE_CHANGED` when a file
/// changed since the folder was read.
///
/// # Safety
/// `client` is live; `app_id` and `dir` are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_apply(
    client: *const agc_client,
    app_id: *const c_char,
    dir: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_listing_result,
) -> agc_status {
    ffi!(agc_listing_apply(out: out, client: client, app_id: str, dir: path) {
        let applied = client.listing_apply(app_id, dir, &mut CProgress::new(progress, user_data))?;
        *out = boxed(agc_listing_result::of_applied(&applied)?);
        Ok(())
    })
}

/// Write AGC's texts of app `app_id` into the listing folder `dir` (created if missing):
/// `<lang>/name.txt`, `description.txt`, `brief.txt`, `release_notes.txt` for each text AGC
/// holds (other files are left as they are), and the manifest with what AGC shows of the
/// files (the files themselves are not downloaded). Progress phase:
/// `AGC_PHASE_READING_APP_INFO`.
///
/// - `out`: on success receives a result the caller frees with `agc_listing_result_free`:
///   the languages (`agc_listing_result_language`), the files written
///   (`agc_listing_result_written`) and notes; set to NULL on failure.
///
/// # Safety
/// `client` is live; `app_id` and `dir` are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_pull(
    client: *const agc_client,
    app_id: *const c_char,
    dir: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_listing_result,
) -> agc_status {
    ffi!(agc_listing_pull(out: out, client: client, app_id: str, dir: path) {
        let pulled = client.listing_pull(app_id, dir, &mut CProgress::new(progress, user_data))?;
        *out = boxed(agc_listing_result::of_pulled(&pulled));
        Ok(())
    })
}

/// The number of changes (planned by `agc_listing_plan`, made by `agc_listing_apply`); 0 if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_change_count(result: handle) or 0 => result.changes.len())
}

/// The language of change `index` (from 0), `"en-US"`; NULL when `index` is out of range or
/// `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_lang(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_change_lang(result: handle) or ptr::null() => result.change_str(index, |c| &c.lang))
}

/// The field of change `index`: `"name"`, `"description"`, `"brief"`, `"release_notes"`,
/// `"icon"`, `"screenshots/<device>"` or `"videos/<device>"` (`"screenshots/phone"`); NULL
/// when `index` is out of range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_field(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_change_field(result: handle) or ptr::null() => result.change_str(index, |c| &c.field))
}

/// 1 when the language of change `index` is new to the app (AGC does not have it yet), 0
/// when not; -1 when `index` is out of range or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_new_language(
    result: *const agc_listing_result,
    index: usize,
) -> c_int {
    ffi!(agc_listing_result_change_new_language(result: handle) or -1 => result.change_flag(index, |c| c.new_language))
}

/// 1 when change `index` is a text (name, description, brief, release notes), 0 when it is
/// files; -1 when `index` is out of range or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_is_text(result: *const agc_listing_result, index: usize) -> c_int {
    ffi!(agc_listing_result_change_is_text(result: handle) or -1 => result.change_flag(index, |c| c.is_text))
}

/// Change `index` as one line for a log (control characters replaced), `en-US brief: "Old"
/// (3 characters) -> "New" (3 characters)`; NULL when `index` is out of range or `result` is
/// NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_summary(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_change_summary(result: handle) or ptr::null() => result.change_str(index, |c| &c.summary))
}

/// What AGC held of change `index` before: a text (redacted, control characters but line
/// breaks and tabs replaced), or for files AGC's references one a line; NULL when AGC held
/// nothing, `index` is out of range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_current(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_change_current(result: handle) or ptr::null() => {
        result.changes.get(index).and_then(|c| c.current.as_ref()).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// What the folder says for change `index`: a text, or for files their names inside the
/// folder one a line; NULL when `index` is out of range or `result` is NULL. Owned by
/// `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_change_wanted(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_change_wanted(result: handle) or ptr::null() => result.change_str(index, |c| &c.wanted))
}

/// The number of fields the folder sets that AGC already shows (`agc_listing_plan`); 0 if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_unchanged_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_unchanged_count(result: handle) or 0 => result.unchanged.len())
}

/// Unchanged field `index` (from 0) as `<lang>/<field>` (`"en-US/name"`); NULL when `index`
/// is out of range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_unchanged(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_unchanged(result: handle) or ptr::null() => note_ptr(&result.unchanged, index))
}

/// The number of files uploaded (`agc_listing_apply`); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_upload_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_upload_count(result: handle) or 0 => result.uploads.len())
}

/// The file of upload `index` (from 0), inside the folder (`"en-US/screenshots/phone/01.png"`);
/// NULL when `index` is out of range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_upload_file(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_upload_file(result: handle) or ptr::null() => {
        result.uploads.get(index).map_or(ptr::null(), |u| u.file.as_ptr())
    })
}

/// AGC's object id of upload `index`; NULL when `index` is out of range or `result` is NULL.
/// Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_upload_object_id(
    result: *const agc_listing_result,
    index: usize,
) -> *const c_char {
    ffi!(agc_listing_result_upload_object_id(result: handle) or ptr::null() => {
        result.uploads.get(index).map_or(ptr::null(), |u| u.object_id.as_ptr())
    })
}

/// The size in bytes of upload `index`; 0 when `index` is out of range or `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_upload_size(result: *const agc_listing_result, index: usize) -> u64 {
    ffi!(agc_listing_result_upload_size(result: handle) or 0 => result.uploads.get(index).map_or(0, |u| u.size))
}

/// The number of languages AGC has (`agc_listing_pull`); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_language_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_language_count(result: handle) or 0 => result.languages.len())
}

/// Language `index` (from 0) that `agc_listing_pull` found, `"en-US"`; NULL when `index` is
/// out of range or `result` is NULL. Owned by `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_language(result: *const agc_listing_result, index: usize) -> *const c_char {
    ffi!(agc_listing_result_language(result: handle) or ptr::null() => note_ptr(&result.languages, index))
}

/// The number of text files `agc_listing_pull` wrote; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_written_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_written_count(result: handle) or 0 => result.written.len())
}

/// Text file `index` (from 0) that `agc_listing_pull` wrote, inside the folder
/// (`"en-US/name.txt"`); NULL when `index` is out of range or `result` is NULL. Owned by
/// `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_written(result: *const agc_listing_result, index: usize) -> *const c_char {
    ffi!(agc_listing_result_written(result: handle) or ptr::null() => note_ptr(&result.written, index))
}

/// The `app-language-info` and `app-file-info` calls `agc_listing_apply` made; 0 for the
/// other calls' results or if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_calls(result: *const agc_listing_result) -> u32 {
    ffi!(agc_listing_result_calls(result: handle) or 0 => result.calls)
}

/// The number of notes (a manifest not used and why, a language AGC holds that cannot be a
/// folder name); 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_note_count(result: *const agc_listing_result) -> usize {
    ffi!(agc_listing_result_note_count(result: handle) or 0 => result.notes.len())
}

/// Note `index` (from 0); NULL when `index` is out of range or `result` is NULL. Owned by
/// `result`.
///
/// # Safety
/// `result` is NULL or a live listing result.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_note(result: *const agc_listing_result, index: usize) -> *const c_char {
    ffi!(agc_listing_result_note(result: handle) or ptr::null() => note_ptr(&result.notes, index))
}

/// Free a listing result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_listing_plan`, `agc_listing_apply` or
/// `agc_listing_pull`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_listing_result_free(result: *mut agc_listing_result) {
    ffi!(free result)
}
