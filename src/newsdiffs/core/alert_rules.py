"""Alert rules: which changes a rule wants, and where it sends them. Pure.

A rule (:class:`AlertRule`) matches a change (:class:`ChangeFacts`, built when the change is
recorded) when every condition it sets holds:

- ``sources`` / ``articles``: the change's source / article is one of them (empty: any);
- ``kinds``: the change has one of them: :class:`~newsdiffs.core.classify.ChangeKind`
  values, ``stealth``, ``new_version`` (any new version), ``first_version`` (an article's
  first capture: not a change, asked for by name, as Wayback archiving does), or the event
  kinds ``gone``, ``redirected`` (redirected away) and ``returned``. No kinds means any new
  version (never a first capture or an event: those are asked for by name);
- ``min_significance``: the change's significance is at least this (events count as 1);
- ``keywords``: one of them occurs in the changed text (case-insensitive);
- ``pattern``: the regex is found in the changed text.

A user's regex cannot be proven to run in linear time, so it only ever sees the first
:data:`MAX_MATCH_TEXT` characters of the changed text (the changed sentences, not the page):
the cost of one match is bounded whatever the page. Patterns are compiled when a rule is
parsed, so a bad one is a :class:`~newsdiffs.errors.ConfigError` at load, not at the first
change.

:func:`rule_from_dict` reads a rule from a TOML table or API JSON; :func:`rule_to_dict` is its
inverse (what the store keeps). The rule's *name* and its targets' URL schemes are checked by
the layer above (:mod:`newsdiffs.usecases.alerts`): the name rule and the target schemes are
not core concepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Any, Literal, cast

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.errors import ConfigError

__all__ = [
    "EVENT_KINDS",
    "FIRST_VERSION",
    "KINDS",
    "MAX_MATCH_TEXT",
    "NEW_VERSION",
    "AlertRule",
    "ChangeFacts",
    "TargetSpec",
    "event_facts",
    "first_version_facts",
    "matching_rules",
    "rule_from_dict",
    "rule_to_dict",
    "version_facts",
]

STEALTH = "stealth"
NEW_VERSION = "new_version"
FIRST_VERSION = "first_version"
EVENT_KINDS = ("gone", "redirected", "returned")
KINDS = (
    *(kind.value for kind in ChangeKind),
    STEALTH,
    NEW_VERSION,
    FIRST_VERSION,
    *EVENT_KINDS,
)
DIGESTS = ("hourly", "daily")
# Keywords and patterns look at most at this many characters of the changed text. A
# backtracking regex over 20,000 characters is still bounded (and the changed sentences of a
# real edit are a few hundred characters; a 300-word rewrite about 4,000).
MAX_MATCH_TEXT = 20_000
_MAX_LIST = 1_000  # most sources, keywords, articles or targets in one rule

_RULE_KEYS = frozenset(
    {
        "name",
        "targets",
        "sources",
        "kinds",
        "min_significance",
        "keywords",
        "pattern",
        "articles",
        "enabled",
    }
)
_TARGET_KEYS = frozenset({"url", "per_hour", "quiet_hours", "digest"})
_HOUR_MINUTE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class TargetSpec:
    """Where a rule's messages go, and how often."""

    url: str  # see newsdiffs.alerts.targets: secrets inside, masked when shown
    per_hour: int | None = None  # at most this many messages per hour to this target
    quiet_hours: tuple[time, time] | None = None  # UTC (22:00, 07:00): postponed meanwhile
    digest: Literal["hourly", "daily"] | None = None  # one message per period instead


@dataclass(frozen=True)
class AlertRule:
    name: str
    targets: tuple[TargetSpec, ...]
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_significance: float = 0.0
    keywords: tuple[str, ...] = ()
    pattern: str | None = None
    articles: tuple[int, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class ChangeFacts:
    """What matching looks at; built in the transaction that records the change."""

    source: str
    article_id: int
    kinds: frozenset[str]  # ChangeKind values + "stealth" + "new_version", or an event kind
    significance: float  # 1.0 for an event
    changed_text: str  # the changed sentences, old and new, joined


def _changed_text(
    lines: Iterable[tuple[str | None, str | None]], classification: Classification | None
) -> str:
    """Old and new text of the headline, byline and changed sentences, one per line, at most
    :data:`MAX_MATCH_TEXT` characters (all matching ever reads)."""
    parts: list[str] = []
    size = 0
    pairs = list(lines)
    if classification is not None:
        pairs += [(op.a_text, op.b_text) for op in classification.operations]
    for pair in pairs:
        for text in pair:
            if text and size < MAX_MATCH_TEXT:
                parts.append(text[: MAX_MATCH_TEXT - size])
                size += len(parts[-1]) + 1
    return "\n".join(parts)


def version_facts(
    source: str,
    article_id: int,
    classification: Classification | None,
    title: tuple[str, str],
    byline: tuple[str | None, str | None] = (None, None),
) -> ChangeFacts:
    """The facts of a new version (number 2 and up). ``title`` and ``byline`` are (old, new);
    unchanged ones add nothing to the changed text. Without a classification (none could be
    made) the version is only a ``new_version`` of significance 0."""
    kinds = {NEW_VERSION}
    significance = 0.0
    if classification is not None:
        kinds.update(kind.value for kind in classification.kinds)
        if classification.stealth:
            kinds.add(STEALTH)
        significance = classification.significance
    changed = [pair for pair in (title, byline) if (pair[0] or "") != (pair[1] or "")]
    return ChangeFacts(
        source=source,
        article_id=article_id,
        kinds=frozenset(kinds),
        significance=significance,
        changed_text=_changed_text(changed, classification),
    )


def first_version_facts(
    source: str, article_id: int, title: str, paragraphs: Sequence[str]
) -> ChangeFacts:
    """The facts of an article's first capture: its whole text is "changed"; significance 1."""
    text = _changed_text([(title, None), *((p, None) for p in paragraphs)], None)
    return ChangeFacts(source, article_id, frozenset({FIRST_VERSION}), 1.0, text)


def event_facts(source: str, article_id: int, kind: str, detail: str = "") -> ChangeFacts:
    """The facts of an event (``gone``, ``redirected``, ``returned``): significance 1."""
    return ChangeFacts(source, article_id, frozenset({kind}), 1.0, detail[:MAX_MATCH_TEXT])


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _is_named_only(facts: ChangeFacts) -> bool:
    """A first capture or an event: only rules that name its kind want it."""
    return NEW_VERSION not in facts.kinds


def rule_matches(rule: AlertRule, facts: ChangeFacts) -> bool:
    """Whether ``rule`` wants the change ``facts`` describes (see the module docstring)."""
    if not rule.enabled:
        return False
    if rule.sources and facts.source not in rule.sources:
        return False
    if rule.articles and facts.article_id not in rule.articles:
        return False
    if rule.kinds:
        if facts.kinds.isdisjoint(rule.kinds):
            return False
    elif _is_named_only(facts):
        return False
    if facts.significance < rule.min_significance:
        return False
    text = facts.changed_text[:MAX_MATCH_TEXT]
    if rule.keywords:
        folded = text.casefold()
        if not any(keyword.casefold() in folded for keyword in rule.keywords):
            return False
    return rule.pattern is None or _compiled(rule.pattern).search(text) is not None


def matching_rules(rules: Iterable[AlertRule], facts: ChangeFacts) -> list[AlertRule]:
    """The rules that want this change, in the order given."""
    return [rule for rule in rules if rule_matches(rule, facts)]


# --- reading and writing rules --------------------------------------------------------------


def _where(name: object) -> str:
    return f"alert rule {name!r}" if isinstance(name, str) and name else "alert rule"


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or len(value) > _MAX_LIST:
        raise ConfigError(f"{where}: '{key}' must be a list of at most {_MAX_LIST} strings")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{where}: '{key}' must hold non-empty strings, got {item!r}")
    return tuple(item.strip() for item in value)


def _whole(value: Any, key: str, where: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{where}: '{key}' must be a whole number >= {low}, got {value!r}")
    return value


def _clock_time(text: str, where: str) -> time:
    match = _HOUR_MINUTE.fullmatch(text.strip())
    if match is None:
        raise ConfigError(f"{where}: 'quiet_hours' times are HH:MM (UTC), got {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def _quiet_hours(value: Any, where: str) -> tuple[time, time] | None:
    if value is None:
        return None
    parts = value.split("-") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or len(parts) != 2:
        raise ConfigError(f"{where}: 'quiet_hours' is \"HH:MM-HH:MM\" (UTC), got {value!r}")
    start, end = (
        part if isinstance(part, time) else _clock_time(str(part), where) for part in parts
    )
    if start == end:
        raise ConfigError(f"{where}: 'quiet_hours' must not start and end at the same time")
    return start, end


def _target(value: Any, where: str) -> TargetSpec:
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: a target is a URL or a table with 'url', got {value!r}")
    unknown = set(value) - _TARGET_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown target key(s): {', '.join(sorted(unknown))}")
    url = value.get("url")
    if not isinstance(url, str) or "://" not in url or any(c.isspace() for c in url.strip()):
        raise ConfigError(f"{where}: a target 'url' is scheme://..., got {url!r}")
    per_hour = value.get("per_hour")
    digest = value.get("digest")
    if digest is not None and digest not in DIGESTS:
        raise ConfigError(f"{where}: 'digest' is one of {', '.join(DIGESTS)}, got {digest!r}")
    return TargetSpec(
        url=url.strip(),
        per_hour=None if per_hour is None else _whole(per_hour, "per_hour", where, 1),
        quiet_hours=_quiet_hours(value.get("quiet_hours"), where),
        digest=cast(Literal["hourly", "daily"] | None, digest),
    )


def _kinds(value: Any, where: str) -> tuple[str, ...]:
    kinds = tuple(kind.lower() for kind in _strings(value, "kinds", where))
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ConfigError(
            f"{where}: unknown kind(s) {', '.join(unknown)} (known: {', '.join(KINDS)})"
        )
    return tuple(dict.fromkeys(kinds))


def _pattern(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: 'pattern' must be a regular expression, got {value!r}")
    try:
        _compiled(value)
    except re.error as error:
        raise ConfigError(f"{where}: 'pattern' {value!r} is not a valid regex: {error}") from None
    return value


def _significance(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{where}: 'min_significance' is a number from 0 to 1, got {value!r}")
    return float(value)


def rule_from_dict(data: Mapping[str, Any]) -> AlertRule:
    """A rule from a TOML table or JSON object; ConfigError (one line) names what is wrong."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"alert rule: must be a table, got {data!r}")
    name = data.get("name")
    where = _where(name)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' is required (a non-empty string)")
    unknown = set(data) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    targets = data.get("targets")
    if isinstance(targets, str | Mapping):
        targets = [targets]
    if not isinstance(targets, list | tuple) or not targets or len(targets) > _MAX_LIST:
        raise ConfigError(f"{where}: 'targets' must list at least one target URL")
    articles = data.get("articles", [])
    if not isinstance(articles, list | tuple) or len(articles) > _MAX_LIST:
        raise ConfigError(f"{where}: 'articles' must be a list of article ids")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: 'enabled' must be true or false, got {enabled!r}")
    return AlertRule(
        name=name.strip(),
        targets=tuple(_target(target, where) for target in targets),
        sources=_strings(data.get("sources", []), "sources", where),
        kinds=_kinds(data.get("kinds", []), where),
        min_significance=_significance(data.get("min_significance", 0.0), where),
        keywords=_strings(data.get("keywords", []), "keywords", where),
        pattern=_pattern(data.get("pattern"), where),
        articles=tuple(_whole(article, "articles", where, 1) for article in articles),
        enabled=enabled,
    )


def _target_dict(target: TargetSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"url": target.url}
    if target.per_hour is not None:
        data["per_hour"] = target.per_hour
    if target.quiet_hours is not None:
        start, end = target.quiet_hours
        data["quiet_hours"] = f"{start:%H:%M}-{end:%H:%M}"
    if target.digest is not None:
        data["digest"] = target.digest
    return data


def rule_to_dict(rule: AlertRule) -> dict[str, Any]:
    """The inverse of :func:`rule_from_dict` (JSON-ready; secrets in target URLs kept)."""
    data: dict[str, Any] = {
        "name": rule.name,
        "targets": [_target_dict(target) for target in rule.targets],
        "enabled": rule.enabled,
    }
    optional: Sequence[tuple[str, Any]] = (
        ("sources", list(rule.sources)),
        ("kinds", list(rule.kinds)),
        ("min_significance", rule.min_significance),
        ("keywords", list(rule.keywords)),
        ("pattern", rule.pattern),
        ("articles", list(rule.articles)),
    )
    data.update((key, value) for key, value in optional if value)
    return data
