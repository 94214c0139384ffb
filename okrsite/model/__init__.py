"""Stage 3: validated documents -> frozen, typed goals and the alignment tree.

One module a job: :mod:`.org` (units, periods, scoring thresholds), :mod:`.goals` (objectives,
key results, KPIs and what they hold), :mod:`.tree` (:class:`Goals`, the alignment tree),
:mod:`.documents` (building all of them from validated documents) and :mod:`.changes` (what git
says about them). Everything is imported from here.
"""

from __future__ import annotations

from ..vocabulary import KR_TYPES, STATUSES, Direction, Health, KrType, Status
from .changes import Change, History, KrKey
from .documents import (
    build_goals,
    build_key_result,
    build_kpi,
    build_objective,
    build_org,
    goal_id,
    kr_id,
    split_parent,
    with_shared_titles,
)
from .goals import Checkin, Item, KeyResult, Kpi, Link, Objective, Point
from .org import Org, Period, Scoring, Unit
from .tree import Goals

__all__ = [
    "KR_TYPES",
    "STATUSES",
    "Change",
    "Checkin",
    "Direction",
    "Goals",
    "Health",
    "History",
    "Item",
    "KeyResult",
    "Kpi",
    "KrKey",
    "KrType",
    "Link",
    "Objective",
    "Org",
    "Period",
    "Point",
    "Scoring",
    "Status",
    "Unit",
    "build_goals",
    "build_key_result",
    "build_kpi",
    "build_objective",
    "build_org",
    "goal_id",
    "kr_id",
    "split_parent",
    "with_shared_titles",
]
