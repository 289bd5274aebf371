"""Fetcher against a real loopback server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise

import pytest
from misbehaving_server import GZIP_BOMB, MisbehavingServer

from newsdiffs.errors import FetchError
from newsdiffs.fetching import Fetcher, FetchOutcome, FetchResult, FetchSettings

FAST = FetchSettings(
    timeout_s=2.0,
    retries=2,
    backoff_base_s=0.01,
    per_host_delay_s=0.0,
    max_retry_after_s=5.0,
    respect_robots=False,
    allow_private_addresses=True,
)
# Scheduling jitter between the client's monotonic start and the server's arrival stamp
# (the test machine is shared and loaded; gaps are asserted server-side).
JITTER_S = 0.05


def fetch(url: str, settings: FetchSettings = FAST, **conditional: str) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, **conditional)

    return asyncio.run(run())


def fetch_all(urls: list[str], settings: FetchSettings = FAST) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        async with Fetcher(settings) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(u) for u in urls)))

    return asyncio.run(run())


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as running:
        yield running


# -- plain success and headers -------------------------------------------------------------


def test_ok_page_with_headers(server: MisbehavingServer) -> None:
    result = fetch(server.url("/ok"))
    assert result.outcome is FetchOutcome.OK
    assert result.status == 200
    assert "Bonjour café" in result.text()
    assert result.header_charset == "utf-8"
    assert result.final_url == result.requested_url == server.url("/ok")
    assert result.redirects == ()
    assert result.attempts == 1
    assert result.detail == ""
    assert result.elapsed_ms > 0
    sent = server.requests_to("/ok")[0].headers
    assert sent["user-agent"].startswith("newsdiffs/0.1")
    assert "gzip" in sent["accept-encoding"] and "deflate" in sent["accept-encoding"]


# -- charsets ------------------------------------------------------------------------------


def test_latin1_page_without_charset(server: MisbehavingServer) -> None:
    result = fetch(server.url("/latin1"))
    assert result.header_charset is None
    assert "café crème à la française" in result.text()


def test_meta_charset_only(server: MisbehavingServer) -> None:
    result = fetch(server.url("/meta-charset"))
    assert result.header_charset is None
    assert "Prix: 5 €" in result.text()  # iso-8859-15 0xA4 is the euro sign


def test_http_equiv_charset(server: MisbehavingServer) -> None:
    assert "Новости дня" in fetch(server.url("/http-equiv")).text()


def test_header_says_utf8_but_bytes_are_cp1252(server: MisbehavingServer) -> None:
    result = fetch(server.url("/lying-utf8"))
    assert result.header_charset == "utf-8"
    text = result.text()  # must not raise
    assert "“Smart” quotes — café" in text
    assert text.endswith("\x81")  # cp1252's undefined byte survives as its C1 control


# -- size caps -----------------------------------------------------------------------------


def test_content_length_over_cap_is_rejected_early(server: MisbehavingServer) -> None:
    result = fetch(server.url("/big?size=20000"), replace(FAST, max_bytes=10_000))
    assert result.outcome is FetchOutcome.TOO_LARGE
    assert "Content-Length 20000" in result.detail
    assert result.body == b""


def test_streamed_body_over_cap(server: MisbehavingServer) -> None:
    result = fetch(server.url("/big-stream?size=200000"), replace(FAST, max_bytes=50_000))
    assert result.outcome is FetchOutcome.TOO_LARGE
    assert "decoded body" in result.detail


def test_body_at_cap_is_accepted(server: MisbehavingServer) -> None:
    result = fetch(server.url("/big?size=10000"), replace(FAST, max_bytes=10_000))
    assert result.outcome is FetchOutcome.OK
    assert len(result.body) == 10_000


def test_gzip_bomb_is_caught_on_decoded_bytes(server: MisbehavingServer) -> None:
    cap = 1_000_000
    assert len(GZIP_BOMB) < cap  # so Content-Length alone cannot be what stops it
    result = fetch(server.url("/gzip-bomb"), replace(FAST, max_bytes=cap))
    assert result.outcome is FetchOutcome.TOO_LARGE
    assert "decoded body" in result.detail


# -- timeouts ------------------------------------------------------------------------------


def test_slow_response_times_out(server: MisbehavingServer) -> None:
    result = fetch(server.url("/slow?s=3"), replace(FAST, timeout_s=0.3, retries=0))
    assert result.outcome is FetchOutcome.TIMEOUT
    assert result.status is None
    assert "timed out" in result.detail
    assert result.elapsed_ms < 2000


def test_trickling_body_hits_the_whole_request_deadline(server: MisbehavingServer) -> None:
    # One byte every 0.1 s: no single read waits 0.5 s, but the exchange would take 4 s.
    result = fetch(server.url("/drip?bytes=40&every=0.1"), replace(FAST, timeout_s=0.5, retries=0))
    assert result.outcome is FetchOutcome.TIMEOUT
    assert result.elapsed_ms < 2000


def test_timeouts_are_retried(server: MisbehavingServer) -> None:
    result = fetch(server.url("/slow?s=1"), replace(FAST, timeout_s=0.2, retries=1))
    assert result.outcome is FetchOutcome.TIMEOUT
    assert result.attempts == 2
    assert len(server.requests_to("/slow")) == 2


# -- retries -------------------------------------------------------------------------------


def test_500_then_200_succeeds_on_retry(server: MisbehavingServer) -> None:
    result = fetch(server.url("/flaky?key=a"))
    assert result.outcome is FetchOutcome.OK
    assert result.attempts == 2
    assert len(server.requests_to("/flaky")) == 2


def test_503_retry_after_is_honoured(server: MisbehavingServer) -> None:
    result = fetch(server.url("/unavailable-once?after=1"))
    assert result.outcome is FetchOutcome.OK
    assert result.attempts == 2
    first, second = server.requests_to("/unavailable-once")
    assert second.at - first.at >= 1.0 - JITTER_S


def test_503_over_retry_after_cap_gives_up_at_once(server: MisbehavingServer) -> None:
    result = fetch(server.url("/unavailable?after=30"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 503
    assert result.retry_after_s == 30.0
    assert result.attempts == 1
    assert "over the cap" in result.detail


def test_429_retries_then_reports_http_error(server: MisbehavingServer) -> None:
    result = fetch(server.url("/too-many?after=0"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 429
    assert result.attempts == 3  # 1 + retries
    assert result.retry_after_s == 0.0
    assert len(server.requests_to("/too-many")) == 3


def test_backoff_spaces_retries(server: MisbehavingServer) -> None:
    fetch(server.url("/too-many"), replace(FAST, backoff_base_s=0.1, retries=2))
    stamps = [r.at for r in server.requests_to("/too-many")]
    gaps = [b - a for a, b in pairwise(stamps)]
    assert len(gaps) == 2
    assert gaps[0] >= 0.1 - JITTER_S and gaps[1] >= 0.2 - JITTER_S


@pytest.mark.parametrize("code", [404, 410])
def test_404_and_410_are_gone_without_retry(server: MisbehavingServer, code: int) -> None:
    result = fetch(server.url(f"/status?code={code}"))
    assert result.outcome is FetchOutcome.GONE
    assert result.status == code
    assert result.attempts == 1
    assert len(server.requests_to("/status")) == 1


def test_other_4xx_is_http_error_without_retry(server: MisbehavingServer) -> None:
    result = fetch(server.url("/status?code=403"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 403
    assert "403" in result.detail
    assert len(server.requests_to("/status")) == 1


# -- redirects -----------------------------------------------------------------------------


def test_redirect_loop(server: MisbehavingServer) -> None:
    result = fetch(server.url("/loop-a"))
    assert result.outcome is FetchOutcome.REDIRECT_LOOP
    assert result.redirects == (server.url("/loop-b"),)
    assert "loop" in result.detail
    assert result.attempts == 1


def test_too_many_redirects(server: MisbehavingServer) -> None:
    result = fetch(server.url("/chain?n=0"), replace(FAST, max_redirects=3))
    assert result.outcome is FetchOutcome.TOO_MANY_REDIRECTS
    assert len(result.redirects) == 3
    assert len(server.requests_to("/chain")) == 4


def test_redirect_chain_within_limit(server: MisbehavingServer) -> None:
    result = fetch(server.url("/chain?n=0&stop=2"), replace(FAST, max_redirects=2))
    assert result.outcome is FetchOutcome.OK
    assert result.redirects == (
        server.url("/chain?n=1&stop=2"),
        server.url("/chain?n=2&stop=2"),
    )
    assert result.final_url == result.redirects[-1]


def test_relative_redirect(server: MisbehavingServer) -> None:
    result = fetch(server.url("/relative/start"))
    assert result.outcome is FetchOutcome.OK
    assert result.final_url == server.url("/ok")
    assert result.redirects == (server.url("/ok"),)
    assert result.requested_url == server.url("/relative/start")


# -- conditional requests ------------------------------------------------------------------


def test_conditional_headers_are_not_sent_to_a_redirect_target(
    server: MisbehavingServer,
) -> None:
    # /moved 301s to /any-etag, which answers 304 to any If-None-Match: the validators were
    # the old URL's, so the new URL must be asked plainly and its 200 page returned.
    result = fetch(server.url("/moved"), etag='"old"', last_modified=_OLD_DATE)
    assert result.outcome is FetchOutcome.OK and result.status == 200
    assert result.body == b"<p>moved here</p>"
    assert result.final_url == server.url("/any-etag")
    assert result.etag == '"new"'  # the final URL's own validator
    assert result.validators_for(server.url("/any-etag")) == ('"new"', None)
    assert result.validators_for(server.url("/moved")) == (None, None)
    sent_first = server.requests_to("/moved")[0].headers
    assert sent_first["if-none-match"] == '"old"'  # the URL that produced it still gets it
    sent_target = server.requests_to("/any-etag")[0].headers
    assert "if-none-match" not in sent_target and "if-modified-since" not in sent_target


_OLD_DATE = "Tue, 20 Oct 2026 07:28:00 GMT"


def test_304_with_etag(server: MisbehavingServer) -> None:
    first = fetch(server.url("/etag"))
    assert first.outcome is FetchOutcome.OK
    assert first.etag == '"v1"'
    assert first.last_modified is not None
    second = fetch(server.url("/etag"), etag=first.etag, last_modified=first.last_modified)
    assert second.outcome is FetchOutcome.NOT_MODIFIED
    assert second.status == 304
    assert second.body == b""
    assert second.etag == '"v1"'
    assert second.last_modified == first.last_modified  # carried over when the 304 omits it
    sent = server.requests_to("/etag")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == first.last_modified


# -- robots.txt ----------------------------------------------------------------------------

ROBOTS = replace(FAST, respect_robots=True)


def test_robots_disallow_prevents_the_request() -> None:
    robots = "User-agent: newsdiffs\nDisallow: /private\n"
    with MisbehavingServer(robots_txt=robots) as server:
        blocked, allowed = fetch_all([server.url("/private/page"), server.url("/ok")], ROBOTS)
        assert blocked.outcome is FetchOutcome.ROBOTS_DISALLOWED
        assert "robots.txt" in blocked.detail
        assert allowed.outcome is FetchOutcome.OK
        assert server.requests_to("/private/page") == []
        assert len(server.requests_to("/robots.txt")) == 1  # cached for the second URL


def test_robots_rules_for_other_agents_do_not_apply() -> None:
    with MisbehavingServer(robots_txt="User-agent: otherbot\nDisallow: /\n") as server:
        assert fetch(server.url("/private/page"), ROBOTS).outcome is FetchOutcome.OK


@pytest.mark.parametrize("status", [404, 403, 500, 503])
def test_robots_errors_allow_everything(status: int) -> None:
    with MisbehavingServer(robots_status=status) as server:
        assert fetch(server.url("/private/page"), ROBOTS).outcome is FetchOutcome.OK
        assert len(server.requests_to("/robots.txt")) == 1  # robots.txt is never retried


def test_crawl_delay_is_a_floor_on_the_host_delay() -> None:
    with MisbehavingServer(robots_txt="User-agent: *\nCrawl-delay: 0.3\n") as server:
        fetch_all([server.url("/ok?i=1"), server.url("/ok?i=2")], ROBOTS)
        stamps = [r.at for r in server.requests]  # robots.txt, then the two pages
        assert len(stamps) == 3
        gaps = [b - a for a, b in pairwise(stamps)]
        assert min(gaps) >= 0.3 - JITTER_S, gaps


# -- network failures and the SSRF guard ---------------------------------------------------


def test_connection_refused_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/", replace(FAST, retries=1))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.status is None
    assert result.attempts == 2
    assert result.detail and "\n" not in result.detail


@pytest.mark.parametrize("bad", ["not a url", "ftp://example.org/x", "http://", "http://[::1"])
def test_invalid_urls_are_network_errors(bad: str) -> None:
    result = fetch(bad)
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.attempts == 1
    assert result.requested_url == bad
    assert result.detail


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_ssrf_guard_blocks_loopback(server: MisbehavingServer, host: str) -> None:
    url = server.url("/ok").replace("127.0.0.1", host)
    result = fetch(url, replace(FAST, allow_private_addresses=False))
    assert result.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert "non-public" in result.detail
    assert result.attempts == 1
    assert server.requests == []


def test_fetch_outside_context_manager_raises_fetch_error(server: MisbehavingServer) -> None:
    with pytest.raises(FetchError):
        asyncio.run(Fetcher(FAST).fetch(server.url("/ok")))


# -- politeness ----------------------------------------------------------------------------


def test_per_host_delay_spaces_request_starts(server: MisbehavingServer) -> None:
    delay = 0.25
    urls = [server.url(f"/ok?i={i}") for i in range(3)]
    results = fetch_all(urls, replace(FAST, per_host_delay_s=delay))
    assert all(r.outcome is FetchOutcome.OK for r in results)
    stamps = sorted(r.at for r in server.requests)
    assert len(stamps) == 3
    gaps = [b - a for a, b in pairwise(stamps)]
    assert min(gaps) >= delay - JITTER_S, gaps


@pytest.mark.parametrize("concurrency", [1, 2])
def test_per_host_concurrency_limit(server: MisbehavingServer, concurrency: int) -> None:
    urls = [server.url(f"/slow?s=0.2&i={i}") for i in range(4)]
    fetch_all(urls, replace(FAST, per_host_concurrency=concurrency))
    assert server.max_in_flight == concurrency
