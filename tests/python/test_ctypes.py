"""libagcupload through Python ctypes, against the standalone mock server.

Run through scripts/with-mock.sh (it exports AGC_MOCK_*). Uses only the standard library.
"""
import hashlib
import json
import os
import ssl
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
import agcupload  # noqa: E402

BASE = os.environ.get("AGC_MOCK_BASE_URL")
CA = os.environ.get("AGC_MOCK_CA_FILE")
CID = os.environ.get("AGC_MOCK_CLIENT_ID")
SECRET = os.environ.get("AGC_MOCK_CLIENT_SECRET")


def mock_get(path):
    ctx = ssl.create_default_context(cafile=CA)
    with urllib.request.urlopen(BASE + path, context=ctx, timeout=30) as r:
        return r.read()


@unittest.skipUnless(BASE and CA, "run through scripts/with-mock.sh")
class UploadTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.client = agcupload.Client(CID, SECRET)
        self.client.set_api_base(BASE)
        self.client.set_ca_file(CA)
        self.client.set_retry(2, 60000)

    def tearDown(self):
        self.client.close()
        self.dir.cleanup()

    def write(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_upload_with_progress_and_stored_bytes(self):
        data = b"PK\x03\x04" + os.urandom(3 * 1024 * 1024)
        path = self.write("py.app", data)
        seen = []
        r = self.client.upload_file("20002", path, agcupload.HARMONY_APP,
                                    progress=lambda p, d, t: seen.append((p, d, t)) and False)
        self.assertEqual(r.size, len(data))
        self.assertEqual(r.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(r.file_name, "py.app")
        self.assertTrue(r.object_id)
        uploading = [d for p, d, t in seen if p == "uploading"]
        self.assertEqual(uploading[-1], len(data))
        self.assertEqual(uploading, sorted(uploading))
        self.assertEqual(seen[-1][0], "done")
        stored = mock_get("/mock/objects/" + urllib.request.quote(r.object_id, safe=""))
        self.assertEqual(hashlib.sha256(stored).hexdigest(), r.sha256)

    def test_cancel_from_python(self):
        path = self.write("c.app", b"PK\x03\x04" + b"\0" * 500000)
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file("20002", path, progress=lambda p, d, t: p == "uploading")
        self.assertEqual(cm.exception.name, "AGC_ERR_CANCELLED")

    def test_exception_in_callback_propagates(self):
        path = self.write("e.app", b"PK\x03\x04" + b"\0" * 1000)

        def boom(p, d, t):
            raise KeyError("from callback")
        with self.assertRaises(KeyError):
            self.client.upload_file("20002", path, progress=boom)

    def test_validation_errors(self):
        cases = [
            (os.path.join(self.dir.name, "missing.app"), agcupload.HARMONY_APP, "AGC_ERR_FILE"),
            (self.write("x.txt", b"PK\x03\x04"), agcupload.HARMONY_APP, "AGC_ERR_FILE_TYPE"),
            (self.write("notzip.app", b"hello world"), agcupload.HARMONY_APP, "AGC_ERR_FILE_TYPE"),
            (self.write("empty.app", b""), agcupload.HARMONY_APP, "AGC_ERR_FILE"),
            (self.write("big.app", b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)), agcupload.ATOMIC_SERVICE,
             "AGC_ERR_FILE_TOO_LARGE"),
        ]
        for path, kind, want in cases:
            with self.assertRaises(agcupload.AgcError) as cm:
                self.client.upload_file("20002", path, kind)
            self.assertEqual(cm.exception.name, want, cm.exception.message)
            self.assertTrue(cm.exception.message)

    def test_invalid_arguments(self):
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file(b"\xff", self.write("a.app", b"PK\x03\x04"))
        self.assertEqual(cm.exception.name, "AGC_ERR_INVALID_ARGUMENT")
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file("1", self.write("b.app", b"PK\x03\x04"), kind=42)
        self.assertEqual(cm.exception.name, "AGC_ERR_INVALID_ARGUMENT")

    def test_wrong_secret_is_auth_error_without_the_secret(self):
        with agcupload.Client(CID, "py-wrong-secret-xyz") as bad:
            bad.set_api_base(BASE)
            bad.set_ca_file(CA)
            with self.assertRaises(agcupload.AgcError) as cm:
                bad.upload_file("20002", self.write("w.app", b"PK\x03\x04"))
        self.assertEqual(cm.exception.name, "AGC_ERR_AUTH")
        self.assertNotIn("py-wrong-secret-xyz", str(cm.exception))

    def test_profile_picture_is_uploaded_sealed_and_opens(self):
        png = b"\x89PNG\r\n\x1a\n" + os.urandom(100000)
        path = self.write("me.png", png)
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file("20002", path, agcupload.PROFILE_PICTURE)
        self.assertEqual(cm.exception.name, "AGC_ERR_SEAL_KEY")
        key = bytes(range(32))
        self.client.set_seal_key(key)
        r = self.client.upload_file("20002", path, agcupload.PROFILE_PICTURE)
        stored = mock_get("/mock/objects/" + urllib.request.quote(r.object_id, safe=""))
        self.assertNotIn(png[:64], stored)
        sealed = self.write("stored.sealed", stored)
        out = os.path.join(self.dir.name, "opened.png")
        agcupload.open_file(key, sealed, out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), png)
        with self.assertRaises(agcupload.AgcError) as cm:
            agcupload.open_file(bytes(32), sealed, out + ".x")
        self.assertEqual(cm.exception.name, "AGC_ERR_SEAL_CORRUPT")
        self.assertFalse(os.path.exists(out + ".x"))

    def test_seal_file_round_trip_and_bad_key_length(self):
        src = self.write("plain.bin", os.urandom(70000))
        key = os.urandom(32)
        agcupload.seal_file(key, src, src + ".sealed")
        agcupload.open_file(key, src + ".sealed", src + ".back")
        with open(src, "rb") as a, open(src + ".back", "rb") as b:
            self.assertEqual(a.read(), b.read())
        with self.assertRaises(agcupload.AgcError) as cm:
            agcupload.seal_file(key[:31], src, src + ".x")
        self.assertEqual(cm.exception.name, "AGC_ERR_SEAL_KEY")

    def test_publish_bind_wait_and_options(self):
        self.client.set_poll_interval_ms(20, 100)
        path = self.write("pub.app", b"PK\x03\x04" + os.urandom(50000))
        phases = set()
        r, pkg = self.client.publish_package("20002", path, timeout_ms=60000, file_name="Published-2.app",
                                             release_type=6, chinese_mainland=False,
                                             progress=lambda p, d, t: phases.add(p) and False)
        self.assertEqual(r.file_name, "Published-2.app")
        self.assertTrue(pkg)
        self.assertTrue({"hashing", "uploading", "binding", "waiting"} <= phases, phases)
        r2 = self.client.upload_file("20002", path)
        pkg2 = self.client.bind_package("20002", r2)
        self.client.wait_package_ready("20002", pkg2, 60000)
        with self.assertRaises(agcupload.AgcError) as cm:
            self.client.upload_file("20002", path, release_type=3)
        self.assertEqual(cm.exception.name, "AGC_ERR_INVALID_ARGUMENT")

    def test_service_account(self):
        key = os.environ.get("AGC_TEST_SA_KEY")
        self.assertTrue(key, "AGC_TEST_SA_KEY not set")
        with agcupload.Client(service_account=key) as sa:
            sa.set_api_base(BASE)
            sa.set_ca_file(CA)
            r = sa.upload_file("20002", self.write("sa.app", b"PK\x03\x04" + b"s" * 1000))
            self.assertTrue(r.object_id)
        with self.assertRaises(agcupload.AgcError) as cm:
            agcupload.Client(service_account='{"key_id": "x"}')
        self.assertEqual(cm.exception.name, "AGC_ERR_AUTH")

    def test_request_log_shows_no_bearer_on_upload_host(self):
        path = self.write("log.app", b"PK\x03\x04" + b"1" * 1000)
        self.client.upload_file("20002", path)
        log = json.loads(mock_get("/mock/requests"))
        puts = [r for r in log if r["method"] == "PUT" and r["path"].startswith("/obs/")]
        self.assertTrue(puts)
        for r in puts:
            self.assertFalse(r["bearer"])
            self.assertFalse(r["chunked"])
            self.assertIsNotNone(r["content_length"])


if __name__ == "__main__":
    print("libagcupload", agcupload.version())
    unittest.main(verbosity=2)
