"""United States outlets: broadcasters, papers and political news sites."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import (
    COMMON_FURNITURE,
    LayoutRules,
    SiteAdapter,
    on_host,
)

# "CLICK HERE TO GET THE FOX NEWS APP" and friends: all-capitals promo paragraphs.
_PROMO_TEXT = (r"^(CLICK HERE|READ MORE|WATCH|LISTEN|SIGN UP|GET THE|DOWNLOAD)\b[^a-z]*$",)

CNN = SiteAdapter(
    name="cnn",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="CNN",
    url_patterns=(on_host("cnn.com"),),
    layouts=(
        LayoutRules(
            name="2022-article-content",
            marker="//*[contains(@class, 'article__content')]",
            title=("//h1[contains(@class, 'headline__text')]", "//h1"),
            body=("//*[contains(@class, 'article__content')]",),
            paragraphs=".//p[contains(@class, 'paragraph')] | .//h2 | .//h3 | .//li",
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'related-content')]"),
            byline=("//*[contains(@class, 'byline__name')]",),
        ),
        LayoutRules(
            name="2016-zn-body",
            marker="//*[contains(@class, 'zn-body__paragraph')]",
            title=("//h1[contains(@class, 'pg-headline')]", "//h1"),
            body=("//*[@itemprop='articleBody']", "//section[@id='body-text']"),
            paragraphs=".//*[contains(@class, 'zn-body__paragraph')] | .//h3",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'el__embedded')]",
                "//*[contains(@class, 'zn-body__footer')]",
            ),
            byline=("//*[contains(@class, 'metadata__byline__author')]",),
        ),
    ),
    site_names=("CNN", "CNN Politics", "CNN Business"),
)

FOX_NEWS = SiteAdapter(
    name="foxnews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Fox News",
    url_patterns=(on_host("foxnews.com"), on_host("foxbusiness.com")),
    layouts=(
        LayoutRules(
            name="2018-article-body",
            marker="//div[contains(@class, 'article-body')]",
            title=("//h1[contains(@class, 'headline')]", "//h1"),
            body=(
                "//*[contains(@class, 'article-header')]//h2[contains(@class, 'sub-headline')] | "
                "//div[contains(@class, 'article-body')]",
            ),
            paragraphs=". | .//p | .//h2 | .//h3 | .//blockquote | .//tr",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'featured-video')]",
                "//*[contains(@class, 'featured-image')]",
                "//*[contains(@class, 'ad-container')]",
                "//*[contains(@class, 'caption')]",
                # A paragraph in capitals holding a link is a promo for another story.
                "//div[contains(@class, 'article-body')]//p[.//a]"
                "[translate(normalize-space(.), 'abcdefghijklmnopqrstuvwxyz', '')"
                " = normalize-space(.)]",
            ),
            drop_text=_PROMO_TEXT,
            byline=("//*[contains(@class, 'author-byline')]//a",),
        ),
    ),
    site_names=("Fox News", "Fox Business"),
)

POLITICO = SiteAdapter(
    name="politico",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Politico",
    url_patterns=(on_host("politico.com"), on_host("politico.eu")),
    layouts=(
        LayoutRules(
            name="2020-story-text",
            marker="//*[contains(@class, 'story-text')]//p",
            title=("//h2[contains(@class, 'headline')]", "//h1[not(.//img)]", "//title"),
            body=("//div[contains(@class, 'story-text')]",),
            paragraphs=".//p[not(contains(@class, 'story-meta'))] | .//h2 | .//h3",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'story-intro')]",
                "//*[contains(@class, 'story-related')]",
                "//*[contains(@class, 'ad')][not(.//p)]",
            ),
            byline=("//*[contains(@class, 'story-meta__authors')]//a",),
            standfirst=True,
        ),
        LayoutRules(
            name="2020-eu-article-content",
            marker="//*[contains(@class, 'article__content')]",
            title=("//h1[contains(@class, 'article-meta__title')]", "//h1"),
            body=("//*[contains(@class, 'article__content')]",),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'related')]"),
            byline=("//*[contains(@class, 'authors')]//a",),
        ),
    ),
    site_names=("POLITICO", "Politico"),
)

NPR = SiteAdapter(
    name="npr",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="NPR",
    url_patterns=(on_host("npr.org"),),
    layouts=(
        LayoutRules(
            name="2015-storytext",
            marker="//div[@id='storytext']",
            title=("//div[contains(@class, 'storytitle')]//h1", "//h1"),
            body=("//div[@id='storytext']",),
            paragraphs=".//p | .//h2 | .//h3 | .//blockquote",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'bucketwrap')]",
                "//*[contains(@class, 'enlarge_measure')]",
                "//*[contains(@class, 'hide-caption')]",
            ),
            byline=("//*[contains(@class, 'byline__name')]",),
        ),
    ),
    site_names=("NPR",),
)

LA_TIMES = SiteAdapter(
    name="latimes",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="Los Angeles Times",
    url_patterns=(on_host("latimes.com"),),
    layouts=(
        LayoutRules(
            name="2021-rich-text-body",
            marker="//*[contains(@class, 'rich-text-article-body')] | "
            "//article[contains(@class, 'story')]//*[contains(@class, 'rich-text-children')]",
            title=("//h1[contains(@class, 'headline')]", "//h1"),
            body=(
                "//*[contains(@class, 'rich-text-article-body-content')]",
                "//article[contains(@class, 'story')]//*[contains(@class, 'rich-text-children')]",
            ),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'enhancement')][not(.//blockquote)]"),
            byline=("//*[contains(@class, 'author-name')]",),
        ),
        LayoutRules(
            name="2019-article-page",
            marker="//*[contains(@class, 'RichTextArticleBody')]",
            title=("//h1[contains(@class, 'ArticlePage-headline')]", "//h1"),
            body=("//*[contains(@class, 'RichTextArticleBody-body')]",),
            # Enhancements are embeds (ads, videos, promos) except pull quotes, kept as
            # the generic extractor and the corpus annotators keep them.
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'Enhancement')][not(.//blockquote)]"),
            byline=("//*[contains(@class, 'ArticlePage-authorName')]",),
        ),
    ),
    site_names=("Los Angeles Times", "LA Times"),
)

USA_TODAY = SiteAdapter(
    name="usatoday",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="USA Today",
    url_patterns=(on_host("usatoday.com"),),
    layouts=(
        LayoutRules(
            name="2023-primary-content",
            marker="//article[contains(@class, 'primary-content')]",
            title=("//h1",),
            body=("//article[contains(@class, 'primary-content')]",),
            paragraphs="./p | ./h2 | ./h3 | ./ul/li",
            drop=COMMON_FURNITURE,
            byline=("//*[contains(@class, 'author')]//a",),
        ),
        LayoutRules(
            name="2020-gnt",
            marker="//*[contains(@class, 'gnt_ar_b')]",
            title=("//h1[contains(@class, 'gnt_ar_hl')]", "//h1"),
            body=("//*[contains(@class, 'gnt_ar_b')]",),
            paragraphs=".//p[contains(@class, 'gnt_ar_b_p')] | .//h2 | .//h3",
            drop=COMMON_FURNITURE,
            byline=("//*[contains(@class, 'gnt_ar_by')]//a",),
        ),
        LayoutRules(
            name="2017-article-wrapper",
            marker="//article[@id='mainContentSection']//*[contains(@class, 'article-wrapper')]",
            title=("//h1[contains(@class, 'title')]", "//h1"),
            body=("//article[@id='mainContentSection']//*[contains(@class, 'article-wrapper')]",),
            paragraphs="./p | ./h2 | ./h3",
            drop=COMMON_FURNITURE,
        ),
    ),
    site_names=("USA TODAY", "USA Today"),
)

NBC_NEWS = SiteAdapter(
    name="nbcnews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="NBC News",
    url_patterns=(on_host("nbcnews.com"),),
    layouts=(
        LayoutRules(
            name="2019-article-body",
            marker="//*[contains(@class, 'article-body__content')]",
            title=("//h1",),
            body=("//*[contains(@class, 'article-body__content')]",),
            paragraphs=".//p | .//h2 | .//h3 | .//blockquote",
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'ad-container')]",
                "//*[contains(@class, 'inline-image')]",
                "//*[contains(@class, 'embed-widget')]",
                "//*[@data-activity-map='inline-related']",
            ),
            byline=("//*[contains(@class, 'byline-name')]",),
        ),
    ),
    site_names=("NBC News",),
)

ABC_NEWS = SiteAdapter(
    name="abcnews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="ABC News",
    url_patterns=(on_host("abcnews.go.com"), on_host("abcnews.com")),
    layouts=(
        LayoutRules(
            name="2022-prism",
            marker="//*[@data-testid='prism-article-body']",
            title=("//h1",),
            body=("//*[@data-testid='prism-article-body']",),
            drop=(*COMMON_FURNITURE, "//*[@data-testid='prism-inline-related']"),
            byline=("//*[@data-testid='prism-byline']//a",),
        ),
        LayoutRules(
            name="2018-article-copy",
            marker=(
                "//*[contains(@class, 'Article__Content')] | //*[contains(@class, 'article-copy')]"
            ),
            title=("//h1",),
            body=(
                "//*[contains(@class, 'Article__Content')]",
                "//*[contains(@class, 'article-copy')]",
            ),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'inline-module')]"),
        ),
    ),
    site_names=("ABC News",),
)

CBS_NEWS = SiteAdapter(
    name="cbsnews",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="CBS News",
    url_patterns=(on_host("cbsnews.com"),),
    layouts=(
        LayoutRules(
            name="2019-content-article",
            marker="//article[contains(@class, 'content-article')]//section",
            title=("//h1[contains(@class, 'content__title')]", "//h1[normalize-space(.)]"),
            body=(
                "//article[contains(@class, 'content-article')]"
                "//section[contains(@class, 'content__body')]",
                "//article[contains(@class, 'content-article')]/section",
            ),
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'embed')]",
                "//*[contains(@class, 'related')]",
            ),
            byline=("//*[contains(@class, 'byline__author')]",),
        ),
    ),
    site_names=("CBS News",),
)

CNBC = SiteAdapter(
    name="cnbc",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="CNBC",
    url_patterns=(on_host("cnbc.com"),),
    layouts=(
        LayoutRules(
            name="2019-article-body-module",
            marker="//*[@data-module='ArticleBody']",
            title=("//h1[contains(@class, 'ArticleHeader')]", "//h1"),
            body=("//*[contains(@class, 'RenderKeyPoints')] | //*[@data-module='ArticleBody']",),
            paragraphs=(
                ".//p | .//h2 | .//h3 | .//li | .//div[contains(@class, 'group')][not(.//p)]"
            ),
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'InlineVideo')]",
                "//*[contains(@class, 'InlineImage')]",
                "//*[contains(@class, 'RelatedContent')]",
            ),
            byline=("//*[contains(@class, 'Author-authorName')]",),
        ),
    ),
    site_names=("CNBC",),
)

NEW_YORK_POST = SiteAdapter(
    name="nypost",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="New York Post",
    url_patterns=(on_host("nypost.com"),),
    layouts=(
        LayoutRules(
            name="2019-entry-content",
            marker="//div[contains(@class, 'entry-content')]",
            title=("//h1",),
            body=("//div[contains(@class, 'entry-content')]",),
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'inline-module')]",
                "//*[contains(@class, 'read-next')]",
                "//*[contains(@class, 'membership-comments')]",
            ),
            byline=("//*[contains(@class, 'byline')]//a",),
        ),
    ),
    site_names=("New York Post",),
)

THE_HILL = SiteAdapter(
    name="thehill",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="The Hill",
    url_patterns=(on_host("thehill.com"),),
    layouts=(
        LayoutRules(
            name="2022-article-text",
            marker="//div[contains(@class, 'article__text')]",
            title=("//h1",),
            body=("//div[contains(@class, 'article__text')]",),
            drop=(*COMMON_FURNITURE, "//*[contains(@class, 'ad-unit')]"),
            byline=("//*[contains(@class, 'author')]//a",),
        ),
        LayoutRules(
            name="2016-field-body",
            marker="//div[contains(@class, 'field-name-body')]",
            title=("//h1[@id='page-title']", "//h1"),
            body=("//div[contains(@class, 'field-name-body')]",),
            drop=(
                *COMMON_FURNITURE,
                "//*[contains(@class, 'dfp-tag-wrapper')]",
                "//*[contains(@class, 'rollover-people-block')]",  # name hover cards
            ),
            byline=("//*[contains(@class, 'submitted-by')]//a",),
        ),
    ),
    site_names=("The Hill",),
)
