"""Stage 4: pure scoring functions, exactly as the spec's Scoring and Status sections say.

Nothing here reads the clock or the disk: the as-of date (and, optionally, the dates git last
changed each key result) are passed in. Floats are never rounded here; the JSON export rounds.
Everything dated after the as-of date (check-ins, ``updated``, KPI values) is ignored: a
snapshot shows what was known then (format 1.1).

Where the spec is silent, this module decides (and ``docs/format.md`` repeats):

- Status thresholds tolerate float noise: a pace within ``STATUS_TOLERANCE`` below a threshold
  reaches it, so a metric from 2 to 5 at 4.1 (0.7 on paper, 0.6999999999999998 in floats) is
  on track at the end of its period, as the 0.7 the site shows suggests.
- A KPI with only one threshold uses that one: only ``green`` gives green or red, only ``amber``
  gives amber or red.
- The current period when none is set and none contains the as-of date: see
  :func:`current_period`.
- Numbers at the ends of the float range never overflow into ``inf`` or ``nan``: spans and
  weights are scaled first (:func:`share`, :func:`weighted_mean`), and ``progress`` is kept
  within ``±PROGRESS_LIMIT``.
- Defensive fallbacks for input validation rejects (never reached on a validated tree): an
  aligned key result with no contributors scores 0, a metric with ``target == start`` scores 1
  when ``current`` equals it and 0 otherwise, a missing ``start``/``target``/``score`` scores 0,
  a ``shared`` key result whose source is missing scores 0, and an objective on an alignment
  cycle ignores the edge that closes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from .model import (
    Checkin,
    Goals,
    KeyResult,
    Kpi,
    Objective,
    Org,
    Period,
    Point,
    Scoring,
)
from .vocabulary import (
    CADENCE_DAYS,
    DEFAULT_DIRECTION,
    STATUS_TOLERANCE,
    STATUSES,
    STRETCH_COMMIT,
    Direction,
    Health,
    KrType,
    Status,
)

PROGRESS_LIMIT = 1e9
"""``progress`` beyond this (a billion times the way to target) is shown as this."""


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    """The computed state of one key result at the as-of date."""

    score: float
    """0..1."""
    current: float | None
    """metric and threshold: the value scored (the KPI's latest, the written ``current``, the
    latest check-in's value, or ``start``; threshold: ``None`` when there is no value)."""
    last_update: date | None
    """The latest of ``updated``, check-in dates, the KPI's latest date and the git date."""
    stale: bool
    progress: float | None = None
    """metric: ``(current - start) / (target - start)``, not clamped (1.2: 120% of the way)."""
    expected: float = 0.0
    """The key result's own expected share: to its ``due`` date, else its objective's."""
    status: Status = "not_started"
    """The status rule applied to its own score and expected share (never a manual status)."""
    overdue: bool = False
    """``due`` is before the as-of date and the target is not reached."""
    confidence: float | None = None
    """Its ``confidence``, else the latest check-in's that has one."""
    checkins: tuple[Checkin, ...] = ()
    """The check-ins counted at the as-of date, oldest first."""
    met: bool | None = None
    """threshold: whether ``current`` meets the target (``False`` with no value)."""
    items_done: int | None = None
    """checklist: how many items are done."""
    items_total: int | None = None
    due: date | None = None
    """Its ``due`` date (a shared key result: its source's)."""


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    """The computed state of one objective."""

    score: float
    expected: float
    """The share of the objective's period elapsed at the as-of date, 0..1."""
    status: Status
    """The manual status if given, else the one the pace gives."""
    key_results: Mapping[str, KeyResultScore]
    """By key-result id, in file order."""
    pace: float | None = None
    """``score / expected``; ``None`` before the period starts (``expected == 0``)."""
    manual: bool = False
    """The status was set by hand (``status:`` in the file)."""


@dataclass(frozen=True, slots=True)
class KpiState:
    """The computed state of one KPI at the as-of date."""

    latest: Point | None
    """The value with the latest date counted at the as-of date (``None``: none yet)."""
    health: Health | None
    values: tuple[Point, ...] = ()
    """The values counted at the as-of date, by date."""
    stale: bool | None = None
    """With a ``cadence``: no value for longer than a cadence step plus ``stale_after_days``;
    without one, ``None``."""


@dataclass(frozen=True)
class Scorecard:
    """Every computed number for one goals tree at one as-of date."""

    as_of: date
    current_period: Period
    objectives: Mapping[str, ObjectiveScore]
    units: Mapping[str, float | None]
    """Unit id -> mean score of its objectives counted in the current period (None: none)."""
    kpis: Mapping[str, KpiState]
    overall: float | None = None
    """The organisation's score: its top unit's score, or with several top units the mean of
    the top-level objectives counted in the current period (None when there are none)."""
    counts: Mapping[Status, int] = field(default_factory=dict)
    """How many objectives counted in the current period have each status."""
    counted: frozenset[str] = frozenset()
    """Ids of the objectives counted in the current period (their period equals or encloses it)."""


GitDates = Mapping[tuple[str, str], date]
"""(objective id, key-result id) -> the date of the last commit that changed that key result."""


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


# --- objectives ---------------------------------------------------------------------------


def _scored_children(
    children: Iterable[Objective], scores: Mapping[str, float]
) -> list[tuple[float, float]]:
    return [(scores[c.id], c.weight) for c in children if c.id in scores]


def key_result_scores(
    goals: Goals, objective: Objective, scores: Mapping[str, float], as_of: date | None = None
) -> dict[str, float]:
    """The objective's key-result scores, given the scores of the objectives aligned to it.

    A ``shared`` key result scores as its source; sources are never ``aligned`` or ``shared``,
    so their scores need no other objective's.
    """
    result: dict[str, float] = {}
    for kr in objective.key_results:
        measured = kr
        if kr.type == "shared":
            found = goals.shared_source(kr)
            if found is None:
                result[kr.id] = 0.0
                continue
            measured = found[1]
        aligned = (
            _scored_children(goals.aligned_to_kr(objective.id, kr.id), scores)
            if measured.type == "aligned"
            else []
        )
        result[kr.id] = KR_SCORERS[measured.type](measured, reading(goals, measured, as_of,
                                                                     aligned))
    return result


def objective_score(goals: Goals, objective: Objective, scores: Mapping[str, float],
                    as_of: date | None = None) -> float:
    """Weighted mean of the key results (their weights) and of the objectives aligned directly
    to it (theirs); ``scores`` must hold the latter (and those aligned to its aligned KRs)."""
    kr_scores = key_result_scores(goals, objective, scores, as_of)
    pairs = [(kr_scores[kr.id], kr.weight) for kr in objective.key_results]
    pairs += _scored_children(goals.aligned_to(objective.id), scores)
    score = weighted_mean(pairs)
    return score if score is not None else 0.0


def _dependencies(goals: Goals, objective: Objective) -> list[Objective]:
    """The objectives whose scores this one's score uses."""
    deps = list(goals.aligned_to(objective.id))
    for kr in objective.key_results:
        if kr.type == "aligned":
            deps.extend(goals.aligned_to_kr(objective.id, kr.id))
    return deps


def roll_up(goals: Goals, as_of: date | None = None) -> dict[str, float]:
    """Every objective's score, children before parents, each computed once.

    An iterative post-order walk of the alignment tree: linear in objectives plus key results,
    and no recursion limit however deep the cascade.
    """
    scores: dict[str, float] = {}
    open_: set[str] = set()
    for top in goals.objectives:
        stack: list[tuple[Objective, bool]] = [(top, False)]
        while stack:
            objective, children_done = stack.pop()
            if objective.id in scores:
                continue
            if children_done:
                open_.discard(objective.id)
                scores[objective.id] = objective_score(goals, objective, scores, as_of)
            elif objective.id not in open_:  # in open_: a cycle, the edge closing it is ignored
                open_.add(objective.id)
                stack.append((objective, True))
                stack.extend((d, False) for d in _dependencies(goals, objective))
    return scores


def expected_share(period: Period, as_of: date) -> float:
    """The share of the period's days elapsed, counting the as-of day, clamped to 0..1."""
    return clamp(((as_of - period.start).days + 1) / period.days)


def pace_status(pace: float, scoring: Scoring) -> Status:
    """``on_track``, ``at_risk`` or ``off_track`` for a pace (score / expected)."""
    thresholds: tuple[tuple[Status, float], ...] = (
        ("on_track", scoring.on_track),
        ("at_risk", scoring.at_risk),
    )
    for status, threshold in thresholds:
        if pace >= threshold - STATUS_TOLERANCE:
            return status
    return "off_track"


def status_of(
    score: float, expected: float, scoring: Scoring, manual: Status | None = None
) -> Status:
    """A manual status wins; else ``not_started`` before the period, else by pace."""
    if manual is not None:
        return manual
    if expected == 0:
        return "not_started"
    return pace_status(score / expected, scoring)


def measure_key_result(
    goals: Goals, objective: Objective, kr: KeyResult, score: float, as_of: date,
    git_date: date | None,
) -> KeyResultScore:
    """Everything measured about one key result that is not ``shared``."""
    org = goals.org
    period = org.period_by_id[objective.period]
    kpi = goals.kpi_by_id.get(kr.kpi) if kr.kpi else None
    found = reading(goals, kr, as_of)
    checkins = tuple(sorted(counted(kr.history, as_of), key=lambda c: c.date))
    last = last_update(kr, kpi, git_date, as_of)
    progress = metric_progress(kr, found.current)
    met = (threshold_met(kr.target, found.current, found.direction, kr.strict)
           if kr.type == "threshold" else None)
    expected = expected_share(own_period(period, kr), as_of)
    latest_confident = latest_point([c for c in checkins if c.confidence is not None])
    done, total = checklist_done(kr) if kr.type == "checklist" else (None, None)
    return KeyResultScore(
        score=score,
        current=found.current,
        last_update=last,
        stale=is_stale(kr, last, period, as_of, org.scoring.stale_after_days),
        progress=progress,
        expected=expected,
        status=status_of(score, expected, org.scoring),
        overdue=kr.due is not None and kr.due < as_of
        and not reached(kr, score, progress, met),
        confidence=kr.confidence if kr.confidence is not None else (
            latest_confident.confidence if latest_confident else None),
        checkins=checkins,
        met=met,
        items_done=done,
        items_total=total,
        due=kr.due,
    )


def score_objective(
    goals: Goals,
    objective: Objective,
    scores: Mapping[str, float],
    as_of: date,
    git_dates: GitDates,
    measured: Mapping[tuple[str, str], KeyResultScore] | None = None,
) -> ObjectiveScore:
    """The full state of one objective, once :func:`roll_up` has scored the tree.

    ``measured`` holds the states of the key results that ``shared`` ones copy (computed here
    when not given).
    """
    org = goals.org
    period = org.period_by_id[objective.period]
    kr_scores = key_result_scores(goals, objective, scores, as_of)
    key_results: dict[str, KeyResultScore] = {}
    for kr in objective.key_results:
        if kr.type == "shared":
            key_results[kr.id] = shared_state(goals, kr, scores, as_of, git_dates, measured)
            continue
        key_results[kr.id] = measure_key_result(
            goals, objective, kr, kr_scores[kr.id], as_of, git_dates.get((objective.id, kr.id))
        )
    score = scores[objective.id]
    expected = expected_share(period, as_of)
    return ObjectiveScore(
        score=score,
        expected=expected,
        status=status_of(score, expected, org.scoring, objective.status),
        key_results=key_results,
        pace=score / expected if expected else None,
        manual=objective.status is not None,
    )


def shared_state(
    goals: Goals, kr: KeyResult, scores: Mapping[str, float], as_of: date, git_dates: GitDates,
    measured: Mapping[tuple[str, str], KeyResultScore] | None,
) -> KeyResultScore:
    """A ``shared`` key result's state: everything measured is its source's."""
    found = goals.shared_source(kr)
    if found is None:  # rejected by validation
        return KeyResultScore(score=0.0, current=None, last_update=None, stale=False)
    source_objective, source = found
    key = (source_objective.id, source.id)
    if measured is not None and key in measured:
        return measured[key]
    score = key_result_scores(goals, source_objective, scores, as_of)[source.id]
    return measure_key_result(goals, source_objective, source, score, as_of, git_dates.get(key))


# --- KPIs ---------------------------------------------------------------------------------


def kpi_health(kpi: Kpi, value: float) -> Health | None:
    """green / amber / red by the thresholds, in the KPI's direction; ``None`` without any.

    A missing threshold is skipped: only ``green`` gives green or red, only ``amber`` gives
    amber or red.
    """
    if kpi.green is None and kpi.amber is None:
        return None
    lower = kpi.direction == "lower_is_better"
    bands: tuple[tuple[Health, float | None], ...] = (("green", kpi.green), ("amber", kpi.amber))
    for health, threshold in bands:
        if threshold is not None and (value <= threshold if lower else value >= threshold):
            return health
    return "red"


def kpi_stale(kpi: Kpi, latest: Point | None, as_of: date, stale_after_days: int) -> bool | None:
    """With a cadence: no value for more than one cadence step plus ``stale_after_days``."""
    if kpi.cadence is None:
        return None
    if latest is None:
        return True
    return (as_of - latest.date).days > CADENCE_DAYS[kpi.cadence] + stale_after_days


def kpi_state(kpi: Kpi, as_of: date | None = None, stale_after_days: int = 14) -> KpiState:
    """The KPI at ``as_of`` (``None``: counting every value)."""
    values = counted(kpi.values, as_of) if as_of is not None else kpi.values
    latest = latest_point(values)
    return KpiState(
        latest=latest,
        health=kpi_health(kpi, latest.value) if latest is not None else None,
        values=values,
        stale=kpi_stale(kpi, latest, as_of, stale_after_days) if as_of is not None else None,
    )


# --- periods, units, the whole tree -------------------------------------------------------


def current_period(org: Org, as_of: date) -> Period:
    """The period the site's scores are for.

    ``org.current_period`` when set; else the shortest period containing ``as_of``; if none
    contains it (between or after all periods), the one that ended last before ``as_of``; if
    every period starts after ``as_of``, the earliest-starting one. Ties go to the period listed
    first in ``org.yml``.
    """
    if org.current_period is not None and org.current_period in org.period_by_id:
        return org.period_by_id[org.current_period]
    periods = org.periods
    containing = [p for p in periods if p.contains(as_of)]
    if containing:
        return min(containing, key=lambda p: p.days)
    ended = [p for p in periods if p.end < as_of]
    if ended:
        return max(ended, key=lambda p: p.end)  # max keeps the first of equal ends
    return min(periods, key=lambda p: p.start)


def counts_in(org: Org, objective: Objective, current: Period) -> bool:
    """True when the objective's period equals or encloses the current period."""
    period = org.period_by_id.get(objective.period)
    return period is not None and period.encloses(current)


def unit_scores(
    goals: Goals, counted_objectives: Iterable[Objective], scores: Mapping[str, float]
) -> dict[str, float | None]:
    """Unit id -> plain mean score of the counted objectives it owns; ``None``: none."""
    owned: dict[str, list[float]] = {u.id: [] for u in goals.org.units}
    for objective in counted_objectives:
        owned.setdefault(objective.owner, []).append(scores[objective.id])
    return {unit_id: mean(values) for unit_id, values in owned.items()}


def overall_score(
    goals: Goals, counted_objectives: Sequence[Objective], scores: Mapping[str, float],
    units: Mapping[str, float | None],
) -> float | None:
    """The organisation's score: its top unit's score (the company page shows the same number);
    with several top units, or a top unit that owns no objective counted now, the mean of the
    top-level objectives counted now."""
    tops = goals.org.top_units()
    company = units.get(tops[0].id) if len(tops) == 1 else None
    if company is not None:
        return company
    return mean([scores[o.id] for o in counted_objectives if o.parent is None])


def score_goals(goals: Goals, as_of: date, git_dates: GitDates | None = None) -> Scorecard:
    """Score everything in ``goals`` at ``as_of``."""
    org = goals.org
    dates = git_dates or {}
    scores = roll_up(goals, as_of)
    measured: dict[tuple[str, str], KeyResultScore] = {}
    objectives: dict[str, ObjectiveScore] = {}
    for o in sorted(goals.objectives, key=lambda o: any(k.type == "shared"
                                                         for k in o.key_results)):
        objectives[o.id] = score_objective(goals, o, scores, as_of, dates, measured)
        measured.update(((o.id, k), state) for k, state in objectives[o.id].key_results.items())
    objectives = {o.id: objectives[o.id] for o in goals.objectives}
    period = current_period(org, as_of)
    counted_objectives = [o for o in goals.objectives if counts_in(org, o, period)]
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for o in counted_objectives:
        counts[objectives[o.id].status] += 1
    stale_after = org.scoring.stale_after_days
    units = unit_scores(goals, counted_objectives, scores)
    return Scorecard(
        as_of=as_of,
        current_period=period,
        objectives=objectives,
        units=units,
        kpis={k.id: kpi_state(k, as_of, stale_after) for k in goals.kpis},
        overall=overall_score(goals, counted_objectives, scores, units),
        counts=counts,
        counted=frozenset(o.id for o in counted_objectives),
    )
