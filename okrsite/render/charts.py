"""Trend charts as inline SVG made at build time: values over time, a target line and, for a key
result, the pace it is judged by. No JS.

This module only computes geometry (plain numbers and labels); ``chart.svg`` draws it with CSS
classes, so the chart's colours come from the site's stylesheet (its status colours included)
and follow the light and dark palettes. Every value is a point with a ``<title>`` (its full
date and value), the x axis runs to the end of the period when there is one, with the year on
its first date.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..model import Point
from . import number, render

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 30, 30
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MIN_TICK_GAP = 150
"""Date labels closer than this (in chart units) to the previous one are left out: phones draw
the labels twice as large."""
QUARTERLY_AFTER_DAYS = 200
"""Spans longer than this get a date tick per quarter, shorter ones per month."""


@dataclass(frozen=True, slots=True)
class Tick:
    """An axis tick: its position on the canvas and its label."""

    at: float
    label: str
    year: str | None = None
    """Written after the label: on the first date, and where a new year begins."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal reference line."""

    y: float
    label: str
    kind: str
    """``target``, ``green`` or ``amber``: how the stylesheet draws it."""

    @property
    def label_y(self) -> float:
        """Above the line, or below it when the line runs along the top of the chart."""
        return self.y - 6 if self.y - 6 > TOP + 12 else self.y + 16


@dataclass(frozen=True, slots=True)
class Dot:
    """One value: where it is drawn and what its tooltip says."""

    x: float
    y: float
    title: str
    start: bool = False
    """The key result's start value at the period's start, not a measurement."""


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything ``chart.svg`` draws."""

    label: str
    line: str
    """SVG path data through the values."""
    dots: tuple[Dot, ...]
    grid: str
    """SVG path data of the horizontal grid lines."""
    rules: tuple[Rule, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    unit: str | None = None
    tone: str | None = None
    """The class giving the line its colour: a status's or a health's (``None``: neutral)."""
    pace: str | None = None
    """SVG path data of the expected pace: from the start to the target over the period."""
    pace_label: tuple[float, float] | None = None
    today: float | None = None
    """The x position of the as-of date, when it lies inside the chart."""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def nice_step(span: float, count: int = 4) -> float:
    """A 1-2-5 step that splits ``span`` into about ``count`` intervals."""
    raw = span / count if span > 0 else 1.0
    power: float = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def short_date(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def _value_range(values: Sequence[float]) -> tuple[float, float, float]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def trend_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str | None = None,
    target: float | None = None,
    thresholds: Sequence[tuple[str, str, float]] = (),
    span: tuple[date, date] | None = None,
    pace: tuple[Point, Point] | None = None,
    status: str | None = None,
    health: str | None = None,
    today: date | None = None,
    starts_at_start: bool = False,
) -> Markup | None:
    """An inline SVG chart of ``points`` with a target line and ``(kind, label, value)``
    threshold lines; ``None`` under two points.

    ``span``: the dates the x axis covers (a key result's period; it grows to hold every
    point); ``pace``: the expected progress, drawn from its first to its second point;
    ``status`` or ``health``: the colour of the line; ``today``: the as-of date, marked when
    inside the span; ``starts_at_start``: the first point is the start value, not a measurement.
    """
    if len(points) < 2:
        return None
    references = [("target", "target", target)] if target is not None else []
    references += list(thresholds)
    values = [p.value for p in points] + [v for _, _, v in references]
    values += [p.value for p in pace] if pace else []
    low, high, step = _value_range(values)
    first, last = points[0].date, points[-1].date
    if span is not None:
        first, last = min(first, span[0]), max(last, span[1])
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (day - first).days / days * (WIDTH - LEFT - RIGHT), 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (value - low) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)

    dots = tuple(
        Dot(x(p.date), y(p.value),
            f"{'start' if starts_at_start and i == 0 else p.date.isoformat()}: "
            f"{number(p.value, unit)}" + (f" ({p.date.isoformat()})" if starts_at_start and i == 0
                                          else ""),
            start=starts_at_start and i == 0)
        for i, p in enumerate(points)
    )
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    latest = points[-1]
    measured = len(points) - (1 if starts_at_start else 0)
    label = (
        f"{title}: {measured} values from {points[int(starts_at_start)].date.isoformat()} to "
        f"{latest.date.isoformat()}, latest {number(latest.value, unit)}"
        + (f", expected by {pace[1].date.isoformat()}: {number(pace[1].value, unit)}"
           if pace else "")
        + (f", target {number(target, unit)}" if target is not None else "")
    )
    pace_path = pace_label = None
    if pace is not None:
        x0, y0, x1, y1 = x(pace[0].date), y(pace[0].value), x(pace[1].date), y(pace[1].value)
        pace_path = f"M{x0:g} {y0:g} L{x1:g} {y1:g}"
        pace_label = (round(x0 + (x1 - x0) * 0.3, 1), round(y0 + (y1 - y0) * 0.3 + 18, 1))
    chart = Chart(
        label=label,
        line="M" + " L".join(f"{d.x:g} {d.y:g}" for d in dots),
        dots=dots,
        grid=" ".join(f"M{LEFT} {y(v):g}H{WIDTH - RIGHT}" for v in ticks),
        rules=tuple(Rule(y(v), f"{name} {number(v)}", kind) for kind, name, v in references),
        y_ticks=tuple(Tick(y(v), number(v)) for v in ticks),
        x_ticks=date_labels(date_ticks(first, last, points), x),
        unit=unit,
        tone=f"okr-s--{status}" if status else f"okr-h--{health}" if health else None,
        pace=pace_path,
        pace_label=pace_label,
        today=x(today) if today is not None and first < today < last else None,
    )
    return render("chart.svg", chart=chart)


def date_labels(days: Sequence[date], x: Callable[[date], float]) -> tuple[Tick, ...]:
    """Ticks for ``days``: ``Oct 1 2026`` first, then ``Nov 1``…, the year again when it
    changes."""
    return tuple(
        Tick(x(day), short_date(day), str(day.year) if i == 0 or day.year != days[i - 1].year
             else None)
        for i, day in enumerate(days)
    )


def date_ticks(first: date, last: date, points: Sequence[Point]) -> list[date]:
    """The first and last day, and between them the first of each month (each quarter on long
    spans), none closer to the one before than :data:`MIN_TICK_GAP` allows. A short span of
    values with no month start inside it gets its middle value's date (long series only)."""
    days = max((last - first).days, 1)
    months = range(1, 13) if days <= QUARTERLY_AFTER_DAYS else (1, 4, 7, 10)
    inner = [
        date(year, month, 1)
        for year in range(first.year, last.year + 1)
        for month in months
        if first < date(year, month, 1) < last
    ]
    if not inner and len(points) >= 5:
        inner = [points[len(points) // 2].date]
    gap = MIN_TICK_GAP * days / (WIDTH - LEFT - RIGHT)
    chosen = [first]
    for day in inner:
        if (day - chosen[-1]).days >= gap and (last - day).days >= gap:
            chosen.append(day)
    return [*chosen, last]
