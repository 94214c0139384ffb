"""The only module that runs git: repositories, revisions, and goals read from git objects.

* :func:`read_revision` reads a goals folder at a revision straight from git objects: one
  ``git ls-tree -r -z`` and one ``git cat-file --batch`` process, no checkout, no clone.
* :func:`first_parent_log` and :func:`uncommitted` read ``git log -p -U0`` (as it comes) and
  ``git diff HEAD`` as commits and file diffs (:func:`parse_diffs`), and :class:`Blobs` reads
  single objects on demand from one ``git cat-file --batch`` process: what
  :mod:`okrsite.history` needs for its walk over the log.

Nothing here knows about goals beyond which files of a folder are goal files.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from string import hexdigits
from typing import IO

from .errors import GitError
from .load import Source, display_name, goal_order, is_goal_path, read_goals_dir

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


def existing_folder(path: Path) -> Path:
    """``path`` if it is a folder, else its nearest parent that is one (where git can run)."""
    folder = path.resolve()
    while not folder.is_dir():
        folder = folder.parent
    return folder


def find_repo(path: Path) -> Repo | None:
    """The git working tree holding ``path`` (or its nearest existing parent); ``None``: none."""
    folder = existing_folder(path)
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


def init_repo(path: Path, branch: str = "main") -> Repo:
    """``git init`` a new repository at ``path``, its first branch named ``branch`` (whatever
    ``init.defaultBranch`` says; ``--initial-branch`` needs git 2.28, this any git)."""
    run(["init", "--quiet", str(path.resolve())], path.resolve().parent)
    run(["symbolic-ref", "HEAD", f"refs/heads/{branch}"], path.resolve())
    return Repo(path.resolve())


def current_branch(repo: Repo) -> str | None:
    """The branch checked out (also before its first commit); ``None`` on a detached HEAD."""
    try:
        return run(["symbolic-ref", "--quiet", "--short", "HEAD"], repo.root).decode().strip()
    except GitError:
        return None


def user_name(path: Path) -> str | None:
    """``git config user.name`` as seen from ``path``; ``None`` when unset or without git."""
    try:
        name = run(["config", "user.name"], existing_folder(path)).decode("utf-8", "replace")
    except GitError:
        return None
    return name.strip() or None


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


# --- reading as it comes: the log, and single objects on demand ----------------------------


@contextmanager
def streamed(repo: Repo, args: Iterable[str]) -> Iterator[IO[bytes]]:
    """Run a long git command and read its output while it runs (``git log -p`` of a big
    history); leaving the block early stops git, so a reader that has seen enough need not
    read the rest. git's own errors are not reported: the output just ends."""
    command = [GIT, *SAFE_CONFIG, *args]
    try:
        process = subprocess.Popen(command, cwd=repo.root, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    with process:
        assert process.stdout is not None
        try:
            yield process.stdout
        finally:
            process.kill()  # done early, or failed: no need to read the rest


class Blobs:
    """Blobs read one at a time, as they are asked for, from one ``git cat-file --batch``
    process, started on the first request (most callers never make one) and ended by
    :meth:`close` (or leaving the ``with`` block)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, sha: str) -> bytes | None:
        """The blob ``sha``; ``None`` when the repository has no such blob."""
        if not sha or any(c not in hexdigits for c in sha):
            return None
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(f"{sha}\n".encode("ascii"))
            process.stdin.flush()
        except BrokenPipeError:  # git has stopped
            return None
        header = process.stdout.readline().split()
        if len(header) != 3:  # "<sha> missing", or git stopped
            return None
        content = process.stdout.read(int(header[2]))
        process.stdout.read(1)  # the newline after the content
        return content if header[1] == b"blob" else None

    def close(self) -> None:
        if self._process is not None:
            process, self._process = self._process, None
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            command = [GIT, *SAFE_CONFIG, "cat-file", "--batch"]
            try:
                self._process = subprocess.Popen(
                    command, cwd=self.repo.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL)
            except FileNotFoundError as exc:
                raise GitError("git is not installed (or not on PATH)") from exc
        return self._process


# --- diffs as git prints them ---------------------------------------------------------------

LOG_FORMAT = "--format=%x00%H %h %as %P"
DIFF_OPTIONS = ("-p", "-U0", "-M", "--full-index", "--no-color", "--no-ext-diff",
                "--no-textconv", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/")


@dataclass(slots=True)
class Hunk:
    """One ``@@ -old_start,old_count +new_start,new_count @@`` hunk of a ``-U0`` diff."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int

    @property
    def new_end(self) -> int:
        """The last new line the hunk covers (for a pure deletion: the line before it)."""
        return self.new_start + max(self.new_count, 1) - 1

    @property
    def old_end(self) -> int:
        """The last old line the hunk replaces (for a pure insertion: the line before it)."""
        return self.old_start + self.old_count - 1

    def covers(self, line: int) -> bool:
        return self.new_count > 0 and self.new_start <= line <= self.new_end


@dataclass(slots=True)
class FileDiff:
    """The diff of one file in one commit (paths relative to the repository root)."""

    old: str | None = None
    """``None``: the file was created."""
    new: str | None = None
    """``None``: the file was deleted."""
    hunks: list[Hunk] = field(default_factory=list)
    old_blob: str | None = None
    """The blob ids of the ``index`` line (``None`` when git printed none)."""
    new_blob: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit of a log: its line ``NUL sha short date parents…`` (see :data:`LOG_FORMAT`)."""

    sha: str
    short: str
    date: date
    """The author date."""
    parents: tuple[str, ...]


_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
"""A hunk header of git's diff format (not YAML: the goal files are read by the loader)."""
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


def read_header(diff: FileDiff, line: bytes) -> None:
    """Take in one line of a file diff's header (before its first hunk)."""
    if line.startswith(b"--- "):
        diff.old = diff_path(line[4:])
    elif line.startswith(b"+++ "):
        diff.new = diff_path(line[4:])
    elif line.startswith(b"rename from "):
        diff.old = unquote(line[12:])
    elif line.startswith(b"rename to "):
        diff.new = unquote(line[10:])
    elif line.startswith(b"index "):  # index <old>..<new> [<mode>]
        old, _, new = line[6:].split(maxsplit=1)[0].decode("ascii").partition("..")
        diff.old_blob, diff.new_blob = old or None, new or None


def commit_day(day: str) -> date:
    """A commit's author date as git prints it (``%as``). Git stores any time stamp, so a
    clock set wrong can date a commit ``10000-01-01``, beyond what a :class:`date` holds: a
    date that is not one is read as the last day there is, after every as-of date, so the
    commit is followed through but never counts as an update."""
    try:
        return date.fromisoformat(day)
    except ValueError:
        return date.max


def parse_diffs(
    lines: Iterable[bytes], wanted: Callable[[str], bool]
) -> Iterator[Commit | FileDiff]:
    """The commits (lines ``NUL sha short date parents…``) and file diffs of a ``git log -p
    -U0`` (or ``git diff -U0``) stream; the hunks of files not ``wanted`` are skipped."""
    current: FileDiff | None = None
    in_hunks = False  # past the file's first @@: the lines are content, until the next file
    keep = False  # the file is wanted: keep its hunks
    for line in lines:
        head = line[:1]
        if head == b"@" and current is not None:
            if not in_hunks:
                in_hunks, keep = True, wanted(current.new or current.old or "")
            if keep and (found := _HUNK.match(line)):
                o_start, o_count, n_start, n_count = found.groups()
                current.hunks.append(
                    Hunk(int(o_start), int(o_count or 1), int(n_start), int(n_count or 1))
                )
        elif in_hunks and head in (b"+", b"-"):
            continue  # a line of content: the hunk headers say all the walk needs
        elif head == b"\0" or line.startswith(b"diff --git "):
            if current is not None:
                yield current
            current, in_hunks, keep = None, False, False
            if head == b"\0":
                sha, short, day, *parents = line[1:].decode("ascii").split()
                yield Commit(sha, short, commit_day(day), tuple(parents))
            else:
                current = FileDiff()
        elif current is not None and not in_hunks:
            read_header(current, line)
    if current is not None:
        yield current


def uncommitted(repo: Repo, pathspec: str, wanted: Callable[[str], bool]
                ) -> list[Commit | FileDiff] | None:
    """The uncommitted edits of ``pathspec`` (``git diff HEAD``, so staged or not) as file
    diffs; ``None`` when there is no HEAD."""
    try:
        out = run(["diff", *DIFF_OPTIONS, "HEAD", "--", pathspec], repo.root)
    except GitError:
        return None
    return list(parse_diffs(out.splitlines(keepends=True), wanted))


@contextmanager
def first_parent_log(repo: Repo, pathspec: str, wanted: Callable[[str], bool],
                     start: str = "HEAD") -> Iterator[Iterator[Commit | FileDiff]]:
    """The commits of the first-parent chain from ``start`` that changed ``pathspec`` (what
    landed on the branch, a merge as its diff to the first parent), newest first, each followed
    by its file diffs, read from one ``git log`` process as it runs; leave the block to stop
    it."""
    args = ["log", "--first-parent", "--diff-merges=first-parent", LOG_FORMAT, *DIFF_OPTIONS,
            start, "--", pathspec]
    with streamed(repo, args) as lines:
        yield parse_diffs(lines, wanted)
