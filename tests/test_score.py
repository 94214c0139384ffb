"""Stage 4: every scoring, status, freshness and health rule of the spec, with exact numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from okrsite.model import (
    STATUSES,
    Checkin,
    Goals,
    KeyResult,
    Kpi,
    Objective,
    Org,
    Period,
    Point,
    Scoring,
    Unit,
    split_parent,
)
from okrsite.score import (
    current_period,
    expected_share,
    key_result_score,
    kpi_health,
    metric_score,
    pace_status,
    score_goals,
    status_of,
)

# --- factories ----------------------------------------------------------------------------

YEAR = Period("2026", date(2026, 1, 1), date(2026, 12, 31))
Q1 = Period("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))
Q3 = Period("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
Q4 = Period("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
TEN = Period("ten", date(2026, 1, 1), date(2026, 1, 10))
"""Ten days: on day k the expected share is k/10."""

IN_Q4 = date(2026, 11, 15)
UNITS = (Unit("acme", "Acme"), Unit("sales", "Sales", parent="acme"), Unit("ops", "Ops", "acme"))


def metric(kr_id: str = "m", start: float = 0, target: float = 10, current=None, **kw):
    return KeyResult(kr_id, kr_id, "metric", start=start, target=target, current=current, **kw)


def milestone(kr_id: str = "ms", done: bool = False, **kw) -> KeyResult:
    return KeyResult(kr_id, kr_id, "milestone", done=done, **kw)


def graded(kr_id: str = "g", score: float = 0.5, **kw) -> KeyResult:
    return KeyResult(kr_id, kr_id, "score", score=score, **kw)


def aligned(kr_id: str = "al", **kw) -> KeyResult:
    return KeyResult(kr_id, kr_id, "aligned", **kw)


def objective(
    obj_id: str,
    *krs: KeyResult,
    owner: str = "sales",
    period: str = "2026-Q4",
    parent: str | None = None,
    **kw,
) -> Objective:
    parent_id, parent_kr = split_parent(parent)
    return Objective(
        obj_id,
        obj_id,
        owner,
        period,
        krs or (graded(),),
        parent=parent_id,
        parent_kr=parent_kr,
        **kw,
    )


def kpi(
    kpi_id: str = "k",
    values: tuple[tuple[date, float], ...] = ((date(2026, 10, 31), 1.0),),
    direction: str = "higher_is_better",
    green: float | None = None,
    amber: float | None = None,
) -> Kpi:
    points = tuple(Point(d, v) for d, v in values)
    return Kpi(kpi_id, kpi_id, "ops", direction, points, green=green, amber=amber)  # type: ignore[arg-type]


def goals(
    *objectives: Objective,
    kpis: tuple[Kpi, ...] = (),
    periods: tuple[Period, ...] = (YEAR, Q3, Q4, TEN),
    current: str | None = None,
    scoring: Scoring | None = None,
) -> Goals:
    org = Org("Acme", UNITS, periods, current, scoring or Scoring())
    return Goals(org, objectives, kpis)


def card(*objectives: Objective, as_of: date = IN_Q4, git_dates=None, **kw):
    return score_goals(goals(*objectives, **kw), as_of, git_dates)


def obj_score(obj_id: str, *objectives: Objective, **kw) -> float:
    return card(*objectives, **kw).objectives[obj_id].score


def kr_state(*krs: KeyResult, as_of: date = IN_Q4, **kw):
    """The states of the key results of one Q4 objective."""
    return card(objective("o", *krs), as_of=as_of, **kw).objectives["o"].key_results


# --- metric key results -------------------------------------------------------------------


def test_increasing_metric_scores_the_share_of_the_way() -> None:
    state = kr_state(metric(start=10, target=14, current=12))["m"]
    assert state.score == 0.5
    assert state.current == 12


def test_decreasing_metric_scores_the_share_of_the_way_down() -> None:
    assert kr_state(metric(start=20, target=10, current=15))["m"].score == 0.5
    assert kr_state(metric(start=20, target=10, current=12))["m"].score == 0.8


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (10, 14, 16, 1.0),  # past the target
        (10, 14, 14, 1.0),  # at the target
        (10, 14, 10, 0.0),  # at the start
        (10, 14, 8, 0.0),  # worse than the start
        (20, 10, 5, 1.0),  # lower is better, past the target
        (20, 10, 25, 0.0),  # lower is better, worse than the start
    ],
)
def test_metric_clamps_at_both_ends(start, target, current, expected) -> None:
    assert metric_score(start, target, current) == expected
    assert kr_state(metric(start=start, target=target, current=current))["m"].score == expected


def test_metric_without_current_stays_at_start() -> None:
    state = kr_state(metric(start=10, target=14))["m"]
    assert state.score == 0.0
    assert state.current == 10


def test_metric_takes_current_from_its_kpis_latest_value_by_date() -> None:
    values = ((date(2026, 11, 30), 13.0), (date(2026, 10, 31), 11.0))  # out of order on purpose
    kr = metric(start=10, target=14, current=10.5, kpi="arr")
    state = kr_state(kr, kpis=(kpi("arr", values),), as_of=date(2026, 12, 1))
    assert state["m"].current == 13.0
    assert state["m"].score == 0.75
    # format 1.1: the value of 30 November is not known yet on 15 November
    state = kr_state(kr, kpis=(kpi("arr", values),), as_of=date(2026, 11, 15))
    assert state["m"].current == 11.0
    assert state["m"].score == 0.25


def test_other_key_result_types() -> None:
    states = kr_state(milestone("done", done=True), milestone("open"), graded("g", 0.3))
    assert [s.score for s in states.values()] == [1.0, 0.0, 0.3]
    assert [s.current for s in states.values()] == [None, None, None]
    assert list(states) == ["done", "open", "g"]  # file order


def test_key_result_score_dispatches_on_type() -> None:
    assert key_result_score(metric(start=0, target=4), 1.0) == 0.25
    assert key_result_score(aligned(), None, [(1.0, 1.0), (0.5, 1.0)]) == 0.75
    assert key_result_score(aligned(), None, []) == 0.0  # defensive; validation forbids


# --- aligned key results and the roll-up --------------------------------------------------


def test_aligned_key_result_is_the_weighted_mean_of_its_contributors() -> None:
    scorecard = card(
        objective("top", aligned("al")),
        objective("a", milestone(done=True), parent="top#al", weight=3),
        objective("b", milestone(done=False), parent="top#al", weight=1),
    )
    assert scorecard.objectives["top"].key_results["al"].score == 0.75
    assert scorecard.objectives["top"].score == 0.75


def test_objectives_aligned_to_a_metric_key_result_do_not_change_it() -> None:
    scorecard = card(
        objective("top", metric(start=0, target=10, current=2), graded("g", 0.6)),
        objective("child", milestone(done=True), parent="top#m"),
    )
    assert scorecard.objectives["top"].key_results["m"].score == 0.2
    assert scorecard.objectives["top"].score == 0.4  # (0.2 + 0.6) / 2, the child not counted
    assert scorecard.objectives["child"].score == 1.0


def test_objective_mixes_weighted_key_results_and_directly_aligned_children() -> None:
    top = objective("top", milestone("a", done=True, weight=2), milestone("b", weight=1))
    child = objective("child", graded("g", 0.5), parent="top", weight=1)
    assert obj_score("top", top, child) == 0.625  # (1*2 + 0*1 + 0.5*1) / 4


def test_child_weight_counts_in_its_parents_score() -> None:
    top = objective("top", milestone(done=False))
    child = objective("child", milestone(done=True), parent="top", weight=3)
    assert obj_score("top", top, child) == 0.75  # (0*1 + 1*3) / 4


def test_objective_aligned_to_an_aligned_key_result_counts_only_through_it() -> None:
    top = objective("top", aligned("al"), milestone("ms"))
    child = objective("child", milestone(done=True), parent="top#al")
    assert obj_score("top", top, child) == 0.5  # (al=1 + ms=0) / 2, not (1 + 0 + 1) / 3


def test_multi_level_roll_up() -> None:
    scorecard = card(
        objective("company", aligned("al"), graded("g", 0.5)),
        objective("dept", graded("g", 0.25), parent="company#al"),
        objective("team", milestone(done=True), parent="dept", weight=3),
    )
    assert scorecard.objectives["team"].score == 1.0
    assert scorecard.objectives["dept"].score == 0.8125  # (0.25 + 3) / 4
    assert scorecard.objectives["company"].score == 0.65625  # (0.8125 + 0.5) / 2


def test_private_objectives_count_in_their_parents_score() -> None:
    top = objective("top", milestone(done=False))
    secret = objective("secret", milestone(done=True), parent="top", private=True)
    assert obj_score("top", top, secret) == 0.5


def test_children_listed_before_their_parents_are_scored_in_order() -> None:
    child = objective("child", graded("g", 0.5), parent="top")
    top = objective("top", aligned("al"))
    grandchild = objective("gc", milestone(done=True), parent="top#al")
    scorecard = card(grandchild, child, top)
    assert scorecard.objectives["top"].score == 0.75


def test_a_deep_cascade_of_2000_objectives_scores_without_recursion() -> None:
    chain = [objective("o0", milestone(done=True))]
    chain += [objective(f"o{i}", milestone(done=False), parent=f"o{i - 1}") for i in range(1, 2000)]
    scorecard = card(*reversed(chain))
    assert scorecard.objectives["o1999"].score == 0.0
    assert scorecard.objectives["o1998"].score == 0.0
    assert scorecard.objectives["o1"].score == 0.0
    assert scorecard.objectives["o0"].score == 0.5


def test_a_wide_tree_of_2000_objectives_under_aligned_key_results() -> None:
    tops = [objective(f"t{i}", aligned("al")) for i in range(20)]
    kids = [
        objective(f"k{i}", milestone(done=i % 2 == 0), parent=f"t{i % 20}#al") for i in range(1980)
    ]
    scorecard = card(*kids, *tops)
    assert all(
        scorecard.objectives[f"t{i}"].score == (1.0 if i % 2 == 0 else 0.0) for i in range(20)
    )


# --- expected share and status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected", "status"),
    [
        (date(2025, 12, 31), 0.0, "not_started"),  # the day before the period
        (date(2026, 1, 1), 0.1, "on_track"),  # first day: pace 3.5
        (date(2026, 1, 5), 0.5, "on_track"),  # middle: pace 0.7 exactly
        (date(2026, 1, 6), 0.6, "at_risk"),  # pace 0.58333
        (date(2026, 1, 10), 1.0, "off_track"),  # last day: pace 0.35
        (date(2026, 2, 1), 1.0, "off_track"),  # after the period
    ],
)
def test_status_through_a_period(as_of: date, expected: float, status: str) -> None:
    scorecard = card(objective("o", graded("g", 0.35), period="ten"), as_of=as_of)
    state = scorecard.objectives["o"]
    assert state.expected == expected
    assert state.status == status


def test_pace_is_none_before_the_period_and_score_over_expected_after() -> None:
    before = card(objective("o", graded("g", 0.35), period="ten"), as_of=date(2025, 12, 1))
    assert before.objectives["o"].pace is None
    middle = card(objective("o", graded("g", 0.35), period="ten"), as_of=date(2026, 1, 5))
    assert middle.objectives["o"].pace == 0.7


def test_expected_share_counts_the_as_of_day() -> None:
    assert expected_share(Q4, date(2026, 10, 1)) == 1 / 92
    assert expected_share(Q4, date(2026, 12, 31)) == 1.0
    assert expected_share(Q4, date(2026, 9, 30)) == 0.0
    assert expected_share(Q4, date(2027, 3, 1)) == 1.0


@pytest.mark.parametrize(
    ("pace", "status"),
    [
        (0.7, "on_track"),
        (0.6999, "at_risk"),
        (0.4, "at_risk"),
        (0.3999, "off_track"),
        (0.0, "off_track"),
        (2.0, "on_track"),
    ],
)
def test_pace_thresholds_are_inclusive(pace: float, status: str) -> None:
    assert pace_status(pace, Scoring()) == status


def test_thresholds_come_from_the_scoring_settings() -> None:
    strict = Scoring(on_track=0.9, at_risk=0.6)
    assert pace_status(0.8, strict) == "at_risk"
    assert pace_status(0.5, strict) == "off_track"
    state = card(
        objective("o", graded("g", 0.8), period="ten"), as_of=date(2026, 1, 10), scoring=strict
    )
    assert state.objectives["o"].status == "at_risk"


def test_float_noise_does_not_drop_a_pace_below_its_threshold() -> None:
    kr = metric(start=2, target=5, current=4.1)  # 0.7 on paper, 0.6999999999999998 in floats
    state = card(objective("o", kr, period="ten"), as_of=date(2026, 1, 10)).objectives["o"]
    assert state.score == pytest.approx(0.7)
    assert state.status == "on_track"


def test_manual_status_wins_over_the_pace() -> None:
    done = objective("o", milestone(done=True), period="ten", status="off_track")
    assert card(done, as_of=date(2026, 1, 10)).objectives["o"].status == "off_track"
    assert status_of(0.0, 1.0, Scoring(), "on_track") == "on_track"


def test_manual_status_wins_over_not_started() -> None:
    early = objective("o", milestone(), period="ten", status="at_risk")
    state = card(early, as_of=date(2025, 12, 1)).objectives["o"]
    assert state.expected == 0.0
    assert state.status == "at_risk"


# --- staleness ----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "stale"), [(13, False), (14, False), (15, True)])
def test_dated_key_result_goes_stale_one_day_past_the_limit(days: int, stale: bool) -> None:
    updated = date(2026, 11, 1)
    state = kr_state(metric(updated=updated), as_of=updated + timedelta(days=days))["m"]
    assert state.last_update == updated
    assert state.stale is stale


@pytest.mark.parametrize(("days", "stale"), [(14, False), (15, True)])
def test_undated_key_result_goes_stale_once_the_period_ran_past_the_limit(
    days: int, stale: bool
) -> None:
    state = kr_state(metric(), as_of=Q4.start + timedelta(days=days))["m"]
    assert state.last_update is None
    assert state.stale is stale


def test_stale_after_days_comes_from_the_scoring_settings() -> None:
    three = {"as_of": date(2026, 11, 5), "scoring": Scoring(stale_after_days=3)}
    assert kr_state(metric(updated=date(2026, 11, 2)), **three)["m"].stale is False
    assert kr_state(metric(updated=date(2026, 11, 1)), **three)["m"].stale is True


def test_last_update_is_the_latest_of_updated_history_and_kpi() -> None:
    history = (Checkin(date(2026, 10, 20), 1.0), Checkin(date(2026, 11, 3), 2.0))
    kr = metric(updated=date(2026, 11, 1), history=history)
    assert kr_state(kr)["m"].last_update == date(2026, 11, 3)
    with_kpi = metric(updated=date(2026, 11, 1), history=history, kpi="k")
    values = ((date(2026, 11, 10), 3.0), (date(2026, 10, 1), 1.0))
    assert kr_state(with_kpi, kpis=(kpi("k", values),))["m"].last_update == date(2026, 11, 10)


def test_history_date_keeps_a_key_result_fresh() -> None:
    kr = metric(history=(Checkin(date(2026, 11, 10), 2.0),))
    state = kr_state(kr, as_of=date(2026, 11, 20))["m"]
    assert state.last_update == date(2026, 11, 10)
    assert state.stale is False


def test_git_date_makes_a_key_result_fresh() -> None:
    as_of = date(2026, 11, 20)
    assert kr_state(metric(updated=date(2026, 10, 1)), as_of=as_of)["m"].stale is True
    git_dates = {("o", "m"): date(2026, 11, 18)}
    state = kr_state(metric(updated=date(2026, 10, 1)), as_of=as_of, git_dates=git_dates)["m"]
    assert state.last_update == date(2026, 11, 18)
    assert state.stale is False


def test_git_date_of_another_key_result_does_not_count() -> None:
    git_dates = {("o", "other"): date(2026, 11, 14), ("x", "m"): date(2026, 11, 14)}
    assert kr_state(metric(), git_dates=git_dates)["m"].stale is True


def test_nothing_is_stale_outside_the_period() -> None:
    assert kr_state(metric(), as_of=date(2027, 1, 31))["m"].stale is False
    assert kr_state(metric(), as_of=date(2026, 9, 1))["m"].stale is False
    assert kr_state(metric(), as_of=Q4.end)["m"].stale is True  # the last day is inside


def test_aligned_key_results_and_done_milestones_are_never_stale() -> None:
    scorecard = card(
        objective("o", aligned("al"), milestone("done", done=True), milestone("open")),
        objective("child", graded(updated=IN_Q4), parent="o#al"),
    )
    states = scorecard.objectives["o"].key_results
    assert states["al"].stale is False
    assert states["done"].stale is False
    assert states["open"].stale is True


# --- KPIs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "health"),
    [(46, "green"), (45, "green"), (44.9, "amber"), (35, "amber"), (34.9, "red")],
)
def test_kpi_health_higher_is_better(value: float, health: str) -> None:
    assert kpi_health(kpi(green=45, amber=35), value) == health


@pytest.mark.parametrize(
    ("value", "health"),
    [(1.9, "green"), (2, "green"), (2.1, "amber"), (5, "amber"), (5.1, "red")],
)
def test_kpi_health_lower_is_better(value: float, health: str) -> None:
    assert kpi_health(kpi(direction="lower_is_better", green=2, amber=5), value) == health


def test_kpi_without_thresholds_has_no_health() -> None:
    assert kpi_health(kpi(), 100.0) is None


@pytest.mark.parametrize(
    ("direction", "green", "amber", "value", "health"),
    [
        ("higher_is_better", 45, None, 45, "green"),
        ("higher_is_better", 45, None, 44, "red"),
        ("higher_is_better", None, 35, 35, "amber"),
        ("higher_is_better", None, 35, 34, "red"),
        ("lower_is_better", 2, None, 2, "green"),
        ("lower_is_better", 2, None, 3, "red"),
        ("lower_is_better", None, 5, 5, "amber"),
        ("lower_is_better", None, 5, 6, "red"),
    ],
)
def test_kpi_with_one_threshold_uses_that_one(direction, green, amber, value, health) -> None:
    assert kpi_health(kpi(direction=direction, green=green, amber=amber), value) == health


def test_kpi_state_uses_the_latest_value_by_date() -> None:
    values = ((date(2026, 10, 31), 41.0), (date(2026, 9, 30), 50.0))
    state = card(kpis=(kpi("nps", values, green=45, amber=35),)).kpis["nps"]
    assert state.latest == Point(date(2026, 10, 31), 41.0)
    assert state.health == "amber"


# --- the current period -------------------------------------------------------------------


def test_current_period_set_in_org_wins() -> None:
    org = Org("Acme", UNITS, (YEAR, Q3, Q4), "2026-Q3")
    assert current_period(org, IN_Q4) == Q3


def test_current_period_is_the_shortest_containing_the_as_of_date() -> None:
    org = Org("Acme", UNITS, (YEAR, Q3, Q4))
    assert current_period(org, IN_Q4) == Q4
    assert current_period(org, date(2026, 5, 1)) == YEAR


def test_current_period_ties_go_to_the_first_listed() -> None:
    other = Period("other-Q4", Q4.start, Q4.end)
    assert current_period(Org("Acme", UNITS, (other, Q4)), IN_Q4) == other


def test_current_period_between_periods_is_the_one_that_ended_last() -> None:
    org = Org("Acme", UNITS, (Q4, Q1, Q3))
    assert current_period(org, date(2026, 5, 1)) == Q1
    assert current_period(org, date(2027, 2, 1)) == Q4


def test_current_period_before_all_periods_is_the_earliest_starting() -> None:
    org = Org("Acme", UNITS, (Q4, Q3))
    assert current_period(org, date(2026, 1, 1)) == Q3


def test_scorecard_reports_its_current_period_and_as_of() -> None:
    scorecard = card(as_of=IN_Q4)
    assert scorecard.current_period == Q4
    assert scorecard.as_of == IN_Q4


# --- units, overall, counts ---------------------------------------------------------------


def _unit_tree() -> tuple[Objective, ...]:
    return (
        objective("yearly", graded("g", 0.25), period="2026"),
        objective("q4", graded("g", 0.75), period="2026-Q4"),
        objective("q3", graded("g", 1.0), period="2026-Q3"),
        objective("ops-q4", milestone(done=True), owner="ops", period="2026-Q4", private=True),
    )


def test_unit_score_counts_yearly_objectives_in_every_quarter() -> None:
    in_q4 = card(*_unit_tree(), as_of=IN_Q4)
    assert in_q4.units["sales"] == 0.5  # yearly 0.25 and Q4 0.75
    in_q3 = card(*_unit_tree(), as_of=date(2026, 8, 1))
    assert in_q3.units["sales"] == 0.625  # yearly 0.25 and Q3 1.0


def test_unit_score_counts_private_objectives_and_is_none_without_any() -> None:
    scorecard = card(*_unit_tree(), as_of=IN_Q4)
    assert scorecard.units["ops"] == 1.0
    assert scorecard.units["acme"] is None
    assert set(scorecard.units) == {"acme", "sales", "ops"}


def test_unit_score_is_a_plain_mean_of_the_units_objectives() -> None:
    scorecard = card(
        objective("a", milestone(done=True), weight=3),
        objective("b", milestone(done=False)),
    )
    assert scorecard.units["sales"] == 0.5


def test_a_yearly_objective_does_not_count_when_the_year_is_current() -> None:
    # The quarter's objective does not enclose the year, so only the yearly one counts.
    scorecard = card(*_unit_tree(), current="2026")
    assert scorecard.units["sales"] == 0.25
    assert scorecard.counted == frozenset({"yearly"})


def test_overall_is_the_mean_of_root_objectives_in_the_current_period() -> None:
    scorecard = card(
        objective("top", milestone(done=True), period="2026"),
        objective("root-q4", graded("g", 0.5)),
        objective("child", milestone(done=False), parent="top"),
        objective("old", milestone(done=False), period="2026-Q3"),
    )
    assert scorecard.objectives["top"].score == 0.5
    assert scorecard.overall == 0.5  # top 0.5 and root-q4 0.5; child and old not counted
    assert scorecard.counted == frozenset({"top", "root-q4", "child"})


def test_overall_is_none_without_root_objectives_in_the_current_period() -> None:
    assert card(objective("old", period="2026-Q3")).overall is None
    assert card().overall is None


def test_counts_have_every_status_for_objectives_in_the_current_period() -> None:
    scorecard = card(
        objective("done", milestone(done=True)),
        objective("flagged", milestone(done=True), status="at_risk"),
        objective("zero", milestone(done=False)),
        objective("old", milestone(done=False), period="2026-Q3"),
    )
    assert scorecard.counts == {"not_started": 0, "on_track": 1, "at_risk": 1, "off_track": 1}
    assert card().counts == dict.fromkeys(STATUSES, 0)


def test_not_started_objectives_are_counted_under_an_explicit_current_period() -> None:
    scorecard = card(objective("next", milestone()), as_of=date(2026, 8, 1), current="2026-Q4")
    assert scorecard.counts["not_started"] == 1


# --- properties ---------------------------------------------------------------------------

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
weights = st.floats(min_value=0.01, max_value=100)
days = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 6, 1))


@st.composite
def metrics(draw, kr_id: str = "m") -> KeyResult:
    start = draw(numbers)
    target = draw(numbers.filter(lambda t: t != start))
    current = draw(st.one_of(st.none(), numbers))
    return metric(kr_id, start=start, target=target, current=current, weight=draw(weights))


def _key_results():
    return st.one_of(
        metrics(),
        st.builds(milestone, done=st.booleans(), weight=weights),
        st.builds(graded, score=st.floats(0, 1), weight=weights),
    )


@given(st.lists(_key_results(), min_size=1, max_size=10), weights, days)
def test_scores_are_always_between_0_and_1(krs, child_weight, as_of) -> None:
    krs = [replace(kr, id=f"kr{i}") for i, kr in enumerate(krs)]
    scorecard = card(
        objective("top", *krs),
        objective("child", *krs, parent="top", weight=child_weight),
        as_of=as_of,
    )
    for state in scorecard.objectives.values():
        assert 0.0 <= state.score <= 1.0
        assert 0.0 <= state.expected <= 1.0
        assert state.status in STATUSES
        assert all(0.0 <= kr.score <= 1.0 for kr in state.key_results.values())


@given(numbers, numbers, numbers, numbers, st.floats(0, 1), weights, weights)
def test_moving_current_toward_target_never_lowers_a_score(
    start, target, a, b, other, weight, child_weight
) -> None:
    assume(start != target)
    behind, ahead = (min(a, b), max(a, b)) if target > start else (max(a, b), min(a, b))

    def scored(current: float) -> tuple[float, float, float]:
        kr = metric(start=start, target=target, current=current, weight=weight)
        scorecard = card(
            objective("top", aligned("al"), graded("g", other)),
            objective("o", kr, graded("g", other), parent="top#al", weight=child_weight),
        )
        return (
            scorecard.objectives["o"].key_results["m"].score,
            scorecard.objectives["o"].score,
            scorecard.objectives["top"].score,
        )

    assert all(x <= y for x, y in zip(scored(behind), scored(ahead), strict=True))


@given(st.floats(0, 1), st.floats(0, 1), st.sampled_from([None, *STATUSES[1:]]))
def test_status_is_always_one_of_the_four(score, expected, manual) -> None:
    assert status_of(score, expected, Scoring(), manual) in STATUSES


def test_overall_is_the_company_units_score_when_it_has_one() -> None:
    scorecard = card(
        objective("company", graded("g", 0.8), owner="acme"),
        objective("team", graded("g", 0.2)),  # a top-level objective of a team
    )
    assert scorecard.units["acme"] == 0.8
    assert scorecard.overall == 0.8  # not (0.8 + 0.2) / 2: home matches the company's page
