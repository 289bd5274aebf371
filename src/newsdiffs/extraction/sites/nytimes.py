"""The New York Times (nytimes.com), 2012 article bodies to the current React pages."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_FURNITURE = (
    "//figure",
    "//aside",
    "//*[@data-testid='inline-message']",
    "//*[@role='complementary']",
    "//*[@data-testid='photoviewer-wrapper']",
    "//*[@data-testid='brand-bar']",
    "//*[contains(@id, 'story-ad')]",
    "//*[contains(@class, 'ad-wrapper')]",
    "//*[contains(@class, 'bottom-of-article')]",
    "//*[contains(@class, 'story-footer')]",
)
_BYLINE = (
    "//*[@itemprop='author']//*[@itemprop='name']",
    "//*[contains(@class, 'byline-author')]",
    "//p[contains(@class, 'byline')]",
)

_ARTICLE_BODY_SECTION = LayoutRules(
    name="2018-article-body-section",
    marker="//section[@name='articleBody']",
    title=("//h1[@data-testid='headline']", "//h1[@itemprop='headline']", "//article//h1", "//h1"),
    body=("//section[@name='articleBody']",),
    drop=_FURNITURE,
    byline=_BYLINE,
)

# 2018 CSS-modules pages: no articleBody section, only companion-column blocks.
_COMPANION_COLUMNS = LayoutRules(
    name="2018-companion-columns",
    marker="//*[contains(@class, 'StoryBodyCompanionColumn')]",
    title=("//h1[@itemprop='headline']", "//article//h1", "//h1"),
    body=("//*[contains(@class, 'StoryBodyCompanionColumn')]",),
    drop=_FURNITURE,
    byline=_BYLINE,
)

_STORY_BODY_TEXT = LayoutRules(
    name="2014-story-body-text",
    marker="//p[contains(@class, 'story-body-text')]",
    title=("//h1[@itemprop='headline']", "//h1[@id='story-heading']", "//h1"),
    # The paragraphs' parents: a story-body <div> on most pages, the <article> on some.
    body=("//p[contains(@class, 'story-body-text')]/..",),
    paragraphs=(
        ".//p[contains(@class, 'story-body-text')] | .//h2[contains(@class, 'story-heading')]"
    ),
    drop=_FURNITURE,
    byline=_BYLINE,
)

_ARTICLE_BODY_2012 = LayoutRules(
    name="2012-article-body",
    marker="//*[contains(@class, 'articleBody')]",
    title=("//h1[@itemprop='headline']", "//nyt_headline", "//h1"),
    body=("//*[contains(@class, 'articleBody')]",),
    paragraphs=".//p | .//h2 | .//h3 | .//blockquote",
    drop=_FURNITURE,
    byline=_BYLINE,
)

NEW_YORK_TIMES = SiteAdapter(
    name="nytimes",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The New York Times",
    url_patterns=(r"nytimes\.com/",),
    layouts=(_ARTICLE_BODY_SECTION, _COMPANION_COLUMNS, _STORY_BODY_TEXT, _ARTICLE_BODY_2012),
    site_names=("The New York Times", "NYTimes.com"),
)
