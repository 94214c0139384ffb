"""Stage 1: goal files -> documents with line marks.

Reads ``org.yml`` and every ``.md`` file under the goals folder (:mod:`.files`), splits the
front matter strictly and turns its YAML into plain JSON-compatible values (``str``, ``int``,
``float``, ``bool``, ``None``, ``list``, ``dict``) with the strict builder of :mod:`.yaml`,
remembering the line of every key and list item (:class:`.document.Document`), so that any
later stage can point a user at the exact line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import Problem
from ..parallel import side_by_side
from .document import Document, FieldPath, LoadedTree, Source, format_path, visible
from .files import (
    GOAL_SUFFIX,
    MAX_FILE_BYTES,
    ORG_FILE,
    display_name,
    display_prefix,
    goal_order,
    is_goal_path,
    is_ignored,
    is_table_path,
    iter_goal_paths,
    read_goals_dir,
    wrong_suffix,
)
from .tables import Row, Table, read_table, usable, values_file_rel
from .yaml import MAX_DEPTH, parse_yaml

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "ORG_FILE",
    "Document",
    "FieldPath",
    "LoadedTree",
    "Row",
    "Source",
    "Table",
    "display_name",
    "display_prefix",
    "format_path",
    "front_matter_span",
    "goal_order",
    "is_goal_path",
    "is_ignored",
    "is_table_path",
    "iter_goal_paths",
    "load_goals",
    "load_sources",
    "parse_goal",
    "parse_org",
    "read_goals_dir",
    "read_tables",
    "usable",
    "values_file_rel",
    "visible",
]

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
    sources = list(sources)
    for source in sources:
        if wrong_suffix(source.rel):
            right = source.rel.rsplit("/", 1)[-1][: -len(GOAL_SUFFIX)] + GOAL_SUFFIX
            message = (f"goal files end in lower-case {GOAL_SUFFIX}: rename it to {right} "
                       f"(as it is, it is not read)")
            problems.append(Problem(source.name, 0, "", visible(message)))
    sources = [source for source in sources if not wrong_suffix(source.rel)]
    files = [source for source in sources if not is_table_path(source.rel)]
    csv_files = {source.rel: source for source in sources if is_table_path(source.rel)}
    for source, (doc, found) in zip(files, parse_all(files), strict=True):
        if source.rel == ORG_FILE:
            saw_org = True
            org = doc
        elif doc is not None:
            goals.append(doc)
        problems.extend(found)
    if not saw_org:
        name = display_name(prefix, ORG_FILE)
        problems.append(Problem(name, 0, "", "missing: a goals folder needs an org.yml"))
    tables, found = read_tables(goals, csv_files)
    return LoadedTree(org, tuple(goals), (*problems, *found), tables)


def read_tables(
    documents: Iterable[Document], csv_files: Mapping[str, Source]
) -> tuple[dict[str, Table | None], list[Problem]]:
    """The CSV files the KPI documents name in ``values_file``, each read once."""
    tables: dict[str, Table | None] = {}
    problems: list[Problem] = []
    for doc in documents:
        named = doc.data.get("values_file")
        rel = values_file_rel(doc.rel, named) if isinstance(named, str) else None
        if rel is None or rel in tables or rel not in csv_files:
            continue
        tables[rel], found = read_table(csv_files[rel])
        problems.extend(found)
    return tables, problems


# --- many files: both cores ---------------------------------------------------------------

Parsed = tuple[Document | None, list[Problem]]

PARALLEL_MIN_FILES = 400
"""Below this, starting a second process costs more than it saves."""


def parse_source(source: Source) -> Parsed:
    return parse_org(source) if source.rel == ORG_FILE else parse_goal(source)


def parse_chunk(sources: list[Source]) -> list[Parsed]:
    return [parse_source(source) for source in sources]


def parse_all(sources: list[Source]) -> list[Parsed]:
    """Parse every source, in order; on large trees a forked child parses the second half.

    Parsing is pure Python per event and the files are independent.
    """
    if len(sources) < PARALLEL_MIN_FILES:
        return parse_chunk(sources)
    half = len(sources) // 2
    first, second = side_by_side(
        lambda: parse_chunk(sources[:half]), lambda: parse_chunk(sources[half:])
    )
    return first + second


# --- one file -----------------------------------------------------------------------------

_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def decode(source: Source) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing oversized files, NUL bytes and invalid UTF-8 by line."""
    if source.unreadable is not None:
        return None, [Problem(source.name, 0, "", source.unreadable)]
    content = source.content
    if len(content) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES // 1000} kB"
        return None, [Problem(source.name, 0, "", f"file is larger than {limit}")]
    if content.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, [Problem(source.name, 1, "", "is UTF-32 text: save it as UTF-8")]
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
    if "\r" in text and "\n" not in text:
        message = ("has old Mac line endings (a carriage return alone ends each line): "
                   "save it with LF (or CRLF) line endings")
        return None, [Problem(source.name, 1, "", message)]
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


def front_matter_span(text: str) -> tuple[int, int] | str:
    """Where the front matter's YAML starts and ends in a goal file's text; or, when the file
    has no closed front matter, what is wrong, in words."""
    first_newline = text.find("\n")
    first = text if first_newline < 0 else text[:first_newline]
    if first.rstrip() != "---":
        return "has no front matter: the file must start with a line '---'"
    start = first_newline + 1
    closing = _FENCE.search(text, start) if first_newline >= 0 else None
    if closing is None:
        return "front matter is not closed: add a line '---' after it"
    return start, closing.start()


def parse_goal(source: Source) -> tuple[Document | None, list[Problem]]:
    """A goal file: ``---`` front matter ``---`` then the Markdown body."""
    text, problems = decode(source)
    if text is None:
        return None, problems
    span = front_matter_span(text)
    if isinstance(span, str):
        return None, [Problem(source.name, 1, "", span)]
    start, end = span
    data, lines, problems = parse_yaml(source.name, text[start:end], first_line=2)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(source.name, 1, "", "front matter must be a YAML mapping of fields")]
    fence_end = text.find("\n", end)
    fence_end = len(text) if fence_end < 0 else fence_end
    body_start = fence_end + 1
    body_line = text.count("\n", 0, fence_end) + 2
    return Document(source.rel, source.name, data, lines, text[body_start:], body_line), []


