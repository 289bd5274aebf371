"""``webhook://host[:port]/path`` (http) and ``webhooks://…`` (https): our own JSON POST.

The body is the message's fields (without the card's bytes, with its ``card_url`` when it has
a card); the header ``X-Newsdiffs-Alert-Key`` carries the message key, stable across
retries and crashes, so a receiver that dedupes on it sees each alert once. Any 2xx is
delivered. ``webhooks://USER:PASSWORD@host/path`` sends HTTP basic auth.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.targets.http import (
    DEFAULT_TIMEOUT,
    check_response,
    http_client,
    masked,
    parse_target_url,
    require_encrypted_credentials,
)

KEY_HEADER = "X-Newsdiffs-Alert-Key"


def webhook_payload(message: AlertMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "key": message.key,
        "title": message.title,
        "text": message.text,
        "html": message.html,
        "short_text": message.short_text,
        "link": message.link,
        "outlet": message.outlet,
        "article_url": message.article_url,
        "kinds": list(message.kinds),
        "alt_text": message.alt_text,
    }
    if message.card_url is not None:
        payload["card_url"] = message.card_url
    return payload


class WebhookTarget:
    takes_card: ClassVar[bool] = False

    def __init__(self, url: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        target = parse_target_url(url)
        self._auth = None
        if target.user is not None:
            require_encrypted_credentials(target, url)
            self._auth = httpx.BasicAuth(target.user, target.password or "")
        self._base = target.base
        self._path = target.path or "/"
        if target.query:
            self._path = f"{self._path}?{target.query}"
        self._name = masked(url)
        self._timeout = timeout

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: AlertMessage) -> str | None:
        async with http_client(self._base, self._name, self._timeout) as client:
            response = await client.post(
                self._path,
                json=webhook_payload(message),
                headers={KEY_HEADER: message.key},
                auth=self._auth or httpx.USE_CLIENT_DEFAULT,
            )
        check_response(response, self._name, "the webhook")
        return None
