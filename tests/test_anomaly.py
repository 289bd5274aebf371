"""Redesign safety: empty bodies, collapsed bodies and missing adapter markers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsdiffs.core.anomaly import (
    BODY_COLLAPSED,
    EMPTY_BODY,
    LAYOUT_CHANGED,
    Anomaly,
    AnomalyThresholds,
    detect_extraction_anomaly,
    word_count,
)
from newsdiffs.models import ExtractedPage


def _page(words: int, title: str = "A headline", extractor: str = "generic@1") -> ExtractedPage:
    """A page whose body has exactly ``words`` words, in paragraphs of up to 40."""
    paragraphs = []
    remaining = words
    while remaining > 0:
        size = min(40, remaining)
        paragraphs.append(" ".join(f"w{i}" for i in range(size)))
        remaining -= size
    return ExtractedPage(title=title, paragraphs=tuple(paragraphs), extractor=extractor)


def test_word_count_matches_the_page_builder() -> None:
    assert word_count(_page(123).paragraphs) == 123
    assert word_count(["  two  words ", "", "three more words"]) == 5
    assert word_count([]) == 0


@pytest.mark.parametrize("paragraphs", [(), ("",), ("   ", "\n\t")])
def test_empty_body_is_an_anomaly_even_without_history(paragraphs: tuple[str, ...]) -> None:
    page = ExtractedPage(title="Still a title", paragraphs=paragraphs, extractor="bbc@1")
    anomaly = detect_extraction_anomaly(page, [], None)
    assert anomaly is not None
    assert anomaly.kind == EMPTY_BODY
    assert "Still a title" in anomaly.detail


def test_body_collapsed_far_below_the_median_of_history() -> None:
    anomaly = detect_extraction_anomaly(_page(120), [900, 950, 1000], None)
    assert anomaly == Anomaly(
        BODY_COLLAPSED, "120 words against a median of 950 over 3 earlier versions"
    )


def test_collapse_is_judged_against_the_median_not_the_last_version() -> None:
    # One odd short version in the history does not drag the reference down.
    assert detect_extraction_anomaly(_page(200), [800, 40, 820], None) is not None
    # Nor does one odd long one push it up.
    assert detect_extraction_anomaly(_page(200), [300, 5000, 320], None) is None


@pytest.mark.parametrize(
    ("words", "history"),
    [
        (1200, [400, 600, 800]),  # growth of a developing story
        (500, [600, 650]),  # trimmed by a sixth
        (260, [600, 620, 640]),  # cut by more than half, still above 40 %
        (248, [620, 620]),  # exactly 40 % of the median is not below it
    ],
)
def test_normal_growth_and_shrink_are_not_flagged(words: int, history: list[int]) -> None:
    assert detect_extraction_anomaly(_page(words), history, None) is None


def test_a_minimum_history_is_needed_before_judging_length() -> None:
    assert detect_extraction_anomaly(_page(50), [], None) is None
    assert detect_extraction_anomaly(_page(50), [900], None) is None
    assert detect_extraction_anomaly(_page(50), [900, 900], None) is not None


def test_short_articles_vary_too_much_to_judge() -> None:
    # A 60-word brief cut to 20 words is an editor's call, not a broken template.
    assert detect_extraction_anomaly(_page(20), [60, 60, 60], None) is None


def test_thresholds_can_be_tuned() -> None:
    strict = AnomalyThresholds(min_history=1, min_median_words=10, collapse_ratio=0.8)
    anomaly = detect_extraction_anomaly(_page(50), [100], None, thresholds=strict)
    assert anomaly is not None and anomaly.kind == BODY_COLLAPSED


def test_missing_adapter_markers_with_adapter_history_is_a_layout_change() -> None:
    page = _page(700, extractor="generic@1")
    anomaly = detect_extraction_anomaly(page, [680, 700], adapter_markers_matched=False)
    assert anomaly is not None
    assert anomaly.kind == LAYOUT_CHANGED
    assert "generic@1" in anomaly.detail


def test_layout_change_is_reported_even_with_a_single_earlier_version() -> None:
    anomaly = detect_extraction_anomaly(_page(700), [700], adapter_markers_matched=False)
    assert anomaly is not None and anomaly.kind == LAYOUT_CHANGED


def test_missing_markers_on_a_first_capture_is_not_an_anomaly() -> None:
    # Nothing to protect yet: the generic extractor's first version is simply stored.
    assert detect_extraction_anomaly(_page(700), [], adapter_markers_matched=False) is None


def test_matching_markers_or_no_adapter_are_not_layout_changes() -> None:
    assert detect_extraction_anomaly(_page(700), [680, 700], adapter_markers_matched=True) is None
    assert detect_extraction_anomaly(_page(700), [680, 700], adapter_markers_matched=None) is None


def test_empty_body_takes_precedence_over_other_findings() -> None:
    empty = ExtractedPage(title="T", paragraphs=(), extractor="generic@1")
    anomaly = detect_extraction_anomaly(empty, [900, 900], adapter_markers_matched=False)
    assert anomaly is not None and anomaly.kind == EMPTY_BODY


def test_anomaly_module_does_no_io() -> None:
    """core/ stays pure: importing the module loads no network, database or parser."""
    code = (
        "import sys; import newsdiffs.core.anomaly; "
        "heavy = {'httpx', 'sqlalchemy', 'lxml', 'trafilatura', 'socket'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
