"""A :class:`~okrsite.diff.Diff` as ``okrsite diff`` prints it: a pull-request comment in
Markdown (the layout, with its ``<details>`` HTML, is the template ``diff.md.j2``) or JSON.

The comment is Markdown, so its template is rendered with autoescape off, and goal text is made
inert here instead, by :func:`md`: ``&``, ``<`` and ``>`` become entities (so no HTML a comment
allows can form) and Markdown's punctuation is backslash-escaped (so no title can become a
link, emphasis or a table cell). Every text from a goal file passes through :func:`md`, or
:func:`code` for ids, before it reaches the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from functools import cache
from typing import Any, TypeVar

import jinja2

from ..diff import PRIVATE, Diff, Entry, MovedGoalpost, ObjectiveChange, Pair, Realigned
from ..vocabulary import NO_VALUE, status_word

V = TypeVar("V")


def as_json(diff: Diff, base: Mapping[str, str | None], head: Mapping[str, str | None]
            ) -> dict[str, Any]:
    """``okrsite diff --format json``; ``base``/``head`` describe the revisions compared."""
    data = asdict(diff)
    data["as_of"] = diff.as_of.isoformat()
    data["base_problems"] = [p.as_dict() for p in diff.base_problems]
    return {"base": dict(base), "head": dict(head), **data}


def as_markdown(diff: Diff, base: Mapping[str, str | None], head: Mapping[str, str | None]
                ) -> str:
    """``okrsite diff``'s pull-request comment: the scores in a compact table, everything else
    in a collapsible ``<details>`` section."""
    return environment().get_template("diff.md.j2").render(
        diff=diff,
        base=revision_label(base),
        head=revision_label(head),
        # the units whose score changes at the 2 decimals shown
        units=[u for u in diff.units if score_text(u.score.before) != score_text(u.score.after)],
        summary=summary(diff),
        sections=[(title, lines) for title, lines in sections(diff) if lines],
    )


@cache
def environment() -> jinja2.Environment:
    """The templates' environment for Markdown: no autoescape (see the module's docstring),
    and block tags on lines of their own leave no blank lines behind."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("okrsite", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md=md, cell=cell, score_move=score_move, status_move=status_move)
    return env


# --- text made inert ----------------------------------------------------------------------

_ZWJ = "\u200d"
"""A zero-width joiner after ``@`` and ``#``: GitHub sees no ``@mention`` (which would notify a
person or a whole team) and no ``#123`` reference, and the reader sees the same text."""
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ",
                             "@": f"@{_ZWJ}", "#": f"#{_ZWJ}",
                             **{c: f"\\{c}" for c in "\\`*_[]|~"}})


def md(text: object) -> str:
    """Goal text made inert in Markdown (and in the HTML a PR comment allows), mentions and
    issue references included."""
    return str(text).translate(_MD_ESCAPES)


def code(text: str | None) -> str:
    """An id or reference as code; "none" and "private objective" as words."""
    if text is None:
        return "none"
    return md(text) if text in PRIVATE.values() else f"`{text}`"


# --- values -------------------------------------------------------------------------------


def score_text(score: float | None) -> str:
    return NO_VALUE if score is None else f"{score:.2f}"


def score_move(pair: Pair[float]) -> str:
    """``0.62 → 0.58 (−0.04)``, the difference of the numbers shown; one number if equal."""
    before, after = score_text(pair.before), score_text(pair.after)
    if before == after:
        return after
    if pair.before is None or pair.after is None:
        return f"{before} → {after}"
    change = f"{float(after) - float(before):+.2f}".replace("-", "−")
    return f"{before} → {after} ({change})"


def move(pair: Pair[V], show: Callable[[V | None], str]) -> str:
    """``before → after``, each as ``show`` writes it; the value once when it did not change."""
    before, after = show(pair.before), show(pair.after)
    return after if before == after else f"{before} → {after}"


def status_move(pair: Pair[str]) -> str:
    """``on track → at risk`` (a KPI's health: ``amber → green``)."""
    return move(pair, status_word)


def label(kind: str, item_id: str | None, title: str) -> str:
    """``objective `win` Win the mid-market``; a private one: ``*private objective*``."""
    if item_id is None:
        return f"*{md(title)}*"
    return f"{'KPI' if kind == 'kpi' else kind} `{item_id}` {md(title)}"


def cell(change: ObjectiveChange) -> str:
    """An objective in the table: ``Win the mid-market `win` ``, or *private objective*."""
    return f"*{md(change.title)}*" if change.id is None else f"{md(change.title)} `{change.id}`"


def revision_label(rev: Mapping[str, str | None]) -> str:
    """``main (abc1234)``, ``abc1234`` or ``the working tree``."""
    name, short = rev.get("rev"), rev.get("short")
    if name is None:
        return "the working tree"
    if short is None or name == rev.get("sha"):
        return md(short or name)
    return f"{md(name)} ({short})"


# --- the details ----------------------------------------------------------------------------


def summary(diff: Diff) -> str:
    """The line a reader sees before opening the details."""
    counts = [
        (len(diff.added), "added", "added"),
        (len(diff.removed), "removed", "removed"),
        (len(diff.renamed), "renamed", "renamed"),
        (len(diff.realigned), "re-aligned", "re-aligned"),
        (len(diff.key_results_added) + len(diff.key_results_removed),
         "key result added or removed", "key results added or removed"),
        (sum(len(o.key_results) for o in diff.objectives),
         "key-result score changed", "key-result scores changed"),
        (len(diff.kpis), "KPI changed", "KPIs changed"),
        (len(diff.moved_goalposts), "moved goalpost", "moved goalposts"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)


def entry_line(entry: Entry) -> str:
    facts = [
        f"owner {md(entry.owner)}" if entry.owner else None,
        md(entry.period) if entry.period else None,
        f"parent {code(entry.parent)}" if entry.parent else None,
        f"score {score_text(entry.score)}" if entry.score is not None else None,
        status_word(entry.status) if entry.kind == "objective" else None,
        f"health {entry.status}" if entry.kind == "kpi" and entry.status else None,
    ]
    return f"- {label(entry.kind, entry.id, entry.title)} — {', '.join(f for f in facts if f)}"


def realigned_line(item: Realigned) -> str:
    moves = [f"{name} {move(pair, code)}"
             for name, pair in (("parent", item.parent), ("owner", item.owner)) if pair]
    return f"- {label(item.kind, item.id, item.title)}: {'; '.join(moves)}"


def goalpost_line(item: MovedGoalpost) -> str:
    moves = [f"{name} {move(pair, str)}"
             for name, pair in (("start", item.start), ("target", item.target))
             if pair.before != pair.after]
    return (f"- `{item.objective}#{item.key_result}` {md(item.title)}: {', '.join(moves)} "
            f"(the period began {item.period_start})")


def sections(diff: Diff) -> list[tuple[str, list[str]]]:
    """The details, section by section (each line already inert)."""
    kind = {"objective": "objective", "kpi": "KPI"}
    return [
        ("Added", [entry_line(e) for e in diff.added]),
        ("Removed", [entry_line(e) for e in diff.removed]),
        ("Renamed", [f"- {kind[r.kind]} {move(r.id, code)}: {move(r.title, md)}"
                     for r in diff.renamed]),
        ("Re-aligned", [realigned_line(r) for r in diff.realigned]),
        ("Key results",
         [f"- added `{k.objective}#{k.id}` {md(k.title)}" for k in diff.key_results_added]
         + [f"- removed `{k.objective}#{k.id}` {md(k.title)}" for k in diff.key_results_removed]
         + [f"- `{o.id}#{k.id}` {md(k.title)}: {score_move(k.score)}"
            for o in diff.objectives for k in o.key_results]),
        ("KPIs", [f"- {label('kpi', k.id, k.title)}: latest {move(k.latest, str)}, "
                  f"health {status_move(k.health)}" for k in diff.kpis]),
        ("Moved goalposts", [goalpost_line(m) for m in diff.moved_goalposts]),
    ]
