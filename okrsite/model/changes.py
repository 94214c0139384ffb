"""What git says about the goals (found by :mod:`okrsite.history`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


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
