"""What the rules look up, built once per run, and the helpers that read fields of the right
shape only (a field the schema refused is reported once, by the schema)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..load import Document, Table
from ..model import Period
from ..vocabulary import default_kr_id
from .schema import KR_DEFAULT_TYPE, PERIOD_ID, SLUG, as_date


@dataclass(frozen=True)
class Index:
    """What the cross-file rules look up, built once per run."""

    org: Document | None
    units: Mapping[str, int] | None
    """Unit id -> position of its first entry in ``units``; ``None`` when they are unknown."""
    periods: Mapping[str, Period | None] | None
    """Period id -> the period (``None`` if its dates are wrong); ``None`` when unknown."""
    objectives: tuple[Document, ...]
    kpis: tuple[Document, ...]
    objective_by_id: Mapping[str, Document]
    """The first objective with each id."""
    kpi_by_id: Mapping[str, Document]
    kr_ids: Mapping[str, tuple[str | None, ...]]
    """Objective id -> the ids of its key results by position (``None``: not a valid entry)."""
    tables: Mapping[str, Table | None] = field(default_factory=dict)
    """The CSV files KPIs name, as the loader read them (:attr:`LoadedTree.tables`)."""


def build_index(
    org: Document | None,
    objectives: list[Document],
    kpis: list[Document],
    tables: Mapping[str, Table | None] | None = None,
) -> Index:
    objective_by_id: dict[str, Document] = {}
    for doc in objectives:
        objective_by_id.setdefault(goal_id(doc) or "", doc)
    kpi_by_id: dict[str, Document] = {}
    for doc in kpis:
        kpi_by_id.setdefault(goal_id(doc) or "", doc)
    objective_by_id.pop("", None)
    kpi_by_id.pop("", None)
    return Index(
        org=org,
        units=_unit_positions(org),
        periods=_periods(org),
        objectives=tuple(objectives),
        kpis=tuple(kpis),
        objective_by_id=objective_by_id,
        kpi_by_id=kpi_by_id,
        kr_ids={oid: key_result_ids(doc) for oid, doc in objective_by_id.items()},
        tables=tables or {},
    )


def entries(data: Mapping[str, Any], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings in the list ``data[name]``, with their positions."""
    items = data.get(name)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def text_field(data: Any, name: str, pattern: re.Pattern[str] = SLUG) -> str | None:
    """``data[name]`` if it is text matching ``pattern`` (else the schema reports it)."""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def number_field(data: Any, name: str) -> float | None:
    value = data.get(name) if isinstance(data, dict) else None
    return value if is_number(value) else None


def is_number(value: Any) -> bool:
    """A YAML number (``true`` is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kr_type(kr: Mapping[str, Any]) -> str | None:
    """A key result's type as written (default ``metric``); ``None`` when it is not text."""
    value = kr.get("type", KR_DEFAULT_TYPE)
    return value if isinstance(value, str) else None


def goal_id(doc: Document) -> str | None:
    """An objective's or KPI's id: its ``id``, or its file name; ``None`` if not a valid id."""
    if "id" in doc.data:
        return text_field(doc.data, "id")
    return doc.stem if SLUG.fullmatch(doc.stem) else None


def key_result_ids(doc: Document) -> tuple[str | None, ...]:
    """The ids of an objective's key results by position: ``id``, or ``kr1``, ``kr2``, …."""
    items = doc.data.get("key_results")
    if not isinstance(items, list):
        return ()
    return tuple(_kr_id(kr, i) for i, kr in enumerate(items))


def _kr_id(kr: Any, position: int) -> str | None:
    if not isinstance(kr, dict):
        return None
    return text_field(kr, "id") if "id" in kr else default_kr_id(position)


def objective_period(index: Index, doc: Document) -> Period | None:
    """The period an objective names, when it exists and its dates are right."""
    period = text_field(doc.data, "period", PERIOD_ID)
    return index.periods.get(period) if index.periods is not None and period else None


def _unit_positions(org: Document | None) -> dict[str, int] | None:
    if org is None or not isinstance(org.data.get("units"), list):
        return None
    units: dict[str, int] = {}
    for i, unit in entries(org.data, "units"):
        unit_id = text_field(unit, "id")
        if unit_id is not None:
            units.setdefault(unit_id, i)
    return units


def _periods(org: Document | None) -> dict[str, Period | None] | None:
    if org is None or not isinstance(org.data.get("periods"), list):
        return None
    periods: dict[str, Period | None] = {}
    for _, period in entries(org.data, "periods"):
        period_id = text_field(period, "id", PERIOD_ID)
        if period_id is not None and period_id not in periods:
            periods[period_id] = _period(period_id, period)
    return periods


def _period(period_id: str, period: Mapping[str, Any]) -> Period | None:
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    return Period(period_id, start, end) if start and end and start <= end else None
