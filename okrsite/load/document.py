"""What the loader produces: sources, documents with line marks, the loaded tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import Problem, visible

if TYPE_CHECKING:
    from .tables import Table

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """The raw bytes of one file of a goals folder, wherever they came from (disk or git)."""

    rel: str
    """Path inside the goals folder, with ``/``: ``sales/win.md`` or ``org.yml``."""
    name: str
    """The path shown to users in errors: ``goals/sales/win.md``."""
    content: bytes
    unreadable: str | None = None
    """Why the file could not be read (then ``content`` is empty): not a regular file, a
    broken link, too large, no permission."""


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed file: its front matter (or the whole of ``org.yml``), body and line marks."""

    rel: str
    """Path inside the goals folder, with ``/``."""
    name: str
    """The path shown to users in errors."""
    data: dict[str, Any]
    """The front matter as plain JSON-compatible values."""
    lines: Mapping[FieldPath, int] = field(repr=False)
    """1-based line of every key (for mapping entries) and item (for list entries)."""
    body: str = ""
    """The Markdown after the front matter (empty for ``org.yml``)."""
    body_line: int = 0
    """The line the body starts on."""

    @property
    def stem(self) -> str:
        """The file name without its extension: the default id of a goal."""
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    def line_of(self, path: Iterable[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while parts:
            line = self.lines.get(parts)
            if line is not None:
                return line
            parts = parts[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Iterable[str | int], message: str) -> Problem:
        """A problem at ``path`` in this document."""
        parts = tuple(path)
        return Problem(self.name, self.line_of(parts), format_path(parts), message)


@dataclass(frozen=True, slots=True)
class LoadedTree:
    """Everything read from one goals folder: the documents that parsed, and every problem."""

    org: Document | None
    goals: tuple[Document, ...]
    problems: tuple[Problem, ...]
    tables: Mapping[str, Table | None] = field(default_factory=dict)
    """The CSV files that KPIs name in ``values_file``, by path in the goals folder; ``None``
    for one that exists but had problems (they are in ``problems``). A named file that does
    not exist is absent."""


def format_path(path: Iterable[str | int]) -> str:
    """``("key_results", 1, "target")`` -> ``key_results[1].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = visible(part)
            out += f".{part}" if out else part
    return out
