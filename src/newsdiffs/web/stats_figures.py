"""The figures of the statistics pages: each chart (:mod:`newsdiffs.web.charts`) with the
table of its numbers, built from the same data so that the two cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from newsdiffs.core.stats import (
    DELAY_BUCKETS,
    KINDS,
    DayCounts,
    OutletStats,
    SourceBreakdown,
)
from newsdiffs.web.charts import PALETTE, Bar, Series, ShareRow, bar_chart, column_chart, share_bars
from newsdiffs.web.summaries import KIND_LABELS

CHART_DAYS = 60  # the per-day charts show the last 60 days with data; the CSV has them all
STEALTH_COLOUR, OPEN_COLOUR = PALETTE[1], PALETTE[0]


@dataclass(frozen=True)
class Figure:
    """A chart and the table of its numbers (its text alternative)."""

    chart_id: str
    caption: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def duration(delta: timedelta | None) -> str:
    if delta is None:
        return "no edits"
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def _last_days(days: Sequence[DayCounts]) -> list[tuple[date, int, int, int, int]]:
    """(day, versions, edits, headline edits, stealth edits) summed over sources, for every
    day of the last CHART_DAYS up to the last day with data (days without any are zeros)."""
    if not days:
        return []
    last = max(d.day for d in days)
    first = max(min(d.day for d in days), last - timedelta(days=CHART_DAYS - 1))
    totals: dict[date, list[int]] = {
        first + timedelta(days=n): [0, 0, 0, 0] for n in range((last - first).days + 1)
    }
    for counts in days:
        row = totals.get(counts.day)
        if row is not None:
            row[0] += counts.versions
            row[1] += counts.edits
            row[2] += counts.headline_edits
            row[3] += counts.stealth_edits
    return [(day, *row) for day, row in totals.items()]  # type: ignore[misc]


def days_figure(chart_id: str, where: str, days: Sequence[DayCounts]) -> Figure:
    rows = _last_days(days)
    labels = [day.isoformat() for day, *_ in rows]
    stealth = [float(r[4]) for r in rows]
    others = [float(r[2] - r[4]) for r in rows]
    span = f"{labels[0]} to {labels[-1]}" if labels else "no days yet"
    svg = column_chart(
        chart_id,
        f"Edits per day {where}",
        f"Substantive edits captured each day, {span}, stealth edits stacked on top; "
        f"the busiest day had {max((r[2] for r in rows), default=0):,}. "
        "The table below lists every day.",
        labels,
        [
            Series("other edits", others, OPEN_COLOUR),
            Series("stealth edits", stealth, STEALTH_COLOUR),
        ],
    )
    table = tuple(
        (day.isoformat(), f"{versions:,}", f"{edits:,}", f"{stealth_n:,}", f"{headline:,}")
        for day, versions, edits, headline, stealth_n in rows
    )
    headers = ("Day (UTC)", "Versions", "Edits", "Stealth edits", "Headline edits")
    return Figure(chart_id, f"Edits per day {where}", svg, headers, table)


def kinds_figure(chart_id: str, breakdowns: Sequence[SourceBreakdown]) -> Figure:
    totals = dict.fromkeys(KINDS, 0)
    for breakdown in breakdowns:
        for kind, count in breakdown.kinds:
            totals[kind] += count
    all_changes = sum(totals.values())
    bars = [
        Bar(KIND_LABELS.get(kind, kind).capitalize(), count, f"{count:,}")
        for kind, count in totals.items()
    ]
    svg = bar_chart(
        chart_id,
        "Kinds of change",
        "How many changes after a first version had each kind (a change can have several).",
        bars,
    )
    rows = tuple(
        (bar.label, bar.shown, _share(count, all_changes))
        for bar, count in zip(bars, totals.values(), strict=True)
    )
    return Figure(chart_id, "Kinds of change", svg, ("Kind", "Changes", "Share"), rows)


def delays_figure(chart_id: str, breakdowns: Sequence[SourceBreakdown]) -> Figure:
    counts = [sum(b.first_edit_delays[n] for b in breakdowns) for n in range(len(DELAY_BUCKETS))]
    edited = sum(counts)
    bars = [Bar(bucket, n, f"{n:,}") for bucket, n in zip(DELAY_BUCKETS, counts, strict=True)]
    svg = bar_chart(
        chart_id,
        "Time to first edit",
        "Edited articles by how long after they were first seen their first edit came.",
        bars,
        PALETTE[3],
    )
    rows = tuple(
        (bar.label, bar.shown, _share(n, edited)) for bar, n in zip(bars, counts, strict=True)
    )
    return Figure(chart_id, "Time to first edit", svg, ("After", "Articles", "Share"), rows)


def median_figure(chart_id: str, outlets: Sequence[OutletStats]) -> Figure:
    bars = []
    for outlet in outlets:
        median = outlet.median_time_to_first_edit
        hours = median.total_seconds() / 3600 if median else 0.0
        bars.append(Bar(outlet.source, hours, duration(median)))
    svg = bar_chart(
        chart_id,
        "Median time to first edit, by outlet",
        "For each outlet, the median time from an article being first seen to its first "
        "substantive edit.",
        bars,
        PALETTE[3],
    )
    rows = tuple((bar.label, bar.shown) for bar in bars)
    return Figure(chart_id, "Median time to first edit", svg, ("Outlet", "Median"), rows)


def stealth_figure(chart_id: str, outlets: Sequence[OutletStats]) -> Figure:
    names = ("stealth edits", "other edits")
    svg = share_bars(
        chart_id,
        "Share of stealth edits",
        "For each outlet, the share of its substantive edits that changed text readers had "
        "already seen without a correction or update notice.",
        names,
        [ShareRow(o.source, (o.stealth_edits, o.edits - o.stealth_edits)) for o in outlets],
        (STEALTH_COLOUR, OPEN_COLOUR),
    )
    rows = tuple(
        (o.source, f"{o.edits:,}", f"{o.stealth_edits:,}", _share(o.stealth_edits, o.edits))
        for o in outlets
    )
    headers = ("Outlet", "Edits", "Stealth edits", "Share")
    return Figure(chart_id, "Share of stealth edits", svg, headers, rows)
