//! `agc_package_info`: inspecting a package offline (its `pack.info`, `agc_inspect_package`),
//! the `agc_package_info_*` accessors, and checking the declared kind.

use std::ffi::CString;
use std::os::raw::{c_char, c_uint};
use std::ptr;

use crate::boundary::boxed;
use crate::types::{agc_package_kind, agc_status};
use agcupload::{Error, PackageInfo};

/// What a package's `pack.info` says it is. Owned by the caller; free with
/// `agc_package_info_free`. Strings returned by its accessors live as long as it does.
pub struct agc_package_info {
    info: PackageInfo,
    bundle_name: CString,
    bundle_type: CString,
    version_name: CString,
    modules: Vec<CModule>,
}

struct CModule {
    name: CString,
    module_type: CString,
    device_types: CString,
}

impl agc_package_info {
    fn new(info: PackageInfo) -> Result<agc_package_info, Error> {
        // The library refuses control characters (NUL among them) in every pack.info text.
        let c = |s: &str| CString::new(s).map_err(|_| Error::Internal("a pack.info text holds a NUL byte".into()));
        let modules = info
            .modules
            .iter()
            .map(|m| {
                Ok(CModule {
                    name: c(&m.name)?,
                    module_type: c(&m.module_type)?,
                    device_types: c(&m.device_types.join(","))?,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(agc_package_info {
            bundle_name: c(&info.bundle_name)?,
            bundle_type: c(&info.bundle_type)?,
            version_name: c(&info.version_name)?,
            modules,
            info,
        })
    }
}

impl agc_package_info {
    /// The field `field` of module `index`, or NULL when `index` is out of range.
    fn module_field(&self, index: usize, field: fn(&CModule) -> &CString) -> *const c_char {
        self.modules.get(index).map_or(ptr::null(), |m| field(m).as_ptr())
    }
}

/// Inspect a HarmonyOS `.app` package offline (no client, no credentials, nothing sent): read
/// its `pack.info` from the end of the ZIP archive (a few KiB, whatever the file's size).
///
/// - `path`: the file; on POSIX any bytes. Opened as every file of the library: regular
///   files only, never blocking on a FIFO.
/// - `out`: on success receives an info object the caller owns and frees with
///   `agc_package_info_free`; set to NULL on failure.
///
/// Errors: `AGC_ERR_FILE` (missing, unreadable, not a regular file, empty),
/// `AGC_ERR_FILE_TYPE` (not a ZIP archive, no or a malformed `pack.info`, duplicate entry
/// names, too many entries, a `pack.info` over 2 MiB or inflating past its declared size,
/// an unsigned package), `AGC_ERR_INVALID_ARGUMENT` (NULL `path` or `out`).
///
/// # Safety
/// `path` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn agc_inspect_package(path: *const c_char, out: *mut *mut agc_package_info) -> agc_status {
    ffi!(agc_inspect_package(out: out, path: path) {
        *out = boxed(agc_package_info::new(agcupload::inspect_package(path)?)?);
        Ok(())
    })
}

/// Check that the package is what the caller declares it to be (`kind`, an
/// `agc_package_kind`): `AGC_ERR_FILE_TYPE` for an atomic service declared as an app or the
/// reverse (or a bundle type that is neither), `AGC_ERR_FILE_TOO_LARGE` when it is over the
/// limit of what it is (4 GiB for an app, 10 MiB for an atomic service),
/// `AGC_ERR_INVALID_ARGUMENT` for a NULL `info` or an unknown `kind`. Reads nothing.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_check_kind(info: *const agc_package_info, kind: c_uint) -> agc_status {
    ffi!(agc_package_info_check_kind(info: handle, kind: c_enum(agc_package_kind)) {
        Ok(agcupload::internal::check_declared_kind(&info.info, kind)?)
    })
}

/// `summary.app.bundleName` (for example `com.example.demo`). Owned by `info`; NULL if
/// `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_bundle_name(info: *const agc_package_info) -> *const c_char {
    ffi!(agc_package_info_bundle_name(info: handle) or ptr::null() => info.bundle_name.as_ptr())
}

/// The bundle type: `"app"`, `"atomicService"`, or another value of `pack.info` (such as
/// `"shared"`); for a package without one, `"atomicService"` when every module is
/// installation-free, else `"app"`. Owned by `info`; NULL if `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_bundle_type(info: *const agc_package_info) -> *const c_char {
    ffi!(agc_package_info_bundle_type(info: handle) or ptr::null() => info.bundle_type.as_ptr())
}

/// The `agc_package_kind` the package is (`AGC_KIND_HARMONY_APP` or
/// `AGC_KIND_ATOMIC_SERVICE`), or 0 when its bundle type is neither or `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_kind(info: *const agc_package_info) -> c_uint {
    ffi!(agc_package_info_kind(info: handle) or 0 => info.info.kind.map_or(0, |k| agc_package_kind::from(k) as c_uint))
}

/// `summary.app.version.code`; 0 if `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_version_code(info: *const agc_package_info) -> u64 {
    ffi!(agc_package_info_version_code(info: handle) or 0 => info.info.version_code)
}

/// `summary.app.version.name` (for example `1.0.12`). Owned by `info`; NULL if `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_version_name(info: *const agc_package_info) -> *const c_char {
    ffi!(agc_package_info_version_name(info: handle) or ptr::null() => info.version_name.as_ptr())
}

/// `summary.app.version.minCompatibleVersionCode`, or -1 when the package has none or `info`
/// is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_min_compatible_version_code(info: *const agc_package_info) -> i64 {
    // The library keeps version codes <= INT64_MAX.
    ffi!(agc_package_info_min_compatible_version_code(info: handle) or -1 => {
        info.info.min_compatible_version_code.map_or(-1, |v| v as i64)
    })
}

/// The package's size in bytes; 0 if `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_size(info: *const agc_package_info) -> u64 {
    ffi!(agc_package_info_size(info: handle) or 0 => info.info.size)
}

/// How many modules the package lists (at least 1); 0 if `info` is NULL.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_module_count(info: *const agc_package_info) -> usize {
    ffi!(agc_package_info_module_count(info: handle) or 0 => info.modules.len())
}

/// The name of module `index` (0-based; `distro.moduleName`, for example `entry`). Owned by
/// `info`; NULL if `info` is NULL or `index` is not below `agc_package_info_module_count`.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_module_name(info: *const agc_package_info, index: usize) -> *const c_char {
    ffi!(agc_package_info_module_name(info: handle) or ptr::null() => info.module_field(index, |m| &m.name))
}

/// The type of module `index` (`distro.moduleType`: `entry`, `feature`, `shared`, ...).
/// Owned by `info`; NULL if `info` is NULL or `index` is out of range.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_module_type(info: *const agc_package_info, index: usize) -> *const c_char {
    ffi!(agc_package_info_module_type(info: handle) or ptr::null() => info.module_field(index, |m| &m.module_type))
}

/// The device types of module `index`, joined by commas without spaces (for example
/// `phone,tablet,2in1`; `""` when the module lists none; a device type never holds a comma).
/// Owned by `info`; NULL if `info` is NULL or `index` is out of range.
///
/// # Safety
/// `info` is NULL or a live info object.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_module_device_types(
    info: *const agc_package_info,
    index: usize,
) -> *const c_char {
    ffi!(agc_package_info_module_device_types(info: handle) or ptr::null() => {
        info.module_field(index, |m| &m.device_types)
    })
}

/// Free an info object and its strings. NULL is a no-op.
///
/// # Safety
/// `info` is NULL or an info object from `agc_inspect_package` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn agc_package_info_free(info: *mut agc_package_info) {
    ffi!(free info)
}
