"""A tracker killed with SIGKILL mid-delivery loses no alert, and doubles none where it can't.

The tracker process (``alerts_crash_driver.py``) checks an edited article (the version and
its alert rows commit in one transaction) and delivers the alerts to three loopback targets:
our webhook (deduping on our key header), Mastodon (``Idempotency-Key``) and apprise's
``json://`` (no key at all). It is killed

- between committing the version and sending its alerts, and
- between the targets taking the alerts and the outbox marking them sent;

then restarted. Every alert arrives; the two targets with keys see each exactly once; the
keyless one sees at most one duplicate per crash (counted and asserted).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from article_server import ArticleServer, page
from fakes.mastodon import FakeMastodon
from fakes.webhook import FakeWebhook

from newsdiffs import usecases
from newsdiffs.core.alert_rules import AlertRule, TargetSpec
from newsdiffs.storage import open_store

DRIVER = Path(__file__).with_name("alerts_crash_driver.py")
PATH = "/news/2026/03/02/harbour-bridge"
BODY = [
    "The harbour bridge will close for repairs next month, the council said on Monday.",
    "Engineers found corrosion in two of the main cables during a routine inspection.",
    "Ferries will run every ten minutes while the bridge is closed.",
]


def run_driver(db: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), str(db), url, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def kill_at_marker(process: subprocess.Popen[str], marker: Path) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the driver never reached the stall point"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["after-commit", "after-send"])
def test_a_killed_tracker_delivers_every_alert_after_restart(tmp_path: Path, point: str) -> None:
    db = tmp_path / "crash.db"
    marker = tmp_path / "stalled"
    with ArticleServer() as site, FakeWebhook() as hook, FakeMastodon() as mastodon:
        site.put(PATH, page("Harbour bridge to close for repairs", BODY))
        url = site.url(PATH)
        store = open_store(str(db))
        usecases.track_url(
            store, url, "loopback", datetime.now(UTC), "newssniffer", create_source=True
        )
        targets = (TargetSpec(hook.url), TargetSpec(mastodon.url), TargetSpec(hook.json_url))
        store.save_alert_rule(AlertRule(name="edits", targets=targets))
        store.close()
        first = finish(run_driver(db, url))  # the first version: nothing to tell
        assert first["sent"] == 0

        site.put(PATH, page("Harbour bridge to close for a year", BODY))
        doomed = run_driver(db, url, "--stall", point, str(marker), str(len(targets)))
        kill_at_marker(doomed, marker)

        store = open_store(str(db))
        assert store.alert_counts()["pending"] == 3  # committed with the version, none sent
        store.close()
        taken_before_restart = len(hook.received) + len(mastodon.statuses) + len(hook.keyless)
        assert taken_before_restart == (3 if point == "after-send" else 0)

        restarted = finish(run_driver(db, url, "--deliver-only"))
        assert restarted["sent"] == 3

        # Keyed targets: exactly once, whatever the crash.
        assert len(hook.received) == 1
        assert "close for a year" in str(hook.received[0]["text"])
        assert len(mastodon.statuses) == 1
        # The keyless target: at most one duplicate for the one crash (after-send only).
        duplicates = len(hook.keyless) - 1
        assert duplicates == (1 if point == "after-send" else 0)
        assert hook.duplicates == duplicates  # our webhook saw the resend, and deduped it
        assert mastodon.duplicates == duplicates  # Mastodon too (the same Idempotency-Key)
        print(f"{point}: keyless duplicates {duplicates} (bound: 1 per crash)")

    store = open_store(str(db))
    try:
        counts = store.alert_counts()
        assert (counts["pending"], counts["sent"], counts["dead"]) == (0, 3, 0)
    finally:
        store.close()
