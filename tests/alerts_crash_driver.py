"""Run by test_alerts_crash.py in a subprocess: check one article, then deliver its alerts.

    python alerts_crash_driver.py DB URL [--deliver-only] [--stall POINT MARKER TARGETS]

The process checks URL once (the version and its outbox rows commit together), then runs the
alert sender until no alert is pending. ``--deliver-only`` skips the check (the restart after
a crash). ``--stall`` writes MARKER and stalls until the test's SIGKILL, at POINT:

- ``after-commit``: the check's transaction committed, no alert sent yet;
- ``after-send``: each of the TARGETS targets took its message, none was marked sent.

The alerts' lease is :data:`LEASE_S`: the restarted process takes over the killed one's
alerts after it, as a second sender would after the default two minutes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from newsdiffs.alerts.message import AlertMessage, Target
from newsdiffs.alerts.sender import AlertSender, DeliverySettings, store_cards, store_composer
from newsdiffs.alerts.targets import target_for
from newsdiffs.clock import SystemClock
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.storage import open_store
from newsdiffs.tracker import Tracker

LEASE_S = 1.0
DELIVERY_DEADLINE_S = 60.0
FETCH = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)


def stall(marker: Path) -> None:
    marker.write_text("stalled")
    time.sleep(600)  # until SIGKILL; blocks the event loop: nothing else moves meanwhile


class StallAfterSend:
    """Targets that stall the process once ``expected`` of them took their message."""

    def __init__(self, marker: Path, expected: int) -> None:
        self.marker = marker
        self.expected = expected
        self.sent = 0
        self.all_sent = asyncio.Event()

    def __call__(self, url: str) -> Target:
        inner = target_for(url)
        driver = self

        class Stalling:
            takes_card = getattr(inner, "takes_card", False)

            @property
            def name(self) -> str:
                return inner.name

            async def send(self, message: AlertMessage) -> str | None:
                remote_id = await inner.send(message)
                driver.sent += 1
                if driver.sent >= driver.expected:
                    driver.all_sent.set()
                await driver.all_sent.wait()
                stall(driver.marker)
                return remote_id

        return Stalling()


async def main(argv: list[str]) -> dict[str, object]:
    db, url = argv[1], argv[2]
    deliver_only = "--deliver-only" in argv
    point, marker, expected = None, None, 0
    if "--stall" in argv:
        at = argv.index("--stall")
        point, marker, expected = argv[at + 1], Path(argv[at + 2]), int(argv[at + 3])
    store = open_store(db)
    clock = SystemClock()
    if not deliver_only:
        article = store.find_article(url)
        assert article is not None, f"not tracking {url}"
        async with Fetcher(FETCH) as fetcher:
            report = await Tracker(store, fetcher, clock).check(article)
        if point == "after-commit" and marker is not None:
            stall(marker)
        print(f"checked: {report.outcome}", file=sys.stderr)
    targets = (
        StallAfterSend(marker, expected)
        if point == "after-send" and marker is not None
        else target_for
    )
    sender = AlertSender(
        store,
        targets,
        store_composer(store, "http://diffs.test"),
        store_cards(store),
        clock,
        DeliverySettings(lease_s=LEASE_S, backoff_s=0.2, send_timeout_s=10.0),
    )
    deadline = time.monotonic() + DELIVERY_DEADLINE_S
    sent = 0
    while time.monotonic() < deadline:
        sent += (await sender.deliver_due()).alerts_sent
        if store.alert_counts().get("pending", 0) == 0:
            break
        await asyncio.sleep(0.1)
    counts = store.alert_counts()
    store.close()
    return {"sent": sent, "counts": counts}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv))))
