"""Stage 4, format 1.1: check-ins, the as-of cut-off, thresholds, checklists, shared key
results, stretch, progress, due dates, private key results, KPI cadence. Exact numbers, each
computed by hand in the comment beside it."""

from __future__ import annotations

from datetime import date

import pytest

from okrsite.model import Checkin, Item, KeyResult, Point
from okrsite.score import metric_score, score_goals, share, weighted_mean

from .test_score import (
    IN_Q4,
    Q4,
    card,
    goals,
    kpi,
    kr_state,
    metric,
    milestone,
    objective,
)


def threshold(kr_id: str = "t", target: float = 99.95, **kw) -> KeyResult:
    return KeyResult(kr_id, kr_id, "threshold", target=target, **kw)


def checklist(kr_id: str = "c", *items: Item, **kw) -> KeyResult:
    return KeyResult(kr_id, kr_id, "checklist", items=items, **kw)


def shared(kr_id: str, source: str, **kw) -> KeyResult:
    return KeyResult(kr_id, kw.pop("title", ""), "shared", source=source, **kw)


# --- check-ins and the as-of cut-off --------------------------------------------------------


def test_current_defaults_to_the_latest_check_in_by_date() -> None:
    history = (Checkin(date(2026, 11, 1), 13.0), Checkin(date(2026, 10, 15), 11.0))
    state = kr_state(metric(start=10, target=14, history=history))["m"]
    assert state.current == 13.0
    assert state.score == 0.75  # (13 - 10) / (14 - 10)
    assert [c.value for c in state.checkins] == [11.0, 13.0]  # oldest first


def test_an_explicit_current_wins_over_the_history() -> None:
    history = (Checkin(date(2026, 11, 1), 13.0),)
    assert kr_state(metric(start=10, target=14, current=11, history=history))["m"].current == 11


def test_check_ins_after_the_as_of_date_do_not_count() -> None:
    history = (Checkin(date(2026, 10, 15), 11.0), Checkin(date(2026, 11, 20), 13.0))
    state = kr_state(metric(start=10, target=14, history=history), as_of=date(2026, 11, 15))["m"]
    assert state.current == 11.0
    assert state.score == 0.25
    assert state.last_update == date(2026, 10, 15)
    assert [c.date for c in state.checkins] == [date(2026, 10, 15)]


def test_updated_after_the_as_of_date_does_not_count_for_staleness() -> None:
    kr = metric(updated=date(2026, 11, 30))
    state = kr_state(kr, as_of=date(2026, 11, 15))["m"]
    assert state.last_update is None
    assert state.stale  # 45 days of Q4 run, nothing known: > 14


def test_notes_without_value_are_dated_notes() -> None:
    history = (Checkin(date(2026, 11, 1), note="kick-off done"),)
    state = kr_state(milestone(history=history))["ms"]
    assert state.last_update == date(2026, 11, 1)
    assert state.checkins[0].note == "kick-off done"


def test_confidence_falls_back_to_the_latest_check_in_that_has_one() -> None:
    history = (
        Checkin(date(2026, 10, 1), 10.5, confidence=0.4),
        Checkin(date(2026, 11, 1), 11.0, confidence=0.8),
        Checkin(date(2026, 11, 10), 11.5),
        Checkin(date(2026, 11, 20), 12.0, confidence=0.1),  # after the as-of date
    )
    assert kr_state(metric(history=history))["m"].confidence == 0.8
    assert kr_state(metric(history=history, confidence=0.3))["m"].confidence == 0.3
    assert kr_state(metric())["m"].confidence is None


def test_kpi_values_after_the_as_of_date_do_not_count() -> None:
    values = ((date(2026, 10, 31), 41.0), (date(2026, 11, 30), 47.0))
    state = card(objective("o"), kpis=(kpi("nps", values, green=45, amber=35),),
                 as_of=date(2026, 11, 15)).kpis["nps"]
    assert state.latest == Point(date(2026, 10, 31), 41.0)
    assert state.health == "amber"
    assert [p.value for p in state.values] == [41.0]


def test_a_kpi_with_no_value_counted_yet() -> None:
    linked = kpi("k", ((date(2026, 12, 10), 5.0),))
    result = card(objective("o", metric(start=2, target=6, kpi="k"), threshold("t", 4, kpi="k")),
                  kpis=(linked,))
    assert result.kpis["k"].latest is None
    assert result.kpis["k"].health is None
    states = result.objectives["o"].key_results
    assert states["m"].current == 2  # start
    assert states["t"].current is None
    assert states["t"].score == 0.0


# --- thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "current", "direction", "strict", "met"),
    [
        (99.95, 99.97, None, False, True),
        (99.95, 99.95, None, False, True),  # at the target: met (>=)
        (99.95, 99.95, None, True, False),  # strict: >
        (99.95, 99.90, None, False, False),
        (45, 40, "lower_is_better", False, True),
        (45, 45, "lower_is_better", False, True),
        (45, 45, "lower_is_better", True, False),
        (45, 50, "lower_is_better", False, False),
    ],
)
def test_a_threshold_is_met_or_not(target, current, direction, strict, met) -> None:
    state = kr_state(threshold(target=target, current=current, direction=direction,
                               strict=strict))["t"]
    assert state.met is met
    assert state.score == (1.0 if met else 0.0)
    assert state.progress is None


def test_a_threshold_without_any_value_scores_zero() -> None:
    state = kr_state(threshold())["t"]
    assert (state.current, state.met, state.score) == (None, False, 0.0)


def test_a_threshold_takes_the_latest_check_in_and_its_kpis_direction() -> None:
    history = (Checkin(date(2026, 10, 5), 50.0), Checkin(date(2026, 11, 5), 44.0))
    assert kr_state(threshold(target=45, direction="lower_is_better", history=history))["t"].met
    time_to_hire = kpi("hire", ((date(2026, 11, 1), 44.0),), direction="lower_is_better")
    state = kr_state(threshold(target=45, kpi="hire"), kpis=(time_to_hire,))["t"]
    assert (state.current, state.met) == (44.0, True)  # lower is better, from the KPI


# --- checklists -------------------------------------------------------------------------


def test_a_checklist_scores_the_weighted_share_of_items_done() -> None:
    items = (Item("a", True), Item("b", False, 2), Item("c", True))
    state = kr_state(checklist("c", *items))["c"]
    assert state.score == 0.5  # (1 + 0 + 1) / (1 + 2 + 1)
    assert (state.items_done, state.items_total) == (2, 3)  # counts, not weights


def test_a_finished_checklist_is_never_stale() -> None:
    assert not kr_state(checklist("c", Item("a", True)))["c"].stale
    assert kr_state(checklist("c", Item("a", False)))["c"].stale  # 46 days, no update


# --- stretch and progress --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "score", "progress"),
    [
        (12, 0.35, 0.5),  # 0.7 * (12 - 10) / (14 - 10)
        (14, 0.7, 1.0),  # the commit
        (15, 0.85, 1.25),  # 0.7 + 0.3 * (15 - 14) / (16 - 14)
        (16, 1.0, 1.5),
        (18, 1.0, 2.0),  # beyond the stretch: clamped score, progress shown
        (8, 0.0, -0.5),  # regression
    ],
)
def test_stretch_targets(current, score, progress) -> None:
    state = kr_state(metric(start=10, target=14, stretch=16, current=current))["m"]
    assert state.score == pytest.approx(score, abs=1e-12)
    assert state.progress == progress


def test_stretch_lower_is_better() -> None:
    # 20 -> 10, stretch 5, at 7.5: 0.7 + 0.3 * (7.5 - 10) / (5 - 10) = 0.85
    assert metric_score(20, 10, 7.5, stretch=5) == pytest.approx(0.85, abs=1e-12)


def test_progress_is_unclamped_without_stretch() -> None:
    state = kr_state(metric(start=10, target=14, current=19))["m"]
    assert (state.score, state.progress) == (1.0, 2.25)


# --- due dates ---------------------------------------------------------------------------


def test_a_due_date_gives_the_key_result_its_own_expected_share_and_status() -> None:
    # Q4 from 1 October; due 31 October (31 days); as of 15 November: expected 1.0
    kr = metric(start=0, target=10, current=6, due=date(2026, 10, 31))
    result = card(objective("o", kr))
    state = result.objectives["o"].key_results["m"]
    assert state.expected == 1.0
    assert state.status == "at_risk"  # 0.6 / 1.0 is below 0.7, at least 0.4
    assert state.overdue
    # the objective's expected share runs to the period's end: 46 / 92 = 0.5
    assert result.objectives["o"].expected == 0.5
    assert result.objectives["o"].status == "on_track"  # 0.6 / 0.5


def test_a_key_results_own_status_without_due_ignores_a_manual_status() -> None:
    result = card(objective("o", metric(start=0, target=10, current=1), status="on_track"))
    assert result.objectives["o"].status == "on_track"
    assert result.objectives["o"].manual
    state = result.objectives["o"].key_results["m"]
    assert state.expected == 0.5  # 46 / 92
    assert state.status == "off_track"  # 0.1 / 0.5 = 0.2


@pytest.mark.parametrize(
    ("kr", "overdue"),
    [
        (metric(current=10, due=date(2026, 11, 1)), False),  # reached
        (metric(current=9.99, due=date(2026, 11, 1)), True),
        (metric(current=5, due=date(2026, 11, 15)), False),  # due today: not before it
        (milestone(done=True, due=date(2026, 11, 1)), False),
        (milestone(done=False, due=date(2026, 11, 1)), True),
        (threshold(current=100, due=date(2026, 11, 1)), False),
        (threshold(current=99, due=date(2026, 11, 1)), True),
        (checklist("ms", Item("a", True), Item("b", False), due=date(2026, 11, 1)), True),
        (metric(current=5), False),  # no due date
    ],
)
def test_overdue(kr, overdue) -> None:
    assert kr_state(kr)[kr.id].overdue is overdue


# --- shared key results -------------------------------------------------------------------


def test_a_shared_key_result_takes_everything_measured_from_its_source() -> None:
    source = metric("pipe", start=0, target=100, current=40, confidence=0.6,
                    due=date(2026, 10, 31))
    company = objective("company", source, owner="acme")
    sales = objective("sales", shared("pipe", "company#pipe", weight=2),
                      metric("own", start=0, target=10, current=10))
    result = card(company, sales)
    mine = result.objectives["sales"].key_results["pipe"]
    theirs = result.objectives["company"].key_results["pipe"]
    assert mine == theirs
    assert (mine.score, mine.confidence, mine.overdue) == (0.4, 0.6, True)
    # the sales objective: (0.4 * 2 + 1.0 * 1) / 3 = 0.6
    assert result.objectives["sales"].score == pytest.approx(0.6, abs=1e-12)


def test_a_shared_key_result_takes_its_sources_title_when_it_has_none() -> None:
    from okrsite.model import with_shared_titles

    company = objective("company", metric("pipe"), owner="acme")
    sales = objective("sales", shared("pipe", "company#pipe"))
    titled = with_shared_titles((company, sales))
    assert titled[1].key_results[0].title == "pipe"
    assert goals(company, sales).shared_by("company", "pipe")[0][0].id == "sales"


# --- objectives scored by aligned objectives only ---------------------------------------------


def test_an_objective_without_key_results_is_the_weighted_mean_of_its_children() -> None:
    from okrsite.model import Objective

    top = Objective("top", "top", "acme", "2026-Q4", ())
    a = objective("a", metric(current=5), parent="top")  # 0.5
    b = objective("b", metric(current=8), parent="top", weight=3)  # 0.8
    assert card(top, a, b).objectives["top"].score == pytest.approx(0.725, abs=1e-12)


def test_a_private_key_result_counts_in_the_objective_score() -> None:
    result = card(objective("o", metric("a", current=10), metric("b", current=0, private=True)))
    assert result.objectives["o"].score == 0.5


# --- KPI cadence --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "latest", "stale"),
    [
        ("monthly", date(2026, 9, 30), True),  # 46 days > 31 + 14
        ("monthly", date(2026, 10, 1), False),  # 45 days: not more than 45
        ("weekly", date(2026, 10, 24), True),  # 22 days > 7 + 14
        ("weekly", date(2026, 10, 25), False),  # 21 days
        ("quarterly", date(2026, 8, 1), False),  # 106 days <= 92 + 14
        (None, date(2020, 1, 1), None),
    ],
)
def test_kpi_cadence_staleness(cadence, latest, stale) -> None:
    from dataclasses import replace

    with_cadence = replace(kpi("k", ((latest, 1.0),)), cadence=cadence)
    assert card(objective("o"), kpis=(with_cadence,)).kpis["k"].stale is stale


def test_a_kpi_with_a_cadence_and_no_value_yet_is_stale() -> None:
    from dataclasses import replace

    later = replace(kpi("k", ((date(2027, 1, 1), 1.0),)), cadence="yearly")
    assert card(objective("o"), kpis=(later,)).kpis["k"].stale is True


# --- numbers at the ends of the float range ----------------------------------------------------


def test_huge_weights_do_not_make_a_score_nan() -> None:
    assert weighted_mean([(1.0, 1e308), (0.0, 1e308)]) == 0.5
    a = metric("a", current=10, weight=1e308)
    b = metric("b", current=0, weight=1e308)
    assert card(objective("o", a, b)).objectives["o"].score == 0.5


def test_a_span_across_the_whole_float_range_scores_right() -> None:
    assert share(0.0, -1.7e308, 1.7e308) == 0.5
    assert metric_score(-1.7e308, 1.7e308, 0.0) == 0.5
    state = kr_state(metric(start=-1.7e308, target=1.7e308, current=1.7e308))["m"]
    assert (state.score, state.progress) == (1.0, 1.0)


def test_tiny_spans_do_not_divide_by_zero() -> None:
    assert share(5e-324, 0.0, 5e-324) == 1.0
    assert score_goals(goals(objective("o", metric(start=0, target=5e-324, current=5e-324))),
                       IN_Q4).objectives["o"].score == 1.0


def test_q4_is_the_period_these_tests_use() -> None:
    assert Q4.days == 92
