"""Python values reach the library intact or not at all.

ctypes wraps an int modulo the C parameter's width and a str iterates as characters, so
without checks `end=2**64+10` arrives as 10, `set_retry(2**32 + 2)` as 2 and `groups="grp-1"`
as five groups. Each test shows, with the mock's record of the release calls' JSON bodies
(`GET /mock/release-calls`) or of the requests it received (`GET /mock/requests`), what is
sent for an accepted value and that a refused one sends nothing. The notify model: AGC takes
one `needNotify` per test version (protocol.md section 6), so `TestRelease.notify` is the
flag and a per-group flag that differs from it is refused."""
import datetime
import json
import math
from typing import Any, Callable, List

import agcupload
from agcupload import TestRelease, TestType
from mockenv import MockTestCase, mock_get, needs_mock, requests_log

UTC = datetime.timezone.utc
TEST_VERSION = "/api/publish/v2/test/app/version"


def release_calls(app_id: str) -> List[Any]:
    calls: List[Any] = json.loads(mock_get("/mock/release-calls"))
    return [c for c in calls if c["app_id"] == app_id]


def api_requests() -> int:
    return sum(1 for r in requests_log() if not r["path"].startswith("/mock/"))


def test_info(app_id: str) -> Any:
    """The `openTestInfo` of the one update of the test version of `app_id`."""
    puts = [c for c in release_calls(app_id) if c["method"] == "PUT" and c["path"] == TEST_VERSION]
    assert len(puts) == 1, puts
    return puts[0]["body"]["openTestInfo"]


@needs_mock
class ArgumentsTest(MockTestCase):
    def assert_refused(self, exc: type, fn: Callable[[], object], needle: str) -> None:
        """`fn()` raises `exc` whose message names `needle`, and no request reaches the mock."""
        before = api_requests()
        with self.assertRaises(exc) as cm:
            fn()
        self.assertIn(needle, str(cm.exception))
        self.assertEqual(api_requests(), before, "a refused value sent a request: %s" % cm.exception)

    # ------------------------------------------------------------------ groups and notify

    def test_a_bare_string_of_groups_is_refused_not_split(self):
        for groups in ("grp-1", b"grp-1"):
            t = TestRelease("beta", TestType.INVITE, groups=groups)  # type: ignore[arg-type]
            self.assert_refused(TypeError, lambda: self.client.release_package("36001", self.app(), test=t),
                                "list of group ids")
        self.assertEqual(release_calls("36001"), [])

    def test_notify_is_one_flag_of_the_test_sent_once_for_all_groups(self):
        start = datetime.datetime(2031, 5, 1, tzinfo=UTC)
        window = dict(start=start, end=start + datetime.timedelta(days=3))
        self.client.release_package("36002", self.app(), timeout=60, test=TestRelease(
            "notify all", TestType.INVITE, groups=["g1", "g2"], notify=True, **window))
        self.assertEqual(test_info("36002")["testTaskInfo"],
                         {"groupInfos": [{"groupId": "g1"}, {"groupId": "g2"}], "needNotify": 1,
                          "displayArea": "1", "needShareLink": 0})
        self.client.release_package("36003", self.app(), timeout=60, test=TestRelease(
            "notify none", TestType.INVITE, groups=["g1", "g2"], **window))
        self.assertEqual(test_info("36003")["testTaskInfo"]["needNotify"], 0)
        # The older pairs, where the pair's flag is the test's: accepted, and sent as it says.
        self.client.release_package("36004", self.app(), timeout=60, test=TestRelease(
            "pairs", TestType.INVITE, groups=[("g1", True), "g2"], notify=True, **window))
        self.assertEqual(test_info("36004")["testTaskInfo"],
                         {"groupInfos": [{"groupId": "g1"}, {"groupId": "g2"}], "needNotify": 1,
                          "displayArea": "1", "needShareLink": 0})

    def test_per_group_flags_that_differ_are_refused(self):
        # Sent before: one needNotify for both, the last pair's (0): g1's testers never told.
        for groups, notify in (([("g1", True), ("g2", False)], False), ([("g1", True), ("g2", False)], True),
                               ([("g1", False)], True)):
            t = TestRelease("mixed", TestType.INVITE, groups=groups, notify=notify)
            self.assert_refused(ValueError, lambda: self.client.release_package("36005", self.app(), test=t),
                                "per test version")
        t = TestRelease("no one to tell", TestType.OPEN, notify=True)
        self.assert_refused(ValueError, lambda: self.client.release_package("36005", self.app(), test=t),
                            "needs at least one group")
        for bad in (["g1", 7], [("g1", 1)], [("g1", True, "x")]):
            t = TestRelease("bad group", TestType.INVITE, groups=bad)  # type: ignore[arg-type]
            self.assert_refused(TypeError, lambda: self.client.release_package("36005", self.app(), test=t),
                                "TestRelease.groups")
        t = TestRelease("int notify", TestType.INVITE, groups=["g1"], notify=1)  # type: ignore[arg-type]
        self.assert_refused(TypeError, lambda: self.client.release_package("36005", self.app(), test=t),
                            "TestRelease.notify")
        self.assertEqual(release_calls("36005"), [])

    # ------------------------------------------------------------------ the test window

    def test_the_window_is_sent_exactly_and_out_of_range_ends_are_refused(self):
        self.client.release_package("36006", self.app(), timeout=60, test=TestRelease(
            "window", start=2 ** 63, end=2 ** 63 + 5))
        info = test_info("36006")
        self.assertEqual((info["startTime"], info["endTime"]), (2 ** 63, 2 ** 63 + 5))
        # A window longer than AGC's 90 days is refused by the library.
        t = TestRelease("window", start=1_900_000_000_000, end=2 ** 63 + 5)
        self.assert_refused(agcupload.InvalidArgumentError,
                            lambda: self.client.release_package("36007", self.app(), test=t), "at most 90")
        for start, end, exc, needle in (
                (1_900_000_000_000, 2 ** 64 + 10, ValueError, "TestRelease.end"),  # was sent as 10
                (-1, 1_900_000_000_000, ValueError, "TestRelease.start"),  # was 2**64 - 1
                (datetime.datetime(1969, 12, 31, tzinfo=UTC), 1_900_000_000_000, ValueError, "TestRelease.start"),
                (True, 1_900_000_000_000, TypeError, "TestRelease.start"),
                (1.5e12, 1_900_000_000_000, TypeError, "TestRelease.start")):
            t = TestRelease("window", start=start, end=end)  # type: ignore[arg-type]
            self.assert_refused(exc, lambda: self.client.release_package("36007", self.app(), test=t), needle)
        t = TestRelease("window", test_type=2 ** 32 + 4)  # type: ignore[arg-type] # was 4: an open test
        self.assert_refused(ValueError, lambda: self.client.release_package("36007", self.app(), test=t),
                            "TestRelease.test_type")
        self.assertEqual(release_calls("36007"), [])

    # ------------------------------------------------------------------ timeouts (seconds)

    def test_timeouts_in_seconds_out_of_range_are_refused(self):
        app = self.app()
        for timeout, exc in ((2 ** 64, ValueError), (1.9e16, ValueError), (math.inf, ValueError),
                             (math.nan, ValueError), (-1, ValueError), (0, ValueError), (True, TypeError),
                             ("60", TypeError), (datetime.timedelta(days=-1), ValueError)):
            self.assert_refused(exc, lambda: self.client.release_package("36008", app, timeout=timeout), "timeout")
            self.assert_refused(exc, lambda: self.client.submit_for_review("36008", timeout=timeout), "timeout")
        self.assertEqual(release_calls("36008"), [])

    # ------------------------------------------------------------------ every other integer

    def test_every_integer_parameter_is_range_checked_before_ctypes(self):
        c, app = self.client, self.app()
        cases = [
            # (call, exception, what the message names); "was": what ctypes made of it on main
            (lambda: c.set_retry(2 ** 32 + 2, 0), ValueError, "max_attempts"),  # was 2 attempts
            (lambda: c.set_retry(-1, 0), ValueError, "max_attempts"),
            (lambda: c.set_retry(True, 0), TypeError, "max_attempts"),
            (lambda: c.set_retry(2, 2 ** 64 + 1), ValueError, "deadline_ms"),  # was 1 ms
            (lambda: c.set_retry(2, 1.5), TypeError, "deadline_ms"),
            (lambda: c.set_timeouts_ms(2 ** 64 + 1000, 1000), ValueError, "connect_ms"),  # was 1 s
            (lambda: c.set_timeouts_ms(1000, -1), ValueError, "inactivity_ms"),
            (lambda: c.set_timeouts_ms(1000.0, 1000), TypeError, "connect_ms"),
            (lambda: c.set_poll_interval_ms(-20, 100), ValueError, "initial_ms"),
            (lambda: c.set_poll_interval_ms(20, 2 ** 64 + 100), ValueError, "max_ms"),
            (lambda: c.set_trust(2 ** 32 + 1), ValueError, "trust"),  # was Trust.MOZILLA
            (lambda: c.set_trust(True), TypeError, "trust"),
            (lambda: c.upload_file("36009", app, 2 ** 32 + 1), ValueError, "kind"),  # was HARMONY_APP
            (lambda: c.upload_file("36009", app, release_type=2 ** 32 + 6), ValueError, "release_type"),
            (lambda: c.upload_file("36009", app, release_type=False), TypeError, "release_type"),
            (lambda: c.publish_package("36009", app, timeout_ms=2 ** 64 + 5), ValueError, "timeout_ms"),
            (lambda: c.publish_package("36009", app, 2 ** 32 + 1), ValueError, "kind"),
            (lambda: c.wait_package_ready("36009", "pkg-1", -1), ValueError, "timeout_ms"),
            (lambda: c.wait_package_ready("36009", "pkg-1", 60.0), TypeError, "timeout_ms"),
            (lambda: c.release_package("36009", app, 2 ** 32 + 1), ValueError, "kind"),
            (lambda: c.release_package("36009", app, resume=agcupload.ReleaseIds(
                object_id="o", file_name="a.app", sha256="0" * 64, size=2 ** 64 + 3)), ValueError, "size"),
            (lambda: c.release_package("36009", app, resume=agcupload.ReleaseIds(
                object_id="o", file_name="a.app", sha256="0" * 64, size=True)), TypeError, "size"),
        ]
        for call, exc, needle in cases:
            with self.subTest(needle=needle, exc=exc.__name__):
                self.assert_refused(exc, call, needle)
        self.assertEqual(release_calls("36009"), [])
        # The values at the edge of each width are handed over unchanged: the library decides.
        c.set_timeouts_ms(2 ** 64 - 1, 2 ** 64 - 1)
        c.set_trust(agcupload.Trust.MOZILLA)
        with self.assertRaises(agcupload.InvalidArgumentError):  # 2**32 - 1 reached the library as is
            c.set_trust(2 ** 32 - 1)
        with self.assertRaises(agcupload.InvalidArgumentError):
            c.upload_file("36009", app, 2 ** 32 - 1)


@needs_mock
class NulTest(MockTestCase):
    def test_a_nul_in_a_text_or_a_path_is_refused_before_any_request(self) -> None:
        path = self.app()
        before = api_requests()
        with self.assertRaisesRegex(ValueError, "a path contains a NUL character"):
            self.client.upload_file("10001", path + "\0.bak")
        with self.assertRaisesRegex(ValueError, "a text argument contains a NUL character"):
            self.client.upload_file("10001\0", path)
        with self.assertRaisesRegex(ValueError, "a text argument contains a NUL character"):
            self.client.upload_file("10001", path, file_name=b"a.app\0x")
        with self.assertRaisesRegex(ValueError, "a path contains a NUL character"):
            agcupload.inspect_package(path.encode() + b"\0")
        with self.assertRaisesRegex(ValueError, "a text argument contains a NUL character") as cm:
            agcupload.Client("id", "secret-part\0rest")
        self.assertNotIn("secret-part", str(cm.exception))
        self.assertEqual(api_requests(), before)
