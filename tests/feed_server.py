"""A loopback server for one RSS feed with an ETag (answers 304 when it matches).

with FeedServer(rss_feed(urls)) as server:
    server.url  # the feed's URL; server.conditional_requests counts If-None-Match seen
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from xml.sax.saxutils import escape

ETAG = '"feed-v1"'
FEED_PATH = "/feed.xml"


def rss_feed(urls: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{escape(url)}</link></item>"
        for n, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Loopback feed</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, body: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body = body
        self.lock = threading.Lock()
        self.requests: list[dict[str, str]] = []


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        if self.path != FEED_PATH:
            self._send(404, b"")
            return
        with self.server.lock:
            self.server.requests.append(headers)
        if headers.get("if-none-match") == ETAG:
            self._send(304, b"")
        else:
            self._send(200, self.server.body)

    def _send(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("ETag", ETAG)
            if status == 200:
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class FeedServer:
    def __init__(self, body: bytes) -> None:
        self._server = _Server(body)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{FEED_PATH}"

    @property
    def conditional_requests(self) -> int:
        with self._server.lock:
            return sum("if-none-match" in headers for headers in self._server.requests)

    @property
    def polls(self) -> int:
        with self._server.lock:
            return len(self._server.requests)
