"""The :class:`Fetcher`: polite, size-capped, SSRF-guarded async HTTP GETs.

One ``fetch`` is a loop of *attempts*; each attempt follows redirects by hand, and each hop
passes the SSRF guard, robots.txt and the host's politeness gate before a request is sent.
Every network condition ends as a :class:`FetchResult`; nothing here raises for one.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import TracebackType

import httpx

from newsdiffs.errors import FetchError
from newsdiffs.fetching.addresses import HostVerdicts, Resolver, system_resolver
from newsdiffs.fetching.network import asyncio_transport
from newsdiffs.fetching.politeness import HostGates, Slot
from newsdiffs.fetching.response import Hop, read_response
from newsdiffs.fetching.result import FetchOutcome, FetchResult, FetchSettings
from newsdiffs.fetching.retry import backoff_delay
from newsdiffs.fetching.robots import RobotsCache

# httpcore's trace event once a request's line and headers went to the socket.
SENT_EVENT = "http11.send_request_headers.complete"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def accept_encoding() -> str:
    """gzip and deflate always; br only when httpx can decode it."""
    has_brotli = any(importlib.util.find_spec(name) for name in ("brotli", "brotlicffi"))
    return "gzip, deflate, br" if has_brotli else "gzip, deflate"


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~0.2 s; do it once per process, not once per Fetcher."""
    return httpx.create_ssl_context()


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since, skipping values no HTTP header could carry."""
    headers: dict[str, str] = {}
    if etag and _is_header_safe(etag):
        headers["If-None-Match"] = etag
    if last_modified and _is_header_safe(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers


def _is_header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _url_problem(url: httpx.URL) -> str | None:
    if url.scheme not in ("http", "https"):
        return f"not an absolute http(s) URL: {str(url)[:200]!r}"
    if not url.host:
        return f"URL has no host: {str(url)[:200]!r}"
    return None


def _ascii_host(url: httpx.URL) -> str:
    """The host as sent on the wire (IDNA/punycode), for DNS and per-host keys."""
    return url.raw_host.decode("ascii", errors="replace").lower()


@functools.lru_cache(maxsize=16_384)  # ~0.5 KB each: at most ~8 MB
def _parsed_url(url: str) -> httpx.URL:
    """httpx.URL(url), remembered: a tracker asks for the same URLs again and again, and
    httpx validates a URL character by character (about a tenth of a 304 check's CPU)."""
    return httpx.URL(url)


def _sent_reporter(slot: Slot) -> Callable[[str, dict[str, object]], Awaitable[None]]:
    """An httpcore ``trace`` callback telling ``slot`` when the request headers are sent."""

    async def trace(event: str, info: dict[str, object]) -> None:
        if event == SENT_EVENT:
            slot.sent()

    return trace


def _loop_key(url: httpx.URL) -> str:
    return str(url).partition("#")[0]


class Fetcher:
    """Async context manager; ``await fetcher.fetch(url)`` never raises for the network.

    ``transport`` replaces the network (``httpx.MockTransport`` in tests); ``resolver``
    replaces DNS for the SSRF guard (defaults to the event loop's getaddrinfo).
    """

    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),  # noqa: B008 - frozen, so safe to share
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._verdicts = HostVerdicts(resolver or system_resolver)
        self._http: httpx.AsyncBaseTransport | None = None
        self._cookies = httpx.Cookies()
        self._has_cookies = False  # the jar's own len() walks every cookie
        self._base_headers = (
            ("User-Agent", settings.user_agent),
            ("Accept", ACCEPT),
            ("Accept-Encoding", accept_encoding()),
        )
        self._gates = HostGates(settings.per_host_concurrency, settings.per_host_delay_s)
        self._robots = RobotsCache(self._fetch_robots, settings.robots_ttl_s)

    async def __aenter__(self) -> Fetcher:
        # Requests go straight to httpx's transport: redirects, robots.txt and politeness
        # are ours (per hop), so the client layer's redirect and auth machinery only cost
        # CPU. Cookies are kept as a browser would (consent and paywall walls redirect in
        # circles without them), in a jar touched only when a site sets one. No proxies
        # from the environment: they would bypass the SSRF guard.
        transport = self._transport or asyncio_transport(
            shared_ssl_context(), max(1, self.settings.per_host_concurrency)
        )
        await transport.__aenter__()
        self._http = transport
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url``; conditional when ``etag``/``last_modified`` are given."""
        if self._http is None:
            raise FetchError("Fetcher used outside 'async with Fetcher(...)'")
        started = time.monotonic()
        settings = self.settings
        headers = conditional_headers(etag, last_modified)
        attempts = 0
        while True:
            attempts += 1
            hop = await self._follow(url, headers, settings.max_bytes, settings.respect_robots)
            if (
                hop.outcome is FetchOutcome.NOT_MODIFIED
                and not hop.redirects  # the validators given are ``url``'s, not a target's
                and not (hop.etag and hop.last_modified)
            ):
                hop = replace(
                    hop, etag=hop.etag or etag, last_modified=hop.last_modified or last_modified
                )
            if not hop.retryable or attempts > settings.retries:
                return hop.to_result(url, started, attempts)
            if hop.retry_after_s is not None and hop.retry_after_s > settings.max_retry_after_s:
                detail = f"{hop.detail}; Retry-After {hop.retry_after_s:.0f} s is over the cap"
                return replace(hop, detail=detail).to_result(url, started, attempts)
            await asyncio.sleep(
                backoff_delay(settings.backoff_base_s, attempts - 1, hop.retry_after_s)
            )

    async def _fetch_robots(self, robots_url: str) -> FetchResult:
        started = time.monotonic()
        hop = await self._follow(robots_url, {}, self.settings.robots_max_bytes, False)
        return hop.to_result(robots_url, started, 1)

    async def _follow(
        self, url: str, conditional: dict[str, str], max_bytes: int, check_robots: bool
    ) -> Hop:
        """One attempt: request ``url`` and follow its redirects by hand.

        The ``conditional`` headers go to ``url`` only: its validators say nothing of a
        redirect target, whose 304 to them would be read as "not modified".
        """
        headers = conditional
        try:
            current = _parsed_url(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            return Hop(url, FetchOutcome.NETWORK_ERROR, f"invalid URL: {_one_line(exc)}")
        redirects: list[str] = []
        seen: set[str] = set()  # filled on the first redirect: most fetches have none
        while True:
            hop = await self._one_hop(current, headers, max_bytes, check_robots)
            if redirects:
                hop = replace(hop, redirects=tuple(redirects))
            if hop.location is None:
                return hop
            if not seen:
                seen.add(_loop_key(current))
            try:
                target = current.join(hop.location)
            except (httpx.InvalidURL, TypeError, ValueError) as exc:
                detail = f"bad redirect Location {hop.location[:200]!r}: {_one_line(exc)}"
                return replace(hop, outcome=FetchOutcome.HTTP_ERROR, detail=detail, location=None)
            if _loop_key(target) in seen:
                detail = f"redirect loop: {current} -> {target} was already visited"
                return replace(
                    hop, outcome=FetchOutcome.REDIRECT_LOOP, detail=detail, location=None
                )
            if len(redirects) >= self.settings.max_redirects:
                detail = f"more than {self.settings.max_redirects} redirects (next: {target})"
                return replace(
                    hop, outcome=FetchOutcome.TOO_MANY_REDIRECTS, detail=detail, location=None
                )
            seen.add(_loop_key(target))
            redirects.append(str(target))
            current = target
            headers = {}

    async def _one_hop(
        self, url: httpx.URL, headers: dict[str, str], max_bytes: int, check_robots: bool
    ) -> Hop:
        """Guard, then send one request to ``url`` (no redirect following)."""
        problem = _url_problem(url)
        if problem is not None:
            return Hop(str(url), FetchOutcome.NETWORK_ERROR, problem)
        refusal = await self._address_refusal(url)
        if refusal is not None:
            return refusal
        gate = self._gates.for_host(_ascii_host(url))
        if check_robots:
            rules = await self._robots.rules_for(url)
            token = self.settings.robots_token
            delay = rules.crawl_delay(token)
            if delay is not None:
                gate.raise_delay(min(delay, self.settings.max_crawl_delay_s))
            if not rules.allows(str(url), token):
                detail = f"robots.txt of {url.host} disallows this URL for {token!r}"
                return Hop(str(url), FetchOutcome.ROBOTS_DISALLOWED, detail)
        async with gate.slot() as slot:
            return await self._send(url, headers, max_bytes, slot)

    async def _address_refusal(self, url: httpx.URL) -> Hop | None:
        """The SSRF guard: a refusal for non-public hosts, None when the host may be asked."""
        if self.settings.allow_private_addresses:
            return None
        port = url.port or (443 if url.scheme == "https" else 80)
        verdict = await self._verdicts.check(_ascii_host(url), port)
        if verdict.allowed:
            return None
        if not verdict.resolved:  # DNS failure: a network error, worth retrying
            return Hop(str(url), FetchOutcome.NETWORK_ERROR, verdict.detail, retryable=True)
        return Hop(str(url), FetchOutcome.BLOCKED_ADDRESS, verdict.detail)

    async def _send(
        self, url: httpx.URL, headers: dict[str, str], max_bytes: int, slot: Slot
    ) -> Hop:
        http = self._http
        if http is None:
            raise FetchError("Fetcher used outside 'async with Fetcher(...)'")
        text = str(url)
        timeout_s = self.settings.timeout_s
        request = httpx.Request("GET", url, headers=[*self._base_headers, *headers.items()])
        if self._has_cookies:
            self._cookies.set_cookie_header(request)
        if self._transport is None:
            # httpcore reports when the request line and headers are written: politeness
            # counts the gap to this host's next request from then.
            request.extensions["trace"] = _sent_reporter(slot)
        else:
            slot.sent()  # a transport of the caller's: handing the request over is sending
        try:
            # One deadline for the whole exchange (connect, headers, body): a server that
            # trickles bytes cannot hold a check longer than timeout_s.
            async with asyncio.timeout(timeout_s):
                response = await http.handle_async_request(request)
                try:
                    if "set-cookie" in response.headers:
                        response.request = request
                        self._cookies.extract_cookies(response)
                        self._has_cookies = True
                    return await read_response(text, response, max_bytes)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException) as exc:
            detail = f"timed out after {timeout_s:g} s ({type(exc).__name__})"
            return Hop(text, FetchOutcome.TIMEOUT, detail, retryable=True)
        except httpx.UnsupportedProtocol as exc:
            return Hop(text, FetchOutcome.NETWORK_ERROR, _one_line(exc))
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            return Hop(text, FetchOutcome.NETWORK_ERROR, _one_line(exc), retryable=True)
