"""Validating and modelling, one document at a time (for the live preview)."""

from __future__ import annotations

from ..errors import GoalErrors
from ..load import Document, LoadedTree
from ..model import Goals, Objective, Org, build_kpi, build_objective, build_org, with_shared_titles
from ..validate import SchemaCache, validate


class Checked:
    """:func:`okrsite.build.check_tree` with what depends on one document only (its schema
    problems, through :class:`~okrsite.validate.SchemaCache`, and its objective) kept for the
    documents that did not change: a file that was not read again keeps its
    :class:`Document`, and so its objective too. The cross-file rules run every time, on
    each document's facts the cache kept; the KPIs (their CSV files may have changed) and the
    shared key results' titles are built again every time. The
    same problems and the same model as ``check_tree`` (a test holds the two together)."""

    def __init__(self) -> None:
        self.schemas = SchemaCache()
        self.objectives: dict[int, tuple[Document, Objective]] = {}
        self.org: tuple[Document, Org] | None = None

    def goals(self, tree: LoadedTree) -> Goals:
        problems = [*tree.problems, *validate(tree, self.schemas)]
        if problems or tree.org is None:
            raise GoalErrors(problems)
        if self.org is None or self.org[0] is not tree.org:
            self.org = (tree.org, build_org(tree.org))
        kept, self.objectives = self.objectives, {}
        objectives = []
        for doc in tree.goals:
            if doc.data["kind"] != "objective":
                continue
            entry = kept.get(id(doc))
            if entry is None or entry[0] is not doc:
                entry = (doc, build_objective(doc))
            self.objectives[id(doc)] = entry
            objectives.append(entry[1])
        kpis = tuple(build_kpi(d, tree.tables) for d in tree.goals if d.data["kind"] == "kpi")
        return Goals(self.org[1], with_shared_titles(tuple(objectives)), kpis)
