"""Wayback archiving end to end: with ``wayback = true``, a new version's URL goes to
SavePageNow through the outbox and the sender, and its snapshot is linked beside the version."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from fakes.savepagenow import FakeSavePageNow
from fastapi.testclient import TestClient
from web_seed import KERRY_V1, START, Seeded, record, seed

from newsdiffs.alerts.sender import alert_sender
from newsdiffs.alerts.targets import wayback
from newsdiffs.usecases.alerts import sync_rules
from newsdiffs.web import create_app


@pytest.fixture
def spn(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSavePageNow]:
    monkeypatch.setattr(wayback, "POLL_INTERVAL_S", 0.01)
    with FakeSavePageNow(polls_until_done=2) as fake:
        yield fake


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


def test_a_new_version_is_archived_and_its_snapshot_linked(
    seeded: Seeded, spn: FakeSavePageNow
) -> None:
    settings = replace(seeded.settings, wayback=True, wayback_target=spn.url)
    sync_rules(seeded.store, settings)
    article = seeded.store.get_article(seeded.kerry_id)
    later = START + timedelta(hours=9)
    record(seeded.store, article.id, later, "Kerry and Putin agree on Syria talks", KERRY_V1)
    sender = alert_sender(seeded.store, seeded.clock, settings)
    assert sender is not None
    asyncio.run(sender.deliver_due())
    assert [capture.url for capture in spn.captures] == [article.url]  # once, this URL
    newest = seeded.store.versions(article.id)[-1]
    snapshot = seeded.store.snapshots(article.id)[newest.id]
    assert re.fullmatch(rf"http://{re.escape(spn.host)}/web/\d{{14}}/{re.escape(article.url)}",
                        snapshot)  # fmt: skip
    page = TestClient(create_app(settings, seeded.store, seeded.clock)).get(
        f"/articles/{article.id}"
    )
    assert page.status_code == 200 and f'href="{snapshot}"' in page.text
    assert seeded.store.alert_counts()["dead"] == 0
