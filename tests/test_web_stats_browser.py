"""A real browser (Debian's chromium through Playwright) reads the statistics pages at 1280 px
and 390 px: charts drawn, readable and inside the page, their tables a click away, no
console error (a Content-Security-Policy violation is one). Screenshots go to
``$NEWSDIFFS_ARTIFACTS`` (default ``tests/artifacts/``)."""

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

PAGES = {"stats": "/stats", "source-stats": "/sources/nytimes/stats"}

pytestmark = BROWSER_MARKS
__all__ = ["axe_script"]  # the fixture, shared


def add_two_weeks_of_edits(data: Seeded) -> None:
    """A fortnight of stories with a few edits each, so that the per-day charts have shape."""
    for n in range(14):
        first = START + timedelta(days=n, hours=8)
        url = f"https://www.nytimes.com/2015/12/{15 + n}/story-{n}.html"
        article, _ = data.store.add_article("nytimes", url, first)
        title = f"Story {n} develops"
        for edit in range(1 + n % 4):
            body = (f"Story {n} begins.", f"Update {edit}: officials said {edit + n} things.")
            if edit == 2:
                title = f"Story {n} develops further"
            record(data.store, article.id, first + timedelta(hours=2 * edit), title, body)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    data = seed(tmp_path_factory.mktemp("stats-browser"))
    add_two_weeks_of_edits(data)
    with serving(data) as base:
        yield base, data
    data.store.close()


@pytest.mark.parametrize(("shot", "path"), PAGES.items())
def test_stats_pages_in_chromium(served: tuple[str, Seeded], path: str, shot: str) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{base}{path}")
                charts = page.locator("svg.chart")
                assert charts.count() >= 4
                for n in range(charts.count()):
                    box = charts.nth(n).bounding_box()
                    # the column's width on a phone, 30rem (480 px) on a wide screen
                    assert box is not None and box["width"] >= min(0.8 * width, 480)
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width
                # nothing wider than the screen: no sideways scrolling of the page
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                assert scroll_width <= width
                # chart text stays readable on a phone: at least 10 px tall
                heights = page.locator("svg.chart text").evaluate_all(
                    "els => els.map(e => e.getBoundingClientRect().height)"
                )
                assert min(heights) >= 10
                # the text alternative opens without JavaScript
                first = page.locator("figure.chart details").first
                assert not first.locator("table").is_visible()
                first.locator("summary").click()
                assert first.locator("table tbody tr").count() >= 1
                assert first.locator("table").is_visible()
                page.screenshot(path=str(ARTIFACTS / f"{shot}-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert console_errors == []


def test_axe_finds_no_serious_violation(served: tuple[str, Seeded], axe_script: str) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = served
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            found = violations_at_every_width(browser, base, PAGES, axe_script)
        finally:
            browser.close()
    assert not found, json.dumps(found, indent=2)
