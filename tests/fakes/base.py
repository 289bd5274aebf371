"""A loopback HTTP service in a thread: what every HTTP fake shares.

    with FakeMastodon() as fake:         # starts on 127.0.0.1, a free port
        fake.url                          # the target URL to configure
        fake.requests                     # every request received, failures included
        fake.fail_next(2, 500)            # the next two requests answer 500
        fake.fail_next(1, 429, retry_after=7)
        fake.down = True                  # connections refused (the port is closed) ...
        fake.down = False                 # ... until it listens again, on the same port
        fake.delay_s = 2.0                # answer every request this late (a slow service)

Subclasses implement :meth:`FakeService.handle`; what they record on success (statuses,
posts, captures) is theirs. All state is guarded by ``fake.lock``: the server's threads write
it while the test reads it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {name: values[-1] for name, values in parse_qs(self.body.decode()).items()}

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[len("Bearer ") :] if value.startswith("Bearer ") else None


@dataclass(frozen=True)
class Part:
    """One part of a multipart/form-data body."""

    name: str
    filename: str | None
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode()


def multipart(request: Request) -> dict[str, Part]:
    """The parts of a multipart/form-data request, by field name."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    assert isinstance(message, EmailMessage)
    parts: dict[str, Part] = {}
    for item in message.iter_parts():
        name = item.get_param("name", header="content-disposition")
        payload = item.get_payload(decode=True)
        parts[str(name)] = Part(
            str(name),
            item.get_filename(),
            item.get_content_type(),
            payload if isinstance(payload, bytes) else b"",
        )
    return parts


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else json.dumps(self.body).encode()


class FakeService:
    scheme = "http"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self.delay_s = 0.0
        self._failures: list[Reply] = []
        self._port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- what tests configure -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._port}"

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        retry_after: float | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``n`` requests answer ``status`` (JSON ``body``, extra ``headers``)."""
        headers = dict(headers or {})
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}"
        error = body if body is not None else {"error": f"fake failure {status}"}
        with self.lock:
            self._failures.extend(Reply(status, error, headers) for _ in range(n))

    @property
    def down(self) -> bool:
        return self._server is None

    @down.setter
    def down(self, value: bool) -> None:
        if value and self._server is not None:
            self._stop()
        elif not value and self._server is None:
            self._start()

    def paths(self) -> list[str]:
        with self.lock:
            return [f"{request.method} {request.path}" for request in self.requests]

    # -- what subclasses implement --------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    # -- the server -----------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _start(self) -> None:
        self._server = _Server(self, self._port)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def _stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def _answer(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
            failure = self._failures.pop(0) if self._failures else None
        if self.delay_s:
            time.sleep(self.delay_s)
        if failure is not None:
            return failure
        with self.lock:
            return self.handle(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: FakeService, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write, without Nagle: written apart, a kept-alive
    # connection waited for the client's delayed ACK, ~40 ms a request (measured).
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=parts.path,
            query={name: values[-1] for name, values in parse_qs(parts.query).items()},
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            reply = self.server.fake._answer(request)
        except Exception as exc:  # a bug in a fake shows as a 500 with its reason
            reply = Reply(500, {"error": "FakeBug", "message": repr(exc)})
        body = reply.encoded()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if not isinstance(reply.body, bytes) and reply.body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
