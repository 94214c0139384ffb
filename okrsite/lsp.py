"""``okrsite lsp``: a Language Server Protocol server for goal files, on pygls, over stdio.

* **Diagnostics**: every problem ``okrsite check`` finds in a file (the loader's, the schemas',
  the cross-file rules': unknown unit, period, parent or KPI, duplicate ids, cycles), for the
  goal files, ``org.yml`` and the KPI CSV files of a goals folder, against the folder on disk
  with the editor's open buffers in place of their files. They are published while the user
  types (after :data:`DEBOUNCE` seconds without a change), at the problem's line and field.
* **Completion** of the field names the schema allows in the mapping under the cursor (for a
  key result, those of its ``type``), and of values: unit, period, parent (``obj`` and
  ``obj#kr``), shared key result and KPI ids from the folder, and the schema's choices.
* **Hover**: the schema's description of the field under the cursor (and what an id names).

A goals folder is the nearest folder above an opened file that holds an ``org.yml``. It is read
and parsed once (:meth:`Folder.load`); afterwards only the file that changed is parsed again,
and the problems are computed for the files that change can affect only (:meth:`Folder.update`,
:meth:`Folder.problems`): each of them is checked by :func:`okrsite.validate.validate` together
with every file its problems depend on (its parent chain, children, files with the same id,
what it references), which gives the same problems as checking the whole folder. An edit of
``org.yml`` affects every file: those are checked over the whole folder, in a worker thread, as
is the whole folder once after every pause (:data:`IDLE_CHECK`), in case a rule reads further
than this module knows.
"""

from __future__ import annotations

import asyncio
import difflib
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from . import __version__
from .errors import Problem
from .load import (
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
    parse_goal,
    parse_org,
    read_goals_dir,
    read_tables,
    values_file_rel,
)
from .load.files import read_file
from .validate import GOAL_KINDS, goal_id, key_result_ids, schema_data, validate

DEBOUNCE = 0.15
"""Seconds without a change before a changed buffer is checked."""
IDLE_CHECK = 3.0
"""Seconds without a change before the whole folder is checked again (0: never)."""
FULL_SHARE = 0.3
"""When the files to check with an edit's problems are more than this share of the folder, the
whole folder is checked instead, in a worker thread."""
ITEM = -1
"""A list item in a field path whose position is not known (the cursor's)."""
SOURCE = "okrsite"

FieldPath = tuple[str | int, ...]


# --- one goals folder in memory --------------------------------------------------------------


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
    doc, problems = (parse_org if source.rel == ORG_FILE else parse_goal)(source)
    return Entry(source, doc, tuple(problems), facts_of(source.rel, doc))


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


# --- where the cursor is, in YAML being written ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """A list item's ``-`` (``key`` is None) or a ``key:`` on a line of YAML."""

    column: int
    key: str | None = None
    value: str = ""
    """The rest of the line after ``key:``, without quotes or a comment."""
    value_column: int = 0


_DASH = re.compile(r"-(?: +|$)")
_KEY = re.compile(r"""([A-Za-z_][\w-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|$)[ \t]*""")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def unquote(text: str) -> str:
    text = re.sub(r"(?:^|[ \t]+)#.*$", "", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def tokens(line: str) -> list[Token]:
    line = line.rstrip("\r\n")
    column = len(line) - len(line.lstrip(" "))
    rest = line[column:]
    found: list[Token] = []
    if not rest or rest.startswith("#"):
        return found
    while (dash := _DASH.match(rest)) is not None:
        found.append(Token(column))
        column += dash.end()
        rest = rest[dash.end():]
    if (key := _KEY.match(rest)) is not None:
        found.append(Token(column, unquote(key.group(1)), unquote(rest[key.end():]),
                           column + key.end()))
    return found


def yaml_lines(lines: Sequence[str], is_org: bool) -> range:
    """The lines that hold YAML: all of ``org.yml``; a goal file's front matter."""
    if is_org:
        return range(len(lines))
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return range(0)
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i].rstrip("\r\n")):
            return range(1, i)
    return range(1, len(lines))


def path_above(lines: Sequence[str], span: range, line: int, column: int, item: bool) -> FieldPath:
    """The path of the node that starts at ``column`` on ``line`` (a list item when ``item``),
    from the keys and list items above it, by indentation."""
    path: list[str | int] = []
    target, in_item = column, item
    for i in range(line - 1, span.start - 1, -1):
        for token in reversed(tokens(lines[i])):
            compact = in_item and token.key is not None and not token.value
            if token.column < target or (token.column == target and compact):
                path.insert(0, token.key if token.key is not None else ITEM)
                target, in_item = token.column, token.key is None
        if target == 0 and not in_item:
            break
    return tuple(path)


def siblings(
    lines: Sequence[str], span: range, line: int, column: int, here: bool
) -> dict[str, str]:
    """The keys (and their values) of the mapping whose keys start at ``column``, around
    ``line`` (which starts that mapping's list item when ``here``)."""
    found: dict[str, str] = {}
    if not here:
        for i in range(line - 1, span.start - 1, -1):
            stop = False
            for token in reversed(tokens(lines[i])):
                if token.column < column:
                    stop = True
                    break
                if token.column == column and token.key is not None:
                    found[token.key] = token.value
            if stop:
                break
    for i in range(line + 1, span.stop):
        line_tokens = tokens(lines[i])
        if not line_tokens:
            continue
        first = line_tokens[0]
        if first.column < column or (first.column == column and first.key is None and here):
            break
        if first.column == column and first.key is not None:
            found[first.key] = first.value
    return found


@dataclass(frozen=True, slots=True)
class Context:
    """What is being written at the cursor."""

    path: FieldPath
    """The mapping whose key is written; for a value, the path of that key."""
    partial: str
    """What is written of the key or value so far."""
    start: int
    """The column where the key or value begins."""
    is_value: bool
    siblings: Mapping[str, str] = field(default_factory=dict)
    space: bool = True
    """For a value: there is a space after the colon."""


_LINE_START = re.compile(r"( *)((?:-(?: +|$))*)")
_VALUE_KEY = re.compile(r"""([A-Za-z_][\w-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:([ \t]*)""")


def context_at(lines: Sequence[str], span: range, line: int, column: int) -> Context | None:
    """What the cursor at ``line``, ``column`` is writing, if a key or a plain value."""
    if line not in span:
        return None
    before = lines[line].rstrip("\r\n")[:column]
    start = _LINE_START.match(before)
    assert start is not None  # the pattern matches any text
    indent, dashes = len(start.group(1)), start.group(2).count("-")
    key_column = start.end()
    rest = before[key_column:]
    above = path_above(lines, span, line, indent, item=dashes > 0)
    path = (*above, *([ITEM] * dashes))
    value = _VALUE_KEY.match(rest)
    if value is not None:
        partial = rest[value.end():]
        if partial[:1] in ("[", "{", "|", ">", "&", "*", "!"):
            return None  # flow collections, block scalars, anchors and tags are left alone
        return Context((*path, unquote(value.group(1))), partial.lstrip("\"'"),
                       key_column + value.end() + (1 if partial[:1] in "\"'" else 0), True,
                       space=bool(value.group(2)))
    if re.fullmatch(r"[\w-]*", rest):
        found = siblings(lines, span, line, key_column, here=dashes > 0)
        return Context(path, rest, key_column, False, found)
    return None


def key_at(
    lines: Sequence[str], span: range, line: int, column: int
) -> tuple[FieldPath, Token, bool] | None:
    """The key whose name (or value) is under the cursor: its path, token, and whether the
    cursor is on the value."""
    if line not in span:
        return None
    line_tokens = tokens(lines[line])
    for token in line_tokens:
        if token.key is None:
            continue
        on_key = token.column <= column <= token.column + len(token.key)
        on_value = bool(token.value) and token.value_column <= column
        if on_key or on_value:
            first = line_tokens[0]
            above = path_above(lines, span, line, first.column, item=first.key is None)
            dashes = sum(1 for t in line_tokens if t.key is None)
            return (*above, *([ITEM] * dashes), token.key), token, not on_key
    return None


def file_kind(lines: Sequence[str], span: range, is_org: bool) -> str | None:
    """``org``, ``objective`` or ``kpi``: the schema of the file."""
    if is_org:
        return "org"
    for i in span:
        for token in tokens(lines[i]):
            if token.column == 0 and token.key == "kind" and token.value in GOAL_KINDS:
                return token.value
    return None


# --- the schemas -------------------------------------------------------------------------------


def _resolve(root: Mapping[str, Any], node: Any) -> Mapping[str, Any] | None:
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        node = root.get("$defs", {}).get(node["$ref"].rsplit("/", 1)[-1])
    return node if isinstance(node, Mapping) else None


def schema_at(name: str, path: FieldPath) -> Mapping[str, Any] | None:
    """The schema of the node at ``path`` in a document of schema ``name``."""
    root = schema_data(name)
    node = _resolve(root, root)
    for part in path:
        if node is None:
            return None
        if isinstance(part, int):
            node = _resolve(root, node.get("items"))
        else:
            node = _resolve(root, node.get("properties", {}).get(part))
    return node


def _condition_holds(condition: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    for key, rule in condition.get("properties", {}).items():
        if key in values:
            if isinstance(rule, Mapping) and "const" in rule and str(rule["const"]) != values[key]:
                return False
        elif key in condition.get("required", ()):
            return False
    return True


def fields_of(
    node: Mapping[str, Any], values: Mapping[str, str]
) -> list[tuple[str, Mapping[str, Any], bool]]:
    """``(name, schema, required)`` of every field a mapping may have, given the fields it has
    (a key result's ``type`` decides which of its fields apply)."""
    required = set(node.get("required", ()))
    refused: set[str] = set()
    for rule in node.get("allOf", ()):
        condition, then = rule.get("if"), rule.get("then")
        if isinstance(condition, Mapping) and isinstance(then, Mapping) and _condition_holds(
            condition, values
        ):
            required |= set(then.get("required", ()))
            refused |= {k for k, v in then.get("properties", {}).items() if v is False}
    return [
        (name, schema, name in required)
        for name, schema in node.get("properties", {}).items()
        if name not in refused and isinstance(schema, Mapping)
    ]


def type_words(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "")
    if kind == "array":
        return "list"
    if kind == "object":
        return "mapping"
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return str(kind)


# --- completion and hover ------------------------------------------------------------------------

Choice = tuple[str, str, str]
"""A value to offer: ``(value, detail, documentation)``."""


def yaml_scalar(value: str) -> str:
    """``value`` as YAML reads it back as that text: ``"2026"``, quoted; ``2026-Q4`` plain."""
    try:
        plain = yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Choices:
    """The ids a value may name, from a goals folder."""

    def __init__(self, folder: Folder | None) -> None:
        self.folder = folder
        org = folder.document(ORG_FILE) if folder else None
        self.org: Mapping[str, Any] = org.data if org else {}

    def _listed(self, name: str) -> Iterator[Mapping[str, Any]]:
        items = self.org.get(name)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                yield item

    def units(self) -> list[Choice]:
        return [(u["id"], str(u.get("name", "")), "") for u in self._listed("units")]

    def periods(self) -> list[Choice]:
        return [(p["id"], f"{p.get('start', '?')} to {p.get('end', '?')}", "")
                for p in self._listed("periods")]

    def kpis(self) -> list[Choice]:
        docs = self.folder.goals("kpi") if self.folder else {}
        return [(g, str(d.data.get("title", "")), d.name) for g, d in docs.items()]

    def objectives(self, partial: str, itself: str | None, krs_only: bool) -> list[Choice]:
        """``obj`` for every objective; ``obj#kr`` for those ``partial`` names (``obj#…``)
        or, when it narrows them to a few, those whose id starts with it."""
        docs = self.folder.goals("objective") if self.folder else {}
        docs.pop(itself or "", None)
        wanted, hashed, _ = partial.partition("#")
        starting = [g for g in docs if g.startswith(wanted)] if wanted else []
        found: list[Choice] = []
        for goal, doc in docs.items():
            title = str(doc.data.get("title", ""))
            if not krs_only and not hashed:
                found.append((goal, title, f"{doc.name}\n\nperiod {doc.data.get('period', '?')}"))
            few = not hashed and goal in starting and len(starting) <= 5
            if (hashed and goal == wanted) or few:
                krs = doc.data.get("key_results")
                for kr_id, kr in zip(key_result_ids(doc), krs if isinstance(krs, list) else (),
                                     strict=False):
                    if kr_id and isinstance(kr, Mapping):
                        found.append((f"{goal}#{kr_id}", str(kr.get("title", "")),
                                      f"key result of {title}"))
        return found

    def values(self, schema_name: str, path: FieldPath, partial: str,
               itself: str | None) -> list[Choice]:
        """The values to offer for the field at ``path``."""
        if schema_name == "org":
            if path == ("units", ITEM, "parent"):
                return self.units()
            if path == ("current_period",):
                return self.periods()
        elif path == ("owner",):
            return self.units()
        elif path == ("period",) and schema_name == "objective":
            return self.periods()
        elif path == ("parent",) and schema_name == "objective":
            return self.objectives(partial, itself, krs_only=False)
        elif path == ("key_results", ITEM, "kpi"):
            return self.kpis()
        elif path == ("key_results", ITEM, "from"):
            return self.objectives(partial, itself, krs_only=True)
        elif path == ("kind",):
            return [(kind, "", "") for kind in GOAL_KINDS]
        schema = schema_at(schema_name, path)
        if schema is None:
            return []
        if "enum" in schema:
            return [(str(v), "", "") for v in schema["enum"]]
        if schema.get("type") == "boolean":
            return [("true", "", ""), ("false", "", "")]
        return []


def complete(lines: Sequence[str], is_org: bool, line: int, column: int,
             folder: Folder | None) -> list[types.CompletionItem]:
    """The completion items at the cursor, with columns in characters (code points)."""
    span = yaml_lines(lines, is_org)
    ctx = context_at(lines, span, line, column)
    if ctx is None:
        return []
    kind = file_kind(lines, span, is_org)

    def edit(text: str, start: int) -> types.TextEdit:
        where = types.Range(types.Position(line, start), types.Position(line, column))
        return types.TextEdit(where, text)

    if ctx.is_value:
        if kind is None and ctx.path != ("kind",):
            return []
        itself = None
        for i in span:
            for token in tokens(lines[i]):
                if token.column == 0 and token.key == "id":
                    itself = token.value
        choices = Choices(folder).values(kind or "objective", ctx.path, ctx.partial, itself)
        lead = "" if ctx.space else " "
        return [
            types.CompletionItem(
                label=value, kind=types.CompletionItemKind.Value, detail=detail or None,
                documentation=docs or None, filter_text=value, sort_text=f"{i:05}",
                text_edit=edit(lead + yaml_scalar(value), ctx.start),
            )
            for i, (value, detail, docs) in enumerate(choices)
        ]
    if kind is None:
        if ctx.path:
            return []
        return [types.CompletionItem(label="kind", kind=types.CompletionItemKind.Property,
                                     detail="objective | kpi", text_edit=edit("kind: ", ctx.start))]
    node = schema_at(kind, ctx.path)
    if node is None or "properties" not in node:
        return []
    items = []
    for i, (name, schema, required) in enumerate(fields_of(node, ctx.siblings)):
        if name in ctx.siblings:
            continue
        detail = type_words(schema) + (" (required)" if required else "")
        description = schema.get("description")
        items.append(types.CompletionItem(
            label=name, kind=types.CompletionItemKind.Property, detail=detail,
            documentation=types.MarkupContent(types.MarkupKind.Markdown, description)
            if isinstance(description, str) else None,
            sort_text=f"{0 if required else 1}{i:03}", filter_text=name,
            text_edit=edit(f"{name}: ", ctx.start),
        ))
    return items


def hover_text(lines: Sequence[str], is_org: bool, line: int, column: int,
               folder: Folder | None) -> tuple[str, int, int] | None:
    """Markdown for the field under the cursor, and the columns of its key."""
    span = yaml_lines(lines, is_org)
    found = key_at(lines, span, line, column)
    kind = file_kind(lines, span, is_org)
    if found is None or kind is None:
        return None
    path, token, _ = found
    schema = schema_at(kind, path)
    if schema is None:
        return None
    assert token.key is not None
    text = f"**{token.key}** — {type_words(schema)}"
    if isinstance(schema.get("description"), str):
        text += "\n\n" + schema["description"]
    named = describe_value(kind, path, token.value, Choices(folder))
    if named:
        text += "\n\n" + named
    return text, token.column, token.column + len(token.key)


def describe_value(kind: str, path: FieldPath, value: str, choices: Choices) -> str | None:
    """What the id ``value`` at ``path`` names, in the folder."""
    if not value:
        return None
    options = choices.values(kind, path, value, None) if path[-1:] != ("kind",) else []
    for choice, detail, _ in options:
        if choice == value and detail:
            return f"`{value}`: {detail}"
    return None


# --- diagnostics ---------------------------------------------------------------------------------


def problem_range(problem: Problem, lines: Sequence[str]) -> tuple[int, int, int]:
    """``(line, start column, end column)`` of a problem (0-based line; columns in characters):
    the key of its field on its line, to the end of the line; the whole first line for a
    problem of the file as a whole."""
    line = max(problem.line - 1, 0)
    text = lines[line].rstrip("\r\n") if line < len(lines) else ""
    end = len(text.rstrip())
    if problem.line == 0:
        return line, 0, end
    name = re.sub(r"\[\d+\]$", "", problem.path).rsplit(".", 1)[-1] if problem.path else ""
    start = len(text) - len(text.lstrip())
    if name and not problem.path.endswith("]"):
        key = re.search(r"(?:^|[\s{,\-])(" + re.escape(name) + r")[\"']?\s*:", text)
        if key is not None:
            start = key.start(1)
    return line, start, max(end, start)


def to_diagnostic(problem: Problem, lines: Sequence[str], codec: PositionCodec) -> types.Diagnostic:
    line, start, end = problem_range(problem, lines)
    where = codec.range_to_client_units(
        lines, types.Range(types.Position(line, start), types.Position(line, end)))
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return types.Diagnostic(range=where, message=message, severity=types.DiagnosticSeverity.Error,
                            source=SOURCE)


# --- the server ----------------------------------------------------------------------------------


def folder_root(path: Path) -> Path | None:
    """The goals folder of ``path``: the nearest folder above it that holds an ``org.yml``."""
    if path.name == ORG_FILE:
        return path.parent
    for folder in path.parents:
        if (folder / ORG_FILE).is_file():
            return folder
    return None


class GoalsServer:
    """The language server's state and handlers; :attr:`server` is the pygls server."""

    def __init__(self, debounce: float = DEBOUNCE, idle_check: float = IDLE_CHECK) -> None:
        self.server = LanguageServer(
            SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.idle_check = idle_check
        self.workspace_root: Path | None = None
        self.folders: dict[Path, Folder] = {}
        self._loading: dict[Path, asyncio.Future[Folder]] = {}
        self._pending: dict[Path, set[str]] = {}
        self._timers: dict[Path, asyncio.TimerHandle] = {}
        self._idle: dict[Path, asyncio.TimerHandle] = {}
        self._published: dict[str, tuple[Problem, ...]] = {}
        self._uris: dict[Path, str] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._checking: dict[Path, bool] = {}
        """The folders being checked whole; True: check again when done."""
        self.checked: list[tuple[Path, float]] = []
        """How long each fast check took (seconds), newest last (the benchmark reads it)."""
        self._register()

    def _register(self) -> None:
        def feature(name: str, method: Callable[[Any], Any], options: Any = None) -> None:
            handler: Callable[[Any], Any]
            if asyncio.iscoroutinefunction(method):
                async def handler(params: Any) -> Any:
                    return await method(params)
            else:
                def handler(params: Any) -> Any:
                    return method(params)
            self.server.feature(name, options)(handler)  # pygls marks the function it gets

        feature(types.INITIALIZE, self.initialize)
        feature(types.INITIALIZED, self.initialized)
        feature(types.TEXT_DOCUMENT_DID_OPEN, self.did_open)
        feature(types.TEXT_DOCUMENT_DID_CHANGE, self.did_change)
        feature(types.TEXT_DOCUMENT_DID_CLOSE, self.did_close)
        feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.did_change_watched_files)
        feature(types.TEXT_DOCUMENT_COMPLETION, self.completion,
                types.CompletionOptions(trigger_characters=[":", " ", "#", "-"]))
        feature(types.TEXT_DOCUMENT_HOVER, self.hover)

    # -- life cycle ---------------------------------------------------------------------

    def initialize(self, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, Mapping):
            if isinstance(options.get("debounce"), (int, float)):
                self.debounce = max(0.0, options["debounce"] / 1000)
            if isinstance(options.get("idleCheck"), (int, float)):
                self.idle_check = max(0.0, options["idleCheck"] / 1000)
        uri = params.root_uri
        if uri is None and params.workspace_folders:
            uri = params.workspace_folders[0].uri
        path = to_fs_path(uri) if uri is not None else params.root_path
        self.workspace_root = Path(path) if path else None

    async def initialized(self, params: types.InitializedParams) -> None:
        caps = self.server.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch is not None and watch.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                types.FileSystemWatcher(glob_pattern=pattern)
                for pattern in ("**/*.md", f"**/{ORG_FILE}", "**/*.csv")
            ])
            await self.server.client_register_capability_async(types.RegistrationParams(
                registrations=[types.Registration(
                    id="okrsite-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=options)]))
        if self.workspace_root is not None and (self.workspace_root / "goals" / ORG_FILE).is_file():
            await self.folder(self.workspace_root / "goals")

    def prefix_for(self, root: Path) -> str:
        base = self.workspace_root
        if base is not None:
            try:
                rel = root.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                return root.resolve().as_posix()
            return rel if rel != "." else ""
        return display_prefix(root)

    async def folder(self, root: Path) -> Folder:
        """The goals folder at ``root``, read once (in a worker thread), then checked whole."""
        if root in self.folders:
            return self.folders[root]
        if root not in self._loading:
            loop = asyncio.get_running_loop()
            prefix = self.prefix_for(root)
            self._loading[root] = loop.run_in_executor(None, Folder.load, root, prefix)
        folder = await self._loading[root]
        if root not in self.folders:
            self.folders[root] = folder
            for path, uri in self._uris.items():
                rel = folder.rel_of(path)
                document = self.server.workspace.text_documents.get(uri)
                if rel is not None and document is not None:
                    folder.update(rel, document.source.encode("utf-8"))
            await self.check_all(folder)
        return self.folders[root]

    async def locate(self, uri: str) -> tuple[Folder, str] | None:
        path_text = to_fs_path(uri)
        if path_text is None:
            return None
        path = Path(path_text)
        root = folder_root(path)
        if root is None:
            return None
        folder = await self.folder(root)
        rel = folder.rel_of(path)
        return (folder, rel) if rel is not None else None

    def loaded(self, uri: str) -> tuple[Folder, str] | None:
        path_text = to_fs_path(uri)
        if path_text is None:
            return None
        root = folder_root(Path(path_text))
        folder = self.folders.get(root) if root else None
        rel = folder.rel_of(Path(path_text)) if folder else None
        return (folder, rel) if folder is not None and rel is not None else None

    # -- documents ----------------------------------------------------------------------

    def buffer(self, folder: Folder, rel: str) -> bytes | None:
        uri = self._uris.get(folder.path_of(rel).resolve())
        document = self.server.workspace.text_documents.get(uri) if uri else None
        if document is not None:
            text: str = document.source
            return text.encode("utf-8")
        return folder.read_disk(rel)

    async def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        path_text = to_fs_path(params.text_document.uri)
        if path_text is not None:
            self._uris[Path(path_text).resolve()] = params.text_document.uri
        found = await self.locate(params.text_document.uri)
        if found is not None:
            self.changed(*found, delay=0)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        found = self.loaded(params.text_document.uri)
        if found is not None:
            self.changed(*found)
        else:
            self._spawn(self.did_open_later(params.text_document.uri))

    async def did_open_later(self, uri: str) -> None:
        found = await self.locate(uri)
        if found is not None:
            self.changed(*found)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        path_text = to_fs_path(params.text_document.uri)
        if path_text is not None:
            self._uris.pop(Path(path_text).resolve(), None)
        found = self.loaded(params.text_document.uri)
        if found is not None:
            self.changed(*found, delay=0)  # back to the file on disk

    def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            found = self.loaded(change.uri)
            if found is not None:
                self.changed(*found, delay=0)

    def changed(self, folder: Folder, rel: str, delay: float | None = None) -> None:
        """Check ``rel`` again after ``delay`` seconds (default :attr:`debounce`) without a
        further change in its folder."""
        root = folder.root
        self._pending.setdefault(root, set()).add(rel)
        if root in self._timers:
            self._timers.pop(root).cancel()
        if root in self._idle:
            self._idle.pop(root).cancel()
        loop = asyncio.get_running_loop()
        wait = self.debounce if delay is None else delay
        self._timers[root] = loop.call_later(wait, self.flush, folder)

    def flush(self, folder: Folder) -> None:
        """Read the changed files into ``folder``, check what they affect, publish."""
        self._timers.pop(folder.root, None)
        begun = time.perf_counter()
        changed = sorted(self._pending.pop(folder.root, set()))
        affected: set[str] | None = set()
        for rel in changed:
            found = folder.update(rel, self.buffer(folder, rel))
            affected = None if found is None or affected is None else affected | found
        if affected is None or folder.too_many(affected):
            self.publish(folder, folder.problems(changed))
            self._spawn(self.check_all(folder))
        else:
            self.publish(folder, folder.problems(affected))
            if self.idle_check:
                loop = asyncio.get_running_loop()
                self._idle[folder.root] = loop.call_later(
                    self.idle_check, lambda: self._spawn(self.check_all(folder)))
        self.checked.append((folder.root, time.perf_counter() - begun))
        del self.checked[:-100]

    async def check_all(self, folder: Folder) -> None:
        """Check the whole folder in a worker thread; publish unless it changed meanwhile (then
        check it again). One such check runs at a time per folder."""
        if folder.root in self._checking:
            self._checking[folder.root] = True  # again, once this one is done
            return
        self._checking[folder.root] = False
        try:
            while True:
                generation, run = folder.generation, folder.snapshot()
                found = await asyncio.get_running_loop().run_in_executor(None, run)
                if folder.generation == generation:
                    self.publish(folder, found)
                if not self._checking[folder.root]:
                    return  # (a later change asked for no whole check: its own was enough)
                self._checking[folder.root] = False
        finally:
            del self._checking[folder.root]

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def publish(self, folder: Folder, found: Mapping[str, list[Problem]]) -> None:
        codec = self.server.workspace.position_codec
        for rel, problems in found.items():
            path = folder.path_of(rel).resolve()
            uri = self._uris.get(path) or from_fs_path(str(path))
            if uri is None or self._published.get(uri, ()) == tuple(problems):
                continue
            self._published[uri] = tuple(problems)
            document = self.server.workspace.text_documents.get(uri)
            if document is not None:
                lines = document.lines
            else:
                lines = (folder.content(rel) or b"").decode("utf-8", "replace").splitlines(True)
            diagnostics = [to_diagnostic(p, lines, codec) for p in problems]
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics,
                version=document.version if document is not None else None))

    # -- completion and hover -------------------------------------------------------------

    def _text(self, uri: str) -> tuple[Sequence[str], bool, PositionCodec] | None:
        document = self.server.workspace.text_documents.get(uri)
        path_text = to_fs_path(uri)
        if document is None or path_text is None or path_text.endswith(".csv"):
            return None
        codec = self.server.workspace.position_codec
        return document.lines, Path(path_text).name == ORG_FILE, codec

    async def completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        text = self._text(params.text_document.uri)
        if text is None:
            return None
        lines, is_org, codec = text
        found = await self.locate(params.text_document.uri)
        if found is None:
            return None  # not a file of a goals folder
        where = codec.position_from_client_units(lines, params.position)
        items = complete(lines, is_org, where.line, where.character, found[0])
        for item in items:
            if isinstance(item.text_edit, types.TextEdit):
                item.text_edit.range = codec.range_to_client_units(lines, item.text_edit.range)
        return types.CompletionList(is_incomplete=False, items=items)

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        text = self._text(params.text_document.uri)
        if text is None:
            return None
        lines, is_org, codec = text
        found = await self.locate(params.text_document.uri)
        if found is None:
            return None
        where = codec.position_from_client_units(lines, params.position)
        shown = hover_text(lines, is_org, where.line, where.character, found[0])
        if shown is None:
            return None
        markdown, start, end = shown
        key = types.Range(types.Position(where.line, start), types.Position(where.line, end))
        return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, markdown),
                           range=codec.range_to_client_units(lines, key))


def start(debounce: float = DEBOUNCE) -> None:
    """Serve the Language Server Protocol on stdin and stdout until the client exits."""
    GoalsServer(debounce).server.start_io()


__all__ = [
    "DEBOUNCE",
    "Folder",
    "GoalsServer",
    "check_files",
    "complete",
    "context_at",
    "folder_root",
    "hover_text",
    "problem_range",
    "start",
]
