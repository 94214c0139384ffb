"""``rescore``: scoring again after an edit gives what scoring everything afresh gives.

On a generated organisation of 100 units (every kind of key result, KPIs, aligned and shared
key results), each edit is made to the model, and the scorecard ``rescore`` makes from the
previous one must equal ``score_goals`` of the edited goals, number for number.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from okrsite.build import read_goals
from okrsite.model import Goals, KeyResult, Objective, Point
from okrsite.score import rescore, score_goals

AS_OF = date(2026, 11, 20)
GENERATE = Path(__file__).parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Goals:
    goals = tmp_path_factory.mktemp("rescore") / "goals"
    subprocess.run([sys.executable, str(GENERATE), "100", str(goals)], check=True,
                   stdout=subprocess.DEVNULL)
    return read_goals(goals)


def with_objective(goals: Goals, objective_id: str,
                   change: Callable[[Objective], Objective]) -> Goals:
    objectives = tuple(change(o) if o.id == objective_id else o for o in goals.objectives)
    return replace(goals, objectives=objectives)


def with_key_result(goals: Goals, objective_id: str, kr_id: str,
                    change: Callable[[KeyResult], KeyResult]) -> Goals:
    def edit(objective: Objective) -> Objective:
        krs = tuple(change(kr) if kr.id == kr_id else kr for kr in objective.key_results)
        return replace(objective, key_results=krs)

    return with_objective(goals, objective_id, edit)


def deepest(goals: Goals, test: Callable[[Objective, KeyResult], bool]) -> tuple[str, str]:
    """The objective furthest down the tree with a key result passing ``test``."""
    found = [(len(goals.ancestors(o.id)), o.id, kr.id)
             for o in goals.objectives for kr in o.key_results if test(o, kr)]
    assert found, "no such key result in the generated organisation"
    _, objective_id, kr_id = max(found)
    return objective_id, kr_id


def edits(goals: Goals) -> list[tuple[str, Goals]]:
    metric = deepest(goals, lambda o, kr: kr.type == "metric" and kr.kpi is None)
    source = next(kr.source_ref for o in goals.objectives for kr in o.key_results
                  if kr.source_ref is not None)
    assert source is not None
    kpi_used = next(kr.kpi for o in goals.objectives for kr in o.key_results if kr.kpi)
    kpi = goals.kpi_by_id[kpi_used]
    child = deepest(goals, lambda o, kr: o.parent is not None)
    top = goals.objectives[0]
    return [
        ("a deep metric's current", with_key_result(
            goals, *metric, lambda kr: replace(kr, current=(kr.current or 0) + 7.5))),
        ("a shared key result's source", with_key_result(
            goals, *source, lambda kr: replace(kr, current=(kr.current or 0) + 1, done=True,
                                               score=0.9))),
        ("a KPI's new value", replace(goals, kpis=tuple(
            replace(k, values=(*k.values, Point(AS_OF, k.values[-1].value * 2 + 1)))
            if k is kpi else k for k in goals.kpis))),
        ("an objective's weight", with_objective(goals, child[0],
                                                 lambda o: replace(o, weight=o.weight * 3))),
        ("a manual status", with_objective(goals, child[0],
                                           lambda o: replace(o, status="off_track"))),
        ("a title only", with_objective(goals, top.id, lambda o: replace(o, title="Renamed"))),
        ("nothing", goals),
        ("a new parent (scored afresh)", with_objective(
            goals, child[0], lambda o: replace(o, parent=top.id, parent_kr=None))),
    ]


def test_rescore_equals_scoring_afresh_after_every_kind_of_edit(organisation: Goals) -> None:
    card = score_goals(organisation, AS_OF)
    for what, edited in edits(organisation):
        afresh = score_goals(edited, AS_OF)
        assert rescore(edited, AS_OF, organisation, card) == afresh, what
        if what not in ("a title only", "nothing"):
            assert afresh != card, f"{what} should change a score"


def test_rescore_keeps_the_states_an_edit_cannot_change(organisation: Goals) -> None:
    card = score_goals(organisation, AS_OF)
    objective_id, kr_id = deepest(organisation,
                                  lambda o, kr: kr.type == "metric" and kr.kpi is None)
    edited = with_key_result(organisation, objective_id, kr_id,
                             lambda kr: replace(kr, current=(kr.current or 0) + 3))
    again = rescore(edited, AS_OF, organisation, card)
    up_the_tree = {objective_id, *(o.id for o in edited.ancestors(objective_id))}
    sharing = {o.id for o in edited.objectives for kr in o.key_results
               if kr.source_ref is not None and kr.source_ref[0] in up_the_tree}
    new = {i for i, state in again.objectives.items() if state is not card.objectives[i]}
    assert objective_id in new
    assert new <= up_the_tree | sharing | {a.id for s in sharing for a in edited.ancestors(s)}


def test_rescore_scores_afresh_at_another_date(organisation: Goals) -> None:
    card = score_goals(organisation, AS_OF)
    later = date(2026, 12, 20)
    assert rescore(organisation, later, organisation, card) == score_goals(organisation, later)
