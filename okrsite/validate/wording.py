"""Problems in the user's words: schema errors, values as written in YAML, did-you-mean.

:data:`DESCRIBE` maps each JSON Schema keyword to the function that words its errors; a
jsonschema error is first read into a :class:`Violation`, so that the describers see typed,
always-set fields (jsonschema's own may be unset on errors it did not raise itself).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..load import FieldPath, visible
from .schema import OWNER_PATTERN, PARENT_PATTERN, PERIOD_PATTERN, SLUG_PATTERN

if TYPE_CHECKING:
    from jsonschema import ValidationError

Finding = tuple[FieldPath, str]
"""Where a problem is (a field path in the document) and what it is."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One schema error, as the describers read it."""

    keyword: str | None
    """The keyword that failed (``required``, ``type``…); ``None`` for a ``false`` schema."""
    expected: Any
    """The keyword's value in the schema: the required names, the choices, the limit…"""
    instance: Any
    """The value that failed."""
    path: FieldPath
    """Where that value is, relative to the validated instance."""
    schema: Mapping[str, Any]
    """The schema the keyword is in (empty for a boolean schema)."""

    @classmethod
    def of(cls, error: ValidationError) -> Violation:
        """jsonschema's error, read once."""
        return cls(
            keyword=error.validator if isinstance(error.validator, str) else None,
            expected=error.validator_value,
            instance=error.instance,
            path=tuple(error.absolute_path),
            schema=error.schema if isinstance(error.schema, Mapping) else {},
        )

    def at(self, *more: str | int) -> FieldPath:
        """The path of the value, or of something inside it."""
        return (*self.path, *more)


Describer = Callable[[Violation], Iterator[Finding]]
"""Words one kind of schema error; paths are relative to the validated instance."""


def describe(
    error: ValidationError, describers: Mapping[str | None, Describer]
) -> Iterator[Finding]:
    """Every finding of one jsonschema error, worded by ``describers`` (by keyword)."""
    violation = Violation.of(error)
    return describers.get(violation.keyword, _describe_other)(violation)


def _describe_required(error: Violation) -> Iterator[Finding]:
    for name in error.expected:
        if isinstance(error.instance, dict) and name not in error.instance:
            yield error.at(name), "required field missing"


def _describe_unknown(error: Violation) -> Iterator[Finding]:
    known = error.schema.get("properties", {})
    for name in error.instance:
        if name not in known:
            yield error.at(name), f"unknown field {show(name)}{did_you_mean(name, known)}"


def _describe_type(error: Violation) -> Iterator[Finding]:
    wanted = error.expected
    names = [wanted] if isinstance(wanted, str) else wanted
    what = " or ".join(TYPE_WORDS.get(n, n) for n in names)
    hint = ""
    if names == ["string"] and isinstance(error.instance, (int, float)):
        hint = f" (quote it: \"{show(error.instance)}\")"
    yield error.at(), f"must be {what}, not {show(error.instance)}{hint}"


def _describe_enum(error: Violation) -> Iterator[Finding]:
    yield error.at(), one_of(error.expected, error.instance)


def _describe_const(error: Violation) -> Iterator[Finding]:
    yield error.at(), f"must be {show(error.expected)}, not {show(error.instance)}"


def _describe_format(error: Violation) -> Iterator[Finding]:
    what = FORMAT_WORDS.get(error.expected, f"a valid {error.expected}")
    yield error.at(), f"{show(error.instance)} is not {what}"


def _describe_pattern(error: Violation) -> Iterator[Finding]:
    what, example = PATTERN_WORDS.get(error.expected, ("valid here", None))
    hint = ""
    if example is not None and isinstance(error.instance, str):
        suggestion = example(error.instance)
        if suggestion and suggestion != error.instance:
            hint = f" (e.g. '{suggestion}')"
    yield error.at(), f"{show(error.instance)} is not {what}{hint}"


def _describe_bound(words: str) -> Describer:
    def describe(error: Violation) -> Iterator[Finding]:
        limit = show(error.expected)
        yield error.at(), f"must be {words} {limit}, not {show(error.instance)}"

    return describe


def _describe_min_items(error: Violation) -> Iterator[Finding]:
    count = error.expected
    yield error.at(), f"must have at least {count} {_noun(error, count)}"


def _describe_max_items(error: Violation) -> Iterator[Finding]:
    count = error.expected
    noun = _noun(error, count)
    yield error.at(), f"must have at most {count} {noun}, not {len(error.instance)}"


def _describe_min_length(error: Violation) -> Iterator[Finding]:
    yield error.at(), "must not be empty"


def _describe_unique(error: Violation) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, item in enumerate(error.instance):
        key = json.dumps(item, sort_keys=True)
        if key in seen:
            yield error.at(i), f"{show(item)} is listed more than once"
        seen.add(key)


def _describe_other(error: Violation) -> Iterator[Finding]:
    yield error.at(), "is not allowed here"


def _noun(error: Violation, count: int) -> str:
    field_name = error.path[-1] if error.path else ""
    noun = LIST_NOUNS.get(field_name, "entry") if isinstance(field_name, str) else "entry"
    if count == 1:
        return noun
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


DESCRIBE: Mapping[str | None, Describer] = {
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


def type_rule_describers(
    kr_type: str, key_result: Mapping[str, Any], rule: Mapping[str, Any]
) -> Mapping[str | None, Describer]:
    """Errors of a key result's type rules name the type (``None`` is a ``false`` schema)."""
    article = "an" if kr_type[:1] in "aeiou" else "a"
    implicit = "type" not in key_result
    which = f"{article} {kr_type} key result" + (" (the default type)" if implicit else "")

    def required(error: Violation) -> Iterator[Finding]:
        for path, _ in _describe_required(error):
            yield path, f"required for {which}"

    def unused(_error: Violation) -> Iterator[Finding]:
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


class Suggest:
    """:func:`did_you_mean` over one set of ids, computed once per misspelling."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self._candidates = candidates
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if word not in self._cache:
            self._cache[word] = did_you_mean(word, self._candidates)
        return self._cache[word]


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
