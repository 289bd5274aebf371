"""Page weight: the demo's article pages wrapped in 100–500 KB of real sites' page chrome.

A demo article page is ~5 KB; real news pages are mostly scripts, styles, SVG and layout
markup around the story (the 432 pages of the shared extraction corpus: median 173 KB,
about half of it script, style and SVG). To measure CPU per check on what real sites send,
:class:`PageChrome` wraps each demo page in the furniture of a real page, read at run time
from ``../shared/corpus`` (``$NEWSDIFFS_CORPUS``), never copied anywhere:

- the real ``<head>`` minus everything that names *its* story (title, meta, canonical and
  alternate links, JSON-LD), so the demo page's own head is the only one that does;
- the real ``<body>`` with its main content (the element richest in paragraph text)
  replaced by the demo page's body, its own article and main elements turned into divs,
  and every other text node emptied except link text outside paragraphs (menus, footers
  and teaser lists stay as link lists, which an extractor must skip).

The story's text is thus the only prose on the page, and extraction still yields exactly the
newsroom's truth (``tests/test_demo_multi.py`` checks it through ``newsdiffs.extraction``).
Pages whose chrome falls outside 100–500 KB, or in which extraction would not give the
story exactly (:func:`extracts_to_the_story`), are passed over: 204 of the 432 are used
(article pages served in them average 256 KB). Without the corpus,
:func:`generated_chrome` builds chrome of the same weight from scripts, styles, an SVG
sprite, a JSON state blob and link menus.
"""

from __future__ import annotations

import gzip
import os
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from newsdiffs.core.normalize import normalize_paragraphs, normalize_text
from newsdiffs.demo.site import DemoSite
from newsdiffs.demo.timeline import PUBLISH_WINDOW, REDESIGN_AFTER, build_timeline
from newsdiffs.extraction import extract

MIN_CHROME_BYTES = 100_000
MAX_CHROME_BYTES = 500_000
_MARKER = "newsdiffs-demo-story-goes-here"
_KEEP_TEXT_IN = frozenset({"script", "style", "a"})
_HEAD_DROPPED = frozenset({"title", "meta", "base"})
_LINK_RELS_DROPPED = frozenset({"canonical", "amphtml", "alternate", "shortlink", "shorturl"})
_FURNITURE = frozenset({"header", "footer", "nav", "aside"})  # never the story's place
_STORY_CONTAINERS = frozenset({"article", "main"})
_PROBE_ARTICLES = 6
_REPO_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def corpus_path() -> Path:
    """``$NEWSDIFFS_CORPUS``, else ``../shared/corpus`` next to the repository."""
    return Path(os.environ.get("NEWSDIFFS_CORPUS", _REPO_CORPUS))


@dataclass(frozen=True)
class PageChrome:
    """Markup to put around a demo page: into its head, and before and after its body."""

    head: str
    before: str
    after: str
    origin: str  # the corpus file it came from, or "generated"

    @property
    def size(self) -> int:
        return len(self.head) + len(self.before) + len(self.after)

    def wrap(self, page: str) -> str:
        """The demo ``page`` (a whole document) inside this chrome."""
        head_end = page.index("</head>")
        body_start = page.index(">", page.index("<body")) + 1
        body_end = page.rindex("</body>")
        return "".join(
            (
                page[:head_end],
                self.head,
                page[head_end:body_start],
                self.before,
                page[body_start:body_end],
                self.after,
                page[body_end:],
            )
        )


class ChromeLibrary:
    """Chrome for outlet ``i``: the corpus pages in name order, cycled; generated without one.

    Pages are read only as far as needed for ``distinct`` different chromes (measured: 16
    chromes, pages read, stripped and probed, in 0.7 s), so a newsroom of 500 outlets does
    not take apart all 432 pages (~15 s).
    """

    def __init__(self, corpus: Path | None = None, distinct: int = 16, seed: int = 7) -> None:
        self.corpus = corpus if corpus is not None else corpus_path()
        self.distinct = max(1, distinct)
        self.seed = seed
        self._chromes: list[PageChrome] = []
        self._pages: Iterator[Path] | None = None

    def for_outlet(self, index: int) -> PageChrome:
        while len(self._chromes) < self.distinct and (chrome := self._next_real()) is not None:
            self._chromes.append(chrome)
        if not self._chromes:
            self._chromes = [generated_chrome(self.seed * 1_000 + n) for n in range(self.distinct)]
        return self._chromes[index % len(self._chromes)]

    @property
    def from_corpus(self) -> bool:
        return any(chrome.origin != "generated" for chrome in self._chromes)

    def _next_real(self) -> PageChrome | None:
        if self._pages is None:
            html_dir = self.corpus / "extraction"
            self._pages = iter(sorted(html_dir.glob("*/html/*.html.gz")))
        for path in self._pages:
            chrome = chrome_from_page(gzip.decompress(path.read_bytes()), path.name)
            if (
                chrome is not None
                and MIN_CHROME_BYTES <= chrome.size <= MAX_CHROME_BYTES
                and extracts_to_the_story(chrome)
            ):
                return chrome
        return None


def extracts_to_the_story(chrome: PageChrome) -> bool:
    """Does the project's extractor read exactly the story from demo pages in ``chrome``?

    Probed on every article template. Of the 210 corpus pages whose chrome weighs 100–500
    KB, 6 fail (the demo byline or a "Skip to Article" link read as a paragraph): they are
    passed over, since a wrong truth would make precision and recall meaningless.
    """
    epoch = datetime(2026, 1, 5, 6, tzinfo=UTC)
    timeline = build_timeline(epoch, _PROBE_ARTICLES, seed=11)
    site = DemoSite(timeline, "http://127.0.0.2:8000", chrome.wrap)
    # Articles 3-5 are regular ones in templates 0, 1 and 2; after the redesign, all in 3.
    probes = timeline.articles[3:6]
    for now in (epoch + PUBLISH_WINDOW, epoch + REDESIGN_AFTER + timedelta(hours=1)):
        for article in probes:
            url = site.url(article.path)
            page = extract(site.respond(article.path, now, 1).body, url)
            state = article.span_at(now).state
            if (
                normalize_text(page.title) != state.title
                or normalize_paragraphs(page.paragraphs) != state.paragraphs
                or page.canonical_url != url
            ):
                return False
    return True


def chrome_from_page(raw: bytes, origin: str) -> PageChrome | None:
    """A real page's chrome, its own story taken out; None when the page has no usable shape."""
    try:
        doc = lxml_html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return None
    head, body = doc.find("head"), doc.find("body")
    if head is None or body is None:
        return None
    for element in list(doc.iter()):
        if _names_the_story(element):
            _drop(element)
    main = _main_content(body)
    if main is None or main is body:
        return None
    main.addprevious(etree.Comment(_MARKER))
    _drop(main)
    _empty_prose(body)
    for element in body.iter():
        if isinstance(element.tag, str):
            _unmark_story_container(element)
    head_markup = "".join(_markup(child) for child in head)
    body_markup = _markup(body)
    inner = body_markup[body_markup.index(">") + 1 : body_markup.rindex("</body>")]
    before, _, after = inner.partition(f"<!--{_MARKER}-->")
    return PageChrome(head_markup, before, after, origin)


def generated_chrome(seed: int) -> PageChrome:
    """Chrome of 100–500 KB with no corpus: what real pages are made of, made up."""
    rng = random.Random(seed)
    target = rng.randint(MIN_CHROME_BYTES + 10_000, MAX_CHROME_BYTES - 10_000)
    head = "".join(
        [
            *(f'<link rel="stylesheet" href="/assets/{_word(rng)}.{n}.css">' for n in range(6)),
            f"<style>{_css(rng, target // 6)}</style>",
            f"<script>{_javascript(rng, target // 4)}</script>",
        ]
    )
    menu = "".join(f'<li><a href="/{_word(rng)}">{_word(rng).title()}</a></li>' for _ in range(80))
    before = (
        f'<div id="app"><div class="top-bar"><ul class="mega-menu">{menu}</ul></div>'
        f'<div class="grid"><div class="col-main">'
    )
    sprite = "".join(
        f'<symbol id="i-{n}" viewBox="0 0 24 24"><path d="{_svg_path(rng)}"/></symbol>'
        for n in range(rng.randint(20, 60))
    )
    state = '{"props":{"items":[' + ",".join(
        f'{{"id":{n},"slot":"{_word(rng)}","weight":{rng.random():.6f}}}' for n in range(400)
    )
    remaining = target - len(head) - len(before) - len(sprite) - len(state) - 400
    filler = _javascript(rng, max(0, remaining))
    after = (
        f'</div><div class="col-side"><ul class="promo">{menu}</ul></div></div>'
        f'<svg style="display:none">{sprite}</svg>'
        f'<script id="__STATE__" type="application/json">{state}]}}}}</script>'
        f"<script>{filler}</script></div>"
    )
    return PageChrome(head, before, after, "generated")


# --- taking a real page apart ----------------------------------------------------------------


def _names_the_story(element: etree._Element) -> bool:
    """Elements by which a page says what its story is: only the demo page may say so."""
    tag = element.tag
    if not isinstance(tag, str):
        return False
    if tag in _HEAD_DROPPED:
        return True
    if tag == "link":
        rels = set((element.get("rel") or "").lower().split())
        return bool(rels & _LINK_RELS_DROPPED)
    if tag == "script":
        return (element.get("type") or "").lower() == "application/ld+json"
    return False


def _main_content(body: etree._Element) -> etree._Element | None:
    """The element richest in paragraph text (a paragraph counts fully for its parent and
    half for its grandparent), as readability-style extractors find the story; paragraphs
    in headers, footers, navigation and asides do not count."""
    scores: dict[etree._Element, float] = {}
    for paragraph in body.iter("p"):
        length = len("".join(paragraph.itertext()).strip())
        if length < 25 or any(a.tag in _FURNITURE for a in paragraph.iterancestors()):
            continue
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + length / 2
    if not scores:
        return None
    return max(scores, key=lambda element: scores[element])


def _empty_prose(root: etree._Element) -> None:
    """Empty every text node but those of scripts, styles and links outside paragraphs;
    drop comments but ours."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) and element.text != _MARKER:
            _drop(element)  # first, as its tail moves onto an element before it
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in _KEEP_TEXT_IN:
            element.text = None
        parent = element.getparent()
        if parent is not None and parent.tag not in _KEEP_TEXT_IN:
            element.tail = None
    for paragraph in root.iter("p"):  # links inside paragraphs are prose, not menus
        for inner in paragraph.iter():
            inner.text = None
            if inner is not paragraph:
                inner.tail = None


def _unmark_story_container(element: etree._Element) -> None:
    """A page has one story: the demo's. Its own article and main elements become divs, and
    roles and microdata that mark a story container go."""
    if element.tag in _STORY_CONTAINERS:
        element.tag = "div"
    for attribute in ("itemprop", "itemscope", "itemtype"):
        element.attrib.pop(attribute, None)
    if (element.get("role") or "").lower() in _STORY_CONTAINERS:
        del element.attrib["role"]


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _markup(element: etree._Element) -> str:
    return str(etree.tostring(element, method="html", encoding="unicode", with_tail=False))


# --- making chrome up ------------------------------------------------------------------------


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10)))


def _css(rng: random.Random, size: int) -> str:
    rules: list[str] = []
    total = 0
    while total < size:
        rule = (
            f".{_word(rng)}-{_word(rng)}{{margin:{rng.randint(0, 32)}px;"
            f"color:#{rng.randrange(1 << 24):06x};display:{rng.choice(('flex', 'block', 'grid'))}}}"
        )
        rules.append(rule)
        total += len(rule)
    return "".join(rules)


def _javascript(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        part = (
            f"function {_word(rng)}(a,b){{var c={rng.randint(0, 1 << 30)};"
            f'return a&&b?a["{_word(rng)}"](c):b||c}}'
        )
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _svg_path(rng: random.Random) -> str:
    points = " ".join(f"L{rng.randint(0, 24)} {rng.randint(0, 24)}" for _ in range(30))
    return f"M0 0 {points}Z"
