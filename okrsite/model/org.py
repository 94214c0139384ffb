"""The organisation of ``org.yml``: units, periods and the scoring thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..vocabulary import DEFAULT_AT_RISK, DEFAULT_ON_TRACK, DEFAULT_STALE_AFTER_DAYS


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
