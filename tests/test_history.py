"""`newsdiffs stats` reads the classifications stored with the versions; only versions stored
before classifications were are classified again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsdiffs import history
from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.models import Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.storage import SqlStore, open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Not what classifying the texts below gives (a cosmetic edit): only a store read yields it.
STORED = Classification(
    substantive=True, significance=0.9, kinds=(ChangeKind.HEADLINE,), operations=(), stealth=True
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "store.db"))
    yield opened
    opened.close()


def record(
    store: SqlStore, article_id: int, hours: int, body: str, change: Classification | None
) -> None:
    at = T0 + timedelta(hours=hours)
    version = NewVersion(
        captured_at=at,
        title="Budget vote",
        paragraphs=(body,),
        content_hash=body,
        extractor="test@1",
        raw_html=b"<html></html>",
        classification=change,
    )
    check = Check(article_id, at, CheckOutcome.NEW_VERSION)
    store.record_check(CheckResult(check=check, new_version=version, next_check_at=at))


def test_stats_read_the_stored_classifications(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    article, _ = store.add_article("daily", "https://daily.example/1", T0)
    record(store, article.id, 0, "The council met.", None)
    record(store, article.id, 1, "The council met!", STORED)

    def no_classifying(*args: object) -> Classification:
        raise AssertionError("a stored classification was computed again")

    monkeypatch.setattr(history, "classify_versions", no_classifying)
    (daily,) = history.outlet_statistics(store)
    assert (daily.edits, daily.stealth_edits, daily.headline_changed_articles) == (1, 1, 1)


def test_versions_stored_without_a_classification_are_classified(store: SqlStore) -> None:
    article, _ = store.add_article("daily", "https://daily.example/1", T0)
    record(store, article.id, 0, "The council met on Monday.", None)
    record(store, article.id, 1, "The council met on Monday!", None)  # cosmetic
    record(store, article.id, 2, "The council met on Monday and voted 7 to 2.", None)
    versions = store.versions(article.id)
    computed = [history.change_classification(versions, n) for n in range(3)]
    assert computed[0] is None
    assert computed[1] is not None and not computed[1].substantive
    assert computed[2] is not None and computed[2].substantive
    (daily,) = history.outlet_statistics(store)
    assert daily.edits == 1
