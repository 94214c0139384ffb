"""Tags: which public objectives, key results and KPIs carry each one (``tags/<tag>/``).

Only what is published carries a tag on the site: a tag written only on private goals or
private key results has no page (its name alone could say too much). A ``shared`` key result
carries its own tags, not its source's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Goals, KeyResult, Kpi, Objective
from .published import public_key_results


@dataclass
class Tagged:
    """Everything public that carries one tag, in the goal files' order."""

    tag: str
    objectives: list[Objective] = field(default_factory=list)
    key_results: list[tuple[Objective, KeyResult]] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.objectives) + len(self.key_results) + len(self.kpis)


def tag_url(tag: str) -> str:
    return f"tags/{tag}/"


def public_tags(goals: Goals) -> list[Tagged]:
    """Every tag carried by something public, sorted by name."""
    found: dict[str, Tagged] = {}

    def get(tag: str) -> Tagged:
        return found.setdefault(tag, Tagged(tag))

    for objective in goals.objectives:
        if objective.private:
            continue
        for tag in objective.tags:
            get(tag).objectives.append(objective)
        for kr in public_key_results(objective):
            for tag in kr.tags:
                get(tag).key_results.append((objective, kr))
    for kpi in goals.kpis:
        if not kpi.private:
            for tag in kpi.tags:
                get(tag).kpis.append(kpi)
    return [found[tag] for tag in sorted(found)]
