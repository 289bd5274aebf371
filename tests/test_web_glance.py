"""Changes at a glance: lists show the change itself; an article's whole history; folded,
any-two diffs. Read from the rendered HTML."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from lxml.html import HtmlElement
from web_seed import KERRY_V1_TITLE, KERRY_V2_TITLE, START, Seeded, record, seed

from newsdiffs import demo_runner
from newsdiffs.clock import ManualClock
from newsdiffs.demo import DemoNewsroom
from newsdiffs.models import ArticleEvent, Check, CheckOutcome, CheckResult, EventKind
from newsdiffs.settings import Settings
from newsdiffs.storage import open_store
from newsdiffs.web import create_app
from newsdiffs.web.diffview import FOLD_AT_LEAST, KEEP_OPEN, DiffRow, fold_rows


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


def client_for(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def visible_text(element: HtmlElement) -> str:
    """An element's text without its visually hidden parts (what a sighted reader sees)."""
    copy = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode", with_tail=False))
    for hidden in copy.xpath(".//*[contains(@class, 'visually-hidden')]"):
        hidden.drop_tree()
    return re.sub(r"\s+", " ", copy.text_content()).strip()


def list_entries(html: str) -> list[HtmlElement]:
    entries: list[HtmlElement] = lxml.html.fromstring(html).xpath("//ol[@class='changes']/li")
    return entries


def shown_headline_change(entry: HtmlElement) -> tuple[str, str] | None:
    """(before, after) as a list entry's title line shows them, None when it shows none."""
    old = entry.xpath(".//p[@class='title']//del")
    new = entry.xpath(".//p[@class='title']//ins")
    if not old or not new:
        return None
    return visible_text(old[0]), visible_text(new[0])


def article_of(entry: HtmlElement) -> int:
    href = entry.xpath(".//p[@class='title']/a/@href")[0]
    return int(href.rsplit("/", 1)[1])


# --- lists ---------------------------------------------------------------------------------


def test_the_front_page_shows_the_headline_before_and_after(seeded: Seeded) -> None:
    entries = list_entries(client_for(seeded).get("/").text)
    kerry = [entry for entry in entries if article_of(entry) == seeded.kerry_id]
    assert len(kerry) == 1
    assert shown_headline_change(kerry[0]) == (KERRY_V1_TITLE, KERRY_V2_TITLE)


def test_a_body_change_shows_its_most_significant_sentence_marked(seeded: Seeded) -> None:
    entries = list_entries(client_for(seeded).get("/").text)
    (three,) = [e for e in entries if article_of(e) == seeded.three_id][:1]
    passage = lxml.html.tostring(three.xpath(".//div[@class='passage']")[0], encoding="unicode")
    assert "The council voted <del>2</del><ins>3</ins> times on the budget." in passage


def test_hostile_text_in_a_glance_is_escaped(seeded: Seeded) -> None:
    html = client_for(seeded).get("/").text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Breaking" in html


def test_a_long_added_paragraph_is_clipped_to_a_line_or_two(seeded: Seeded) -> None:
    before = seeded.store.latest_version(seeded.kerry_id)
    assert before is not None
    long = " ".join(f"word{n}" for n in range(200)) + "."
    at = START + timedelta(hours=9)
    record(seeded.store, seeded.kerry_id, at, before.title, (*before.paragraphs, long))
    entries = list_entries(client_for(seeded).get("/").text)
    entry = next(entry for entry in entries if article_of(entry) == seeded.kerry_id)
    passage = visible_text(entry.xpath(".//div[@class='passage']")[0])
    assert passage.startswith("word0 word1") and passage.endswith("…")
    assert len(passage.split()) <= 31


def test_headline_switches_are_shown_once_as_a_test(seeded: Seeded) -> None:
    """A→B→A→B on one article is one "Headline test: 'A' / 'B'" entry, not three edits."""
    before = seeded.store.latest_version(seeded.kerry_id)
    assert before is not None
    at = START + timedelta(hours=8)
    for n, title in enumerate((KERRY_V1_TITLE, KERRY_V2_TITLE, KERRY_V1_TITLE)):
        record(seeded.store, seeded.kerry_id, at + timedelta(hours=n), title, before.paragraphs)
    html = client_for(seeded).get("/").text
    kerry = [e for e in list_entries(html) if article_of(e) == seeded.kerry_id]
    tests = [e for e in kerry if "headline-test" in (e.get("class") or "")]
    assert len(tests) == 1
    variants = [visible_text(q) for q in tests[0].xpath(".//q")]
    assert variants == [KERRY_V1_TITLE, KERRY_V2_TITLE]
    assert "3 switches" in visible_text(tests[0])
    # The first change (it also rewrote the text) stays an entry of its own.
    assert len(kerry) == 2
    # The article's version table marks each switch as part of the test.
    article = lxml.html.fromstring(client_for(seeded).get(f"/articles/{seeded.kerry_id}").text)
    marked = [
        "headline test switch" in visible_text(row)
        for row in article.xpath("//table[@class='versions']/tbody/tr")
    ]
    assert marked == [False, True, True, True, True]


def test_search_results_show_the_change_that_made_the_version(seeded: Seeded) -> None:
    html = client_for(seeded).get("/search", params={"q": "Talks"}).text
    hits = lxml.html.fromstring(html).xpath("//ol[@class='hits']/li")
    assert len(hits) == 1
    glance = hits[0].xpath(".//div[@class='glance']")[0]
    old, new = (
        visible_text(glance.xpath(f".//p[@class='headline-change']//{t}")[0])
        for t in ["del", "ins"]
    )
    assert (old, new) == (KERRY_V1_TITLE, KERRY_V2_TITLE)
    assert "What changed in version 2" in visible_text(glance)


def test_a_source_page_shows_its_latest_changes_at_a_glance(seeded: Seeded) -> None:
    html = client_for(seeded).get("/sources/nytimes").text
    entries = list_entries(html)
    assert {article_of(entry) for entry in entries} == {seeded.kerry_id, seeded.three_id}
    kerry = next(entry for entry in entries if article_of(entry) == seeded.kerry_id)
    assert shown_headline_change(kerry) == (KERRY_V1_TITLE, KERRY_V2_TITLE)


# --- size of a headline-only change ----------------------------------------------------------


def test_a_headline_only_change_counts_its_words_on_every_page(seeded: Seeded) -> None:
    """The diff page read "0 words added, 0 removed": it counted body words only."""
    before = seeded.store.latest_version(seeded.three_id)
    assert before is not None
    at = START + timedelta(days=1, hours=6)
    record(
        seeded.store, seeded.three_id, at, before.title + " after a long night", before.paragraphs
    )
    client = client_for(seeded)
    front = text_of(client.get("/").text)
    article = text_of(client.get(f"/articles/{seeded.three_id}").text)
    diff = text_of(client.get(f"/articles/{seeded.three_id}/diff/3/4").text)
    for text in (front, article):
        assert "+4 / −0 words" in text and "+0 / −0 words" not in text
    assert "4 words added, 0 removed" in diff


# --- an article's whole history ----------------------------------------------------------------


def _event(seeded: Seeded, article_id: int, hours: float, kind: EventKind, detail: str) -> None:
    at = START + timedelta(hours=hours)
    seeded.store.record_check(
        CheckResult(
            check=Check(article_id=article_id, checked_at=at, outcome=CheckOutcome.GONE),
            events=(ArticleEvent(article_id, at, kind, detail),),
            next_check_at=at + timedelta(hours=1),
        )
    )


def test_events_sit_in_the_version_table_in_time_order(seeded: Seeded) -> None:
    _event(seeded, seeded.kerry_id, 3, EventKind.GONE, "HTTP 404")
    _event(seeded, seeded.kerry_id, 5, EventKind.RETURNED, "")
    _event(seeded, seeded.kerry_id, 8, EventKind.EXTRACTION_ANOMALY, "120 words against 950")
    html = client_for(seeded).get(f"/articles/{seeded.kerry_id}").text
    table = lxml.html.fromstring(html).xpath("//table[@class='versions']")[0]
    headers = [visible_text(th) for th in table.xpath(".//thead//th")]
    assert headers == ["Version", "Captured", "Period", "Headline", "Change"]
    rows = [visible_text(tr) for tr in table.xpath(".//tbody/tr")]
    assert len(rows) == 5
    assert rows[0].startswith("1 2015-12-15 09:00 UTC first seen")
    assert rows[1].startswith("2015-12-15 12:00 UTC The page was gone") and "HTTP 404" in rows[1]
    assert rows[2].startswith("2015-12-15 14:00 UTC The page came back")
    assert rows[3].startswith("2 2015-12-15 16:00 UTC")
    assert rows[4].startswith("2015-12-15 17:00 UTC Extraction anomaly")


def test_an_extractor_upgrade_shows_as_an_event(seeded: Seeded) -> None:
    _, second = seeded.store.versions(seeded.kerry_id)
    with seeded.store.engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(
            text("UPDATE versions SET extractor='test@2' WHERE id=:id"), {"id": second.id}
        )
    html = client_for(seeded).get(f"/articles/{seeded.kerry_id}").text
    rows = [
        visible_text(tr)
        for tr in lxml.html.fromstring(html).xpath("//table[@class='versions']/tbody/tr")
    ]
    assert rows[1] == "2015-12-15 16:00 UTC Extractor upgraded: test@1 → test@2"
    assert rows[2].startswith("2 2015-12-15 16:00 UTC")


# --- the diff page: folded runs, jump to the first change, any two versions ------------------


def _row(n: int, kind: str) -> DiffRow:
    return DiffRow(f"p{n}", kind, (), (), ())


@pytest.mark.parametrize(
    ("kinds", "shape"),
    [
        pytest.param("e" * 10, [(10, True)], id="nothing changed: all folded"),
        pytest.param("eeeeecee", [(4, True), (4, False)], id="before the change, keep one open"),
        pytest.param("eceeeeeeec", [(3, False), (5, True), (2, False)], id="between changes"),
        pytest.param("eceec", [(5, False)], id="short runs stay open"),
        pytest.param("ceeee", [(2, False), (3, True)], id="after the last change"),
    ],
)
def test_long_unchanged_runs_fold(kinds: str, shape: list[tuple[int, bool]]) -> None:
    rows = [_row(n, "equal" if kind == "e" else "change") for n, kind in enumerate(kinds)]
    groups = fold_rows(rows)
    assert [(len(group.rows), group.folded) for group in groups] == shape
    assert [row for group in groups for row in group.rows] == rows
    assert KEEP_OPEN == 1 and FOLD_AT_LEAST == 3


def _long_article(seeded: Seeded) -> int:
    article, _ = seeded.store.add_article("nytimes", "https://www.nytimes.com/long.html", START)
    paragraphs = [
        f"Paragraph {n} says something about the long story number {n}." for n in range(12)
    ]
    record(seeded.store, article.id, START, "A long story", paragraphs)
    changed = [*paragraphs]
    changed[9] = "Paragraph 9 now says something else entirely about the story."
    record(seeded.store, article.id, START + timedelta(hours=1), "A long story", changed)
    return article.id


def test_the_diff_page_folds_unchanged_paragraphs_and_links_the_first_change(
    seeded: Seeded,
) -> None:
    article_id = _long_article(seeded)
    html = client_for(seeded).get(f"/articles/{article_id}/diff/1/2").text
    doc = lxml.html.fromstring(html)
    inline = doc.xpath("//section[contains(@class, 'inline')]")[0]
    folded = inline.xpath(".//details[@class='folded']")
    assert len(folded) == 1  # paragraphs 1-8; of the two after the change, none folds
    assert visible_text(folded[0].xpath("summary")[0]) == "8 unchanged paragraphs"
    assert "open" not in folded[0].attrib
    jump = inline.xpath(".//a[@class='jump']/@href")
    assert jump == ["#p10"] and doc.xpath("//*[@id='p10']")
    side_jump = doc.xpath("//table[contains(@class, 'side-by-side')]//a[@class='jump']/@href")
    assert side_jump == ["#side-p10"] and doc.xpath("//*[@id='side-p10']")
    assert len(doc.xpath("//tr[@class='folded']//details")) == 1
    assert "<script" not in html.split("<body", 1)[1]  # folding needs no JavaScript


def test_any_two_versions_can_be_compared(seeded: Seeded) -> None:
    client = client_for(seeded)
    html = client.get(f"/articles/{seeded.three_id}").text
    form = lxml.html.fromstring(html).xpath("//form[@class='compare']")[0]
    assert form.get("action") == f"/articles/{seeded.three_id}/compare"
    assert [o.get("value") for o in form.xpath(".//select[@name='a']/option")] == ["1", "2", "3"]
    found = client.get(
        f"/articles/{seeded.three_id}/compare", params={"a": 1, "b": 3}, follow_redirects=False
    )
    assert found.status_code == 303
    assert found.headers["location"] == f"/articles/{seeded.three_id}/diff/1/3"
    diff = text_of(client.get(found.headers["location"]).text)
    assert "Version 1 / Version 3" in diff
    assert "The council voted deleted: 1 inserted: 3 times" in diff
    assert (
        client.get(f"/articles/{seeded.three_id}/compare", params={"a": 2, "b": 2}).status_code
        == 400
    )
    assert (
        client.get(f"/articles/{seeded.three_id}/compare", params={"a": 1, "b": 9}).status_code
        == 404
    )


# --- the demo newsroom's truth -----------------------------------------------------------------


def truth_headline_changes(newsroom: DemoNewsroom) -> dict[str, set[tuple[str, str]]]:
    """Per canonical URL, the (before, after) headlines of the versions a perfect tracker
    records: consecutive expected versions whose titles differ."""
    titles: dict[str, str] = {}
    for article in newsroom.timeline.articles:
        for span in article.spans:
            titles[span.state_id] = span.state.title
    changes: dict[str, set[tuple[str, str]]] = {}
    for url, served in newsroom.expected_versions().items():
        shown = [titles[entry.state] for entry in served]
        pairs = {(a, b) for a, b in itertools.pairwise(shown) if a != b}
        if pairs:
            changes[url] = pairs
    return changes


@pytest.mark.slow  # ~30 s: a 20-second demo run, then every page of latest changes
def test_the_demo_front_page_shows_every_headline_change_of_the_newsroom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsrooms: list[DemoNewsroom] = []

    class KeptNewsroom(DemoNewsroom):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            newsrooms.append(self)

    monkeypatch.setattr(demo_runner, "DemoNewsroom", KeptNewsroom)
    db = tmp_path / "demo.db"
    summary = demo_runner.run_demo(20, db=str(db))
    assert summary.precision == 1.0 and summary.recall == 1.0
    truth = truth_headline_changes(newsrooms[0])
    assert sum(len(pairs) for pairs in truth.values()) >= 3

    store = open_store(str(db))
    try:
        app = create_app(Settings(db=str(db)), store, ManualClock(newsrooms[0].clock.now()))
        client = TestClient(app)
        shown: dict[int, set[tuple[str, str]]] = {}
        tested: dict[int, set[str]] = {}
        page = 1
        while True:
            html = client.get("/", params={"page": page}).text
            for entry in list_entries(html):
                article_id = article_of(entry)
                if "headline-test" in (entry.get("class") or ""):
                    tested.setdefault(article_id, set()).update(
                        visible_text(q) for q in entry.xpath(".//q")
                    )
                elif (pair := shown_headline_change(entry)) is not None:
                    shown.setdefault(article_id, set()).add(pair)
            if 'rel="next"' not in html:
                break
            page += 1
        for url, pairs in truth.items():
            article = store.find_article(url)
            assert article is not None, url
            for before, after in pairs:
                in_test = {before, after} <= tested.get(article.id, set())
                assert (before, after) in shown.get(article.id, set()) or in_test, (url, before)
        # and nothing the newsroom did not do
        urls = {store.get_article(article_id).url for article_id in shown}
        for article_id, pairs in shown.items():
            url = store.get_article(article_id).url
            assert pairs <= truth[url], url
        assert urls <= set(truth)
    finally:
        store.close()


def test_feeds_show_a_headline_test_once_too(seeded: Seeded) -> None:
    """The Atom and RSS feeds fold the switches as the front page does."""
    import feedparser

    before = seeded.store.latest_version(seeded.kerry_id)
    assert before is not None
    at = START + timedelta(hours=8)
    for n, title in enumerate((KERRY_V1_TITLE, KERRY_V2_TITLE, KERRY_V1_TITLE)):
        record(seeded.store, seeded.kerry_id, at + timedelta(hours=n), title, before.paragraphs)
    client = client_for(seeded)
    for path in ("/feeds/changes.atom", "/feeds/changes.rss", "/sources/nytimes/changes.atom"):
        feed = feedparser.parse(client.get(path).content)
        kerry = [e for e in feed.entries if f"/articles/{seeded.kerry_id}/" in e.link]
        tests = [e for e in kerry if e.title.startswith("Headline test: ")]
        assert len(tests) == 1, path
        assert f"'{KERRY_V1_TITLE}' / '{KERRY_V2_TITLE}'" in tests[0].title
        assert "3 switches" in tests[0].summary
        assert len(kerry) == 2, path  # the first change rewrote the text: its own entry
