"""The site's content: every page's HTML and search text, badges, ``api/okrs.json``, the nav.

:func:`render_site` is the whole stage. Pages are addressed by URL (``objectives/<id>/``);
which files hold them is the site engine's business. Each page has two renderings: ``html``,
what readers see, and ``summary``, a few headings and lines for the site's search index (with
the same anchors). Private objectives and KPIs never become a page, badge, nav entry, search
entry or list item: where they count, a parent shows "1 private objective" and its score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..model import Goals, Kpi, Objective, Unit
from ..parallel import side_by_side
from ..score import Scorecard
from ..vocabulary import HEALTH_WORDS, STATUS_WORDS, percent
from . import environment, number, one_line, render, safe_title
from .badges import badge_svg
from .details import kr_details, weekday
from .export import export_data, kpi_url, objective_url, unit_url
from .feed import FEED_PATH, feed_xml
from .summaries import ATTENTION_SHOWN, concerns, outline, stale_kpis
from .tags import public_tags, tag_url
from .trees import node_rows
from .updates import by_day, recent_updates, window_start
from .view import View

if TYPE_CHECKING:  # the history is data here: rendering never runs git
    from ..model import History

NAV_UNIT_BUDGET = 60
"""At most this many units in the navigation (whole levels of the unit tree, top first)."""
HOME_OBJECTIVES = 12
"""Top-level objectives shown on the home page (the alignment tree lists them all)."""
HOME_KPIS = 8
"""KPIs in warning or critical health shown on the home page."""
HOME_UNALIGNED = 5
"""Objectives aligned to nothing named on the home page (the alignment tree lists them all)."""


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
    shown = [o for o in tops if o.owner in top_units]  # the company's; the rest align to nothing
    unaligned = sorted((o for o in view.public(tops) if o.owner not in top_units),
                       key=lambda o: o.title)
    kpis = view.public(goals.kpis)
    worst = sorted(
        (k for k in kpis if view.kpi_state(k).health in ("red", "amber")),
        key=lambda k: (view.kpi_state(k).health != "red", k.title),
    )
    health = {h: sum(1 for k in kpis if view.kpi_state(k).health == h) for h in HEALTH_WORDS}
    units = [u for top in view.sub_units.get(None, []) for u in (top, *view.sub_units[top.id])]
    company = view.company
    lead = (f"{card.current_period.id}: company score {percent(company.score)}"
            + (f" {STATUS_WORDS[company.status]}" if company.status else ""))
    public = view.public(shown)
    return page(
        "", goals.org.name, "home.html", view, (lead, (), Markup("")),
        period=card.current_period, tops=public[:HOME_OBJECTIVES],
        more_tops=max(len(public) - HOME_OBJECTIVES, 0), private_tops=view.private(shown),
        unaligned=unaligned[:HOME_UNALIGNED], unaligned_count=len(unaligned),
        worst_kpis=worst[:HOME_KPIS], kpi_count=len(kpis), health_counts=health, units=units,
    )  # fmt: skip


def unit_pages(view: View, units: Iterable[Unit] | None = None) -> Iterator[Page]:
    """The pages of ``units`` (default: every unit)."""
    for unit in view.goals.org.units if units is None else units:
        objectives = view.owned.get(unit.id, [])
        kpis = view.unit_kpis.get(unit.id, [])
        parents = " › ".join(u.name for u in reversed(view.goals.org.unit_chain(unit.id)))
        lead = f"Unit {parents}" + (f", led by {unit.lead}" if unit.lead else "")
        standing = view.standing(unit.id)
        lead += f": score {percent(standing.score)}" + (
            f" {STATUS_WORDS[standing.status]}, {standing.count} objectives, "
            f"{standing.worrying} at risk or off track" if standing.status else "")
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
        ) + (f" · tags {', '.join(objective.tags)}" if objective.tags else "")
        sections = [
            Section(f"kr-{kv.kr.id}", kv.kr.title, f"{kv.values}: {percent(kv.result.score)}"
                    + (f" · tags {', '.join(kv.kr.tags)}" if kv.kr.tags else ""))
            for kv in krs
        ]
        details = {kv.kr.id: kr_details(view, objective, kv) for kv in krs}
        # Objectives aligned to a private key result are shown as aligned to the objective.
        via_private = [o for kr in objective.key_results if kr.private
                       for o in view.goals.aligned_to_kr(objective.id, kr.id)]
        yield page(
            objective_url(objective.id), objective.title, "objective.html", view,
            (lead, sections, body),
            objective=objective, krs=krs, chain=view.chain(objective), details=details,
            aligned=[*view.aligned_direct(objective), *via_private], body=body,
            hidden_krs=view.hidden_key_results(objective),
        )  # fmt: skip


def kpi_pages(view: View, kpis: Iterable[Kpi] | None = None) -> Iterator[Page]:
    """The pages of the public ones of ``kpis`` (default: every KPI)."""
    for kpi in view.public(view.goals.kpis if kpis is None else kpis):
        users = [(o, kr) for o, kr in view.kpi_users.get(kpi.id, []) if not o.private]
        state, body = view.kpi_state(kpi), view.body(kpi)
        lead = (
            f"KPI of {view.unit(kpi.owner).name}: "
            f"latest {number(state.latest.value if state.latest else None, kpi.unit)}, "
            f"{HEALTH_WORDS[state.health]}"
        )
        yield page(
            kpi_url(kpi.id), kpi.title, "kpi.html", view, (lead, (), body),
            kpi=kpi, state=state, chart=view.kpi_chart(kpi), users=users, body=body,
        )  # fmt: skip


def index_pages(view: View) -> Iterator[Page]:
    goals = view.goals
    groups = concerns(view, goals.objectives)
    yield page("attention/", "Attention", "attention.html", view, groups=groups,
               stale_kpis=stale_kpis(view), shown=ATTENTION_SHOWN)
    tops = [o for o in goals.objectives if view.counted(o) and not _counted_parent(view, o)]
    tree = outline(goals, view.card, tops)
    yield page("alignment/", "Alignment", "alignment.html", view, tree=tree,
               aligned=node_rows(tree.aligned), unaligned=node_rows(tree.unaligned))
    yield page("units/", "All units", "units.html", view, rows=view.unit_rows)
    kpis = sorted(view.public(goals.kpis), key=lambda k: (view.unit(k.owner).name, k.title))
    private = view.private(goals.kpis)
    yield page("kpis/", "KPIs", "kpis.html", view, kpis=kpis, private=private)


def updates_page(view: View) -> Page:
    """``updates/``: the public check-ins of the last days, newest first, by day."""
    updates = recent_updates(view.goals, view.card)
    days = [(day, weekday(day), items) for day, items in by_day(updates)]
    return page(
        "updates/", "What changed", "updates.html", view,
        since=window_start(view.card.as_of), days=days, count=len(updates),
    )  # fmt: skip


def tag_pages(view: View) -> Iterator[Page]:
    """``tags/`` and a page per tag carried by something public."""
    tagged = public_tags(view.goals)
    yield page("tags/", "Tags", "tags.html", view, tags=tagged)
    for entry in tagged:
        titles = [o.title for o in entry.objectives]
        titles += [kr.title for _, kr in entry.key_results]
        titles += [k.title for k in entry.kpis]
        lead = f"Tag {entry.tag}: " + "; ".join(titles)
        scored = [*entry.objectives, *(o for o, _ in entry.key_results)]
        yield page(
            tag_url(entry.tag), f"#{entry.tag}", "tag.html", view, (lead, (), Markup("")),
            entry=entry, paces=view.paces(scored) if scored else [],
        )  # fmt: skip


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
        NavItem("Updates", "updates/"),
        NavItem("Attention", "attention/"),
        NavItem("Alignment", "alignment/"),
        NavItem("Units", "units/", units),
        NavItem("KPIs", "kpis/"),
        NavItem("Tags", "tags/"),
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
    files[FEED_PATH] = feed_xml(view.goals, view.card, recent_updates(view.goals, view.card))
    return files


PARALLEL_MIN_OBJECTIVES = 400
"""Below this many objective pages, a second process costs more than it saves."""
CHILD_SHARE = 0.68
"""The share of objective pages a forked child renders while this process does everything else
(at 500 units, 0.65 left the child done first in three runs of three, 0.72 this process)."""


def render_pages(
    view: View, *, fork_from: int = PARALLEL_MIN_OBJECTIVES
) -> tuple[tuple[Page, ...], dict[str, bytes]]:
    """Every page and the other files. From ``fork_from`` public objectives on, a forked child
    renders most objective pages while this process renders the rest (see
    :func:`okrsite.parallel.side_by_side`, which runs both here when forking is not safe):
    the same pages in the same order either way."""
    objectives = view.public(view.goals.objectives)
    if len(objectives) < fork_from:
        pages = (*other_pages(view), *objective_pages(view, objectives), *kpi_pages(view))
        return pages, site_files(view)
    split = int(len(objectives) * (1 - CHILD_SHARE))
    compile_templates()  # here, once, rather than in both processes

    def here() -> tuple[list[Page], list[Page], dict[str, bytes]]:
        first = [*other_pages(view), *objective_pages(view, objectives[:split])]
        return first, list(kpi_pages(view)), site_files(view)

    def there() -> list[Page]:
        return list(objective_pages(view, objectives[split:]))

    (first, kpis, files), rest = side_by_side(here, there)
    return (*first, *rest, *kpis), files


def compile_templates() -> None:
    """Compile every page and image template (a forked child inherits them compiled)."""
    env = environment()
    for name in env.list_templates(extensions=("html", "svg")):
        env.get_template(name)


def other_pages(view: View) -> list[Page]:
    """Home, the overviews and the unit pages."""
    return [home_page(view), *index_pages(view), updates_page(view), *tag_pages(view),
            *unit_pages(view)]


def render_site(goals: Goals, card: Scorecard, history: History | None = None) -> SiteContent:
    """The whole site for ``goals`` scored in ``card``; ``history`` adds what git knows."""
    view = View(goals, card, history)
    pages, files = render_pages(view)
    return SiteContent(pages, files, navigation(view))
