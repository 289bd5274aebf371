"""A loopback webhook receiver that dedupes on our ``X-Newsdiffs-Alert-Key`` header.

    with FakeWebhook() as fake:
        target_for(fake.url)   # webhook://127.0.0.1:port/hook
        fake.received          # each alert once: the JSON bodies, in arrival order
        fake.duplicates        # deliveries whose key was already received (and acknowledged)
        fake.keyless           # JSON bodies that came without our key (apprise's json://)
        fake.json_url          # json://127.0.0.1:port/hook, for apprise

A duplicate is answered 200 like the first delivery: a receiver that dedupes acknowledges
what it already has, so the sender marks it sent.
"""

from __future__ import annotations

from typing import Any

from fakes.base import FakeService, Reply, Request

KEY_HEADER = "x-newsdiffs-alert-key"
PATH = "/hook"


class FakeWebhook(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.keyless: list[Any] = []
        self.duplicates = 0
        self._seen: set[str] = set()

    @property
    def url(self) -> str:
        return f"webhook://{self.host}{PATH}"

    @property
    def json_url(self) -> str:
        return f"json://{self.host}{PATH}"

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != PATH:
            return Reply(404, {"error": "no such hook"})
        try:
            body = request.json()
        except ValueError:
            return Reply(400, {"error": "not JSON"})
        key = request.headers.get(KEY_HEADER)
        if key is None:
            self.keyless.append(body)
        elif key in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(key)
            self.keys.append(key)
            self.received.append(body)
        return Reply(200, {"ok": True})
