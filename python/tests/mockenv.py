"""Shared helpers of python/tests: the standalone mock that scripts/with-mock.sh started.

Its address, CA and credentials come from the AGC_MOCK_* variables; `mock_get`/`mock_post`
drive its control endpoints over real HTTPS (urllib with the mock's CA); `fault()` sets a
fault for the length of a `with` block and always clears it.
"""
import contextlib
import json
import os
import ssl
import tempfile
import unittest
import urllib.request
from typing import Any, Iterator, List

import agcupload

BASE = os.environ.get("AGC_MOCK_BASE_URL", "")
CA = os.environ.get("AGC_MOCK_CA_FILE", "")
CID = os.environ.get("AGC_MOCK_CLIENT_ID", "")
SECRET = os.environ.get("AGC_MOCK_CLIENT_SECRET", "")

needs_mock = unittest.skipUnless(BASE and CA, "run through scripts/with-mock.sh")


def _open(req: urllib.request.Request) -> bytes:
    ctx = ssl.create_default_context(cafile=CA)
    with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
        data: bytes = r.read()
        return data


def mock_get(path: str) -> bytes:
    return _open(urllib.request.Request(BASE + path))


def mock_post(path: str, body: bytes = b"") -> bytes:
    return _open(urllib.request.Request(BASE + path, data=body, method="POST"))


def requests_log() -> List[Any]:
    """The mock's request records (method, path, query, ...), oldest first."""
    log: List[Any] = json.loads(mock_get("/mock/requests"))
    return log


def count(method: str, path_prefix: str) -> int:
    return sum(1 for r in requests_log() if r["method"] == method and r["path"].startswith(path_prefix))


def stored_objects() -> int:
    n: int = json.loads(mock_get("/mock/stats"))["objects"]
    return n


@contextlib.contextmanager
def fault(name: str) -> Iterator[None]:
    mock_post("/mock/fault", name.encode())
    try:
        yield
    finally:
        mock_post("/mock/fault", b"none")


def client(**kw: Any) -> agcupload.Client:
    """A client of the mock (its API base and CA), quick polls, two attempts per upload."""
    c = agcupload.Client(CID, SECRET, **kw)
    c.set_api_base(BASE)
    c.set_ca_file(CA)
    c.set_retry(2, 60000)
    c.set_poll_interval_ms(20, 100)
    return c


def signed(data: bytes) -> bytes:
    """A ZIP with a HAP signing block (head: count, size, "<hap sign block>", version 3) inserted
    before its central directory, whose offset in the end record is moved: what hap-sign-tool
    lays out, and what the library's inspection looks for."""
    import struct
    end = data.rindex(b"PK\x05\x06")
    cd = struct.unpack_from("<I", data, end + 16)[0]
    body = b"\x5a" * 64
    block = body + struct.pack("<IQ", 1, len(body) + 32) + b"<hap sign block>" + struct.pack("<I", 3)
    tail = bytearray(data[cd:])
    struct.pack_into("<I", tail, end - cd + 16, cd + len(block))
    return data[:cd] + block + bytes(tail)


class MockTestCase(unittest.TestCase):
    """A client of the mock in self.client and a temporary directory; `write(name, data)`."""

    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.dir = self._dir.name
        self.client = client()

    def tearDown(self) -> None:
        self.client.close()
        self._dir.cleanup()

    def write(self, name: "str | bytes", data: bytes) -> "str | bytes":
        path: "str | bytes" = (os.path.join(os.fsencode(self.dir), name) if isinstance(name, bytes)
                               else os.path.join(self.dir, name))
        with open(path, "wb") as f:
            f.write(data)
        return path

    def app(self, name: str = "road.app", size: int = 20000) -> str:
        """A signed .app (pack.info: com.example.agcmock, versionCode 1000012; padding of
        `size` bytes): publish and the road run the preflight, which reads it."""
        import io, json, zipfile
        info = {"summary": {"app": {"bundleName": "com.example.agcmock", "bundleType": "app",
                                    "version": {"code": 1000012, "name": "1.0.12"}},
                            "modules": [{"deviceType": ["phone"],
                                         "distro": {"moduleName": "entry", "moduleType": "entry"}}]}}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("entry-default.hap", os.urandom(size))
            z.writestr("pack.info", json.dumps(info))
        path = self.write(name, signed(buf.getvalue()))
        assert isinstance(path, str)
        return path
