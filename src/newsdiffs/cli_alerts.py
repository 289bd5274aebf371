"""``newsdiffs alerts add|list|remove|test``: alert rules and the outbox from the shell.

Registered on the main command line by ``cli.add_command(alerts)``. Every command first
syncs the config file's ``[[alerts]]`` rules into the database (as ``newsdiffs run`` does at
start), so what is listed is what the tracker uses. The use cases are
:mod:`newsdiffs.usecases.alerts`, shared with the admin API. Target URLs are shown masked.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import click

from newsdiffs.clock import SystemClock
from newsdiffs.core.alert_rules import KINDS, AlertRule
from newsdiffs.core.humanize import fmt_datetime
from newsdiffs.usecases import alerts as uc

if TYPE_CHECKING:
    from newsdiffs.cli import Context

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _synced(ctx: Context) -> None:
    uc.sync_rules(ctx.store, ctx.settings)


def _describe(rule: AlertRule) -> str:
    shown = uc.rule_for_display(rule)
    conditions = [
        f"{key}={value if isinstance(value, str | float) else ','.join(map(str, value))}"
        for key, value in shown.items()
        if key not in ("name", "targets", "enabled")
    ]
    state = "" if rule.enabled else " (disabled)"
    lines = [f"{rule.name}{state}: {' '.join(conditions) or 'every new version'}"]
    for target in shown["targets"]:
        extras = " ".join(f"{k}={v}" for k, v in target.items() if k != "url")
        lines.append(f"    -> {target['url']}{'  ' + extras if extras else ''}")
    return "\n".join(lines)


@click.group()
def alerts() -> None:
    """Alert rules and the alerts sent (rules also come from [[alerts]] in newsdiffs.toml)."""


@alerts.command("add")
@click.argument("name")
@click.option("--target", "targets", multiple=True, required=True, help="Target URL (repeatable).")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS, case_sensitive=False),
    help="Only changes of this kind (repeatable; none: any new version).",
)
@click.option("--min-significance", type=click.FloatRange(0, 1), default=0.0)
@click.option("--keyword", "keywords", multiple=True, help="Word in the changed text (any).")
@click.option("--pattern", help="Regex searched in the changed text.")
@click.option("--article", "articles", multiple=True, type=click.IntRange(1), help="Article id.")
@click.option("--per-hour", type=click.IntRange(1), help="At most N messages per hour a target.")
@click.option("--quiet-hours", help="HH:MM-HH:MM (UTC): postponed meanwhile.")
@click.option("--digest", type=click.Choice(["hourly", "daily"]), help="One message per period.")
@click.option("--disabled", is_flag=True, help="Save the rule switched off.")
@FORMAT
@click.pass_obj
def add(
    ctx: Context,
    name: str,
    targets: tuple[str, ...],
    sources: tuple[str, ...],
    kinds: tuple[str, ...],
    min_significance: float,
    keywords: tuple[str, ...],
    pattern: str | None,
    articles: tuple[int, ...],
    per_hour: int | None,
    quiet_hours: str | None,
    digest: str | None,
    disabled: bool,
    fmt: str,
) -> None:
    """Add (or replace) an alert rule.

    \b
    Example:
      newsdiffs alerts add headlines --kind headline --source guardian \\
          --target 'mastodons://TOKEN@mastodon.social' --per-hour 10
    """
    options = {"per_hour": per_hour, "quiet_hours": quiet_hours, "digest": digest}
    extras = {key: value for key, value in options.items() if value is not None}
    data: dict[str, Any] = {
        "name": name,
        "targets": [{"url": url, **extras} for url in targets],
        "sources": list(sources),
        "kinds": list(kinds),
        "min_significance": min_significance,
        "keywords": list(keywords),
        "pattern": pattern,
        "articles": list(articles),
        "enabled": not disabled,
    }
    _synced(ctx)
    rule = uc.add_rule(ctx.store, data)
    if fmt == "json":
        _echo_json(uc.rule_for_display(rule))
    else:
        click.echo(f"saved alert rule {_describe(rule)}")


@alerts.command("list")
@click.option("--failed", is_flag=True, help="The dead letters: alerts given up on.")
@click.option("--status", type=click.Choice(uc.ALERT_STATUSES), help="The alerts with this status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50)
@FORMAT
@click.pass_obj
def list_command(ctx: Context, failed: bool, status: str | None, limit: int, fmt: str) -> None:
    """List the rules and the outbox's counts, or alerts (--failed, --status).

    \b
    Example:
      newsdiffs alerts list --failed --format json
    """
    _synced(ctx)
    store = ctx.store
    if failed or status is not None:
        found = uc.list_alerts(store, "dead" if failed else status, limit)
        if fmt == "json":
            _echo_json([uc.alert_for_display(alert) for alert in found])
            return
        if not found:
            click.echo("no dead letters" if failed else f"no {status} alerts")
        for alert in found:
            when = fmt_datetime(alert.created_at)
            change = f"version {alert.version_id}" if alert.version_id else alert.event_kind
            click.echo(
                f"#{alert.id} {alert.status} {when} rule {alert.rule} -> "
                f"{uc.masked(alert.target.url)} (article {alert.article_id}, {change}): "
                f"{alert.attempts} attempts"
                + (f", last error: {alert.last_error}" if alert.last_error else "")
            )
        return
    rules = store.alert_rules()
    counts = store.alert_counts()
    if fmt == "json":
        _echo_json({"rules": [uc.rule_for_display(rule) for rule in rules], "alerts": counts})
        return
    if not rules:
        click.echo("no alert rules: add [[alerts]] to newsdiffs.toml or `newsdiffs alerts add`")
    for rule in rules:
        click.echo(_describe(rule))
    click.echo("alerts: " + ", ".join(f"{n} {status}" for status, n in counts.items()))


@alerts.command("remove")
@click.argument("name")
@click.pass_obj
def remove(ctx: Context, name: str) -> None:
    """Remove an alert rule (its alerts already in the outbox are still delivered).

    A rule from newsdiffs.toml comes back at the next start: remove it from the file.

    \b
    Example:
      newsdiffs alerts remove headlines
    """
    _synced(ctx)
    uc.remove_rule(ctx.store, name)
    click.echo(f"removed alert rule {name!r}")


@alerts.command("test")
@click.argument("name")
@FORMAT
@click.pass_obj
def test(ctx: Context, name: str, fmt: str) -> None:
    """Send a sample message to every target of a rule, now.

    \b
    Example:
      newsdiffs alerts test headlines
    """
    _synced(ctx)
    rule = uc.get_rule(ctx.store, name)
    message = uc.sample_message(rule, ctx.settings.base_url, SystemClock().now())
    results = asyncio.run(uc.send_test(rule, message))
    if fmt == "json":
        _echo_json([result.to_json_dict() for result in results])
    else:
        for result in results:
            click.echo(f"{'ok' if result.ok else 'FAILED'} {result.target}: {result.detail}")
    if not all(result.ok for result in results):
        raise click.exceptions.Exit(1)


__all__ = ["alerts"]
