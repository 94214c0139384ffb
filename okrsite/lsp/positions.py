"""Where the cursor is, in YAML being written: the field path of a line from the keys and list
items above it, by indentation, without parsing (the text under the cursor seldom parses)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..load import FieldPath
from ..validate import GOAL_KINDS

ITEM = -1
"""A list item in a field path whose position is not known (the cursor's)."""


@dataclass(frozen=True, slots=True)
class Token:
    """A list item's ``-`` (``key`` is None) or a ``key:`` on a line of YAML."""

    column: int
    key: str | None = None
    value: str = ""
    """The rest of the line after ``key:``, without quotes or a comment."""
    value_column: int = 0


_DASH = re.compile(r"-(?: +|$)")
_KEY = re.compile(r"""([A-Za-z_][\w-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|$)[ \t]*""")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def unquote(text: str) -> str:
    text = re.sub(r"(?:^|[ \t]+)#.*$", "", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def tokens(line: str) -> list[Token]:
    line = line.rstrip("\r\n")
    column = len(line) - len(line.lstrip(" "))
    rest = line[column:]
    found: list[Token] = []
    if not rest or rest.startswith("#"):
        return found
    while (dash := _DASH.match(rest)) is not None:
        found.append(Token(column))
        column += dash.end()
        rest = rest[dash.end():]
    if (key := _KEY.match(rest)) is not None:
        found.append(Token(column, unquote(key.group(1)), unquote(rest[key.end():]),
                           column + key.end()))
    return found


def yaml_lines(lines: Sequence[str], is_org: bool) -> range:
    """The lines that hold YAML: all of ``org.yml``; a goal file's front matter."""
    if is_org:
        return range(len(lines))
    if not lines or lines[0].rstrip("\r\n").rstrip() != "---":
        return range(0)
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i].rstrip("\r\n")):
            return range(1, i)
    return range(1, len(lines))


def path_above(lines: Sequence[str], span: range, line: int, column: int, item: bool) -> FieldPath:
    """The path of the node that starts at ``column`` on ``line`` (a list item when ``item``),
    from the keys and list items above it, by indentation."""
    path: list[str | int] = []
    target, in_item = column, item
    for i in range(line - 1, span.start - 1, -1):
        for token in reversed(tokens(lines[i])):
            compact = in_item and token.key is not None and not token.value
            if token.column < target or (token.column == target and compact):
                path.insert(0, token.key if token.key is not None else ITEM)
                target, in_item = token.column, token.key is None
        if target == 0 and not in_item:
            break
    return tuple(path)


def siblings(
    lines: Sequence[str], span: range, line: int, column: int, here: bool
) -> dict[str, str]:
    """The keys (and their values) of the mapping whose keys start at ``column``, around
    ``line`` (which starts that mapping's list item when ``here``)."""
    found: dict[str, str] = {}
    if not here:
        for i in range(line - 1, span.start - 1, -1):
            stop = False
            for token in reversed(tokens(lines[i])):
                if token.column < column:
                    stop = True
                    break
                if token.column == column and token.key is not None:
                    found[token.key] = token.value
            if stop:
                break
    for i in range(line + 1, span.stop):
        line_tokens = tokens(lines[i])
        if not line_tokens:
            continue
        first = line_tokens[0]
        if first.column < column or (first.column == column and first.key is None and here):
            break
        if first.column == column and first.key is not None:
            found[first.key] = first.value
    return found


@dataclass(frozen=True, slots=True)
class Context:
    """What is being written at the cursor."""

    path: FieldPath
    """The mapping whose key is written; for a value, the path of that key."""
    partial: str
    """What is written of the key or value so far."""
    start: int
    """The column where the key or value begins."""
    is_value: bool
    siblings: Mapping[str, str] = field(default_factory=dict)
    space: bool = True
    """For a value: there is a space after the colon."""


_LINE_START = re.compile(r"( *)((?:-(?: +|$))*)")
_VALUE_KEY = re.compile(r"""([A-Za-z_][\w-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:([ \t]*)""")


def context_at(lines: Sequence[str], span: range, line: int, column: int) -> Context | None:
    """What the cursor at ``line``, ``column`` is writing, if a key or a plain value."""
    if line not in span:
        return None
    before = lines[line].rstrip("\r\n")[:column]
    start = _LINE_START.match(before)
    assert start is not None  # the pattern matches any text
    indent, dashes = len(start.group(1)), start.group(2).count("-")
    key_column = start.end()
    rest = before[key_column:]
    above = path_above(lines, span, line, indent, item=dashes > 0)
    path = (*above, *([ITEM] * dashes))
    value = _VALUE_KEY.match(rest)
    if value is not None:
        partial = rest[value.end():]
        if partial[:1] in ("[", "{", "|", ">", "&", "*", "!"):
            return None  # flow collections, block scalars, anchors and tags are left alone
        return Context((*path, unquote(value.group(1))), partial.lstrip("\"'"),
                       key_column + value.end() + (1 if partial[:1] in "\"'" else 0), True,
                       space=bool(value.group(2)))
    if re.fullmatch(r"[\w-]*", rest):
        found = siblings(lines, span, line, key_column, here=dashes > 0)
        return Context(path, rest, key_column, False, found)
    return None


def key_at(
    lines: Sequence[str], span: range, line: int, column: int
) -> tuple[FieldPath, Token, bool] | None:
    """The key whose name (or value) is under the cursor: its path, token, and whether the
    cursor is on the value."""
    if line not in span:
        return None
    line_tokens = tokens(lines[line])
    for token in line_tokens:
        if token.key is None:
            continue
        on_key = token.column <= column <= token.column + len(token.key)
        on_value = bool(token.value) and token.value_column <= column
        if on_key or on_value:
            first = line_tokens[0]
            above = path_above(lines, span, line, first.column, item=first.key is None)
            dashes = sum(1 for t in line_tokens if t.key is None)
            return (*above, *([ITEM] * dashes), token.key), token, not on_key
    return None


def file_kind(lines: Sequence[str], span: range, is_org: bool) -> str | None:
    """``org``, ``objective`` or ``kpi``: the schema of the file."""
    if is_org:
        return "org"
    for i in span:
        for token in tokens(lines[i]):
            if token.column == 0 and token.key == "kind" and token.value in GOAL_KINDS:
                return token.value
    return None
