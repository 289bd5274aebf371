"""An in-process stand-in for the Fetcher: canned FetchResults, no sockets (tracker tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsdiffs.fetching import FetchOutcome, FetchResult


def fetched(
    url: str,
    body: bytes = b"",
    *,
    outcome: FetchOutcome = FetchOutcome.OK,
    status: int | None = 200,
    final_url: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """A FetchResult for ``url``; a ``final_url`` other than ``url`` means it was redirected."""
    final = final_url or url
    return FetchResult(
        requested_url=url,
        final_url=final,
        outcome=outcome,
        status=status,
        body=body,
        content_type="text/html",
        header_charset="utf-8",
        redirects=(final,) if final != url else (),
        elapsed_ms=1.0,
        etag=etag,
        last_modified=last_modified,
        retry_after_s=None,
        detail="",
        attempts=1,
    )


Reply = Callable[[str, str | None], FetchResult]  # (url, etag sent) -> result


@dataclass
class FakeFetcher:
    """Answers each URL with the reply set for it; remembers the validators it was sent."""

    replies: dict[str, Reply] = field(default_factory=dict)
    sent_etags: list[tuple[str, str | None]] = field(default_factory=list)

    def serve(self, url: str, result: FetchResult) -> None:
        self.replies[url] = lambda _url, _etag: result

    def page(self, url: str, body: bytes, **options: object) -> None:
        self.serve(url, fetched(url, body, **options))  # type: ignore[arg-type]

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.sent_etags.append((url, etag))
        reply = self.replies.get(url)
        if reply is None:
            return fetched(url, b"", outcome=FetchOutcome.GONE, status=404)
        return reply(url, etag)
