"""agcupload.inspect_package: offline inspection of .app files written here with zipfile (then
signed the way hap-sign-tool lays it out: a signing block right before the central directory).
Needs no server. Run by `make test-python` against the installed package."""
import json
import os
import pathlib
import tempfile
import unittest
import warnings
import zipfile

import agcupload
from agcupload import errors
from mockenv import signed

APP_INFO = {
    "summary": {
        "app": {"bundleName": "com.example.pyapp", "bundleType": "app",
                "version": {"code": 1000012, "name": "1.0.12", "minCompatibleVersionCode": 1000000}},
        "modules": [
            {"deviceType": ["phone", "tablet", "2in1"], "abilities": [{"name": "EntryAbility"}],
             "distro": {"moduleType": "entry", "installationFree": False, "moduleName": "entry"}},
            {"deviceType": ["tablet"], "distro": {"moduleType": "feature", "moduleName": "pad"}},
        ],
    },
    "packages": [{"name": "entry-default", "moduleType": "entry", "deviceType": ["phone"]}],
}

SERVICE_INFO = {
    "summary": {
        "app": {"bundleName": "com.example.pyservice", "bundleType": "atomicService",
                "version": {"code": 3, "name": "0.0.3"}},
        "modules": [{"deviceType": ["phone"],
                     "distro": {"moduleType": "entry", "installationFree": True, "moduleName": "entry"}}],
    },
}


def sign(path):
    """Sign the .app at `path` in place (mockenv.signed)."""
    pathlib.Path(path).write_bytes(signed(pathlib.Path(path).read_bytes()))


def write_app(path, info, compression=zipfile.ZIP_STORED, signed=True, extra=()):
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("entry-default.hap", b"\x07" * 3000)
        for name, data in extra:
            z.writestr(name, data)
        if info is not None:
            z.writestr("pack.info", json.dumps(info, indent="\t"))
    if signed:
        sign(path)
    return path


class InspectTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def assertFileType(self, path, needle):
        with self.assertRaises(errors.FileError) as cm:
            agcupload.inspect_package(path)
        self.assertEqual(cm.exception.status, errors.Status.FILE_TYPE)
        self.assertIn(needle, cm.exception.message)

    def test_app(self):
        p = write_app(self.dir / "app.app", APP_INFO)
        info = agcupload.inspect_package(p)
        self.assertIsInstance(info, agcupload.PackageInfo)
        self.assertEqual(info.bundle_name, "com.example.pyapp")
        self.assertEqual(info.bundle_type, "app")
        self.assertIs(info.kind, agcupload.HARMONY_APP)
        self.assertEqual((info.version_code, info.version_name), (1000012, "1.0.12"))
        self.assertEqual(info.min_compatible_version_code, 1000000)
        self.assertEqual(info.size, os.path.getsize(p))
        self.assertEqual(info.modules, [
            agcupload.ModuleInfo("entry", "entry", ["phone", "tablet", "2in1"]),
            agcupload.ModuleInfo("pad", "feature", ["tablet"]),
        ])
        info.check_kind(agcupload.HARMONY_APP)
        with self.assertRaises(errors.FileError) as cm:
            info.check_kind(agcupload.ATOMIC_SERVICE)
        self.assertEqual(cm.exception.status, errors.Status.FILE_TYPE)
        self.assertIn("declared as an atomic service", cm.exception.message)

    def test_deflated_atomic_service_and_path_types(self):
        p = write_app(self.dir / "svc.app", SERVICE_INFO, zipfile.ZIP_DEFLATED)
        for arg in (p, str(p), os.fsencode(p)):
            info = agcupload.inspect_package(arg)
            self.assertEqual(info.bundle_type, "atomicService")
            self.assertIs(info.kind, agcupload.ATOMIC_SERVICE)
            self.assertIsNone(info.min_compatible_version_code)
        info.check_kind(agcupload.ATOMIC_SERVICE)
        with self.assertRaises(errors.FileError):
            info.check_kind(agcupload.HARMONY_APP)

    def test_refusals(self):
        self.assertFileType(write_app(self.dir / "unsigned.app", APP_INFO, signed=False), "not signed")
        self.assertFileType(write_app(self.dir / "none.app", None), "no pack.info")
        broken = dict(APP_INFO, summary={"app": {"bundleName": "a.b"}})
        self.assertFileType(write_app(self.dir / "broken.app", broken), "summary.app.version")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
            dup = write_app(self.dir / "dup.app", APP_INFO, extra=[("pack.info", b"{}")])
        self.assertFileType(dup, "duplicate names")
        alias = write_app(self.dir / "alias.app", APP_INFO, extra=[("./PACK.INFO", b"{}")])
        self.assertFileType(alias, "which readers may take for pack.info")
        twice = self.dir / "twice.app"
        doc = json.dumps(APP_INFO).replace('"bundleName": ', '"bundleName": "com.victim.app", "bundleName": ', 1)
        write_app(twice, None, extra=[("pack.info", doc.encode())])
        self.assertFileType(twice, 'the key "bundleName" appears twice')
        text = self.dir / "text.app"
        text.write_bytes(b"not a zip\n" * 100)
        self.assertFileType(text, "not a ZIP archive")

    def test_file_errors(self):
        with self.assertRaises(errors.FileError) as cm:
            agcupload.inspect_package(self.dir / "missing.app")
        self.assertEqual(cm.exception.status, errors.Status.FILE)

    @unittest.skipUnless(hasattr(os, "mkfifo"), "no FIFOs here")
    def test_fifo_is_refused_without_blocking(self):
        fifo = self.dir / "pipe.app"
        os.mkfifo(fifo)
        with self.assertRaises(errors.FileError) as cm:
            agcupload.inspect_package(fifo)
        self.assertEqual(cm.exception.status, errors.Status.FILE)
        self.assertIn("FIFO", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
