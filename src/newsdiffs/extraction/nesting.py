"""Flatten absurdly deep tag nesting before parsing, so that no text is dropped.

libxml2's HTML parser stops building the tree 256 levels down (``Excessive depth in
document``) and silently drops the text below; ``XML_PARSE_HUGE`` only moves the limit
to 2,048 and lifts other safety limits with it. Real pages are shallow (deepest in the
corpus: 50 levels, median 17), so a page that hits the limit is broken or hostile: its
text is kept and the wrappers below :data:`MAX_DEPTH` are removed instead.

The scan is one forward pass (``str.find`` and one regular expression without nested
repetition: linear in the page size) and only runs for pages the parser rejected. Every
1,000 tags cost about 3 ms.
"""

from __future__ import annotations

import re
import string

# Open elements kept on any path; deeper start tags are replaced by a space. (Well below
# libxml2's 256, so that a few elements it opens on its own never reach the limit.)
MAX_DEPTH = 128
# Below MAX_DEPTH, paragraph-level tags are still kept up to this many further levels so
# that deep paragraphs stay separate paragraphs (they cannot nest much: a <p> closes <p>).
_PARAGRAPH_MARGIN = 16
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
_VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr",
    }
)  # fmt: skip
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "xmp", "noscript"})
# Elements a new one of the same name closes (an unclosed <p> before the next <p>).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# A start or end tag's name, or a comment's start (one character class: no backtracking).
_MARKUP = re.compile(r"<(?:(/?)([a-z][a-z0-9:_-]*)|!--)")
# How far up the open elements a closing tag looks for its start tag; a stray closing tag
# with no start within this distance is left alone (bounds the work per tag).
_CLOSE_SEARCH = 256


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` with the start and end tags of elements nested deeper than ``max_depth``
    replaced by spaces; all text, comments and scripts are kept as they are."""
    lower = html.translate(_ASCII_LOWER)  # str.lower() may change the length (İ)
    pieces: list[str] = []
    copied = 0  # html[:copied] is already in pieces
    stack: list[tuple[str, bool]] = []  # (tag, dropped)
    depth = 0  # kept open elements
    found = _MARKUP.search(lower)
    while found is not None:
        position = found.start()
        name = found.group(2)
        if name is None:  # a comment: nothing in it is markup
            resume = lower.find("-->", found.end())
            if resume == -1:
                break
            found = _MARKUP.search(lower, resume + 3)
            continue
        end = lower.find(">", found.end())
        if end == -1:
            break
        resume = end + 1
        drop = False
        if found.group(1):
            if stack and stack[-1][0] == name:  # the usual case: closes the last one open
                drop = stack.pop()[1]
                depth -= not drop
            else:
                drop, depth = _close(stack, name, depth)
        elif name in _RAW_TEXT_TAGS:  # kept: no element inside, its text is not markup
            stack.append((name, False))
            depth += 1
            resume = _raw_text_end(lower, name, end)
        elif name not in _VOID_TAGS and lower[end - 1] != "/":
            if name in _SELF_CLOSING_SIBLINGS and stack and stack[-1][0] == name:
                depth -= not stack.pop()[1]
            limit = max_depth + (_PARAGRAPH_MARGIN if name in _PARAGRAPH_TAGS else 0)
            drop = depth >= limit
            stack.append((name, drop))
            depth += not drop
        if drop:
            pieces.append(html[copied:position])
            pieces.append(" ")
            copied = end + 1
        if resume == -1:
            break
        found = _MARKUP.search(lower, resume)
    pieces.append(html[copied:])
    return "".join(pieces)


def _raw_text_end(lower: str, name: str, end: int) -> int:
    """Where a raw-text element's end tag starts (its content holds no tags), or -1."""
    return lower.find("</" + name, end + 1)


def _close(stack: list[tuple[str, bool]], name: str, depth: int) -> tuple[bool, int]:
    """Close ``name`` and what is open inside it: (whether its end tag goes, new depth)."""
    lowest = max(0, len(stack) - _CLOSE_SEARCH)
    for index in range(len(stack) - 1, lowest - 1, -1):
        if stack[index][0] == name:
            dropped = stack[index][1]
            depth -= sum(not entry_dropped for _, entry_dropped in stack[index:])
            del stack[index:]
            return dropped, depth
    return False, depth
