"""The JSON Schemas of the goal format (``okrsite/schemas/*.schema.json``, JSON Schema 2020-12).

Their text and data, the patterns and formats they use as Python reads them, and jsonschema's
validators of them. Each schema is arranged once (:func:`compiled`): local ``$ref``s inlined and
a key result's type rules split off, so that a key result is checked against its own type's
rules only. jsonschema itself is imported only when a document needs it: most never do (see
:mod:`.fast`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..vocabulary import KrType

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.protocols import Validator

SCHEMA_NAMES: tuple[str, ...] = ("org", "objective", "kpi")
"""The schemas ``okrsite schema`` prints, by name."""
GOAL_KINDS: tuple[str, ...] = ("objective", "kpi")
"""The values of ``kind`` in a goal file; each is also the name of its schema."""
KR_DEFAULT_TYPE: KrType = "metric"
"""The type of a key result written without one (the schema's ``default``; a test checks)."""

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
TAG_PATTERN = "^[a-z0-9][a-z0-9-]{0,31}$"
"""A tag of an objective, key result or KPI."""
SHARED_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}#[a-z0-9][a-z0-9-]{0,62}$"
"""A shared key result's ``from``: ``objective#key-result``."""
_NOT_IN_URL = "\\u0000-\\u0020\\u007f-\\u009f\\\\"
LINK_PATTERN = (
    f"^(?:https?://[^/?#{_NOT_IN_URL}]|mailto:[^{_NOT_IN_URL}]"
    r"|/(?![/\\])(?!(?:[^/?#]*/)*?(?:\.|%2[eE]){2}(?:[/?#]|$)))"
    f"[^{_NOT_IN_URL}]*$"
)
"""A link's ``url``: ``https://host…``, ``http://host…``, ``mailto:…``, or a path on the site
(``/…``, not ``//host``, with no ``..`` segment, also not percent-encoded), with no space,
control character or backslash anywhere (browsers read a backslash as ``/``)."""
SLUG = re.compile(SLUG_PATTERN)
PERIOD_ID = re.compile(PERIOD_PATTERN)
PARENT_REF = re.compile(PARENT_PATTERN)
SHARED_REF = re.compile(SHARED_PATTERN)
TAG = re.compile(TAG_PATTERN)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def schema_text(name: str) -> str:
    """The JSON text of a schema (``org``, ``objective`` or ``kpi``), as shipped."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"no schema named {name!r}: choose one of {', '.join(SCHEMA_NAMES)}")
    return resources.files("okrsite").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")


@cache
def schema_data(name: str) -> Mapping[str, Any]:
    """A schema as data (parsed once per process; do not modify it)."""
    data: dict[str, Any] = json.loads(schema_text(name))
    return data


@dataclass(frozen=True, slots=True)
class Compiled:
    """A schema arranged for speed, finding exactly the errors the shipped schema finds.

    Two things are rearranged once: local ``$ref``s are replaced by what they point to, and a
    key result's type rules (the ``allOf`` of ``if type = X then …`` in ``$defs.keyResult``)
    are split off, to be applied per key result by its type instead of testing every ``if`` on
    every key result.
    """

    base: Mapping[str, Any]
    """The schema without the key results' type rules."""
    type_rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Key-result type -> the rules that type adds (its ``then``)."""


@cache
def compiled(name: str) -> Compiled:
    """The schema ``name``, arranged once per process."""
    whole = schema_data(name)
    defs = dict(whole.get("$defs", {}))
    rules = defs.get("keyResult", {}).get("allOf", ())
    if rules:
        defs["keyResult"] = {k: v for k, v in defs["keyResult"].items() if k != "allOf"}
    base = _inline({k: v for k, v in whole.items() if k != "$defs"}, defs)
    then = {r["if"]["properties"]["type"]["const"]: r["then"] for r in rules}
    return Compiled(base=base, type_rules=then)


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
def full_validator(name: str, kr_type: str | None = None) -> Validator:
    """jsonschema's validator of a schema's base, or of one key-result type's rules; built once."""
    rules = compiled(name)
    return validator_class()(
        rules.base if kr_type is None else rules.type_rules[kr_type],
        format_checker=validator_class().FORMAT_CHECKER,
    )


@cache
def validator_class() -> type[Validator]:
    """Draft 2020-12, with ``pattern`` read as JSON Schema reads it (see :func:`pattern_regex`)."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(
        _validator: Draft202012Validator, pattern: str, instance: Any, _schema: Any
    ) -> Iterator[ValidationError]:
        if isinstance(instance, str) and not pattern_regex(pattern).search(instance):
            yield ValidationError(f"{instance} does not match {pattern}")

    extended: type[Validator] = validators.extend(Draft202012Validator, {"pattern": pattern})
    return extended


@cache
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern for Python: its final ``$`` ends the text, as in JSON Schema's regexes
    (Python's ``$`` would also match before a final newline and let ``"sales\\n"`` pass)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def as_date(value: Any) -> date | None:
    """An ISO date string (the schemas' ``format: date``) as a date; ``None`` for anything else."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
