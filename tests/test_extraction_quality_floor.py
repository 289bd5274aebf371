"""CI gate: extraction quality on the real-world corpus must not drop below pinned floors.

Floors live in benchmarks/extraction_baseline.json (measured scores minus a small margin).
Recomputing them scores every page of zyte-aeb and naeb-dev: about a minute.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from corpus import REPO_ROOT, corpus_dir

BASELINE = REPO_ROOT / "benchmarks" / "extraction_baseline.json"


def _bench_module() -> ModuleType:
    path = REPO_ROOT / "benchmarks" / "bench_extraction.py"
    spec = importlib.util.spec_from_file_location("bench_extraction", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_extraction_scores_stay_above_floors() -> None:
    corpus = corpus_dir("extraction").parent
    floors: dict[str, dict[str, float]] = json.loads(BASELINE.read_text("utf-8"))["floors"]
    scores = _bench_module().evaluate_ours(Path(corpus))
    measured = {
        name: {
            "precision": score.body.precision,
            "recall": score.body.recall,
            "f1": score.body.f1,
            **({"title_exact": score.title_exact} if score.title_exact is not None else {}),
        }
        for name, score in scores.items()
    }
    drops = [
        f"{dataset} {metric}: {measured[dataset][metric]:.4f} < floor {floor:.4f}"
        for dataset, metrics in floors.items()
        for metric, floor in metrics.items()
        if measured[dataset][metric] < floor
    ]
    assert not drops, "extraction quality dropped:\n" + "\n".join(drops)
    assert set(floors) == set(measured), "baseline and benchmark datasets differ"


@pytest.mark.slow
def test_no_site_adapter_does_worse_than_generic_on_its_own_outlet() -> None:
    """Per adapter, on the extraction corpus pages whose URL it claims: body F1 of what the
    chain returns (the adapter's page) is at least the generic extractor's alone."""
    corpus = corpus_dir("extraction").parent
    rows = _bench_module().evaluate_adapters(Path(corpus))
    assert len(rows) >= 20, "most adapters have pages of their outlet in the corpus"
    worse = [
        f"{row.adapter}: {row.adapter_body.f1:.4f} < generic {row.generic_body.f1:.4f}"
        f" on {row.pages} pages"
        for row in rows
        if row.adapter_body.f1 < row.generic_body.f1
    ]
    assert not worse, "site adapters below the generic extractor:\n" + "\n".join(worse)
