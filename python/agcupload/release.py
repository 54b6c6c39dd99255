"""The release road's types: what `Client.release_package` and friends take and return.

`ReleaseIds` (the ids a road obtained, to resume from), `Step` (which step failed),
`ReleaseStatus` and `ReleaseState` (where an app's release stands), `TestRelease` (make the
road a HarmonyOS test release) and `TestType`. The numbers mirror the C ABI's enums
(`agc_release_step`, `agc_release_state`); the library decides everything, these only carry.
"""
import datetime
import enum
from typing import NamedTuple, Optional, Sequence, Tuple, Union

from ._args import unsigned

__all__ = ["ReleaseIds", "Step", "ReleaseStatus", "ReleaseState", "TestType", "TestRelease", "Note", "Instant"]

Instant = Union[datetime.datetime, int]
"""A point in time: a timezone-aware `datetime`, or milliseconds since the Unix epoch."""


class Step(enum.IntEnum):
    """A step of the release road (the C ABI's `agc_release_step`); `NONE` on success."""

    NONE = 0
    CHECK = 1
    UPLOAD = 2
    BIND = 3
    WAIT_PARSING = 4
    NOTES = 5
    SUBMIT = 6
    CREATE_TEST_VERSION = 7
    ADD_TEST_PACKAGE = 8
    SET_TEST_INFO = 9
    SUBMIT_TEST = 10
    PREFLIGHT = 11


class ReleaseStatus(enum.IntEnum):
    """Where an app's release stands (the C ABI's `agc_release_state`)."""

    OTHER = 0
    """Another state (see `ReleaseState.raw`), or none in AGC's answer."""
    DRAFT = 1
    """A draft, not submitted (AGC's `releaseState` 7)."""
    IN_REVIEW = 2
    """In review (`releaseState` 4, 5, or 12 pre-review)."""
    REJECTED = 3
    """Rejected (`releaseState` 1, 8, or 13 pre-review rejected); the reviewers' opinion is
    `ReleaseState.audit_opinion`."""
    RELEASED = 4
    """Released (`releaseState` 0)."""
    APPROVED = 5
    """Approved, to be released (`releaseState` 3; a scheduled release waits for its time)."""
    OFFLINE = 6
    """Not on the shelf (`releaseState` 2, 6, 10, 11)."""


class ReleaseState(NamedTuple):
    """`Client.release_state()`: the library's reading, AGC's raw number, the reviewers' words."""

    status: ReleaseStatus
    raw: Optional[int]
    """AGC's raw `releaseState`, or None when its answer had none."""
    audit_opinion: Optional[str]
    """The reviewers' opinion, or None when there is none."""
    review_state: Optional[int] = None
    """AGC's raw `reviewState`, passed through, or None when its answer had none."""
    name: str = "other"
    """The library's name of `status`: draft, in-review, rejected, released, approved,
    offline, other (the tool prints the same)."""


class Note(NamedTuple):
    """Release notes of one language with the listing texts AGC takes with them (each None:
    not sent). `app_name` (at most 64 UTF-16 code units) is what AGC asks for when the
    language is new to the app; `app_desc` at most 8000, `brief_info` at most 80. Give it as a
    value of `notes=`: ``{"fr-FR": Note("Nouveau.", app_name="Mon appli")}``."""

    text: str
    app_name: Optional[str] = None
    app_desc: Optional[str] = None
    brief_info: Optional[str] = None


class ReleaseIds(NamedTuple):
    """The ids a release road obtained (None: not obtained). Returned by
    `Client.release_package`; on failure an exception's `.done`, to pass back as `resume=`."""

    object_id: Optional[str] = None
    file_name: Optional[str] = None
    package_id: Optional[str] = None
    version_id: Optional[str] = None
    sha256: Optional[str] = None
    """Lowercase hex SHA-256 of the uploaded bytes; None when the road did not upload and the
    ids it resumed from did not carry it."""
    size: Optional[int] = None
    """Bytes uploaded; None when unknown, as for `sha256`."""
    notes: Tuple[str, ...] = ()
    """The road's notes (kept on failure too), already redacted: the preflight's (a note
    starting with ``"warning: "``: a check skipped because AGC refused the read for lack of
    rights) and the upload's. Not read back by ``resume=``."""


class TestType(enum.IntEnum):
    """A HarmonyOS test release's kind (AGC's `testType`)."""

    INVITE = 3
    """Invited testers only: needs at least one group in `TestRelease.groups`."""
    OPEN = 4
    """An open test."""


class TestRelease(NamedTuple):
    """Makes `Client.release_package` end with a submitted HarmonyOS test version instead of a
    submit for review (the upload then uses release type 6).

    `description`: AGC's `testDesc`, 1 to 50 characters. `groups`: a list of test group ids
    (str or bytes; a bare string is refused, not split into characters). `notify`: ask AGC to
    tell the testers of these groups; AGC takes one `needNotify` per test version, not per
    group, so it is one flag here (True needs at least one group). The older
    ``(group_id, flag)`` pairs are accepted only when `flag` equals `notify`; a pair that
    differs raises ValueError. `start`/`end`: the test window in milliseconds since the epoch
    or aware datetimes (both or neither, at most 90 days apart; default from the submit on
    for 30 days). `distribute_mode`: AGC's `distributeMode` of the test package, 1 (the test
    zone, the default) or 2 (AppGallery)."""

    description: str
    test_type: TestType = TestType.OPEN
    groups: Sequence[Union[str, Tuple[str, bool]]] = ()
    notify: bool = False
    start: Optional[Instant] = None
    end: Optional[Instant] = None
    distribute_mode: int = 1


def epoch_ms(t: Instant, what: str) -> int:
    """`t` as milliseconds since the Unix epoch, 0 to 2**64 - 1 (else ValueError, as a naive
    datetime; a bool or another type: TypeError)."""
    if isinstance(t, bool):
        raise TypeError("%s: expected a datetime or milliseconds, not bool" % what)
    if isinstance(t, int):
        return unsigned(t, what)
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("%s: a naive datetime is ambiguous; give it a timezone "
                             "(e.g. datetime.timezone.utc)" % what)
        return unsigned(int(t.timestamp() * 1000), what + " (before 1970?)")
    raise TypeError("%s: expected a datetime or milliseconds, not %s" % (what, type(t).__name__))


def release_time_text(t: Union[datetime.datetime, str]) -> str:
    """A scheduled release time as AGC's `yyyy-MM-ddTHH:mm:ss+0000` (UTC); a string is passed
    on unchanged (the library checks it); a naive datetime is refused (ValueError)."""
    if isinstance(t, str):
        return t
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError("release_time: a naive datetime is ambiguous; give it a timezone "
                             "(e.g. datetime.timezone.utc)")
        return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
    raise TypeError("release_time: expected a datetime or str, not %s" % type(t).__name__)
