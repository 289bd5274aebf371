"""The Independent (independent.co.uk), 2014 story widgets to the current article pages."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_FURNITURE = (
    "//figure",
    "//aside",
    "//*[contains(@class, 'relatedlinkslist')]",
    "//*[contains(@class, 'related')]",
    "//*[contains(@class, 'dnd-widget-wrapper')]",
    "//*[contains(@class, 'inline-pipes-list')]",
    "//*[contains(@class, 'ad-')]",
    "//*[@data-type='ad']",
)

# Current pages: <div id="main"> with the paragraphs, headline in the header.
_MAIN_2020 = LayoutRules(
    name="2020-main",
    marker="//div[@id='main'][.//p] | //*[@data-testid='article-body']",
    title=("//h1", "//meta[@property='og:title']/@content"),
    body=("//*[@data-testid='article-body']", "//div[@id='main']"),
    drop=(*_FURNITURE, "//*[contains(@class, 'newsletter')]"),
    byline=("//*[contains(@class, 'author-name')]", "//a[@rel='author']"),
)

_ARTICLE_BODY_2015 = LayoutRules(
    name="2015-text-wrapper",
    marker="//*[contains(@class, 'text-wrapper')][@itemprop='articleBody']",
    title=("//h1[@itemprop='headline']", "//h1"),
    body=("//*[contains(@class, 'text-wrapper')][@itemprop='articleBody']",),
    paragraphs=".//p | .//h2[not(contains(@class, 'box-title'))] | .//h3 | .//blockquote",
    drop=_FURNITURE,
    byline=("//*[@itemprop='author']//*[@itemprop='name']", "//*[@rel='author']"),
)

_STORY_CONTENT_2014 = LayoutRules(
    name="2014-story-content",
    marker="//div[contains(@class, 'storyContent')]",
    title=("//div[contains(@class, 'storyContent')]//h1", "//h1"),
    body=(
        "//div[contains(@class, 'storyContent')]/*[contains(@class, 'storyTop')] | "
        "//div[contains(@class, 'storyContent')]/div[contains(@class, 'body')]",
    ),
    paragraphs=".//p | .//h2 | .//h3 | .//blockquote",
    drop=_FURNITURE,
    byline=("//*[contains(@class, 'authorName')]", "//*[@rel='author']"),
)

INDEPENDENT = SiteAdapter(
    name="independent",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Independent",
    url_patterns=(r"independent\.co\.uk/",),
    # 2014 pages also have a <div id="main">: the loose 2020 marker is tried last.
    layouts=(_ARTICLE_BODY_2015, _STORY_CONTENT_2014, _MAIN_2020),
    site_names=("The Independent",),
)
