"""``api/okrs.json``: every published objective, key result and KPI with computed numbers.

The shape is a stable contract (see the spec's "Machine-readable outputs" and "Export
additions"): other tools and CI read it, so keys are only ever added, never renamed. Private
objectives and KPIs are absent, and so are private key results (their objective keeps its
score); unit scores still count them all.

Where the contract is silent: a ``shared`` key result exports the numbers of the key result
it shares (``start``, ``target``, ``current`` like its source); a ``threshold`` exports its
``target`` and ``current`` (``start`` stays null); ``items_done`` and ``items_total`` are on
every key result, null unless it is (or shares) a checklist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..model import Checkin, Goals, KeyResult, Kpi, Link, Objective
from ..numbers import plain_number, rounded
from ..score import KeyResultScore, KpiState, ObjectiveScore, Scorecard
from .published import measured, public_key_results, published_parent


def objective_url(objective_id: str) -> str:
    return f"objectives/{objective_id}/"


def kr_url(objective_id: str, kr_id: str) -> str:
    """A key result's place on its objective's page (the anchor its heading carries)."""
    return f"{objective_url(objective_id)}#kr-{kr_id}"


def kpi_url(kpi_id: str) -> str:
    return f"kpis/{kpi_id}/"


def unit_url(unit_id: str) -> str:
    return f"units/{unit_id}/"


def day_text(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def links_data(links: tuple[Link, ...]) -> list[dict[str, str]]:
    return [{"title": link.title, "url": link.url} for link in links]


def checkin_data(checkin: Checkin) -> dict[str, Any]:
    return {
        "date": checkin.date.isoformat(),
        "value": plain_number(checkin.value),
        "note": checkin.note,
        "confidence": rounded(checkin.confidence),
        "by": checkin.by,
    }


def key_result_data(kr: KeyResult, result: KeyResultScore, source: KeyResult | None = None) -> (
    dict[str, Any]
):
    """One key result; ``source``: the key result a ``shared`` one takes its numbers from."""
    numbers = source if source is not None else kr
    is_metric = numbers.type == "metric"
    has_target = is_metric or numbers.type == "threshold"
    return {
        "id": kr.id,
        "title": kr.title,
        "type": kr.type,
        "score": rounded(result.score),
        "start": plain_number(numbers.start) if is_metric else None,
        "target": plain_number(numbers.target) if has_target else None,
        "current": plain_number(result.current) if has_target else None,
        "stale": result.stale,
        "lead": kr.lead,
        "progress": rounded(result.progress) if is_metric else None,
        "due": day_text(result.due),
        "expected": rounded(result.expected),
        "status": result.status,
        "overdue": result.overdue,
        "confidence": rounded(result.confidence),
        "last_update": day_text(result.last_update),
        "checkins": [checkin_data(c) for c in result.checkins],
        "items_done": result.items_done,
        "items_total": result.items_total,
        "tags": list(kr.tags),
        "links": links_data(kr.links),
    }


def objective_data(goals: Goals, objective: Objective, result: ObjectiveScore) -> dict[str, Any]:
    return {
        "id": objective.id,
        "title": objective.title,
        "owner": objective.owner,
        "period": objective.period,
        "parent": published_parent(goals, objective),
        "score": rounded(result.score),
        "status": result.status,
        "expected": rounded(result.expected),
        "url": objective_url(objective.id),
        "lead": goals.lead_of(objective),
        "tags": list(objective.tags),
        "links": links_data(objective.links),
        "key_results": [
            key_result_data(kr, result.key_results[kr.id],
                            measured(goals, kr) if kr.type == "shared" else None)
            for kr in public_key_results(objective)
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
            kpi_data(goals, kpi, card.kpis[kpi.id]) for kpi in goals.kpis if not kpi.private
        ],
    }


def kpi_data(goals: Goals, kpi: Kpi, state: KpiState) -> dict[str, Any]:
    return {
        "id": kpi.id,
        "title": kpi.title,
        "owner": kpi.owner,
        "latest": plain_number(state.latest.value) if state.latest is not None else None,
        "health": state.health,
        "url": kpi_url(kpi.id),
        "stale": state.stale,
        "cadence": kpi.cadence,
        "lead": goals.lead_of(kpi),
        "tags": list(kpi.tags),
        "links": links_data(kpi.links),
    }
