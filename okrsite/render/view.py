"""The view-model: the scored goals with the lookups page templates need, each built once.

Templates get a :class:`View` as ``view`` and ask it for scores, units, key-result rows and
shared fragments (a row or card rendered once per objective and link depth).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup

from ..model import Goals, KeyResult, Kpi, Objective, Period, Point, Unit
from ..score import KeyResultScore, KpiState, ObjectiveScore, Scorecard
from ..vocabulary import HEALTH_WORDS, percent
from . import number, render
from .charts import trend_chart
from .markdown import render_body

if TYPE_CHECKING:  # the history is data here: rendering never runs git
    from ..model import Change, History

MIN_TREND_POINTS = 3
"""A key result's chart needs a check-in between its start and now to show a trend."""

Item = TypeVar("Item", Objective, Kpi)


@dataclass(frozen=True, slots=True)
class KrView:
    """One key result with everything its row shows."""

    kr: KeyResult
    result: KeyResultScore
    """Its score and its own status, which colours its progress bar (scoring's status rule,
    the one objectives' statuses follow)."""
    values: str
    """Plain text: ``10 → 16 → 20 M EUR``, ``Done``, ``Graded 50%``…"""
    kpi: Kpi | None
    """The linked KPI when it is public."""
    private_kpi: bool
    aligned: tuple[Objective, ...]
    """Objectives aligned to this key result (private ones included: templates hide them)."""
    chart: Markup | None
    """The trend chart (objective pages only)."""


def kr_values(kr: KeyResult, result: KeyResultScore, aligned: int) -> str:
    """What a key result's numbers say, as plain text."""
    if kr.type == "metric":
        return f"{number(kr.start)} → {number(result.current)} → {number(kr.target, kr.unit)}"
    if kr.type == "milestone":
        return "Done" if kr.done else "Not done yet"
    if kr.type == "score":
        return f"Graded {percent(kr.score)}"
    return f"Scored by {aligned} aligned objective{'s' if aligned != 1 else ''}"


class View:
    """The scored goals with the lookups the templates need, each built once."""

    def __init__(self, goals: Goals, card: Scorecard, history: History | None = None) -> None:
        self.goals, self.card = goals, card
        self.history = history
        self._fragments: dict[tuple[object, ...], Markup] = {}
        self._key_results: dict[str, list[KrView]] = {}

    def last_changed(self, objective: Objective) -> Change | None:
        """The last commit that changed the objective's file (None outside git)."""
        return self.history.objectives.get(objective.id) if self.history else None

    def target_moved(self, objective: Objective, kr: KeyResult) -> Change | None:
        """The commit that moved a key result's start or target after its period began."""
        return self.history.target_moved.get((objective.id, kr.id)) if self.history else None

    @cached_property
    def owned(self) -> dict[str, list[Objective]]:
        return group(self.goals.objectives, lambda o: o.owner)

    @cached_property
    def unit_kpis(self) -> dict[str, list[Kpi]]:
        return group(self.goals.kpis, lambda k: k.owner)

    @cached_property
    def sub_units(self) -> dict[str | None, list[Unit]]:
        return group(self.goals.org.units, lambda u: u.parent)

    @cached_property
    def kpi_users(self) -> dict[str, list[tuple[Objective, KeyResult]]]:
        users: dict[str, list[tuple[Objective, KeyResult]]] = defaultdict(list)
        for objective in self.goals.objectives:
            for kr in objective.key_results:
                if kr.kpi:
                    users[kr.kpi].append((objective, kr))
        return users

    @cached_property
    def counted_periods(self) -> frozenset[str]:
        """Periods that equal or enclose the current period: their objectives count now."""
        current = self.card.current_period
        return frozenset(p.id for p in self.goals.org.periods if p.encloses(current))

    # --- lookups used by templates ---------------------------------------------------------

    def score(self, objective: Objective) -> ObjectiveScore:
        return self.card.objectives[objective.id]

    def counted(self, objective: Objective) -> bool:
        return objective.period in self.counted_periods

    def unit(self, unit_id: str) -> Unit:
        return self.goals.org.unit_by_id[unit_id]

    def unit_score(self, unit_id: str) -> float | None:
        return self.card.units.get(unit_id)

    def period(self, period_id: str) -> Period:
        return self.goals.org.period_by_id[period_id]

    def kpi_state(self, kpi: Kpi) -> KpiState:
        return self.card.kpis[kpi.id]

    def public(self, items: Iterable[Item]) -> list[Item]:
        return [item for item in items if not item.private]

    def private(self, items: Iterable[Item]) -> list[Item]:
        return [item for item in items if item.private]

    def aligned_direct(self, objective: Objective) -> list[Objective]:
        return list(self.goals.aligned_to(objective.id))

    def via_kr(self, objective: Objective) -> str | None:
        """The title of the key result ``objective`` aligns to, when both are public."""
        if objective.private or not objective.parent_kr or not self.goals.public_parent(objective):
            return None
        parent = self.goals.objective_by_id.get(objective.parent or "")
        kr = parent.key_result(objective.parent_kr) if parent is not None else None
        return kr.title if kr is not None else None

    def chain(self, objective: Objective) -> list[Objective]:
        """The parents from the top down to the direct parent."""
        return list(reversed(self.goals.ancestors(objective.id)))

    def key_results(self, objective: Objective, charts: bool = False) -> list[KrView]:
        """The key results' rows (made once per objective: cards, attention and the objective
        page all show them); with ``charts``, their trend charts too (objective pages)."""
        views = self._key_results.get(objective.id)
        if views is None:
            views = [self.kr_view(objective, kr) for kr in objective.key_results]
            self._key_results[objective.id] = views
        if not charts:
            return views
        return [replace(kv, chart=self.kr_chart(objective, kv.kr, kv.kpi)) for kv in views]

    def kr_view(self, objective: Objective, kr: KeyResult, chart: bool = False) -> KrView:
        """A key result's row; with ``chart``, its trend chart is made too (objective pages)."""
        linked = self.goals.kpi_by_id.get(kr.kpi) if kr.kpi else None
        public_kpi = linked if linked is not None and not linked.private else None
        result = self.score(objective).key_results[kr.id]
        aligned = self.goals.aligned_to_kr(objective.id, kr.id)
        return KrView(
            kr=kr,
            result=result,
            values=kr_values(kr, result, len(aligned)),
            kpi=public_kpi,
            private_kpi=linked is not None and linked.private,
            aligned=aligned,
            chart=self.kr_chart(objective, kr, public_kpi) if chart else None,
        )

    def kr_chart(self, objective: Objective, kr: KeyResult, kpi: Kpi | None) -> Markup | None:
        if kr.type != "metric":
            return None
        points = kr_points(self, objective, kr, kpi)
        if len(points) < MIN_TREND_POINTS:
            return None
        return trend_chart(points, title=kr.title, unit=kr.unit, target=kr.target)

    def kpi_chart(self, kpi: Kpi) -> Markup | None:
        sign = "≥" if kpi.direction == "higher_is_better" else "≤"
        thresholds = [
            (kind, f"{HEALTH_WORDS[kind]} {sign}", value)
            for kind, value in (("green", kpi.green), ("amber", kpi.amber))
            if value is not None
        ]
        return trend_chart(
            kpi.values, title=kpi.title, unit=kpi.unit, target=kpi.target, thresholds=thresholds
        )

    def body(self, item: Objective | Kpi) -> Markup:
        return render_body(item.body)

    # --- fragments shared by many pages, rendered once per link depth ------------------------

    def fragment(self, template: str, objective: Objective, root: str, **flags: bool) -> Markup:
        key = (template, objective.id, root, *sorted(flags.items()))
        if key not in self._fragments:
            self._fragments[key] = render(template, view=self, o=objective, root=root, **flags)
        return self._fragments[key]

    def row(self, objective: Objective, root: str) -> Markup:
        return self.fragment("row.html", objective, root)

    def card_html(self, objective: Objective, root: str, compact: bool = False) -> Markup:
        """An objective's card (``card.html``); ``compact``: the home page's."""
        return self.fragment("card.html", objective, root, compact=compact)


def group(items: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


def kr_points(view: View, objective: Objective, kr: KeyResult, kpi: Kpi | None) -> list[Point]:
    """A metric key result's trend: its start at the period's start, KPI values, check-ins."""
    period = view.period(objective.period)
    by_day: dict[date, float] = {}
    if kr.start is not None:
        by_day[period.start] = kr.start
    for point in kpi.values if kpi is not None else ():
        if period.start <= point.date <= period.end:
            by_day[point.date] = point.value
    for checkin in kr.history:
        if checkin.value is not None:
            by_day[checkin.date] = checkin.value
    result = view.score(objective).key_results[kr.id]
    if kr.updated is not None and result.current is not None:
        by_day[kr.updated] = result.current
    return [Point(day, value) for day, value in sorted(by_day.items())]
