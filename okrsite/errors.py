"""Domain errors. The library raises these; only :mod:`okrsite.cli` prints them and exits.

Every problem found in the goal files is a :class:`Problem` (file, line, field path, message).
A stage collects all of them and raises one :class:`GoalErrors`, so a user sees every mistake of
a run at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import click

from .vocabulary import plural


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong in one goal file."""

    file: str
    """The file as the user names it, e.g. ``goals/sales/win.md``."""
    line: int
    """1-based line in that file (0 when the file as a whole is meant)."""
    path: str
    """The field, written ``key_results[1].target``; empty for the file as a whole."""
    message: str
    """What is wrong, in the user's terms."""

    @property
    def where(self) -> str:
        """``file:line``; the file alone for a problem of the file or folder as a whole (a
        line 0 would send an editor that jumps to ``file:line`` nowhere)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        """``file:line: field: message``, as every command prints it."""
        parts = (self.where, self.path, self.message) if self.path else (self.where, self.message)
        return terminal_safe(": ".join(parts))

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message}


_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(32), *range(0x7F, 0xA0))} | {
    10: "\\n", 9: "\\t", 13: "\\r"
}


def visible(text: str) -> str:
    """Text (from a goal file, say) with control characters escaped, for a one-line message that
    cannot steer a terminal: ``a\\nb`` for a, newline, b."""
    return text.translate(_ESCAPES)


def terminal_safe(text: str, *, lines: bool = False) -> str:
    """Text with its control characters escaped (:func:`visible`): a file name or title
    cannot steer the terminal it is printed on. With ``lines``, line breaks stay."""
    return "\n".join(map(visible, text.split("\n"))) if lines else visible(text)


class OkrError(click.ClickException):
    """Base of every error okrsite reports to a user: ``Error: …`` and exit status 1."""

    exit_code = 1

    def format_message(self) -> str:
        return terminal_safe(self.message, lines=True)


class GoalErrors(OkrError):
    """The goal files have problems; carries every one of them, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        count = len(self.problems)
        super().__init__(f"{plural(count, 'error')} in the goal files")

    def show(self, file: IO[Any] | None = None) -> None:
        """Print every problem, one per line, then ``Error: N errors in the goal files``."""
        for problem in self.problems:
            click.echo(str(problem), file=file, err=file is None)
        super().show(file)


class GitError(OkrError):
    """A git command failed, or a revision or path does not exist."""


class PublishError(OkrError):
    """mike or the site engine failed while publishing a snapshot."""


class BuildError(OkrError):
    """The site engine failed; the previous site is left untouched."""
