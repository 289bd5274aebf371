"""The tree pruning done before trafilatura runs (speed), and the helpers it relies on."""

from __future__ import annotations

from lxml import html as lxml_html

from newsdiffs.extraction.cleanup import (
    drop_inert_elements,
    is_markup_or_code,
    is_template_line,
    prune_for_content_detection,
)
from newsdiffs.extraction.html import HtmlElement, first_meta, meta_content, meta_tags, parse_html

ARTICLE_TEXT = " ".join(
    f"Sentence {i} of the article body, long enough to count." for i in range(12)
)


def _doc(html: str) -> HtmlElement:
    doc = parse_html(html)
    assert doc is not None
    return doc


def _texts(doc: HtmlElement, tag: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.iter(tag)]


def test_chrome_around_the_one_dominant_article_goes() -> None:
    doc = _doc(
        "<html><body><div class='top'><p>Site slogan</p></div>"
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        f"<div class='wrap'><div class='ad'>Buy now</div><article><p>{ARTICLE_TEXT}</p>"
        "</article><div class='more'>Other stories</div></div></body></html>"
    )
    prune_for_content_detection(doc)
    assert _texts(doc, "p") == [ARTICLE_TEXT]
    assert [s.get("type") for s in doc.iter("script")] == ["application/ld+json"]
    assert "Other stories" not in doc.text_content()


def test_an_article_holding_little_of_the_text_keeps_its_surroundings() -> None:
    doc = _doc(
        f"<html><body><div><p>{ARTICLE_TEXT}</p></div>"
        "<article><p>A short teaser card.</p></article></body></html>"
    )
    prune_for_content_detection(doc)
    assert _texts(doc, "p") == [ARTICLE_TEXT, "A short teaser card."]


def test_lists_of_links_go_and_lists_of_prose_stay() -> None:
    doc = _doc(
        "<html><body><ul class='related'><li><a href='/a'>First related story</a></li>"
        "<li><a href='/b'>Second related story</a></li></ul>"
        "<ul><li>An ingredient with a <a href='/x'>link</a> in it</li><li>Another item</li>"
        "</ul></body></html>"
    )
    prune_for_content_detection(doc)
    assert _texts(doc, "li") == ["An ingredient with a link in it", "Another item"]


def test_empty_blocks_go_but_an_empty_article_body_block_stays() -> None:
    doc = _doc(
        "<html><body><div class='a'><div class='b'> </div></div>"
        "<div class='article-body'></div><p>Kept <span>bare</span> text.</p></body></html>"
    )
    prune_for_content_detection(doc)
    assert [e.get("class") for e in doc.iter("div")] == ["article-body"]
    assert _texts(doc, "p") == ["Kept bare text."]
    assert not list(doc.iter("span"))


def test_furniture_goes_with_its_text_but_not_the_text_after_it() -> None:
    doc = _doc(
        "<html><body><header><a href='/'>Home</a></header><header><h1>Headline</h1></header>"
        "<p>Start <span aria-hidden='true'>hidden</span>end.</p>"
        "<figure><img src='x.jpg'><figcaption>Caption</figcaption></figure>after figure"
        "<figure><table><tr><td>cell</td></tr></table></figure></body></html>"
    )
    prune_for_content_detection(doc)
    text = doc.text_content()
    assert "Headline" in text and "Home" not in text
    assert _texts(doc, "p") == ["Start end."]
    assert "Caption" not in text and "after figure" in text and "cell" in text


def test_form_controls_are_inert() -> None:
    doc = _doc(
        "<html><body><form><input name='q'>Search<select><option>One</option></select>"
        "</form></body></html>"
    )
    drop_inert_elements(doc)
    assert not list(doc.iter("input", "select", "option"))
    assert doc.text_content().strip() == "Search"


def test_meta_tags_are_read_once_with_the_first_value_per_key() -> None:
    doc = _doc(
        "<html><head><meta property='og:title' content=' First  &amp; best '>"
        "<meta name='OG:TITLE' content='Second'><meta name='description' content=''>"
        "<meta itemprop='description' content='Described'></head><body></body></html>"
    )
    tags = meta_tags(doc)
    assert tags["og:title"] == "First & best"
    assert tags["description"] == "Described"
    assert first_meta(tags, "twitter:title", "og:title") == "First & best"
    assert first_meta(tags, "missing") is None
    assert meta_content(doc, "Description") == "Described"


def test_line_filters_still_catch_prompts_and_code() -> None:
    assert is_template_line("Sign up for our daily newsletter")
    assert is_template_line("Read more: the full story")
    assert is_template_line("We may earn a commission from affiliate links on this page.")
    assert not is_template_line("The affiliate network grew last year, officials said.")
    assert is_markup_or_code('</noscript><script>{"a": 1}')
    assert is_markup_or_code('{"key": "value", "other": [1, 2, 3], "more": {"x": "y"}}')
    assert not is_markup_or_code("A sentence with <b>nothing</b> odd in it, said the mayor.")


def test_tree_built_by_lxml_html_is_accepted() -> None:
    doc = lxml_html.document_fromstring(
        f"<html><body><main><p>{ARTICLE_TEXT}</p></main></body></html>"
    )
    prune_for_content_detection(doc)
    assert _texts(doc, "p") == [ARTICLE_TEXT]
