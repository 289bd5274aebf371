"""The many-outlet newsroom: hundreds of demo outlets, each on its own loopback host.

>>> clock = FastClock(datetime(2026, 3, 2, 6, tzinfo=UTC), speed=3000)
>>> with MultiNewsroom(clock, outlets=50, latency_s=0.1,
...                    rate_limit=RateLimit(min_interval_s=0.05)) as room:  # doctest: +SKIP
...     track(room.sources())
...     print(room.score(recorded_versions), violations(room.requests()))

Outlet ``i`` (from 1) is a whole Daily Demo (:mod:`newsdiffs.demo.site`) with its own
stories (timeline seed derived from ``seed`` and ``i``), feeds and sitemap, served at
``http://127.0.0.<i+1>:<port>/``: one port for all, one address per outlet, so a client's
per-host politeness sees each outlet as a host of its own. On top of the single-site demo:

- ``latency_s``: every answered request waits that long (``asyncio.sleep``, no CPU) before
  its response is written, like a distant server;
- ``rate_limit``: a :class:`RateLimit` per host; a request breaking it gets 429 with
  Retry-After at once (:mod:`newsdiffs.demo.ratelimit`);
- ``heavy``: article pages wrapped in 100–500 KB of real page chrome
  (:mod:`newsdiffs.demo.heavy`);
- the request log: every request with host, path, monotonic and sim time, status and any
  rate-limit violation (:mod:`newsdiffs.demo.requestlog`), in memory and optionally as JSONL;
- :meth:`MultiNewsroom.hold`: article requests to chosen hosts parked unanswered until
  released, then refused with 503 and nothing served: a test catches a client mid-fetch.

The truth is the single-site newsroom's: one :class:`ServedEntry` per article-page response,
across all outlets (article URLs carry their host, so they never collide), scored by
:func:`newsdiffs.demo.truth.score`.

Run it on its own (for a tracker in other processes)::

    python -m newsdiffs.demo.multi --outlets 50 --latency-ms 100 --for 600
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from newsdiffs.clock import Clock, FastClock
from newsdiffs.demo.heavy import ChromeLibrary
from newsdiffs.demo.multiserver import MultiHostServer, loopback_hosts
from newsdiffs.demo.newsroom import site_source
from newsdiffs.demo.ratelimit import HostLimiter, RateLimit
from newsdiffs.demo.requestlog import (
    SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    RequestLog,
    RequestRecord,
    is_article_path,
)
from newsdiffs.demo.site import DemoSite, SiteResponse
from newsdiffs.demo.timeline import NewsroomTimeline, build_timeline
from newsdiffs.demo.truth import Score, ServedEntry, expected_versions, score
from newsdiffs.errors import ConfigError
from newsdiffs.models import Source
from newsdiffs.sources_file import dump_sources

# How often a parked request looks whether its hold was released (real seconds).
HOLD_POLL_S = 0.02


class Hold:
    """Article-page requests to ``hosts`` parked without an answer until :meth:`release`.

    A parked request has arrived (its client sent it and waits on the socket: a check in
    flight, its claim held) and nothing was served, so the truth has no entry for it; once
    released it is refused with 503 and logged as held. A test kills a client while
    :meth:`wait_for_request` says one is parked: a kill provably mid-fetch, that lost
    nothing the newsroom counts as served. Requests arriving after the release are
    answered as usual.
    """

    def __init__(self, hosts: Iterable[str]) -> None:
        self.hosts = frozenset(hosts)
        self._released = threading.Event()
        self._first = threading.Event()
        self._lock = threading.Lock()
        self._parked: list[RequestRecord] = []

    def catches(self, host: str, path: str) -> bool:
        return not self._released.is_set() and host in self.hosts and is_article_path(path)

    def wait_for_request(self, timeout_s: float) -> bool:
        """Whether a request was parked (now or before) within ``timeout_s``."""
        return self._first.wait(timeout_s)

    @property
    def parked(self) -> tuple[RequestRecord, ...]:
        """Every request parked so far (status 503, ``held``)."""
        with self._lock:
            return tuple(self._parked)

    def release(self) -> None:
        self._released.set()

    async def park(self, record: RequestRecord) -> None:
        """Wait (on the server's loop) until released."""
        with self._lock:
            self._parked.append(record)
        self._first.set()
        while not self._released.is_set():
            await asyncio.sleep(HOLD_POLL_S)


@dataclass(frozen=True)
class Outlet:
    number: int  # 1-based
    host: str
    timeline: NewsroomTimeline
    limiter: HostLimiter

    @property
    def name(self) -> str:
        return f"outlet-{self.number:03d}"

    @property
    def title(self) -> str:
        return f"Demo Outlet {self.number}"


class MultiNewsroom:
    """Many demo outlets on loopback hosts, a request log and the truth across all of them."""

    def __init__(
        self,
        clock: Clock,
        outlets: int = 50,
        articles_per_outlet: int = 20,
        seed: int = 7,
        *,
        latency_s: float = 0.0,
        rate_limit: RateLimit = RateLimit(),  # noqa: B008 - frozen, so safe to share
        heavy: bool = False,
        steady_noise: bool = False,
        port: int = 0,
        request_log: Path | None = None,
        keep_requests: bool = True,
    ) -> None:
        """``request_log``: also append every request to this JSONL file as it is answered.
        ``keep_requests=False`` keeps no request records in memory (long benchmarks)."""
        if outlets < 1:
            raise ConfigError(f"the newsroom needs at least one outlet, not {outlets}")
        if latency_s < 0:
            raise ConfigError(f"server latency cannot be negative ({latency_s} s)")
        self.clock = clock
        self.seed = seed
        self.latency_s = latency_s
        self.rate_limit = rate_limit
        self.steady_noise = steady_noise
        epoch = clock.now().replace(microsecond=0)
        self.outlets = tuple(
            Outlet(
                number=number,
                host=host,
                timeline=build_timeline(epoch, articles_per_outlet, _outlet_seed(seed, number)),
                limiter=HostLimiter(rate_limit),
            )
            for number, host in enumerate(loopback_hosts(outlets), start=1)
        )
        self._by_host = {outlet.host: outlet for outlet in self.outlets}
        self._chrome = ChromeLibrary(seed=seed) if heavy else None
        self._requests = RequestLog(request_log, keep_in_memory=keep_requests)
        self._served: list[ServedEntry] = []
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._sites: dict[str, DemoSite] = {}
        self._server = MultiHostServer([o.host for o in self.outlets], self._answer, port)
        self._hold: Hold | None = None
        self._state = "new"

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Bind every host and start serving (idempotent; a stopped newsroom stays stopped)."""
        if self._state == "stopped":
            raise ConfigError("this newsroom was stopped; create a new one")
        if self._state == "serving":
            return
        self._server.bind()
        for outlet in self.outlets:
            wrap = self._chrome.for_outlet(outlet.number - 1).wrap if self._chrome else None
            self._sites[outlet.host] = DemoSite(outlet.timeline, self.base_url(outlet), wrap)
        self._server.start()
        self._state = "serving"

    def stop(self) -> None:
        """Stop serving. Logs and truth stay available."""
        if self._state == "serving":
            self._server.stop()
        self._requests.close()
        self._state = "stopped"

    def __enter__(self) -> MultiNewsroom:
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
    def port(self) -> int:
        if self._state == "new":
            raise ConfigError("the newsroom has not been started")
        return self._server.port

    # --- what trackers see -------------------------------------------------------------------

    def base_url(self, outlet: Outlet) -> str:
        return self._server.base_url(outlet.host)

    def sources(self) -> list[Source]:
        return [site_source(o.name, self.base_url(o), o.title) for o in self.outlets]

    def canonical_url(self, url: str) -> str:
        """An article URL without query or fragment."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def article_urls(self) -> list[str]:
        """Canonical URLs of every article of every outlet, published yet or not."""
        return [
            f"{self.base_url(outlet)}{article.path}"
            for outlet in self.outlets
            for article in outlet.timeline.articles
        ]

    def hold(self, hosts: Iterable[str]) -> Hold:
        """Park article requests to ``hosts`` from now until the hold's release (see
        :class:`Hold`). A new hold releases the one before."""
        hold = Hold(hosts)
        unknown = hold.hosts - set(self._by_host)
        if unknown:
            raise ConfigError(f"not hosts of this newsroom: {sorted(unknown)}")
        previous, self._hold = self._hold, hold
        if previous is not None:
            previous.release()
        return hold

    # --- the truth and the record ------------------------------------------------------------

    @property
    def log(self) -> tuple[ServedEntry, ...]:
        """Every article-page response so far, across all outlets."""
        with self._lock:
            return tuple(self._served)

    def expected_versions(self) -> dict[str, list[ServedEntry]]:
        return expected_versions(self.log)

    def score(self, recorded: Mapping[str, Sequence[datetime]]) -> Score:
        """Score a tracker's versions (canonical URL -> captured_at times) against the log."""
        return score(self.log, recorded)

    def requests(self) -> tuple[RequestRecord, ...]:
        """Every request so far (empty when created with ``keep_requests=False``)."""
        return self._requests.records()

    def write_requests(self, path: Path) -> None:
        self._requests.write_jsonl(path)

    # --- serving (on the server's event loop) -----------------------------------------------

    async def _answer(self, host: str, target: str, if_none_match: str | None) -> SiteResponse:
        started = time.monotonic()
        now = self.clock.now()
        path = urlsplit(target).path or "/"
        outlet = self._by_host[host]
        admission = outlet.limiter.admit(started)
        if not admission.admitted:
            self._requests.add(
                RequestRecord(host, path, started, now, TOO_MANY_REQUESTS, admission.violation)
            )
            headers = (("Retry-After", str(admission.retry_after_s)),)
            return SiteResponse(TOO_MANY_REQUESTS, "text/plain", b"slow down\n", headers)
        hold = self._hold
        if hold is not None and hold.catches(host, path):
            held = RequestRecord(host, path, started, now, SERVICE_UNAVAILABLE, held=True)
            try:
                await hold.park(held)
            finally:
                outlet.limiter.release()
            self._requests.add(held)
            return SiteResponse(SERVICE_UNAVAILABLE, "text/plain", b"held, then refused\n")
        try:
            if self.latency_s > 0:
                await asyncio.sleep(self.latency_s)
            response = self._sites[host].respond(
                target, now, self._noise_seed(host, target, now), if_none_match
            )
        finally:
            outlet.limiter.release()
        self._requests.add(
            RequestRecord(host, path, started, now, response.status, served=response.served)
        )
        if response.served is not None:
            with self._lock:
                self._served.append(response.served)
        return response

    def _noise_seed(self, host: str, target: str, now: datetime) -> int:
        if self.steady_noise:
            return zlib.crc32(f"{self.seed} {host} {target} {now.isoformat()}".encode())
        return self.seed * 1_000_003 + next(self._counter)


def _outlet_seed(seed: int, number: int) -> int:
    return seed * 100_003 + number


# --- python -m newsdiffs.demo.multi ----------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsdiffs.demo.multi",
        description="Serve many demo outlets on loopback hosts and print their feed URLs.",
    )
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--articles", type=int, default=20, help="articles per outlet")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="one port for all hosts")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--min-interval-ms", type=float, default=0.0, help="per-host rate limit")
    parser.add_argument("--max-in-flight", type=int, default=0, help="per host; 0: no bound")
    parser.add_argument("--heavy", action="store_true", help="100-500 KB real page chrome")
    parser.add_argument("--speed", type=float, default=3000.0, help="sim seconds per second")
    parser.add_argument("--start", default=None, help="sim start, ISO 8601 (default: now)")
    parser.add_argument("--anchor", type=float, default=None, help="monotonic time of --start")
    parser.add_argument("--for", dest="seconds", type=float, default=None, help="then stop")
    parser.add_argument("--log", type=Path, default=None, help="append requests as JSONL")
    parser.add_argument("--sources", type=Path, default=None, help="write a sources TOML")
    args = parser.parse_args(argv)

    start = datetime.fromisoformat(args.start) if args.start else datetime.now(UTC)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    anchor = args.anchor if args.anchor is not None else time.monotonic()
    clock = FastClock(start.replace(microsecond=0), args.speed, anchor)
    room = MultiNewsroom(
        clock,
        outlets=args.outlets,
        articles_per_outlet=args.articles,
        seed=args.seed,
        latency_s=args.latency_ms / 1000.0,
        rate_limit=RateLimit(args.min_interval_ms / 1000.0, args.max_in_flight),
        heavy=args.heavy,
        port=args.port,
        request_log=args.log,
        keep_requests=False,
    )
    with room:
        if args.sources:
            args.sources.write_text(dump_sources(room.sources()), encoding="utf-8")
        print(
            f"# {args.outlets} outlets on port {room.port}; sim start {clock.start.isoformat()}"
            f" speed {args.speed:g} anchor {anchor!r}",
            flush=True,
        )
        for source in room.sources():
            print(source.endpoints[0].url, flush=True)
        try:
            if args.seconds is None:
                threading.Event().wait()
            else:
                time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
    print(f"# served {len(room.log)} article pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
