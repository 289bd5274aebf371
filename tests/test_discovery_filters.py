"""is_article_url: built-in excludes plus each source's include/exclude patterns."""

from __future__ import annotations

import pytest

from newsdiffs.discovery import is_article_url
from newsdiffs.errors import ConfigError
from newsdiffs.models import Source

PLAIN = Source(name="plain", home_url="https://news.example.com/")
GUARDIAN = Source(
    name="guardian",
    home_url="https://www.theguardian.com/",
    include_patterns=(r"/\d{4}/[a-z]{3}/\d{2}/",),
    exclude_patterns=("/crosswords/", "/sport/"),
)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/world/live/2024/may/12/election-results",
        "https://news.example.com/news/live/world-12345",
        "https://news.example.com/news/av/uk-12345678",
        "https://news.example.com/video/2024/05/12/clip",
        "https://news.example.com/videos/clip",
        "https://news.example.com/world/gallery/2024/may/12/pictures",
        "https://news.example.com/galleries/best-photos",
        "https://news.example.com/podcast/episode-1",
        "https://news.example.com/podcasts/today",
        "https://news.example.com/audio/clip",
        "https://news.example.com/politics/liveblog/2024/05/12/",
        "https://news.example.com/world/live-news/ukraine-05-12-24",
        "https://news.example.com/politics/live-updates/vote",
        "https://news.example.com/tag/brexit",
        "https://news.example.com/tags/brexit",
        "https://news.example.com/topic/climate",
        "https://news.example.com/author/jane-doe",
        "https://news.example.com/report.PDF",
        "https://news.example.com/images/photo.jpg",
        "https://news.example.com/clip.mp4",
        "ftp://news.example.com/2024/05/12/story",
        "not a url",
    ],
)
def test_builtin_excludes(url: str) -> None:
    assert not is_article_url(PLAIN, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/2024/05/12/story",
        "https://news.example.com/sport/football/2024/05/12/match-report",
        "https://news.example.com/world/delivery-drones?utm=x",
        "https://news.example.com/world/olive/story",  # "live" inside a word is fine
    ],
)
def test_articles_pass_without_source_patterns(url: str) -> None:
    assert is_article_url(PLAIN, url)


def test_source_include_and_exclude() -> None:
    article = "https://www.theguardian.com/world/2024/may/12/ceasefire-talks-resume"
    assert is_article_url(GUARDIAN, article)
    assert not is_article_url(GUARDIAN, "https://www.theguardian.com/world/ukraine")
    assert not is_article_url(GUARDIAN, "https://www.theguardian.com/crosswords/2024/may/12/x")
    assert not is_article_url(GUARDIAN, "https://www.theguardian.com/sport/2024/may/12/match")


def test_invalid_source_pattern_is_a_config_error() -> None:
    broken = Source(name="broken", home_url="https://x.example/", exclude_patterns=("(",))
    with pytest.raises(ConfigError, match="invalid URL pattern"):
        is_article_url(broken, "https://x.example/2024/05/12/story")
