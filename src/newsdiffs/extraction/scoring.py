"""The Article Extraction Benchmark's body metric (4-token shingles), implemented exactly.

tokens = ``re.findall(r"\\w+", text)`` (case kept); shingles = every 4-token window (a
shorter text is one shingle, an empty text none); per page the multiset TP/FP/FN counts are
normalised to sum to 1; precision and recall are means over pages (precision skips pages
with TP+FP = 0, recall skips TP+FN = 0; a page with nothing on either side scores 1);
F1 = 2PR / (P + R).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[str]:
    """The multiset of ``size``-token windows of ``text``."""
    tokens = _TOKEN.findall(text or "")
    windows = (" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(w for w in windows if w)


@dataclass(frozen=True)
class PageScore:
    """Normalised shingle counts of one page (they sum to 1, or are all 0)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else None

    @property
    def recall(self) -> float | None:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else None


def score_page(truth: str, predicted: str) -> PageScore:
    """Shingle TP/FP/FN of one page, normalised to sum to 1."""
    expected, found = shingles(truth), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class BodyScore:
    """Corpus-level precision, recall and F1 (means over pages)."""

    precision: float
    recall: float
    f1: float
    pages: int


def aggregate(scores: Iterable[PageScore]) -> BodyScore:
    """Mean precision and recall over pages (skipping undefined ones), and their F1."""
    pages = list(scores)
    precisions = [p for p in (s.precision for s in pages) if p is not None]
    recalls = [r for r in (s.recall for s in pages) if r is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision=precision, recall=recall, f1=f1, pages=len(pages))


def title_matches(truth: str, predicted: str) -> bool:
    """Exact title match after whitespace normalisation."""
    return " ".join(truth.split()) == " ".join(predicted.split())
