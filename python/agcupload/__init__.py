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

The release road (notes, submit for review, test releases) in one call, keeping the ids
obtained so a failed road can be resumed::

    try:
        ids = c.release_package("1234567", "build/app.app", notes={"en-US": "Dark mode."})
    except agcupload.AgcError as e:
        print("failed at", e.step, "- rerun with resume=", e.done)

The store listing kept in a folder (docs/guide/listing.md): `Client.listing_plan` shows what
would change, `Client.listing_apply` changes it and reads it back, `Client.listing_pull`
writes AGC's texts into the folder::

    for change in c.listing_plan("1234567", "listing").changes:
        print(change.summary)

Failures raise a subclass of `AgcError` (see `agcupload.errors`). Paths may be `str`,
`bytes` or any `os.PathLike`; they reach the library as the file system's bytes.
"""
import ctypes
import datetime
import enum
import json
import os
import threading
from inspect import iscoroutine as _iscoroutine  # by name: the package has its own `inspect`
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Set, Tuple, TypeVar, Union

from . import _native
from ._args import U32 as _U32, Seconds, seconds_ms as _ms, test_groups as _test_groups, unsigned as _unsigned
from ._native import DEFAULTS, library_path
from .inspect import ModuleInfo, PackageInfo, inspect_package
from .listing import (ListingApplied, ListingChange, ListingPlan, ListingPulled, ListingUpload, ListingValue,
                      PhasedAction, read_applied as _read_applied, read_plan as _read_plan,
                      read_pulled as _read_pulled)
from .errors import (AgcError, ApiError, AuthError, CancelledError, FileError, InternalError,
                     InvalidArgumentError, NetworkError, PackageFailedError, PreflightError, ReentrantError,
                     RejectedError, SealError, Status, check as _check, error_for as _error_for)
from .release import (Instant, Note, ReleaseIds, ReleaseState, ReleaseStatus, Step, TestRelease, TestType,
                      epoch_ms as _epoch_ms, release_time_text as _release_time_text)

__all__ = [
    "Client", "UploadResult", "PackageKind", "HARMONY_APP", "ATOMIC_SERVICE", "PROFILE_PICTURE",
    "Phase", "PHASES", "ProgressCallback", "Trust", "Transfer", "version", "library_path", "seal_file", "open_file",
    "Status", "AgcError", "InvalidArgumentError", "FileError", "CancelledError", "NetworkError",
    "AuthError", "ApiError", "RejectedError", "SealError", "PackageFailedError", "ReentrantError",
    "PreflightError", "InternalError", "Note", "ReleaseIds", "ReleaseState", "ReleaseStatus", "Step", "TestRelease", "TestType",
    "Instant", "inspect_package", "PackageInfo", "ModuleInfo", "DEFAULTS",
    "ListingPlan", "ListingApplied", "ListingPulled", "ListingChange", "ListingUpload", "ListingValue", "PhasedAction",
]

_lib = _native.lib
_P = ctypes.c_void_p

StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Text = Union[str, bytes]
ProgressCallback = Callable[[str, int, int], Optional[bool]]
"""``progress(phase, done, total)``: `phase` is a `Phase` (a `str` enum; a phase newer than this
package arrives as its number in a plain str); returning ``True`` cancels. Any other return
goes on: ``None``, a truthy value that is not ``True``, and an awaitable (an ``async def``
callback's coroutine is closed unawaited; the library calls back on its own thread, with no
event loop to run it)."""


class PackageKind(enum.IntEnum):
    """What is uploaded (the C ABI's `agc_package_kind`)."""

    HARMONY_APP = 1
    ATOMIC_SERVICE = 2
    PROFILE_PICTURE = 3


HARMONY_APP, ATOMIC_SERVICE, PROFILE_PICTURE = PackageKind.HARMONY_APP, PackageKind.ATOMIC_SERVICE, \
    PackageKind.PROFILE_PICTURE


class Phase(str, enum.Enum):
    """What an operation is doing when it calls `progress` (the C ABI's `agc_phase`). A `str`
    enum: ``phase == "uploading"`` holds for `Phase.UPLOADING`, and `str(phase)` is its name."""

    HASHING = "hashing"
    """Computing the file's SHA-256; done/total are bytes."""
    REQUESTING_URL = "requesting_url"
    """Asking for a signed upload URL (and a token if needed); in a multipart upload done = the
    part number, total = the number of parts."""
    UPLOADING = "uploading"
    """Sending the file; done/total are bytes; restarts at 0 after a retry."""
    RETRYING = "retrying"
    """Waiting before another attempt; done = the attempt that failed, total = max attempts."""
    DONE = "done"
    """The upload finished; done = total = bytes uploaded."""
    SEALING = "sealing"
    """Encrypting a profile picture; done/total are plaintext bytes."""
    BINDING = "binding"
    """Binding the uploaded object to the app."""
    WAITING = "waiting"
    """Waiting for AGC to parse the package; done = elapsed ms, total = timeout ms."""
    SETTING_NOTES = "setting_notes"
    """Setting release notes; done = languages set so far, total = languages."""
    SUBMITTING = "submitting"
    """Submitting for review; done = elapsed ms, total = timeout ms."""
    CREATING_TEST_VERSION = "creating_test_version"
    """Creating a HarmonyOS test version."""
    ADDING_TEST_PACKAGE = "adding_test_package"
    """Adding the uploaded package to the test versions."""
    SETTING_TEST_INFO = "setting_test_info"
    """Setting the test version's package, window and groups."""
    SUBMITTING_TEST = "submitting_test"
    """Submitting the test version."""
    READING_APP_INFO = "reading_app_info"
    """Reading what AGC holds of the app (app-info) before a store-listing call decides anything."""
    SETTING_TEXTS = "setting_texts"
    """Setting the listing's texts; done = languages sent so far, total = languages."""
    SENDING_LISTING_FILES = "sending_listing_files"
    """Sending the listing's files; done = files sent so far, total = files (each file's bytes
    report as REQUESTING_URL, UPLOADING and DONE)."""
    SETTING_FILE_INFO = "setting_file_info"
    """Binding the sent files to the listing; done = calls made so far, total = calls (one per
    kind of file)."""
    CHECKING_LISTING = "checking_listing"
    """Reading the listing back to check AGC holds what was sent."""
    DELETING_LANGUAGE = "deleting_language"
    """Deleting a language from the listing."""
    WITHDRAWING = "withdrawing"
    """Withdrawing the version in review."""
    CHANGING_PHASED_RELEASE = "changing_phased_release"
    """Pausing, resuming, stepping or finishing a phased release."""
    LOOKING_UP_APP_ID = "looking_up_app_id"
    """Looking an app id up by its bundle name."""

    def __str__(self) -> str:
        return str(self.value)


PHASES: Dict[int, str] = {n: name.decode("ascii") for n, name in ((n, _lib.agc_phase_str(n)) for n in range(256))
                          if name != b"unknown"}
"""The `agc_phase` numbers and their names (the values of `Phase`), read from the library
(`agc_phase_str`), which holds the one list."""
_PHASE_BY_NUMBER: Dict[int, Phase] = {n: Phase(name) for n, name in PHASES.items()
                                      if name in Phase._value2member_map_}


class Trust(enum.IntEnum):
    """Which root certificates a client trusts (the C ABI's `agc_trust`); a CA file of
    `Client.set_ca_file` is added in every case."""

    MOZILLA = 1
    """Mozilla's roots, built into the library (the default): the same on every machine."""
    SYSTEM = 2
    """The operating system's store (on Linux the distribution's bundle, or `SSL_CERT_FILE` /
    `SSL_CERT_DIR`), read when set: for a TLS-inspecting proxy whose CA is installed there."""
    BOTH = 3
    """Mozilla's roots and the system's."""


class Transfer(enum.IntEnum):
    """How an upload sends the file (the C ABI's `agc_transfer`)."""

    AUTO = 1
    """AGC's multipart upload from 128 MiB, one PUT below; when AGC refuses the multipart
    upload, one PUT with a note (the default)."""
    SINGLE = 2
    """One PUT of the whole file."""
    MULTIPART = 3
    """AGC's multipart upload whatever the size; its refusal is an error."""


class UploadResult(NamedTuple):
    """What AGC stored: the object id to bind, the SHA-256 (hex) and size sent, the file name;
    and how the file travelled: `transfer` (`Transfer.SINGLE` or `Transfer.MULTIPART`), the
    object's `parts`, the `parts_sent` by this call, the `resumed_parts` taken from the resume
    file, the body `bytes_sent` (every attempt included), and what the caller should know
    although it succeeded (`notes`)."""

    object_id: str
    sha256: str
    size: int
    file_name: str
    transfer: Transfer = Transfer.SINGLE
    parts: int = 1
    parts_sent: int = 1
    resumed_parts: int = 0
    bytes_sent: int = 0
    notes: Tuple[str, ...] = ()
    """The library's notes, already redacted: a note starting with ``"warning: "`` says a check
    of the preflight was skipped because AGC refused the read for lack of rights; others say a
    first package binds the bundle name for good, a fallback to one PUT, a resume file was not
    used, a part size was adjusted."""


def _notes(out: _P, count: Callable[[_P], int], note: Callable[[_P, int], Optional[bytes]]) -> Tuple[str, ...]:
    """The notes of a result, through its count and indexed accessor."""
    texts = (note(out, i) for i in range(count(out)))
    return tuple(t.decode("utf-8", "replace") for t in texts if t is not None)


def _no_nul(b: bytes, what: str) -> bytes:
    # ctypes hands the buffer to C as it is: the library would read it only up to a NUL, and
    # take "a.app\0.bak" for "a.app". The value is not shown: it may be a secret.
    if b"\0" in b:
        raise ValueError("%s contains a NUL character" % what)
    return b


def _text(s: Optional[Text]) -> Optional[bytes]:
    """A text argument as UTF-8 bytes; bytes pass unchanged (the library checks them). A NUL
    character raises ValueError."""
    if s is None:
        return s
    if isinstance(s, bytes):
        return _no_nul(s, "a text argument")
    if isinstance(s, str):
        return _no_nul(s.encode("utf-8", "surrogateescape"), "a text argument")
    raise TypeError("expected str or bytes, not %s" % type(s).__name__)


def _path(p: Optional[StrPath]) -> Optional[bytes]:
    """A path (str, bytes or os.PathLike) as the file system's bytes; a NUL raises ValueError."""
    return None if p is None else _no_nul(os.fsencode(p), "a path")


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
                name: str = _PHASE_BY_NUMBER.get(phase, str(phase))
                answer = progress(name, done, total)
                if _iscoroutine(answer):
                    answer.close()  # never awaited: no "coroutine was never awaited" warning
                return 1 if answer is True else 0
            except BaseException as e:  # noqa: BLE001 - re-raised by check()
                self.raised.append(e)
                return 1

        self.fn = _native.PROGRESS_FN(trampoline) if progress else _native.PROGRESS_FN()

    def check(self, status: int) -> None:
        if self.raised:
            raise self.raised[0]
        _check(status)


def _sha256(v: object) -> Optional[bytes]:
    if not isinstance(v, (str, bytes)):
        raise TypeError("sha256: expected a str of 64 hex digits, not %s" % type(v).__name__)
    return _text(v)


def _preflight(v: object) -> int:
    if not isinstance(v, bool):
        raise TypeError("preflight: expected True or False")
    return 1 if v else 0


# The upload options, one row each: the keyword, the ctypes type of its setter's argument
# (`agc_upload_options_set_<keyword>`, declared from this row), and the check that turns the
# Python value into it. Every check runs before any C call, so a value ctypes would wrap never
# reaches the library. Adding an option is one row here and the keyword in the signatures of
# the operations that take it.
_UPLOAD_OPTIONS: Tuple[Tuple[str, Any, Callable[[Any], Any]], ...] = (
    ("file_name", ctypes.c_char_p, _text),
    ("release_type", ctypes.c_uint, lambda v: _unsigned(v, "release_type", _U32)),
    ("chinese_mainland", ctypes.c_uint, lambda v: 1 if v else 0),
    ("bind_release_type", ctypes.c_uint, lambda v: _unsigned(v, "bind_release_type", _U32)),
    ("bind_release_phase", ctypes.c_uint, lambda v: _unsigned(v, "bind_release_phase", _U32)),
    ("transfer", ctypes.c_uint, lambda v: _unsigned(v, "transfer", _U32)),
    ("part_size", ctypes.c_uint64, lambda v: _unsigned(v, "part_size")),
    ("sha256", ctypes.c_char_p, _sha256),
    ("resume_file", ctypes.c_char_p, _path),
    ("preflight", ctypes.c_int, _preflight),
)
_SETTERS = {name: _native.declare("agc_upload_options_set_" + name, ctypes.c_int, [_P, ctype])
            for name, ctype, _ in _UPLOAD_OPTIONS}


class _Options:
    """agc_upload_options for one call, from the keywords of `_UPLOAD_OPTIONS` (None values are
    not sent); a context manager."""

    def __init__(self, **given: object) -> None:
        self.h = _P()
        unknown = set(given) - {name for name, _, _ in _UPLOAD_OPTIONS}
        if unknown:
            raise TypeError("unknown upload option %s" % ", ".join(sorted(unknown)))
        values = [(name, convert(given[name])) for name, _, convert in _UPLOAD_OPTIONS
                  if given.get(name) is not None]
        if not values:
            return
        _check(_lib.agc_upload_options_new(ctypes.byref(self.h)))
        try:
            for name, value in values:
                _check(_SETTERS[name](self.h, value))
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
            Transfer(_lib.agc_upload_result_transfer(out)),
            int(_lib.agc_upload_result_parts(out)),
            int(_lib.agc_upload_result_parts_sent(out)),
            int(_lib.agc_upload_result_resumed_parts(out)),
            int(_lib.agc_upload_result_bytes_sent(out)),
            _notes(out, _lib.agc_upload_result_note_count, _lib.agc_upload_result_note),
        )
    finally:
        _lib.agc_upload_result_free(out)


def _take_string(p: _P) -> str:
    try:
        return ctypes.string_at(p).decode()
    finally:
        _lib.agc_string_free(p)


def _owned_string(p: _P) -> str:
    """A string the library handed over (char **); the caller still frees it."""
    return ctypes.string_at(p).decode("utf-8", "replace")


_R = TypeVar("_R")


def _opt_str(p: Optional[bytes]) -> Optional[str]:
    return None if p is None else p.decode("utf-8", "replace")


class _ReleaseOptions:
    """agc_release_options for one call; a context manager. Every value is checked by the
    library as it is set (an over-long note, a bad time, ... raise here, before any request)."""

    def __init__(self) -> None:
        self.h = _P()
        _check(_lib.agc_release_options_new(ctypes.byref(self.h)))

    def notes(self, notes: Optional[Mapping[str, Union[Text, Note]]]) -> "_ReleaseOptions":
        if notes is None:
            return self
        if not isinstance(notes, Mapping):
            raise TypeError("notes: expected a mapping of language to text, e.g. {\"en-US\": \"...\"}")
        for language, text in notes.items():
            note, body = (text, text.text) if isinstance(text, Note) else (None, text)
            _check(_lib.agc_release_options_set_note(self.h, _text(language), _text(body)))
            if note is not None and (note.app_name, note.app_desc, note.brief_info) != (None, None, None):
                _check(_lib.agc_release_options_set_note_listing(self.h, _text(language), _text(note.app_name),
                                                                 _text(note.app_desc), _text(note.brief_info)))
        return self

    def submit_fields(self, fields: Optional[Mapping[str, object]]) -> "_ReleaseOptions":
        if fields is None:
            return self
        if not isinstance(fields, Mapping):
            raise TypeError("submit_fields: expected a mapping of field name to a JSON value, "
                            "e.g. {\"registeredIdType\": 1}")
        for name, value in fields.items():
            if not isinstance(name, str):
                raise TypeError("submit_fields: a field name is a str, not %s" % type(name).__name__)
            try:
                text = json.dumps(value, allow_nan=False)
            except (TypeError, ValueError) as e:
                raise TypeError("submit_fields[%r]: not a JSON value (%s)" % (name, e)) from None
            _check(_lib.agc_release_options_set_submit_field(self.h, _text(name), _text(text)))
        return self

    def review(self, release_time: Union[None, datetime.datetime, str], phased: Optional[Text],
               remark: Optional[Text]) -> "_ReleaseOptions":
        if release_time is not None:
            _check(_lib.agc_release_options_set_release_time(self.h, _text(_release_time_text(release_time))))
        if phased is not None:
            _check(_lib.agc_release_options_set_phase(self.h, 3, _text(phased)))
        if remark is not None:
            _check(_lib.agc_release_options_set_remark(self.h, _text(remark)))
        return self

    def timeouts(self, parse: Optional[Seconds], submit: Optional[Seconds]) -> "_ReleaseOptions":
        parse_ms, submit_ms = _ms(parse, "timeout"), _ms(submit, "timeout")
        if parse_ms is not None or submit_ms is not None:
            # The library's defaults, for the one not given.
            parse_ms = _native.DEFAULTS["parse_timeout_ms"] if parse_ms is None else parse_ms
            submit_ms = _native.DEFAULTS["submit_timeout_ms"] if submit_ms is None else submit_ms
            _check(_lib.agc_release_options_set_timeouts_ms(self.h, parse_ms, submit_ms))
        return self

    def test(self, test: Optional[TestRelease]) -> "_ReleaseOptions":
        if test is None:
            return self
        if not isinstance(test, TestRelease):
            raise TypeError("test: expected an agcupload.TestRelease, not %s" % type(test).__name__)
        test_type = _unsigned(test.test_type, "TestRelease.test_type", _U32)
        groups = _test_groups(test.groups, test.notify)
        if (test.start is None) != (test.end is None):
            raise ValueError("TestRelease: give both start and end of the test window, or neither")
        window = None if test.start is None or test.end is None else \
            (_epoch_ms(test.start, "TestRelease.start"), _epoch_ms(test.end, "TestRelease.end"))
        mode = _unsigned(test.distribute_mode, "TestRelease.distribute_mode", _U32)
        _check(_lib.agc_release_options_set_test(self.h, test_type, _text(test.description)))
        _check(_lib.agc_release_options_set_distribute_mode(self.h, mode))
        _check(_lib.agc_release_options_set_test_notify(self.h, 1 if test.notify else 0))
        for group in groups:  # one needNotify per test version: the same flag for each
            _check(_lib.agc_release_options_add_test_group(self.h, _text(group), 1 if test.notify else 0))
        if window is not None:
            _check(_lib.agc_release_options_set_test_window(self.h, *window))
        return self

    def resume(self, ids: Optional[ReleaseIds]) -> "_ReleaseOptions":
        if ids is None:
            return self
        if not isinstance(ids, ReleaseIds):
            raise TypeError("resume: expected the agcupload.ReleaseIds of an earlier road (e.g. e.done)")
        texts = [_text(t) for t in (ids.object_id, ids.file_name, ids.package_id, ids.version_id, ids.sha256)]
        size = 0 if ids.size is None else _unsigned(ids.size, "resume: ReleaseIds.size")
        _check(_lib.agc_release_options_set_resume(self.h, *texts, size))
        return self

    def close(self) -> None:
        if self.h:
            _lib.agc_release_options_free(self.h)
            self.h = _P()

    def __enter__(self) -> "_ReleaseOptions":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _take_release_result(out: _P) -> Tuple[ReleaseIds, Step, str, bool]:
    """The ids, failed step, step message and outcome_uncertain of an agc_release_result,
    which is freed."""
    try:
        ids = ReleaseIds(_opt_str(_lib.agc_release_result_object_id(out)),
                         _opt_str(_lib.agc_release_result_file_name(out)),
                         _opt_str(_lib.agc_release_result_package_id(out)),
                         _opt_str(_lib.agc_release_result_version_id(out)),
                         _opt_str(_lib.agc_release_result_sha256(out)),
                         int(_lib.agc_release_result_size(out)) or None,
                         _notes(out, _lib.agc_release_result_note_count, _lib.agc_release_result_note))
        raw_step = _lib.agc_release_result_failed_step(out)
        step = Step(raw_step) if raw_step in Step._value2member_map_ else Step.NONE
        uncertain = bool(_lib.agc_release_result_outcome_uncertain(out))
        return ids, step, (_lib.agc_release_result_error(out) or b"").decode("utf-8", "replace"), uncertain
    finally:
        _lib.agc_release_result_free(out)


class Client:
    """An AGC client (wraps `agc_client`). Close it, or use it as a context manager.

    ``Client(client_id, client_secret)`` for an API client, or
    ``Client(service_account=path_or_json_text)`` for a service account's key file. The
    secret is handed to the library and not kept on this object. `proxy` and `trust`, when
    given, are applied as `set_proxy` and `set_trust` would.

    Uploads on one client may run on several threads at once; the setters must not run
    concurrently with any other call. A call into the client from inside one of its own
    progress callbacks raises `ReentrantError` and does nothing (the running operation goes on).
    """

    def __init__(self, client_id: Optional[Text] = None, client_secret: Optional[Text] = None,
                 service_account: Optional[StrPath] = None, *, proxy: Optional[Text] = None,
                 trust: Optional[int] = None) -> None:
        self._h: Optional[_P] = None
        self._running: Set[int] = set()  # threads inside an operation of this client
        handle = _P()
        if service_account is not None:
            sa = _text(service_account) if isinstance(service_account, str) else _path(service_account)
            _check(_lib.agc_client_new_service_account(sa, ctypes.byref(handle)))
        else:
            _check(_lib.agc_client_new(_text(client_id), _text(client_secret), ctypes.byref(handle)))
        self._h = handle
        try:
            if proxy is not None:
                self.set_proxy(proxy)
            if trust is not None:
                self.set_trust(trust)
        except BaseException:
            self.close()
            raise

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

    def _call(self, fn: Callable[[], int], progress: "_Progress") -> None:
        """Runs one operation taking `progress`, marking this thread as inside it (see close)."""
        me = threading.get_ident()
        nested = me in self._running
        self._running.add(me)
        try:
            status = fn()
        finally:
            if not nested:
                self._running.discard(me)
        progress.check(status)

    def close(self) -> None:
        """Frees the client; further calls raise ValueError. Closing twice is harmless.

        From inside one of the client's own callbacks it raises `ReentrantError` and the
        client stays open (the library refuses to free a client in use)."""
        if self._h and threading.get_ident() in self._running:
            raise ReentrantError(Status.REENTRANT, "close() from inside one of this client's own callbacks "
                                 "is refused; close the client after the operation returns")
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
        _check(_lib.agc_client_set_timeouts_ms(self._handle(), _unsigned(connect_ms, "connect_ms"),
                                               _unsigned(inactivity_ms, "inactivity_ms")))

    def set_user_agent(self, user_agent: Text) -> None:
        """The User-Agent sent with every request."""
        _check(_lib.agc_client_set_user_agent(self._handle(), _text(user_agent)))

    def set_retry(self, max_attempts: int, deadline_ms: int = 0) -> None:
        """Attempts per upload and an overall deadline (0: the default)."""
        _check(_lib.agc_client_set_retry(self._handle(), _unsigned(max_attempts, "max_attempts", _U32),
                                         _unsigned(deadline_ms, "deadline_ms")))

    def set_seal_key(self, key: Union[bytes, bytearray]) -> None:
        """The 32-byte key that seals profile pictures before upload."""
        k = _key(key)
        _check(_lib.agc_client_set_seal_key(self._handle(), k, len(k)))

    def set_poll_interval_ms(self, initial_ms: int, max_ms: int) -> None:
        """How often `wait_package_ready` polls: starts at `initial_ms`, backs off to `max_ms`."""
        _check(_lib.agc_client_set_poll_interval_ms(self._handle(), _unsigned(initial_ms, "initial_ms"),
                                                    _unsigned(max_ms, "max_ms")))

    def set_proxy(self, proxy: Text) -> None:
        """The HTTP CONNECT proxy of every connection of this client.

        ``"env"`` (the default): `https_proxy`/`HTTPS_PROXY`/`all_proxy`/`ALL_PROXY` with
        `no_proxy`/`NO_PROXY`; ``"none"``: connect directly; or a URL
        ``http://[user:password@]host:port`` (``https://`` for TLS to the proxy). A malformed
        URL or a SOCKS proxy raises `InvalidArgumentError`. An unreachable or refusing proxy
        makes operations raise `NetworkError` naming the proxy (never its password)."""
        _check(_lib.agc_client_set_proxy(self._handle(), _text(proxy)))

    def set_trust(self, trust: int) -> None:
        """The trusted root certificates: a `Trust`. `Trust.SYSTEM` and `Trust.BOTH` read the
        system's store now (`NetworkError` with AGC_ERR_TLS when it holds no certificate);
        another number raises `InvalidArgumentError`."""
        _check(_lib.agc_client_set_trust(self._handle(), _unsigned(trust, "trust", _U32)))

    def upload_file(self, app_id: Text, path: StrPath, kind: int = HARMONY_APP,
                    progress: Optional[ProgressCallback] = None, *, file_name: Optional[Text] = None,
                    release_type: Optional[int] = None, chinese_mainland: Optional[bool] = None,
                    transfer: Optional[int] = None, part_size: Optional[int] = None,
                    sha256: Optional[Text] = None, resume_file: Optional[StrPath] = None) -> UploadResult:
        """Upload `path`; `progress(phase, done, total)` may return True to cancel.

        Options: `file_name` (the name AGC records; needed when the path's name is not UTF-8),
        `release_type` (1 or 6), `chinese_mainland` (bool). An exception raised inside
        `progress` cancels the upload and is re-raised here.

        Transfer: `transfer` (a `Transfer`, default `AUTO`: multipart from 128 MiB),
        `part_size` (bytes per part, default AGC's minimum), `sha256` (the file's digest as 64
        hex digits when known: no hash pass; a wrong one stores nothing and raises
        `FileError` with AGC_ERR_FILE_CHANGED), `resume_file` (where a multipart upload keeps
        its state: a rerun with the same file sends only the parts not yet finished).
        """
        h, kind = self._handle(), _unsigned(kind, "kind", _U32)
        cb, out = _Progress(progress), _P()
        with _Options(file_name=file_name, release_type=release_type, chinese_mainland=chinese_mainland,
                      transfer=transfer, part_size=part_size, sha256=sha256, resume_file=resume_file) as opts:
            self._call(lambda: int(_lib.agc_upload_file(h, _text(app_id), _path(path), kind, opts.h, cb.fn,
                                                        None, ctypes.byref(out))), cb)
        return _take_result(out)

    def bind_package(self, app_id: Text, result: UploadResult, progress: Optional[ProgressCallback] = None) -> str:
        """Bind an upload (an UploadResult) to the app; returns AGC's package id."""
        h = self._handle()
        cb, pkg = _Progress(progress), _P()
        self._call(lambda: int(_lib.agc_bind_object(h, _text(app_id), _text(result.file_name),
                                                    _text(result.object_id), cb.fn, None, ctypes.byref(pkg))), cb)
        return _take_string(pkg)

    def wait_package_ready(self, app_id: Text, package_id: Text, timeout_ms: int,
                           progress: Optional[ProgressCallback] = None) -> None:
        """Poll until AGC has parsed the package; raises on failure or timeout."""
        h, timeout_ms = self._handle(), _unsigned(timeout_ms, "timeout_ms")
        cb = _Progress(progress)
        self._call(lambda: int(_lib.agc_wait_package_ready(h, _text(app_id), _text(package_id), timeout_ms,
                                                           cb.fn, None)), cb)

    def publish_package(self, app_id: Text, path: StrPath, kind: int = HARMONY_APP,
                        timeout_ms: Optional[int] = None,
                        progress: Optional[ProgressCallback] = None, *, file_name: Optional[Text] = None,
                        release_type: Optional[int] = None,
                        chinese_mainland: Optional[bool] = None, bind_release_type: Optional[int] = None,
                        bind_release_phase: Optional[int] = None, transfer: Optional[int] = None,
                        part_size: Optional[int] = None, sha256: Optional[Text] = None,
                        resume_file: Optional[StrPath] = None,
                        preflight: Optional[bool] = None) -> Tuple[UploadResult, str]:
        """Upload, bind and wait in one call; returns (UploadResult, package_id).

        `timeout_ms` bounds the wait for parsing (default: the library's, `DEFAULTS["parse_timeout_ms"]`).

        `bind_release_type` (1 or 6) and `bind_release_phase` (0 full, 3 phased) are sent as
        the bind's `releaseType` / `releasePhase` query parameters; neither is sent by default.
        `transfer`, `part_size`, `sha256` and `resume_file` as in `upload_file`.

        The preflight runs first (``preflight=False`` skips it): the package's pack.info is checked
        against AGC's appid-list and app-info, and an upload AGC would refuse raises
        `PreflightError` before anything is sent.
        """
        if timeout_ms is None:
            timeout_ms = _native.DEFAULTS["parse_timeout_ms"]
        h, kind, timeout_ms = self._handle(), _unsigned(kind, "kind", _U32), _unsigned(timeout_ms, "timeout_ms")
        cb, out, pkg = _Progress(progress), _P(), _P()
        with _Options(file_name=file_name, release_type=release_type, chinese_mainland=chinese_mainland,
                      bind_release_type=bind_release_type, bind_release_phase=bind_release_phase, transfer=transfer,
                      part_size=part_size, sha256=sha256, resume_file=resume_file, preflight=preflight) as opts:
            self._call(lambda: int(_lib.agc_publish_package(h, _text(app_id), _path(path), kind, opts.h, timeout_ms,
                                                            cb.fn, None, ctypes.byref(out), ctypes.byref(pkg))), cb)
        return _take_result(out), _take_string(pkg)

    # ------------------------------------------------------------------ the release road

    def set_release_notes(self, app_id: Text, notes: Mapping[str, Union[Text, Note]],
                          progress: Optional[ProgressCallback] = None) -> None:
        """Set the app's release notes ("what's new"), by language tag, e.g.
        ``{"en-US": "Dark mode.", "zh-CN": "深色模式。"}``; a value may be a `Note` carrying
        listing texts (`app_name`, which AGC asks for when the language is new to the app,
        `app_desc`, `brief_info`). Each note is checked before any request (a language tag, not
        only invisible characters, at most 500 UTF-16 code units, so an emoji counts 2:
        `InvalidArgumentError` naming the language); a language AGC refuses raises `ApiError`
        naming it. Phase: SETTING_NOTES."""
        h = self._handle()
        cb = _Progress(progress)
        with _ReleaseOptions() as o:
            o.notes(notes)
            self._call(lambda: int(_lib.agc_set_release_notes(h, _text(app_id), o.h, cb.fn, None)), cb)

    def submit_for_review(self, app_id: Text, release_time: Union[None, datetime.datetime, str] = None,
                          phased: Optional[Text] = None, remark: Optional[Text] = None,
                          timeout: Optional[Seconds] = None, progress: Optional[ProgressCallback] = None,
                          submit_fields: Optional[Mapping[str, object]] = None) -> None:
        """Submit the app's draft for review.

        `release_time`: None (release once approved), a timezone-aware datetime, or AGC's text
        ``yyyy-MM-ddTHH:mm:ss+0000``. `phased`: None for a full release, else the phased
        release's description. `remark`: to the reviewers, 10 to 300 characters. `timeout`
        (seconds or a timedelta; default 15 minutes): how long to keep retrying while AGC still
        processes the package, then `NetworkError` (AGC_ERR_TIMEOUT). Any other refusal is
        `ApiError` with AGC's message. `submit_fields`: body fields the library does not model,
        name to a JSON-serialisable value (e.g. ``{"registeredIdType": 1, "registeredIdNumber":
        "..."}``); a field the other arguments set is refused. Phase: SUBMITTING. A submit whose
        answer was lost counts as done only if the app's state changed to in review."""
        h = self._handle()
        cb = _Progress(progress)
        with _ReleaseOptions() as o:
            o.review(release_time, phased, remark).submit_fields(submit_fields).timeouts(None, timeout)
            self._call(lambda: int(_lib.agc_submit_for_review(h, _text(app_id), o.h, cb.fn, None)), cb)

    def release_state(self, app_id: Text) -> ReleaseState:
        """Where the app's release stands: a `ReleaseState` (status, AGC's raw number, the
        reviewers' opinion)."""
        h, out = self._handle(), _P()
        _check(_lib.agc_get_release_status(h, _text(app_id), ctypes.byref(out)))
        try:
            state = int(_lib.agc_release_status_state(out))
            raw, review = int(_lib.agc_release_status_release_state(out)), int(_lib.agc_release_status_review_state(out))
            text = _opt_str(_lib.agc_release_status_audit_opinion(out))
            name = (_lib.agc_release_state_str(state) or b"other").decode("ascii", "replace")
        finally:
            _lib.agc_release_status_free(out)
        status = ReleaseStatus(state) if state in ReleaseStatus._value2member_map_ else ReleaseStatus.OTHER
        return ReleaseState(status, None if raw < 0 else raw, text, None if review < 0 else review, name)

    def release_package(self, app_id: Text, path: StrPath, kind: int = HARMONY_APP, *,
                        notes: Optional[Mapping[str, Union[Text, Note]]] = None,
                        release_time: Union[None, datetime.datetime, str] = None, phased: Optional[Text] = None,
                        remark: Optional[Text] = None, test: Optional[TestRelease] = None,
                        resume: Optional[ReleaseIds] = None, timeout: Optional[Seconds] = None,
                        progress: Optional[ProgressCallback] = None, file_name: Optional[Text] = None,
                        chinese_mainland: Optional[bool] = None, bind_release_type: Optional[int] = None,
                        bind_release_phase: Optional[int] = None,
                        submit_fields: Optional[Mapping[str, object]] = None, transfer: Optional[int] = None,
                        part_size: Optional[int] = None, sha256: Optional[Text] = None,
                        resume_file: Optional[StrPath] = None,
                        preflight: Optional[bool] = None) -> ReleaseIds:
        """Take a package the whole road in one call and return the `ReleaseIds` obtained.

        Upload, bind, wait for parsing, set `notes`, submit for review (`release_time`,
        `phased`, `remark` as in `submit_for_review`); or with `test` (a `TestRelease`):
        upload (release type 6), create a test version, add the package, wait, set the window
        and groups, submit it. `timeout` (seconds, default 15 minutes) bounds both the wait for
        parsing and the retries of a submit while AGC is still processing.

        On failure raises the status's `AgcError` subclass with `.step` (the `Step` that
        failed) and `.done` (the ids obtained before it): ``release_package(...,
        resume=e.done)`` continues without uploading or binding again. Options are checked
        before any request (`.step` is then `Step.CHECK`). An exception raised in `progress`
        cancels the road and is re-raised, its ``__cause__`` the `CancelledError` with `.done`.
        `transfer`, `part_size`, `sha256` and `resume_file` shape the upload as in `upload_file`.
        The preflight runs before the upload (``preflight=False`` skips it); its refusal raises
        `PreflightError` with `.step` `Step.PREFLIGHT`, nothing sent.
        """
        h, kind = self._handle(), _unsigned(kind, "kind", _U32)
        cb, out = _Progress(progress), _P()
        with _Options(file_name=file_name, chinese_mainland=chinese_mainland, bind_release_type=bind_release_type,
                      bind_release_phase=bind_release_phase, transfer=transfer, part_size=part_size, sha256=sha256,
                      resume_file=resume_file, preflight=preflight) as up, \
                _ReleaseOptions() as o:
            try:
                o.notes(notes).review(release_time, phased, remark).submit_fields(submit_fields) \
                    .timeouts(timeout, timeout).test(test).resume(resume)
            except AgcError as e:
                e.step, e.done = Step.CHECK, resume or ReleaseIds()
                raise
            me = threading.get_ident()
            nested = me in self._running
            self._running.add(me)
            try:
                status = _lib.agc_release_package(h, _text(app_id), _path(path), kind, up.h, o.h, cb.fn, None,
                                                  ctypes.byref(out))
                message = (_lib.agc_last_error() or b"").decode("utf-8", "replace")
            finally:
                if not nested:
                    self._running.discard(me)
        if out:
            ids, step, _, uncertain = _take_release_result(out)
        else:
            ids, step, uncertain = ReleaseIds(), Step.CHECK, False
        if status == 0 and not cb.raised:
            return ids
        if status == 0:
            raise cb.raised[0]
        err = _error_for(status, message)
        err.step, err.done, err.outcome_uncertain = step, ids, uncertain
        if cb.raised:
            raise cb.raised[0] from err
        raise err

    # ------------------------------------------------------------------ the store listing

    def _listing(self, fn: Callable[..., int], app_id: Text, dir: StrPath,
                 progress: Optional[ProgressCallback], read: Callable[[_P], _R]) -> _R:
        """One listing call: its result read, then always freed (also when reading or the
        callback raised)."""
        h, app, folder = self._handle(), _text(app_id), _path(dir)
        cb, out = _Progress(progress), _P()
        try:
            self._call(lambda: int(fn(h, app, folder, cb.fn, None, ctypes.byref(out))), cb)
            return read(out)
        finally:
            _lib.agc_listing_result_free(out)

    def _owned(self, call: Callable[[_Progress, _P], int], progress: Optional[ProgressCallback]) -> str:
        """A call that hands over a string (char **): read, then always freed."""
        cb, out = _Progress(progress), _P()
        try:
            self._call(lambda: call(cb, out), cb)
            return _owned_string(out)
        finally:
            _lib.agc_string_free(out)

    def listing_plan(self, app_id: Text, dir: StrPath, progress: Optional[ProgressCallback] = None) -> ListingPlan:
        """What applying the listing folder `dir` to the app would change; nothing is written
        to AGC. A `ListingPlan`: the `changes` (each a `ListingChange`), the fields left as they
        are, notes. A broken rule of the folder, or against what AGC holds, raises
        `InvalidArgumentError` listing every one (nothing sent); an unreadable file
        `FileError`. Phase: READING_APP_INFO."""
        return self._listing(_lib.agc_listing_plan, app_id, dir, progress, _read_plan)

    def listing_apply(self, app_id: Text, dir: StrPath,
                      progress: Optional[ProgressCallback] = None) -> ListingApplied:
        """Apply the listing folder `dir`: the plan (a broken rule raises
        `InvalidArgumentError`, nothing sent), then the texts and files that changed, then a
        read-back; then the folder's manifest (agc-files.json) is written. A
        `ListingApplied`: the changes made, the files uploaded, the calls made, notes.

        AGC answering success but not showing what was sent raises `ApiError` with
        `Status.PROTOCOL` naming the fields; a file changed since it was read `FileError`
        (FILE_CHANGED). Phases: READING_APP_INFO, SETTING_TEXTS, SENDING_LISTING_FILES (each
        file's bytes as REQUESTING_URL, UPLOADING, DONE), SETTING_FILE_INFO, CHECKING_LISTING."""
        return self._listing(_lib.agc_listing_apply, app_id, dir, progress, _read_applied)

    def listing_pull(self, app_id: Text, dir: StrPath,
                     progress: Optional[ProgressCallback] = None) -> ListingPulled:
        """Write AGC's texts of the app into the listing folder `dir` (created if missing):
        `<lang>/name.txt`, `description.txt`, `brief.txt`, `release_notes.txt` for each text
        AGC holds (other files left as they are), and the manifest; files are not downloaded.
        A `ListingPulled`: the languages, the files written, notes. Phase: READING_APP_INFO."""
        return self._listing(_lib.agc_listing_pull, app_id, dir, progress, _read_pulled)

    def delete_language(self, app_id: Text, lang: Text, progress: Optional[ProgressCallback] = None) -> None:
        """Delete the language `lang` (``"fr-FR"``) from the app's store listing. Refused before
        any write (`PreflightError`) when AGC shows it is the default language, names no
        default language, or does not show the language. Phases: READING_APP_INFO,
        DELETING_LANGUAGE."""
        h, app, language = self._handle(), _text(app_id), _text(lang)
        cb = _Progress(progress)
        self._call(lambda: int(_lib.agc_delete_language(h, app, language, cb.fn, None)), cb)

    def withdraw_review(self, app_id: Text, progress: Optional[ProgressCallback] = None) -> str:
        """Withdraw the app's version in review (back to a draft); returns its version id.
        Refused before the call (`PreflightError`) outside the release states where Huawei
        allows it (3 to be released, 4 in review, 5 update in review, 6 removal requested, 12
        pre-review), or when AGC shows no version. Phases: READING_APP_INFO, WITHDRAWING."""
        h, app = self._handle(), _text(app_id)
        return self._owned(lambda cb, out: int(_lib.agc_withdraw_review(h, app, cb.fn, None, ctypes.byref(out))),
                           progress)

    def phased_release(self, app_id: Text, action: int, *, step_day: Optional[int] = None,
                       description: Optional[Text] = None, version_id: Optional[Text] = None,
                       progress: Optional[ProgressCallback] = None) -> str:
        """Pause, resume, step or finish the app's phased release: `action` is a `PhasedAction`;
        `step_day` the day `PhasedAction.STEP` goes on to (2 to 7, checked by the library:
        `InvalidArgumentError`), given with STEP only. `description` (at most 500 characters)
        goes with the call; `version_id` None takes the phased release's version from AGC's
        app-info. Returns the version id the call was made for. Nothing is sent
        (`PreflightError`) when AGC shows no phased release. Phases: READING_APP_INFO,
        CHANGING_PHASED_RELEASE."""
        h, app = self._handle(), _text(app_id)
        act = _unsigned(action, "action", _U32)
        if step_day is not None and act != PhasedAction.STEP:
            # The C call ignores the day of another action; a day given here would be lost.
            raise ValueError("step_day: goes with PhasedAction.STEP only, not with %s"
                             % (PhasedAction(act).name if act in PhasedAction._value2member_map_ else act))
        day = 0 if step_day is None else _unsigned(step_day, "step_day", _U32)
        desc, version = _text(description), _text(version_id)
        return self._owned(lambda cb, out: int(_lib.agc_phased_release(h, app, act, day, desc, version, cb.fn, None,
                                                                       ctypes.byref(out))), progress)

    def app_id_for_bundle(self, bundle_name: Text, progress: Optional[ProgressCallback] = None) -> str:
        """The id of the HarmonyOS app (or atomic service) whose bundle name is `bundle_name`
        (an Android app of the same name is never taken). None such, or more than one, raises
        `InvalidArgumentError` saying so. Phase: LOOKING_UP_APP_ID."""
        h, name = self._handle(), _text(bundle_name)
        return self._owned(lambda cb, out: int(_lib.agc_app_id_for_bundle(h, name, cb.fn, None, ctypes.byref(out))),
                           progress)
