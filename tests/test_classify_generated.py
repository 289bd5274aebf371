"""The classifier recovers known edits applied to real articles (F1 >= 0.95 over op types).

Articles: truth.json bodies of the zyte-aeb and naeb-dev extraction sets (read from the
shared corpus, skipped when absent). Edits: tests/edit_generator.py.
"""

from __future__ import annotations

from collections import Counter

import pytest
from edit_generator import (
    LABEL_TYPES,
    OPERATIONS,
    GeneratedEdit,
    generate_cases,
    load_articles,
    predicted_labels,
)

from newsdiffs.core.classify import classify_versions
from newsdiffs.core.diffing import diff_versions

MIN_MACRO_F1 = 0.95
MIN_TYPE_F1 = 0.90


@pytest.fixture(scope="module")
def cases() -> list[GeneratedEdit]:
    articles = load_articles()
    if not articles:
        pytest.skip("corpus not found (set NEWSDIFFS_CORPUS): extraction truth.json needed")
    return list(generate_cases(articles, seed=20241126, per_article=1, max_operations=3))


def test_generator_covers_every_operation(cases: list[GeneratedEdit]) -> None:
    counts = Counter(op for case in cases for op in case.operations)
    assert set(counts) == set(OPERATIONS)
    assert min(counts.values()) >= 30, counts


def test_classifier_recovers_generated_operations(cases: list[GeneratedEdit]) -> None:
    true_positive: Counter[str] = Counter()
    false_positive: Counter[str] = Counter()
    false_negative: Counter[str] = Counter()
    for case in cases:
        result = classify_versions(case.a_title, case.a_paragraphs, case.b_title, case.b_paragraphs)
        predicted = predicted_labels(result)
        assert result.substantive == (case.operations != ("typo",))  # a typo is cosmetic
        for label in LABEL_TYPES:
            if label in predicted and label in case.labels:
                true_positive[label] += 1
            elif label in predicted:
                false_positive[label] += 1
            elif label in case.labels:
                false_negative[label] += 1
    scores = {}
    for label in LABEL_TYPES:
        tp, fp, fn = true_positive[label], false_positive[label], false_negative[label]
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    macro = sum(scores.values()) / len(scores)
    summary = ", ".join(f"{label}={score:.3f}" for label, score in scores.items())
    assert macro >= MIN_MACRO_F1, summary
    assert min(scores.values()) >= MIN_TYPE_F1, summary


def test_generated_diffs_rebuild_both_versions(cases: list[GeneratedEdit]) -> None:
    for case in cases[:150]:
        diff = diff_versions(case.a_title, case.a_paragraphs, case.b_title, case.b_paragraphs)
        assert diff.a_paragraphs == case.a_paragraphs
        assert diff.b_paragraphs == case.b_paragraphs
        assert diff.title.b_text == case.b_title
