"""The cross-file rules: references between files (units, periods, parents, KPIs, shared key
results), duplicate ids, cycles, objectives with nothing to score them, and the checks a schema
cannot express (those about values are in :mod:`.values`).

They run over an :class:`Index` built once, with dictionaries only, so they stay linear in the
number of files, and they look only at fields of the right shape: a field the schema refused is
reported once, by the schema. :data:`RULES` lists them in the order the spec does.

What a rule reads of one document alone, and what a rule about one document alone finds, is
worked out once per document (:func:`goal_facts`): the live preview keeps those
:class:`GoalFacts` for the files that did not change, and its run after an edit only joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from ..errors import Problem
from ..load import Document, Table
from ..vocabulary import DEFAULT_ON_TRACK, KR_TYPES, NOT_SHAREABLE
from .index import (
    GoalFacts,
    Index,
    entries,
    goal_id,
    index_of_facts,
    key_result_ids,
    kr_type,
    number_field,
    text_field,
)
from .schema import PARENT_REF, PERIOD_ID, SHARED_REF, SLUG, as_date
from .values import VALUE_RULES, key_result_value_problems
from .wording import Suggest, did_you_mean, show, slugify

__all__ = [
    "RULES",
    "GoalFacts",
    "Index",
    "Rule",
    "build_index",
    "find_cycles",
    "goal_facts",
    "goal_id",
    "key_result_ids",
]

FactsOf = Callable[[Document, str], GoalFacts]
"""Where :func:`build_index` gets each goal's facts: :func:`goal_facts`, or a cache of it."""


def build_index(
    org: Document | None,
    objectives: list[Document],
    kpis: list[Document],
    tables: Mapping[str, Table | None] | None = None,
    facts: FactsOf | None = None,
) -> Index:
    """What the rules look up in one run; ``facts`` (default :func:`goal_facts`) may keep the
    facts of the documents of an earlier run."""
    facts_of = facts or goal_facts
    return index_of_facts(
        org,
        [facts_of(doc, "objective") for doc in objectives],
        [facts_of(doc, "kpi") for doc in kpis],
        tables,
    )


def goal_facts(doc: Document, kind: str) -> GoalFacts:
    """What the rules need of one objective (``kind`` ``objective``) or KPI, and the problems of
    the rules about that document alone (:data:`OBJECTIVE_RULES`, :data:`KPI_RULES`)."""
    data = doc.data
    goal, owner = goal_id(doc), text_field(data, "owner")
    parent, period = text_field(data, "parent", PARENT_REF), text_field(data, "period", PERIOD_ID)
    if kind != "objective":
        problems = tuple(p for rule in KPI_RULES for p in rule(doc))
        return GoalFacts(doc, goal, parent, period, owner, kr_ids=(), problems=problems)
    kr_ids = key_result_ids(doc)
    key_results = list(entries(data, "key_results"))
    return GoalFacts(
        doc,
        goal,
        parent,
        period,
        owner,
        kr_ids=kr_ids,
        kpi_refs=tuple(_kpi_refs(key_results)),
        shares=tuple(_first_shares(key_results)),
        aligned=tuple(i for i, kr in key_results if kr.get("type") == "aligned" and kr_ids[i]),
        dues=tuple(_dues(key_results)),
        has_key_results=data.get("key_results") not in (None, []),
        problems=tuple(p for rule in OBJECTIVE_RULES for p in rule(doc)),
    )


def _kpi_refs(key_results: list[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, str]]:
    for i, kr in key_results:
        kpi = text_field(kr, "kpi")
        if kpi is not None:
            yield i, kpi


def _shares(key_results: list[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, str]]:
    """(position, reference) of every ``shared`` key result with a reference of the right shape."""
    for i, kr in key_results:
        ref = text_field(kr, "from", SHARED_REF) if kr_type(kr) == "shared" else None
        if ref is not None:
            yield i, ref


def _first_shares(key_results: list[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for i, ref in _shares(key_results):
        if ref not in seen:
            seen.add(ref)
            yield i, ref


def _dues(key_results: list[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, date]]:
    for i, kr in key_results:
        due = as_date(kr.get("due")) if "due" in kr and kr_type(kr) in KR_TYPES else None
        if due is not None:
            yield i, due


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
    """Every goal has a valid id (:func:`check_file_name_id`); ids are unique among objectives
    and among KPIs."""
    for label, goals in (("objective", index.objective_facts), ("KPI", index.kpi_facts)):
        by_id: dict[str, list[Document]] = {}
        for facts in goals:
            if facts.id is not None:
                by_id.setdefault(facts.id, []).append(facts.doc)
        for goal, same in by_id.items():
            yield from _duplicates(label, goal, same)


def check_file_name_id(doc: Document) -> Iterator[Problem]:
    """A goal without ``id`` has a file name that is a valid id."""
    if "id" not in doc.data and not SLUG.fullmatch(doc.stem):
        message = (
            f"the file name '{doc.stem}' is not a valid id: "
            f"add id: {slugify(doc.stem) or 'my-goal'} or rename the file"
        )
        yield doc.problem(("id",), message)


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
    for facts in (*index.objective_facts, *index.kpi_facts):
        owner = facts.owner
        if owner is not None and owner not in index.units:
            yield facts.doc.problem(("owner",), f"unknown unit '{owner}'{suggest(owner)}")


def check_objective_periods(index: Index) -> Iterator[Problem]:
    """Every objective names a period of org.yml."""
    if index.periods is None:
        return
    suggest = Suggest(index.periods)
    for facts in index.objective_facts:
        period = facts.period
        if period is not None and period not in index.periods:
            yield facts.doc.problem(("period",), f"unknown period '{period}'{suggest(period)}")


def check_parents(index: Index) -> Iterator[Problem]:
    """A parent is another, known objective (and key result) of an equal or enclosing period."""
    suggest = Suggest(index.objective_by_id)
    for facts in index.objective_facts:
        doc, ref = facts.doc, facts.parent
        if ref is None:
            continue
        parent_id, _, kr_id = ref.partition("#")
        parent = index.objective_by_id.get(parent_id)
        if parent_id == facts.id:
            yield doc.problem(("parent",), "an objective cannot be its own parent")
        elif parent is None:
            yield doc.problem(("parent",), f"unknown objective '{parent_id}'{suggest(parent_id)}")
        elif kr_id and kr_id not in index.kr_ids[parent_id]:
            ids = [k for k in index.kr_ids[parent_id] if k]
            message = f"objective '{parent_id}' has no key result '{kr_id}'"
            yield doc.problem(("parent",), message + did_you_mean(kr_id, ids))
        else:
            yield from _parent_period(index, facts, parent_id)


def _parent_period(index: Index, facts: GoalFacts, parent_id: str) -> Iterator[Problem]:
    if index.periods is None:
        return
    mine, theirs = facts.period, index.objective_facts_by_id[parent_id].period
    my_period, their_period = index.periods.get(mine or ""), index.periods.get(theirs or "")
    if my_period and their_period and not their_period.encloses(my_period):
        message = (
            f"objective '{parent_id}' is in period {theirs}, which does not enclose {mine}: "
            "a parent's period must equal or enclose its child's"
        )
        yield facts.doc.problem(("parent",), message)


def check_alignment_cycles(index: Index) -> Iterator[Problem]:
    """Following ``parent`` from any objective never comes back to it."""
    parent_of: dict[str, str] = {}
    for facts in index.objective_facts_by_id.values():
        goal, ref = facts.id, facts.parent
        parent_id = ref.partition("#")[0] if ref else None
        if goal and parent_id and parent_id != goal and parent_id in index.objective_by_id:
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
    """The KPIs key results name exist (the rest is :func:`check_key_result_ids`)."""
    suggest = Suggest(index.kpi_by_id)
    for facts in index.objective_facts:
        for i, kpi in facts.kpi_refs:
            if kpi not in index.kpi_by_id:
                message = f"unknown KPI '{kpi}'{suggest(kpi)}"
                yield facts.doc.problem(("key_results", i, "kpi"), message)


def check_key_result_ids(doc: Document) -> Iterator[Problem]:
    """Key-result ids are unique per objective; a metric's target differs from start."""
    first: dict[str, int] = {}
    for i, kr_id in enumerate(key_result_ids(doc)):
        if kr_id is not None and first.setdefault(kr_id, i) != i:
            line = doc.line_of(("key_results", first[kr_id]))
            message = f"duplicate key result id '{kr_id}' (also on line {line})"
            yield doc.problem(("key_results", i, "id"), message)
    for i, kr in entries(doc.data, "key_results"):
        start, target = number_field(kr, "start"), number_field(kr, "target")
        if kr_type(kr) == "metric" and start is not None and start == target:
            message = f"must differ from start ({show(start)})"
            yield doc.problem(("key_results", i, "target"), message)


def check_aligned_key_results(index: Index) -> Iterator[Problem]:
    """An ``aligned`` key result has at least one objective aligned to it."""
    targets = {ref for ref in _parent_refs(index) if "#" in ref}
    for facts in index.objective_facts_by_id.values():
        for i in facts.aligned:
            ref = f"{facts.id}#{facts.kr_ids[i]}"
            if ref not in targets:
                message = f"no objective is aligned to it: add parent: {ref} to one"
                yield facts.doc.problem(("key_results", i, "type"), message)


def _parent_refs(index: Index) -> Iterator[str]:
    for facts in index.objective_facts:
        if facts.parent:
            yield facts.parent


def check_measured(index: Index) -> Iterator[Problem]:
    """An objective has a key result, or at least one objective aligned directly to it."""
    direct = {ref for ref in _parent_refs(index) if "#" not in ref}
    for facts in index.objective_facts:
        goal = facts.id
        if facts.has_key_results or goal is None or goal in direct:
            continue
        message = (
            "needs at least one key result, or an objective aligned directly to it "
            f"(parent: {goal})"
        )
        yield facts.doc.problem(("key_results",), message)


def check_shared(index: Index) -> Iterator[Problem]:
    """A ``shared`` key result names an existing key result of another objective that is
    neither shared nor aligned (once per objective: :func:`check_shared_once`), and does not
    publish a private one."""
    suggest = Suggest(index.objective_by_id)
    for facts in index.objective_facts:
        doc = facts.doc
        for i, ref in facts.shares:
            kr = doc.data["key_results"][i]
            message = _shared_source_problem(index, doc, kr, ref, suggest)
            if message is not None:
                yield doc.problem(("key_results", i, "from"), message)


def check_shared_once(doc: Document) -> Iterator[Problem]:
    """An objective shares each key result once."""
    first: dict[str, int] = {}
    for i, ref in _shares(list(entries(doc.data, "key_results"))):
        if first.setdefault(ref, i) != i:
            line = doc.line_of(("key_results", first[ref], "from"))
            message = f"shares '{ref}' a second time (also on line {line})"
            yield doc.problem(("key_results", i, "from"), message)


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


def check_each_document(index: Index) -> Iterator[Problem]:
    """The problems of the rules about one document alone (:data:`OBJECTIVE_RULES`,
    :data:`KPI_RULES`), found when its facts were."""
    for facts in (*index.objective_facts, *index.kpi_facts):
        yield from facts.problems


DocumentRule = Callable[[Document], Iterable[Problem]]
OBJECTIVE_RULES: tuple[DocumentRule, ...] = (
    check_file_name_id,
    check_key_result_ids,
    check_shared_once,
    key_result_value_problems,
)
"""The rules that look at one objective alone: run once per document (:func:`goal_facts`)."""
KPI_RULES: tuple[DocumentRule, ...] = (check_file_name_id,)
"""The rules that look at one KPI alone."""

Rule = Callable[[Index], Iterable[Problem]]
RULES: tuple[Rule, ...] = (
    check_each_document,
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

