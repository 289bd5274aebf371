"""A loopback site whose pages a test rewrites between checks (tracker tests).

with ArticleServer() as site:
    site.put("/news/1", page("Title", ["First paragraph."]))
    url = site.url("/news/1")
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay_s: float = 0.0


def page(title: str, paragraphs: list[str], noise: str = "") -> bytes:
    """A plausible article page; ``noise`` goes in page furniture, not the story."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | Loopback News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<main><article><h1>{title}</h1><p class='byline'>By Ada Reporter</p>"
        f"{body}</article></main>"
        f"<aside><h2>Most read</h2><ul><li><a href='/x'>{noise or 'Other story'}</a></li></ul>"
        "</aside><footer>Copyright Loopback News</footer></body></html>"
    ).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: dict[str, Reply] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
            reply = self.server.replies.get(self.path)
        if self.path == "/robots.txt" and reply is None:
            reply = Reply(404, b"", {})
        reply = reply or Reply(404, b"<h1>Not found</h1>")
        if reply.delay_s:
            time.sleep(reply.delay_s)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class ArticleServer:
    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ArticleServer:
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

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def put(self, path: str, body: bytes, status: int = 200, **headers: str) -> None:
        merged = {"Content-Type": "text/html; charset=utf-8", **headers}
        self.reply(path, Reply(status, body, merged))

    def reply(self, path: str, reply: Reply) -> None:
        with self._server.lock:
            self._server.replies[path] = reply

    def hits(self, path: str) -> int:
        with self._server.lock:
            return self._server.hits.get(path, 0)
