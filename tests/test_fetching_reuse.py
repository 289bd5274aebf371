"""Unwanted bodies (304, redirects, 404) are drained so the connection is reused."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from newsdiffs.fetching import Fetcher, FetchOutcome, FetchSettings


def test_not_modified_and_errors_reuse_one_connection() -> None:
    client_ports: set[int] = set()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:
            client_ports.add(self.client_address[1])
            body = b"<h1>Not here</h1>" if self.path == "/missing" else b""
            self.send_response(404 if self.path == "/missing" else 304)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = FetchSettings(
        allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
    )

    async def go() -> list[FetchOutcome]:
        async with Fetcher(settings) as fetcher:
            outcomes = []
            for n in range(10):
                path = "/missing" if n % 2 else "/page"
                outcomes.append((await fetcher.fetch(base + path, etag='"v1"')).outcome)
            return outcomes

    try:
        outcomes = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert outcomes.count(FetchOutcome.NOT_MODIFIED) == 5
    assert outcomes.count(FetchOutcome.GONE) == 5
    assert len(client_ports) == 1
