"""The whole tree: the current period, what counts in it, units, the overall score;
:func:`score_goals`, and :func:`rescore` after an edit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..model import Goals, Objective, Org, Period
from ..vocabulary import STATUSES, Status
from .cards import GitDates, KeyResultScore, KpiState, ObjectiveScore, Scorecard
from .keyresults import mean
from .kpis import kpi_state
from .objectives import objective_score, roll_up, score_objective

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
    dates = git_dates or {}
    scores = roll_up(goals, as_of)
    measured: dict[tuple[str, str], KeyResultScore] = {}
    objectives: dict[str, ObjectiveScore] = {}
    for o in sources_first(goals.objectives):
        objectives[o.id] = score_objective(goals, o, scores, as_of, dates, measured)
        measured.update(((o.id, k), state) for k, state in objectives[o.id].key_results.items())
    stale_after = goals.org.scoring.stale_after_days
    kpis = {k.id: kpi_state(k, as_of, stale_after) for k in goals.kpis}
    return whole_card(goals, as_of, current_period(goals.org, as_of), scores, objectives, kpis)


def sources_first(objectives: Iterable[Objective]) -> list[Objective]:
    """The objectives without ``shared`` key results first: the states of the key results
    shared ones copy are then known when they are scored."""
    return sorted(objectives, key=lambda o: any(k.type == "shared" for k in o.key_results))


def whole_card(goals: Goals, as_of: date, period: Period, scores: Mapping[str, float],
               objectives: Mapping[str, ObjectiveScore],
               kpis: Mapping[str, KpiState]) -> Scorecard:
    """The scorecard from every objective's state: what counts in the current period, the
    status counts, the units' scores and the overall score."""
    counted_objectives = [o for o in goals.objectives if counts_in(goals.org, o, period)]
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for o in counted_objectives:
        counts[objectives[o.id].status] += 1
    units = unit_scores(goals, counted_objectives, scores)
    return Scorecard(
        as_of=as_of,
        current_period=period,
        objectives={o.id: objectives[o.id] for o in goals.objectives},
        units=units,
        kpis=kpis,
        overall=overall_score(goals, counted_objectives, scores, units),
        counts=counts,
        counted=frozenset(o.id for o in counted_objectives),
    )


# --- scoring again after an edit ------------------------------------------------------------


def rescore(goals: Goals, as_of: date, before: Goals, card: Scorecard,
            git_dates: GitDates | None = None) -> Scorecard:
    """:func:`score_goals` of ``goals``, given ``card``: the scores of ``before`` at the same
    date with the same ``git_dates``. Only what an edit can change is scored again (the live
    preview's case: one file changed among thousands); the result is the same, number for
    number.

    Scored again: the objectives that differ from ``before`` or use a KPI that does, those
    sharing a key result of one of them, and the objectives above all of these (their scores
    roll up); the KPIs that differ; and the cheap sums over everything (units, counts, the
    overall score). When the tree's shape changed (an objective or KPI added, removed or
    re-ordered, a parent changed), the organisation or the date, everything is scored afresh.
    """
    dates = git_dates or {}
    again = objectives_to_rescore(goals, as_of, before, card)
    if again is None:
        return score_goals(goals, as_of, dates)
    scores = {o.id: card.objectives[o.id].score for o in goals.objectives}
    for objective in again:  # children before parents
        scores[objective.id] = objective_score(goals, objective, scores, as_of)
    objectives: dict[str, ObjectiveScore] = dict(card.objectives)
    measured: dict[tuple[str, str], KeyResultScore] = {}  # the rest: measured when needed
    for o in sources_first(again):
        objectives[o.id] = score_objective(goals, o, scores, as_of, dates, measured)
        measured.update(((o.id, k), state) for k, state in objectives[o.id].key_results.items())
    old_kpis = before.kpi_by_id
    kpis = {k.id: card.kpis[k.id] if same(k, old_kpis[k.id])
            else kpi_state(k, as_of, goals.org.scoring.stale_after_days) for k in goals.kpis}
    return whole_card(goals, as_of, card.current_period, scores, objectives, kpis)


def same(new: object, old: object) -> bool:
    """The same object, or an equal one (the preview keeps the objects of unchanged files)."""
    return new is old or new == old


def shape(goals: Goals) -> tuple[tuple[tuple[str, str | None, str | None], ...], tuple[str, ...]]:
    """What the order of scoring hangs on: the objectives in order with their parents, and
    the KPIs in order."""
    return (tuple((o.id, o.parent, o.parent_kr) for o in goals.objectives),
            tuple(k.id for k in goals.kpis))


def objectives_to_rescore(goals: Goals, as_of: date, before: Goals,
                          card: Scorecard) -> list[Objective] | None:
    """The objectives :func:`rescore` scores again, children before parents; ``None`` when
    everything must be scored afresh."""
    if as_of != card.as_of or not same(goals.org, before.org) or shape(goals) != shape(before):
        return None
    old_objectives, old_kpis = before.objective_by_id, before.kpi_by_id
    changed_kpis = {k.id for k in goals.kpis if not same(k, old_kpis[k.id])}
    changed = {o.id for o in goals.objectives
               if not same(o, old_objectives[o.id]) or uses_any(goals, o, changed_kpis)}
    changed |= {o.id for o in goals.objectives for kr in o.key_results
                if kr.source_ref is not None and kr.source_ref[0] in changed}
    by_id = goals.objective_by_id
    depth: dict[str, int] = {}
    for objective_id in changed:
        chain = goals.ancestors(objective_id)
        if (chain[-1] if chain else by_id[objective_id]).parent is not None:
            return None  # a cycle or a missing parent (never in a validated tree)
        depth[objective_id] = len(chain)
        for level, ancestor in enumerate(chain, start=1):
            depth[ancestor.id] = len(chain) - level
    return [by_id[i] for i in sorted(depth, key=lambda i: -depth[i])]


def uses_any(goals: Goals, objective: Objective, kpis: set[str]) -> bool:
    """One of the objective's key results (or a shared one's source) is measured by one of
    ``kpis``."""
    if not kpis:
        return False
    for kr in objective.key_results:
        found = goals.shared_source(kr) if kr.type == "shared" else None
        measured = found[1] if found is not None else kr
        if measured.kpi in kpis:
            return True
    return False
