"""The site's content: every page's HTML and search text, badges, ``api/okrs.json``, the nav.

:func:`render_site` is the whole stage. Pages are addressed by URL (``objectives/<id>/``);
which files hold them is the site engine's business. Each page has two renderings: ``html``,
what readers see, and ``summary``, a few headings and lines for the site's search index (with
the same anchors). Private objectives and KPIs never become a page, badge, nav entry, search
entry or list item: where they count, a parent shows "1 private objective" and its score.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup

from ..model import Goals, KeyResult, Kpi, Objective, Period, Point, Unit
from ..score import KeyResultScore, KpiState, ObjectiveScore, Scorecard
from . import environment, number, one_line, percent, render, safe_title
from .badges import HEALTH_WORDS, SEVERITY, STATUS_WORDS, badge_svg
from .charts import trend_chart
from .export import export_data, kpi_url, objective_url, unit_url
from .markdown import render_body

if TYPE_CHECKING:  # the history is data here: rendering never runs git
    from ..git import Change, History

NAV_UNIT_BUDGET = 60
"""At most this many units in the navigation (whole levels of the unit tree, top first)."""
HOME_OBJECTIVES = 12
"""Top-level objectives shown on the home page (the alignment tree lists them all)."""
MIN_TREND_POINTS = 3
"""A key result's chart needs a check-in between its start and now to show a trend."""
HOME_KPIS = 8
"""KPIs in warning or critical health shown on the home page."""

Item = TypeVar("Item", Objective, Kpi)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the site."""

    url: str
    """Where it is served, relative to the site root: ``""``, ``objectives/<id>/``."""
    title: str
    """Plain text, safe wherever a theme inserts it (see :func:`safe_title`)."""
    html: Markup
    """The page's content: inert HTML (see :mod:`okrsite.render`)."""
    summary: Markup
    """What the search index should hold: a lead paragraph, headings with the anchors of
    ``html`` (one per key result) and the body. Empty for overviews that only repeat what the
    objective, unit and KPI pages say: they stay out of search."""


@dataclass(frozen=True, slots=True)
class NavItem:
    """An entry of the navigation: a page, or a section whose first child is its own page."""

    title: str
    url: str
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class SiteContent:
    """Everything the site shows, ready to be written."""

    pages: tuple[Page, ...]
    files: dict[str, bytes]
    """Other files by path: ``badges/<id>.svg``, ``api/okrs.json``."""
    nav: tuple[NavItem, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """An entry of the search index inside a page: a heading (with its anchor) and a line."""

    id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class KrView:
    """One key result with everything its row shows."""

    kr: KeyResult
    result: KeyResultScore
    status: str
    """The key result's own pace as a status: it colours its progress bar."""
    values: str
    """Plain text: ``10 → 16 → 20 M EUR``, ``Done``, ``Graded 50%``…"""
    kpi: Kpi | None
    """The linked KPI when it is public."""
    private_kpi: bool
    aligned: tuple[Objective, ...]
    """Objectives aligned to this key result (private ones included: templates hide them)."""
    chart: Markup | None
    """The trend chart (objective pages only)."""


def pace_status(score: float, expected: float, on_track: float, at_risk: float) -> str:
    """The spec's status rule applied to one score."""
    if expected == 0:
        return "not_started"
    pace = score / expected
    return "on_track" if pace >= on_track else "at_risk" if pace >= at_risk else "off_track"


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
        self._fragments: dict[tuple[str, str, str], Markup] = {}
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
        parent = self.goals.objective_by_id.get(objective.parent) if objective.parent else None
        if objective.private or parent is None or parent.private or not objective.parent_kr:
            return None
        kr = parent.key_result(objective.parent_kr)
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
        scoring = self.goals.org.scoring
        expected = self.score(objective).expected
        return KrView(
            kr=kr,
            result=result,
            status=pace_status(result.score, expected, scoring.on_track, scoring.at_risk),
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

    def fragment(self, template: str, objective: Objective, root: str) -> Markup:
        key = (template, objective.id, root)
        if key not in self._fragments:
            self._fragments[key] = render(template, view=self, o=objective, root=root)
        return self._fragments[key]

    def row(self, objective: Objective, root: str) -> Markup:
        return self.fragment("row.html", objective, root)

    def card_html(self, objective: Objective, root: str) -> Markup:
        return self.fragment("card.html", objective, root)


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
    for point in kr.history:
        by_day[point.date] = point.value
    result = view.score(objective).key_results[kr.id]
    if kr.updated is not None and result.current is not None:
        by_day[kr.updated] = result.current
    return [Point(day, value) for day, value in sorted(by_day.items())]


# --- pages ----------------------------------------------------------------------------------


def page(
    url: str,
    title: str,
    template: str,
    view: View,
    search: tuple[str, Sequence[Section], Markup] | None = None,
    **context: object,
) -> Page:
    """Render ``template`` for the page at ``url`` (``root`` climbs back to the site root),
    and its search summary from ``(lead, sections, body)`` (``None``: not searchable)."""
    root = "../" * url.count("/")
    html = one_line(render(template, view=view, root=root, title=title, **context))
    summary = ""
    if search is not None:
        lead, sections, body = search
        summary = one_line(render("search.html", lead=lead, sections=sections, body=body))
    return Page(url, safe_title(title), Markup(html), Markup(summary))


def home_page(view: View) -> Page:
    goals, card = view.goals, view.card
    tops = [o for o in goals.objectives if o.parent is None and view.counted(o)]
    top_units = {u.id for u in view.sub_units.get(None, [])}
    shown = sorted(view.public(tops), key=lambda o: (o.owner not in top_units, o.title))
    kpis = view.public(goals.kpis)
    worst = sorted(
        (k for k in kpis if view.kpi_state(k).health in ("red", "amber")),
        key=lambda k: (view.kpi_state(k).health != "red", k.title),
    )
    health = {h: sum(1 for k in kpis if view.kpi_state(k).health == h) for h in HEALTH_WORDS}
    units = [u for top in view.sub_units.get(None, []) for u in (top, *view.sub_units[top.id])]
    lead = f"{card.current_period.id}: overall score {percent(card.overall)}"
    return page(
        "", goals.org.name, "home.html", view, (lead, (), Markup("")),
        period=card.current_period, tops=shown[:HOME_OBJECTIVES],
        more_tops=max(len(shown) - HOME_OBJECTIVES, 0), private_tops=view.private(tops),
        worst_kpis=worst[:HOME_KPIS], kpi_count=len(kpis), health_counts=health, units=units,
    )  # fmt: skip


def unit_pages(view: View) -> Iterator[Page]:
    for unit in view.goals.org.units:
        objectives = view.owned.get(unit.id, [])
        kpis = view.unit_kpis.get(unit.id, [])
        parents = " › ".join(u.name for u in reversed(view.goals.org.unit_chain(unit.id)))
        lead = f"Unit {parents}" + (f", led by {unit.lead}" if unit.lead else "")
        lead += f": score {percent(view.unit_score(unit.id))}"
        yield page(
            unit_url(unit.id), unit.name, "unit.html", view, (lead, (), Markup("")),
            unit=unit, chain=list(reversed(view.goals.org.unit_chain(unit.id)[1:])),
            current=[o for o in objectives if view.counted(o)],
            other=[o for o in objectives if not view.counted(o)],
            kpis=kpis, public_kpis=view.public(kpis), subs=view.sub_units.get(unit.id, []),
        )  # fmt: skip


def objective_pages(view: View, objectives: Iterable[Objective]) -> Iterator[Page]:
    for objective in objectives:
        result, body = view.score(objective), view.body(objective)
        krs = view.key_results(objective, charts=True)
        lead = (
            f"Objective of {view.unit(objective.owner).name}, {objective.period}: "
            f"{percent(result.score)} {STATUS_WORDS[result.status]}"
        )
        sections = [
            Section(f"kr-{kv.kr.id}", kv.kr.title, f"{kv.values}: {percent(kv.result.score)}")
            for kv in krs
        ]
        yield page(
            objective_url(objective.id), objective.title, "objective.html", view,
            (lead, sections, body),
            objective=objective, krs=krs, chain=view.chain(objective),
            aligned=view.aligned_direct(objective), body=body,
        )  # fmt: skip


def kpi_pages(view: View) -> Iterator[Page]:
    for kpi in view.public(view.goals.kpis):
        users = [(o, kr) for o, kr in view.kpi_users.get(kpi.id, []) if not o.private]
        state, body = view.kpi_state(kpi), view.body(kpi)
        lead = (
            f"KPI of {view.unit(kpi.owner).name}: latest {number(state.latest.value, kpi.unit)}, "
            f"{HEALTH_WORDS[state.health]}"
        )
        yield page(
            kpi_url(kpi.id), kpi.title, "kpi.html", view, (lead, (), body),
            kpi=kpi, state=state, chart=view.kpi_chart(kpi), users=users, body=body,
        )  # fmt: skip


def attention_items(view: View) -> list[tuple[Objective, list[KrView]]]:
    """Counted objectives at risk, off track or with stale key results, worst first."""
    items = []
    for objective in view.public(view.goals.objectives):
        if not view.counted(objective):
            continue
        status = view.score(objective).status
        stale = [kr for kr in view.key_results(objective) if kr.result.stale]
        if status in ("at_risk", "off_track") or stale:
            items.append((objective, stale))

    def worst(item: tuple[Objective, list[KrView]]) -> tuple[int, float, str]:
        objective, _ = item
        result = view.score(objective)
        return SEVERITY[result.status], result.score, objective.title

    return sorted(items, key=worst)


def index_pages(view: View) -> Iterator[Page]:
    goals = view.goals
    items = attention_items(view)
    yield page("attention/", "Attention", "attention.html", view, items=items)
    tops = [o for o in goals.objectives if view.counted(o) and not _counted_parent(view, o)]
    yield page("alignment/", "Alignment", "alignment.html", view, tops=tops)
    units = view.sub_units.get(None, [])
    yield page("units/", "All units", "units.html", view, tops=units)
    kpis = sorted(view.public(goals.kpis), key=lambda k: (view.unit(k.owner).name, k.title))
    private = view.private(goals.kpis)
    yield page("kpis/", "KPIs", "kpis.html", view, kpis=kpis, private=private)


def _counted_parent(view: View, objective: Objective) -> bool:
    parent = view.goals.objective_by_id.get(objective.parent) if objective.parent else None
    return parent is not None and view.counted(parent)


# --- navigation, files ----------------------------------------------------------------------


def unit_levels(view: View) -> list[list[Unit]]:
    """The unit tree level by level, top units first."""
    levels, level = [], view.sub_units.get(None, [])
    while level:
        levels.append(level)
        level = [sub for unit in level for sub in view.sub_units.get(unit.id, [])]
    return levels


def navigation(view: View, budget: int = NAV_UNIT_BUDGET) -> tuple[NavItem, ...]:
    """Home, Attention, Alignment, the top levels of the unit tree, KPIs: bounded in size.

    Objectives are never in the navigation (MkDocs renders the whole nav into every page, so
    a nav that grows with the site makes the build quadratic); units are, level by level, as
    long as the whole level fits the budget.
    """
    depth, total = 0, 0
    for level in unit_levels(view):
        if depth and total + len(level) > budget:
            break
        total += len(level)
        depth += 1

    def unit_item(unit: Unit, level: int) -> NavItem:
        subs = view.sub_units.get(unit.id, []) if level + 1 < depth else []
        children = tuple(unit_item(sub, level + 1) for sub in subs)
        return NavItem(safe_title(unit.name), unit_url(unit.id), children)

    units = tuple(unit_item(u, 0) for u in view.sub_units.get(None, []))
    return (
        NavItem("Home", ""),
        NavItem("Attention", "attention/"),
        NavItem("Alignment", "alignment/"),
        NavItem("Units", "units/", units),
        NavItem("KPIs", "kpis/"),
    )


def site_files(view: View) -> dict[str, bytes]:
    """Badges of the public objectives, every chart made for the pages, and the JSON API."""
    files = {
        f"badges/{o.id}.svg": badge_svg(view.score(o).score, view.score(o).status).encode()
        for o in view.public(view.goals.objectives)
    }
    data = export_data(view.goals, view.card)
    # Compact: a machine-readable file, and the C encoder only runs without ``indent``.
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    files["api/okrs.json"] = (compact + "\n").encode()
    return files


PARALLEL_MIN_OBJECTIVES = 400
"""Below this many objective pages, a second process costs more than it saves."""
CHILD_SHARE = 0.65
"""The share of objective pages a forked process renders while this one does everything else."""
FORKED_TEMPLATES = ("objective.html", "macros.html", "row.html", "chart.svg", "search.html")
"""What objective pages use: compiled before the fork, so the child inherits them."""
_forked_view: View | None = None
"""The view a forked child renders from: it inherits it, nothing is pickled on the way in."""


def _render_objectives_in_child(start: int) -> list[Page]:
    assert _forked_view is not None
    return list(objective_pages(_forked_view, view_objectives(_forked_view)[start:]))


def view_objectives(view: View) -> list[Objective]:
    return view.public(view.goals.objectives)


def can_fork() -> bool:
    """Forking is safe and worth it: a POSIX system, several CPUs, no other thread running."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


def render_pages(view: View) -> tuple[tuple[Page, ...], dict[str, bytes]]:
    """Every page and the other files; on big organisations a forked process renders most
    objective pages while this one renders the rest."""
    objectives = view_objectives(view)
    if len(objectives) < PARALLEL_MIN_OBJECTIVES or not can_fork():
        pages = (*other_pages(view), *objective_pages(view, objectives), *kpi_pages(view))
        return pages, site_files(view)
    split = int(len(objectives) * (1 - CHILD_SHARE))
    for template in FORKED_TEMPLATES:  # compiled once, here, rather than in both processes
        environment().get_template(template)
    global _forked_view
    _forked_view = view
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            rest = pool.submit(_render_objectives_in_child, split)
            pages = [*other_pages(view), *objective_pages(view, objectives[:split])]
            kpis, files = tuple(kpi_pages(view)), site_files(view)
            pages += rest.result()
    finally:
        _forked_view = None
    return (*pages, *kpis), files


def other_pages(view: View) -> list[Page]:
    """Home, the overviews and the unit pages."""
    return [home_page(view), *index_pages(view), *unit_pages(view)]


def render_site(goals: Goals, card: Scorecard, history: History | None = None) -> SiteContent:
    """The whole site for ``goals`` scored in ``card``; ``history`` adds what git knows."""
    view = View(goals, card, history)
    pages, files = render_pages(view)
    return SiteContent(pages, files, navigation(view))
