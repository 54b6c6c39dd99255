"""Checked through the installed package: proxies (a real tinyproxy when installed) and the
choice of trusted roots (the system store read from SSL_CERT_FILE, in a subprocess)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

import agcupload
from mockenv import BASE, CA, CID, SECRET, MockTestCase, needs_mock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Tinyproxy:
    """A tinyproxy on a free port for one test, logging to a temp file (as crates/agcupload-ffi/tests/network.rs)."""

    def __init__(self, extra: str = "") -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.port = free_port()
        self.log = os.path.join(self.dir.name, "tinyproxy.log")
        conf = os.path.join(self.dir.name, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write("Port %d\nListen 127.0.0.1\nTimeout 60\nLogLevel Info\nLogFile \"%s\"\nMaxClients 50\n"
                    "Allow 127.0.0.1\n%s\n" % (self.port, self.log, extra))
        self.proc = subprocess.Popen(["tinyproxy", "-d", "-c", conf], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(1500):  # until it listens (bounded: 30 s)
            if self.proc.poll() is not None:
                raise RuntimeError("tinyproxy exited at start: " + self.log_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.02)
        self.close()
        raise RuntimeError("tinyproxy did not listen on %d" % self.port)

    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def log_text(self) -> str:
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def connects(self) -> list:
        return [line for line in self.log_text().splitlines() if "): CONNECT " in line]

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.dir.cleanup()


@needs_mock
class ProxyTest(MockTestCase):
    def test_invalid_proxies_are_invalid_arguments(self):
        for bad in ("socks5://127.0.0.1:1080", "not a url", "http://", "ftp://h:1", ""):
            with self.subTest(proxy=bad), self.assertRaises(agcupload.InvalidArgumentError) as cm:
                self.client.set_proxy(bad)
            self.assertTrue(cm.exception.message)
        with self.assertRaises(agcupload.InvalidArgumentError):
            agcupload.Client(CID, SECRET, proxy="socks5://127.0.0.1:1080")
        with self.assertRaises(TypeError):
            self.client.set_proxy(8080)

    def test_none_and_env_connect_directly_here(self):
        in_env = any(os.environ.get(v) for v in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"))
        for how in ("none",) if in_env else ("none", "env"):
            self.client.set_proxy(how)
            self.assertTrue(self.client.upload_file("20002", self.app("direct.app", 1000)).object_id)

    def test_unreachable_proxy_is_a_network_error_naming_it_without_its_password(self):
        port = free_port()  # nothing listens there
        with agcupload.Client(CID, SECRET, proxy="http://agcuser:pw-s3cret-9@127.0.0.1:%d" % port) as c:
            c.set_api_base(BASE)
            c.set_ca_file(CA)
            c.set_retry(1, 20000)
            with self.assertRaises(agcupload.NetworkError) as cm:
                c.upload_file("20002", self.app("p.app", 1000))
        e = cm.exception
        self.assertEqual(e.status, agcupload.Status.NETWORK, e.message)
        self.assertIn("127.0.0.1:%d" % port, e.message)
        for text in (str(e), repr(e)):
            self.assertNotIn("pw-s3cret-9", text)
            self.assertNotIn(SECRET, text)

    @unittest.skipUnless(shutil.which("tinyproxy"), "tinyproxy is not installed (.ci/run installs it)")
    def test_upload_through_a_real_connect_proxy(self):
        proxy = Tinyproxy()
        try:
            self.client.set_proxy(proxy.url())
            r = self.client.upload_file("20002", self.app("via-proxy.app", 200000))
            self.assertTrue(r.object_id)
            host_port = BASE.split("://", 1)[1].rstrip("/")
            self.assertTrue(any(host_port in line for line in proxy.connects()), proxy.log_text())
            seen = len(proxy.connects())
            self.client.set_proxy("none")
            self.client.upload_file("20002", self.app("direct2.app", 1000))
            self.assertEqual(len(proxy.connects()), seen, "set_proxy('none') still used the proxy")
        finally:
            proxy.close()


class TrustTest(unittest.TestCase):
    def test_trust_enum_mirrors_agc_trust_and_bad_values_are_refused(self):
        self.assertEqual([int(t) for t in agcupload.Trust], [1, 2, 3])
        with agcupload.Client("id", "secret") as c:
            c.set_trust(agcupload.Trust.MOZILLA)
            for bad in (0, 4, 99):
                with self.assertRaises(agcupload.InvalidArgumentError):
                    c.set_trust(bad)
            with self.assertRaises(TypeError):
                c.set_trust("system")

    @needs_mock
    def test_system_trust_reads_ssl_cert_file_when_set(self):
        # Without set_ca_file the mock's certificate is trusted only through the system store,
        # here SSL_CERT_FILE = the mock's CA; in a subprocess, as the store is read at set time.
        code = textwrap.dedent("""
            import os, sys, agcupload
            path = os.path.join(sys.argv[1], "t.app")
            with open(path, "wb") as f:
                f.write(b"PK\\x03\\x04" + b"t" * 1000)
            def attempt(trust):
                with agcupload.Client(os.environ["AGC_MOCK_CLIENT_ID"], os.environ["AGC_MOCK_CLIENT_SECRET"],
                                      trust=trust) as c:
                    c.set_api_base(os.environ["AGC_MOCK_BASE_URL"])
                    c.set_retry(1, 20000)
                    try:
                        c.upload_file("20002", path)
                        return "ok"
                    except agcupload.AgcError as e:
                        return e.name
            print(attempt(None), attempt(agcupload.Trust.MOZILLA), attempt(agcupload.Trust.SYSTEM),
                  attempt(agcupload.Trust.BOTH))
        """)
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, SSL_CERT_FILE=CA)
            env.pop("SSL_CERT_DIR", None)
            run = subprocess.run([sys.executable, "-c", code, d], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.split(), ["AGC_ERR_TLS", "AGC_ERR_TLS", "ok", "ok"])

    def test_system_trust_with_an_empty_store_is_a_tls_error(self):
        with tempfile.TemporaryDirectory() as d:
            empty = os.path.join(d, "empty.pem")
            open(empty, "w").close()
            code = "import agcupload\nc = agcupload.Client('i', 's')\ntry:\n    c.set_trust(agcupload.Trust.SYSTEM)\n" \
                   "except agcupload.NetworkError as e:\n    print(e.name)\n"
            env = dict(os.environ, SSL_CERT_FILE=empty, SSL_CERT_DIR=d)
            run = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.split(), ["AGC_ERR_TLS"])
