"""The demo's alert inbox: a webhook receiver on 127.0.0.1 that keeps each alert once.

``newsdiffs demo`` points a webhook rule at it (``webhook://127.0.0.1:PORT/alerts``), and
its summary counts what arrived against what the newsroom's truth says should have. It
dedupes on our ``X-Newsdiffs-Alert-Key`` header as a real receiver would: a retried
delivery is acknowledged (200) and counted as a duplicate, not kept twice.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

KEY_HEADER = "X-Newsdiffs-Alert-Key"
PATH = "/alerts"
MAX_BODY = 1 << 20


@dataclass
class Inbox:
    """What the receiver took: each alert's JSON once (arrival order), and duplicates."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    keys: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, body: dict[str, Any]) -> None:
        with self.lock:
            if key in self.keys:
                self.duplicates += 1
                return
            self.keys.add(key)
            self.alerts.append(body)

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.alerts)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    inbox: Inbox


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            self.close_connection = True  # the body is not read: the connection is done
            self._reply(400)
            return
        raw = self.rfile.read(length)
        key = self.headers.get(KEY_HEADER)
        if self.path != PATH or key is None:
            self._reply(400 if self.path == PATH else 404)
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._reply(400)
            return
        self.server.inbox.take(key, body if isinstance(body, dict) else {"body": body})
        self._reply(200)

    def _reply(self, status: int) -> None:
        payload = b'{"ok": true}' if status == 200 else b'{"ok": false}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the inbox is the record."""


class AlertReceiver:
    """``with AlertReceiver() as inbox_server: inbox_server.url, inbox_server.inbox``."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.inbox = self.inbox
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-alert-receiver", daemon=True
        )

    @property
    def url(self) -> str:
        """The webhook target URL for a rule."""
        host, port = self._server.server_address[:2]
        return f"webhook://{host!s}:{port}{PATH}"

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
