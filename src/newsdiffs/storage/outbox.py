"""The alerts outbox, written in the transaction that records a change.

:func:`write_outbox` runs inside ``record_check``'s transaction (one call at the end of
:func:`newsdiffs.storage.recording.write_check`): the version (or event) and its alert rows
commit together or not at all, so a crash can neither lose an alert nor announce a change
that was never stored. The sender (``newsdiffs.alerts.sender``) delivers the rows later.

What it writes: for a stored version, the facts of the change
(:func:`newsdiffs.core.alert_rules.version_facts`: its classification's kinds, stealth,
significance and changed sentences; an article's first version has only ``first_version``);
for each ``gone``/``redirected``/``returned`` event, the event's facts. Every enabled rule read
in the same transaction is matched against them, and each match writes one row per target,
keyed by :func:`alert_key` (unique: never two rows for one rule, target and change). A
digest target's rows are rows like any other: the sender groups them.

Hidden articles never alert (nothing is written for them here, and the sender's claim drops
rows of articles hidden since). Checks that store nothing alertable cost nothing: the rules
are read only when a version was stored or an alertable event happened.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newsdiffs.core.alert_rules import (
    EVENT_KINDS,
    FIRST_VERSION,
    AlertRule,
    ChangeFacts,
    TargetSpec,
    event_facts,
    first_version_facts,
    matching_rules,
    rule_from_dict,
    rule_to_dict,
    version_facts,
)
from newsdiffs.errors import StorageError
from newsdiffs.models import ArticleStatus, CheckResult, Version
from newsdiffs.storage.schema import alert_rules, alerts, articles, events, versions

_RULES = select(alert_rules.c.definition).order_by(alert_rules.c.name)
_ARTICLE = select(articles.c.source, articles.c.status).where(
    articles.c.id == bindparam("article_id")
)
_PREVIOUS = select(versions.c.title, versions.c.byline).where(
    versions.c.article_id == bindparam("article_id"), versions.c.number == bindparam("number")
)
# Built once: building the ON CONFLICT construct per call was a third of the outbox's CPU.
_INSERTS = (
    sqlite.insert(alerts).on_conflict_do_nothing(index_elements=["key"]),
    postgresql.insert(alerts).on_conflict_do_nothing(index_elements=["key"]),
)
_EVENT_IDS = select(events.c.id, events.c.kind, events.c.at).where(
    events.c.article_id == bindparam("article_id"), events.c.kind.in_(EVENT_KINDS)
)


def alert_key(rule: str, target_index: int, version_id: int | None, event_id: int | None) -> str:
    """The outbox row's stable key: the same rule, target and change give the same key."""
    change = str(version_id) if version_id is not None else f"e{event_id}"
    return hashlib.sha256(f"{rule}:{target_index}:{change}".encode()).hexdigest()[:32]


def target_json(target: TargetSpec) -> str:
    """A target as stored with its outbox rows (the rule's own table form)."""
    rule = rule_to_dict(AlertRule(name="-", targets=(target,)))
    return json.dumps(rule["targets"][0], separators=(",", ":"))


@lru_cache(maxsize=1024)
def _rule(definition: str) -> AlertRule:
    return rule_from_dict(json.loads(definition))


@lru_cache(maxsize=1024)
def target_from_json(text: str) -> TargetSpec:
    return _rule(json.dumps({"name": "-", "targets": [json.loads(text)]})).targets[0]


def stored_rules(connection: Connection) -> list[AlertRule]:
    """Every stored rule, by name. A definition this version cannot read is a StorageError."""
    try:
        return [_rule(row.definition) for row in connection.execute(_RULES)]
    except (ValueError, TypeError) as error:
        raise StorageError(f"a stored alert rule cannot be read: {error}") from error


def _rows(
    rules: Sequence[AlertRule],
    facts: ChangeFacts,
    now: datetime,
    version_id: int | None,
    event: tuple[int, str, str] | None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    event_id, event_kind, event_detail = event if event is not None else (None, None, "")
    for rule in matching_rules(rules, facts):
        for index, target in enumerate(rule.targets):
            rows.append(
                {
                    "key": alert_key(rule.name, index, version_id, event_id),
                    "rule": rule.name,
                    "target_index": index,
                    "target": target_json(target),
                    "target_url": target.url,
                    "article_id": facts.article_id,
                    "version_id": version_id,
                    "event_id": event_id,
                    "event_kind": event_kind,
                    "event_detail": event_detail,
                    "created_at": now,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "last_error": "",
                }
            )
    return rows


def _version_facts(connection: Connection, source: str, version: Version) -> ChangeFacts:
    if version.number == 1:
        return first_version_facts(source, version.article_id, version.title, version.paragraphs)
    previous = connection.execute(
        _PREVIOUS, {"article_id": version.article_id, "number": version.number - 1}
    ).first()
    old_title, old_byline = (previous.title, previous.byline) if previous else ("", None)
    return version_facts(
        source,
        version.article_id,
        version.classification,
        (old_title, version.title),
        (old_byline, version.byline),
    )


def _event_rows(
    connection: Connection, result: CheckResult, rules: Sequence[AlertRule], source: str
) -> list[dict[str, Any]]:
    """Rows for this check's alertable events, which were inserted just before (their ids are
    the newest of their kind and time for the article)."""
    wanted = [event for event in result.events if event.kind.value in EVENT_KINDS]
    if not wanted:
        return []
    article_id = result.check.article_id
    ids: dict[tuple[str, datetime], int] = {}
    for row in connection.execute(_EVENT_IDS, {"article_id": article_id}):
        at = row.at
        ids[(row.kind, at)] = max(row.id, ids.get((row.kind, at), 0))
    rows: list[dict[str, Any]] = []
    for event in wanted:
        event_id = ids.get((event.kind.value, event.at))
        if event_id is None:
            continue
        facts = event_facts(source, article_id, event.kind.value, event.detail)
        triple = (event_id, event.kind.value, event.detail)
        rows += _rows(rules, facts, result.check.checked_at, None, triple)
    return rows


def _named(rules: Sequence[AlertRule], kinds: Sequence[str]) -> bool:
    """Whether a rule asks for one of ``kinds`` (first captures and events are only ever
    matched by name: without such a rule their facts are not even built)."""
    return any(kind in rule.kinds for rule in rules for kind in kinds)


def write_outbox(connection: Connection, result: CheckResult, stored: Version | None) -> int:
    """The outbox rows of what ``write_check`` just wrote (see the module docstring), on the
    caller's transaction. Returns how many rows were written."""
    if stored is None and not any(e.kind.value in EVENT_KINDS for e in result.events):
        return 0
    rules = [rule for rule in stored_rules(connection) if rule.enabled]
    if not rules:
        return 0
    article = connection.execute(_ARTICLE, {"article_id": result.check.article_id}).first()
    if article is None or article.status == ArticleStatus.HIDDEN.value:
        return 0
    rows: list[dict[str, Any]] = []
    if stored is not None and (stored.number > 1 or _named(rules, (FIRST_VERSION,))):
        facts = _version_facts(connection, article.source, stored)
        rows += _rows(rules, facts, result.check.checked_at, stored.id, None)
    if _named(rules, EVENT_KINDS):
        rows += _event_rows(connection, result, rules, article.source)
    if rows:
        insert_alerts(connection, rows)
    return len(rows)


def insert_alerts(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert outbox rows; a row whose key is already there is left as it is."""
    connection.execute(_INSERTS[connection.dialect.name == "postgresql"], list(rows))
