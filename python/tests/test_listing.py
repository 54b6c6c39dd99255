"""The store listing through the Python package, against the standalone mock: a folder of real
PNGs written by scripts/make-listing.py, planned and applied, pulled into a fresh folder, one
text edited, the plan showing exactly it, applied and read back, planned with nothing left; the
progress phases; a broken rule, a cancel and AGC's success that stores nothing; deleting a
language, withdrawing a review, a phased release, the app id of a bundle name; and the argument
checks, each refused before any request. App ids 39501 to 39509 are this file's."""
import importlib.util
import json
import os
import subprocess
import sys
from typing import Any, Callable, List, Optional, Tuple, Type

import agcupload
from agcupload import Phase, PhasedAction
from mockenv import MockTestCase, fault, mock_post, needs_mock, requests_log

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MAKE_LISTING = os.path.join(ROOT, "scripts", "make-listing.py")
FILE_INFO = "/api/publish/v3/app-file-info"
LANGUAGE_INFO = "/api/publish/v3/app-language-info"


def _png() -> Callable[[int, int, Tuple[int, int, int]], bytes]:
    spec = importlib.util.spec_from_file_location("make_listing", MAKE_LISTING)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    png: Callable[[int, int, Tuple[int, int, int]], bytes] = module.png
    return png


png = _png()


def set_app(**state: Any) -> None:
    mock_post("/mock/app", json.dumps(state).encode())


def api_requests() -> List[Any]:
    """The requests to AGC's API and upload host so far (the mock's control excluded)."""
    return [r for r in requests_log() if not r["path"].startswith("/mock/")]


def writes(since: int) -> List[Any]:
    """What was sent to AGC after the first `since` API requests, beside reads and tokens: every
    request that is not a GET, and the upload URLs asked for."""
    return [(r["method"], r["path"]) for r in api_requests()[since:]
            if r["path"] != "/api/oauth2/v1/token" and (r["method"] != "GET" or "upload-url" in r["path"])]


class Recorder:
    """A progress callback that keeps every phase in order (and checks it is a `Phase`)."""

    def __init__(self, stop_at: Optional[str] = None) -> None:
        self.phases: List[str] = []
        self.stop_at = stop_at

    def __call__(self, phase: str, done: int, total: int) -> bool:
        assert isinstance(phase, Phase), phase
        self.phases.append(phase)
        return phase == self.stop_at

    def first(self, phase: Phase) -> int:
        return self.phases.index(phase)


@needs_mock
class ListingTest(MockTestCase):
    def folder(self, name: str, tag: str) -> str:
        """A listing folder that passes every rule: en-US's four texts, a 1024x1024 icon, three
        portrait phone screenshots (scripts/make-listing.py)."""
        path = os.path.join(self.dir, name)
        subprocess.run([sys.executable, MAKE_LISTING, path, "--tag", tag], check=True)
        return path

    def put(self, folder: str, rel: str, data: bytes) -> None:
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def read(self, folder: str, rel: str) -> str:
        with open(os.path.join(folder, rel), encoding="utf-8") as f:
            return f.read()

    def test_pull_edit_plan_apply_and_nothing_left(self) -> None:
        app = "39501"
        listing = self.folder("listing", "py")
        plan = self.client.listing_plan(app, listing)
        self.assertIsInstance(plan, agcupload.ListingPlan)
        by_field = {c.field: c for c in plan.changes}
        self.assertEqual(set(by_field), {"name", "description", "brief", "release_notes", "icon", "screenshots/phone"})
        shots = by_field["screenshots/phone"]
        self.assertEqual((shots.lang, shots.is_text, shots.current), ("en-US", False, None))
        self.assertIsInstance(shots.wanted, tuple)
        self.assertEqual([os.path.basename(f) for f in shots.wanted], ["01.png", "02.png", "03.png"])
        self.assertEqual(by_field["brief"].wanted, "The demo app (py)")
        self.assertTrue(by_field["brief"].is_text)

        # The first apply sends everything, each listing phase in order.
        rec = Recorder()
        applied = self.client.listing_apply(app, listing, progress=rec)
        self.assertEqual(len(applied.changes), 6, applied.changes)
        self.assertEqual(len(applied.uploads), 4, applied.uploads)
        self.assertEqual(applied.uploads[0].file, "en-US/icon.png")
        for u in applied.uploads:
            self.assertTrue(u.object_id and u.size == os.path.getsize(os.path.join(listing, u.file)), u)
        self.assertEqual(applied.calls, 3)
        order = [Phase.READING_APP_INFO, Phase.SETTING_TEXTS, Phase.SENDING_LISTING_FILES, Phase.SETTING_FILE_INFO,
                 Phase.CHECKING_LISTING]
        self.assertEqual([rec.first(p) for p in order], sorted(rec.first(p) for p in order), rec.phases)
        self.assertTrue({Phase.REQUESTING_URL, Phase.UPLOADING, Phase.DONE} <= set(rec.phases), rec.phases)
        self.assertNotIn(Phase.SETTING_NOTES, rec.phases)

        # Pulled into a fresh folder: AGC's texts, and nothing to change.
        pulled = os.path.join(self.dir, "pulled")
        got = self.client.listing_pull(app, pulled, progress=rec)
        self.assertIn("en-US", got.languages)
        self.assertIn("en-US/brief.txt", got.written)
        self.assertEqual(self.read(pulled, "en-US/brief.txt").rstrip("\n"), "The demo app (py)")
        self.assertEqual(self.client.listing_plan(app, pulled).changes, ())

        # One text edited: the plan shows exactly it.
        self.put(pulled, "en-US/brief.txt", "Edited from Python\n".encode())
        plan = self.client.listing_plan(app, pulled)
        self.assertEqual(len(plan.changes), 1, plan.changes)
        change = plan.changes[0]
        self.assertEqual(change[:4], ("en-US", "brief", False, True))
        self.assertEqual((change.current, change.wanted), ("The demo app (py)", "Edited from Python"))
        self.assertIn("en-US brief", change.summary)
        self.assertIn("en-US/name", plan.unchanged)

        # Applied (and read back by the library); AGC now shows it; nothing left to change.
        before = len(api_requests())
        applied = self.client.listing_apply(app, pulled)
        self.assertEqual((applied.changes, applied.uploads, applied.calls), (plan.changes, (), 1))
        self.assertEqual(writes(before), [("PUT", LANGUAGE_INFO)])
        again = os.path.join(self.dir, "again")
        self.client.listing_pull(app, again)
        self.assertEqual(self.read(again, "en-US/brief.txt").rstrip("\n"), "Edited from Python")
        self.assertEqual(self.client.listing_plan(app, pulled).changes, ())

    def test_a_broken_rule_refuses_and_sends_nothing(self) -> None:
        app = "39502"
        listing = self.folder("listing", "rules")
        self.put(listing, "en-US/name.txt", ("n" * 65).encode())
        self.put(listing, "en-US/icon.png", png(100, 100, (1, 2, 3)))
        for call in (self.client.listing_plan, self.client.listing_apply):
            before = len(api_requests())
            with self.assertRaises(agcupload.InvalidArgumentError) as cm:
                call(app, listing)
            self.assertEqual(cm.exception.status, agcupload.Status.INVALID_ARGUMENT)
            self.assertIn("name", cm.exception.message)
            self.assertIn("icon", cm.exception.message)
            self.assertEqual(writes(before), [])

    def test_a_cancel_from_progress_stops_before_the_files(self) -> None:
        app = "39503"
        listing = self.folder("listing", "cancel")
        rec = Recorder(stop_at=Phase.SENDING_LISTING_FILES)
        before = len(api_requests())
        with self.assertRaises(agcupload.CancelledError):
            self.client.listing_apply(app, listing, progress=rec)
        self.assertEqual(rec.phases[-1], Phase.SENDING_LISTING_FILES)
        sent = writes(before)
        self.assertNotIn(("PUT", FILE_INFO), sent)
        self.assertFalse([w for w in sent if "upload-url" in w[1] or w[1].startswith("/obs/")], sent)
        fields = {c.field for c in self.client.listing_plan(app, listing).changes}
        self.assertEqual(fields, {"icon", "screenshots/phone"})

        # An exception in the callback cancels too, and is the one raised.
        class Stop(Exception):
            pass

        def progress(phase: str, done: int, total: int) -> None:
            if phase == Phase.SENDING_LISTING_FILES:
                raise Stop()

        with self.assertRaises(Stop):
            self.client.listing_apply(app, listing, progress=progress)

    def test_agcs_success_that_stores_nothing_is_a_protocol_error(self) -> None:
        app = "39504"
        listing = self.folder("listing", "ignored")
        with fault("listing_success_ignored"):
            with self.assertRaises(agcupload.ApiError) as cm:
                self.client.listing_apply(app, listing)
        self.assertEqual(cm.exception.status, agcupload.Status.PROTOCOL)
        self.assertIn("brief", cm.exception.message)
        self.assertEqual(len(self.client.listing_plan(app, listing).changes), 6)

    def test_delete_a_language_but_never_the_default(self) -> None:
        app = "39505"
        self.assertEqual(set(self.client.listing_pull(app, os.path.join(self.dir, "before")).languages),
                         {"en-US", "zh-CN"})
        rec = Recorder()
        self.client.delete_language(app, "zh-CN", progress=rec)
        self.assertEqual(rec.phases, [Phase.READING_APP_INFO, Phase.DELETING_LANGUAGE])
        self.assertEqual(self.client.listing_pull(app, os.path.join(self.dir, "after")).languages, ("en-US",))
        for lang, needle in (("en-US", "default language"), ("zh-CN", "no language zh-CN")):
            before = len(api_requests())
            with self.assertRaises(agcupload.PreflightError) as cm:
                self.client.delete_language(app, lang)
            self.assertIn(needle, cm.exception.message)
            self.assertEqual(writes(before), [])

    def test_withdraw_is_refused_in_a_draft_and_done_in_review(self) -> None:
        app = "39506"
        set_app(appId=app, versionId="v-39506", releaseState=7)
        before = len(api_requests())
        with self.assertRaises(agcupload.PreflightError):
            self.client.withdraw_review(app)
        self.assertEqual(writes(before), [])
        set_app(appId=app, versionId="v-39506", releaseState=4)
        rec = Recorder()
        self.assertEqual(self.client.withdraw_review(app, progress=rec), "v-39506")
        self.assertIn(Phase.WITHDRAWING, rec.phases)
        self.assertEqual(self.client.release_state(app).status, agcupload.ReleaseStatus.DRAFT)
        with self.assertRaises(agcupload.PreflightError):
            self.client.withdraw_review(app)

    def test_phased_release_pause_resume_step_and_full(self) -> None:
        app = "39507"
        set_app(appId=app, phased={"versionId": "v-395", "phaseDay": 2})
        rec = Recorder()
        self.assertEqual(self.client.phased_release(app, PhasedAction.PAUSE, description="crash spike",
                                                    progress=rec), "v-395")
        self.assertIn(Phase.CHANGING_PHASED_RELEASE, rec.phases)
        self.assertEqual(self.client.phased_release(app, PhasedAction.RESUME), "v-395")
        self.assertEqual(self.client.phased_release(app, PhasedAction.STEP, step_day=5, version_id="v-395"), "v-395")
        self.assertEqual(self.client.phased_release(app, PhasedAction.FULL), "v-395")
        with self.assertRaises(agcupload.PreflightError) as cm:
            self.client.phased_release(app, PhasedAction.RESUME)
        self.assertIn("no phased release", cm.exception.message)

    def test_the_app_id_of_a_bundle_name(self) -> None:
        set_app(appId="39508", packageName="com.example.pylisting")
        rec = Recorder()
        self.assertEqual(self.client.app_id_for_bundle("com.example.pylisting", progress=rec), "39508")
        self.assertEqual(rec.phases[-1], Phase.LOOKING_UP_APP_ID)
        with self.assertRaises(agcupload.InvalidArgumentError) as cm:
            self.client.app_id_for_bundle(b"com.example.nothing")
        self.assertIn("com.example.nothing", cm.exception.message)

    def test_bad_arguments_raise_before_any_request(self) -> None:
        app, listing, c = "39509", self.dir, self.client
        cases: List[Tuple[Type[BaseException], Callable[[], object], str]] = [
            (agcupload.InvalidArgumentError, lambda: c.listing_plan(None, listing), "app_id"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.listing_apply(app, None), "dir"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.listing_pull(b"\xff\xfe", listing), "app_id"),
            (TypeError, lambda: c.listing_plan(39509, listing), "int"),  # type: ignore[arg-type]
            (TypeError, lambda: c.listing_apply(app, 12), "int"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.delete_language(app, None), "lang"),  # type: ignore[arg-type]
            (TypeError, lambda: c.delete_language(app, ["fr-FR"]), "list"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.withdraw_review(None), "app_id"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.app_id_for_bundle(None), "bundle"),  # type: ignore[arg-type]
            (agcupload.InvalidArgumentError, lambda: c.phased_release(app, PhasedAction.STEP, step_day=99), "99"),
            (agcupload.InvalidArgumentError, lambda: c.phased_release(app, PhasedAction.STEP), "day"),
            (agcupload.InvalidArgumentError, lambda: c.phased_release(app, 99), "agc_phased_action"),
            (agcupload.InvalidArgumentError,
             lambda: c.phased_release(app, PhasedAction.PAUSE, description="d" * 501), "500"),
            (ValueError, lambda: c.phased_release(app, PhasedAction.STEP, step_day=2 ** 32), "step_day"),
            (ValueError, lambda: c.phased_release(app, PhasedAction.STEP, step_day=-1), "step_day"),
            (TypeError, lambda: c.phased_release(app, PhasedAction.STEP, step_day="3"), "step_day"),  # type: ignore
            (TypeError, lambda: c.phased_release(app, PhasedAction.STEP, step_day=True), "step_day"),
            (ValueError, lambda: c.phased_release(app, PhasedAction.PAUSE, step_day=3), "STEP only"),
            (ValueError, lambda: c.phased_release(app, -1), "action"),
            (TypeError, lambda: c.phased_release(app, 1.0), "action"),  # type: ignore[arg-type]
            (TypeError, lambda: c.phased_release(app, PhasedAction.STEP, 3), "positional"),  # type: ignore[call-arg]
            (TypeError, lambda: c.phased_release(app, PhasedAction.PAUSE, version_id=7), "int"),  # type: ignore
        ]
        for exc, call, needle in cases:
            before = len(api_requests())
            try:
                call()
            except exc as e:
                self.assertIn(needle, str(e))
            else:
                self.fail("%s not raised (%s)" % (exc.__name__, needle))
            self.assertEqual(len(api_requests()), before, "a refused argument sent a request: %s" % needle)
        c.close()
        with self.assertRaisesRegex(ValueError, "closed"):
            c.listing_plan(app, listing)
