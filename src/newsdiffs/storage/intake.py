"""The body of ``record_poll``: the links one listing poll found and the endpoint state that
vouches for them, on one open transaction.

Saving the state first (its ETag) and the links after lost them for good when the tracker
was killed in between: the restarted poll got a 304 and never saw them again (2,598 of
3,000 feed items, in one run). Together, a kill leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from newsdiffs.models import ArticleStatus
from newsdiffs.storage.base import EndpointState, PollIntake
from newsdiffs.storage.schema import article_aliases, articles, endpoint_state
from newsdiffs.storage.upsert import upsert

# URLs per "IN (...)" look-up: under SQLite's 999 bound parameters of older builds.
LOOKUP_BATCH = 500


def new_article_values(source: str, url: str, now: datetime, policy: str) -> dict[str, Any]:
    """The row of an article just tracked: active, due at once, no versions yet."""
    return {
        "source": source,
        "url": url,
        "first_seen": now,
        "status": ArticleStatus.ACTIVE.value,
        "next_check_at": now,
        "check_interval_s": 0.0,
        "version_count": 0,
        "title": "",
        "schedule_policy": policy,
    }


def write_endpoint_state(connection: Connection, state: EndpointState) -> None:
    """Insert or update the state of one endpoint. The caller owns the transaction."""
    values = {
        "url": state.url,
        "last_polled_at": state.last_polled_at,
        "etag": state.etag,
        "last_modified": state.last_modified,
    }
    upsert(connection, endpoint_state, values, key="url")


def known_urls(connection: Connection, urls: Sequence[str]) -> set[str]:
    """Those of ``urls`` that are an article's URL or alias already."""
    known: set[str] = set()
    for start in range(0, len(urls), LOOKUP_BATCH):
        batch = list(urls[start : start + LOOKUP_BATCH])
        known.update(
            connection.execute(select(articles.c.url).where(articles.c.url.in_(batch))).scalars()
        )
        known.update(
            connection.execute(
                select(article_aliases.c.url).where(article_aliases.c.url.in_(batch))
            ).scalars()
        )
    return known


def write_poll(
    connection: Connection,
    state: EndpointState,
    source: str,
    urls: Sequence[str],
    now: datetime,
    policy: str,
    max_new: int | None,
) -> PollIntake:
    """Track the new ones of ``urls`` (at most ``max_new``), then save ``state``.

    When new URLs are left over, the state is saved without its validators: they vouch for
    a listing whose links are not all stored yet, and the next poll must read it again.
    """
    unique = list(dict.fromkeys(urls))
    known = known_urls(connection, unique)
    new = [url for url in unique if url not in known]
    taken = new if max_new is None else new[: max(0, max_new)]
    if taken:
        connection.execute(
            insert(articles), [new_article_values(source, url, now, policy) for url in taken]
        )
    deferred = len(new) - len(taken)
    if deferred:
        state = EndpointState(state.url, state.last_polled_at)
    write_endpoint_state(connection, state)
    return PollIntake(new_articles=len(taken), deferred=deferred)
