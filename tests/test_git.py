"""okrsite.git and okrsite.history in real temporary repositories: trees read from git objects,
and freshness (the last commit that changed each key result) from commit dates."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from okrsite import build, git
from okrsite.errors import GitError, GoalErrors
from okrsite.history import history as find_history
from okrsite.history import objective_spans
from okrsite.load import Source, load_goals, parse_goal, read_goals_dir
from okrsite.model import Goals, History, build_goals, build_objective
from okrsite.score import score_goals
from okrsite.validate import validate

from .conftest import REPO, WORKFLOW_GOALS, GitRepo, invoke_in
from .test_site import parse_html

AS_OF = date(2026, 11, 20)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def read_goals(goals_dir: Path) -> Goals:
    """Load, validate and model a goals folder (the read stage, without the orchestrator)."""
    tree = load_goals(goals_dir)
    problems = [*tree.problems, *validate(tree)]
    if problems or tree.org is None:
        raise GoalErrors(problems)
    return build_goals(tree.org, tree.goals, tree.tables)


def dates(history: History) -> dict[str, str]:
    return {f"{o}#{k}": c.date.isoformat() for (o, k), c in sorted(history.key_results.items())}


# --- reading a revision -------------------------------------------------------------------


def test_a_revision_reads_like_the_folder_on_disk(repo: GitRepo) -> None:
    repo.write("_draft.md", "not a goal")
    repo.write(".hidden/x.md", "not a goal")
    repo.write("sales/notes.txt", "not a goal")
    first = repo.commit("2026-10-05")
    repo.edit("sales/win.md", "current: 4", "current: 6")
    repo.commit("2026-11-02")
    handle = git.repo_at(repo.goals)
    sources = git.read_side(handle, git.resolve(handle, first), "goals")
    assert sources is not None
    repo.git("checkout", "--quiet", first)
    assert sources == read_goals_dir(repo.goals, "goals")
    assert [s.rel for s in sources] == [
        "org.yml", "acme/grow.md", "eng/hire.md", "eng/ship.md", "kpis/nps.md", "sales/win.md"
    ]


def test_the_working_tree_when_no_revision_is_given(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("sales/win.md", "current: 4", "current: 6")
    handle = git.repo_at(repo.root)
    assert git.read_side(handle, None, "goals") == read_goals_dir(repo.goals, "goals")


def test_unknown_revisions_and_missing_folders(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    handle = git.repo_at(repo.root)
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        git.resolve(handle, "nope")
    assert git.read_side(handle, git.resolve(handle, "HEAD"), "elsewhere") is None
    assert git.find_repo(repo.root.parent) is None


def test_a_revision_may_not_start_like_an_option(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    with pytest.raises(GitError, match="unknown revision"):
        git.resolve(git.repo_at(repo.root), "--output=/tmp/x")


def test_blobs_are_read_one_at_a_time_as_they_are_asked_for(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    sha = repo.git("rev-parse", "HEAD:goals/org.yml")
    with git.Blobs(git.repo_at(repo.root)) as blobs:
        assert blobs.read(sha) == (repo.goals / "org.yml").read_bytes()
        assert blobs.read("0" * 40) is None  # no such blob
        assert blobs.read("HEAD\nHEAD") is None  # not a blob id
        assert blobs.read(sha) == (repo.goals / "org.yml").read_bytes()


# --- freshness ----------------------------------------------------------------------------


def test_the_last_commit_that_changed_each_key_result(repo: GitRepo) -> None:
    first = repo.commit("2026-10-05", "the quarter's goals")
    repo.edit("sales/win.md", "current: 4", "current: 6")  # a check-in on deals
    checkin = repo.commit("2026-11-02")
    repo.edit("eng/ship.md", "target: 200", "target: 250")  # a moved goalpost
    moved = repo.commit("2026-11-10")
    (repo.goals / "team").mkdir()
    repo.git("mv", "goals/eng/hire.md", "goals/team/hire.md")  # a move is not a change
    repo.commit("2026-11-12")
    repo.edit("acme/grow.md", "Why growth matters.", "Why it matters.")  # not committed
    repo.edit("acme/grow.md", "current: 14", "current: 15")  # not committed
    goals = read_goals(repo.goals)
    history = find_history(repo.goals, goals)
    assert dates(history) == {
        "grow#arr": "2026-10-05",
        "grow#quality": "2026-10-05",
        "hire-cto-office#shortlist": "2026-10-05",
        "ship-sso#latency": "2026-11-10",
        "ship-sso#sso": "2026-10-05",
        "win-mid-market#deals": "2026-11-02",
        "win-mid-market#partners": "2026-10-05",
    }
    assert history.key_results[("win-mid-market", "deals")].sha == checkin
    assert {k: c.sha for k, c in history.objectives.items()} == {
        "win-mid-market": checkin, "ship-sso": moved, "hire-cto-office": first, "grow": first,
    }  # uncommitted edits are followed through: the last commit that changed grow
    assert {k: c.sha for k, c in history.kpis.items()} == {"nps": first}
    assert {k: (c.date, c.short) for k, c in history.target_moved.items()} == {
        ("ship-sso", "latency"): (date(2026, 11, 10), moved[:7]),
    }


def test_a_revision_has_the_history_of_its_own_commits(repo: GitRepo) -> None:
    first = repo.commit("2026-10-05")
    repo.edit("sales/win.md", "current: 4", "current: 6")
    checkin = repo.commit("2026-11-02")
    repo.edit("sales/win.md", "current: 6", "current: 7")
    later = repo.commit("2026-11-10")
    repo.edit("eng/ship.md", "target: 200", "target: 250")  # uncommitted: in no revision
    at_first = build.scored(repo.goals, AS_OF, revision=first).history
    assert set(dates(at_first).values()) == {"2026-10-05"}
    at_checkin = build.scored(repo.goals, AS_OF, revision=checkin).history
    assert at_checkin.key_results[("win-mid-market", "deals")].sha == checkin
    assert at_checkin.key_results[("win-mid-market", "partners")].sha == first
    assert build.scored(repo.goals, AS_OF, revision="HEAD").history.target_moved == {}
    now = build.scored(repo.goals, AS_OF).history  # the working tree, with its edit
    assert now.key_results[("win-mid-market", "deals")].sha == later
    assert now.key_results[("ship-sso", "latency")].sha == first  # followed through the edit


def test_a_kpi_changes_with_its_csv_of_values(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo", goals=REPO / "tests" / "fixtures" / "good" / "v11")
    first = repo.commit("2026-10-05")
    with (repo.goals / "kpis" / "on-time.csv").open("a", encoding="utf-8") as csv:
        csv.write("2026-11-15,95.1,,north\n")
    new_value = repo.commit("2026-11-16")
    repo.edit("kpis/claims-backlog.md", "kind: kpi", "kind: kpi\n# a comment")
    found = find_history(repo.goals, build.read_goals(repo.goals)).kpis
    assert found["on-time"].sha == new_value  # the CSV's commit, newer than the file's
    assert found["claims-backlog"].sha == first  # the uncommitted edit is not a commit


def test_commits_after_the_as_of_date_do_not_count(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("eng/ship.md", "current: 300", "current: 290")
    repo.commit("2026-11-01")
    repo.edit("eng/ship.md", "target: 200", "target: 220")
    repo.edit("eng/ship.md", "    current: 290\n", "    confidence: 0.5\n    current: 250\n")
    repo.commit("2026-12-01")
    repo.edit("eng/ship.md", "current: 250", "current: 240")  # and an uncommitted edit
    goals = read_goals(repo.goals)
    now = find_history(repo.goals, goals)
    back_then = find_history(repo.goals, goals, as_of=date(2026, 11, 20))
    assert now.key_results[("ship-sso", "latency")].date == date(2026, 12, 1)
    assert now.target_moved[("ship-sso", "latency")].date == date(2026, 12, 1)
    assert back_then.key_results[("ship-sso", "latency")].date == date(2026, 11, 1)
    assert back_then.target_moved == {}
    assert back_then.objectives["ship-sso"].date == date(2026, 11, 1)


def test_git_dates_make_key_results_fresh(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("eng/ship.md", "current: 300", "current: 280")
    repo.commit("2026-11-15")
    goals = read_goals(repo.goals)
    without = score_goals(goals, AS_OF).objectives["ship-sso"].key_results["latency"]
    history = find_history(repo.goals, goals)
    with_git = score_goals(goals, AS_OF, history.dates).objectives["ship-sso"].key_results
    assert (without.last_update, without.stale) == (None, True)
    assert (with_git["latency"].last_update, with_git["latency"].stale) == (date(2026, 11, 15),
                                                                           False)
    assert with_git["sso"].last_update == date(2026, 10, 5)


KRS = """---
kind: objective
id: three
title: Three key results
owner: sales
period: 2026-Q4
key_results:
  - id: a
    title: A
    start: 0
    target: 10
    current: 1
    confidence: 0.5
  - id: b
    title: B
    start: 0
    target: 10
    current: 2
  - id: c
    title: C
    type: milestone
    done: false
parent: grow
---
Body.
"""


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        (("    confidence: 0.5\n", ""), {"a"}),  # a trailing line of a deleted
        (("    current: 2\n", "    current: 3\n"), {"b"}),
        (("    done: false\n", "    done: true\n"), {"c"}),
        (("parent: grow\n", ""), set()),  # a field after the key results
        (("Body.\n", "More body.\n"), set()),
        (("    done: false\n", "    done: false\n  - id: d\n    title: D\n    type: milestone\n"
          "    done: false\n"), {"d"}),  # a key result added at the end
        (("  - id: b\n    title: B\n    start: 0\n    target: 10\n    current: 2\n", ""),
         set()),  # a key result removed
        (("title: Three key results", "title: Three key results, renamed"), set()),
        (("    start: 0\n    target: 10\n    current: 1\n", "    start: 0\n    target: 12\n"
          "    current: 1\n"), {"a"}),
    ],
)
def test_a_hunk_counts_for_the_key_results_whose_lines_it_changes(
    repo: GitRepo, edit: tuple[str, str], changed: set[str]
) -> None:
    repo.write("sales/three.md", KRS)
    repo.commit("2026-10-05")
    repo.edit("sales/three.md", *edit)
    repo.commit("2026-11-02")
    history = find_history(repo.goals, read_goals(repo.goals))
    late = {kr for (o, kr), c in history.key_results.items()
            if o == "three" and c.date == date(2026, 11, 2)}
    assert late == changed
    assert history.objectives["three"].date == date(2026, 11, 2)


def test_key_result_spans_come_from_the_loaders_line_marks() -> None:
    text = KRS.replace("    confidence: 0.5\n", "    confidence: 0.5\n\n    # about a\n").replace(
        "    done: false\n", "    done: false\n  - {id: d, title: D, start: 0, target: 5}\n")
    doc, problems = parse_goal(Source("sales/three.md", "goals/sales/three.md", text.encode()))
    assert doc is not None and not problems
    spans = {span.key: (span.first, span.last) for span in objective_spans(build_objective(doc),
                                                                            doc)}
    assert spans == {
        ("objective", "three"): (1, len(text.split("\n"))),
        ("kr", "three", "a"): (8, 15),  # its blank and comment lines too
        ("start", "three", "a"): (10, 10),
        ("target", "three", "a"): (11, 11),
        ("kr", "three", "b"): (16, 20),
        ("start", "three", "b"): (18, 18),
        ("target", "three", "b"): (19, 19),
        ("kr", "three", "c"): (21, 24),
        ("kr", "three", "d"): (25, 25),  # written on one line
        ("start", "three", "d"): (25, 25),
        ("target", "three", "d"): (25, 25),
    }


def test_a_version_the_loader_refuses_counts_what_it_deleted(repo: GitRepo) -> None:
    repo.write("sales/three.md", KRS.replace("    confidence: 0.5\n",
                                             "    confidence: 0.5\n    note: yes\n"))
    repo.commit("2026-10-05")  # 'yes' is ambiguous YAML: the loader refuses this version
    repo.edit("sales/three.md", "    note: yes\n", "")
    repo.commit("2026-11-02")
    history = find_history(repo.goals, read_goals(repo.goals))
    assert history.key_results[("three", "a")].date == date(2026, 11, 2)
    assert history.key_results[("three", "b")].date == date(2026, 10, 5)


def test_uncommitted_edits_of_a_target_line_are_followed_through(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("eng/ship.md", "target: 200", "target: 250")
    moved = repo.commit("2026-11-10")
    repo.edit("eng/ship.md", "    target: 250\n", "    target: 250  # stretch\n")
    tree = load_goals(repo.goals)
    goals = read_goals(repo.goals)
    for documents in ((), tree.goals):  # the documents as loaded spare reading them again
        history = find_history(repo.goals, goals, documents=documents)
        assert history.target_moved[("ship-sso", "latency")].sha == moved
        assert history.key_results[("ship-sso", "latency")].sha == moved


def test_moved_goalposts_only_after_the_period_began(repo: GitRepo) -> None:
    repo.commit("2026-09-01")
    repo.edit("eng/ship.md", "target: 200", "target: 150")  # before 2026-Q4 began: planning
    repo.edit("acme/grow.md", "start: 10", "start: 11")  # the yearly objective: moved
    repo.commit("2026-09-20")
    repo.edit("eng/ship.md", "    target: 150\n", "    target: 150  # stretch\n")  # same value
    repo.edit("sales/win.md", "current: 4", "current: 5")
    repo.commit("2026-10-20")
    history = find_history(repo.goals, read_goals(repo.goals))
    assert {k: c.date.isoformat() for k, c in history.target_moved.items()} == {
        ("grow", "arr"): "2026-09-20",
    }
    assert history.key_results[("ship-sso", "latency")].date == date(2026, 10, 20)


def test_a_key_result_on_one_line_moves_its_goalpost_too(repo: GitRepo) -> None:
    repo.write("sales/one.md", KRS.replace("  - id: a\n", "  - {id: up, title: Up, start: 0, "
                                           "target: 10, current: 1}\n  - id: a\n"))
    repo.commit("2026-10-05")
    repo.edit("sales/one.md", "target: 10, current: 1}", "target: 12, current: 1}")
    moved = repo.commit("2026-11-02")
    history = find_history(repo.goals, read_goals(repo.goals))
    assert {k: c.sha for k, c in history.target_moved.items()} == {("three", "up"): moved}
    assert history.key_results[("three", "a")].date == date(2026, 10, 5)


def test_a_merge_counts_on_the_day_it_lands(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.git("checkout", "--quiet", "-b", "check-in")
    repo.edit("sales/win.md", "current: 4", "current: 7")
    repo.commit("2026-10-06")
    repo.git("checkout", "--quiet", "main")
    repo.edit("eng/ship.md", "current: 300", "current: 290")
    repo.commit("2026-10-08")
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge", "check-in", day="2026-10-09")
    history = find_history(repo.goals, read_goals(repo.goals))
    assert history.key_results[("win-mid-market", "deals")].date == date(2026, 10, 9)
    assert history.key_results[("ship-sso", "latency")].date == date(2026, 10, 8)
    assert history.key_results[("ship-sso", "sso")].date == date(2026, 10, 5)


def test_a_shallow_clone_knows_only_what_it_has(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("2026-10-05")
    repo.edit("sales/win.md", "current: 4", "current: 7")
    repo.commit("2026-11-02")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repo.root}",
                    str(clone)], check=True)
    history = find_history(clone / "goals", read_goals(clone / "goals"))
    assert history.key_results == {}  # the boundary commit "adds" everything: not a change


def test_outside_a_repository_there_is_no_history(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    shutil.copytree(WORKFLOW_GOALS, goals)
    assert find_history(goals, read_goals(goals)) == History()


def test_a_repository_without_commits_has_no_history(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "fresh")
    assert find_history(repo.goals, read_goals(repo.goals)) == History()


@pytest.mark.slow
def test_build_counts_commit_dates_unless_no_git(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("eng/ship.md", "current: 300", "current: 280")
    repo.edit("eng/ship.md", "target: 200", "target: 250")  # a moved goalpost
    moved = repo.commit("2026-11-15")
    stale, pages = {}, {}
    for flags in ((), ("--no-git",)):
        code, out = invoke_in(repo.root, "build", "--as-of", "2026-11-20", *flags)
        assert code == 0, out
        okrs = json.loads((repo.root / "site" / "api" / "okrs.json").read_text())
        ship = next(o for o in okrs["objectives"] if o["id"] == "ship-sso")
        stale[flags] = [kr["stale"] for kr in ship["key_results"]]
        pages[flags] = parse_html((repo.root / "site/objectives/ship-sso/index.html").read_text())
    assert stale == {(): [False, False], ("--no-git",): [False, True]}
    with_git, without = pages[()], pages[("--no-git",)]
    changed = [n.text() for n in with_git.iter("dd") if "okr-changed" in n.attrs.get("class", "")]
    assert changed == [f"2026-11-15 ({moved[:7]})"]
    moved_notes = [n.text() for n in with_git.iter("b") if n.attrs.get("class") == "okr-moved"]
    assert moved_notes == ["target moved on 2026-11-15"]
    assert not any(n.attrs.get("class") == "okr-moved" for n in without.iter("b"))
    assert "okr-changed" not in str([n.attrs for n in without.iter("dd")])


def test_kpi_pages_say_when_git_last_changed_the_kpi(repo: GitRepo) -> None:
    repo.commit("2026-10-05")
    repo.edit("kpis/nps.md", "  - {date: 2026-10-31, value: 41}\n",
              "  - {date: 2026-10-31, value: 41}\n  - {date: 2026-11-10, value: 43}\n")
    changed_kpi = repo.commit("2026-11-12")
    repo.edit("eng/ship.md", "current: 300", "current: 280")  # another file's commit, later
    repo.commit("2026-11-15")
    code, out = invoke_in(repo.root, "build", "--as-of", "2026-11-20")
    assert code == 0, out
    page = parse_html((repo.root / "site/kpis/nps/index.html").read_text())
    changed = [n.text() for n in page.iter("dd") if "okr-changed" in n.attrs.get("class", "")]
    assert changed == [f"2026-11-12 ({changed_kpi[:7]})"]
    terms = [n.text() for n in page.iter("dt")]
    assert "Last changed" in terms
