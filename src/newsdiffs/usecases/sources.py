"""Add, remove and import sources."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from newsdiffs.core.stats import ArticleHistory, OutletStats, StatsReport, stats_report
from newsdiffs.errors import ConfigError, InputError, NotFoundError
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.usecases.names import http_url_problem, source_name_problem

if TYPE_CHECKING:
    from newsdiffs.storage.base import Store

DEFAULT_POLL = Endpoint(url="").poll_interval


def source_problems(source: Source) -> list[str]:
    """Everything wrong with ``source`` (empty when it can be stored)."""
    problems = [
        problem
        for problem in (
            source_name_problem(source.name),
            _named("home page", http_url_problem(source.home_url)),
        )
        if problem
    ]
    for endpoint in source.endpoints:
        problem = http_url_problem(endpoint.url)
        if problem:
            problems.append(f"{endpoint.kind} {problem}")
        if endpoint.poll_interval <= timedelta(0):
            problems.append(f"{endpoint.kind} {endpoint.url}: poll interval must be positive")
        if endpoint.link_pattern is not None:
            problems.extend(_regex_problems("link pattern", [endpoint.link_pattern]))
    problems.extend(_regex_problems("exclude pattern", source.exclude_patterns))
    problems.extend(_regex_problems("include pattern", source.include_patterns))
    return problems


def _named(what: str, problem: str | None) -> str | None:
    return f"{what}: {problem}" if problem else None


def _regex_problems(what: str, patterns: Iterable[str]) -> list[str]:
    problems = []
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"{what} {pattern!r} is not a valid regex: {error}")
    return problems


def _checked(source: Source) -> Source:
    problems = source_problems(source)
    if problems:
        raise InputError(f"source {source.name!r}: " + "; ".join(problems))
    return source


def new_source(
    name: str,
    home_url: str,
    *,
    title: str = "",
    feeds: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    frontpages: Sequence[str] = (),
    link_pattern: str | None = None,
    exclude: Sequence[str] = (),
    poll_interval: timedelta = DEFAULT_POLL,
) -> Source:
    """A validated Source from user input (text is stripped; empty URLs are left out)."""

    def endpoints(urls: Sequence[str], kind: DiscoveryKind) -> list[Endpoint]:
        pattern = link_pattern if kind is DiscoveryKind.FRONTPAGE else None
        return [Endpoint(url.strip(), kind, poll_interval, pattern) for url in urls if url.strip()]

    found = (
        endpoints(feeds, DiscoveryKind.FEED)
        + endpoints(sitemaps, DiscoveryKind.SITEMAP)
        + endpoints(frontpages, DiscoveryKind.FRONTPAGE)
    )
    return _checked(
        Source(
            name=name.strip(),
            home_url=home_url.strip(),
            endpoints=tuple(found),
            exclude_patterns=tuple(exclude),
            title=title.strip() or name.strip(),
        )
    )


def add_source(store: Store, source: Source) -> Source:
    """Add or replace ``source``; InputError when it breaks a rule."""
    store.upsert_source(_checked(source))
    return source


def import_sources(store: Store, sources: Sequence[Source]) -> int:
    """Add or replace every source (all checked before any is stored); how many."""
    for source in sources:
        _checked(source)
    for source in sources:
        store.upsert_source(source)
    return len(sources)


def remove_source(store: Store, name: str) -> None:
    """Stop watching a source (its articles stay); NotFoundError when there is none."""
    if not store.remove_source(name):
        raise NotFoundError(f"no source called {name!r}")


def statistics_report(store: Store, source: str | None = None) -> StatsReport:
    """Every editing statistic, per source (or of one source: NotFoundError when it does not
    exist), from the classifications stored with the versions: what ``newsdiffs stats`` and
    the statistics pages show."""
    if source is not None and store.get_source(source) is None:
        raise NotFoundError(f"no source called {source!r}")
    return stats_report(_histories(store, source))


def source_statistics(store: Store, source: str | None = None) -> list[OutletStats]:
    """Editing statistics per source (or of one source: NotFoundError when it does not exist)."""
    return list(statistics_report(store, source).outlets)


def _histories(store: Store, source: str | None) -> Iterator[ArticleHistory]:
    from newsdiffs.history import article_history
    from newsdiffs.storage.sql import SqlStore
    from newsdiffs.storage.stats_reads import stored_histories

    if not isinstance(store, SqlStore):
        raise ConfigError("statistics need an SQL archive (SQLite or PostgreSQL)")
    for stored in stored_histories(store.engine, source):
        found = stored.history
        if stored.unclassified:  # stored before classifications were: classify the text
            article = store.get_article(found.article_id)
            found = replace(found, versions=article_history(store, article).versions)
        yield found
