"""Stage 4: pure scoring functions, exactly as the spec's Scoring and Status sections say.

Nothing here reads the clock or the disk: the as-of date (and, optionally, the dates git last
changed each key result) are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .model import Goals, Health, Period, Point, Status


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    """The computed state of one key result."""

    score: float
    """0..1."""
    current: float | None
    """metric: the value scored (the KPI's latest, the written ``current``, or ``start``)."""
    last_update: date | None
    """The latest of ``updated``, history dates, the KPI's latest date and the git date."""
    stale: bool


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    """The computed state of one objective."""

    score: float
    expected: float
    """The share of the objective's period elapsed at the as-of date, 0..1."""
    status: Status
    """The manual status if given, else the one the pace gives."""
    key_results: Mapping[str, KeyResultScore]
    """By key-result id, in file order."""


@dataclass(frozen=True, slots=True)
class KpiState:
    """The computed state of one KPI."""

    latest: Point
    health: Health | None


@dataclass(frozen=True)
class Scorecard:
    """Every computed number for one goals tree at one as-of date."""

    as_of: date
    current_period: Period
    objectives: Mapping[str, ObjectiveScore]
    units: Mapping[str, float | None]
    """Unit id -> mean score of its objectives counted in the current period (None: none)."""
    kpis: Mapping[str, KpiState]
    overall: float | None = None
    """The organisation's score: the mean of the top-level objectives counted in the current
    period (None when there are none)."""
    counts: Mapping[Status, int] = field(default_factory=dict)
    """How many objectives counted in the current period have each status."""


GitDates = Mapping[tuple[str, str], date]
"""(objective id, key-result id) -> the date of the last commit that changed that key result."""


def score_goals(goals: Goals, as_of: date, git_dates: GitDates | None = None) -> Scorecard:
    """Score everything in ``goals`` at ``as_of``."""
    raise NotImplementedError
