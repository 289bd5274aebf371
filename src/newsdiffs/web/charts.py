"""Small SVG charts drawn on the server: no JavaScript, no chart library.

Each function returns one ``<svg>`` element as :class:`~markupsafe.Markup`: every text in it
is escaped here, it is labelled by its ``<title>`` and ``<desc>`` (``role="img"``), and it
scales to its container (``viewBox``, ``width="100%"``) with text sized for a phone: the
drawing is :data:`WIDTH` units wide, so at 390 px (about 358 px of content) a unit is
0.9 px and the 13-unit text about 12 px. Colours (:data:`PALETTE`) keep at least 4.5:1
contrast on white, so bars and their value labels stay legible; series are also told apart
by their legend text, never by colour alone. Callers show the same numbers as text too.

Presentation attributes only (``fill``, ``font-size``): the Content-Security-Policy allows
no inline style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 400
FONT = 13
LINE = 18  # height of a line of text
INK = "#1d1d1f"
MUTED = "#5a5a66"  # 6.4:1 on white
RULE = "#c4c4cc"
# contrast on white: 5.6:1, 5.0:1, 7.6:1, 5.7:1, 6.4:1
PALETTE = ("#1f5fd0", "#a34a00", "#8a1c5a", "#2e7d32", "#5a5a66")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as text, e.g. "12" or "3.4 h"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str


@dataclass(frozen=True)
class ShareRow:
    label: str
    parts: Sequence[float]  # one per series name, any scale (shown as shares of their sum)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    ident = _e(chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'font-size="{FONT}" fill="{INK}">'
        f'<title id="{ident}-title">{_e(title)}</title>'
        f'<desc id="{ident}-desc">{_e(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{_e(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{fill}"/>'
    )


def bar_chart(
    chart_id: str, title: str, desc: str, bars: Sequence[Bar], colour: str = PALETTE[0]
) -> Markup:
    """Horizontal bars, each label on its own line above its bar (room for long labels on a
    phone), the value written after the bar."""
    top = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - 70  # the widest value text fits after a full bar
    body, y = [], 4.0
    for bar in bars:
        body.append(_text(0, y + FONT, bar.label))
        y += LINE + 2
        length = room * bar.value / top
        body.append(_rect(0, y, length, 14, colour))
        body.append(_text(length + 6, y + 11.5, bar.shown))
        y += 14 + 10
    if not bars:
        body.append(_text(0, y + FONT, "No data yet.", fill=MUTED))
        y += LINE + 4
    return _svg(chart_id, title, desc, y, body)


def column_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
) -> Markup:
    """Stacked columns, one per label (days, oldest first), with a legend naming each series,
    the scale's top value, and the first and last labels under the axis."""
    count = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(count)]
    top = max(totals, default=0) or 1
    legend_height = LINE * len(series) + 4
    plot_top, plot_height, left = legend_height + LINE, 150.0, 0.0
    body = []
    for n, one in enumerate(series):
        row = n * LINE + 4
        body.append(_rect(0, row + 2, 12, 12, one.colour))
        body.append(_text(18, row + FONT, one.name))
    axis = plot_top + plot_height
    body.append(_text(WIDTH, plot_top - 6, f"{_number(top)} at most", anchor="end", fill=MUTED))
    body.append(
        f'<line x1="0" y1="{plot_top:.1f}" x2="{WIDTH}" y2="{plot_top:.1f}" '
        f'stroke="{RULE}" stroke-dasharray="3 3"/>'
    )
    step = (WIDTH - left) / max(count, 1)
    gap = min(2.0, step / 4)
    for i in range(count):
        y = axis
        for one in series:
            height = plot_height * one.values[i] / top
            if height > 0:
                y -= height
                body.append(_rect(left + i * step + gap / 2, y, step - gap, height, one.colour))
    body.append(f'<line x1="0" y1="{axis:.1f}" x2="{WIDTH}" y2="{axis:.1f}" stroke="{MUTED}"/>')
    if count:
        body.append(_text(0, axis + LINE, labels[0], fill=MUTED))
        if count > 1:
            body.append(_text(WIDTH, axis + LINE, labels[-1], anchor="end", fill=MUTED))
    else:
        body.append(_text(0, plot_top + FONT + 8, "No data yet.", fill=MUTED))
    return _svg(chart_id, title, desc, axis + LINE + 6, body)


def share_bars(
    chart_id: str,
    title: str,
    desc: str,
    names: Sequence[str],
    rows: Sequence[ShareRow],
    colours: Sequence[str] = PALETTE,
) -> Markup:
    """One full-width bar per row split into the shares of its parts, the first part's share
    written as a percentage after the row's label; a legend names the parts."""
    body = []
    for n, name in enumerate(names):
        x = n * (WIDTH / max(len(names), 1))
        body.append(_rect(x, 6, 12, 12, colours[n % len(colours)]))
        body.append(_text(x + 18, 4 + FONT, name))
    y = LINE + 14.0
    for row in rows:
        total = sum(row.parts)
        first = f"{row.parts[0] / total:.0%} {names[0]}" if total else "no data"
        body.append(_text(0, y + FONT, f"{row.label}: {first}"))
        y += LINE + 2
        x = 0.0
        for n, part in enumerate(row.parts):
            length = WIDTH * part / total if total else 0.0
            # a white gap between two parts, so that they are told apart beyond colour
            drawn = length - 2 if n < len(row.parts) - 1 and length > 4 else length
            body.append(_rect(x, y, drawn, 14, colours[n % len(colours)]))
            x += length
        if not total:
            body.append(_rect(0, y, WIDTH, 14, RULE))
        y += 14 + 10
    return _svg(chart_id, title, desc, y, body)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
