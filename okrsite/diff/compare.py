"""Comparing two scored trees: matching objectives and KPIs, then every change between them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..errors import Problem
from ..model import Goals, Kpi, Objective
from ..numbers import plain_number, rounded
from ..score import Scorecard
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


@dataclass(frozen=True)
class Side:
    """One tree of the comparison, scored."""

    goals: Goals
    card: Scorecard


def changed(before: float | None, after: float | None) -> bool:
    return rounded(before) != rounded(after)


def delta(before: float | None, after: float | None) -> float:
    return rounded((after or 0.0) - (before or 0.0)) or 0.0


def is_private(*items: Objective | Kpi | None) -> bool:
    return any(item is not None and item.private for item in items)


def parent_label(goals: Goals, objective: Objective) -> str | None:
    """The parent as written, or "private objective" when the parent is private."""
    public = goals.public_parent(objective)
    if public is None and objective.parent is not None:
        return PRIVATE["objective"]
    return public


Item = TypeVar("Item", Objective, Kpi)


@dataclass(frozen=True)
class Matched(Generic[Item]):
    """Two trees' objectives (or KPIs) paired up."""

    same: list[tuple[Item, Item]]
    """Paired by id."""
    removed: list[Item]
    added: list[Item]
    renamed: list[tuple[Item, Item]]

    @property
    def pairs(self) -> list[tuple[Item, Item]]:
        """Everything in both trees: the same id, then the renamed."""
        return self.same + self.renamed


def match(before: Sequence[Item], after: Sequence[Item]) -> Matched[Item]:
    """Pair items by id, then renames."""
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    same = [(old[i], new[i]) for i in new if i in old]
    removed = [item for i, item in old.items() if i not in new]
    added = [item for i, item in new.items() if i not in old]
    renamed: list[tuple[Item, Item]] = []
    for item in list(added):
        twin = next((r for r in removed if not is_private(r, item) and (
            r.rel == item.rel or (r.title, r.owner) == (item.title, item.owner))), None)
        if twin is not None:
            removed.remove(twin)
            added.remove(item)
            renamed.append((twin, item))
    return Matched(same, removed, added, renamed)


def compare(before: Side | None, after: Side, *, base_problems: tuple[Problem, ...] = (),
            base_left_out: tuple[str, ...] = ()) -> Diff:
    """Everything that changed from ``before`` (``None``: no BASE to compare with) to
    ``after``; BASE's problems and left-out files are passed through."""
    goals, card = after.goals, after.card
    objectives = match(before.goals.objectives if before else (), goals.objectives)
    kpis = match(before.goals.kpis if before else (), goals.kpis)
    return Diff(
        as_of=card.as_of,
        organization=goals.org.name,
        overall=Pair(rounded(before.card.overall) if before else None, rounded(card.overall)),
        added=(*(objective_entry(after, o) for o in objectives.added),
               *(kpi_entry(after, k) for k in kpis.added)),
        removed=(*(objective_entry(before, o) for o in objectives.removed),
                 *(kpi_entry(before, k) for k in kpis.removed)) if before else (),
        renamed=(*renames("objective", objectives.pairs), *renames("kpi", kpis.pairs)),
        realigned=tuple(realigned(before, after, objectives.pairs, kpis.pairs)),
        key_results_added=tuple(kr_entries(objectives.pairs, added=True)),
        key_results_removed=tuple(kr_entries(objectives.pairs, added=False)),
        objectives=tuple(objective_changes(before, after, objectives.pairs)),
        kpis=tuple(kpi_changes(before, after, kpis.pairs)),
        units=tuple(unit_changes(before, after)),
        moved_goalposts=tuple(moved_goalposts(after, objectives.pairs)),
        base_problems=base_problems,
        base_left_out=base_left_out,
    )


def renames(kind: Kind, pairs: list[tuple[Objective, Objective]] | list[tuple[Kpi, Kpi]]
            ) -> Iterator[Renamed]:
    for a, b in pairs:
        if (a.id, a.title) != (b.id, b.title) and not is_private(a, b):
            yield Renamed(kind, Pair(a.id, b.id), Pair(a.title, b.title))


def objective_entry(side: Side, objective: Objective) -> Entry:
    result = side.card.objectives[objective.id]
    if objective.private:
        return Entry("objective", None, PRIVATE["objective"], True, score=rounded(result.score),
                     status=result.status)
    return Entry("objective", objective.id, objective.title, False, objective.owner,
                 objective.period, parent_label(side.goals, objective), rounded(result.score),
                 result.status)


def kpi_entry(side: Side, kpi: Kpi) -> Entry:
    health = side.card.kpis[kpi.id].health
    if kpi.private:
        return Entry("kpi", None, PRIVATE["kpi"], True, status=health)
    return Entry("kpi", kpi.id, kpi.title, False, kpi.owner, status=health)


def realigned(before: Side | None, after: Side, pairs: list[tuple[Objective, Objective]],
              kpi_pairs: list[tuple[Kpi, Kpi]]) -> Iterator[Realigned]:
    if before is None:
        return
    for old, new in pairs:
        if is_private(old, new):
            continue
        parent = Pair(parent_label(before.goals, old), parent_label(after.goals, new))
        owner = Pair(old.owner, new.owner)
        if parent.before != parent.after or owner.before != owner.after:
            yield Realigned("objective", new.id, new.title,
                            parent if parent.before != parent.after else None,
                            owner if owner.before != owner.after else None)
    for old_kpi, new_kpi in kpi_pairs:
        if not is_private(old_kpi, new_kpi) and old_kpi.owner != new_kpi.owner:
            yield Realigned("kpi", new_kpi.id, new_kpi.title,
                            owner=Pair(old_kpi.owner, new_kpi.owner))


def kr_entries(
    pairs: list[tuple[Objective, Objective]], *, added: bool
) -> Iterator[KeyResultEntry]:
    for old, new in pairs:
        if is_private(old, new):
            continue
        here, there = (new, old) if added else (old, new)
        for kr in here.key_results:
            if there.key_result(kr.id) is None and not kr.private:
                yield KeyResultEntry(new.id, kr.id, kr.title)


def objective_changes(before: Side | None, after: Side,
                      pairs: list[tuple[Objective, Objective]]) -> list[ObjectiveChange]:
    if before is None:
        return []
    found = []
    for old, new in pairs:
        was, now = before.card.objectives[old.id], after.card.objectives[new.id]
        private = is_private(old, new)
        krs = () if private else tuple(kr_changes(old, new, before.card, after.card))
        if changed(was.score, now.score) or was.status != now.status or krs:
            found.append(ObjectiveChange(
                None if private else new.id, PRIVATE["objective"] if private else new.title,
                private, Pair(rounded(was.score), rounded(now.score)),
                delta(was.score, now.score), Pair(was.status, now.status), krs))
    return sorted(found, key=lambda c: (-abs(c.delta), c.private, c.id or "", c.title))


def kr_changes(old: Objective, new: Objective, was: Scorecard, now: Scorecard
               ) -> Iterator[KeyResultChange]:
    for kr in new.key_results:
        before = old.key_result(kr.id)
        if before is None or before.private or kr.private:
            continue  # a private key result counts in the objective's change, nothing more
        a = was.objectives[old.id].key_results[kr.id].score
        b = now.objectives[new.id].key_results[kr.id].score
        if changed(a, b):
            yield KeyResultChange(kr.id, kr.title, Pair(rounded(a), rounded(b)), delta(a, b))


def kpi_changes(before: Side | None, after: Side, pairs: list[tuple[Kpi, Kpi]]
                ) -> Iterator[KpiChange]:
    if before is None:
        return
    for old, new in pairs:
        was, now = before.card.kpis[old.id], after.card.kpis[new.id]
        latest = Pair(was.latest.value if was.latest else None,
                      now.latest.value if now.latest else None)
        if latest.before != latest.after or was.health != now.health:
            private = is_private(old, new)
            yield KpiChange(None if private else new.id,
                            PRIVATE["kpi"] if private else new.title, private,
                            Pair(plain_number(latest.before), plain_number(latest.after)),
                            Pair(was.health, now.health))


def unit_changes(before: Side | None, after: Side) -> Iterator[UnitChange]:
    """Units whose score changed, depth first from the top units (the roll-up)."""
    org = after.goals.org
    stack = [(0, unit) for unit in reversed(org.top_units())]
    while stack:
        depth, unit = stack.pop()
        was = before.card.units.get(unit.id) if before else None
        now = after.card.units.get(unit.id)
        if changed(was, now):
            yield UnitChange(unit.id, unit.name, depth, Pair(rounded(was), rounded(now)),
                             delta(was, now) if was is not None and now is not None else None)
        stack.extend((depth + 1, u) for u in reversed(org.sub_units(unit.id)))


def moved_goalposts(after: Side, pairs: list[tuple[Objective, Objective]]
                    ) -> Iterator[MovedGoalpost]:
    as_of = after.card.as_of
    for old, new in pairs:
        period = after.goals.org.period_by_id[new.period]
        if is_private(old, new) or as_of <= period.start:
            continue
        for kr in new.key_results:
            was = old.key_result(kr.id)
            if was is None or was.type != "metric" or kr.type != "metric" or kr.private or (
                was.private
            ):
                continue
            if (was.start, was.target) != (kr.start, kr.target):
                yield MovedGoalpost(new.id, kr.id, kr.title,
                                    Pair(plain_number(was.start), plain_number(kr.start)),
                                    Pair(plain_number(was.target), plain_number(kr.target)),
                                    period.start.isoformat())
