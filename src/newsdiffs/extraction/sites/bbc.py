"""BBC News, from the 2006 table layout of news.bbc.co.uk to the 2024 article pages."""

from __future__ import annotations

from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter

_HEADLINE_META = "//meta[@name='Headline']/@content"
_OLD_DATE_META = "//meta[@name='OriginalPublicationDate']/@content"
_OLD_FURNITURE = (
    "//*[contains(@class, 'caption')]",
    "//*[contains(@class, 'videoInStory')]",
    "//*[contains(@class, 'story-feature')]",
    "//*[contains(@class, 'embedded-hyper')]",
    "//*[contains(@class, 'market-data')]",
    "//*[contains(@class, 'story-date')]",
    "//a[contains(@class, 'hidden')]",
    "//*[contains(@class, 'bookmark')]",
    "//*[contains(@class, 'share-help')]",
    "//*[contains(@class, 'sharesb')]",
    "//*[contains(@class, 'comment-introduction')]",
    "//*[contains(@class, 'story-related')]",
    "//*[contains(@class, 'twitter-module')]",
    "//form",  # comment and "send us your story" forms
)
# Old pages close the body with <!-- E BO -->: nothing after it is the story.
_AFTER_BODY_END = "(//comment()[contains(., 'E BO')])[1]/following::*"

# 2020-2024 React pages: the <article> holds typed blocks (text, crosshead, media, list...).
_REACT_BLOCKS = LayoutRules(
    name="2020-react",
    marker="//article[.//*[@data-component='text-block']]",
    title=("//article//h1", "//h1"),
    body=("//article",),
    paragraphs=".//p | .//h2 | .//h3 | .//li | .//figcaption",
    drop=(
        "//article/header",
        "//*[contains(@class, 'VisuallyHidden')]",
        "//*[contains(@class, 'visually-hidden')]",
        "//*[@data-component='byline-block']",
        "//*[@data-component='tag-list']",
        "//*[@data-component='topic-list']",
        "//*[@data-component='metadata-block']",
        "//*[@data-component='see-alsos']",
        "//*[@data-component='links-block']",
        "//*[@data-component='related-internet-links']",
        "//*[@data-component='timestamp-block']",
        "//*[@data-component='headline-block']",
        "//*[contains(@class, 'CommentsWrapper')]",
        "//*[@data-component='ad-slot']",
    ),
    byline=("//*[@data-testid='byline-name']", "//*[contains(@class, 'Contributor')]//strong"),
)

# 2022 video pages (/news/av/...): a media player and a summary.
_MEDIA_ITEM = LayoutRules(
    name="2022-media-item",
    marker="//article[contains(@class, 'StyledMediaItem')]",
    title=("//article//h1", "//h1"),
    body=("//article//*[contains(@class, 'StyledSummary')]",),
    paragraphs=".//p | .//li",
)

_RESPONSIVE_2015 = LayoutRules(
    name="2015-responsive",
    marker="//*[contains(@class, 'story-body__inner')]",
    title=("//h1[contains(@class, 'story-body__h1')]", "//h1"),
    body=("//*[contains(@class, 'story-body__inner')]",),
    drop=(
        "//figure",
        "//*[contains(@class, 'off-screen')]",
        "//*[contains(@class, 'story-body__link-external')]/ancestor::ul[1]",
        "//*[contains(@class, 'mini-info-list')]",
        "//*[contains(@class, 'share-tools')]",
    ),
    byline=("//*[contains(@class, 'byline__name')]",),
)

_STORY_BODY_2010 = LayoutRules(
    name="2010-story-body",
    marker="//div[contains(concat(' ', normalize-space(@class), ' '), ' story-body ')]",
    title=("//h1[contains(@class, 'story-header')]", _HEADLINE_META),
    body=("//div[contains(concat(' ', normalize-space(@class), ' '), ' story-body ')]",),
    paragraphs=".//p | .//h2 | .//h3 | .//li",
    drop=(*_OLD_FURNITURE, "//*[contains(@class, 'story-header')]", "//*[@class='byline']"),
    byline=("//*[contains(@class, 'byline-name')]",),
    published=(_OLD_DATE_META,),
)

_STORY_BODY_ID_2010 = LayoutRules(
    name="2010-story-body-id",
    marker="//div[@id='story-body']",
    title=("//div[@id='meta-information']//h1", _HEADLINE_META),
    body=("//div[@id='story-body']",),
    paragraphs=".//p | .//h2 | .//h3 | .//li",
    drop=_OLD_FURNITURE,
    published=(_OLD_DATE_META,),
)

_STORYBODY_TD_2008 = LayoutRules(
    name="2008-storybody-td",
    marker="//td[contains(@class, 'storybody')]",
    title=(_HEADLINE_META, "//div[contains(@class, 'mxb')]//h1"),
    body=("//td[contains(@class, 'storybody')]",),
    paragraphs=".//p | .//h2 | .//h3 | .//li",
    drop=(*_OLD_FURNITURE, _AFTER_BODY_END, "//td[contains(@class, 'storybody')]//table"),
    published=(_OLD_DATE_META,),
)

_BODY_COMMENTS_2006 = LayoutRules(
    name="2006-body-comments",
    marker="//comment()[contains(., 'S BO')]",
    title=(_HEADLINE_META, "//div[contains(@class, 'sh')]"),
    body=("//comment()[contains(., 'S BO')][1]/parent::*",),
    paragraphs=".//p",
    loose_text=True,
    drop=(*_OLD_FURNITURE, _AFTER_BODY_END),
    published=(_OLD_DATE_META,),
)

BBC_NEWS = SiteAdapter(
    name="bbc",
    version=2,  # 2: loose text, footer blocks, link lists and furniture lines
    title_name="BBC News",
    url_patterns=(
        r"news\.bbc\.co\.uk/(?!sport)",  # news.bbc.co.uk/sport1/... was BBC Sport
        r"bbc\.co\.uk/news(/|$)",
        r"bbc\.com/news(/|$)",
    ),
    layouts=(
        _REACT_BLOCKS,
        _MEDIA_ITEM,
        _RESPONSIVE_2015,
        _STORY_BODY_2010,
        _STORY_BODY_ID_2010,
        _STORYBODY_TD_2008,
        _BODY_COMMENTS_2006,
    ),
    site_names=("BBC News",),
)
