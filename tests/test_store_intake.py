"""Store.record_poll: a listing's new articles and its endpoint state, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_store_contract import store  # noqa: F401 - the fixture, on every backend

from newsdiffs.storage import EndpointState, SqlStore, intake
from newsdiffs.storage.base import PollIntake

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
FEED = "https://news.example.com/rss.xml"


def urls(n: int) -> list[str]:
    return [f"https://news.example.com/story-{i}" for i in range(n)]


def tracked(opened: SqlStore) -> list[str]:
    return sorted(article.url for article in opened.list_articles(limit=10_000))


def test_new_urls_are_tracked_with_the_state(store: SqlStore) -> None:  # noqa: F811
    known, _ = store.add_article("bbc", "https://news.example.com/story-0", T0)
    store.add_alias(known.id, "https://news.example.com/story-1")
    state = EndpointState(FEED, T0, '"e1"', "Sun, 01 Mar 2026 08:00:00 GMT")
    listed = [*urls(4), "https://news.example.com/story-3"]  # a duplicate, and two known
    result = store.record_poll(state, "bbc", listed, T0)
    assert result == PollIntake(new_articles=2, deferred=0)
    assert tracked(store) == [*urls(1), *urls(4)[2:]]
    fresh = store.find_article("https://news.example.com/story-2")
    assert fresh is not None and fresh.source == "bbc" and fresh.next_check_at == T0
    assert store.endpoint_state(FEED) == state
    again = store.record_poll(state, "bbc", listed, T0)
    assert again == PollIntake(new_articles=0, deferred=0)


def test_more_new_urls_than_allowed_keep_no_validators(store: SqlStore) -> None:  # noqa: F811
    state = EndpointState(FEED, T0, '"e1"', "Sun, 01 Mar 2026 08:00:00 GMT")
    first = store.record_poll(state, "bbc", urls(1_250), T0, max_new=500)
    assert first == PollIntake(new_articles=500, deferred=750)
    assert store.endpoint_state(FEED) == EndpointState(FEED, T0)  # read it all next time
    assert store.record_poll(state, "bbc", urls(1_250), T0, max_new=500).deferred == 250
    last = store.record_poll(state, "bbc", urls(1_250), T0, max_new=500)
    assert last == PollIntake(new_articles=250, deferred=0)
    assert store.endpoint_state(FEED) == state
    assert len(tracked(store)) == 1_250


def test_nothing_is_written_when_the_poll_cannot_be_recorded(
    store: SqlStore,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*args: object) -> None:
        raise RuntimeError("killed here")

    monkeypatch.setattr(intake, "write_endpoint_state", failing)
    with pytest.raises(RuntimeError):
        store.record_poll(EndpointState(FEED, T0, '"e1"'), "bbc", urls(10), T0)
    assert tracked(store) == []
    assert store.endpoint_state(FEED) == EndpointState(FEED)
