"""A loopback HTTP server whose routes misbehave on purpose, for fetcher tests.

    with MisbehavingServer(robots_txt="User-agent: *\\nDisallow: /private\\n") as server:
        url = server.url("/ok")

Every request is recorded server-side (path, headers, monotonic arrival time), so tests can
assert what actually reached the wire: how many attempts, how far apart, how many at once.
Routes take their knobs from the query string (``/slow?s=2``, ``/status?code=410``); stateful
routes (``/flaky``, ``/unavailable-once``) count hits per full path, so give each test its
own ``?key=``.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

GZIP_BOMB_DECODED_BYTES = 20_000_000
GZIP_BOMB = gzip.compress(b"\0" * GZIP_BOMB_DECODED_BYTES, compresslevel=9)

OK_HTML = "<html><head><title>OK</title></head><body><p>Bonjour café</p></body></html>"


@dataclass(frozen=True)
class RecordedRequest:
    path: str  # with query string
    headers: dict[str, str]  # lower-cased names
    at: float  # time.monotonic() on arrival


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, robots_txt: str | None, robots_status: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.robots_txt = robots_txt
        self.robots_status = robots_status
        self.lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.hit_counts: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    _in_flight = False  # this request is counted in server.in_flight
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        state = self.server
        with state.lock:
            state.requests.append(
                RecordedRequest(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()
                )
            )
            hits = state.hit_counts[self.path] = state.hit_counts.get(self.path, 0) + 1
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        self._in_flight = True
        try:
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            route = _ROUTES.get(parts.path, _not_found)
            route(self, query, hits)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size caps): expected here
        finally:
            self._leave_flight()

    def _leave_flight(self) -> None:
        """Count this request as done (once): before its reply goes out, so a client that
        reads the reply and at once sends its next request never finds it still counted."""
        if self._in_flight:
            self._in_flight = False
            with self.server.lock:
                self.server.in_flight -= 1

    # -- helpers --------------------------------------------------------------------------

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        content_length: bool = True,
    ) -> None:
        self._leave_flight()
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if content_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.reply(status, b"", headers={"Location": location})


Route = Callable[[_Handler, dict[str, str], int], None]


def _ok(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(200, OK_HTML.encode("utf-8"))


def _not_found(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(404, b"not here")


def _latin1(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(200, "<p>café crème à la française</p>".encode("latin-1"), "text/html")


def _meta_charset(h: _Handler, q: dict[str, str], hits: int) -> None:
    body = '<html><head><meta charset="iso-8859-15"></head><p>Prix: 5 €</p>'
    h.reply(200, body.encode("iso-8859-15"), "text/html")


def _http_equiv(h: _Handler, q: dict[str, str], hits: int) -> None:
    body = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Новости дня</p>'
    h.reply(200, body.encode("koi8-r"), "text/html")


def _lying_utf8(h: _Handler, q: dict[str, str], hits: int) -> None:
    body = "<p>“Smart” quotes — café</p>".encode("cp1252") + b"\x81"
    h.reply(200, body, "text/html; charset=utf-8")


def _big(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(200, b"x" * int(q.get("size", "100000")), "text/plain")


def _big_stream(h: _Handler, q: dict[str, str], hits: int) -> None:
    """No Content-Length: the body ends when the connection closes."""
    h.reply(200, b"", "text/plain", content_length=False)
    chunk = b"y" * 8192
    for _ in range(int(q.get("size", "100000")) // len(chunk) + 1):
        h.wfile.write(chunk)


def _gzip_bomb(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(200, GZIP_BOMB, "text/html", headers={"Content-Encoding": "gzip"})


def _slow(h: _Handler, q: dict[str, str], hits: int) -> None:
    time.sleep(float(q.get("s", "2")))
    h.reply(200, b"finally")


def _drip(h: _Handler, q: dict[str, str], hits: int) -> None:
    """Headers at once, then one byte per ``every`` seconds: no single read ever times out."""
    count, every = int(q.get("bytes", "40")), float(q.get("every", "0.1"))
    h.send_response(200)
    h.send_header("Content-Length", str(count))
    h.end_headers()
    for _ in range(count):
        h.wfile.write(b".")
        h.wfile.flush()
        time.sleep(every)


def _flaky(h: _Handler, q: dict[str, str], hits: int) -> None:
    if hits == 1:
        h.reply(500, b"oops")
    else:
        _ok(h, q, hits)


def _unavailable(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(503, b"busy", headers={"Retry-After": q.get("after", "1")})


def _unavailable_once(h: _Handler, q: dict[str, str], hits: int) -> None:
    if hits == 1:
        _unavailable(h, q, hits)
    else:
        _ok(h, q, hits)


def _too_many(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(429, b"slow down", headers={"Retry-After": q.get("after", "0")})


def _status(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.reply(int(q.get("code", "404")), b"status")


def _loop_a(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.redirect("/loop-b")


def _loop_b(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.redirect("/loop-a")


def _chain(h: _Handler, q: dict[str, str], hits: int) -> None:
    """``/chain?n=0&stop=3`` redirects to n=1, n=2, n=3, which answers 200."""
    step, stop = int(q.get("n", "0")), int(q.get("stop", "1000"))
    if step >= stop:
        _ok(h, q, hits)
    else:
        h.redirect(f"/chain?n={step + 1}&stop={stop}", 301)


def _relative(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.redirect("../ok", 301)


def _etag(h: _Handler, q: dict[str, str], hits: int) -> None:
    tag = '"v1"'
    if h.headers.get("If-None-Match") == tag:
        h.reply(304, b"", content_type=None, headers={"ETag": tag}, content_length=False)
    else:
        h.reply(200, b"<p>tagged</p>", headers={"ETag": tag, "Last-Modified": _LAST_MODIFIED})


def _moved(h: _Handler, q: dict[str, str], hits: int) -> None:
    h.redirect("/any-etag", 301)


def _any_etag(h: _Handler, q: dict[str, str], hits: int) -> None:
    """Answers 304 to any If-None-Match at all (as some caches do), else 200 with an ETag."""
    if h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since"):
        h.reply(304, b"", content_type=None, headers={"ETag": '"new"'}, content_length=False)
    else:
        h.reply(200, b"<p>moved here</p>", headers={"ETag": '"new"'})


def _robots(h: _Handler, q: dict[str, str], hits: int) -> None:
    text = h.server.robots_txt
    if text is None:
        h.reply(h.server.robots_status, b"", "text/plain")
    else:
        h.reply(200, text.encode("utf-8"), "text/plain")


_LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"

_ROUTES: dict[str, Route] = {
    "/ok": _ok,
    "/latin1": _latin1,
    "/meta-charset": _meta_charset,
    "/http-equiv": _http_equiv,
    "/lying-utf8": _lying_utf8,
    "/big": _big,
    "/big-stream": _big_stream,
    "/gzip-bomb": _gzip_bomb,
    "/slow": _slow,
    "/drip": _drip,
    "/flaky": _flaky,
    "/unavailable": _unavailable,
    "/unavailable-once": _unavailable_once,
    "/too-many": _too_many,
    "/status": _status,
    "/loop-a": _loop_a,
    "/loop-b": _loop_b,
    "/chain": _chain,
    "/relative/start": _relative,
    "/etag": _etag,
    "/moved": _moved,
    "/any-etag": _any_etag,
    "/robots.txt": _robots,
    "/private/page": _ok,
}


class MisbehavingServer:
    """Context manager running the server on 127.0.0.1 in a daemon thread."""

    def __init__(self, robots_txt: str | None = None, robots_status: int = 404) -> None:
        self._server = _Server(robots_txt, robots_status)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._server.lock:
            return list(self._server.requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (query string ignored) is ``path``."""
        return [r for r in self.requests if urlsplit(r.path).path == path]

    @property
    def max_in_flight(self) -> int:
        with self._server.lock:
            return self._server.max_in_flight
