"""Upload HarmonyOS app packages and other files to Huawei AppGallery Connect.

A thin ctypes binding of libagcupload: every call goes to the same library that C programs
link, and no upload logic lives here. The installed package carries its own copy of the
library; set ``AGCUPLOAD_LIBRARY`` to a path to load another one (e.g. a system-installed
``libagcupload.so``)::

    import agcupload

    with agcupload.Client("client-id", "client-secret") as c:
        r = c.upload_file("1234567", "build/app.app", agcupload.HARMONY_APP,
                          progress=lambda phase, done, total: print(phase, done, total))
        print(r.object_id)

Failures raise a subclass of `AgcError` (see `agcupload.errors`). Paths may be `str`,
`bytes` or any `os.PathLike`; they reach the library as the file system's bytes.
"""
import ctypes
import enum
import os
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple, Union

from . import _native
from ._native import library_path
from .errors import (AgcError, ApiError, AuthError, CancelledError, FileError, InternalError,
                     InvalidArgumentError, NetworkError, PackageFailedError, ReentrantError,
                     RejectedError, SealError, Status, check as _check)

__all__ = [
    "Client", "UploadResult", "PackageKind", "HARMONY_APP", "ATOMIC_SERVICE", "PROFILE_PICTURE",
    "PHASES", "ProgressCallback", "version", "library_path", "seal_file", "open_file",
    "Status", "AgcError", "InvalidArgumentError", "FileError", "CancelledError", "NetworkError",
    "AuthError", "ApiError", "RejectedError", "SealError", "PackageFailedError", "ReentrantError",
    "InternalError",
]

_lib = _native.lib
_P = ctypes.c_void_p

StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Text = Union[str, bytes]
ProgressCallback = Callable[[str, int, int], Optional[bool]]
"""``progress(phase, done, total)``: `phase` is a name from `PHASES`; a true return cancels."""


class PackageKind(enum.IntEnum):
    """What is uploaded (the C ABI's `agc_package_kind`)."""

    HARMONY_APP = 1
    ATOMIC_SERVICE = 2
    PROFILE_PICTURE = 3


HARMONY_APP, ATOMIC_SERVICE, PROFILE_PICTURE = PackageKind.HARMONY_APP, PackageKind.ATOMIC_SERVICE, \
    PackageKind.PROFILE_PICTURE
PHASES: Dict[int, str] = {1: "hashing", 2: "requesting_url", 3: "uploading", 4: "retrying",
                          5: "done", 6: "sealing", 7: "binding", 8: "waiting"}


class UploadResult(NamedTuple):
    """What AGC stored: the object id to bind, the SHA-256 (hex) and size sent, the file name."""

    object_id: str
    sha256: str
    size: int
    file_name: str


def _text(s: Optional[Text]) -> Optional[bytes]:
    """A text argument as UTF-8 bytes; bytes pass unchanged (the library checks them)."""
    if s is None or isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode("utf-8", "surrogateescape")
    raise TypeError("expected str or bytes, not %s" % type(s).__name__)


def _path(p: Optional[StrPath]) -> Optional[bytes]:
    """A path (str, bytes or os.PathLike) as the file system's bytes."""
    return None if p is None else os.fsencode(p)


def _key(key: Union[bytes, bytearray, memoryview]) -> bytes:
    return bytes(key)


try:
    from importlib.metadata import PackageNotFoundError, version as _dist_version

    try:
        __version__ = _dist_version("agcupload")
    except PackageNotFoundError:
        __version__ = _lib.agc_version().decode()
except ImportError:  # pragma: no cover - Python 3.7
    __version__ = _lib.agc_version().decode()


def version() -> str:
    """The loaded library's version (`agc_version()`), e.g. ``"0.1.0"``."""
    return str(_lib.agc_version().decode())


def seal_file(key: Union[bytes, bytearray], in_path: StrPath, out_path: StrPath) -> None:
    """Seal `in_path` into `out_path` with a 32-byte key (docs/sealed-format.md)."""
    k = _key(key)
    _check(_lib.agc_seal_file(k, len(k), _path(in_path), _path(out_path)))


def open_file(key: Union[bytes, bytearray], in_path: StrPath, out_path: StrPath) -> None:
    """Open a sealed file; `out_path` appears only if every chunk authenticates."""
    k = _key(key)
    _check(_lib.agc_open_file(k, len(k), _path(in_path), _path(out_path)))


class _Progress:
    """Adapts a Python callable to agc_progress_fn; remembers an exception it raised."""

    def __init__(self, progress: Optional[ProgressCallback]) -> None:
        self.raised: List[BaseException] = []

        def trampoline(_ud: object, phase: int, done: int, total: int) -> int:
            if progress is None:  # never registered without a callable; keeps the type checker sure
                return 0
            try:
                return 1 if progress(PHASES.get(phase, str(phase)), done, total) else 0
            except BaseException as e:  # noqa: BLE001 - re-raised by check()
                self.raised.append(e)
                return 1

        self.fn = _native.PROGRESS_FN(trampoline) if progress else _native.PROGRESS_FN()

    def check(self, status: int) -> None:
        if self.raised:
            raise self.raised[0]
        _check(status)


class _Options:
    """agc_upload_options for one call (None values are not sent); a context manager."""

    def __init__(self, file_name: Optional[Text] = None, release_type: Optional[int] = None,
                 chinese_mainland: Optional[bool] = None) -> None:
        self.h = _P()
        if file_name is None and release_type is None and chinese_mainland is None:
            return
        _check(_lib.agc_upload_options_new(ctypes.byref(self.h)))
        try:
            if file_name is not None:
                _check(_lib.agc_upload_options_set_file_name(self.h, _text(file_name)))
            if release_type is not None:
                _check(_lib.agc_upload_options_set_release_type(self.h, release_type))
            if chinese_mainland is not None:
                _check(_lib.agc_upload_options_set_chinese_mainland(self.h, 1 if chinese_mainland else 0))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.h:
            _lib.agc_upload_options_free(self.h)
            self.h = _P()

    def __enter__(self) -> "_Options":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _take_result(out: _P) -> UploadResult:
    try:
        return UploadResult(
            _lib.agc_upload_result_object_id(out).decode(),
            _lib.agc_upload_result_sha256(out).decode(),
            _lib.agc_upload_result_size(out),
            _lib.agc_upload_result_file_name(out).decode(),
        )
    finally:
        _lib.agc_upload_result_free(out)


def _take_string(p: _P) -> str:
    try:
        return ctypes.string_at(p).decode()
    finally:
        _lib.agc_string_free(p)


class Client:
    """An AGC client (wraps `agc_client`). Close it, or use it as a context manager.

    ``Client(client_id, client_secret)`` for an API client, or
    ``Client(service_account=path_or_json_text)`` for a service account's key file. The
    secret is handed to the library and not kept on this object.
    """

    def __init__(self, client_id: Optional[Text] = None, client_secret: Optional[Text] = None,
                 service_account: Optional[StrPath] = None) -> None:
        self._h: Optional[_P] = None
        handle = _P()
        if service_account is not None:
            sa = _text(service_account) if isinstance(service_account, str) else _path(service_account)
            _check(_lib.agc_client_new_service_account(sa, ctypes.byref(handle)))
        else:
            _check(_lib.agc_client_new(_text(client_id), _text(client_secret), ctypes.byref(handle)))
        self._h = handle

    def __repr__(self) -> str:
        return "<agcupload.Client %s>" % ("open" if self._h else "closed")

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return not self._h

    def _handle(self) -> _P:
        if not self._h:
            raise ValueError("agcupload.Client is closed")
        return self._h

    def close(self) -> None:
        """Frees the client; further calls raise ValueError. Closing twice is harmless."""
        if self._h:
            _lib.agc_client_free(self._h)
            self._h = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # At interpreter exit the module's globals may already be gone; freeing is then moot.
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    def set_api_base(self, site_or_url: Text) -> None:
        """The Connect API's site (``"cn"``, ``"de"``, ``"sg"``, ``"ru"``) or an https URL."""
        _check(_lib.agc_client_set_api_base(self._handle(), _text(site_or_url)))

    def set_ca_file(self, path: StrPath) -> None:
        """Adds a PEM bundle to the trusted roots (never replaces them)."""
        _check(_lib.agc_client_set_ca_file(self._handle(), _path(path)))

    def set_timeouts_ms(self, connect_ms: int, inactivity_ms: int) -> None:
        """Connect and inactivity timeouts, in milliseconds."""
        _check(_lib.agc_client_set_timeouts_ms(self._handle(), connect_ms, inactivity_ms))

    def set_user_agent(self, user_agent: Text) -> None:
        """The User-Agent sent with every request."""
        _check(_lib.agc_client_set_user_agent(self._handle(), _text(user_agent)))

    def set_retry(self, max_attempts: int, deadline_ms: int = 0) -> None:
        """Attempts per upload and an overall deadline (0: the default)."""
        _check(_lib.agc_client_set_retry(self._handle(), max_attempts, deadline_ms))

    def set_seal_key(self, key: Union[bytes, bytearray]) -> None:
        """The 32-byte key that seals profile pictures before upload."""
        k = _key(key)
        _check(_lib.agc_client_set_seal_key(self._handle(), k, len(k)))

    def set_poll_interval_ms(self, initial_ms: int, max_ms: int) -> None:
        """How often `wait_package_ready` polls: starts at `initial_ms`, backs off to `max_ms`."""
        _check(_lib.agc_client_set_poll_interval_ms(self._handle(), initial_ms, max_ms))

    def upload_file(self, app_id: Text, path: StrPath, kind: int = HARMONY_APP,
                    progress: Optional[ProgressCallback] = None, *, file_name: Optional[Text] = None,
                    release_type: Optional[int] = None, chinese_mainland: Optional[bool] = None) -> UploadResult:
        """Upload `path`; `progress(phase_name, done, total)` may return True to cancel.

        Options: `file_name`, `release_type` (1 or 6), `chinese_mainland` (bool). An exception
        raised inside `progress` cancels the upload and is re-raised here.
        """
        h = self._handle()
        cb, out = _Progress(progress), _P()
        with _Options(file_name, release_type, chinese_mainland) as opts:
            status = _lib.agc_upload_file_ex(h, _text(app_id), _path(path), kind, opts.h, cb.fn, None,
                                             ctypes.byref(out))
        cb.check(status)
        return _take_result(out)

    def bind_package(self, app_id: Text, result: UploadResult, progress: Optional[ProgressCallback] = None) -> str:
        """Bind an upload (an UploadResult) to the app; returns AGC's package id."""
        cb, pkg = _Progress(progress), _P()
        cb.check(_lib.agc_bind_object(self._handle(), _text(app_id), _text(result.file_name),
                                      _text(result.object_id), cb.fn, None, ctypes.byref(pkg)))
        return _take_string(pkg)

    def wait_package_ready(self, app_id: Text, package_id: Text, timeout_ms: int,
                           progress: Optional[ProgressCallback] = None) -> None:
        """Poll until AGC has parsed the package; raises on failure or timeout."""
        cb = _Progress(progress)
        cb.check(_lib.agc_wait_package_ready(self._handle(), _text(app_id), _text(package_id), timeout_ms, cb.fn,
                                             None))

    def publish_package(self, app_id: Text, path: StrPath, kind: int = HARMONY_APP, timeout_ms: int = 600000,
                        progress: Optional[ProgressCallback] = None, *, file_name: Optional[Text] = None,
                        release_type: Optional[int] = None,
                        chinese_mainland: Optional[bool] = None) -> Tuple[UploadResult, str]:
        """Upload, bind and wait in one call; returns (UploadResult, package_id)."""
        h = self._handle()
        cb, out, pkg = _Progress(progress), _P(), _P()
        with _Options(file_name, release_type, chinese_mainland) as opts:
            status = _lib.agc_publish_package(h, _text(app_id), _path(path), kind, opts.h, timeout_ms, cb.fn,
                                              None, ctypes.byref(out), ctypes.byref(pkg))
        cb.check(status)
        return _take_result(out), _take_string(pkg)
