"""HTTP/1.1 for hundreds of loopback hosts from one asyncio loop in one daemon thread.

Linux routes all of 127.0.0.0/8 to the loopback interface, so each outlet gets an address
of its own (127.0.0.2, 127.0.0.3, ...) on one shared port, and a client's per-host
politeness sees them as different hosts. One listening socket per address, all served by
one event loop: a server waiting out its simulated latency holds a coroutine, not a thread.
(Measured here, 2 cores: 500 hosts bind in 7 ms; one stdlib ThreadingHTTPServer per host
would need 500 polling threads before the first request.)

The transport only: keep-alive, Content-Length framing, GET and HEAD. What a host answers
is up to the ``answer(host, target, if_none_match)`` coroutine.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import threading
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus

from newsdiffs.demo.site import SiteResponse
from newsdiffs.errors import ConfigError

Answer = Callable[[str, str, str | None], Awaitable[SiteResponse]]

MAX_HEADER_LINES = 100
READ_LIMIT = 1 << 16  # longest request line or header line
BIND_ATTEMPTS = 8  # a shared port can be taken on one of the addresses: try another


def loopback_hosts(count: int, first: int = 2) -> list[str]:
    """``count`` loopback addresses from 127.0.0.<first> on, skipping x.x.x.0 and x.x.x.255."""
    hosts: list[str] = []
    number = first
    while len(hosts) < count:
        octets = (number >> 16 & 255, number >> 8 & 255, number & 255)
        if number >= 1 << 24:
            raise ConfigError(f"127.0.0.0/8 has no room for {count} outlets")
        if octets[2] not in (0, 255):
            hosts.append(f"127.{octets[0]}.{octets[1]}.{octets[2]}")
        number += 1
    return hosts


class MultiHostServer:
    """Serves ``answer`` on ``hosts`` (one shared port) until :meth:`stop`."""

    def __init__(self, hosts: Sequence[str], answer: Answer, port: int = 0) -> None:
        if not hosts:
            raise ConfigError("a multi-host server needs at least one host")
        self.hosts = tuple(hosts)
        self._answer = answer
        self._wanted_port = port
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self._connections: set[asyncio.Task[None]] = set()
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._closed: asyncio.Event | None = None

    def bind(self) -> int:
        """Take the port on every host (before serving: URLs can be built); the port."""
        if not self._sockets:
            self._sockets = _bind_all(self.hosts, self._wanted_port)
            self.port = self._sockets[0].getsockname()[1]
        return self.port

    def start(self) -> None:
        self.bind()
        self._thread = threading.Thread(
            target=self._run, args=(self._sockets,), name="newsroom-hosts", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise ConfigError(f"the newsroom could not serve: {self._startup_error}")

    def stop(self) -> None:
        loop, closed = self._loop, self._closed
        if loop is not None and closed is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(closed.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def base_url(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    # --- the loop thread ---------------------------------------------------------------------

    def _run(self, sockets: list[socket.socket]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(sockets))
        finally:
            loop.close()

    async def _serve(self, sockets: list[socket.socket]) -> None:
        self._closed = asyncio.Event()
        try:
            for sock in sockets:
                server = await asyncio.start_server(self._accept, sock=sock, limit=READ_LIMIT)
                self._servers.append(server)
        except OSError as exc:  # pragma: no cover - bound sockets rarely fail to listen
            self._startup_error = exc
            for sock in sockets:
                sock.close()
            self._ready.set()
            return
        self._ready.set()
        await self._closed.wait()
        for server in self._servers:
            server.close()
        connections = list(self._connections)
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)
        for server in self._servers:
            await server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A new connection: served by a task of ours, which :meth:`stop` cancels.

        Not a coroutine on purpose: asyncio wraps a coroutine callback in a task of its own
        whose done-callback calls ``task.exception()``, which for a cancelled task raises and
        logs "Exception in callback ... CancelledError" with a traceback on every stop that
        found a connection open (a keep-alive client, a request waiting out its latency).
        """
        task = asyncio.get_running_loop().create_task(self._connection(reader, writer))
        self._connections.add(task)
        task.add_done_callback(self._connections.discard)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = str(writer.get_extra_info("sockname")[0])
        try:
            while await self._one_exchange(host, reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # a client hanging up, or a line too long to be a request
        finally:
            writer.close()

    async def _one_exchange(
        self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Read one request and answer it; whether the connection stays open."""
        request_line = await reader.readline()
        if not request_line.strip():
            return False
        parts = request_line.decode("latin-1").split()
        headers = await _read_headers(reader)
        if len(parts) != 3 or headers is None or parts[0] not in ("GET", "HEAD"):
            await _write(writer, SiteResponse(400, "text/plain", b"bad request\n"), True, False)
            return False
        method, target, version = parts
        length = headers.get("content-length", "0")
        if length.isdigit() and int(length) > 0:
            await reader.readexactly(int(length))
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
        response = await self._answer(host, target, headers.get("if-none-match"))
        await _write(writer, response, method == "GET", keep_alive)
        return keep_alive


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str] | None:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            return None
        headers[name.strip().lower()] = value.strip()
    return None


async def _write(
    writer: asyncio.StreamWriter, response: SiteResponse, send_body: bool, keep_alive: bool
) -> None:
    reason = HTTPStatus(response.status).phrase
    lines = [
        f"HTTP/1.1 {response.status} {reason}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        "Server: DailyDemo-Multi/1.0",
        *(f"{name}: {value}" for name, value in response.headers),
    ]
    if not keep_alive:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    writer.write(head + response.body if send_body else head)
    await writer.drain()


def _bind_all(hosts: Sequence[str], port: int) -> list[socket.socket]:
    """Listening sockets on every host at one port (the first host's, when ``port`` is 0)."""
    last_error: OSError | None = None
    for _ in range(BIND_ATTEMPTS if port == 0 else 1):
        sockets: list[socket.socket] = []
        try:
            chosen = port
            for host in hosts:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets.append(sock)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((host, chosen))
                sock.listen(128)
                sock.setblocking(False)
                chosen = sock.getsockname()[1]
            return sockets
        except OSError as exc:
            for sock in sockets:
                sock.close()
            last_error = exc
            if exc.errno != errno.EADDRINUSE:
                break
    raise ConfigError(f"cannot listen on {len(hosts)} loopback hosts: {last_error}")
