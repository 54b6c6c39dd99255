//! `agc_upload_options`: the options of one upload (the name AGC records, the release type,
//! the bind's query, the preflight, and how the file travels: one PUT or multipart, the part
//! size, a known SHA-256, the resume file). The decisions are the library's (`UploadRequest`);
//! this file only keeps the values until an operation copies them.

use std::os::raw::{c_char, c_int, c_uint};
use std::path::{Path, PathBuf};

use crate::boundary::boxed;
use crate::types::agc_status;
use agcupload::{parse_sha256_hex, BindQuery, Error, PackageKind, Sha256Digest, Transfer, UploadRequest};

/// Options of one upload, all optional. Create with `agc_upload_options_new`, free with
/// `agc_upload_options_free`; pass NULL wherever options are taken to use the defaults.
#[derive(Debug, Clone)]
pub struct agc_upload_options {
    file_name: Option<String>,
    release_type: Option<u32>,
    chinese_mainland: Option<bool>,
    /// The bind's optional query (publish and the release road).
    bind: BindQuery,
    transfer: Transfer,
    part_size: Option<u64>,
    sha256: Option<Sha256Digest>,
    resume_file: Option<PathBuf>,
    /// Run the preflight (publish and the release road); on by default.
    preflight: bool,
}

impl Default for agc_upload_options {
    fn default() -> agc_upload_options {
        agc_upload_options {
            file_name: None,
            release_type: None,
            chinese_mainland: None,
            bind: BindQuery::default(),
            transfer: Transfer::default(),
            part_size: None,
            sha256: None,
            resume_file: None,
            preflight: true,
        }
    }
}

impl agc_upload_options {
    /// What an operation keeps of its options when it starts: a copy (its callback may free
    /// or change the options object), or the defaults for NULL.
    pub(crate) fn copied(options: Option<&agc_upload_options>) -> agc_upload_options {
        options.cloned().unwrap_or_default()
    }

    /// The upload these options describe; its texts are borrowed from them.
    pub(crate) fn request<'a>(&'a self, app_id: &'a str, path: &'a Path, kind: PackageKind) -> UploadRequest<'a> {
        let mut r = UploadRequest::new(app_id, path, kind);
        r.file_name = self.file_name.as_deref();
        r.release_type = self.release_type;
        r.chinese_mainland = self.chinese_mainland;
        r.bind = self.bind;
        r.transfer = self.transfer;
        r.part_size = self.part_size;
        r.sha256 = self.sha256;
        r.resume_file = self.resume_file.as_deref();
        r.preflight = self.preflight;
        r
    }
}

/// Create an empty options object. On success `*out` receives it (the caller frees it with
/// `agc_upload_options_free`).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_new(out: *mut *mut agc_upload_options) -> agc_status {
    ffi!(agc_upload_options_new(out: out) {
        *out = boxed(agc_upload_options::default());
        Ok(())
    })
}

/// Free an options object. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or from `agc_upload_options_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_free(options: *mut agc_upload_options) {
    ffi!(free options)
}

/// The `fileName` AGC records (default: the file's own name). Copied. Its suffix must still
/// match the file's content, or the upload fails with `AGC_ERR_FILE_TYPE`.
///
/// # Safety
/// `options` is a live options object; `file_name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_file_name(
    options: *mut agc_upload_options,
    file_name: *const c_char,
) -> agc_status {
    ffi!(agc_upload_options_set_file_name(options: handle_mut, file_name: str) {
        agcupload::internal::check_file_name(file_name)?;
        options.file_name = Some(file_name.to_owned());
        Ok(())
    })
}

/// `releaseType`: 1 = full release, 6 = HarmonyOS test release. Not sent unless set.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_release_type(
    options: *mut agc_upload_options,
    release_type: c_uint,
) -> agc_status {
    ffi!(agc_upload_options_set_release_type(options: handle_mut) {
        if release_type != 1 && release_type != 6 {
            return Err(Error::InvalidArgument(format!("release type must be 1 or 6, got {release_type}")).into());
        }
        options.release_type = Some(release_type);
        Ok(())
    })
}

/// `chineseMainlandFlag` (0 or 1; mandatory for developers registered outside mainland
/// China). Not sent unless set.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_chinese_mainland(
    options: *mut agc_upload_options,
    flag: c_uint,
) -> agc_status {
    ffi!(agc_upload_options_set_chinese_mainland(options: handle_mut) {
        if flag > 1 {
            return Err(Error::InvalidArgument(format!("chinese mainland flag must be 0 or 1, got {flag}")).into());
        }
        options.chinese_mainland = Some(flag == 1);
        Ok(())
    })
}

/// `releaseType` sent with the bind that `agc_publish_package` and `agc_release_package` do
/// after the upload (`PUT app-package-info?releaseType=`): 1 = full release, 6 = HarmonyOS test
/// release. Not sent unless set. Another value is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_bind_release_type(
    options: *mut agc_upload_options,
    release_type: c_uint,
) -> agc_status {
    ffi!(agc_upload_options_set_bind_release_type(options: handle_mut) {
        let bind = BindQuery { release_type: Some(release_type), ..options.bind };
        bind.check()?;
        options.bind = bind;
        Ok(())
    })
}

/// `releasePhase` sent with the bind that `agc_publish_package` and `agc_release_package` do
/// after the upload: 0 = full, 3 = phased (a phased release may need it). Not sent unless set.
/// Another value is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_bind_release_phase(
    options: *mut agc_upload_options,
    release_phase: c_uint,
) -> agc_status {
    ffi!(agc_upload_options_set_bind_release_phase(options: handle_mut) {
        let bind = BindQuery { release_phase: Some(release_phase), ..options.bind };
        bind.check()?;
        options.bind = bind;
        Ok(())
    })
}

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
    ffi!(agc_upload_options_set_preflight(options: handle_mut) {
        if enabled != 0 && enabled != 1 {
            return Err(Error::InvalidArgument(format!("preflight must be 0 or 1, got {enabled}")).into());
        }
        options.preflight = enabled == 1;
        Ok(())
    })
}

/// How the file travels: an `agc_transfer` value (default `AGC_TRANSFER_AUTO`). Another value
/// is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_transfer(
    options: *mut agc_upload_options,
    transfer: c_uint,
) -> agc_status {
    ffi!(agc_upload_options_set_transfer(options: handle_mut, transfer: c_enum(agc_transfer)) {
        options.transfer = transfer;
        Ok(())
    })
}

/// Bytes per part of a multipart upload (default: AGC's minimum, `nspPartMinSize`, 5 MiB).
/// A size outside AGC's bounds is raised or lowered to them, with a note in the result; 0 is
/// `AGC_ERR_INVALID_ARGUMENT`. A resumed upload keeps the part size it started with.
///
/// # Safety
/// `options` is a live options object.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_part_size(
    options: *mut agc_upload_options,
    part_size: u64,
) -> agc_status {
    ffi!(agc_upload_options_set_part_size(options: handle_mut) {
        if part_size == 0 {
            return Err(Error::InvalidArgument("the part size must be greater than zero".into()).into());
        }
        options.part_size = Some(part_size);
        Ok(())
    })
}

/// The file's SHA-256 when the caller already knows it: 64 hexadecimal characters (either
/// case), copied. The hash pass before the upload is skipped; the bytes are still hashed while
/// they are sent, and a wrong digest stops the upload before its last byte with
/// `AGC_ERR_FILE_CHANGED` (nothing is stored). Anything but 64 hex digits is
/// `AGC_ERR_INVALID_ARGUMENT`; NULL too. Not for profile pictures (they are sealed first).
///
/// # Safety
/// `options` is a live options object; `sha256_hex` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_sha256(
    options: *mut agc_upload_options,
    sha256_hex: *const c_char,
) -> agc_status {
    ffi!(agc_upload_options_set_sha256(options: handle_mut, sha256_hex: str) {
        options.sha256 = Some(parse_sha256_hex(sha256_hex)?);
        Ok(())
    })
}

/// Keep the state of a multipart upload in this file, so that a later run (after a crash, a
/// kill, a failure) with the same file sends only the parts not yet finished. Copied. The
/// file is written atomically after every part (mode 0600) and holds the app id, file name
/// and identity, AGC's object and upload ids and each finished part's number, SHA-256, ETag
/// and part object id: never a token, secret, signature or signed URL. A changed file, or a
/// session AGC no longer knows, starts a fresh upload, with a note. A finished upload removes
/// the file. NULL or an empty path is `AGC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `options` is a live options object; `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_set_resume_file(
    options: *mut agc_upload_options,
    path: *const c_char,
) -> agc_status {
    ffi!(agc_upload_options_set_resume_file(options: handle_mut, path: path) {
        if path.as_os_str().is_empty() {
            return Err(Error::InvalidArgument("the resume file path is empty".into()).into());
        }
        options.resume_file = Some(path.to_path_buf());
        Ok(())
    })
}
