"""Reader pages driven in-process: article, diff, latest changes, sources, search, lookup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import KERRY_V1_TITLE, KERRY_V2_TITLE, START, Seeded, record, seed

from newsdiffs.clock import ManualClock
from newsdiffs.web import create_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """Shared by the read-only tests of this module."""
    data = seed(tmp_path_factory.mktemp("web"))
    yield data
    data.store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Seeded]:
    """A store of its own, for tests that write."""
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def text_of(html: str) -> str:
    """Visible-ish text: tags dropped, whitespace collapsed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def test_article_page_uses_news_sniffers_wording(client: TestClient, seeded: Seeded) -> None:
    page = client.get(f"/articles/{seeded.kerry_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert (
        "This article is from the source ' nytimes ' and was first published or seen on "
        "2015-12-15 09:00 UTC." in text
    )
    assert "It last changed 1 day ago." in text
    assert "The article has changed 1 time." in text  # two versions = one change
    assert "There is an RSS feed of changes available" in text
    assert f'href="/articles/{seeded.kerry_id}/changes.rss"' in page.text
    assert 'href="https://www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html"' in (
        page.text
    )
    assert "about 7 hours later" in text
    assert KERRY_V1_TITLE in text and KERRY_V2_TITLE in text
    assert f'href="/articles/{seeded.kerry_id}/diff/1/2"' in page.text
    assert "Headline changed score 0." in text  # label and significance score


def test_next_check_sentence_when_scheduled(seeded: Seeded) -> None:
    clock = ManualClock(START + timedelta(hours=7, minutes=10))  # 10 minutes after version 2
    client = TestClient(create_app(seeded.settings, seeded.store, clock))
    text = text_of(client.get(f"/articles/{seeded.kerry_id}").text)
    assert "It last changed 10 minutes ago." in text
    assert "The next check for changes will be in 20 minutes (2015-12-15 16:30 UTC)." in text


def test_retired_article_says_it_wont_be_checked(client: TestClient, seeded: Seeded) -> None:
    text = text_of(client.get(f"/articles/{seeded.gone_id}").text)
    assert "It has not changed since it was first captured" in text
    assert "won't be checked again for changes." in text
    # Retirement comes when the *wait between checks* reaches 40 days (30 min x 1.2 per
    # unchanged check), not after "40 days without changing": 42 checks, about 220 days.
    assert (
        "Articles are retired once the wait between two checks reaches 40 days: the first "
        "check after a change comes 30 minutes later and each wait is 1.2 times the one "
        "before, so that is after 42 unchanged checks, about 7 months after the last change."
    ) in text
    assert "40 days without changing" not in text
    assert "The article has changed 0 times." in text


def test_retirement_numbers_come_from_the_policy() -> None:
    from newsdiffs.core.schedule import NewsSnifferPolicy
    from newsdiffs.web.viewmodels import retirement_of

    news_sniffer = retirement_of(NewsSnifferPolicy())
    assert news_sniffer.unchanged_checks == 42
    assert timedelta(days=220) < news_sniffer.after < timedelta(days=221)
    faster = retirement_of(NewsSnifferPolicy(factor=2.0))
    assert faster.unchanged_checks == 11  # 30 min x 2**11 = 42.7 days >= 40 days


def test_gone_and_redirected_articles_say_they_are_still_checked(seeded: Seeded) -> None:
    """The tracker backs off a gone or redirected page like a failed check and checks it
    again until it retires: the page must not say it won't be checked again."""
    from dataclasses import replace

    from newsdiffs.models import ArticleStatus
    from newsdiffs.web.viewmodels import status_sentences

    article = seeded.store.get_article(seeded.kerry_id)
    now = seeded.clock.now()
    due = now + timedelta(hours=3)
    for status in (ArticleStatus.REDIRECTED, ArticleStatus.GONE):
        text = " ".join(status_sentences(replace(article, status=status, next_check_at=due), now))
        assert "won't be checked again" not in text, status
        assert "It is still checked, less and less often, in case it comes back." in text
        assert "The next check for changes will be in about 3 hours" in text
    redirected = " ".join(
        status_sentences(replace(article, status=ArticleStatus.REDIRECTED, next_check_at=due), now)
    )
    assert "The original page now redirects to another page." in redirected


def test_diff_page_aligns_and_marks(client: TestClient, seeded: Seeded) -> None:
    page = client.get(f"/articles/{seeded.kerry_id}/diff/1/2")
    assert page.status_code == 200
    html = page.text
    assert "Version 1" in html and "Version 2" in html
    assert "(about 7 hours later)" in html
    # headline diffed word by word
    assert re.search(r"<del><span class=\"visually-hidden\">deleted: </span>Syrian", html)
    assert re.search(r"<ins><span class=\"visually-hidden\">inserted: </span>Syria", html)
    # the unchanged first paragraph sits level on both sides of one row
    row = re.search(r'<tr class="equal" id="side-p1">(.*?)</tr>', html, re.S)
    assert row is not None and row.group(1).count("MOSCOW") == 2
    # a removed paragraph faces a blank, an added one too
    assert '<td class="blank"><span class="visually-hidden">(not in version 2)' in html
    assert '<td class="blank"><span class="visually-hidden">(not in version 1)' in html
    # anchors per paragraph, inline mode present for narrow screens
    assert 'id="p1"' in html and 'href="#p1"' in html
    assert 'class="diff inline"' in html


def test_diff_inline_mode_only(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/articles/{seeded.kerry_id}/diff/1/2?view=inline").text
    assert "side-by-side" not in html
    assert 'class="diff inline forced"' in html


def test_diff_navigation(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/articles/{seeded.three_id}/diff/1/2").text
    assert f'href="/articles/{seeded.three_id}/diff/2/3"' in html  # next
    assert 'rel="prev"' not in html.split('class="version-nav"')[1].split("</nav>")[0]
    html = client.get(f"/articles/{seeded.three_id}/diff/2/3").text
    nav = html.split('class="version-nav"')[1].split("</nav>")[0]
    assert f'rel="prev" href="/articles/{seeded.three_id}/diff/1/2"' in nav
    assert 'rel="next"' not in nav
    assert '<span aria-current="page">3</span>' in nav


def test_missing_things_are_404(client: TestClient, seeded: Seeded) -> None:
    assert client.get("/articles/999").status_code == 404
    assert client.get(f"/articles/{seeded.kerry_id}/diff/1/9").status_code == 404
    assert client.get(f"/articles/{seeded.kerry_id}/diff/2/2").status_code == 404
    assert client.get("/versions/999").status_code == 404
    assert client.get("/sources/nope").status_code == 404
    assert "Not found" in client.get("/articles/999").text


def test_latest_changes_pages_days_and_filters(client: TestClient, seeded: Seeded) -> None:
    text = text_of(client.get("/").text)
    assert KERRY_V2_TITLE in text and "Budget vote number 3" in text
    day1 = text_of(client.get("/?day=2015-12-15").text)
    assert KERRY_V2_TITLE in day1 and "Budget vote" not in day1
    day2 = text_of(client.get("/?day=2015-12-16").text)
    assert "Budget vote number 2" in day2 and KERRY_V2_TITLE not in day2
    assert text_of(client.get("/?day=2014-01-01").text).count("No changes on this day") == 1
    assert client.get("/?day=yesterday").status_code == 400
    only_nyt = text_of(client.get("/?source=hostile").text)
    assert "Budget vote" not in only_nyt and "Breaking" in only_nyt
    headlines = client.get("/?kind=headline").text
    assert KERRY_V2_TITLE in headlines
    assert client.get("/?kind=nonsense").status_code == 400


def test_latest_changes_pagination(fresh: Seeded) -> None:
    client = TestClient(create_app(fresh.settings, fresh.store, fresh.clock))
    for n in range(35):
        record(
            fresh.store,
            fresh.three_id,
            START + timedelta(days=1, hours=5, minutes=n),
            f"Edition {n}",
            (f"Paragraph {n}.",),
        )
    first = client.get("/").text
    assert "Edition 34" in first and 'rel="next" href="/?page=2"' in first
    second = client.get("/?page=2").text
    assert "Edition 34" not in second and "Edition 0" in second
    assert 'rel="prev"' in second


def test_sources_and_articles(client: TestClient, seeded: Seeded) -> None:
    text = text_of(client.get("/sources").text)
    assert "The New York Times" in text and "Hostile" in text
    source = text_of(client.get("/sources/nytimes").text)
    assert "has 3 articles with 6 versions" in source
    articles = text_of(client.get("/articles").text)
    assert KERRY_V2_TITLE in articles and "Soon gone" in articles


def test_version_page(client: TestClient, seeded: Seeded) -> None:
    versions = seeded.store.versions(seeded.kerry_id)
    html = client.get(f"/versions/{versions[0].id}").text
    assert KERRY_V1_TITLE in html and "What changed next" in html
    html = client.get(f"/articles/{seeded.kerry_id}/versions/2").text
    assert "Talks in New York are planned for Friday" in html


def test_search_finds_old_versions_and_highlights(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/search", params={"q": '"Peace Process"'}).text
    assert KERRY_V1_TITLE in html  # only version 1 has the phrase
    assert "<mark>" in html
    assert "Nothing found." in client.get("/search", params={"q": "zebra"}).text
    assert "Budget" not in client.get("/search", params={"q": "council -budget"}).text
    assert "Budget vote" in client.get("/search", params={"q": "title:budget"}).text


def test_lookup_any_form_of_url(client: TestClient, seeded: Seeded) -> None:
    for pasted in (
        "http://www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html",
        "https://m.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html?utm_source=tw",
        "www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html#comments",
    ):
        found = client.get("/lookup", params={"url": pasted}, follow_redirects=False)
        assert found.status_code == 303, pasted
        assert found.headers["location"] == f"/articles/{seeded.kerry_id}"
    missing = client.get("/lookup", params={"url": "https://example.com/x"})
    assert missing.status_code == 404 and "not tracked" in missing.text
    assert client.get("/lookup", params={"url": "ftp://x"}).status_code == 400


def test_footer_counts(client: TestClient) -> None:
    text = text_of(client.get("/sources").text)
    assert "Currently monitoring 4 articles with 8 versions." in text


def test_healthz(client: TestClient, seeded: Seeded) -> None:
    report = client.get("/healthz").json()
    assert report["ok"] is True and report["database"] is True
    assert report["last_check_at"].startswith("2015-12-16T11:00")
    # the last article appeared two days before NOW
    assert report["stale_sources"] == ["hostile", "nytimes"]


def test_two_apps_share_nothing(seeded: Seeded, tmp_path: Path) -> None:
    from newsdiffs.storage import open_store

    empty = open_store(str(tmp_path / "empty.db"))
    try:
        full_app = TestClient(create_app(seeded.settings, seeded.store, seeded.clock))
        empty_app = TestClient(create_app(seeded.settings, empty, seeded.clock))
        assert "monitoring 4 articles" in full_app.get("/sources").text
        assert "monitoring 0 articles" in empty_app.get("/sources").text
        assert empty_app.get(f"/articles/{seeded.kerry_id}").status_code == 404
    finally:
        empty.close()


def test_alternating_headlines_are_called_a_headline_test(fresh: Seeded) -> None:
    article, _ = fresh.store.add_article("nytimes", "https://example.com/ab-test", START)
    body = ["The museum reopened on Saturday after a two-year renovation."]
    for n, title in enumerate(["Museum reopens", "Museum reopens its doors"] * 2):
        record(fresh.store, article.id, START + timedelta(hours=2 * n), title, body)
    client = TestClient(create_app(fresh.settings, fresh.store, fresh.clock))
    page = text_of(client.get(f"/articles/{article.id}").text)
    assert "headline alternates between 2 versions" in page
    assert "a headline test or flip-flop" in page
    plain = text_of(client.get(f"/articles/{fresh.kerry_id}").text)
    assert "headline alternates" not in plain


def test_readme_states_the_retirement_rule_from_the_policy() -> None:
    from newsdiffs.core.schedule import NewsSnifferPolicy
    from newsdiffs.web.viewmodels import retirement_of

    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    retirement = retirement_of(NewsSnifferPolicy())
    policy = NewsSnifferPolicy()
    assert (
        f"the wait between two checks reaches {policy.retire_at.days} days: after "
        f"{retirement.unchanged_checks} unchanged checks, about {retirement.after.days} days "
        "after the last change"
    ) in readme


def test_archived_versions_link_to_their_wayback_snapshot(
    fresh: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = fresh.store.versions(fresh.kerry_id)
    snapshot = f"https://web.archive.org/web/20151215160000/{'https://www.nytimes.com/x'}"
    found = {versions[1].id: snapshot, versions[0].id: "javascript:alert(1)"}
    monkeypatch.setattr(fresh.store, "snapshots", lambda article_id: found)
    client = TestClient(create_app(fresh.settings, fresh.store, fresh.clock))
    article = client.get(f"/articles/{fresh.kerry_id}").text
    assert article.count('class="archived"') == 1  # a javascript: URL is never linked
    assert f'<a class="archived" href="{snapshot}"' in article
    row = article.split('id="v2"', 1)[1].split("</tr>", 1)[0]
    assert "archived" in row
    version = client.get(f"/versions/{versions[1].id}").text
    assert f'<a class="archived" href="{snapshot}"' in version
    assert 'class="archived"' not in client.get(f"/versions/{versions[0].id}").text
