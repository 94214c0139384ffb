"""What the JSON Schemas say of the field at a path: its schema, the fields a mapping may have,
its type in words (for completion and hover)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..load import FieldPath
from ..validate import schema_data


def _resolve(root: Mapping[str, Any], node: Any) -> Mapping[str, Any] | None:
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        node = root.get("$defs", {}).get(node["$ref"].rsplit("/", 1)[-1])
    return node if isinstance(node, Mapping) else None


def schema_at(name: str, path: FieldPath) -> Mapping[str, Any] | None:
    """The schema of the node at ``path`` in a document of schema ``name``."""
    root = schema_data(name)
    node = _resolve(root, root)
    for part in path:
        if node is None:
            return None
        if isinstance(part, int):
            node = _resolve(root, node.get("items"))
        else:
            node = _resolve(root, node.get("properties", {}).get(part))
    return node


def _condition_holds(condition: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    for key, rule in condition.get("properties", {}).items():
        if key in values:
            if isinstance(rule, Mapping) and "const" in rule and str(rule["const"]) != values[key]:
                return False
        elif key in condition.get("required", ()):
            return False
    return True


def fields_of(
    node: Mapping[str, Any], values: Mapping[str, str]
) -> list[tuple[str, Mapping[str, Any], bool]]:
    """``(name, schema, required)`` of every field a mapping may have, given the fields it has
    (a key result's ``type`` decides which of its fields apply)."""
    required = set(node.get("required", ()))
    refused: set[str] = set()
    for rule in node.get("allOf", ()):
        condition, then = rule.get("if"), rule.get("then")
        if isinstance(condition, Mapping) and isinstance(then, Mapping) and _condition_holds(
            condition, values
        ):
            required |= set(then.get("required", ()))
            refused |= {k for k, v in then.get("properties", {}).items() if v is False}
    return [
        (name, schema, name in required)
        for name, schema in node.get("properties", {}).items()
        if name not in refused and isinstance(schema, Mapping)
    ]


def type_words(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type", "")
    if kind == "array":
        return "list"
    if kind == "object":
        return "mapping"
    if schema.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return str(kind)
