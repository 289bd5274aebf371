"""A loopback SMTP server (aiosmtpd) that keeps every message it accepts.

with FakeSmtp() as fake:
    target_for(fake.url)     # mailto://127.0.0.1:port?from=…&to=… (apprise, plain SMTP)
    fake.messages            # email.message.EmailMessage, parsed, in arrival order
    fake.fail_next(1, 451)   # the next DATA is refused: "451 try again later"
    fake.down = True         # the port closes; False: it listens again on the same port
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller

SENDER = "newsdiffs@example.org"
RECIPIENT = "reader@example.org"


class _Handler:
    def __init__(self, fake: FakeSmtp) -> None:
        self.fake = fake

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.fake.lock:
            if self.fake._failures:
                code = self.fake._failures.pop(0)
                self.fake.refused += 1
                return f"{code} fake failure, try again later"
            message = message_from_bytes(envelope.content, policy=default)
            assert isinstance(message, EmailMessage)
            self.fake.messages.append(message)
            self.fake.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class FakeSmtp:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused = 0
        self._failures: list[int] = []
        self._port = _free_port()
        self._controller: Controller | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self._port}?from={SENDER}&to={RECIPIENT}"

    def fail_next(self, n: int = 1, code: int = 451) -> None:
        with self.lock:
            self._failures.extend([code] * n)

    @property
    def down(self) -> bool:
        return self._controller is None

    @down.setter
    def down(self, value: bool) -> None:
        if value and self._controller is not None:
            self._controller.stop()
            self._controller = None
        elif not value and self._controller is None:
            self._start()

    def _start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self._port)
        self._controller.start()

    def __enter__(self) -> Self:
        self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.down = True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
