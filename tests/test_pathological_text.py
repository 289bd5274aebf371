"""Pathological paragraphs finish in under a second each: sentences, diffs, classification,
the terminal renderer and the diff page.

Before the regexes over page text were made linear, a 3 KB paragraph of dots stalled a check
for minutes (``sentences._LAST_WORD_RE``, cubic), 200,000 curly quotes never finished
(``classify._QUOTE_RE``, quadratic), trailing whitespace was re-read from each of its positions
(``wordiff._TOKEN_RE``, 20,000 spaces: 30 s) and an exact word diff of two 100,000-word
paragraphs took 6 s and 1.2 GB. The bound is CPU time and generous: these inputs take tens
to a few hundred milliseconds now.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from fake_fetcher import FakeFetcher
from fastapi.testclient import TestClient
from web_seed import START, Seeded, record, seed

from newsdiffs.clock import ManualClock
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.diffing import diff_versions
from newsdiffs.core.normalize import normalize_paragraphs
from newsdiffs.core.render_text import render_ansi
from newsdiffs.core.sentences import split_sentences
from newsdiffs.core.word_counts import words_changed
from newsdiffs.core.wordiff import diff_words, spans_text
from newsdiffs.extraction import extract
from newsdiffs.models import CheckOutcome, Source
from newsdiffs.storage import open_store
from newsdiffs.tracker import Tracker
from newsdiffs.web import create_app

T = TypeVar("T")

LIMIT_S = 1.0
NORMAL = "The council voted on Monday to close the library on Sundays."
PATHOLOGICAL = {
    "dots_3kb": "." * 3_000 + " a. B.",  # a sentence end after the dots: the cubic case
    "dots_100kb": "." * 100_000 + " a. B.",
    "curly_quotes": "“" * 200_000,
    "straight_quotes": '"' * 200_000,
    "spaces_1mb": " " * 1_000_000,
    "no_break_1mb": "a" * 1_000_000,
    "a_dot_runs": "a." * 30_000 + " " + "a. " * 20_000 + "A. " * 20_000 + "Mr. A " * 10_000,
    "quotes_and_words": "“a " * 60_000 + "” " * 60_000,
}


def _edited(text: str) -> str:
    """The text with a sentence put in its middle."""
    middle = len(text) // 2
    return f"{text[:middle]} Officials said. {text[middle:]}"


def _within_limit(work: Callable[[], T]) -> T:
    start = time.process_time()
    result = work()
    elapsed = time.process_time() - start
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s of CPU"
    return result


@pytest.fixture(params=sorted(PATHOLOGICAL))
def text(request: pytest.FixtureRequest) -> str:
    return PATHOLOGICAL[str(request.param)]


def test_sentences(text: str) -> None:
    sentences = _within_limit(lambda: split_sentences(text))
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)
    assert "".join("".join(sentences).split()) == "".join(text.split())


def test_word_diff(text: str) -> None:
    edited = _edited(text)
    spans = _within_limit(lambda: diff_words(text, edited))
    # Spans hold the texts whole but for trailing whitespace (see wordiff.tokenize).
    assert spans_text(spans, "a") == text.rstrip()
    assert spans_text(spans, "b") == edited.rstrip()


@pytest.mark.parametrize("shape", ["edited", "replaced", "appeared", "doubled"])
def test_article_diff_and_text_rendering(text: str, shape: str) -> None:
    old, new = {
        "edited": ([NORMAL, text], [NORMAL, _edited(text)]),
        "replaced": ([text], [NORMAL]),
        "appeared": ([NORMAL], [text]),
        "doubled": ([text], [text, text]),
    }[shape]
    diff = _within_limit(lambda: diff_versions("Title", old, "Title", new))
    assert [p.rstrip() for p in diff.a_paragraphs] == [p.rstrip() for p in old]
    assert [p.rstrip() for p in diff.b_paragraphs] == [p.rstrip() for p in new]
    rendered = _within_limit(lambda: render_ansi(diff, color=False))
    assert rendered.startswith("Title: Title")


@pytest.mark.parametrize("shape", ["edited", "replaced", "appeared", "doubled"])
def test_check_classification(text: str, shape: str) -> None:
    """What a check computes for a new version (core/decision.py): normalised paragraphs,
    classify_versions and the words inserted/deleted. (A test through the tracker itself
    belongs with the tracker's tests.)"""
    old, new = {
        "edited": ([NORMAL, text], [NORMAL, _edited(text)]),
        "replaced": ([text], [NORMAL]),
        "appeared": ([NORMAL], [text]),
        "doubled": ([NORMAL, text], [NORMAL, text, text]),
    }[shape]

    def check() -> tuple[bool, tuple[int, int]]:
        a, b = normalize_paragraphs(old), normalize_paragraphs(new)
        change = classify_versions("Title", a, "Title", b)
        return change.substantive, words_changed(change, "Title", "Title")

    substantive, (inserted, deleted) = _within_limit(check)
    assert substantive == (normalize_paragraphs(old) != normalize_paragraphs(new))
    assert inserted >= 0 and deleted >= 0


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("pathological"))
    yield data
    data.store.close()


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_diff_page(seeded: Seeded, name: str) -> None:
    """The diff page of an article whose text turned pathological, then was edited."""
    text = PATHOLOGICAL[name]
    article, _ = seeded.store.add_article(
        "nytimes", f"https://www.nytimes.com/2015/12/16/{name}.html", START
    )
    for hours, paragraphs in enumerate(([NORMAL], [NORMAL, text], [NORMAL, _edited(text)])):
        record(seeded.store, article.id, START + timedelta(hours=hours), "Title", paragraphs)
    client = TestClient(create_app(seeded.settings, seeded.store, seeded.clock))
    for pair in ("1/2", "2/3"):
        page = _within_limit(partial(client.get, f"/articles/{article.id}/diff/{pair}"))
        assert page.status_code == 200


# --- a whole tracker check, page to stored version -------------------------------------------

SITE = "https://news.example"
TRACKER_PATHOLOGICAL = ("dots_3kb", "curly_quotes", "spaces_1mb", "no_break_1mb")


def _page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bridge</title>"
        f"</head><body><main><article><h1>Bridge</h1>{body}</article></main></body></html>"
    ).encode()


@pytest.mark.parametrize("name", TRACKER_PATHOLOGICAL)
def test_tracker_check(tmp_path: Path, name: str) -> None:
    """A tracker check (fake fetcher, real extraction and store) of an article whose second
    page holds a pathological paragraph: recorded, in under a second of CPU per check."""
    store = open_store(str(tmp_path / "t.db"))
    store.upsert_source(Source(name="s", home_url=SITE + "/"))
    web = FakeFetcher()
    clock = ManualClock(START)
    tracker = Tracker(store, web, clock, extract)  # type: ignore[arg-type]
    article, _ = store.add_article("s", SITE + "/news/1", clock.now())
    story = [NORMAL, "Engineers said the work would take at least six months."]

    def check(paragraphs: list[str]) -> CheckOutcome:
        web.page(SITE + "/news/1", _page(paragraphs))
        report = _within_limit(lambda: asyncio.run(tracker.check(store.get_article(article.id))))
        clock.advance(86_400)
        return report.outcome

    try:
        assert check(story) is CheckOutcome.FIRST_VERSION
        outcome = check([story[0], PATHOLOGICAL[name], story[1]])
        # 1 MB of spaces normalises to nothing: the same text, no new version
        assert outcome is (
            CheckOutcome.UNCHANGED if name == "spaces_1mb" else CheckOutcome.NEW_VERSION
        )
        assert [check.outcome for check in store.checks(article.id)] == [
            outcome,
            CheckOutcome.FIRST_VERSION,
        ]
        versions = store.versions(article.id)
        assert len(versions) == (1 if name == "spaces_1mb" else 2)
        if name != "spaces_1mb":
            assert PATHOLOGICAL[name].strip() in "".join(versions[-1].paragraphs)
    finally:
        store.close()
