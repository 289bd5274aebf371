"""HTTP caching for pages, feeds and the API: ETag, Last-Modified, 304s and Cache-Control.

One ASGI middleware (:class:`HttpCaching`), outermost but for the security headers:

- The validators come from what a response depends on, read before the route runs
  (:mod:`newsdiffs.storage.freshness`: one small query; the site-wide one is kept a
  second, :class:`_KeptStamp`), so a matching ``If-None-Match``
  (or, without one, ``If-Modified-Since``) is answered ``304 Not Modified`` without
  rendering anything. The ETag is weak: a hash of that stamp, the path and query, and the
  app's version. HTML pages also carry the current 10-minute slot in their ETag: they say
  "3 hours ago" and show footer totals, which age without a write.
- The statistics pages are drawn from a report kept in memory and refreshed in the
  background (``web/stats_cache``): their validator is a hash of the body, after rendering.
- ``Cache-Control``: a minute for lists, feeds and articles; ten minutes for a stored
  version or a diff of two (they change only when the article is hidden or gets a version:
  ten minutes bounds how long a shared cache may still show a hidden one); ``private,
  no-store`` for admin pages and the admin API; ``no-store`` for health and for every
  response that is not a 200 (errors, 410 for hidden articles, redirects).
- A 200 that carries such an ETag is kept in memory under it (:class:`_Rendered`, a
  bounded LRU per process): the next request for the same unchanged page, with or without
  a validator, is answered without rendering.
- ``HEAD`` is answered for every ``GET`` route: the route runs as a ``GET``, the body is
  dropped.

Only GET and HEAD are touched. ``/static`` keeps Starlette's own validators and gets an hour.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdiffs import __version__
from newsdiffs.errors import StorageError
from newsdiffs.storage.freshness import Stamp, article_stamp, site_stamp, version_stamp
from newsdiffs.web.api import API_PREFIX

LISTS = "public, max-age=60"
STORED = "public, max-age=600"
STATIC = "public, max-age=3600"
ADMIN = "private, no-store"
NEVER = "no-store"
HTML_SLOT_S = 600
SITE_STAMP_TTL_S = 1.0
RENDERED_MAX_BYTES = 32 * 1024 * 1024  # per worker process

_ID = r"(\d{1,18})"
_ARTICLE = re.compile(
    rf"(?:{API_PREFIX})?/articles/{_ID}(/diff/\d+/\d+(?:\.png)?|/versions/\d+|/changes\.\w+)?"
)
_VERSION = re.compile(rf"(?:{API_PREFIX})?/versions/{_ID}")
_STATS = re.compile(rf"(?:{API_PREFIX})?(?:/sources/[^/]+)?/stats(?:\.csv)?")
_ADMIN = ("/admin", f"{API_PREFIX}/admin")
_UNCACHED = ("/healthz",)

Stamper = Callable[[Any], Stamp | None]  # (engine) -> what the response depends on


@dataclass(frozen=True)
class Policy:
    cache_control: str
    stamper: Stamper | None = None  # None: no validator before rendering
    body_etag: bool = False  # validate on a hash of the rendered body
    html: bool = False  # an HTML page: its ETag changes every HTML_SLOT_S too


def policy_for(path: str) -> Policy | None:
    """How a GET of ``path`` is cached; None leaves it alone (static files)."""
    if path.startswith("/static/"):
        return None
    if path.startswith(_ADMIN):
        return Policy(ADMIN)
    if path in _UNCACHED:
        return Policy(NEVER)
    html = not path.startswith(API_PREFIX) and "." not in path.rsplit("/", 1)[-1]
    if _STATS.fullmatch(path):
        return Policy(LISTS, body_etag=True)
    if match := _ARTICLE.fullmatch(path):
        article_id, rest = int(match[1]), match[2] or ""
        if rest.startswith(("/diff/", "/versions/")):
            return Policy(STORED, lambda e: article_stamp(e, article_id, checks=False), html=html)
        checks = not rest  # the article itself shows its checks; its feed does not
        return Policy(LISTS, lambda e: article_stamp(e, article_id, checks), html=html)
    if match := _VERSION.fullmatch(path):
        version_id = int(match[1])
        return Policy(STORED, lambda e: version_stamp(e, version_id), html=html)
    return Policy(LISTS, site_stamp, html=html)


def etag_of(*parts: Hashable) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): the W/ prefix is ignored on both sides. ``*`` is
    not taken as a match: whether the page exists is known only once the route has run."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def not_modified_since(if_modified_since: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None

    def fresh_for(self, request: Headers) -> bool:
        """The client's copy is current: 304. If-None-Match wins over If-Modified-Since."""
        if (if_none_match := request.get("if-none-match")) is not None:
            return matches(if_none_match, self.etag)
        since = request.get("if-modified-since")
        return (
            since is not None
            and self.last_modified is not None
            and not_modified_since(since, self.last_modified)
        )

    def headers(self) -> list[tuple[bytes, bytes]]:
        found = [(b"etag", self.etag.encode())]
        if self.last_modified is not None:
            found.append((b"last-modified", http_date(self.last_modified).encode()))
        return found


class _KeptStamp:
    """The site stamp, read at most once every ``ttl`` seconds (per process).

    Counting hidden articles scans the articles (no index on status): 1.0 ms at 10,000
    articles, so about 10 ms at 100,000 (the id lookups take 0.03 ms). Kept a second, that
    is at most 1 % of a core however many requests come, and a validator is at most a
    second behind a write (the stamp is always read before the page, so a page is never
    older than its ETag).
    """

    def __init__(self, ttl: float | None = None) -> None:
        self.ttl = SITE_STAMP_TTL_S if ttl is None else ttl
        self._kept: tuple[float, Any, Stamp] | None = None

    def forget(self) -> None:
        self._kept = None

    def get(self, engine: Any) -> Stamp:
        kept, now = self._kept, time.monotonic()
        if kept is not None and kept[1] is engine and now - kept[0] < self.ttl:
            return kept[2]
        stamp = site_stamp(engine)
        self._kept = (now, engine, stamp)
        return stamp


class HttpCaching:
    """The ASGI middleware; reads the store from ``scope["app"].state.context``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.site = _KeptStamp()
        self.rendered = _Rendered()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("GET", "HEAD"):
            if scope["type"] == "http":
                self.site.forget()  # an admin write through this app shows at once
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"])
        if policy is None:
            await self.app(scope, receive, _with_cache_control(send, STATIC))
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        request = Headers(scope=scope)
        validators = await self._validators(scope, policy)
        if validators is not None and validators.fresh_for(request):
            await _not_modified(send, validators, policy.cache_control)
            return
        if validators is not None and (kept := self.rendered.get(validators.etag)) is not None:
            headers, body = kept
            await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
            await send({"type": "http.response.body", "body": b"" if head else body})
            return
        reply = _Reply(send, policy, validators, request, head, self.rendered)
        await self.app(scope, receive, reply.send)

    async def _validators(self, scope: Scope, policy: Policy) -> Validators | None:
        if policy.stamper is None:
            return None
        context = scope["app"].state.context
        engine = getattr(context.store, "engine", None)
        if engine is None:  # not a SQL store: no validators, the route answers
            return None
        stamper = self.site.get if policy.stamper is site_stamp else policy.stamper
        try:
            stamp = await anyio.to_thread.run_sync(stamper, engine)
        except StorageError:
            return None  # the route meets the same error and answers 503
        if stamp is None:
            return None
        slot = int(context.clock.now().timestamp()) // HTML_SLOT_S if policy.html else None
        query = scope.get("query_string", b"")
        return Validators(
            etag_of(__version__, scope["path"], query, stamp.key, slot), stamp.last_modified
        )


async def _not_modified(send: Send, validators: Validators, cache_control: str) -> None:
    headers = [*validators.headers(), (b"cache-control", cache_control.encode())]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _with_cache_control(send: Send, value: str) -> Send:
    """``value`` on a 200 or 304 that has no Cache-Control of its own."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] in (200, 304):
            MutableHeaders(scope=message).setdefault("cache-control", value)
        await send(message)

    return sending


class _Rendered:
    """Rendered 200 responses by ETag, the least recently used dropped past ``max_bytes``.

    An ETag stands for one response (that is what a 304 claims), so a request without a
    validator for a page whose stamp has not changed is answered from memory, as a
    revalidating client would have been. Under 50 readers most front-page, feed and list
    requests repeat within a second; rendering one costs 5 to 20 ms of CPU.
    """

    def __init__(self, max_bytes: int = RENDERED_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, etag: str) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        found = self._items.get(etag)
        if found is not None:
            self._items.move_to_end(etag)
        return found

    def put(self, etag: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if etag in self._items or len(body) > self.max_bytes // 16:
            return
        self._items[etag] = (headers, body)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)


class _Reply:
    """Adds the caching headers to the route's response; buffers it for a body ETag or to
    keep it (:class:`_Rendered`); drops the body of a HEAD."""

    def __init__(
        self,
        send: Send,
        policy: Policy,
        validators: Validators | None,
        request: Headers,
        head: bool,
        rendered: _Rendered,
    ) -> None:
        self._send = send
        self._policy = policy
        self._validators = validators
        self._request = request
        self._head = head
        self._rendered = rendered
        self._start: Message | None = None
        self._body: list[bytes] = []
        self._etag_from_body = self._keep = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._started(message)
        elif message["type"] == "http.response.body" and self._start is not None:
            await self._buffered(message)
        elif message["type"] == "http.response.body" and self._head:
            await self._send({**message, "body": b""})
        else:
            await self._send(message)

    async def _started(self, message: Message) -> None:
        headers = MutableHeaders(scope=message)
        if message["status"] == 304:  # the route validated itself (its own ETag)
            await self._send(message)
            return
        if message["status"] != 200:
            headers["cache-control"] = NEVER
            await self._send(message)
            return
        headers.setdefault("cache-control", self._policy.cache_control)
        if self._validators is not None:  # a route's own validators win
            for name, value in self._validators.headers():
                headers.setdefault(name.decode(), value.decode())
            self._keep = headers["etag"] == self._validators.etag
        self._etag_from_body = self._policy.body_etag and "etag" not in headers
        if self._etag_from_body or self._keep:
            self._start = message  # held until the whole body is here
            return
        await self._send(message)

    async def _buffered(self, message: Message) -> None:
        assert self._start is not None
        self._body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(self._body)
        if self._etag_from_body:
            validators = Validators(etag_of(__version__, hashlib.sha256(body).hexdigest()), None)
            if validators.fresh_for(self._request):
                await _not_modified(self._send, validators, self._policy.cache_control)
                return
            MutableHeaders(scope=self._start)["etag"] = validators.etag
        if self._keep and self._validators is not None:
            self._rendered.put(self._validators.etag, list(self._start["headers"]), body)
        await self._send(self._start)
        await self._send({"type": "http.response.body", "body": b"" if self._head else body})
