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


class Client:
    """An AGC client (wraps agc_client). Close it, or use it as a context manager."""

    def __init__(self, client_id, client_secret):
        handle = _P()
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
        self.close()

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

    def upload_file(self, app_id, path, kind=HARMONY_APP, progress=None):
        """Upload `path`; `progress(phase_name, done, total)` may return True to cancel.

        An exception raised inside `progress` cancels the upload and is re-raised here.
        """
        raised = []

        def trampoline(_ud, phase, done, total):
            try:
                return 1 if progress(PHASES.get(phase, str(phase)), done, total) else 0
            except BaseException as e:  # noqa: BLE001 - re-raised below
                raised.append(e)
                return 1

        cb = PROGRESS_FN(trampoline) if progress else PROGRESS_FN()
        out = _P()
        status = _lib.agc_upload_file(self._h, _b(app_id), _b(path), kind, cb, None, ctypes.byref(out))
        if raised:
            raise raised[0]
        _check(status)
        try:
            return UploadResult(
                _lib.agc_upload_result_object_id(out).decode(),
                _lib.agc_upload_result_sha256(out).decode(),
                _lib.agc_upload_result_size(out),
                _lib.agc_upload_result_file_name(out).decode(),
            )
        finally:
            _lib.agc_upload_result_free(out)
