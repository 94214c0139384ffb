"""What an edit changed: the last good version of the site, and the pages a new model and its
scores change against it (:func:`affected`), or ``None`` when the structure changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import Goals, Objective, Org
from ..render.pages import NavItem, Page, SiteContent
from ..render.view import View
from ..score import Scorecard


@dataclass
class Version:
    """One good version of the site: the goals, their scores and everything rendered."""

    goals: Goals
    card: Scorecard
    view: View
    pages: dict[str, Page]
    """Every page by URL, as the staging project holds it."""
    files: dict[str, bytes]
    """The other files (badges, ``api/okrs.json``, ``feed.xml``) by path inside ``docs/``."""
    nav: tuple[NavItem, ...]

    @classmethod
    def of(cls, goals: Goals, card: Scorecard, content: SiteContent) -> Version:
        return cls(goals, card, View(goals, card), {p.url: p for p in content.pages},
                   dict(content.files), content.nav)

    def content(self) -> SiteContent:
        return SiteContent(tuple(self.pages.values()), self.files, self.nav)


@dataclass(frozen=True)
class Affected:
    """The pages an edit changed, besides home and the overviews."""

    objectives: frozenset[str]
    units: frozenset[str]
    kpis: frozenset[str]
    changed: int
    """How many objectives, KPIs and units changed."""


def objective_structure(objective: Objective) -> tuple[Any, ...]:
    """What of an objective the site's layout hangs on: where it hangs, who may see it, its
    key results and what they link to."""
    return (objective.id, objective.parent, objective.parent_kr, objective.owner,
            objective.period, objective.private,
            tuple((kr.id, kr.type, kr.kpi, kr.source, kr.private)
                  for kr in objective.key_results))


def same_structure(goals: Goals, old: Goals) -> bool:
    """Whether the same objectives, key results and KPIs exist, in the same order, linked to
    each other in the same way and visible to the same people. Only objectives that are
    not the very objects of ``old`` (those of files read again) are looked into."""
    if (len(goals.objectives) != len(old.objectives)
            or tuple((k.id, k.owner, k.private) for k in goals.kpis)
            != tuple((k.id, k.owner, k.private) for k in old.kpis)):
        return False
    return all(new is was or objective_structure(new) == objective_structure(was)
               for new, was in zip(goals.objectives, old.objectives, strict=True))


@dataclass(frozen=True, slots=True)
class Related:
    """What of other goals an objective's page and its card on its unit's page show."""

    rows: frozenset[str]
    """Objectives listed on its page with their titles and scores: those aligned to it and
    those sharing its key results."""
    sources: frozenset[str]
    """Objectives its shared key results take their numbers and titles from (its card shows
    them too)."""
    kpis: frozenset[str]
    """KPIs its key results (or their sources) use."""


def related(goals: Goals, objective: Objective) -> Related:
    rows = {o.id for o in goals.all_aligned(objective.id)}
    sources, kpis = set(), set()
    for kr in objective.key_results:
        measured = kr
        source = goals.shared_source(kr) if kr.type == "shared" else None
        if source is not None:
            sources.add(source[0].id)
            measured = source[1]
        rows.update(o.id for o, _ in goals.shared_by(objective.id, kr.id))
        if measured.kpi:
            kpis.add(measured.kpi)
    return Related(frozenset(rows), frozenset(sources), frozenset(kpis))


def org_structure(org: Org) -> tuple[Any, ...]:
    """What of ``org.yml`` the layout hangs on: all of it but the units' names and leads."""
    return (org.name, org.periods, org.current_period, org.scoring,
            tuple((u.id, u.parent) for u in org.units))


def affected(old: Version, goals: Goals, card: Scorecard, view: View) -> Affected | None:
    """The pages that show what changed from ``old`` (``None``: the structure changed, every
    page is rendered). A unit's new name or lead changes the pages that name it; when it is
    in the navigation, every page changes anyway (:meth:`GoalsPreview.refreshed`).

    Only the objectives near a changed one are looked at (its parent, the objectives it
    shares key results with, both ways), unless a KPI, a title or a unit changed: then every
    objective is."""
    org, old_org = goals.org, old.goals.org
    if ((org is not old_org and org_structure(org) != org_structure(old_org))
            or card.as_of != old.card.as_of or card.current_period != old.card.current_period
            or not same_structure(goals, old.goals)):
        return None
    renamed = ({u.id for u, was in zip(org.units, old_org.units, strict=True) if u != was}
               if org is not old_org else set())
    before, kpis_before = old.goals.objective_by_id, old.goals.kpi_by_id
    changed = {o.id for o in goals.objectives
               if (o is not before[o.id] and o != before[o.id])
               or differs(card.objectives[o.id], old.card.objectives[o.id])}
    retitled = {o.id for o in goals.objectives if o.title != before[o.id].title}
    kpis = {k.id for k in goals.kpis
            if k != kpis_before[k.id] or differs(card.kpis[k.id], old.card.kpis[k.id])}
    units = {u.id for u in org.units
             if view.standing(u.id) != old.view.standing(u.id)
             or card.units.get(u.id) != old.card.units.get(u.id)}
    if not (changed or kpis or units or renamed):
        return Affected(frozenset(), frozenset(), frozenset(), 0)

    near: dict[str, Related] = {}

    def related_to(objective: Objective) -> Related:
        if objective.id not in near:
            near[objective.id] = related(goals, objective)
        return near[objective.id]

    by_id = goals.objective_by_id
    sharing = {o.id for c in changed for kr in by_id[c].key_results
               for o, _ in goals.shared_by(c, kr.id)}
    """The objectives whose shared key results take their numbers from a changed one."""
    shown_kpis = {k for c in changed for k in related_to(by_id[c]).kpis}
    """The KPIs whose pages list a changed objective."""
    owner = {o.id: o.owner for o in goals.objectives}

    def shows(objective: Objective) -> bool:
        this = related_to(objective)
        return (objective.id in changed or not this.rows.isdisjoint(changed)
                or objective.id in sharing or not this.kpis.isdisjoint(kpis)
                or any(a.id in retitled for a in goals.ancestors(objective.id))
                or objective.owner in renamed or any(owner[o] in renamed for o in this.rows))

    def unit_shows(unit_id: str) -> bool:
        owned = view.owned.get(unit_id, [])
        return (unit_id in units
                or any(o.id in changed or o.id in sharing for o in owned)
                or any(k.id in kpis for k in view.unit_kpis.get(unit_id, []))
                or any(sub.id in units or sub.id in renamed
                       for sub in view.sub_units.get(unit_id, []))
                or any(u.id in renamed for u in org.unit_chain(unit_id)))

    candidates: Iterable[Objective] = goals.objectives
    if not (kpis or retitled or renamed):  # only those near a changed objective can show it
        near_ids = {*changed, *sharing}
        for c in changed:
            near_ids.update(related_to(by_id[c]).sources)
            parent = by_id[c].parent
            if parent is not None:
                near_ids.add(parent)
        candidates = [o for o in goals.objectives if o.id in near_ids]
    return Affected(
        objectives=frozenset(o.id for o in candidates if not o.private and shows(o)),
        units=frozenset(u.id for u in org.units if unit_shows(u.id)),
        kpis=frozenset(k.id for k in goals.kpis if not k.private and (
            k.id in kpis or k.owner in renamed or k.id in shown_kpis)),
        changed=len(changed) + len(kpis) + len(units) + len(renamed),
    )


def differs(new: object, old: object) -> bool:
    """Not the very object (scores an edit could not change are kept) and not equal."""
    return new is not old and new != old
