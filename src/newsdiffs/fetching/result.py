"""What a fetch returns and how it is configured. No I/O."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from newsdiffs.fetching.charset import decode_body


class FetchOutcome(enum.StrEnum):
    OK = "ok"  # 2xx, body read in full
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request
    GONE = "gone"  # 404 or 410
    HTTP_ERROR = "http_error"  # any other non-2xx status (after retries for 429/5xx)
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"  # Content-Length or decoded body over max_bytes
    NETWORK_ERROR = "network_error"  # DNS, refused, reset, protocol error, invalid URL
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    ROBOTS_DISALLOWED = "robots_disallowed"
    BLOCKED_ADDRESS = "blocked_address"  # SSRF guard: private, loopback, link-local ...


@dataclass(frozen=True)
class FetchResult:
    """The one answer to ``Fetcher.fetch``: every failure is an outcome, never an exception.

    ``redirects`` lists every URL hop after ``requested_url`` (the last is ``final_url``).
    ``elapsed_ms`` covers the whole fetch: politeness waits, redirects and retries.
    ``attempts`` counts tries of the whole redirect chain (1 when nothing was retried).
    ``etag`` and ``last_modified`` are ``final_url``'s (conditional headers go to
    ``requested_url`` only, never to a redirect target): :meth:`validators_for` hands them
    out for one URL, so a caller cannot send a target's validators to the old URL.
    """

    requested_url: str
    final_url: str
    outcome: FetchOutcome
    status: int | None
    body: bytes
    content_type: str | None
    header_charset: str | None
    redirects: tuple[str, ...]
    elapsed_ms: float
    etag: str | None
    last_modified: str | None
    retry_after_s: float | None
    detail: str
    attempts: int

    @property
    def ok(self) -> bool:
        return self.outcome is FetchOutcome.OK

    def validators_for(self, url: str) -> tuple[str | None, str | None]:
        """(etag, last_modified) when they were produced by ``url``, else (None, None)."""
        if url != self.final_url:
            return None, None
        return self.etag, self.last_modified

    def text(self) -> str:
        """The body as text: BOM, header charset, meta charset, UTF-8, then cp1252."""
        return decode_body(self.body, self.header_charset).text


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = "newsdiffs/0.1 (+https://github.com/newsdiffs/newsdiffs)"
    timeout_s: float = 20.0  # per request: connect, headers and body together
    max_redirects: int = 5
    max_bytes: int = 5_000_000  # of decoded body
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0  # between request starts to one host; 0 disables
    retries: int = 2  # extra attempts after 429, 5xx, timeouts and network errors
    backoff_base_s: float = 1.0  # wait backoff_base_s * 2**n before retry n (n from 0)
    max_retry_after_s: float = 120.0  # a longer Retry-After ends the retries instead
    respect_robots: bool = True
    robots_ttl_s: float = 3600.0
    allow_private_addresses: bool = False  # SSRF guard; the demo and tests set True
    max_crawl_delay_s: float = 60.0  # robots.txt Crawl-delay is honoured up to this
    robots_max_bytes: int = 512_000  # robots.txt bigger than this counts as unavailable

    @property
    def robots_token(self) -> str:
        """The product token of the user agent (``newsdiffs``), matched against robots.txt."""
        first = self.user_agent.split()[0] if self.user_agent.strip() else "newsdiffs"
        return first.split("/")[0]
