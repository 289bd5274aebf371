"""The demo's alert receiver, and the demo's alerts line (the demo run itself is
test_demo_run.py's: one run checks versions and alerts together)."""

from __future__ import annotations

import httpx

from newsdiffs.demo.alert_receiver import KEY_HEADER, AlertReceiver
from newsdiffs.demo_runner import DemoSummary


def test_the_receiver_keeps_each_alert_once() -> None:
    with AlertReceiver() as receiver:
        assert receiver.url.startswith("webhook://127.0.0.1:")
        base = receiver.url.replace("webhook://", "http://").removesuffix("/alerts")
        with httpx.Client(base_url=base) as client:
            first = client.post("/alerts", json={"text": "one"}, headers={KEY_HEADER: "k1"})
            again = client.post("/alerts", json={"text": "one"}, headers={KEY_HEADER: "k1"})
            other = client.post("/alerts", json={"text": "two"}, headers={KEY_HEADER: "k2"})
            keyless = client.post("/alerts", json={"text": "three"})
            elsewhere = client.post("/other", json={}, headers={KEY_HEADER: "k3"})
    assert [r.status_code for r in (first, again, other)] == [200, 200, 200]
    assert (keyless.status_code, elsewhere.status_code) == (400, 404)
    assert receiver.inbox.alerts == [{"text": "one"}, {"text": "two"}]
    assert receiver.inbox.duplicates == 1


def test_the_summary_says_alerts_delivered_against_expected() -> None:
    summary = DemoSummary(
        articles=20,
        multi_version_articles=12,
        versions=41,
        precision=1.0,
        recall=1.0,
        expected_versions=41,
        checks=200,
        simulated_hours=17,
        db=None,
        alerts_expected=21,
        alerts_delivered=21,
        alert_duplicates=0,
    )
    assert "alerts delivered:               21 of 21 expected" in summary.describe()
    assert summary.to_json_dict()["alerts_delivered"] == 21
