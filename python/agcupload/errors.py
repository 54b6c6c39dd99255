"""The exceptions: `AgcError` and one subclass per family of `agc_status`.

Every failed call raises the subclass of its status's family, carrying `.status` (the number),
`.name` (e.g. ``"AGC_ERR_FILE_TYPE"``) and `.message` (the library's explanation, which never
contains a secret). Catch `AgcError` for all of them.
"""
import enum
from typing import Any, Dict, Optional, Tuple, Type

from . import _native
from .release import ReleaseIds, Step

__all__ = [
    "Status", "AgcError", "InvalidArgumentError", "FileError", "CancelledError", "NetworkError",
    "AuthError", "ApiError", "RejectedError", "SealError", "PackageFailedError", "ReentrantError",
    "PreflightError", "InternalError",
]


class Status(enum.IntEnum):
    """The C ABI's `agc_status` numbers (stable; never renumbered)."""

    OK = 0
    INVALID_ARGUMENT = 1
    FILE = 2
    FILE_TYPE = 3
    FILE_TOO_LARGE = 4
    FILE_CHANGED = 5
    CANCELLED = 6
    NETWORK = 7
    TIMEOUT = 8
    TLS = 9
    AUTH = 10
    API = 11
    PROTOCOL = 12
    UPLOAD_REJECTED = 13
    HTTP = 14
    SEAL_KEY = 15
    SEAL_CORRUPT = 16
    PACKAGE_FAILED = 17
    REENTRANT = 18
    PREFLIGHT = 19
    INTERNAL = 255


class AgcError(Exception):
    """A failed libagcupload call.

    Attributes: `status` (int, an `agc_status`), `name` (its C name, e.g.
    ``"AGC_ERR_FILE_TYPE"``) and `message` (what went wrong; never a secret). From
    `Client.release_package` also `step` (the `Step` that failed) and `done` (the `ReleaseIds`
    obtained before it: pass it back as ``resume=e.done``); None from every other call. And
    `outcome_uncertain`: True when AGC may have carried out the failed step all the same (a bind
    or a submit whose request went out and got no clear answer, or was cancelled while AGC was
    answering): check before resuming (the app's packages; `Client.release_state`).
    """

    status: int
    name: str
    message: str
    step: Optional[Step] = None
    done: Optional[ReleaseIds] = None
    outcome_uncertain: bool = False

    def __init__(self, status: int, message: Optional[str] = None) -> None:
        self.status = int(status)
        self.name = (_native.lib.agc_status_str(self.status) or b"AGC_ERR_UNKNOWN").decode("ascii", "replace")
        if message is None:
            message = (_native.lib.agc_last_error() or b"").decode("utf-8", "replace")
        self.message = message
        super().__init__("%s: %s" % (self.name, self.message))

    def __reduce__(self) -> Tuple[type, Tuple[int, str], Dict[str, Any]]:
        # picklable (e.g. across multiprocessing) with its status, message, step and ids
        return (type(self), (self.status, self.message), {"step": self.step, "done": self.done,
                                                         "outcome_uncertain": self.outcome_uncertain})


class InvalidArgumentError(AgcError):
    """AGC_ERR_INVALID_ARGUMENT: a NULL, badly encoded or out-of-range argument."""


class FileError(AgcError):
    """The file: missing or unreadable (FILE), wrong type (FILE_TYPE), too large
    (FILE_TOO_LARGE), or changed during the upload (FILE_CHANGED)."""


class CancelledError(AgcError):
    """AGC_ERR_CANCELLED: the progress callback asked to stop."""


class NetworkError(AgcError):
    """The network, after retries: NETWORK (refused, reset, DNS), TIMEOUT or TLS."""


class AuthError(AgcError):
    """AGC_ERR_AUTH: wrong credentials or a rejected key."""


class ApiError(AgcError):
    """The server's answer: an AGC business error (API), an unexpected HTTP status (HTTP), a
    malformed answer (PROTOCOL); `RejectedError` for a refused upload."""


class RejectedError(ApiError):
    """AGC_ERR_UPLOAD_REJECTED: the upload host refused the PUT."""


class SealError(AgcError):
    """Sealing: the key is missing or not 32 bytes (SEAL_KEY), or the data does not
    authenticate (SEAL_CORRUPT)."""


class PackageFailedError(AgcError):
    """AGC_ERR_PACKAGE_FAILED: AGC could not parse the package (its reason is the message)."""


class ReentrantError(AgcError):
    """AGC_ERR_REENTRANT: the client was called again from inside one of its own callbacks."""


class PreflightError(AgcError):
    """AGC_ERR_PREFLIGHT: the preflight refused the upload before anything was sent (the
    message names what AGC holds and what the package says); ``preflight=False`` skips it."""


class InternalError(AgcError):
    """AGC_ERR_INTERNAL: a bug in libagcupload; please report it."""


_FAMILY: Dict[int, Type[AgcError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.FILE: FileError,
    Status.FILE_TYPE: FileError,
    Status.FILE_TOO_LARGE: FileError,
    Status.FILE_CHANGED: FileError,
    Status.CANCELLED: CancelledError,
    Status.NETWORK: NetworkError,
    Status.TIMEOUT: NetworkError,
    Status.TLS: NetworkError,
    Status.AUTH: AuthError,
    Status.API: ApiError,
    Status.PROTOCOL: ApiError,
    Status.HTTP: ApiError,
    Status.UPLOAD_REJECTED: RejectedError,
    Status.SEAL_KEY: SealError,
    Status.SEAL_CORRUPT: SealError,
    Status.PACKAGE_FAILED: PackageFailedError,
    Status.REENTRANT: ReentrantError,
    Status.PREFLIGHT: PreflightError,
    Status.INTERNAL: InternalError,
}


def error_for(status: int, message: Optional[str] = None) -> AgcError:
    """The exception for `status` (a status of no known family gives a plain `AgcError`)."""
    return _FAMILY.get(int(status), AgcError)(status, message)


def check(status: int) -> None:
    """Raises the family's exception unless `status` is AGC_OK."""
    if status != 0:
        raise error_for(status)
