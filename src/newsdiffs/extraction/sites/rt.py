"""RT (rt.com): summary paragraph then the article text."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_ARTICLE = LayoutRules(
    name="2016-article",
    marker="//div[contains(@class, 'article__text')]",
    title=("//h1[contains(@class, 'article__heading')]", "//h1"),
    body=(
        "//div[contains(@class, 'article__summary')] | //div[contains(@class, 'article__text')]",
    ),
    # A summary is a bare <div>: take it whole, and the paragraphs of the text.
    paragraphs=". | .//p | .//h2 | .//h3 | .//li | .//blockquote",
    drop=(
        "//figure",
        "//*[contains(@class, 'media__')]",
        "//*[contains(@class, 'read-more')]",
        "//*[contains(@class, 'Read-more')]",
        "//*[contains(@class, 'follow-rt')]",
        "//*[contains(@class, 'article__cover')]",
        "//*[contains(@class, 'article__share')]",
        "//*[contains(@class, 'tags-trends')]",
    ),
    drop_text=(r"^READ MORE:",),
    byline=("//*[contains(@class, 'article__author')]",),
)

RT = SiteAdapter(
    name="rt",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="RT",
    url_patterns=(r"rt\.com/", r"(de|francais|actualidad|arabic)\.rt\.com/"),
    layouts=(_ARTICLE,),
    site_names=("RT", "RT World News"),
)
