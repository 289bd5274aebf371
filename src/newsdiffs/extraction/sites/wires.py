"""Wire services and business news: Reuters, The Associated Press, Bloomberg."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import (
    COMMON_FURNITURE,
    LayoutRules,
    SiteAdapter,
    on_host,
)

REUTERS = SiteAdapter(
    name="reuters",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Reuters",
    url_patterns=(on_host("reuters.com"),),
    layouts=(
        LayoutRules(
            name="2021-article-body",
            marker="//*[contains(@class, 'article-body__content')]",
            title=("//h1[@data-testid='Heading']", "//h1"),
            body=("//*[contains(@class, 'article-body__content')]",),
            paragraphs=".//*[starts-with(@data-testid, 'paragraph-')] | .//h2 | .//h3 | .//li",
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'sign-off')]"),
            byline=("//*[@rel='author']", "//*[contains(@class, 'author-name')]"),
        ),
        LayoutRules(
            name="2018-standard-article",
            marker="//*[contains(@class, 'StandardArticleBody_body')]",
            title=("//h1[contains(@class, 'ArticleHeader_headline')]", "//h1"),
            body=("//*[contains(@class, 'StandardArticleBody_body')]",),
            paragraphs=".//p | .//h2 | .//h3",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'Image_container')]",
                "//*[contains(@class, 'Attribution_container')]",
            ),
            byline=("//*[contains(@class, 'BylineBar_byline')]//a",),
        ),
    ),
    site_names=("Reuters",),
)

ASSOCIATED_PRESS = SiteAdapter(
    name="apnews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Associated Press",
    url_patterns=(on_host("apnews.com"), on_host("ap.org")),
    layouts=(
        LayoutRules(
            name="2023-rich-text-story",
            marker="//*[contains(@class, 'RichTextStoryBody')]",
            title=("//h1[contains(@class, 'Page-headline')]", "//h1"),
            body=("//*[contains(@class, 'RichTextStoryBody')]",),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'Advertisement')]"),
            byline=("//*[contains(@class, 'Page-authors')]//a",),
        ),
        LayoutRules(
            name="2019-article",
            marker="//div[@data-key='article'] | //div[contains(@class, 'Article')]//p",
            title=("//div[contains(@class, 'CardHeadline')]//h1", "//h1"),
            body=("//div[@data-key='article']", "//div[contains(@class, 'Article')]"),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'ad-placeholder')]"),
            byline=("//*[contains(@class, 'Component-bylines')]",),
        ),
        LayoutRules(
            name="2019-hosted-ap-story",
            marker="//div[contains(@class, 'ap-story')]",
            title=(
                "//div[contains(@class, 'ap-story')]//h1",
                "//meta[@property='og:title']/@content",
            ),
            body=("//div[contains(@class, 'ap-story')]",),
            paragraphs=".//p",
            drop=COMMON_FURNITURE,
        ),
    ),
    site_names=("AP News", "The Associated Press"),
)

BLOOMBERG = SiteAdapter(
    name="bloomberg",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Bloomberg",
    url_patterns=(on_host("bloomberg.com"),),
    layouts=(
        LayoutRules(
            name="2023-body-content",
            marker="//*[@data-component='paragraph'] | //*[contains(@class, 'body-content')]",
            title=("//h1", "//meta[@property='og:title']/@content"),
            body=(
                "//*[contains(@class, 'body-content')] | //*[contains(@class, 'styles_body__')]",
                "//*[@data-component='paragraph']/..",
            ),
            paragraphs=".//p | .//h2 | .//h3 | .//li",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'paywall')]",
                "//*[contains(@class, 'inline-newsletter')]",
                "//*[contains(@class, 'recirc')]",
            ),
            byline=("//*[contains(@class, 'Byline_author')]", "//a[@rel='author']"),
            standfirst=True,
        ),
        LayoutRules(
            name="2018-body-copy",
            marker="//*[contains(@class, 'body-copy')]",
            title=("//h1", "//meta[@property='og:title']/@content"),
            body=("//*[contains(@class, 'body-copy')]",),
            drop=COMMON_FURNITURE,
            byline=("//*[contains(@class, 'author')]",),
        ),
    ),
    site_names=("Bloomberg",),
)
