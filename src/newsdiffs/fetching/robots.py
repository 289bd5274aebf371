"""robots.txt rules per scheme+host, cached.

Choices (RFC 9309 leaves some to the crawler):

- 2xx: parsed with protego and matched against the user agent's product token.
- 4xx (including 401/403): no usable robots.txt, everything allowed (RFC 9309 §2.3.1.3).
- 5xx, timeout, network error, oversize: *allowed*, and cached only briefly
  (``UNAVAILABLE_TTL_S``) so rules are picked up soon after the server recovers. RFC 9309
  says to assume full disallow; for a tool re-reading articles it has already read, the
  per-host delay is the politeness that matters, and a flaky robots.txt should not make
  every article look blocked.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from newsdiffs.fetching.result import FetchOutcome, FetchResult

UNAVAILABLE_TTL_S = 300.0

RobotsFetch = Callable[[str], Awaitable[FetchResult]]


@dataclass(frozen=True)
class RobotsRules:
    parser: Protego | None  # None: everything allowed
    expires_at: float  # time.monotonic() deadline
    note: str  # why these rules, for error details

    def allows(self, url: str, token: str) -> bool:
        return self.parser is None or bool(self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(token)
        return None if delay is None else float(delay)


def robots_url_for(url: httpx.URL) -> str:
    return str(url.copy_with(path="/robots.txt", query=None, fragment=None))


def origin_key(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.host.lower()}:{url.port or ''}"


def rules_from_result(result: FetchResult, ttl_s: float, now: float) -> RobotsRules:
    """Interpret a robots.txt fetch (see the module docstring for the choices)."""
    if result.outcome is FetchOutcome.OK:
        text = result.body.decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text), now + ttl_s, "robots.txt")
    status = result.status
    if status is not None and 400 <= status < 500:
        return RobotsRules(None, now + ttl_s, f"robots.txt HTTP {status}: all allowed")
    brief_ttl = min(ttl_s, UNAVAILABLE_TTL_S)
    return RobotsRules(None, now + brief_ttl, f"robots.txt unavailable ({result.detail})")


class RobotsCache:
    """Fetches each origin's robots.txt at most once per TTL, even under concurrency."""

    def __init__(self, fetch: RobotsFetch, ttl_s: float) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _fresh(self, key: str) -> RobotsRules | None:
        cached = self._rules.get(key)
        return cached if cached is not None and cached.expires_at > time.monotonic() else None

    async def rules_for(self, url: httpx.URL) -> RobotsRules:
        key = origin_key(url)
        cached = self._fresh(key)
        if cached is not None:
            return cached  # the common case: no lock to take
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._fresh(key)  # another task may have fetched it meanwhile
            if cached is not None:
                return cached
            result = await self._fetch(robots_url_for(url))
            rules = rules_from_result(result, self._ttl_s, time.monotonic())
            self._rules[key] = rules
            return rules
