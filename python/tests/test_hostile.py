"""The hostile-server suite through the installed package: under the mock's
`hostile` fault every free-text field of every Connect answer (success answers included) holds
the request's credentials echoed back, the client secret, CI workflow commands, terminal
escapes, bidirectional overrides and 64 KiB of padding. What Python callers receive (results,
the release state's opinion, exception messages, reprs) shows no secret, no control or hidden
character, and no more than the library's bound."""
import unicodedata
import unittest
from typing import List

import agcupload
from mockenv import SECRET, MockTestCase, client, fault, needs_mock, requests_log

RUN = 16  # runs of a random secret at least this long must not appear


def secrets() -> List[str]:
    """The client secret and every bearer token the mock received."""
    out = [SECRET]
    for r in requests_log():
        for k, v in r.get("headers", []):
            if k == "authorization" and v.startswith("Bearer "):
                out.append(v[len("Bearer "):])
    return out


class HostileServerTest(MockTestCase):
    def assert_tame(self, what: str, text: str) -> None:
        for s in secrets():
            for i in range(0, max(1, len(s) - RUN + 1)):
                self.assertNotIn(s[i:i + RUN], text, f"{what} shows part of a secret")
        hidden = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
        self.assertEqual(hidden, [], f"{what} holds hidden or control characters: {text!r}")
        self.assertLessEqual(len(text.encode()), 2600, what)

    @needs_mock
    def test_success_answers_reach_python_tamed(self) -> None:
        app = "8800100001"
        path = self.app("hostile.app")
        with fault("hostile"):
            result, package_id = self.client.publish_package(app, path, timeout_ms=60000)
            self.assert_tame("object id", result.object_id)
            self.assert_tame("package id", package_id)
            state = self.client.release_state(app)
            self.assertIsNotNone(state.audit_opinion, "the hostile opinion is shown, tamed")
            assert state.audit_opinion is not None
            self.assertIn("[redacted]", state.audit_opinion)
            self.assert_tame("audit opinion", state.audit_opinion)
            self.assert_tame("state repr", repr(state))
            done = self.client.release_package(app, path, notes={"en-US": "Faster start."})
            self.assert_tame("road ids", repr(done))

    @needs_mock
    def test_refusals_reach_python_tamed(self) -> None:
        app = "8800100002"
        self.client.release_package(app, self.app("refused.app"))  # now in review
        with fault("hostile"):
            with self.assertRaises(agcupload.ApiError) as cm:
                self.client.submit_for_review(app, timeout=60)
            self.assertIn("[redacted]", str(cm.exception))
            self.assert_tame("ApiError str", str(cm.exception))
            self.assert_tame("ApiError message", cm.exception.message)
            self.assert_tame("ApiError repr", repr(cm.exception))


if __name__ == "__main__":
    unittest.main()


class SlowAnswerTest(MockTestCase):
    @needs_mock
    def test_a_cancel_while_agc_answers_the_submit_ends_the_call_and_says_it_may_have_landed(self) -> None:
        """AGC carries the submit out at once and answers a minute later: a progress callback
        that cancels once the submit is under way ends the call without that minute, and the
        error says the submit may have landed."""
        import time
        app = "8800100003"
        path = self.app("slow.app")
        submitting = []

        other = client()  # another client may be used from the callback (this one may not)

        def submitted() -> bool:
            return other.release_state(app).status == agcupload.ReleaseStatus.IN_REVIEW

        def progress(phase: agcupload.Phase, done: int, total: int) -> bool:
            if phase == agcupload.Phase.SUBMITTING:
                submitting.append(time.monotonic())
            # The callback is asked again while the call waits: cancel once AGC has the submit.
            return len(submitting) >= 2 and submitted()

        started = time.monotonic()
        with fault("slow_answer:60000"):
            with self.assertRaises(agcupload.CancelledError) as cm:
                self.client.release_package(app, path, progress=progress)
        self.assertLess(time.monotonic() - started, 45, "the cancel waited for AGC's answer")
        self.assertEqual(cm.exception.step, agcupload.Step.SUBMIT)
        self.assertTrue(cm.exception.outcome_uncertain)
        self.assertIn("may have accepted the submit", cm.exception.message)
        self.assertIsNotNone(cm.exception.done.package_id if cm.exception.done else None)
        self.assertEqual(self.client.release_state(app).status, agcupload.ReleaseStatus.IN_REVIEW)
        other.close()
