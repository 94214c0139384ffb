"""What :func:`~okrsite.diff.compare` returns: a :class:`Diff` of typed, frozen records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Literal, TypeVar

from ..errors import Problem
from ..vocabulary import Health, Status

PRIVATE = {"objective": "private objective", "kpi": "private KPI"}

Kind = Literal["objective", "kpi"]
V = TypeVar("V", covariant=True)
"""What a :class:`Pair` holds (a pair of statuses is a pair of strings)."""


@dataclass(frozen=True)
class Pair(Generic[V]):
    """A value before → after (``None`` on a side where there is none)."""

    before: V | None
    after: V | None


@dataclass(frozen=True, slots=True)
class Entry:
    """An objective or KPI added or removed."""

    kind: Kind
    id: str | None
    """``None`` for a private one."""
    title: str
    private: bool = False
    owner: str | None = None
    period: str | None = None
    parent: str | None = None
    score: float | None = None
    """Objectives: the score in the tree it is in."""
    status: Status | Health | None = None
    """Objectives: the status; KPIs: the health."""


@dataclass(frozen=True, slots=True)
class Renamed:
    """An objective or KPI whose id (its file renamed) or title changed."""

    kind: Kind
    id: Pair[str]
    title: Pair[str]


@dataclass(frozen=True, slots=True)
class Realigned:
    """An objective whose parent or owner changed (a KPI: its owner)."""

    kind: Kind
    id: str
    title: str
    parent: Pair[str] | None = None
    owner: Pair[str] | None = None


@dataclass(frozen=True, slots=True)
class KeyResultEntry:
    """A key result added to or removed from an objective present in both trees."""

    objective: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class KeyResultChange:
    id: str
    title: str
    score: Pair[float]
    delta: float


@dataclass(frozen=True, slots=True)
class ObjectiveChange:
    """An objective in both trees whose score, status or key-result scores changed."""

    id: str | None
    title: str
    private: bool
    score: Pair[float]
    delta: float
    status: Pair[Status]
    key_results: tuple[KeyResultChange, ...] = ()


@dataclass(frozen=True, slots=True)
class KpiChange:
    id: str | None
    title: str
    private: bool
    latest: Pair[float]
    health: Pair[Health]


@dataclass(frozen=True, slots=True)
class UnitChange:
    """The roll-up: a unit whose score changed, in the unit tree's order."""

    id: str
    name: str
    depth: int
    score: Pair[float]
    delta: float | None


@dataclass(frozen=True, slots=True)
class MovedGoalpost:
    objective: str
    key_result: str
    title: str
    start: Pair[float]
    target: Pair[float]
    period_start: str


@dataclass(frozen=True)
class Diff:
    """Everything that changed from BASE to HEAD, each list in the order it is reported."""

    as_of: date
    organization: str
    overall: Pair[float]
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    realigned: tuple[Realigned, ...] = ()
    key_results_added: tuple[KeyResultEntry, ...] = ()
    key_results_removed: tuple[KeyResultEntry, ...] = ()
    objectives: tuple[ObjectiveChange, ...] = ()
    """Biggest score change first."""
    kpis: tuple[KpiChange, ...] = ()
    units: tuple[UnitChange, ...] = ()
    moved_goalposts: tuple[MovedGoalpost, ...] = ()
    base_problems: tuple[Problem, ...] = ()
    """BASE's errors (its files with problems were left out)."""
    base_left_out: tuple[str, ...] = field(default=())
    """The BASE files left out of the comparison."""

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.renamed, self.realigned,
                        self.key_results_added, self.key_results_removed, self.objectives,
                        self.kpis, self.units, self.moved_goalposts))
