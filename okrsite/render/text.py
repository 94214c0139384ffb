"""The alignment tree as terminal text (``okrsite show``).

Each line is a list of ``(text, style)`` segments; ``style`` names what the text is (a status,
``"stale"``, ``"dim"``) and the CLI decides how that looks, so nothing here knows about
terminals or colours.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Goals, Objective
from ..score import Scorecard
from ..vocabulary import STATUS_WORDS, percent

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


def key_result_lines(prefix: str, objective: Objective, card: Scorecard) -> Iterator[Line]:
    results = card.objectives[objective.id].key_results
    for kr in objective.key_results:
        result = results[kr.id]
        line: Line = [(prefix, "dim"), (f"{percent(result.score):>5} ", None), (kr.title, None)]
        if result.stale:
            line.append(("  stale", "stale"))
        yield line


def tree_lines(goals: Goals, card: Scorecard) -> list[Line]:
    """The heading, then every objective under its parent with its key results."""
    lines = [heading(goals, card)]
    for depth, objective in goals.walk():
        indent = "  " * depth
        lines.append(objective_line(f"{indent}● ", objective, card))
        lines.extend(key_result_lines(f"{indent}    ", objective, card))
    return lines
