"""Compare captures of one article: what would the tracker record for each?

Used by ``newsdiffs compare A B [C ...] --url URL``. ``compare A B`` answers exactly what the
tracker records when it fetches B after A with no other history: every page goes through
the same :func:`~newsdiffs.content.page_content` and the same
:func:`~newsdiffs.core.decision.decide_check`, against a history kept in memory the way the
store keeps it (versions, hash counts, word counts, schedule). Longer sequences are checked
in turn, each against the history the earlier ones left, so flip-flops, collapsed bodies and
extractor changes are judged as the tracker judges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from newsdiffs.content import Extract, extracted_content, page_content
from newsdiffs.core.anomaly import word_count
from newsdiffs.core.decision import (
    FetchFacts,
    Lookup,
    NeedsLookup,
    VersionHistory,
    decide_check,
)
from newsdiffs.core.normalize import normalize_paragraphs, normalize_text
from newsdiffs.core.urls import canonicalize_url
from newsdiffs.core.versioning import PageContent, text_hash
from newsdiffs.errors import InputError
from newsdiffs.extraction import extract
from newsdiffs.extraction.html import decode_html
from newsdiffs.extraction.sites import adapter_markers_state
from newsdiffs.models import Article, CheckOutcome, CheckResult, ExtractedPage, Version

DEFAULT_URL = "https://example.invalid/"
# When the simulated history starts; each later capture is fetched when its check is due.
_START = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CompareResult:
    """The verdict on one capture after the ones before it, with numbers to explain it."""

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
    # The outcome the tracker records for B (a CheckOutcome value) and its detail.
    outcome: str = ""
    detail: str = ""

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


def compare_pages(
    html_a: str | bytes, html_b: str | bytes, url: str, extractor: Extract = extract
) -> CompareResult:
    """What the tracker records when it fetches B after A (and nothing else) at ``url``."""
    return compare_sequence([html_a, html_b], url, extractor)[-1]


def compare_sequence(
    pages: Sequence[str | bytes], url: str, extractor: Extract = extract
) -> list[CompareResult]:
    """Each capture after the first, as the tracker records it after the ones before it."""
    if len(pages) < 2:
        raise InputError("compare needs at least two captures")
    history = _History(_article(url))
    results: list[CompareResult] = []
    previous: _Capture | None = None
    for page in pages:
        capture = _Capture.of(page, history.article.url, extractor)
        reference = history.latest_text()
        result = history.check(capture, extractor)
        if previous is not None:
            results.append(_describe(previous, capture, reference, result))
        previous = capture
    return results


# --- the simulated tracker ------------------------------------------------------------------


def _article(url: str) -> Article:
    try:
        canonical = canonicalize_url(url or DEFAULT_URL)
    except InputError:
        canonical = canonicalize_url(DEFAULT_URL)
    return Article(id=1, source="compare", url=canonical, first_seen=_START, next_check_at=_START)


@dataclass(frozen=True)
class _Capture:
    document: str | bytes
    page: ExtractedPage
    content: PageContent | None

    @classmethod
    def of(cls, document: str | bytes, url: str, extractor: Extract) -> _Capture:
        page, content = extracted_content(document, url, extractor)
        return cls(document, page, content)


@dataclass
class _History:
    """One article's history as the store keeps it, in memory."""

    article: Article
    versions: list[tuple[Version, str | bytes]] = field(default_factory=list)
    now: datetime = _START

    def latest_text(self) -> tuple[str, tuple[str, ...], str] | None:
        if not self.versions:
            return None
        latest = self.versions[-1][0]
        return latest.title, latest.paragraphs, latest.content_hash

    def check(self, capture: _Capture, extractor: Extract) -> CheckResult:
        article = self.article
        url = article.url
        body = capture.document
        facts = FetchFacts(
            outcome="ok",
            status=200,
            final_url=url,
            body=body if isinstance(body, bytes) else body.encode("utf-8"),
        )
        latest = self.versions[-1][0] if self.versions else None
        latest_hash = latest.content_hash if latest is not None else None
        decided = decide_check(article, latest_hash, capture.content, facts, self.now)
        if isinstance(decided, NeedsLookup):
            assert capture.content is not None  # only a page's text is ever looked up
            decided = decide_check(
                article,
                latest_hash,
                capture.content,
                facts,
                self.now,
                self._lookup(capture, extractor),
            )
            assert not isinstance(decided, NeedsLookup)
        self._apply(decided, body)
        return decided

    def _lookup(self, capture: _Capture, extractor: Extract) -> Lookup:
        versions = [version for version, _ in self.versions]
        counts: dict[str, int] = {}
        for version in versions:
            counts[version.content_hash] = counts.get(version.content_hash, 0) + 1
        latest = versions[-1] if versions else None
        reextracted = None
        markers = None
        assert capture.content is not None
        if latest is not None:
            if latest.extractor != capture.content.page.extractor:
                again = page_content(self.versions[-1][1], self.article.url, extractor)
                reextracted = None if again is None else again.hash
            markers = adapter_markers_state(
                self.article.url, decode_html(capture.document), latest.extractor
            )
        return Lookup(
            history=VersionHistory(
                latest=latest,
                hash_counts=counts,
                word_counts=tuple(word_count(v.paragraphs) for v in versions),
            ),
            reextracted_hash=reextracted,
            markers_matched=markers,
        )

    def _apply(self, result: CheckResult, body: str | bytes) -> None:
        """What record_check does to the history."""
        update = result.latest_update
        if update is not None and self.versions:
            latest, stored = self.versions[-1]
            if latest.content_hash == update.expected_hash:
                latest = replace(latest, content_hash=update.content_hash)
                if update.title is not None and update.paragraphs is not None:
                    latest = replace(latest, title=update.title, paragraphs=update.paragraphs)
                if update.extractor is not None:
                    latest = replace(latest, extractor=update.extractor)
                self.versions[-1] = (latest, stored)
        new = result.new_version
        last_changed_at = self.article.last_changed_at
        if new is not None and (
            not self.versions or self.versions[-1][0].content_hash != new.content_hash
        ):
            number = len(self.versions) + 1
            version = new.stored_as(number, self.article.id, number)
            self.versions.append((version, body))
            last_changed_at = new.captured_at
        self.article = replace(
            self.article,
            status=result.status,
            next_check_at=result.next_check_at,
            check_interval=result.check_interval,
            last_checked_at=result.check.checked_at,
            last_changed_at=last_changed_at,
            version_count=len(self.versions),
        )
        due = result.next_check_at or self.now + timedelta(minutes=30)
        self.now = max(due, self.now + timedelta(seconds=1))


# --- explaining a result --------------------------------------------------------------------


def _describe(
    previous: _Capture,
    capture: _Capture,
    reference: tuple[str, tuple[str, ...], str] | None,
    result: CheckResult,
) -> CompareResult:
    """The verdict on ``capture``, against the latest stored version before it (or, when
    nothing was stored, the capture before it)."""
    if reference is not None:
        title_a, paragraphs_a, a_hash = reference
    else:
        title_a = normalize_text(previous.page.title)
        paragraphs_a = normalize_paragraphs(previous.page.paragraphs)
        a_hash = text_hash(title_a, paragraphs_a)
    title_b = normalize_text(capture.page.title)
    paragraphs_b = normalize_paragraphs(capture.page.paragraphs)
    b_hash = capture.content.hash if capture.content is not None else text_hash(title_b, ())
    title_changed = title_a != title_b
    changes = paragraph_changes(paragraphs_a, paragraphs_b)
    outcome = result.check.outcome
    new = result.new_version
    a_name, b_name = previous.page.extractor, capture.page.extractor
    return CompareResult(
        new_version=outcome.is_change,
        reason=_reason(previous, capture, outcome, result.check.detail, title_changed, changes),
        a_hash=a_hash,
        b_hash=b_hash,
        title_changed=title_changed,
        paragraphs_a=len(paragraphs_a),
        paragraphs_b=len(paragraphs_b),
        paragraphs_added=changes.added,
        paragraphs_removed=changes.removed,
        extractor=a_name if a_name == b_name else f"{a_name} / {b_name}",
        classification=(
            new.classification.to_json_dict()
            if new is not None and new.classification is not None
            else None
        ),
        outcome=str(outcome),
        detail=result.check.detail,
    )


def _reason(
    previous: _Capture,
    capture: _Capture,
    outcome: CheckOutcome,
    detail: str,
    title_changed: bool,
    changes: ParagraphChanges,
) -> str:
    if outcome is CheckOutcome.NOT_AN_ARTICLE:
        return "no article text found in B" + (" (nor in A)" if previous.content is None else "")
    if outcome is CheckOutcome.FIRST_VERSION:
        return "no article text found in A; B would be the first version"
    if outcome is CheckOutcome.NEW_VERSION:
        return describe_changes(title_changed, changes)
    if outcome is CheckOutcome.UNCHANGED:
        return _same_text_reason(previous, capture, detail)
    return f"{outcome}: {detail}" if detail else str(outcome)


def _same_text_reason(previous: _Capture, capture: _Capture, detail: str) -> str:
    a, b = previous.page, capture.page
    html_change = _html_change(previous.document, capture.document)
    if html_change == "none":
        return "identical pages"
    if html_change == "whitespace":
        return "only whitespace differs"
    if a.title == b.title and a.paragraphs == b.paragraphs:
        return "same text (only markup/template differs)"
    if _collapse(a) == _collapse(b):
        return "only whitespace differs"
    if detail == "extractor changed":
        return "same text once the stored page is re-extracted (the extractor changed)"
    if normalize_paragraphs(a.paragraphs) != normalize_paragraphs(b.paragraphs) and (
        " ".join(normalize_paragraphs(a.paragraphs)) == " ".join(normalize_paragraphs(b.paragraphs))
    ):
        return "same words, only paragraph breaks differ"
    return "same text after normalisation (whitespace, invisible characters or page furniture)"


def _html_change(html_a: str | bytes, html_b: str | bytes) -> str:
    """``"none"``, ``"whitespace"`` or ``"markup"``: how the two documents differ."""
    text_a = decode_html(html_a)
    text_b = decode_html(html_b)
    if text_a == text_b:
        return "none"
    if "".join(text_a.split()) == "".join(text_b.split()):
        return "whitespace"
    return "markup"


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
