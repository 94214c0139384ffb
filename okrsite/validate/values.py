"""The rules about values that a schema cannot express: check-ins, stretch targets, due dates,
a KPI's values in its file and its CSV, and the range of numbers every stage handles.

Like the cross-file rules, they read only fields of the right shape (a field the schema refused
is reported once, by the schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from ..errors import Problem
from ..load import Document, FieldPath, Table, is_ignored, values_file_rel
from ..model import Period
from ..vocabulary import KR_TYPES, MEASURED_TYPES
from .index import Index, entries, is_number, kr_type, number_field, objective_period
from .schema import as_date
from .wording import show

NUMBER_MAX = 1e15
"""The largest size of a number in a goal file or CSV. Up to here every whole number is exact in
floating point (2**53 is about 9e15), so a chart can widen a flat line by 1 and scores, sums of
weights and the export never overflow."""
NUMBER_MIN = 1e-9
"""The smallest size of a number other than 0: smaller ones (and the differences between them)
are no goal's figure, and would reach the float range's denormals in charts."""
RANGE_WORDS = "numbers must be 0 or between 1e-9 and 1e15 in size"


def in_range(value: float) -> bool:
    """0, or a size between :data:`NUMBER_MIN` and :data:`NUMBER_MAX`."""
    return value == 0 or NUMBER_MIN <= abs(value) <= NUMBER_MAX


def number_problems(doc: Document) -> Iterator[Problem]:
    """Every number of a document outside the range every stage handles."""
    if not _out_of_range(doc.data):
        return  # the common case, found without building a single path
    stack: list[tuple[FieldPath, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif is_number(value) and not in_range(value):
            yield doc.problem(path, f"{show(value)} is out of range: {RANGE_WORDS}")


def _out_of_range(data: dict[str, Any]) -> bool:
    """True when some number in ``data`` is out of range (``True`` and ``False`` are not
    numbers; the loader builds only plain ``dict``, ``list`` and scalars)."""
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        values: Iterable[Any] = node.values() if type(node) is dict else node
        for value in values:
            kind = type(value)
            if kind is float or kind is int:
                if value != 0 and not NUMBER_MIN <= abs(value) <= NUMBER_MAX:
                    return True
            elif kind is dict or kind is list:
                stack.append(value)
    return False


def check_table_numbers(index: Index) -> Iterator[Problem]:
    """Every value of a KPI's CSV file lies in the range every stage handles."""
    for table in index.tables.values():
        if table is None:
            continue  # the loader reported its problems
        # an incomplete table's good rows are checked too: every problem of a run is reported
        for row in table.rows:
            if not in_range(row.value):
                message = f"{show(row.value)} is out of range: {RANGE_WORDS}"
                yield Problem(table.name, row.line, "value", message)


# --- key results --------------------------------------------------------------------------


def check_key_result_values(index: Index) -> Iterator[Problem]:
    """The due dates of every key result lie inside its objective's period (check-ins and
    stretch depend on the objective alone: :func:`key_result_value_problems`)."""
    for facts in index.objective_facts:
        period = objective_period(index, facts)
        if period is None:
            continue
        for i, due in facts.dues:
            yield from _due(facts.doc, i, due, period)


def key_result_value_problems(doc: Document) -> Iterator[Problem]:
    """Check-ins and stretch of every key result of one objective, in one pass."""
    for i, kr in entries(doc.data, "key_results"):
        kind = kr_type(kr)
        if kind not in KR_TYPES:
            continue
        if "history" in kr:
            yield from _checkins(doc, i, kr, kind)
        if "stretch" in kr and kind == "metric":
            yield from _stretch(doc, i, kr)


def _which(kind: str, kr: Mapping[str, Any]) -> str:
    article = "an" if kind[:1] in "aeiou" else "a"
    return f"{article} {kind} key result" + (" (the default type)" if "type" not in kr else "")


def _checkins(doc: Document, i: int, kr: Mapping[str, Any], kind: str) -> Iterator[Problem]:
    """A measured key result's check-ins give a value, unless ``kpi`` gives the values (then
    they are notes); check-in dates are unique within a key result."""
    here = ("key_results", i, "history")
    measured, linked = kind in MEASURED_TYPES, "kpi" in kr
    seen: dict[date, int] = {}
    for j, checkin in entries(kr, "history"):
        if measured and linked and "value" in checkin:
            message = "not allowed with kpi: the KPI gives the values, a check-in is a note"
            yield doc.problem((*here, j, "value"), message)
        elif measured and not linked and "value" not in checkin:
            message = f"required for a check-in of {_which(kind, kr)}"
            yield doc.problem((*here, j, "value"), message)
        day = as_date(checkin.get("date"))
        if day is None:
            continue
        if day in seen:
            line = doc.line_of((*here, seen[day], "date"))
            message = f"duplicate check-in date {day} (also on line {line})"
            yield doc.problem((*here, j, "date"), message)
        else:
            seen[day] = j


def _stretch(doc: Document, i: int, kr: Mapping[str, Any]) -> Iterator[Problem]:
    """A metric's ``stretch`` lies beyond its target, in the direction from start to target."""
    start, target = number_field(kr, "start"), number_field(kr, "target")
    stretch = number_field(kr, "stretch")
    if start is None or target is None or stretch is None or start == target:
        return  # start == target is reported on target
    where = ("key_results", i, "stretch")
    if stretch == target:
        yield doc.problem(where, f"must differ from target ({show(target)})")
    elif (stretch > target) != (target > start):
        side = "above" if target > start else "below"
        message = (
            f"must be beyond target: {side} {show(target)}, as target is {side} start "
            f"({show(start)})"
        )
        yield doc.problem(where, message)


def _due(doc: Document, i: int, due: date, period: Period) -> Iterator[Problem]:
    """A key result's ``due`` lies inside its objective's period."""
    if not period.contains(due):
        message = (
            f"{due} is outside the objective's period {period.id} "
            f"({period.start} to {period.end})"
        )
        yield doc.problem(("key_results", i, "due"), message)


# --- KPI values ---------------------------------------------------------------------------


def _shown_name(doc: Document, rel: str) -> str:
    """How a file of the goals folder at ``rel`` is named in errors, like ``doc`` is."""
    if doc.name.endswith(doc.rel):
        return doc.name[: len(doc.name) - len(doc.rel)] + rel
    return rel


def _values_file(index: Index, doc: Document) -> tuple[Table | None, str | None]:
    """The CSV a KPI names (``None``: it could not be read at all), or what is wrong with the
    name."""
    named = doc.data.get("values_file")
    if not isinstance(named, str) or not named:
        return None, None
    if not named.endswith(".csv"):
        return None, f"must name a .csv file, not {show(named)}"
    if "\\" in named:
        return None, f"{show(named)}: write '/' between folders, not '\\'"
    rel = values_file_rel(doc.rel, named)
    if rel is None:
        return None, (
            f"{show(named)} is not inside the goals folder: give a path relative to this "
            "file's folder"
        )
    if any(is_ignored(part) for part in rel.split("/")):
        return None, (
            f"{show(named)} is a file okrsite ignores (a name in its path starts with '_' or "
            "'.'): move or rename it"
        )
    if rel not in index.tables:
        return None, f"no such file: {_shown_name(doc, rel)}"
    return index.tables[rel], None


def check_kpi_values(index: Index) -> Iterator[Problem]:
    """A KPI has values (in ``values``, its CSV, or both), its CSV exists inside the goals
    folder, and no date is given twice across both."""
    for doc in index.kpis:
        data = doc.data
        inline = data.get("values")
        table, wrong = _values_file(index, doc)
        if wrong is not None:
            yield doc.problem(("values_file",), wrong)
        if "values_file" not in data:
            if "values" not in data:
                yield doc.problem(("values",), "required field missing (or give a values_file)")
            elif inline == []:
                yield doc.problem(("values",), "must have at least 1 value")
        elif table is not None and table.complete and not table.rows and not inline:
            message = f"{table.name} has no values, and values gives none: a KPI needs one"
            yield doc.problem(("values_file",), message)
        yield from _duplicate_dates(doc, table)


def _duplicate_dates(doc: Document, table: Table | None) -> Iterator[Problem]:
    """A date given twice: at the second one (the file's values come before the CSV's),
    naming the first."""
    seen: dict[date, tuple[str, int]] = {}

    def again(day: date, name: str, line: int) -> str | None:
        if day not in seen:
            seen[day] = (name, line)
            return None
        first_name, first_line = seen[day]
        if first_name == name:
            return f"duplicate date {day} (also on line {first_line})"
        return f"duplicate date {day} (also in {first_name}:{first_line})"

    for j, point in entries(doc.data, "values"):
        day = as_date(point.get("date"))
        message = again(day, doc.name, doc.line_of(("values", j, "date"))) if day else None
        if message is not None:
            yield doc.problem(("values", j, "date"), message)
    if table is not None:
        for row in table.rows:
            message = again(row.date, table.name, row.line)
            if message is not None:
                yield Problem(table.name, row.line, "date", message)


VALUE_RULES: tuple[Callable[[Index], Iterable[Problem]], ...] = (
    check_key_result_values,
    check_kpi_values,
    check_table_numbers,
)
"""The value rules, run after the cross-file rules (see :data:`.rules.RULES`)."""
