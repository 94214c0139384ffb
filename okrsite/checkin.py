"""``okrsite checkin``: write one check-in into a goal file, byte-exact everywhere else.

The file is not re-dumped: the new entry is spliced into the front matter's text at positions
that PyYAML's public composer gives for the nodes (``yaml.compose``: every node knows where it
starts and ends). Comments, key order, quoting, flow or block style, line ends and the body stay
as they were, outside the lines (or, in a one-line flow list, the characters) it adds. Before
anything is written, the whole goals folder is checked with the change applied; if it would not
pass ``okrsite check``, nothing is written.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .build import read_sources
from .errors import GoalErrors, OkrError
from .load import (
    Document,
    Source,
    display_prefix,
    front_matter_span,
    load_sources,
    parse_goal,
    read_goals_dir,
)
from .model import goal_id, kr_id
from .vocabulary import DEFAULT_KR_TYPE

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)
BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class Checkin:
    """What ``okrsite checkin`` was asked to record."""

    ref: str
    """``objective-id#kr-id`` (a key result without an id is ``kr1``, ``kr2``, … by position)."""
    day: date
    value: float | None = None
    note: str | None = None
    confidence: float | None = None
    by: str | None = None
    done: bool = False
    """Mark the milestone, or with ``item`` the checklist item, done."""
    item: int | None = None
    """The checklist item to mark done, counted from 1."""


@dataclass(frozen=True, slots=True)
class Written:
    """The check-in as written."""

    path: Path
    line: int
    """The line of the new check-in in the file."""


# --- YAML text for the new entry ----------------------------------------------------------------


def scalar(value: object) -> str:
    """A YAML scalar that reads back as ``value``: numbers plain, text double-quoted (JSON's
    escapes are YAML's), dates plain."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise OkrError(f"{value} is not a finite number")
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=True)


def entry_fields(request: Checkin) -> list[tuple[str, object]]:
    """The given fields in the contract's order: ``{date, value, note, confidence, by}``."""
    given: list[tuple[str, object]] = [
        ("date", request.day), ("value", request.value), ("note", request.note or None),
        ("confidence", request.confidence), ("by", request.by or None),
    ]
    return [(key, value) for key, value in given if value is not None]


def flow_entry(fields: list[tuple[str, object]]) -> str:
    return "{" + ", ".join(f"{key}: {scalar(value)}" for key, value in fields) + "}"


# --- positions in the front matter ---------------------------------------------------------------


def child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    """The value under ``key`` of a mapping node, or item ``key`` of a sequence node."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key] if 0 <= key < len(node.value) else None
    return None


def line_end(text: str, index: int) -> int:
    """The start of the line after the one ``index`` ends on (text ending a line included)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def closing_bracket(text: str, node: yaml.Node) -> int:
    """Where the ``]`` or ``}`` closing a flow collection is."""
    return text.rindex("]" if isinstance(node, yaml.SequenceNode) else "}", 0, node.end_mark.index)


@dataclass(frozen=True, slots=True)
class Edit:
    """Insert or replace text at a position of the front matter."""

    start: int
    end: int
    text: str


def insert_into_flow(text: str, node: yaml.Node, item: str) -> Edit:
    """Add ``item`` (``key: value`` in a mapping, a value in a list) before the closing bracket."""
    at = closing_bracket(text, node)
    separator = ", " if node.value else ""
    return Edit(at, at, f"{separator}{item}")


def last_leaf(node: yaml.Node) -> yaml.Node:
    """The node that ends a block collection: a block list or mapping ends where its last
    scalar (or flow collection) does; its own end mark lies at the next token, maybe lines
    further down."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style:
        if not node.value:
            break
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def block_lines(text: str, after: yaml.Node, lines: list[str], newline: str) -> Edit:
    """Add whole lines after the line ``after`` ends on."""
    at = line_end(text, last_leaf(after).end_mark.index)
    lead = "" if at == 0 or text[at - 1] == "\n" else newline
    return Edit(at, at, lead + "".join(line + newline for line in lines))


def item_layout(text: str, first: yaml.Node) -> tuple[str, str]:
    """How a block list writes its items: the text before the ``-`` and after it, up to the
    item (``"      "`` and ``" "`` for ``      - {date: …}``)."""
    begin = text.rfind("\n", 0, first.start_mark.index) + 1
    dash = text.rfind("-", begin, first.start_mark.index)
    return text[begin:dash], text[dash + 1 : first.start_mark.index]


def history_edit(text: str, kr: yaml.MappingNode, fields: list[tuple[str, object]],
                 newline: str) -> Edit:
    """The edit that appends a check-in to a key result's ``history`` (creating it), in the
    style the list already has."""
    history = child(kr, "history")
    if isinstance(history, yaml.SequenceNode) and history.flow_style:
        return insert_into_flow(text, history, flow_entry(fields))
    if isinstance(history, yaml.SequenceNode) and history.value:
        first = history.value[0]
        indent, gap = item_layout(text, first)
        if isinstance(first, yaml.MappingNode) and not first.flow_style:
            keys = " " * first.start_mark.column
            lines = [f"{indent}-{gap}{fields[0][0]}: {scalar(fields[0][1])}"]
            lines += [f"{keys}{key}: {scalar(value)}" for key, value in fields[1:]]
        else:
            lines = [f"{indent}-{gap}{flow_entry(fields)}"]
        return block_lines(text, history.value[-1], lines, newline)
    if history is not None:
        raise OkrError("history: must be a list of check-ins")
    if kr.flow_style:
        return insert_into_flow(text, kr, f"history: [{flow_entry(fields)}]")
    keys = " " * kr.value[0][0].start_mark.column
    return block_lines(text, kr.value[-1][1], [f"{keys}history:",
                                               f"{keys}  - {flow_entry(fields)}"], newline)


def done_edit(text: str, node: yaml.MappingNode, newline: str) -> Edit:
    """The edit that sets ``done: true`` on a milestone or a checklist item."""
    done = child(node, "done")
    if isinstance(done, yaml.ScalarNode):
        return Edit(done.start_mark.index, done.end_mark.index, "true")
    if node.flow_style:
        return insert_into_flow(text, node, "done: true")
    keys = " " * node.value[0][0].start_mark.column
    return block_lines(text, node.value[-1][1], [f"{keys}done: true"], newline)


# --- finding the key result -------------------------------------------------------------------


def split_ref(ref: str) -> tuple[str, str]:
    objective_id, hash_, kr_id = ref.partition("#")
    if not hash_ or not objective_id or not kr_id:
        raise OkrError(f"{ref!r}: name a key result as OBJECTIVE#KEY-RESULT, e.g. win#arr")
    return objective_id, kr_id


def find_key_result(documents: tuple[Document, ...], ref: str) -> tuple[Document, int]:
    """The objective's document and the key result's position in it."""
    objective_id, wanted = split_ref(ref)
    objectives = [d for d in documents if d.data.get("kind") == "objective"]
    doc = next((d for d in objectives if goal_id(d) == objective_id), None)
    if doc is None:
        raise OkrError(f"no objective {objective_id!r} in the goals folder")
    for position, kr in enumerate(doc.data.get("key_results") or ()):
        if kr_id(kr, position) == wanted:
            return doc, position
    raise OkrError(f"objective {objective_id!r} ({doc.name}) has no key result {wanted!r}")


def check_request(request: Checkin, kr: dict[str, object]) -> None:
    """What the command line can get wrong before the file is touched."""
    kr_type = kr.get("type", DEFAULT_KR_TYPE)
    if request.item is not None and kr_type != "checklist":
        raise OkrError(f"--item is for checklist key results; {request.ref} is a {kr_type}")
    if request.item is not None and not request.done:
        raise OkrError("--item N needs --done: it marks that checklist item done")
    if request.done and request.item is None and kr_type != "milestone":
        raise OkrError(f"--done is for milestones (and checklist items with --item N); "
                       f"{request.ref} is a {kr_type}")
    items = kr.get("items")
    if request.item is not None and not (isinstance(items, list) and
                                         1 <= request.item <= len(items)):
        count = len(items) if isinstance(items, list) else 0
        raise OkrError(f"--item {request.item}: {request.ref} has items 1 to {count}")


# --- the command ------------------------------------------------------------------------------


def apply(text: str, doc: Document, position: int, request: Checkin) -> str:
    """The file's new text: the check-in added (and ``done`` set)."""
    span = front_matter_span(text)
    if isinstance(span, str):  # the document parsed, so this cannot happen
        raise OkrError(f"{doc.name}: {span}")
    start, end = span
    front = text[start:end]
    newline = "\r\n" if "\r\n" in front else "\n"
    root = yaml.compose(front, Loader=_Loader)
    results = child(root, "key_results") if root is not None else None
    kr = child(results, position) if results is not None else None
    if not isinstance(kr, yaml.MappingNode):
        raise OkrError(f"{doc.name}: key_results[{position}] is not a mapping")
    edits = [history_edit(front, kr, entry_fields(request), newline)]
    if request.done:
        target = kr
        if request.item is not None:
            items = child(kr, "items")
            found = child(items, request.item - 1) if items is not None else None
            if not isinstance(found, yaml.MappingNode):
                raise OkrError(f"{doc.name}: item {request.item} is not a mapping")
            target = found
        edits.append(done_edit(front, target, newline))
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        front = front[: edit.start] + edit.text + front[edit.end :]
    return text[:start] + front + text[end:]


def record(goals_dir: Path, request: Checkin) -> Written:
    """Write ``request`` into its key result's file, if the whole folder still checks with it;
    otherwise raise :class:`GoalErrors` (or :class:`OkrError`) and write nothing."""
    prefix = display_prefix(goals_dir)
    sources = read_goals_dir(goals_dir, prefix)
    tree = load_sources(sources, prefix)
    if tree.problems:
        raise GoalErrors(tree.problems)
    doc, position = find_key_result(tree.goals, request.ref)
    check_request(request, doc.data["key_results"][position])
    original = next(s for s in sources if s.rel == doc.rel).content
    text = original.decode("utf-8")
    bom = text.startswith(BOM)
    content = ((BOM if bom else "") + apply(text.removeprefix(BOM), doc, position, request))
    new = Source(doc.rel, doc.name, content.encode("utf-8"))
    read_sources([new if s.rel == doc.rel else s for s in sources], prefix)
    written, _ = parse_goal(new)
    history = (written.data["key_results"][position].get("history") or []) if written else []
    line = written.line_of(("key_results", position, "history", len(history) - 1)) if written else 0
    replace_file(goals_dir / doc.rel, new.content)
    return Written(goals_dir / doc.rel, line)


def replace_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (a temporary file renamed over it),
    keeping the file's permissions."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
