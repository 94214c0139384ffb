"""The cross-file rules: references between files (units, periods, parents, KPIs, shared key
results), duplicate ids, cycles, objectives with nothing to score them, and the checks a schema
cannot express (those about values are in :mod:`.values`).

They run over an :class:`Index` built once, with dictionaries only, so they stay linear in the
number of files, and they look only at fields of the right shape: a field the schema refused is
reported once, by the schema. :data:`RULES` lists them in the order the spec does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from ..errors import Problem
from ..load import Document
from ..vocabulary import DEFAULT_ON_TRACK, NOT_SHAREABLE
from .index import (
    Index,
    build_index,
    entries,
    goal_id,
    key_result_ids,
    kr_type,
    number_field,
    text_field,
)
from .schema import PARENT_REF, PERIOD_ID, SHARED_REF, SLUG, as_date
from .values import VALUE_RULES
from .wording import Suggest, did_you_mean, show, slugify

__all__ = ["RULES", "Index", "Rule", "build_index", "find_cycles", "goal_id", "key_result_ids"]

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
            if kr_type(kr) == "metric" and start is not None and start == target:
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


def check_measured(index: Index) -> Iterator[Problem]:
    """An objective has a key result, or at least one objective aligned directly to it."""
    direct: set[str] = set()
    for doc in index.objectives:
        ref = text_field(doc.data, "parent", PARENT_REF)
        if ref and "#" not in ref:
            direct.add(ref)
    for doc in index.objectives:
        key_results = doc.data.get("key_results")
        goal = goal_id(doc)
        if key_results not in (None, []) or goal is None or goal in direct:
            continue
        message = (
            "needs at least one key result, or an objective aligned directly to it "
            f"(parent: {goal})"
        )
        yield doc.problem(("key_results",), message)


def check_shared(index: Index) -> Iterator[Problem]:
    """A ``shared`` key result names an existing key result of another objective that is
    neither shared nor aligned, once per objective, and does not publish a private one."""
    suggest = Suggest(index.objective_by_id)
    for doc in index.objectives:
        first: dict[str, int] = {}
        for i, kr in entries(doc.data, "key_results"):
            ref = text_field(kr, "from", SHARED_REF) if kr_type(kr) == "shared" else None
            if ref is None:
                continue
            here = ("key_results", i, "from")
            if first.setdefault(ref, i) != i:
                line = doc.line_of(("key_results", first[ref], "from"))
                yield doc.problem(here, f"shares '{ref}' a second time (also on line {line})")
                continue
            message = _shared_source_problem(index, doc, kr, ref, suggest)
            if message is not None:
                yield doc.problem(here, message)


def _shared_source_problem(
    index: Index, doc: Document, kr: Mapping[str, object], ref: str, suggest: Suggest
) -> str | None:
    objective_id, _, source_id = ref.partition("#")
    source_doc = index.objective_by_id.get(objective_id)
    if source_doc is None:
        return f"unknown objective '{objective_id}'{suggest(objective_id)}"
    if source_doc is doc or objective_id == goal_id(doc):
        return "cannot share a key result of its own objective"
    ids = index.kr_ids[objective_id]
    if source_id not in ids:
        known = [k for k in ids if k]
        return f"objective '{objective_id}' has no key result '{source_id}'" + did_you_mean(
            source_id, known
        )
    source = source_doc.data["key_results"][ids.index(source_id)]
    source_type = kr_type(source)
    if source_type in NOT_SHAREABLE:
        article = "an" if source_type[:1] in "aeiou" else "a"
        hint = ""
        if source_type == "shared" and isinstance(source.get("from"), str):
            hint = f": share its source '{source['from']}' instead"
        return f"'{ref}' is {article} {source_type} key result, which cannot be shared{hint}"
    published = doc.data.get("visibility") != "private" and kr.get("visibility") != "private"
    if published and source_doc.data.get("visibility") == "private":
        return (
            f"'{ref}' belongs to a private objective: sharing it here would publish its "
            "numbers (make this key result private: visibility: private)"
        )
    if published and source.get("visibility") == "private":
        return (
            f"'{ref}' is a private key result: sharing it here would publish its numbers "
            "(make this key result private: visibility: private)"
        )
    return None


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
    check_measured,
    check_shared,
    *VALUE_RULES,
)
"""The cross-file rules, in the order the spec lists them."""

