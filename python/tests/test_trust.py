"""Checked through the installed package: re-entry from a progress callback, paths that are
not UTF-8, a FIFO, and the client secret kept out of every error even when the server echoes
the request back (the mock's reflect_request fault)."""
import os
import unittest

import agcupload
from mockenv import BASE, CA, CID, SECRET, MockTestCase, count, fault, needs_mock


@needs_mock
class ReentryTest(MockTestCase):
    def test_setter_and_nested_upload_from_the_callback_raise_and_the_upload_completes(self):
        path = self.app("outer.app", 300000)
        inner = self.app("inner.app", 1000)
        caught = []

        def progress(phase, done, total):
            if phase == agcupload.Phase.UPLOADING and not caught:
                for call in (lambda: self.client.set_retry(5, 1000),
                             lambda: self.client.upload_file("20002", inner),
                             lambda: self.client.set_proxy("none"),
                             self.client.close):
                    try:
                        call()
                    except agcupload.ReentrantError as e:
                        caught.append(e)
            return False

        uploads_before = count("PUT", "/obs/")
        r = self.client.upload_file("20002", path, progress=progress)
        self.assertTrue(r.object_id)
        self.assertEqual(r.file_name, "outer.app")
        self.assertEqual(len(caught), 4, caught)
        for e in caught:
            self.assertEqual(e.status, agcupload.Status.REENTRANT)
            self.assertEqual(e.name, "AGC_ERR_REENTRANT")
            self.assertTrue(e.message)
        self.assertEqual(count("PUT", "/obs/") - uploads_before, 1, "the nested upload was sent")
        self.assertFalse(self.client.closed, "close() inside the callback closed the client")
        # The refused setter did nothing and the client works as before.
        self.assertTrue(self.client.upload_file("20002", inner).object_id)

    def test_an_unhandled_reentrant_error_cancels_and_propagates(self):
        path = self.app("re.app", 100000)

        def progress(phase, done, total):
            self.client.set_user_agent("x")
            return False

        with self.assertRaises(agcupload.ReentrantError):
            self.client.upload_file("20002", path, progress=progress)
        self.assertTrue(self.client.upload_file("20002", path).object_id)


@needs_mock
class PathTest(MockTestCase):
    def test_non_utf8_bytes_path_uploads_with_file_name_and_is_a_clear_error_without(self):
        data = b"PK\x03\x04" + os.urandom(5000)
        path = self.write(b"bad\xff.app", data)
        self.assertIsInstance(path, bytes)
        r = self.client.upload_file("20002", path, file_name="good.app")
        self.assertEqual((r.file_name, r.size), ("good.app", len(data)))
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file("20002", path)
        e = cm.exception
        self.assertIsInstance(e, agcupload.InvalidArgumentError)
        self.assertIn("file_name", e.message)
        # str paths with surrogate escapes (how Python decodes such names) reach the same bytes.
        r2 = self.client.upload_file("20002", os.fsdecode(path), file_name="good2.app")
        self.assertEqual(r2.size, len(data))

    @unittest.skipUnless(hasattr(os, "mkfifo"), "no FIFOs here")
    def test_fifo_is_a_file_error(self):
        fifo = os.path.join(self.dir, "pipe.app")
        os.mkfifo(fifo)
        # Nobody ever writes to the FIFO: the library must refuse it, not block opening it.
        with self.assertRaises(agcupload.FileError) as cm:
            self.client.upload_file("20002", fifo)
        self.assertEqual(cm.exception.status, agcupload.Status.FILE)
        self.assertTrue(cm.exception.message)


@needs_mock
class SecretTest(MockTestCase):
    def test_reflected_requests_never_put_the_secret_in_an_error(self):
        path = self.app("reflect.app", 2000)
        for where in ("all", "token", "upload_url", "put"):
            with self.subTest(where=where), fault("reflect_request:" + where):
                with agcupload.Client(CID, SECRET) as fresh:  # no cached token: the token request is sent
                    fresh.set_api_base(BASE)
                    fresh.set_ca_file(CA)
                    fresh.set_retry(1, 30000)
                    with self.assertRaises(agcupload.AgcError) as cm:
                        fresh.upload_file("20002", path)
                e = cm.exception
                for text in (str(e), e.message, repr(e), repr(e.args)):
                    self.assertNotIn(SECRET, text)
                self.assertTrue(e.message)
                self.assertIn("[redacted]", e.message, "the request was not echoed back")
