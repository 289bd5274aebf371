"""The Guardian (guardian.co.uk, theguardian.com), 2011 blocks to the 2022 rendering tier."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_FURNITURE = (
    "//figure",
    "//aside",
    "//*[contains(@class, 'element-rich-link')]",
    "//*[contains(@class, 'element-image')]",
    "//*[contains(@class, 'element-embed')]",
    "//*[contains(@class, 'submeta')]",
    "//*[contains(@class, 'ad-slot')]",
    "//*[@data-gu-name='ad']",
)
_BYLINE = (
    "//*[@rel='author']",
    "//*[@data-link-name='byline']//a",
    "//*[contains(@class, 'byline')]//a",
)

# 2020s "dotcom rendering": standfirst block then the commercial body selector.
_DCR = LayoutRules(
    name="2020-dcr",
    marker="//*[contains(@class, 'article-body-commercial-selector')]",
    title=("//h1", "//meta[@property='og:title']/@content"),
    body=(
        "//*[@data-gu-name='standfirst'] | "
        "//*[contains(@class, 'article-body-commercial-selector')]",
    ),
    # Standfirst bullets that are nothing but a link are related-content promos.
    drop=(
        *_FURNITURE,
        "//*[@data-gu-name='standfirst']//li[a][normalize-space(.)=normalize-space(a)]",
        # Bulleted end notes: a column's standing footer, comment moderation notices.
        "//p[span[@data-dcr-style='bullet']]",
    ),
    byline=_BYLINE,
)

# 2017-2020 frontend: the standfirst sits with the headline and counts as the first paragraph.
_FRONTEND_WITH_STANDFIRST = LayoutRules(
    name="2017-frontend-standfirst",
    marker="//*[contains(@class, 'content__headline-standfirst-wrapper')]",
    title=("//h1[@itemprop='headline']", "//h1"),
    body=(
        "//*[contains(@class, 'content__headline-standfirst-wrapper')]"
        "//*[contains(@class, 'content__standfirst')] | "
        "//*[contains(@class, 'content__article-body')]",
    ),
    drop=_FURNITURE,
    byline=_BYLINE,
)

_FRONTEND = LayoutRules(
    name="2014-frontend",
    marker="//*[contains(@class, 'content__article-body')]",
    title=("//h1[contains(@itemprop, 'headline')]", "//h1"),
    body=("//*[contains(@class, 'content__article-body')]",),
    drop=_FURNITURE,
    byline=_BYLINE,
)

_BODY_BLOCKS = LayoutRules(
    name="2009-article-body-blocks",
    marker="//div[@id='article-body-blocks']",
    title=("//div[@id='main-article-info']//h1", "//meta[@property='og:title']/@content"),
    body=("//div[@id='article-body-blocks']",),
    paragraphs=".//p | .//h2 | .//h3 | .//li | .//blockquote",
    drop=_FURNITURE,
    byline=_BYLINE,
)

GUARDIAN = SiteAdapter(
    name="guardian",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Guardian",
    url_patterns=(r"(theguardian\.com|guardian\.co\.uk)/",),
    layouts=(_DCR, _FRONTEND_WITH_STANDFIRST, _FRONTEND, _BODY_BLOCKS),
    site_names=("The Guardian", "the Guardian"),
)
