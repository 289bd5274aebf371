"""One response classified by status, body read under the size cap.

The cap counts *decoded* bytes (httpx undoes Content-Encoding in ``aiter_bytes``), so a
gzip bomb stops at ``max_bytes``. httpx decodes one network read (up to 64 KiB) at a time,
so the worst transient overshoot is one read's expansion (deflate tops out near 1000:1).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from newsdiffs.fetching.charset import charset_from_content_type
from newsdiffs.fetching.result import FetchOutcome, FetchResult
from newsdiffs.fetching.retry import RETRYABLE_STATUSES, parse_retry_after

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Hop:
    """What one attempt (or one request within it) found; becomes a FetchResult."""

    final_url: str
    outcome: FetchOutcome
    detail: str = ""
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after_s: float | None = None
    location: str | None = None  # set on a redirect response
    redirects: tuple[str, ...] = ()
    retryable: bool = False

    def to_result(self, requested_url: str, started: float, attempts: int) -> FetchResult:
        return FetchResult(
            requested_url=requested_url,
            final_url=self.final_url,
            outcome=self.outcome,
            status=self.status,
            body=self.body,
            content_type=self.content_type,
            header_charset=charset_from_content_type(self.content_type),
            redirects=self.redirects,
            elapsed_ms=(time.monotonic() - started) * 1000.0,
            etag=self.etag,
            last_modified=self.last_modified,
            retry_after_s=self.retry_after_s,
            detail=self.detail,
            attempts=attempts,
        )


DRAIN_LIMIT = 65_536


async def drain(response: httpx.Response, declared_length: str = "") -> None:
    """Read (and drop) a small unwanted body so the connection can be reused.

    An unread response closes its connection: every 304, redirect or 404 would then cost a
    new TCP connection (and its CPU) on the next request to the same host.
    """
    if declared_length.isdigit() and int(declared_length) > DRAIN_LIMIT:
        return
    if response.is_stream_consumed or response.is_closed:
        return
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > DRAIN_LIMIT:
            return


@dataclass(frozen=True)
class _Head:
    """What a response's status line and headers say, before any body is read."""

    url: str
    status: int
    reason: str
    fields: dict[str, str]  # lower-cased names

    @classmethod
    def of(cls, url: str, response: httpx.Response) -> _Head:
        # One pass over the header list (each Headers.get would walk and decode it again).
        fields = dict(response.headers.items())
        return cls(url, response.status_code, response.reason_phrase, fields)

    @property
    def status_line(self) -> str:
        return f"HTTP {self.status} {self.reason}".strip()

    def hop(
        self,
        outcome: FetchOutcome,
        detail: str,
        *,
        body: bytes = b"",
        location: str | None = None,
        retryable: bool = False,
    ) -> Hop:
        fields = self.fields
        retry_after = fields.get("retry-after")
        return Hop(
            self.url,
            outcome,
            detail,
            status=self.status,
            body=body,
            content_type=fields.get("content-type"),
            etag=fields.get("etag"),
            last_modified=fields.get("last-modified"),
            retry_after_s=None
            if retry_after is None
            else parse_retry_after(retry_after, datetime.now(UTC)),
            location=location,
            retryable=retryable,
        )


def _unwanted_body_hop(head: _Head) -> Hop:
    """The Hop for a response whose body is not read: redirect, 304, 404/410, errors."""
    status = head.status
    if status in REDIRECT_STATUSES:
        location = head.fields.get("location")
        if location:
            return head.hop(FetchOutcome.HTTP_ERROR, head.status_line, location=location)
        return head.hop(FetchOutcome.HTTP_ERROR, f"{head.status_line} without a Location header")
    if status == 304:
        return head.hop(FetchOutcome.NOT_MODIFIED, "")
    if status in GONE_STATUSES:
        return head.hop(FetchOutcome.GONE, head.status_line)
    return head.hop(
        FetchOutcome.HTTP_ERROR, head.status_line, retryable=status in RETRYABLE_STATUSES
    )


async def read_response(url: str, response: httpx.Response, max_bytes: int) -> Hop:
    """Classify a response by status; read the body (capped) only for 2xx."""
    head = _Head.of(url, response)
    declared = head.fields.get("content-length", "")
    if not 200 <= head.status < 300:
        await drain(response, declared)
        return _unwanted_body_hop(head)
    if declared.isdigit() and int(declared) > max_bytes:
        detail = f"Content-Length {declared} is over the {max_bytes}-byte cap"
        return head.hop(FetchOutcome.TOO_LARGE, detail)
    chunks: list[bytes] = []
    received = 0
    encoded = head.fields.get("content-encoding", "identity").strip().lower() != "identity"
    # Without a content coding the raw bytes are the body: skip httpx's decoder chain
    # (unless the body was read already, as for a response built in memory).
    raw = not encoded and not response.is_stream_consumed
    async for chunk in response.aiter_raw() if raw else response.aiter_bytes():
        received += len(chunk)
        if received > max_bytes:
            detail = f"decoded body is over the {max_bytes}-byte cap"
            return head.hop(FetchOutcome.TOO_LARGE, detail)
        chunks.append(chunk)
    return head.hop(FetchOutcome.OK, "", body=b"".join(chunks))
