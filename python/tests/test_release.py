"""Checked through the installed package: release notes, submit for review, the release
state, the one-call road (with a failure that keeps its ids and a resume that does not upload
again) and a HarmonyOS test release, against the mock's release state machine. Each test uses
its own app ids: the mock keeps each app's state (a submitted app is in review)."""
import datetime
import hashlib
import json
import os
import pickle
import unittest
import urllib.request

import agcupload
from agcupload import Note, Phase, ReleaseIds, ReleaseStatus, Step, TestRelease, TestType
from mockenv import SECRET, MockTestCase, count, fault, mock_get, mock_post, needs_mock, requests_log, stored_objects

UTC = datetime.timezone.utc


class ReleaseTypesTest(unittest.TestCase):
    def test_enums_mirror_the_c_abi(self):
        self.assertEqual(agcupload.PHASES[9], "setting_notes")
        self.assertEqual(agcupload.PHASES[14], "submitting_test")
        self.assertEqual(agcupload.PHASES[15], "reading_app_info")
        self.assertEqual(agcupload.PHASES[23], "looking_up_app_id")
        self.assertEqual(list(agcupload.PHASES), list(range(1, 24)))
        self.assertEqual(Phase.SUBMITTING, "submitting")
        self.assertEqual(str(Phase.ADDING_TEST_PACKAGE), "adding_test_package")
        self.assertEqual((Step.NONE, Step.CHECK, Step.NOTES, Step.SUBMIT, Step.SUBMIT_TEST), (0, 1, 5, 6, 10))
        self.assertEqual([int(s) for s in ReleaseStatus], [0, 1, 2, 3, 4, 5, 6])
        self.assertEqual((TestType.INVITE, TestType.OPEN), (3, 4))
        for name in agcupload.__all__:
            self.assertTrue(hasattr(agcupload, name), name)

    def test_exceptions_keep_step_and_ids_through_pickle(self):
        e = agcupload.errors.error_for(agcupload.Status.API, "m")
        self.assertIsNone(e.step)
        self.assertIsNone(e.done)
        e.step, e.done = Step.SUBMIT, ReleaseIds("o", "f.app", "p", None)
        again = pickle.loads(pickle.dumps(e))
        self.assertIs(type(again), agcupload.ApiError)
        self.assertEqual((again.step, again.done, again.message), (Step.SUBMIT, e.done, "m"))


@needs_mock
class ReleaseTest(MockTestCase):
    def test_notes_in_two_languages_submit_and_state(self):
        app = "31001"
        phases = []
        self.client.publish_package(app, self.app(), timeout_ms=60000)
        before = count("PUT", "/api/publish/v3/app-language-info")
        self.client.set_release_notes(app, {"en-US": "Dark mode.", "zh-CN": "\u6df1\u8272\u6a21\u5f0f"},
                                      progress=lambda p, d, t: phases.append((p, d, t)) and False)
        self.assertEqual(count("PUT", "/api/publish/v3/app-language-info") - before, 2)
        self.assertEqual(phases[-1], (Phase.SETTING_NOTES, 2, 2))
        self.assertIs(type(phases[-1][0]), Phase)
        with self.assertRaises(agcupload.ApiError) as cm:
            self.client.set_release_notes(app, {"fr-FR": "Mode sombre."})
        self.assertIn("fr-FR", cm.exception.message)

        self.assertEqual(self.client.release_state(app).status, ReleaseStatus.DRAFT)
        self.assertEqual(self.client.release_state(app).raw, 7)
        with self.assertRaises(agcupload.InvalidArgumentError):
            self.client.submit_for_review(app, remark="short")
        with self.assertRaises(ValueError):
            self.client.submit_for_review(app, release_time=datetime.datetime(2031, 5, 6, 7, 8, 9))
        when = datetime.datetime(2031, 5, 6, 9, 8, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
        self.client.submit_for_review(app, release_time=when, phased="1% first", remark="Please test the login.",
                                      timeout=60)
        state = self.client.release_state(app)
        self.assertEqual((state.status, state.raw, state.audit_opinion), (ReleaseStatus.IN_REVIEW, 4, None))
        with self.assertRaises(agcupload.ApiError) as cm:  # in review: refused by AGC, with its message
            self.client.submit_for_review(app)
        self.assertIn("review", cm.exception.message)

    def test_submit_retries_while_agc_still_processes_until_its_timeout(self):
        app = "31008"
        self.client.publish_package(app, self.app(), timeout_ms=60000)
        with fault("submit_still_processing:1000000"):
            with self.assertRaises(agcupload.NetworkError) as cm:
                self.client.submit_for_review(app, timeout=datetime.timedelta(milliseconds=300))
        self.assertEqual(cm.exception.status, agcupload.Status.TIMEOUT, cm.exception.message)
        self.assertEqual(self.client.release_state(app).status, ReleaseStatus.DRAFT)
        submits = count("POST", "/api/publish/v3/app-submit")
        seen = []
        with fault("submit_still_processing:2"):
            self.client.submit_for_review(app, timeout=60, progress=lambda p, d, t: seen.append((p, t)) and False)
        self.assertEqual(count("POST", "/api/publish/v3/app-submit") - submits, 3)
        self.assertTrue(seen and all(p == Phase.SUBMITTING and t == 60000 for p, t in seen), seen)
        self.assertEqual(self.client.release_state(app).status, ReleaseStatus.IN_REVIEW)
        with self.assertRaises(ValueError):
            self.client.submit_for_review(app, timeout=0)

    def test_over_long_note_is_refused_before_any_request(self):
        def api_requests():
            return [r for r in requests_log() if not r["path"].startswith("/mock/")]

        before = len(api_requests())
        with self.assertRaises(agcupload.InvalidArgumentError) as cm:
            self.client.set_release_notes("31002", {"en-US": "x" * 501})
        self.assertIn("en-US", cm.exception.message)
        with self.assertRaises(agcupload.InvalidArgumentError) as cm:
            self.client.release_package("31002", self.app(), notes={"de-DE": "\u00fc" * 501})
        self.assertEqual(cm.exception.step, Step.CHECK)
        self.assertEqual(cm.exception.done, ReleaseIds())
        self.assertEqual(len(api_requests()), before, "a request was sent")
        with self.assertRaises(TypeError):
            self.client.set_release_notes("31002", ["en-US", "x"])

    def test_the_road_end_to_end(self):
        phases = set()
        ids = self.client.release_package("31003", self.app("road.app"), notes={"en-US": "Dark mode."},
                                          remark="Please test the login.", timeout=60,
                                          progress=lambda p, d, t: phases.add(p) and False)
        self.assertIsInstance(ids, ReleaseIds)
        self.assertTrue(ids.object_id and ids.package_id)
        self.assertEqual(ids.file_name, "road.app")
        self.assertIsNone(ids.version_id)
        self.assertTrue({Phase.UPLOADING, Phase.BINDING, Phase.WAITING, Phase.SETTING_NOTES,
                         Phase.SUBMITTING} <= phases, phases)
        self.assertEqual(self.client.release_state("31003").status, ReleaseStatus.IN_REVIEW)

    def test_a_refusal_for_lack_of_rights_is_a_warning_note(self):
        # A new app: the preflight notes that the package binds its bundle name, warns of nothing.
        r, _ = self.client.publish_package("31090", self.app("plain.app"), timeout_ms=60000)
        self.assertIsInstance(r.notes, tuple)
        self.assertTrue(any("is not bound to any app" in n for n in r.notes), r.notes)
        self.assertFalse([n for n in r.notes if n.startswith("warning: ")], r.notes)
        # The API client may not read app 31091 (app-info answers 403): a warning, not a failure.
        mock_post("/mock/app", json.dumps({"appId": "31091", "denyAppInfo": True}).encode())
        r, pkg = self.client.publish_package("31091", self.app("rights.app"), timeout_ms=60000)
        self.assertTrue(pkg)
        warnings = [n for n in r.notes if n.startswith("warning: ")]
        self.assertEqual(len(warnings), 1, r.notes)
        self.assertIn("lack of rights", warnings[0])
        self.assertIn("31091", warnings[0])
        self.assertNotIn(SECRET, warnings[0])
        ids = self.client.release_package("31091", self.app("rights-road.app"), timeout=60)
        self.assertTrue(ids.package_id)
        self.assertTrue(any(n.startswith("warning: ") and "lack of rights" in n for n in ids.notes), ids.notes)
        # Notes are not ids: a resume from these ids does not carry them back.
        self.assertEqual(ReleaseIds("o", "f.app").notes, ())

    def test_failure_keeps_ids_and_resume_does_not_upload_again(self):
        app, path = "31004", self.app("resume.app")
        with fault("release_code_once:204144641:invalid parameter from the mock"):
            with self.assertRaises(agcupload.ApiError) as cm:
                self.client.release_package(app, path, notes={"en-US": "Dark mode."}, timeout=60)
        e = cm.exception
        self.assertEqual((e.status, e.step), (agcupload.Status.API, Step.NOTES))
        self.assertTrue(e.done.object_id and e.done.package_id, e.done)
        self.assertEqual(e.done.file_name, "resume.app")
        self.assertIn("invalid parameter from the mock", e.message)
        objects, puts, binds = stored_objects(), count("PUT", "/obs/"), count("PUT", "/api/publish/v3/app-package")
        # The file is not even read again: a path that does not exist is fine.
        ids = self.client.release_package(app, os.path.join(self.dir, "gone.app"), notes={"en-US": "Dark mode."},
                                          resume=e.done, timeout=60)
        self.assertEqual((ids.object_id, ids.package_id), (e.done.object_id, e.done.package_id))
        self.assertEqual((stored_objects(), count("PUT", "/obs/"), count("PUT", "/api/publish/v3/app-package")),
                         (objects, puts, binds))
        self.assertEqual(self.client.release_state(app).status, ReleaseStatus.IN_REVIEW)
        with self.assertRaises(TypeError):
            self.client.release_package(app, path, resume=("o", "f", "p", None))

    def test_the_road_reports_what_it_uploaded(self):
        app, path = "31020", self.app("digest.app", 30001)
        with open(path, "rb") as f:
            want = hashlib.sha256(f.read()).hexdigest()
        with fault("release_code_once:204144641:invalid parameter from the mock"):
            with self.assertRaises(agcupload.ApiError) as cm:
                self.client.release_package(app, path, notes={"en-US": "Dark mode."}, timeout=60)
        done = cm.exception.done
        self.assertEqual(cm.exception.step, Step.NOTES, cm.exception.message)
        self.assertEqual((done.sha256, done.size), (want, os.path.getsize(path)))
        stored = mock_get("/mock/objects/" + urllib.request.quote(done.object_id, safe=""))
        self.assertEqual(hashlib.sha256(stored).hexdigest(), done.sha256)
        # Resumed past the upload: carried from the ids given, unknown without them.
        ids = self.client.release_package(app, os.path.join(self.dir, "gone.app"), notes={"en-US": "Dark mode."},
                                          resume=done, timeout=60)
        self.assertEqual((ids.object_id, ids.sha256, ids.size), (done.object_id, want, done.size))
        with self.assertRaises(agcupload.ApiError) as cm:  # in review already: the submit is refused
            self.client.release_package(app, path, resume=done._replace(package_id=None, sha256=None, size=None))
        self.assertEqual(cm.exception.step, Step.SUBMIT)
        self.assertEqual((cm.exception.done.object_id, cm.exception.done.sha256, cm.exception.done.size),
                         (done.object_id, None, None))
        with self.assertRaises(agcupload.InvalidArgumentError) as cm:
            self.client.release_package(app, path, resume=done._replace(sha256=want.upper()))
        self.assertEqual(cm.exception.step, Step.CHECK)
        self.assertIn("SHA-256", cm.exception.message)

    def test_callback_exception_cancels_the_road_and_keeps_the_ids(self):
        def progress(phase, done, total):
            if phase == Phase.SETTING_NOTES:
                raise KeyError("stop here")
            return False

        with self.assertRaises(KeyError) as cm:
            self.client.release_package("31005", self.app(), notes={"en-US": "x"}, progress=progress)
        cause = cm.exception.__cause__
        self.assertIsInstance(cause, agcupload.CancelledError)
        self.assertTrue(cause.done.package_id)

    def test_a_test_release(self):
        t = TestRelease("1.2.0 beta", TestType.INVITE)
        with self.assertRaises(agcupload.InvalidArgumentError) as cm:  # an invite test needs a group
            self.client.release_package("31006", self.app(), test=t)
        self.assertEqual(cm.exception.step, Step.CHECK)
        self.assertIsNone(cm.exception.done.object_id)
        with self.assertRaises(ValueError):
            self.client.release_package("31006", self.app(), test=t._replace(groups=["g"], start=1))
        start = datetime.datetime(2030, 3, 1, tzinfo=UTC)
        phases = set()
        ids = self.client.release_package(
            "31006", self.app("beta.app"), timeout=60,
            test=t._replace(groups=["grp-1", "grp-2"], notify=True, start=start,
                            end=start + datetime.timedelta(days=7)),
            progress=lambda p, d, tot: phases.add(p) and False)
        self.assertTrue(ids.object_id and ids.package_id and ids.version_id, ids)
        self.assertTrue({Phase.CREATING_TEST_VERSION, Phase.ADDING_TEST_PACKAGE, Phase.SETTING_TEST_INFO,
                         Phase.SUBMITTING_TEST} <= phases, phases)
        self.assertNotIn(Phase.SUBMITTING, phases)
        puts = [r for r in requests_log() if r["method"] == "PUT" and r["path"] == "/api/publish/v2/test/app/version"]
        self.assertTrue(puts)
        open_ids = self.client.release_package("31007", self.app("open.app"), test=TestRelease("open beta"))
        self.assertTrue(open_ids.version_id)

    def test_agc_variants_distribute_mode_task_info_submit_fields_listing_and_state_names(self):
        def calls(app):
            return [c for c in json.loads(mock_get("/mock/release-calls")) if c["app_id"] == app]
        # An open test to AppGallery: distributeMode 2 and testTaskInfo with displayArea "1".
        self.client.release_package("31030", self.app("o2.app"), timeout=60,
                                    test=TestRelease("open beta", distribute_mode=2))
        pkg = [c for c in calls("31030") if c["path"].endswith("/test/version/pkg")]
        self.assertEqual(pkg[0]["body"]["distributeMode"], 2)
        info = [c for c in calls("31030") if c["method"] == "PUT"][0]["body"]["openTestInfo"]
        self.assertEqual(info["testTaskInfo"], {"displayArea": "1", "needShareLink": 0, "needNotify": 0})
        with self.assertRaises(agcupload.InvalidArgumentError):
            self.client.release_package("31030", self.app(), test=TestRelease("b", distribute_mode=3))
        day = 86400000
        with self.assertRaises(agcupload.InvalidArgumentError):  # over 90 days
            self.client.release_package("31030", self.app(), test=TestRelease("b", start=day, end=day * 92))
        # Extra submit fields reach AGC; a field the library models is refused.
        with fault("submit_needs_registered_id"):
            with self.assertRaises(agcupload.ApiError) as cm:
                self.client.release_package("31031", self.app("r.app"), timeout=60)
            self.assertIn("can not be null", cm.exception.message)
            self.client.submit_for_review("31031", timeout=60,
                                          submit_fields={"registeredIdType": 1, "registeredIdNumber": "9111"})
        submit = [c for c in calls("31031") if c["path"].endswith("/app-submit")][-1]
        self.assertEqual(submit["body"], {"registeredIdType": 1, "registeredIdNumber": "9111"})
        with self.assertRaises(agcupload.InvalidArgumentError):
            self.client.submit_for_review("31031", submit_fields={"remark": "ten chars long"})
        with self.assertRaises(TypeError):
            self.client.submit_for_review("31031", submit_fields={"x": object()})
        # A new language with its app name; 500 emoji are over AGC's 500 UTF-16 units.
        with fault("new_language_needs_app_name"):
            with self.assertRaises(agcupload.ApiError):
                self.client.set_release_notes("31032", {"fr-FR": "Nouveau."})
            self.client.set_release_notes("31032", {"fr-FR": Note("Nouveau.", app_name="Mon appli", brief_info="Vite")})
        body = [c for c in calls("31032") if c["path"].endswith("/app-language-info")][-1]["body"]
        self.assertEqual((body["appName"], body["briefInfo"], "appDesc" in body), ("Mon appli", "Vite", False))
        with self.assertRaises(agcupload.InvalidArgumentError):
            self.client.set_release_notes("31032", {"en-US": "\U0001F600" * 500})
        with self.assertRaises(agcupload.InvalidArgumentError):
            self.client.set_release_notes("31032", {"en-US": "\ufeff\u200b "})
        # State names come from the library.
        state = self.client.release_state("31031")
        self.assertEqual((state.status, state.name, state.review_state), (ReleaseStatus.IN_REVIEW, "in-review", None))
