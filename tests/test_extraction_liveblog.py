"""Live blogs are recognised: schema.org LiveBlogPosting, live-page URLs, stacks of posts.

Synthetic pages only. False positives are worse than misses: articles whose URL mentions
"live", dated teaser lists and comment threads must not be flagged.
"""

from __future__ import annotations

import json

import pytest

from newsdiffs.extraction import extract
from newsdiffs.extraction.liveblog import is_live_url
from newsdiffs.extraction.sites import adapter_for

TITLE = "Storm Elin: harbour wall breached as gales batter the coast"
PARAGRAPHS = (
    "Gales of up to ninety miles an hour battered the fictional coast of Porthwenna overnight, "
    "breaching the old harbour wall in two places and flooding the quayside shops.",
    "The harbour board said engineers would inspect the wall at first light, and asked boat "
    "owners to stay away from the quay until the tide had turned in the afternoon.",
    "Residents of the lower town were moved to the school hall, where volunteers served soup "
    "and tea through the night while the wind tore slates from the chapel roof.",
)
ARTICLE_URL = "https://news.example/2024/01/02/storm-elin-harbour-wall"


def _page(body: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE}</title>{head}</head><body><main><article><h1>{TITLE}</h1>"
        f"{body}</article></main></body></html>"
    )


ARTICLE = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def _post(n: int) -> str:
    return (
        f"<div class='post'><time datetime='2024-01-02T0{n}:00:00Z'>0{n}:00</time>"
        f"<h2>Update {n}</h2><p>{PARAGRAPHS[n % 3]} Update number {n} from the quay.</p></div>"
    )


def _json_ld(kind: str) -> str:
    data = {"@context": "https://schema.org", "@type": kind, "headline": TITLE}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_an_article_is_not_a_live_blog() -> None:
    page = extract(_page(ARTICLE, _json_ld("NewsArticle")), ARTICLE_URL)
    assert page.paragraphs and not page.is_live_blog


def test_json_ld_live_blog_posting() -> None:
    assert extract(_page(ARTICLE, _json_ld("LiveBlogPosting")), ARTICLE_URL).is_live_blog


def test_json_ld_live_blog_posting_in_a_graph() -> None:
    graph = {"@graph": [{"@type": "WebPage"}, {"@type": ["LiveBlogPosting"], "headline": TITLE}]}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert extract(_page(ARTICLE, head), ARTICLE_URL).is_live_blog


def test_microdata_live_blog_posting() -> None:
    body = f"<div itemscope itemtype='https://schema.org/LiveBlogPosting'>{ARTICLE}</div>"
    assert extract(_page(body), ARTICLE_URL).is_live_blog


@pytest.mark.parametrize(
    "url",
    [
        "https://www.theguardian.com/world/live/2024/jan/02/storm-elin-latest",
        "https://www.bbc.co.uk/news/live/uk-67890123",
        "https://edition.cnn.com/world/live-news/storm-elin-01-02-24/index.html",
        "https://www.aljazeera.com/news/liveblog/2024/1/2/storm-elin-live",
        "https://www.nbcnews.com/news/world/live-blog/storm-elin-rcna1234",
        "https://www.nytimes.com/live/2024/01/02/world/storm-elin",
        "https://www.washingtonpost.com/weather/2024/01/02/storm-elin-live-updates/",
        "http://www.guardian.co.uk/world/middle-east-live/2011/jun/22/unrest",
    ],
)
def test_live_page_urls(url: str) -> None:
    assert is_live_url(url)
    assert extract(_page(ARTICLE), url).is_live_blog


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE_URL,
        "https://www.livescience.com/most-detailed-universe-simulation.html",
        "https://www.oregonlive.com/advice/2019/11/dear-abby.html",
        "https://www.ign.com/articles/2019/11/18/deals-are-live-including-controllers",
        "https://www.aljazeera.com/news/longform/2023/10/9/war-in-maps-live-tracker",
        "https://news.example/2024/01/02/how-we-live-now",
    ],
)
def test_article_urls_mentioning_live_are_not_live_pages(url: str) -> None:
    assert not is_live_url(url)


def test_a_stack_of_timestamped_posts() -> None:
    body = "".join(_post(n) for n in range(1, 8))
    assert extract(_page(body), ARTICLE_URL).is_live_blog


def test_a_few_posts_are_not_a_stack() -> None:
    body = ARTICLE + "".join(_post(n) for n in range(1, 4))
    assert not extract(_page(body), ARTICLE_URL).is_live_blog


def test_a_list_of_dated_teasers_is_not_a_live_blog() -> None:
    teasers = "".join(
        f"<li><time>2024-01-0{n}</time><a href='/s{n}'>{PARAGRAPHS[n % 3]}</a></li>"
        for n in range(1, 9)
    )
    body = ARTICLE + f"<aside><h2>More stories</h2><ul>{teasers}</ul></aside>"
    assert not extract(_page(body), ARTICLE_URL).is_live_blog


def test_a_comment_thread_is_not_a_live_blog() -> None:
    comments = "".join(_post(n).replace("class='post'", "class='comment'") for n in range(1, 9))
    body = ARTICLE + f"<section id='comments'>{comments}</section>"
    assert not extract(_page(body), ARTICLE_URL).is_live_blog


def test_the_chain_passes_an_adapters_live_blog_to_the_generic_extractor() -> None:
    url = "https://www.nbcnews.com/news/world/storm-elin-rcna1234"
    adapter = adapter_for(url)
    assert adapter is not None
    body = f"<div class='article-body__content'>{ARTICLE}</div>"
    html = _page(body, _json_ld("LiveBlogPosting"))
    own = adapter.extract(html, url)
    assert own is not None and own.is_live_blog
    chained = extract(html, url)
    assert chained.extractor.startswith("generic@") and chained.is_live_blog
