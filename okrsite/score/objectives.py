"""Objectives: the roll-up of scores along the alignment tree, the pace and status,
and everything measured about each key result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ..model import Goals, KeyResult, Objective, Period, Scoring
from ..vocabulary import STATUS_TOLERANCE, Status
from .cards import GitDates, KeyResultScore, ObjectiveScore
from .keyresults import (
    KR_SCORERS,
    checklist_done,
    clamp,
    counted,
    is_stale,
    last_update,
    latest_point,
    metric_progress,
    own_period,
    reached,
    reading,
    threshold_met,
    weighted_mean,
)

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
