"""Every other target URL (``mailto://``, ``slack://``, ``discord://``, ``ntfy://``,
``tgram://``, ``matrix://``, ``json://``, …): delivered by apprise.

apprise is synchronous (``requests``, ``smtplib``): a notification runs in a worker thread,
never on the event loop, within a bounded wait. Email gets the message's HTML (deletions in
``<del>``, insertions in ``<ins>``); every other service gets the plain text, which apprise
converts to what the service takes.

apprise spaces two notifications to one service at least ``request_rate_per_sec`` apart
(5.5 s by default for most services: its own politeness, kept; it sleeps in the worker
thread, never on the event loop; ``min_interval_s`` overrides it, for tests).

apprise reports no status code, only success or failure: a failure is a retryable
DeliveryError (we cannot tell a bad token from an outage) whose text is what apprise logged
for this one call, at WARNING and above, with the URL's password masked.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import apprise

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.targets.http import MASK, masked
from newsdiffs.errors import ConfigError, DeliveryError

HTML_SCHEMES = frozenset({"mailto", "mailtos"})
# apprise's own connect/read timeouts are a few seconds per try; this bounds the whole call
# (a stuck thread is left to finish on its own, the sender moves on).
NOTIFY_TIMEOUT_S = 60.0
_ERROR_TEXT_LIMIT = 300


class AppriseTarget:
    takes_card: ClassVar[bool] = False

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = NOTIFY_TIMEOUT_S,
        min_interval_s: float | None = None,
    ) -> None:
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            raise ConfigError(f"target URL {masked(url)!r}: not a URL apprise can deliver to")
        if min_interval_s is not None:
            plugin.request_rate_per_sec = min_interval_s
        self._plugin = plugin
        self._name = str(plugin)  # apprise prints its URLs with secrets masked
        self._html = urlsplit(url).scheme.lower() in HTML_SCHEMES
        self._secrets = _secrets_of(url)
        self._timeout_s = timeout_s

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: AlertMessage) -> str | None:
        try:
            await asyncio.wait_for(asyncio.to_thread(self._notify, message), self._timeout_s)
        except TimeoutError:
            raise DeliveryError(f"{self._name}: no answer within {self._timeout_s:g} s") from None
        return None

    def _notify(self, message: AlertMessage) -> None:
        notifier = apprise.Apprise()
        notifier.add(self._plugin)
        result = notifier.notify(
            body=message.html if self._html else message.text,
            title=message.title,
            body_format=apprise.NotifyFormat.HTML if self._html else apprise.NotifyFormat.TEXT,
        )
        if not result:
            raise DeliveryError(f"{self._name}: {self._failure_text(result)}")

    def _failure_text(self, result: object) -> str:
        """What apprise logged for this call (apprise >= 2 keeps each call's own log)."""
        logs = getattr(result, "logs", None)
        lines = [str(entry.message) for entry in logs()] if callable(logs) else []
        text = " | ".join(" ".join(line.split()) for line in lines[-3:] if line.strip())
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        text = text or "apprise could not deliver (it logged no reason)"
        return text if len(text) <= _ERROR_TEXT_LIMIT else text[: _ERROR_TEXT_LIMIT - 1] + "…"


def _secrets_of(url: str) -> tuple[str, ...]:
    """The URL's password, to keep out of error text (apprise masks it in its own URLs)."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    if not password:
        return ()
    return tuple({password, unquote(password)})
