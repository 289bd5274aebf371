"""``mastodon://TOKEN@host[:port]`` (http, loopback only) / ``mastodons://…`` (https).

Why our own thin httpx client, not apprise's Mastodon plugin or Mastodon.py:

- ``Idempotency-Key``: the status carries the message key, so a retry after a crash between
  posting and marking sent returns the status already made instead of a second post. apprise
  sends no such header; Mastodon.py can, per call, but
- alt text: the card is uploaded with ``description`` (what changed, in words). apprise's
  attachments carry no description at all;
- Mastodon.py is synchronous (``requests``), would need a thread per post, and brings its own
  retry/ratelimit policy that would fight the sender's (backoff, ``retry_after``, dead letters);
- three endpoints are all we use, and the tests run them against a loopback fake over plain
  http, which needs nothing but a base URL.

Posting: ``POST /api/v2/media`` (multipart ``file`` + ``description``); a 202 means the server
is still processing it, so ``GET /api/v1/media/:id`` is polled (bounded) until its ``url`` is
set; then ``POST /api/v1/statuses`` with ``media_ids`` and ``Idempotency-Key``. The status is
the message's ``text`` when it fits the instance's limit (500 characters by default, override
with ``?max_chars=``; any URL counts as 23), else its ``short_text``, cut at a word, with the
diff link at the end; ``?visibility=unlisted`` keeps a bot's posts off the public timelines
(default ``public``). Mastodon keeps idempotency keys for an hour: a retry later than that
can post twice (the sender's backoff reaches an hour only after several failures).
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

import httpx

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.targets.http import (
    DEFAULT_TIMEOUT,
    MASK,
    check_response,
    http_client,
    json_object,
    parse_target_url,
    require_encrypted_credentials,
)
from newsdiffs.alerts.targets.posts import body_and_link, without_link
from newsdiffs.errors import ConfigError, DeliveryError

DEFAULT_MAX_CHARS = 500
URL_WEIGHT = 23  # Mastodon counts every URL as 23 characters, whatever its length
# Media processing is polled at 0.5, 1, 2, 2, ... s: ~20 s in all, then a retryable error.
MEDIA_POLLS = 12
MEDIA_POLL_FIRST_S = 0.5
MEDIA_POLL_MAX_S = 2.0
VISIBILITIES = ("public", "unlisted", "private", "direct")


def status_text(message: AlertMessage, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """What the status says: the full text when it fits, else the short text; link last."""
    body = without_link(message.text, message.link)
    if len(body) + 1 + URL_WEIGHT > max_chars:
        body = message.short_text or message.text
    return body_and_link(body, message.link, max_chars, URL_WEIGHT)


class MastodonTarget:
    takes_card: ClassVar[bool] = True

    def __init__(
        self,
        url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        media_poll_first_s: float | None = None,
    ) -> None:
        target = parse_target_url(url)
        if not target.user:
            raise ConfigError(
                f"{target.scheme}:// needs an access token: {target.scheme}://TOKEN@host"
            )
        require_encrypted_credentials(target, url)
        params = target.params()
        try:
            self._max_chars = int(params.get("max_chars", DEFAULT_MAX_CHARS))
        except ValueError:
            raise ConfigError(f"{target.scheme}://: max_chars must be a number") from None
        if self._max_chars < 100:
            raise ConfigError(f"{target.scheme}://: max_chars below 100 leaves no room")
        self._visibility = params.get("visibility", "public")
        if self._visibility not in VISIBILITIES:
            raise ConfigError(
                f"{target.scheme}://: visibility must be one of {', '.join(VISIBILITIES)}"
            )
        self._base = target.base
        self._token = target.user
        self._name = f"{target.scheme}://{MASK}@{target.base.split('://', 1)[1]}"
        self._timeout = timeout
        # None: the module's constant, read now (tests may set it shorter).
        self._poll_first_s = media_poll_first_s

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: AlertMessage) -> str | None:
        auth = {"Authorization": f"Bearer {self._token}"}
        async with http_client(self._base, self._name, self._timeout) as client:
            client.headers.update(auth)
            media_ids = []
            if message.card_png is not None:
                media_ids.append(await self._upload(client, message))
            response = await client.post(
                "/api/v1/statuses",
                json={
                    "status": status_text(message, self._max_chars),
                    "media_ids": media_ids,
                    "visibility": self._visibility,
                },
                headers={"Idempotency-Key": message.key},
            )
        check_response(response, self._name, "POST /api/v1/statuses")
        status = json_object(response, self._name)
        return str(status.get("url") or status.get("uri") or status.get("id") or "") or None

    async def _upload(self, client: httpx.AsyncClient, message: AlertMessage) -> str:
        assert message.card_png is not None
        response = await client.post(
            "/api/v2/media",
            files={"file": ("diff-card.png", message.card_png, "image/png")},
            data={"description": message.alt_text},
        )
        check_response(response, self._name, "POST /api/v2/media")
        media = json_object(response, self._name)
        media_id = str(media.get("id", ""))
        if not media_id:
            raise DeliveryError(f"{self._name}: media upload answered without an id")
        if response.status_code == 202 or not media.get("url"):
            await self._wait_processed(client, media_id)
        return media_id

    async def _wait_processed(self, client: httpx.AsyncClient, media_id: str) -> None:
        delay = MEDIA_POLL_FIRST_S if self._poll_first_s is None else self._poll_first_s
        for _ in range(MEDIA_POLLS):
            await asyncio.sleep(delay)
            delay = min(delay * 2, MEDIA_POLL_MAX_S)
            response = await client.get(f"/api/v1/media/{media_id}")
            check_response(response, self._name, "GET /api/v1/media")
            if response.status_code == 200 and json_object(response, self._name).get("url"):
                return
        raise DeliveryError(
            f"{self._name}: the card was still processing after {MEDIA_POLLS} polls"
        )
