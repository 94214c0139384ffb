"""What the rules look up, built once per run (:class:`Index`) from what each document says on
its own (:class:`GoalFacts`, kept from run to run for a document that did not change), and the
helpers that read fields of the right shape only (a field the schema refused is reported once,
by the schema)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import Problem
from ..load import Document, Table
from ..model import Period
from ..vocabulary import default_kr_id
from .schema import KR_DEFAULT_TYPE, PERIOD_ID, SLUG, as_date


@dataclass(frozen=True, slots=True)
class GoalFacts:
    """What the cross-file rules need of one objective or KPI, read from that document alone,
    and the problems of the rules that look at that document only: the same document always
    has the same facts, so a caller that validates again after an edit keeps them (see
    :class:`~okrsite.validate.SchemaCache`) and the rules only join them up."""

    doc: Document
    id: str | None
    """:func:`goal_id`."""
    parent: str | None
    """The ``parent`` reference, when it has the right shape."""
    period: str | None
    owner: str | None
    kr_ids: tuple[str | None, ...]
    """:func:`key_result_ids`."""
    kpi_refs: tuple[tuple[int, str], ...] = ()
    """(position, KPI id) of each key result that takes its values from a KPI."""
    shares: tuple[tuple[int, str], ...] = ()
    """(position, reference) of the first ``shared`` key result naming each reference."""
    aligned: tuple[int, ...] = ()
    """The positions of the ``aligned`` key results that have an id."""
    dues: tuple[tuple[int, date], ...] = ()
    """(position, date) of each key result of a known type with a ``due`` date."""
    has_key_results: bool = False
    """``key_results`` is given and is not an empty list."""
    problems: tuple[Problem, ...] = ()
    """The problems of the rules about this document alone."""


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
    objective_facts: tuple[GoalFacts, ...] = ()
    """The facts of ``objectives``, in the same order."""
    kpi_facts: tuple[GoalFacts, ...] = ()
    """The facts of ``kpis``, in the same order."""
    objective_facts_by_id: Mapping[str, GoalFacts] = field(default_factory=dict)
    """The facts of the objectives of ``objective_by_id``, in the same order."""


def index_of_facts(
    org: Document | None,
    objectives: list[GoalFacts],
    kpis: list[GoalFacts],
    tables: Mapping[str, Table | None] | None = None,
) -> Index:
    """The index of one run, from the facts of each objective and KPI."""
    objective_by_id = _first_by_id(objectives)
    return Index(
        org=org,
        units=_unit_positions(org),
        periods=_periods(org),
        objectives=tuple(facts.doc for facts in objectives),
        kpis=tuple(facts.doc for facts in kpis),
        objective_by_id={goal: facts.doc for goal, facts in objective_by_id.items()},
        kpi_by_id={goal: facts.doc for goal, facts in _first_by_id(kpis).items()},
        kr_ids={goal: facts.kr_ids for goal, facts in objective_by_id.items()},
        tables=tables or {},
        objective_facts=tuple(objectives),
        kpi_facts=tuple(kpis),
        objective_facts_by_id=objective_by_id,
    )


def _first_by_id(goals: list[GoalFacts]) -> dict[str, GoalFacts]:
    """The first goal with each valid id."""
    first: dict[str, GoalFacts] = {}
    for facts in goals:
        if facts.id is not None:
            first.setdefault(facts.id, facts)
    return first


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


def objective_period(index: Index, facts: GoalFacts) -> Period | None:
    """The period an objective names, when it exists and its dates are right."""
    period = facts.period
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
