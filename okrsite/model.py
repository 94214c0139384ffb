"""Stage 3: validated documents -> frozen, typed goals and the alignment tree.

Nothing here checks anything: :func:`build_goals` runs only on documents that
:mod:`okrsite.validate` found clean, so it may assume every field has the right shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from .load import Document, Row, Table, values_file_rel
from .vocabulary import (
    DEFAULT_AT_RISK,
    DEFAULT_KR_TYPE,
    DEFAULT_ON_TRACK,
    DEFAULT_STALE_AFTER_DAYS,
    KR_TYPES,
    STATUSES,
    Cadence,
    Direction,
    Health,
    KrType,
    Status,
    default_kr_id,
)

__all__ = ["KR_TYPES", "STATUSES", "Direction", "Health", "KrType", "Status"]


@dataclass(frozen=True, slots=True)
class Unit:
    """A node of the organisation: company, department or team."""

    id: str
    name: str
    parent: str | None = None
    """The id of the enclosing unit; ``None`` for a top unit."""
    lead: str | None = None
    owners: tuple[str, ...] = ()
    """Code owners (``@user`` or ``@org/team``) who review changes to this unit's goals."""


@dataclass(frozen=True, slots=True)
class Period:
    """A time box for objectives, both ends included."""

    id: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def encloses(self, other: Period) -> bool:
        """True when ``other`` lies within this period (a period encloses itself)."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Scoring:
    """Thresholds of the status rules, from ``org.yml``'s ``scoring``."""

    on_track: float = DEFAULT_ON_TRACK
    at_risk: float = DEFAULT_AT_RISK
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS


@dataclass(frozen=True)
class Org:
    """``org.yml``: the organisation, its unit tree and its periods."""

    name: str
    units: tuple[Unit, ...]
    periods: tuple[Period, ...]
    current_period: str | None = None
    """Set explicitly in ``org.yml``; otherwise derived from the as-of date when scoring."""
    scoring: Scoring = field(default_factory=Scoring)

    @cached_property
    def unit_by_id(self) -> Mapping[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def period_by_id(self) -> Mapping[str, Period]:
        return {p.id: p for p in self.periods}

    def sub_units(self, unit_id: str) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.parent == unit_id)

    def top_units(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.parent is None)

    def unit_chain(self, unit_id: str) -> tuple[Unit, ...]:
        """The unit and its parents, nearest first."""
        chain: list[Unit] = []
        seen: set[str] = set()
        unit = self.unit_by_id.get(unit_id)
        while unit is not None and unit.id not in seen:
            seen.add(unit.id)
            chain.append(unit)
            unit = self.unit_by_id.get(unit.parent) if unit.parent else None
        return tuple(chain)


@dataclass(frozen=True, slots=True)
class Point:
    """One dated measurement: a KPI value, or a check-in's value in a chart."""

    date: date
    value: float
    note: str | None = None
    """What the person who measured it said (KPI values from the file or the CSV)."""
    line: int = 0
    """The line it was written on (in the KPI file or its CSV)."""


@dataclass(frozen=True, slots=True)
class Checkin:
    """One entry of a key result's ``history``: a dated value and/or note."""

    date: date
    value: float | None = None
    """metric and threshold key results only (and not with ``kpi``)."""
    note: str | None = None
    confidence: float | None = None
    by: str | None = None
    """Who checked in."""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    """A link to the work behind a goal: an issue, an epic, a page of the site's own docs."""

    title: str
    url: str
    """``https:``, ``http:``, ``mailto:`` or a path on the site starting with ``/``."""


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a ``checklist`` key result."""

    title: str
    done: bool = False
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class KeyResult:
    """A measurable result of an objective, scored 0..1 by its ``type``."""

    id: str
    title: str
    type: KrType = DEFAULT_KR_TYPE
    start: float | None = None
    """metric: the value at the start of the period."""
    target: float | None = None
    """metric: the value that scores 1 (below ``start`` means lower is better)."""
    current: float | None = None
    """metric: the value as written in the file (``None``: not given; scoring falls back)."""
    unit: str | None = None
    kpi: str | None = None
    """metric or threshold: the id of a KPI whose latest value is the current value."""
    weight: float = 1.0
    """Its weight in the objective's score."""
    confidence: float | None = None
    """The owner's confidence, 0..1, as written (see also the check-ins')."""
    updated: date | None = None
    """The date of the last check-in, as written."""
    history: tuple[Checkin, ...] = ()
    """Check-ins, sorted by date."""
    done: bool | None = None
    """milestone: achieved or not."""
    score: float | None = None
    """score: the manual 0..1 grade."""
    line: int = 0
    """The line of this key result in its file."""
    lead: str | None = None
    """The person or role who owns this key result (no default)."""
    description: str = ""
    """Markdown, rendered like a body."""
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    private: bool = False
    """``visibility: private``: counted in the objective's score, never published."""
    direction: Direction | None = None
    """threshold: as written (``None``: the KPI's direction, else higher is better)."""
    strict: bool = False
    """threshold: ``>`` / ``<`` instead of ``>=`` / ``<=``."""
    stretch: float | None = None
    """metric: beyond ``target``; reaching ``target`` then scores 0.7."""
    due: date | None = None
    """Inside the objective's period: the key result's own expected share runs to it."""
    items: tuple[Item, ...] = ()
    """checklist: its items."""
    source: str | None = None
    """shared: ``objective-id#kr-id`` of the key result it shares (``from:``)."""

    @property
    def source_ref(self) -> tuple[str, str] | None:
        """shared: ``(objective id, key-result id)`` of the source."""
        if self.source is None:
            return None
        objective, _, kr = self.source.partition("#")
        return objective, kr


@dataclass(frozen=True, slots=True)
class Objective:
    """One objective file."""

    id: str
    title: str
    owner: str
    period: str
    key_results: tuple[KeyResult, ...]
    parent: str | None = None
    """The id of the objective this one aligns to."""
    parent_kr: str | None = None
    """With ``parent``: the key result of the parent this one aligns to (``obj#kr``)."""
    weight: float = 1.0
    private: bool = False
    status: Status | None = None
    """A manual status override."""
    body: str = ""
    source: str = ""
    """The file as shown to users, e.g. ``goals/sales/win.md``."""
    rel: str = ""
    """The file's path inside the goals folder."""
    lead: str | None = None
    """As written; :meth:`Goals.lead_of` falls back to the owning unit's lead."""
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def parent_ref(self) -> str | None:
        """``parent`` as written: ``obj`` or ``obj#kr``."""
        if self.parent is None:
            return None
        return f"{self.parent}#{self.parent_kr}" if self.parent_kr else self.parent

    def key_result(self, kr_id: str) -> KeyResult | None:
        return next((kr for kr in self.key_results if kr.id == kr_id), None)


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI file: a continuous health measure."""

    id: str
    title: str
    owner: str
    direction: Direction
    values: tuple[Point, ...]
    """Measurements, sorted by date."""
    unit: str | None = None
    target: float | None = None
    green: float | None = None
    amber: float | None = None
    private: bool = False
    body: str = ""
    source: str = ""
    rel: str = ""
    lead: str | None = None
    """As written; :meth:`Goals.lead_of` falls back to the owning unit's lead."""
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    cadence: Cadence | None = None
    """How often it is measured; with it, a KPI can be stale."""
    values_file: str | None = None
    """The CSV its values (also) come from, inside the goals folder."""


@dataclass(frozen=True)
class Goals:
    """Everything in a goals folder, with the alignment tree as lookups."""

    org: Org
    objectives: tuple[Objective, ...]
    kpis: tuple[Kpi, ...]

    @cached_property
    def objective_by_id(self) -> Mapping[str, Objective]:
        return {o.id: o for o in self.objectives}

    @cached_property
    def kpi_by_id(self) -> Mapping[str, Kpi]:
        return {k.id: k for k in self.kpis}

    @cached_property
    def _children(self) -> Mapping[tuple[str, str | None], tuple[Objective, ...]]:
        children: dict[tuple[str, str | None], list[Objective]] = {}
        for o in self.objectives:
            if o.parent is not None:
                children.setdefault((o.parent, o.parent_kr), []).append(o)
        return {key: tuple(value) for key, value in children.items()}

    def aligned_to(self, objective_id: str) -> tuple[Objective, ...]:
        """Objectives aligned directly to the objective (``parent: obj``)."""
        return self._children.get((objective_id, None), ())

    def aligned_to_kr(self, objective_id: str, kr_id: str) -> tuple[Objective, ...]:
        """Objectives aligned to one key result (``parent: obj#kr``)."""
        return self._children.get((objective_id, kr_id), ())

    @cached_property
    def _all_children(self) -> Mapping[str, tuple[Objective, ...]]:
        children: dict[str, list[Objective]] = {}
        for o in self.objectives:
            if o.parent is not None:
                children.setdefault(o.parent, []).append(o)
        return {key: tuple(value) for key, value in children.items()}

    def all_aligned(self, objective_id: str) -> tuple[Objective, ...]:
        """Objectives aligned to the objective or to any of its key results, in file order."""
        return self._all_children.get(objective_id, ())

    def lead_of(self, goal: Objective | Kpi) -> str | None:
        """The goal's lead, else its owning unit's lead."""
        if goal.lead is not None:
            return goal.lead
        unit = self.org.unit_by_id.get(goal.owner)
        return unit.lead if unit is not None else None

    def shared_source(self, kr: KeyResult) -> tuple[Objective, KeyResult] | None:
        """The objective and key result a ``shared`` key result names."""
        if kr.source_ref is None:
            return None
        objective = self.objective_by_id.get(kr.source_ref[0])
        source = objective.key_result(kr.source_ref[1]) if objective else None
        return (objective, source) if objective is not None and source is not None else None

    @cached_property
    def _shared_by(self) -> Mapping[tuple[str, str], tuple[tuple[Objective, KeyResult], ...]]:
        found: dict[tuple[str, str], list[tuple[Objective, KeyResult]]] = {}
        for o in self.objectives:
            for kr in o.key_results:
                if kr.source_ref is not None:
                    found.setdefault(kr.source_ref, []).append((o, kr))
        return {key: tuple(value) for key, value in found.items()}

    def shared_by(self, objective_id: str, kr_id: str) -> tuple[tuple[Objective, KeyResult], ...]:
        """Where a key result is shared: the objectives and their ``shared`` key results."""
        return self._shared_by.get((objective_id, kr_id), ())

    def roots(self) -> tuple[Objective, ...]:
        """Objectives with no parent: the tops of the alignment tree."""
        return tuple(o for o in self.objectives if o.parent is None)

    def ancestors(self, objective_id: str) -> tuple[Objective, ...]:
        """The chain of parents, nearest first, up to the top."""
        chain: list[Objective] = []
        seen = {objective_id}
        current = self.objective_by_id.get(objective_id)
        while current is not None and current.parent is not None:
            parent = self.objective_by_id.get(current.parent)
            if parent is None or parent.id in seen:
                break
            seen.add(parent.id)
            chain.append(parent)
            current = parent
        return tuple(chain)

    def walk(self) -> Iterator[tuple[int, Objective]]:
        """Depth-first over the alignment tree: ``(depth, objective)``, roots in file order."""
        stack = [(0, o) for o in reversed(self.roots())]
        seen: set[str] = set()
        while stack:
            depth, objective = stack.pop()
            if objective.id in seen:
                continue
            seen.add(objective.id)
            yield depth, objective
            stack.extend((depth + 1, c) for c in reversed(self.all_aligned(objective.id)))

    def public_parent(self, objective: Objective) -> str | None:
        """What may be published of ``objective``'s parent: the reference as written
        (``obj`` or ``obj#kr``), the objective alone when that key result is private, or
        ``None`` when it has no parent or the parent is private (then not even its id is
        shown). Pages, the export and diff comments all use this."""
        parent = self.objective_by_id.get(objective.parent) if objective.parent else None
        if parent is not None and parent.private:
            return None
        kr = parent.key_result(objective.parent_kr) if parent and objective.parent_kr else None
        if kr is not None and kr.private:
            return parent.id if parent is not None else None  # a private key result: no ``#kr``
        return objective.parent_ref


# --- documents -> model -------------------------------------------------------------------


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def _text(value: Any) -> str | None:
    """Optional text: an empty note is no note."""
    return value.strip() or None if isinstance(value, str) else None


def _points(doc: Document, key: str, rows: Iterable[Row] = ()) -> tuple[Point, ...]:
    """A KPI's values from its file and its CSV, sorted by date."""
    points = [
        Point(date.fromisoformat(p["date"]), float(p["value"]), _text(p.get("note")),
              doc.line_of((key, i)))
        for i, p in enumerate(doc.data.get(key) or ())
    ]
    points += (Point(r.date, r.value, r.note, r.line) for r in rows)
    return tuple(sorted(points, key=lambda p: p.date))


def _checkins(raw: list[dict[str, Any]] | None, line_of: Callable[[int], int]) -> tuple[
    Checkin, ...
]:
    checkins = (
        Checkin(
            date=date.fromisoformat(c["date"]),
            value=_number(c.get("value")),
            note=_text(c.get("note")),
            confidence=_number(c.get("confidence")),
            by=_text(c.get("by")),
            line=line_of(i),
        )
        for i, c in enumerate(raw or ())
    )
    return tuple(sorted(checkins, key=lambda c: c.date))


def _links(raw: list[dict[str, Any]] | None) -> tuple[Link, ...]:
    return tuple(Link(link["title"], link["url"]) for link in raw or ())


def _items(raw: list[dict[str, Any]] | None) -> tuple[Item, ...]:
    return tuple(
        Item(item["title"], bool(item.get("done", False)), float(item.get("weight", 1)))
        for item in raw or ()
    )


def build_org(doc: Document) -> Org:
    data = doc.data
    units = tuple(
        Unit(
            id=u["id"],
            name=u["name"],
            parent=u.get("parent"),
            lead=u.get("lead"),
            owners=tuple(u.get("owners") or ()),
        )
        for u in data["units"]
    )
    periods = tuple(
        Period(p["id"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in data["periods"]
    )
    raw_scoring = data.get("scoring") or {}
    defaults = Scoring()
    scoring = Scoring(
        on_track=float(raw_scoring.get("on_track", defaults.on_track)),
        at_risk=float(raw_scoring.get("at_risk", defaults.at_risk)),
        stale_after_days=int(raw_scoring.get("stale_after_days", defaults.stale_after_days)),
    )
    return Org(data["organization"], units, periods, data.get("current_period"), scoring)


def build_key_result(doc: Document, position: int) -> KeyResult:
    raw: dict[str, Any] = doc.data["key_results"][position]
    here = ("key_results", position)
    return KeyResult(
        id=raw.get("id") or default_kr_id(position),
        title=raw.get("title", ""),
        type=raw.get("type", DEFAULT_KR_TYPE),
        start=_number(raw.get("start")),
        target=_number(raw.get("target")),
        current=_number(raw.get("current")),
        unit=raw.get("unit"),
        kpi=raw.get("kpi"),
        weight=float(raw.get("weight", 1)),
        confidence=_number(raw.get("confidence")),
        updated=_date(raw.get("updated")),
        history=_checkins(raw.get("history"), lambda i: doc.line_of((*here, "history", i))),
        done=raw.get("done"),
        score=_number(raw.get("score")),
        line=doc.line_of(here),
        lead=_text(raw.get("lead")),
        description=raw.get("description") or "",
        links=_links(raw.get("links")),
        tags=tuple(raw.get("tags") or ()),
        private=raw.get("visibility") == "private",
        direction=raw.get("direction"),
        strict=bool(raw.get("strict", False)),
        stretch=_number(raw.get("stretch")),
        due=_date(raw.get("due")),
        items=_items(raw.get("items")),
        source=raw.get("from"),
    )


def split_parent(ref: str | None) -> tuple[str | None, str | None]:
    """``obj#kr`` -> ``("obj", "kr")``; ``obj`` -> ``("obj", None)``."""
    if ref is None:
        return None, None
    objective, _, kr = ref.partition("#")
    return objective, kr or None


def build_objective(doc: Document) -> Objective:
    data = doc.data
    parent, parent_kr = split_parent(data.get("parent"))
    return Objective(
        id=data.get("id") or doc.stem,
        title=data["title"],
        owner=data["owner"],
        period=data["period"],
        key_results=tuple(
            build_key_result(doc, i) for i in range(len(data.get("key_results") or ()))
        ),
        parent=parent,
        parent_kr=parent_kr,
        weight=float(data.get("weight", 1)),
        private=data.get("visibility") == "private",
        status=data.get("status"),
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
        lead=_text(data.get("lead")),
        tags=tuple(data.get("tags") or ()),
        links=_links(data.get("links")),
    )


def build_kpi(doc: Document, tables: Mapping[str, Table | None]) -> Kpi:
    data = doc.data
    thresholds = data.get("thresholds") or {}
    values_file = data.get("values_file")
    rel = values_file_rel(doc.rel, values_file) if values_file else None
    table = tables.get(rel) if rel else None
    return Kpi(
        id=data.get("id") or doc.stem,
        title=data["title"],
        owner=data["owner"],
        direction=data["direction"],
        values=_points(doc, "values", table.rows if table else ()),
        unit=data.get("unit"),
        target=_number(data.get("target")),
        green=_number(thresholds.get("green")),
        amber=_number(thresholds.get("amber")),
        private=data.get("visibility") == "private",
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
        lead=_text(data.get("lead")),
        tags=tuple(data.get("tags") or ()),
        links=_links(data.get("links")),
        cadence=data.get("cadence"),
        values_file=rel,
    )


def with_shared_titles(objectives: tuple[Objective, ...]) -> tuple[Objective, ...]:
    """A ``shared`` key result written without a title takes its source's."""
    by_id = {o.id: o for o in objectives}

    def titled(kr: KeyResult) -> KeyResult:
        if kr.title or kr.source_ref is None:
            return kr
        objective_id, kr_id = kr.source_ref
        source = by_id[objective_id].key_result(kr_id) if objective_id in by_id else None
        return replace(kr, title=source.title) if source is not None else kr

    return tuple(
        replace(o, key_results=tuple(titled(kr) for kr in o.key_results))
        if any(kr.type == "shared" and not kr.title for kr in o.key_results)
        else o
        for o in objectives
    )


def build_goals(
    org: Document,
    documents: tuple[Document, ...],
    tables: Mapping[str, Table | None] | None = None,
) -> Goals:
    """Turn validated documents (and the CSV files their KPIs name) into the model."""
    objectives = tuple(build_objective(d) for d in documents if d.data["kind"] == "objective")
    kpis = tuple(build_kpi(d, tables or {}) for d in documents if d.data["kind"] == "kpi")
    return Goals(build_org(org), with_shared_titles(objectives), kpis)


# --- what git says about the goals (found by okrsite.history) -------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """A commit that changed something."""

    date: date
    """The commit's author date."""
    sha: str
    short: str


KrKey = tuple[str, str]
"""(objective id, key-result id)."""


@dataclass(frozen=True)
class History:
    """What git knows about the goals of a working tree (empty outside a repository)."""

    key_results: Mapping[KrKey, Change] = field(default_factory=dict)
    """The last commit that changed each key result's lines."""
    objectives: Mapping[str, Change] = field(default_factory=dict)
    """The last commit that changed each objective's file (front matter or body)."""
    kpis: Mapping[str, Change] = field(default_factory=dict)
    """The last commit that changed each KPI's file."""
    target_moved: Mapping[KrKey, Change] = field(default_factory=dict)
    """Moved goalposts: the last commit that changed a key result's ``start`` or ``target``
    value, when that was after the first day of the objective's period."""

    @property
    def dates(self) -> dict[KrKey, date]:
        """``score_goals``' ``git_dates``: the date each key result last changed."""
        return {key: change.date for key, change in self.key_results.items()}
