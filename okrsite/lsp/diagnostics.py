"""Diagnostics: a :class:`~okrsite.errors.Problem` as the editor shows it, on the key of its
field (a problem of the file as a whole, line 0, on its first line)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import PositionCodec

from ..errors import Problem

SOURCE = "okrsite"
"""Who the diagnostics are from (and the server's name)."""


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
