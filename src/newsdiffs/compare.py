"""Compare two captures of one article: would the second be recorded as a new version?

Used by ``newsdiffs compare A B --url URL``. Both pages go through the same path as a
tracked check: extract, normalise, hash, :func:`~newsdiffs.core.versioning.decide_version`
with A as the latest stored version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from typing import Any

from newsdiffs.core.classify import classify_versions
from newsdiffs.core.normalize import content_hash, normalize_paragraphs, normalize_text
from newsdiffs.core.versioning import VersionDecision, decide_version
from newsdiffs.extraction import extract
from newsdiffs.extraction.html import decode_html
from newsdiffs.models import ExtractedPage


@dataclass(frozen=True)
class CompareResult:
    """The verdict on two captures, with enough numbers to explain it."""

    new_version: bool
    reason: str
    a_hash: str
    b_hash: str
    title_changed: bool
    paragraphs_a: int
    paragraphs_b: int
    paragraphs_added: int
    paragraphs_removed: int
    extractor: str
    # What kind of change B is (core.classify), when B would be a new version.
    classification: dict[str, Any] | None = None

    def to_json_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict, field names as in the dataclass."""
        return asdict(self)


@dataclass(frozen=True)
class ParagraphChanges:
    """How the normalised paragraphs of B differ from A's."""

    added: int = 0
    removed: int = 0
    edited: int = 0  # paragraphs replaced one for one (counted in added and removed too)


def paragraph_changes(a: tuple[str, ...], b: tuple[str, ...]) -> ParagraphChanges:
    """Count paragraphs added, removed and edited between two normalised bodies."""
    added = removed = edited = 0
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op == "insert":
            added += b_end - b_start
        elif op == "delete":
            removed += a_end - a_start
        elif op == "replace":
            added += b_end - b_start
            removed += a_end - a_start
            edited += min(a_end - a_start, b_end - b_start)
    return ParagraphChanges(added=added, removed=removed, edited=edited)


def compare_pages(html_a: str | bytes, html_b: str | bytes, url: str) -> CompareResult:
    """Extract both captures of ``url`` and decide whether B is a new version of A."""
    return compare_extracted(
        extract(html_a, url), extract(html_b, url), html_change=_html_change(html_a, html_b)
    )


def _html_change(html_a: str | bytes, html_b: str | bytes) -> str:
    """``"none"``, ``"whitespace"`` or ``"markup"``: how the two documents differ."""
    text_a = decode_html(html_a)
    text_b = decode_html(html_b)
    if text_a == text_b:
        return "none"
    if "".join(text_a.split()) == "".join(text_b.split()):
        return "whitespace"
    return "markup"


def compare_extracted(
    a: ExtractedPage, b: ExtractedPage, *, html_change: str = "markup"
) -> CompareResult:
    """Decide on two extracted pages (see :func:`compare_pages`).

    ``html_change`` ("none", "whitespace" or "markup") only refines the reason given
    when the text is the same.
    """
    paragraphs_a = normalize_paragraphs(a.paragraphs)
    paragraphs_b = normalize_paragraphs(b.paragraphs)
    a_hash = content_hash(a.title, paragraphs_a)
    b_hash = content_hash(b.title, paragraphs_b)
    title_changed = normalize_text(a.title) != normalize_text(b.title)
    changes = paragraph_changes(paragraphs_a, paragraphs_b)
    decision = decide_version(b_hash, None if a.is_empty else a_hash, {a_hash: 1})
    new_version, reason = _verdict(a, b, decision, title_changed, changes, html_change)
    extractor = a.extractor if a.extractor == b.extractor else f"{a.extractor} / {b.extractor}"
    classification = None
    if new_version and not a.is_empty:
        change = classify_versions(
            normalize_text(a.title),
            paragraphs_a,
            normalize_text(b.title),
            paragraphs_b,
            a.byline,
            b.byline,
        )
        classification = change.to_json_dict()
    return CompareResult(
        new_version=new_version,
        reason=reason,
        a_hash=a_hash,
        b_hash=b_hash,
        title_changed=title_changed,
        paragraphs_a=len(paragraphs_a),
        paragraphs_b=len(paragraphs_b),
        paragraphs_added=changes.added,
        paragraphs_removed=changes.removed,
        extractor=extractor,
        classification=classification,
    )


def _verdict(
    a: ExtractedPage,
    b: ExtractedPage,
    decision: VersionDecision,
    title_changed: bool,
    changes: ParagraphChanges,
    html_change: str,
) -> tuple[bool, str]:
    if b.is_empty:
        return False, "no article text found in B" + (" (nor in A)" if a.is_empty else "")
    if decision is VersionDecision.FIRST:
        return True, "no article text found in A; B would be the first version"
    if decision is VersionDecision.NEW:
        return True, describe_changes(title_changed, changes)
    return False, _same_text_reason(a, b, html_change)


def _same_text_reason(a: ExtractedPage, b: ExtractedPage, html_change: str) -> str:
    if html_change == "none":
        return "identical pages"
    if html_change == "whitespace":
        return "only whitespace differs"
    if a.title == b.title and a.paragraphs == b.paragraphs:
        return "same text (only markup/template differs)"
    if _collapse(a) == _collapse(b):
        return "only whitespace differs"
    return "same text after normalisation (whitespace, invisible characters or page furniture)"


def _collapse(page: ExtractedPage) -> tuple[str, ...]:
    lines = (page.title, *page.paragraphs)
    return tuple(c for c in (" ".join(line.split()) for line in lines) if c)


def describe_changes(title_changed: bool, changes: ParagraphChanges) -> str:
    """A short sentence such as ``"headline changed; 2 paragraphs removed"``."""
    parts: list[str] = []
    if title_changed:
        parts.append("headline changed")
    pure_added = changes.added - changes.edited
    pure_removed = changes.removed - changes.edited
    if changes.edited:
        parts.append(_count(changes.edited, "paragraph") + " edited")
    if pure_added:
        parts.append(_count(pure_added, "paragraph") + " added")
    if pure_removed:
        parts.append(_count(pure_removed, "paragraph") + " removed")
    if not parts:
        parts.append("paragraph breaks changed")
    return "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
