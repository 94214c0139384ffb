"""``okrsite checkin``: one check-in added, every other byte of the file as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from okrsite.checkin import Checkin, record
from okrsite.errors import GoalErrors, OkrError

ORG = """\
organization: Acme
units:
  - {id: acme, name: Acme, lead: Dana}
periods:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
"""
DAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # errors name goals/win.md, as a user in the repository sees


def folder(tmp_path: Path, text: str, name: str = "win.md") -> Path:
    goals = tmp_path / "goals"
    goals.mkdir()
    (goals / "org.yml").write_text(ORG)
    (goals / name).write_bytes(text.encode())
    return goals


def check_in(goals: Path, ref: str, **kw: object) -> str:
    record(goals, Checkin(ref, kw.pop("day", DAY), **kw))  # type: ignore[arg-type]
    return (goals / "win.md").read_bytes().decode()


HEAD = "---\nkind: objective\ntitle: Win\nowner: acme\nperiod: 2026-Q4\nkey_results:\n"
ARR = "  - id: arr\n    title: ARR\n    start: 0\n    target: 4\n"
BODY = "---\nWhy it matters.\n\n<!-- a comment in the body -->\n"


def test_appends_to_a_block_list_of_flow_check_ins(tmp_path: Path) -> None:
    krs = (
        "  - id: arr   # the one that counts\n"
        "    title: 'Grow ARR'\n"
        "    start: 10\n"
        "    target: 14\n"
        "    history:\n"
        "      - {date: 2026-10-15, value: 11}\n"
        "      # a comment after the list\n"
        "  - id: launch\n"
        "    title: Launch\n"
        "    type: milestone\n"
        "    done: false\n"
    )
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#arr", value=12.5, note='Two "big" deals, 3/4 closed',
                     confidence=0.7, by="Dana")
    # the fields in the contract's order: {date, value, note, confidence, by}
    added = ('      - {date: 2026-11-20, value: 12.5, note: "Two \\"big\\" deals, 3/4 closed", '
             'confidence: 0.7, by: "Dana"}\n')
    expected = krs.replace("      # a comment", added + "      # a comment")
    assert after == HEAD + expected + BODY


def test_appends_inside_a_flow_list(tmp_path: Path) -> None:
    krs = ARR + "    history: [{date: 2026-10-01, value: 1}]  # q\n"
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#arr", value=2)
    assert after == HEAD + krs.replace("1}]", "1}, {date: 2026-11-20, value: 2}]") + BODY


def test_keeps_the_block_mapping_style_of_the_list(tmp_path: Path) -> None:
    krs = (
        "  - id: arr\n    title: ARR\n    start: 0\n    target: 4\n    history:\n"
        "      -   date: 2026-10-01\n          value: 1\n"
    )
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#arr", value=3, note="on plan")
    added = '      -   date: 2026-11-20\n          value: 3\n          note: "on plan"\n'
    assert after == HEAD + krs + added + BODY


def test_creates_history_when_there_is_none_and_finds_a_key_result_by_position(
    tmp_path: Path,
) -> None:
    krs = (
        "  - title: First\n    type: score\n    score: 0.5\n"
        "  - title: Second\n    start: 0\n    target: 10\n    description: |\n"
        "      Two lines\n      of Markdown.\n\n"
        "  # the end\n"
    )
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#kr2", value=4)
    added = "    history:\n      - {date: 2026-11-20, value: 4}\n"
    # after the block scalar, which keeps its blank line
    assert after == HEAD + krs.replace("  # the end", added + "  # the end") + BODY


def test_a_flow_style_key_result(tmp_path: Path) -> None:
    krs = "  - {id: arr, title: ARR, start: 0, target: 4}\n"
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#arr", value=1)
    expected = ("  - {id: arr, title: ARR, start: 0, target: 4, "
                "history: [{date: 2026-11-20, value: 1}]}\n")
    assert after == HEAD + expected + BODY


def test_crlf_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    krs = ARR + "    history:\n      - {date: 2026-10-01, value: 1}\n"
    text = ("\ufeff" + HEAD + krs + BODY).replace("\n", "\r\n")
    goals = folder(tmp_path, text)
    after = check_in(goals, "win#arr", value=2)
    added = "      - {date: 2026-11-20, value: 2}\r\n"
    assert after == text.replace(BODY.replace("\n", "\r\n"), added + BODY.replace("\n", "\r\n"))


def test_done_marks_a_milestone_and_a_checklist_item(tmp_path: Path) -> None:
    krs = (
        "  - id: launch\n    title: Launch\n    type: milestone\n    done: false  # yet\n"
        "  - id: ready\n    title: Ready\n    type: checklist\n    items:\n"
        "      - {title: A, done: true}\n      - {title: B}\n"
        "      - title: C\n        done: false\n"
    )
    goals = folder(tmp_path, HEAD + krs + BODY)
    after = check_in(goals, "win#launch", done=True, note="Shipped")
    assert "    done: true  # yet\n" in after
    assert '    history:\n      - {date: 2026-11-20, note: "Shipped"}\n  - id: ready' in after
    after = check_in(goals, "win#ready", done=True, item=2)
    assert "      - {title: B, done: true}\n" in after
    after = check_in(goals, "win#ready", done=True, item=3, day=date(2026, 11, 21))
    assert "      - title: C\n        done: true\n" in after
    assert after.count("history:") == 2


def test_nothing_is_written_when_the_result_would_not_pass_check(tmp_path: Path) -> None:
    krs = (
        "  - id: launch\n    title: Launch\n    type: milestone\n    done: false\n"
        "  - id: arr\n    title: ARR\n    start: 0\n    target: 4\n"
        "    history:\n      - {date: 2026-11-20, value: 1}\n"
    )
    text = HEAD + krs + BODY
    goals = folder(tmp_path, text)
    with pytest.raises(GoalErrors) as value_on_milestone:
        check_in(goals, "win#launch", value=3)
    assert [str(p) for p in value_on_milestone.value.problems] == [
        "goals/win.md:12: key_results[0].history[0].value: not used by a milestone key result: "
        "its check-ins are dated notes",
    ]
    with pytest.raises(GoalErrors) as twice:
        check_in(goals, "win#arr", value=2)
    assert [str(p) for p in twice.value.problems] == [
        "goals/win.md:17: key_results[1].history[1].date: duplicate check-in date 2026-11-20 "
        "(also on line 16)",
    ]
    with pytest.raises(GoalErrors) as confidence:
        check_in(goals, "win#arr", value=2, confidence=1.5, day=date(2026, 11, 21))
    assert "confidence" in confidence.value.problems[0].path
    assert (goals / "win.md").read_text() == text
    assert sorted(p.name for p in goals.iterdir()) == ["org.yml", "win.md"]  # no temporary file


@pytest.mark.parametrize(
    ("ref", "kw", "message"),
    [
        ("win", {}, "'win': name a key result as OBJECTIVE#KEY-RESULT, e.g. win#arr"),
        ("lose#arr", {}, "no objective 'lose' in the goals folder"),
        ("win#nope", {}, "objective 'win' (goals/win.md) has no key result 'nope'"),
        ("win#arr", {"done": True}, "--done is for milestones (and checklist items with --item N); "
                                    "win#arr is a metric"),
        ("win#arr", {"item": 1, "done": True}, "--item is for checklist key results; "
                                               "win#arr is a metric"),
    ],
)
def test_requests_that_cannot_be_recorded(tmp_path: Path, ref: str, kw: dict[str, object],
                                          message: str) -> None:
    krs = "  - id: arr\n    title: ARR\n    start: 0\n    target: 4\n"
    goals = folder(tmp_path, HEAD + krs + BODY)
    with pytest.raises(OkrError) as error:
        record(goals, Checkin(ref, DAY, **kw))  # type: ignore[arg-type]
    assert error.value.message == message


def test_the_command_writes_and_names_the_line(tmp_path: Path) -> None:
    from .conftest import invoke_in

    goals = folder(tmp_path, HEAD + ARR + BODY)
    code, output = invoke_in(tmp_path, "checkin", "win#arr", "2", "--date", "2026-11-20",
                             "--note", "halfway", "--by", "Dana", "--goals-dir", str(goals))
    assert (code, output) == (0, f"{goals}/win.md:12: checked in win#arr on 2026-11-20\n")
    assert '    history:\n      - {date: 2026-11-20, value: 2, note: "halfway", by: "Dana"}\n' in (
        goals / "win.md").read_text()
    code, output = invoke_in(tmp_path, "checkin", "win#arr", "3", "--date", "2026-11-20",
                             "--goals-dir", "goals")
    assert code == 1
    assert output.splitlines()[0] == (
        "goals/win.md:13: key_results[0].history[1].date: duplicate check-in date 2026-11-20 "
        "(also on line 12)")
