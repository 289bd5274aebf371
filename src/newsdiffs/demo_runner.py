"""`newsdiffs demo`: the demo newsroom and the real tracker, on a fast clock, scored.

The newsroom (``newsdiffs.demo``) serves a local news site on 127.0.0.1 whose articles change
over simulated days; the tracker polls its feeds and re-checks articles exactly as it would a
real site. At the end the newsroom's own record of what it served is the truth against which
the recorded versions are scored (precision and recall).

Alerts too: a webhook rule for every edit (:data:`DEMO_RULE`) points at a local receiver
(:mod:`newsdiffs.demo.alert_receiver`); the sender runs beside the tracker as it does in
``newsdiffs run``, and the summary counts the alerts that arrived against the edits the
newsroom made (every expected version after an article's first).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdiffs.alerts.sender import DeliverySettings, alert_sender
from newsdiffs.clock import FastClock
from newsdiffs.core.alert_rules import AlertRule, TargetSpec
from newsdiffs.core.humanize import fmt_datetime
from newsdiffs.demo import DemoNewsroom
from newsdiffs.demo.alert_receiver import AlertReceiver
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.runner import RoundStats, Runner
from newsdiffs.settings import Settings
from newsdiffs.storage import open_store
from newsdiffs.storage.base import Store


def demo_start(seconds: float, speed: float, now: datetime | None = None) -> datetime:
    """Simulated days that end about now, so the demo's pages read "3 hours ago"."""
    end = now or datetime.now(UTC)
    return (end - timedelta(seconds=seconds * speed)).replace(minute=0, second=0, microsecond=0)


PROGRESS_EVERY = timedelta(hours=6)
DEMO_RULE = "demo-edits"  # every new version (not first captures), to the local receiver
# The sender's passes in the demo, in real seconds: at 3000x, 0.2 s is 10 simulated minutes.
DEMO_ALERT_INTERVAL_S = 0.2


@dataclass(frozen=True)
class DemoSummary:
    articles: int
    multi_version_articles: int
    versions: int
    precision: float
    recall: float
    expected_versions: int
    checks: int
    simulated_hours: float
    db: str | None
    alerts_expected: int = 0  # the newsroom's edits: what the demo rule should deliver
    alerts_delivered: int = 0  # distinct alerts the receiver took
    alert_duplicates: int = 0  # deliveries of an alert it already had (deduped on the key)

    def to_json_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        lines = [
            f"demo finished after {self.simulated_hours:.0f} simulated hours",
            f"  articles found:                {self.articles}",
            f"  articles with 2+ versions:     {self.multi_version_articles}",
            f"  versions recorded:             {self.versions} "
            f"(newsroom's truth: {self.expected_versions})",
            f"  checks made:                   {self.checks}",
            f"  precision of recorded versions: {self.precision:.1%}",
            f"  recall of real edits:           {self.recall:.1%}",
            f"  alerts delivered:               {self.alerts_delivered} of "
            f"{self.alerts_expected} expected (rule {DEMO_RULE!r} to a local webhook; "
            f"{self.alert_duplicates} duplicates)",
        ]
        if self.db:
            lines.append(f"  database kept at {self.db}")
        return "\n".join(lines)


def recorded_versions(store: Store) -> dict[str, list[datetime]]:
    """Canonical article URL -> capture times of its stored versions."""
    recorded: dict[str, list[datetime]] = {}
    offset = 0
    while True:
        batch = store.list_articles(offset=offset, limit=500)
        if not batch:
            return recorded
        for article in batch:
            recorded[article.url] = [v.captured_at for v in store.versions(article.id)]
        offset += len(batch)


def run_demo(
    seconds: float,
    n_articles: int = 30,
    speed: float = 3000.0,
    db: str | None = None,
    progress: Callable[[str], object] | None = None,
    seed: int = 7,
    tick: Callable[[float], object] | None = None,
) -> DemoSummary:
    """``tick``: after each round of the tracker, with the simulated minutes gone by."""
    with tempfile.TemporaryDirectory(prefix="newsdiffs-demo-") as tmp:
        store = open_store(db or str(Path(tmp) / "demo.db"))
        try:
            return asyncio.run(_run(store, seconds, n_articles, speed, db, progress, seed, tick))
        finally:
            store.close()


def demo_rule(receiver_url: str) -> AlertRule:
    """The demo's alert rule: every edit (not first captures), to the local receiver."""
    return AlertRule(name=DEMO_RULE, targets=(TargetSpec(receiver_url),))


def expected_alerts(newsroom: DemoNewsroom) -> int:
    """The edits the newsroom made: each article's expected versions after its first."""
    return sum(len(served) - 1 for served in newsroom.expected_versions().values())


async def _run(
    store: Store,
    seconds: float,
    n_articles: int,
    speed: float,
    db: str | None,
    progress: Callable[[str], object] | None,
    seed: int,
    tick: Callable[[float], object] | None = None,
) -> DemoSummary:
    start = demo_start(seconds, speed)
    clock = FastClock(start, speed)
    newsroom = DemoNewsroom(clock, n_articles=n_articles, seed=seed)
    base_url = newsroom.start()
    receiver = AlertReceiver()
    receiver.start()
    try:
        source = newsroom.source()
        store.upsert_source(source)
        rule = demo_rule(receiver.url)
        store.save_alert_rule(rule)
        delivery = DeliverySettings(interval_s=DEMO_ALERT_INTERVAL_S)
        alerts = alert_sender(store, clock, Settings(), delivery=delivery)
        if progress:
            progress(
                f"demo newsroom at {base_url} ({n_articles} stories); tracker running "
                f"{seconds:.0f} s at {speed:.0f}x speed; alerts to {receiver.url}"
            )
        settings = FetchSettings(
            allow_private_addresses=True,
            per_host_delay_s=0.0,
            per_host_concurrency=8,
            timeout_s=10.0,
            retries=1,
            backoff_base_s=0.01,
        )
        until = start + timedelta(seconds=seconds * speed)
        next_report = start + PROGRESS_EVERY
        checks = 0

        def on_round(stats: RoundStats) -> None:
            nonlocal next_report, checks
            checks += stats.checks
            if tick:
                tick((clock.now() - start).total_seconds() / 60)
            if progress and clock.now() >= next_report:
                next_report = clock.now() + PROGRESS_EVERY
                totals = store.totals()
                progress(
                    f"  sim {fmt_datetime(clock.now())}: {totals.articles} articles, "
                    f"{totals.versions} versions, {checks} checks, "
                    f"{receiver.inbox.count} alerts delivered"
                )

        async with Fetcher(settings) as fetcher:
            runner = Runner(store, fetcher, clock, concurrency=8, alerts=alerts)
            await runner.run(lambda: [source], until=until, on_round=on_round)
        if alerts is not None:  # what the last round recorded goes out too
            await alerts.deliver_due()
        # The receiver goes with the demo: its rule stays (the web lists it), disabled.
        store.save_alert_rule(replace(rule, enabled=False))
        score = newsroom.score(recorded_versions(store))
        expected = expected_alerts(newsroom)
    finally:
        receiver.stop()
        newsroom.stop()
    return DemoSummary(
        articles=score.articles,
        multi_version_articles=score.multi_version_articles,
        versions=score.versions,
        precision=score.precision,
        recall=score.recall,
        expected_versions=score.expected_versions,
        checks=checks,
        simulated_hours=seconds * speed / 3600.0,
        db=db,
        alerts_expected=expected,
        alerts_delivered=receiver.inbox.count,
        alert_duplicates=receiver.inbox.duplicates,
    )
