"""A real browser (Debian's chromium through Playwright) reads the article and diff pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import BROWSER_MARKS, launch, serving
from web_seed import KERRY_V1_TITLE, KERRY_V2_TITLE, Seeded, seed

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Seeded]]:
    data = seed(tmp_path_factory.mktemp("browser"))
    with serving(data) as base:
        yield base, data
    data.store.close()


def test_article_and_diff_pages_in_chromium(served: tuple[str, Seeded]) -> None:
    from playwright.sync_api import sync_playwright

    base, data = served
    SCREENSHOTS.mkdir(exist_ok=True)
    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )

            page.goto(f"{base}/articles/{data.kerry_id}")
            status = page.locator("p.status").inner_text()
            assert "This article is from the source 'nytimes'" in status
            assert "first published or seen on 2015-12-15 09:00 UTC" in status
            body = page.locator("main").inner_text()
            assert "The article has changed 1 time." in body
            assert "There is an RSS feed of changes available" in body
            assert page.locator("table.versions tbody tr").count() == 2
            page.screenshot(path=str(SCREENSHOTS / "article.png"), full_page=True)

            page.goto(f"{base}/articles/{data.kerry_id}/diff/1/2")
            table = page.locator("table.diff.side-by-side")
            assert table.is_visible()
            assert not page.locator("section.diff.inline").is_visible()
            old_headline = table.locator("tr.headline td").nth(0).text_content() or ""
            new_headline = table.locator("tr.headline td").nth(1).text_content() or ""
            assert old_headline.replace("deleted: ", "").strip() == KERRY_V1_TITLE
            assert new_headline.replace("inserted: ", "").strip() == KERRY_V2_TITLE
            assert "Syrian" in table.locator("tr.headline del").first.inner_text()
            assert "Syria" in table.locator("tr.headline ins").first.inner_text()
            assert "(about 7 hours later)" in page.locator("thead").inner_text()
            # strike-through and underline, not colour alone
            deco = table.locator("del").first.evaluate(
                "e => getComputedStyle(e).textDecorationLine"
            )
            assert "line-through" in deco
            deco = table.locator("ins").first.evaluate(
                "e => getComputedStyle(e).textDecorationLine"
            )
            assert "underline" in deco
            # the unchanged first paragraph sits level on both sides
            first = table.locator("tr#side-p1 td")
            assert first.nth(0).bounding_box()["y"] == first.nth(1).bounding_box()["y"]  # type: ignore[index]
            page.screenshot(path=str(SCREENSHOTS / "diff.png"), full_page=True)

            page.set_viewport_size({"width": 420, "height": 900})
            assert page.locator("section.diff.inline").is_visible()
            assert not table.is_visible()
            page.screenshot(path=str(SCREENSHOTS / "diff-narrow.png"), full_page=True)
        finally:
            browser.close()
    assert not console_errors, console_errors  # e.g. CSP violations


def test_diff_page_og_image_loads_as_an_image(served: tuple[str, Seeded]) -> None:
    from playwright.sync_api import sync_playwright

    base, data = served
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(f"{base}/articles/{data.kerry_id}/diff/1/2")
            image_url = page.locator('meta[property="og:image"]').get_attribute("content")
            assert image_url == f"{base}/articles/{data.kerry_id}/diff/1/2.png"
            assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
                "summary_large_image"
            )
            response = page.goto(image_url)
            assert response is not None and response.status == 200
            assert response.headers["content-type"] == "image/png"
            # the browser decoded it: an <img> of it has the card's natural size
            size = page.evaluate(
                """url => new Promise((resolve, reject) => {
                    const img = new Image();
                    img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
                    img.onerror = () => reject(new Error("not an image"));
                    img.src = url;
                })""",
                image_url,
            )
            assert size == [1200, 675]
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "diff-card.png"))
        finally:
            browser.close()
