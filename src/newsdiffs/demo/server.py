"""The HTTP side of the demo newsroom: a stdlib ThreadingHTTPServer on 127.0.0.1.

It only translates between sockets and a ``respond(target, if_none_match)`` callable;
everything the site says is decided in :mod:`newsdiffs.demo.site`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import BaseServer
from typing import Any

from newsdiffs.demo.site import SiteResponse

Responder = Callable[[str, str | None], SiteResponse]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response are normal; anything else is still reported."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler_class(respond: Responder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DailyDemo/1.0"
        # Headers and body are buffered and sent together when the handler returns (as
        # production servers do for a small page: one segment, one read for the client).
        # TCP_NODELAY too: a write that does split would otherwise wait on delayed ACKs.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            response = respond(self.path, self.headers.get("If-None-Match"))
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if send_body and response.body:
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the newsroom keeps its own log of what it served."""

    return Handler


class LoopbackServer:
    """Serves ``respond`` on 127.0.0.1 at a port chosen by the OS, in a daemon thread."""

    def __init__(self, respond: Responder) -> None:
        self._httpd: BaseServer = _QuietServer(("127.0.0.1", 0), _handler_class(respond))
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()
