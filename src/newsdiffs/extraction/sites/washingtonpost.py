"""The Washington Post (washingtonpost.com), 2014 WordPress-era pages to the 2024 design."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_FURNITURE = (
    "//figure",
    "//aside",
    "//*[contains(@class, 'inline-content')]",
    "//*[contains(@class, 'interstitial-link')]",
    "//*[contains(@class, 'pb-caption')]",
    "//*[@data-qa='subscribe-promo']",
    "//*[contains(@class, 'hide-for-print')][.//a][not(.//p)]",
    "//p[contains(@class, 'pin-and-stack')]",
)
_BYLINE = (
    "//*[contains(@class, 'pb-byline')]//*[@itemprop='name']",
    "//*[@data-testid='author-name']",
    "//*[@data-qa='author-name']",
    "//*[contains(@class, 'author-name')]",
    "//*[@itemprop='author']//*[@itemprop='name']",
)
_ARTICLE_BODY_CLASS = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]"

# 2019-2024: <div class="article-body"> blocks (a teaser block first for subscribers).
_ARTICLE_BODY_DIV = LayoutRules(
    name="2019-article-body",
    marker=_ARTICLE_BODY_CLASS + "//p",
    title=(
        "//h1//*[@data-qa='headline-opinion-text']",  # without the "Opinion" prefix
        "//h1[@data-testid='headline']",
        "//h1[@data-qa='headline']",
        "//h1",
    ),
    body=(_ARTICLE_BODY_CLASS,),
    paragraphs=".//p | .//h2 | .//h3 | .//li",
    drop=_FURNITURE,
    byline=_BYLINE,
)

# 2015-2018 PageBuilder: <div id="article-body"><article itemprop="articleBody">.
_PAGEBUILDER = LayoutRules(
    name="2015-pagebuilder",
    marker="//*[@id='article-body']//article",
    title=("//*[@id='article-topper']//h1", "//h1[@itemprop='headline']", "//h1"),
    body=("//*[@id='article-body']//article",),
    paragraphs=".//p | .//h2 | .//h3 | .//div[contains(@class, 'subhead')]",
    drop=_FURNITURE,
    byline=_BYLINE,
)

_WORDPRESS_2014 = LayoutRules(
    name="2014-article-body-entry",
    marker="//div[contains(@class, 'article_body')]",
    title=("//h1//*[contains(@class, 'entry-title')]", "//h1", "//title"),
    body=(
        "//div[contains(@class, 'article_body')]//article",
        "//div[contains(@class, 'article_body')]",
    ),
    paragraphs=".//p | .//h2 | .//h3",
    drop=_FURNITURE,
    byline=_BYLINE,
)

WASHINGTON_POST = SiteAdapter(
    name="washingtonpost",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Washington Post",
    url_patterns=(r"washingtonpost\.com/",),
    layouts=(_PAGEBUILDER, _ARTICLE_BODY_DIV, _WORDPRESS_2014),
    site_names=("The Washington Post", "Washington Post"),
)
