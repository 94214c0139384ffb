"""Property tests: no input crashes the loader or the validator.

Whatever the bytes, ``load`` + ``validate`` end in problems or in a model: never an exception,
never a problem that points outside the file, and a tree with no problems always builds.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsite.errors import Problem
from okrsite.load import ORG_FILE, Source, load_sources
from okrsite.model import Goals
from okrsite.score import score_goals
from okrsite.validate import validate

from .test_validate import check_tree, quick_says_valid, split_errors, whole_errors

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""No time limits (speed is ``benchmarks/``' business); the number of examples is the profile's."""
ORG_TEXT = (
    "organization: Acme\n"
    "units:\n  - {id: acme, name: Acme}\n  - {id: sales, name: Sales, parent: acme}\n"
    "periods:\n"
    "  - {id: '2026', start: 2026-01-01, end: 2026-12-31}\n"
    "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
)


def check(files: dict[str, bytes]) -> tuple[list[Problem], Goals | None]:
    """Load and validate like ``okrsite check``; assert what must hold for any input."""
    sources = [Source(rel, f"goals/{rel}", content) for rel, content in files.items()]
    tree = load_sources(sources)
    problems = [*tree.problems, *validate(tree)]
    for problem in problems:
        _assert_points_into(problem, files)
    goals = None
    if not problems:
        goals = check_tree(tree)  # a clean tree always builds the model…
        card = score_goals(goals, date(2026, 11, 15))  # …and scores it
        for state in card.objectives.values():
            assert math.isfinite(state.score), state
    return problems, goals


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _assert_points_into(problem: Problem, files: dict[str, bytes]) -> None:
    rel = problem.file.removeprefix("goals/")
    assert rel in files, problem
    assert problem.message and not _CONTROL.search(str(problem)), problem
    content = files[rel]
    text = content.decode("utf-8", "replace")
    lines = max(content.count(b"\n"), len(_BREAKS.findall(text))) + 1
    assert 0 <= problem.line <= lines, (problem, lines)


# --- random bytes and YAML-ish text ---------------------------------------------------------

TOKENS = st.sampled_from(
    [
        "kind", "objective", "kpi", "title", "owner", "sales", "period", "2026-Q4", "key_results",
        "start", "target", "type", "milestone", "done", "score", "values", "date", "value", "id",
        "parent", "units", "periods", ":", ": ", "- ", "\n", "\n  ", "\n    ", "  ", "[", "]",
        "{", "}", ",", "'", '"', "&a ", "*a", "!!binary ", "!!python/object:os.system ", "!x ",
        "<<: ", "? ", "yes", "No", "on", "0x10", "010", "0o7", "12:30", "1_000", ".nan", "-.inf",
        "1e999", "2026-02-30", "2026-10-01", "true", "null", "~", "#", "---", "...", "|", ">",
        "threshold", "checklist", "shared", "from", "items", "links", "url", "tags", "due",
        "stretch", "history", "note", "values_file", "cadence", "x.csv", "a#kr1",
        "\t", "é", "\u2028", "\x85", "\x07", "\r\n", "\ufeff", "%YAML 1.1\n", "9" * 120, "-1.5",
        '"\\x1b[2J"', '"a\\nb"', "!a%0A ",
    ]
)
YAMLISH = st.lists(TOKENS | st.text(max_size=4), max_size=80).map("".join)


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_never_crash(content: bytes) -> None:
    check({ORG_FILE: ORG_TEXT.encode(), "win.md": content})
    check({ORG_FILE: content})


@FUZZ
@given(YAMLISH, st.booleans())
def test_yamlish_front_matter_never_crashes(text: str, closed: bool) -> None:
    content = "---\n" + text + ("\n---\nBody\n" if closed else "")
    check({ORG_FILE: ORG_TEXT.encode(), "win.md": content.encode("utf-8", "surrogatepass")})


@FUZZ
@given(YAMLISH)
def test_yamlish_org_never_crashes(text: str) -> None:
    check({ORG_FILE: text.encode("utf-8", "surrogatepass")})


# --- random documents of almost the right shape -----------------------------------------------

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6), st.lists(st.integers(), max_size=2), st.just({"x": 1}),
)
IDS = st.sampled_from(["a", "b", "c", "acme", "sales", "nps", "kr1", "kr2", "Bad Id", ""])
DATES = st.sampled_from(["2026-10-01", "2026-12-31", "2026-02-30", "2026-1-1", "2025-12-31"])
NUMBER = st.one_of(st.integers(-3, 20), st.floats(-1, 2, allow_nan=False))


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the right kind of value, sometimes junk."""
    return st.one_of(value, value, value, JUNK)


POINT = st.fixed_dictionaries(
    {"date": maybe(DATES), "value": maybe(NUMBER)}, optional={"note": maybe(st.just("Note"))}
)
CHECKIN = st.fixed_dictionaries(
    {"date": maybe(DATES)},
    optional={"value": maybe(NUMBER), "note": maybe(st.just("n")), "confidence": maybe(NUMBER),
              "by": maybe(st.just("Ann")), "vlaue": NUMBER},
)
URLS = st.sampled_from(["https://x.example.com", "/docs/", "javascript:x", "//h", "a/../b", "/.."])
LINK = st.fixed_dictionaries({"title": maybe(st.just("L")), "url": maybe(URLS)},
                             optional={"href": URLS})
TAGS = st.lists(st.sampled_from(["p0", "ai", "P0", "a b", ""]), max_size=3)
ITEM = st.fixed_dictionaries(
    {"title": maybe(st.just("Item"))},
    optional={"done": maybe(st.booleans()), "weight": maybe(NUMBER), "dnoe": st.booleans()},
)
KR_TYPES_WRITTEN = ["metric", "milestone", "score", "aligned", "threshold", "checklist", "shared",
                    "milstone"]
KEY_RESULT = st.fixed_dictionaries(
    {"title": maybe(st.just("Result"))},
    optional={
        "id": maybe(IDS),
        "type": maybe(st.sampled_from(KR_TYPES_WRITTEN)),
        "start": maybe(NUMBER),
        "target": maybe(NUMBER),
        "stretch": maybe(NUMBER),
        "current": maybe(NUMBER),
        "kpi": maybe(IDS),
        "weight": maybe(NUMBER),
        "confidence": maybe(NUMBER),
        "updated": maybe(DATES),
        "due": maybe(DATES),
        "history": maybe(st.lists(CHECKIN, max_size=3)),
        "done": maybe(st.booleans()),
        "score": maybe(NUMBER),
        "direction": maybe(st.sampled_from(["higher_is_better", "lower_is_better"])),
        "strict": maybe(st.booleans()),
        "items": maybe(st.lists(ITEM, max_size=3)),
        "from": maybe(st.sampled_from(["a#kr1", "b#kr2", "c#all", "a", "nope#kr1"])),
        "lead": maybe(st.just("Lead")),
        "description": maybe(st.just("*Why*")),
        "links": maybe(st.lists(LINK, max_size=2)),
        "tags": maybe(TAGS),
        "visibility": maybe(st.sampled_from(["public", "private"])),
        "targte": NUMBER,
    },
)
OBJECTIVE = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["objective", "objective", "objective", "kpi", "goal"]),
        "title": maybe(st.just("Objective")),
        "owner": maybe(IDS),
        "period": maybe(st.sampled_from(["2026", "2026-Q4", "2027"])),
        "key_results": maybe(st.lists(KEY_RESULT, max_size=4)),
    },
    optional={
        "id": maybe(IDS),
        "parent": maybe(st.sampled_from(["a", "b", "c", "a#kr1", "b#kr2", "c#x", "nope"])),
        "weight": maybe(NUMBER),
        "visibility": maybe(st.sampled_from(["public", "private"])),
        "status": maybe(st.sampled_from(["on_track", "at_risk", "off_track"])),
        "lead": maybe(st.just("Lead")),
        "tags": maybe(TAGS),
        "links": maybe(st.lists(LINK, max_size=2)),
    },
)
KPI = st.fixed_dictionaries(
    {
        "kind": st.just("kpi"),
        "title": maybe(st.just("KPI")),
        "owner": maybe(IDS),
        "direction": maybe(st.sampled_from(["higher_is_better", "lower_is_better"])),
        "values": maybe(st.lists(POINT, max_size=3)),
    },
    optional={
        "id": maybe(IDS),
        "target": maybe(NUMBER),
        "thresholds": maybe(st.fixed_dictionaries({"green": NUMBER, "amber": NUMBER})),
        "values_file": maybe(st.sampled_from(["v.csv", "../v.csv", "/v.csv", "none.csv", "v.txt"])),
        "cadence": maybe(st.sampled_from(["daily", "monthly", "hourly"])),
    },
)
CSV = st.lists(
    st.sampled_from(["date,value,note", "Date , Value", "2026-10-01,3,ok", "2026-10-01,4",
                     "2026-10-02,nan", "2026-13-01,1", "x", '"2026-10-03","5","a, b"', "",
                     "2026-10-04,1e16"]),
    max_size=5,
).map("\r\n".join)
UNIT = st.fixed_dictionaries(
    {"id": maybe(IDS), "name": maybe(st.just("Unit"))},
    optional={"parent": maybe(IDS), "owners": maybe(st.lists(st.sampled_from(["@a", "x"])))},
)
PERIOD = st.fixed_dictionaries(
    {"id": maybe(st.sampled_from(["2026", "2026-Q4", "2027"])), "start": maybe(DATES),
     "end": maybe(DATES)}
)
ORG = st.fixed_dictionaries(
    {
        "organization": maybe(st.just("Acme")),
        "units": maybe(st.lists(UNIT, max_size=4)),
        "periods": maybe(st.lists(PERIOD, max_size=3)),
    },
    optional={
        "current_period": maybe(st.sampled_from(["2026", "2026-Q4", "2027"])),
        "scoring": maybe(
            st.fixed_dictionaries(
                {}, optional={"on_track": NUMBER, "at_risk": NUMBER, "stale_after_days": NUMBER}
            )
        ),
    },
)


class _Dumper(yaml.SafeDumper):
    """Writes a value shared by two fields twice, not as an anchor and an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def front_matter(data: dict[str, Any]) -> bytes:
    return ("---\n" + dump(data) + "---\nBody\n").encode()


@FUZZ
@given(ORG, st.lists(st.one_of(OBJECTIVE, KPI), max_size=5))
def test_documents_of_almost_the_right_shape(org: dict[str, Any], goals: list[dict]) -> None:
    files = {ORG_FILE: dump(org).encode()}
    for i, data in enumerate(goals):
        files[f"{'abc'[i % 3]}{i // 3 or ''}.md"] = front_matter(data)
    check(files)


@FUZZ
@given(st.lists(OBJECTIVE, min_size=1, max_size=6), st.lists(KPI, max_size=2), CSV)
def test_objectives_against_a_valid_org(goals: list[dict], kpis: list[dict], csv: str) -> None:
    files = {ORG_FILE: ORG_TEXT.encode(), "v.csv": csv.encode()}
    for i, data in enumerate(goals):
        files[f"{'abc'[i % 3]}{i // 3 or ''}.md"] = front_matter(data)
    for i, data in enumerate(kpis):
        files[f"k{i}.md"] = front_matter(data)
    check(files)


# --- random documents of the right shape ---------------------------------------------------

TITLE = st.text(min_size=1, max_size=12).filter(str.strip)
POSITIVE = st.floats(0.1, 5) | st.integers(1, 3)
SHARE = st.floats(0, 1)
GOOD_DATE = st.dates().map(lambda d: d.isoformat())
GOOD_POINT = st.fixed_dictionaries({"date": GOOD_DATE, "value": NUMBER})
GOOD_NOTE = st.fixed_dictionaries({"date": GOOD_DATE}, optional={"note": TITLE, "by": TITLE,
                                                                 "confidence": SHARE})
GOOD_CHECKIN = st.fixed_dictionaries({"date": GOOD_DATE, "value": NUMBER},
                                     optional={"note": TITLE, "confidence": SHARE})
GOOD_LINK = st.fixed_dictionaries({"title": TITLE,
                                   "url": st.sampled_from(["https://x.example.com/1", "/d/"])})
KR_COMMON = {"weight": POSITIVE, "confidence": SHARE, "updated": GOOD_DATE,
             "due": st.sampled_from(["2026-10-01", "2026-11-15", "2026-12-31"]),
             "lead": TITLE, "links": st.lists(GOOD_LINK, max_size=2),
             "tags": st.lists(st.sampled_from(["p0", "ai"]), max_size=2, unique=True),
             "visibility": st.sampled_from(["public", "private"])}
GOOD_KEY_RESULT = st.one_of(
    st.fixed_dictionaries(
        {"title": TITLE, "start": NUMBER, "target": NUMBER},
        optional={"id": st.sampled_from(["arr", "kr1", "kr2"]), "type": st.just("metric"),
                  "current": NUMBER, "unit": st.just("%"), "stretch": NUMBER,
                  "history": st.lists(GOOD_CHECKIN, max_size=3), **KR_COMMON},
    ),
    st.fixed_dictionaries(
        {"title": TITLE, "start": NUMBER, "target": NUMBER, "kpi": st.just("nps")},
        optional={"history": st.lists(GOOD_NOTE, max_size=2), **KR_COMMON},
    ),
    st.fixed_dictionaries(
        {"title": TITLE, "type": st.just("milestone"), "done": st.booleans()},
        optional={"history": st.lists(GOOD_NOTE, max_size=2), **KR_COMMON},
    ),
    st.fixed_dictionaries(
        {"title": TITLE, "type": st.just("score"), "score": SHARE},
        optional={"history": st.lists(GOOD_NOTE, max_size=2), **KR_COMMON},
    ),
    st.fixed_dictionaries({"title": TITLE, "type": st.just("aligned"), "id": st.just("all")}),
    st.fixed_dictionaries(
        {"title": TITLE, "type": st.just("threshold"), "target": NUMBER},
        optional={"id": st.just("kr2"), "direction": st.sampled_from(["higher_is_better",
                                                                      "lower_is_better"]),
                  "strict": st.booleans(), "current": NUMBER, "kpi": st.just("nps"),
                  "history": st.lists(GOOD_CHECKIN, max_size=2), **KR_COMMON},
    ),
    st.fixed_dictionaries(
        {"title": TITLE, "type": st.just("checklist"),
         "items": st.lists(st.fixed_dictionaries({"title": TITLE}, optional={
             "done": st.booleans(), "weight": POSITIVE}), min_size=1, max_size=3)},
        optional={"history": st.lists(GOOD_NOTE, max_size=2), **KR_COMMON},
    ),
    st.fixed_dictionaries(
        {"type": st.just("shared"), "from": st.sampled_from(["a#arr", "b#kr1", "c#kr2"])},
        optional={"title": TITLE, "weight": POSITIVE, "lead": TITLE,
                  "visibility": st.sampled_from(["public", "private"])},
    ),
)
GOOD_OBJECTIVE = st.fixed_dictionaries(
    {
        "kind": st.just("objective"),
        "title": TITLE,
        "owner": st.sampled_from(["acme", "sales"]),
        "period": st.sampled_from(["2026", "2026-Q4"]),
        "key_results": st.lists(GOOD_KEY_RESULT, max_size=4),
    },
    optional={
        "parent": st.sampled_from(["a", "b", "c", "a#all", "b#kr1", "c#arr"]),
        "weight": POSITIVE,
        "visibility": st.sampled_from(["public", "private"]),
        "status": st.sampled_from(["on_track", "at_risk", "off_track"]),
        "lead": TITLE,
        "tags": st.lists(st.sampled_from(["p0", "ai"]), max_size=2, unique=True),
        "links": st.lists(GOOD_LINK, max_size=2),
    },
)
GOOD_KPI = st.fixed_dictionaries(
    {
        "kind": st.just("kpi"),
        "id": st.just("nps"),
        "title": TITLE,
        "owner": st.sampled_from(["acme", "sales"]),
        "direction": st.sampled_from(["higher_is_better", "lower_is_better"]),
        "values": st.lists(GOOD_POINT, min_size=1, max_size=3),
    },
    optional={"target": NUMBER, "unit": st.just("pts"),
              "thresholds": st.fixed_dictionaries({"green": NUMBER, "amber": NUMBER}),
              "values_file": st.just("nps.csv"),
              "cadence": st.sampled_from(["daily", "weekly", "monthly", "quarterly", "yearly"])},
)
GOOD_CSV = st.lists(st.tuples(st.dates(), NUMBER), max_size=3).map(
    lambda rows: "date,value\n" + "".join(f"{d.isoformat()},{v!r}\n" for d, v in rows)
)


@FUZZ
@given(st.lists(GOOD_OBJECTIVE, min_size=1, max_size=4), GOOD_KPI, GOOD_CSV)
def test_documents_of_the_right_shape(objectives: list[dict], kpi: dict[str, Any],
                                      csv: str) -> None:
    """Schema-valid files: the cross-file rules decide, and a clean tree builds its model."""
    files = {ORG_FILE: ORG_TEXT.encode(), "kpis/nps.md": front_matter(kpi),
             "kpis/nps.csv": csv.encode()}
    for name, data in zip("abcd", objectives, strict=False):
        files[f"{name}.md"] = front_matter(data)
    _, goals = check(files)
    if goals is not None:
        assert {o.id for o in goals.objectives} == set("abcd"[: len(objectives)])


@FUZZ
@given(st.lists(KEY_RESULT | JUNK, min_size=1, max_size=3))
def test_split_type_rules_equal_the_whole_schema(key_results: list[Any]) -> None:
    data = {"kind": "objective", "title": "t", "owner": "o", "period": "p",
            "key_results": key_results}
    assert split_errors("objective", data) == whole_errors("objective", data)


@FUZZ
@given(st.one_of(
    OBJECTIVE.map(lambda d: ("objective", d)),
    GOOD_OBJECTIVE.map(lambda d: ("objective", d)),
    KPI.map(lambda d: ("kpi", d)),
    GOOD_KPI.map(lambda d: ("kpi", d)),
    ORG.map(lambda d: ("org", d)),
))
def test_the_fast_path_is_sound(case: tuple[str, dict[str, Any]]) -> None:
    """When the fast test passes a document, jsonschema finds nothing wrong with it."""
    name, data = case
    if quick_says_valid(name, data):
        assert whole_errors(name, data) == []


def test_a_clean_random_tree_builds_a_model() -> None:
    """The happy path the properties above rarely hit: make sure it is checked once."""
    files = {
        ORG_FILE: ORG_TEXT.encode(),
        "a.md": front_matter(
            {"kind": "objective", "title": "A", "owner": "sales", "period": "2026-Q4",
             "key_results": [{"title": "R", "start": 1, "target": math.pi}]}
        ),
    }
    problems, goals = check(files)
    assert problems == [] and goals is not None
    assert goals.objectives[0].key_results[0].target == math.pi

