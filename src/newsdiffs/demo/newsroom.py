"""``DemoNewsroom``: The Daily Demo served on 127.0.0.1, on a controllable clock, with the truth.

>>> from datetime import UTC, datetime
>>> from newsdiffs.clock import FastClock
>>> clock = FastClock(datetime(2026, 3, 2, 6, tzinfo=UTC), speed=3000)
>>> with DemoNewsroom(clock, n_articles=30) as newsroom:  # doctest: +SKIP
...     track(newsroom.source())                          # 90 s real = 75 sim hours
...     print(newsroom.score(recorded_versions))

The newsroom reads ``clock.now()`` on every request; see :mod:`newsdiffs.demo.timeline` for
what happens when. Its log holds one :class:`ServedEntry` per article-page response.
"""

from __future__ import annotations

import itertools
import threading
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from urllib.parse import urlsplit

from newsdiffs.clock import Clock
from newsdiffs.demo.server import LoopbackServer
from newsdiffs.demo.site import DemoSite, SiteResponse
from newsdiffs.demo.templates import SITE_NAME
from newsdiffs.demo.timeline import NewsroomTimeline, build_timeline
from newsdiffs.demo.truth import Score, ServedEntry, expected_versions, score
from newsdiffs.errors import ConfigError
from newsdiffs.models import DiscoveryKind, Endpoint, Source

SOURCE_NAME = "demo"
POLL_INTERVAL = timedelta(minutes=15)
# Searched in a URL: what an article link of The Daily Demo looks like.
ARTICLE_LINK_PATTERN = r"/news/\d{4}/\d{2}/\d{2}/[a-z0-9-]+"


def site_source(name: str, base: str, title: str) -> Source:
    """A demo site at ``base`` as a newsdiffs source: RSS, Atom, news sitemap, front page."""
    return Source(
        name=name,
        home_url=f"{base}/",
        title=title,
        endpoints=(
            Endpoint(f"{base}/feeds/rss.xml", DiscoveryKind.FEED, POLL_INTERVAL),
            Endpoint(f"{base}/feeds/atom.xml", DiscoveryKind.FEED, POLL_INTERVAL),
            Endpoint(f"{base}/sitemap-news.xml", DiscoveryKind.SITEMAP, POLL_INTERVAL),
            Endpoint(f"{base}/", DiscoveryKind.FRONTPAGE, POLL_INTERVAL, ARTICLE_LINK_PATTERN),
        ),
        include_patterns=(ARTICLE_LINK_PATTERN,),
    )


class DemoNewsroom:
    """A local news site whose articles change over (sim) time, and which knows the truth."""

    def __init__(
        self, clock: Clock, n_articles: int = 30, seed: int = 7, *, steady_noise: bool = False
    ) -> None:
        """``steady_noise``: the same page at the same sim time is the same bytes (its
        noise drawn from the URL and the time, not from the request), like a server behind
        a cache. By default every request gets fresh noise, like a dynamic page."""
        self.clock = clock
        self.seed = seed
        self.steady_noise = steady_noise
        epoch = clock.now().replace(microsecond=0)
        self.timeline: NewsroomTimeline = build_timeline(epoch, n_articles, seed)
        self._log: list[ServedEntry] = []
        self._lock = threading.Lock()
        self._requests = itertools.count()
        self._server: LoopbackServer | None = None
        self._site: DemoSite | None = None
        self._stopped = False

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving (idempotent); returns the base URL, e.g. ``http://127.0.0.1:41234``.

        A stopped newsroom cannot be restarted: its log and URLs belong to the old port.
        """
        if self._stopped:
            raise ConfigError("this demo newsroom was stopped; create a new one")
        if self._server is None:
            server = LoopbackServer(self._respond)
            self._site = DemoSite(self.timeline, server.base_url)
            self._server = server
            server.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving. The log, base URL and truth stay available for scoring."""
        if self._server is not None and not self._stopped:
            self._server.stop()
        self._stopped = True

    def __enter__(self) -> DemoNewsroom:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._site is None:
            raise ConfigError("the demo newsroom has not been started")
        return self._site.base_url

    # --- what trackers see ------------------------------------------------------------------

    def source(self) -> Source:
        """The newsroom as a newsdiffs source: RSS, Atom, news sitemap and front page."""
        return site_source(SOURCE_NAME, self.base_url, SITE_NAME)

    def canonical_url(self, path_or_url: str) -> str:
        """The canonical article URL for a path or URL: absolute, no query, no fragment."""
        parts = urlsplit(path_or_url)
        path = parts.path if parts.path.startswith("/") else f"/{parts.path}"
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}{path}"
        return f"{self.base_url}{path}"

    def article_urls(self) -> list[str]:
        """Canonical URLs of every article, published yet or not, in publication order."""
        return [self.canonical_url(article.path) for article in self.timeline.articles]

    # --- the truth --------------------------------------------------------------------------

    @property
    def log(self) -> tuple[ServedEntry, ...]:
        """Every article-page response so far, in the order they were served."""
        with self._lock:
            return tuple(self._log)

    def expected_versions(self) -> dict[str, list[ServedEntry]]:
        """Per canonical URL, the served entries a perfect tracker would have stored."""
        return expected_versions(self.log)

    def score(self, recorded: Mapping[str, Sequence[datetime]]) -> Score:
        """Score a tracker's versions (canonical URL -> captured_at times) against the log."""
        return score(self.log, recorded)

    # --- serving ----------------------------------------------------------------------------

    def _respond(self, target: str, if_none_match: str | None) -> SiteResponse:
        site = self._site
        if site is None:  # pragma: no cover - the server starts after the site exists
            raise ConfigError("the demo newsroom has not been started")
        now = self.clock.now()
        if self.steady_noise:
            noise_seed = zlib.crc32(f"{self.seed} {target} {now.isoformat()}".encode())
        else:
            with self._lock:
                noise_seed = self.seed * 1_000_003 + next(self._requests)
        response = site.respond(target, now, noise_seed, if_none_match)
        if response.served is not None:
            with self._lock:
                self._log.append(response.served)
        return response
