"""Stage 2: schemas and cross-file rules.

Most cases live in ``tests/fixtures/bad/*.txt`` (format in that folder's README): each is a small
goals folder and the exact problems ``okrsite check`` reports for it, file, line and words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from okrsite.errors import GoalErrors, Problem
from okrsite.load import LoadedTree, Source, load_goals, load_sources
from okrsite.model import Goals, build_goals
from okrsite.validate import (
    DESCRIBE,
    KR_DEFAULT_TYPE,
    LINK_PATTERN,
    PATTERN_WORDS,
    SCHEMA_NAMES,
    SHARED_PATTERN,
    SLUG_PATTERN,
    TAG_PATTERN,
    SchemaCache,
    compiled,
    find_cycles,
    full_validator,
    quick_tests,
    schema_data,
    schema_text,
    show,
    validate,
    validator_class,
)
from okrsite.vocabulary import (
    DEFAULT_AT_RISK,
    DEFAULT_ON_TRACK,
    DEFAULT_STALE_AFTER_DAYS,
    KR_TYPES,
)

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "good" / "minimal"
ORG = "org.yml"


# --- the fixture cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One case of a ``bad/*.txt`` file."""

    title: str
    files: dict[str, str]
    expected: list[str]
    line: int
    """Where the case starts in its fixture file."""


def read_cases(path: Path) -> Iterator[Case]:
    """Parse a fixture file: ``=== title``, ``>>> file`` sections, ``<<<`` then problems."""
    case: dict[str, Any] | None = None
    section: list[str] | None = None
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if line.startswith("=== "):
            if case is not None:
                yield _finish(case)
            case = {"title": line[4:], "files": {}, "expected": [], "line": number}
            section = None
        elif case is None:
            continue
        elif line.startswith(">>> "):
            section = case["files"].setdefault(line[4:].strip(), [])
        elif line == "<<<":
            section = case["expected"]
        elif section is not None:
            section.append(line)
    if case is not None:
        yield _finish(case)


def _finish(case: dict[str, Any]) -> Case:
    files = {name: _text(lines) for name, lines in case["files"].items()}
    expected = [line for line in case["expected"] if line.strip()]
    files.setdefault(ORG, (MINIMAL / ORG).read_text("utf-8"))
    return Case(case["title"], files, expected, case["line"])


def _text(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines) + "\n" if lines else ""


def check_tree(tree: LoadedTree) -> Goals:
    """Validate a loaded tree and build its model, as ``okrsite check`` does."""
    problems = [*tree.problems, *validate(tree)]
    if problems or tree.org is None:
        raise GoalErrors(problems)
    return build_goals(tree.org, tree.goals, tree.tables)


def problems_of(files: dict[str, str | bytes]) -> list[str]:
    """Everything ``okrsite check`` would report for a goals folder of these files."""
    sources = [
        Source(rel, f"goals/{rel}", text.encode("utf-8") if isinstance(text, str) else text)
        for rel, text in sorted(files.items(), key=lambda item: (item[0] != ORG, item[0]))
        if text != ""
    ]
    tree = load_sources(sources, "goals")
    return [str(p) for p in sorted({*tree.problems, *validate(tree)})]


CASES = [
    pytest.param(case, id=f"{path.stem}:{case.line}:{case.title}")
    for path in sorted((FIXTURES / "bad").glob("*.txt"))
    for case in read_cases(path)
]


@pytest.mark.parametrize("case", CASES)
def test_bad_case(case: Case) -> None:
    assert problems_of(dict(case.files)) == case.expected


def test_the_corpus_is_large_and_every_case_expects_problems() -> None:
    assert len(CASES) >= 40
    for param in CASES:
        case = param.values[0]
        assert case.expected, f"{case.title}: a bad case must expect problems"


# --- good trees ---------------------------------------------------------------------------


def test_minimal_tree_is_valid() -> None:
    tree = load_goals(MINIMAL, "goals")
    assert tree.problems == ()
    assert validate(tree) == []
    goals = check_tree(tree)
    assert sorted(o.id for o in goals.objectives) == ["grow-revenue", "ship-v2", "win-mid-market"]
    assert [k.id for k in goals.kpis] == ["nps"]


def minimal_files() -> dict[str, str | bytes]:
    return {
        path.relative_to(MINIMAL).as_posix(): path.read_text("utf-8")
        for path in sorted(MINIMAL.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    "extra",
    [
        # An objective may align to a key result of any type: it is then only listed.
        "parent: win-mid-market#partners",
        # An equal period is fine, and so is a default key-result id as a target.
        "parent: win-mid-market#kr3",
        "parent: ship-v2",
    ],
)
def test_alignments_the_spec_allows(extra: str) -> None:
    files = minimal_files()
    files["team/child.md"] = (
        "---\nkind: objective\ntitle: Child\nowner: sales\nperiod: 2026-Q4\n"
        f"{extra}\nkey_results:\n  - {{title: Done, type: milestone, done: true}}\n---\n"
    )
    assert problems_of(files) == []


def _tree_with(base: LoadedTree, files: dict[str, str | bytes], changed: str) -> LoadedTree:
    """``base`` with the document of ``changed`` read again from ``files`` (as the live
    preview does: the other documents are the same objects)."""
    fresh = next(d for d in _load(files).goals if d.rel == changed)
    return replace(base, goals=tuple(fresh if d.rel == changed else d for d in base.goals))


def _load(files: dict[str, str | bytes]) -> LoadedTree:
    return load_sources([Source(rel, f"goals/{rel}", str(text).encode())
                         for rel, text in sorted(files.items())])


def test_a_cache_keeps_each_documents_facts_but_joins_them_again_every_run() -> None:
    """What the cross-file rules read of a document is kept with it: an edit to one file
    changes the problems of another, unchanged one, and a rule about one document alone
    follows that document's edits."""
    files = minimal_files()
    base = _load(files)
    cache = SchemaCache()
    assert validate(base, cache) == []
    renamed = dict(files)
    renamed["grow-revenue.md"] = str(files["grow-revenue.md"]).replace(
        "kind: objective\n", "kind: objective\nid: grow-sales\n", 1)
    parent_gone = _tree_with(base, renamed, "grow-revenue.md")
    assert [str(p) for p in validate(parent_gone, cache)] == [
        "goals/grow-revenue.md:17: key_results[1].type: no objective is aligned to it: "
        "add parent: grow-sales#enablement to one",
        "goals/product/ship-v2.md:6: parent: unknown objective 'grow-revenue'",
        "goals/sales/win-mid-market.md:7: parent: unknown objective 'grow-revenue'",
    ] == [str(p) for p in validate(parent_gone)]
    twins = dict(files)
    twins["sales/win-mid-market.md"] = str(files["sales/win-mid-market.md"]).replace(
        "- id: partners", "- id: nps-up", 1)
    twin_ids = _tree_with(base, twins, "sales/win-mid-market.md")
    assert [str(p) for p in validate(twin_ids, cache)] == [
        "goals/sales/win-mid-market.md:19: key_results[1].id: duplicate key result id "
        "'nps-up' (also on line 11)"
    ] == [str(p) for p in validate(twin_ids)]
    assert validate(base, cache) == []  # the old documents again: their own (no) problems


def test_every_error_of_a_run_comes_out_at_once() -> None:
    files = minimal_files()
    files["org.yml"] = str(files["org.yml"]).replace("    lead: Dana Reyes\n", "    leed: Dana\n")
    files["sales/win-mid-market.md"] = str(files["sales/win-mid-market.md"]).replace(
        "    done: false", "    done: nope"
    )
    files["broken.md"] = "no front matter\n"
    files["dup.md"] = (
        "---\nkind: objective\nid: grow-revenue\ntitle: Twin\nowner: salse\nperiod: 2026-Q9\n"
        "key_results:\n  - {title: Same, start: 1, target: 1}\n---\n"
    )
    files["kpis/bad.md"] = "---\nkind: kpi\ntitle: Bad\nowner: sales\nvalues: []\n---\n"
    tree = load_sources(
        [Source(rel, f"goals/{rel}", str(text).encode()) for rel, text in files.items()]
    )
    with pytest.raises(GoalErrors) as caught:
        check_tree(tree)
    assert [str(p) for p in caught.value.problems] == [
        "goals/broken.md:1: has no front matter: the file must start with a line '---'",
        "goals/dup.md:3: id: duplicate objective id 'grow-revenue' "
        "(also in goals/grow-revenue.md:2)",
        "goals/dup.md:5: owner: unknown unit 'salse' (did you mean 'sales'?)",
        "goals/dup.md:6: period: unknown period '2026-Q9' (did you mean '2026-Q4'?)",
        "goals/dup.md:8: key_results[0].target: must differ from start (1)",
        "goals/grow-revenue.md:2: id: duplicate objective id 'grow-revenue' "
        "(also in goals/dup.md:3)",
        "goals/kpis/bad.md:2: direction: required field missing",
        "goals/kpis/bad.md:5: values: must have at least 1 value",
        "goals/org.yml:6: units[0].leed: unknown field 'leed' (did you mean 'lead'?)",
        "goals/sales/win-mid-market.md:22: key_results[1].done: must be true or false, not 'nope'",
    ]
    assert "10 errors in the goal files" in caught.value.format_message()


# --- the schemas --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_2020_12_and_describe_every_field(name: str) -> None:
    data = json.loads(schema_text(name))
    Draft202012Validator.check_schema(data)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for where, node in _subschemas(data):
        if "properties" in node and "if" not in where and "then" not in where:
            assert node.get("additionalProperties") is False, where
            for field_name, sub in node["properties"].items():
                assert sub.get("description", "").strip(), f"{where}.{field_name}"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_keyword_and_pattern_of_the_schemas_has_words(name: str) -> None:
    structural = {"$schema", "$defs", "$ref", "title", "description", "default", "properties",
                  "items", "allOf", "if", "then"}
    for where, node in _subschemas(schema_data(name)):
        for keyword in set(node) - structural:
            assert keyword in DESCRIBE, f"{where}: {keyword}"
        if "pattern" in node:
            assert node["pattern"] in PATTERN_WORDS, f"{where}: {node['pattern']}"


_SCHEMA_MAPS = ("properties", "$defs")
_SCHEMA_VALUES = ("items", "if", "then", "else", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def _subschemas(node: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (non-boolean) schema inside a schema, with a readable location."""
    if not isinstance(node, dict):
        return
    yield where, node
    for key in _SCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            yield from _subschemas(sub, f"{where}.{name}")
    for key in _SCHEMA_VALUES:
        yield from _subschemas(node.get(key), f"{where}.{key}")
    for key in _SCHEMA_LISTS:
        for i, sub in enumerate(node.get(key, ())):
            yield from _subschemas(sub, f"{where}.{key}[{i}]")


def test_schema_text_is_the_shipped_json() -> None:
    assert json.loads(schema_text("objective"))["title"] == "okrsite objective"
    with pytest.raises(ValueError, match="no schema named 'goal'"):
        schema_text("goal")


def test_the_schemas_state_the_vocabulary_defaults() -> None:
    scoring = schema_data("org")["properties"]["scoring"]["properties"]
    assert scoring["on_track"]["default"] == DEFAULT_ON_TRACK
    assert scoring["at_risk"]["default"] == DEFAULT_AT_RISK
    assert scoring["stale_after_days"]["default"] == DEFAULT_STALE_AFTER_DAYS
    for name, value in [("on_track", DEFAULT_ON_TRACK), ("at_risk", DEFAULT_AT_RISK),
                        ("stale_after_days", DEFAULT_STALE_AFTER_DAYS)]:
        assert f"(default {value}" in scoring[name]["description"], name
    kr_type = schema_data("objective")["$defs"]["keyResult"]["properties"]["type"]
    assert kr_type["default"] == KR_DEFAULT_TYPE
    assert tuple(kr_type["enum"]) == KR_TYPES


def test_the_patterns_in_python_are_the_schemas() -> None:
    objective, kpi = schema_data("objective")["$defs"], schema_data("kpi")["$defs"]
    for defs in (objective, kpi):
        assert defs["link"]["properties"]["url"]["pattern"] == LINK_PATTERN
        assert defs["tags"]["items"]["pattern"] == TAG_PATTERN
        assert defs["link"] == objective["link"] and defs["tags"] == objective["tags"]
    assert objective["keyResult"]["properties"]["from"]["pattern"] == SHARED_PATTERN


def test_key_result_type_rules_are_split_off() -> None:
    assert tuple(compiled("objective").type_rules) == KR_TYPES
    assert compiled("kpi").type_rules == {}
    assert "allOf" not in compiled("objective").base["properties"]["key_results"]["items"]


KEY_RESULTS = [
    {"title": "t", "start": 1, "target": 2, "done": True, "score": 2},
    {"title": "t", "type": "milestone", "start": 1, "history": [], "unit": "x"},
    {"title": "t", "type": "score", "kpi": "x", "done": False},
    {"title": "t", "type": "aligned", "start": 1, "score": 0.5},
    {"title": "t", "type": "milestone"},
    {"title": "t", "type": "score", "score": "high"},
    {"title": 5, "type": "nonsense", "start": 1},
    {"type": "metric", "targte": 3},
    {"title": "t", "start": 1, "target": 2, "updated": "2026-02-30", "history": [{"date": 1}]},
    {"title": "t", "type": "milestone", "done": True, "weight": 1, "confidence": 1.0},
    {"title": "t", "type": "milestone", "done": True, "history": [{"date": "2026-10-01"}]},
    {"title": "t", "type": "milestone", "done": True, "history": [{"date": "2026-10-01",
                                                                   "value": 1}]},
    {"title": "t", "type": "score", "score": 0.5, "history": [{"date": "2026-10-01", "note": 1}]},
    {"title": "t", "type": "threshold", "target": 99.9, "direction": "lower_is_better",
     "strict": True, "kpi": "up", "history": [{"date": "2026-10-01", "note": "ok", "by": "Ann"}]},
    {"title": "t", "type": "threshold", "start": 1, "stretch": 2},
    {"title": "t", "type": "checklist", "items": [{"title": "a", "done": True, "weight": 2}]},
    {"title": "t", "type": "checklist", "items": []},
    {"title": "t", "type": "checklist", "items": [{"title": "a", "weight": 0, "dnoe": True}]},
    {"type": "shared", "from": "a#b", "weight": 2, "tags": ["x"], "lead": "L",
     "description": "d", "links": [{"title": "l", "url": "/x"}], "visibility": "private"},
    {"type": "shared", "from": "a", "history": [], "due": "2026-10-01", "confidence": 0.5},
    {"type": "shared"},
    {"title": "t", "start": 1, "target": 2, "stretch": 3, "due": "2026-12-01",
     "tags": ["a", "a"], "links": [{"title": "x", "url": "javascript:x"}]},
    {"title": "t", "start": 1, "target": 2, "direction": "higher_is_better", "strict": False},
    {"title": "t", "start": 1, "target": 2, "history": [{"date": "2026-10-01", "value": 1,
                                                          "note": "x" * 2001}]},
    "just text",
]


@pytest.mark.parametrize("key_result", KEY_RESULTS)
def test_split_type_rules_find_what_the_whole_schema_finds(key_result: Any) -> None:
    """Validating key-result type rules separately (for speed) loses and adds nothing."""
    data = {"kind": "objective", "title": "t", "owner": "o", "period": "p",
            "key_results": [key_result]}
    assert split_errors("objective", data) == whole_errors("objective", data)


def whole_errors(name: str, data: Any) -> list[tuple[str, str]]:
    """(path, keyword) of every error the shipped schema finds, by plain jsonschema."""
    validator = validator_class()  # Draft 2020-12, with JSON Schema's reading of "$"
    whole = validator(schema_data(name), format_checker=validator.FORMAT_CHECKER)
    errors = whole.iter_errors(data)
    return sorted((repr(tuple(e.absolute_path)), repr(e.validator)) for e in errors)


def split_errors(name: str, data: Any) -> list[tuple[str, str]]:
    """The same, found as :func:`schema_problems` finds them (quick tests not used)."""
    found = [(tuple(e.absolute_path), e.validator) for e in full_validator(name).iter_errors(data)]
    key_results = data.get("key_results") if isinstance(data, dict) else None
    for i, kr in enumerate(key_results if isinstance(key_results, list) else ()):
        kr_type = kr.get("type", "metric") if isinstance(kr, dict) else None
        if isinstance(kr_type, str) and kr_type in compiled(name).type_rules:
            for error in full_validator(name, kr_type).iter_errors(kr):
                found.append((("key_results", i, *error.absolute_path), error.validator))
    return sorted((repr(path), repr(keyword)) for path, keyword in found)


def quick_says_valid(name: str, data: Any) -> bool:
    """The fast path's verdict on a whole document."""
    tests = quick_tests(name)
    if not tests.base(data):
        return False
    key_results = data.get("key_results") if isinstance(data, dict) else None
    for kr in key_results if isinstance(key_results, list) else ():
        kr_type = kr.get("type", "metric") if isinstance(kr, dict) else None
        quick = tests.by_type.get(kr_type) if isinstance(kr_type, str) else None
        if quick is not None and not quick(kr):
            return False
    return True


@pytest.mark.parametrize("key_result", KEY_RESULTS)
def test_the_fast_path_agrees_with_jsonschema(key_result: Any) -> None:
    data = {"kind": "objective", "title": "t", "owner": "o", "period": "p",
            "key_results": [key_result]}
    assert quick_says_valid("objective", data) == (not whole_errors("objective", data))


def test_plain_python_regexes_would_pass_a_trailing_newline() -> None:
    """Why :func:`okrsite.validate.schema.pattern_regex` exists."""
    checker = Draft202012Validator.FORMAT_CHECKER
    plain = Draft202012Validator({"pattern": "^[a-z]+$"}, format_checker=checker)
    assert plain.is_valid("win\n")
    assert full_validator("objective").schema["properties"]["id"]["pattern"] == SLUG_PATTERN
    assert whole_errors("objective", {"id": "win\n"}) != whole_errors("objective", {"id": "win"})


def test_the_fast_path_agrees_on_every_fixture_document() -> None:
    trees = [load_goals(MINIMAL, "goals"), load_goals(FIXTURES.parent.parent / "goals", "goals"),
             load_goals(FIXTURES / "good" / "v11", "goals")]
    for param in CASES:
        files = param.values[0].files
        trees.append(load_sources([Source(r, r, t.encode()) for r, t in files.items() if t]))
    seen = 0
    for tree in trees:
        docs = [(tree.org, "org")] if tree.org else []
        docs += [(d, d.data.get("kind")) for d in tree.goals]
        for doc, name in docs:
            if name in SCHEMA_NAMES:
                seen += 1
                assert quick_says_valid(name, doc.data) == (not whole_errors(name, doc.data))
    assert seen > 250


# --- helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", "'abc'"), (True, "true"), (False, "false"), (None, "empty"), (10, "10"),
     (0.5, "0.5"), ([1], "a list"), ({"a": 1}, "a mapping"), ("a\nb", "'a\\nb'"),
     ("x" * 80, "'" + "x" * 57 + "…'")],
)
def test_values_are_shown_as_written_in_yaml(value: Any, shown: str) -> None:
    assert show(value) == shown


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({}, []),
        ({"a": "b", "b": "c"}, []),
        ({"a": "b", "b": "a"}, [["a", "b", "a"]]),
        ({"x": "c", "c": "a", "a": "b", "b": "c"}, [["c", "a", "b", "c"]]),
        ({"a": "b", "b": "a", "c": "d", "d": "c", "e": "a"}, [["a", "b", "a"], ["c", "d", "c"]]),
    ],
)
def test_find_cycles(graph: dict[str, str], cycles: list[list[str]]) -> None:
    assert find_cycles(graph) == cycles


def test_find_cycles_walks_a_long_chain_without_recursion() -> None:
    chain = {f"n{i}": f"n{i + 1}" for i in range(100_000)}
    chain["n100000"] = "n0"
    (cycle,) = find_cycles(chain)
    assert len(cycle) == 100_002


# --- a big organisation -------------------------------------------------------------------


def big_tree(objectives: int = 2_000, kpis: int = 49) -> LoadedTree:
    """An organisation of ``1 + objectives + kpis`` files, all valid, aligned in a deep tree."""
    units = "\n".join(
        f"  - {{id: unit-{u}, name: Unit {u}{', parent: unit-' + str(u // 5) if u else ''}}}"
        for u in range(200)
    )
    org = (
        "organization: Big\nunits:\n" + units + "\nperiods:\n"
        "  - {id: '2026', start: 2026-01-01, end: 2026-12-31}\n"
        "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
    )
    sources = [Source(ORG, f"goals/{ORG}", org.encode())]
    for i in range(objectives):
        parent = f"parent: obj-{(i - 1) // 3}#aligned\n" if i else ""
        period = "'2026'" if i < 100 else "2026-Q4"
        text = (
            f"---\nkind: objective\ntitle: Objective {i}\nowner: unit-{i % 200}\n"
            f"period: {period}\n{parent}key_results:\n"
            f"  - {{id: arr, title: ARR, start: 10, target: 14, kpi: kpi-{i % kpis}, "
            "updated: 2026-11-02, history: [{date: 2026-10-15, note: Up}]}\n"
            "  - {title: Partners, type: milestone, done: false}\n"
            "  - {title: Quality, type: score, score: 0.5, confidence: 0.6}\n"
            "  - {id: aligned, title: Teams, type: aligned}\n---\nWhy.\n"
        )
        sources.append(Source(f"u/obj-{i}.md", f"goals/u/obj-{i}.md", text.encode()))
    for k in range(kpis):
        text = (
            f"---\nkind: kpi\ntitle: KPI {k}\nowner: unit-{k}\ndirection: higher_is_better\n"
            "thresholds: {green: 45, amber: 35}\n"
            "values: [{date: 2026-09-30, value: 38}, {date: 2026-10-31, value: 41}]\n---\n"
        )
        sources.append(Source(f"k/kpi-{k}.md", f"goals/k/kpi-{k}.md", text.encode()))
    return load_sources(sources)


def test_a_big_organisation_validates() -> None:
    """How fast is ``benchmarks/check.py``'s business; here: a deep tree, the right problems."""
    tree = big_tree()
    assert len(tree.goals) == 2_049 and tree.problems == ()
    problems = validate(tree)
    # Leaves of the alignment tree have an aligned key result with nothing aligned to it.
    assert {p.message.split(":")[0] for p in problems} == {"no objective is aligned to it"}
    assert len(problems) == 1_333  # obj-667 … obj-1999: the leaves


def test_problems_carry_file_line_path_and_message() -> None:
    files = {"win.md": "---\nkind: objective\ntitle: Win\nowner: sales\nperiod: 2026-Q4\n"
                       "key_results:\n  - {title: T, start: 1, target: x}\n---\n"}
    files[ORG] = (MINIMAL / ORG).read_text("utf-8")
    tree = load_sources([Source(r, f"goals/{r}", str(t).encode()) for r, t in files.items()])
    (problem,) = validate(tree)
    assert problem == Problem("goals/win.md", 7, "key_results[0].target",
                              "must be a number, not 'x'")
    assert re.fullmatch(r"goals/win\.md:7: key_results\[0\]\.target: .+", str(problem))
