"""KPI series kept in a spreadsheet: a CSV file named by a KPI's ``values_file``.

Read with the standard library's :mod:`csv`. The header names a ``date`` and a ``value``
column (matched without case and surrounding spaces; other columns are ignored, ``note`` is
read as a note). A UTF-8 byte order mark, CRLF line ends, blank lines and quoted fields are
fine. Every problem names the CSV file and its own line, and all of them are reported.
"""

from __future__ import annotations

import csv
import io
import math
import posixpath
from dataclasses import dataclass
from datetime import date

from ..errors import Problem
from .document import Source

REQUIRED = ("date", "value")


@dataclass(frozen=True, slots=True)
class Row:
    """One measurement read from a CSV file."""

    line: int
    date: date
    value: float
    note: str | None


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file's measurements.

    A file with bad rows is still read, so that the validator can report every problem
    (a date given twice beside a row that is not a date); only a ``complete`` table is
    scored (see :func:`usable`).
    """

    rel: str
    """Its path inside the goals folder."""
    name: str
    """Its path as shown in errors."""
    rows: tuple[Row, ...]
    complete: bool = True
    """``False``: some rows had problems (reported by :func:`read_table`) and are missing."""


def usable(table: Table | None) -> Table | None:
    """The table when it can be scored: read without any problem."""
    return table if table is not None and table.complete else None


def values_file_rel(kpi_rel: str, values_file: str) -> str | None:
    """The goals-folder path of a KPI's ``values_file`` (relative to the KPI file's folder);
    ``None`` when it is absolute or leaves the goals folder."""
    if values_file.startswith("/") or "\\" in values_file:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(kpi_rel), values_file))
    if joined == ".." or joined.startswith("../") or joined in ("", "."):
        return None
    return joined


def _decode(source: Source) -> tuple[str | None, Problem | None]:
    if source.unreadable is not None:
        return None, Problem(source.name, 0, "", source.unreadable)
    try:
        return source.content.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = source.content.count(b"\n", 0, exc.start) + 1
        return None, Problem(source.name, line, "", "is not valid UTF-8 text")


def _row(source: Source, line: int, cells: dict[str, str]) -> tuple[Row | None, list[Problem]]:
    problems: list[Problem] = []
    raw_date, raw_value = cells.get("date", "").strip(), cells.get("value", "").strip()
    day: date | None = None
    try:
        if len(raw_date) != 10:
            raise ValueError
        day = date.fromisoformat(raw_date)
    except ValueError:
        problems.append(Problem(source.name, line, "date", f"'{raw_date}' is not a date "
                                "(YYYY-MM-DD)"))
    number: float | None = None
    try:
        parsed = float(raw_value)
        if not math.isfinite(parsed):
            raise ValueError
        number = parsed
    except ValueError:
        problems.append(Problem(source.name, line, "value", f"'{raw_value}' is not a finite "
                                "number"))
    if day is None or number is None:
        return None, problems
    note = (cells.get("note") or "").strip() or None
    return Row(line, day, number, note), problems


def read_table(source: Source) -> tuple[Table | None, list[Problem]]:
    """Parse one CSV file; ``(None, problems)`` when it cannot be read as a table at all, an
    incomplete table of the good rows and the problems when some rows are wrong."""
    text, problem = _decode(source)
    if text is None:
        return None, [problem] if problem else []
    reader = csv.reader(io.StringIO(text, newline=""))
    header: dict[str, int] | None = None
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = {cell.strip().lower(): i for i, cell in reversed(list(enumerate(cells)))}
                missing = [name for name in REQUIRED if name not in header]
                if missing:
                    names = " and ".join(f"'{name}'" for name in missing)
                    return None, [Problem(source.name, line, "", f"the header line has no "
                                          f"{names} column")]
                continue
            named = {name: cells[i] if i < len(cells) else "" for name, i in header.items()}
            row, found = _row(source, line, named)
            problems.extend(found)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        return None, [*problems, Problem(source.name, reader.line_num, "", f"invalid CSV: {exc}")]
    if header is None:
        return None, [Problem(source.name, 1, "", "is empty: it needs a header line with "
                              "'date' and 'value' and at least one value")]
    return Table(source.rel, source.name, tuple(rows), complete=not problems), problems
