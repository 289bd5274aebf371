"""A loopback Mastodon: media upload v2 (processed after polling), statuses with idempotency.

    with FakeMastodon() as fake:
        target_for(fake.url)       # mastodon://TOKEN@127.0.0.1:port
        fake.statuses              # each status made: text, media (description, bytes), key
        fake.duplicates            # statuses asked for again under a key already seen

Like Mastodon: ``POST /api/v2/media`` answers 202 with ``url: null`` and the media is ready
after ``polls_until_ready`` polls of ``GET /api/v1/media/:id`` (206 until then); a status
naming media still processing is refused with 422; a repeated ``Idempotency-Key`` returns the
status made the first time instead of a new one; a wrong token is a 401.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fakes.base import FakeService, Reply, Request, multipart

TOKEN = "fake-mastodon-token"
_URL = re.compile(r"https?://\S+")


@dataclass
class Media:
    id: str
    description: str
    filename: str | None
    content_type: str
    data: bytes
    polls_left: int

    @property
    def ready(self) -> bool:
        return self.polls_left <= 0


@dataclass(frozen=True)
class Status:
    id: str
    text: str
    media: tuple[Media, ...]
    idempotency_key: str | None
    visibility: str


class FakeMastodon(FakeService):
    def __init__(self, *, polls_until_ready: int = 1, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.polls_until_ready = polls_until_ready
        self.media: dict[str, Media] = {}
        self.statuses: list[Status] = []
        self.duplicates = 0
        self._by_key: dict[str, Status] = {}

    @property
    def url(self) -> str:
        return f"mastodon://{self.token}@{self.host}"

    def handle(self, request: Request) -> Reply:
        if request.bearer() != self.token:
            return Reply(401, {"error": "The access token is invalid"})
        if request.method == "POST" and request.path == "/api/v2/media":
            return self._upload(request)
        if request.method == "GET" and request.path.startswith("/api/v1/media/"):
            return self._poll(request.path.rsplit("/", 1)[1])
        if request.method == "POST" and request.path == "/api/v1/statuses":
            return self._status(request)
        return Reply(404, {"error": "Record not found"})

    def _upload(self, request: Request) -> Reply:
        parts = multipart(request)
        if "file" not in parts:
            return Reply(422, {"error": "Validation failed: File can't be blank"})
        file = parts["file"]
        media = Media(
            id=str(100 + len(self.media)),
            description=parts["description"].text if "description" in parts else "",
            filename=file.filename,
            content_type=file.content_type,
            data=file.data,
            polls_left=self.polls_until_ready,
        )
        self.media[media.id] = media
        return Reply(200 if media.ready else 202, self._media_json(media))

    def _poll(self, media_id: str) -> Reply:
        media = self.media.get(media_id)
        if media is None:
            return Reply(404, {"error": "Record not found"})
        media.polls_left -= 1
        return Reply(200 if media.ready else 206, self._media_json(media))

    def _status(self, request: Request) -> Reply:
        key = request.headers.get("idempotency-key")
        if key is not None and key in self._by_key:
            self.duplicates += 1
            return Reply(200, self._status_json(self._by_key[key]))
        fields = _status_fields(request)
        media = []
        for media_id in fields.get("media_ids") or []:
            found = self.media.get(str(media_id))
            if found is None:
                return Reply(422, {"error": f"Validation failed: media {media_id} not found"})
            if not found.ready:
                return Reply(
                    422, {"error": "Cannot attach files that have not finished processing."}
                )
            media.append(found)
        text = str(fields.get("status") or "")
        if not text and not media:
            return Reply(422, {"error": "Validation failed: Text can't be blank"})
        if len(_URL.sub("x" * 23, text)) > 500:  # Mastodon counts any URL as 23
            return Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
        status = Status(
            id=str(1000 + len(self.statuses)),
            text=text,
            media=tuple(media),
            idempotency_key=key,
            visibility=str(fields.get("visibility") or "public"),
        )
        self.statuses.append(status)
        if key is not None:
            self._by_key[key] = status
        return Reply(200, self._status_json(status))

    def _media_json(self, media: Media) -> dict[str, Any]:
        url = f"{self.base_url}/media/{media.id}.png" if media.ready else None
        return {"id": media.id, "type": "image", "url": url, "description": media.description}

    def _status_json(self, status: Status) -> dict[str, Any]:
        return {
            "id": status.id,
            "uri": f"{self.base_url}/users/fake/statuses/{status.id}",
            "url": f"{self.base_url}/@fake/{status.id}",
            "content": status.text,
            "media_attachments": [self._media_json(media) for media in status.media],
        }


def _status_fields(request: Request) -> dict[str, Any]:
    """The status's fields, posted as JSON or as a form (``media_ids[]``)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = request.json()
        return body if isinstance(body, dict) else {}
    form: dict[str, Any] = {}
    for name, value in parse_qsl(request.body.decode()):
        if name == "media_ids[]":
            form.setdefault("media_ids", []).append(value)
        else:
            form[name] = value
    return form
