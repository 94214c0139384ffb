"""The smaller items of issue 9: git dates beyond year 9999, private file names in a diff of a
broken BASE, terminal control characters, live @mentions in the diff comment, CR-only files,
UTF-32, upper-case ``.MD`` suffixes and the hint to quote a title holding ``": "``.

No test depends on another library's exact wording: where a message comes from libyaml, only
okrsite's own part of it is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.build import scored
from okrsite.cli import cli
from okrsite.diff import PRIVATE_FILE, Diff, Entry, Pair
from okrsite.errors import Problem
from okrsite.git import commit_day
from okrsite.load import ORG_FILE, Source, load_sources
from okrsite.render.diff import as_markdown, md

from .conftest import TINY_GOALS, GitRepo, invoke_in

AS_OF = "2026-11-20"
ORG = (TINY_GOALS / "org.yml").read_bytes()


def problems_of(files: dict[str, bytes]) -> list[str]:
    sources = [Source(rel, f"goals/{rel}", data) for rel, data in files.items()]
    return [str(p) for p in load_sources(sources).problems]


# --- git ---------------------------------------------------------------------------------------


def test_a_commit_dated_year_10000_never_counts_and_never_crashes(tmp_path: Path) -> None:
    assert commit_day("10000-01-01") == date.max
    assert commit_day("2026-11-02") == date(2026, 11, 2)
    repo = GitRepo(tmp_path / "repo")
    repo.commit("2026-09-15")
    repo.edit("sales/win.md", "current: 4", "current: 6")
    repo.git("add", "--all")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "@253402300800 +0000", "GIT_COMMITTER_DATE": "@253402300800 +0000"}
    subprocess.run(["git", "commit", "--quiet", "-m", "from the future"], cwd=repo.root, env=env,
                   check=True)
    assert repo.git("log", "-1", "--format=%as") == "10000-01-01"
    found = scored(repo.goals, date(2026, 11, 20))
    assert found.history.key_results  # the history was read…
    assert all(c.date <= date(2026, 11, 20) for c in found.history.key_results.values())  # …sanely
    code, output = invoke_in(repo.root, "build", "--as-of", AS_OF)
    assert (code, output) == (0, "Site built in site\n")


# --- diff --------------------------------------------------------------------------------------

SECRET = """---
kind: objective
id: acquire-rival
title: Buy the rival quietly
owner: sales
period: 2026-Q4
visibility: private
key_results:
  - id: offer
    title: Make an offer
    type: milestone
    done: false
---
"""


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(("owner: sales", "owner: nobody"), id="a validation error"),
        pytest.param(("title: Make an offer", "title: Offer: 3 M"), id="invalid YAML"),
    ],
)
def test_diff_never_names_a_private_file_with_an_error_in_base(
    tmp_path: Path, broken: tuple[str, str]
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("sales/acquire-rival.md", SECRET.replace(*broken))
    repo.commit("2026-10-01")
    repo.git("tag", "base")
    repo.write("sales/acquire-rival.md", SECRET)
    for fmt in ("json", "markdown"):
        code, output = invoke_in(repo.root, "diff", "base", "--as-of", AS_OF, "--format", fmt)
        assert code == 0, output
        for secret in ("acquire", "rival", "Buy the", "offer", "nobody"):
            assert secret not in output, (fmt, secret, output)
        if fmt == "json":
            data = json.loads(output)
            assert [p["file"] for p in data["base_problems"]] == [PRIVATE_FILE]
            assert data["base_left_out"] == [PRIVATE_FILE]
        else:
            assert "has 1 error(s) in its goal files; 1 file(s) left out" in output


def test_diff_comment_keeps_no_mention_or_issue_reference_live() -> None:
    title = "Ping @acme/everyone and @bob about #123"
    diff = Diff(date(2026, 11, 20), "Acme @all", Pair(0.5, 0.5),
                added=(Entry("objective", "ping", title, owner="sales", score=0.5,
                             status="on_track"),))
    rendered = as_markdown(diff, {"rev": "main", "sha": "a" * 40, "short": "aaaaaaa"},
                           {"rev": None, "sha": None, "short": None})
    for live in ("@acme", "@bob", "@all", "#123"):
        assert live not in rendered
    assert md("@bob #1").replace("\u200d", "") == "@bob #1"  # reads the same


# --- the terminal ------------------------------------------------------------------------------


def test_control_characters_never_reach_the_terminal(tiny_goals: Path) -> None:
    grow = tiny_goals / "grow.md"
    grow.write_text(grow.read_text().replace("title: Grow the business",
                                             'title: "Grow \\e[2J the \\a business"'))
    runner = CliRunner()
    result = runner.invoke(cli, ["show", str(tiny_goals), "--as-of", AS_OF], color=True)
    assert result.exit_code == 0, result.output
    assert "\x1b[2J" not in result.output and "\x07" not in result.output
    assert "Grow \\x1b[2J the \\x07 business" in result.output
    named = tiny_goals / "sales" / "x\x1b]0;owned\x07.md"
    named.write_text("---\nkind: objective\n")
    result = runner.invoke(cli, ["check", str(tiny_goals)], color=True)
    assert result.exit_code == 1
    assert "\x1b]0;" not in result.output and "\x07" not in result.output
    assert "x\\x1b]0;owned\\x07.md:" in result.output
    assert "\x1b" not in str(Problem("a\x1bb.md", 1, "", "message \x9b"))


# --- the loader --------------------------------------------------------------------------------

GOAL = "---\nkind: objective\ntitle: Win\nowner: sales\nperiod: 2026-Q4\n---\nBody\n"


def test_cr_only_files_are_named_for_their_line_endings() -> None:
    found = problems_of({ORG_FILE: ORG, "win.md": GOAL.replace("\n", "\r").encode()})
    assert found == ["goals/win.md:1: has old Mac line endings (a carriage return alone ends "
                     "each line): save it with LF (or CRLF) line endings"]
    org = problems_of({ORG_FILE: ORG.replace(b"\n", b"\r")})
    assert org == [f"goals/{ORG_FILE}:1: has old Mac line endings (a carriage return alone ends "
                   "each line): save it with LF (or CRLF) line endings"]


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_named_utf32(codec: str) -> None:
    content = ("\ufeff" + GOAL).encode(codec)
    assert problems_of({ORG_FILE: ORG, "win.md": content}) == [
        "goals/win.md:1: is UTF-32 text: save it as UTF-8"
    ]


def test_utf16_is_still_named_utf16() -> None:
    content = ("\ufeff" + GOAL).encode("utf-16-le")
    assert problems_of({ORG_FILE: ORG, "win.md": content}) == [
        "goals/win.md:1: is UTF-16 text: save it as UTF-8"
    ]


def test_an_upper_case_md_suffix_is_reported(tiny_goals: Path) -> None:
    (tiny_goals / "sales" / "Deals.MD").write_text(GOAL)
    (tiny_goals / "sales" / "_draft.MD").write_text(GOAL)  # ignored like any _file
    code, output = invoke_in(tiny_goals.parent, "check", "goals")
    assert code == 1
    assert output.splitlines()[0] == (
        "goals/sales/Deals.MD: goal files end in lower-case .md: rename it to Deals.md "
        "(as it is, it is not read)"
    )
    assert "_draft" not in output


def test_a_title_holding_a_colon_and_space_gets_the_hint_to_quote_it() -> None:
    goal = GOAL.replace("title: Win", 'title: Sales: win the "mid" market')
    (found,) = problems_of({ORG_FILE: ORG, "win.md": goal.encode()})
    assert found.startswith("goals/win.md:3: invalid YAML: ")
    assert found.endswith(
        "(a value that contains ': ' must be quoted: title: \"Sales: win the \\\"mid\\\" market\")"
    )
    listed = GOAL.replace("period: 2026-Q4\n", "period: 2026-Q4\nkey_results:\n  - title: A: b\n")
    (found,) = problems_of({ORG_FILE: ORG, "win.md": listed.encode()})
    assert found.startswith("goals/win.md:7: ")
    assert found.endswith("must be quoted: title: \"A: b\")")
