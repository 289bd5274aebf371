"""The demo newsroom: pages over sim time, noise that is not news, and the truth."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest
from lxml import etree
from lxml import html as lxml_html

from newsdiffs.clock import ManualClock
from newsdiffs.core.normalize import normalize_paragraphs, normalize_text
from newsdiffs.demo import ARTICLE_LINK_PATTERN, DemoNewsroom, ServedEntry
from newsdiffs.demo.story import CORRECTION_PREFIX, MAX_PARAGRAPHS, MIN_PARAGRAPHS, EditKind
from newsdiffs.demo.timeline import (
    EDIT_WINDOW,
    PUBLISH_WINDOW,
    ArticleTimeline,
    Phase,
    Special,
    build_timeline,
)
from newsdiffs.demo.truth import GONE, expected_flags, score
from newsdiffs.errors import ConfigError
from newsdiffs.extraction import extract
from newsdiffs.models import DiscoveryKind

EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(EPOCH)


@pytest.fixture
def newsroom(clock: ManualClock) -> Iterator[DemoNewsroom]:
    with DemoNewsroom(clock, n_articles=30, seed=7) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def move_to(clock: ManualClock, when: datetime) -> None:
    clock.advance((when - clock.now()).total_seconds())


def article_text(page: str) -> tuple[str, tuple[str, ...]]:
    """Headline and body paragraphs as a reader sees them (whitespace collapsed)."""
    doc = lxml_html.fromstring(page)
    title = " ".join(doc.xpath("string(//article//h1)").split())
    paragraphs = doc.xpath("//article//p[not(ancestor::header) and not(ancestor::footer)]")
    return title, tuple(" ".join(p.text_content().split()) for p in paragraphs)


def find(newsroom: DemoNewsroom, special: Special) -> ArticleTimeline:
    return next(a for a in newsroom.timeline.articles if a.special is special)


# --- the timeline -------------------------------------------------------------------------


def test_timeline_has_every_kind_of_edit_within_the_documented_windows() -> None:
    timeline = build_timeline(EPOCH, 30, seed=7)
    articles = timeline.articles
    assert {kind for article in articles for kind in article.edits} == set(EditKind)
    assert sum(1 for a in articles if len(a.spans) > 1) >= len(articles) / 2
    assert any(a.published == EPOCH for a in articles)
    for article in articles:
        assert EPOCH <= article.published <= EPOCH + PUBLISH_WINDOW
        assert MIN_PARAGRAPHS <= len(article.spans[0].state.paragraphs) <= MAX_PARAGRAPHS
        assert article.spans[0].since == article.published
        if article.special is Special.FLIPFLOP:
            continue
        assert len(article.edits) <= 4
        times = [span.since for span in article.spans]
        assert all(b - a >= timedelta(hours=4) for a, b in itertools.pairwise(times[1:]))
        assert all(t - article.published <= EDIT_WINDOW for t in times)
        contents = [span.state.content_key for span in article.spans]
        assert all(a != b for a, b in itertools.pairwise(contents))


def test_correction_notice_reads_like_one() -> None:
    timeline = build_timeline(EPOCH, 30, seed=7)
    corrected = [
        span.state.paragraphs[-1]
        for article in timeline.articles
        for span in article.spans
        if span.edit is EditKind.CORRECTION
    ]
    assert corrected
    assert all(text.startswith(CORRECTION_PREFIX) for text in corrected)


def test_timeline_is_deterministic_from_the_seed() -> None:
    first = build_timeline(EPOCH, 30, seed=7)
    again = build_timeline(EPOCH, 30, seed=7)
    other = build_timeline(EPOCH, 30, seed=8)
    assert [a.spans for a in first.articles] == [a.spans for a in again.articles]
    assert [a.path for a in first.articles] != [a.path for a in other.articles]


def test_thousand_articles_build_quickly() -> None:
    started = time.perf_counter()
    newsroom = DemoNewsroom(ManualClock(EPOCH), n_articles=1000, seed=3)
    elapsed = time.perf_counter() - started
    assert len(newsroom.timeline.articles) == 1000
    assert len({a.path for a in newsroom.timeline.articles}) == 1000
    assert elapsed < 2.0


def test_zero_articles_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        DemoNewsroom(ManualClock(EPOCH), n_articles=0)


def test_lifecycle_errors_are_config_errors() -> None:
    newsroom = DemoNewsroom(ManualClock(EPOCH), n_articles=5)
    with pytest.raises(ConfigError):
        _ = newsroom.base_url
    with newsroom:
        assert newsroom.start() == newsroom.base_url
    with pytest.raises(ConfigError):
        newsroom.start()
    assert newsroom.base_url.startswith("http://127.0.0.1:")


# --- listings -----------------------------------------------------------------------------


def test_listings_show_only_published_articles(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    base = newsroom.base_url
    for hours in (0, 12, 25):
        move_to(clock, EPOCH + timedelta(hours=hours))
        live = {newsroom.canonical_url(a.path) for a in newsroom.timeline.live_at(clock.now())}
        unpublished = {
            newsroom.canonical_url(a.path)
            for a in newsroom.timeline.articles
            if a.phase_at(clock.now()) is Phase.UNPUBLISHED
        }
        front = lxml_html.fromstring(client.get(f"{base}/").text)
        front_links = {newsroom.canonical_url(h) for h in front.xpath("//a/@href")}
        rss = feedparser.parse(client.get(f"{base}/feeds/rss.xml").content)
        rss_links = {newsroom.canonical_url(e.link) for e in rss.entries}
        atom = feedparser.parse(client.get(f"{base}/feeds/atom.xml").content)
        atom_links = {newsroom.canonical_url(e.link) for e in atom.entries}
        sitemap = etree.fromstring(client.get(f"{base}/sitemap-news.xml").content)
        sitemap_links = {loc.text for loc in sitemap.iter("{*}loc")}

        assert live and front_links >= live and rss_links == live and sitemap_links == live
        assert atom_links and atom_links < rss_links  # an overlapping, smaller subset
        for links in (front_links, rss_links, atom_links, sitemap_links):
            assert not links & unpublished
        assert all("utm_source=rss" in e.link for e in rss.entries)
        assert not rss.bozo and not atom.bozo
    assert unpublished == set()


def test_source_describes_every_endpoint(newsroom: DemoNewsroom, client: httpx.Client) -> None:
    source = newsroom.source()
    assert source.name == "demo"
    kinds = [endpoint.kind for endpoint in source.endpoints]
    assert kinds.count(DiscoveryKind.FEED) == 2
    assert DiscoveryKind.SITEMAP in kinds and DiscoveryKind.FRONTPAGE in kinds
    front = next(e for e in source.endpoints if e.kind is DiscoveryKind.FRONTPAGE)
    assert front.link_pattern == ARTICLE_LINK_PATTERN
    for endpoint in source.endpoints:
        assert timedelta(minutes=10) <= endpoint.poll_interval <= timedelta(minutes=30)
        assert client.get(endpoint.url).status_code == 200
    page = lxml_html.fromstring(client.get(front.url).text)
    article_links = [h for h in page.xpath("//a/@href") if re.search(front.link_pattern, h)]
    assert len(article_links) == len(newsroom.timeline.live_at(EPOCH))


def test_canonical_url_drops_tracking_and_resolves_paths(newsroom: DemoNewsroom) -> None:
    path = newsroom.timeline.articles[4].path
    expected = f"{newsroom.base_url}{path}"
    assert newsroom.canonical_url(path) == expected
    assert newsroom.canonical_url(f"{expected}?utm_source=rss&utm_medium=feed#top") == expected
    assert newsroom.canonical_url(expected) in newsroom.article_urls()


def test_robots_allows_all_and_unknown_pages_404(
    newsroom: DemoNewsroom, client: httpx.Client
) -> None:
    robots = client.get(f"{newsroom.base_url}/robots.txt")
    assert "Allow: /" in robots.text and "Disallow: /" not in robots.text
    assert client.get(f"{newsroom.base_url}/news/2026/03/02/no-such-story").status_code == 404
    assert newsroom.log == ()


# --- article pages ------------------------------------------------------------------------


def test_edited_article_changes_across_the_edit_time(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    checked = 0
    edited = [a for a in newsroom.timeline.articles if a.special is Special.NONE and a.edits]
    for article in sorted(edited, key=lambda a: a.spans[1].since):
        edit = article.spans[1]
        url = newsroom.canonical_url(article.path)
        move_to(clock, edit.since - timedelta(minutes=1))
        before = article_text(client.get(url).text)
        move_to(clock, edit.since + timedelta(minutes=1))
        after = article_text(client.get(url).text)
        assert before != after
        assert before == (article.spans[0].state.title, article.spans[0].state.paragraphs)
        assert after == (edit.state.title, edit.state.paragraphs)
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    states = [entry.state for entry in newsroom.log]
    assert len(set(states)) == 6


def test_noise_differs_between_requests_but_truth_says_same_state(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    article = newsroom.timeline.articles[4]
    url = newsroom.canonical_url(article.path)
    first = client.get(url).text
    second = client.get(f"{url}?utm_source=rss&utm_medium=feed").text
    clock.advance(20 * 60)
    later = client.get(url).text
    assert first != second and second != later
    assert "Updated 0 minutes ago" in first and "Updated 20 minutes ago" in later
    assert article_text(first) == article_text(second) == article_text(later)
    entries = newsroom.log
    assert [e.url for e in entries] == [url] * 3
    assert len({(e.state, e.content) for e in entries}) == 1
    assert sum(expected_flags(entries)) == 1


def test_noise_never_reaches_the_extracted_and_normalised_text(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    """Across all four templates the project's own pipeline reads exactly the truth."""
    for hours in (1, 29, 31):
        move_to(clock, EPOCH + timedelta(hours=hours))
        for article in newsroom.timeline.live_at(clock.now())[:6]:
            url = newsroom.canonical_url(article.path)
            page = extract(client.get(url).content, url)
            state = article.span_at(clock.now()).state
            assert normalize_text(page.title) == state.title
            assert normalize_paragraphs(page.paragraphs) == state.paragraphs
            assert page.canonical_url == url


def test_deleted_article_404s_from_deletion_on(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    deleted = find(newsroom, Special.DELETED)
    assert deleted.ends_at is not None
    url = newsroom.canonical_url(deleted.path)
    move_to(clock, deleted.ends_at - timedelta(minutes=5))
    assert client.get(url).status_code == 200
    for hours in (0, 10, 40):
        move_to(clock, deleted.ends_at + timedelta(hours=hours))
        assert client.get(url).status_code == 404
    assert [e.state for e in newsroom.log][1:] == [GONE] * 3
    assert url not in {
        newsroom.canonical_url(a.path) for a in newsroom.timeline.live_at(clock.now())
    }


def test_redirected_article_301s_to_another_article(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    moved = find(newsroom, Special.REDIRECTED)
    assert moved.ends_at is not None
    url = newsroom.canonical_url(moved.path)
    assert client.get(url).status_code == 200
    move_to(clock, moved.ends_at + timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 301
    target = response.headers["location"]
    assert target != url and target in newsroom.article_urls()
    assert client.get(target).status_code == 200
    assert [e.state for e in newsroom.log if e.url == url][-1] == "redirect"


def test_redesign_changes_markup_but_not_text(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    redesign = newsroom.timeline.redesign_at
    before, after = redesign - timedelta(minutes=2), redesign + timedelta(minutes=2)
    steady = [
        a
        for a in newsroom.timeline.articles
        if a.phase_at(before) is Phase.LIVE
        and a.phase_at(after) is Phase.LIVE
        and a.span_at(before) == a.span_at(after)
    ]
    assert steady
    urls = [newsroom.canonical_url(a.path) for a in steady[:3]]
    move_to(clock, before)
    old = [client.get(url) for url in urls]
    move_to(clock, after)
    new = [client.get(url) for url in urls]
    for old_page, new_page in zip(old, new, strict=True):
        assert "article-v2" in new_page.text and "article-v2" not in old_page.text
        assert article_text(old_page.text) == article_text(new_page.text)
        assert old_page.headers["etag"] != new_page.headers["etag"]
    url = urls[0]
    flags = expected_flags([e for e in newsroom.log if e.url == url])
    assert flags == [True, False]


def test_unchanged_page_answers_304_to_its_etag(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    url = newsroom.canonical_url(newsroom.timeline.articles[5].path)
    first = client.get(url)
    assert first.headers["last-modified"] == "Mon, 02 Mar 2026 06:00:00 GMT"
    clock.advance(600)
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert len(newsroom.log) == 2


def test_flipflop_article_alternates_its_headline(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    article = find(newsroom, Special.FLIPFLOP)
    url = newsroom.canonical_url(article.path)
    titles = []
    for _ in range(6):
        titles.append(article_text(client.get(url).text)[0])
        clock.advance(2 * 3600)
    assert len(set(titles)) == 2
    assert titles[0] == titles[2] == titles[4] != titles[1] == titles[3] == titles[5]
    assert expected_flags(newsroom.log) == [True] * 4 + [False] * 2


# --- truth and scoring --------------------------------------------------------------------


def entry(url: str, minute: int, content: str | None) -> ServedEntry:
    state = content or GONE
    return ServedEntry(url, EPOCH + timedelta(minutes=minute), state, content)


def test_expected_versions_follow_the_flipflop_guard() -> None:
    log = [entry("u", i, c) for i, c in enumerate(["A", "A", "B", "A", "B", "A", "B", "C", "A"])]
    assert expected_flags(log) == [True, False, True, True, True, False, False, True, False]
    gone = [entry("u", 0, "A"), entry("u", 1, None), entry("u", 2, "A")]
    assert expected_flags(gone) == [True, False, False]


def test_score_is_perfect_for_a_tracker_that_recorded_the_truth(
    newsroom: DemoNewsroom, clock: ManualClock, client: httpx.Client
) -> None:
    urls = newsroom.article_urls()[:12]
    for _ in range(30):  # every article polled every 2 sim hours for 60 sim hours
        for url in urls:
            client.get(url)
        clock.advance(2 * 3600)
    expected = newsroom.expected_versions()
    perfect = {
        url: [e.at - timedelta(seconds=1) for e in entries] for url, entries in expected.items()
    }
    result = newsroom.score(perfect)
    total = sum(len(times) for times in perfect.values())
    assert result.precision == result.recall == 1.0
    assert result.true_positives == result.expected_versions == result.versions == total
    assert result.articles == len(expected)
    assert result.multi_version_articles == sum(1 for e in expected.values() if len(e) > 1)
    assert result.multi_version_articles >= len(urls) / 2

    url, entries = next((u, e) for u, e in expected.items() if len(e) > 1)
    served = [e.at for e in newsroom.log if e.url == url]
    noise_time = next(t for t in served if t not in {e.at for e in entries})
    extra = {**perfect, url: [*perfect[url], noise_time]}
    with_extra = newsroom.score(extra)
    assert with_extra.precision == pytest.approx(total / (total + 1))
    assert with_extra.recall == 1.0

    missing = {**perfect, url: perfect[url][1:]}
    with_missing = newsroom.score(missing)
    assert with_missing.precision == 1.0
    assert with_missing.recall == pytest.approx((total - 1) / total)


def test_score_counts_each_expected_version_once_and_unknown_urls_as_wrong() -> None:
    log = [entry("u", 0, "A"), entry("u", 30, "A"), entry("u", 60, "B")]
    recorded = {"u": [EPOCH, EPOCH + timedelta(minutes=1)], "elsewhere": [EPOCH]}
    result = score(log, recorded)
    assert result.expected_versions == 2
    assert result.true_positives == 1
    assert result.versions == 3 and result.articles == 2 and result.multi_version_articles == 1
    assert result.precision == pytest.approx(1 / 3) and result.recall == pytest.approx(1 / 2)
    assert score([], {}).precision == score([], {}).recall == 1.0


def test_steady_noise_repeats_bytes_at_the_same_time_only(
    clock: ManualClock, client: httpx.Client
) -> None:
    with DemoNewsroom(clock, n_articles=5, seed=7, steady_noise=True) as steady:
        url = steady.canonical_url(steady.timeline.articles[0].path)
        first, again = client.get(url).content, client.get(url).content
        clock.advance(20 * 60)
        later = client.get(url).content
    assert first == again
    assert later != first
    assert article_text(later.decode()) == article_text(first.decode())
