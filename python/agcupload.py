"""Python binding for libagcupload through ctypes: a thin translation of the C ABI.

No upload logic lives here: every call goes to the same library that C programs link.

    from agcupload import Client, HARMONY_APP
    with Client("client-id", "client-secret") as c:
        r = c.upload_file("1234567", "build/app.app", HARMONY_APP,
                          progress=lambda phase, done, total: print(phase, done, total))
        print(r.object_id)

The library is found through $AGCUPLOAD_LIB, else target/release next to this file's
repository, else the system's loader path.
"""
import ctypes
import os
from collections import namedtuple

HARMONY_APP, ATOMIC_SERVICE, PROFILE_PICTURE = 1, 2, 3
PHASES = {1: "hashing", 2: "requesting_url", 3: "uploading", 4: "retrying",
          5: "done", 6: "sealing", 7: "binding", 8: "waiting"}

UploadResult = namedtuple("UploadResult", "object_id sha256 size file_name")

PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                               ctypes.c_uint64, ctypes.c_uint64)


def _load():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("AGCUPLOAD_LIB"),
                  os.path.join(here, "..", "target", "release", "libagcupload.so"),
                  "libagcupload.so"]
    for path in candidates:
        if not path:
            continue
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    raise OSError("libagcupload.so not found; build it with `make` or set AGCUPLOAD_LIB")


_lib = _load()
_P = ctypes.c_void_p
_S = ctypes.c_char_p
for name, res, args in [
    ("agc_version", _S, []),
    ("agc_status_str", _S, [ctypes.c_int]),
    ("agc_last_error", _S, []),
    ("agc_client_new", ctypes.c_int, [_S, _S, ctypes.POINTER(_P)]),
    ("agc_client_free", None, [_P]),
    ("agc_client_set_api_base", ctypes.c_int, [_P, _S]),
    ("agc_client_set_ca_file", ctypes.c_int, [_P, _S]),
    ("agc_client_set_timeouts_ms", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_client_set_user_agent", ctypes.c_int, [_P, _S]),
    ("agc_client_set_retry", ctypes.c_int, [_P, ctypes.c_uint, ctypes.c_uint64]),
    ("agc_client_set_seal_key", ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_size_t]),
    ("agc_seal_file", ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, _S, _S]),
    ("agc_open_file", ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, _S, _S]),
    ("agc_client_new_service_account", ctypes.c_int, [_S, ctypes.POINTER(_P)]),
    ("agc_client_set_poll_interval_ms", ctypes.c_int, [_P, ctypes.c_uint64, ctypes.c_uint64]),
    ("agc_upload_options_new", ctypes.c_int, [ctypes.POINTER(_P)]),
    ("agc_upload_options_free", None, [_P]),
    ("agc_upload_options_set_file_name", ctypes.c_int, [_P, _S]),
    ("agc_upload_options_set_release_type", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_upload_options_set_chinese_mainland", ctypes.c_int, [_P, ctypes.c_uint]),
    ("agc_upload_file_ex", ctypes.c_int, [_P, _S, _S, ctypes.c_uint, _P, PROGRESS_FN, _P, ctypes.POINTER(_P)]),
    ("agc_bind_object", ctypes.c_int, [_P, _S, _S, _S, PROGRESS_FN, _P, ctypes.POINTER(_P)]),
    ("agc_wait_package_ready", ctypes.c_int, [_P, _S, _S, ctypes.c_uint64, PROGRESS_FN, _P]),
    ("agc_publish_package", ctypes.c_int, [_P, _S, _S, ctypes.c_uint, _P, ctypes.c_uint64, PROGRESS_FN, _P,
                                           ctypes.POINTER(_P), ctypes.POINTER(_P)]),
    ("agc_string_free", None, [_P]),
    ("agc_upload_file", ctypes.c_int, [_P, _S, _S, ctypes.c_uint, PROGRESS_FN, _P, ctypes.POINTER(_P)]),
    ("agc_upload_result_object_id", _S, [_P]),
    ("agc_upload_result_sha256", _S, [_P]),
    ("agc_upload_result_file_name", _S, [_P]),
    ("agc_upload_result_size", ctypes.c_uint64, [_P]),
    ("agc_upload_result_free", None, [_P]),
]:
    fn = getattr(_lib, name)
    fn.restype = res
    fn.argtypes = args


class AgcError(Exception):
    """A failed call: `status` (int), `name` (e.g. "AGC_ERR_FILE_TYPE"), message."""

    def __init__(self, status):
        self.status = status
        self.name = _lib.agc_status_str(status).decode()
        self.message = (_lib.agc_last_error() or b"").decode("utf-8", "replace")
        super().__init__("%s: %s" % (self.name, self.message))


def _check(status):
    if status != 0:
        raise AgcError(status)


def _b(s):
    return s if isinstance(s, bytes) else os.fsencode(s) if isinstance(s, os.PathLike) else s.encode()


def version():
    return _lib.agc_version().decode()


def seal_file(key, in_path, out_path):
    """Seal `in_path` into `out_path` with a 32-byte key (docs/sealed-format.md)."""
    _check(_lib.agc_seal_file(bytes(key), len(key), _b(in_path), _b(out_path)))


def open_file(key, in_path, out_path):
    """Open a sealed file; `out_path` appears only if every chunk authenticates."""
    _check(_lib.agc_open_file(bytes(key), len(key), _b(in_path), _b(out_path)))


class _Progress:
    """Adapts a Python callable to agc_progress_fn; remembers an exception it raised."""

    def __init__(self, progress):
        self.raised = []

        def trampoline(_ud, phase, done, total):
            try:
                return 1 if progress(PHASES.get(phase, str(phase)), done, total) else 0
            except BaseException as e:  # noqa: BLE001 - re-raised by check()
                self.raised.append(e)
                return 1

        self.fn = PROGRESS_FN(trampoline) if progress else PROGRESS_FN()

    def check(self, status):
        if self.raised:
            raise self.raised[0]
        _check(status)


class _Options:
    """agc_upload_options for one call (None values are not sent)."""

    def __init__(self, file_name=None, release_type=None, chinese_mainland=None):
        self.h = _P()
        if file_name is None and release_type is None and chinese_mainland is None:
            return
        _check(_lib.agc_upload_options_new(ctypes.byref(self.h)))
        try:
            if file_name is not None:
                _check(_lib.agc_upload_options_set_file_name(self.h, _b(file_name)))
            if release_type is not None:
                _check(_lib.agc_upload_options_set_release_type(self.h, release_type))
            if chinese_mainland is not None:
                _check(_lib.agc_upload_options_set_chinese_mainland(self.h, 1 if chinese_mainland else 0))
        except AgcError:
            self.close()
            raise

    def close(self):
        if self.h:
            _lib.agc_upload_options_free(self.h)
            self.h = _P()


def _take_result(out):
    try:
        return UploadResult(
            _lib.agc_upload_result_object_id(out).decode(),
            _lib.agc_upload_result_sha256(out).decode(),
            _lib.agc_upload_result_size(out),
            _lib.agc_upload_result_file_name(out).decode(),
        )
    finally:
        _lib.agc_upload_result_free(out)


def _take_string(p):
    try:
        return ctypes.string_at(p).decode()
    finally:
        _lib.agc_string_free(p)


class Client:
    """An AGC client (wraps agc_client). Close it, or use it as a context manager.

    Client(client_id, client_secret) for an API client, or
    Client(service_account="path/to/private.json" or its JSON text).
    """

    def __init__(self, client_id=None, client_secret=None, service_account=None):
        handle = _P()
        if service_account is not None:
            _check(_lib.agc_client_new_service_account(_b(service_account), ctypes.byref(handle)))
        else:
            _check(_lib.agc_client_new(_b(client_id), _b(client_secret), ctypes.byref(handle)))
        self._h = handle

    def close(self):
        if self._h:
            _lib.agc_client_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # At interpreter exit the module's globals may already be gone; freeing is then moot.
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    def set_api_base(self, site_or_url):
        _check(_lib.agc_client_set_api_base(self._h, _b(site_or_url)))

    def set_ca_file(self, path):
        _check(_lib.agc_client_set_ca_file(self._h, _b(path)))

    def set_timeouts_ms(self, connect_ms, inactivity_ms):
        _check(_lib.agc_client_set_timeouts_ms(self._h, connect_ms, inactivity_ms))

    def set_user_agent(self, user_agent):
        _check(_lib.agc_client_set_user_agent(self._h, _b(user_agent)))

    def set_retry(self, max_attempts, deadline_ms=0):
        _check(_lib.agc_client_set_retry(self._h, max_attempts, deadline_ms))

    def set_seal_key(self, key):
        """The 32-byte key that seals profile pictures before upload."""
        _check(_lib.agc_client_set_seal_key(self._h, bytes(key), len(key)))

    def set_poll_interval_ms(self, initial_ms, max_ms):
        _check(_lib.agc_client_set_poll_interval_ms(self._h, initial_ms, max_ms))

    def upload_file(self, app_id, path, kind=HARMONY_APP, progress=None, **options):
        """Upload `path`; `progress(phase_name, done, total)` may return True to cancel.

        Options: file_name, release_type (1 or 6), chinese_mainland (bool). An exception
        raised inside `progress` cancels the upload and is re-raised here.
        """
        cb, opts, out = _Progress(progress), _Options(**options), _P()
        try:
            status = _lib.agc_upload_file_ex(self._h, _b(app_id), _b(path), kind, opts.h, cb.fn, None,
                                             ctypes.byref(out))
        finally:
            opts.close()
        cb.check(status)
        return _take_result(out)

    def bind_package(self, app_id, result, progress=None):
        """Bind an upload (an UploadResult) to the app; returns AGC's package id."""
        cb, pkg = _Progress(progress), _P()
        cb.check(_lib.agc_bind_object(self._h, _b(app_id), _b(result.file_name), _b(result.object_id), cb.fn, None,
                                      ctypes.byref(pkg)))
        return _take_string(pkg)

    def wait_package_ready(self, app_id, package_id, timeout_ms, progress=None):
        """Poll until AGC has parsed the package; raises AgcError on failure or timeout."""
        cb = _Progress(progress)
        cb.check(_lib.agc_wait_package_ready(self._h, _b(app_id), _b(package_id), timeout_ms, cb.fn, None))

    def publish_package(self, app_id, path, kind=HARMONY_APP, timeout_ms=600000, progress=None, **options):
        """Upload, bind and wait in one call; returns (UploadResult, package_id)."""
        cb, opts, out, pkg = _Progress(progress), _Options(**options), _P(), _P()
        try:
            status = _lib.agc_publish_package(self._h, _b(app_id), _b(path), kind, opts.h, timeout_ms, cb.fn,
                                              None, ctypes.byref(out), ctypes.byref(pkg))
        finally:
            opts.close()
        cb.check(status)
        return _take_result(out), _take_string(pkg)
