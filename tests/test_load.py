"""Stage 1: the strict loader.

The YAML traps written as text are cases in ``tests/fixtures/bad/loader.txt`` (run by
``test_validate.py``); here are the ones that need bytes or size, and the loader's own contract:
plain values, line marks, the body, and how files are found and named.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from okrsite.load import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    ORG_FILE,
    Document,
    Source,
    format_path,
    load_goals,
    load_sources,
    parse_goal,
    parse_org,
)
from okrsite.load.yaml import resolve_plain

MINIMAL = Path(__file__).parent / "fixtures" / "good" / "minimal"
GOAL = b"---\nkind: objective\ntitle: Win\n---\nBody\n"


def goal(content: bytes, rel: str = "win.md") -> tuple[Document | None, list[str]]:
    doc, problems = parse_goal(Source(rel, f"goals/{rel}", content))
    return doc, [str(p) for p in problems]


# --- files that are not text, or too much of it --------------------------------------------

BYTE_CASES = [
    pytest.param(
        b"---\nkind: objective\ntitle: Caf\xe9\n---\n",
        ["goals/win.md:3: is not valid UTF-8 text"],
        id="invalid UTF-8 (Latin-1), by line",
    ),
    pytest.param(
        b"---\nkind: objective\n\xff\xfe\n---\n",
        ["goals/win.md:3: is not valid UTF-8 text"],
        id="invalid UTF-8 bytes",
    ),
    pytest.param(
        "\ufeff---\nkind: objective\n---\n".encode("utf-16"),
        ["goals/win.md:1: is UTF-16 text: save it as UTF-8"],
        id="UTF-16 (as Windows PowerShell writes files)",
    ),
    pytest.param(
        b"---\nkind: objective\ntitle: Win\n\x00\n---\n",
        ["goals/win.md:4: contains a NUL byte (is it a binary file?)"],
        id="a NUL byte",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ["goals/win.md:3: contains a NUL byte (is it a binary file?)"],
        id="a PNG renamed to .md",
    ),
    pytest.param(
        b"---\ntitle: " + b"x" * MAX_FILE_BYTES + b"\n---\n",
        ["goals/win.md: file is larger than 1000 kB"],
        id="an oversized file",
    ),
    pytest.param(
        b"---\nvalues: " + b"[" * 999 + b"\n---\n",
        [f"goals/win.md:2: values{'[0]' * (MAX_DEPTH - 1)}: is nested more than 20 levels deep"],
        id="999 [ of nesting",
    ),
    pytest.param(
        b"---\nvalues: " + b"{a: " * 10_000 + b"\n---\n",
        [f"goals/win.md:2: values{'.a' * (MAX_DEPTH - 1)}: is nested more than 20 levels deep"],
        id="10,000 { of nesting",
    ),
    pytest.param(
        b"---\nkind: objective\ntitle: Win\x07\n---\n",
        ["goals/win.md:3: invalid YAML: control characters are not allowed (#x0007)"],
        id="a control character",
    ),
    pytest.param(
        "---\nkind: objective\ntitle: Zürich\nowner: ünit\x1b\n---\n".encode(),
        ["goals/win.md:4: invalid YAML: control characters are not allowed (#x001b)"],
        id="a control character after non-ASCII text, by line",
    ),
    pytest.param(
        b"---\nkind: objective\ntarget: " + b"9" * 5_000 + b"\n---\n",
        ["goals/win.md:3: target: '999999999999…' has more than 100 digits"],
        id="a 5,000-digit number",
    ),
    pytest.param(
        b"---\nkind: objective\ntarget: 1" + b"0" * 400 + b".5\n---\n",
        [f"goals/win.md:3: target: 1{'0' * 400}.5 is not a finite number"],
        id="a float too large for a double",
    ),
    pytest.param(
        b"---\n" + b"- a\n" * 1000 + b"---\n",
        ["goals/win.md:1: front matter must be a YAML mapping of fields"],
        id="a long list as front matter",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BYTE_CASES)
def test_files_that_cannot_be_goals(content: bytes, expected: list[str]) -> None:
    doc, problems = goal(content)
    assert doc is None
    assert problems == expected


def test_nesting_beyond_libyamls_own_limit_is_one_error_at_its_line() -> None:
    """libyaml builds since 0.2.5 stop at 1,000 levels before okrsite's builder sees them."""
    doc, problems = goal(b"---\nvalues: " + b"[" * 10_000 + b"\n---\n")
    assert doc is None
    assert problems in (
        ["goals/win.md:2: invalid YAML: exceeded maximum nesting depth"],
        [f"goals/win.md:2: values{'[0]' * (MAX_DEPTH - 1)}: is nested more than 20 levels deep"],
    )


def test_a_byte_order_mark_and_crlf_line_ends_are_fine() -> None:
    doc, problems = goal(b"\xef\xbb\xbf---\r\nkind: objective\r\ntitle: Win\r\n---\r\nBody\r\n")
    assert problems == []
    assert doc is not None
    assert doc.data == {"kind": "objective", "title": "Win"}
    assert doc.lines[("title",)] == 3
    assert doc.body == "Body\r\n"


def test_an_org_yml_too_large() -> None:
    source = Source(ORG_FILE, "goals/org.yml", b"#" * (MAX_FILE_BYTES + 1))
    org, problems = parse_org(source)
    assert org is None
    assert [str(p) for p in problems] == ["goals/org.yml: file is larger than 1000 kB"]


# --- plain values the YAML 1.2 way ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True), ("False", False), ("null", None), ("~", None), ("", None),
        ("10", 10), ("-3", -3), ("+5", 5), ("0", 0), ("1.5", 1.5), (".5", 0.5), ("1e3", 1000.0),
        ("2026-10-01", "2026-10-01"), ("2026-Q4", "2026-Q4"), ("M EUR", "M EUR"),
        ("-", "-"), ("@dana", "@dana"), ("Yesterday", "Yesterday"),
    ],
)
def test_plain_scalars(text: str, value: object) -> None:
    result = resolve_plain(text)
    assert result == value and type(result) is type(value)


# --- documents: values, line marks, body ------------------------------------------------------


def test_values_lines_and_body() -> None:
    doc, problems = goal(
        b"---\n"
        b"kind: objective\n"
        b"key_results:\n"
        b"  - id: arr\n"
        b"    history:\n"
        b"      - {date: 2026-10-15, value: 10.8}\n"
        b"  -\n"
        b"    title: Second\n"
        b"---\n"
        b"# Why\n\nBecause.\n"
    )
    assert problems == []
    assert doc is not None
    assert doc.data == {
        "kind": "objective",
        "key_results": [
            {"id": "arr", "history": [{"date": "2026-10-15", "value": 10.8}]},
            {"title": "Second"},
        ],
    }
    assert doc.line_of(("kind",)) == 2
    assert doc.line_of(("key_results", 0)) == 4
    assert doc.line_of(("key_results", 0, "history", 0, "value")) == 6
    assert doc.line_of(("key_results", 1, "title")) == 8
    assert doc.line_of(("key_results", 5, "title")) == 3
    assert doc.line_of(("missing",)) == 2
    assert doc.body == "# Why\n\nBecause.\n"
    assert doc.body_line == 10
    assert doc.stem == "win"


def test_dots_close_front_matter_too() -> None:
    doc, problems = goal(b"---\nkind: kpi\n...\nBody")
    assert problems == []
    assert doc is not None and doc.data == {"kind": "kpi"} and doc.body == "Body"


def test_a_fence_inside_a_block_scalar_does_not_close() -> None:
    doc, problems = goal(b"---\ntitle: |\n  ---\n  text\n---\n")
    assert problems == []
    assert doc is not None and doc.data == {"title": "---\ntext\n"}


def test_quoted_scalars_keep_their_text() -> None:
    doc, problems = goal(b"---\nid: \"2026\"\non: 'yes'\nx: \"0x10\"\n---\n")
    assert problems == []
    assert doc is not None and doc.data == {"id": "2026", "on": "yes", "x": "0x10"}


def test_problems_in_lists_name_the_item() -> None:
    _, problems = goal(b"---\nvalues: [1, yes, &a 2]\n---\n")
    assert problems == [
        "goals/win.md:2: values[1]: 'yes' is ambiguous in YAML (older readers take it for a "
        'boolean): write true or false, or quote it ("yes")',
        "goals/win.md:2: values[2]: anchors (&a) are not allowed",
    ]


def test_a_complex_key_is_one_problem() -> None:
    _, problems = goal(b"---\n? {a: [1, 2]}\n: x\nb: 1\n---\n")
    assert problems == ["goals/win.md:2: field names must be text, not a list or mapping"]


@pytest.mark.parametrize(
    ("path", "text"),
    [((), ""), (("title",), "title"), (("key_results", 1, "target"), "key_results[1].target"),
     (("values", 0), "values[0]")],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


# --- folders ----------------------------------------------------------------------------------


def test_load_a_folder(tmp_path: Path) -> None:
    (tmp_path / ORG_FILE).write_bytes((MINIMAL / ORG_FILE).read_bytes())
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "win.md").write_bytes(GOAL)
    (tmp_path / "sales" / "_draft.md").write_bytes(b"not a goal")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.md").write_bytes(b"not a goal")
    (tmp_path / "notes.txt").write_bytes(b"not a goal")
    tree = load_goals(tmp_path, "goals")
    assert tree.problems == ()
    assert tree.org is not None and tree.org.name == "goals/org.yml"
    assert [d.name for d in tree.goals] == ["goals/sales/win.md"]
    assert tree.goals[0].rel == "sales/win.md"


def test_the_minimal_fixture_loads() -> None:
    tree = load_goals(MINIMAL, "goals")
    assert tree.problems == ()
    assert [d.rel for d in tree.goals] == [
        "grow-revenue.md", "kpis/nps.md", "product/ship-v2.md", "sales/win-mid-market.md",
    ]


def test_a_missing_org_yml_and_a_missing_folder(tmp_path: Path) -> None:
    tree = load_sources([Source("win.md", "goals/win.md", GOAL)])
    assert [str(p) for p in tree.problems] == [
        "goals/org.yml: missing: a goals folder needs an org.yml"
    ]
    assert len(tree.goals) == 1
    tree = load_goals(tmp_path / "nope", "nope")
    assert [str(p) for p in tree.problems] == ["nope: no such goals folder"]


def test_a_broken_file_keeps_the_others() -> None:
    tree = load_sources(
        [
            Source(ORG_FILE, "goals/org.yml", (MINIMAL / ORG_FILE).read_bytes()),
            Source("a.md", "goals/a.md", b"no front matter"),
            Source("b.md", "goals/b.md", GOAL),
        ]
    )
    assert [d.rel for d in tree.goals] == ["b.md"]
    assert [str(p) for p in tree.problems] == [
        "goals/a.md:1: has no front matter: the file must start with a line '---'"
    ]


def test_files_that_are_not_regular_files_are_refused_without_reading_them(
    tmp_path: Path,
) -> None:
    """A FIFO would block a read forever and ``/dev/zero`` would fill the memory: both are
    refused from their ``stat``; a broken link and an oversized file are named too."""
    goals = tmp_path / "goals"
    shutil.copytree(MINIMAL, goals)
    os.mkfifo(goals / "pipe.md")
    (goals / "zero.md").symlink_to("/dev/zero")
    (goals / "gone.md").symlink_to(goals / "nowhere.md")
    (goals / "huge.md").write_bytes(b"---\n" + b"#" * (MAX_FILE_BYTES + 1))
    tree = load_goals(goals, "goals")
    assert [str(p) for p in tree.problems] == [
        "goals/gone.md: is a broken symbolic link",
        "goals/huge.md: file is larger than 1000 kB",
        "goals/pipe.md: is not a regular file",
        "goals/zero.md: is not a regular file",
    ]
    assert len(tree.goals) == len(load_goals(MINIMAL, "goals").goals)
