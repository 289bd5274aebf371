"""Alert rules (core/alert_rules.py): parsing, and matching against the demo newsroom's truth.

The demo newsroom knows every real edit it made (``EditKind``) and every article it deleted or
redirected. Each rule below says, from that truth alone, which changes it must get; the
facts the outbox builds (classification of the two states) must give it exactly those.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock

import pytest

from newsdiffs.core.alert_rules import (
    KINDS,
    MAX_MATCH_TEXT,
    AlertRule,
    ChangeFacts,
    TargetSpec,
    event_facts,
    matching_rules,
    rule_from_dict,
    rule_to_dict,
    version_facts,
)
from newsdiffs.core.classify import classify_versions
from newsdiffs.demo.story import EditKind, EditorialState
from newsdiffs.demo.timeline import Special, build_timeline
from newsdiffs.errors import ConfigError

HOOK = "webhook://127.0.0.1:9/hook"


@dataclass(frozen=True)
class TrueChange:
    """One change in the newsroom: what was really done, and the facts the outbox builds."""

    article: int
    source: str
    edit: EditKind | None  # None: an A/B headline flip, or an event
    event: str | None
    a: EditorialState | None
    b: EditorialState | None
    facts: ChangeFacts


def _source(index: int) -> str:
    return "demo-even" if index % 2 == 0 else "demo-odd"


def _newsroom_changes() -> list[TrueChange]:
    timeline = build_timeline(datetime(2026, 1, 1, tzinfo=UTC), 80, seed=11)
    changes: list[TrueChange] = []
    for article in timeline.articles:
        source = _source(article.index)
        for before, after in zip(article.spans, article.spans[1:], strict=False):
            a, b = before.state, after.state
            if a.content_key == b.content_key:
                continue
            known = classify_versions(
                a.title, a.paragraphs, b.title, b.paragraphs, a.byline, b.byline
            )
            facts = version_facts(
                source, article.index, known, (a.title, b.title), (a.byline, b.byline)
            )
            changes.append(TrueChange(article.index, source, after.edit, None, a, b, facts))
        event = {Special.DELETED: "gone", Special.REDIRECTED: "redirected"}.get(article.special)
        if event is not None:
            facts = event_facts(source, article.index, event)
            changes.append(TrueChange(article.index, source, None, event, None, None, facts))
    return changes


CHANGES = _newsroom_changes()
QUOTATION = re.compile(r"“([^”]+)”")


def _version(change: TrueChange) -> tuple[EditorialState, EditorialState] | None:
    return None if change.a is None or change.b is None else (change.a, change.b)


def _quote_paragraph_moved(change: TrueChange) -> bool:
    """A paragraph with a quotation of 3+ words was added or removed."""
    pair = _version(change)
    if pair is None or change.edit not in (EditKind.ADD_PARAGRAPH, EditKind.REMOVE_PARAGRAPH):
        return False
    a, b = pair
    moved = set(a.paragraphs) ^ set(b.paragraphs)
    return any(len(q.split()) >= 3 for text in moved for q in QUOTATION.findall(text))


def _title_numbers_changed(change: TrueChange) -> bool:
    pair = _version(change)
    if pair is None:
        return False
    a, b = pair
    old, new = re.findall(r"\d+", a.title), re.findall(r"\d+", b.title)
    return sorted(old) != sorted(new) and bool(old) and bool(new)


def _is_version(change: TrueChange) -> bool:
    return change.event is None


def _headline(change: TrueChange) -> bool:
    pair = _version(change)
    return pair is not None and pair[0].title != pair[1].title


def _appended(change: TrueChange) -> bool:
    pair = _version(change)
    if pair is None:
        return False
    a, b = pair
    return len(b.paragraphs) > len(a.paragraphs) and b.paragraphs[: len(a.paragraphs)] == (
        a.paragraphs
    )


def _lede(change: TrueChange) -> bool:
    pair = _version(change)
    return pair is not None and pair[0].paragraphs[0] != pair[1].paragraphs[0]


# rule (as a TOML table would give it) -> which true changes it must get
RULES: list[tuple[dict[str, object], Callable[[TrueChange], bool]]] = [
    ({"name": "all"}, _is_version),
    ({"name": "every-version", "kinds": ["new_version"]}, _is_version),
    ({"name": "headlines", "kinds": ["headline"]}, _headline),
    (
        {"name": "headlines-significant", "kinds": ["headline"], "min_significance": 0.45},
        _headline,
    ),
    (
        {"name": "corrections", "kinds": ["correction_notice"]},
        lambda c: c.edit is EditKind.CORRECTION,
    ),
    (
        {"name": "quotes", "kinds": ["quotes"]},
        lambda c: c.edit is EditKind.QUOTE or _quote_paragraph_moved(c),
    ),
    (
        {"name": "numbers", "kinds": ["numbers"]},
        lambda c: c.edit is EditKind.NUMBER or _title_numbers_changed(c),
    ),
    ({"name": "appended", "kinds": ["appended"]}, _appended),
    ({"name": "lede", "kinds": ["lede"]}, _lede),
    (
        {"name": "stealth", "kinds": ["stealth"]},
        lambda c: _is_version(c) and c.edit not in (EditKind.CORRECTION, EditKind.ADD_PARAGRAPH),
    ),
    ({"name": "gone", "kinds": ["gone"]}, lambda c: c.event == "gone"),
    ({"name": "redirected", "kinds": ["redirected"]}, lambda c: c.event == "redirected"),
    (
        {"name": "gone-or-headline", "kinds": ["gone", "headline"]},
        lambda c: c.event == "gone" or _headline(c),
    ),
    (
        {"name": "even", "sources": ["demo-even"]},
        lambda c: _is_version(c) and c.source == "demo-even",
    ),
    (
        {"name": "even-quotes", "sources": "demo-even", "kinds": ["quotes"]},
        lambda c: (
            c.source == "demo-even" and (c.edit is EditKind.QUOTE or _quote_paragraph_moved(c))
        ),
    ),
    ({"name": "some", "articles": [3, 4, 5]}, lambda c: _is_version(c) and c.article in (3, 4, 5)),
    ({"name": "keyword", "keywords": ["CORRECTED"]}, lambda c: c.edit is EditKind.CORRECTION),
    (
        {"name": "regex", "pattern": r"earlier version of this article"},
        lambda c: c.edit is EditKind.CORRECTION,
    ),
    ({"name": "off", "enabled": False}, lambda c: False),
]


def _rule(table: dict[str, object]) -> AlertRule:
    return rule_from_dict({"targets": [HOOK], **table})


def test_the_newsroom_has_every_kind_of_change() -> None:
    edits = {change.edit for change in CHANGES}
    assert set(EditKind) <= edits
    assert {change.event for change in CHANGES} >= {"gone", "redirected"}
    assert len(CHANGES) > 100


@pytest.mark.parametrize(("table", "truth"), RULES, ids=[str(table["name"]) for table, _ in RULES])
def test_every_rule_gets_exactly_the_changes_it_matches(
    table: dict[str, object], truth: Callable[[TrueChange], bool]
) -> None:
    rule = _rule(table)
    got = [change for change in CHANGES if matching_rules([rule], change.facts) == [rule]]
    expected = [change for change in CHANGES if truth(change)]
    assert [(c.article, c.edit, c.event) for c in got] == [
        (c.article, c.edit, c.event) for c in expected
    ]
    if table["name"] != "off":
        assert expected, "a rule that matches nothing tests nothing"


def test_matching_rules_keeps_order_and_takes_every_match() -> None:
    rules = [_rule(table) for table, _ in RULES]
    change = next(c for c in CHANGES if c.edit is EditKind.CORRECTION)
    names = [rule.name for rule in matching_rules(rules, change.facts)]
    assert names[:2] == ["all", "every-version"]
    assert {"corrections", "keyword", "regex", "appended"} <= set(names)
    assert "headlines" not in names and "off" not in names


# --- parsing -------------------------------------------------------------------------------


def test_a_full_rule_round_trips() -> None:
    table = {
        "name": "guardian-headlines",
        "targets": [
            {"url": "mastodons://TOKEN@social.example"},
            {"url": HOOK, "per_hour": 10, "quiet_hours": "22:00-07:00", "digest": "daily"},
        ],
        "sources": ["guardian"],
        "kinds": ["headline", "stealth"],
        "min_significance": 0.3,
        "keywords": ["minister"],
        "pattern": r"\bresign",
        "articles": [12],
        "enabled": True,
    }
    rule = rule_from_dict(table)
    assert rule.targets[1] == TargetSpec(HOOK, 10, (clock(22, 0), clock(7, 0)), "daily")
    assert rule_to_dict(rule) == table
    assert rule_from_dict(rule_to_dict(rule)) == rule
    short = rule_from_dict({"name": "n", "targets": HOOK, "kinds": "HEADLINE"})
    assert short.targets == (TargetSpec(HOOK),) and short.kinds == ("headline",)


BAD_RULES: list[tuple[dict[str, object], str]] = [
    ({"targets": [HOOK]}, "'name' is required"),
    ({"name": "x"}, "'targets' must list at least one target URL"),
    ({"name": "x", "targets": []}, "'targets' must list at least one target URL"),
    ({"name": "x", "targets": ["not a url"]}, "a target 'url' is scheme://..."),
    ({"name": "x", "targets": [HOOK], "kinds": ["headlines"]}, "unknown kind(s) headlines"),
    ({"name": "x", "targets": [HOOK], "pattern": "(unclosed"}, "is not a valid regex"),
    ({"name": "x", "targets": [HOOK], "min_significance": 2}, "from 0 to 1"),
    ({"name": "x", "targets": [HOOK], "min_significance": True}, "from 0 to 1"),
    ({"name": "x", "targets": [HOOK], "colour": "red"}, "unknown key(s): colour"),
    ({"name": "x", "targets": [HOOK], "articles": ["7"]}, "'articles' must be a whole number"),
    ({"name": "x", "targets": [HOOK], "keywords": [""]}, "'keywords' must hold non-empty"),
    ({"name": "x", "targets": [HOOK], "enabled": "yes"}, "'enabled' must be true or false"),
    ({"name": "x", "targets": [{"url": HOOK, "per_hour": 0}]}, "'per_hour' must be a whole"),
    ({"name": "x", "targets": [{"url": HOOK, "digest": "weekly"}]}, "'digest' is one of"),
    ({"name": "x", "targets": [{"url": HOOK, "quiet_hours": "25:00-07:00"}]}, "HH:MM"),
    ({"name": "x", "targets": [{"url": HOOK, "quiet_hours": "07:00-07:00"}]}, "same time"),
    ({"name": "x", "targets": [{"url": HOOK, "secret": "s"}]}, "unknown target key(s)"),
]


@pytest.mark.parametrize(("table", "message"), BAD_RULES, ids=[m for _, m in BAD_RULES])
def test_bad_rules_are_one_clear_config_error(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        rule_from_dict(table)
    text = str(raised.value)
    assert message in text
    assert "\n" not in text
    assert text.startswith("alert rule")


def test_every_kind_is_accepted() -> None:
    assert _rule({"name": "k", "kinds": list(KINDS)}).kinds == KINDS


def test_a_catastrophic_regex_only_sees_bounded_text() -> None:
    """(a+)+$ backtracks exponentially; bounded to MAX_MATCH_TEXT characters of changed text
    it still ends, and a page of any size costs the same."""
    rule = _rule({"name": "evil", "pattern": r"(x+x+)+y"})
    facts = ChangeFacts("s", 1, frozenset({"new_version"}), 0.5, "x" * 18 + "z" * 10_000_000)
    start = time.process_time()
    assert matching_rules([rule], facts) == []
    assert time.process_time() - start < 5.0  # 18 x: ~0.05 s of backtracking
    assert MAX_MATCH_TEXT == 20_000
    beyond = ChangeFacts("s", 1, frozenset({"new_version"}), 0.5, "a " * 15_000 + "needle")
    for table in ({"name": "p", "pattern": "needle"}, {"name": "k", "keywords": ["needle"]}):
        assert matching_rules([_rule(table)], beyond) == []  # never read past the bound


def test_changed_text_is_bounded_and_holds_old_and_new() -> None:
    a, b = "The mayor resigned.", "The mayor was ousted."
    known = classify_versions("Old title", [a, "x " * 30_000], "New title", [b, "x " * 30_000])
    facts = version_facts("s", 1, known, ("Old title", "New title"))
    assert facts.changed_text.splitlines()[:2] == ["Old title", "New title"]
    assert a in facts.changed_text and b in facts.changed_text
    assert len(facts.changed_text) <= MAX_MATCH_TEXT + 10
    assert {"new_version", "headline", "stealth"} <= facts.kinds
    unclassified = version_facts("s", 1, None, ("T", "T"))
    assert unclassified.kinds == frozenset({"new_version"}) and unclassified.significance == 0
