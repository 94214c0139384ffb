"""Format 1.1's validation: what the bad-input corpus (``tests/fixtures/bad/v11.txt``) cannot
hold (bytes, long text, whole folders on disk, the command line), the good fixture
``tests/fixtures/good/v11/`` that uses every new feature, links and the number range.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrsite.errors import GoalErrors
from okrsite.load import Source, load_goals, load_sources
from okrsite.model import build_goals
from okrsite.score import score_goals
from okrsite.validate import (
    LINK_PATTERN,
    NUMBER_MAX,
    NUMBER_MIN,
    in_range,
    link_problem,
    validate,
)
from okrsite.validate.schema import pattern_regex
from okrsite.vocabulary import MAX_NOTE

from .test_fuzz import FUZZ
from .test_validate import MINIMAL, ORG, check_tree, quick_says_valid, whole_errors

V11 = Path(__file__).parent / "fixtures" / "good" / "v11"
ROOT = Path(__file__).parent.parent


def problems_of(files: dict[str, bytes | str]) -> list[str]:
    """What ``okrsite check`` reports for these files (org.yml: the minimal fixture's)."""
    files = {ORG: (MINIMAL / ORG).read_bytes(), **files}
    sources = [
        Source(rel, f"goals/{rel}", content if isinstance(content, bytes) else content.encode())
        for rel, content in sorted(files.items(), key=lambda item: (item[0] != ORG, item[0]))
    ]
    tree = load_sources(sources)
    return [str(p) for p in sorted({*tree.problems, *validate(tree)})]


def objective(key_results: str, extra: str = "") -> str:
    return (
        f"---\nkind: objective\ntitle: Win\nowner: sales\nperiod: 2026-Q4\n{extra}"
        f"key_results:\n{key_results}---\n"
    )


def kpi(extra: str) -> str:
    return f"---\nkind: kpi\ntitle: NPS\nowner: sales\ndirection: higher_is_better\n{extra}---\n"


# --- the good fixture: every new feature, clean ----------------------------------------------


def test_the_v11_fixture_is_clean_and_builds_every_new_feature() -> None:
    tree = load_goals(V11, "goals")
    assert tree.problems == ()
    assert validate(tree) == []
    assert sorted(tree.tables) == ["kpis/data/claims.csv", "kpis/on-time.csv"]
    goals = build_goals(tree.org, tree.goals, tree.tables) if tree.org else None
    assert goals is not None
    grow = goals.objective_by_id["grow"]
    assert grow.lead == "Chief Executive Officer" and grow.tags == ("p0", "growth")
    assert [link.url for link in grow.links] == [
        "https://docs.example.com/board/2026-q4", "mailto:ceo@example.com", "/handbook/strategy/",
    ]
    kr = {k.id: k for k in grow.key_results}
    assert {k.type for k in kr.values()} == {"metric", "threshold", "checklist", "milestone",
                                             "score"}
    arr = kr["arr"]
    assert (arr.stretch, arr.due, arr.lead, arr.tags) == (16, date(2026, 12, 15), "VP Sales",
                                                          ("revenue",))
    assert arr.description == "Counted when the contract is **signed**.\n"
    assert [(c.value, c.note, c.by, c.confidence) for c in arr.history] == [
        (10.8, "=> 20% (two late renewals)", "Sam Ortiz", None),
        (12.4, None, "VP Sales", 0.6),
        (12.9, "Big deal slipped to December", None, None),
    ]
    assert (kr["availability"].direction, kr["availability"].strict) == ("higher_is_better",
                                                                         False)
    assert kr["on-time"].strict and kr["on-time"].kpi == "on-time"
    assert [(i.title, i.done, i.weight) for i in kr["peak"].items] == [
        ("Temporary staff hired", True, 1.0), ("Extra trucks leased", False, 2.0),
        ("Night shift planned", False, 1.0),
    ]
    assert kr["margin"].private
    assert goals.objective_by_id["umbrella"].key_results == ()
    partners = goals.objective_by_id["partners"]
    shared = partners.key_results[0]
    assert (shared.type, shared.source, shared.title, shared.weight) == (
        "shared", "grow#arr", arr.title, 2.0)
    assert partners.key_results[1].private
    on_time = goals.kpi_by_id["on-time"]
    assert on_time.cadence == "monthly" and on_time.values_file == "kpis/on-time.csv"
    assert [(p.date.isoformat(), p.value, p.note, p.line) for p in on_time.values] == [
        ("2026-07-31", 91.5, None, 2),
        ("2026-08-31", 92.0, "Storm week, two depots closed", 4),
        ("2026-09-30", 93.1, "Before the hub move", 15),
        ("2026-10-31", 94.2, "Hub moved", 5),
    ]
    assert [p.value for p in goals.kpi_by_id["claims-backlog"].values] == [52, 47, 41]
    card = score_goals(goals, date(2026, 11, 25))
    assert all(math.isfinite(state.score) for state in card.objectives.values())


def test_the_v11_fixture_documents_pass_the_fast_path() -> None:
    """Valid documents must not fall back to jsonschema (the fast path is what makes check
    fast), and where they would, jsonschema must agree."""
    tree = load_goals(V11, "goals")
    docs = [(tree.org, "org")] if tree.org else []
    docs += [(d, d.data["kind"]) for d in tree.goals]
    for doc, name in docs:
        assert quick_says_valid(name, doc.data), doc.rel
        assert whole_errors(name, doc.data) == [], doc.rel


def test_a_private_objective_may_share_anything_and_a_private_kr_too() -> None:
    files = {
        "open.md": objective("  - {id: arr, title: ARR, start: 1, target: 2, "
                             "visibility: private}\n"),
        "secret.md": objective("  - {id: arr, title: ARR, start: 1, target: 2}\n",
                               "visibility: private\n"),
        "mine.md": objective("  - {type: shared, from: open#arr, visibility: private}\n"
                             "  - {type: shared, from: secret#arr, visibility: private}\n"),
        "hidden.md": objective("  - {type: shared, from: open#arr}\n"
                               "  - {type: shared, from: secret#arr}\n",
                               "visibility: private\n"),
    }
    assert problems_of(dict(files)) == []


# --- everything at once, on disk and on the command line ---------------------------------------


def test_every_error_at_once_on_disk_and_check_exits_1(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    shutil.copytree(V11, goals)
    grow = goals / "company" / "grow.md"
    grow.write_text(
        grow.read_text("utf-8")
        .replace("stretch: 16", "stretch: 12")
        .replace("due: 2026-12-15", "due: 2027-01-15")
        .replace("url: /handbook/strategy/", 'url: "javascript:alert(1)"')
        .replace("tags: [p0, growth]", "tags: [P0, growth]")
        .replace("{title: Night shift planned}", "{title: Night shift, dnoe: 1}")
        .replace("      - {date: 2026-10-20, note: Contracts drafted, by: Legal}",
                 "      - {date: 2026-10-20, value: 1, note: Contracts drafted, by: Legal}")
        .replace("confidence: 0.8}", "confidence: 1.8}"),
        "utf-8",
    )
    (goals / "company" / "umbrella.md").write_text(
        "---\nkind: objective\ntitle: Alone\nowner: company\nperiod: '2026'\n---\n", "utf-8"
    )
    (goals / "sales" / "partners.md").unlink()
    (goals / "sales" / "margin-share.md").unlink()
    (goals / "kpis" / "on-time.csv").write_bytes(
        b"\xef\xbb\xbfdate,value\r\n2026-10-31,95\r\n2026-13-01,96\r\n2026-11-30,.inf\r\n"
    )
    (goals / "kpis" / "data" / "claims.csv").write_bytes(b"when,value\n2026-10-01,3\n")
    (goals / "kpis" / "_hidden").mkdir()
    (goals / "kpis" / "_hidden" / "x.csv").write_text("date,value\n2026-10-01,1\n", "utf-8")
    (goals / "kpis" / "hidden.md").write_text(kpi("values_file: _hidden/x.csv\n"), "utf-8")
    expected = [
        "goals/company/grow.md:7: tags[0]: 'P0' is not a valid tag: lowercase letters, digits "
        "and '-', at most 32 characters (e.g. 'p0')",
        "goals/company/grow.md:11: links[2].url: 'javascript:alert(1)' is not a valid link: the "
        "scheme 'javascript:' is not allowed (use https:, http: or mailto:, or a path on this "
        "site starting with '/')",
        "goals/company/grow.md:17: key_results[0].stretch: must be beyond target: above 14, as "
        "target is above start (10)",
        "goals/company/grow.md:19: key_results[0].due: 2027-01-15 is outside the objective's "
        "period 2026-Q4 (2026-10-01 to 2026-12-31)",
        "goals/company/grow.md:46: key_results[2].history[0].confidence: must be at most 1, "
        "not 1.8",
        "goals/company/grow.md:54: key_results[3].items[2].dnoe: unknown field 'dnoe' (did you "
        "mean 'done'?)",
        "goals/company/grow.md:62: key_results[4].history[0].value: not used by a milestone key "
        "result: its check-ins are dated notes",
        "goals/company/umbrella.md:2: key_results: needs at least one key result, or an "
        "objective aligned directly to it (parent: umbrella)",
        "goals/kpis/data/claims.csv:1: the header line has no 'date' column",
        "goals/kpis/hidden.md:6: values_file: '_hidden/x.csv' is a file okrsite ignores (a name "
        "in its path starts with '_' or '.'): move or rename it",
        "goals/kpis/on-time.csv:3: date: '2026-13-01' is not a date (YYYY-MM-DD)",
        "goals/kpis/on-time.csv:4: value: '.inf' is not a finite number",
    ]
    tree = load_goals(goals, "goals")
    with pytest.raises(GoalErrors) as caught:
        check_tree(tree)
    assert [str(p) for p in caught.value.problems] == expected
    run = subprocess.run(
        [sys.executable, "-m", "okrsite", "check", "goals"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 1
    printed = (run.stdout + run.stderr).splitlines()
    assert [line for line in printed if line.startswith("goals/")] == expected


# --- what the corpus format cannot hold ---------------------------------------------------------


def test_notes_longer_than_2000_characters() -> None:
    assert MAX_NOTE == 2000
    files = {
        "win.md": objective(
            "  - title: Ship\n    type: milestone\n    done: false\n    history:\n"
            f"      - {{date: 2026-10-01, note: {'x' * 2001}}}\n"
            f"      - {{date: 2026-10-02, note: {'y' * 2000}}}\n"
        ),
        "kpis/nps.md": kpi(
            f"values:\n  - {{date: 2026-10-01, value: 1, note: {'é' * 2001}}}\n"
            f"  - {{date: 2026-10-02, value: 1, note: {'z' * 2000}}}\n"
        ),
    }
    assert problems_of(dict(files)) == [
        "goals/kpis/nps.md:7: values[0].note: must be at most 2,000 characters long, not 2,001",
        "goals/win.md:11: key_results[0].history[0].note: must be at most 2,000 characters "
        "long, not 2,001",
    ]


def test_a_checklist_of_51_items() -> None:
    items = "".join(f"      - {{title: Item {n}}}\n" for n in range(51))
    files = {"win.md": objective(f"  - title: Many\n    type: checklist\n    items:\n{items}")}
    assert problems_of(dict(files)) == [
        "goals/win.md:9: key_results[0].items: must have at most 50 items, not 51",
    ]
    fifty = "".join(f"      - {{title: Item {n}}}\n" for n in range(50))
    files = {"win.md": objective(f"  - title: Many\n    type: checklist\n    items:\n{fifty}")}
    assert problems_of(dict(files)) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", ["goals/kpis/nps.csv:1: is empty: it needs a header line with 'date' "
                           "and 'value' and at least one value"], id="an empty file"),
        pytest.param(b"\n\r\n  \n", ["goals/kpis/nps.csv:1: is empty: it needs a header line "
                                    "with 'date' and 'value' and at least one value"],
                     id="only blank lines"),
        pytest.param(b"\xef\xbb\xbfDATE;VALUE\r\n2026-10-01;3\r\n",
                     ["goals/kpis/nps.csv:1: the header line has no 'date' and 'value' column"],
                     id="semicolons: a BOM and CRLF are fine, the header is one column"),
        pytest.param(b"date,value\n2026-10-01,3\n2026-10-02,3\xff\n",
                     ["goals/kpis/nps.csv:3: is not valid UTF-8 text"], id="invalid UTF-8"),
        pytest.param(b'date,value,note\n2026-10-01,"1e3","said ""ok"", twice"\n', [],
                     id="quoted fields"),
        pytest.param(b"date,value\n2026-10-01,3\n2026-10-01,4\n",
                     ["goals/kpis/nps.csv:3: date: duplicate date 2026-10-01 (also on line 2)"],
                     id="a date twice in the CSV"),
        pytest.param(b"date,value\n2026-10-01,1e16\n",
                     ["goals/kpis/nps.csv:2: value: 1e+16 is out of range: numbers must be 0 "
                      "or between 1e-9 and 1e15 in size"], id="a value out of range"),
    ],
)
def test_csv_files_through_load_and_validate(content: bytes, expected: list[str]) -> None:
    files = {"kpis/nps.md": kpi("values_file: nps.csv\n"), "kpis/nps.csv": content}
    assert problems_of(dict(files)) == expected


def test_a_csv_date_given_again_in_the_kpi_file() -> None:
    files = {
        "kpis/nps.md": kpi("values_file: ../data/nps.csv\nvalues:\n"
                           "  - {date: 2026-10-01, value: 3}\n"),
        "data/nps.csv": b"date,value\n2026-09-01,2\n2026-10-01,3\n",
    }
    assert problems_of(dict(files)) == [
        "goals/data/nps.csv:3: date: duplicate date 2026-10-01 (also in goals/kpis/nps.md:8)",
    ]


def test_a_values_file_is_read_once_for_two_kpis_and_its_problems_reported_once() -> None:
    files = {
        "kpis/a.md": kpi("id: a\nvalues_file: ../nps.csv\n"),
        "kpis/b.md": kpi("id: b\nvalues_file: ../nps.csv\n"),
        "nps.csv": b"date,value\n2026-10-01,3\n2026-10-01,4\n2026-10-02,x\n",
    }
    assert problems_of(dict(files)) == [  # the duplicate too, beside the bad row
        "goals/nps.csv:3: date: duplicate date 2026-10-01 (also on line 2)",
        "goals/nps.csv:4: value: 'x' is not a finite number",
    ]


# --- links --------------------------------------------------------------------------------------

_BAD_IN_URL = {chr(c) for c in (*range(0x21), *range(0x7F, 0xA0))} | {"\\"}


def reference_link_ok(url: str) -> bool:
    """The spec's rule, written plainly (independently of the schema's pattern)."""
    if any(c in _BAD_IN_URL for c in url):
        return False
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            rest = url[len(scheme):]
            return bool(rest) and rest[0] not in "/?#"
    if url.startswith("mailto:"):
        return len(url) > len("mailto:")
    if not url.startswith("/") or url.startswith("//"):
        return False
    path = url.split("?", 1)[0].split("#", 1)[0]
    return all(unquote(segment) != ".." for segment in path.split("/"))


URLISH = st.lists(
    st.sampled_from(["https:", "http:", "mailto:", "//", "/", "..", ".", "%2e", "%2E", "%2f",
                     "?", "#", "a", "x.example.com", " ", "\\", "\x07", "javascript:", "HTTPS:",
                     "data:", "file:", ":", "é", "\u2028", "\x85", "@"]),
    max_size=8,
).map("".join)


@FUZZ
@given(URLISH)
def test_the_link_pattern_is_the_spec_rule(url: str) -> None:
    matched = pattern_regex(LINK_PATTERN).search(url) is not None
    assert matched == reference_link_ok(url)
    problem = link_problem(url)
    assert (problem is None) == matched
    if problem is not None:
        assert problem.startswith("'") and " is not a valid link: " in problem


# --- the number range -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [(0, True), (0.0, True), (-0.0, True), (NUMBER_MIN, True), (-NUMBER_MIN, True),
     (NUMBER_MAX, True), (-NUMBER_MAX, True), (10**15, True), (10**15 + 1, False),
     (NUMBER_MIN / 2, False), (5e-324, False), (1.7e308, False), (10**99, False)],
)
def test_the_number_range(value: float, ok: bool) -> None:
    assert in_range(value) is ok


def test_numbers_at_the_edges_of_the_range_build_and_score() -> None:
    """What check lets through, scoring handles: every number at its extreme."""
    big, tiny = "1000000000000000", "0.000000001"
    files = {
        "a.md": objective(
            f"  - {{title: A, start: -{big}, target: {big}, current: {tiny}, weight: {big}}}\n"
            f"  - {{title: B, start: 0, target: {tiny}, stretch: {big}, current: {big}, "
            f"weight: {tiny}}}\n"
            f"  - {{title: C, type: checklist, items: [{{title: i, weight: {big}}}, "
            f"{{title: j, weight: {tiny}, done: true}}], weight: {big}}}\n"
            f"  - {{title: D, type: threshold, target: -{big}, direction: lower_is_better, "
            f"kpi: nps}}\n",
            f"weight: {big}\n",
        ),
        "b.md": objective(f"  - {{title: E, start: {big}, target: -{big}, weight: {big}}}\n",
                          f"parent: a\nweight: {big}\n"),
        "kpis/nps.md": kpi(f"id: nps\nvalues:\n  - {{date: 2026-10-01, value: -{big}}}\n"
                           f"  - {{date: 2026-10-02, value: {big}}}\n"
                           f"thresholds: {{green: {big}, amber: -{big}}}\n"),
    }
    assert problems_of(dict(files)) == []
    sources = [Source(rel, f"goals/{rel}", text.encode()) for rel, text in files.items()]
    sources.append(Source(ORG, f"goals/{ORG}", (MINIMAL / ORG).read_bytes()))
    goals = check_tree(load_sources(sources))
    card = score_goals(goals, date(2026, 11, 15))
    for state in card.objectives.values():
        assert math.isfinite(state.score) and 0 <= state.score <= 1
        for kr in state.key_results.values():
            assert math.isfinite(kr.score) and 0 <= kr.score <= 1
            assert kr.progress is None or math.isfinite(kr.progress)


def test_the_example_organisation_checks_clean() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "okrsite", "check", "goals"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
