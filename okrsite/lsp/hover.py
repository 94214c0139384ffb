"""Hover: the schema's description of the field under the cursor, and what an id names."""

from __future__ import annotations

from collections.abc import Sequence

from ..load import FieldPath
from .choices import Choices
from .folder import Folder
from .positions import file_kind, key_at, yaml_lines
from .schemas import schema_at, type_words


def hover_text(lines: Sequence[str], is_org: bool, line: int, column: int,
               folder: Folder | None) -> tuple[str, int, int] | None:
    """Markdown for the field under the cursor, and the columns of its key."""
    span = yaml_lines(lines, is_org)
    found = key_at(lines, span, line, column)
    kind = file_kind(lines, span, is_org)
    if found is None or kind is None:
        return None
    path, token, _ = found
    schema = schema_at(kind, path)
    if schema is None:
        return None
    assert token.key is not None
    text = f"**{token.key}** — {type_words(schema)}"
    if isinstance(schema.get("description"), str):
        text += "\n\n" + schema["description"]
    named = describe_value(kind, path, token.value, Choices(folder))
    if named:
        text += "\n\n" + named
    return text, token.column, token.column + len(token.key)


def describe_value(kind: str, path: FieldPath, value: str, choices: Choices) -> str | None:
    """What the id ``value`` at ``path`` names, in the folder."""
    if not value:
        return None
    options = choices.values(kind, path, value, None) if path[-1:] != ("kind",) else []
    for choice, detail, _ in options:
        if choice == value and detail:
            return f"`{value}`: {detail}"
    return None
