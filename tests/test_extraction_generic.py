"""The generic extractor, the extractor chain and compare, on synthetic pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from newsdiffs.compare import compare_pages
from newsdiffs.errors import ConfigError
from newsdiffs.extraction import ExtractorChain, GenericExtractor, extract, extract_with
from newsdiffs.extraction.cleanup import (
    drop_inert_elements,
    drop_leading_title,
    is_markup_or_code,
    is_template_line,
    merge_split_bodies,
    share_in_reference,
    trim_to_reference,
)
from newsdiffs.extraction.html import (
    clean_title,
    decode_html,
    parse_datetime,
    parse_html,
    read_metadata,
)
from newsdiffs.extraction.titles import choose_title
from newsdiffs.models import ExtractedPage

URL = "https://news.example.org/2024/05/01/harbour-bridge-reopens"
BODY = [
    "The harbour bridge reopened to traffic on Wednesday morning after eighteen months of "
    "repairs, the city council said, ending long detours for thousands of commuters.",
    "Engineers replaced the corroded steel cables and resurfaced the entire deck, work that "
    "cost far more than the original estimate because of supply delays last winter.",
    "Residents on both banks said the closure had doubled their journey times and hurt the "
    "small shops near the old ferry terminal, which saw far fewer customers.",
    "The mayor thanked workers and promised a full review of the budget overrun before the "
    "council votes on next year's maintenance plan in the autumn session.",
]
SUBHEAD = "What happens next"
QUOTE = "We are proud of the crews who worked through two winters to finish this job safely."
ITEMS = ["Cycle lanes open in June.", "Night closures end on Friday."]


@dataclass
class Page:
    """Knobs for one synthetic article page."""

    title: str = "Harbour bridge reopens after repairs"
    body: tuple[str, ...] = tuple(BODY)
    head_extra: str = ""
    before_body: str = ""
    after_body: str = ""
    json_ld: object = None
    charset: str = "utf-8"

    def html(self) -> str:
        ld = (
            f'<script type="application/ld+json">{json.dumps(self.json_ld)}</script>'
            if self.json_ld is not None
            else ""
        )
        paragraphs = "".join(f"<p>{p}</p>" for p in self.body)
        return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="{self.charset}">
<title>{self.title} | Example News</title>
<meta property="og:title" content="{self.title}">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-05-01T08:30:00+01:00">
<link rel="canonical" href="{URL}">{ld}{self.head_extra}
<script>var tracking = {{"user": "Updated 5 minutes ago"}};</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>{self.title}</h1>
<div class="meta"><span class="timestamp">Updated 5 minutes ago</span>
<div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div></div>
{self.before_body}<div class="article-body">{paragraphs}
<h2>{SUBHEAD}</h2><blockquote><p>{QUOTE}</p></blockquote>
<ul>{"".join(f"<li>{item}</li>" for item in ITEMS)}</ul>
</div>{self.after_body}</article>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Council approves new tram line to the airport</a></li>
<li><a href="/b">Ferry operator announces summer timetable changes</a></li></ul></aside>
</main><footer><p>Copyright Example News 2024. All rights reserved.</p></footer></body></html>"""


def test_extracts_title_body_and_metadata_without_template_noise() -> None:
    page = extract(Page().html(), URL)
    assert page.extractor == "generic@4"
    assert page.title == "Harbour bridge reopens after repairs"
    text = "\n".join(page.paragraphs)
    for paragraph in BODY:
        assert paragraph in page.paragraphs
    for noise in ("Updated 5 minutes ago", "tracking", "Home", "Related stories", "Copyright"):
        assert noise not in text
    assert "Share" not in page.paragraphs and "Tweet" not in page.paragraphs
    assert page.paragraphs[0] == BODY[0], "the headline is not repeated as a paragraph"
    assert page.published == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert page.canonical_url == URL
    assert page.language == "en-GB"


def test_subheads_quotes_and_list_items_are_separate_paragraphs() -> None:
    paragraphs = extract(Page().html(), URL).paragraphs
    assert SUBHEAD in paragraphs
    assert QUOTE in paragraphs
    for item in ITEMS:
        assert item in paragraphs


def test_json_ld_graph_supplies_headline_authors_and_dates() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example News"},
            {
                "@type": "NewsArticle",
                "headline": "Harbour bridge reopens after repairs",
                "author": [{"@type": "Person", "name": "Ada Jones"}, {"name": "Ben Okafor"}],
                "datePublished": "2024-05-01T08:30:00Z",
                "dateModified": "2024-05-01T10:00:00",
            },
        ],
    }
    page = extract(Page(json_ld=ld).html(), URL)
    assert page.byline == "Ada Jones, Ben Okafor"
    assert page.published == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert page.updated == datetime(2024, 5, 1, 10, 0, tzinfo=UTC), "no zone means UTC"


def test_json_ld_article_body_replaces_a_much_shorter_body() -> None:
    full = "\n".join(BODY + [f"Extra paragraph {n} with several more words in it." for n in "ab"])
    ld = {"@type": "NewsArticle", "headline": "Harbour bridge reopens", "articleBody": full}
    page = extract(Page(body=(BODY[0],), json_ld=ld).html(), URL)
    assert page.paragraphs[-1] == "Extra paragraph b with several more words in it."
    assert len(page.paragraphs) == len(BODY) + 2


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    title = "Café owners welcome the reopening"
    html = Page(title=title, charset="windows-1252").html().encode("cp1252")
    assert extract(html, URL).title == title
    assert decode_html("é".encode()) == "é"


@pytest.mark.parametrize(
    "html", ["", b"", b"\x00\xff\xfe\x00binary", "<html></html>", "<<<>>>", "just words"]
)
def test_bad_html_gives_an_empty_page_not_an_exception(html: str | bytes) -> None:
    page = extract(html, URL)
    assert page.extractor == "generic@4"
    assert page.paragraphs == () or all(p.strip() for p in page.paragraphs)
    assert not page.title or page.title == "just words"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Harbour bridge reopens after repairs | Example News",
            "Harbour bridge reopens after repairs",
        ),
        (
            "Harbour bridge reopens after repairs - World - Example",
            "Harbour bridge reopens after repairs",
        ),
        (
            "Example News | Harbour bridge reopens after repairs",
            "Harbour bridge reopens after repairs",
        ),
        ("Pros and cons - a guide", "Pros and cons - a guide"),
    ],
)
def test_clean_title_strips_site_names(raw: str, expected: str) -> None:
    assert clean_title(raw, ["Example News"]) == expected


def test_parse_datetime_variants() -> None:
    assert parse_datetime("2024-05-01T08:30:00+0200") == datetime(
        2024, 5, 1, 8, 30, tzinfo=UTC
    ) + timedelta(hours=-2)
    assert parse_datetime("Wed, 01 May 2024 08:30:00 GMT") == datetime(
        2024, 5, 1, 8, 30, tzinfo=UTC
    )
    assert parse_datetime("not a date") is None


def test_drop_caps_are_joined_to_their_word() -> None:
    cap = '<span class="dropcap">T</span> <span>he</span>'
    body = (BODY[0].replace("The", cap, 1), *BODY[1:])
    assert extract(Page(body=body).html(), URL).paragraphs[0] == BODY[0]


def test_trailing_promo_absent_from_json_ld_body_is_trimmed() -> None:
    promo = "Support independent journalism today and become a member for just a few euros."
    assert trim_to_reference([*BODY, promo], "\n".join(BODY)) == BODY
    assert trim_to_reference([*BODY, promo], BODY[0]) == [*BODY, promo], "teaser: keep all"
    assert drop_leading_title(["Big news", "Body"], "Big  news") == ["Body"]


class _Adapter:
    """A fake site adapter."""

    version = 3

    def __init__(self, name: str, page: ExtractedPage | None) -> None:
        self.name = name
        self.page = page

    def matches(self, url: str) -> bool:
        return "news.example.org" in url

    def extract(self, html: str, url: str) -> ExtractedPage | None:
        return self.page


def test_chain_prefers_a_matching_adapter_and_skips_one_without_body() -> None:
    good = ExtractedPage(title="T", paragraphs=("From the adapter.",), extractor="site@3")
    chain = ExtractorChain([_Adapter("site", good)], GenericExtractor())
    assert chain.extract(Page().html(), URL).extractor == "site@3"
    assert chain.extract(Page().html(), "https://other.example/x").extractor == "generic@4"
    titled_only = ExtractedPage(title="T", paragraphs=(), extractor="site@3")
    fallback = ExtractorChain([_Adapter("site", titled_only)], GenericExtractor())
    assert fallback.extract(Page().html(), URL).extractor == "generic@4"


def test_extract_with_names_the_extractor() -> None:
    assert extract_with("generic", Page().html(), URL).extractor == "generic@4"
    with pytest.raises(ConfigError):
        extract_with("no-such-extractor", "", URL)


def test_compare_ignores_template_and_whitespace_changes() -> None:
    base = Page().html()
    redesigned = Page(head_extra='<link rel="stylesheet" href="/v2.css">').html()
    result = compare_pages(base, redesigned, URL)
    assert not result.new_version
    assert result.reason == "same text (only markup/template differs)"
    spaced = Page(body=tuple(p.replace(" ", "  ", 3) for p in BODY)).html()
    result = compare_pages(base, spaced, URL)
    assert not result.new_version
    assert result.reason == "only whitespace differs"
    assert result.a_hash == result.b_hash


def test_compare_reports_headline_and_paragraph_changes() -> None:
    edited = Page(title="Harbour bridge finally reopens", body=tuple(BODY[:2])).html()
    result = compare_pages(Page().html(), edited, URL)
    assert result.new_version and result.title_changed
    assert result.reason == "headline changed; 2 paragraphs removed"
    assert (result.paragraphs_removed, result.paragraphs_added) == (2, 0)
    assert result.paragraphs_a - result.paragraphs_b == 2
    data = result.to_json_dict()
    assert data["new_version"] is True and data["reason"] == result.reason
    assert json.loads(json.dumps(data)) == data


def test_compare_with_an_empty_capture() -> None:
    result = compare_pages(Page().html(), "<html><body></body></html>", URL)
    assert not result.new_version
    assert result.reason == "no article text found in B"


def test_paywall_teaser_block_keeps_its_paragraphs() -> None:
    teaser = "".join(f"<p>{p}</p>" for p in BODY[:2])
    html = (
        Page(body=tuple(BODY[2:]))
        .html()
        .replace(
            '<div class="article-body">',
            f'<div class="article-body"><div class="teaser-content">{teaser}</div>',
        )
    )
    paragraphs = extract(html, URL).paragraphs
    assert paragraphs[:4] == tuple(BODY)


def test_layout_table_cells_give_separate_paragraphs() -> None:
    cells = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        Page()
        .html()
        .replace(
            f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in BODY)}',
            f'<div class="article-body"><table><tr><td>{cells}</td><td></td></tr></table>',
        )
    )
    paragraphs = extract(html, URL).paragraphs
    for paragraph in BODY:
        assert paragraph in paragraphs


def test_kicker_and_headline_above_the_body_are_dropped() -> None:
    lines = ["The Long Run", "Big news today", "First real paragraph."]
    assert drop_leading_title(lines, "Big news today") == ["First real paragraph."]
    long_intro = ["x" * 200, "Big news today", "Body."]
    assert drop_leading_title(long_intro, "Big news today") == long_intro
    disclosure = ["y" * 200, "z" * 200, "Big news today", "Body."]
    assert drop_leading_title(disclosure, "Big news today") == ["Body."]


def test_short_pages_keep_their_paragraphs() -> None:
    """trafilatura's fallback on short pages returns one block; the <article> blocks win."""
    from newsdiffs.extraction import extract

    html = (
        "<html><head><title>Bridge to close | Loopback News</title></head><body>"
        "<nav><a href='/'>Home</a></nav><main><article><h1>Bridge to close</h1>"
        "<p class='byline'>By Ada Reporter</p>"
        "<p>The council voted on Tuesday to close the old bridge.</p>"
        "<p>Engineers said the work would take six months.</p>"
        "<aside><p>Related: other bridges</p></aside>"
        "</article></main><footer>Copyright</footer></body></html>"
    )
    page = extract(html, "https://loopback.example/news/1")
    assert page.title == "Bridge to close"
    assert page.paragraphs == (
        "The council voted on Tuesday to close the old bridge.",
        "Engineers said the work would take six months.",
    )


def test_inert_elements_go_but_json_ld_and_tail_text_stay() -> None:
    html = (
        '<html><body><p>Before <svg><path d="M0"/></svg>after the drawing.</p>'
        '<script>var x = 1;</script><script type="application/ld+json">{"a": 1}</script>'
        "<nav><a href='/'>Home</a></nav><p>Kept <button>Click</button>tail.</p></body></html>"
    )
    doc = parse_html(html)
    assert doc is not None
    drop_inert_elements(doc)
    assert [p.text_content() for p in doc.iter("p")] == ["Before after the drawing.", "Kept tail."]
    assert [s.get("type") for s in doc.iter("script")] == ["application/ld+json"]
    assert not list(doc.iter("svg", "nav", "button"))


@pytest.mark.parametrize(
    ("heading", "meta_title", "expected"),
    [
        ("Band plays the finale [Watch]", "Band plays the finale", "Band plays the finale"),
        ("Band plays the finale (VIDEO)", "Band plays the finale", "Band plays the finale"),
        # the tag is part of the headline when the metadata titles keep it too
        ("Band plays the finale [Watch]", "Band plays the finale [Watch]", None),
        ("Budget passes (again)", "Budget approved by parliament", None),
    ],
)
def test_trailing_media_tag_is_dropped_when_metadata_lacks_it(
    heading: str, meta_title: str, expected: str | None
) -> None:
    html = f"<html><head><title>{meta_title}</title></head><body><h1>{heading}</h1></body></html>"
    doc = parse_html(html)
    assert doc is not None
    assert choose_title(doc, read_metadata(doc), URL) == (expected or heading)


def test_generic_extractor_leaves_trafilatura_fallbacks_off_by_default() -> None:
    assert GenericExtractor().fast is True
    page = GenericExtractor(fast=False).extract(Page().html(), URL)
    assert page is not None and page.paragraphs[: len(BODY)] == tuple(BODY)


@pytest.mark.parametrize(
    "line",
    [
        "Read Next:",
        "Also: The best earbuds, expert tested and reviewed",
        "Don’t Miss: Three stocks to watch this week",
        "Article continues below this ad",
        "Gallery Credit: Jane Doe",
        "(Photo: Acorn TV)",
        "Get the Space.com Newsletter",
        "All products are independently selected by our editors. If you buy something, "
        "we may earn an affiliate commission.",
    ],
)
def test_promo_credit_and_disclosure_lines_are_template(line: str) -> None:
    assert is_template_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Also, the council said the bridge would reopen in June.",
        "Read the report's findings carefully, the minister urged.",
        "The firm earns a commission on every sale, its affiliate network said in a filing "
        "that ran to several hundred pages and was published on Tuesday afternoon. " * 4,
    ],
)
def test_prose_is_not_template(line: str) -> None:
    assert not is_template_line(line)


def test_leaked_link_markup_is_not_prose() -> None:
    assert is_markup_or_code('<a href="https://t.co/x">#Dolphins</a> coach said on Sunday')


def test_share_in_reference_counts_shared_word_windows() -> None:
    assert share_in_reference(BODY, " ".join(BODY)) == 1.0
    assert share_in_reference(["Teaser card for another story entirely"], BODY[0]) == 0.0
    assert share_in_reference([], BODY[0]) == 0.0


def test_json_ld_article_body_replaces_a_body_made_of_other_text() -> None:
    teasers = tuple(
        f"Teaser number {n} links to a different story about the weather and local sport."
        for n in range(6)
    )
    ld = {
        "@type": "NewsArticle",
        "headline": "Harbour bridge reopens",
        "articleBody": "\n".join(BODY),
    }
    page = extract(Page(body=teasers, json_ld=ld).html(), URL)
    assert page.paragraphs == tuple(BODY)


DEK = "Eighteen months of repairs end as commuters return to the river crossing."


def test_printed_standfirst_opens_the_body() -> None:
    page = Page(
        head_extra=f'<meta name="description" content="{DEK}">',
        before_body=f'<p class="standfirst">{DEK}</p>',
    )
    extracted = extract(page.html(), URL)
    assert extracted.paragraphs[0] == DEK
    assert extracted.paragraphs.count(DEK) == 1
    without = GenericExtractor(include_standfirst=False).extract(page.html(), URL)
    assert without is not None and DEK not in without.paragraphs


def test_description_only_in_metadata_is_not_added() -> None:
    page = Page(head_extra=f'<meta name="description" content="{DEK}">')
    assert DEK not in extract(page.html(), URL).paragraphs


def _split_body_page(parts: int) -> str:
    blocks = "".join(
        f'<div class="wrap"><div class="article__body"><p>{BODY[n]}</p><p>{BODY[n]}</p></div>'
        f'<div class="ad">Advertisement</div></div>'
        for n in range(parts)
    )
    return f"<html><body><article>{blocks}</article></body></html>"


def test_an_article_body_split_in_two_becomes_one_block() -> None:
    doc = parse_html(_split_body_page(2))
    assert doc is not None
    merge_split_bodies(doc)
    bodies = doc.find_class("article__body")
    assert len(bodies) == 1
    assert [p.text for p in bodies[0].iter("p")] == [BODY[0], BODY[0], BODY[1], BODY[1]]


def test_three_same_class_blocks_are_a_listing_and_stay_apart() -> None:
    doc = parse_html(_split_body_page(3))
    assert doc is not None
    merge_split_bodies(doc)
    assert len(doc.find_class("article__body")) == 3
