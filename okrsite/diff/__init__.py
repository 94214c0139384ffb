"""Compare two goal trees, BASE and HEAD of a pull request, both scored at one as-of date.

Pure: the orchestrator (:func:`okrsite.build.diff`) reads both trees, makes BASE as comparable
as it can (:func:`base_tree`, :func:`comparable`), scores both, and :func:`compare` returns a
:class:`Diff`, which :mod:`okrsite.render.diff` writes as ``okrsite diff``'s Markdown or JSON.

Rules the spec leaves to us (the docs repeat them):

- Objectives and KPIs are matched by id. An id that disappears while another appears in the
  same file, or with the same title and owner, is a rename, not a removal and an addition;
  a new title is a rename too.
- A score "changes" when it differs at the 4 decimals every output rounds to.
- A moved goalpost is a key result (metric in both trees) whose ``start`` or ``target`` differs,
  when the as-of date lies after the first day of the objective's period.
- Private objectives and KPIs (private in either tree) never show an id, a title, an owner, a
  parent or a key result: they appear as "private objective" / "private KPI" with their score
  (or value) changes only, because a pull-request comment may be read by the whole company.
  A public objective aligned to a private one shows its parent as "private objective".
- BASE with errors: the files with problems are left out (and, in turn, those that then fail
  because they refer to them) and the rest is compared; without a usable ``org.yml`` in BASE,
  everything in HEAD counts as added.

One module a job: :mod:`.result` (the :class:`Diff` and its records), :mod:`.base` (BASE as far
as it can be compared) and :mod:`.compare` (matching and comparing). Everything is imported from
here.
"""

from __future__ import annotations

from .base import (
    PRIVATE_FILE,
    base_tree,
    comparable,
    comparable_base,
    dependents,
    private_files,
)
from .compare import Matched, Side, compare, match
from .result import (
    PRIVATE,
    Diff,
    Entry,
    KeyResultChange,
    KeyResultEntry,
    Kind,
    KpiChange,
    MovedGoalpost,
    ObjectiveChange,
    Pair,
    Realigned,
    Renamed,
    UnitChange,
)

__all__ = [
    "PRIVATE",
    "PRIVATE_FILE",
    "Diff",
    "Entry",
    "KeyResultChange",
    "KeyResultEntry",
    "Kind",
    "KpiChange",
    "Matched",
    "MovedGoalpost",
    "ObjectiveChange",
    "Pair",
    "Realigned",
    "Renamed",
    "Side",
    "UnitChange",
    "base_tree",
    "comparable",
    "comparable_base",
    "compare",
    "dependents",
    "match",
    "private_files",
]
