"""An asyncio-native network backend for httpcore (the connection layer under httpx).

httpx's default backend goes through anyio: every read and write opens a cancel scope,
and every reuse of a pooled connection asks anyio for the raw socket by building a dict of
all the stream's attributes. For a tracker whose typical request is a 304 on a kept-alive
connection, that was about a fifth of a check's CPU. This backend speaks asyncio streams
directly and keeps the socket at hand; timeouts, when httpcore passes one, use
``asyncio.timeout``. (The Fetcher bounds each whole exchange with its own deadline, so it
passes none.) Plugged in with :func:`asyncio_transport`; wire behaviour is httpx's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

# httpcore's own readability probe (poll/select on the fd, no read): the same one its
# backends use to notice a server that closed an idle kept-alive connection.
from httpcore._utils import is_socket_readable

from newsdiffs.fetching.pools import DEFAULT_MAX_ORIGINS, KEEPALIVE_EXPIRY_S, OriginPools

READ_LIMIT = 2**16

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection as an asyncio reader/writer pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._socket: socket.socket | None = writer.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            if timeout is None:
                return await self._reader.read(max_bytes)
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(f"no data within {timeout} s") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            if timeout is None:
                await self._writer.drain()
                return
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(f"could not send within {timeout} s") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self._writer.close()
        # Closing a broken connection: nothing is left to tell anyone.
        with contextlib.suppress(OSError, ssl.SSLError):
            await self._writer.wait_closed()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            await self.aclose()
            raise httpcore.ConnectTimeout(f"TLS handshake took over {timeout} s") from exc
        except (OSError, ssl.SSLError) as exc:
            await self.aclose()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return AsyncioStream(self._reader, self._writer)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return is_socket_readable(self._socket)
        if info == "socket":
            return self._socket
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens :class:`AsyncioStream` connections; the event loop resolves names."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=local, limit=READ_LIMIT
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        raw = writer.get_extra_info("socket")
        for option in socket_options or ():
            raw.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("newsdiffs fetches over TCP only")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def asyncio_transport(
    verify: ssl.SSLContext,
    connections_per_origin: int = 2,
    *,
    max_origins: int | None = None,
    keepalive_expiry: float = KEEPALIVE_EXPIRY_S,
) -> httpx.AsyncHTTPTransport:
    """httpx's HTTP/1.1 transport, with one connection pool per origin on
    :class:`AsyncioBackend` (:class:`OriginPools`).

    httpx does not take a network backend or a pool as an argument, so the pool it built is
    replaced (tests/test_fetching_network.py checks ours is in use).
    """
    transport = httpx.AsyncHTTPTransport(verify=verify)
    transport._pool = OriginPools(  # type: ignore[assignment]
        verify,
        AsyncioBackend(),
        connections_per_origin=connections_per_origin,
        max_origins=max_origins or max_origins_for(connections_per_origin),
        keepalive_expiry=keepalive_expiry,
    )
    return transport


def max_origins_for(connections_per_origin: int) -> int:
    """How many origin pools to keep open: :data:`DEFAULT_MAX_ORIGINS`, or fewer when that
    many idle connections would take over half of this process's file descriptors."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not a Unix
        return DEFAULT_MAX_ORIGINS
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return DEFAULT_MAX_ORIGINS
    return max(16, min(DEFAULT_MAX_ORIGINS, soft // 2 // max(1, connections_per_origin)))
