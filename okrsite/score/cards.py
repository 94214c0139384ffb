"""What scoring computes: the states of key results, objectives and KPIs, and the
scorecard of a whole tree at one as-of date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..model import Checkin, Period, Point
from ..vocabulary import Health, Status

PROGRESS_LIMIT = 1e9
"""``progress`` beyond this (a billion times the way to target) is shown as this."""


@dataclass(frozen=True, slots=True)
class KeyResultScore:
    """The computed state of one key result at the as-of date."""

    score: float
    """0..1."""
    current: float | None
    """metric and threshold: the value scored (the KPI's latest, the written ``current``, the
    latest check-in's value, or ``start``; threshold: ``None`` when there is no value)."""
    last_update: date | None
    """The latest of ``updated``, check-in dates, the KPI's latest date and the git date."""
    stale: bool
    progress: float | None = None
    """metric: ``(current - start) / (target - start)``, not clamped (1.2: 120% of the way)."""
    expected: float = 0.0
    """The key result's own expected share: to its ``due`` date, else its objective's."""
    status: Status = "not_started"
    """The status rule applied to its own score and expected share (never a manual status)."""
    overdue: bool = False
    """``due`` is before the as-of date and the target is not reached."""
    confidence: float | None = None
    """Its ``confidence``, else the latest check-in's that has one."""
    checkins: tuple[Checkin, ...] = ()
    """The check-ins counted at the as-of date, oldest first."""
    met: bool | None = None
    """threshold: whether ``current`` meets the target (``False`` with no value)."""
    items_done: int | None = None
    """checklist: how many items are done."""
    items_total: int | None = None
    due: date | None = None
    """Its ``due`` date (a shared key result: its source's)."""


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
    pace: float | None = None
    """``score / expected``; ``None`` before the period starts (``expected == 0``)."""
    manual: bool = False
    """The status was set by hand (``status:`` in the file)."""


@dataclass(frozen=True, slots=True)
class KpiState:
    """The computed state of one KPI at the as-of date."""

    latest: Point | None
    """The value with the latest date counted at the as-of date (``None``: none yet)."""
    health: Health | None
    values: tuple[Point, ...] = ()
    """The values counted at the as-of date, by date."""
    stale: bool | None = None
    """With a ``cadence``: no value for longer than a cadence step plus ``stale_after_days``;
    without one, ``None``."""


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
    """The organisation's score: its top unit's score, or with several top units the mean of
    the top-level objectives counted in the current period (None when there are none)."""
    counts: Mapping[Status, int] = field(default_factory=dict)
    """How many objectives counted in the current period have each status."""
    counted: frozenset[str] = frozenset()
    """Ids of the objectives counted in the current period (their period equals or encloses it)."""


GitDates = Mapping[tuple[str, str], date]
"""(objective id, key-result id) -> the date of the last commit that changed that key result."""
