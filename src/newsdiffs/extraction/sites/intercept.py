"""The Intercept (theintercept.com, earlier firstlook.org/theintercept)."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_FURNITURE = (
    "//figure",
    "//aside",
    "//*[contains(@class, 'share')]",
    "//*[contains(@class, 'newsletter')]",
    "//*[contains(@class, 'PostContent-newsletter')]",
)

_WORDPRESS_2020 = LayoutRules(
    name="2020-entry-content",
    marker="//*[contains(@class, 'entry-content')]",
    title=("//h1", "//meta[@property='og:title']/@content"),
    body=("//*[contains(@class, 'entry-content')]",),
    drop=_FURNITURE,
    byline=("//*[contains(@class, 'post__byline')]//a", "//a[@rel='author']"),
)

_POST_CONTENT_2015 = LayoutRules(
    name="2015-post-content",
    marker="//div[contains(@class, 'PostContent')]",
    # Features show a display title in <h1>; the headline proper is og:title.
    title=("//meta[@property='og:title']/@content", "//h1"),
    body=("//div[contains(@class, 'PostContent')]",),
    drop=_FURNITURE,
    byline=("//*[contains(@class, 'PostByline-link')]",),
)

_FIRSTLOOK_2014 = LayoutRules(
    name="2014-firstlook",
    marker="//article[contains(@class, 'ti-article')]",
    title=("//article//h1", "//meta[@property='og:title']/@content", "//title"),
    body=("//article[contains(@class, 'ti-article')]//div[contains(@class, 'ti-body')]",),
    drop=_FURNITURE,
    byline=("//*[contains(@class, 'ti-byline')]//a",),
)

THE_INTERCEPT = SiteAdapter(
    name="intercept",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Intercept",
    url_patterns=(r"theintercept\.com/", r"firstlook\.org/theintercept/"),
    layouts=(_WORDPRESS_2020, _POST_CONTENT_2015, _FIRSTLOOK_2014),
    site_names=("The Intercept",),
)
