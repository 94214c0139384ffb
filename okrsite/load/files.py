"""Walking a goals folder: which files are goal files, in which order, read how."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .document import Source

ORG_FILE = "org.yml"
GOAL_SUFFIX = ".md"
TABLE_SUFFIX = ".csv"
"""KPI series in a spreadsheet: part of the goals folder, though not goal files."""
MAX_FILE_BYTES = 1_000_000
"""Goal files are a few kilobytes; anything this large is a mistake or an attack."""


def is_ignored(name: str) -> bool:
    """Files and folders whose name starts with ``_`` or ``.`` are not goals."""
    return name.startswith(("_", "."))


def display_prefix(goals_dir: Path) -> str:
    """How paths inside ``goals_dir`` are shown: relative to the working directory if inside it,
    else absolute, so that every error names a file a user (or an editor) can open."""
    goals_dir = goals_dir.resolve()
    try:
        rel = goals_dir.relative_to(Path.cwd().resolve())
    except ValueError:
        return goals_dir.as_posix()
    return rel.as_posix() if rel.parts else "."


def is_goal_path(rel: str) -> bool:
    """True for ``org.yml`` and the files the loader reads (goal files and CSV files): no part
    of the path below the goals folder starts with ``_`` or ``.``. ``Win.MD`` too: the loader
    reports it (:func:`wrong_suffix`)."""
    if rel == ORG_FILE:
        return True
    return (rel.endswith(TABLE_SUFFIX) or rel.lower().endswith(GOAL_SUFFIX)) and not any(
        is_ignored(part) for part in rel.split("/")
    )


def wrong_suffix(rel: str) -> bool:
    """``Win.MD``: meant as a goal file, but the suffix is not the lower-case ``.md`` (the
    loader reports it rather than skip it without a word)."""
    return rel.lower().endswith(GOAL_SUFFIX) and not rel.endswith(GOAL_SUFFIX)


def is_table_path(rel: str) -> bool:
    return rel.endswith(TABLE_SUFFIX)


def goal_order(rel: str) -> tuple[int, list[tuple[int, str]]]:
    """The sort key of the loader's order: ``org.yml`` first, then depth first with a folder's
    files before its sub-folders, each by name (the order :func:`iter_goal_paths` walks)."""
    *folders, name = rel.split("/")
    return (0 if rel == ORG_FILE else 1, [(1, f) for f in folders] + [(0, name)])


def iter_goal_paths(goals_dir: Path) -> Iterator[str]:
    """Relative paths (with ``/``) of ``org.yml`` and every goal file, in :func:`goal_order`."""
    if os.path.lexists(goals_dir / ORG_FILE):
        yield ORG_FILE
    for root, dirs, files in os.walk(goals_dir):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        rel_root = Path(root).relative_to(goals_dir).as_posix()
        for name in sorted(files):
            rel = name if rel_root == "." else f"{rel_root}/{name}"
            if rel != ORG_FILE and is_goal_path(rel):
                yield rel


def read_file(path: Path, rel: str, name: str) -> Source:
    """One file of the goals folder, read safely: a FIFO, a device or a broken link is refused
    without opening it, and no more than :data:`MAX_FILE_BYTES` (+1) are ever read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return Source(rel, name, b"", "is a broken symbolic link")
    except OSError as exc:
        return Source(rel, name, b"", f"cannot be read: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return Source(rel, name, b"", "is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        return Source(rel, name, b"", f"file is larger than {MAX_FILE_BYTES // 1000} kB")
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Source(rel, name, b"", f"cannot be read: {exc.strerror or exc}")
    return Source(rel, name, content)


def read_goals_dir(goals_dir: Path, prefix: str | None = None) -> list[Source]:
    """Read every file of a goals folder from disk."""
    prefix = display_prefix(goals_dir) if prefix is None else prefix
    return [
        read_file(goals_dir / rel, rel, display_name(prefix, rel))
        for rel in iter_goal_paths(goals_dir)
    ]


def display_name(prefix: str, rel: str) -> str:
    """``goals`` + ``sales/win.md`` -> ``goals/sales/win.md``."""
    return rel if prefix in ("", ".") else f"{prefix}/{rel}"

