from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdiffs.core.urls import (
    TRACKING_PARAMS,
    TRACKING_PREFIXES,
    canonicalize_url,
    choose_article_url,
    host_of,
    is_tracking_param,
    lookup_variants,
    registrable_domain,
    same_site,
)
from newsdiffs.errors import InputError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com/a#comments", "http://example.com/a"),
        ("http://example.com./a", "http://example.com/a"),
        ("http://user:pw@example.com/a", "http://example.com/a"),
        ("http://[::1]:8080", "http://[::1]:8080/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&id=7&utm_medium=feed&fbclid=x&page=2",
            "https://example.com/a?id=7&page=2",
        ),
        ("https://example.com/a?CMP=twt_gu&at_medium=x&at_custom1=y", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("https://example.com/a?q=a%20b+c&x", "https://example.com/a?q=a%20b+c&x"),
        ("https://example.com/a?ns_mchannel=rss&ns_source=PublicRSS20-sa", "https://example.com/a"),
        ("https://example.com/a?smid=tw-share&&ref=home", "https://example.com/a"),
    ],
)
def test_canonicalize_url(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


@pytest.mark.parametrize(
    "bad",
    ["ftp://example.com/a", "mailto:x@example.com", "/relative/path", "example.com/a", "http://",
     "https:///path", "http://example.com:99999/", "http://exa mple.com/", "javascript:x", ""],
)  # fmt: skip
def test_canonicalize_rejects(bad: str) -> None:
    with pytest.raises(InputError):
        canonicalize_url(bad)


def test_tracking_params_documented() -> None:
    for name in ("fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "ocid",
                 "cmpid", "ito", "smid", "smtyp", "ref", "ref_src", "taid", "share", "hpid",
                 "tid", "int_source"):  # fmt: skip
        assert name in TRACKING_PARAMS
        assert is_tracking_param(name)
    assert is_tracking_param("CMP")
    assert is_tracking_param("UTM_Campaign")
    assert "utm_" in TRACKING_PREFIXES and "at_" in TRACKING_PREFIXES
    assert not is_tracking_param("id")
    assert not is_tracking_param("page")


_hosts = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8}){1,3}", fullmatch=True)
_params = st.lists(
    st.tuples(
        st.sampled_from(["id", "page", "utm_source", "fbclid", "q", "at_medium", "x"]),
        st.from_regex(r"[a-z0-9]{0,5}", fullmatch=True),
    ),
    max_size=5,
)


@given(
    st.sampled_from(["http", "HTTPS", "https"]),
    _hosts,
    st.from_regex(r"(/[a-z0-9-]{1,8}){0,3}/?", fullmatch=True),
    _params,
    st.sampled_from(["", "#frag"]),
)
def test_canonicalize_properties(
    scheme: str, host: str, path: str, params: list[tuple[str, str]], fragment: str
) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"{scheme}://{host.upper()}{path}" + (f"?{query}" if query else "") + fragment
    canonical = canonicalize_url(url)
    assert canonicalize_url(canonical) == canonical
    parts = urlsplit(canonical)
    assert parts.scheme == scheme.lower()
    assert parts.hostname == host
    assert parts.path == (path or "/")
    assert not parts.fragment
    kept = [f"{k}={v}" for k, v in params if not is_tracking_param(k)]
    assert parts.query == "&".join(kept)


def test_host_of() -> None:
    assert host_of("https://WWW.BBC.co.uk:443/news") == "www.bbc.co.uk"
    with pytest.raises(InputError):
        host_of("not a url")


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("edition.cnn.com", "cnn.com"),
        ("www.theguardian.com", "theguardian.com"),
        ("www.abc.net.au", "abc.net.au"),
        ("news.example.com.br", "example.com.br"),
        ("example.com", "example.com"),
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("www.example.co", "example.co"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_same_site() -> None:
    assert same_site("https://www.bbc.co.uk/news/1", "http://m.bbc.co.uk/x")
    assert not same_site("https://www.bbc.co.uk/", "https://www.itv.co.uk/")
    assert same_site("https://edition.cnn.com/a", "https://www.cnn.com/b")
    assert not same_site("https://example.com/", "https://example.org/")
    assert not same_site("http://127.0.0.1:8000/", "http://127.0.0.2:8000/")


def test_lookup_variants_canonical_first_and_unique() -> None:
    url = "http://M.BBC.co.uk/news/world-1/amp?utm_medium=x#top"
    variants = lookup_variants(url)
    assert variants[0] == canonicalize_url(url) == "http://m.bbc.co.uk/news/world-1/amp"
    assert len(variants) == len(set(variants))
    for expected in (
        "https://www.bbc.co.uk/news/world-1",
        "http://www.bbc.co.uk/news/world-1",
        "https://bbc.co.uk/news/world-1",
        "https://m.bbc.co.uk/news/world-1/amp",
    ):
        assert expected in variants
    assert all(canonicalize_url(v) == v for v in variants)
    assert not any("utm_" in v for v in variants)


def test_lookup_variants_do_not_guess_mobile_forms() -> None:
    variants = lookup_variants("https://www.example.com/story?id=3")
    assert variants[0] == "https://www.example.com/story?id=3"
    assert set(variants) == {
        "https://www.example.com/story?id=3",
        "https://example.com/story?id=3",
        "http://www.example.com/story?id=3",
        "http://example.com/story?id=3",
    }


def test_lookup_variants_for_ip_hosts_and_ports() -> None:
    variants = lookup_variants("http://127.0.0.1:8000/a")
    assert variants == ["http://127.0.0.1:8000/a", "https://127.0.0.1/a"]


def test_lookup_variants_accepts_links_without_scheme() -> None:
    for pasted in ("www.bbc.co.uk/news/1", "//www.bbc.co.uk/news/1", " WWW.BBC.co.uk/news/1 "):
        variants = lookup_variants(pasted)
        assert variants[0] == "https://www.bbc.co.uk/news/1"
        assert "http://bbc.co.uk/news/1" in variants
    assert lookup_variants("example.com:8080?id=1")[0] == "https://example.com:8080/?id=1"


@pytest.mark.parametrize(
    "bad", ["ftp://example.com/", "mailto:someone@example.com", "just some words", "javascript:x"]
)
def test_lookup_variants_rejects_bad_urls(bad: str) -> None:
    with pytest.raises(InputError):
        lookup_variants(bad)


class TestChooseArticleUrl:
    def test_page_canonical_on_same_site_wins(self) -> None:
        chosen = choose_article_url(
            "https://bbc.in/abc",
            "https://www.bbc.co.uk/news/uk-1?at_medium=RSS",
            "https://WWW.bbc.co.uk/news/uk-1",
        )
        assert chosen == "https://www.bbc.co.uk/news/uk-1"

    def test_amp_page_points_to_desktop(self) -> None:
        chosen = choose_article_url(
            "https://amp.example.com/a/amp",
            "https://amp.example.com/a/amp",
            "https://www.example.com/a",
        )
        assert chosen == "https://www.example.com/a"

    def test_foreign_canonical_is_ignored(self) -> None:
        chosen = choose_article_url(
            "https://example.com/a", "https://example.com/a", "https://syndicator.net/a"
        )
        assert chosen == "https://example.com/a"

    @pytest.mark.parametrize(
        "canonical", [None, "", "/relative", "//example.com/a", "ftp://example.com/a"]
    )
    def test_unusable_canonical_falls_back_to_final(self, canonical: str | None) -> None:
        chosen = choose_article_url("http://t.co/x", "https://Example.com/b#x", canonical)
        assert chosen == "https://example.com/b"

    def test_canonical_pointing_at_home_page_is_ignored(self) -> None:
        chosen = choose_article_url("x", "https://example.com/story/1", "https://example.com/")
        assert chosen == "https://example.com/story/1"
        home = choose_article_url("x", "https://example.com/?utm_source=a", "https://example.com")
        assert home == "https://example.com/"

    def test_empty_final_uses_requested(self) -> None:
        assert choose_article_url("https://example.com/r", "", None) == "https://example.com/r"

    def test_bad_final_raises(self) -> None:
        with pytest.raises(InputError):
            choose_article_url("https://example.com/", "ftp://example.com/", None)
