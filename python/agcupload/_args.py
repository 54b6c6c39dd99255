"""Checks of Python values before they reach ctypes, which would silently wrap them.

ctypes converts an int to a C integer modulo its width (``2**64 + 10`` arrives as 10, ``-1``
as the largest value), and iterating a ``str`` yields its characters. Every integer handed
to the library therefore passes `unsigned` first, every seconds value `seconds_ms`, every
list of group ids `test_groups`. The rules: a wrong type raises `TypeError` (a `bool` is not a
number here; a float is not a count of milliseconds), a value outside the C parameter's
range raises `ValueError`; nothing is sent. The library still checks what it accepts
(`InvalidArgumentError`), these only keep the value intact on its way there.
"""
import datetime
import math
from typing import Iterable, List, Optional, Tuple, Union

__all__ = ["unsigned", "seconds_ms", "test_groups", "U32", "U64"]

U32 = 32
"""Width of a C `unsigned int` (`c_uint`) on every platform the library supports."""
U64 = 64
"""Width of a `uint64_t`."""


def unsigned(value: object, what: str, bits: int = U64) -> int:
    """`value` as a C unsigned integer of `bits` bits: an `int` (an `IntEnum` too) from 0 to
    2**bits - 1; a bool, a float or any other type raises TypeError, a value out of range
    ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s: expected an int, not %s" % (what, type(value).__name__))
    if not 0 <= value < 2 ** bits:
        raise ValueError("%s: must be from 0 to %d, not %d" % (what, 2 ** bits - 1, value))
    return int(value)


Seconds = Union[float, datetime.timedelta]


def seconds_ms(t: Optional[Seconds], what: str) -> Optional[int]:
    """Seconds (an int, a float or a timedelta) as whole milliseconds (at least 1), for a
    `uint64_t` milliseconds parameter; None stays None. Not more than 0, NaN, infinite or more
    than 2**64 - 1 ms: ValueError; another type (a bool too): TypeError."""
    if t is None:
        return None
    secs = t.total_seconds() if isinstance(t, datetime.timedelta) else t
    if isinstance(secs, bool) or not isinstance(secs, (int, float)):
        raise TypeError("%s: expected seconds (a number or a timedelta), not %s" % (what, type(t).__name__))
    if isinstance(secs, float) and not math.isfinite(secs):
        raise ValueError("%s: must be a finite number of seconds, not %r" % (what, secs))
    if not secs > 0:
        raise ValueError("%s: must be more than 0 seconds, not %r" % (what, secs))
    ms = max(1, int(round(secs * 1000)))
    if ms >= 2 ** U64:
        raise ValueError("%s: at most %d milliseconds, not %r seconds" % (what, 2 ** U64 - 1, secs))
    return ms


GroupArg = Union[str, bytes, Tuple[Union[str, bytes], bool]]


def test_groups(groups: Iterable[GroupArg], notify: bool) -> List[Union[str, bytes]]:
    """The group ids of a `TestRelease` (a list or tuple of ids, each a str or bytes).

    AGC takes one `needNotify` per test version (`testTaskInfo.needNotify`), not per group:
    the flag is `TestRelease.notify`. A ``(group_id, flag)`` pair (the older spelling) is
    accepted only when `flag` equals `notify`, since a differing one cannot be honoured; a
    bare str or bytes (which would be split into one-character groups) raises TypeError."""
    if isinstance(groups, (str, bytes, bytearray, memoryview)):
        raise TypeError("TestRelease.groups: expected a list of group ids, not a bare %s "
                        "(write groups=[%r])" % (type(groups).__name__, groups))
    if not isinstance(notify, bool):
        raise TypeError("TestRelease.notify: expected a bool, not %s" % type(notify).__name__)
    try:
        items = list(groups)
    except TypeError:
        raise TypeError("TestRelease.groups: expected a list of group ids, not %s"
                        % type(groups).__name__) from None
    ids: List[Union[str, bytes]] = []
    for g in items:
        if isinstance(g, (str, bytes)):
            ids.append(g)
            continue
        if isinstance(g, tuple) and len(g) == 2 and isinstance(g[0], (str, bytes)) and isinstance(g[1], bool):
            if g[1] != notify:
                raise ValueError(
                    "TestRelease.groups: %r asks notify=%s for one group, but AGC notifies per test "
                    "version (one needNotify for all its groups): give plain group ids and "
                    "TestRelease(..., notify=%s)" % (g, g[1], g[1]))
            ids.append(g[0])
            continue
        raise TypeError("TestRelease.groups: each group is a str or bytes id, not %r" % (g,))
    if notify and not ids:
        raise ValueError("TestRelease.notify: AGC notifies the testers of the test groups; "
                         "notify=True needs at least one group")
    return ids
