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
from ..vocabulary import LINK_SCHEMES
from .schema import (
    LINK_PATTERN,
    OWNER_PATTERN,
    PARENT_PATTERN,
    PERIOD_PATTERN,
    SHARED_PATTERN,
    SLUG_PATTERN,
    TAG_PATTERN,
    pattern_regex,
)

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
            synonym = SYNONYMS.get(name.lower()) if isinstance(name, str) else None
            hint = f" (did you mean '{synonym}'?)" if synonym in known else ""
            hint = hint or did_you_mean(name, known)
            yield error.at(name), f"unknown field {show(name)}{hint}"


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
    reason = PATTERN_REASONS.get(error.expected)
    if reason is not None and isinstance(error.instance, str):
        yield error.at(), reason(error.instance)
        return
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


def _describe_max_length(error: Violation) -> Iterator[Finding]:
    length = len(error.instance) if isinstance(error.instance, str) else 0
    yield error.at(), f"must be at most {error.expected:,} characters long, not {length:,}"


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
    "maxLength": _describe_max_length,
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
        for path, message in _describe_required(error):
            yield path, message if path[-1] in ALWAYS_REQUIRED else f"required for {which}"

    def unused(error: Violation) -> Iterator[Finding]:
        # jsonschema leaves the field out of a ``false`` schema's error path: find the rule and
        # the value at that path, and name every field there this type does not use (repeats
        # are dropped later).
        node: Any = rule
        value: Any = key_result
        for part in error.path:
            if isinstance(part, int):
                node = node.get("items", {}) if isinstance(node, Mapping) else {}
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                node = node.get("properties", {}).get(part, {}) if isinstance(node, Mapping) else {}
                value = value.get(part) if isinstance(value, Mapping) else None
        if not isinstance(node, Mapping) or not isinstance(value, Mapping):
            yield from _describe_other(error)
            return
        inside = error.path[:1] == ("history",)
        for name, allowed in node.get("properties", {}).items():
            if allowed is False and name in value:
                words = f"not used by {which}"
                if inside and name == "value":
                    words += ": its check-ins are dated notes"
                yield error.at(name), words

    return {**DESCRIBE, "required": required, None: unused}


ALWAYS_REQUIRED = frozenset({"title"})
"""Fields the type rules of (nearly) every key-result type require: their absence is worded
plainly ("required field missing"), not by type; only a shared key result may leave out its
title."""

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
    "tags": "tag",
    "links": "link",
    "items": "item",
}
SYNONYMS = {
    "href": "url",
    "link": "url",
    "uri": "url",
    "name": "title",
    "text": "title",
    "label": "title",
    "owner": "lead",
    "comment": "note",
    "comments": "note",
    "notes": "note",
    "author": "by",
    "who": "by",
    "checked": "done",
    "completed": "done",
    "complete": "done",
    "source": "from",
    "shares": "from",
    "labels": "tags",
    "deadline": "due",
    "checkins": "history",
    "check_ins": "history",
    "csv": "values_file",
    "file": "values_file",
    "frequency": "cadence",
}
"""Words users write for a field that difflib would not find close: ``href`` for ``url``,
``owner`` on a key result for ``lead``."""


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
    TAG_PATTERN: (
        "a valid tag: lowercase letters, digits and '-', at most 32 characters",
        lambda text: slugify(text)[:32].strip("-"),
    ),
    SHARED_PATTERN: ("a key result to share: 'objective-id#key-result-id'", None),
    LINK_PATTERN: ("a valid link", None),
}
"""A schema ``pattern`` -> what it means in words, and how to suggest a valid value."""


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
_USE = (
    f"use {', '.join(LINK_SCHEMES[:-1])} or {LINK_SCHEMES[-1]}, "
    "or a path on this site starting with '/'"
)


def link_problem(url: str) -> str | None:
    """What is wrong with a link's ``url``, in words; ``None`` when it is a valid link
    (exactly when it matches the schemas' :data:`~.schema.LINK_PATTERN`)."""
    if pattern_regex(LINK_PATTERN).search(url):
        return None
    shown = f"{show(url)} is not a valid link"
    scheme_match = _SCHEME.match(url)
    scheme = scheme_match.group(0) if scheme_match else None
    if _NOT_IN_URL.search(url):
        why = "it contains a space, a backslash or a control character (write a space as %20)"
    elif url.startswith("//"):
        why = "a protocol-relative URL ('//host') is not allowed: write 'https:' before it"
    elif url.startswith("/"):
        why = "a path on this site must not contain a '..' segment"
    elif scheme is not None and scheme.lower() in LINK_SCHEMES and scheme not in LINK_SCHEMES:
        why = f"write the scheme in lowercase ('{scheme.lower()}')"
    elif scheme in ("http:", "https:"):
        why = f"an {scheme} link needs '//' and a host, e.g. '{scheme}//example.com/'"
    elif scheme == "mailto:":
        why = "a mailto: link needs an address, e.g. 'mailto:team@example.com'"
    elif scheme is not None:
        why = f"the scheme {show(scheme)} is not allowed ({_USE})"
    else:
        why = "a relative path is not allowed: a path on this site starts with '/'"
    return f"{shown}: {why}"


PATTERN_REASONS: Mapping[str, Callable[[str], str]] = {
    LINK_PATTERN: lambda url: link_problem(url) or f"{show(url)} is not a valid link",
}
"""Patterns whose errors are explained by a function of the value rather than one sentence."""


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
