"""The core commands through click's CliRunner: exit codes, the three formats, schema, show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import cli

from .conftest import EXAMPLE_GOALS, FIXTURES, TINY_GOALS, GitRepo, invoke_in

AS_OF = "2026-11-20"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def break_tiny(goals: Path) -> None:
    """Two files, three mistakes: an unknown field, a bad date, an unknown owner."""
    win = goals / "sales" / "win.md"
    win.write_text(win.read_text().replace("    start: 8\n", "    start: 8\n    targte: 3\n"))
    grow = goals / "grow.md"
    text = grow.read_text().replace("2026-11-01", "2026-02-30").replace("owner: tiny", "owner: x")
    grow.write_text(text)


def test_check_passes_on_the_tiny_tree() -> None:
    code, out = run("check", TINY_GOALS)
    assert code == 0
    assert out.strip().endswith("2 objectives, 6 key results, 1 KPI: no errors")


def test_check_passes_on_the_example_organisation() -> None:
    code, out = run("check", EXAMPLE_GOALS)
    assert code == 0, out


def test_check_text_lists_every_error_sorted_then_a_summary(tiny_goals: Path) -> None:
    break_tiny(tiny_goals)
    code, out = run("check", tiny_goals)
    assert code == 1
    lines = out.strip().splitlines()
    prefix = str(tiny_goals)
    assert lines[0].startswith(f"{prefix}/grow.md:4: owner: ")
    assert "unknown unit 'x'" in lines[0]
    assert lines[1].startswith(f"{prefix}/grow.md:13: key_results[0].updated: ")
    assert "2026-02-30" in lines[1]
    assert lines[2].startswith(f"{prefix}/sales/win.md:12: key_results[0].targte: ")
    assert "did you mean 'target'" in lines[2]
    assert lines[3] == "3 errors in the goal files"


def test_check_json_is_the_spec_list_shape(tiny_goals: Path) -> None:
    break_tiny(tiny_goals)
    code, out = run("check", tiny_goals, "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert [(p["file"].rsplit("/", 1)[1], p["line"], p["path"]) for p in problems] == [
        ("grow.md", 4, "owner"),
        ("grow.md", 13, "key_results[0].updated"),
        ("win.md", 12, "key_results[0].targte"),
    ]
    assert set(problems[0]) == {"file", "line", "path", "message"}


def test_check_json_is_an_empty_list_when_clean() -> None:
    code, out = run("check", TINY_GOALS, "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_check_github_prints_annotations(tiny_goals: Path) -> None:
    break_tiny(tiny_goals)
    code, out = run("check", tiny_goals, "--format", "github")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={tiny_goals}/grow.md,line=4,title=owner::")
    assert len(out.splitlines()) == 3


def test_usage_errors_exit_2() -> None:
    assert run("check", TINY_GOALS, "--format", "xml")[0] == 2
    assert run("export", TINY_GOALS, "--as-of", "2026-13-01")[0] == 2
    assert run("schema", "nonsense")[0] == 2


def test_a_missing_goals_folder_is_an_error(tmp_path: Path) -> None:
    code, out = run("check", tmp_path / "nope")
    assert code == 1
    assert "no such goals folder" in out


def test_export_matches_the_golden_file() -> None:
    code, out = run("export", TINY_GOALS, "--as-of", AS_OF)
    assert code == 0
    expected = json.loads((FIXTURES / "tiny" / "okrs.json").read_text())
    assert json.loads(out) == expected


def test_export_fails_cleanly_on_bad_goals(tiny_goals: Path) -> None:
    break_tiny(tiny_goals)
    result = CliRunner().invoke(cli, ["export", str(tiny_goals), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Error: 3 errors in the goal files" in result.output


def test_show_prints_the_alignment_tree_plain_when_piped() -> None:
    code, out = run("show", TINY_GOALS, "--as-of", AS_OF)
    assert code == 0
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Tiny Co · 2026-Q4 · as of 2026-11-20 · overall 53%"
    assert lines[1] == "● Grow the business  [tiny · 2026]  53% at risk"
    assert lines[2] == "      50% Revenue from 10 to 20 M EUR  stale"
    assert lines[4] == "  ● Win mid-market deals  [sales · 2026-Q4]  56% on track"
    assert lines[5] == "        25% Cut churn from 8 % to 4 %"


def test_show_colours_statuses_on_a_terminal() -> None:
    result = CliRunner().invoke(cli, ["show", str(TINY_GOALS), "--as-of", AS_OF], color=True)
    assert "\x1b[33mat risk" in result.output
    assert "\x1b[32mon track" in result.output


@pytest.mark.parametrize("name", ["org", "objective", "kpi"])
def test_schema_prints_a_draft_2020_12_schema(name: str) -> None:
    code, out = run("schema", name)
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False


def test_schema_without_a_name_prints_all_three() -> None:
    code, out = run("schema")
    assert code == 0
    assert sorted(json.loads(out)) == ["kpi", "objective", "org"]


def test_show_marks_private_objectives(tiny_goals: Path) -> None:
    win = tiny_goals / "sales" / "win.md"
    win.write_text(win.read_text().replace("weight: 2\n", "weight: 2\nvisibility: private\n"))
    code, out = run("show", tiny_goals, "--as-of", AS_OF)
    assert code == 0
    assert out.splitlines()[4] == (
        "  ● Win mid-market deals  [sales · 2026-Q4]  56% on track  (private)"
    )


def test_export_reads_the_goals_of_a_git_revision(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    first = repo.commit("2026-09-15")
    repo.edit("sales/win.md", "current: 4", "current: 8")
    repo.commit("2026-11-02")

    def win(*args: str) -> tuple[str, float]:
        code, out = invoke_in(repo.root, "export", "goals", "--as-of", AS_OF, *args)
        assert code == 0, out
        okrs = json.loads(out)
        return okrs["as_of"], next(o["score"] for o in okrs["objectives"]
                                   if o["id"] == "win-mid-market")

    assert win("--revision", first) == (AS_OF, 0.2)
    assert win("--revision", "HEAD~1") == (AS_OF, 0.2)
    assert win("--revision", "main") == win() == (AS_OF, 0.4)
