"""Server-rendered SVG charts that read at a glance: a title, labelled bars, the numbers written on them.

Every piece of text goes through ``markupsafe.escape``; the SVG uses presentation attributes
only (no ``style``), so it renders under the console's strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import count

from markupsafe import Markup, escape

from bot.console.analytics import STEP_LABELS, STEPS, Funnel

PALETTE = {
    "conversations": "#9aa9bf",
    "iql": "#6f8fc9",
    "mql": "#3d6fc4",
    "sql": "#1f4fa8",
    "won": "#1f8a4c",
    "lost": "#c0392b",
    "bad_fit": "#d68910",
    "open": "#c9d1dc",
}
_ids = count(1)
_WIDTH = 640


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _open(title: str, description: str, height: int, width: int = _WIDTH) -> tuple[str, list[str]]:
    n = next(_ids)
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="chart{n}t chart{n}d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart{n}t">{escape(title)}</title><desc id="chart{n}d">{escape(description)}</desc>'
    )
    return head, []


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def funnel_chart(funnel: Funnel, title: str) -> Markup:
    """Horizontal bars, one per funnel step, with the count and the share of the step before (``42 · 50%``)."""
    bar_h, gap, top, label_w = 30, 10, 8, 130
    height = top + len(STEPS) * (bar_h + gap)
    largest = max(funnel.counts) or 1
    describe = ", ".join(f"{STEP_LABELS[s]} {funnel.count(s)}" for s in STEPS)
    head, parts = _open(title, describe, height)
    room = _WIDTH - label_w - 110
    for i, step in enumerate(STEPS):
        y = top + i * (bar_h + gap)
        width = max(2.0, room * funnel.count(step) / largest)
        parts.append(_text(label_w - 10, y + bar_h * 0.65, STEP_LABELS[step], "end", "label"))
        parts.append(f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" rx="3" fill="{PALETTE[step]}"/>')
        note = f"{funnel.count(step)}"
        conversion = funnel.conversion(step)
        if conversion is not None:
            note += f" · {_pct(conversion)}"
        parts.append(_text(label_w + width + 8, y + bar_h * 0.65, note, "start", "value"))
    return Markup(head + "".join(parts) + "</svg>")


def bar_chart(rows: Sequence[tuple[str, float, str]], title: str, empty: str = "No data yet") -> Markup:
    """Horizontal bars: ``(label, value, note written after the bar)``."""
    bar_h, gap, top, label_w = 24, 8, 8, 170
    if not rows:
        head, _ = _open(title, empty, 40)
        return Markup(head + _text(10, 25, empty, cls="muted") + "</svg>")
    height = top + len(rows) * (bar_h + gap)
    largest = max(value for _, value, _ in rows) or 1
    head, parts = _open(title, "; ".join(f"{label}: {note}" for label, _, note in rows), height)
    room = _WIDTH - label_w - 190
    for i, (label, value, note) in enumerate(rows):
        y = top + i * (bar_h + gap)
        width = max(2.0, room * value / largest)
        parts.append(_text(label_w - 10, y + bar_h * 0.68, label, "end", "label"))
        parts.append(f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" rx="3" fill="#d68910"/>')
        parts.append(_text(label_w + width + 8, y + bar_h * 0.68, note, "start", "value"))
    return Markup(head + "".join(parts) + "</svg>")


def weekly_chart(weeks: Mapping[str, Funnel], title: str, series: Sequence[str] = ("conversations", "sql", "won")) -> Markup:
    """Grouped vertical bars per week (label = the week's Monday) for a few funnel steps, with a legend."""
    if not weeks:
        head, _ = _open(title, "No conversations in this period", 40)
        return Markup(head + _text(10, 25, "No conversations in this period", cls="muted") + "</svg>")
    height, left, bottom, top = 240, 40, 40, 34
    plot_h = height - bottom - top
    names = list(weeks)
    largest = max(max(weeks[w].count(s) for s in series) for w in names) or 1
    group_w = (_WIDTH - left - 10) / len(names)
    bar_w = min(26.0, group_w * 0.8 / len(series))
    describe = "; ".join(f"week of {w}: " + ", ".join(f"{STEP_LABELS[s]} {weeks[w].count(s)}" for s in series) for w in names)
    head, parts = _open(title, describe, height)
    for i, s in enumerate(series):  # legend
        x = left + i * 130
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{PALETTE[s]}"/>')
        parts.append(_text(x + 18, 16, STEP_LABELS[s], cls="label"))
    base = height - bottom
    parts.append(f'<line x1="{left}" y1="{base}" x2="{_WIDTH - 10}" y2="{base}" stroke="#9aa3ad"/>')
    for g, week in enumerate(names):
        gx = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for i, s in enumerate(series):
            value = weeks[week].count(s)
            h = plot_h * value / largest
            x = gx + i * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{PALETTE[s]}"/>')
            if value:
                parts.append(_text(x + (bar_w - 2) / 2, base - h - 3, str(value), "middle", "small"))
        parts.append(_text(left + g * group_w + group_w / 2, base + 16, _short_week(week), "middle", "small"))
    return Markup(head + "".join(parts) + "</svg>")


def stacked_chart(table: Mapping[str, Mapping[str, int]], keys: Sequence[str], labels: Mapping[str, str], row_labels: Mapping[str, str], title: str) -> Markup:
    """One 100% bar per row (stage), split by ``keys`` (outcomes), with a legend and the counts."""
    bar_h, gap, top, label_w = 26, 10, 30, 110
    rows = [name for name, counts in table.items() if sum(counts.values())]
    if not rows:
        head, _ = _open(title, "No leads yet", 40)
        return Markup(head + _text(10, 25, "No leads yet", cls="muted") + "</svg>")
    height = top + len(rows) * (bar_h + gap)
    describe = "; ".join(f"{row_labels.get(r, r)}: " + ", ".join(f"{labels[k]} {table[r][k]}" for k in keys) for r in rows)
    head, parts = _open(title, describe, height)
    for i, k in enumerate(keys):
        x = label_w + i * 110
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{PALETTE[k]}"/>')
        parts.append(_text(x + 18, 16, labels[k], cls="label"))
    room = _WIDTH - label_w - 60
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        total = sum(table[row].values())
        parts.append(_text(label_w - 10, y + bar_h * 0.68, row_labels.get(row, row), "end", "label"))
        x = float(label_w)
        for k in keys:
            value = table[row][k]
            if not value:
                continue
            w = room * value / total
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[k]}"><title>{escape(labels[k])}: {value}</title></rect>')
            if w > 22:
                parts.append(_text(x + w / 2, y + bar_h * 0.68, str(value), "middle", "inbar" if k != "open" else "small"))
            x += w
        parts.append(_text(x + 8, y + bar_h * 0.68, f"{total}", "start", "value"))
    return Markup(head + "".join(parts) + "</svg>")


def _short_week(week: str) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        _, month, day = week.split("-")
        return f"{int(day)} {months[int(month) - 1]}"
    except (ValueError, IndexError):
        return week
