"""Completion: the field names the schema allows in the mapping under the cursor (for a key
result, those of its ``type``), and the values a field may take."""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from lsprotocol import types

from .choices import Choices
from .folder import Folder
from .positions import context_at, file_kind, tokens, yaml_lines
from .schemas import fields_of, schema_at, type_words


def yaml_scalar(value: str) -> str:
    """``value`` as YAML reads it back as that text: ``"2026"``, quoted; ``2026-Q4`` plain."""
    try:
        plain = yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def complete(lines: Sequence[str], is_org: bool, line: int, column: int,
             folder: Folder | None) -> list[types.CompletionItem]:
    """The completion items at the cursor, with columns in characters (code points)."""
    span = yaml_lines(lines, is_org)
    ctx = context_at(lines, span, line, column)
    if ctx is None:
        return []
    kind = file_kind(lines, span, is_org)

    def edit(text: str, start: int) -> types.TextEdit:
        where = types.Range(types.Position(line, start), types.Position(line, column))
        return types.TextEdit(where, text)

    if ctx.is_value:
        if kind is None and ctx.path != ("kind",):
            return []
        itself = None
        for i in span:
            for token in tokens(lines[i]):
                if token.column == 0 and token.key == "id":
                    itself = token.value
        choices = Choices(folder).values(kind or "objective", ctx.path, ctx.partial, itself)
        lead = "" if ctx.space else " "
        return [
            types.CompletionItem(
                label=value, kind=types.CompletionItemKind.Value, detail=detail or None,
                documentation=docs or None, filter_text=value, sort_text=f"{i:05}",
                text_edit=edit(lead + yaml_scalar(value), ctx.start),
            )
            for i, (value, detail, docs) in enumerate(choices)
        ]
    if kind is None:
        if ctx.path:
            return []
        return [types.CompletionItem(label="kind", kind=types.CompletionItemKind.Property,
                                     detail="objective | kpi", text_edit=edit("kind: ", ctx.start))]
    node = schema_at(kind, ctx.path)
    if node is None or "properties" not in node:
        return []
    items = []
    for i, (name, schema, required) in enumerate(fields_of(node, ctx.siblings)):
        if name in ctx.siblings:
            continue
        detail = type_words(schema) + (" (required)" if required else "")
        description = schema.get("description")
        items.append(types.CompletionItem(
            label=name, kind=types.CompletionItemKind.Property, detail=detail,
            documentation=types.MarkupContent(types.MarkupKind.Markdown, description)
            if isinstance(description, str) else None,
            sort_text=f"{0 if required else 1}{i:03}", filter_text=name,
            text_edit=edit(f"{name}: ", ctx.start),
        ))
    return items
