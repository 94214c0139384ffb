"""The strict YAML builder: libyaml's events -> plain values with the line of every key.

pyyaml's constructor is not used because its defaults are traps for hand-written files:

* duplicate keys silently keep the last value;
* anchors, aliases and ``<<`` merge keys allow a 400-byte "billion laughs" document;
* tags such as ``!!python/object`` or ``!!binary`` construct arbitrary values;
* YAML 1.1 reads ``no`` as ``False``, ``010`` as 8, ``12:30`` as 750.

Plain scalars are resolved the YAML 1.2 way (only ``true``/``false`` are booleans, decimal
numbers only), dates stay ISO strings (the schema checks them with ``format: date``), and any
plain scalar that YAML 1.1 would have read differently is refused with a "quote it" hint.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from ..errors import Problem
from .document import FieldPath, format_path, visible

_YamlLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
"""libyaml's parser when pyyaml was built with it (it is on every platform with wheels)."""

MAX_DEPTH = 20
"""Goal files nest four levels deep; refuse absurd nesting before anything recurses over it."""

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_YAML11_BOOLS = {
    word
    for base in ("yes", "no", "on", "off", "y", "n")
    for word in (base, base.capitalize(), base.upper())
}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_YAML11_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|0[0-9_]+(?:\.[0-9_]*)?"
    r"|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?)"
)


_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What libyaml counts as a line break."""
_MAX_DIGITS = 100
"""Longer integers are no goal's number (and Python refuses to parse more than 4,300 digits)."""


class _ScalarProblem(Exception):
    """A plain scalar that must be quoted or rewritten."""


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar the YAML 1.2 way, refusing YAML 1.1's surprises."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.fullmatch(text):
            if len(text) > _MAX_DIGITS:
                raise _ScalarProblem(f"'{text[:12]}…' has more than {_MAX_DIGITS} digits")
            return int(text)
        if _FLOAT.fullmatch(text):
            value = float(text)
            if not math.isfinite(value):
                raise _ScalarProblem(f"{text} is not a finite number")
            return value
        if _SPECIAL_FLOAT.fullmatch(text):
            raise _ScalarProblem(f"{text} is not a finite number")
        if _YAML11_NUMBER.fullmatch(text):
            raise _ScalarProblem(
                f"'{text}' is ambiguous in YAML (older readers take it for a number): "
                f"quote it (\"{text}\") or write a plain decimal number"
            )
    elif text in _YAML11_BOOLS:
        raise _ScalarProblem(
            f"'{text}' is ambiguous in YAML (older readers take it for a boolean): "
            f"write true or false, or quote it (\"{text}\")"
        )
    return text


class _Frame:
    """A mapping or list being built, with where it sits in the document."""

    __slots__ = ("as_key", "container", "is_map", "key", "key_line", "path")

    def __init__(
        self, container: dict[str, Any] | list[Any], path: FieldPath, as_key: bool = False
    ) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.key: str | None = None
        self.key_line = 0
        self.as_key = as_key
        """A list or mapping used as a field name: reported, read, and dropped."""


class _Stop(Exception):
    """Stop reading a document: the rest cannot be read safely."""


class _Builder:
    """Builds plain values and line marks from libyaml's events, one handler per event type."""

    __slots__ = ("documents", "first_line", "lines", "name", "problems", "root", "stack")

    def __init__(self, name: str, first_line: int) -> None:
        self.name = name
        self.first_line = first_line
        self.problems: list[Problem] = []
        self.lines: dict[FieldPath, int] = {(): first_line}
        self.stack: list[_Frame] = []
        self.root: list[Any] = []
        self.documents = 0

    def report(self, line: int, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.name, line, format_path(path), message))

    def path_here(self) -> FieldPath:
        """The path of the value about to be read: a list's next item or a mapping's key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return (*top.path, len(top.container))
        if top.key is None or top.key.startswith("\0"):
            return top.path
        return (*top.path, top.key)

    def wants_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def place(self, value: Any, line: int) -> FieldPath:
        """Put a value into the open container and mark its line; return its path."""
        if not self.stack:
            self.root.append(value)
            return ()
        top = self.stack[-1]
        container = top.container
        if isinstance(container, list):
            path = (*top.path, len(container))
            container.append(value)
            self.lines[path] = line
            return path
        key, top.key = top.key or "", None
        path = (*top.path, key)
        container[key] = value
        self.lines[path] = top.key_line
        return path

    def refuse_anchor_and_tag(self, event: Any, line: int) -> None:
        if event.anchor:
            self.report(line, self.path_here(), f"anchors (&{event.anchor}) are not allowed")
        tag = event.tag
        if tag is not None and tag != "!":
            shown = visible(tag.replace("tag:yaml.org,2002:", "!!"))
            self.report(line, self.path_here(), f"YAML tags such as {shown} are not allowed")

    def take_key(self, event: yaml.ScalarEvent, line: int) -> None:
        top = self.stack[-1]
        top.key_line = line
        if event.implicit[0] and event.value == "<<":
            message = "merge keys ('<<') are not allowed: write the fields out"
            self.report(line, top.path, message)
            top.key = f"\0{line}"
            return
        key: Any = event.value
        if not event.style:
            try:
                key = resolve_plain(event.value)
            except _ScalarProblem:
                key = event.value
        if not isinstance(key, str):
            self.report(line, top.path, f"field names must be text, not '{event.value}'")
            key = f"\0{line}"
        elif key in top.container:
            first = self.lines.get((*top.path, key), line)
            message = f"duplicate key '{visible(key)}' (first given on line {first})"
            self.report(line, (*top.path, key), message)
            key = f"\0{line}"
        top.key = key

    # --- one handler per event type ---

    def on_scalar(self, event: yaml.ScalarEvent, line: int) -> None:
        if event.anchor or event.tag is not None:
            self.refuse_anchor_and_tag(event, line)
        if self.stack and self.stack[-1].is_map and self.stack[-1].key is None:
            self.take_key(event, line)
            return
        value: Any = event.value
        if not event.style and event.implicit[0] and event.tag is None:
            try:
                value = resolve_plain(value)
            except _ScalarProblem as exc:
                self.report(line, self.path_here(), str(exc))
        self.place(value, line)

    def on_start(self, event: yaml.CollectionStartEvent, line: int) -> None:
        if event.anchor or event.tag is not None:
            self.refuse_anchor_and_tag(event, line)
        as_key = self.wants_key()
        if as_key:
            message = "field names must be text, not a list or mapping"
            self.report(line, self.stack[-1].path, message)
        if len(self.stack) >= MAX_DEPTH:
            self.report(line, self.path_here(), f"is nested more than {MAX_DEPTH} levels deep")
            raise _Stop
        container: dict | list = {} if type(event) is yaml.MappingStartEvent else []
        path = self.stack[-1].path if as_key else self.place(container, line)
        self.stack.append(_Frame(container, path, as_key))

    def on_end(self, event: yaml.CollectionEndEvent, line: int) -> None:
        if self.stack.pop().as_key:
            self.stack[-1].key = f"\0{line}"

    def on_alias(self, event: yaml.AliasEvent, line: int) -> None:
        message = f"aliases (*{event.anchor}) are not allowed: write the value out"
        self.report(line, self.path_here(), message)
        if self.wants_key():
            self.stack[-1].key = f"\0{line}"
        else:
            self.place(None, line)

    def on_document_start(self, event: yaml.DocumentStartEvent, line: int) -> None:
        self.documents += 1
        if self.documents > 1:
            self.report(line, (), "holds more than one YAML document")
            raise _Stop

    def ignore(self, event: yaml.Event, line: int) -> None:
        pass


_HANDLERS: dict[type, Any] = {
    yaml.ScalarEvent: _Builder.on_scalar,
    yaml.MappingStartEvent: _Builder.on_start,
    yaml.SequenceStartEvent: _Builder.on_start,
    yaml.MappingEndEvent: _Builder.on_end,
    yaml.SequenceEndEvent: _Builder.on_end,
    yaml.AliasEvent: _Builder.on_alias,
    yaml.DocumentStartEvent: _Builder.on_document_start,
    yaml.DocumentEndEvent: _Builder.ignore,
    yaml.StreamStartEvent: _Builder.ignore,
    yaml.StreamEndEvent: _Builder.ignore,
}


_FIELD_LINE = re.compile(r"[ \t]*(?:-[ \t]+)?([^\s:#'\"][^:]*?):[ \t]+(\S.*?)[ \t]*")


def quote_hint(text: str, index: int) -> str:
    """The hint for libyaml's "mapping values are not allowed here", which a plain value
    holding ``": "`` causes (``title: Sales: win``): quote it, shown on the line at fault."""
    lines = _YAML_BREAKS.split(text)
    found = _FIELD_LINE.fullmatch(lines[index]) if 0 <= index < len(lines) else None
    if found is None:
        return " (a value that contains ': ' must be quoted)"
    key, value = found.groups()
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    return visible(f" (a value that contains ': ' must be quoted: {key}: \"{quoted}\")")


def parse_yaml(
    name: str, text: str, first_line: int
) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
    """Build plain values and line marks from YAML text starting at ``first_line`` of a file.

    Every problem found is returned; the values are only meaningful when there are none.
    """
    builder = _Builder(name, first_line)
    problems = builder.problems
    loader = _YamlLoader(text)
    try:
        get_event = loader.get_event
        handlers = _HANDLERS
        while loader.check_event():
            event: Any = get_event()
            handlers[type(event)](builder, event, event.start_mark.line + first_line)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml puts the end of a text without a final line break on a line of its own.
        line = min(mark.line if mark else 0, len(_YAML_BREAKS.findall(text))) + first_line
        what = exc.problem or exc.context or "cannot be read"
        hint = quote_hint(text, mark.line if mark else -1) if "mapping values" in what else ""
        problems.append(Problem(name, line, "", f"invalid YAML: {what}{hint}"))
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
        if _YamlLoader is yaml.SafeLoader:  # pragma: no cover
            line = text.count("\n", 0, exc.position) + first_line
        else:
            line = text.encode("utf-8").count(b"\n", 0, exc.position) + first_line
        char = f" (#x{exc.character:04x})" if isinstance(exc.character, int) else ""
        problems.append(Problem(name, line, "", f"invalid YAML: {exc.reason}{char}"))
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all we know
        problems.append(Problem(name, first_line, "", f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    root = builder.root
    return (root[0] if root else None), builder.lines, problems
