"""Before and after main-content detection: fix drop caps, trim furniture off the body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from newsdiffs.extraction.html import HtmlElement, normalize_space

_DROP_CAP_CLASS = re.compile(r"drop-?cap|initial|first-?letter|dropcap", re.IGNORECASE)
# Drop caps sit at the start of a paragraph: a child or grandchild of the <p>.
_DROP_CAP_XPATH = etree.XPath("//p/*[1][@class] | //p/*[1]/*[1][@class]")
# (through the attribute axis: three times faster in libxml2 than testing every element)
_TEASER_XPATH = etree.XPath("//@class[contains(., 'teaser') or contains(., 'Teaser')]/..")
_TEASER_WORD = re.compile("teaser", re.IGNORECASE)
_TEASER_PARAGRAPH = 120  # characters: a real paragraph, not a card's summary line
_TEASER_PARAGRAPHS = 2
_WORD = re.compile(r"\w+")
_SHINGLE = 4
# A paragraph is "in" the JSON-LD body when this share of its 4-word windows are found there.
_IN_BODY_SHARE = 0.5
# The JSON-LD body is trusted for trimming only when it is not much shorter than our text.
_COMPLETE_REFERENCE = 0.6

# Lines that are page furniture wherever they appear: relative timestamps, share prompts,
# ad labels. (The normaliser drops more; this keeps them out of the extracted page itself.)
_TEMPLATE_LINE = re.compile(
    r"""^(?:
        (?:updated|published|posted|last\ updated)?\s*:?\s*
            (?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month)s?\s+ago\.?
      | (?:share|share\ this(?:\ article|\ story|\ page)?|tweet|email|print|comments?)
            (?:\s*(?:on|via)\s+\w+)?\s*:?
      | advertisement | supported\ by | sponsored(?:\ content)? | skip\ advert(?:isement)?
      | (?:read|see)\ more:? | related(?:\ articles?|\ stories|\ content)?:?
      | article\ continues\ (?:below|after)(?:\ (?:this|the))?(?:\ ad(?:vertisement)?)?
      | (?:latest|popular|trending|recommended|more|top)\ (?:articles|stories|posts|videos)
      | explore\ more | stay\ connected | most\ (?:popular|read) | you\ (?:may|might)\ also\ like
      | oops!? | something\ went\ wrong\.? | please\ try\ again(?:\ later)?\.?
      | (?:gallery|image|photo|video)\ credit:.* | \(photo:[^)]*\) | \[image\ via[^]]*\]
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_TEMPLATE_LINE = 60
_HEADLINE_SEARCH = 8  # paragraphs from the top where a repeated headline is looked for
_MAX_KICKER = 80  # characters of a label line above the headline
# Blocks above the headline that are furniture whatever their length (disclosures, teasers,
# "most read" lists); one long block above it is more likely a displaced standfirst.
_FURNITURE_ABOVE = 2
_PROMPT_LINE = re.compile(
    r"""^(?:©|\(c\)\s|copyright\s+(?:©|\d{4}))
      | ^oops!?\s*something\ went\ wrong
      | ^(?:also|related|more|read\ (?:more|also|next)|see\ also|required\ reading
          |don['’]?t\ miss|recommended|further\ reading)\s*:""",
    re.IGNORECASE | re.VERBOSE,
)
_NEWSLETTER_PROMPT = re.compile(
    r"\b(?:sign(?:ing)?\ up|subscrib(?:e|ing)|get\ the)\b.{0,100}\bnewsletters?\b",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_PROMPT_LINE = 160
# "We may earn a commission when you buy through our links": shopping-page disclosures.
_AFFILIATE_DISCLOSURE = re.compile(
    r"\baffiliate\b.{0,200}\b(?:commissions?|compensation|partnerships?)\b"
    r"|\b(?:commissions?|compensation)\b.{0,200}\baffiliate\b",
    re.IGNORECASE,
)
_MAX_DISCLOSURE = 400
_MARKUP = re.compile(
    r"</?(?:script|noscript|style|iframe|div|span|svg)\b[^<>]*>|<a\s+href=", re.IGNORECASE
)
_MIN_CODE_LENGTH = 40
_CODE_SYMBOL_SHARE = 0.12


# Elements trafilatura deletes anyway before looking for the article (its MANUALLY_CLEANED
# list, minus those it inspects first: forms, figures, math; minus labels and fieldsets,
# whose early removal was measured to change its results). Dropping them up front spares
# its whole-tree XPath passes and tree copies a third of the elements.
_INERT_TAGS = (
    *("style", "noscript", "template", "link", "meta"),
    *("svg", "img", "picture", "source", "video", "audio", "canvas", "map", "object", "embed"),
    *("iframe", "button", "nav", "aside", "footer", "input", "select"),
)
# Elements trafilatura deletes when empty (its CUT_EMPTY_ELEMS).
_PRUNED_WHEN_EMPTY = (
    *("article", "main", "section", "div", "p", "li", "dd", "dt", "blockquote", "pre", "q"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "span", "b", "strong", "i", "em"),
)
_JSON_LD_TYPE = "application/ld+json"


def drop_inert_elements(doc: HtmlElement) -> None:
    """Remove comments, scripts (except JSON-LD), styles, drawings, navigation, footers
    and form controls (edits ``doc``).

    Text after a removed element (its tail) is kept, as trafilatura itself does. Embedded
    social posts stay: removing them was measured (naeb-dev +0.001 F1, zyte-aeb -0.002).
    """
    scripts = [
        script
        for script in doc.iter("script")
        if (script.get("type") or "").strip() != _JSON_LD_TYPE
    ]
    for script in scripts:
        if script.getparent() is not None:
            script.drop_tree()
    # trafilatura parses without comments; a tree handed to it should match
    etree.strip_elements(doc, *_INERT_TAGS, etree.Comment, with_tail=False)


# Furniture a content detector discards anyway: figures (except table holders), hidden
# blocks, page headers without the headline.
_UNREAD_FURNITURE = etree.XPath(
    "//figure[not(.//table)] | //header[not(.//h1)] | //@aria-hidden[.='true']/.. | //@hidden/.."
)
_ARTICLES = etree.XPath(".//article")
_MAINS = etree.XPath(".//main")
# One <article> (or <main>) holding at least half the page's text is the article: a
# threshold from 0.3 to 0.6 measured the same once link lists are gone.
_ARTICLE_TEXT_SHARE = 0.5
# A list with at least this share of its text in links is a list of links, not article text
# (trafilatura's own link-density cut-off for short blocks).
_LINK_LIST_SHARE = 0.8


def _visible_length(element: HtmlElement) -> int:
    """Characters of text in ``element``, not counting (JSON-LD) scripts."""
    scripts = sum(len(script.text or "") for script in element.iter("script"))
    return len(element.text_content()) - scripts


def drop_link_lists(doc: HtmlElement) -> None:
    """Remove lists whose text is mostly link text: related stories, tags, menus."""
    doomed = [
        element
        for element in doc.iter("ul", "ol")
        if element.find(".//a") is not None and _is_mostly_links(element)
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _is_mostly_links(element: HtmlElement) -> bool:
    """Whether ``_LINK_LIST_SHARE`` of the element's non-space characters are in links."""
    total = _non_space_length(element.text_content())
    links = sum(_non_space_length(link.text_content()) for link in element.iter("a"))
    return total > 0 and links >= _LINK_LIST_SHARE * total


def _non_space_length(text: str) -> int:
    return sum(map(len, text.split()))


def prune_for_content_detection(doc: HtmlElement) -> None:
    """Remove what content detection would discard anyway (edits ``doc``).

    Figures, hidden blocks, headers without the headline, lists of links and empty blocks
    go, bare <span>s are unwrapped, and everything around the page's one <article> (else
    its one <main>) goes when that holds most of the page's text. trafilatura copies and
    searches the whole tree many times over (some 35 µs per element), so a smaller tree is
    a faster extraction; measured on the corpus, the extracted body is unchanged or better
    (zyte-aeb F1 +0.0014, naeb-dev +0.0005).
    """
    for element in _UNREAD_FURNITURE(doc):
        if element.getparent() is not None:
            element.drop_tree()
    drop_link_lists(doc)
    _drop_outside_article(doc)
    _drop_empty_blocks(doc)
    # a bare <span> is only a wrapper for its text (trafilatura unwraps it later anyway)
    for span in [element for element in doc.iter("span") if not element.attrib]:
        span.drop_tag()


def _drop_outside_article(doc: HtmlElement) -> None:
    """Everything around the page's one <article> (else <main>) holding most of its text."""
    body = doc.find("body")
    if body is None:
        return
    containers = _ARTICLES(body)
    if len(containers) != 1:
        containers = _MAINS(body)
    if len(containers) != 1:
        return
    node: HtmlElement = containers[0]
    if len(node.text_content()) < _ARTICLE_TEXT_SHARE * _visible_length(body):
        return
    while node is not body:
        parent = node.getparent()
        if parent is None:  # not reached: node is inside body
            return
        for sibling in list(parent):
            if sibling is not node and sibling.tag != "script":  # JSON-LD stays
                sibling.drop_tree()
        node = parent


def _drop_empty_blocks(doc: HtmlElement) -> None:
    """Blocks without text (trafilatura's CUT_EMPTY_ELEMS), children first, so that blocks
    holding nothing but empty blocks go too. A block with an article-body class stays even
    when empty: trafilatura then moves on to its next candidate for the article, and
    removing the block was measured to make it settle on a worse one."""
    for element in reversed(list(doc.iter(_PRUNED_WHEN_EMPTY))):
        if _is_blank_leaf(element) and not _BODY_CLASS.search(element.get("class") or ""):
            element.drop_tree()


def _is_blank_leaf(element: HtmlElement) -> bool:
    """No children, no text, nothing but whitespace after it."""
    if len(element):
        return False
    text, tail = element.text, element.tail
    return (not text or text.isspace()) and (not tail or tail.isspace())


_BODY_CLASS = re.compile(r"body|article|story|entry|post|content|text", re.IGNORECASE)
# Classed blocks holding at least two <p> children of their own (a part of a split body).
# (``//p[2]/parent::*``: ten times faster in libxml2 than ``//*[p[2]]``.)
_PARAGRAPH_BLOCKS = etree.XPath("//p[2]/parent::*[self::div or self::section][@class]")


def merge_split_bodies(doc: HtmlElement) -> None:
    """Join article-body blocks that an ad or a paywall break split in two (edits ``doc``).

    ``<div class="article__body">p p p</div><aside>ad</aside><div class="article__body">p p
    </div>``: content detectors keep the first block only. Exactly two blocks with
    the same body-like class, neither inside the other, each holding paragraphs of its own,
    become one (the first). Three or more are a listing (products, cards): left alone.
    """
    groups: dict[str, list[HtmlElement]] = {}
    for element in _PARAGRAPH_BLOCKS(doc):
        classes = element.get("class")
        if classes and _BODY_CLASS.search(classes):
            groups.setdefault(classes, []).append(element)
    for parts in groups.values():
        if len(parts) != 2:  # three or more are a listing (products, cards), not one body
            continue
        if any(_inside(part, parts[0]) for part in parts[1:]):
            continue
        first, second = parts
        if second.text and second.text.strip():
            if len(first):
                first[-1].tail = (first[-1].tail or "") + second.text
            else:
                first.text = (first.text or "") + second.text
        first.extend(list(second))
        second.drop_tree()


def _inside(element: HtmlElement, ancestor: HtmlElement) -> bool:
    return any(node is ancestor for node in element.iterancestors())


def join_drop_caps(doc: HtmlElement) -> None:
    """``<span class="dropcap">N</span> a endlich`` -> ``Na endlich`` (edits ``doc``)."""
    for element in _DROP_CAP_XPATH(doc):
        if not isinstance(element, lxml_html.HtmlElement):
            continue
        if not _DROP_CAP_CLASS.search(element.get("class") or ""):
            continue
        letters = normalize_space(element.text_content())
        if not (1 <= len(letters) <= 2 and letters.isalpha()):
            continue
        element.text = letters
        for child in element:
            element.remove(child)
        node: HtmlElement | None = element
        while node is not None and node.tag not in ("p", "div", "section", "article", "body"):
            if node.tail and node.tail.strip() == "":
                node.tail = ""
            elif node.tail:
                node.tail = node.tail.lstrip()
                break
            next_sibling = node.getnext()
            if next_sibling is not None:
                if next_sibling.text:
                    next_sibling.text = next_sibling.text.lstrip()
                break
            node = node.getparent()


def unmask_teaser_bodies(doc: HtmlElement) -> None:
    """Rename ``class="teaser-content"`` on blocks holding real paragraphs (edits ``doc``).

    Paywalled sites wrap the free first paragraphs of an article in a "teaser" block;
    content detectors discard anything called a teaser, so those paragraphs vanish from
    some captures and not others. Link cards (one short summary) are left alone.
    """
    for element in _TEASER_XPATH(doc):
        if not isinstance(element, lxml_html.HtmlElement):
            continue
        long_paragraphs = sum(
            1 for p in element.iter("p") if len(p.text_content()) >= _TEASER_PARAGRAPH
        )
        if long_paragraphs >= _TEASER_PARAGRAPHS:
            element.set("class", _TEASER_WORD.sub("lead", element.get("class") or ""))


def is_template_line(text: str) -> bool:
    """A line that is page furniture: ``Updated 5 minutes ago``, ``Share``, a copyright
    line, a newsletter sign-up prompt, a ``Read more:`` promo, an affiliate disclosure,
    a widget's error message."""
    line = text.strip()
    if len(line) < _MAX_TEMPLATE_LINE and _TEMPLATE_LINE.match(line):
        return True
    if len(line) >= _MAX_DISCLOSURE:
        return False
    lowered = line.lower()  # cheap word checks spare most lines the regular expressions
    if len(line) < _MAX_PROMPT_LINE and (
        _PROMPT_LINE.match(line) or ("newsletter" in lowered and _NEWSLETTER_PROMPT.search(line))
    ):
        return True
    return "affiliate" in lowered and bool(_AFFILIATE_DISCLOSURE.search(line))


def is_markup_or_code(text: str) -> bool:
    """Leaked markup or script data (``</noscript><script>{"meta": ...``), not prose."""
    if "<" in text and _MARKUP.search(text):
        return True
    if len(text) < _MIN_CODE_LENGTH:
        return False
    symbols = sum(map(text.count, '{}[]"=;<>\\'))
    return symbols > _CODE_SYMBOL_SHARE * len(text)


def drop_leading_title(paragraphs: Sequence[str], title: str) -> list[str]:
    """Remove the headline near the top of the body, with the furniture above it.

    ``["The Long Run", "<headline>", "First paragraph"]`` -> ``["First paragraph"]``:
    short kicker lines above the headline, or several blocks of any length (affiliate
    disclosures, "most read" lists), are page furniture, not article text.
    """
    wanted = _compact(title)
    kept = list(paragraphs)
    if not wanted:
        return kept
    for index, paragraph in enumerate(kept[:_HEADLINE_SEARCH]):
        if _compact(paragraph) == wanted:
            above = kept[:index]
            if len(above) >= _FURNITURE_ABOVE or all(len(line) <= _MAX_KICKER for line in above):
                return drop_leading_title(kept[index + 1 :], title)
            break
    return kept


def _compact(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


# Cached: one page's paragraphs are compared with its articleBody several times in a row.
@lru_cache(maxsize=1024)
def _windows(text: str) -> tuple[str, ...]:
    tokens = _WORD.findall(text.casefold())
    if len(tokens) <= _SHINGLE:
        return (" ".join(tokens),)
    shifted = (tokens[i:] for i in range(_SHINGLE))  # windows end with the shortest
    return tuple(" ".join(window) for window in zip(*shifted, strict=False))


@lru_cache(maxsize=8)
def _reference_windows(reference: str) -> frozenset[str]:
    return frozenset(_windows(reference))


def trim_to_reference(paragraphs: Sequence[str], reference: str) -> list[str]:
    """Drop trailing paragraphs absent from ``reference`` (the page's JSON-LD articleBody).

    Donation appeals, newsletter boxes and "more from" blocks after the article are not in
    the publisher's own copy of the text. Paragraphs inside the body are never touched,
    nor leading ones: trimming the top too gained 0.001 F1 on naeb-dev but made captures
    with and without JSON-LD disagree about a standfirst (a false new version).
    """
    known = _reference_windows(reference)
    compact_reference = _compact(reference)
    kept = list(paragraphs)
    while kept and not _in_reference(kept[-1], known, compact_reference):
        kept.pop()
    full_length = sum(len(_compact(p)) for p in paragraphs)
    if not kept or len(compact_reference) < _COMPLETE_REFERENCE * full_length:
        return list(paragraphs)  # a teaser-length articleBody: it cannot vouch for anything
    return kept


def _in_reference(paragraph: str, known: frozenset[str], compact_reference: str) -> bool:
    windows = [w for w in _windows(paragraph) if w]
    if not windows:
        return True
    if len(windows) == 1:
        return windows[0] in compact_reference
    return sum(w in known for w in windows) >= _IN_BODY_SHARE * len(windows)


def share_in_reference(paragraphs: Sequence[str], reference: str) -> float:
    """The share of the paragraphs' 4-word windows that ``reference`` also contains."""
    known = _reference_windows(reference)
    windows = [w for p in paragraphs for w in _windows(p) if w]
    if not windows:
        return 0.0
    return sum(w in known for w in windows) / len(windows)
