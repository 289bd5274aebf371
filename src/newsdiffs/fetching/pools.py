"""One httpcore connection pool per origin, so a request's cost does not grow with hosts.

httpcore's pool walks every connection it holds, several times, on each request and each
response close. Shared by hundreds of hosts, that walk was most of a fetch's CPU (measured
with benchmarks/bench_fetch_hosts.py, 304s at 100 ms server latency: CPU per fetch 0.80,
7.7 and 28 ms at 20, 100 and 500 hosts); one small pool per (scheme, host, port) keeps it
at a fetch's own cost at any host count (0.58, 0.71 and 0.82 ms).

Bounds: each origin's pool holds at most ``connections_per_origin`` connections (the
Fetcher sends ``per_host_concurrency``); a pool idle for ``keepalive_expiry`` seconds is
closed with its connections; and at most ``max_origins`` pools are kept, the least
recently used idle one closed to make room. Pools with a request in flight are never
closed (so the bound can be passed by at most the number of requests in flight).
"""

from __future__ import annotations

import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable
from types import TracebackType

import httpcore

Origin = tuple[bytes, bytes, int | None]

DEFAULT_MAX_ORIGINS = 1024
KEEPALIVE_EXPIRY_S = 5.0  # httpx's default: many servers drop idle connections sooner


class _OriginPool:
    __slots__ = ("in_flight", "last_used", "pool")

    def __init__(self, pool: httpcore.AsyncConnectionPool, now: float) -> None:
        self.pool = pool
        self.in_flight = 0
        self.last_used = now


class _ClosingStream(AsyncIterable[bytes]):
    """A response body that tells its origin's pool when the exchange is over."""

    __slots__ = ("_done", "_on_close", "_stream")

    def __init__(self, stream: AsyncIterable[bytes], on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close = on_close
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            if not self._done:
                self._done = True
                self._on_close()


class OriginPools:
    """Routes each request to its origin's own :class:`httpcore.AsyncConnectionPool`.

    Stands where httpx keeps its one pool: it answers the calls httpx makes of that pool.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        network_backend: httpcore.AsyncNetworkBackend,
        *,
        connections_per_origin: int = 2,
        max_origins: int = DEFAULT_MAX_ORIGINS,
        keepalive_expiry: float = KEEPALIVE_EXPIRY_S,
    ) -> None:
        self.network_backend = network_backend
        self._ssl_context = ssl_context
        self._connections_per_origin = max(1, connections_per_origin)
        self._max_origins = max(1, max_origins)
        self._keepalive_expiry = keepalive_expiry
        self._pools: OrderedDict[Origin, _OriginPool] = OrderedDict()  # least recent first

    @property
    def origins(self) -> int:
        """How many origin pools are open."""
        return len(self._pools)

    def idle_connections(self) -> int:
        """Open connections with no request on them, over every pool (walks them all)."""
        return sum(
            1 for entry in self._pools.values() for c in entry.pool.connections if c.is_idle()
        )

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        origin: Origin = (url.scheme, url.host, url.port)
        now = time.monotonic()
        await self._close_expired(now)
        entry = self._pools.get(origin)
        if entry is None:
            entry = await self._open(origin, now)
        else:
            self._pools.move_to_end(origin)
            entry.last_used = now
        entry.in_flight += 1
        try:
            response = await entry.pool.handle_async_request(request)
        except BaseException:
            self._release(origin, entry)
            raise
        stream = response.stream
        assert isinstance(stream, AsyncIterable)  # httpcore's async pool streams are
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_ClosingStream(stream, lambda: self._release(origin, entry)),
            extensions=response.extensions,
        )

    def _release(self, origin: Origin, entry: _OriginPool) -> None:
        entry.in_flight -= 1
        entry.last_used = time.monotonic()
        if self._pools.get(origin) is entry:
            self._pools.move_to_end(origin)

    async def _open(self, origin: Origin, now: float) -> _OriginPool:
        # No await between the checks and the insert: concurrent requests interleave at
        # every await, and two of them must never pop (or create) the same origin.
        evicted: _OriginPool | None = None
        if len(self._pools) >= self._max_origins:
            victim = next((k for k, e in self._pools.items() if e.in_flight == 0), None)
            if victim is not None:
                evicted = self._pools.pop(victim)
        pool = httpcore.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=self._connections_per_origin,
            max_keepalive_connections=self._connections_per_origin,
            keepalive_expiry=self._keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=self.network_backend,
        )
        entry = self._pools[origin] = _OriginPool(pool, now)
        if evicted is not None:
            await evicted.pool.aclose()
        return entry

    async def _close_expired(self, now: float) -> None:
        """Close pools idle for ``keepalive_expiry``: only the oldest entries are looked at."""
        cutoff = now - self._keepalive_expiry
        expired = []
        for origin, entry in self._pools.items():
            if entry.last_used > cutoff:
                break
            if entry.in_flight == 0:
                expired.append(origin)
        closing = [self._pools.pop(origin) for origin in expired]
        for entry in closing:
            await entry.pool.aclose()

    async def aclose(self) -> None:
        pools = [entry.pool for entry in self._pools.values()]
        self._pools.clear()
        for pool in pools:
            await pool.aclose()

    async def __aenter__(self) -> OriginPools:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()
