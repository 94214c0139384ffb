"""``api/okrs.json``: every published objective, key result and KPI with computed numbers.

The shape is a stable contract (see the spec's "Machine-readable outputs"): other tools and CI
read it, so keys are only ever added, never renamed. Private objectives and KPIs are absent;
unit scores still count them.
"""

from __future__ import annotations

from typing import Any

from ..model import Goals, KeyResult, Kpi, Objective
from ..numbers import plain_number, rounded
from ..score import KeyResultScore, KpiState, ObjectiveScore, Scorecard


def objective_url(objective_id: str) -> str:
    return f"objectives/{objective_id}/"


def kpi_url(kpi_id: str) -> str:
    return f"kpis/{kpi_id}/"


def unit_url(unit_id: str) -> str:
    return f"units/{unit_id}/"


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
        "parent": goals.public_parent(objective),
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
        "kpis": [kpi_data(kpi, card.kpis[kpi.id]) for kpi in goals.kpis if not kpi.private],
    }


def kpi_data(kpi: Kpi, state: KpiState) -> dict[str, Any]:
    return {
        "id": kpi.id,
        "title": kpi.title,
        "owner": kpi.owner,
        "latest": plain_number(state.latest.value) if state.latest is not None else None,
        "health": state.health,
        "url": kpi_url(kpi.id),
    }
