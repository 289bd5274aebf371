"""British, Canadian and international outlets beyond News Sniffer's original set."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import (
    COMMON_FURNITURE,
    LayoutRules,
    SiteAdapter,
    on_host,
)

AL_JAZEERA = SiteAdapter(
    name="aljazeera",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Al Jazeera",
    url_patterns=(on_host("aljazeera.com"),),
    layouts=(
        LayoutRules(
            name="2021-wysiwyg",
            marker="//main//*[contains(@class, 'wysiwyg')]",
            title=("//main//h1", "//h1"),
            body=(
                "//main//*[contains(@class, 'article__subhead')] | "
                "//main//*[contains(@class, 'wysiwyg')]",
            ),
            paragraphs=". | .//p | .//h2 | .//h3 | .//li | .//blockquote",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'more-on')]",
                "//*[contains(@class, 'article-related')]",
                "//*[contains(@class, 'ad-container')]",
            ),
            byline=("//*[contains(@class, 'author-link')]",),
        ),
        LayoutRules(
            name="2018-article-p-wrapper",
            marker="//*[contains(@class, 'article-p-wrapper')]",
            title=("//h1[contains(@class, 'post-title')]", "//h1"),
            body=("//*[contains(@class, 'article-p-wrapper')]",),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'article-body-adv')]"),
            byline=("//*[contains(@class, 'article-heading-author-name')]",),
        ),
    ),
    site_names=("Al Jazeera", "Al Jazeera English"),
)

CBC = SiteAdapter(
    name="cbc",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="CBC News",
    url_patterns=(on_host("cbc.ca"),),
    layouts=(
        LayoutRules(
            name="2018-detail-story",
            marker="//*[@id='detailContent']//div[contains(@class, 'story')]",
            title=("//h1[contains(@class, 'detailHeadline')]", "//h1"),
            # The deck (standfirst) first, then the story.
            body=(
                "//h2[contains(@class, 'deck')] | "
                "//*[@id='detailContent']//div[contains(@class, 'story')]",
            ),
            paragraphs=". | .//p | .//h2 | .//h3 | .//blockquote",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'similarNewsList')]",
                "//*[contains(@class, 'embed')]",
                "//*[contains(@class, 'placeholder')]",
            ),
            byline=("//*[contains(@class, 'bylineDetails')]//*[contains(@class, 'authorText')]",),
        ),
    ),
    site_names=("CBC News", "CBC"),
)

TELEGRAPH = SiteAdapter(
    name="telegraph",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Telegraph",
    url_patterns=(on_host("telegraph.co.uk"),),
    layouts=(
        LayoutRules(
            name="2017-article-body-text",
            marker="//*[contains(@class, 'articleBodyText')] | "
            "//*[@data-test='article-body-text'] | //*[@itemprop='articleBody']",
            title=("//h1[contains(@class, 'headline')]", "//h1"),
            body=(
                "//*[contains(@class, 'articleBodyText')]",
                "//*[@data-test='article-body-text']",
                "//*[@itemprop='articleBody']",
            ),
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'related-article')]",
                "//*[contains(@class, 'advert')]",
            ),
            byline=("//*[contains(@class, 'byline__author')]", "//*[@rel='author']"),
        ),
    ),
    site_names=("The Telegraph", "Telegraph"),
)

DAILY_MAIL = SiteAdapter(
    name="dailymail",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Daily Mail",
    url_patterns=(on_host("dailymail.co.uk"),),
    layouts=(
        LayoutRules(
            name="2015-article-text",
            marker="//*[@id='js-article-text']//*[@itemprop='articleBody']",
            title=("//*[@id='js-article-text']/h2", "//*[@id='js-article-text']//h1", "//h1"),
            body=("//*[@id='js-article-text']//*[@itemprop='articleBody']",),
            paragraphs=".//p[contains(@class, 'mol-para-with-font')] | .//h2 | .//ul/li",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'mol-img-group')]",
                "//*[contains(@class, 'artSplitter')]",
                "//*[contains(@class, 'related-carousel')]",
                "//*[contains(@class, 'mol-factbox')]",
            ),
            byline=("//*[contains(@class, 'author-section')]//a[contains(@class, 'author')]",),
        ),
    ),
    site_names=("Daily Mail Online", "Daily Mail"),
)

SKY_NEWS = SiteAdapter(
    name="skynews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Sky News",
    url_patterns=(on_host("news.sky.com"),),
    layouts=(
        LayoutRules(
            name="2018-sdc-article-body",
            marker="//*[contains(@class, 'sdc-article-body')]",
            title=("//h1[contains(@class, 'sdc-article-header__title')]", "//h1"),
            body=("//*[contains(@class, 'sdc-article-body')]",),
            paragraphs="./p | ./h2 | ./h3 | ./ul/li | ./blockquote",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'sdc-article-widget')]",
                "//*[contains(@class, 'sdc-article-related-stories')]",
            ),
            drop_text=(r"^read more: ",),
            byline=("//*[contains(@class, 'sdc-article-author__name')]",),
        ),
    ),
    site_names=("Sky News",),
)
