"""Stage 4: pure scoring functions, exactly as the spec's Scoring and Status sections say.

Nothing here reads the clock or the disk: the as-of date (and, optionally, the dates git last
changed each key result) are passed in. Floats are never rounded here; the JSON export rounds.

Where the spec is silent, this module decides (and the docs repeat):

- Status thresholds tolerate float noise: a pace within ``STATUS_TOLERANCE`` below a threshold
  reaches it, so a metric from 2 to 5 at 4.1 (0.7 on paper, 0.6999999999999998 in floats) is
  on track at the end of its period, as the 0.7 the site shows suggests.
- A KPI with only one threshold uses that one: only ``green`` gives green or red, only ``amber``
  gives amber or red.
- The current period when none is set and none contains the as-of date: see
  :func:`current_period`.
- Defensive fallbacks for input validation rejects (never reached on a validated tree): an
  aligned key result with no contributors scores 0, a metric with ``target == start`` scores 1
  when ``current`` equals it and 0 otherwise, a missing ``start``/``target``/``score`` scores 0,
  and an objective on an alignment cycle ignores the edge that closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .model import (
    STATUSES,
    Goals,
    Health,
    KeyResult,
    Kpi,
    KrType,
    Objective,
    Org,
    Period,
    Point,
    Scoring,
    Status,
)
from .vocabulary import STATUS_TOLERANCE


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    """The computed state of one key result."""

    score: float
    """0..1."""
    current: float | None
    """metric: the value scored (the KPI's latest, the written ``current``, or ``start``)."""
    last_update: date | None
    """The latest of ``updated``, history dates, the KPI's latest date and the git date."""
    stale: bool


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


@dataclass(frozen=True, slots=True)
class KpiState:
    """The computed state of one KPI."""

    latest: Point
    health: Health | None


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
    """The organisation's score: the mean of the top-level objectives counted in the current
    period (None when there are none)."""
    counts: Mapping[Status, int] = field(default_factory=dict)
    """How many objectives counted in the current period have each status."""
    counted: frozenset[str] = frozenset()
    """Ids of the objectives counted in the current period (their period equals or encloses it)."""


GitDates = Mapping[tuple[str, str], date]
"""(objective id, key-result id) -> the date of the last commit that changed that key result."""



# --- small arithmetic ---------------------------------------------------------------------


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The mean of ``(value, weight)`` pairs; ``None`` when there are none (or no weight)."""
    total = weights = 0.0
    for value, weight in pairs:
        total += value * weight
        weights += weight
    return total / weights if weights > 0 else None


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def latest_point(points: Sequence[Point]) -> Point | None:
    """The point with the latest date (the last written among equal dates); ``None``: none."""
    return max(reversed(points), key=lambda p: p.date, default=None)


# --- key results --------------------------------------------------------------------------


def metric_current(kr: KeyResult, kpis: Mapping[str, Kpi]) -> float | None:
    """The value a metric is scored at: its KPI's latest, else ``current``, else ``start``.

    ``None`` for key results of other types.
    """
    if kr.type != "metric":
        return None
    kpi = kpis.get(kr.kpi) if kr.kpi else None
    latest = latest_point(kpi.values) if kpi else None
    if latest is not None:
        return latest.value
    return kr.current if kr.current is not None else kr.start


def metric_score(start: float, target: float, current: float) -> float:
    """``clamp((current - start) / (target - start), 0, 1)``; works both ways round."""
    if target == start:  # rejected by validation; no division by zero all the same
        return 1.0 if current == target else 0.0
    return clamp((current - start) / (target - start))


KrScorer = Callable[[KeyResult, float | None, Sequence[tuple[float, float]]], float]
"""``(key result, metric current, (score, weight) of objectives aligned to it) -> 0..1``."""


def _score_metric(kr: KeyResult, current: float | None, _: Sequence[tuple[float, float]]) -> float:
    if kr.start is None or kr.target is None or current is None:
        return 0.0
    return metric_score(kr.start, kr.target, current)


def _score_milestone(kr: KeyResult, _c: float | None, _a: Sequence[tuple[float, float]]) -> float:
    return 1.0 if kr.done else 0.0


def _score_given(kr: KeyResult, _c: float | None, _a: Sequence[tuple[float, float]]) -> float:
    return clamp(kr.score) if kr.score is not None else 0.0


def _score_aligned(_: KeyResult, _c: float | None, aligned: Sequence[tuple[float, float]]) -> float:
    score = weighted_mean(aligned)
    return score if score is not None else 0.0


KR_SCORERS: Mapping[KrType, KrScorer] = {
    "metric": _score_metric,
    "milestone": _score_milestone,
    "score": _score_given,
    "aligned": _score_aligned,
}
"""The scoring rule of each key-result type."""


def key_result_score(
    kr: KeyResult, current: float | None, aligned: Sequence[tuple[float, float]] = ()
) -> float:
    """Score one key result; ``aligned`` counts only for ``type: aligned``."""
    return KR_SCORERS[kr.type](kr, current, aligned)


def last_update(kr: KeyResult, kpi: Kpi | None, git_date: date | None = None) -> date | None:
    """The latest of ``updated``, the history dates, the KPI's latest date and the git date."""
    latest = latest_point(kpi.values) if kpi else None
    dates = [kr.updated, git_date, latest.date if latest else None]
    dates.extend(p.date for p in kr.history)
    return max((d for d in dates if d is not None), default=None)


def is_stale(
    kr: KeyResult, last: date | None, period: Period, as_of: date, stale_after_days: int
) -> bool:
    """The spec's freshness rule; only ever true while ``as_of`` lies inside ``period``."""
    if kr.type == "aligned" or (kr.type == "milestone" and kr.done):
        return False
    if not period.contains(as_of):
        return False
    since = last if last is not None else period.start
    return (as_of - since).days > stale_after_days


# --- objectives ---------------------------------------------------------------------------


def _scored_children(
    children: Iterable[Objective], scores: Mapping[str, float]
) -> list[tuple[float, float]]:
    return [(scores[c.id], c.weight) for c in children if c.id in scores]


def key_result_scores(
    goals: Goals, objective: Objective, scores: Mapping[str, float]
) -> dict[str, float]:
    """The objective's key-result scores, given the scores of the objectives aligned to it."""
    result: dict[str, float] = {}
    for kr in objective.key_results:
        aligned = (
            _scored_children(goals.aligned_to_kr(objective.id, kr.id), scores)
            if kr.type == "aligned"
            else []
        )
        result[kr.id] = key_result_score(kr, metric_current(kr, goals.kpi_by_id), aligned)
    return result


def objective_score(goals: Goals, objective: Objective, scores: Mapping[str, float]) -> float:
    """Weighted mean of the key results (their weights) and of the objectives aligned directly
    to it (theirs); ``scores`` must hold the latter (and those aligned to its aligned KRs)."""
    kr_scores = key_result_scores(goals, objective, scores)
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


def roll_up(goals: Goals) -> dict[str, float]:
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
                scores[objective.id] = objective_score(goals, objective, scores)
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


def score_objective(
    goals: Goals,
    objective: Objective,
    scores: Mapping[str, float],
    as_of: date,
    git_dates: GitDates,
) -> ObjectiveScore:
    """The full state of one objective, once :func:`roll_up` has scored the tree."""
    org = goals.org
    period = org.period_by_id[objective.period]
    kr_scores = key_result_scores(goals, objective, scores)
    key_results: dict[str, KeyResultScore] = {}
    for kr in objective.key_results:
        kpi = goals.kpi_by_id.get(kr.kpi) if kr.kpi else None
        last = last_update(kr, kpi, git_dates.get((objective.id, kr.id)))
        key_results[kr.id] = KeyResultScore(
            score=kr_scores[kr.id],
            current=metric_current(kr, goals.kpi_by_id),
            last_update=last,
            stale=is_stale(kr, last, period, as_of, org.scoring.stale_after_days),
        )
    score = scores[objective.id]
    expected = expected_share(period, as_of)
    return ObjectiveScore(
        score=score,
        expected=expected,
        status=status_of(score, expected, org.scoring, objective.status),
        key_results=key_results,
        pace=score / expected if expected else None,
    )


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


def kpi_state(kpi: Kpi) -> KpiState:
    latest = latest_point(kpi.values)
    if latest is None:  # validation requires at least one value
        raise ValueError(f"KPI {kpi.id!r} has no values")
    return KpiState(latest=latest, health=kpi_health(kpi, latest.value))


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
    goals: Goals, counted: Iterable[Objective], scores: Mapping[str, float]
) -> dict[str, float | None]:
    """Unit id -> plain mean score of the counted objectives it owns; ``None``: none."""
    owned: dict[str, list[float]] = {u.id: [] for u in goals.org.units}
    for objective in counted:
        owned.setdefault(objective.owner, []).append(scores[objective.id])
    return {unit_id: mean(values) for unit_id, values in owned.items()}


def score_goals(goals: Goals, as_of: date, git_dates: GitDates | None = None) -> Scorecard:
    """Score everything in ``goals`` at ``as_of``."""
    org = goals.org
    scores = roll_up(goals)
    objectives = {
        o.id: score_objective(goals, o, scores, as_of, git_dates or {}) for o in goals.objectives
    }
    period = current_period(org, as_of)
    counted = [o for o in goals.objectives if counts_in(org, o, period)]
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for o in counted:
        counts[objectives[o.id].status] += 1
    return Scorecard(
        as_of=as_of,
        current_period=period,
        objectives=objectives,
        units=unit_scores(goals, counted, scores),
        kpis={k.id: kpi_state(k) for k in goals.kpis},
        overall=mean([scores[o.id] for o in counted if o.parent is None]),
        counts=counts,
        counted=frozenset(o.id for o in counted),
    )
