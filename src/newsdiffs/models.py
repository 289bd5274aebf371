"""Domain objects shared by every layer.

All are frozen dataclasses: storage returns them, the tracker and the web read them,
nobody mutates them in place (use ``dataclasses.replace``). Times are timezone-aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdiffs.core.classify import Classification


class DiscoveryKind(enum.StrEnum):
    """How a source finds article URLs."""

    FEED = "feed"  # RSS, Atom, RDF or JSON Feed
    SITEMAP = "sitemap"  # (news) sitemap or sitemap index
    FRONTPAGE = "frontpage"  # an HTML page whose links match a pattern


@dataclass(frozen=True)
class Endpoint:
    """One way a source finds articles: a feed, a sitemap or a front page."""

    url: str
    kind: DiscoveryKind = DiscoveryKind.FEED
    poll_interval: timedelta = timedelta(minutes=15)
    # For front pages: a regular expression an article link must match (searched).
    link_pattern: str | None = None


@dataclass(frozen=True)
class Source:
    """An outlet: a name, a home page, the endpoints that list its articles."""

    name: str
    home_url: str
    endpoints: tuple[Endpoint, ...] = ()
    # Regular expressions (searched in the URL): a URL matching any exclude is not an article.
    exclude_patterns: tuple[str, ...] = ()
    # If non-empty, a URL must match at least one of these to be an article.
    include_patterns: tuple[str, ...] = ()
    title: str = ""  # display name, e.g. "The Guardian"


class ArticleStatus(enum.StrEnum):
    ACTIVE = "active"  # checked on schedule
    RETIRED = "retired"  # interval reached the retirement limit: no more checks
    GONE = "gone"  # answered 404/410 (still re-checked on a backed-off schedule until retired)
    REDIRECTED = "redirected"  # now redirects to a different article
    HIDDEN = "hidden"  # hidden for legal reasons by an admin


class CheckOutcome(enum.StrEnum):
    """What one check of an article found. Expected results, never exceptions."""

    NEW_VERSION = "new_version"  # text changed: a version was recorded
    FIRST_VERSION = "first_version"  # first successful capture
    UNCHANGED = "unchanged"  # fetched and extracted, same content hash
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request
    FLIPFLOP = "flipflop"  # reverted to a hash already seen twice: not recorded again
    GONE = "gone"  # 404 / 410
    REDIRECTED_AWAY = "redirected_away"  # now redirects to another article
    HTTP_ERROR = "http_error"  # other 4xx / 5xx
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"  # body over the size cap
    NETWORK_ERROR = "network_error"  # DNS, refused, reset, TLS, protocol, redirect loop
    ROBOTS_DISALLOWED = "robots_disallowed"
    NOT_AN_ARTICLE = "not_an_article"  # extraction found no title/body
    EXTRACTION_ANOMALY = "extraction_anomaly"  # body collapsed vs history: not stored
    LIVE_BLOG = "live_blog"  # a live blog: not tracked as one article, retired
    DUPLICATE = "duplicate"  # the same article as another tracked one (canonical URL, shortlink)
    INTERNAL_ERROR = "internal_error"  # a bug in the check (extractor, parser, decision)

    @property
    def is_error(self) -> bool:
        return self in _ERROR_OUTCOMES

    @property
    def is_change(self) -> bool:
        return self in (CheckOutcome.NEW_VERSION, CheckOutcome.FIRST_VERSION)


_ERROR_OUTCOMES = frozenset(
    {
        CheckOutcome.GONE,
        CheckOutcome.HTTP_ERROR,
        CheckOutcome.TIMEOUT,
        CheckOutcome.TOO_LARGE,
        CheckOutcome.NETWORK_ERROR,
        CheckOutcome.ROBOTS_DISALLOWED,
        CheckOutcome.NOT_AN_ARTICLE,
        CheckOutcome.EXTRACTION_ANOMALY,
        CheckOutcome.INTERNAL_ERROR,
    }
)


@dataclass(frozen=True)
class ExtractedPage:
    """What an extractor found on one page. Paragraphs are raw (not yet normalised)."""

    title: str
    paragraphs: tuple[str, ...]
    extractor: str  # name@version, e.g. "generic@1"
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    canonical_url: str | None = None  # rel=canonical / og:url as found on the page
    language: str | None = None
    # A live blog (schema.org LiveBlogPosting, a live-page URL, a stack of timestamped
    # posts): see newsdiffs.extraction.liveblog. What the tracker does with it is its call.
    is_live_blog: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.title.strip() and not any(p.strip() for p in self.paragraphs)


@dataclass(frozen=True)
class Article:
    id: int
    source: str  # Source.name
    url: str  # canonical URL: the article's identity
    first_seen: datetime
    status: ArticleStatus = ArticleStatus.ACTIVE
    next_check_at: datetime | None = None  # None once retired
    check_interval: timedelta = timedelta(0)  # interval used to compute next_check_at
    last_checked_at: datetime | None = None
    last_changed_at: datetime | None = None
    version_count: int = 0
    title: str = ""  # latest version's title
    etag: str | None = None
    last_modified: str | None = None
    schedule_policy: str = "newssniffer"


@dataclass(frozen=True)
class Version:
    id: int
    article_id: int
    number: int  # 1-based, in capture order
    captured_at: datetime
    title: str
    paragraphs: tuple[str, ...]
    content_hash: str
    extractor: str
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    # How this version differs from the previous one (None for the first version):
    # see newsdiffs.core.classify. None too for versions stored before classifications
    # were, or whose stored classification can no longer be read.
    significance: float | None = None
    change_kinds: tuple[str, ...] = ()
    classification: Classification | None = None
    # Words inserted/deleted since the previous version (headline, byline and body:
    # newsdiffs.core.word_counts), counted when the version was stored. None for the first
    # version and for versions stored before the counts were (migration 0004).
    words_added: int | None = None
    words_removed: int | None = None


@dataclass(frozen=True)
class NewVersion:
    """A version about to be stored (no id or number yet)."""

    captured_at: datetime
    title: str
    paragraphs: tuple[str, ...]
    content_hash: str
    extractor: str
    raw_html: bytes  # uncompressed; the store compresses it
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    significance: float | None = None
    change_kinds: tuple[str, ...] = ()
    classification: Classification | None = None
    words_added: int | None = None  # newsdiffs.core.word_counts.words_changed
    words_removed: int | None = None

    def stored_as(self, version_id: int, article_id: int, number: int) -> Version:
        """The Version this becomes once stored with ``version_id`` as number ``number``."""
        return Version(
            id=version_id,
            article_id=article_id,
            number=number,
            captured_at=self.captured_at,
            title=self.title,
            paragraphs=self.paragraphs,
            content_hash=self.content_hash,
            extractor=self.extractor,
            byline=self.byline,
            published=self.published,
            updated=self.updated,
            significance=self.significance,
            change_kinds=self.change_kinds,
            classification=self.classification,
            words_added=self.words_added,
            words_removed=self.words_removed,
        )


class EventKind(enum.StrEnum):
    """What happened to an article, besides a new version (``ArticleEvent.kind``)."""

    GONE = "gone"  # answered 404/410
    RETURNED = "returned"  # answered again after being gone
    REDIRECTED = "redirected"  # now redirects to a different article
    URL_REDIRECT = "url_redirect"  # redirects to a new URL of the same article (an alias)
    EXTRACTION_ANOMALY = "extraction_anomaly"  # body collapsed vs history: not stored
    RETIRED = "retired"  # the interval reached the retirement limit: no more checks
    DUPLICATE = "duplicate"  # the page's canonical URL belongs to another article
    LIVE_BLOG = "live_blog"  # the page is a live blog: not tracked as one article
    # Read back for a stored kind this version does not know (written by a newer one):
    # the stored kind is kept at the start of the event's detail. Never written.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """The record of one fetch of an article, whatever it found."""

    article_id: int
    checked_at: datetime
    outcome: CheckOutcome
    http_status: int | None = None
    bytes_received: int = 0
    duration_ms: float = 0.0
    detail: str = ""  # one line: the error, the redirect target, ...


@dataclass(frozen=True)
class ArticleEvent:
    """Something that happened to an article other than a new version."""

    article_id: int
    at: datetime
    kind: EventKind
    detail: str = ""


@dataclass(frozen=True)
class LatestVersionUpdate:
    """A rewrite of the latest version's text, written with the check that decided it.

    Same capture, same number: only its text identity changes, when the stored page
    re-extracted today gives today's text (an extractor upgrade) or when the stored hash
    predates today's hash rule. Applied only while the latest version still has
    ``expected_hash`` (a concurrent check may have moved on).
    """

    expected_hash: str
    content_hash: str
    # None keeps the stored text (only the hash is brought up to date).
    title: str | None = None
    paragraphs: tuple[str, ...] | None = None
    extractor: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """Everything one check writes, in one transaction (newsdiffs.core.decision decides it)."""

    check: Check
    new_version: NewVersion | None = None
    events: tuple[ArticleEvent, ...] = ()
    status: ArticleStatus = ArticleStatus.ACTIVE
    next_check_at: datetime | None = None
    check_interval: timedelta = timedelta(0)
    # Validators: by default None keeps the stored value. With replace_validators they are
    # written as given (None clears): validators belong to the URL that sent them.
    etag: str | None = None
    last_modified: str | None = None
    replace_validators: bool = False
    aliases: tuple[str, ...] = ()  # more URLs of this article (redirect target, canonical)
    # The article has no version and is the same as this one: it is merged into it (its URLs
    # become that article's aliases, the check and events are recorded there, its row goes).
    merge_into: int | None = None
    latest_update: LatestVersionUpdate | None = None
