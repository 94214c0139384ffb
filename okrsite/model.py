"""Stage 3: validated documents -> frozen, typed goals and the alignment tree.

Nothing here checks anything: :func:`build_goals` runs only on documents that
:mod:`okrsite.validate` found clean, so it may assume every field has the right shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from .load import Document
from .vocabulary import (
    DEFAULT_AT_RISK,
    DEFAULT_ON_TRACK,
    DEFAULT_STALE_AFTER_DAYS,
    KR_TYPES,
    STATUSES,
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
        unit = self.unit_by_id.get(unit_id)
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = self.unit_by_id.get(unit.parent) if unit.parent else None
        return tuple(chain)


@dataclass(frozen=True, slots=True)
class Point:
    """One dated measurement: a key result's check-in or a KPI value."""

    date: date
    value: float


@dataclass(frozen=True, slots=True)
class KeyResult:
    """A measurable result of an objective, scored 0..1 by its ``type``."""

    id: str
    title: str
    type: KrType = "metric"
    start: float | None = None
    """metric: the value at the start of the period."""
    target: float | None = None
    """metric: the value that scores 1 (below ``start`` means lower is better)."""
    current: float | None = None
    """metric: the value as written in the file (``None``: not given; scoring falls back)."""
    unit: str | None = None
    kpi: str | None = None
    """metric: the id of a KPI whose latest value is the current value."""
    weight: float = 1.0
    confidence: float | None = None
    updated: date | None = None
    history: tuple[Point, ...] = ()
    """Check-ins, sorted by date."""
    done: bool | None = None
    """milestone: achieved or not."""
    score: float | None = None
    """score: the manual 0..1 grade."""
    line: int = 0
    """The line of this key result in its file."""


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

    @property
    def latest(self) -> Point:
        """The value with the latest date."""
        return self.values[-1]


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

    def roots(self) -> tuple[Objective, ...]:
        """Objectives with no parent: the tops of the alignment tree."""
        return tuple(o for o in self.objectives if o.parent is None)

    def ancestors(self, objective_id: str) -> tuple[Objective, ...]:
        """The chain of parents, nearest first, up to the top."""
        chain: list[Objective] = []
        current = self.objective_by_id.get(objective_id)
        while current is not None and current.parent is not None:
            parent = self.objective_by_id.get(current.parent)
            if parent is None or parent in chain:
                break
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


# --- documents -> model -------------------------------------------------------------------


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def _points(raw: list[dict[str, Any]] | None) -> tuple[Point, ...]:
    points = (Point(date.fromisoformat(p["date"]), float(p["value"])) for p in raw or ())
    return tuple(sorted(points, key=lambda p: p.date))


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


def build_key_result(raw: dict[str, Any], position: int, line: int) -> KeyResult:
    return KeyResult(
        id=raw.get("id") or default_kr_id(position),
        title=raw["title"],
        type=raw.get("type", "metric"),
        start=_number(raw.get("start")),
        target=_number(raw.get("target")),
        current=_number(raw.get("current")),
        unit=raw.get("unit"),
        kpi=raw.get("kpi"),
        weight=float(raw.get("weight", 1)),
        confidence=_number(raw.get("confidence")),
        updated=_date(raw.get("updated")),
        history=_points(raw.get("history")),
        done=raw.get("done"),
        score=_number(raw.get("score")),
        line=line,
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
            build_key_result(raw, i, doc.line_of(("key_results", i)))
            for i, raw in enumerate(data["key_results"])
        ),
        parent=parent,
        parent_kr=parent_kr,
        weight=float(data.get("weight", 1)),
        private=data.get("visibility") == "private",
        status=data.get("status"),
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
    )


def build_kpi(doc: Document) -> Kpi:
    data = doc.data
    thresholds = data.get("thresholds") or {}
    return Kpi(
        id=data.get("id") or doc.stem,
        title=data["title"],
        owner=data["owner"],
        direction=data["direction"],
        values=_points(data["values"]),
        unit=data.get("unit"),
        target=_number(data.get("target")),
        green=_number(thresholds.get("green")),
        amber=_number(thresholds.get("amber")),
        private=data.get("visibility") == "private",
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
    )


def build_goals(org: Document, documents: tuple[Document, ...]) -> Goals:
    """Turn validated documents into the model."""
    objectives = tuple(build_objective(d) for d in documents if d.data["kind"] == "objective")
    kpis = tuple(build_kpi(d) for d in documents if d.data["kind"] == "kpi")
    return Goals(build_org(org), objectives, kpis)
