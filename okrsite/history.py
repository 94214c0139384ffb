"""What git says about each goal: the last commit that changed it, and moved goalposts.

:func:`history` finds, for the goals folder in the working tree, the last commit that changed
each key result, objective file and KPI file, and the last commit that moved a key result's
``start`` or ``target``, in ONE pass over ``git log -p -U0`` (plus one ``git diff HEAD`` for
uncommitted edits).

How a hunk is attributed to a key result (the idea of ``git blame``, for spans instead of
lines): each key result occupies a span of lines of its file, read from the loader's line marks
(:attr:`okrsite.load.Document.lines`): from its list item to the line before the next line mark
that is not its own, so the comments and blank lines that follow it are its too. The log is
read newest first; the first commit whose hunks touch a span is the last one that changed that
key result, and the span is settled. A span no hunk touches is shifted into the older file's
line numbers and followed further back; so are spans touched by edits that do not count
(uncommitted ones, and commits after the as-of date), mapped to the lines they replaced. A
``start:`` or ``target:`` line is followed the same way, and a hunk that replaces it with a
different value moved the goalpost. Commits are those of the first-parent chain (what landed on
the branch), dated by their author date, and followed across renames; in a shallow clone the
history stops at the shallow boundary, whose commit would seem to have written every file.

Two questions need the OLDER file, not just the hunk: whether lines deleted right after a key
result's last line were its own, and which older ``start:``/``target:`` line a rewritten one
replaced (and with which value). For those, and only those, the file versions a diff joins are
read from git objects (:class:`okrsite.git.Blobs`, by the blob ids of the diff's ``index``
line) and parsed with the loader like any goal file (:class:`Versions`). A version the loader
refuses (it had errors in that commit) answers conservatively: a deletion next to a key result
counts as changing it, and a rewritten ``start``/``target`` line is not followed further back
(it is never reported as a moved goalpost).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Literal

from . import git
from .git import Blobs, Commit, FileDiff, Hunk, Repo, find_repo
from .load import Document, Source, parse_goal
from .model import Change, Goals, History, KrKey, Objective

FIELDS = ("start", "target")
"""The key-result fields whose changes move a goalpost."""

# --- spans: lines of one file version, from the loader's line marks -------------------------


@dataclass(slots=True)
class Span:
    """Lines of one file version, followed back through history; ``key`` says whose they are."""

    key: tuple[str, ...]
    """``("kr", objective, kr)``, ``("objective"|"kpi", id)`` (the whole file) or
    ``("start"|"target", objective, kr)`` (that one line)."""
    first: int
    last: int


def front_matter_end(doc: Document) -> int:
    """The last line of a goal file's front matter (the line before its closing ``---``)."""
    return doc.body_line - 2


def line_count(doc: Document) -> int:
    """How many lines the file has (as ``text.split("\\n")`` counts them)."""
    return doc.body_line + doc.body.count("\n")


def kr_spans(doc: Document) -> dict[int, tuple[int, int]]:
    """``position -> (first, last)`` line of each key result of an objective's document: from
    its item's line to the line before the next line mark that is not its own, or to the end of
    the front matter."""
    own_last: dict[int, int] = {}
    for path, line in doc.lines.items():
        if len(path) >= 2 and path[0] == "key_results" and isinstance(path[1], int):
            own_last[path[1]] = max(own_last.get(path[1], line), line)
    marks = sorted(set(doc.lines.values()))
    end = front_matter_end(doc)
    spans: dict[int, tuple[int, int]] = {}
    for position, last_own in own_last.items():
        first = doc.lines.get(("key_results", position))
        if first is None:
            continue
        after = bisect_right(marks, last_own)
        following = marks[after] if after < len(marks) else end + 1
        spans[position] = (first, max(first, min(following - 1, end)))
    return spans


def kr_at(doc: Document, line: int) -> int | None:
    """The position of the key result whose span holds ``line``; ``None``: no key result's."""
    return next((p for p, (a, b) in kr_spans(doc).items() if a <= line <= b), None)


def field_lines(doc: Document, name: str, first: int, last: int) -> list[tuple[int, Any]]:
    """The key results' ``name`` fields (``start`` or ``target``) written on lines ``first`` to
    ``last``: ``(line, value)``, in line order."""
    items = doc.data.get("key_results")
    found: list[tuple[int, Any]] = []
    for position, item in enumerate(items if isinstance(items, list) else ()):
        line = doc.lines.get(("key_results", position, name))
        if line is not None and first <= line <= last and isinstance(item, dict):
            found.append((line, item.get(name)))
    return sorted(found, key=lambda pair: pair[0])


def same_value(a: Any, b: Any) -> bool:
    """``10`` and ``10.0`` are the same value (``True`` and ``1`` are not)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def objective_spans(objective: Objective, doc: Document) -> list[Span]:
    """The whole file, the span of each key result, and each metric's start/target line."""
    spans = [Span(("objective", objective.id), 1, line_count(doc))]
    ranges = kr_spans(doc)
    for position, kr in enumerate(objective.key_results):
        if position not in ranges:
            continue
        first, last = ranges[position]
        spans.append(Span(("kr", objective.id, kr.id), first, last))
        if kr.type == "metric":
            for name in FIELDS:
                line = doc.lines.get(("key_results", position, name))
                if line is not None:
                    spans.append(Span((name, objective.id, kr.id), line, line))
    return spans


# --- the file versions a diff joins, and what it did to a span ----------------------------


@dataclass
class Versions:
    """The goal-file versions a walk looks into, read by blob id and parsed by the loader when
    first asked for (most walks never ask)."""

    read: Callable[[str], bytes | None]
    """A blob's content; ``None`` when there is no such blob."""
    parsed: dict[str, Document | None] = field(default_factory=dict)
    """Blob id -> the document (``None``: the loader refused it, or no such blob)."""

    def seed(self, blob: str | None, doc: Document) -> None:
        """Know ``blob`` as ``doc`` without reading it (the working tree's files, whose blob ids
        ``git diff HEAD`` prints but which are not in the repository)."""
        if blob:
            self.parsed[blob] = doc

    def document(self, blob: str | None, path: str) -> Document | None:
        """The version ``blob`` of the goal file ``path`` as the loader reads it."""
        if not blob or not blob.strip("0"):  # none, or all zeros: the file does not exist
            return None
        if blob not in self.parsed:
            content = self.read(blob)
            doc = None if content is None else parse_goal(Source(path, path, content))[0]
            self.parsed[blob] = doc
        return self.parsed[blob]

    def before(self, diff: FileDiff) -> Document | None:
        """The file as it was before ``diff``."""
        return self.document(diff.old_blob, diff.old or "")

    def after(self, diff: FileDiff) -> Document | None:
        """The file as ``diff`` left it."""
        return self.document(diff.new_blob, diff.new or "")


Outcome = Literal["changed", "moved", "added"]
"""What a diff did to a span: changed its lines, moved a start/target value, or added the
start/target line (or replaced it in a version that cannot be read: it is not followed)."""


def touches(span: Span, hunk: Hunk, before: Callable[[], Document | None]) -> bool:
    """Did the hunk change lines of this key result's span? ``before``: the older file."""
    if hunk.new_count:
        return hunk.new_start <= span.last and hunk.new_end >= span.first
    # A pure deletion after line new_start: inside the span, or right after its last line,
    # where the lines it deleted were this key result's if the older file says so.
    if span.first <= hunk.new_start < span.last:
        return True
    if hunk.new_start != span.last:
        return False
    old = before()
    if old is None:
        return True
    here = kr_at(old, hunk.old_start - 1)
    return here is not None and here == kr_at(old, hunk.old_start)


def old_field_line(span: Span, hunk: Hunk, diff: FileDiff, versions: Versions
                   ) -> tuple[int, bool] | None:
    """A start/target line the hunk rewrote: ``(its old line, whether the value changed)``,
    pairing the n-th such line on each side; ``None`` when the old side has none (added) or a
    side cannot be read."""
    if not hunk.old_count:
        return None
    new, old = versions.after(diff), versions.before(diff)
    if new is None or old is None:
        return None
    name = span.key[0]
    news = field_lines(new, name, hunk.new_start, hunk.new_end)
    rank = next((i for i, (line, _) in enumerate(news) if line == span.first), None)
    olds = field_lines(old, name, hunk.old_start, hunk.old_end)
    if rank is None or rank >= len(olds):
        return None
    line, value = olds[rank]
    return line, not same_value(value, news[rank][1])


def covering(hunks: list[Hunk], line: int) -> Hunk | None:
    return next((hunk for hunk in hunks if hunk.covers(line)), None)


def step(span: Span, diff: FileDiff, versions: Versions) -> Outcome | None:
    """What one file diff did to ``span``: ``changed``, ``moved`` or ``added`` (see
    :data:`Outcome`); ``None``: nothing that counts."""
    kind, hunks = span.key[0], diff.hunks
    if kind in ("objective", "kpi"):
        return "changed" if hunks else None
    if kind == "kr":
        before = partial(versions.before, diff)  # read only when a deletion needs it
        return "changed" if any(touches(span, hunk, before) for hunk in hunks) else None
    hunk = covering(hunks, span.first)
    if hunk is None:
        return None
    found = old_field_line(span, hunk, diff, versions)
    return "added" if found is None else "moved" if found[1] else None


def old_line(line: int, hunks: list[Hunk], *, last: bool) -> int:
    """Where a line of the new file was in the old one. A line the diff rewrote maps to the
    first (``last``: the last) line it replaced; an inserted line, beside the insertion."""
    shift = 0
    for hunk in hunks:
        if hunk.covers(line):
            if hunk.old_count:
                return hunk.old_start + (hunk.old_count - 1 if last else 0)
            return hunk.old_start + (0 if last else 1)
        if hunk.new_end < line:
            shift += hunk.old_count - hunk.new_count
    return line + shift


def carry(span: Span, diff: FileDiff, versions: Versions) -> bool:
    """Move ``span`` to its lines in the old file; ``False`` when none of them existed."""
    hunks = diff.hunks
    hunk = covering(hunks, span.first) if span.key[0] in FIELDS else None
    if hunk is not None:
        found = old_field_line(span, hunk, diff, versions)
        if found is None:
            return False
        span.first = span.last = found[0]
        return True
    span.first = old_line(span.first, hunks, last=False)
    span.last = old_line(span.last, hunks, last=True)
    return span.first <= span.last


# --- the walk ---------------------------------------------------------------------------------


@dataclass
class WorkingFile:
    """An objective's file in the working tree, parsed only when a diff needs its lines: a file
    whose newest diff is the one that created it was written whole by that commit, so its
    lines are never looked at (and most files of a big organisation are such files)."""

    objective: Objective
    path: Path
    given: Document | None = None
    """Its document as loaded, if the caller has it (else the file is parsed again)."""

    @cached_property
    def document(self) -> Document | None:
        """``None``: the file cannot be read again."""
        if self.given is not None:
            return self.given
        try:
            content = self.path.read_bytes()
        except OSError:
            return None
        return parse_goal(Source(self.objective.rel, self.objective.source, content))[0]

    def spans(self) -> list[Span]:
        doc = self.document
        return objective_spans(self.objective, doc) if doc is not None else []

    def created(self) -> list[tuple[str, ...]]:
        """What a commit that creates the file changes: the file and each key result."""
        goal = self.objective
        return [("objective", goal.id), *(("kr", goal.id, kr.id) for kr in goal.key_results)]


Followed = list[Span] | WorkingFile


@dataclass
class Walk:
    """Spans of the working tree's goal files, followed back commit by commit."""

    files: dict[str, Followed]
    """Repository path -> the spans still followed in it (in that commit's line numbers)."""
    versions: Versions
    until: date | None = None
    """Commits after this date are followed through but do not count."""
    settled: dict[tuple[str, ...], tuple[Outcome, Change]] = field(default_factory=dict)
    """What happened to each span, newest first."""

    def commit(self, diffs: list[FileDiff], change: Change | None) -> None:
        """Take every followed span through one commit's file diffs. Uncommitted edits
        (``change`` is ``None``) and commits after :attr:`until` are followed through only."""
        counted = change if change and (self.until is None or change.date <= self.until) else None
        renamed: list[tuple[str, list[Span]]] = []
        for diff in diffs:
            path = diff.new if diff.new is not None else diff.old
            followed = self.files.pop(path, None) if path is not None else None
            if followed is None or diff.new is None:
                continue  # not followed; or deleted, which a followed file cannot be
            if isinstance(followed, WorkingFile):
                if diff.old is None:  # created: each of its lines is new
                    if counted is not None and diff.hunks:
                        self.settled.update((key, ("changed", counted))
                                            for key in followed.created())
                    continue
                followed = followed.spans()
            alive = []
            for span in followed:
                outcome = step(span, diff, self.versions)
                if outcome is not None and counted is not None:
                    # newest first: the first commit settles it (a KPI's CSV and file share it)
                    self.settled.setdefault(span.key, (outcome, counted))
                elif carry(span, diff, self.versions):
                    alive.append(span)
            if alive and diff.old is not None:
                renamed.append((diff.old, alive))
        self.files.update(renamed)

    def run(self, events: Iterable[Commit | FileDiff], shallow: frozenset[str]) -> None:
        """Walk commits newest first until no span is followed any more."""
        change: Change | None = None
        diffs: list[FileDiff] = []
        for event in events:
            if isinstance(event, FileDiff):
                diffs.append(event)
                continue
            self.commit(diffs, change)
            diffs = []
            if not self.files or event.sha in shallow:
                return
            change = Change(event.date, event.sha, event.short)
        self.commit(diffs, change)


def follow_uncommitted(repo: Repo, walk: Walk, pathspec: str) -> bool:
    """Follow the spans through uncommitted edits (``git diff HEAD``); ``False``: no HEAD."""
    events = git.uncommitted(repo, pathspec, walk.files.__contains__)
    if events is None:
        return False
    for event in events:  # the working tree's versions, by the blob ids git gives them
        if isinstance(event, FileDiff):
            followed = walk.files.get(event.new or "")
            if isinstance(followed, WorkingFile) and followed.document is not None:
                walk.versions.seed(event.new_blob, followed.document)
    walk.run(events, frozenset())
    return True


def follow_log(repo: Repo, walk: Walk, pathspec: str, start: str = "HEAD") -> None:
    """Walk the first-parent history of ``pathspec`` from ``start`` in one ``git log``
    process."""
    with git.first_parent_log(repo, pathspec, walk.files.__contains__, start) as events:
        walk.run(events, repo.shallow)


def working_files(goals_dir: Path, goals: Goals, prefix: str, documents: Iterable[Document]
                  ) -> dict[str, Followed]:
    """What to follow, per repository path: each objective's file (its document from
    ``documents`` when there, else read again when needed), each KPI's file and CSV."""
    given = {doc.rel: doc for doc in documents}
    files: dict[str, Followed] = {
        prefix + goal.rel: WorkingFile(goal, goals_dir / goal.rel, given.get(goal.rel))
        for goal in goals.objectives
    }
    for kpi in goals.kpis:  # a KPI changes with its file and with its CSV of values
        for rel in (kpi.rel, kpi.values_file):
            if rel is not None:
                files[prefix + rel] = [Span(("kpi", kpi.id), 1, 1)]
    return files


def history(goals_dir: Path, goals: Goals, as_of: date | None = None, *,
            documents: Iterable[Document] = (), revision: str | None = None) -> History:
    """Who changed what, when, for the goals read from ``goals_dir`` in the working tree, or
    at git ``revision`` (then ``documents`` must be its goal files, as loaded from git).

    Only commits up to ``as_of`` count (later ones, and uncommitted edits, are followed through
    to the lines as they were); a revision's history is its own first-parent chain, without the
    working tree's edits. ``documents``: the goal files as loaded, which saves parsing the
    objective files again. An empty :class:`~okrsite.model.History` when the folder is not in
    a git repository (or git is missing).
    """
    repo = find_repo(goals_dir)
    try:
        goals_path = repo.path_of(goals_dir) if repo is not None else None
    except ValueError:  # reached through a symbolic link from outside the repository
        goals_path = None
    if repo is None or goals_path is None:
        return History()
    prefix = f"{goals_path}/" if goals_path else ""
    files = working_files(goals_dir, goals, prefix, documents)
    with Blobs(repo) as blobs:
        walk = Walk(files, Versions(blobs.read), as_of)
        if revision is not None:
            follow_log(repo, walk, goals_path or ".", git.resolve(repo, revision).sha)
        elif follow_uncommitted(repo, walk, goals_path or "."):
            follow_log(repo, walk, goals_path or ".")
    return collect(walk.settled, goals)


def collect(settled: Mapping[tuple[str, ...], tuple[Outcome, Change]], goals: Goals) -> History:
    """Sort what the walk settled (newest first) into a :class:`~okrsite.model.History`."""
    key_results: dict[KrKey, Change] = {}
    files: dict[str, dict[str, Change]] = {"objective": {}, "kpi": {}}
    moved: dict[KrKey, Change] = {}
    for key, (outcome, change) in settled.items():
        if key[0] == "kr":
            key_results[(key[1], key[2])] = change
        elif key[0] in files:
            files[key[0]][key[1]] = change
        elif outcome == "moved":
            moved.setdefault((key[1], key[2]), change)
    periods = goals.org.period_by_id
    return History(key_results, files["objective"], files["kpi"], {
        key: change for key, change in moved.items()
        if change.date > periods[goals.objective_by_id[key[0]].period].start
    })
