"""The command line's conventions: one way to name the goals folder, mkdocs' -s/-q/-v, publish
as mike's commands, and messages in okrsite's words with the right plurals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from okrsite.cli import cli

from .conftest import TINY_GOALS, WORKFLOW_GOALS, GitRepo, invoke_in

AS_OF = "2026-11-20"


def commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command, by its name as typed: ``check``, ``publish deploy``."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(commands(command, f"{prefix}{name} "))
        else:
            found[prefix + name] = command
    return found


def option_names(command: click.Command) -> set[str]:
    return {name for param in command.params for name in param.opts}


# --- the goals folder ---------------------------------------------------------------------------


def test_every_command_that_reads_goals_takes_goals_dir() -> None:
    readers = {"check", "show", "export", "build", "serve", "diff", "publish deploy", "checkin",
               "carry-over", "codeowners"}
    found = commands()
    assert readers <= set(found)
    for name in readers:
        assert "--goals-dir" in option_names(found[name]), name
    for name, command in found.items():  # no command takes it any other way but the old one
        positional = [p.name for p in command.params if isinstance(p, click.Argument)]
        assert "goals_dir" not in positional, name
        if "old_goals_dir" in positional:
            assert name in {"check", "show", "export"}
            assert "deprecated" in (command.help or "")


@pytest.mark.parametrize("command", ["check", "show", "export"])
def test_the_positional_goals_dir_is_an_alias(tmp_path: Path, command: str) -> None:
    shutil.copytree(TINY_GOALS, tmp_path / "mine")
    extra = [] if command == "check" else ["--as-of", AS_OF]
    old = invoke_in(tmp_path, command, "mine", *extra)
    new = invoke_in(tmp_path, command, "--goals-dir", "mine", *extra)
    assert old == new and old[0] == 0
    code, output = invoke_in(tmp_path, command, "--goals-dir", "mine", "mine", *extra)
    assert code == 2 and "name the goals folder once: --goals-dir or GOALS_DIR" in output


@pytest.mark.parametrize("args", [
    ["check", "nonexist"], ["check", "--goals-dir", "nonexist"], ["show", "nonexist"],
    ["export", "--goals-dir", "nonexist"], ["build", "--goals-dir", "nonexist"],
    ["codeowners", "--goals-dir", "nonexist"],
    ["carry-over", "2026-Q4", "2027-Q1", "--goals-dir", "nonexist"],
])
def test_a_missing_goals_folder_is_named_as_a_folder(tmp_path: Path, args: list[str]) -> None:
    assert invoke_in(tmp_path, *args) == (1, "Error: no such goals folder: nonexist\n")


# --- messages -------------------------------------------------------------------------------------


def test_counts_have_their_plurals(tmp_path: Path) -> None:
    shutil.copytree(WORKFLOW_GOALS, tmp_path / "goals")
    assert invoke_in(tmp_path, "check") == (
        0, "goals: 4 objectives, 7 key results, 1 KPI: no errors\n")
    for name in ("acme/grow.md", "sales/win.md", "eng/ship.md", "kpis/nps.md"):
        (tmp_path / "goals" / name).unlink()
    hire = tmp_path / "goals" / "eng" / "hire.md"
    hire.write_text("---\nkind: objective\ntitle: Hire\nowner: eng\nperiod: 2026-Q4\n"
                    "key_results:\n  - {title: Hired, type: milestone, done: false}\n---\n")
    assert invoke_in(tmp_path, "check") == (
        0, "goals: 1 objective, 1 key result, 0 KPIs: no errors\n")


def test_check_and_show_count_errors_alike(tmp_path: Path) -> None:
    shutil.copytree(WORKFLOW_GOALS, tmp_path / "goals")
    win = tmp_path / "goals" / "sales" / "win.md"
    win.write_text(win.read_text().replace("owner: sales", "owner: nobody"))
    problem = "goals/sales/win.md:5: owner: unknown unit 'nobody'"
    assert invoke_in(tmp_path, "check") == (1, f"{problem}\n1 error in the goal files\n")
    assert invoke_in(tmp_path, "show", "--as-of", AS_OF) == (
        1, f"{problem}\nError: 1 error in the goal files\n")


READERS = {
    "check": ["check"],
    "show": ["show", "--as-of", AS_OF],
    "build": ["build", "--no-git", "--as-of", AS_OF],
}
"""The commands that print the problems of the goal files, as each is run."""


@pytest.mark.parametrize("command", sorted(READERS))
def test_a_problem_of_a_whole_file_or_folder_is_printed_without_a_line(
    tmp_path: Path, command: str
) -> None:
    shutil.copytree(WORKFLOW_GOALS, tmp_path / "goals")
    last = "1 error in the goal files\n" if command == "check" else (
        "Error: 1 error in the goal files\n")
    (tmp_path / "goals" / "sales" / "gone.md").symlink_to("nowhere.md")  # the file as a whole
    assert invoke_in(tmp_path, *READERS[command]) == (
        1, f"goals/sales/gone.md: is a broken symbolic link\n{last}")
    (tmp_path / "goals" / "sales" / "gone.md").unlink()
    (tmp_path / "goals" / "org.yml").unlink()  # the folder as a whole
    assert invoke_in(tmp_path, *READERS[command]) == (
        1, f"goals/org.yml: missing: a goals folder needs an org.yml\n{last}")
    assert not (tmp_path / "site").exists()


# --- build and serve: mkdocs' -s, -q, -v ----------------------------------------------------------


@pytest.fixture
def site_with_a_broken_nav(tmp_path: Path) -> Path:
    shutil.copytree(TINY_GOALS, tmp_path / "goals")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ntheme:\n  name: material\nnav:\n  - Home: index.md\n"
        "  - Gone: missing.md\n")
    return tmp_path


def build(root: Path, *args: str) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(cli, ["build", "--no-git", "--as-of", AS_OF, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_strict_fails_the_build_on_a_warning_and_keeps_the_site(
    site_with_a_broken_nav: Path,
) -> None:
    root = site_with_a_broken_nav
    code, out, err = build(root)
    warning = "WARNING -  A reference to 'missing.md' is included in the 'nav' configuration"
    assert (code, out) == (0, "Site built in site\n") and warning in err
    before = (root / "site" / "index.html").read_bytes()
    (root / "goals" / "org.yml").write_text(
        (root / "goals" / "org.yml").read_text().replace("organization:", "organization: X\n#"))
    code, out, err = build(root, "-s")
    assert code == 1 and out == ""
    assert err.endswith("Error: MkDocs warned (see above), and in strict mode a warning fails "
                        "the build\n") and warning in err
    assert (root / "site" / "index.html").read_bytes() == before  # the previous site
    assert build(root, "--strict")[0] == 1


@pytest.mark.slow
def test_quiet_and_verbose(site_with_a_broken_nav: Path) -> None:
    code, out, err = build(site_with_a_broken_nav, "-q")
    assert (code, out, err) == (0, "", "")
    code, out, err = build(site_with_a_broken_nav, "-v")
    assert code == 0 and "DEBUG   -  Loading configuration file" in err
    assert "entering code" not in err  # mkdocs' and okrsite's debug messages, not markdown-it's
    code, _, err = build(site_with_a_broken_nav, "-q", "-v")
    assert code == 2 and "-q/--quiet and -v/--verbose exclude each other" in err


def test_build_and_serve_take_mkdocs_flags() -> None:
    found = commands()
    assert {"-s", "--strict", "-q", "--quiet", "-v", "--verbose"} <= option_names(found["build"])
    assert {"-q", "--quiet", "-v", "--verbose"} <= option_names(found["serve"])


# --- publish as mike's commands ------------------------------------------------------------------


def test_publish_mirrors_mike() -> None:
    found = commands()
    assert {"publish deploy", "publish list", "publish delete", "publish set-default",
            "publish retitle"} <= set(found)
    deploy = found["publish deploy"]
    assert [p.name for p in deploy.params if isinstance(p, click.Argument)] == [
        "version", "aliases"]
    help_text = invoke_in(Path.cwd(), "publish", "--help")[1]
    for name in ("deploy", "list", "delete", "set-default", "retitle"):
        assert f"  {name} " in help_text
    assert "  snapshot " not in help_text  # the old form is not a command of its own


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    (repo.root / ".gitignore").write_text(".okrsite/\n")
    repo.commit("2026-11-02")
    return repo


def versions(repo: GitRepo) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(repo.git("show", "gh-pages:versions.json"))
    return data


@pytest.mark.slow
def test_deploy_list_retitle_set_default_delete(repo: GitRepo) -> None:
    def publish(*args: str) -> tuple[int, str]:
        return invoke_in(repo.root, "publish", *args)

    assert publish("deploy", "2026-Q3", "latest") == (
        0, "Published 2026-Q3 (as of 2026-09-30) to gh-pages\n")
    assert publish("2026-Q4", "--alias", "latest", "--as-of", AS_OF) == (  # the old way
        0, f"Published 2026-Q4 (as of {AS_OF}) to gh-pages\n")
    assert publish("list") == (0, f"2026-Q4 [latest] as of {AS_OF}\n2026-Q3 as of 2026-09-30\n")
    assert publish("retitle", "2026-Q3", "Q3 2026") == (
        0, "2026-Q3 is now called 'Q3 2026' on gh-pages\n")
    assert [v["title"] for v in versions(repo)] == ["2026-Q4", "Q3 2026"]
    assert publish("set-default", "2026-Q3") == (
        0, "The site's root now goes to 2026-Q3 on gh-pages\n")  # without publishing again
    assert 'href="2026-Q3/"' in repo.git("show", "gh-pages:index.html")
    assert publish("delete", "2026-Q3") == (0, "Deleted 2026-Q3 from gh-pages\n")
    assert [v["version"] for v in versions(repo)] == ["2026-Q4"]
    unknown = ("Error: gh-pages has no snapshot or alias '2026-Q3' (okrsite publish list shows "
               "what it has)\n")
    assert publish("delete", "2026-Q3") == (1, unknown)  # not mike's "nonexistant"
    assert publish("--delete", "2026-Q3") == (1, unknown)
    for command in (["set-default", "2026-Q3"], ["retitle", "2026-Q3", "x"]):
        assert publish(*command) == (1, unknown)


def test_the_old_flags_cannot_be_mixed_up(repo: GitRepo) -> None:
    code, output = invoke_in(repo.root, "publish", "--list", "--delete", "x")
    assert code == 2 and "--list and --delete exclude each other" in output
    code, output = invoke_in(repo.root, "publish", "--set-default")
    assert code == 2 and "okrsite publish set-default VERSION" in output
    code, output = invoke_in(repo.root, "publish")
    assert code == 2 and "give a VERSION to publish (okrsite publish deploy VERSION)" in output
