"""Fetcher behaviour with httpx.MockTransport: no sockets, fake DNS for the SSRF guard."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from dataclasses import replace

import httpx

from newsdiffs.fetching import Fetcher, FetchOutcome, FetchResult, FetchSettings

SETTINGS = FetchSettings(
    timeout_s=2.0,
    retries=1,
    backoff_base_s=0.0,
    per_host_delay_s=0.0,
    respect_robots=False,
    allow_private_addresses=False,
)
FAKE_DNS = {
    "news.test": ["93.184.216.34"],
    "other.test": ["93.184.216.35"],
    "intranet.test": ["10.0.0.7"],
    "sneaky.test": ["93.184.216.36", "169.254.169.254"],
}

Handler = Callable[[httpx.Request], httpx.Response]


async def fake_resolver(host: str, port: int) -> list[str]:
    if host not in FAKE_DNS:
        raise OSError(f"[Errno -2] Name or service not known: {host}")
    return FAKE_DNS[host]


class Recorder:
    """Wraps a handler and remembers every request that reached the 'network'."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


def run(handler: Recorder, *urls: str, settings: FetchSettings = SETTINGS) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        transport = httpx.MockTransport(handler)
        async with Fetcher(settings, transport, resolver=fake_resolver) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(u) for u in urls)))

    return asyncio.run(go())


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def test_redirect_to_private_address_is_blocked_at_the_hop() -> None:
    recorder = Recorder(lambda r: redirect("http://169.254.169.254/latest/meta-data"))
    (result,) = run(recorder, "http://news.test/story")
    assert result.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert result.redirects == ("http://169.254.169.254/latest/meta-data",)
    assert result.final_url == "http://169.254.169.254/latest/meta-data"
    assert recorder.urls == ["http://news.test/story"]  # the metadata URL was never sent


def test_hostnames_resolving_to_private_addresses_are_blocked() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, text="secret"))
    intranet, sneaky, fine = run(
        recorder, "http://intranet.test/", "http://sneaky.test/", "http://news.test/"
    )
    assert intranet.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert "10.0.0.7" in intranet.detail
    assert sneaky.outcome is FetchOutcome.BLOCKED_ADDRESS  # one bad address is enough
    assert fine.outcome is FetchOutcome.OK
    assert recorder.urls == ["http://news.test/"]


def test_unresolvable_host_is_a_retried_network_error() -> None:
    recorder = Recorder(lambda r: httpx.Response(200))
    (result,) = run(recorder, "http://nowhere.test/")
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert "cannot resolve" in result.detail
    assert result.attempts == 2
    assert recorder.requests == []


def test_allow_private_addresses_skips_the_guard() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, text="local"))
    (result,) = run(
        recorder, "http://intranet.test/", settings=replace(SETTINGS, allow_private_addresses=True)
    )
    assert result.outcome is FetchOutcome.OK
    assert result.text() == "local"


def test_redirect_without_location_is_http_error() -> None:
    (result,) = run(Recorder(lambda r: httpx.Response(302)), "http://news.test/")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 302
    assert "Location" in result.detail


def test_redirect_to_unsupported_scheme_is_network_error() -> None:
    recorder = Recorder(lambda r: redirect("ftp://news.test/file"))
    (result,) = run(recorder, "http://news.test/")
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.redirects == ("ftp://news.test/file",)
    assert len(recorder.requests) == 1


def test_unparseable_location_is_an_outcome_not_an_exception() -> None:
    # httpx itself rejects the Location while building its (unused) next request.
    (result,) = run(Recorder(lambda r: redirect("http://news.test:abc/")), "http://news.test/")
    assert result.outcome in (FetchOutcome.NETWORK_ERROR, FetchOutcome.HTTP_ERROR)
    assert "location" in result.detail.lower()
    assert result.redirects == ()


def test_cross_host_redirect_follows_and_records_hops() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.test":
            return redirect("https://other.test/landing#top", 303)
        return httpx.Response(200, text="landed", headers={"Content-Type": "text/plain"})

    recorder = Recorder(handler)
    (result,) = run(recorder, "http://news.test/short")
    assert result.outcome is FetchOutcome.OK
    assert result.redirects == ("https://other.test/landing#top",)
    assert result.text() == "landed"
    assert [r.method for r in recorder.requests] == ["GET", "GET"]


def test_robots_of_the_redirect_target_is_checked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            rules = "User-agent: *\nDisallow: /\n" if request.url.host == "other.test" else ""
            return httpx.Response(200, text=rules)
        return redirect("http://other.test/article")

    recorder = Recorder(handler)
    (result,) = run(recorder, "http://news.test/a", settings=replace(SETTINGS, respect_robots=True))
    assert result.outcome is FetchOutcome.ROBOTS_DISALLOWED
    assert result.redirects == ("http://other.test/article",)
    assert "http://other.test/article" not in recorder.urls


def test_robots_is_fetched_once_per_origin_under_concurrency() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nAllow: /\n")
        return httpx.Response(200, text="page")

    recorder = Recorder(handler)
    urls = [f"http://news.test/{i}" for i in range(5)] + ["https://news.test/x"]
    results = run(recorder, *urls, settings=replace(SETTINGS, respect_robots=True))
    assert all(r.outcome is FetchOutcome.OK for r in results)
    robots = [u for u in recorder.urls if u.endswith("/robots.txt")]
    assert sorted(robots) == ["http://news.test/robots.txt", "https://news.test/robots.txt"]


def test_transport_errors_become_outcomes() -> None:
    def failing(exc: Exception) -> Recorder:
        def handler(request: httpx.Request) -> httpx.Response:
            raise exc

        return Recorder(handler)

    no_retry = replace(SETTINGS, retries=0)
    cases = {
        httpx.ConnectError("connection reset by peer"): FetchOutcome.NETWORK_ERROR,
        httpx.RemoteProtocolError("peer closed connection"): FetchOutcome.NETWORK_ERROR,
        httpx.ReadTimeout("read timed out"): FetchOutcome.TIMEOUT,
        httpx.ConnectTimeout("connect timed out"): FetchOutcome.TIMEOUT,
    }
    for exc, outcome in cases.items():
        (result,) = run(failing(exc), "http://news.test/", settings=no_retry)
        assert result.outcome is outcome, exc
        assert result.detail and "\n" not in result.detail


def test_corrupt_gzip_is_a_network_error_not_an_exception() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(
            200, content=b"not gzip at all", headers={"Content-Encoding": "gzip"}
        )
    )
    (result,) = run(recorder, "http://news.test/", settings=replace(SETTINGS, retries=0))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert "Decoding" in result.detail


def test_retry_after_http_date_far_in_future_stops_retrying() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(503, headers={"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})
    )
    (result,) = run(recorder, "http://news.test/", settings=replace(SETTINGS, retries=3))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.retry_after_s is not None and result.retry_after_s > 1e9
    assert len(recorder.requests) == 1


def test_no_content_is_ok_with_empty_body() -> None:
    (result,) = run(Recorder(lambda r: httpx.Response(204)), "http://news.test/")
    assert result.outcome is FetchOutcome.OK
    assert result.body == b""
    assert result.text() == ""


def test_conditional_headers_go_to_the_requested_url_only() -> None:
    # They were sent on every hop: the target answered 304 to the old URL's ETag and the
    # fetch reported "not modified" for a page it never saw.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return redirect("/new", 301)
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            return httpx.Response(304)
        return httpx.Response(200, content=b"<p>new</p>", headers={"ETag": '"n1"'})

    recorder = Recorder(handler)

    async def go() -> FetchResult:
        transport = httpx.MockTransport(recorder)
        async with Fetcher(SETTINGS, transport, resolver=fake_resolver) as fetcher:
            return await fetcher.fetch(
                "http://news.test/old", etag='W/"7"', last_modified="Sun, 01 Mar 2026 08:00:00 GMT"
            )

    result = asyncio.run(go())
    assert result.outcome is FetchOutcome.OK and result.body == b"<p>new</p>"
    assert result.final_url == "http://news.test/new"
    assert result.validators_for("http://news.test/new") == ('"n1"', None)
    first, second = recorder.requests
    assert first.headers["If-None-Match"] == 'W/"7"'
    assert "If-None-Match" not in second.headers and "If-Modified-Since" not in second.headers


def test_a_304_after_a_redirect_is_not_given_the_old_urls_validators() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return redirect("/new", 301)
        return httpx.Response(304)  # a broken server: 304 to an unconditional request

    async def go() -> FetchResult:
        transport = httpx.MockTransport(Recorder(handler))
        async with Fetcher(SETTINGS, transport, resolver=fake_resolver) as fetcher:
            return await fetcher.fetch("http://news.test/old", etag='W/"7"')

    result = asyncio.run(go())
    assert result.outcome is FetchOutcome.NOT_MODIFIED
    assert result.etag is None  # 'W/"7"' belongs to /old, not to /new


def test_gzip_bodies_are_decoded() -> None:
    body = gzip.compress("Grüße aus der Redaktion".encode())
    recorder = Recorder(
        lambda r: httpx.Response(
            200,
            content=body,
            headers={"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"},
        )
    )
    (result,) = run(recorder, "http://news.test/")
    assert result.outcome is FetchOutcome.OK
    assert result.text() == "Grüße aus der Redaktion"
    assert "gzip" in recorder.requests[0].headers["Accept-Encoding"]


def test_internationalised_host_names_are_resolved_as_punycode() -> None:
    FAKE_DNS["xn--bcher-kva.test"] = ["10.9.9.9"]
    try:
        (result,) = run(Recorder(lambda r: httpx.Response(200)), "http://bücher.test/")
    finally:
        del FAKE_DNS["xn--bcher-kva.test"]
    assert result.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert "10.9.9.9" in result.detail
