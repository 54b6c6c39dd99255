"""The bind's optional `releaseType` / `releasePhase` query parameters.

Neither is sent by default; `bind_release_type=` / `bind_release_phase=` of `publish_package`
and `release_package` send them (as harmony-publish sends `releaseType=1&releasePhase=0`), and a
value AGC does not define is refused before any request."""
from typing import Any, List, Tuple

import agcupload
from mockenv import MockTestCase, needs_mock, requests_log

BIND = "/api/publish/v3/app-package-info"


def bind_queries(app_id: str) -> List[List[Tuple[str, str]]]:
    out = []
    for r in requests_log():
        q: Any = r["query"]
        pairs = [(k, v) for k, v in q]
        if r["path"] == BIND and ("appId", app_id) in pairs:
            out.append(pairs)
    return out


@needs_mock
class BindQueryTest(MockTestCase):
    def test_nothing_but_the_app_id_by_default(self) -> None:
        self.client.publish_package("37001", self.app(), timeout_ms=60000)
        self.assertEqual(bind_queries("37001"), [[("appId", "37001")]])

    def test_the_query_is_sent_when_asked(self) -> None:
        self.client.publish_package("37002", self.app(), timeout_ms=60000, bind_release_type=1, bind_release_phase=3)
        (q,) = bind_queries("37002")
        self.assertIn(("releaseType", "1"), q)
        self.assertIn(("releasePhase", "3"), q)
        self.client.release_package("37003", self.app(), notes={"en-US": "Dark mode."}, timeout=60,
                                    bind_release_phase=0)
        (q,) = bind_queries("37003")
        self.assertIn(("releasePhase", "0"), q)
        self.assertNotIn("releaseType", [k for k, _ in q])

    def test_values_agc_does_not_define_are_refused_before_any_request(self) -> None:
        before = len(requests_log())
        for kw in ({"bind_release_phase": 2}, {"bind_release_type": 7}, {"bind_release_phase": -1}):
            with self.assertRaises((agcupload.InvalidArgumentError, ValueError)):
                self.client.publish_package("37004", self.app(), timeout_ms=60000, **kw)  # type: ignore[arg-type]
        after = [r for r in requests_log()[before:] if not r["path"].startswith("/mock/")]
        self.assertEqual(after, [])
