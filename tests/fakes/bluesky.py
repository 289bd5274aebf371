"""A loopback Bluesky PDS: createSession/refreshSession, uploadBlob, createRecord, getRecord.

    with FakeBluesky() as fake:
        target_for(fake.url)        # bluesky://HANDLE:APP_PASSWORD@127.0.0.1:port
        fake.posts                  # rkey -> the post record as received
        fake.blobs                  # blob ref -> (mime type, bytes)
        fake.expire_access_tokens() # the next call with a current token: 400 ExpiredToken
        fake.duplicates             # createRecord calls refused for an rkey already used

It checks what the real PDS checks on a post: the rkey's TID syntax, at most 300 characters
(counted as code points) and 3000 UTF-8 bytes of text, facets' byte ranges inside the text,
embedded blobs that were uploaded. A second record under one rkey is refused the way
bsky.social refuses it today: a 500 (bluesky-social/indigo#873); ``duplicate_reply`` changes
that (to the explicit error newer PDSs give, say).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fakes.base import FakeService, Reply, Request

HANDLE = "newsdiffs.test"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
DID = "did:plc:fakenewsdiffsfakenews"
POST = "app.bsky.feed.post"
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


class FakeBluesky(FakeService):
    def __init__(self, *, handle: str = HANDLE, password: str = APP_PASSWORD) -> None:
        super().__init__()
        self.account_handle = handle
        self.password = password
        self.posts: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, tuple[str, bytes]] = {}
        self.sessions_created = 0
        self.refreshes = 0
        self.duplicates = 0
        self.duplicate_reply = Reply(
            500, {"error": "InternalServerError", "message": "Internal Server Error"}
        )
        self._access: dict[str, bool] = {}  # token -> still valid
        self._refresh: set[str] = set()
        self._issued = 0

    @property
    def url(self) -> str:
        return f"bluesky://{self.account_handle}:{self.password}@{self.host}"

    def expire_access_tokens(self, *, refresh_too: bool = False) -> None:
        """Calls with a token issued so far answer ExpiredToken (refreshes too, if asked)."""
        for token in self._access:
            self._access[token] = False
        if refresh_too:
            self._refresh.clear()

    def forget_sessions(self) -> None:
        """Tokens issued so far become unknown (401), as after the PDS rotated its keys."""
        self._access.clear()
        self._refresh.clear()

    def handle(self, request: Request) -> Reply:
        method = request.path.removeprefix("/xrpc/")
        if method == "com.atproto.server.createSession":
            return self._create_session(request)
        if method == "com.atproto.server.refreshSession":
            return self._refresh_session(request)
        token = request.bearer()
        if token is None or token not in self._access:
            return _error(401, "AuthenticationRequired", "Authentication Required")
        if not self._access[token]:
            return _error(400, "ExpiredToken", "Token has expired")
        if method == "com.atproto.repo.uploadBlob":
            return self._upload_blob(request)
        if method == "com.atproto.repo.createRecord":
            return self._create_record(request)
        if method == "com.atproto.repo.getRecord":
            return self._get_record(request)
        return _error(404, "MethodNotImplemented", f"Method Not Implemented: {method}")

    def _tokens(self) -> dict[str, str]:
        self._issued += 1
        access, refresh = f"access-{self._issued}", f"refresh-{self._issued}"
        self._access[access] = True
        self._refresh.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "did": DID,
            "handle": self.account_handle,
        }

    def _create_session(self, request: Request) -> Reply:
        body = request.json() or {}
        if body.get("identifier") != self.account_handle or body.get("password") != self.password:
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions_created += 1
        return Reply(200, self._tokens())

    def _refresh_session(self, request: Request) -> Reply:
        token = request.bearer()
        if token not in self._refresh:
            return _error(400, "ExpiredToken", "Token has expired")
        self._refresh.discard(token)
        self.refreshes += 1
        return Reply(200, self._tokens())

    def _upload_blob(self, request: Request) -> Reply:
        mime = request.headers.get("content-type", "")
        if len(request.body) > 1_000_000:
            return _error(400, "BlobTooLarge", "This file is too large")
        ref = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:40]
        self.blobs[ref] = (mime, request.body)
        blob = {"$type": "blob", "ref": {"$link": ref}, "mimeType": mime, "size": len(request.body)}
        return Reply(200, {"blob": blob})

    def _create_record(self, request: Request) -> Reply:
        body = request.json() or {}
        rkey = str(body.get("rkey", ""))
        if body.get("repo") not in (DID, self.account_handle) or body.get("collection") != POST:
            return _error(400, "InvalidRequest", "unknown repo or collection")
        if not TID.match(rkey):
            return _error(400, "InvalidRequest", f"Invalid record key: {rkey!r}")
        problem = _post_problem(body.get("record"), self.blobs)
        if problem:
            return _error(400, "InvalidRequest", problem)
        if rkey in self.posts:
            self.duplicates += 1
            return self.duplicate_reply
        self.posts[rkey] = body["record"]
        return Reply(200, {"uri": f"at://{DID}/{POST}/{rkey}", "cid": "bafyrei" + rkey})

    def _get_record(self, request: Request) -> Reply:
        rkey = request.query.get("rkey", "")
        if request.query.get("collection") != POST or rkey not in self.posts:
            return _error(400, "RecordNotFound", f"Could not locate record: {rkey}")
        return Reply(200, {"uri": f"at://{DID}/{POST}/{rkey}", "value": self.posts[rkey]})


def _error(status: int, error: str, message: str) -> Reply:
    return Reply(status, {"error": error, "message": message})


def _post_problem(record: Any, blobs: dict[str, tuple[str, bytes]]) -> str | None:
    if not isinstance(record, dict) or record.get("$type") != POST:
        return "record is not an app.bsky.feed.post"
    text = record.get("text")
    if not isinstance(text, str) or not isinstance(record.get("createdAt"), str):
        return "post needs text and createdAt"
    data = text.encode()
    if len(text) > 300 or len(data) > 3000:
        return f"Record/text must not be longer than 300 graphemes ({len(text)})"
    for facet in record.get("facets", []):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        if not 0 <= start < end <= len(data):
            return f"facet byte range {start}..{end} outside the text ({len(data)} bytes)"
        try:
            data[start:end].decode()
        except UnicodeDecodeError:
            return f"facet byte range {start}..{end} splits a character"
    embed = record.get("embed")
    if embed is not None:
        if embed.get("$type") != "app.bsky.embed.images":
            return "only app.bsky.embed.images here"
        for image in embed["images"]:
            if not isinstance(image.get("alt"), str):
                return "image needs alt"
            if image["image"]["ref"]["$link"] not in blobs:
                return "image blob was not uploaded"
    return None
