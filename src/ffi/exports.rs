//! The exported functions. Each one: check arguments, call the Rust API, translate.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::path::Path;
use std::ptr;
use std::time::Duration;

use super::boundary::{free_box, give, guard, guard_value, last_error_ptr, non_null, str_arg};
use super::types::{agc_phase, agc_progress_fn, agc_status};
use crate::client::{Client, UploadRequest, UploadResult};
use crate::error::{Error, Status};
use crate::package::PackageKind;
use crate::progress::{Phase, Progress};
use crate::seal::{self, SealKey};
use crate::Credentials;

/// An AGC client: credentials, settings and a token cache. Create with `agc_client_new`,
/// free with `agc_client_free`. Uploads on one client may run on several threads at once;
/// the setters must not run concurrently with any other call on the same client.
pub struct agc_client {
    inner: Client,
}

/// The result of a successful upload. Owned by the caller; free with `agc_upload_result_free`.
/// Strings returned by its accessors live as long as the result.
pub struct agc_upload_result {
    object_id: CString,
    sha256: CString,
    file_name: CString,
    size: u64,
}

struct CProgress {
    callback: agc_progress_fn,
    user_data: *mut c_void,
}

impl Progress for CProgress {
    fn report(&mut self, phase: Phase, done: u64, total: u64) -> bool {
        match self.callback {
            None => true,
            // SAFETY: the caller gave us this function pointer and user_data for this call.
            Some(f) => unsafe { f(self.user_data, agc_phase::from(phase), done, total) == 0 },
        }
    }
}

/// Borrow a client handle mutably (setters).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new` not used concurrently.
unsafe fn client_mut<'a>(c: *mut agc_client) -> Result<&'a mut Client, Error> {
    non_null(c, "client")?;
    // SAFETY: non-NULL, from Box::into_raw in agc_client_new, exclusive per the contract.
    Ok(unsafe { &mut (*c).inner })
}

/// The shared body of the setters: check the handle, run `f` on the client, map the result.
///
/// # Safety
/// `client` is NULL or a live handle not used concurrently; `f` reads only valid arguments.
unsafe fn configure(client: *mut agc_client, f: impl FnOnce(&mut Client) -> Result<(), Error>) -> agc_status {
    // SAFETY: per the caller's contract.
    guard(|| f(unsafe { client_mut(client) }?))
}

/// Borrow a client handle shared (uploads, possibly from several threads).
///
/// # Safety
/// `c` is NULL or a live handle from `agc_client_new`.
unsafe fn client_ref<'a>(c: *const agc_client) -> Result<&'a Client, Error> {
    non_null(c, "client")?;
    // SAFETY: non-NULL and live per the contract.
    Ok(unsafe { &(*c).inner })
}

fn c_string(s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| Error::Protocol("the server returned a string with a NUL byte".into()))
}

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

/// A human-readable description of the last failure of an `agc_*` call on this thread, or
/// `""` if the last such call succeeded. Never NULL; never contains a secret (client secret,
/// token, signed headers, keys). Owned by the library: valid until the next `agc_*` call
/// on the same thread; copy it if you need it longer.
#[no_mangle]
pub extern "C" fn agc_last_error() -> *const c_char {
    last_error_ptr()
}

/// The shared body of the client constructors: clear `*out`, build, hand over.
///
/// # Safety
/// `out` is NULL or writable; `credentials` reads only valid arguments.
unsafe fn new_client(
    out: *mut *mut agc_client,
    credentials: impl FnOnce() -> Result<Credentials, Error>,
) -> agc_status {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { clear_out(out) };
        let client = Client::new(credentials()?)?;
        // SAFETY: as above.
        unsafe { give(out, agc_client { inner: client }) };
        Ok(())
    })
}

/// Create a client for AGC's China site using API-client credentials (both copied).
/// On success `*out` receives a handle the caller owns and must free with
/// `agc_client_free`; on failure `*out` is set to NULL (when `out` is not NULL).
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_client_new(
    client_id: *const c_char,
    client_secret: *const c_char,
    out: *mut *mut agc_client,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        new_client(out, || {
            let id = str_arg(client_id, "client_id")?;
            Ok(Credentials::api_client(id, str_arg(client_secret, "client_secret")?))
        })
    }
}

/// Create a client that authenticates as a service account (Huawei's recommendation): the
/// key file's path, or its JSON text (`*private.json`). The key signs a PS256 JWT used as the
/// bearer token. A malformed file or a non-RSA key gives `AGC_ERR_AUTH` (the message never
/// quotes the key). On success `*out` receives a handle the caller frees with
/// `agc_client_free`; on failure `*out` is set to NULL.
///
/// # Safety
/// `key_json_or_path` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_client_new_service_account(
    key_json_or_path: *const c_char,
    out: *mut *mut agc_client,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { new_client(out, || Credentials::service_account(str_arg(key_json_or_path, "key_json_or_path")?)) }
}

/// Free a client. NULL is a no-op. The handle must not be in use by another thread.
///
/// # Safety
/// `client` is NULL or a handle from `agc_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_client_free(client: *mut agc_client) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(client) }
}

/// Use another AGC site: `"cn"` (default), `"de"`, `"sg"`, `"ru"`, or a full `https://`
/// base URL (for a test server). Drops the cached token (tokens are per site).
///
/// # Safety
/// `client` is a live handle; `site_or_url` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_api_base(client: *mut agc_client, site_or_url: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_api_base(str_arg(site_or_url, "site_or_url")?)) }
}

/// Trust the certificates of this PEM file in addition to the built-in Mozilla roots.
/// Fails with `AGC_ERR_TLS` when the file is unreadable or holds no certificate.
///
/// # Safety
/// `client` is a live handle; `pem_path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_ca_file(client: *mut agc_client, pem_path: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_ca_file(Path::new(str_arg(pem_path, "pem_path")?))) }
}

/// Connect timeout and inactivity timeout (the longest any single read or write may wait,
/// which catches a stalled peer), in milliseconds; both must be > 0.
/// Defaults: 15 000 and 60 000.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_timeouts_ms(
    client: *mut agc_client,
    connect_ms: u64,
    inactivity_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| c.set_timeouts(Duration::from_millis(connect_ms), Duration::from_millis(inactivity_ms)))
    }
}

/// The `User-Agent` sent to the Connect API (the upload replays the signed one). Copied.
///
/// # Safety
/// `client` is a live handle; `user_agent` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_user_agent(client: *mut agc_client, user_agent: *const c_char) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { configure(client, |c| c.set_user_agent(str_arg(user_agent, "user_agent")?)) }
}

/// Retry policy: `max_attempts` in all (1 to 100; 1 = never retry) and the overall deadline
/// of one operation in milliseconds, waits included (0 = no deadline). Defaults: 5 and
/// 3 600 000. Transient failures (connection refused/reset, timeouts, HTTP 429/5xx, an
/// expired upload signature, AGC "try later" codes) are retried with exponential backoff
/// and full jitter, honouring `Retry-After`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_retry(
    client: *mut agc_client,
    max_attempts: c_uint,
    deadline_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| {
            let deadline = (deadline_ms > 0).then(|| Duration::from_millis(deadline_ms));
            c.set_retry(max_attempts, deadline)
        })
    }
}

/// Read a seal key argument: exactly 32 bytes.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes.
unsafe fn key_arg(key: *const u8, key_len: usize) -> Result<SealKey, Error> {
    non_null(key, "key")?;
    if key_len != seal::KEY_LEN {
        return Err(Error::SealKey(format!("seal key must be {} bytes, got {key_len}", seal::KEY_LEN)));
    }
    // SAFETY: non-NULL and `key_len` readable bytes per the caller's contract.
    SealKey::from_bytes(unsafe { std::slice::from_raw_parts(key, key_len) })
}

/// Set the 32-byte key that seals (encrypts) profile pictures before upload. The key is
/// copied (and wiped from the library's memory when the client is freed); wipe your copy.
/// Without a key, uploading `AGC_KIND_PROFILE_PICTURE` fails with `AGC_ERR_SEAL_KEY`.
/// A `key_len` other than 32 is `AGC_ERR_SEAL_KEY`.
///
/// # Safety
/// `client` is a live handle; `key` is NULL or points to `key_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_seal_key(
    client: *mut agc_client,
    key: *const u8,
    key_len: usize,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| {
            c.set_seal_key(key_arg(key, key_len)?);
            Ok(())
        })
    }
}

/// The shared body of `agc_seal_file` and `agc_open_file`.
///
/// # Safety
/// As for those functions.
unsafe fn file_op(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
    op: fn(&SealKey, &Path, &Path) -> Result<u64, Error>,
) -> agc_status {
    guard(|| {
        // SAFETY: per the caller's contract.
        let (key, input, output) =
            unsafe { (key_arg(key, key_len)?, str_arg(in_path, "in_path")?, str_arg(out_path, "out_path")?) };
        op(&key, Path::new(input), Path::new(output)).map(drop)
    })
}

/// Seal (encrypt and authenticate) `in_path` into `out_path` with a 32-byte key, in the
/// format of docs/sealed-format.md (XChaCha20-Poly1305 STREAM). `out_path` is written
/// through a temporary file (mode 0600) and replaced only on success.
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes; paths are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_seal_file(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { file_op(key, key_len, in_path, out_path, seal::seal_file) }
}

/// Open (decrypt and verify) a sealed file. The plaintext goes to a temporary file in
/// `out_path`'s directory and is renamed onto `out_path` only after the last chunk
/// authenticates: a wrong key or a tampered or truncated file gives `AGC_ERR_SEAL_CORRUPT`
/// and leaves no plaintext behind (an existing `out_path` is untouched).
///
/// # Safety
/// `key` is NULL or points to `key_len` readable bytes; paths are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_open_file(
    key: *const u8,
    key_len: usize,
    in_path: *const c_char,
    out_path: *const c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe { file_op(key, key_len, in_path, out_path, seal::open_file) }
}

/// Options of one upload, all optional. Create with `agc_upload_options_new`, free with
/// `agc_upload_options_free`; pass NULL wherever options are taken to use the defaults.
pub struct agc_upload_options {
    file_name: Option<String>,
    release_type: Option<u32>,
    chinese_mainland: Option<bool>,
}

/// Create an empty options object. On success `*out` receives it (the caller frees it with
/// `agc_upload_options_free`).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_new(out: *mut *mut agc_upload_options) -> agc_status {
    guard(|| {
        non_null(out, "out")?;
        let o = agc_upload_options { file_name: None, release_type: None, chinese_mainland: None };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { give(out, o) };
        Ok(())
    })
}

/// Free an options object. NULL is a no-op.
///
/// # Safety
/// `options` is NULL or from `agc_upload_options_new`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_options_free(options: *mut agc_upload_options) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(options) }
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
    guard(|| {
        non_null(options, "options")?;
        // SAFETY: per this function's contract.
        let name = unsafe { str_arg(file_name, "file_name") }?;
        crate::package::check_file_name(name)?;
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).file_name = Some(name.to_owned()) };
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
    guard(|| {
        non_null(options, "options")?;
        if release_type != 1 && release_type != 6 {
            return Err(Error::InvalidArgument(format!("release type must be 1 or 6, got {release_type}")));
        }
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).release_type = Some(release_type) };
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
    guard(|| {
        non_null(options, "options")?;
        if flag > 1 {
            return Err(Error::InvalidArgument(format!("chinese mainland flag must be 0 or 1, got {flag}")));
        }
        // SAFETY: non-NULL and live per the contract.
        unsafe { (*options).chinese_mainland = Some(flag == 1) };
        Ok(())
    })
}

/// The arguments every upload entry point shares, checked.
struct UploadArgs<'a> {
    client: &'a Client,
    app_id: &'a str,
    path: &'a str,
    kind: PackageKind,
    options: Option<&'a agc_upload_options>,
}

impl UploadArgs<'_> {
    /// # Safety
    /// As for `agc_upload_file_ex`.
    unsafe fn new<'a>(
        client: *const agc_client,
        app_id: *const c_char,
        path: *const c_char,
        kind: c_uint,
        options: *const agc_upload_options,
    ) -> Result<UploadArgs<'a>, Error> {
        // SAFETY: per the caller's contract.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: per the caller's contract.
        let app_id = unsafe { str_arg(app_id, "app_id") }?;
        // SAFETY: per the caller's contract.
        let path = unsafe { str_arg(path, "path") }?;
        let kind = PackageKind::from_raw(kind)
            .ok_or_else(|| Error::InvalidArgument(format!("{kind} is not an agc_package_kind")))?;
        // SAFETY: NULL or live per the caller's contract.
        let options = unsafe { options.as_ref() };
        Ok(UploadArgs { client, app_id, path, kind, options })
    }

    fn request(&self) -> UploadRequest<'_> {
        let mut r = UploadRequest::new(self.app_id, Path::new(self.path), self.kind);
        if let Some(o) = self.options {
            r.file_name = o.file_name.as_deref();
            r.release_type = o.release_type;
            r.chinese_mainland = o.chinese_mainland;
        }
        r
    }
}

/// Clear an out-pointer, if there is one.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn clear_out<T>(out: *mut *mut T) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *out = ptr::null_mut() };
    }
}

/// Upload a file to AGC: validate it (suffix, size, content type) before any network I/O,
/// hash it, get a signed URL, PUT it (retrying transient failures).
///
/// - `kind`: an `agc_package_kind` value.
/// - `progress`: may be NULL. Called on this thread; non-zero return cancels.
/// - `user_data`: passed to `progress` untouched; may be NULL.
/// - `out`: on success receives a result the caller owns and frees with
///   `agc_upload_result_free`; set to NULL on failure.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_file(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
) -> agc_status {
    // SAFETY: same contract as agc_upload_file_ex with no options.
    unsafe { agc_upload_file_ex(client, app_id, path, kind, ptr::null(), progress, user_data, out) }
}

/// `agc_upload_file` with options (`options` may be NULL: defaults).
///
/// # Safety
/// As for `agc_upload_file`; `options` is NULL or a live options object.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_upload_file_ex(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    options: *const agc_upload_options,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
) -> agc_status {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { clear_out(out) };
        // SAFETY: per this function's contract.
        let args = unsafe { UploadArgs::new(client, app_id, path, kind, options) }?;
        let mut sink = CProgress { callback: progress, user_data };
        let r = args.client.upload(&args.request(), &mut sink)?;
        // SAFETY: as above.
        unsafe { give(out, to_c_result(&r)?) };
        Ok(())
    })
}

/// Bind an uploaded object to the app (HarmonyOS 5+), so AGC starts parsing it. On success
/// `*package_id` receives AGC's package id, a string the caller frees with
/// `agc_string_free`; it is set to NULL on failure. Progress phase: `AGC_PHASE_BINDING`.
///
/// # Safety
/// `client` and `result` are live; `app_id` is NULL or NUL-terminated; `package_id` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_bind_package(
    client: *const agc_client,
    app_id: *const c_char,
    result: *const agc_upload_result,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> agc_status {
    guard(|| {
        non_null(result, "result")?;
        // SAFETY: non-NULL and live per the contract.
        let r = unsafe { &*result };
        // SAFETY: per this function's contract.
        unsafe { bind(client, app_id, r.file_name.as_ptr(), r.object_id.as_ptr(), progress, user_data, package_id) }
    })
}

/// `agc_bind_package` from a stored object's file name and object id (for example an object
/// uploaded earlier, or by another process). Same ownership of `*package_id`.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated; `package_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_bind_object(
    client: *const agc_client,
    app_id: *const c_char,
    file_name: *const c_char,
    object_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> agc_status {
    // SAFETY: per this function's contract.
    guard(|| unsafe { bind(client, app_id, file_name, object_id, progress, user_data, package_id) })
}

/// # Safety
/// As for `agc_bind_object`.
unsafe fn bind(
    client: *const agc_client,
    app_id: *const c_char,
    file_name: *const c_char,
    object_id: *const c_char,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    package_id: *mut *mut c_char,
) -> Result<(), Error> {
    non_null(package_id, "package_id")?;
    // SAFETY: checked non-NULL; writable per the contract.
    unsafe { clear_out(package_id) };
    // SAFETY: per the caller's contract.
    let c = unsafe { client_ref(client) }?;
    // SAFETY: per the caller's contract.
    let (app_id, file_name, object_id) =
        unsafe { (str_arg(app_id, "app_id")?, str_arg(file_name, "file_name")?, str_arg(object_id, "object_id")?) };
    let mut sink = CProgress { callback: progress, user_data };
    let id = c.bind_object(app_id, file_name, object_id, &mut sink)?;
    // SAFETY: as above.
    unsafe { *package_id = c_string(&id)?.into_raw() };
    Ok(())
}

/// Wait until AGC has parsed a bound package: `AGC_OK` when ready,
/// `AGC_ERR_PACKAGE_FAILED` (reason in `agc_last_error()`) when parsing failed, or
/// `AGC_ERR_TIMEOUT` after `timeout_ms`. Polls with backoff (5 s doubling to 30 s by
/// default); reports `AGC_PHASE_WAITING` with elapsed and timeout in milliseconds several
/// times a second, and a non-zero return from `progress` cancels.
///
/// # Safety
/// `client` is live; strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn agc_wait_package_ready(
    client: *const agc_client,
    app_id: *const c_char,
    package_id: *const c_char,
    timeout_ms: u64,
    progress: agc_progress_fn,
    user_data: *mut c_void,
) -> agc_status {
    guard(|| {
        // SAFETY: per this function's contract.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: per this function's contract.
        let (app_id, package_id) = unsafe { (str_arg(app_id, "app_id")?, str_arg(package_id, "package_id")?) };
        let mut sink = CProgress { callback: progress, user_data };
        c.wait_package_ready(app_id, package_id, Duration::from_millis(timeout_ms), &mut sink)
    })
}

/// Upload, bind and wait, in one call (for build systems that want a single step).
/// `options` may be NULL. On success `*out` receives the upload result (free with
/// `agc_upload_result_free`) and `*package_id` the package id (free with
/// `agc_string_free`); both are NULL on failure.
///
/// # Safety
/// As for `agc_upload_file_ex`; `package_id` is NULL or writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn agc_publish_package(
    client: *const agc_client,
    app_id: *const c_char,
    path: *const c_char,
    kind: c_uint,
    options: *const agc_upload_options,
    timeout_ms: u64,
    progress: agc_progress_fn,
    user_data: *mut c_void,
    out: *mut *mut agc_upload_result,
    package_id: *mut *mut c_char,
) -> agc_status {
    guard(|| {
        non_null(out, "out")?;
        non_null(package_id, "package_id")?;
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { (clear_out(out), clear_out(package_id)) };
        // SAFETY: per this function's contract.
        let args = unsafe { UploadArgs::new(client, app_id, path, kind, options) }?;
        let mut sink = CProgress { callback: progress, user_data };
        let p = args.client.publish(&args.request(), Duration::from_millis(timeout_ms), &mut sink)?;
        let result = Box::new(to_c_result(&p.upload)?);
        let id = c_string(&p.package_id)?;
        // SAFETY: as above.
        unsafe {
            *out = Box::into_raw(result);
            *package_id = id.into_raw();
        }
        Ok(())
    })
}

/// Free a string the library handed over (`agc_bind_package`, `agc_publish_package`).
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

/// Waits between compile-status polls in `agc_wait_package_ready`: the first, and the cap
/// it doubles up to, in milliseconds (defaults 5 000 and 30 000).
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn agc_client_set_poll_interval_ms(
    client: *mut agc_client,
    initial_ms: u64,
    max_ms: u64,
) -> agc_status {
    // SAFETY: per this function's contract.
    unsafe {
        configure(client, |c| c.set_poll_interval(Duration::from_millis(initial_ms), Duration::from_millis(max_ms)))
    }
}

fn to_c_result(r: &UploadResult) -> Result<agc_upload_result, Error> {
    Ok(agc_upload_result {
        object_id: c_string(&r.object_id)?,
        sha256: c_string(&r.sha256_hex)?,
        file_name: c_string(&r.file_name)?,
        size: r.size,
    })
}

/// The object id AGC assigned (needed to bind the file to the app). Owned by `result`;
/// NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_object_id(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.object_id.as_ptr()))
}

/// Lowercase hex SHA-256 of the uploaded bytes (64 characters). Owned by `result`; NULL if
/// `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_sha256(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.sha256.as_ptr()))
}

/// The file name AGC recorded. Owned by `result`; NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_file_name(result: *const agc_upload_result) -> *const c_char {
    // SAFETY: NULL or live per the contract.
    guard_value(ptr::null(), || unsafe { result.as_ref() }.map_or(ptr::null(), |r| r.file_name.as_ptr()))
}

/// Bytes uploaded; 0 if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_size(result: *const agc_upload_result) -> u64 {
    // SAFETY: NULL or live per the contract.
    guard_value(0, || unsafe { result.as_ref() }.map_or(0, |r| r.size))
}

/// Free a result and its strings. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or a result from `agc_upload_file` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_upload_result_free(result: *mut agc_upload_result) {
    // SAFETY: per this function\'s contract.
    unsafe { free_box(result) }
}
