"""One goals folder in memory: every file parsed once, then kept up to date one file at a
time, with what depends on what, so that an edit is checked together with the files it can
affect only (:meth:`Folder.update`, :meth:`Folder.problems`)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..errors import Problem
from ..load import (
    ORG_FILE,
    Document,
    LoadedTree,
    Source,
    display_name,
    display_prefix,
    goal_order,
    is_goal_path,
    is_table_path,
    load_sources,
    read_goals_dir,
    read_tables,
)
from ..load.files import read_file
from ..validate import GOAL_KINDS, goal_id, validate
from .facts import Entry, Facts, facts_of, parse_entry

FULL_SHARE = 0.3
"""When the files to check with an edit's problems are more than this share of the folder, the
whole folder is checked instead, in a worker thread."""


def folder_root(path: Path) -> Path | None:
    """The goals folder of ``path``: the nearest folder above it that holds an ``org.yml``."""
    if path.name == ORG_FILE:
        return path.parent
    for folder in path.parents:
        if (folder / ORG_FILE).is_file():
            return folder
    return None


def check_files(
    entries: Mapping[str, Entry], csvs: Mapping[str, Source], rels: Iterable[str]
) -> list[Problem]:
    """Every problem ``okrsite check`` reports for the goal files ``rels`` (and the CSV files
    their KPIs read), as if they were the whole folder."""
    order = sorted(set(rels), key=goal_order)
    org = entries[ORG_FILE].doc if ORG_FILE in entries and ORG_FILE in order else None
    goals = tuple(doc for rel in order if rel != ORG_FILE and (doc := entries[rel].doc))
    tables, table_problems = read_tables(goals, csvs)
    problems = [p for rel in order for p in entries[rel].problems]
    problems += table_problems
    problems += validate(LoadedTree(org, goals, (), tables))
    return problems


class Folder:
    """A goals folder: every file parsed, kept up to date one file at a time."""

    def __init__(self, root: Path, prefix: str) -> None:
        self.root = root
        """The goals folder on disk."""
        self.prefix = prefix
        """How its paths begin in messages (``goals``)."""
        self.entries: dict[str, Entry] = {}
        self.csvs: dict[str, Source] = {}
        self.generation = 0
        """Counts the changes, so that a check of an older state can be told apart."""
        self._by_id: dict[tuple[str, str], set[str]] = {}
        self._refs: dict[tuple[str, str], set[str]] = {}
        """``(kind, id)`` of a goal -> the files that name it (as parent, shared key result or
        KPI), whether or not it exists."""
        self._users: dict[str, set[str]] = {}
        """CSV file -> the KPI files that read it."""
        self._good: dict[str, Document] = {}
        """The last document each file parsed to, for completion while it does not parse."""

    # -- reading ------------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path, prefix: str | None = None) -> Folder:
        """Read and parse every file of the goals folder at ``root``."""
        folder = cls(root, display_prefix(root) if prefix is None else prefix)
        sources = read_goals_dir(root, folder.prefix)
        goal_sources = [s for s in sources if not is_table_path(s.rel)]
        tree = load_sources(goal_sources, folder.prefix)  # both cores on a large folder
        docs = {doc.rel: doc for doc in (tree.org, *tree.goals) if doc is not None}
        found: dict[str, list[Problem]] = {}
        for problem in tree.problems:
            found.setdefault(problem.file, []).append(problem)
        for source in sources:
            if is_table_path(source.rel):
                folder.csvs[source.rel] = source
                continue
            doc = docs.get(source.rel)
            entry = Entry(source, doc, tuple(found.get(source.name, ())),
                          facts_of(source.rel, doc))
            folder._put(source.rel, entry)
        return folder

    def rel_of(self, path: Path) -> str | None:
        """The path of ``path`` in this folder, when it is a file the loader reads."""
        try:
            rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None
        return rel if is_goal_path(rel) else None

    def path_of(self, rel: str) -> Path:
        return self.root / rel

    def name_of(self, rel: str) -> str:
        return display_name(self.prefix, rel)

    def rels(self) -> list[str]:
        return [*self.entries, *self.csvs]

    def content(self, rel: str) -> bytes | None:
        """The bytes checked for ``rel`` (a buffer's, or the file's), ``None`` if absent."""
        source = self.entries[rel].source if rel in self.entries else self.csvs.get(rel)
        return None if source is None else source.content

    def document(self, rel: str) -> Document | None:
        """The document of ``rel`` as last parsed without problems."""
        return self._good.get(rel)

    def read_disk(self, rel: str) -> bytes | None:
        path = self.path_of(rel)
        if not path.exists():
            return None
        return read_file(path, rel, self.name_of(rel)).content

    # -- changing -----------------------------------------------------------------------

    def update(self, rel: str, content: bytes | None) -> set[str] | None:
        """Put ``content`` in place of ``rel`` (``None``: the file is gone); parse it.

        Returns the files whose problems may have changed, or ``None`` for every file (an
        edit of ``org.yml``); an empty set when the content is unchanged.
        """
        if content == self.content(rel):
            return set()
        self.generation += 1
        name = self.name_of(rel)
        if is_table_path(rel):
            if content is None:
                self.csvs.pop(rel, None)
            else:
                self.csvs[rel] = Source(rel, name, content)
            return {rel, *self._users.get(rel, ())}
        old = self.entries.get(rel)
        entry = parse_entry(Source(rel, name, content)) if content is not None else None
        # the files that name this one are affected only by what they read of it; its parent
        # chain only by what it says of itself and its parent
        same = old is not None and entry is not None and old.facts == entry.facts
        chain = not same and (old is None or entry is None or old.facts.key() != entry.facts.key())
        before = self.dependents(rel, old.facts, chain, not same) if old else set()
        if old is not None:
            self._drop(rel)
        if entry is not None:
            self._put(rel, entry)
        if rel == ORG_FILE:
            return None
        new = entry.facts if entry is not None else Facts()
        after = self.dependents(rel, new, chain, not same)
        keys = [(f.kind, f.id) if f.kind in GOAL_KINDS and f.id else None
                for f in (old.facts if old else Facts(), new)]
        if keys[0] != keys[1]:
            # an id came or went: what names an unknown id may now be told of another one
            for kind in {key[0] for key in keys if key is not None}:
                after |= self.unknown_referrers(kind)
        return {rel, *before, *after}

    def unknown_referrers(self, kind: str) -> set[str]:
        """The files that name a goal of ``kind`` that does not exist."""
        found: set[str] = set()
        for (ref_kind, ref), rels in self._refs.items():
            if ref_kind == kind and rels and not self.same_id(kind, ref):
                found |= rels
        return found

    def _put(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        if entry.doc is not None:
            self._good[rel] = entry.doc
        facts = entry.facts
        if facts.kind in GOAL_KINDS and facts.id:
            self._by_id.setdefault((facts.kind, facts.id), set()).add(rel)
        for ref in facts.references():
            self._refs.setdefault(ref, set()).add(rel)
        if facts.table:
            self._users.setdefault(facts.table, set()).add(rel)

    def _drop(self, rel: str) -> None:
        facts = self.entries.pop(rel).facts
        if facts.kind in GOAL_KINDS and facts.id:
            self._by_id[(facts.kind, facts.id)].discard(rel)
        for ref in facts.references():
            self._refs[ref].discard(rel)
        if facts.table:
            self._users[facts.table].discard(rel)

    # -- what depends on what ---------------------------------------------------------------

    def same_id(self, kind: str, goal: str) -> set[str]:
        return self._by_id.get((kind, goal), set())

    def ancestors(self, parent: str | None) -> set[str]:
        """The files of every objective up the parent chain from the objective ``parent``."""
        found: set[str] = set()
        seen: set[str] = set()
        todo = [parent] if parent else []
        while todo:
            goal = todo.pop()
            if goal in seen:
                continue
            seen.add(goal)
            for rel in self.same_id("objective", goal):
                found.add(rel)
                if (up := self.entries[rel].facts.parent) is not None:
                    todo.append(up)
        return found

    def dependents(
        self, rel: str, facts: Facts, chain: bool = True, named: bool = True
    ) -> set[str]:
        """The files whose problems can change when ``rel`` (with ``facts``) appears, changes
        or goes: those with its id, its CSV file, those naming it (with ``named``: what they
        read of it changes) and its parent chain (with ``chain``: its kind, id or parent
        change; alignment, cycles)."""
        found: set[str] = set()
        if facts.kind in GOAL_KINDS and facts.id:
            found |= self.same_id(facts.kind, facts.id)
            if named:
                found |= self._refs.get((facts.kind, facts.id), set())
        if facts.kind == "objective" and chain:
            found |= self.ancestors(facts.parent)
        if facts.table:
            found.add(facts.table)
        found.discard(rel)
        return found

    def needs(self, rel: str) -> set[str]:
        """The files to check together with ``rel`` so that its problems are those of the
        whole folder (``org.yml`` is always among them)."""
        if rel in self.csvs:
            found = {rel}
            for user in self._users.get(rel, ()):
                if user in self.entries:
                    found |= self.needs(user)
            return found
        if rel not in self.entries:
            return set()
        found = {rel, ORG_FILE}
        facts = self.entries[rel].facts
        if facts.kind in GOAL_KINDS and facts.id:
            found |= self.same_id(facts.kind, facts.id)
        if facts.kind == "objective":
            if facts.id:
                found |= self._refs.get(("objective", facts.id), set())  # children, sharers
            found |= self.ancestors(facts.parent)
            for kind, ref in facts.references():
                found |= self.same_id(kind, ref) or self._close_to(kind, ref)
        return found

    def _close_to(self, kind: str, goal: str) -> set[str]:
        """The files of the ids closest to an unknown ``goal``: the message suggests one
        (:func:`okrsite.validate.did_you_mean`, over every id of that kind)."""
        ids = [g for (k, g) in self._by_id if k == kind and self._by_id[(k, g)]]
        found: set[str] = set()
        for close in difflib.get_close_matches(goal, ids, n=3, cutoff=0.5):
            found |= self.same_id(kind, close)
        return found

    # -- problems -----------------------------------------------------------------------

    def problems(self, rels: Iterable[str]) -> dict[str, list[Problem]]:
        """The problems of each of ``rels`` (existing files), as the whole folder's check."""
        targets = [rel for rel in rels if rel in self.entries or rel in self.csvs]
        needed: set[str] = set()
        for rel in targets:
            needed |= self.needs(rel)
        goals = {rel for rel in needed if rel in self.entries}
        found = check_files(self.entries, self.csvs, goals)
        return self._by_file(found, targets)

    def all_problems(self) -> dict[str, list[Problem]]:
        """The problems of every file (the whole folder, checked at once)."""
        return self.snapshot()()

    def snapshot(self) -> Callable[[], dict[str, list[Problem]]]:
        """The whole folder's check, of the folder as it is now, to run in another thread."""
        entries, csvs = dict(self.entries), dict(self.csvs)
        targets = [*entries, *csvs]

        def run() -> dict[str, list[Problem]]:
            return self._by_file(check_files(entries, csvs, entries), targets)

        return run

    def _by_file(
        self, found: Iterable[Problem], targets: Iterable[str]
    ) -> dict[str, list[Problem]]:
        result: dict[str, list[Problem]] = {rel: [] for rel in targets}
        by_name = {self.name_of(rel): rel for rel in result}
        for problem in sorted(set(found)):
            rel = by_name.get(problem.file)
            if rel is not None:
                result[rel].append(problem)
        return result

    def too_many(self, rels: set[str]) -> bool:
        """Checking ``rels`` one by one would cost about as much as the whole folder."""
        return len(rels) > FULL_SHARE * max(1, len(self.entries))

    # -- what completion offers ---------------------------------------------------------

    def goals(self, kind: str) -> dict[str, Document]:
        """The first document of each id of ``kind`` (``objective`` or ``kpi``)."""
        found: dict[str, Document] = {}
        for rel in sorted(self._good, key=goal_order):
            doc = self._good[rel]
            if rel in self.entries and doc.data.get("kind") == kind:
                goal = goal_id(doc)
                if goal is not None:
                    found.setdefault(goal, doc)
        return found
