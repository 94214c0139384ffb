"""What the overview pages sum up, as data for their templates: how far each period is today
(the status legend), where a unit stands, the alignment tree's outline and the attention groups.

Each is computed from the scorecard once per build; templates only lay them out. Nothing here
decides a status of its own: objectives and key results keep scoring's, and a unit (or the
company) gets scoring's rule applied to its score and the mean expected share of its objectives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from ..model import Goals, Kpi, Objective, Period, Scoring
from ..score import KpiState, ObjectiveScore, Scorecard, expected_share, status_of
from ..vocabulary import CADENCE_DAYS, STATUSES, Status

if TYPE_CHECKING:
    from .view import KrView, View

PERIOD_KINDS: tuple[tuple[int, str], ...] = (
    (360, "year"), (180, "half-year"), (85, "quarter"), (28, "month"), (7, "week"),
)
"""A period's kind by its length in days (at least this many), longest first."""
OPEN_ROWS = 70
"""The alignment tree opens its top objectives, in order, while at most this many rows show
(about six screens on a phone)."""
ATTENTION_SHOWN = 4
"""Rows each attention group shows before "show more" (every row stays in the page): the page
opens at most about six phone screens tall with every group and the stale KPIs."""
PeriodState = Literal["open", "closed", "upcoming"]


# --- periods: what "expected" means today ------------------------------------------------------


def period_kind(period: Period) -> str:
    """``year``, ``quarter``, ``month``…, by the period's length."""
    return next((kind for days, kind in PERIOD_KINDS if period.days >= days), "period")


@dataclass(frozen=True, slots=True)
class Pace:
    """A period at the as-of date: how much of it has passed, and the score each status needs
    today (an objective's status compares its score with the share of its period passed)."""

    period: Period
    kind: str
    expected: float
    """The share of the period passed, 0..1: the progress expected by today."""
    on_track: float
    """The least score that is on track today (``expected`` × ``scoring.on_track``)."""
    at_risk: float
    """The least score that is at risk today; below it, off track."""
    state: PeriodState


def pace(period: Period, as_of: date, scoring: Scoring) -> Pace:
    expected = expected_share(period, as_of)
    state: PeriodState = (
        "closed" if period.end < as_of else "upcoming" if period.start > as_of else "open"
    )
    return Pace(period, period_kind(period), expected, expected * scoring.on_track,
                expected * scoring.at_risk, state)


# --- where a unit stands ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """A set of objectives counted in the current period, summed up."""

    score: float | None
    """The unit's score (the mean of its objectives'); ``None`` without objectives."""
    expected: float | None
    """The mean expected share of those objectives today."""
    status: Status | None
    """Scoring's status rule on ``score`` and ``expected``; ``None`` without objectives."""
    count: int
    """How many objectives, private ones included (they count in the score)."""
    private: int
    counts: Mapping[Status, int]
    """How many of them have each status."""

    @property
    def worrying(self) -> int:
        """At risk or off track."""
        return self.counts.get("at_risk", 0) + self.counts.get("off_track", 0)


def standing(
    objectives: Sequence[Objective], card: Scorecard, scoring: Scoring,
    score: float | None = None,
) -> Standing:
    """``objectives`` summed up; ``score`` when the scorecard has it already (a unit's)."""
    results = [card.objectives[o.id] for o in objectives]
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for result in results:
        counts[result.status] += 1
    private = sum(1 for o in objectives if o.private)
    if not results:
        return Standing(None, None, None, 0, private, counts)
    if score is None:
        score = sum(r.score for r in results) / len(results)
    expected = sum(r.expected for r in results) / len(results)
    return Standing(score, expected, status_of(score, expected, scoring), len(results), private,
                    counts)


def unit_standings(
    goals: Goals, card: Scorecard, owned: Mapping[str, Sequence[Objective]]
) -> dict[str, Standing]:
    """Every unit's standing in the current period; its score is the scorecard's."""
    scoring = goals.org.scoring
    return {
        unit.id: standing([o for o in owned.get(unit.id, ()) if o.id in card.counted], card,
                          scoring, card.units.get(unit.id))
        for unit in goals.org.units
    }


def company_standing(goals: Goals, card: Scorecard, standings: Mapping[str, Standing],
                     owned: Mapping[str, Sequence[Objective]]) -> Standing:
    """The organisation's standing: its top unit's (the company's page says the same); with
    several top units, their objectives together."""
    tops = goals.org.top_units()
    if len(tops) == 1:
        return standings[tops[0].id]
    mine = [o for unit in tops for o in owned.get(unit.id, ()) if o.id in card.counted]
    return standing(mine, card, goals.org.scoring)


# --- the alignment tree ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """An objective in the alignment tree, with the objectives aligned to it."""

    objective: Objective
    result: ObjectiveScore
    children: tuple[Node, ...]
    open: bool
    """Shown unfolded when the page opens (top objectives, while the page stays short)."""
    size: int
    """Objectives in this subtree, this one included."""


@dataclass(frozen=True, slots=True)
class Outline:
    """The alignment tree: the company's objectives (and whatever aligns to them), then the
    objectives aligned to none of them (with whatever aligns to those)."""

    aligned: tuple[Node, ...]
    unaligned: tuple[Node, ...]
    open_unaligned: bool
    size: int


def outline(goals: Goals, card: Scorecard, tops: Iterable[Objective],
            budget: int = OPEN_ROWS) -> Outline:
    """``tops`` (counted objectives without a counted parent) as a tree. Those owned by a top
    unit (the company's) come first; the others are aligned to no company objective. The
    company's open, in order, while the rows shown stay within ``budget``."""
    seen: set[str] = set()

    def subtree(top: Objective) -> tuple[tuple[Node, ...], int]:
        """The nodes aligned to ``top`` and how many objectives they hold, walked depth first
        with a stack of its own (no recursion, however deep the tree): an objective already
        shown elsewhere in the tree is skipped."""
        seen.add(top.id)
        Frame = tuple[Objective, Iterator[Objective], list[Node]]
        stack: list[Frame] = [(top, iter(goals.all_aligned(top.id)), [])]
        while True:
            objective, children, nodes = stack[-1]
            child = next((c for c in children if c.id not in seen), None)
            if child is not None:
                seen.add(child.id)
                stack.append((child, iter(goals.all_aligned(child.id)), []))
                continue
            stack.pop()
            size = sum(node.size for node in nodes)
            if not stack:
                return tuple(nodes), size
            node = Node(objective, card.objectives[objective.id], tuple(nodes), False, size + 1)
            stack[-1][2].append(node)

    top_units = {unit.id for unit in goals.org.top_units()}
    Row = tuple[Objective, ObjectiveScore, tuple[Node, ...], int]
    aligned: list[Row] = []
    unaligned: list[Row] = []
    for objective in tops:
        if objective.id in seen:
            continue
        kids, size = subtree(objective)
        node = (objective, card.objectives[objective.id], kids, size + 1)
        (aligned if objective.owner in top_units else unaligned).append(node)
    shown = len(aligned) + (1 if unaligned else 0)
    roots = []
    for objective, result, kids, size in aligned:
        unfold = bool(kids) and shown + len(kids) <= budget
        shown += len(kids) if unfold else 0
        roots.append(Node(objective, result, kids, unfold, size))
    loose = tuple(Node(o, r, k, False, s) for o, r, k, s in unaligned)
    return Outline(tuple(roots), loose, shown + len(loose) <= budget,
                   sum(n.size for n in roots) + sum(n.size for n in loose))


# --- attention ---------------------------------------------------------------------------------

GROUPS: tuple[str, ...] = ("off_track", "at_risk", "overdue", "not_updated")
"""The attention page's sections, worst first; an objective is listed in the first it fits."""


@dataclass(frozen=True, slots=True)
class Concern:
    """An objective that needs attention, and why."""

    objective: Objective
    result: ObjectiveScore
    group: str
    stale: tuple[tuple[KrView, int | None], ...]
    """Key results not updated lately, with the days since their last update (``None``:
    never)."""
    overdue: tuple[KrView, ...]
    """Key results past their due date and not reached."""
    ask: str | None
    """Who to ask: the objective's lead, else its unit's, else the nearest lead above it."""


def who_to_ask(goals: Goals, goal: Objective | Kpi) -> str | None:
    """The objective's or KPI's lead, else its unit's (:meth:`Goals.lead_of`), else the
    nearest lead of a unit above."""
    lead = goals.lead_of(goal)
    if lead is None:
        lead = next((u.lead for u in goals.org.unit_chain(goal.owner) if u.lead), None)
    return lead


def concerns(view: View, objectives: Iterable[Objective]) -> dict[str, list[Concern]]:
    """Public objectives counted in the current period that are off track, at risk, have
    overdue key results or key results nobody updated lately, by group, worst first."""
    as_of = view.card.as_of
    groups: dict[str, list[Concern]] = {group: [] for group in GROUPS}
    for objective in objectives:
        if objective.private or not view.counted(objective):
            continue
        result = view.score(objective)
        rows = view.key_results(objective)
        stale = tuple(
            (kv, (as_of - kv.result.last_update).days if kv.result.last_update else None)
            for kv in rows if kv.result.stale
        )
        overdue = tuple(kv for kv in rows if kv.result.overdue)
        group = (result.status if result.status in ("off_track", "at_risk")
                 else "overdue" if overdue else "not_updated" if stale else None)
        if group is not None:
            groups[group].append(Concern(objective, result, group, stale, overdue,
                                         who_to_ask(view.goals, objective)))
    for items in groups.values():
        items.sort(key=lambda c: (c.result.pace if c.result.pace is not None else c.result.score,
                                  c.objective.title))
    return groups


@dataclass(frozen=True, slots=True)
class StaleKpi:
    """A public KPI measured on a cadence whose latest value is older than the cadence allows."""

    kpi: Kpi
    state: KpiState
    age: int | None
    """Days from its latest counted value to the as-of date (``None``: no value yet)."""
    allowed: int
    """The most days a value may be old before the KPI is stale: a cadence step plus
    ``stale_after_days``."""
    ask: str | None
    """Who to ask: the KPI's lead, else its unit's, else the nearest lead above it."""


def stale_kpis(view: View) -> list[StaleKpi]:
    """The public KPIs scoring found stale, the longest without a value first (never measured
    ones before all), then by title. Private KPIs are never among them."""
    as_of, grace = view.card.as_of, view.goals.org.scoring.stale_after_days
    found = []
    for kpi in view.public(view.goals.kpis):
        state = view.kpi_state(kpi)
        if not state.stale or kpi.cadence is None:
            continue
        age = (as_of - state.latest.date).days if state.latest is not None else None
        found.append(StaleKpi(kpi, state, age, CADENCE_DAYS[kpi.cadence] + grace,
                              who_to_ask(view.goals, kpi)))
    found.sort(key=lambda s: (s.age is not None, -(s.age or 0), s.kpi.title))
    return found

