"""What one goal file holds: an objective and its key results, or a KPI and its values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..vocabulary import DEFAULT_KR_TYPE, Cadence, Direction, KrType, Status


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
