"""A fast path for valid documents: a hand-written, partial, sound JSON Schema test.

Most documents are valid, and jsonschema takes a quarter of a millisecond for one; the closure
tree :func:`quick_check` builds takes a few microseconds. It knows only the keywords the shipped
schemas use and answers false for anything it does not know or is unsure of, so a false answer
only means "let jsonschema look", and the errors always come from jsonschema.

This is a second, partial JSON Schema engine: every schema change must keep it sound. The tests
``test_the_fast_path_*`` (``tests/test_validate.py``) and ``test_the_fast_path_is_sound``
(``tests/test_fuzz.py``) compare it with jsonschema. It stays because it pays: about 3 s of a
30 s cold build of the 2,050-file synthetic organisation (``benchmarks/check.py`` times ``check``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sized
from dataclasses import dataclass
from functools import cache
from typing import Any

from .schema import as_date, compiled, pattern_regex

Check = Callable[[Any], bool]
"""A test of a value against a schema."""


@dataclass(frozen=True, slots=True)
class QuickTests:
    """The fast tests of one schema, arranged as :func:`.schema.compiled` arranges it."""

    base: Check
    """True only for a document the schema's base finds nothing wrong with."""
    by_type: Mapping[str, Check]
    """Key-result type -> the same for that type's rules, tested on one key result."""


@cache
def quick_tests(name: str) -> QuickTests:
    """The fast tests of the schema ``name``, built once per process."""
    rules = compiled(name)
    return QuickTests(
        base=quick_check(rules.base),
        by_type={kr_type: quick_check(rule) for kr_type, rule in rules.type_rules.items()},
    )


def quick_check(node: Any) -> Check:
    """A fast, sound test of a schema: when it says true, jsonschema finds no error."""
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
    search = pattern_regex(pattern).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _quick_format(name: str, _node: Any) -> Check:
    if name != "date":
        return _never
    return lambda v: not isinstance(v, str) or as_date(v) is not None


def _quick_bound(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Check]:
    def make(limit: Any, _node: Any) -> Check:
        return lambda v: not _is_number(v) or test(v, limit)

    return make


def _quick_length(
    test: Callable[[int, int], bool], kind: type[Sized]
) -> Callable[[Any, Any], Check]:
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
    "maxLength": _quick_length(lambda n, limit: n <= limit, str),
    "uniqueItems": _quick_unique,
    "required": _quick_required,
    "properties": _quick_properties,
    "additionalProperties": _quick_additional,
    "items": _quick_items,
}
"""JSON Schema keyword -> a maker of its fast test (``if``, ``allOf``, ``$ref``… are not here:
a schema that uses them is always left to jsonschema)."""
