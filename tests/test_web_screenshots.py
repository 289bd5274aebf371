"""Every reader's page type in a real browser (Debian's chromium through Playwright) at
1280 px and 390 px: screenshots kept as artifacts (``$NEWSDIFFS_ARTIFACTS``, default
``tests/artifacts/``), and axe-core (installed from npm into a temporary directory; skipped
when npm cannot) injected into each page type, with no serious or critical violation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from browser import (
    ARTIFACTS,
    BROWSER_MARKS,
    WIDTHS,
    axe_script,
    launch,
    serving,
    violations_at_every_width,
)
from web_seed import START, Seeded, record, seed

from newsdiffs.models import ArticleEvent, Check, CheckOutcome, CheckResult, EventKind

pytestmark = BROWSER_MARKS
__all__ = ["axe_script"]  # the fixture, shared


def add_long_article(data: Seeded) -> int:
    """Twelve paragraphs, one changed near the end: the diff page folds the rest; and a
    history with events between the versions."""
    url = "https://www.nytimes.com/2015/12/16/world/long-story.html"
    article, _ = data.store.add_article("nytimes", url, START)
    paragraphs = [
        f"Paragraph {n}: the city council met again to discuss the budget, the roads and "
        f"the new library, and residents spoke for {n + 2} minutes each."
        for n in range(12)
    ]
    record(
        data.store, article.id, START + timedelta(hours=1), "Council meets on budget", paragraphs
    )
    gone_at = START + timedelta(hours=2)
    data.store.record_check(
        CheckResult(
            check=Check(article_id=article.id, checked_at=gone_at, outcome=CheckOutcome.GONE),
            events=(ArticleEvent(article.id, gone_at, EventKind.GONE, "HTTP 404"),),
            next_check_at=gone_at + timedelta(hours=1),
        )
    )
    changed = [*paragraphs]
    changed[9] = "Paragraph 9: the council approved the budget late at night, after a long debate."
    record(data.store, article.id, START + timedelta(hours=4), "Council approves budget", changed)
    return article.id


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded, int]]:
    data = seed(tmp_path_factory.mktemp("screens"))
    long_id = add_long_article(data)
    with serving(data) as base:
        yield base, data, long_id
    data.store.close()


def page_paths(data: Seeded, long_id: int) -> dict[str, str]:
    return {
        "front": "/",
        "source": "/sources/nytimes",
        "article": f"/articles/{long_id}",
        "diff": f"/articles/{long_id}/diff/1/2",
        "search": "/search?q=Talks",
    }


def test_screenshots_of_every_page_type(served: tuple[str, Seeded, int]) -> None:
    from playwright.sync_api import sync_playwright

    base, data, long_id = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on(
                    "console",
                    lambda m: console_errors.append(m.text) if m.type == "error" else None,
                )
                for name, path in page_paths(data, long_id).items():
                    page.goto(base + path)
                    suffix = "-folded" if name == "diff" else ""
                    page.screenshot(
                        path=str(ARTIFACTS / f"{name}{suffix}-{width}.png"), full_page=True
                    )
                    # nothing wider than the screen: no sideways scrolling
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    assert overflow <= 1, (name, width, overflow)
                # the diff page unfolded: every <details> opened by a click on its summary
                page.goto(base + page_paths(data, long_id)["diff"])
                summaries = page.locator("details:visible > summary")
                assert summaries.count() >= 1
                hidden = page.locator("details:visible p").first
                assert not hidden.is_visible()
                for n in range(summaries.count()):
                    summaries.nth(n).click()
                assert hidden.is_visible()
                page.screenshot(path=str(ARTIFACTS / f"diff-unfolded-{width}.png"), full_page=True)
                # jump to the first change
                page.locator("a.jump:visible").first.click()
                assert page.url.endswith(("#headline", "#side-headline"))  # it changed first
                page.close()
        finally:
            browser.close()
    assert not console_errors, console_errors
    for width in WIDTHS:
        for name in ("front", "source", "article", "diff-folded", "diff-unfolded", "search"):
            assert (ARTIFACTS / f"{name}-{width}.png").stat().st_size > 5_000


def test_axe_finds_no_serious_violation(served: tuple[str, Seeded, int], axe_script: str) -> None:
    from playwright.sync_api import sync_playwright

    base, data, long_id = served
    paths = {**page_paths(data, long_id), "lookup": "/lookup", "sources": "/sources"}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            found = violations_at_every_width(
                browser, base, paths, axe_script, unfold=lambda name: name == "diff"
            )
        finally:
            browser.close()
    assert not found, json.dumps(found, indent=2)
