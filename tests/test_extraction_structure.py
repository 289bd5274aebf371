"""Paragraph structure is not content: loose text, split paragraphs, deep nesting.

Synthetic pages only. Text placed directly in a block container (no <p>), bare text
mixed with <p> siblings and words after a <br> must reach the extracted page, from the
generic extractor and from the site adapters; the same words split into paragraphs
differently must come out as the same words in the same order; and text nested deeper
than libxml2's 256 levels must survive, in bounded time and memory.
"""

from __future__ import annotations

import re
import time
import tracemalloc

import pytest
from lxml import html as lxml_html

from newsdiffs.extraction import GenericExtractor, extract
from newsdiffs.extraction.html import parse_html
from newsdiffs.extraction.nesting import MAX_DEPTH, flatten_deep_nesting
from newsdiffs.extraction.sites import adapter_for

TITLE = "Harbour lamp keepers vote to stay on through the winter storms"
BODY = (
    "Keepers of the fictional Porthwenna harbour lamp voted on Tuesday to stay at their posts "
    "through the winter, the harbour board said after a long and noisy meeting.",
    "The board had planned to replace the keepers with an automatic beacon in November, a move "
    "that fishermen on both quays said would leave the narrow channel unsafe at night.",
    "The keepers asked for new glass for the lantern room and a second boat for the crossing, "
    "and the board agreed to pay for both out of next year's maintenance budget.",
    "Fishermen said they would hold a supper for the keepers at the end of the month, as they "
    "did every year before the plan to close the lamp room was first announced.",
)
QUOTE_1 = (
    "We have kept this light burning through every storm since the old war ended, and we are "
    "not about to let it go dark now."
)
QUOTE_2 = (
    "Give us the glass and the boat and we will be here when the boats come home in the "
    "dark, as our fathers were before us."
)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def body_words(paragraphs: tuple[str, ...]) -> list[str]:
    return words(" ".join(paragraphs))


# Each form places QUOTE_1 and QUOTE_2 between BODY[1] and BODY[2], differently marked up.
QUOTE_FORMS = {
    "blockquote with bare text": f"<blockquote>{QUOTE_1} {QUOTE_2}</blockquote>",
    "blockquote text then a paragraph": f"<blockquote>{QUOTE_1}<p>{QUOTE_2}</p></blockquote>",
    "blockquote paragraph then text": f"<blockquote><p>{QUOTE_1}</p>{QUOTE_2}</blockquote>",
    "blockquote of paragraphs": f"<blockquote><p>{QUOTE_1}</p><p>{QUOTE_2}</p></blockquote>",
    "div with bare text": f"<div>{QUOTE_1} {QUOTE_2}</div>",
    "div text then a paragraph": f"<div>{QUOTE_1}<p>{QUOTE_2}</p></div>",
    "div text after a line break": f"<div>{QUOTE_1}<br>{QUOTE_2}<p>{BODY[2]}</p></div>",
    "bare text between paragraphs": f"{QUOTE_1}<br><br>{QUOTE_2}",
    "inline markup then a paragraph": f"<div><b>{QUOTE_1}</b><p>{QUOTE_2}</p></div>",
    "one paragraph split by a line break": f"<p>{QUOTE_1}<br>{QUOTE_2}</p>",
}


def _quoted_body(form: str) -> str:
    """BODY with the quote form between its second and third paragraphs."""
    fragment = QUOTE_FORMS[form]
    rest = BODY[3:] if BODY[2] in fragment else BODY[2:]
    return (
        "".join(f"<p>{p}</p>" for p in BODY[:2]) + fragment + "".join(f"<p>{p}</p>" for p in rest)
    )


def _expected_order() -> list[str]:
    return words(" ".join((*BODY[:2], QUOTE_1, QUOTE_2, *BODY[2:])))


def _generic_page(body_html: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE} | Example News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<main><article><h1>{TITLE}</h1><div class='article-body'>{body_html}</div>"
        "</article></main><footer><p>Copyright Example News</p></footer></body></html>"
    )


@pytest.mark.parametrize("form", sorted(QUOTE_FORMS))
def test_generic_keeps_loose_text_in_block_containers(form: str) -> None:
    page = extract(_generic_page(_quoted_body(form)), "https://news.example/2024/lamp")
    assert page.extractor.startswith("generic@")
    assert body_words(page.paragraphs) == _expected_order(), form


# Adapter pages: each adapter's own layout markers around the same quote forms.
ADAPTER_PAGES = {
    "cbc": (
        "https://www.cbc.ca/news/world/lamp-keepers-1.7000001",
        "<h1 class='detailHeadline'>{title}</h1><div id='detailContent'>"
        "<div class='story'>{body}</div></div>",
    ),
    "nypost": (
        "https://nypost.com/2024/01/02/news/lamp-keepers/",
        "<h1>{title}</h1><div class='single__content entry-content'>{body}</div>",
    ),
    "guardian": (
        "https://www.theguardian.com/uk-news/2024/jan/02/lamp-keepers",
        "<h1>{title}</h1><div class='article-body-commercial-selector'>{body}</div>",
    ),
    "bbc": (
        "https://www.bbc.co.uk/news/uk-67000001",
        "<h1 class='story-body__h1'>{title}</h1><div class='story-body__inner'>{body}</div>",
    ),
}


def _adapter_html(name: str, body_html: str) -> str:
    template = ADAPTER_PAGES[name][1]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE}</title></head><body>"
        + template.format(title=TITLE, body=body_html)
        + "</body></html>"
    )


@pytest.mark.parametrize("form", sorted(QUOTE_FORMS))
@pytest.mark.parametrize("name", sorted(ADAPTER_PAGES))
def test_site_adapters_keep_loose_text_in_block_containers(name: str, form: str) -> None:
    url = ADAPTER_PAGES[name][0]
    adapter = adapter_for(url)
    assert adapter is not None and adapter.name == name
    page = adapter.extract(_adapter_html(name, _quoted_body(form)), url)
    assert page is not None, form
    assert page.title == TITLE
    assert body_words(page.paragraphs) == _expected_order(), form


def test_adapters_leave_classed_inline_furniture_out() -> None:
    """A byline or label in a classed <span> between paragraphs is not loose article text."""
    url = ADAPTER_PAGES["nypost"][0]
    body = f"<span class='byline'>By A. Writer</span><p>{BODY[0]}</p>{QUOTE_1}<p>{BODY[1]}</p>"
    page = adapter_for(url).extract(_adapter_html("nypost", body), url)  # type: ignore[union-attr]
    assert page is not None
    assert page.paragraphs == (BODY[0], QUOTE_1, BODY[1])


def test_adapters_ignore_stray_text_inside_lists() -> None:
    url = ADAPTER_PAGES["nypost"][0]
    body = f"<p>{BODY[0]}</p><ul class='tags'>In:<li>{BODY[1]}</li></ul>"
    page = adapter_for(url).extract(_adapter_html("nypost", body), url)  # type: ignore[union-attr]
    assert page is not None
    assert page.paragraphs == (BODY[0], BODY[1])


# ---------------------------------------------------------------- paragraph splits


def _halves(text: str) -> tuple[str, str]:
    """``text`` cut in two at the space nearest its middle."""
    cut = text.index(" ", len(text) // 2)
    return text[:cut], text[cut + 1 :]


SPLITS = {
    "as written": "".join(f"<p>{p}</p>" for p in BODY),
    "one paragraph split in two": (
        "<p>{}</p><p>{}</p><p>{}</p>".format(BODY[0], *_halves(BODY[1]))
        + "".join(f"<p>{p}</p>" for p in BODY[2:])
    ),
    "two paragraphs merged": (
        f"<p>{BODY[0]} {BODY[1]}</p>" + "".join(f"<p>{p}</p>" for p in BODY[2:])
    ),
    "quote block broken into paragraphs": (
        "".join(f"<p>{p}</p>" for p in BODY[:2])
        + "<blockquote><p>{}</p><p>{}</p></blockquote>".format(*_halves(BODY[2]))
        + f"<p>{BODY[3]}</p>"
    ),
    "quote block of bare text": (
        "".join(f"<p>{p}</p>" for p in BODY[:2])
        + f"<blockquote>{BODY[2]}</blockquote><p>{BODY[3]}</p>"
    ),
    "line breaks instead of paragraphs": "<br><br>".join(BODY),
}


@pytest.mark.parametrize("form", sorted(SPLITS))
def test_same_words_in_the_same_order_whatever_the_paragraph_split(form: str) -> None:
    want = words(" ".join(BODY))
    generic = extract(_generic_page(SPLITS[form]), "https://news.example/2024/lamp")
    assert body_words(generic.paragraphs) == want, f"generic: {form}"
    for name in ADAPTER_PAGES:
        url = ADAPTER_PAGES[name][0]
        page = adapter_for(url).extract(_adapter_html(name, SPLITS[form]), url)  # type: ignore[union-attr]
        assert page is not None
        assert body_words(page.paragraphs) == want, f"{name}: {form}"


# ---------------------------------------------------------------- deep nesting


def _deep_page(depth: int) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return (
        f"<html><head><title>{TITLE}</title></head><body>"
        + "<div>" * depth
        + f"<h1>{TITLE}</h1>{paragraphs}"
        + "</div>" * depth
        + "</body></html>"
    )


def test_libxml2_drops_text_below_256_levels_on_its_own() -> None:
    """The defect this guards against: lxml's HTML parser silently loses the text."""
    doc = lxml_html.document_fromstring(_deep_page(300))
    assert BODY[0] not in doc.text_content()


@pytest.mark.parametrize("depth", [300, 5_000])
def test_text_nested_deeper_than_the_parser_limit_is_extracted(depth: int) -> None:
    html = _deep_page(depth)
    started = time.perf_counter()
    page = extract(html, "https://news.example/2024/deep")
    elapsed = time.perf_counter() - started
    assert body_words(page.paragraphs) == words(" ".join(BODY))
    assert elapsed < 1.0, f"{elapsed:.2f} s"  # measured: 80 ms (300), 130 ms (5,000)
    tracemalloc.start()  # (separately: tracing slows Python down several times)
    extract(html, "https://news.example/2024/deep")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50_000_000, f"{peak / 1e6:.0f} MB"  # measured: under 1 MB


def test_deep_text_survives_a_hundred_parser_errors_before_it() -> None:
    """libxml2 reports at most 100 errors; the depth error must still be noticed."""
    noise = "<b><i>x</b></i><x y=>" * 500
    html = _deep_page(400).replace("<body>", "<body>" + noise)
    doc = parse_html(html)
    assert doc is not None and BODY[3] in doc.text_content()


def test_deep_text_reaches_site_adapters_too() -> None:
    url = ADAPTER_PAGES["nypost"][0]
    body = "<div>" * 600 + "".join(f"<p>{p}</p>" for p in BODY) + "</div>" * 600
    page = adapter_for(url).extract(_adapter_html("nypost", body), url)  # type: ignore[union-attr]
    assert page is not None and page.paragraphs == BODY


def test_flattening_keeps_every_word_and_bounds_the_depth() -> None:
    html = (
        "<html><body><!-- <div> in a comment --><script>var s = '<div><div>';</script>"
        + "<section><span>" * 400
        + "Deep words<br>after a break<img src=x><p>para one<p>para two"
        + "</span></section>" * 400
        + "<p>Shallow words</p></body></html>"
    )
    flat = flatten_deep_nesting(html)
    doc = lxml_html.document_fromstring(flat)
    depth = max(sum(1 for _ in element.iterancestors()) for element in doc.iter())
    assert depth <= MAX_DEPTH + 20
    text = " ".join(doc.text_content().split())
    for piece in ("Deep words", "after a break", "para one", "para two", "Shallow words"):
        assert piece in text
    assert "var s = '<div><div>';" in flat  # script text untouched


def test_flattening_keeps_text_whose_lower_case_is_longer() -> None:
    """The lower case of "İ" is two characters: positions must not drift."""
    html = "<div>" * 300 + "İstanbul İzmir <b>Ünye</b>" + "</div>" * 300
    doc = lxml_html.document_fromstring(flatten_deep_nesting(html))
    assert " ".join(doc.text_content().split()) == "İstanbul İzmir Ünye"


def test_flattening_leaves_shallow_pages_alone() -> None:
    html = f"<html><body><div><p>{BODY[0]}</p><p>{BODY[1]}</p></div></body></html>"
    assert flatten_deep_nesting(html) == html


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 100_000,  # 500 KB of start tags (measured: 0.3 s on a loaded machine)
        "</div>" * 100_000,  # stray end tags
        "<!--" * 200_000,  # unclosed comments
        "<" * 1_000_000,
        "<script>" + "<div>" * 100_000,  # an unclosed script
    ],
    ids=["start-tags", "end-tags", "comments", "angle-brackets", "unclosed-script"],
)
def test_flattening_is_linear_on_pathological_input(html: str) -> None:
    started = time.perf_counter()
    flatten_deep_nesting(html)
    assert time.perf_counter() - started < 1.0


def test_generic_extractor_alone_on_a_deep_page() -> None:
    page = GenericExtractor().extract(_deep_page(1_000), "https://news.example/2024/deep")
    assert page is not None and body_words(page.paragraphs) == words(" ".join(BODY))
