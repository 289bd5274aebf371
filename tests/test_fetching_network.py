"""The asyncio network backend under httpx: in use, and right on the awkward paths."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsdiffs.fetching import Fetcher, FetchOutcome, FetchSettings
from newsdiffs.fetching.client import shared_ssl_context
from newsdiffs.fetching.network import AsyncioBackend, asyncio_transport
from newsdiffs.fetching.pools import OriginPools

SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_the_transport_pools_run_on_the_asyncio_backend() -> None:
    transport = asyncio_transport(shared_ssl_context())
    # httpx builds its own pool; ours replaced it (this fails loudly if httpx changes).
    pools = transport._pool
    assert isinstance(pools, OriginPools)
    assert isinstance(pools.network_backend, AsyncioBackend)


def test_gzip_body_is_decoded_and_the_connection_kept() -> None:
    ports: list[int] = []
    page = b"<html><body><p>" + b"Paragraph text. " * 500 + b"</p></body></html>"

    class Handler(_Quiet):
        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            body = gzip.compress(page)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server, base = _serve(Handler)

    async def go() -> list[bytes]:
        async with Fetcher(SETTINGS) as fetcher:
            return [(await fetcher.fetch(f"{base}/a{n}")).body for n in range(3)]

    try:
        bodies = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert bodies == [page, page, page]
    assert len(set(ports)) == 1


def test_a_server_that_drops_idle_connections_costs_no_failed_check() -> None:
    """The pool notices the closed socket (readable at EOF) and opens a new connection."""
    ports: list[int] = []

    class Handler(_Quiet):
        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            body = b"<p>ok</p>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True  # no "Connection: close": a silent drop

    server, base = _serve(Handler)

    async def go() -> list[FetchOutcome]:
        outcomes = []
        async with Fetcher(SETTINGS) as fetcher:
            for n in range(4):
                outcomes.append((await fetcher.fetch(f"{base}/p{n}")).outcome)
                await asyncio.sleep(0.05)  # let the server's close arrive
        return outcomes

    try:
        outcomes = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert outcomes == [FetchOutcome.OK] * 4
    assert len(set(ports)) == 4


def test_refused_connection_and_reset_are_network_errors() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def reset_everyone() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00" * 2)
            connection.close()

    threading.Thread(target=reset_everyone, daemon=True).start()

    async def go() -> list[tuple[FetchOutcome, str]]:
        async with Fetcher(SETTINGS) as fetcher:
            refused = await fetcher.fetch(f"http://127.0.0.1:{closed_port}/x")
            reset = await fetcher.fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/x")
        return [(refused.outcome, refused.detail), (reset.outcome, reset.detail)]

    try:
        (refused, refused_detail), (reset, reset_detail) = asyncio.run(go())
    finally:
        listener.close()
    assert refused is FetchOutcome.NETWORK_ERROR
    assert "ConnectError" in refused_detail
    assert reset is FetchOutcome.NETWORK_ERROR
    assert reset_detail  # one line saying what broke


def test_cookies_set_by_a_site_go_back_to_it_across_hops_and_fetches() -> None:
    """A consent wall: the first page sets a cookie and redirects; later pages expect it."""
    seen: list[tuple[str, str]] = []

    class Handler(_Quiet):
        def do_GET(self) -> None:
            seen.append((self.path, self.headers.get("Cookie", "")))
            if self.path == "/wall":
                self.send_response(302)
                self.send_header("Set-Cookie", "consent=yes; Path=/")
                self.send_header("Location", "/story")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b"<p>ok</p>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server, base = _serve(Handler)

    async def go() -> list[FetchOutcome]:
        async with Fetcher(SETTINGS) as fetcher:
            first = await fetcher.fetch(f"{base}/wall")
            second = await fetcher.fetch(f"{base}/other")
        return [first.outcome, second.outcome]

    try:
        outcomes = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert outcomes == [FetchOutcome.OK, FetchOutcome.OK]
    assert seen == [("/wall", ""), ("/story", "consent=yes"), ("/other", "consent=yes")]
