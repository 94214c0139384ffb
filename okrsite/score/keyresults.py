"""One key result: the arithmetic, what it is scored from, its score by type, when it
was last updated and whether it is stale."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ..model import Checkin, Goals, KeyResult, Kpi, Period, Point
from ..vocabulary import DEFAULT_DIRECTION, STATUS_TOLERANCE, STRETCH_COMMIT, Direction, KrType
from .cards import PROGRESS_LIMIT

# --- small arithmetic ---------------------------------------------------------------------


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def share(value: float, start: float, end: float) -> float:
    """``(value - start) / (end - start)`` without overflow at the ends of the float range
    (the halves of two finite floats never overflow when subtracted)."""
    span, moved = end - start, value - start
    if math.isinf(span) or math.isinf(moved):
        span, moved = end / 2 - start / 2, value / 2 - start / 2
    result = moved / span
    return clamp(result, -PROGRESS_LIMIT, PROGRESS_LIMIT) if math.isfinite(result) else (
        math.copysign(PROGRESS_LIMIT, result) if not math.isnan(result) else 0.0
    )


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The mean of ``(value, weight)`` pairs; ``None`` when there are none (or no weight).

    Weights are scaled by the largest first, so two weights of ``1e308`` do not overflow.
    """
    pairs = list(pairs)
    largest = max((weight for _, weight in pairs), default=0.0)
    if not largest > 0:
        return None
    total = weights = 0.0
    for value, weight in pairs:
        total += value * (weight / largest)
        weights += weight / largest
    return total / weights if weights > 0 else None


def mean(values: Sequence[float]) -> float | None:
    """The plain mean, computed so that huge values do not overflow."""
    return weighted_mean((value, 1.0) for value in values)


D = TypeVar("D", Point, Checkin)


def counted(points: Iterable[D], as_of: date) -> tuple[D, ...]:
    """What was known at ``as_of``: the entries dated on or before it."""
    return tuple(p for p in points if p.date <= as_of)


def latest_point(points: Sequence[D]) -> D | None:
    """The entry with the latest date (the last written among equal dates); ``None``: none."""
    return max(reversed(points), key=lambda p: p.date, default=None)


# --- what a key result is scored from ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """What one key result is scored from at the as-of date."""

    current: float | None = None
    """metric and threshold: the value scored."""
    direction: Direction = DEFAULT_DIRECTION
    """threshold: the direction its target is held in."""
    aligned: Sequence[tuple[float, float]] = ()
    """aligned: ``(score, weight)`` of the objectives aligned to it."""


def metric_current(kr: KeyResult, kpis: Mapping[str, Kpi], as_of: date | None = None) -> (
    float | None
):
    """The value a metric or threshold is scored at, counting only what is dated by ``as_of``
    (``None``: everything).

    With ``kpi``: the KPI's latest value (1.0's rule: the KPI wins over ``current``), else
    ``start`` (a threshold: no value). Without: ``current`` as written, else the latest
    check-in's value, else ``start`` (a threshold: no value). ``None`` for other types.
    """
    if kr.type not in ("metric", "threshold"):
        return None
    fallback = kr.start if kr.type == "metric" else None
    if kr.kpi:
        kpi = kpis.get(kr.kpi)
        values = kpi.values if kpi else ()
        latest = latest_point(counted(values, as_of) if as_of else values)
        return latest.value if latest is not None else fallback
    if kr.current is not None:
        return kr.current
    checkins = counted(kr.history, as_of) if as_of else kr.history
    latest_value = latest_point([c for c in checkins if c.value is not None])
    return latest_value.value if latest_value is not None else fallback


def threshold_direction(kr: KeyResult, kpis: Mapping[str, Kpi]) -> Direction:
    """As written, else its KPI's direction, else higher is better."""
    if kr.direction is not None:
        return kr.direction
    kpi = kpis.get(kr.kpi) if kr.kpi else None
    return kpi.direction if kpi is not None else DEFAULT_DIRECTION


def threshold_met(target: float | None, current: float | None, direction: Direction,
                  strict: bool = False) -> bool:
    """``current`` holds ``target``: ``>=`` (``>`` when strict) for higher is better, ``<=``
    (``<``) for lower is better; no value at all: not met."""
    if target is None or current is None:
        return False
    if direction == "lower_is_better":
        return current < target if strict else current <= target
    return current > target if strict else current >= target


def metric_progress(kr: KeyResult, current: float | None) -> float | None:
    """The unclamped share of the way from ``start`` to ``target``; metric only."""
    if kr.type != "metric" or kr.start is None or kr.target is None or current is None:
        return None
    if kr.target == kr.start:  # rejected by validation; no division by zero all the same
        return 1.0 if current == kr.target else 0.0
    return share(current, kr.start, kr.target)


def metric_score(start: float, target: float, current: float, stretch: float | None = None) -> (
    float
):
    """``clamp((current - start) / (target - start), 0, 1)``; works both ways round.

    With a ``stretch``: 0.7 of that until ``target`` is reached, then 0.7 plus 0.3 of the way
    on to ``stretch``.
    """
    if target == start:  # rejected by validation; no division by zero all the same
        return 1.0 if current == target else 0.0
    progress = share(current, start, target)
    if stretch is None or stretch == target:
        return clamp(progress)
    if progress < 1:
        return STRETCH_COMMIT * clamp(progress)
    return STRETCH_COMMIT + (1 - STRETCH_COMMIT) * clamp(share(current, target, stretch))


def checklist_done(kr: KeyResult) -> tuple[int, int]:
    """``(items done, items)``: counts, not weights."""
    return sum(1 for item in kr.items if item.done), len(kr.items)


KrScorer = Callable[[KeyResult, Reading], float]
"""``(key result, what it is scored from) -> 0..1``."""


def _score_metric(kr: KeyResult, reading: Reading) -> float:
    if kr.start is None or kr.target is None or reading.current is None:
        return 0.0
    return metric_score(kr.start, kr.target, reading.current, kr.stretch)


def _score_milestone(kr: KeyResult, _: Reading) -> float:
    return 1.0 if kr.done else 0.0


def _score_given(kr: KeyResult, _: Reading) -> float:
    return clamp(kr.score) if kr.score is not None else 0.0


def _score_aligned(_: KeyResult, reading: Reading) -> float:
    score = weighted_mean(reading.aligned)
    return score if score is not None else 0.0


def _score_threshold(kr: KeyResult, reading: Reading) -> float:
    return 1.0 if threshold_met(kr.target, reading.current, reading.direction, kr.strict) else 0.0


def _score_checklist(kr: KeyResult, _: Reading) -> float:
    score = weighted_mean((1.0 if item.done else 0.0, item.weight) for item in kr.items)
    return score if score is not None else 0.0


def _score_unresolved_share(_: KeyResult, _r: Reading) -> float:
    return 0.0  # a shared key result is scored as its source (see key_result_scores)


KR_SCORERS: Mapping[KrType, KrScorer] = {
    "metric": _score_metric,
    "milestone": _score_milestone,
    "score": _score_given,
    "aligned": _score_aligned,
    "threshold": _score_threshold,
    "checklist": _score_checklist,
    "shared": _score_unresolved_share,
}
"""The scoring rule of each key-result type."""


def key_result_score(
    kr: KeyResult, current: float | None, aligned: Sequence[tuple[float, float]] = (),
    direction: Direction = DEFAULT_DIRECTION,
) -> float:
    """Score one key result; ``aligned`` counts only for ``type: aligned``, ``direction`` only
    for ``type: threshold``."""
    return KR_SCORERS[kr.type](kr, Reading(current, direction, aligned))


def reading(goals: Goals, kr: KeyResult, as_of: date | None,
            aligned: Sequence[tuple[float, float]] = ()) -> Reading:
    kpis = goals.kpi_by_id
    direction = threshold_direction(kr, kpis) if kr.type == "threshold" else DEFAULT_DIRECTION
    return Reading(metric_current(kr, kpis, as_of), direction, aligned)


def last_update(kr: KeyResult, kpi: Kpi | None, git_date: date | None = None,
                as_of: date | None = None) -> date | None:
    """The latest of ``updated``, the check-in dates, the KPI's latest date and the git date,
    among those on or before ``as_of`` (``None``: all)."""
    dates = [kr.updated, git_date, *(c.date for c in kr.history)]
    if kpi is not None:
        dates.extend(p.date for p in kpi.values)
    return max((d for d in dates if d is not None and (as_of is None or d <= as_of)),
               default=None)


def is_stale(
    kr: KeyResult, last: date | None, period: Period, as_of: date, stale_after_days: int
) -> bool:
    """The spec's freshness rule; only ever true while ``as_of`` lies inside ``period``.

    Never stale: aligned key results, done milestones, checklists with every item done.
    """
    if kr.type in ("aligned", "shared") or (kr.type == "milestone" and kr.done):
        return False
    if kr.type == "checklist" and kr.items and all(item.done for item in kr.items):
        return False
    if not period.contains(as_of):
        return False
    since = last if last is not None else period.start
    return (as_of - since).days > stale_after_days


def reached(kr: KeyResult, score: float, progress: float | None, met: bool | None) -> bool:
    """The key result has reached its target (for ``overdue``)."""
    if kr.type == "metric":
        return progress is not None and progress >= 1 - STATUS_TOLERANCE
    if kr.type == "threshold":
        return bool(met)
    if kr.type == "milestone":
        return bool(kr.done)
    if kr.type == "checklist":
        return all(item.done for item in kr.items)
    return score >= 1 - STATUS_TOLERANCE


def own_period(period: Period, kr: KeyResult) -> Period:
    """The span a key result's own expected share runs over: to its ``due`` date, if any."""
    return Period(period.id, period.start, kr.due) if kr.due is not None else period
