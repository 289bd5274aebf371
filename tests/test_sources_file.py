"""The TOML sources file: loading, validation messages, the shipped defaults, round trips."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from newsdiffs.discovery import is_article_url
from newsdiffs.errors import ConfigError
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.sources_file import dump_sources, load_default_sources, load_sources, parse_sources

EXAMPLE = r"""
[[source]]
name = "guardian"            # short id, [a-z0-9_-]
title = "The Guardian"
home_url = "https://www.theguardian.com/"
exclude = ["/live/", "/video/"]
[[source.feed]]
url = "https://www.theguardian.com/world/rss"
poll_minutes = 15
[[source.sitemap]]
url = "https://www.theguardian.com/sitemaps/news.xml"
poll_minutes = 45
[[source.frontpage]]
url = "https://www.theguardian.com/uk"
link_pattern = "/20\\d\\d/[a-z]{3}/\\d\\d/"

[[source]]
name = "tiny"
[[source.feed]]
url = "https://tiny.example/feed?x=1"
"""
NEWS_SNIFFER = {"bbc", "guardian", "independent", "nytimes", "washingtonpost", "rt", "theintercept"}


def test_load_example(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    guardian, tiny = load_sources(path)
    assert guardian == Source(
        name="guardian",
        title="The Guardian",
        home_url="https://www.theguardian.com/",
        exclude_patterns=("/live/", "/video/"),
        endpoints=(
            Endpoint("https://www.theguardian.com/world/rss", DiscoveryKind.FEED),
            Endpoint(
                "https://www.theguardian.com/sitemaps/news.xml",
                DiscoveryKind.SITEMAP,
                poll_interval=timedelta(minutes=45),
            ),
            Endpoint(
                "https://www.theguardian.com/uk",
                DiscoveryKind.FRONTPAGE,
                link_pattern=r"/20\d\d/[a-z]{3}/\d\d/",
            ),
        ),
    )
    assert tiny.title == "tiny"
    assert tiny.home_url == "https://tiny.example/"  # derived from the first endpoint


def test_round_trip_of_example_and_defaults() -> None:
    for sources in (parse_sources(EXAMPLE), load_default_sources()):
        assert parse_sources(dump_sources(sources)) == sources


def test_dump_escapes_awkward_strings() -> None:
    source = Source(
        name="odd",
        home_url="https://odd.example/",
        title="Quote \" back\\slash\ttab \u00e9 it's",
        exclude_patterns=(r"it's\d", "\\d+\n"),
    )
    assert parse_sources(dump_sources([source])) == [source]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nname = 'Bad Name'\nhome_url='https://x.example/'", r"source #1: 'name'"),
        ("[[source]]\nhome_url='https://x.example/'", r"source #1: 'name'"),
        ("[[source]]\nname='a'", r"source 'a': 'home_url' is missing"),
        ("[[source]]\nname='a'\nhome_url='ftp://x/'", r"source 'a': 'home_url': must be"),
        ("[[source]]\nname='a'\nhome_url='https://x/'\ncolour='red'", r"unknown key\(s\): colour"),
        (
            "[[source]]\nname='a'\nhome_url='https://x/'\nexclude=['(']",
            r"source 'a': 'exclude': invalid regex",
        ),
        ("[[source]]\nname='a'\nhome_url='https://x/'\nexclude='/live/'", r"must be a list"),
        (
            "[[source]]\nname='a'\n[[source.feed]]\nurl='https://x/'\npoll_minutes=0",
            r"source 'a': feed #1: 'poll_minutes'",
        ),
        (
            "[[source]]\nname='a'\n[[source.feed]]\nurl='https://x/'\npoll_minutes=true",
            r"'poll_minutes'",
        ),
        (
            "[[source]]\nname='a'\n[[source.feed]]\nurl='https://x/'\nlink_pattern='x'",
            r"feed #1: unknown key\(s\): link_pattern",
        ),
        (
            "[[source]]\nname='a'\n[[source.frontpage]]\nurl='https://x/'\nlink_pattern='['",
            r"frontpage #1: 'link_pattern': invalid regex",
        ),
        ("[[source]]\nname='a'\n[[source.sitemap]]\npoll_minutes=5", r"sitemap #1: 'url' is"),
        ("[[source]]\nname='a'\nfeed='https://x/'\nhome_url='https://x/'", r"'feed' must be"),
        (
            "[[source]]\nname='a'\nhome_url='https://x/'\n[[source]]\nname='a'\n"
            "home_url='https://y/'",
            r"source 'a': name used twice",
        ),
        ("sources = 1", r"unknown top-level key\(s\): sources"),
        ("source = 'x'", r"array of tables"),
        ("[[source]\nname='a'", r"invalid TOML"),
    ],
)
def test_validation_errors_name_file_source_and_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_sources(text, origin="my-sources.toml")
    assert str(caught.value).startswith("my-sources.toml: ")
    assert "\n" not in str(caught.value)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.toml")


def test_default_sources() -> None:
    sources = load_default_sources()
    names = [source.name for source in sources]
    assert len(sources) >= 19
    assert len(set(names)) == len(names)
    assert set(names) >= NEWS_SNIFFER
    for source in sources:
        assert source.endpoints, source.name
        assert source.title and source.title != source.name, source.name
        for endpoint in source.endpoints:
            assert endpoint.url.startswith("https://") or endpoint.url.startswith("http://rss.cnn")
            if endpoint.kind is DiscoveryKind.FRONTPAGE:
                assert endpoint.link_pattern, source.name
    urls = [endpoint.url for source in sources for endpoint in source.endpoints]
    assert len(set(urls)) == len(urls)


@pytest.mark.parametrize(
    ("name", "article", "not_article"),
    [
        (
            "bbc",
            "https://www.bbc.co.uk/news/articles/c0mmzvzv8xyo",
            "https://www.bbc.co.uk/news/live/world-12345678",
        ),
        (
            "guardian",
            "https://www.theguardian.com/world/2024/may/12/ceasefire-talks-resume",
            "https://www.theguardian.com/world/ukraine",
        ),
        (
            "nytimes",
            "https://www.nytimes.com/2024/05/12/world/europe/story.html",
            "https://www.nytimes.com/interactive/2024/05/12/us/elections/results.html",
        ),
        (
            "dw",
            "https://www.dw.com/en/some-story/a-68912345?maca=en-rss-en-all-1573-rdf",
            "https://www.dw.com/en/some-clip/video-68912345",
        ),
        (
            "reuters",
            "https://www.reuters.com/world/europe/talks-resume-2024-05-12/",
            "https://www.reuters.com/world/europe/",
        ),
    ],
)
def test_default_source_patterns(name: str, article: str, not_article: str) -> None:
    source = next(source for source in load_default_sources() if source.name == name)
    assert is_article_url(source, article)
    assert not is_article_url(source, not_article)


def test_frontpage_patterns_in_defaults_compile() -> None:
    for source in load_default_sources():
        for endpoint in source.endpoints:
            if endpoint.link_pattern:
                assert re.compile(endpoint.link_pattern)
