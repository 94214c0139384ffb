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
from ..score import KeyResultScore, KpiState, ObjectiveScore, Scorecard, threshold_direction
from ..vocabulary import DEFAULT_DIRECTION, HEALTH_WORDS, Direction, percent, plural
from . import number, render
from .charts import trend_chart
from .export import kpi_url, kr_url
from .markdown import render_body
from .published import link_href, private_key_results, public_key_results
from .summaries import Pace, Standing, company_standing, pace, standing, unit_standings
from .trees import TreeRow, flatten

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
    source: tuple[Objective, KeyResult] | None = None
    """shared: the objective and key result it shares; its numbers are theirs."""

    @property
    def measured(self) -> KeyResult:
        """The key result whose numbers this one shows (a shared one's source)."""
        return self.source[1] if self.source is not None else self.kr


def threshold_sign(direction: Direction, strict: bool) -> str:
    """How a threshold holds its target: ``≥``, ``>``, ``≤`` or ``<``."""
    if direction == "lower_is_better":
        return "<" if strict else "≤"
    return ">" if strict else "≥"


def kr_values(kr: KeyResult, result: KeyResultScore, aligned: int,
              direction: Direction = DEFAULT_DIRECTION) -> str:
    """What a key result's numbers say, as plain text (``kr``: a shared one's source)."""
    if kr.type == "metric":
        text = f"{number(kr.start)} → {number(result.current)} → {number(kr.target, kr.unit)}"
        return text + (f" (stretch {number(kr.stretch, kr.unit)})" if kr.stretch is not None
                       else "")
    if kr.type == "threshold":
        held = f"target {threshold_sign(direction, kr.strict)} {number(kr.target, kr.unit)}"
        value = number(result.current, kr.unit) if result.current is not None else "No value yet"
        return f"{value} ({held})"
    if kr.type == "checklist":
        return f"{result.items_done} of {result.items_total} items done"
    if kr.type == "milestone":
        return "Done" if kr.done else "Not done yet"
    if kr.type == "score":
        return f"Graded {percent(kr.score)}"
    return f"Scored by {plural(aligned, 'aligned objective')}"


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

    def kpi_last_changed(self, kpi: Kpi) -> Change | None:
        """The last commit that changed the KPI's file or its CSV of values (None outside
        git)."""
        return self.history.kpis.get(kpi.id) if self.history else None

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
    def unit_rows(self) -> list[TreeRow[Unit]]:
        """The unit tree, top units first, as flat rows (the units page, the unit filter)."""
        return flatten(self.sub_units.get(None, []), lambda u: self.sub_units.get(u.id, []))

    @cached_property
    def kpi_users(self) -> dict[str, list[tuple[Objective, KeyResult]]]:
        users: dict[str, list[tuple[Objective, KeyResult]]] = defaultdict(list)
        for objective in self.goals.objectives:
            for kr in objective.key_results:
                if kr.kpi and not kr.private:
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

    def standing(self, unit_id: str) -> Standing:
        """The unit's score, status and counts in the current period."""
        return self.standings[unit_id]

    @cached_property
    def standings(self) -> dict[str, Standing]:
        return unit_standings(self.goals, self.card, self.owned)

    def summed(self, objectives: Iterable[Objective]) -> Standing:
        """Any objectives summed up: their mean score, status and counts by status."""
        return standing(list(objectives), self.card, self.goals.org.scoring)

    @cached_property
    def company(self) -> Standing:
        """The organisation's standing: the same as its top unit's page shows."""
        return company_standing(self.goals, self.card, self.standings, self.owned)

    @cached_property
    def _paces(self) -> dict[str, Pace]:
        return {p.id: pace(p, self.card.as_of, self.goals.org.scoring)
                for p in self.goals.org.periods}

    def pace(self, period_id: str) -> Pace:
        """How far the period is today and what each status needs (the status legend)."""
        return self._paces[period_id]

    def paces(self, objectives: Iterable[Objective] | None = None) -> list[Pace]:
        """The paces of the periods of ``objectives`` (``None``: the periods counted now),
        shortest period first."""
        ids = self.counted_periods if objectives is None else {o.period for o in objectives}
        return sorted((self._paces[i] for i in ids), key=lambda p: (p.period.days, p.period.id))

    def legend(self, paces: list[Pace]) -> Markup:
        """What the statuses mean for ``paces`` (``macros.legend``): the same on many pages,
        so rendered once per set of periods."""
        key = ("legend", *(p.period.id for p in paces))
        if key not in self._fragments:
            self._fragments[key] = render("legend.html", paces=paces,
                                          scoring=self.goals.org.scoring, as_of=self.card.as_of)
        return self._fragments[key]

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
        return kr.title if kr is not None and not kr.private else None

    def chain(self, objective: Objective) -> list[Objective]:
        """The parents from the top down to the direct parent."""
        return list(reversed(self.goals.ancestors(objective.id)))

    def key_results(self, objective: Objective, charts: bool = False) -> list[KrView]:
        """The public key results' rows (made once per objective: cards, attention and the
        objective page all show them); with ``charts``, their trend charts too (objective
        pages). Private key results are never among them: see :meth:`hidden_key_results`."""
        views = self._key_results.get(objective.id)
        if views is None:
            views = [self.kr_view(objective, kr) for kr in public_key_results(objective)]
            self._key_results[objective.id] = views
        if not charts:
            return views
        return [
            replace(kv, chart=self.kr_chart(kv.source[0] if kv.source else objective,
                                            kv.measured, kv.kpi))
            for kv in views
        ]

    def hidden_key_results(self, objective: Objective) -> int:
        """How many key results of ``objective`` are private: pages show only that count."""
        return private_key_results(objective)

    def kr_url(self, objective: Objective, kr: KeyResult) -> str:
        """Where a key result is shown, from the site root (:func:`export.kr_url`)."""
        return kr_url(objective.id, kr.id)

    def kpi_url(self, kpi: Kpi) -> str:
        """A KPI's page, from the site root."""
        return kpi_url(kpi.id)

    def href(self, url: str, root: str) -> str | None:
        """A goal's link as written into a page at ``root`` (see :func:`link_href`)."""
        return link_href(url, root)

    def kr_view(self, objective: Objective, kr: KeyResult, chart: bool = False) -> KrView:
        """A key result's row; with ``chart``, its trend chart is made too (objective pages)."""
        source = self.goals.shared_source(kr) if kr.type == "shared" else None
        numbers = source[1] if source is not None else kr
        linked = self.goals.kpi_by_id.get(numbers.kpi) if numbers.kpi else None
        public_kpi = linked if linked is not None and not linked.private else None
        result = self.score(objective).key_results[kr.id]
        aligned = self.goals.aligned_to_kr(objective.id, kr.id)
        direction = threshold_direction(numbers, self.goals.kpi_by_id)
        measured_in = source[0] if source is not None else objective
        return KrView(
            kr=kr,
            result=result,
            values=kr_values(numbers, result, len(aligned), direction),
            kpi=public_kpi,
            private_kpi=linked is not None and linked.private,
            aligned=aligned,
            chart=self.kr_chart(measured_in, numbers, public_kpi) if chart else None,
            source=source,
        )

    def kr_chart(self, objective: Objective, kr: KeyResult, kpi: Kpi | None) -> Markup | None:
        if kr.type != "metric":
            return None
        points = kr_points(self, objective, kr, kpi)
        if len(points) < MIN_TREND_POINTS:
            return None
        period = self.period(objective.period)
        end = kr.due or period.end
        pace = ((Point(period.start, kr.start), Point(end, kr.target))
                if kr.start is not None and kr.target is not None else None)
        return trend_chart(
            points, title=kr.title, unit=kr.unit, target=kr.target, span=(period.start, period.end),
            pace=pace, status=self.score(objective).key_results[kr.id].status,
            today=self.card.as_of, starts_at_start=kr.start is not None,
        )

    def kpi_chart(self, kpi: Kpi) -> Markup | None:
        sign = "≥" if kpi.direction == "higher_is_better" else "≤"
        thresholds = [
            (kind, f"{HEALTH_WORDS[kind]} {sign}", value)
            for kind, value in (("green", kpi.green), ("amber", kpi.amber))
            if value is not None
        ]
        return trend_chart(
            self.kpi_state(kpi).values, title=kpi.title, unit=kpi.unit, target=kpi.target,
            thresholds=thresholds, health=self.kpi_state(kpi).health,
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
    """A metric key result's trend: its start at the period's start, KPI values, check-ins;
    only what was known at the as-of date (the values and check-ins counted then)."""
    period = view.period(objective.period)
    result = view.score(objective).key_results[kr.id]
    by_day: dict[date, float] = {}
    if kr.start is not None:
        by_day[period.start] = kr.start
    for point in view.kpi_state(kpi).values if kpi is not None else ():
        if period.start <= point.date <= period.end:
            by_day[point.date] = point.value
    for checkin in result.checkins:
        if checkin.value is not None:
            by_day[checkin.date] = checkin.value
    updated = kr.updated
    if updated is not None and updated <= view.card.as_of and result.current is not None:
        by_day[updated] = result.current
    return [Point(day, value) for day, value in sorted(by_day.items())]
