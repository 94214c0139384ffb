"""Stage 2: loaded documents -> every problem in them, at once.

Two passes, both reporting everything they find:

1. **The schemas** (``okrsite/schemas/*.schema.json``, JSON Schema 2020-12, the machine form of
   the goal-format spec). Every error of every document is turned into a :class:`Problem` at
   the line of the offending key, in the user's terms: :data:`DESCRIBE` maps each JSON Schema
   keyword to a function that words its errors.
2. **The cross-file rules** (:data:`RULES`): references between files (units, periods, parents,
   KPIs), duplicate ids, cycles, and the checks a schema cannot express. They run over an
   :class:`Index` built once, with dictionaries only, so they stay linear in the number of files.
   They look only at fields of the right shape: a field the schema refused is reported once.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .load import Document, FieldPath, LoadedTree, visible

if TYPE_CHECKING:  # jsonschema is imported when a document needs it: most never do
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_NAMES: tuple[str, ...] = ("org", "objective", "kpi")
"""The schemas ``okrsite schema`` prints, by name."""
GOAL_KINDS: tuple[str, ...] = ("objective", "kpi")
"""The values of ``kind`` in a goal file; each is also the name of its schema."""

SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}$"
"""Ids of units, objectives, key results and KPIs, as the schemas write it."""
PERIOD_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
"""Ids of periods."""
PARENT_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}(#[a-z0-9][a-z0-9-]{0,62})?$"
"""An objective's ``parent``: ``objective`` or ``objective#key-result``."""
OWNER_PATTERN = (
    "^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*|[^@\\s]+@[^@\\s]+\\.[^@\\s]+)$"
)
"""A unit's code owner: ``@user``, ``@org/team`` or an e-mail address."""
SLUG = re.compile(SLUG_PATTERN)
PERIOD_ID = re.compile(PERIOD_PATTERN)
PARENT_REF = re.compile(PARENT_PATTERN)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

KR_DEFAULT_TYPE = "metric"
DEFAULT_ON_TRACK = 0.7


def validate(tree: LoadedTree) -> list[Problem]:
    """Every problem of the documents in ``tree``: schema errors, then the cross-file rules.

    The loader's own problems (``tree.problems``) are not repeated here.
    """
    problems: list[Problem] = []
    if tree.org is not None:
        problems.extend(schema_problems(tree.org, "org"))
    objectives: list[Document] = []
    kpis: list[Document] = []
    for doc in tree.goals:
        kind = doc.data.get("kind")
        if kind not in GOAL_KINDS:
            problems.append(kind_problem(doc))
            continue
        problems.extend(schema_problems(doc, kind))
        (objectives if kind == "objective" else kpis).append(doc)
    index = build_index(tree.org, objectives, kpis)
    for rule in RULES:
        problems.extend(rule(index))
    return sorted(dict.fromkeys(problems))


# --- the schemas --------------------------------------------------------------------------


def schema_text(name: str) -> str:
    """The JSON text of a schema (``org``, ``objective`` or ``kpi``), as shipped."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"no schema named {name!r}: choose one of {', '.join(SCHEMA_NAMES)}")
    return resources.files("okrsite").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")


@cache
def schema(name: str) -> Mapping[str, Any]:
    """A schema as data (parsed once per process; do not modify it)."""
    return json.loads(schema_text(name))


Check = Callable[[Any], bool]
"""A test of a value against a schema."""


@dataclass(frozen=True, slots=True)
class Compiled:
    """A schema arranged for speed, finding exactly the errors the shipped schema finds.

    Two things are rearranged once: local ``$ref``s are replaced by what they point to, and a
    key result's type rules (the ``allOf`` of ``if type = X then …`` in ``$defs.keyResult``)
    are split off, to be applied per key result by its type instead of testing every ``if`` on
    every key result. Each part has a fast test (:func:`quick_check`); jsonschema
    (:func:`full_validator`) runs only on a part that fails it, and finds every error there.
    """

    base: Mapping[str, Any]
    """The schema without the key results' type rules."""
    quick: Check
    """A fast test of ``base``: true only for a document ``base`` finds nothing wrong with."""
    type_rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Key-result type -> the rules that type adds (its ``then``)."""
    quick_by_type: Mapping[str, Check] = field(default_factory=dict)


@cache
def compiled(name: str) -> Compiled:
    """The schema ``name``, arranged once per process."""
    whole = schema(name)
    defs = dict(whole.get("$defs", {}))
    rules = defs.get("keyResult", {}).get("allOf", ())
    if rules:
        defs["keyResult"] = {k: v for k, v in defs["keyResult"].items() if k != "allOf"}
    base = _inline({k: v for k, v in whole.items() if k != "$defs"}, defs)
    then = {r["if"]["properties"]["type"]["const"]: r["then"] for r in rules}
    return Compiled(
        base=base,
        quick=quick_check(base),
        type_rules=then,
        quick_by_type={kr_type: quick_check(rule) for kr_type, rule in then.items()},
    )


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/name"}`` replaced by that definition."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _inline(defs[ref.removeprefix("#/$defs/")], defs)
    return {key: _inline(value, defs) for key, value in node.items()}


@cache
def full_validator(name: str, kr_type: str | None = None) -> Draft202012Validator:
    """jsonschema's validator of a schema's base, or of one key-result type's rules; built once."""
    rules = compiled(name)
    return validator_class()(
        rules.base if kr_type is None else rules.type_rules[kr_type],
        format_checker=validator_class().FORMAT_CHECKER,
    )


@cache
def validator_class() -> type[Draft202012Validator]:
    """Draft 2020-12, with ``pattern`` read as JSON Schema reads it (see :func:`_regex`)."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(
        _validator: Draft202012Validator, pattern: str, instance: Any, _schema: Any
    ) -> Iterator[ValidationError]:
        if isinstance(instance, str) and not _regex(pattern).search(instance):
            yield ValidationError(f"{instance} does not match {pattern}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern for Python: its final ``$`` ends the text, as in JSON Schema's regexes
    (Python's ``$`` would also match before a final newline and let ``"sales\\n"`` pass)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def schema_problems(doc: Document, name: str) -> Iterator[Problem]:
    """Every schema error of one document."""
    rules = compiled(name)
    if not rules.quick(doc.data):
        for error in full_validator(name).iter_errors(doc.data):
            yield from _problems(doc, (), error, DESCRIBE)
    key_results = doc.data.get("key_results") if rules.type_rules else None
    if not isinstance(key_results, list):
        return
    for i, kr in enumerate(key_results):
        kr_type = kr.get("type", KR_DEFAULT_TYPE) if isinstance(kr, dict) else None
        quick = rules.quick_by_type.get(kr_type) if isinstance(kr_type, str) else None
        if quick is None or quick(kr):
            continue
        describe = _type_rule_describers(kr_type, kr, rules.type_rules[kr_type])
        for error in full_validator(name, kr_type).iter_errors(kr):
            yield from _problems(doc, ("key_results", i), error, describe)


# --- a fast path for valid documents ------------------------------------------------------

def quick_check(node: Any) -> Check:
    """A fast, sound test of a schema: when it says true, jsonschema finds no error.

    Most documents are valid, and jsonschema takes a quarter of a millisecond for one; this
    closure tree takes a few microseconds. It knows only the keywords the shipped schemas use
    and answers false for anything it does not know or is unsure of, so a false answer only
    means "let jsonschema look" and the errors always come from jsonschema.
    """
    if isinstance(node, bool):
        return _always if node else _never
    checks: list[Check] = []
    for keyword, value in node.items():
        if keyword in _ANNOTATIONS:
            continue
        make = _QUICK.get(keyword)
        if make is None:
            return _never
        checks.append(make(value, node))
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check_all(instance: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop is twice as fast as all() of a generator
            if not check(instance):
                return False
        return True

    return check_all


def _always(_instance: Any) -> bool:
    return True


def _never(_instance: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_QUICK_TYPES: Mapping[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or v.is_integer()),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _quick_type(name: Any, _node: Any) -> Check:
    return _QUICK_TYPES.get(name, _never) if isinstance(name, str) else _never


def _quick_enum(choices: Any, _node: Any) -> Check:
    strings = {c for c in choices if isinstance(c, str)}
    return lambda v: isinstance(v, str) and v in strings


def _quick_const(value: Any, node: Any) -> Check:
    return _quick_enum([value], node)


def _quick_pattern(pattern: str, _node: Any) -> Check:
    search = _regex(pattern).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _quick_format(name: str, _node: Any) -> Check:
    if name != "date":
        return _never
    return lambda v: not isinstance(v, str) or as_date(v) is not None


def _quick_bound(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Check]:
    def make(limit: Any, _node: Any) -> Check:
        return lambda v: not _is_number(v) or test(v, limit)

    return make


def _quick_length(test: Callable[[int, int], bool], kind: type) -> Callable[[Any, Any], Check]:
    def make(limit: int, _node: Any) -> Check:
        return lambda v: not isinstance(v, kind) or test(len(v), limit)

    return make


def _quick_unique(unique: bool, _node: Any) -> Check:
    def check(v: Any) -> bool:
        if not unique or not isinstance(v, list):
            return True
        return all(isinstance(x, str) for x in v) and len(set(v)) == len(v)

    return check


def _quick_required(names: list[str], _node: Any) -> Check:
    return lambda v: not isinstance(v, dict) or all(name in v for name in names)


def _quick_properties(properties: Mapping[str, Any], _node: Any) -> Check:
    checks = {name: quick_check(sub) for name, sub in properties.items()}

    def check(v: Any) -> bool:
        if isinstance(v, dict):
            for key, value in v.items():
                sub = checks.get(key)
                if sub is not None and not sub(value):
                    return False
        return True

    return check


def _quick_additional(extra: Any, node: Any) -> Check:
    known = frozenset(node.get("properties", {}))
    if extra is False:
        return lambda v: not isinstance(v, dict) or known.issuperset(v)
    other = quick_check(extra)
    return lambda v: not isinstance(v, dict) or all(k in known or other(x) for k, x in v.items())


def _quick_items(items: Any, _node: Any) -> Check:
    each = quick_check(items)

    def check(v: Any) -> bool:
        if isinstance(v, list):
            for item in v:
                if not each(item):
                    return False
        return True

    return check


_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "default", "examples"})
_QUICK: Mapping[str, Callable[[Any, Any], Check]] = {
    "type": _quick_type,
    "enum": _quick_enum,
    "const": _quick_const,
    "pattern": _quick_pattern,
    "format": _quick_format,
    "minimum": _quick_bound(lambda v, limit: v >= limit),
    "maximum": _quick_bound(lambda v, limit: v <= limit),
    "exclusiveMinimum": _quick_bound(lambda v, limit: v > limit),
    "exclusiveMaximum": _quick_bound(lambda v, limit: v < limit),
    "minItems": _quick_length(lambda n, limit: n >= limit, list),
    "maxItems": _quick_length(lambda n, limit: n <= limit, list),
    "minLength": _quick_length(lambda n, limit: n >= limit, str),
    "uniqueItems": _quick_unique,
    "required": _quick_required,
    "properties": _quick_properties,
    "additionalProperties": _quick_additional,
    "items": _quick_items,
}
"""JSON Schema keyword -> a maker of its fast test (``if``, ``allOf``, ``$ref``… are not here:
a schema that uses them is always left to jsonschema)."""


def kind_problem(doc: Document) -> Problem:
    """The one problem of a goal file whose ``kind`` is missing or wrong."""
    if "kind" not in doc.data:
        return doc.problem(("kind",), "required field missing: write kind: objective or kind: kpi")
    return doc.problem(("kind",), one_of(GOAL_KINDS, doc.data["kind"]))


# --- wording schema errors ----------------------------------------------------------------

Finding = tuple[FieldPath, str]
"""Where a problem is (a field path in the document) and what it is."""
Describer = Callable[["ValidationError"], Iterator[Finding]]
"""Words one kind of schema error; paths are relative to the validated instance."""


def _problems(
    doc: Document, prefix: FieldPath, error: ValidationError, describe: Mapping[Any, Describer]
) -> Iterator[Problem]:
    words = describe.get(error.validator, _describe_other)
    for path, message in words(error):
        yield doc.problem((*prefix, *path), message)


def _at(error: ValidationError, *more: str | int) -> FieldPath:
    return (*error.absolute_path, *more)


def _describe_required(error: ValidationError) -> Iterator[Finding]:
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            yield _at(error, name), "required field missing"


def _describe_unknown(error: ValidationError) -> Iterator[Finding]:
    known = error.schema.get("properties", {})
    for name in error.instance:
        if name not in known:
            yield _at(error, name), f"unknown field {show(name)}{did_you_mean(name, known)}"


def _describe_type(error: ValidationError) -> Iterator[Finding]:
    wanted = error.validator_value
    names = [wanted] if isinstance(wanted, str) else wanted
    what = " or ".join(TYPE_WORDS.get(n, n) for n in names)
    hint = ""
    if names == ["string"] and isinstance(error.instance, (int, float)):
        hint = f" (quote it: \"{show(error.instance)}\")"
    yield _at(error), f"must be {what}, not {show(error.instance)}{hint}"


def _describe_enum(error: ValidationError) -> Iterator[Finding]:
    yield _at(error), one_of(error.validator_value, error.instance)


def _describe_const(error: ValidationError) -> Iterator[Finding]:
    yield _at(error), f"must be {show(error.validator_value)}, not {show(error.instance)}"


def _describe_format(error: ValidationError) -> Iterator[Finding]:
    what = FORMAT_WORDS.get(error.validator_value, f"a valid {error.validator_value}")
    yield _at(error), f"{show(error.instance)} is not {what}"


def _describe_pattern(error: ValidationError) -> Iterator[Finding]:
    what, example = PATTERN_WORDS.get(error.validator_value, ("valid here", None))
    hint = ""
    if example is not None and isinstance(error.instance, str):
        suggestion = example(error.instance)
        if suggestion and suggestion != error.instance:
            hint = f" (e.g. '{suggestion}')"
    yield _at(error), f"{show(error.instance)} is not {what}{hint}"


def _describe_bound(words: str) -> Describer:
    def describe(error: ValidationError) -> Iterator[Finding]:
        limit = show(error.validator_value)
        yield _at(error), f"must be {words} {limit}, not {show(error.instance)}"

    return describe


def _describe_min_items(error: ValidationError) -> Iterator[Finding]:
    count = error.validator_value
    yield _at(error), f"must have at least {count} {_noun(error, count)}"


def _describe_max_items(error: ValidationError) -> Iterator[Finding]:
    count = error.validator_value
    noun = _noun(error, count)
    yield _at(error), f"must have at most {count} {noun}, not {len(error.instance)}"


def _describe_min_length(error: ValidationError) -> Iterator[Finding]:
    yield _at(error), "must not be empty"


def _describe_unique(error: ValidationError) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, item in enumerate(error.instance):
        key = json.dumps(item, sort_keys=True)
        if key in seen:
            yield _at(error, i), f"{show(item)} is listed more than once"
        seen.add(key)


def _describe_other(error: ValidationError) -> Iterator[Finding]:
    yield _at(error), "is not allowed here"


def _noun(error: ValidationError, count: int) -> str:
    field_name = error.absolute_path[-1] if error.absolute_path else ""
    noun = LIST_NOUNS.get(field_name, "entry") if isinstance(field_name, str) else "entry"
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


DESCRIBE: Mapping[Any, Describer] = {
    "required": _describe_required,
    "additionalProperties": _describe_unknown,
    "type": _describe_type,
    "enum": _describe_enum,
    "const": _describe_const,
    "format": _describe_format,
    "pattern": _describe_pattern,
    "minimum": _describe_bound("at least"),
    "maximum": _describe_bound("at most"),
    "exclusiveMinimum": _describe_bound("greater than"),
    "exclusiveMaximum": _describe_bound("less than"),
    "minItems": _describe_min_items,
    "maxItems": _describe_max_items,
    "minLength": _describe_min_length,
    "uniqueItems": _describe_unique,
}
"""JSON Schema keyword -> the function that words its errors."""


def _type_rule_describers(
    kr_type: str, key_result: Mapping[str, Any], rule: Mapping[str, Any]
) -> Mapping[Any, Describer]:
    """Errors of a key result's type rules name the type (``None`` is a ``false`` schema)."""
    article = "an" if kr_type[:1] in "aeiou" else "a"
    implicit = "type" not in key_result
    which = f"{article} {kr_type} key result" + (" (the default type)" if implicit else "")

    def required(error: ValidationError) -> Iterator[Finding]:
        for path, _ in _describe_required(error):
            yield path, f"required for {which}"

    def unused(error: ValidationError) -> Iterator[Finding]:
        # jsonschema leaves the field out of a ``false`` schema's error path: name every field
        # this type does not use (repeats are dropped later).
        for name, allowed in rule.get("properties", {}).items():
            if allowed is False and name in key_result:
                yield (name,), f"not used by {which}"

    return {"required": required, None: unused}


TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}
FORMAT_WORDS = {"date": "a valid date (YYYY-MM-DD)"}
LIST_NOUNS = {
    "key_results": "key result",
    "units": "unit",
    "periods": "period",
    "values": "value",
    "history": "check-in",
    "owners": "owner",
}


def slugify(text: str) -> str:
    """A likely id for a text: ``Sales Team`` -> ``sales-team``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63]


def _period_like(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")[:32]


PATTERN_WORDS: Mapping[str, tuple[str, Callable[[str], str] | None]] = {
    SLUG_PATTERN: ("a valid id: lowercase letters, digits and '-', at most 63 characters", slugify),
    PERIOD_PATTERN: (
        "a valid period id: letters, digits, '.', '_' and '-', at most 32 characters",
        _period_like,
    ),
    PARENT_PATTERN: ("a valid parent: an objective id, or 'objective-id#key-result-id'", None),
    OWNER_PATTERN: ("a code owner: '@user', '@org/team' or an e-mail address", None),
}
"""A schema ``pattern`` -> what it means in words, and how to suggest a valid value."""


def one_of(choices: Iterable[Any], value: Any) -> str:
    """``must be one of: a, b (did you mean 'a'?)``."""
    names = [str(c) for c in choices]
    message = f"must be one of: {', '.join(names)}"
    hint = did_you_mean(value, names) if isinstance(value, str) else ""
    return message + (hint or f" (not {show(value)})")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'target'?)`` when a candidate is close to ``word``, else ``""``."""
    pool = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(word.lower(), pool, n=1, cutoff=0.6)
    return f" (did you mean '{pool[close[0]]}'?)" if close else ""


def show(value: Any) -> str:
    """A value as the user wrote it in YAML, for messages: ``'abc'``, ``10``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "…"
        return f"'{visible(text)}'"
    return "a list" if isinstance(value, list) else "a mapping"


# --- the index the cross-file rules share -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A period's days, both ends included."""

    start: date
    end: date

    def encloses(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Index:
    """What the cross-file rules look up, built once per run."""

    org: Document | None
    units: Mapping[str, int] | None
    """Unit id -> position of its first entry in ``units``; ``None`` when they are unknown."""
    periods: Mapping[str, Span | None] | None
    """Period id -> its days (``None`` if its dates are wrong); ``None`` when unknown."""
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
        periods=_period_spans(org),
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
    return text_field(kr, "id") if "id" in kr else f"kr{position + 1}"


def _unit_positions(org: Document | None) -> dict[str, int] | None:
    if org is None or not isinstance(org.data.get("units"), list):
        return None
    units: dict[str, int] = {}
    for i, unit in entries(org.data, "units"):
        unit_id = text_field(unit, "id")
        if unit_id is not None:
            units.setdefault(unit_id, i)
    return units


def _period_spans(org: Document | None) -> dict[str, Span | None] | None:
    if org is None or not isinstance(org.data.get("periods"), list):
        return None
    periods: dict[str, Span | None] = {}
    for _, period in entries(org.data, "periods"):
        period_id = text_field(period, "id", PERIOD_ID)
        if period_id is not None and period_id not in periods:
            periods[period_id] = _span(period)
    return periods


def _span(period: Mapping[str, Any]) -> Span | None:
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    return Span(start, end) if start and end and start <= end else None


def as_date(value: Any) -> date | None:
    """An ISO date string as a date; ``None`` for anything else (the schema reports it)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- cross-file rules ---------------------------------------------------------------------


class Suggest:
    """``did_you_mean`` over one set of ids, computed once per misspelling."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self._candidates = candidates
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if word not in self._cache:
            self._cache[word] = did_you_mean(word, self._candidates)
        return self._cache[word]


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
    my_span, their_span = index.periods.get(mine or ""), index.periods.get(theirs or "")
    if my_span and their_span and not their_span.encloses(my_span):
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

