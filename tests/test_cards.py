"""Diff cards: layout inside the margins, PNGs of real kinds of change, the cache, the route.

Cards are saved as PNG artifacts in ``$NEWSDIFFS_ARTIFACTS/cards`` (default
``tests/artifacts/cards``, git-ignored) to look at.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from web_seed import KERRY_V1_TITLE, Seeded, seed

from newsdiffs.cards import (
    CardCache,
    CardContent,
    Fonts,
    card_content,
    card_for,
    card_url,
    render_card,
    version_change_text,
)
from newsdiffs.cards.draw import BACKGROUND, PillowMeasure
from newsdiffs.cards.fonts import FontRole
from newsdiffs.cards.layout import HEIGHT, MARGIN, WIDTH, CardLayout, layout_card
from newsdiffs.core.wordiff import Span
from newsdiffs.demo.story import EditKind, EditorialState, apply_edit, draft_story
from newsdiffs.errors import NotFoundError
from newsdiffs.models import ArticleStatus, Version
from newsdiffs.web import create_app

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("NEWSDIFFS_ARTIFACTS") or REPO / "tests" / "artifacts") / "cards"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
BLUESKY_IMAGE_LIMIT = 976 * 1024


def _version(number: int, state: EditorialState, at: datetime) -> Version:
    text = state.title + "".join(state.paragraphs)
    return Version(
        id=number,
        article_id=1,
        number=number,
        captured_at=at,
        title=state.title,
        paragraphs=state.paragraphs,
        content_hash=hashlib.md5(text.encode()).hexdigest(),
        extractor="test",
        byline=state.byline,
    )


def _content(before: EditorialState, after: EditorialState) -> CardContent:
    a = _version(1, before, T0)
    b = _version(2, after, T0 + timedelta(hours=3, minutes=10))
    return card_content("The Daily Demo", a, b, version_change_text(a, b))


def _demo_edit(kind: EditKind) -> tuple[EditorialState, EditorialState]:
    """The first demo newsroom story (by seed) that an edit of ``kind`` applies to."""
    for seed_value in range(200):
        rng = random.Random(seed_value)
        story = draft_story(rng)
        after = apply_edit(story, story.first, kind, rng)
        if after is not None:
            return story.first, after
    raise AssertionError(f"no demo story takes a {kind} edit")


_VOCABULARY = [
    "council",
    "budget",
    "mayor",
    "vote",
    "housing",
    "transport",
    "river",
    "school",
    "police",
    "harbour",
    "market",
    "minister",
    "report",
    "hospital",
    "station",
    "bridge",
    "festival",
    "museum",
    "library",
    "weather",
    "airport",
    "farmers",
    "union",
    "court",
    "judge",
    "plan",
    "money",
    "streets",
    "winter",
    "summer",
    "pupils",
    "teachers",
    "doctors",
]


def _rewrite_300() -> tuple[EditorialState, EditorialState]:
    """Fifteen 20-word sentences (300 words), every one of them reworded."""
    rng = random.Random(3)
    old, new = [], []
    for _ in range(15):
        words = [rng.choice(_VOCABULARY) for _ in range(20)]
        reworded = [rng.choice(_VOCABULARY) if n % 3 == 0 else w for n, w in enumerate(words)]
        old.append(" ".join(words).capitalize() + ".")
        new.append(" ".join(reworded).capitalize() + ".")
    before = EditorialState("Council rewrites its budget plan", "A. Reporter", tuple(old[:8]))
    paragraphs = (" ".join(new[:5]), " ".join(new[5:10]), " ".join(new[10:]))
    return before, replace(before, paragraphs=paragraphs)


def _cases() -> dict[str, tuple[EditorialState, EditorialState]]:
    return {
        "headline": _demo_edit(EditKind.HEADLINE),
        "quote": _demo_edit(EditKind.QUOTE),
        "correction": _demo_edit(EditKind.CORRECTION),
        "rewrite-300-words": _rewrite_300(),
    }


def _assert_inside_margins(layout: CardLayout) -> None:
    for run in layout.runs:
        assert run.x >= MARGIN and run.top >= MARGIN, run
        assert run.x + run.width <= WIDTH - MARGIN, run
        assert run.top + run.height <= HEIGHT - MARGIN, run
    for rule in layout.rules:
        assert MARGIN <= rule.x0 < rule.x1 <= WIDTH - MARGIN


def _assert_margins_blank(png: bytes) -> None:
    """No ink in the margins (2 px of glyph overhang allowed next to the text box): one
    colour there, the background's (as the palette has it: quantising may shift it by one)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    background = image.getpixel((0, 0))
    assert isinstance(background, tuple)
    assert max(abs(c - b) for c, b in zip(background, BACKGROUND, strict=True)) <= 2
    inner = MARGIN - 2
    strips = {
        "left": (0, 0, inner, HEIGHT),
        "right": (WIDTH - inner, 0, WIDTH, HEIGHT),
        "top": (0, 0, WIDTH, inner),
        "bottom": (0, HEIGHT - inner, WIDTH, HEIGHT),
    }
    for name, box in strips.items():
        colors = image.crop(box).getcolors(maxcolors=4)
        assert colors is not None and [color for _, color in colors] == [background], name


def _save(name: str, png: bytes) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)


# --- rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["headline", "quote", "correction", "rewrite-300-words"])
def test_cards_of_real_kinds_of_change(name: str) -> None:
    before, after = _cases()[name]
    content = _content(before, after)
    png = render_card(content)
    _save(name, png)
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 675)
    assert 5_000 < len(png) < BLUESKY_IMAGE_LIMIT
    layout = layout_card(content, PillowMeasure(Fonts.system()))
    _assert_inside_margins(layout)
    _assert_margins_blank(png)
    drawn = " ".join(run.text for run in layout.runs)
    assert "The Daily Demo" in drawn and "Version 1" in drawn and "Version 2" in drawn
    if name == "headline":
        assert content.headline_changed
        assert any(run.mark == "delete" and run.role == "headline" for run in layout.runs)
        assert any(run.mark == "insert" and run.role == "headline" for run in layout.runs)
        assert "Headline changed" in content.alt_text
    if name == "correction":
        assert any(run.mark == "insert" and "Correction" in run.text for run in layout.runs)
    if name == "quote":
        assert {"delete", "insert"} <= {run.mark for run in layout.runs if run.role == "body"}


def test_a_long_change_is_cut_with_an_ellipsis() -> None:
    content = _content(*_rewrite_300())
    layout = layout_card(content, PillowMeasure(Fonts.system()))
    assert layout.truncated
    body = [run for run in layout.runs if run.role == "body"]
    assert body[-1].text.endswith("…")
    assert max(run.top + run.height for run in body) <= HEIGHT - MARGIN


def test_huge_unbroken_text_never_overflows() -> None:
    """No spaces to break at (CJK, a URL): words are broken between characters."""
    long_word = "Ωmega" * 400
    cjk = "東京都議会は予算案を可決した。" * 120
    spans = ((Span("delete", long_word), Span("insert", " " + cjk)),)
    content = CardContent(
        outlet="A very long outlet name " * 10,
        before="Version 1 · 2026-03-02 06:00 UTC",
        after="Version 2 · 2026-03-02 09:10 UTC (about 3 hours later)",
        headline=(Span("delete", cjk), Span("insert", long_word)),
        passages=spans,
        alt_text="",
    )
    for fonts in (Fonts.system(), Fonts.bundled()):
        layout = layout_card(content, PillowMeasure(fonts))
        _assert_inside_margins(layout)
        png = render_card(content, fonts)
        _assert_margins_blank(png)
    _save("unbroken-cjk", render_card(content))


def test_accents_and_other_scripts_render() -> None:
    before = EditorialState(
        "Société Générale réduit ses prévisions", "Zoë Łukasiewicz", ("Le chiffre était 3 %.",)
    )
    after = EditorialState(
        "Société Générale relève ses prévisions — « surprise »",
        "Zoë Łukasiewicz",
        ("Le chiffre était 4 %. 東京 العربية Ελληνικά Привет 🙂",),
    )
    content = _content(before, after)
    png = render_card(content)
    _save("accents-and-scripts", png)
    assert Image.open(io.BytesIO(png)).size == (1200, 675)
    bundled = Fonts.bundled()  # ASCII only: accents fall back to their letters, no boxes
    assert bundled.displayable("Société Générale — «") == "Societe Generale - «"
    assert bundled.displayable("東京") == "東京"  # nothing to fall back to: the font's box
    bundled_png = render_card(content, bundled)
    _save("accents-and-scripts-bundled-font", bundled_png)
    _assert_margins_blank(bundled_png)
    system = Fonts.system()
    if system.regular is not None:  # a real font keeps the accents
        assert system.displayable("Société") == "Société"


# --- layout with a fake measure (pure) -------------------------------------------------------


class _FixedMeasure:
    """Every character 10 px wide; ascent 20, descent 5."""

    def width(self, text: str, role: FontRole) -> float:
        return 10.0 * len(text)

    def ascent_descent(self, role: FontRole) -> tuple[int, int]:
        return 20, 5

    def displayable(self, text: str) -> str:
        return text


def test_layout_keeps_spaces_outside_marks_and_wraps_by_width() -> None:
    spans = (Span("equal", "He "), Span("delete", "was due to meet"), Span("insert", "met"))
    content = CardContent(
        "Outlet", "Version 1", "Version 2", (Span("equal", "Title"),), (spans,), ""
    )
    layout = layout_card(content, _FixedMeasure())
    body = [run for run in layout.runs if run.role == "body"]
    assert [(run.text, run.mark) for run in body] == [
        ("He", "plain"),
        ("was due to meet", "delete"),
        ("met", "insert"),  # a space is put between a deletion and an insertion
    ]
    assert body[1].x == body[0].x + 20 + 10 and body[2].x == body[1].x + 150 + 10
    words = ("word " * 600).split()
    content = replace(content, passages=((Span("equal", " ".join(words)),),))
    layout = layout_card(content, _FixedMeasure())
    lines = [run for run in layout.runs if run.role == "body"]
    assert len({run.top for run in lines}) == len(lines) > 3  # one run per line
    assert all(run.width <= WIDTH - 2 * MARGIN for run in lines)
    assert lines[-1].text.endswith("…") and layout.truncated
    _assert_inside_margins(layout)


def test_nothing_changed_in_the_text_says_so() -> None:
    content = CardContent(
        "Outlet",
        "Version 1",
        "Version 2",
        (Span("delete", "Old"), Span("insert", " New")),
        (),
        "",
    )
    layout = layout_card(content, _FixedMeasure())
    assert any("only the headline" in run.text for run in layout.runs)


# --- the cache and card_for -----------------------------------------------------------------


def test_cache_is_bounded_by_bytes_least_recently_used_first() -> None:
    cache = CardCache(max_bytes=100)
    cache.put("a", b"x" * 40)
    cache.put("b", b"x" * 40)
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", b"x" * 40)
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.size_bytes == 80 and len(cache) == 2
    cache.put("huge", b"x" * 101)  # larger than the whole cache: not kept
    assert cache.get("huge") is None


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("cards"))
    yield data
    data.store.close()


@pytest.fixture(scope="module")
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def test_card_for_is_cached_and_keyed_by_the_versions_text(seeded: Seeded) -> None:
    cache = CardCache()
    first = card_for(seeded.store, seeded.kerry_id, 1, 2, cache)
    again = card_for(seeded.store, seeded.kerry_id, 1, 2, cache)
    assert first == again and cache.hits == 1 and cache.misses == 1
    _save("kerry", first)
    other = card_for(seeded.store, seeded.three_id, 1, 3, cache)
    assert other != first and len(cache) == 2
    with pytest.raises(NotFoundError):
        card_for(seeded.store, seeded.kerry_id, 1, 9, cache)
    with pytest.raises(NotFoundError):
        card_for(seeded.store, seeded.kerry_id, 2, 2, cache)


def test_card_url_is_absolute_at_the_public_address() -> None:
    assert card_url("https://diffs.example/", 7, 1, 2) == (
        "https://diffs.example/articles/7/diff/1/2.png"
    )


# --- the route and the diff page's meta ------------------------------------------------------


def test_card_route_serves_a_cacheable_png(client: TestClient, seeded: Seeded) -> None:
    response = client.get(f"/articles/{seeded.kerry_id}/diff/1/2.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 675)
    etag = response.headers["etag"]
    again = client.get(f"/articles/{seeded.kerry_id}/diff/1/2.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    head = client.head(f"/articles/{seeded.kerry_id}/diff/1/2.png")
    assert head.status_code == 200 and head.headers["content-type"] == "image/png"


def test_card_route_404(client: TestClient, seeded: Seeded) -> None:
    for path in (
        "/articles/999999/diff/1/2.png",
        f"/articles/{seeded.kerry_id}/diff/1/9.png",
        f"/articles/{seeded.kerry_id}/diff/2/2.png",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_diff_page_unfurls_with_the_card(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/articles/{seeded.kerry_id}/diff/1/2").text
    image = f"http://127.0.0.1:8080/articles/{seeded.kerry_id}/diff/1/2.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'og:description" content="Headline changed: &#39;In Russia' in html
    assert "Syria Talks" in html.split("og:description", 1)[1].split(">", 1)[0]
    assert 'property="og:image:alt" content="Headline changed from' in html


def test_hidden_article_has_no_card(tmp_path: Path) -> None:
    data = seed(tmp_path)
    try:
        client = TestClient(create_app(data.settings, data.store, data.clock))
        path = f"/articles/{data.kerry_id}/diff/1/2.png"
        assert client.get(path).status_code == 200
        data.store.set_status(data.kerry_id, ArticleStatus.HIDDEN.value)
        response = client.get(path)
        assert response.status_code == 410
        assert response.headers["content-type"].startswith("text/html")
        assert KERRY_V1_TITLE not in response.text
    finally:
        data.store.close()
