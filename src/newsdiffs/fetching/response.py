"""One response classified by status, body read under the size cap.

The cap counts *decoded* bytes (httpx undoes Content-Encoding in ``aiter_bytes``), so a
gzip bomb stops at ``max_bytes``. httpx decodes one network read (up to 64 KiB) at a time,
so the worst transient overshoot is one read's expansion (deflate tops out near 1000:1).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
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


async def drain(response: httpx.Response, limit: int = DRAIN_LIMIT) -> None:
    """Read (and drop) a small unwanted body so the connection can be reused.

    An unread response closes its connection: every 304, redirect or 404 would then cost a
    new TCP connection (and its CPU) on the next request to the same host.
    """
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return
    if response.is_stream_consumed or response.is_closed:
        return
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > limit:
            return


async def read_response(url: str, response: httpx.Response, max_bytes: int) -> Hop:
    """Classify a response by status; read the body (capped) only for 2xx."""
    status = response.status_code
    if not 200 <= status < 300:
        await drain(response)
    hop = Hop(
        url,
        FetchOutcome.HTTP_ERROR,
        f"HTTP {status} {response.reason_phrase}".strip(),
        status=status,
        content_type=response.headers.get("content-type"),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        retry_after_s=parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC)),
    )
    if status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        if location:
            return replace(hop, location=location)
        return replace(hop, detail=f"{hop.detail} without a Location header")
    if status == 304:
        return replace(hop, outcome=FetchOutcome.NOT_MODIFIED, detail="")
    if status in GONE_STATUSES:
        return replace(hop, outcome=FetchOutcome.GONE)
    if status in RETRYABLE_STATUSES:
        return replace(hop, retryable=True)
    if not 200 <= status < 300:
        return hop
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        detail = f"Content-Length {declared} is over the {max_bytes}-byte cap"
        return replace(hop, outcome=FetchOutcome.TOO_LARGE, detail=detail)
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_bytes():
        received += len(chunk)
        if received > max_bytes:
            detail = f"decoded body is over the {max_bytes}-byte cap"
            return replace(hop, outcome=FetchOutcome.TOO_LARGE, detail=detail)
        chunks.append(chunk)
    return replace(hop, outcome=FetchOutcome.OK, detail="", body=b"".join(chunks))
