"""Stage 1: goal files -> documents with line marks.

Reads ``org.yml`` and every ``.md`` file under the goals folder, splits the front matter strictly
and turns its YAML into plain JSON-compatible values (``str``, ``int``, ``float``, ``bool``,
``None``, ``list``, ``dict``) while remembering the line of every key and list item, so that any
later stage can point a user at the exact line.

The YAML is read event by event from libyaml (pyyaml's C parser) and built here, not by pyyaml's
constructor, because the constructor's defaults are traps for hand-written files:

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
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:  # pragma: no cover - which parser exists depends on how pyyaml was built
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _YamlLoader

ORG_FILE = "org.yml"
MAX_FILE_BYTES = 1_000_000
"""Goal files are a few kilobytes; anything this large is a mistake or an attack."""
MAX_DEPTH = 20
"""Goal files nest four levels deep; refuse absurd nesting before anything recurses over it."""

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """The raw bytes of one file of a goals folder, wherever they came from (disk or git)."""

    rel: str
    """Path inside the goals folder, with ``/``: ``sales/win.md`` or ``org.yml``."""
    name: str
    """The path shown to users in errors: ``goals/sales/win.md``."""
    content: bytes


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed file: its front matter (or the whole of ``org.yml``), body and line marks."""

    rel: str
    """Path inside the goals folder, with ``/``."""
    name: str
    """The path shown to users in errors."""
    data: dict[str, Any]
    """The front matter as plain JSON-compatible values."""
    lines: Mapping[FieldPath, int] = field(repr=False)
    """1-based line of every key (for mapping entries) and item (for list entries)."""
    body: str = ""
    """The Markdown after the front matter (empty for ``org.yml``)."""
    body_line: int = 0
    """The line the body starts on."""

    @property
    def stem(self) -> str:
        """The file name without its extension: the default id of a goal."""
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    def line_of(self, path: Iterable[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while parts:
            line = self.lines.get(parts)
            if line is not None:
                return line
            parts = parts[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Iterable[str | int], message: str) -> Problem:
        """A problem at ``path`` in this document."""
        parts = tuple(path)
        return Problem(self.name, self.line_of(parts), format_path(parts), message)


@dataclass(frozen=True, slots=True)
class LoadedTree:
    """Everything read from one goals folder: the documents that parsed, and every problem."""

    org: Document | None
    goals: tuple[Document, ...]
    problems: tuple[Problem, ...]


def format_path(path: Iterable[str | int]) -> str:
    """``("key_results", 1, "target")`` -> ``key_results[1].target``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = visible(part)
            out += f".{part}" if out else part
    return out


_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(32), *range(0x7F, 0xA0))} | {
    10: "\\n", 9: "\\t", 13: "\\r"
}


def visible(text: str) -> str:
    """Text from a goal file with control characters escaped, for a one-line message that
    cannot steer a terminal: ``a\\nb`` for a, newline, b."""
    return text.translate(_ESCAPES)


# --- reading files ------------------------------------------------------------------------


def is_ignored(name: str) -> bool:
    """Files and folders whose name starts with ``_`` or ``.`` are not goals."""
    return name.startswith(("_", "."))


def display_prefix(goals_dir: Path) -> str:
    """How paths inside ``goals_dir`` are shown: relative to the working directory if inside it,
    else absolute, so that every error names a file a user (or an editor) can open."""
    goals_dir = goals_dir.resolve()
    try:
        rel = goals_dir.relative_to(Path.cwd().resolve())
    except ValueError:
        return goals_dir.as_posix()
    return rel.as_posix() if rel.parts else "."


def iter_goal_paths(goals_dir: Path) -> Iterator[str]:
    """Relative paths (with ``/``) of ``org.yml`` and every goal file, in a stable order."""
    if (goals_dir / ORG_FILE).is_file():
        yield ORG_FILE
    for root, dirs, files in os.walk(goals_dir):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d))
        rel_root = Path(root).relative_to(goals_dir).as_posix()
        for name in sorted(files):
            if name.endswith(".md") and not is_ignored(name):
                yield name if rel_root == "." else f"{rel_root}/{name}"


def read_goals_dir(goals_dir: Path, prefix: str | None = None) -> list[Source]:
    """Read every file of a goals folder from disk."""
    prefix = display_prefix(goals_dir) if prefix is None else prefix
    return [
        Source(rel, display_name(prefix, rel), (goals_dir / rel).read_bytes())
        for rel in iter_goal_paths(goals_dir)
    ]


def display_name(prefix: str, rel: str) -> str:
    """``goals`` + ``sales/win.md`` -> ``goals/sales/win.md``."""
    return rel if prefix in ("", ".") else f"{prefix}/{rel}"


def load_goals(goals_dir: Path, prefix: str | None = None) -> LoadedTree:
    """Read and parse a goals folder from disk."""
    prefix = display_prefix(goals_dir) if prefix is None else prefix
    if not goals_dir.is_dir():
        problem = Problem(prefix, 0, "", "no such goals folder")
        return LoadedTree(None, (), (problem,))
    return load_sources(read_goals_dir(goals_dir, prefix), prefix)


def load_sources(sources: Iterable[Source], prefix: str = "goals") -> LoadedTree:
    """Parse sources into documents; a file with any problem yields problems, not a document."""
    org: Document | None = None
    goals: list[Document] = []
    problems: list[Problem] = []
    saw_org = False
    for source, (doc, found) in zip(*parse_all(list(sources)), strict=True):
        if source.rel == ORG_FILE:
            saw_org = True
            org = doc
        elif doc is not None:
            goals.append(doc)
        problems.extend(found)
    if not saw_org:
        name = display_name(prefix, ORG_FILE)
        problems.append(Problem(name, 0, "", "missing: a goals folder needs an org.yml"))
    return LoadedTree(org, tuple(goals), tuple(problems))


# --- many files: both cores ---------------------------------------------------------------

Parsed = tuple[Document | None, list[Problem]]

PARALLEL_MIN_FILES = 400
"""Below this, starting a second process costs more than it saves."""


def parse_source(source: Source) -> Parsed:
    return parse_org(source) if source.rel == ORG_FILE else parse_goal(source)


def parse_chunk(sources: list[Source]) -> list[Parsed]:
    return [parse_source(source) for source in sources]


def parse_all(sources: list[Source]) -> tuple[list[Source], list[Parsed]]:
    """Parse every source, in order; large trees are split over two processes.

    Parsing is pure Python per event and the files are independent, so a forked worker takes
    the second half while this process parses the first.
    """
    if len(sources) < PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2 or not _can_fork():
        return sources, parse_chunk(sources)
    half = len(sources) // 2
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        second = pool.submit(parse_chunk, sources[half:])
        first = parse_chunk(sources[:half])
        return sources, first + second.result()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# --- one file -----------------------------------------------------------------------------

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def decode(source: Source) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing oversized files, NUL bytes and invalid UTF-8 by line."""
    content = source.content
    if len(content) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES // 1000} kB"
        return None, [Problem(source.name, 0, "", f"file is larger than {limit}")]
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(source.name, 1, "", "is UTF-16 text: save it as UTF-8")]
    nul = content.find(b"\0")
    if nul >= 0:
        line = content.count(b"\n", 0, nul) + 1
        return None, [Problem(source.name, line, "", "contains a NUL byte (is it a binary file?)")]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        return None, [Problem(source.name, line, "", "is not valid UTF-8 text")]
    return text.removeprefix("\ufeff"), []


def parse_org(source: Source) -> tuple[Document | None, list[Problem]]:
    """``org.yml``: the whole file is one YAML mapping."""
    text, problems = decode(source)
    if text is None:
        return None, problems
    data, lines, problems = parse_yaml(source.name, text, first_line=1)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(source.name, 1, "", "must be a YAML mapping of fields")]
    return Document(source.rel, source.name, data, lines), []


def parse_goal(source: Source) -> tuple[Document | None, list[Problem]]:
    """A goal file: ``---`` front matter ``---`` then the Markdown body."""
    text, problems = decode(source)
    if text is None:
        return None, problems
    first_newline = text.find("\n")
    first = text if first_newline < 0 else text[:first_newline]
    if first.rstrip() != "---":
        message = "has no front matter: the file must start with a line '---'"
        return None, [Problem(source.name, 1, "", message)]
    start = first_newline + 1
    closing = _FENCE.search(text, start) if first_newline >= 0 else None
    if closing is None:
        message = "front matter is not closed: add a line '---' after it"
        return None, [Problem(source.name, 1, "", message)]
    yaml_text = text[start : closing.start()]
    data, lines, problems = parse_yaml(source.name, yaml_text, first_line=2)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(source.name, 1, "", "front matter must be a YAML mapping of fields")]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, closing.end()) + 2
    return Document(source.rel, source.name, data, lines, text[body_start:], body_line), []


# --- YAML ---------------------------------------------------------------------------------

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

    def __init__(self, container: dict | list, path: FieldPath, as_key: bool = False) -> None:
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
        if not top.is_map:
            path = (*top.path, len(top.container))
            top.container.append(value)
            self.lines[path] = line
            return path
        key, top.key = top.key, None
        path = (*top.path, key)
        top.container[key] = value
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
            event = get_event()
            handlers[type(event)](builder, event, event.start_mark.line + first_line)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # libyaml puts the end of a text without a final line break on a line of its own.
        line = min(mark.line if mark else 0, len(_YAML_BREAKS.findall(text))) + first_line
        what = exc.problem or exc.context or "cannot be read"
        problems.append(Problem(name, line, "", f"invalid YAML: {what}"))
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of the UTF-8 text; the pure-Python reader counts characters.
        source = text.encode("utf-8") if _YamlLoader is not yaml.SafeLoader else text
        line = source.count(b"\n" if isinstance(source, bytes) else "\n", 0, exc.position)
        line += first_line
        char = f" (#x{exc.character:04x})" if isinstance(exc.character, int) else ""
        problems.append(Problem(name, line, "", f"invalid YAML: {exc.reason}{char}"))
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks for all we know
        problems.append(Problem(name, first_line, "", f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    root = builder.root
    return (root[0] if root else None), builder.lines, problems
