//! Release options (`agc_release_options_*`): the notes, submit settings, test release,
//! waits and resume ids the release road and its separate steps read.

use std::os::raw::{c_char, c_uint};
use std::time::Duration;

use crate::boundary::boxed;
use crate::types::agc_status;
use agcupload::internal::{self as release, check_test_desc, check_test_window};
use agcupload::Error;
use agcupload::ReleaseIds;
use agcupload::{ReleaseNote, ReleasePhase, SubmitOptions};
use agcupload::{TestRelease, TestType};

/// Options of the release road, all optional. Create with `agc_release_options_new`, free
/// with `agc_release_options_free`. Without `agc_release_options_set_test` the road ends with
/// a submit for review; with it, with a submitted HarmonyOS test version.
pub struct agc_release_options {
    pub(crate) notes: Vec<ReleaseNote>,
    pub(crate) submit: SubmitOptions,
    pub(crate) test: Option<TestRelease>,
    pub(crate) parse_timeout: Duration,
    pub(crate) submit_timeout: Duration,
    pub(crate) resume: ReleaseIds,
    /// The `needNotify` fixed by an earlier call (`set_test_notify` or `add_test_group`).
    pub(crate) test_notify: Option<bool>,
}

impl agc_release_options {
    /// The test release, which the test settings need first.
    fn test_mut(&mut self) -> Result<&mut TestRelease, Error> {
        self.test.as_mut().ok_or_else(|| Error::InvalidArgument("call agc_release_options_set_test first".into()))
    }
}

fn notify_flag(notify: c_uint) -> Result<bool, Error> {
    match notify {
        0 | 1 => Ok(notify == 1),
        other => Err(Error::InvalidArgument(format!("notify must be 0 or 1, got {other}"))),
    }
}

/// Create release options with no notes, an immediate full release, and 15-minute waits for
/// parsing and for "still processing" submits. On success `*out` receives them (the caller
/// frees them with `agc_release_options_free`).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_new(out: *mut *mut agc_release_options) -> agc_status {
    ffi!(agc_release_options_new(out: out) {
        *out = boxed(agc_release_options {
            notes: Vec::new(),
            submit: SubmitOptions::default(),
            test: None,
            parse_timeout: agcupload::defaults::PARSE_TIMEOUT,
            submit_timeout: agcupload::defaults::SUBMIT_TIMEOUT,
            resume: ReleaseIds::default(),
            test_notify: None,
        });
        Ok(())
    })
}

/// Free release options. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or from `agc_release_options_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_free(options: *mut agc_release_options) {
    ffi!(free options)
}

/// Release notes ("what's new") for one language, e.g. `"en-US"`; copied. Checked now: a
/// language tag, not only invisible characters, at most 500 UTF-16 code units (an emoji
/// counts 2; `AGC_ERR_INVALID_ARGUMENT` naming the language). Setting a language again
/// replaces its text and forgets its listing texts (`agc_release_options_set_note_listing`).
/// A language the app does not have yet needs an app name (listing texts).
///
/// # Safety
/// `options` is a live options object; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_note(
    options: *mut agc_release_options,
    language: *const c_char,
    new_features: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_note(options: handle_mut, language: str, new_features: str) {
        let note = ReleaseNote::new(language, new_features);
        release::check_note(&note)?;
        options.notes.retain(|n| !n.language.eq_ignore_ascii_case(language));
        options.notes.push(note);
        Ok(())
    })
}

/// The listing texts of a language whose release notes are set
/// (`agc_release_options_set_note` first): `app_name` (`appName`, at most 64 UTF-16 code
/// units; AGC asks for it when the app does not have the language yet), `app_desc`
/// (`appDesc`, at most 8000) and `brief_info` (`briefInfo`, at most 80); each NULL = not
/// sent. Copied and checked now (`AGC_ERR_INVALID_ARGUMENT` naming the language).
///
/// # Safety
/// `options` is a live options object; `language` is NUL-terminated; the texts are NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_note_listing(
    options: *mut agc_release_options,
    language: *const c_char,
    app_name: *const c_char,
    app_desc: *const c_char,
    brief_info: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_note_listing(
        options: handle_mut,
        language: str,
        app_name: opt_str,
        app_desc: opt_str,
        brief_info: opt_str,
    ) {
        let Some(note) = options.notes.iter_mut().find(|n| n.language.eq_ignore_ascii_case(language)) else {
            return Err(Error::InvalidArgument(format!(
                "set the release notes of {} (agc_release_options_set_note) before its listing texts",
                agcupload::internal::bounded(language, 40)
            ))
            .into());
        };
        let mut probe = note.clone();
        probe.app_name = app_name.map(str::to_owned);
        probe.app_desc = app_desc.map(str::to_owned);
        probe.brief_info = brief_info.map(str::to_owned);
        release::check_notes(std::slice::from_ref(&probe))?;
        *note = probe;
        Ok(())
    })
}

/// Scheduled release: `yyyy-MM-ddTHH:mm:ss+0000` in UTC (`Z` and `+00:00` are accepted too);
/// copied and checked now. NULL clears it (release at once after approval).
///
/// # Safety
/// `options` is a live options object; `release_time` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_release_time(
    options: *mut agc_release_options,
    release_time: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_release_time(options: handle_mut, release_time: opt_str) {
        options.submit.release_time = release_time.map(release::normalize_release_time).transpose()?;
        Ok(())
    })
}

/// `releasePhase`: 0 = full release, 3 = phased release, which needs `description`
/// (`phasedReleaseDescription`, copied; ignored for 0 and may then be NULL).
///
/// # Safety
/// `options` is a live options object; `description` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_phase(
    options: *mut agc_release_options,
    phase: c_uint,
    description: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_phase(options: handle_mut) {
        let p = match phase {
            0 => ReleasePhase::Full,
            // The description is read only for a phased release: NULL is fine for a full one.
            3 => ReleasePhase::Phased { description: arg!(description: str)?.to_owned() },
            other => {
                return Err(Error::InvalidArgument(format!("release phase must be 0 or 3, got {other}")).into())
            }
        };
        release::check_phase(&p)?;
        options.submit.phase = Some(p);
        Ok(())
    })
}

/// A remark to the reviewers, 10 to 300 characters; copied and checked now. NULL clears it.
///
/// # Safety
/// `options` is a live options object; `remark` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_remark(
    options: *mut agc_release_options,
    remark: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_remark(options: handle_mut, remark: opt_str) {
        if let Some(r) = remark {
            release::check_remark(r)?;
        }
        options.submit.remark = remark.map(str::to_owned);
        Ok(())
    })
}

/// A submit body field the options do not model (for example `"registeredIdType"`), with
/// its value as JSON text (`"1"`, `"\"91110000MA00000000\""`, `"{...}"`); both copied and
/// checked now: a field the options set themselves (`releaseType`, `releasePhase`,
/// `phasedReleaseDescription`, `releaseTime`, `remark`), a name that is not 1 to 64 ASCII
/// letters, digits or `_`, text that is not JSON or longer than 4 KiB is
/// `AGC_ERR_INVALID_ARGUMENT`. Setting a name again replaces it; `json` NULL removes it.
///
/// # Safety
/// `options` is a live options object; `name` is NUL-terminated; `json` is NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_submit_field(
    options: *mut agc_release_options,
    name: *const c_char,
    json: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_submit_field(options: handle_mut, name: str, json: opt_str) {
        match json {
            Some(text) => {
                let value = release::parse_submit_field(name, text)?;
                let mut probe = SubmitOptions { extra: options.submit.extra.clone(), ..Default::default() };
                probe.extra.insert(name.to_owned(), value);
                probe.body()?;
                options.submit.extra = probe.extra;
            }
            None => {
                options.submit.extra.remove(name);
            }
        }
        Ok(())
    })
}

/// Longest wait for AGC to parse the package, and longest wait while a submit is refused as
/// "still processing", in milliseconds (each > 0; default 15 minutes).
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_timeouts_ms(
    options: *mut agc_release_options,
    parse_timeout_ms: u64,
    submit_timeout_ms: u64,
) -> agc_status {
    ffi!(agc_release_options_set_timeouts_ms(options: handle_mut) {
        if parse_timeout_ms == 0 || submit_timeout_ms == 0 {
            return Err(Error::InvalidArgument("timeouts must be greater than zero".into()).into());
        }
        options.parse_timeout = Duration::from_millis(parse_timeout_ms);
        options.submit_timeout = Duration::from_millis(submit_timeout_ms);
        Ok(())
    })
}

/// Make the road a HarmonyOS test release: `test_type` 3 = invite test (needs at least one
/// group, `agc_release_options_add_test_group`), 4 = open test; `description` (`testDesc`,
/// 1 to 50 characters) is copied. The upload is then asked with `releaseType` 6.
///
/// # Safety
/// `options` is a live options object; `description` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_test(
    options: *mut agc_release_options,
    test_type: c_uint,
    description: *const c_char,
) -> agc_status {
    ffi!(agc_release_options_set_test(options: handle_mut, description: str) {
        let t = match test_type {
            3 => TestType::Invite,
            4 => TestType::Open,
            other => return Err(Error::InvalidArgument(format!("test type must be 3 or 4, got {other}")).into()),
        };
        // Check the description now (groups are checked when the road starts).
        check_test_desc(description)?;
        let mut test = options.test.take().unwrap_or_else(|| TestRelease::new(t, description));
        test.test_type = t;
        test.description = description.to_owned();
        options.test = Some(test);
        Ok(())
    })
}

/// The test window in milliseconds since the Unix epoch (`end_ms` > `start_ms`, at most 90
/// days long, else `AGC_ERR_INVALID_ARGUMENT`). Default: from the submit on, for 30 days. Needs `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_test_window(
    options: *mut agc_release_options,
    start_ms: u64,
    end_ms: u64,
) -> agc_status {
    ffi!(agc_release_options_set_test_window(options: handle_mut) {
        let t = options.test_mut()?;
        check_test_window(start_ms, end_ms)?;
        t.start_ms = Some(start_ms);
        t.end_ms = Some(end_ms);
        Ok(())
    })
}

/// Add a test group id (copied). AGC takes ONE `needNotify` per test version, not one per
/// group: `notify` (1 = tell the testers) must equal the flag of every earlier
/// `agc_release_options_add_test_group` or `agc_release_options_set_test_notify` call on
/// these options, else `AGC_ERR_INVALID_ARGUMENT` (nothing is changed). Needs
/// `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object; `group_id` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_add_test_group(
    options: *mut agc_release_options,
    group_id: *const c_char,
    notify: c_uint,
) -> agc_status {
    ffi!(agc_release_options_add_test_group(options: handle_mut, group_id: str) {
        let flag = notify_flag(notify)?;
        if options.test_notify.is_some_and(|earlier| earlier != flag) {
            return Err(Error::InvalidArgument(format!(
                "AGC takes one needNotify per test version, not per group: this group asks notify={notify} but an \
                 earlier call set {}; set it once with agc_release_options_set_test_notify",
                u8::from(!flag)
            ))
            .into());
        }
        agcupload::internal::check_group_id(group_id)?;
        let t = options.test_mut()?;
        if !t.groups.iter().any(|x| x == group_id) {
            t.groups.push(group_id.to_owned());
        }
        t.notify = flag;
        options.test_notify = Some(flag);
        Ok(())
    })
}

/// Whether AGC tells the testers of the test version (`testTaskInfo.needNotify`, one flag per
/// test version): 1 yes, 0 no (the default). Replaces the flag of earlier calls; later
/// `agc_release_options_add_test_group` calls must pass the same. Needs
/// `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_test_notify(
    options: *mut agc_release_options,
    notify: c_uint,
) -> agc_status {
    ffi!(agc_release_options_set_test_notify(options: handle_mut) {
        let flag = notify_flag(notify)?;
        options.test_mut()?.notify = flag;
        options.test_notify = Some(flag);
        Ok(())
    })
}

/// The test package's `distributeMode`: 1 = the test zone (the default), 2 = AppGallery;
/// anything else is `AGC_ERR_INVALID_ARGUMENT`. Needs `agc_release_options_set_test` first.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_distribute_mode(
    options: *mut agc_release_options,
    mode: c_uint,
) -> agc_status {
    ffi!(agc_release_options_set_distribute_mode(options: handle_mut) {
        let t = options.test_mut()?;
        agcupload::internal::check_distribute_mode(mode)?;
        t.distribute_mode = mode;
        Ok(())
    })
}

/// Continue an earlier road from what it obtained (each NULL, or `size` 0, = not known): with
/// an object id (and its `file_name`; default the file's name) the upload is skipped; with a
/// package id the bind (or adding the test package) too; with a version id, creating the test
/// version. `sha256_hex` (64 lowercase hexadecimal characters) and `size` are those of the
/// earlier upload, for a road resumed past its upload to report them
/// (`agc_release_result_sha256`, `agc_release_result_size`); a road that uploads reports its
/// own. All copied. A bad file name or SHA-256 is `AGC_ERR_INVALID_ARGUMENT` (nothing is
/// changed). To continue from a failed road's result, pass its accessors
/// (`agc_release_result_object_id`, `agc_release_result_file_name`,
/// `agc_release_result_package_id`, `agc_release_result_version_id`,
/// `agc_release_result_sha256`, `agc_release_result_size`).
///
/// # Safety
/// `options` is a live options object; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_release_options_set_resume(
    options: *mut agc_release_options,
    object_id: *const c_char,
    file_name: *const c_char,
    package_id: *const c_char,
    version_id: *const c_char,
    sha256_hex: *const c_char,
    size: u64,
) -> agc_status {
    ffi!(agc_release_options_set_resume(
        options: handle_mut,
        object_id: opt_str,
        file_name: opt_str,
        package_id: opt_str,
        version_id: opt_str,
        sha256_hex: opt_str,
    ) {
        if let Some(n) = file_name {
            agcupload::internal::check_file_name(n)?;
        }
        if let Some(h) = sha256_hex {
            agcupload::internal::check_resumed_sha256(h)?;
        }
        options.resume = ReleaseIds {
            object_id: object_id.map(str::to_owned),
            file_name: file_name.map(str::to_owned),
            package_id: package_id.map(str::to_owned),
            version_id: version_id.map(str::to_owned),
            sha256_hex: sha256_hex.map(str::to_owned),
            size: (size > 0).then_some(size),
            upload: None,
            notes: Vec::new(),
        };
        Ok(())
    })
}
