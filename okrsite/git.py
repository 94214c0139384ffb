"""The only module that runs git: goals read from revisions, and who changed what, when.

* :func:`read_revision` reads a goals folder at a revision straight from git objects: one
  ``git ls-tree -r -z`` and one ``git cat-file --batch`` process, no checkout, no clone.
* :func:`history` finds, for the goals folder in the working tree, the last commit that changed
  each key result, objective file and KPI file, and the last commit that moved a key result's
  ``start`` or ``target``, in ONE pass over ``git log -p -U0`` (plus one ``git diff HEAD`` for
  uncommitted edits).

How a hunk is attributed to a key result (the idea of ``git blame``, for spans instead of
lines): each key result occupies a span of lines of its file in the working tree (from its
list item to the line before the next item or the next less-indented line). The log is read
newest first; the first commit whose hunks touch a span is the last one that changed that key
result, and the span is settled. A span no hunk touches is shifted into the older file's line
numbers and followed further back; so are spans touched by edits that do not count (uncommitted
ones, and commits after the as-of date), mapped to the lines they replaced. A ``start:`` or
``target:`` line is followed the same way, and a hunk that replaces it with a different value
moved the goalpost. Commits are those of the first-parent chain (what landed on the branch),
dated by their author date, and followed across renames; in a shallow clone the history stops
at the shallow boundary, whose commit would seem to have written every file.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from .errors import GitError
from .load import ORG_FILE, Source, display_name, is_ignored, read_goals_dir
from .model import Goals, Objective

GIT = "git"
SAFE_CONFIG = ("-c", "core.quotePath=false", "-c", "log.showSignature=false")
"""Settings that keep git's output machine-readable whatever the user's configuration."""


# --- running git --------------------------------------------------------------------------


def run(args: Iterable[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    """Run one git command and return its output; :class:`GitError` with git's message."""
    command = [GIT, *SAFE_CONFIG, *args]
    try:
        done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {next(iter(args))}: {message[-1] if message else 'failed'}")
    return done.stdout


@dataclass(frozen=True, slots=True)
class Repo:
    """A git working tree."""

    root: Path
    """The top folder of the working tree."""
    shallow: frozenset[str] = frozenset()
    """In a shallow clone, the boundary commits (their parents are missing)."""

    def path_of(self, path: Path) -> str:
        """``path`` relative to the root, with ``/`` (``""`` for the root itself)."""
        rel = path.resolve().relative_to(self.root).as_posix()
        return "" if rel == "." else rel


def find_repo(path: Path) -> Repo | None:
    """The git working tree holding ``path`` (or its nearest existing parent); ``None``: none."""
    folder = path.resolve()
    while not folder.is_dir():
        folder = folder.parent
    try:
        out = run(["rev-parse", "--show-toplevel", "--git-path", "shallow"], folder)
    except GitError:
        return None
    top, shallow_file = out.decode("utf-8").splitlines()[:2]
    try:
        shallow = frozenset((folder / shallow_file).read_text("ascii").split())
    except OSError:
        shallow = frozenset()
    return Repo(Path(top).resolve(), shallow)


def goals_path(repo: Repo, goals_dir: Path) -> str:
    """The goals folder (relative to the repository root, or absolute) as a path inside it."""
    try:
        return repo.path_of(repo.root / goals_dir)
    except ValueError:
        raise GitError(f"{goals_dir} is not inside the repository {repo.root}") from None


def repo_at(path: Path) -> Repo:
    """Like :func:`find_repo`, but a folder outside any repository is an error."""
    repo = find_repo(path)
    if repo is None:
        raise GitError(f"{path} is not in a git repository")
    return repo


def init_repo(path: Path) -> Repo:
    """``git init`` a new repository at ``path``."""
    run(["init", "--quiet", str(path.resolve())], path.resolve().parent)
    return Repo(path.resolve())


def head(repo: Repo) -> str | None:
    """The commit checked out; ``None`` in a repository with no commit yet."""
    try:
        return run(["rev-parse", "--verify", "--quiet", "HEAD"], repo.root).decode().strip()
    except GitError:
        return None


def dirty(repo: Repo, path: Path) -> bool:
    """True when ``path`` has uncommitted changes (untracked files included)."""
    return bool(run(["status", "--porcelain", "--", repo.path_of(path) or "."], repo.root))


# --- reading a goals folder at a revision -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Revision:
    """A commit as the user named it."""

    name: str
    """As given: ``main``, ``HEAD~1``, a tag."""
    sha: str
    short: str


def describe(rev: Revision | None) -> dict[str, str | None]:
    """A revision for JSON output; ``None`` (all fields) is the working tree."""
    if rev is None:
        return {"rev": None, "sha": None, "short": None}
    return {"rev": rev.name, "sha": rev.sha, "short": rev.short}


def resolve(repo: Repo, name: str) -> Revision:
    """The commit ``name`` points to; :class:`GitError` when there is none."""
    try:
        out = run(["show", "-s", "--format=%H %h", "--end-of-options", f"{name}^{{commit}}"],
                  repo.root)
    except GitError as exc:
        raise GitError(f"unknown revision {name!r}") from exc
    sha, short = out.decode("ascii").split()
    return Revision(name, sha, short)


def goal_order(rel: str) -> tuple[int, list[tuple[int, str]]]:
    """The order :func:`okrsite.load.iter_goal_paths` reads files in: org.yml first, then
    folder by folder, a folder's files before its sub-folders, each sorted by name."""
    *folders, name = rel.split("/")
    return (0 if rel == ORG_FILE else 1, [(1, f) for f in folders] + [(0, name)])


def is_goal_path(rel: str) -> bool:
    """True for ``org.yml`` and the ``.md`` files the loader reads (none ignored on the way)."""
    if rel == ORG_FILE:
        return True
    return rel.endswith(".md") and not any(is_ignored(part) for part in rel.split("/"))


def read_revision(repo: Repo, rev: Revision, goals_path: str, prefix: str) -> list[Source] | None:
    """Every goal file of ``goals_path`` at ``rev``, read from git objects.

    ``goals_path`` is relative to the repository root (``""`` for the root); ``prefix`` is how
    the folder is named in errors. ``None`` when the folder does not exist at ``rev``.
    """
    tree = f"{rev.sha}:{goals_path}" if goals_path else f"{rev.sha}^{{tree}}"
    try:
        listing = run(["ls-tree", "-r", "-z", "--end-of-options", tree], repo.root)
    except GitError:
        return None
    blobs: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split()
        rel = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode != "120000" and is_goal_path(rel):
            blobs[rel] = sha
    rels = sorted(blobs, key=goal_order)
    contents = cat_blobs(repo, [blobs[rel] for rel in rels])
    return [
        Source(rel, display_name(prefix, rel), content)
        for rel, content in zip(rels, contents, strict=True)
    ]


def read_side(repo: Repo, rev: Revision | None, goals_path: str) -> list[Source] | None:
    """The goal files at ``rev``, or in the working tree when ``rev`` is ``None``; ``None``
    when there is no goals folder there. Errors name files ``<goals_path>/<file>``."""
    if rev is not None:
        return read_revision(repo, rev, goals_path, goals_path)
    folder = repo.root / goals_path
    return read_goals_dir(folder, goals_path) if folder.is_dir() else None


def cat_blobs(repo: Repo, shas: list[str]) -> list[bytes]:
    """The contents of many blobs from one ``git cat-file --batch`` process."""
    if not shas:
        return []
    out = run(["cat-file", "--batch"], repo.root, stdin="".join(f"{s}\n" for s in shas).encode())
    contents: list[bytes] = []
    at = 0
    for sha in shas:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"git cat-file: cannot read object {sha}")
        size = int(header[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        at = start + size + 1
    return contents


# --- history: the data ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """A commit that changed something."""

    date: date
    """The commit's author date."""
    sha: str
    short: str


KrKey = tuple[str, str]
"""(objective id, key-result id)."""


@dataclass(frozen=True)
class History:
    """What git knows about the goals of a working tree (empty outside a repository)."""

    key_results: Mapping[KrKey, Change] = field(default_factory=dict)
    """The last commit that changed each key result's lines."""
    objectives: Mapping[str, Change] = field(default_factory=dict)
    """The last commit that changed each objective's file (front matter or body)."""
    kpis: Mapping[str, Change] = field(default_factory=dict)
    """The last commit that changed each KPI's file."""
    target_moved: Mapping[KrKey, Change] = field(default_factory=dict)
    """Moved goalposts: the last commit that changed a key result's ``start`` or ``target``
    value, when that was after the first day of the objective's period."""

    @property
    def dates(self) -> dict[KrKey, date]:
        """``score_goals``' ``git_dates``: the date each key result last changed."""
        return {key: change.date for key, change in self.key_results.items()}


# --- history: spans of lines followed back through diffs -----------------------------------


@dataclass(slots=True)
class Span:
    """Lines of one file version, followed back through history; ``key`` says whose they are."""

    key: tuple[str, ...]
    """``("kr", objective, kr)``, ``("objective"|"kpi", id)`` (the whole file) or
    ``("start"|"target", objective, kr)`` (that one line)."""
    first: int
    last: int
    indent: int = 0
    """Key results: the column of the item's ``-``."""


@dataclass(slots=True)
class Hunk:
    """One ``@@ -old_start,old_count +new_start,new_count @@`` hunk of a ``-U0`` diff."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    old: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)

    @property
    def new_end(self) -> int:
        """The last new line the hunk covers (for a pure deletion: the line before it)."""
        return self.new_start + max(self.new_count, 1) - 1

    def covers(self, line: int) -> bool:
        return self.new_count > 0 and self.new_start <= line <= self.new_end


Outcome = Literal["changed", "moved", "added"]
"""What a diff did to a span: changed its lines, moved a start/target value, or added the
start/target line."""

_ITEM = re.compile(r"(\s*)-(?:\s+|$)")
_FIELD = re.compile(r"\s*(?:-\s+)?(start|target)\s*:\s*(.*?)\s*(?:\s#.*)?")


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def continues(line: str, item_indent: int) -> bool:
    """True when ``line`` still belongs to a list item whose ``-`` is at ``item_indent``."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or indent_of(line) > item_indent


def field_of(line: str) -> tuple[str, str] | None:
    """``"    target: 14  # stretch"`` -> ``("target", "14")``."""
    if "start" not in line and "target" not in line:
        return None
    found = _FIELD.fullmatch(line)
    return (found.group(1), found.group(2)) if found else None


def same_value(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip("'\"") == b.strip("'\"")


def objective_spans(objective: Objective, lines: list[str]) -> list[Span]:
    """The span of each key result in the file's lines, and each metric's start/target line."""
    spans: list[Span] = [Span(("objective", objective.id), 1, len(lines))]
    starts = sorted(kr.line for kr in objective.key_results)
    for kr in objective.key_results:
        first = kr.line
        if not 1 <= first <= len(lines):
            continue
        item = _ITEM.match(lines[first - 1])
        item_indent = len(item.group(1)) if item else indent_of(lines[first - 1])
        limit = min([s - 1 for s in starts if s > first] + [len(lines)])
        last = first
        while last < limit and continues(lines[last], item_indent):
            last += 1
        spans.append(Span(("kr", objective.id, kr.id), first, last, item_indent))
        if kr.type == "metric":
            for number in range(first, last + 1):
                found = field_of(lines[number - 1])
                if found:
                    spans.append(Span((found[0], objective.id, kr.id), number, number))
    return spans


def touches(span: Span, hunk: Hunk) -> bool:
    """Did the hunk change lines of this key result's span?"""
    if hunk.new_count:
        return hunk.new_start <= span.last and hunk.new_end >= span.first
    # A pure deletion after line new_start: inside the span, or trailing lines of its item.
    if span.first <= hunk.new_start < span.last:
        return True
    return hunk.new_start == span.last and bool(hunk.old) and continues(hunk.old[0], span.indent)


def old_field_line(span: Span, hunk: Hunk) -> tuple[int, bool] | None:
    """A start/target line the hunk rewrote: ``(its old line, whether the value changed)``,
    pairing the n-th such line on each side; ``None`` when the old side has none (added)."""
    name = span.key[0]
    at = span.first - hunk.new_start
    new_field = field_of(hunk.new[at]) if at < len(hunk.new) else None
    if new_field is None or not hunk.old:
        return None
    rank = sum(1 for line in hunk.new[:at] if (field_of(line) or ("",))[0] == name)
    olds = [(i, f) for i, line in enumerate(hunk.old) if (f := field_of(line)) and f[0] == name]
    if rank >= len(olds):
        return None
    index, old_field = olds[rank]
    return hunk.old_start + index, not same_value(old_field[1], new_field[1])


def covering(hunks: list[Hunk], line: int) -> Hunk | None:
    return next((hunk for hunk in hunks if hunk.covers(line)), None)


def step(span: Span, hunks: list[Hunk]) -> Outcome | None:
    """What one file diff did to ``span``: ``changed``, ``moved`` or ``added`` (see
    :data:`Outcome`); ``None``: nothing that counts."""
    kind = span.key[0]
    if kind in ("objective", "kpi"):
        return "changed" if hunks else None
    if kind == "kr":
        return "changed" if any(touches(span, hunk) for hunk in hunks) else None
    hunk = covering(hunks, span.first)
    if hunk is None:
        return None
    found = old_field_line(span, hunk)
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


def carry(span: Span, hunks: list[Hunk]) -> bool:
    """Move ``span`` to its lines in the old file; ``False`` when none of them existed."""
    hunk = covering(hunks, span.first) if span.key[0] in ("start", "target") else None
    if hunk is not None:
        found = old_field_line(span, hunk)
        if found is None:
            return False
        span.first = span.last = found[0]
        return True
    span.first = old_line(span.first, hunks, last=False)
    span.last = old_line(span.last, hunks, last=True)
    return span.first <= span.last


# --- history: reading git's diffs ------------------------------------------------------------


@dataclass(slots=True)
class FileDiff:
    """The diff of one file in one commit (paths relative to the repository root)."""

    old: str | None = None
    """``None``: the file was created."""
    new: str | None = None
    """``None``: the file was deleted."""
    hunks: list[Hunk] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Commit:
    change: Change
    parents: tuple[str, ...]


_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
            "r": "\r", "v": "\v"}


def unquote(raw: bytes) -> str:
    """A path as git prints it in diffs: C-quoted when it holds special characters."""
    text = raw.rstrip(b"\n").rstrip(b"\t")
    if not text.startswith(b'"'):
        return text.decode("utf-8", "surrogateescape")
    out = bytearray()
    body, i = text[1:-1], 0
    while i < len(body):
        char = body[i : i + 1]
        if char == b"\\" and body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        elif char == b"\\":
            out += _ESCAPES.get(body[i + 1 : i + 2].decode(), "").encode()
            i += 2
        else:
            out += char
            i += 1
    return out.decode("utf-8", "surrogateescape")


def diff_path(raw: bytes) -> str | None:
    """``a/goals/x.md`` (after ``--- ``/``+++ ``) -> ``goals/x.md``; ``/dev/null`` -> ``None``."""
    path = unquote(raw)
    return None if path == "/dev/null" else path[2:]


def parse_diffs(
    lines: Iterable[bytes], wanted: Callable[[str], bool]
) -> Iterator[Commit | FileDiff]:
    """The commits (lines ``NUL sha short date parents…``) and file diffs of a ``git log -p
    -U0`` (or ``git diff -U0``) stream; the hunks of files not ``wanted`` are skipped unread."""
    current: FileDiff | None = None
    in_hunks = False  # past the file's first @@: lines starting with + or - are content
    keep = False  # the file is wanted: keep its hunks
    for line in lines:
        head = line[:1]
        if in_hunks and head in (b"+", b"-"):
            if keep:
                text = line[1:].decode("utf-8", "replace").rstrip("\n")
                hunk = current.hunks[-1]  # type: ignore[union-attr]
                (hunk.new if head == b"+" else hunk.old).append(text)
        elif head == b"@" and current is not None:
            if not in_hunks:
                in_hunks, keep = True, wanted(current.new or current.old or "")
            if keep and (found := _HUNK.match(line)):
                o_start, o_count, n_start, n_count = found.groups()
                current.hunks.append(
                    Hunk(int(o_start), int(o_count or 1), int(n_start), int(n_count or 1))
                )
        elif head == b"\0" or line.startswith(b"diff --git "):
            if current is not None:
                yield current
            current, in_hunks, keep = None, False, False
            if head == b"\0":
                sha, short, day, *parents = line[1:].decode("ascii").split()
                yield Commit(Change(date.fromisoformat(day), sha, short), tuple(parents))
            else:
                current = FileDiff()
        elif current is not None and not in_hunks:
            if line.startswith(b"--- "):
                current.old = diff_path(line[4:])
            elif line.startswith(b"+++ "):
                current.new = diff_path(line[4:])
            elif line.startswith(b"rename from "):
                current.old = unquote(line[12:])
            elif line.startswith(b"rename to "):
                current.new = unquote(line[10:])
    if current is not None:
        yield current


# --- history: one pass -----------------------------------------------------------------------

LOG_FORMAT = "--format=%x00%H %h %as %P"
DIFF_OPTIONS = ("-p", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                "--no-relative", "--src-prefix=a/", "--dst-prefix=b/")


@dataclass
class Walk:
    """Spans of the working tree's goal files, followed back commit by commit."""

    files: dict[str, list[Span]]
    """Repository path -> the spans still followed in it (in that commit's line numbers)."""
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
            spans = self.files.pop(path, None) if path is not None else None
            if not spans or diff.new is None:
                continue  # not followed; or deleted, which a followed file cannot be
            alive = []
            for span in spans:
                outcome = step(span, diff.hunks)
                if outcome is not None and counted is not None:
                    self.settled[span.key] = (outcome, counted)
                elif carry(span, diff.hunks):
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
            if not self.files or event.change.sha in shallow:
                return
            change = event.change
        self.commit(diffs, change)


def follow_uncommitted(repo: Repo, walk: Walk, pathspec: str) -> bool:
    """Follow the spans through uncommitted edits (``git diff HEAD``); ``False``: no HEAD."""
    try:
        out = run(["diff", *DIFF_OPTIONS, "HEAD", "--", pathspec], repo.root)
    except GitError:
        return False
    walk.run(parse_diffs(out.splitlines(keepends=True), walk.files.__contains__), frozenset())
    return True


def follow_log(repo: Repo, walk: Walk, pathspec: str) -> None:
    """Walk the first-parent history of ``pathspec`` in one ``git log`` process."""
    command = [GIT, *SAFE_CONFIG, "log", "--first-parent", "--diff-merges=first-parent",
               LOG_FORMAT, *DIFF_OPTIONS, "HEAD", "--", pathspec]
    with subprocess.Popen(command, cwd=repo.root, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL) as process:
        assert process.stdout is not None
        walk.run(parse_diffs(process.stdout, walk.files.__contains__), repo.shallow)
        process.kill()  # done early (every span settled): no need to read the rest


def start_spans(goals_dir: Path, goals: Goals, prefix: str) -> dict[str, list[Span]]:
    """The spans to follow, per repository path, from the working tree's files."""
    files: dict[str, list[Span]] = {}
    for objective in goals.objectives:
        try:
            text = (goals_dir / objective.rel).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        files[prefix + objective.rel] = objective_spans(objective, text.split("\n"))
    for kpi in goals.kpis:
        files[prefix + kpi.rel] = [Span(("kpi", kpi.id), 1, 1)]
    return files


def history(goals_dir: Path, goals: Goals, as_of: date | None = None) -> History:
    """Who changed what, when, for the goals read from ``goals_dir`` in the working tree.

    Only commits up to ``as_of`` count (later ones, and uncommitted edits, are followed through
    to the lines as they were). An empty :class:`History` when the folder is not in a git
    repository (or git is missing).
    """
    repo = find_repo(goals_dir)
    try:
        goals_path = repo.path_of(goals_dir) if repo is not None else None
    except ValueError:  # reached through a symbolic link from outside the repository
        goals_path = None
    if repo is None or goals_path is None:
        return History()
    prefix = f"{goals_path}/" if goals_path else ""
    walk = Walk(start_spans(goals_dir, goals, prefix), as_of)
    if follow_uncommitted(repo, walk, goals_path or "."):
        follow_log(repo, walk, goals_path or ".")
    return collect(walk.settled, goals)


def collect(settled: Mapping[tuple[str, ...], tuple[Outcome, Change]], goals: Goals) -> History:
    """Sort what the walk settled (newest first) into a :class:`History`."""
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
