"""The transfer options of `upload_file` / `publish_package` / `release_package`
(`transfer=`, `part_size=`, `sha256=`, `resume_file=`) and the result's transfer facts, against
the standalone mock (its multipart parts are at least 5 MiB)."""
import hashlib
import os
import warnings
from typing import Any, List

import agcupload
from mockenv import MockTestCase, fault, needs_mock, requests_log

MIB = 1024 * 1024


def part_puts(log: List[Any]) -> List[Any]:
    """Answered part PUTs (a part URL carries uploadId)."""
    return [r for r in log if r["method"] == "PUT" and r["path"].startswith("/obs/")
            and any(k == "uploadId" for k, _ in r["query"]) and r["status"] == 200]


@needs_mock
class ArgumentTest(MockTestCase):
    """Checked before anything reaches ctypes or the network (no mock needed)."""

    def test_values_are_range_checked_before_ctypes(self) -> None:
        path = self.app()
        for kw, exc in (({"part_size": -1}, ValueError), ({"part_size": 2 ** 64}, ValueError),
                        ({"part_size": 1.5}, TypeError), ({"transfer": True}, TypeError),
                        ({"transfer": 2 ** 32}, ValueError), ({"sha256": 123}, TypeError)):
            with self.assertRaises(exc, msg=str(kw)):
                self.client.upload_file("38001", path, **kw)  # type: ignore[arg-type]

    def test_the_library_refuses_what_it_does_not_accept(self) -> None:
        path = self.app()
        for kw in ({"part_size": 0}, {"transfer": 0}, {"transfer": 4}, {"sha256": "abc"},
                   {"sha256": "z" * 64}, {"resume_file": ""}):
            with self.assertRaises(agcupload.InvalidArgumentError, msg=str(kw)):
                self.client.upload_file("38002", path, **kw)  # type: ignore[arg-type]


@needs_mock
class TransferTest(MockTestCase):
    def test_a_small_file_goes_as_one_put_by_default(self) -> None:
        r = self.client.upload_file("38010", self.app(size=30000))
        self.assertEqual(r.transfer, agcupload.Transfer.SINGLE)
        self.assertEqual((r.parts, r.parts_sent, r.resumed_parts, r.notes), (1, 1, 0, ()))
        self.assertEqual(r.bytes_sent, r.size)

    def test_only_a_true_return_cancels_never_an_async_callbacks_coroutine(self) -> None:
        path = self.app("async.app", 300000)

        async def async_progress(phase: str, done: int, total: int) -> bool:
            return True

        for progress in (async_progress, lambda *_: 1, lambda *_: "yes", lambda *_: None):
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a coroutine left unawaited would warn
                r = self.client.upload_file("38013", path, progress=progress)  # type: ignore[arg-type]
            self.assertEqual(r.size, os.path.getsize(path))
        with self.assertRaises(agcupload.CancelledError):
            self.client.upload_file("38013", path, progress=lambda *_: True)

    def test_a_resume_path_holding_a_users_file_is_refused_and_left_alone(self) -> None:
        path = self.app("victim.app", 2 * MIB)
        notes = os.path.join(self.dir, "important.txt")
        with open(notes, "w", encoding="utf-8") as f:
            f.write("my notes")
        with open(path, "rb") as f:
            package = f.read()
        before = len(requests_log())
        for victim in (notes, path):
            for transfer in (agcupload.Transfer.MULTIPART, agcupload.Transfer.SINGLE):
                with self.assertRaises(agcupload.InvalidArgumentError) as e:
                    self.client.upload_file("38012", path, transfer=transfer, resume_file=victim)
                self.assertIn("resume file", str(e.exception))
        with open(notes, encoding="utf-8") as f:
            self.assertEqual(f.read(), "my notes")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), package)
        asked = [r for r in requests_log()[before:] if r["kind"] != "Control"]
        self.assertEqual(asked, [], "nothing was asked of AGC")

    def test_an_interrupted_multipart_upload_resumes_with_the_missing_parts_only(self) -> None:
        path = self.app("big.app", 11 * MIB)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        resume = os.path.join(self.dir, "upload.resume")

        def stop_in_part_two(phase: str, done: int, total: int) -> bool:
            return phase == agcupload.Phase.UPLOADING and done >= 7 * MIB

        before = len(requests_log())
        with self.assertRaises(agcupload.CancelledError):
            self.client.upload_file("38011", path, transfer=agcupload.Transfer.MULTIPART, part_size=5 * MIB,
                                    resume_file=resume, progress=stop_in_part_two)
        self.assertTrue(os.path.exists(resume), "the interrupted run keeps its state")
        with open(resume, encoding="utf-8") as f:
            state = f.read()
        self.assertIn("upload_id", state)
        for bad in ("https://", "Signature", "AWS4", "x-amz", "Authorization", "Bearer"):
            self.assertNotIn(bad, state)
        self.assertEqual(os.stat(resume).st_mode & 0o777, 0o600)
        self.assertEqual(len(part_puts(requests_log()[before:])), 1)

        before = len(requests_log())
        r = self.client.upload_file("38011", path, transfer=agcupload.Transfer.MULTIPART, part_size=5 * MIB,
                                    resume_file=resume)
        self.assertEqual(r.transfer, agcupload.Transfer.MULTIPART)
        self.assertEqual((r.parts, r.resumed_parts, r.parts_sent), (3, 1, 2))
        self.assertEqual(r.bytes_sent, os.path.getsize(path) - 5 * MIB)
        self.assertEqual(r.sha256, digest)
        self.assertEqual(r.notes, ())
        self.assertEqual(len(part_puts(requests_log()[before:])), 2, "only the missing parts were sent")
        self.assertFalse(os.path.exists(resume), "a finished upload removes its resume file")

    def test_a_part_size_below_agc_minimum_is_raised_with_a_note(self) -> None:
        r = self.client.upload_file("38012", self.app(size=6 * MIB), transfer=agcupload.Transfer.MULTIPART,
                                    part_size=MIB)
        self.assertEqual(r.parts, 2)
        self.assertTrue(any("raised to AGC's minimum" in n for n in r.notes), r.notes)

    def test_a_known_digest_skips_hashing_and_a_wrong_one_stores_nothing(self) -> None:
        path = self.app(size=200000)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        phases = set()

        def seen(phase: str, done: int, total: int) -> bool:
            phases.add(phase)
            return False

        r, pkg = self.client.publish_package("38013", path, timeout_ms=60000, sha256=digest.upper(), progress=seen)
        self.assertEqual(r.sha256, digest)
        self.assertTrue(pkg)
        self.assertNotIn(agcupload.Phase.HASHING, phases)
        self.assertIn(agcupload.Phase.UPLOADING, phases)
        wrong = "0" * 64
        with self.assertRaises(agcupload.FileError) as cm:
            self.client.upload_file("38013", path, sha256=wrong)
        self.assertEqual(cm.exception.status, agcupload.Status.FILE_CHANGED)
        self.assertIn(wrong, str(cm.exception))
        self.assertIn(digest, str(cm.exception))

    def test_the_release_road_takes_the_transfer_options(self) -> None:
        path = self.app(size=6 * MIB)
        before = len(requests_log())
        ids = self.client.release_package("38014", path, notes={"en-US": "Parts."}, timeout=60,
                                          transfer=agcupload.Transfer.MULTIPART)
        self.assertTrue(ids.package_id)
        self.assertEqual(len(part_puts(requests_log()[before:])), 2)


@needs_mock
class BlockedWriteTest(MockTestCase):
    def test_a_cancel_while_the_upload_host_never_reads_the_body_ends_the_call(self) -> None:
        """The upload host takes the PUT's head and never reads the body, so the library's
        writes block once the socket buffers are full: the callback is still asked while a
        write waits, and its cancel ends the call well before the 60 s inactivity timeout."""
        import time
        path = self.app("blocked.app", 16 * MIB)
        first: List[float] = []
        stopped: List[float] = []

        def cancel_after_a_second(phase: str, done: int, total: int) -> bool:
            if stopped:
                return True
            if phase != agcupload.Phase.UPLOADING:
                return False
            if not first:
                first.append(time.monotonic())
            if time.monotonic() - first[0] >= 1.0:
                stopped.append(time.monotonic())
                return True
            return False

        with fault("put_never_read"):
            with self.assertRaises(agcupload.CancelledError):
                self.client.upload_file("38030", path, progress=cancel_after_a_second)
            ended = time.monotonic()
        self.assertTrue(stopped, "the callback did not cancel")
        # From the upload's first report (the cancel comes a second later). A bound, not a speed
        # check: well under the 60 s inactivity timeout a blocked write would otherwise wait.
        self.assertLess(ended - first[0], 15, "the cancel waited for the blocked write")
