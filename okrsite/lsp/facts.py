"""What one file of a goals folder tells the others: its kind, id, parent, the goals it names
(:class:`Facts`), and the file as last parsed (:class:`Entry`).

Comparing a file's facts before and after an edit tells which other files' problems the edit
can change (:meth:`.folder.Folder.update`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Problem
from ..load import ORG_FILE, Document, Source, parse_goal, parse_org, values_file_rel
from ..validate import GOAL_KINDS, goal_id, key_result_ids


@dataclass(frozen=True, slots=True)
class Facts:
    """What the problems of other files can depend on in one file."""

    kind: str | None = None
    """``org``, ``objective``, ``kpi``; ``None`` for a file that did not parse or has no kind."""
    id: str | None = None
    parent: str | None = None
    """The id of the objective it aligns to."""
    parent_ref: object = None
    """Its ``parent`` as written (``obj`` or ``obj#kr``, or anything else)."""
    shares: frozenset[str] = frozenset()
    """The ids of the objectives whose key results it shares."""
    kpis: frozenset[str] = frozenset()
    """The ids of the KPIs its key results follow."""
    table: str | None = None
    """The CSV file it reads its values from (its path in the goals folder)."""
    exposed: str = ""
    """What the files that name an objective read of it (its period, visibility, and its key
    results' ids, types, visibility and sources), as text to compare."""

    def key(self) -> tuple[object, ...]:
        """What its parent chain depends on in it."""
        return self.kind, self.id, self.parent, self.parent_ref

    def references(self) -> Iterator[tuple[str, str]]:
        """``(kind, id)`` of every goal it names."""
        if self.parent:
            yield "objective", self.parent
        for shared in self.shares:
            yield "objective", shared
        for kpi in self.kpis:
            yield "kpi", kpi


def facts_of(rel: str, doc: Document | None) -> Facts:
    """The facts of the file ``rel`` as parsed to ``doc`` (``None``: it did not parse)."""
    if doc is None:
        return Facts()
    if rel == ORG_FILE:
        return Facts(kind="org")
    data = doc.data
    kind = data.get("kind")
    if kind not in GOAL_KINDS:
        return Facts()
    parent = data.get("parent")
    shares: set[str] = set()
    kpis: set[str] = set()
    key_results = data.get("key_results")
    exposed: list[object] = [data.get("period"), data.get("visibility")]
    for kr_id, kr in zip(key_result_ids(doc), key_results if isinstance(key_results, list)
                         else (), strict=False):
        exposed.append((kr_id, kr.get("type"), kr.get("visibility"), kr.get("from"))
                       if isinstance(kr, dict) else kr)
        if not isinstance(kr, dict):
            continue
        if isinstance(kr.get("from"), str):
            shares.add(kr["from"].partition("#")[0])
        if isinstance(kr.get("kpi"), str):
            kpis.add(kr["kpi"])
    named = data.get("values_file")
    return Facts(
        kind=kind,
        id=goal_id(doc),
        parent=parent.partition("#")[0] if isinstance(parent, str) else None,
        parent_ref=parent if isinstance(parent, str) else type(parent).__name__,
        shares=frozenset(shares),
        kpis=frozenset(kpis),
        table=values_file_rel(doc.rel, named) if isinstance(named, str) and named else None,
        exposed=repr(exposed) if kind == "objective" else "",
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One goal file or ``org.yml``, as last read and parsed."""

    source: Source
    doc: Document | None
    problems: tuple[Problem, ...]
    """The loader's problems (a file with any has no document)."""
    facts: Facts


def parse_entry(source: Source) -> Entry:
    """``source`` parsed as the loader parses it (``org.yml`` or a goal file)."""
    doc, problems = (parse_org if source.rel == ORG_FILE else parse_goal)(source)
    return Entry(source, doc, tuple(problems), facts_of(source.rel, doc))
