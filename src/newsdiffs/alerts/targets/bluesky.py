"""``bluesky://HANDLE:APP_PASSWORD@host[:port]`` (http, loopback only) / ``blueskys://…``.

The host is the account's PDS (``blueskys://alice.example:xxxx-xxxx-xxxx-xxxx@bsky.social``;
without a host, bsky.social). Why our own thin httpx client over XRPC, not apprise's Bluesky
plugin or the ``atproto`` SDK:

- a deterministic record key: the post's ``rkey`` is derived from the message key, so a retry
  after a crash between posting and marking sent cannot make a second post (the PDS refuses a
  second record under the same key, and we then find the first one). apprise and the SDK's
  ``send_post`` let the server pick the key;
- alt text on the card and a link facet over the diff link, with UTF-8 byte offsets we can
  test exactly; apprise posts no alt text;
- the SDK is large (pydantic models for every lexicon), synchronous by default, and would
  need the real network; four XRPC calls against a base URL run against a loopback fake.

Posting: ``com.atproto.server.createSession`` (kept per target; on ``ExpiredToken`` refreshed
with ``refreshSession``, or made anew), ``com.atproto.repo.uploadBlob`` for the card (at most
1,000,000 bytes, else a permanent error), then ``com.atproto.repo.createRecord`` of an
``app.bsky.feed.post`` with an ``app.bsky.embed.images`` embed and a link facet. Text is cut
to 300 code points (so at most 300 graphemes: see ``posts.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.targets.http import (
    DEFAULT_TIMEOUT,
    MASK,
    check_response,
    delivery_error,
    http_client,
    json_object,
    parse_target_url,
    require_encrypted_credentials,
)
from newsdiffs.alerts.targets.posts import cut, without_link
from newsdiffs.errors import ConfigError, DeliveryError

DEFAULT_HOST = "bsky.social"
POST_COLLECTION = "app.bsky.feed.post"
MAX_POST_CHARS = 300  # graphemes on Bluesky; we count code points (never more graphemes)
MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images#image maxSize
LINK_LABEL_CHARS = 48
# TIDs are 13 characters of base32-sortable: a 64-bit integer, top bit 0, 53 bits of
# microseconds since the epoch, then 10 bits of "clock id" (atproto.com/specs/tid).
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class _Session:
    access: str
    refresh: str
    did: str


@dataclass(frozen=True)
class BlueskyPost:
    """The post's text and its one link facet (byte offsets into the UTF-8 text)."""

    text: str
    link_start: int
    link_end: int
    link: str

    def facets(self) -> list[dict[str, Any]]:
        if not self.link:
            return []
        return [
            {
                "index": {"byteStart": self.link_start, "byteEnd": self.link_end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": self.link}],
            }
        ]


def record_key(message_key: str) -> str:
    """A TID-shaped record key, the same for the same message key, every time.

    The 53-bit timestamp field gets 50 bits of the key's SHA-256, so it reads as a time
    before 2005: always valid, never in the future, and (post lexicons require the ``tid``
    key type) accepted where any other key syntax would not be.
    """
    digest = hashlib.sha256(message_key.encode()).digest()
    timestamp = int.from_bytes(digest[:8], "big") & ((1 << 50) - 1)
    clock_id = int.from_bytes(digest[8:10], "big") & ((1 << 10) - 1)
    value = (timestamp << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def link_label(link: str) -> str:
    """The diff link as shown in the post: no scheme, cut short (the facet keeps it whole)."""
    shown = link.split("://", 1)[-1]
    return cut(shown, LINK_LABEL_CHARS) if len(shown) > LINK_LABEL_CHARS else shown


def bluesky_post(message: AlertMessage) -> BlueskyPost:
    body = without_link(message.short_text or message.text, message.link)
    if not message.link:
        return BlueskyPost(cut(body, MAX_POST_CHARS), 0, 0, "")
    label = link_label(message.link)
    body = cut(body, MAX_POST_CHARS - len(label) - 1)
    head = f"{body}\n" if body else ""
    start = len(head.encode())
    return BlueskyPost(head + label, start, start + len(label.encode()), message.link)


def png_size(png: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, or None when it is not a PNG."""
    if len(png) < 24 or not png.startswith(b"\x89PNG\r\n\x1a\n") or png[12:16] != b"IHDR":
        return None
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


class BlueskyTarget:
    takes_card: ClassVar[bool] = True

    def __init__(self, url: str, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        target = parse_target_url(url, default_host=DEFAULT_HOST)
        if not target.user or not target.password:
            raise ConfigError(
                f"{target.scheme}:// needs a handle and an app password: "
                f"{target.scheme}://HANDLE:APP_PASSWORD@host"
            )
        require_encrypted_credentials(target, url)
        self._base = target.base
        self._handle = target.user
        self._password = target.password
        self._name = f"{target.scheme}://{target.user}:{MASK}@{target.base.split('://', 1)[1]}"
        self._timeout = timeout
        self._session: _Session | None = None

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: AlertMessage) -> str | None:
        if message.card_png is not None and len(message.card_png) > MAX_IMAGE_BYTES:
            raise DeliveryError(
                f"{self._name}: the card is {len(message.card_png):,} bytes, "
                f"Bluesky takes at most {MAX_IMAGE_BYTES:,}",
                permanent=True,
            )
        rkey = record_key(message.key)
        async with http_client(self._base, self._name, self._timeout) as client:
            record = await self._record(client, message)
            response = await self._xrpc(
                client,
                "com.atproto.repo.createRecord",
                json={
                    "repo": (await self._login(client)).did,
                    "collection": POST_COLLECTION,
                    "rkey": rkey,
                    "record": record,
                },
            )
            if response.is_success:
                return str(json_object(response, self._name).get("uri", "")) or None
            # Already posted (a retry after a crash): the PDS refuses the second record
            # under our key, today with a 500 (bluesky-social/indigo#873), later with an
            # explicit error. Either way, the post it refers to is ours.
            if response.status_code not in (401, 429):
                existing = await self._existing(client, rkey)
                if existing is not None:
                    return existing
        raise delivery_error(response, self._name, "createRecord")

    async def _record(self, client: httpx.AsyncClient, message: AlertMessage) -> dict[str, Any]:
        post = bluesky_post(message)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": post.text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        facets = post.facets()
        if facets:
            record["facets"] = facets
        if message.card_png is not None:
            image: dict[str, Any] = {
                "alt": message.alt_text,
                "image": await self._upload(client, message.card_png),
            }
            size = png_size(message.card_png)
            if size is not None:
                image["aspectRatio"] = {"width": size[0], "height": size[1]}
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [image]}
        return record

    async def _upload(self, client: httpx.AsyncClient, png: bytes) -> Any:
        response = await self._xrpc(
            client,
            "com.atproto.repo.uploadBlob",
            content=png,
            content_type="image/png",
        )
        check_response(response, self._name, "uploadBlob")
        blob = json_object(response, self._name).get("blob")
        if not isinstance(blob, dict):
            raise DeliveryError(f"{self._name}: uploadBlob answered without a blob")
        return blob

    async def _existing(self, client: httpx.AsyncClient, rkey: str) -> str | None:
        session = await self._login(client)
        try:
            response = await client.get(
                "/xrpc/com.atproto.repo.getRecord",
                params={"repo": session.did, "collection": POST_COLLECTION, "rkey": rkey},
                headers={"Authorization": f"Bearer {session.access}"},
            )
        except httpx.HTTPError:
            return None
        if not response.is_success:
            return None
        return f"at://{session.did}/{POST_COLLECTION}/{rkey}"

    async def _xrpc(
        self,
        client: httpx.AsyncClient,
        method: str,
        *,
        json: dict[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        """POST an authenticated XRPC call, renewing the kept session once if it lapsed.

        ``ExpiredToken``: refreshed with the refresh token (or a new login if that lapsed
        too). Any other 401 (a token the PDS no longer knows): a new login. A 401 after
        that is the credentials' fault, and permanent.
        """
        session = await self._login(client)
        response = await self._post_as(client, session, method, json, content, content_type)
        if _is_expired_token(response):
            await self._refresh(client, session)
        elif response.status_code == 401:
            self._session = None
        else:
            return response
        session = await self._login(client)
        return await self._post_as(client, session, method, json, content, content_type)

    @staticmethod
    async def _post_as(
        client: httpx.AsyncClient,
        session: _Session,
        method: str,
        json: dict[str, Any] | None,
        content: bytes | None,
        content_type: str | None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {session.access}"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return await client.post(f"/xrpc/{method}", headers=headers, json=json, content=content)

    async def _login(self, client: httpx.AsyncClient) -> _Session:
        if self._session is None:
            response = await client.post(
                "/xrpc/com.atproto.server.createSession",
                json={"identifier": self._handle, "password": self._password},
            )
            check_response(response, self._name, "createSession")
            self._session = _session_from(response, self._name)
        return self._session

    async def _refresh(self, client: httpx.AsyncClient, session: _Session) -> None:
        self._session = None
        response = await client.post(
            "/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {session.refresh}"},
        )
        if response.is_success:
            self._session = _session_from(response, self._name)
        # else: the next _login makes a new session with the app password


def _session_from(response: httpx.Response, name: str) -> _Session:
    body = json_object(response, name)
    try:
        return _Session(str(body["accessJwt"]), str(body["refreshJwt"]), str(body["did"]))
    except (KeyError, TypeError):
        raise DeliveryError(f"{name}: the session answer lacks its tokens") from None


def _is_expired_token(response: httpx.Response) -> bool:
    if response.status_code not in (400, 401):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") == "ExpiredToken"
