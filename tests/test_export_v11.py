"""Format 1.1 in ``api/okrs.json`` / ``okrsite export`` and in ``okrsite show``: exact numbers,
computed by hand in the comments, on tests/fixtures/v11site (as of 2026-11-20, 2026-Q4: the
51st of 92 days, so an objective's expected share is 51/92 = 0.5543)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrsite.build import read_goals
from okrsite.cli import cli
from okrsite.render.export import export_data
from okrsite.render.text import tree_lines
from okrsite.score import score_goals

FIXTURES = Path(__file__).parent / "fixtures"
V11 = FIXTURES / "v11site" / "goals"
AS_OF = date(2026, 11, 20)
CANARY = "zq8secret"


def export(goals_dir: Path = V11, as_of: date = AS_OF) -> dict[str, Any]:
    goals = read_goals(goals_dir)
    return json.loads(json.dumps(export_data(goals, score_goals(goals, as_of))))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return export()


def objective(data: dict[str, Any], objective_id: str) -> dict[str, Any]:
    return next(o for o in data["objectives"] if o["id"] == objective_id)


def key_result(data: dict[str, Any], objective_id: str, kr_id: str) -> dict[str, Any]:
    return next(k for k in objective(data, objective_id)["key_results"] if k["id"] == kr_id)


# --- objectives ----------------------------------------------------------------------------------


def test_objectives_add_lead_tags_and_links(data: dict[str, Any]) -> None:
    grow = objective(data, "grow")
    assert grow["lead"] == "Chief Executive Officer"  # its own
    assert grow["tags"] == ["p0", "growth"]
    assert grow["links"] == [
        {"title": "Board deck", "url": "https://docs.example.com/board/2026-q4"},
        {"title": "Ask the CEO", "url": "mailto:ceo@example.com"},
        {"title": "Our handbook", "url": "/handbook/"},
    ]
    assert objective(data, "partners")["lead"] == "Sam Ortiz"  # the unit's (sales)
    assert objective(data, "all-private")["lead"] is None  # ops has no lead
    assert objective(data, "partners")["tags"] == [] and objective(data, "partners")["links"] == []


def test_objective_scores_count_private_key_results(data: dict[str, Any]) -> None:
    # grow's key results: arr 0.7 * 2.9/4 = 0.5075, over 1, regress 0, uptime 1, otd 0,
    # peak 1/4 = 0.25, the private margin 3/4 = 0.75, nps 10/20 = 0.5: sum 4.0075; with
    # partners aligned to it, (2 * 0.5075 + 2/3) / 3 = 0.560556: (4.0075 + 0.560556) / 9.
    assert objective(data, "grow")["score"] == 0.5076
    assert objective(data, "partners")["score"] == 0.5606
    assert objective(data, "grow")["status"] == "on_track"  # 0.5076 / 0.5543 = 0.916


def test_private_key_results_are_left_out(data: dict[str, Any]) -> None:
    ids = [k["id"] for k in objective(data, "grow")["key_results"]]
    assert ids == ["arr", "over", "regress", "uptime", "otd", "peak", "nps"]
    everything = json.dumps(data).lower()
    assert CANARY not in everything
    assert "zq7future" not in everything  # dated after the as-of date


def test_an_objective_with_only_private_key_results_keeps_its_score(data: dict[str, Any]) -> (
    None
):
    depots = objective(data, "all-private")
    assert depots["key_results"] == []
    assert depots["score"] == 0.8
    assert depots["status"] == "on_track"


def test_a_parent_naming_a_private_key_result_is_the_objective_alone(data: dict[str, Any]) -> (
    None
):
    assert objective(data, "via-private")["parent"] == "grow"
    assert objective(data, "partners")["parent"] == "grow"
    assert "zq8secret-plan" not in {o["id"] for o in data["objectives"]}


# --- key results ---------------------------------------------------------------------------------


def test_a_metric_with_stretch_due_and_check_ins(data: dict[str, Any]) -> None:
    arr = key_result(data, "grow", "arr")
    assert arr == {
        "id": "arr", "title": "Grow net new ARR from 10 to 14 M EUR", "type": "metric",
        "score": 0.5075,  # 0.7 * (12.9 - 10) / (14 - 10): the commit not reached yet
        "start": 10, "target": 14, "current": 12.9,  # the 2026-11-25 check-in is not counted
        "stale": False, "lead": "VP Sales",
        "progress": 0.725,
        "due": "2026-12-15",
        "expected": 0.6711,  # 51 / 76 days from 2026-10-01 to the due date
        "status": "on_track",  # 0.5075 / 0.6711 = 0.756
        "overdue": False,
        "confidence": 0.6,  # the latest check-in that has one (2026-11-02)
        "last_update": "2026-11-18",
        "checkins": [
            {"date": "2026-10-15", "value": 10.8, "note": "=> 20% (two late renewals)",
             "confidence": None, "by": "Sam Ortiz"},
            {"date": "2026-11-02", "value": 12.4, "note": None, "confidence": 0.6,
             "by": "VP Sales"},
            {"date": "2026-11-18", "value": 12.9, "note": "Big deal slipped to December",
             "confidence": None, "by": None},
        ],
        "items_done": None, "items_total": None,
        "tags": ["revenue"],
        "links": [{"title": "Pipeline report", "url": "https://crm.example.com/reports/7"}],
    }  # fmt: skip


def test_progress_shows_over_achievement_and_regression(data: dict[str, Any]) -> None:
    over = key_result(data, "grow", "over")
    assert (over["score"], over["progress"], over["current"]) == (1.0, 1.2, 120)  # 120 / 100
    regress = key_result(data, "grow", "regress")
    assert (regress["score"], regress["progress"]) == (0.0, -0.5)  # (55 - 50) / (40 - 50)
    assert regress["status"] == "off_track"
    assert regress["confidence"] == 0.3


def test_thresholds_export_target_and_current_but_no_progress(data: dict[str, Any]) -> None:
    uptime = key_result(data, "grow", "uptime")
    assert (uptime["score"], uptime["target"], uptime["current"]) == (1.0, 99.9, 99.95)
    assert uptime["start"] is None and uptime["progress"] is None
    otd = key_result(data, "grow", "otd")
    # strict: 94.2 (the KPI's latest value by 2026-11-20, from its CSV) is not above 95
    assert (otd["score"], otd["current"], otd["target"]) == (0.0, 94.2, 95)
    assert otd["checkins"] == [{"date": "2026-11-05", "value": None,
                                "note": "Hub move cost two days", "confidence": 0.8, "by": None}]
    assert otd["confidence"] == 0.8
    assert otd["last_update"] == "2026-11-05"
    assert otd["stale"] is True  # 15 days > 14


def test_a_checklist_counts_items_and_is_overdue(data: dict[str, Any]) -> None:
    peak = key_result(data, "grow", "peak")
    assert (peak["items_done"], peak["items_total"]) == (1, 3)  # counts, not weights
    assert peak["score"] == 0.25  # weights 1 + 2 + 1, one of weight 1 done
    assert peak["due"] == "2026-11-15" and peak["overdue"] is True
    assert peak["expected"] == 1.0  # the due date has passed
    assert peak["status"] == "off_track"


def test_a_key_result_from_a_private_kpi_shows_its_value_only(data: dict[str, Any]) -> None:
    nps = key_result(data, "grow", "nps")
    assert (nps["current"], nps["score"], nps["progress"]) == (40, 0.5, 0.5)
    assert nps["last_update"] == "2026-11-01"
    assert "kpi" not in nps
    assert CANARY not in json.dumps(nps).lower()


def test_a_shared_key_result_takes_its_sources_numbers_and_keeps_its_own_fields(
    data: dict[str, Any],
) -> None:
    shared = key_result(data, "partners", "pipeline")
    source = key_result(data, "grow", "arr")
    measured = ("score", "start", "target", "current", "stale", "progress", "due", "expected",
                "status", "overdue", "confidence", "last_update", "checkins")  # fmt: skip
    assert {k: shared[k] for k in measured} == {k: source[k] for k in measured}
    assert shared["type"] == "shared"
    assert shared["title"] == source["title"]  # none of its own
    assert shared["lead"] == "Sam Ortiz"
    assert shared["tags"] == ["revenue", "shared"]
    assert shared["links"] == [{"title": "Shared KR thread", "url": "https://chat.example.com/t/42"}]


def test_key_results_without_the_new_fields_get_nulls_and_empty_lists(
    data: dict[str, Any],
) -> None:
    milestone = key_result(data, "via-private", "kr1")
    assert milestone["lead"] is None and milestone["due"] is None
    assert milestone["progress"] is None and milestone["confidence"] is None
    assert milestone["checkins"] == [] and milestone["tags"] == [] and milestone["links"] == []
    assert milestone["last_update"] is None
    assert milestone["overdue"] is False


# --- KPIs ----------------------------------------------------------------------------------------


def test_kpis_add_stale_cadence_lead_tags_and_links(data: dict[str, Any]) -> None:
    kpis = {k["id"]: k for k in data["kpis"]}
    assert set(kpis) == {"on-time", "claims"}
    on_time = kpis["on-time"]
    assert on_time["latest"] == 94.2  # the CSV's 2026-12-31 value is after the as-of date
    assert on_time["health"] == "amber"
    assert on_time["stale"] is False  # 20 days <= 31 + 14
    assert on_time["cadence"] == "monthly"
    assert on_time["lead"] == "Head of Operations"
    assert on_time["tags"] == ["delivery", "p0"]
    assert on_time["links"] == [{"title": "Dashboard", "url": "https://bi.example.com/on-time"}]
    claims = kpis["claims"]
    assert claims["stale"] is True  # 32 days > 7 + 14
    assert (claims["cadence"], claims["lead"], claims["tags"]) == ("weekly", None, [])


def test_a_kpi_without_cadence_has_null_stale() -> None:
    tiny = export(FIXTURES / "tiny" / "goals")
    assert tiny["kpis"][0]["stale"] is None and tiny["kpis"][0]["cadence"] is None


def test_the_as_of_date_cuts_check_ins_and_values() -> None:
    early = export(as_of=date(2026, 11, 1))
    arr = key_result(early, "grow", "arr")
    assert [c["date"] for c in arr["checkins"]] == ["2026-10-15"]
    assert arr["current"] == 10.8 and arr["progress"] == 0.2  # 0.8 / 4
    on_time = next(k for k in early["kpis"] if k["id"] == "on-time")
    assert on_time["latest"] == 94.2
    before = export(as_of=date(2026, 10, 30))
    assert next(k for k in before["kpis"] if k["id"] == "on-time")["latest"] == 93.1


def test_cli_export_prints_the_same_document() -> None:
    result = CliRunner().invoke(cli, ["export", str(V11), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == export()


def test_the_v11_fixture_of_the_validator_exports_hand_checked_numbers() -> None:
    data = export(FIXTURES / "good" / "v11")
    # 8 key results of weight 1: 0.5075 + 1 + 0 + 0.25 + 0 + 0.5 + 0 (private margin) + 0
    assert objective(data, "grow")["score"] == 0.2822
    assert [k["id"] for k in objective(data, "grow")["key_results"]] == [
        "arr", "availability", "on-time", "peak", "launch", "quality", "backlog"]
    # umbrella (no key results): the private margin-share (0) and partners (0.3996)
    assert objective(data, "umbrella")["score"] == 0.1998
    assert objective(data, "umbrella")["key_results"] == []
    partners = objective(data, "partners")
    assert [k["id"] for k in partners["key_results"]] == ["kr1", "logos"]  # peak-too is private
    assert partners["score"] == 0.3996  # (2 * 0.5075 + 0.25 + 1/3) / 4
    backlog = key_result(data, "grow", "backlog")
    assert (backlog["current"], backlog["target"], backlog["score"]) == (41, 40, 0.0)


# --- okrsite show --------------------------------------------------------------------------------


def show(goals_dir: Path = V11) -> list[str]:
    goals = read_goals(goals_dir)
    lines = tree_lines(goals, score_goals(goals, AS_OF))
    return ["".join(text for text, _ in line) for line in lines]


def test_show_lists_thresholds_checklists_stretch_progress_due_and_private_counts() -> None:
    assert show() == [
        "Acme 1.1 · 2026-Q4 · as of 2026-11-20 · overall 51%",
        "● Grow the business without breaking delivery  [company · 2026-Q4]  51% on track",
        "      51% Grow net new ARR from 10 to 14 M EUR  stretch 16 M EUR  due 2026-12-15",
        "     100% Sign up 100 partners  progress 120%",
        "       0% Cut returns from 50 to 40 a week  progress -50%",
        "     100% Keep the booking site up at least 99.9% of the time  met",
        "       0% Deliver more than 95% on time  not met  stale",
        "      25% Be ready for peak season  1/3 done  overdue (due 2026-11-15)",
        "      50% Lift NPS from 30 to 50  stale",
        "          1 private key result",
        "  ● Win the partners' trust  [sales · 2026-Q4]  56% on track",
        "        51% Grow net new ARR from 10 to 14 M EUR  stretch 16 M EUR  due 2026-12-15"
        "  shared from grow#arr",
        "        67% Sign three partner logos  stale",
        "  ● Support the margin work  [sales · 2026-Q4]  100% on track",
        "       100% Price list reviewed",
        "● Run the depots safely  [ops · 2026-Q4]  80% on track",
        "          1 private key result",
        "● ZQ8SECRET plan  [ops · 2026-Q4]  40% on track  (private)",
        "      40% ZQ8SECRET result",
    ]


def test_show_counts_several_private_key_results(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    shutil.copytree(V11, goals)
    grow = goals / "company" / "grow.md"
    grow.write_text(grow.read_text().replace(
        "  - id: nps\n    title: Lift NPS from 30 to 50\n",
        "  - id: nps\n    title: Lift NPS from 30 to 50\n    visibility: private\n"))
    lines = show(goals)
    assert "          2 private key results" in lines
    assert not any("Lift NPS" in line for line in lines)


def test_show_styles_met_and_overdue() -> None:
    goals = read_goals(V11)
    lines = tree_lines(goals, score_goals(goals, AS_OF))
    segments = {text: style for line in lines for text, style in line}
    assert segments["  met"] == "on_track"
    assert segments["  not met"] == "off_track"
    assert segments["  overdue (due 2026-11-15)"] == "off_track"
    assert segments["  stale"] == "stale"
