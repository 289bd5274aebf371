"""Site adapters: the outlet corpus (News Sniffer's specs), synthetic pages, URL matching."""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from newsdiffs.extraction.html import decode_html
from newsdiffs.extraction.sites import (
    ADAPTERS,
    SITE_ADAPTERS,
    adapter_for,
    adapter_markers_state,
)
from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter
from newsdiffs.extraction.sites.expectations import field_kind, field_value, reproduces
from newsdiffs.models import ExtractedPage

CORPUS = Path(os.environ.get("NEWSDIFFS_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
SITES = CORPUS / "sites"

# ---------------------------------------------------------------- the outlet corpus


@dataclass(frozen=True)
class Outcome:
    site: str
    file: str
    field: str
    reproduced: bool


@pytest.fixture(scope="module")
def corpus_outcomes() -> list[Outcome]:
    expected_file = SITES / "expected.json"
    if not expected_file.exists():
        pytest.skip(f"outlet corpus not found at {SITES} (set NEWSDIFFS_CORPUS)")
    entries: list[dict[str, Any]] = json.loads(expected_file.read_text(encoding="utf-8"))
    outcomes: list[Outcome] = []
    for entry in entries:
        adapter = adapter_for(entry["url"])
        assert adapter is not None, f"no adapter for {entry['url']}"
        html = decode_html(gzip.decompress((SITES / entry["file"]).read_bytes()))
        page = adapter.extract(html, entry["url"])
        for item in entry["expected"]:
            ok = reproduces(page, item["field"], item["value"])
            outcomes.append(Outcome(entry["site"], entry["file"], item["field"], ok))
    return outcomes


def _rate(outcomes: list[Outcome]) -> float:
    return sum(o.reproduced for o in outcomes) / len(outcomes)


def test_corpus_title_first_and_last_paragraphs(corpus_outcomes: list[Outcome]) -> None:
    strict = [o for o in corpus_outcomes if field_kind(o.field) != "content[i]"]
    assert len(strict) >= 100
    misses = [f"{o.file} {o.field}" for o in strict if not o.reproduced]
    assert _rate(strict) >= 0.95, misses


@pytest.mark.parametrize("field", ["title", "content[0]", "content.last"])
def test_corpus_rate_per_field(corpus_outcomes: list[Outcome], field: str) -> None:
    outcomes = [o for o in corpus_outcomes if o.field == field]
    assert outcomes
    assert _rate(outcomes) >= 0.9


def test_corpus_every_site_mostly_reproduced(corpus_outcomes: list[Outcome]) -> None:
    by_site: dict[str, list[Outcome]] = {}
    for outcome in corpus_outcomes:
        if field_kind(outcome.field) != "content[i]":
            by_site.setdefault(outcome.site, []).append(outcome)
    assert len(by_site) == 7
    for site, outcomes in by_site.items():
        assert _rate(outcomes) >= 0.9, site


def test_corpus_middle_paragraphs_soft(corpus_outcomes: list[Outcome]) -> None:
    """content[i] for i > 0 depends on the old parsers' paragraph split: a softer floor."""
    middle = [o for o in corpus_outcomes if field_kind(o.field) == "content[i]"]
    assert len(middle) >= 40
    assert _rate(middle) >= 0.8


def test_corpus_pages_all_match_a_known_layout() -> None:
    expected_file = SITES / "expected.json"
    if not expected_file.exists():
        pytest.skip(f"outlet corpus not found at {SITES}")
    entries: list[dict[str, Any]] = json.loads(expected_file.read_text(encoding="utf-8"))
    layouts: Counter[str] = Counter()
    for entry in entries:
        adapter = adapter_for(entry["url"])
        assert adapter is not None
        html = decode_html(gzip.decompress((SITES / entry["file"]).read_bytes()))
        assert adapter.markers_matched(html), entry["file"]
        layouts[adapter.name] += 1
    assert set(layouts) == {
        "bbc",
        "guardian",
        "independent",
        "nytimes",
        "washingtonpost",
        "rt",
        "intercept",
    }


# ---------------------------------------------------------------- registry and URLs

SAMPLE_URLS: dict[str, tuple[str, ...]] = {
    "bbc": (
        "http://news.bbc.co.uk/1/hi/england/10249066.stm",
        "https://www.bbc.co.uk/news/articles/cden3j9d1r7o",
        "https://www.bbc.com/news/world-europe-50473792",
    ),
    "guardian": (
        "https://www.theguardian.com/politics/2019/nov/03/some-story",
        "http://www.guardian.co.uk/business/2012/jan/27/some-story",
    ),
    "independent": ("https://www.independent.co.uk/news/uk/politics/story-a6693486.html",),
    "nytimes": ("https://www.nytimes.com/2020/07/29/us/story.html",),
    "washingtonpost": ("https://www.washingtonpost.com/politics/2019/11/01/story/",),
    "rt": ("https://www.rt.com/news/564427-story/",),
    "intercept": (
        "https://theintercept.com/2015/10/26/story/",
        "https://firstlook.org/theintercept/2014/10/22/story/",
    ),
    "reuters": ("https://www.reuters.com/world/europe/story-2023-12-24/",),
    "apnews": (
        "https://apnews.com/article/story-0ac37b0b",
        "https://hosted.ap.org/paper/article/6486944b/story",
    ),
    "bloomberg": ("https://www.bloomberg.com/news/articles/2023-12-22/story",),
    "cnn": ("https://www.cnn.com/2019/11/18/politics/story/index.html", "http://edition.cnn.com/x"),
    "foxnews": ("https://www.foxnews.com/us/story", "https://www.foxbusiness.com/economy/story"),
    "politico": (
        "https://www.politico.com/news/2023/12/22/story-001",
        "https://www.politico.eu/a/",
    ),
    "npr": ("https://www.npr.org/2023/12/22/1198908957/story",),
    "latimes": ("https://www.latimes.com/california/story/2023-12-23/story",),
    "usatoday": ("https://eu.usatoday.com/story/news/nation/2023/12/22/story/72003693007/",),
    "nbcnews": ("https://www.nbcnews.com/news/world/story-n1086531",),
    "abcnews": ("https://abcnews.go.com/Business/wireStory/story-105726154",),
    "cbsnews": ("https://www.cbsnews.com/news/story/",),
    "cnbc": ("https://www.cnbc.com/2023/12/22/story.html",),
    "nypost": ("https://nypost.com/2023/12/23/news/story/",),
    "thehill": ("https://thehill.com/homenews/campaign/4373704-story/",),
    "aljazeera": ("https://www.aljazeera.com/news/2023/12/22/story",),
    "cbc": ("https://www.cbc.ca/news/politics/story-1.7065052",),
    "telegraph": ("https://www.telegraph.co.uk/news/2019/11/19/story/",),
    "dailymail": ("https://www.dailymail.co.uk/news/article-12889607/story.html",),
    "skynews": ("https://news.sky.com/story/story-13025749",),
}

UNCLAIMED_URLS = (
    "https://example.com/news/story",
    "https://www.bbc.co.uk/sport/football/67790732",  # BBC Sport is not BBC News
    "https://notcnn.com/2019/story",
    "https://www.theguardian.com.evil.example/politics/story",
    "https://art.com/rt/story",
)


def test_site_adapters_is_the_registry() -> None:
    assert SITE_ADAPTERS == ADAPTERS
    assert len(ADAPTERS) >= 22  # News Sniffer's seven and at least fifteen more


def test_adapter_names_unique_and_versions_positive() -> None:
    names = [adapter.name for adapter in SITE_ADAPTERS]
    assert len(names) == len(set(names))
    assert all(adapter.version >= 1 for adapter in SITE_ADAPTERS)
    assert set(names) == set(SAMPLE_URLS)


def test_layout_names_unique_within_each_adapter() -> None:
    for adapter in ADAPTERS:
        layout_names = [layout.name for layout in adapter.layouts]
        assert layout_names and len(layout_names) == len(set(layout_names)), adapter.name


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_every_rule_compiles(adapter: SiteAdapter) -> None:
    for layout in adapter.layouts:
        xpaths = (
            layout.marker,
            layout.paragraphs,
            *layout.body,
            *layout.title,
            *layout.drop,
            *layout.byline,
            *layout.published,
        )
        for xpath in xpaths:
            etree.XPath(xpath)  # raises XPathSyntaxError on a typo
        assert len(layout.drop_patterns) >= len(layout.drop_text)


@pytest.mark.parametrize("name", sorted(SAMPLE_URLS))
def test_adapter_matches_its_hosts_and_only_those(name: str) -> None:
    for url in SAMPLE_URLS[name]:
        claimed = [adapter.name for adapter in SITE_ADAPTERS if adapter.matches(url)]
        assert claimed == [name], url


@pytest.mark.parametrize("url", UNCLAIMED_URLS)
def test_other_urls_are_not_claimed(url: str) -> None:
    assert adapter_for(url) is None
    assert not any(adapter.matches(url) for adapter in SITE_ADAPTERS)


# ---------------------------------------------------------------- synthetic pages

TITLE = "Harbour town votes to keep its lighthouse lamp lit"
P1 = "Residents of the fictional town of Porthwenna voted on Tuesday to keep the old lamp burning."
P2 = "The council said the vote, by 412 to 97, settled a dispute that had run for three years."
P3 = "What happens next"


def _html(body: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE} | Somewhere</title>{head}</head><body>{body}"
        "<footer><p>Copyright notice</p></footer></body></html>"
    )


# name -> (url, page body). Each page holds furniture the adapter must leave out.
SYNTHETIC: dict[str, tuple[str, str]] = {
    "reuters": (
        "https://www.reuters.com/world/story-2024-01-01/",
        f"""<h1 data-testid="Heading">{TITLE}</h1>
        <div class="article-body__content__17Yit">
          <div data-testid="paragraph-0">{P1}</div>
          <figure><figcaption>A lighthouse at dusk. REUTERS/Staff</figcaption></figure>
          <div data-testid="paragraph-1">{P2}</div>
          <div class="sign-off">Reporting by A. Writer; Editing by B. Editor</div>
        </div>""",
    ),
    "apnews": (
        "https://apnews.com/article/lighthouse-0123",
        f"""<h1 class="Page-headline">{TITLE}</h1>
        <div class="RichTextStoryBody RichTextBody"><p>{P1}</p>
          <div class="Advertisement"><p>Advertisement</p></div><p>{P2}</p></div>""",
    ),
    "bloomberg": (
        "https://www.bloomberg.com/news/articles/2024-01-01/lighthouse",
        f"""<h1>{TITLE}</h1><div class="body-content">
          <p data-component="paragraph">{P1}</p>
          <div class="inline-newsletter"><p>Sign up for the Evening Briefing.</p></div>
          <p data-component="paragraph">{P2}</p></div>""",
    ),
    "cnn": (
        "https://edition.cnn.com/2024/01/01/world/lighthouse/index.html",
        f"""<h1 class="headline__text">{TITLE}</h1><div class="article__content">
          <p class="paragraph inline-placeholder">{P1}</p>
          <div class="related-content"><p class="paragraph">Related: lamps</p></div>
          <p class="paragraph inline-placeholder">{P2}</p></div>""",
    ),
    "foxnews": (
        "https://www.foxnews.com/world/lighthouse",
        f"""<h1 class="headline">{TITLE}</h1><div class="article-body"><p>{P1}</p>
          <p><strong><a href="/apps">CLICK HERE TO GET THE FOX NEWS APP</a></strong></p>
          <p>{P2}</p></div>""",
    ),
    "politico": (
        "https://www.politico.com/news/2024/01/01/lighthouse-001",
        f"""<header><h1><img alt="POLITICO"/>POLITICO</h1></header>
        <h2 class="headline">{TITLE}</h2><div class="story-text">
          <p class="story-text__paragraph">{P1}</p><p class="story-text__paragraph">{P2}</p>
        </div>""",
    ),
    "npr": (
        "https://www.npr.org/2024/01/01/1234/lighthouse",
        f"""<div class="storytitle"><h1>{TITLE}</h1></div><div id="storytext">
          <div class="bucketwrap image"><p>The lamp room. Photo: Staff/NPR</p></div>
          <p>{P1}</p><p>{P2}</p></div>""",
    ),
    "latimes": (
        "https://www.latimes.com/california/story/2024-01-01/lighthouse",
        f"""<h1 class="headline">{TITLE}</h1><article class="story">
          <div class="rich-text-article-body-content rich-text-children"><p>{P1}</p>
          <div class="enhancement"><p>Get our newsletter.</p></div><p>{P2}</p></div>
        </article>""",
    ),
    "usatoday": (
        "https://www.usatoday.com/story/news/2024/01/01/lighthouse/1234/",
        f"""<h1>{TITLE}</h1><article class="story primary-content text"><p>{P1}</p>
          <aside><p>Related: more lamps</p></aside><p>{P2}</p><h3>{P3}</h3></article>""",
    ),
    "nbcnews": (
        "https://www.nbcnews.com/news/world/lighthouse-rcna1234",
        f"""<h1>{TITLE}</h1><div class="article-body__content"><p>{P1}</p>
          <div class="ad-container"><p>Advertisement</p></div><p>{P2}</p></div>""",
    ),
    "abcnews": (
        "https://abcnews.go.com/International/lighthouse/story?id=1234",
        f"""<h1>{TITLE}</h1><div data-testid="prism-article-body"><p>{P1}</p>
          <div data-testid="prism-inline-related"><p>Related story</p></div><p>{P2}</p></div>""",
    ),
    "cbsnews": (
        "https://www.cbsnews.com/news/lighthouse/",
        f"""<article class="content content-article"><h1 class="content__title">{TITLE}</h1>
          <section class="content__body"><p>{P1}</p>
          <figure><figcaption>The lamp. CBS News</figcaption></figure><p>{P2}</p></section>
        </article>""",
    ),
    "cnbc": (
        "https://www.cnbc.com/2024/01/01/lighthouse.html",
        f"""<h1 class="ArticleHeader-headline">{TITLE}</h1><div data-module="ArticleBody">
          <div class="group"><p>{P1}</p><p>{P2}</p></div>
          <div class="InlineVideo-container"><p>Watch: the lamp is lit</p></div></div>""",
    ),
    "nypost": (
        "https://nypost.com/2024/01/01/news/lighthouse/",
        f"""<h1>{TITLE}</h1><div class="single__content entry-content"><p>{P1}</p>
          <div class="inline-module"><p>Read next: lamps</p></div><p>{P2}</p></div>""",
    ),
    "thehill": (
        "https://thehill.com/policy/4000000-lighthouse/",
        f"""<h1 class="page-title">{TITLE}</h1><div class="article__text | body-copy">
          <p>{P1}</p><div class="ad-unit"><p>Advertisement</p></div><p>{P2}</p></div>""",
    ),
    "aljazeera": (
        "https://www.aljazeera.com/news/2024/1/1/lighthouse",
        f"""<main><header><h1>{TITLE}</h1></header>
          <div class="wysiwyg wysiwyg--all-content"><p>{P1}</p>
          <div class="more-on"><p>More on lamps</p></div><p>{P2}</p></div></main>""",
    ),
    "cbc": (
        "https://www.cbc.ca/news/world/lighthouse-1.7000000",
        f"""<h1 class="detailHeadline">{TITLE}</h1><div id="detailContent">
          <div class="story"><p>{P1}</p><div class="similarNewsList"><p>Similar</p></div>
          <p>{P2}</p></div></div>""",
    ),
    "telegraph": (
        "https://www.telegraph.co.uk/news/2024/01/01/lighthouse/",
        f"""<h1 class="headline__heading">{TITLE}</h1><div class="articleBodyText">
          <div class="component-content"><p>{P1}</p><p>{P2}</p></div>
          <div class="related-article"><p>Related article</p></div></div>""",
    ),
    "dailymail": (
        "https://www.dailymail.co.uk/news/article-1234/lighthouse.html",
        f"""<div id="js-article-text"><h2>{TITLE}</h2><div itemprop="articleBody">
          <p class="mol-para-with-font">{P1}</p>
          <div class="artSplitter mol-img-group"><p class="imageCaption">The lamp</p></div>
          <p class="mol-para-with-font">{P2}</p></div></div>""",
    ),
    "skynews": (
        "https://news.sky.com/story/lighthouse-13000000",
        f"""<h1 class="sdc-article-header__title">{TITLE}</h1><div class="sdc-article-body">
          <p>{P1}</p><p>Read more: Lamps across the country</p>
          <div class="sdc-article-widget"><p>Widget text</p></div><p>{P2}</p></div>""",
    ),
    "independent": (
        "https://www.independent.co.uk/news/world/lighthouse-b1234.html",
        f"""<header><h1>{TITLE}</h1></header><div id="main"><p>{P1}</p>
          <div class="inline-pipes-list"><p>Read more</p></div><p>{P2}</p></div>""",
    ),
}


def _expected_paragraphs(name: str) -> tuple[str, ...]:
    return (P1, P2, P3) if name == "usatoday" else (P1, P2)


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_page(name: str) -> None:
    url, body = SYNTHETIC[name]
    adapter = adapter_for(url)
    assert adapter is not None and adapter.name == name
    html = _html(body)
    assert adapter.markers_matched(html)
    page = adapter.extract(html, url)
    assert page is not None
    assert page.title == TITLE
    assert page.paragraphs == _expected_paragraphs(name)
    assert page.extractor == f"{name}@{adapter.version}"
    assert page.language == "en"


def test_every_adapter_without_corpus_pages_has_a_synthetic_page() -> None:
    corpus_sites = {"bbc", "guardian", "nytimes", "washingtonpost", "rt", "intercept"}
    assert {a.name for a in ADAPTERS} - corpus_sites <= set(SYNTHETIC)


REDESIGNED = _html(
    f"<main><div class='x9f-Body'><h1>{TITLE}</h1><p>{P1}</p><p>{P2}</p></div></main>"
)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
def test_unknown_layout_is_left_to_the_generic_extractor(adapter: SiteAdapter) -> None:
    assert not adapter.markers_matched(REDESIGNED)
    assert adapter.extract(REDESIGNED, SAMPLE_URLS[adapter.name][0]) is None


def test_json_ld_article_body_when_the_container_is_empty() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "'
        + TITLE
        + '", "articleBody": "'
        + P1
        + "\\n\\n"
        + P2
        + '", "datePublished": "2024-01-01T10:00:00Z", "author": {"name": "A. Writer"}}'
        "</script>"
    )
    html = _html('<div class="body-content"></div>', head=head)
    page = adapter_for("https://www.bloomberg.com/news/articles/x").extract(  # type: ignore[union-attr]
        html, "https://www.bloomberg.com/news/articles/x"
    )
    assert page is not None
    assert page.paragraphs == (P1, P2)
    assert page.title == TITLE  # no <h1>: the JSON-LD headline
    assert page.byline == "A. Writer"
    assert page.published is not None and page.published.year == 2024


# ---------------------------------------------------------------- engine details

_TOY = SiteAdapter(
    name="toy",
    version=3,
    title_name="Toy Times",
    url_patterns=(r"toy\.example/news/",),
    site_names=("Toy Times",),
    layouts=(
        LayoutRules(
            name="blocks",
            marker="//div[@id='story']",
            title=("//h1", "//title"),
            body=("//div[@id='story']",),
            drop=("//div[@class='promo']",),
            drop_text=(r"^Follow us on",),
            byline=("//span[@class='by']",),
            published=("//meta[@name='OriginalPublicationDate']/@content",),
        ),
        LayoutRules(
            name="table",
            marker="//comment()[contains(., 'S BO')]",
            title=("//title",),
            body=("//comment()[contains(., 'S BO')]/parent::*",),
            paragraphs=".//p",
            loose_text=True,
        ),
    ),
)


def _toy(html: str) -> ExtractedPage | None:
    return _TOY.extract(html, "http://toy.example/news/1")


def test_engine_keeps_innermost_paragraphs_in_document_order() -> None:
    html = _html(
        f"""<h1>{TITLE}</h1><div id="story"><span class="by">By A. Writer</span>
        <p>{P1}</p><blockquote><p>Quoted line one.</p><p>Quoted line two.</p></blockquote>
        <h2>{P3}</h2><ul><li>First point</li><li>Second<br>point</li></ul>
        <div class="promo"><p>Buy a lamp</p></div><p>Follow us on the wireless</p><p>{P2}</p>
        </div>""",
        head='<meta name="OriginalPublicationDate" content="2009/04/22 08:56:51"/>',
    )
    page = _toy(html)
    assert page is not None
    assert page.paragraphs == (
        P1,
        "Quoted line one.",
        "Quoted line two.",
        P3,
        "First point",
        "Second point",
        P2,
    )
    assert page.byline == "By A. Writer"
    assert page.extractor == "toy@3"
    assert page.published is not None and page.published.isoformat() == "2009-04-22T08:56:51+00:00"


def test_engine_loose_text_between_unclosed_paragraph_tags() -> None:
    html = (
        f"<html><head><title>{TITLE} - Toy Times</title></head><body><table><tr><td>"
        f"<font><!-- S BO --><b>{P1}</b>\n<P>\n{P2}\n<P>\nLast words.<!-- E BO --></font>"
        "</td></tr></table></body></html>"
    )
    page = _toy(html)
    assert page is not None
    assert page.title == TITLE  # the outlet's own name is stripped from <title>
    assert page.paragraphs == (P1, P2, "Last words.")


def test_engine_no_known_layout_and_unusable_input() -> None:
    assert _toy(_html(f"<p>{P1}</p>")) is None
    assert _toy("") is None
    assert _toy("   ") is None
    assert not _TOY.markers_matched("")
    assert _TOY.matches("https://www.toy.example/news/2")
    assert not _TOY.matches("https://toy.example/sport/2")


def test_adapter_markers_state_for_the_anomaly_check() -> None:
    url = "https://www.cbc.ca/news/world/lighthouse-1.7000000"
    good = _html(SYNTHETIC["cbc"][1])
    assert adapter_markers_state(url, good, "cbc@1") is True
    assert adapter_markers_state(url, REDESIGNED, "cbc@1") is False
    assert adapter_markers_state(url, REDESIGNED, "generic@1") is None  # history not ours
    assert adapter_markers_state(url, REDESIGNED, None) is None  # no history
    assert adapter_markers_state("https://example.com/a", good, "cbc@1") is None


def test_field_value_reads_indexes_and_last() -> None:
    page = ExtractedPage(title="T", paragraphs=("a", "b", "c"), extractor="x@1")
    assert field_value(page, "title") == "T"
    assert field_value(page, "content[1]") == "b"
    assert field_value(page, "content.last") == "c"
    assert field_value(page, "content[9]") is None
    assert field_value(None, "title") is None
    assert reproduces(page, "content[0]", " a ")
    assert reproduces(
        ExtractedPage(title="", paragraphs=("Bold start.",), extractor="x@1"),
        "content[0]",
        "<B>Bold start.</B>",
    )


# ---------------------------------------------------------------- versions across redesigns

VERSIONS = CORPUS / "versions"
PAIR_OUTLET_URLS = {
    "bbc": "https://www.bbc.co.uk/news/world-us-canada-32275608",
    "nyt": "https://www.nytimes.com/2014/01/12/world/europe/story.html",
    "wapo": "https://www.washingtonpost.com/world/story.html",
    "guardian": "https://www.theguardian.com/business/2012/jan/27/story",
}


def _normalised(page: ExtractedPage | None) -> tuple[str, ...]:
    assert page is not None
    return tuple(" ".join(text.split()) for text in (page.title, *page.paragraphs))


def test_same_text_across_template_changes_and_different_after_edits() -> None:
    """Pairs of captures of one article: template-only changes must extract identically."""
    pairs_file = VERSIONS / "pairs.json"
    if not pairs_file.exists():
        pytest.skip(f"versions corpus not found at {VERSIONS}")
    checked: Counter[str] = Counter()
    for pair in json.loads(pairs_file.read_text(encoding="utf-8")):
        url = PAIR_OUTLET_URLS.get(pair["pair"].split("-")[0])
        if url is None:
            continue  # an outlet without an adapter
        adapter = adapter_for(url)
        assert adapter is not None
        a, b = (
            adapter.extract(decode_html(gzip.decompress((VERSIONS / f).read_bytes())), url)
            for f in (pair["a"], pair["b"])
        )
        same = _normalised(a) == _normalised(b)
        assert same == (pair["expected"] != "edit"), pair["pair"]
        checked[pair["expected"]] += 1
    assert checked["no-change"] >= 4 and checked["edit"] >= 2


def test_the_extraction_chain_tries_adapters_first_then_generic() -> None:
    from newsdiffs.extraction import extract

    url = "https://www.cbc.ca/news/world/lighthouse-1.7000000"
    assert extract(_html(SYNTHETIC["cbc"][1]), url).extractor == "cbc@2"
    assert extract(REDESIGNED, url).extractor.startswith("generic@")
