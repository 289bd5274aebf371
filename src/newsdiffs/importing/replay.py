"""The live tracker, fed from captures instead of the network.

:class:`ReplayFetcher` answers the tracker's one fetch with the page a crawler captured, and
:class:`CaptureClock` says it is the moment of that capture, so :class:`~newsdiffs.tracker.
Tracker` runs its very check (content, decision, one ``record_check`` transaction) as if it
had fetched the page itself, then.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsdiffs.fetching import FetchOutcome, FetchResult
from newsdiffs.fetching.charset import charset_from_content_type
from newsdiffs.importing.warcs import CapturedPage


class CaptureClock:
    """The time of the capture being replayed; sleeping takes no time."""

    def __init__(self) -> None:
        self.at = datetime(1970, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        return None


class ReplayFetcher:
    """Answers every fetch with the page it was last given."""

    def __init__(self) -> None:
        self._page: CapturedPage | None = None

    def serve(self, page: CapturedPage) -> None:
        self._page = page

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        page = self._page
        if page is None:
            raise RuntimeError("ReplayFetcher.fetch before serve")
        return FetchResult(
            requested_url=url,
            final_url=url,
            outcome=FetchOutcome.OK,
            status=200,
            body=page.body,
            content_type=page.content_type,
            header_charset=charset_from_content_type(page.content_type),
            redirects=(),
            elapsed_ms=0.0,
            etag=page.etag,
            last_modified=page.last_modified,
            retry_after_s=None,
            detail="replayed from " + page.capture.path,
            attempts=1,
        )
