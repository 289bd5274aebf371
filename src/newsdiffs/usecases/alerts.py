"""Alert rules and the outbox, as the CLI (``newsdiffs alerts``) and the admin API see them.

One parser for a rule wherever it comes from (newsdiffs.toml, the CLI, the API):
:func:`parse_rule` = the core's :func:`~newsdiffs.core.alert_rules.rule_from_dict`, plus the
name rule of sources (:mod:`.names`: rule names appear in keys and paths too) and, when a
rule is saved or synced, the targets' own URL check (``newsdiffs.alerts.targets``, helper
code that may load apprise: not done for every command that merely reads the config).

Target URLs carry secrets (tokens, passwords): everything shown (lists, JSON, errors) goes
through :func:`masked`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.core.alert_rules import (
    FIRST_VERSION,
    NEW_VERSION,
    AlertRule,
    TargetSpec,
    rule_from_dict,
    rule_to_dict,
)
from newsdiffs.core.change_text import VersionText, change_text
from newsdiffs.errors import ConfigError, InputError, NotFoundError
from newsdiffs.usecases.names import source_name_problem

if TYPE_CHECKING:
    from newsdiffs.settings import Settings
    from newsdiffs.storage.base import AlertStore, OutboxAlert

WAYBACK_RULE = "wayback"
_SECRET_QUERY = re.compile(r"(?i)((?:^|&)[^=&]*(?:token|key|secret|pass|auth)[^=&]*=)[^&]*")
_LONG_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-]{16,}(?=/|$)")


# --- parsing ---------------------------------------------------------------------------------


def parse_rule(data: Mapping[str, Any]) -> AlertRule:
    """A rule from a TOML table or JSON object: ConfigError (one line) when it is wrong."""
    rule = rule_from_dict(data)
    problem = source_name_problem(rule.name)
    if problem:
        raise ConfigError(f"alert rule {rule.name!r}: 'name': {problem}")
    return rule


def parse_rules(tables: Iterable[Any]) -> list[AlertRule]:
    """The ``[[alerts]]`` tables as rules; names must differ."""
    rules: list[AlertRule] = []
    seen: set[str] = set()
    for table in tables:
        rule = table if isinstance(table, AlertRule) else parse_rule(table)
        if rule.name in seen:
            raise ConfigError(f"alert rule {rule.name!r}: name used twice")
        seen.add(rule.name)
        rules.append(rule)
    return rules


def check_targets(rule: AlertRule) -> None:
    """ConfigError when a target URL names no target we can deliver to (no connection is
    made: a service that is down is not a configuration error)."""
    try:
        from newsdiffs.alerts.targets import check_target_url
    except ImportError:  # the targets package is not installed: the core's check stands
        return
    for target in rule.targets:
        try:
            check_target_url(target.url)
        except ConfigError as error:
            raise ConfigError(f"alert rule {rule.name!r}: {error}") from None


def masked(url: str) -> str:
    """A target URL with its secrets hidden (password or token, long path tokens, query
    values named like secrets)."""
    try:
        from newsdiffs.alerts.targets.http import masked as targets_masked
    except ImportError:  # the targets package is not installed: mask here
        return _masked(url)
    return targets_masked(url)


def _masked(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        authority = f"{user}:***@{host}" if colon else f"***@{host}"
    path, question, query = path.partition("?")
    path = _LONG_TOKEN.sub("***", slash + path)
    query = _SECRET_QUERY.sub(r"\1***", query)
    return f"{scheme}://{authority}{path}{question}{query}"


def rule_for_display(rule: AlertRule) -> dict[str, Any]:
    """:func:`rule_to_dict` with target URLs masked (CLI JSON, the API)."""
    data = rule_to_dict(rule)
    for target in data["targets"]:
        target["url"] = masked(target["url"])
    return data


def alert_for_display(alert: OutboxAlert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "key": alert.key,
        "rule": alert.rule,
        "target": masked(alert.target.url),
        "article_id": alert.article_id,
        "version_id": alert.version_id,
        "event_id": alert.event_id,
        "event_kind": alert.event_kind,
        "created_at": alert.created_at.isoformat(),
        "status": alert.status,
        "attempts": alert.attempts,
        "next_attempt_at": alert.next_attempt_at.isoformat(),
        "last_error": alert.last_error,
        "remote_id": alert.remote_id,
        "sent_at": alert.sent_at.isoformat() if alert.sent_at else None,
    }


# --- rules: config and admin -----------------------------------------------------------------


def configured_rules(settings: Settings) -> list[AlertRule]:
    """The config's rules, plus the implicit ``wayback`` rule when ``wayback`` is on (every
    first and new version's URL to ``wayback_target``, at most ``wayback_per_hour``)."""
    rules = list(settings.alerts)
    if settings.wayback and all(rule.name != WAYBACK_RULE for rule in rules):
        target = TargetSpec(settings.wayback_target, per_hour=settings.wayback_per_hour)
        rules.append(AlertRule(WAYBACK_RULE, (target,), kinds=(FIRST_VERSION, NEW_VERSION)))
    return rules


def sync_rules(store: AlertStore, settings: Settings) -> list[AlertRule]:
    """Store the config's rules (replacing the config's previous ones; rules added by the CLI
    or API stay). Run at start, as the sources file is read. Returns them."""
    rules = configured_rules(settings)
    for rule in rules:
        check_targets(rule)
    store.sync_alert_rules(rules)
    return rules


def add_rule(store: AlertStore, data: Mapping[str, Any]) -> AlertRule:
    """Save a rule from the CLI or the API (replacing one of that name): InputError if bad."""
    try:
        rule = parse_rule(data)
        check_targets(rule)
    except ConfigError as error:
        raise InputError(str(error)) from None
    store.save_alert_rule(rule, origin="admin")
    return rule


def remove_rule(store: AlertStore, name: str) -> None:
    if not store.remove_alert_rule(name):
        raise NotFoundError(f"no alert rule named {name!r}")


def get_rule(store: AlertStore, name: str) -> AlertRule:
    for rule in store.alert_rules():
        if rule.name == name:
            return rule
    raise NotFoundError(f"no alert rule named {name!r}")


ALERT_STATUSES = ("pending", "sent", "dead", "dropped")


def list_alerts(store: AlertStore, status: str | None, limit: int = 100) -> list[OutboxAlert]:
    if status is not None and status not in ALERT_STATUSES:
        raise InputError(f"unknown alert status {status!r} (one of {', '.join(ALERT_STATUSES)})")
    return store.list_alerts(status, limit)


@dataclass(frozen=True)
class AlertHealth:
    """What /healthz says of alerts: dead letters need a look; pending is the backlog."""

    pending: int
    dead: int

    @classmethod
    def of(cls, store: AlertStore) -> AlertHealth:
        counts = store.alert_counts()
        return cls(pending=counts.get("pending", 0), dead=counts.get("dead", 0))


# --- alerts test ---------------------------------------------------------------------------


SAMPLE_BEFORE = VersionText(
    "Council to close library on Sundays",
    "By A. Reporter",
    ("The council voted on Monday to close the central library on Sundays.",),
)
SAMPLE_AFTER = VersionText(
    "Council votes to keep library open",
    "By A. Reporter",
    ("The council voted on Monday to keep the central library open on Sundays.",),
)


def sample_message(rule: AlertRule, public_url: str, now: datetime) -> AlertMessage:
    """What ``newsdiffs alerts test`` sends: a made-up change, marked as a test."""
    from newsdiffs.alerts.compose import message_for_change

    text = change_text(SAMPLE_BEFORE, SAMPLE_AFTER, None)
    message = message_for_change(
        key=f"test:{rule.name}:{now.isoformat()}",
        outlet="newsdiffs (test message)",
        article_url=f"{public_url}/",
        link=f"{public_url}/",
        captured_at=now,
        kinds=("headline",),
        change=text,
    )
    return replace(message, title=f"[test] {message.title}")


@dataclass(frozen=True)
class TestResult:
    target: str  # masked
    ok: bool
    detail: str  # the remote id, or the error

    def to_json_dict(self) -> dict[str, Any]:
        return {"target": self.target, "ok": self.ok, "detail": self.detail}


async def send_test(rule: AlertRule, message: AlertMessage) -> list[TestResult]:
    """Send ``message`` to each of the rule's targets now; one result each, never raises for
    a target that fails (DeliveryError, ConfigError)."""
    try:
        from newsdiffs.alerts.targets import target_for
    except ImportError as error:
        raise ConfigError(f"alert targets are not available in this install: {error}") from None
    from newsdiffs.errors import NewsdiffsError

    results: list[TestResult] = []
    for spec in rule.targets:
        try:
            remote = await target_for(spec.url).send(message)
        except NewsdiffsError as error:
            results.append(TestResult(masked(spec.url), False, str(error)))
        else:
            results.append(TestResult(masked(spec.url), True, remote or "delivered"))
    return results


def rules_by_name(rules: Sequence[AlertRule]) -> dict[str, AlertRule]:
    return {rule.name: rule for rule in rules}
