"""Stage 2: loaded documents -> every problem in them, at once.

Two passes, both reporting everything they find:

1. **The schemas** (:mod:`.schema`: ``okrsite/schemas/*.schema.json``, JSON Schema 2020-12, the
   machine form of the goal-format spec). A document that the fast path (:mod:`.fast`) passes
   is valid; any other is handed to jsonschema, and every error it finds is turned into a
   :class:`~okrsite.errors.Problem` at the line of the offending key, in the user's terms
   (:mod:`.wording`).
2. **The rules** (:mod:`.rules`, :data:`RULES`): references between files (units, periods,
   parents, KPIs, shared key results), duplicate ids, cycles, and the checks a schema cannot
   express (:mod:`.values`: check-ins, stretch targets, due dates, a KPI's values and CSV file,
   and the range of numbers every stage handles).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import Problem
from ..load import Document, FieldPath, LoadedTree
from .fast import quick_check, quick_tests
from .rules import (
    RULES,
    GoalFacts,
    Index,
    Rule,
    build_index,
    find_cycles,
    goal_facts,
    goal_id,
    key_result_ids,
)
from .schema import (
    GOAL_KINDS,
    KR_DEFAULT_TYPE,
    LINK_PATTERN,
    OWNER_PATTERN,
    PARENT_PATTERN,
    PERIOD_PATTERN,
    SCHEMA_NAMES,
    SHARED_PATTERN,
    SLUG_PATTERN,
    TAG_PATTERN,
    as_date,
    compiled,
    full_validator,
    schema_data,
    schema_text,
    validator_class,
)
from .values import NUMBER_MAX, NUMBER_MIN, in_range, number_problems
from .wording import (
    DESCRIBE,
    PATTERN_WORDS,
    describe,
    did_you_mean,
    link_problem,
    one_of,
    show,
    slugify,
    type_rule_describers,
)

__all__ = [
    "DESCRIBE",
    "GOAL_KINDS",
    "KR_DEFAULT_TYPE",
    "LINK_PATTERN",
    "NUMBER_MAX",
    "NUMBER_MIN",
    "OWNER_PATTERN",
    "PARENT_PATTERN",
    "PATTERN_WORDS",
    "PERIOD_PATTERN",
    "RULES",
    "SCHEMA_NAMES",
    "SHARED_PATTERN",
    "SLUG_PATTERN",
    "TAG_PATTERN",
    "GoalFacts",
    "Index",
    "Rule",
    "SchemaCache",
    "as_date",
    "build_index",
    "compiled",
    "did_you_mean",
    "document_problems",
    "find_cycles",
    "full_validator",
    "goal_facts",
    "goal_id",
    "in_range",
    "key_result_ids",
    "kind_problem",
    "link_problem",
    "number_problems",
    "one_of",
    "quick_check",
    "quick_tests",
    "schema_data",
    "schema_problems",
    "schema_text",
    "show",
    "slugify",
    "validate",
    "validator_class",
]


def validate(tree: LoadedTree, cache: SchemaCache | None = None) -> list[Problem]:
    """Every problem of the documents in ``tree``: schema errors, then the cross-file rules.

    The loader's own problems (``tree.problems``) are not repeated here. With a ``cache``
    (kept by the caller from one run to the next), a document checked in the last run is not
    checked against its schema again, nor read again for the cross-file rules.
    """
    schema_checked = cache.problems if cache is not None else document_problems
    problems: list[Problem] = []
    if tree.org is not None:
        problems.extend(schema_checked(tree.org, "org"))
    objectives: list[Document] = []
    kpis: list[Document] = []
    for doc in tree.goals:
        kind = doc.data.get("kind")
        if kind not in GOAL_KINDS:
            problems.append(kind_problem(doc))
            continue
        problems.extend(schema_checked(doc, kind))
        (objectives if kind == "objective" else kpis).append(doc)
    if cache is not None:
        cache.keep((tree.org, *tree.goals))
    facts = cache.facts if cache is not None else goal_facts
    index = build_index(tree.org, objectives, kpis, tree.tables, facts)
    for rule in RULES:
        problems.extend(rule(index))
    return sorted(dict.fromkeys(problems))


class SchemaCache:
    """Each document's schema problems (:func:`document_problems`) and what the cross-file
    rules read of it (:func:`goal_facts`), for :func:`validate` to reuse: a caller that
    validates again and again after small edits (the live preview, the language server) keeps
    one and passes it to every run.

    Documents are told apart by identity, so the caller keeps the :class:`Document` of every
    file it did not parse again, and passes a new one for a file that changed (documents are
    frozen: the same object always has the same problems). Only the documents of the last
    run are remembered.
    """

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Document, str, tuple[Problem, ...]]] = {}
        self._facts: dict[int, tuple[Document, str, GoalFacts]] = {}

    def problems(self, doc: Document, name: str) -> tuple[Problem, ...]:
        """``document_problems(doc, name)``, computed once for each document."""
        entry = self._kept.get(id(doc))
        if entry is None or entry[0] is not doc or entry[1] != name:
            entry = (doc, name, tuple(document_problems(doc, name)))
            self._kept[id(doc)] = entry
        return entry[2]

    def facts(self, doc: Document, kind: str) -> GoalFacts:
        """``goal_facts(doc, kind)``, worked out once for each document."""
        entry = self._facts.get(id(doc))
        if entry is None or entry[0] is not doc or entry[1] != kind:
            entry = (doc, kind, goal_facts(doc, kind))
            self._facts[id(doc)] = entry
        return entry[2]

    def keep(self, docs: Iterable[Document | None]) -> None:
        """Forget every document but ``docs``."""
        wanted = {id(doc) for doc in docs if doc is not None}
        self._kept = {key: entry for key, entry in self._kept.items() if key in wanted}
        self._facts = {key: entry for key, entry in self._facts.items() if key in wanted}


def document_problems(doc: Document, name: str) -> list[Problem]:
    """The schema's problems with one document, and its numbers out of range (a field the
    schema already refused is not reported twice)."""
    found = list(schema_problems(doc, name))
    refused = {problem.path for problem in found}
    found.extend(p for p in number_problems(doc) if p.path not in refused)
    return found


def schema_problems(doc: Document, name: str) -> Iterator[Problem]:
    """Every schema error of one document: its base, then each key result by its type's rules.

    jsonschema runs only on a part that the fast path does not pass, and finds every error there.
    """
    rules, quick = compiled(name), quick_tests(name)
    if not quick.base(doc.data):
        for error in full_validator(name).iter_errors(doc.data):
            yield from _problems(doc, (), describe(error, DESCRIBE))
    key_results = doc.data.get("key_results") if rules.type_rules else None
    if not isinstance(key_results, list):
        return
    for i, kr in enumerate(key_results):
        kr_type = kr.get("type", KR_DEFAULT_TYPE) if isinstance(kr, dict) else None
        if not isinstance(kr_type, str) or kr_type not in rules.type_rules:
            continue  # not a mapping, or a type the base schema already refused
        if quick.by_type[kr_type](kr):
            continue
        words = type_rule_describers(kr_type, kr, rules.type_rules[kr_type])
        for error in full_validator(name, kr_type).iter_errors(kr):
            yield from _problems(doc, ("key_results", i), describe(error, words))


def _problems(
    doc: Document, prefix: FieldPath, findings: Iterator[tuple[FieldPath, str]]
) -> Iterator[Problem]:
    for path, message in findings:
        yield doc.problem((*prefix, *path), message)


def kind_problem(doc: Document) -> Problem:
    """The one problem of a goal file whose ``kind`` is missing or wrong."""
    if "kind" not in doc.data:
        return doc.problem(("kind",), "required field missing: write kind: objective or kind: kpi")
    return doc.problem(("kind",), one_of(GOAL_KINDS, doc.data["kind"]))

