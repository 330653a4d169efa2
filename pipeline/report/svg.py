"""Inline SVG time axes for the report: no chart library, nothing to load.

A mark is drawn as wide as its period (a quarter is a quarter long), or as a
point when the period is too short to see (a day, at corpus scale). Marks are
packed into lanes so they never cover each other; past `max_lanes` they stack
on the lane that frees up first, which keeps the height bounded at any corpus size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from markupsafe import Markup, escape

WIDTH = 960
MARGIN = 12
LANE_HEIGHT = 12
MAX_LANES = 24
AXIS_HEIGHT = 26
EDGE = 30  # a tick label closer than this to an edge is aligned inward, so it is not cut off
MIN_LABEL_GAP = 70  # pixels between two tick labels, so they never overlap
POINT_BELOW = 4.0  # a period narrower than this many pixels is drawn as a point
FOCUS_SHARE = 0.6  # the close-up shows the densest years holding this share of the events
TICK_MONTHS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200)


@dataclass(frozen=True)
class TimelineMark:
    mark_id: str
    start: date
    end: date  # exclusive
    granularity: str
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup
    n_marks: int


def _months(d: date) -> int:
    return d.year * 12 + d.month - 1


def _ticks(lo: date, hi: date, plot_width: float) -> tuple[list[date], int]:
    """Month-aligned ticks, the finest step whose labels still fit."""
    span = max(1, _months(hi) - _months(lo) + 1)
    step = next((m for m in TICK_MONTHS if span / m <= plot_width / MIN_LABEL_GAP), TICK_MONTHS[-1])
    first = _months(lo) + (-_months(lo)) % step
    ticks = []
    for m in range(first, _months(hi) + 1, step):
        d = date(m // 12, m % 12 + 1, 1)
        if lo <= d <= hi:
            ticks.append(d)
    return ticks, step


def _tick_label(d: date, step: int) -> str:
    if step >= 12:
        return str(d.year)
    if step in (3, 6):
        return f"{d.year} Q{(d.month - 1) // 3 + 1}"
    return f"{d.year}-{d.month:02d}"


def timeline_svg(marks: Sequence[TimelineMark], lo: date, hi: date, *, width: int = WIDTH,
                 max_lanes: int = MAX_LANES) -> Markup:
    """One time axis from lo to hi (exclusive); marks outside are clipped or left out."""
    plot_w = width - 2 * MARGIN
    total = max(1, (hi - lo).days)

    def x(d: date) -> float:
        return MARGIN + (min(max(d, lo), hi) - lo).days / total * plot_w

    shapes: list[tuple[float, float, TimelineMark]] = []
    for m in sorted(marks, key=lambda m: (m.start, m.end)):
        if m.end <= lo or m.start >= hi:
            continue
        x0, x1 = x(m.start), x(m.end)
        shapes.append((x0, x1, m))

    lane_ends: list[float] = []
    placed = []
    for x0, x1, m in shapes:
        point = x1 - x0 < POINT_BELOW
        left, right = (x0 + (x1 - x0) / 2 - 4, x0 + (x1 - x0) / 2 + 4) if point else (x0, x1)
        lane = next((i for i, end in enumerate(lane_ends) if end + 1 <= left), None)
        if lane is None:
            if len(lane_ends) < max_lanes:
                lane_ends.append(right)
                lane = len(lane_ends) - 1
            else:
                lane = min(range(len(lane_ends)), key=lane_ends.__getitem__)
        lane_ends[lane] = max(lane_ends[lane], right)
        placed.append((lane, point, x0, x1, m))

    n_lanes = max(1, len(lane_ends))
    plot_h = n_lanes * LANE_HEIGHT + 6
    height = plot_h + AXIS_HEIGHT
    ticks, step = _ticks(lo, hi, plot_w)
    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="timeline of {len(placed)} dated events" xmlns="http://www.w3.org/2000/svg">']
    for t in ticks:
        tx = x(t)
        anchor = "start" if tx - MARGIN < EDGE else "end" if width - MARGIN - tx < EDGE else "middle"
        out.append(f'<line class="grid" x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{plot_h}"/>'
                   f'<text class="tick" x="{tx:.1f}" y="{plot_h + 16}" text-anchor="{anchor}">'
                   f'{escape(_tick_label(t, step))}</text>')
    out.append(f'<line class="axis" x1="{MARGIN}" y1="{plot_h}" x2="{width - MARGIN}" y2="{plot_h}"/>')
    for lane, point, x0, x1, m in placed:
        y = 3 + lane * LANE_HEIGHT
        title = f"<title>{escape(m.label)}</title>"
        if point:
            shape = (f'<circle class="g-{escape(m.granularity)}" cx="{(x0 + x1) / 2:.1f}" '
                     f'cy="{y + LANE_HEIGHT / 2 - 1:.1f}" r="3.5">{title}</circle>')
        else:
            shape = (f'<rect class="g-{escape(m.granularity)}" x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{LANE_HEIGHT - 3}" rx="2">{title}</rect>')
        out.append(f'<a href="#ev-{escape(m.mark_id)}">{shape}</a>')
    out.append("</svg>")
    return Markup("".join(out))


def _focus(marks: Sequence[TimelineMark], share: float = FOCUS_SHARE) -> tuple[date, date] | None:
    """The shortest run of whole years holding `share` of the marks, when much shorter than the full range."""
    starts = sorted(m.start for m in marks)
    k = max(1, math.ceil(len(starts) * share))
    i = min(range(len(starts) - k + 1), key=lambda j: (starts[j + k - 1] - starts[j], j))
    lo, hi = date(starts[i].year, 1, 1), date(starts[i + k - 1].year + 1, 1, 1)
    full = (max(m.end for m in marks) - starts[0]).days
    if (hi - lo).days * 3 > full:
        return None
    return lo, hi


def timeline_charts(marks: Sequence[TimelineMark]) -> list[Chart]:
    """The whole range, plus a close-up of where most events are when the range is long."""
    if not marks:
        return []
    lo = date(min(m.start for m in marks).year, 1, 1)
    hi_end = max(m.end for m in marks)
    hi = date(hi_end.year + (hi_end != date(hi_end.year, 1, 1)), 1, 1)
    charts = [Chart(f"All dated events, {lo.year}–{hi.year - 1}", timeline_svg(marks, lo, hi), len(marks))]
    focus = _focus(marks)
    if focus:
        f_lo, f_hi = focus
        inside = [m for m in marks if m.end > f_lo and m.start < f_hi]
        years = f"{f_lo.year}" if f_hi.year - f_lo.year == 1 else f"{f_lo.year}–{f_hi.year - 1}"
        charts.append(Chart(f"Close-up: {years} ({len(inside)} of {len(marks)} events)",
                            timeline_svg(inside, f_lo, f_hi), len(inside)))
    return charts
