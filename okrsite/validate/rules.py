"""The cross-file rules: references between files, duplicate ids, cycles, and the checks a
schema cannot express.

They run over an :class:`Index` built once, with dictionaries only, so they stay linear in the
number of files, and they look only at fields of the right shape: a field the schema refused is
reported once, by the schema. :data:`RULES` lists them in the order the spec does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from ..load import Document
from ..model import Period
from ..vocabulary import DEFAULT_ON_TRACK, default_kr_id
from .schema import KR_DEFAULT_TYPE, PARENT_REF, PERIOD_ID, SLUG, as_date
from .wording import Suggest, did_you_mean, show, slugify

# --- the index the rules share ------------------------------------------------------------


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


def build_index(org: Document | None, objectives: list[Document], kpis: list[Document]) -> Index:
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
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return value if is_number else None


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


# --- cross-file rules ---------------------------------------------------------------------


def check_units(index: Index) -> Iterator[Problem]:
    """Unit ids are unique; a unit's parent is another, known unit; the tree has no cycle."""
    org, units = index.org, index.units
    if org is None or units is None:
        return
    suggest = Suggest(units)
    parent_of: dict[str, str] = {}
    for i, unit in entries(org.data, "units"):
        unit_id, parent = text_field(unit, "id"), text_field(unit, "parent")
        if unit_id is not None and units[unit_id] != i:
            line = org.line_of(("units", units[unit_id], "id"))
            message = f"duplicate unit id '{unit_id}' (also on line {line})"
            yield org.problem(("units", i, "id"), message)
            continue
        if parent is None:
            continue
        if parent == unit_id:
            yield org.problem(("units", i, "parent"), "a unit cannot be its own parent")
        elif parent not in units:
            yield org.problem(("units", i, "parent"), f"unknown unit '{parent}'{suggest(parent)}")
        elif unit_id is not None:
            parent_of[unit_id] = parent
    for cycle in find_cycles(parent_of):
        where = ("units", units[cycle[0]], "parent")
        yield org.problem(where, "unit cycle: " + " -> ".join(cycle))


def check_periods(index: Index) -> Iterator[Problem]:
    """Period ids are unique, a period does not end before it starts, current_period exists."""
    org, periods = index.org, index.periods
    if org is None or periods is None:
        return
    first: dict[str, int] = {}
    for i, period in entries(org.data, "periods"):
        period_id = text_field(period, "id", PERIOD_ID)
        if period_id is not None and first.setdefault(period_id, i) != i:
            line = org.line_of(("periods", first[period_id], "id"))
            message = f"duplicate period id '{period_id}' (also on line {line})"
            yield org.problem(("periods", i, "id"), message)
        start, end = as_date(period.get("start")), as_date(period.get("end"))
        if start and end and end < start:
            message = f"must not be before start ({period['start']})"
            yield org.problem(("periods", i, "end"), message)
    current = text_field(org.data, "current_period", PERIOD_ID)
    if current is not None and current not in periods:
        message = f"unknown period '{current}'{did_you_mean(current, periods)}"
        yield org.problem(("current_period",), message)


def check_scoring(index: Index) -> Iterator[Problem]:
    """``scoring.at_risk`` must not exceed ``scoring.on_track``."""
    scoring = index.org.data.get("scoring") if index.org is not None else None
    if index.org is None or not isinstance(scoring, dict):
        return
    at_risk = number_field(scoring, "at_risk")
    on_track = number_field(scoring, "on_track") if "on_track" in scoring else DEFAULT_ON_TRACK
    if at_risk is not None and on_track is not None and at_risk > on_track:
        shown = show(on_track) + ("" if "on_track" in scoring else ", the default")
        yield index.org.problem(("scoring", "at_risk"), f"must not be above on_track ({shown})")


def check_goal_ids(index: Index) -> Iterator[Problem]:
    """Every goal has a valid id; ids are unique among objectives and among KPIs."""
    for label, docs in (("objective", index.objectives), ("KPI", index.kpis)):
        by_id: dict[str, list[Document]] = {}
        for doc in docs:
            if "id" not in doc.data and not SLUG.fullmatch(doc.stem):
                message = (
                    f"the file name '{doc.stem}' is not a valid id: "
                    f"add id: {slugify(doc.stem) or 'my-goal'} or rename the file"
                )
                yield doc.problem(("id",), message)
            goal = goal_id(doc)
            if goal is not None:
                by_id.setdefault(goal, []).append(doc)
        for goal, same in by_id.items():
            yield from _duplicates(label, goal, same)


def _duplicates(label: str, goal: str, docs: list[Document]) -> Iterator[Problem]:
    if len(docs) < 2:
        return
    for doc in docs:
        other = docs[1] if doc is docs[0] else docs[0]
        where = f"{other.name}:{other.line_of(('id',))}"
        yield doc.problem(("id",), f"duplicate {label} id '{goal}' (also in {where})")


def check_owners(index: Index) -> Iterator[Problem]:
    """Every objective and KPI is owned by a unit of org.yml."""
    if index.units is None:
        return
    suggest = Suggest(index.units)
    for doc in (*index.objectives, *index.kpis):
        owner = text_field(doc.data, "owner")
        if owner is not None and owner not in index.units:
            yield doc.problem(("owner",), f"unknown unit '{owner}'{suggest(owner)}")


def check_objective_periods(index: Index) -> Iterator[Problem]:
    """Every objective names a period of org.yml."""
    if index.periods is None:
        return
    suggest = Suggest(index.periods)
    for doc in index.objectives:
        period = text_field(doc.data, "period", PERIOD_ID)
        if period is not None and period not in index.periods:
            yield doc.problem(("period",), f"unknown period '{period}'{suggest(period)}")


def check_parents(index: Index) -> Iterator[Problem]:
    """A parent is another, known objective (and key result) of an equal or enclosing period."""
    suggest = Suggest(index.objective_by_id)
    for doc in index.objectives:
        ref = text_field(doc.data, "parent", PARENT_REF)
        if ref is None:
            continue
        parent_id, _, kr_id = ref.partition("#")
        parent = index.objective_by_id.get(parent_id)
        if parent_id == goal_id(doc):
            yield doc.problem(("parent",), "an objective cannot be its own parent")
        elif parent is None:
            yield doc.problem(("parent",), f"unknown objective '{parent_id}'{suggest(parent_id)}")
        elif kr_id and kr_id not in index.kr_ids[parent_id]:
            ids = [k for k in index.kr_ids[parent_id] if k]
            message = f"objective '{parent_id}' has no key result '{kr_id}'"
            yield doc.problem(("parent",), message + did_you_mean(kr_id, ids))
        else:
            yield from _parent_period(index, doc, parent, parent_id)


def _parent_period(
    index: Index, doc: Document, parent: Document, parent_id: str
) -> Iterator[Problem]:
    if index.periods is None:
        return
    mine = text_field(doc.data, "period", PERIOD_ID)
    theirs = text_field(parent.data, "period", PERIOD_ID)
    my_period, their_period = index.periods.get(mine or ""), index.periods.get(theirs or "")
    if my_period and their_period and not their_period.encloses(my_period):
        message = (
            f"objective '{parent_id}' is in period {theirs}, which does not enclose {mine}: "
            "a parent's period must equal or enclose its child's"
        )
        yield doc.problem(("parent",), message)


def check_alignment_cycles(index: Index) -> Iterator[Problem]:
    """Following ``parent`` from any objective never comes back to it."""
    parent_of: dict[str, str] = {}
    for goal, doc in index.objective_by_id.items():
        ref = text_field(doc.data, "parent", PARENT_REF)
        parent_id = ref.partition("#")[0] if ref else None
        if parent_id and parent_id != goal and parent_id in index.objective_by_id:
            parent_of[goal] = parent_id
    for cycle in find_cycles(parent_of):
        doc = index.objective_by_id[cycle[0]]
        yield doc.problem(("parent",), "alignment cycle: " + " -> ".join(cycle))


def find_cycles(parent_of: Mapping[str, str]) -> list[list[str]]:
    """Every cycle of a graph where each node has at most one parent, each once.

    A cycle starts and ends at its member that comes first in ``parent_of``: ``[a, b, a]``.
    Linear: every node is walked over once.
    """
    order = {node: i for i, node in enumerate(parent_of)}
    done: set[str] = set()
    cycles: list[list[str]] = []
    for node in parent_of:
        walk: dict[str, int] = {}
        while node in parent_of and node not in done and node not in walk:
            walk[node] = len(walk)
            node = parent_of[node]
        if node in walk:
            members = list(walk)[walk[node] :]
            first = min(range(len(members)), key=lambda i: order[members[i]])
            members = members[first:] + members[:first]
            cycles.append([*members, members[0]])
        done.update(walk)
    return cycles


def check_key_results(index: Index) -> Iterator[Problem]:
    """Key-result ids are unique per objective; KPIs exist; a metric's target differs from start."""
    suggest = Suggest(index.kpi_by_id)
    for doc in index.objectives:
        first: dict[str, int] = {}
        for i, kr_id in enumerate(key_result_ids(doc)):
            if kr_id is not None and first.setdefault(kr_id, i) != i:
                line = doc.line_of(("key_results", first[kr_id]))
                message = f"duplicate key result id '{kr_id}' (also on line {line})"
                yield doc.problem(("key_results", i, "id"), message)
        for i, kr in entries(doc.data, "key_results"):
            kpi = text_field(kr, "kpi")
            if kpi is not None and kpi not in index.kpi_by_id:
                yield doc.problem(("key_results", i, "kpi"), f"unknown KPI '{kpi}'{suggest(kpi)}")
            start, target = number_field(kr, "start"), number_field(kr, "target")
            is_metric = kr.get("type", KR_DEFAULT_TYPE) == "metric"
            if is_metric and start is not None and start == target:
                message = f"must differ from start ({show(start)})"
                yield doc.problem(("key_results", i, "target"), message)


def check_aligned_key_results(index: Index) -> Iterator[Problem]:
    """An ``aligned`` key result has at least one objective aligned to it."""
    targets: set[str] = set()
    for doc in index.objectives:
        ref = text_field(doc.data, "parent", PARENT_REF)
        if ref and "#" in ref:
            targets.add(ref)
    for goal, doc in index.objective_by_id.items():
        kr_ids = index.kr_ids[goal]
        for i, kr in entries(doc.data, "key_results"):
            ref = f"{goal}#{kr_ids[i]}"
            if kr.get("type") == "aligned" and kr_ids[i] and ref not in targets:
                message = f"no objective is aligned to it: add parent: {ref} to one"
                yield doc.problem(("key_results", i, "type"), message)


def check_thresholds(index: Index) -> Iterator[Problem]:
    """A KPI's green threshold lies on the good side of amber."""
    for doc in index.kpis:
        thresholds = doc.data.get("thresholds")
        green, amber = number_field(thresholds, "green"), number_field(thresholds, "amber")
        direction = doc.data.get("direction")
        if green is None or amber is None:
            continue
        if direction == "higher_is_better" and green < amber:
            words = "at least"
        elif direction == "lower_is_better" and green > amber:
            words = "at most"
        else:
            continue
        message = f"must be {words} amber ({show(amber)}) when direction is {direction}"
        yield doc.problem(("thresholds", "green"), message)


Rule = Callable[[Index], Iterable[Problem]]
RULES: tuple[Rule, ...] = (
    check_units,
    check_periods,
    check_scoring,
    check_goal_ids,
    check_owners,
    check_objective_periods,
    check_parents,
    check_alignment_cycles,
    check_key_results,
    check_aligned_key_results,
    check_thresholds,
)
"""The cross-file rules, in the order the spec lists them."""

