"""Finds and loads libagcupload, and declares the C functions' prototypes (ctypes).

Order: $AGCUPLOAD_LIBRARY (a path to the library: a system-installed one, or a build tree's;
when set, nothing else is tried), then the library bundled in this package, then the system's
loader (`ctypes.util.find_library("agcupload")`). The file names per platform are
`libagcupload.so` (Linux and other ELF systems), `libagcupload.dylib` (macOS) and
`agcupload.dll` (Windows).
"""
import ctypes
import ctypes.util
import os
import sys
from typing import Any, List, Optional, Sequence, Tuple

__all__ = ["lib", "library_path", "PROGRESS_FN", "library_file_names", "declare"]

ENV_VAR = "AGCUPLOAD_LIBRARY"
# The name this variable had before the package was installable; still honoured.
OLD_ENV_VAR = "AGCUPLOAD_LIB"


def library_file_names(platform: str = sys.platform) -> List[str]:
    """The library's file names to look for on `platform` (a `sys.platform` value)."""
    if platform == "win32" or platform == "cygwin":
        return ["agcupload.dll"]
    if platform == "darwin":
        return ["libagcupload.dylib"]
    return ["libagcupload.so"]


def _load() -> Tuple[ctypes.CDLL, str]:
    override = os.environ.get(ENV_VAR) or os.environ.get(OLD_ENV_VAR)
    if override:
        try:
            return ctypes.CDLL(override), override
        except OSError as e:
            raise ImportError("agcupload: cannot load the library named by %s=%r: %s" % (ENV_VAR, override, e)) from e
    here = os.path.dirname(os.path.abspath(__file__))
    tried = []
    for name in library_file_names():
        path = os.path.join(here, name)
        tried.append(path)
        if os.path.exists(path):
            return ctypes.CDLL(path), path
    found: Optional[str] = ctypes.util.find_library("agcupload")
    if found:
        try:
            return ctypes.CDLL(found), found
        except OSError:
            tried.append(found)
    raise ImportError("agcupload: libagcupload not found (tried %s and the system's library path); "
                      "reinstall the package with `pip install`, or set %s to the library's path"
                      % (", ".join(tried), ENV_VAR))


lib, library_path = _load()

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64)

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_PP = ctypes.POINTER(_P)


def declare(name: str, restype: Any, argtypes: Sequence[Any]) -> Any:
    """The library's function `name` with its prototype set; ImportError when the loaded
    library lacks it (an older or different libagcupload)."""
    try:
        fn = getattr(lib, name)
    except AttributeError as e:
        raise ImportError("agcupload: %s has no %s(): it is an older or different libagcupload"
                          % (library_path, name)) from e
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


# The calls the package makes; the upload options' setters are declared beside their table
# (`_UPLOAD_OPTIONS` in __init__.py).
_CALLS: List[Tuple[str, Any, Sequence[Any]]] = [
    ("agc_version", _S, []),
    ("agc_status_str", _S, [ctypes.c_int]),
    ("agc_phase_str", _S, [ctypes.c_int]),
    ("agc_last_error", _S, []),
    ("agc_default_u64", ctypes.c_int, [_S, ctypes.POINTER(ctypes.c_uint64)]),
    ("agc_client_new", ctypes.c_int, [_S, _S, _PP]),
    ("agc_client_free", None, [_P]),
    ("agc_client_set_api_base", ctypes.c_int, [_P, _S]),
    ("agc_client_set_ca_file", ctypes.c_int, [_P, _S]),
    ("agc_client_set_timeouts_ms", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_client_set_user_agent", ctypes.c_int, [_P, _S]),
    ("agc_client_set_retry", ctypes.c_int, [_P, ctypes.c_uint, ctypes.c_uint64]),
    ("agc_client_set_seal_key", ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_size_t]),
    ("agc_seal_file", ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, _S, _S]),
    ("agc_open_file", ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, _S, _S]),
    ("agc_client_new_service_account", ctypes.c_int, [_S, _PP]),
    ("agc_client_set_poll_interval_ms", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_upload_options_new", ctypes.c_int, [_PP]),
    ("agc_upload_options_free", None, [_P]),
    ("agc_upload_file", ctypes.c_int, [_P, _S, _S, ctypes.c_uint, _P, PROGRESS_FN, _P, _PP]),
    ("agc_bind_object", ctypes.c_int, [_P, _S, _S, _S, PROGRESS_FN, _P, _PP]),
    ("agc_wait_package_ready", ctypes.c_int, [_P, _S, _S, ctypes.c_uint64, PROGRESS_FN, _P]),
    ("agc_publish_package", ctypes.c_int,
     [_P, _S, _S, ctypes.c_uint, _P, ctypes.c_uint64, PROGRESS_FN, _P, _PP, _PP]),
    ("agc_string_free", None, [_P]),
    ("agc_upload_result_object_id", _S, [_P]),
    ("agc_upload_result_sha256", _S, [_P]),
    ("agc_upload_result_file_name", _S, [_P]),
    ("agc_upload_result_size", ctypes.c_uint64, [_P]),
    ("agc_upload_result_free", None, [_P]),
    ("agc_upload_result_transfer", ctypes.c_uint, [_P]),
    ("agc_upload_result_parts", ctypes.c_uint32, [_P]),
    ("agc_upload_result_parts_sent", ctypes.c_uint32, [_P]),
    ("agc_upload_result_resumed_parts", ctypes.c_uint32, [_P]),
    ("agc_upload_result_bytes_sent", ctypes.c_uint64, [_P]),
    ("agc_upload_result_note_count", ctypes.c_size_t, [_P]),
    ("agc_upload_result_note", _S, [_P, ctypes.c_size_t]),
    ("agc_client_set_proxy", ctypes.c_int, [_P, _S]),
    ("agc_client_set_trust", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_release_options_new", ctypes.c_int, [_PP]),
    ("agc_release_options_free", None, [_P]),
    ("agc_release_options_set_note", ctypes.c_int, [_P, _S, _S]),
    ("agc_release_options_set_release_time", ctypes.c_int, [_P, _S]),
    ("agc_release_options_set_phase", ctypes.c_int, [_P, ctypes.c_uint, _S]),
    ("agc_release_options_set_remark", ctypes.c_int, [_P, _S]),
    ("agc_release_options_set_test", ctypes.c_int, [_P, ctypes.c_uint, _S]),
    ("agc_release_options_set_test_window", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_release_options_add_test_group", ctypes.c_int, [_P, _S, ctypes.c_uint]),
    ("agc_release_options_set_timeouts_ms", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_release_options_set_resume", ctypes.c_int, [_P, _S, _S, _S, _S, _S, ctypes.c_uint64]),
    ("agc_release_package", ctypes.c_int, [_P, _S, _S, ctypes.c_uint, _P, _P, PROGRESS_FN, _P, _PP]),
    ("agc_release_result_object_id", _S, [_P]),
    ("agc_release_result_file_name", _S, [_P]),
    ("agc_release_result_package_id", _S, [_P]),
    ("agc_release_result_version_id", _S, [_P]),
    ("agc_release_result_sha256", _S, [_P]),
    ("agc_release_result_size", ctypes.c_uint64, [_P]),
    ("agc_release_result_failed_step", ctypes.c_int, [_P]),
    ("agc_release_result_status", ctypes.c_int, [_P]),
    ("agc_release_result_error", _S, [_P]),
    ("agc_release_result_outcome_uncertain", ctypes.c_int, [_P]),
    ("agc_release_result_free", None, [_P]),
    ("agc_release_result_note_count", ctypes.c_size_t, [_P]),
    ("agc_release_result_note", _S, [_P, ctypes.c_size_t]),
    ("agc_set_release_notes", ctypes.c_int, [_P, _S, _P, PROGRESS_FN, _P]),
    ("agc_submit_for_review", ctypes.c_int, [_P, _S, _P, PROGRESS_FN, _P]),
    ("agc_get_release_status", ctypes.c_int, [_P, _S, _PP]),
    ("agc_release_status_state", ctypes.c_int, [_P]),
    ("agc_release_status_release_state", ctypes.c_int64, [_P]),
    ("agc_release_status_review_state", ctypes.c_int64, [_P]),
    ("agc_release_status_audit_opinion", _S, [_P]),
    ("agc_release_status_free", None, [_P]),
    ("agc_release_state_str", _S, [ctypes.c_int]),
    ("agc_release_options_set_test_notify", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_release_options_set_distribute_mode", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_release_options_set_submit_field", ctypes.c_int, [_P, _S, _S]),
    ("agc_release_options_set_note_listing", ctypes.c_int, [_P, _S, _S, _S, _S]),
    ("agc_inspect_package", ctypes.c_int, [_S, _PP]),
    ("agc_package_info_check_kind", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_package_info_bundle_name", _S, [_P]),
    ("agc_package_info_bundle_type", _S, [_P]),
    ("agc_package_info_kind", ctypes.c_uint, [_P]),
    ("agc_package_info_version_code", ctypes.c_uint64, [_P]),
    ("agc_package_info_version_name", _S, [_P]),
    ("agc_package_info_min_compatible_version_code", ctypes.c_int64, [_P]),
    ("agc_package_info_size", ctypes.c_uint64, [_P]),
    ("agc_package_info_module_count", ctypes.c_size_t, [_P]),
    ("agc_package_info_module_name", _S, [_P, ctypes.c_size_t]),
    ("agc_package_info_module_type", _S, [_P, ctypes.c_size_t]),
    ("agc_package_info_module_device_types", _S, [_P, ctypes.c_size_t]),
    ("agc_package_info_free", None, [_P]),
    ("agc_listing_plan", ctypes.c_int, [_P, _S, _S, PROGRESS_FN, _P, _PP]),
    ("agc_listing_apply", ctypes.c_int, [_P, _S, _S, PROGRESS_FN, _P, _PP]),
    ("agc_listing_pull", ctypes.c_int, [_P, _S, _S, PROGRESS_FN, _P, _PP]),
    ("agc_listing_result_change_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_change_lang", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_field", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_new_language", ctypes.c_int, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_is_text", ctypes.c_int, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_summary", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_current", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_change_wanted", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_unchanged_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_unchanged", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_upload_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_upload_file", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_upload_object_id", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_upload_size", ctypes.c_uint64, [_P, ctypes.c_size_t]),
    ("agc_listing_result_language_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_language", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_written_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_written", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_calls", ctypes.c_uint32, [_P]),
    ("agc_listing_result_note_count", ctypes.c_size_t, [_P]),
    ("agc_listing_result_note", _S, [_P, ctypes.c_size_t]),
    ("agc_listing_result_free", None, [_P]),
    ("agc_delete_language", ctypes.c_int, [_P, _S, _S, PROGRESS_FN, _P]),
    ("agc_withdraw_review", ctypes.c_int, [_P, _S, PROGRESS_FN, _P, _PP]),
    ("agc_phased_release", ctypes.c_int,
     [_P, _S, ctypes.c_uint, ctypes.c_uint, _S, _S, PROGRESS_FN, _P, _PP]),
    ("agc_app_id_for_bundle", ctypes.c_int, [_P, _S, PROGRESS_FN, _P, _PP]),
]
for _name, _res, _args in _CALLS:
    declare(_name, _res, _args)


def _default(name: str) -> int:
    v = ctypes.c_uint64(0)
    if lib.agc_default_u64(name.encode(), ctypes.byref(v)) != 0:
        raise RuntimeError("libagcupload has no default %r (library and package differ)" % name)
    return int(v.value)


#: The library's defaults, read from it (`agc_default_u64`): the one definition is the core's.
DEFAULTS = {n: _default(n) for n in (
    "connect_timeout_ms", "io_timeout_ms", "poll_initial_ms", "poll_max_ms", "parse_timeout_ms",
    "submit_timeout_ms", "max_attempts", "retry_deadline_ms", "test_window_ms")}
