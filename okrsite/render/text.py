"""The alignment tree as terminal text (``okrsite show``).

Each line is a list of ``(text, style)`` segments; ``style`` names what the text is (a status,
``"stale"``, ``"dim"``) and the CLI decides how that looks, so nothing here knows about
terminals or colours.

After a key result's score and title come its facts, in this order: a threshold's ``met`` or
``not met``, a checklist's ``n/m done``, a metric's ``stretch`` and its progress when it lies
beyond 100% or below 0%, ``due DATE`` (or ``overdue (due DATE)``), where a shared key result
comes from, ``stale``. Private key results are not listed: a line says how many there are.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import visible
from ..model import Goals, KeyResult, Objective
from ..score import KeyResultScore, Scorecard
from ..vocabulary import STATUS_WORDS, percent, plural
from . import number
from .published import measured, private_key_results, public_key_results

Segment = tuple[str, str | None]
Line = list[Segment]


def heading(goals: Goals, card: Scorecard) -> Line:
    return [
        (goals.org.name, "bold"),
        (f" · {card.current_period.id} · as of {card.as_of.isoformat()} · overall ", None),
        (percent(card.overall), "bold"),
    ]


def objective_line(prefix: str, objective: Objective, card: Scorecard) -> Line:
    result = card.objectives[objective.id]
    line: Line = [
        (prefix, "dim"),
        (objective.title, "bold"),
        (f"  [{objective.owner} · {objective.period}]", "dim"),
        (f"  {percent(result.score)} ", None),
        (STATUS_WORDS[result.status], result.status),
    ]
    if objective.private:
        line.append(("  (private)", "dim"))
    return line


def key_result_facts(goals: Goals, kr: KeyResult, result: KeyResultScore) -> Line:
    """What a key result's line says after its title (see the module's docstring)."""
    numbers = measured(goals, kr)
    facts: Line = []
    if result.met is not None:
        facts.append(("  met", "on_track") if result.met else ("  not met", "off_track"))
    if result.items_total is not None:
        facts.append((f"  {result.items_done}/{result.items_total} done", None))
    if numbers.stretch is not None:
        facts.append((f"  stretch {number(numbers.stretch, numbers.unit)}", None))
    if result.progress is not None and not 0 <= result.progress <= 1:
        facts.append((f"  progress {percent(result.progress)}", None))
    if result.overdue and result.due is not None:
        facts.append((f"  overdue (due {result.due.isoformat()})", "off_track"))
    elif result.due is not None:
        facts.append((f"  due {result.due.isoformat()}", None))
    if kr.source is not None:
        facts.append((f"  shared from {kr.source}", "dim"))
    if result.stale:
        facts.append(("  stale", "stale"))
    return facts


def key_result_lines(prefix: str, goals: Goals, objective: Objective, card: Scorecard) -> (
    Iterator[Line]
):
    results = card.objectives[objective.id].key_results
    for kr in public_key_results(objective):
        result = results[kr.id]
        line: Line = [(prefix, "dim"), (f"{percent(result.score):>5} ", None), (kr.title, None)]
        line.extend(key_result_facts(goals, kr, result))
        yield line
    hidden = private_key_results(objective)
    if hidden:
        yield [(prefix, "dim"), (f"      {plural(hidden, 'private key result')}", "dim")]


def tree_lines(goals: Goals, card: Scorecard) -> list[Line]:
    """The heading, then every objective under its parent with its key results."""
    lines = [heading(goals, card)]
    for depth, objective in goals.walk():
        indent = "  " * depth
        lines.append(objective_line(f"{indent}● ", objective, card))
        lines.extend(key_result_lines(f"{indent}    ", goals, objective, card))
    # goal text cannot steer the terminal: its control characters are shown escaped
    return [[(visible(text), style) for text, style in line] for line in lines]
