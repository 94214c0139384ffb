"""Trend charts as inline SVG made at build time: values over time, a target line and, for a key
result, the pace it is judged by. No JS.

This module only computes geometry (plain numbers and labels); ``chart.svg`` draws it with CSS
classes, so the chart's colours come from the site's stylesheet (its status colours included)
and follow the light and dark palettes. Every value is a point with a ``<title>`` (its full
date and value), the x axis runs to the end of the period when there is one, with the year on
its first date. Labels are placed here, not by the browser: for the largest size they are drawn
at (phones), clear of each other, and crossing as few lines as the chart allows.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from markupsafe import Markup

from ..model import Point
from . import number, render

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 30, 30
"""The plot's margins; the left one grows to hold the widest value label (see
:func:`left_margin`)."""
TICK_GAP = 8
"""Between a value label's end and the plot's left edge."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MIN_TICK_GAP = 150
"""Date labels closer than this (in chart units) to the previous one are left out: phones draw
the labels twice as large."""
QUARTERLY_AFTER_DAYS = 200
"""Spans longer than this get a date tick per quarter, shorter ones per month."""

LABEL_FONT = 24
"""The largest size chart text is drawn at, in chart units: okrsite.css doubles the 12 units on
phones. Labels are placed for this size, so they clear each other at the desktop size too."""
ASCENT, DESCENT = 0.95 * LABEL_FONT, 0.25 * LABEL_FONT
"""How far a label's glyphs reach above and below its baseline (a bound for sans-serif fonts)."""
CHAR_WIDTH = 0.6 * LABEL_FONT
"""A bound for the average width of a character (Chromium measured at most 0.51 of the font
size for the site's bold labels)."""
LABEL_LINE = 30
"""The least distance between the baselines of two stacked labels: a phone line."""
LABEL_GAP = 6
"""Between a line and the label written along it."""
DOT_RADIUS = 4.5
"""Of a value's circle."""
PACE_TEXT = "expected pace"
LABEL_SEPARATOR = " · "
"""Between the labels of close rules, written on one line."""
PACE_LABEL_AT = (0.5, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8)
"""Where along the expected-pace line its label may go (a share of the line), in order of
preference: near the middle, never at the start, where the data line begins."""


@dataclasses.dataclass(frozen=True, slots=True)
class Tick:
    """An axis tick: its position on the canvas and its label."""

    at: float
    label: str
    year: str | None = None
    """Written after the label: on the first date, and where a new year begins."""


@dataclasses.dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on the canvas (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def inside(self, other: Box) -> bool:
        return (other.left <= self.left and self.right <= other.right
                and other.top <= self.top and self.bottom <= other.bottom)

    def crosses(self, start: tuple[float, float], end: tuple[float, float]) -> bool:
        """Whether the segment from ``start`` to ``end`` passes through the inside of the box
        (Liang-Barsky clipping: some of the segment lies strictly inside every edge); touching an
        edge is not crossing."""
        (x0, y0), (x1, y1) = start, end
        if (max(x0, x1) <= self.left or min(x0, x1) >= self.right
                or max(y0, y1) <= self.top or min(y0, y1) >= self.bottom):
            return False  # wholly beside the box: most segments, most boxes
        low, high = 0.0, 1.0
        for p, q in ((x0 - x1, x0 - self.left), (x1 - x0, self.right - x0),
                     (y0 - y1, y0 - self.top), (y1 - y0, self.bottom - y0)):
            if p == 0:
                if q <= 0:
                    return False
            elif p < 0:
                low = max(low, q / p)
            else:
                high = min(high, q / p)
        return low < high


def plot_box(left: float = LEFT) -> Box:
    """Where labels go: inside the axes, clear of the date labels below and the unit above."""
    return Box(left, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM - 1)


PLOT = plot_box()
"""The plot of a chart whose value labels fit the narrowest left margin."""
UNIT_BASELINE = math.ceil(ASCENT)
"""The unit's label sits in the top margin, above the plot's left edge: its glyphs stay inside
the chart at the phone size."""


@dataclasses.dataclass(frozen=True, slots=True)
class Label:
    """A text on the canvas: ``y`` is its baseline, ``anchor`` its SVG ``text-anchor``."""

    x: float
    y: float
    text: str
    anchor: str = "start"

    @property
    def box(self) -> Box:
        """Where its glyphs may reach at :data:`LABEL_FONT`."""
        width = text_width(self.text)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return Box(left, self.y - ASCENT, left + width, self.y + DESCENT)


Segment = tuple[tuple[float, float], tuple[float, float]]
"""A straight line on the canvas, from one point to another."""


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal reference line."""

    y: float
    kind: str
    """``target``, ``green`` or ``amber``: how the stylesheet draws it."""
    label: str


@dataclasses.dataclass(frozen=True, slots=True)
class RuleLabels:
    """The labels of rules whose lines lie too close to label apart, on one line of text:
    ``healthy ≥ 95 · target 96``. The browser sets them side by side at any font size."""

    at: Label
    """Where the line of text goes; its text, all the labels, is what its box is measured by."""
    rules: tuple[Rule, ...]
@dataclasses.dataclass(frozen=True, slots=True)
class Dot:
    """One value: where it is drawn and what its tooltip says."""

    x: float
    y: float
    title: str
    start: bool = False
    """The key result's start value at the period's start, not a measurement."""


@dataclasses.dataclass(frozen=True, slots=True)
class Chart:
    """Everything ``chart.svg`` draws."""

    label: str
    line: str
    """SVG path data through the values."""
    dots: tuple[Dot, ...]
    grid: str
    """SVG path data of the horizontal grid lines."""
    rules: tuple[Rule, ...]
    rule_labels: tuple[RuleLabels, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    unit: str | None = None
    tone: str | None = None
    """The class giving the line its colour: a status's or a health's (``None``: neutral)."""
    pace: str | None = None
    """SVG path data of the expected pace: from the start to the target over the period."""
    pace_label: Label | None = None
    """Where "expected pace" is written."""
    today: Label | None = None
    """The as-of date's mark, when it lies inside the chart: its x is the line's."""
    width: int = WIDTH
    height: int = HEIGHT
    dot_radius: float = DOT_RADIUS
    separator: str = LABEL_SEPARATOR
    left: int = LEFT
    right: int = WIDTH - RIGHT
    tick_x: int = LEFT - TICK_GAP
    """Where the value labels end."""
    unit_label: Label | None = None
    """Where the unit is written (``unit``: its text)."""
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def nice_step(span: float, count: int = 4) -> float:
    """A 1-2-5 step that splits ``span`` into about ``count`` intervals."""
    raw = span / count
    if not raw > 0:  # no span, or one so small that dividing it underflows to 0
        raw = 1.0
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
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    tick_labels = [number(v) for v in ticks]
    left = left_margin(tick_labels)
    plot = plot_box(left)
    first, last = points[0].date, points[-1].date
    if span is not None:
        first, last = min(first, span[0]), max(last, span[1])
    days = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(left + (day - first).days / days * (WIDTH - left - RIGHT), 1)

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
    latest = points[-1]
    measured = len(points) - (1 if starts_at_start else 0)
    label = (
        f"{title}: {measured} values from {points[int(starts_at_start)].date.isoformat()} to "
        f"{latest.date.isoformat()}, latest {number(latest.value, unit)}"
        + (f", expected by {pace[1].date.isoformat()}: {number(pace[1].value, unit)}"
           if pace else "")
        + (f", target {number(target, unit)}" if target is not None else "")
    )
    pace_line = None
    if pace is not None:
        pace_line = (x(pace[0].date), y(pace[0].value)), (x(pace[1].date), y(pace[1].value))
    rules = tuple(Rule(y(v), kind, f"{name} {number(v)}") for kind, name, v in references)
    unit_label = Label(left, UNIT_BASELINE, unit) if unit else None
    now = (today_label(x(today), unit_label)
           if today is not None and first < today < last else None)
    rule_labels, pace_label = place_labels(rules, dots, pace_line, now, plot)
    chart = Chart(
        label=label,
        line=path([(d.x, d.y) for d in dots]),
        dots=dots,
        grid=" ".join(f"M{left} {y(v):g}H{WIDTH - RIGHT}" for v in ticks),
        rules=rules,
        rule_labels=rule_labels,
        y_ticks=tuple(Tick(y(v), text) for v, text in zip(ticks, tick_labels, strict=True)),
        x_ticks=date_labels(date_ticks(first, last, points, WIDTH - left - RIGHT), x),
        unit=unit,
        unit_label=unit_label,
        tone=f"okr-s--{status}" if status else f"okr-h--{health}" if health else None,
        pace=path(pace_line) if pace_line else None,
        pace_label=pace_label,
        today=now,
        left=left,
        tick_x=left - TICK_GAP,
    )
    return render("chart.svg", chart=chart)


def left_margin(tick_labels: Sequence[str]) -> int:
    """The left margin: :data:`LEFT`, or wider when a value label would not fit in it at the
    phone size (``2,500``, ``99.95``), so that no label reaches past the chart's left edge."""
    widest = max((text_width(text) for text in tick_labels), default=0.0)
    return max(LEFT, math.ceil(widest) + TICK_GAP)


def today_label(x: float, unit: Label | None) -> Label:
    """The "today" mark's label, in the top margin centred on its line; moved right, to begin
    at the line, when it would run into the unit's label there."""
    label = Label(x, TOP - 8, "today", "middle")
    if unit is None or not label.box.overlaps(unit.box):
        return label
    return Label(max(x, unit.box.right + LABEL_GAP), TOP - 8, "today", "start")


def path(corners: Sequence[tuple[float, float]]) -> str:
    """SVG path data of straight lines through ``corners``."""
    return "M" + " L".join(f"{x:g} {y:g}" for x, y in corners)


def place_labels(rules: Sequence[Rule], dots: Sequence[Dot], pace: Segment | None,
                 now: Label | None, plot: Box = PLOT
                 ) -> tuple[tuple[RuleLabels, ...], Label | None]:
    """The labels of the rules and of the expected ``pace``, clear of each other and of the
    data line as far as they can be. A pace line ends at the target, so rules are then labelled
    at the chart's left end, where the pace is still at the start value."""
    data = [((d.x, d.y), (e.x, e.y)) for d, e in itertools.pairwise(dots)]
    if pace is None:
        return label_rules(rules, ("right", "left"), data, plot), None
    rule_labels = label_rules(rules, ("left",), [*data, pace], plot)
    return rule_labels, place_pace_label(pace, rule_labels, dots, now, plot)


def label_rules(rules: Sequence[Rule], ends: Sequence[str],
                avoid: Sequence[Segment], plot: Box = PLOT) -> tuple[RuleLabels, ...]:
    """The rules' labels, none overlapping another at phone size. Rules too close to label
    apart share a line of text, set at one of the chart's ``ends`` (``right``, ``left``), just
    above or just below them; of these choices the one kept is, once :func:`spread`, the one
    whose labels cross the fewest rule lines, then the fewest of the lines to ``avoid``, then
    moved least, the first on a tie."""
    rule_lines = [((plot.left, rule.y), (plot.right, rule.y)) for rule in rules]
    options = [[rows for end in ends for rows in group_options(group, end, plot)]
               for group in close_groups(rules)]
    def layouts() -> Iterator[tuple[tuple[int, int, float], tuple[RuleLabels, ...]]]:
        for choice in itertools.product(*options):
            wanted = [row for rows in choice for row in rows]
            placed = spread(wanted, plot)
            moved = sum(abs(w.at.y - p.at.y) for w, p in zip(wanted, placed, strict=True))
            boxes = [row.at.box for row in placed]
            yield (crossings(boxes, rule_lines), crossings(boxes, avoid), moved), placed

    return first_best(layouts(), (0, 0, 0)) or ()


def close_groups(rules: Sequence[Rule]) -> list[list[Rule]]:
    """The rules from top to bottom, in groups whose lines lie less than :data:`LABEL_LINE`
    apart: no label fits between them."""
    groups: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda rule: rule.y):
        if groups and rule.y - groups[-1][-1].y < LABEL_LINE:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    return groups


def group_options(group: Sequence[Rule], end: str, plot: Box = PLOT) -> list[list[RuleLabels]]:
    """Where a group of close rules may be labelled at the chart's ``end``: on one line of
    text above its top line, or below its bottom one; when that line is too wide for the plot,
    its first half above and the rest below."""
    x, anchor = (plot.left + LABEL_GAP, "start") if end == "left" else (plot.right, "end")
    above, below = group[0].y - LABEL_GAP, group[-1].y + LABEL_GAP + ASCENT

    def labels(rules: Sequence[Rule], baseline: float) -> RuleLabels:
        text = LABEL_SEPARATOR.join(rule.label for rule in rules)
        return RuleLabels(Label(x, baseline, text, anchor), tuple(rules))

    if len(group) == 1 or labels(group, above).at.box.width <= plot.width:
        return [[labels(group, above)], [labels(group, below)]]  # one rule: cannot be split
    half = (len(group) + 1) // 2
    return [[labels(group[:half], above), labels(group[half:], below)]]


def spread(rows: Sequence[RuleLabels], plot: Box = PLOT) -> tuple[RuleLabels, ...]:
    """``rows`` (top to bottom) as near their baselines as they can be while each is at least
    :data:`LABEL_LINE` below the one before and all lie inside the plot: pushed down from the
    top, then, if the lowest has left the plot, up from the bottom."""
    placed: list[float] = []
    for row in rows:
        placed.append(max(row.at.y, placed[-1] + LABEL_LINE if placed else plot.top + ASCENT))
    lowest = plot.bottom - DESCENT
    for i in reversed(range(len(placed))):
        placed[i] = min(placed[i], lowest if i == len(placed) - 1 else placed[i + 1] - LABEL_LINE)
    return tuple(RuleLabels(dataclasses.replace(row.at, y=round(baseline, 1)), row.rules)
                 for row, baseline in zip(rows, placed, strict=True))


C = TypeVar("C", bound=tuple[Any, ...])
T = TypeVar("T")


def first_best(scored: Iterable[tuple[C, T]], ideal: C) -> T | None:
    """The first choice of least cost, as ``min`` finds it, but stopping at the first whose
    cost is ``ideal`` (nothing can beat it): most charts have one rule and room to spare, so
    the first choice tried is usually the one kept. ``None``: no choice."""
    best: tuple[C, T] | None = None
    for cost, choice in scored:
        if best is None or cost < best[0]:
            best = (cost, choice)
            if cost == ideal:
                break
    return None if best is None else best[1]


def crossings(boxes: Sequence[Box], segments: Sequence[Segment]) -> int:
    """How many times one of ``segments`` passes through one of ``boxes``."""
    return sum(box.crosses(*segment) for box in boxes for segment in segments)


def place_pace_label(line: Segment, rule_labels: Sequence[RuleLabels], dots: Sequence[Dot],
                     now: Label | None, plot: Box = PLOT) -> Label:
    """The "expected pace" label along the pace ``line``, just below or above it: of the
    places :data:`PACE_LABEL_AT` offers, one inside the plot and clear of the rule labels, the
    data line's start and the "today" mark if any is; of those, the one crossed by the fewest
    rule lines (a label on a rule reads as the rule's), then by the fewest data lines (drawn
    over the labels), the earliest on a tie."""
    obstacles = [row.at.box for row in rule_labels] + [dot_box(dots[0])]
    obstacles += [now.box] if now is not None else []
    data: list[Segment] = [((d.x, d.y), (e.x, e.y)) for d, e in itertools.pairwise(dots)]
    rule_lines: list[Segment] = [((plot.left, rule.y), (plot.right, rule.y))
                                 for row in rule_labels for rule in row.rules]
    rule_lines += [((now.x, plot.top), (now.x, plot.bottom))] if now is not None else []

    best: tuple[tuple[bool, int, int], Label] | None = None
    for share in PACE_LABEL_AT:
        for side in (1, -1):
            label = beside(line, share, side)
            box = label.box
            blocked = not box.inside(plot) or any(box.overlaps(o) for o in obstacles)
            if best is not None and blocked > best[0][0]:
                continue  # what cannot beat the best so far is not counted further
            on_rules = crossings([box], rule_lines)
            if best is not None and (blocked, on_rules) > best[0][:2]:
                continue
            cost = (blocked, on_rules, crossings([box], data))
            if best is None or cost < best[0]:
                best = (cost, label)
                if cost == (False, 0, 0):  # nothing can beat it
                    return label
    assert best is not None  # PACE_LABEL_AT is not empty
    return best[1]


def beside(line: Segment, share: float, side: int) -> Label:
    """The "expected pace" label centred at ``share`` of ``line``, just below it (``side``
    1) or just above it (-1), so that the sloping line passes its box's nearer corners."""
    (x0, y0), (x1, y1) = line
    slope = abs((y1 - y0) / (x1 - x0)) if x1 != x0 else 0.0
    x, y = x0 + (x1 - x0) * share, y0 + (y1 - y0) * share
    clearance = slope * text_width(PACE_TEXT) / 2 + LABEL_GAP / 2
    baseline = y + clearance + ASCENT if side > 0 else y - clearance - DESCENT
    return Label(round(x, 1), round(baseline, 1), PACE_TEXT, "middle")


def text_width(text: str) -> float:
    """At most how wide ``text`` is drawn at :data:`LABEL_FONT`."""
    return len(text) * CHAR_WIDTH


def dot_box(dot: Dot) -> Box:
    """Where a value's circle is drawn, with a margin."""
    reach = DOT_RADIUS + LABEL_GAP / 2
    return Box(dot.x - reach, dot.y - reach, dot.x + reach, dot.y + reach)


def date_labels(days: Sequence[date], x: Callable[[date], float]) -> tuple[Tick, ...]:
    """Ticks for ``days``: ``Oct 1 2026`` first, then ``Nov 1``…, the year again when it
    changes."""
    return tuple(
        Tick(x(day), short_date(day), str(day.year) if i == 0 or day.year != days[i - 1].year
             else None)
        for i, day in enumerate(days)
    )


def date_ticks(first: date, last: date, points: Sequence[Point],
               width: float = WIDTH - LEFT - RIGHT) -> list[date]:
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
    gap = MIN_TICK_GAP * days / width
    chosen = [first]
    for day in inner:
        if (day - chosen[-1]).days >= gap and (last - day).days >= gap:
            chosen.append(day)
    return [*chosen, last]
