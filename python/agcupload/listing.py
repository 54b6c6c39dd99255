"""The store listing's types: what `Client.listing_plan`, `Client.listing_apply` and
`Client.listing_pull` return, and the `PhasedAction` of `Client.phased_release`.

The folder's layout and rules are the library's (docs/guide/listing.md); these only carry
what it found or did. A change's `current` and `wanted` are a `str` for a text and a tuple of
`str` for files (AGC's references, or the files' names inside the folder); `current` is None
when AGC holds nothing there.
"""
import ctypes
import enum
from typing import Callable, NamedTuple, Optional, Tuple, Union

from . import _native

__all__ = ["PhasedAction", "ListingChange", "ListingPlan", "ListingUpload", "ListingApplied", "ListingPulled",
           "ListingValue"]

_lib = _native.lib

ListingValue = Union[str, Tuple[str, ...]]
"""A listing field's value: a text, or files one per item."""


class PhasedAction(enum.IntEnum):
    """What `Client.phased_release` does to a phased release (the C ABI's `agc_phased_action`)."""

    PAUSE = 1
    """Stop the rollout where it is."""
    RESUME = 2
    """Go on with the rollout."""
    FULL = 3
    """Release to everyone now."""
    STEP = 4
    """Go on to the day given as `step_day` (2 to 7: 2, 5, 10, 20, 50, 100 % of users)."""


class ListingChange(NamedTuple):
    """One field that differs between the folder and AGC (planned) or was changed (applied)."""

    lang: str
    """The language, ``"en-US"``."""
    field: str
    """``"name"``, ``"description"``, ``"brief"``, ``"release_notes"``, ``"icon"``,
    ``"screenshots/<device>"`` or ``"videos/<device>"``."""
    new_language: bool
    """The app does not have this language yet."""
    is_text: bool
    """A text (name, description, brief, release notes); else files."""
    summary: str
    """The change as one line for a log, ``en-US brief: "Old" (3 characters) -> "New" (3 characters)``."""
    current: Optional[ListingValue]
    """What AGC held: a text (redacted), or AGC's file references; None when it held nothing."""
    wanted: ListingValue
    """What the folder says: a text, or the files' names inside the folder."""


class ListingPlan(NamedTuple):
    """`Client.listing_plan`: what applying the folder would change; nothing was sent."""

    changes: Tuple[ListingChange, ...]
    unchanged: Tuple[str, ...]
    """The fields the folder sets that AGC already shows, as ``"<lang>/<field>"``."""
    notes: Tuple[str, ...]
    """The library's notes (a manifest not used and why, a language AGC holds that cannot be a
    folder name)."""


class ListingUpload(NamedTuple):
    """A file `Client.listing_apply` uploaded."""

    file: str
    """Its name inside the folder, ``"en-US/screenshots/phone/01.png"``."""
    object_id: str
    """AGC's object id."""
    size: int
    """Bytes."""


class ListingApplied(NamedTuple):
    """`Client.listing_apply`: the changes made, each confirmed by reading the listing back
    (none: nothing to do), the files uploaded, the `app-language-info` and `app-file-info`
    calls made, and notes."""

    changes: Tuple[ListingChange, ...]
    uploads: Tuple[ListingUpload, ...]
    calls: int
    notes: Tuple[str, ...]


class ListingPulled(NamedTuple):
    """`Client.listing_pull`: the languages AGC has, the text files written (inside the folder,
    ``"en-US/name.txt"``), and notes."""

    languages: Tuple[str, ...]
    written: Tuple[str, ...]
    notes: Tuple[str, ...]


# Reading an agc_listing_result; the caller frees it.

_Result = ctypes.c_void_p


def _str(b: Optional[bytes]) -> str:
    return "" if b is None else b.decode("utf-8", "replace")


def _strings(out: _Result, count: Callable[[_Result], int],
             at: Callable[[_Result, int], Optional[bytes]]) -> Tuple[str, ...]:
    texts = (at(out, i) for i in range(count(out)))
    return tuple(t.decode("utf-8", "replace") for t in texts if t is not None)


def _value(raw: Optional[bytes], is_text: bool) -> Optional[ListingValue]:
    """A text as it is; files, one a line in the C string, as a tuple."""
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace")
    if is_text:
        return text
    return tuple(line for line in text.split("\n") if line)


def _changes(out: _Result) -> Tuple[ListingChange, ...]:
    changes = []
    for i in range(_lib.agc_listing_result_change_count(out)):
        is_text = _lib.agc_listing_result_change_is_text(out, i) == 1
        wanted = _value(_lib.agc_listing_result_change_wanted(out, i), is_text)
        changes.append(ListingChange(
            _str(_lib.agc_listing_result_change_lang(out, i)),
            _str(_lib.agc_listing_result_change_field(out, i)),
            _lib.agc_listing_result_change_new_language(out, i) == 1,
            is_text,
            _str(_lib.agc_listing_result_change_summary(out, i)),
            _value(_lib.agc_listing_result_change_current(out, i), is_text),
            ("" if is_text else ()) if wanted is None else wanted,
        ))
    return tuple(changes)


def _notes(out: _Result) -> Tuple[str, ...]:
    return _strings(out, _lib.agc_listing_result_note_count, _lib.agc_listing_result_note)


def read_plan(out: _Result) -> ListingPlan:
    """The plan held by a live agc_listing_result (not freed here)."""
    return ListingPlan(_changes(out),
                       _strings(out, _lib.agc_listing_result_unchanged_count, _lib.agc_listing_result_unchanged),
                       _notes(out))


def read_applied(out: _Result) -> ListingApplied:
    """What a live agc_listing_result of an apply holds (not freed here)."""
    uploads = tuple(ListingUpload(_str(_lib.agc_listing_result_upload_file(out, i)),
                                  _str(_lib.agc_listing_result_upload_object_id(out, i)),
                                  int(_lib.agc_listing_result_upload_size(out, i)))
                    for i in range(_lib.agc_listing_result_upload_count(out)))
    return ListingApplied(_changes(out), uploads, int(_lib.agc_listing_result_calls(out)), _notes(out))


def read_pulled(out: _Result) -> ListingPulled:
    """What a live agc_listing_result of a pull holds (not freed here)."""
    return ListingPulled(
        _strings(out, _lib.agc_listing_result_language_count, _lib.agc_listing_result_language),
        _strings(out, _lib.agc_listing_result_written_count, _lib.agc_listing_result_written),
        _notes(out))
