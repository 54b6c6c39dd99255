"""The installed agcupload package (ctypes over libagcupload), against the standalone mock.

`make test-python` (scripts/test-python.sh) installs the package into a fresh venv with pip and
runs this file with that venv's Python, from a directory outside the source tree, through
scripts/with-mock.sh (it exports AGC_MOCK_*). No sys.path edits, no LD_LIBRARY_PATH: the
package must load the library it carries. Uses only the standard library.
"""
import hashlib
import json
import os
import pathlib
import pickle
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.request

import agcupload
from agcupload import errors

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

    def test_paths_as_str_bytes_and_pathlike(self):
        data = b"PK\x03\x04" + b"p" * 2000
        path = self.write("caf\u00e9 \u5305.app", data)
        for given in (path, os.fsencode(path), pathlib.Path(path)):
            r = self.client.upload_file("20002", given)
            self.assertEqual(r.size, len(data))
            self.assertEqual(r.file_name, "caf\u00e9 \u5305.app")
        key = bytes(32)
        agcupload.seal_file(key, pathlib.Path(path), os.fsencode(path + ".sealed"))
        agcupload.open_file(bytearray(key), path + ".sealed", pathlib.Path(path + ".back"))
        with open(path + ".back", "rb") as f:
            self.assertEqual(f.read(), data)
        with self.assertRaises(TypeError):
            self.client.upload_file(20002, path)

    def test_exception_families(self):
        cases = [
            (lambda: self.client.upload_file("20002", os.path.join(self.dir.name, "none.app")),
             agcupload.FileError, agcupload.Status.FILE),
            (lambda: self.client.upload_file("20002", self.write("t.txt", b"PK\x03\x04")),
             agcupload.FileError, agcupload.Status.FILE_TYPE),
            (lambda: self.client.upload_file("20002", self.write("k.app", b"PK\x03\x04"), kind=9),
             agcupload.InvalidArgumentError, agcupload.Status.INVALID_ARGUMENT),
            (lambda: self.client.upload_file("20002", self.write("c2.app", b"PK\x03\x04" + b"\0" * 1000),
                                             progress=lambda p, d, t: True),
             agcupload.CancelledError, agcupload.Status.CANCELLED),
            (lambda: self.client.upload_file("20002", self.write("s.png", b"\x89PNG\r\n\x1a\n1234"),
                                             agcupload.PROFILE_PICTURE),
             agcupload.SealError, agcupload.Status.SEAL_KEY),
            (lambda: agcupload.Client(service_account='{"key_id": "x"}'),
             agcupload.AuthError, agcupload.Status.AUTH),
        ]
        for call, cls, status in cases:
            with self.assertRaises(cls) as cm:
                call()
            e = cm.exception
            self.assertIsInstance(e, agcupload.AgcError)
            self.assertEqual(e.status, status)
            self.assertEqual(e.name, "AGC_ERR_" + status.name)
            self.assertTrue(e.message)
            again = pickle.loads(pickle.dumps(e))
            self.assertIs(type(again), cls)
            self.assertEqual((again.status, again.message), (e.status, e.message))

    def test_unreachable_server_is_a_network_error(self):
        with agcupload.Client(CID, SECRET) as c:
            c.set_api_base("https://127.0.0.1:1")
            c.set_retry(1, 10000)
            with self.assertRaises(agcupload.NetworkError) as cm:
                c.upload_file("20002", self.write("n.app", b"PK\x03\x04"))
        self.assertIn(cm.exception.name, ("AGC_ERR_NETWORK", "AGC_ERR_TIMEOUT"))

    def test_every_status_the_library_names_has_its_python_family(self):
        lib = agcupload._native.lib
        named = 0
        for n in range(256):
            name = lib.agc_status_str(n).decode()
            if name == "AGC_ERR_UNKNOWN":
                continue
            named += 1
            self.assertEqual(name, "AGC_OK" if n == 0 else "AGC_ERR_" + agcupload.Status(n).name)
            if n:
                e = errors.error_for(n, "m")
                self.assertIsInstance(e, agcupload.AgcError)
                self.assertIsNot(type(e), agcupload.AgcError, name)
        self.assertGreaterEqual(named, 19)
        self.assertIs(type(errors.error_for(200, "m")), agcupload.AgcError)
        self.assertIs(type(errors.error_for(agcupload.Status.REENTRANT, "m")), agcupload.ReentrantError)

    def test_closed_client_refuses_calls(self):
        c = agcupload.Client(CID, SECRET)
        self.assertFalse(c.closed)
        c.close()
        c.close()
        self.assertTrue(c.closed)
        self.assertNotIn(SECRET, repr(c))
        with self.assertRaises(ValueError):
            c.set_api_base(BASE)

    def test_publish_bind_wait_and_options(self):
        self.client.set_poll_interval_ms(20, 100)
        path = self.write("pub.app", b"PK\x03\x04" + os.urandom(50000))
        # Not a package: the preflight (on by default) refuses it before any request.
        with self.assertRaises(agcupload.FileError) as cm:
            self.client.publish_package("20002", path, timeout_ms=60000)
        self.assertEqual(cm.exception.name, "AGC_ERR_FILE_TYPE")
        with self.assertRaises(TypeError):
            self.client.publish_package("20002", path, preflight="no")
        phases = set()
        r, pkg = self.client.publish_package("20002", path, timeout_ms=60000, file_name="Published-2.app",
                                             release_type=6, chinese_mainland=False, preflight=False,
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


class InstalledPackageTest(unittest.TestCase):
    """The package is the pip-installed one and loads the library it carries."""

    def test_loaded_from_the_installed_package_with_its_bundled_library(self):
        pkg_dir = os.path.dirname(os.path.abspath(agcupload.__file__))
        if os.environ.get("AGCUPLOAD_EXPECT_INSTALLED") == "1":
            self.assertIn("site-packages", pkg_dir)
            self.assertNotIn("LD_LIBRARY_PATH", os.environ)
            self.assertNotIn("AGCUPLOAD_LIBRARY", os.environ)
        self.assertEqual(os.path.dirname(agcupload.library_path), pkg_dir)
        self.assertIn(os.path.basename(agcupload.library_path), agcupload._native.library_file_names())
        self.assertTrue(os.path.isfile(os.path.join(pkg_dir, "py.typed")))
        self.assertEqual(agcupload.version(), agcupload.__version__)

    def test_library_names_per_platform(self):
        names = agcupload._native.library_file_names
        self.assertEqual(names("linux"), ["libagcupload.so"])
        self.assertEqual(names("darwin"), ["libagcupload.dylib"])
        self.assertEqual(names("win32"), ["agcupload.dll"])

    def _python(self, env_extra):
        env = dict(os.environ, **env_extra)
        code = "import agcupload; print(agcupload.library_path); print(agcupload.version())"
        return subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=120)

    def test_agcupload_library_overrides_the_bundled_one(self):
        with tempfile.TemporaryDirectory() as d:
            copy = os.path.join(d, "libagcupload-system" + os.path.splitext(agcupload.library_path)[1])
            shutil.copy(agcupload.library_path, copy)
            run = self._python({"AGCUPLOAD_LIBRARY": copy})
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stdout.split(), [copy, agcupload.version()])
            missing = os.path.join(d, "nowhere", "libagcupload.so")
            run = self._python({"AGCUPLOAD_LIBRARY": missing})
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("ImportError", run.stderr)
            self.assertIn("AGCUPLOAD_LIBRARY", run.stderr)
            self.assertIn(missing, run.stderr)


if __name__ == "__main__":
    print("agcupload", agcupload.__version__, "from", os.path.dirname(agcupload.__file__),
          "library", agcupload.library_path)
    unittest.main(verbosity=2)
