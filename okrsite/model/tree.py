"""Every goal of a folder together, with the alignment tree as lookups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from .goals import KeyResult, Kpi, Objective
from .org import Org


@dataclass(frozen=True)
class Goals:
    """Everything in a goals folder, with the alignment tree as lookups."""

    org: Org
    objectives: tuple[Objective, ...]
    kpis: tuple[Kpi, ...]

    @cached_property
    def objective_by_id(self) -> Mapping[str, Objective]:
        return {o.id: o for o in self.objectives}

    @cached_property
    def kpi_by_id(self) -> Mapping[str, Kpi]:
        return {k.id: k for k in self.kpis}

    @cached_property
    def _children(self) -> Mapping[tuple[str, str | None], tuple[Objective, ...]]:
        children: dict[tuple[str, str | None], list[Objective]] = {}
        for o in self.objectives:
            if o.parent is not None:
                children.setdefault((o.parent, o.parent_kr), []).append(o)
        return {key: tuple(value) for key, value in children.items()}

    def aligned_to(self, objective_id: str) -> tuple[Objective, ...]:
        """Objectives aligned directly to the objective (``parent: obj``)."""
        return self._children.get((objective_id, None), ())

    def aligned_to_kr(self, objective_id: str, kr_id: str) -> tuple[Objective, ...]:
        """Objectives aligned to one key result (``parent: obj#kr``)."""
        return self._children.get((objective_id, kr_id), ())

    @cached_property
    def _all_children(self) -> Mapping[str, tuple[Objective, ...]]:
        children: dict[str, list[Objective]] = {}
        for o in self.objectives:
            if o.parent is not None:
                children.setdefault(o.parent, []).append(o)
        return {key: tuple(value) for key, value in children.items()}

    def all_aligned(self, objective_id: str) -> tuple[Objective, ...]:
        """Objectives aligned to the objective or to any of its key results, in file order."""
        return self._all_children.get(objective_id, ())

    def lead_of(self, goal: Objective | Kpi) -> str | None:
        """The goal's lead, else its owning unit's lead."""
        if goal.lead is not None:
            return goal.lead
        unit = self.org.unit_by_id.get(goal.owner)
        return unit.lead if unit is not None else None

    def shared_source(self, kr: KeyResult) -> tuple[Objective, KeyResult] | None:
        """The objective and key result a ``shared`` key result names."""
        if kr.source_ref is None:
            return None
        objective = self.objective_by_id.get(kr.source_ref[0])
        source = objective.key_result(kr.source_ref[1]) if objective else None
        return (objective, source) if objective is not None and source is not None else None

    @cached_property
    def _shared_by(self) -> Mapping[tuple[str, str], tuple[tuple[Objective, KeyResult], ...]]:
        found: dict[tuple[str, str], list[tuple[Objective, KeyResult]]] = {}
        for o in self.objectives:
            for kr in o.key_results:
                if kr.source_ref is not None:
                    found.setdefault(kr.source_ref, []).append((o, kr))
        return {key: tuple(value) for key, value in found.items()}

    def shared_by(self, objective_id: str, kr_id: str) -> tuple[tuple[Objective, KeyResult], ...]:
        """Where a key result is shared: the objectives and their ``shared`` key results."""
        return self._shared_by.get((objective_id, kr_id), ())

    def roots(self) -> tuple[Objective, ...]:
        """Objectives with no parent: the tops of the alignment tree."""
        return tuple(o for o in self.objectives if o.parent is None)

    def ancestors(self, objective_id: str) -> tuple[Objective, ...]:
        """The chain of parents, nearest first, up to the top."""
        chain: list[Objective] = []
        seen = {objective_id}
        current = self.objective_by_id.get(objective_id)
        while current is not None and current.parent is not None:
            parent = self.objective_by_id.get(current.parent)
            if parent is None or parent.id in seen:
                break
            seen.add(parent.id)
            chain.append(parent)
            current = parent
        return tuple(chain)

    def walk(self) -> Iterator[tuple[int, Objective]]:
        """Depth-first over the alignment tree: ``(depth, objective)``, roots in file order."""
        stack = [(0, o) for o in reversed(self.roots())]
        seen: set[str] = set()
        while stack:
            depth, objective = stack.pop()
            if objective.id in seen:
                continue
            seen.add(objective.id)
            yield depth, objective
            stack.extend((depth + 1, c) for c in reversed(self.all_aligned(objective.id)))

    def public_parent(self, objective: Objective) -> str | None:
        """What may be published of ``objective``'s parent: the reference as written
        (``obj`` or ``obj#kr``), the objective alone when that key result is private, or
        ``None`` when it has no parent or the parent is private (then not even its id is
        shown). Pages, the export and diff comments all use this."""
        parent = self.objective_by_id.get(objective.parent) if objective.parent else None
        if parent is not None and parent.private:
            return None
        kr = parent.key_result(objective.parent_kr) if parent and objective.parent_kr else None
        if kr is not None and kr.private:
            return parent.id if parent is not None else None  # a private key result: no ``#kr``
        return objective.parent_ref
