"""Trend charts as inline SVG made at build time: values over time and a target line, no JS.

This module only computes geometry (plain numbers and labels); ``chart.svg`` draws it with CSS
classes, so the chart's colours come from the site's stylesheet and follow the light and dark
palettes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..model import Point
from . import number, render

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 14, 30
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Tick:
    """An axis tick: its position on the canvas and its label."""

    at: float
    label: str


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
class Chart:
    """Everything ``chart.svg`` draws."""

    label: str
    line: str
    """SVG path data through the measurements."""
    dots: str
    """SVG path data of zero-length segments: drawn with round caps, one dot per value."""
    grid: str
    """SVG path data of the horizontal grid lines."""
    rules: tuple[Rule, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
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
) -> Markup | None:
    """An inline SVG chart of ``points`` with a target line and ``(kind, label, value)``
    threshold lines; ``None`` under two points."""
    if len(points) < 2:
        return None
    references = [("target", "target", target)] if target is not None else []
    references += list(thresholds)
    low, high, step = _value_range([p.value for p in points] + [v for _, _, v in references])
    first, last = points[0].date, points[-1].date
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (day - first).days / days * (WIDTH - LEFT - RIGHT), 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (value - low) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)

    placed = [(x(p.date), y(p.value)) for p in points]
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    latest = points[-1]
    label = (
        f"{title}: {len(points)} values from {first.isoformat()} to {last.isoformat()}, "
        f"latest {number(latest.value, unit)}"
        + (f", target {number(target, unit)}" if target is not None else "")
    )
    chart = Chart(
        label=label,
        line="M" + " L".join(f"{px:g} {py:g}" for px, py in placed),
        dots=" ".join(f"M{px:g} {py:g}h0" for px, py in placed),
        grid=" ".join(f"M{LEFT} {y(v):g}H{WIDTH - RIGHT}" for v in ticks),
        rules=tuple(Rule(y(v), f"{name} {number(v)}", kind) for kind, name, v in references),
        y_ticks=tuple(Tick(y(v), number(v)) for v in ticks),
        x_ticks=tuple(Tick(x(d), short_date(d)) for d in _date_ticks(points)),
    )
    return render("chart.svg", chart=chart)


def _date_ticks(points: Sequence[Point]) -> list[date]:
    """First, last and (for long series) the middle measurement's date."""
    days = [points[0].date, points[-1].date]
    if len(points) >= 5:
        days.insert(1, points[len(points) // 2].date)
    return days
