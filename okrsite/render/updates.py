"""What changed lately: the public check-ins of the days before the as-of date.

``updates/`` and ``feed.xml`` show the same entries (:func:`recent_updates`). Which check-ins:

- those of public key results of public objectives (never a private one, nor its check-ins);
- counted at the as-of date, and dated within the :data:`~okrsite.vocabulary.UPDATES_DAYS`
  days that end on it (the as-of day and the 27 before it);
- a ``shared`` key result has no check-ins of its own: its source's are listed once, under
  the source;
- newest first; on one day, in the order of the goal files and their key results.

Each entry carries the value change: the previous check-in's value (a metric's ``start``
before its first check-in) and this one's; check-ins without a value are dated notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from ..model import Checkin, Goals, KeyResult, Objective, Unit
from ..score import Scorecard
from ..vocabulary import NO_HISTORY_TYPES, UPDATES_DAYS
from . import number
from .export import objective_url
from .published import public_key_results


@dataclass(frozen=True, slots=True)
class Update:
    """One public check-in, with what it changed."""

    objective: Objective
    kr: KeyResult
    unit: Unit
    """The unit that owns the objective."""
    checkin: Checkin
    before: float | None
    """The value before this check-in (the previous check-in's, or a metric's start)."""

    @property
    def date(self) -> date:
        return self.checkin.date

    @property
    def value(self) -> float | None:
        return self.checkin.value

    @property
    def change(self) -> str | None:
        """``10.8 → 12.4 M EUR``, ``12.4 M EUR`` for a first value; ``None`` for a note."""
        if self.value is None:
            return None
        now = number(self.value, self.kr.unit)
        return now if self.before is None else f"{number(self.before)} → {now}"

    @property
    def anchor(self) -> str:
        """Where the key result is on its objective's page, from the site's root."""
        return f"{objective_url(self.objective.id)}#kr-{self.kr.id}"

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the check-in across builds: objective, key result, date (check-in
        dates are unique within a key result)."""
        return self.objective.id, self.kr.id, self.date.isoformat()


def window_start(as_of: date, days: int = UPDATES_DAYS) -> date:
    """The first day the updates cover."""
    return as_of - timedelta(days=days - 1)


def key_result_updates(goals: Goals, card: Scorecard, objective: Objective, kr: KeyResult,
                       since: date) -> list[Update]:
    """The check-ins of one public key result on or after ``since``, oldest first."""
    result = card.objectives[objective.id].key_results[kr.id]
    unit = goals.org.unit_by_id[objective.owner]
    before = kr.start if kr.type == "metric" and not kr.kpi else None
    found = []
    for checkin in result.checkins:  # counted at the as-of date, oldest first
        if checkin.date >= since:
            found.append(Update(objective, kr, unit, checkin,
                                before if checkin.value is not None else None))
        if checkin.value is not None:
            before = checkin.value
    return found


def recent_updates(goals: Goals, card: Scorecard, days: int = UPDATES_DAYS) -> list[Update]:
    """Every public check-in of the ``days`` days ending on the as-of date, newest first."""
    since = window_start(card.as_of, days)
    found: list[Update] = []
    for objective in goals.objectives:
        if objective.private:
            continue
        for kr in public_key_results(objective):
            if kr.type not in NO_HISTORY_TYPES:
                found.extend(key_result_updates(goals, card, objective, kr, since))
    # sorted() is stable: on one day, the goal files' order stays.
    return sorted(found, key=lambda u: u.date, reverse=True)


def by_day(updates: list[Update]) -> list[tuple[date, list[Update]]]:
    """Consecutive updates of the same day together (``updates`` newest first)."""
    return [(day, list(group)) for day, group in groupby(updates, key=lambda u: u.date)]
