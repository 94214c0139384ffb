"""``api/okrs.json``: every published objective, key result and KPI with computed numbers.

The shape is a stable contract (see the spec's "Machine-readable outputs"): other tools and CI
read it, so keys are only ever added, never renamed. Private objectives and KPIs are absent;
unit scores still count them.
"""

from __future__ import annotations

from typing import Any

from ..model import Goals, KeyResult, Objective
from ..score import KeyResultScore, ObjectiveScore, Scorecard

SCORE_DIGITS = 4


def objective_url(objective_id: str) -> str:
    return f"objectives/{objective_id}/"


def kpi_url(kpi_id: str) -> str:
    return f"kpis/{kpi_id}/"


def unit_url(unit_id: str) -> str:
    return f"units/{unit_id}/"


def rounded(score: float | None) -> float | None:
    """Scores and shares are rounded to 4 decimals in every output."""
    return None if score is None else round(score, SCORE_DIGITS)


def plain_number(value: float | None) -> int | float | None:
    """``10.0`` -> ``10``: numbers read as integers are written back as integers."""
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def public_parent(goals: Goals, objective: Objective) -> str | None:
    """The parent reference as written, unless the parent is private (then nothing of it)."""
    parent = goals.objective_by_id.get(objective.parent) if objective.parent else None
    if parent is None or parent.private:
        return None
    return objective.parent_ref


def key_result_data(kr: KeyResult, result: KeyResultScore) -> dict[str, Any]:
    is_metric = kr.type == "metric"
    return {
        "id": kr.id,
        "title": kr.title,
        "type": kr.type,
        "score": rounded(result.score),
        "start": plain_number(kr.start) if is_metric else None,
        "target": plain_number(kr.target) if is_metric else None,
        "current": plain_number(result.current) if is_metric else None,
        "stale": result.stale,
    }


def objective_data(goals: Goals, objective: Objective, result: ObjectiveScore) -> dict[str, Any]:
    return {
        "id": objective.id,
        "title": objective.title,
        "owner": objective.owner,
        "period": objective.period,
        "parent": public_parent(goals, objective),
        "score": rounded(result.score),
        "status": result.status,
        "expected": rounded(result.expected),
        "url": objective_url(objective.id),
        "key_results": [
            key_result_data(kr, result.key_results[kr.id]) for kr in objective.key_results
        ],
    }


def export_data(goals: Goals, card: Scorecard) -> dict[str, Any]:
    """The ``api/okrs.json`` document for ``goals`` scored in ``card``."""
    return {
        "organization": goals.org.name,
        "as_of": card.as_of.isoformat(),
        "current_period": card.current_period.id,
        "units": [
            {
                "id": unit.id,
                "name": unit.name,
                "parent": unit.parent,
                "score": rounded(card.units.get(unit.id)),
            }
            for unit in goals.org.units
        ],
        "objectives": [
            objective_data(goals, o, card.objectives[o.id])
            for o in goals.objectives
            if not o.private
        ],
        "kpis": [
            {
                "id": kpi.id,
                "title": kpi.title,
                "owner": kpi.owner,
                "latest": plain_number(card.kpis[kpi.id].latest.value),
                "health": card.kpis[kpi.id].health,
                "url": kpi_url(kpi.id),
            }
            for kpi in goals.kpis
            if not kpi.private
        ],
    }
