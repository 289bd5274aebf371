"""The pure parts of fetching: charsets, Retry-After, backoff, addresses, robots rules."""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
from datetime import UTC, datetime

import pytest

from newsdiffs.fetching import FetchOutcome, FetchResult, FetchSettings, decode_body
from newsdiffs.fetching.addresses import HostVerdicts, check_host, is_public_address
from newsdiffs.fetching.charset import (
    charset_from_content_type,
    decode_windows_1252,
    sniff_declared_charset,
)
from newsdiffs.fetching.client import accept_encoding, conditional_headers
from newsdiffs.fetching.politeness import HostGates
from newsdiffs.fetching.retry import backoff_delay, parse_retry_after
from newsdiffs.fetching.robots import origin_key, robots_url_for, rules_from_result

# -- charset -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html; charset="ISO-8859-1"', "iso-8859-1"),
        ("text/html;charset=utf-8;foo=bar", "utf-8"),
        ("text/html", None),
        ("text/html; charset=", None),
        (None, None),
    ],
)
def test_charset_from_content_type(content_type: str | None, expected: str | None) -> None:
    assert charset_from_content_type(content_type) == expected


def test_bom_beats_a_wrong_header() -> None:
    decoded = decode_body(codecs.BOM_UTF8 + "héllo".encode(), "iso-8859-1")
    assert (decoded.text, decoded.source) == ("héllo", "bom")


def test_utf16_bom() -> None:
    assert decode_body(codecs.BOM_UTF16_LE + "día".encode("utf-16-le"), None).text == "día"


def test_header_charset_is_used_when_it_decodes() -> None:
    decoded = decode_body("Привет".encode("koi8-r"), "KOI8-R")
    assert (decoded.text, decoded.source) == ("Привет", "header")


def test_unknown_header_charset_is_ignored() -> None:
    decoded = decode_body("naïve".encode(), "x-no-such-charset")
    assert (decoded.text, decoded.source) == ("naïve", "utf-8")


def test_latin1_label_over_utf8_bytes_prefers_utf8() -> None:
    assert decode_body("café".encode(), "iso-8859-1").text == "café"


def test_latin1_label_means_windows_1252() -> None:
    # 0x93/0x94 are curly quotes in cp1252, C1 controls in true latin-1: browsers use cp1252.
    assert decode_body(b"\x93hi\x94", "iso-8859-1").text == "“hi”"


def test_meta_and_xml_declarations() -> None:
    assert sniff_declared_charset(b"<meta charset='windows-1251'>") == "cp1251"
    assert sniff_declared_charset(b'<?xml version="1.0" encoding="ISO-8859-2"?>') == "iso8859-2"
    assert sniff_declared_charset(b'<meta charset="utf-16">') == "utf-8"
    assert sniff_declared_charset(b"<p>no declaration</p>") is None
    late = b" " * 5000 + b'<meta charset="koi8-r">'
    assert sniff_declared_charset(late) is None  # only the first 4 KiB are scanned


def test_windows_1252_never_fails() -> None:
    every_byte = bytes(range(256))
    text = decode_windows_1252(every_byte)
    assert len(text) == 256
    assert text[0x81] == "\x81" and text[0x80] == "€"


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe\xff", b"\xed\xa0\x80", bytes(range(256)), b'<meta charset="utf-8">\xc3('],
)
def test_decode_never_raises(body: bytes) -> None:
    for header in (None, "utf-8", "utf-16", "bogus", "ascii"):
        assert isinstance(decode_body(body, header).text, str)


def test_fetch_result_text_uses_header_charset() -> None:
    result = FetchResult(
        requested_url="http://x/",
        final_url="http://x/",
        outcome=FetchOutcome.OK,
        status=200,
        body="Ελληνικά".encode("iso-8859-7"),
        content_type="text/html; charset=iso-8859-7",
        header_charset="iso-8859-7",
        redirects=(),
        elapsed_ms=1.0,
        etag=None,
        last_modified=None,
        retry_after_s=None,
        detail="",
        attempts=1,
    )
    assert result.text() == "Ελληνικά"
    assert result.ok


# -- Retry-After and backoff ----------------------------------------------------------------

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("Thu, 26 Nov 2026 12:00:30 GMT", 30.0),
        ("Thu, 26 Nov 2026 11:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_backoff_doubles_and_respects_retry_after() -> None:
    assert [backoff_delay(0.5, n, None) for n in range(3)] == [0.5, 1.0, 2.0]
    assert backoff_delay(0.5, 0, 7.0) == 7.0
    assert backoff_delay(4.0, 1, 1.0) == 8.0


# -- headers and settings -------------------------------------------------------------------


def test_conditional_headers_skip_unsendable_values() -> None:
    assert conditional_headers('"abc"', "Wed, 21 Oct 2026 07:28:00 GMT") == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 21 Oct 2026 07:28:00 GMT",
    }
    assert conditional_headers("é-tag", "line\nbreak") == {}
    assert conditional_headers(None, None) == {}


def test_accept_encoding_lists_only_decodable_codings() -> None:
    codings = [c.strip() for c in accept_encoding().split(",")]
    assert codings[:2] == ["gzip", "deflate"]
    try:
        import brotli  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        assert "br" not in codings


def test_robots_token_is_the_product_token() -> None:
    assert FetchSettings().robots_token == "newsdiffs"
    assert FetchSettings(user_agent="MyBot/2.0 (+http://x)").robots_token == "MyBot"


# -- SSRF guard -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:8.8.8.8", True),
        # IPv6 forms that embed an IPv4 address are judged by it (they counted as public).
        ("64:ff9b::10.0.0.1", False),  # NAT64 well-known prefix
        ("64:ff9b::127.0.0.1", False),
        ("64:ff9b::169.254.169.254", False),
        ("64:ff9b::8.8.8.8", True),  # how an IPv6-only network reaches a public site
        ("64:ff9b:1::a00:1", False),  # local-use NAT64 (RFC 8215): never public
        ("2002:0a00:0001::1", False),  # 6to4 of 10.0.0.1
        ("2002:7f00:0001::", False),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", False),  # 6to4 of 169.254.169.254
        ("2002:0808:0808::1", True),  # 6to4 of 8.8.8.8
        ("::10.0.0.1", False),  # IPv4-compatible (deprecated)
        ("::192.168.1.1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("::ffff:169.254.169.254", False),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo
        ("2001::1", False),
        ("fec0::1", False),  # site-local
        ("feff::1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::a00:1", "2002:a00:1::", "::10.0.0.1", "::ffff:10.0.0.1", "2001::1", "fec0::1"],
)
def test_the_guard_refuses_ipv6_forms_of_private_ipv4(address: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [address]

    for host in (address, f"[{address}]", "rebound.test"):  # literal, bracketed, resolved
        verdict = asyncio.run(check_host(host, 443, resolver))
        assert not verdict.allowed and verdict.resolved, host


def test_check_host_uses_every_resolved_address() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"mixed.test": ["93.184.216.34", "10.0.0.1"], "ok.test": ["93.184.216.34"]}[host]

    mixed = asyncio.run(check_host("mixed.test", 80, resolver))
    assert not mixed.allowed and mixed.resolved and "10.0.0.1" in mixed.detail
    assert asyncio.run(check_host("ok.test", 80, resolver)).allowed
    literal = asyncio.run(check_host("::1", 80, resolver))  # literals skip the resolver
    assert not literal.allowed and literal.resolved


def test_check_host_reports_resolution_failure() -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    verdict = asyncio.run(check_host("nowhere.test", 80, failing))
    assert not verdict.allowed and not verdict.resolved
    assert "cannot resolve" in verdict.detail


# -- robots rules ---------------------------------------------------------------------------


def _robots_result(outcome: FetchOutcome, status: int | None, body: bytes = b"") -> FetchResult:
    return FetchResult(
        "http://x/robots.txt", "http://x/robots.txt", outcome, status, body, "text/plain",
        None, (), 1.0, None, None, None, "why", 1,
    )  # fmt: skip


def test_robots_rules_from_results() -> None:
    body = b"User-agent: newsdiffs\nDisallow: /private\nCrawl-delay: 3\n"
    parsed = rules_from_result(_robots_result(FetchOutcome.OK, 200, body), 3600, now=0)
    assert not parsed.allows("http://x/private/a", "newsdiffs")
    assert parsed.allows("http://x/public", "newsdiffs")
    assert parsed.crawl_delay("newsdiffs") == 3.0
    assert parsed.expires_at == 3600

    missing = rules_from_result(_robots_result(FetchOutcome.GONE, 404), 3600, now=0)
    assert missing.allows("http://x/private/a", "newsdiffs") and missing.expires_at == 3600

    down = rules_from_result(_robots_result(FetchOutcome.HTTP_ERROR, 503), 3600, now=0)
    assert down.allows("http://x/anything", "newsdiffs")
    assert down.expires_at < 3600  # re-asked soon after the server recovers
    assert down.crawl_delay("newsdiffs") is None


def test_robots_keys_and_urls() -> None:
    import httpx

    url = httpx.URL("https://Example.org:8443/a/b?c=d#e")
    assert robots_url_for(url) == "https://example.org:8443/robots.txt"
    assert origin_key(url) != origin_key(httpx.URL("http://example.org:8443/"))


def test_host_gates_are_per_host_and_case_insensitive() -> None:
    gates = HostGates(concurrency=2, delay_s=1.0)
    assert gates.for_host("Example.org") is gates.for_host("example.org")
    assert gates.for_host("a.example") is not gates.for_host("b.example")
    gate = gates.for_host("a.example")
    gate.raise_delay(0.5)
    assert gate.delay_s == 1.0
    gate.raise_delay(3.0)
    assert gate.delay_s == 3.0


def test_host_verdicts_are_remembered_but_dns_failures_are_not() -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        if host == "down.test":
            raise OSError("temporary failure in name resolution")
        return {"ok.test": ["93.184.216.34"], "inside.test": ["10.1.2.3"]}[host]

    async def go() -> list[bool]:
        verdicts = HostVerdicts(resolver, ttl_s=60.0)
        answers = []
        for host in ["ok.test", "ok.test", "inside.test", "inside.test", "down.test", "down.test"]:
            answers.append((await verdicts.check(host, 443)).allowed)
        expired = HostVerdicts(resolver, ttl_s=0.0)
        await expired.check("ok.test", 443)
        await expired.check("ok.test", 443)
        return answers

    assert asyncio.run(go()) == [True, True, False, False, False, False]
    # one lookup per host while remembered; failures and expired verdicts ask again
    assert asked == ["ok.test", "inside.test", "down.test", "down.test", "ok.test", "ok.test"]
