"""The narrow Store interface. Every layer above storage talks to this, never to SQL.

Implementations: :class:`newsdiffs.storage.sql.SqlStore` (SQLite by default, PostgreSQL at
scale). One contract test suite (``tests/test_store_contract.py``) runs against each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, overload

from newsdiffs.core.alert_rules import AlertRule, TargetSpec
from newsdiffs.core.decision import VersionHistory
from newsdiffs.models import (
    Article,
    ArticleEvent,
    Check,
    CheckResult,
    EventKind,
    Source,
    Version,
)


@dataclass(frozen=True)
class EndpointState:
    """What the store remembers of one discovery endpoint between polls."""

    url: str
    last_polled_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PollIntake:
    """What ``Store.record_poll`` did: articles added, and new URLs left for a later poll."""

    new_articles: int
    deferred: int = 0


@dataclass(frozen=True)
class Totals:
    articles: int
    versions: int
    sources: int


# Around each matched term in SearchHit.snippet. Normalised text never contains control
# characters, so the web layer can escape the snippet, then turn these into <mark> tags.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"


@dataclass(frozen=True)
class SearchHit:
    """One article matching a search, through its newest matching version."""

    article: Article
    version_id: int
    version_number: int
    captured_at: datetime
    title: str  # the matching version's title
    snippet: str  # text around the match; terms between HIGHLIGHT_START and HIGHLIGHT_END


@dataclass(frozen=True)
class Claim:
    """A due article handed to one claimer until ``expires_at`` (``Store.claim_due``)."""

    article: Article
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class ClaimedRecord:
    """What ``record_check`` did with a check made under a claim.

    ``lost_race``: the claim was no longer the article's (another claimer took it after it
    lapsed, or the check was made after it lapsed): nothing at all was written.
    """

    version: Version | None
    lost_race: bool = False


class Lookups(Protocol):
    """Reads every role needs: an article by id or URL, the sources."""

    def get_source(self, name: str) -> Source | None: ...
    def list_sources(self) -> list[Source]: ...
    def find_article(self, url: str) -> Article | None:
        """The article whose canonical URL or one of whose aliases is ``url``."""
        ...

    def get_article(self, article_id: int) -> Article:
        """Raises NotFoundError."""
        ...


class TrackerStore(Lookups, Protocol):
    """What the tracker and its runners use: claim due work, record checks and polls."""

    def endpoint_state(self, url: str) -> EndpointState: ...
    def save_endpoint_state(self, state: EndpointState) -> None: ...
    def record_poll(
        self,
        state: EndpointState,
        source: str,
        urls: Sequence[str],
        now: datetime,
        policy: str = "newssniffer",
        max_new: int | None = None,
    ) -> PollIntake:
        """Track the new ones of ``urls`` (canonical) for ``source`` and save ``state``, in
        ONE transaction: the endpoint's validators are never stored without the links they
        vouch for, so a tracker killed mid-poll reads the listing again on restart.

        At most ``max_new`` articles are added (None: all); when new URLs are left over
        (``deferred``), ``state`` is saved without its validators so that the next poll
        reads the listing again and takes the next ones.
        """
        ...

    def due_articles(self, now: datetime, limit: int = 100) -> list[Article]:
        """Active/gone articles whose next check is at or before ``now``, oldest due first.

        A plain read: claimed or not. Work is taken with ``claim_due``.
        """
        ...

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Claim]:
        """Claim up to ``limit`` due articles until ``now + lease``, oldest due first.

        Due as in ``due_articles``, and not held by a claim that lasts past ``now``. Each
        article goes to exactly one claimer until its claim lapses, however many claim at
        once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one write transaction). Times are
        the caller's clock, as everywhere in the store.
        """
        ...

    def next_due_at(self) -> datetime | None:
        """When the next article can be claimed: the earliest next check of an unclaimed
        article or lapse of a claim (None: nothing is ever due)."""
        ...

    @overload
    def record_check(self, result: CheckResult, claim: None = None) -> Version | None: ...
    @overload
    def record_check(self, result: CheckResult, claim: Claim) -> ClaimedRecord: ...
    def record_check(
        self, result: CheckResult, claim: Claim | None = None
    ) -> Version | ClaimedRecord | None:
        """Write everything a check decided in ONE transaction: the check, its version (if
        any), events, aliases, the latest version's rewritten text, validators and the
        schedule (or the merge of an article without versions into another).

        Idempotent for versions: if ``result.new_version`` has the same content hash as the
        article's latest version it is not stored again, and the check is recorded as
        ``unchanged``. A hidden article stays hidden. Returns the stored Version or None.

        With a ``claim``, a compare-and-set: written only while the claim is still the
        article's and had not lapsed at the check's time (``check.checked_at``); the claim
        is then released. Otherwise nothing is written and the ClaimedRecord says the race
        was lost. Without one (``newsdiffs check URL``), written unconditionally. Either
        way a recorded check releases the article's claim.
        """
        ...

    def latest_content_hash(self, article_id: int) -> str | None:
        """The content hash of the article's latest version (None before its first).

        All an unchanged check needs to know about the history: one indexed row, one column.
        """
        ...

    def version_history(self, article_id: int) -> VersionHistory:
        """What a changed check needs of the history, in one read: the latest version, how
        many versions have each hash and every version's body word count (counted in the
        database: no version's text but the latest is loaded)."""
        ...

    def raw_html(self, version_id: int) -> bytes:
        """The page as fetched for this version, decompressed."""
        ...


class ReaderStore(Lookups, Protocol):
    """What the web and the reports read."""

    def list_articles(
        self, source: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[Article]: ...
    def count_articles(self, source: str | None = None) -> int: ...
    def versions(self, article_id: int) -> list[Version]: ...
    def get_version(self, version_id: int) -> Version: ...
    def versions_by_id(self, version_ids: Sequence[int]) -> dict[int, Version]:
        """The versions of ``version_ids`` by id, in one query; unknown ids are left out."""
        ...

    def version_at(self, article_id: int, number: int) -> Version:
        """Version ``number`` (1-based) of an article. Raises NotFoundError."""
        ...

    def previous_versions(self, version_ids: Sequence[int]) -> dict[int, Version]:
        """Version n-1 of each version n in ``version_ids``, keyed by the latter's id.

        One query; first versions and unknown ids are left out.
        """
        ...

    def latest_version(self, article_id: int) -> Version | None: ...
    def hash_counts(self, article_id: int) -> dict[str, int]:
        """How many times each content hash appears in the article's history."""
        ...

    def checks(self, article_id: int, limit: int = 50) -> list[Check]: ...
    def events(self, article_id: int) -> list[ArticleEvent]: ...
    def totals(self) -> Totals: ...

    def last_check_at(self) -> datetime | None:
        """When the tracker last checked anything."""
        ...

    def latest_changes(
        self,
        offset: int = 0,
        limit: int = 50,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: str | None = None,
    ) -> list[tuple[Article, Version]]:
        """Versions numbered 2 and up (real changes), newest first, with their article.

        ``since`` is inclusive, ``until`` exclusive. Hidden articles are left out.
        """
        ...

    def source_counts(self) -> dict[str, tuple[int, int]]:
        """Source name -> (articles, versions), for every source with a row or an article."""
        ...

    def search(
        self, query: str, source: str | None = None, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        """Full-text search over versions: one hit per article, newest match first.

        Syntax: words (all must match), ``"exact phrase"``, ``-excluded``, ``title:word``,
        ``source:name`` (repeatable; ``-source:name`` excludes), ``word*`` (prefix).
        A query with no positive term finds nothing. Hidden articles are left out.
        """
        ...

    def event_counts(self, kind: EventKind, since: datetime | None = None) -> dict[str, int]:
        """Source name -> how many events of ``kind`` its articles had (since ``since``)."""
        ...


class AdminStore(Lookups, Protocol):
    """What the admin (CLI, web admin, re-extraction) writes."""

    def upsert_source(self, source: Source) -> None: ...
    def remove_source(self, name: str) -> bool:
        """Remove a source (its articles stay, retired). False if it did not exist."""
        ...

    def add_article(
        self, source: str, url: str, now: datetime, policy: str = "newssniffer"
    ) -> tuple[Article, bool]:
        """Track ``url`` (already canonical) for ``source``; due at once.

        Idempotent: an existing article with this URL or alias is returned with False.
        """
        ...

    def add_alias(self, article_id: int, url: str) -> None:
        """Record another URL (feed link, pre-redirect URL) for the same article."""
        ...

    def set_status(self, article_id: int, status: str) -> None: ...
    def update_version_text(
        self,
        version_id: int,
        title: str,
        paragraphs: tuple[str, ...],
        content_hash: str,
        extractor: str,
    ) -> None:
        """Replace a version's extracted text after re-extraction (``newsdiffs reextract``)."""
        ...


@dataclass(frozen=True)
class OutboxAlert:
    """One row of the alerts outbox: one change (a version or an event) for one target of
    one rule, written in the transaction that recorded the change (storage/outbox.py)."""

    id: int
    key: str  # stable across retries and crashes (storage/outbox.py: alert_key)
    rule: str
    target: TargetSpec
    article_id: int
    version_id: int | None  # the new version, or None for an event alert
    event_id: int | None
    created_at: datetime
    status: str  # "pending" | "sent" | "dead" | "dropped" (the article was hidden)
    attempts: int
    next_attempt_at: datetime
    last_error: str
    remote_id: str | None  # what Target.send returned (post URL, Wayback snapshot URL)
    sent_at: datetime | None
    event_kind: str | None = None  # "gone", "redirected", "returned" for an event alert
    event_detail: str = ""  # the event's detail (a redirect's target)


class AlertStore(Protocol):
    """The alerts outbox and the alert rules (the sender, the CLI and the admin API)."""

    def claim_alerts(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxAlert]:
        """Pending rows with next_attempt_at <= now, oldest first (id order), each leased by
        moving next_attempt_at to now + lease in the same statement (PostgreSQL: FOR UPDATE
        SKIP LOCKED; SQLite: one write transaction), so two senders never take one row.
        Rows of hidden articles are dropped first (status "dropped"): they never alert."""
        ...

    def mark_alert_sent(self, alert_id: int, at: datetime, remote_id: str | None) -> None: ...
    def mark_alert_failed(
        self, alert_id: int, at: datetime, error: str, retry_at: datetime | None
    ) -> None:
        """One more failed attempt: retried at ``retry_at``, or dead (None)."""
        ...

    def postpone_alert(self, alert_id: int, until: datetime) -> None:
        """Not tried before ``until`` (quiet hours, rate limit): no attempt is counted."""
        ...

    def list_alerts(self, status: str | None = None, limit: int = 100) -> list[OutboxAlert]:
        """Newest first, optionally only those with ``status``."""
        ...

    def alert_counts(self) -> dict[str, int]:
        """Rows by status (pending, sent, dead and dropped are always there)."""
        ...

    def sent_for_target_since(self, target_url: str, since: datetime) -> int: ...
    def snapshots(self, article_id: int) -> dict[int, str]:
        """version id -> Wayback snapshot URL, for the article's archived versions."""
        ...

    def alert_rules(self) -> list[AlertRule]:
        """Every stored rule (enabled or not), by name."""
        ...

    def save_alert_rule(self, rule: AlertRule, origin: str = "admin") -> None:
        """Insert or replace the rule of that name. ``origin``: "config" for rules of
        newsdiffs.toml (see sync_alert_rules), "admin" for the CLI and API's."""
        ...

    def remove_alert_rule(self, name: str) -> bool: ...
    def sync_alert_rules(self, rules: Sequence[AlertRule]) -> None:
        """Make the config's rules the stored "config" rules, in one transaction: each is
        saved (replacing an admin rule of that name), config rules no longer listed go;
        rules added by the CLI or API stay."""
        ...


class Store(TrackerStore, ReaderStore, AdminStore, AlertStore, Protocol):
    """Every role at once: what one process that tracks, serves and administers opens."""

    def close(self) -> None: ...


__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "AdminStore",
    "AlertStore",
    "Claim",
    "ClaimedRecord",
    "EndpointState",
    "Lookups",
    "OutboxAlert",
    "PollIntake",
    "ReaderStore",
    "SearchHit",
    "Sequence",
    "Store",
    "Totals",
    "TrackerStore",
]
