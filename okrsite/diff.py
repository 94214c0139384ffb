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
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Literal, TypeVar

from .errors import Problem
from .load import Document, LoadedTree, Source, load_sources, read_tables
from .load.files import is_table_path
from .model import Goals, Kpi, Objective, build_goals, build_kpi, build_objective
from .numbers import plain_number, rounded
from .score import Scorecard
from .validate import validate
from .vocabulary import Health, Status

PRIVATE = {"objective": "private objective", "kpi": "private KPI"}

Kind = Literal["objective", "kpi"]
V = TypeVar("V", covariant=True)
"""What a :class:`Pair` holds (a pair of statuses is a pair of strings)."""


@dataclass(frozen=True)
class Pair(Generic[V]):
    """A value before → after (``None`` on a side where there is none)."""

    before: V | None
    after: V | None


@dataclass(frozen=True, slots=True)
class Entry:
    """An objective or KPI added or removed."""

    kind: Kind
    id: str | None
    """``None`` for a private one."""
    title: str
    private: bool = False
    owner: str | None = None
    period: str | None = None
    parent: str | None = None
    score: float | None = None
    """Objectives: the score in the tree it is in."""
    status: Status | Health | None = None
    """Objectives: the status; KPIs: the health."""


@dataclass(frozen=True, slots=True)
class Renamed:
    """An objective or KPI whose id (its file renamed) or title changed."""

    kind: Kind
    id: Pair[str]
    title: Pair[str]


@dataclass(frozen=True, slots=True)
class Realigned:
    """An objective whose parent or owner changed (a KPI: its owner)."""

    kind: Kind
    id: str
    title: str
    parent: Pair[str] | None = None
    owner: Pair[str] | None = None


@dataclass(frozen=True, slots=True)
class KeyResultEntry:
    """A key result added to or removed from an objective present in both trees."""

    objective: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class KeyResultChange:
    id: str
    title: str
    score: Pair[float]
    delta: float


@dataclass(frozen=True, slots=True)
class ObjectiveChange:
    """An objective in both trees whose score, status or key-result scores changed."""

    id: str | None
    title: str
    private: bool
    score: Pair[float]
    delta: float
    status: Pair[Status]
    key_results: tuple[KeyResultChange, ...] = ()


@dataclass(frozen=True, slots=True)
class KpiChange:
    id: str | None
    title: str
    private: bool
    latest: Pair[float]
    health: Pair[Health]


@dataclass(frozen=True, slots=True)
class UnitChange:
    """The roll-up: a unit whose score changed, in the unit tree's order."""

    id: str
    name: str
    depth: int
    score: Pair[float]
    delta: float | None


@dataclass(frozen=True, slots=True)
class MovedGoalpost:
    objective: str
    key_result: str
    title: str
    start: Pair[float]
    target: Pair[float]
    period_start: str


@dataclass(frozen=True)
class Diff:
    """Everything that changed from BASE to HEAD, each list in the order it is reported."""

    as_of: date
    organization: str
    overall: Pair[float]
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    realigned: tuple[Realigned, ...] = ()
    key_results_added: tuple[KeyResultEntry, ...] = ()
    key_results_removed: tuple[KeyResultEntry, ...] = ()
    objectives: tuple[ObjectiveChange, ...] = ()
    """Biggest score change first."""
    kpis: tuple[KpiChange, ...] = ()
    units: tuple[UnitChange, ...] = ()
    moved_goalposts: tuple[MovedGoalpost, ...] = ()
    base_problems: tuple[Problem, ...] = ()
    """BASE's errors (its files with problems were left out)."""
    base_left_out: tuple[str, ...] = field(default=())
    """The BASE files left out of the comparison."""

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.renamed, self.realigned,
                        self.key_results_added, self.key_results_removed, self.objectives,
                        self.kpis, self.units, self.moved_goalposts))


# --- BASE, as far as it can be compared -------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One tree of the comparison, scored."""

    goals: Goals
    card: Scorecard


def base_tree(base: Sequence[Source], head: Sequence[Source], head_tree: LoadedTree,
              prefix: str) -> LoadedTree:
    """BASE's tree, reusing HEAD's parsed documents for the files that did not change (a pull
    request changes a few files of thousands)."""
    head_content = {source.rel: source.content for source in head}
    parsed = {doc.rel: doc for doc in head_tree.goals}
    unchanged = {s.rel for s in base if s.rel in parsed and head_content[s.rel] == s.content}
    fresh = load_sources(
        [s for s in base if s.rel not in unchanged and not is_table_path(s.rel)], prefix
    )
    fresh_docs = {doc.rel: doc for doc in fresh.goals}
    goals = tuple(
        doc for doc in (parsed.get(s.rel) if s.rel in unchanged else fresh_docs.get(s.rel)
                        for s in base)
        if doc is not None
    )
    tables, table_problems = read_tables(
        goals, {s.rel: s for s in base if is_table_path(s.rel)}
    )
    return LoadedTree(fresh.org, goals, (*fresh.problems, *table_problems), tables)


def comparable(tree: LoadedTree) -> tuple[Goals | None, list[Problem], list[str]]:
    """BASE as far as it can be compared: ``(goals or None, its problems, files left out)``.

    The files with problems are left out, and with them the files that the cross-file rules
    would then refuse because they refer to what was left out (:func:`dependents`), found
    without validating again; one more validation confirms that the rest is clean. So BASE is
    validated twice, where leaving files out round by round took one validation per link of a
    chain of parents (and gave up after ten). Should the second validation still find
    problems (a rule :func:`dependents` does not foresee), files are left out round by round
    until none has a problem, which ends as leaving them out round by round always did.
    """
    problems = [*tree.problems, *validate(tree)]
    found, left_out = list(problems), set[str]()
    while problems or tree.org is None:
        bad = {p.file for p in problems}
        if tree.org is None or tree.org.name in bad:
            return None, found, sorted(left_out)
        bad |= dependents([d for d in tree.goals if d.name not in bad])
        kept = tuple(d for d in tree.goals if d.name not in bad)
        if len(kept) == len(tree.goals) and not tree.problems:
            return None, found, sorted(left_out)  # problems no file can be left out for
        left_out |= bad
        tree = LoadedTree(tree.org, kept, (), tree.tables)
        problems = validate(tree)
    return build_goals(tree.org, tree.goals, tree.tables), found, sorted(left_out)


PRIVATE_FILE = "a private goal file"
"""How BASE's problems and left-out files name a file that holds a private objective or KPI:
its name may say what the objective is about (``goals/sales/acquire-rival.md``)."""
_PRIVATE_LINE = re.compile(r"^visibility[ \t]*:[ \t]*(['\"]?)private\1[ \t]*(?:#.*)?\r?$", re.M)


def comparable_base(base: Sequence[Source], head: Sequence[Source], head_tree: LoadedTree,
                    prefix: str) -> tuple[Goals | None, list[Problem], list[str]]:
    """:func:`comparable` of :func:`base_tree`, with the files of private goals unnamed in
    the problems and the files left out (see :func:`private_files`)."""
    tree = base_tree(base, head, head_tree, prefix)
    goals, problems, left_out = comparable(tree)
    private = private_files(base, tree, head_tree)
    shown = [Problem(PRIVATE_FILE, 0, "", "has errors (not shown: the file is private)")
             if p.file in private else p for p in problems]
    return goals, shown, [PRIVATE_FILE if name in private else name for name in left_out]


def private_files(base: Sequence[Source], tree: LoadedTree, head_tree: LoadedTree) -> set[str]:
    """The names of BASE's files that hold a private objective or KPI, as far as can be told:
    from the document when it parsed, else from a line ``visibility: private`` in the file or
    from HEAD's file of the same path being private."""
    def private(doc: Document) -> bool:
        return doc.data.get("visibility") == "private"

    found = {doc.name for doc in tree.goals if private(doc)}
    parsed = {doc.rel for doc in tree.goals}
    private_in_head = {doc.rel for doc in head_tree.goals if private(doc)}
    for source in base:
        if source.rel in parsed or is_table_path(source.rel):
            continue
        text = source.content.decode("utf-8", "replace")
        if source.rel in private_in_head or _PRIVATE_LINE.search(text):
            found.add(source.name)
    return found


def dependents(documents: Sequence[Document]) -> set[str]:
    """The documents (by name) of a tree whose files, each valid on its own, the cross-file
    rules refuse once the others are left out, and, in turn, those that then refer to them:
    an objective whose parent (objective or key result) is gone, whose key result names a KPI
    that is gone, or whose ``aligned`` key result no objective aligns to any more."""
    kept = {d.name: build_objective(d) for d in documents if d.data.get("kind") == "objective"}
    kpis = {build_kpi(d, {}).id for d in documents if d.data.get("kind") == "kpi"}
    gone: set[str] = set()
    while True:
        ids = {o.id for o in kept.values()}
        aligned_to = {(o.parent, o.parent_kr) for o in kept.values() if o.parent_kr}
        broken = {
            name for name, o in kept.items()
            if (o.parent is not None and o.parent not in ids)
            or any(kr.kpi is not None and kr.kpi not in kpis for kr in o.key_results)
            or any(kr.type == "aligned" and (o.id, kr.id) not in aligned_to
                   for kr in o.key_results)
        }
        if not broken:
            return gone
        gone |= broken
        for name in broken:
            del kept[name]


# --- comparing --------------------------------------------------------------------------------


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
