"""``okrsite diff`` across commits of a real temporary repository: the JSON and the Markdown
against golden files, private objectives kept private, and BASE or HEAD with errors; and the
comparison itself (okrsite.diff, okrsite.render.diff) on goal files given as sources."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from okrsite import git
from okrsite.diff import Diff, Side, base_tree, comparable, compare
from okrsite.errors import GoalErrors, Problem
from okrsite.load import Source, load_sources, read_goals_dir
from okrsite.model import Goals, build_goals
from okrsite.render.diff import as_json, as_markdown
from okrsite.score import score_goals
from okrsite.validate import validate

from .conftest import FIXTURES, WORKFLOW_GOALS, GitRepo, invoke_in

GOLDEN = FIXTURES / "workflow"
AS_OF = "2026-11-20"

DOCS = """---
kind: objective
id: write-docs
title: Write the platform docs
owner: platform
period: 2026-Q4
parent: ship-sso
key_results:
  - title: Publish the API reference
    type: milestone
    done: false
---
"""
EMEA = """---
kind: objective
id: open-emea
title: Open EMEA <b>now</b> | fast
owner: sales
period: 2026-Q4
parent: win-mid-market#deals
key_results:
  - id: first-deal
    title: Close the first EMEA deal
    type: milestone
    done: true
---
"""
PIPELINE = """  - id: pipeline
    title: Build a 3x pipeline
    type: score
    score: 0.5
"""


def run(repo: GitRepo, *args: str) -> tuple[int, str]:
    return invoke_in(repo.root, "diff", *args)


def compared(base: Sequence[Source] | None, head: Sequence[Source], as_of: date,
             prefix: str = "goals") -> Diff:
    """The comparison composed from the stages, as the orchestrator does it: HEAD must be
    valid, BASE (``None``: no goals folder) is compared as far as it can be."""
    head_tree = load_sources(head, prefix)
    problems = [*head_tree.problems, *validate(head_tree)]
    if problems or head_tree.org is None:
        raise GoalErrors(problems)
    after = scored(build_goals(head_tree.org, head_tree.goals, head_tree.tables), as_of)
    before, found, left_out = None, list[Problem](), list[str]()
    if base is not None:
        base_goals, found, left_out = comparable(base_tree(base, head, head_tree, prefix))
        before = scored(base_goals, as_of) if base_goals is not None else None
    return compare(before, after, base_problems=tuple(sorted(set(found))),
                   base_left_out=tuple(left_out))


def scored(goals: Goals, as_of: date) -> Side:
    return Side(goals, score_goals(goals, as_of))


@pytest.fixture
def changed(tmp_path: Path) -> GitRepo:
    return make_changed(tmp_path / "repo")


def make_changed(root: Path) -> GitRepo:
    """BASE (tag ``base``): the fixture and a docs objective; HEAD (tag ``head``): one of each
    kind of change."""
    repo = GitRepo(root)
    repo.write("platform/docs.md", DOCS)
    repo.commit("2026-10-05")
    repo.git("tag", "base")
    (repo.goals / "platform" / "docs.md").unlink()  # removed
    repo.write("sales/emea.md", EMEA)  # added
    repo.edit("sales/win.md", "parent: grow\n", "parent: grow#quality\n")  # re-aligned
    repo.edit("sales/win.md", "    done: false\n", "    done: false\n" + PIPELINE)  # KR added
    repo.edit("eng/ship.md", "target: 200", "target: 250")  # a moved goalpost
    repo.edit("eng/ship.md", "  - id: sso\n    title: SSO for every plan\n    type: milestone\n"
              "    done: true\n", "")  # KR removed
    repo.edit("acme/grow.md", "title: Grow revenue profitably", "title: Grow revenue, fast")
    repo.edit("eng/hire.md", "score: 0.5", "score: 0.8")  # a private objective
    repo.edit("kpis/nps.md", "value: 41}", "value: 41}\n  - {date: 2026-11-15, value: 47}")
    repo.commit("2026-11-02")
    repo.git("tag", "head")
    return repo


def test_the_json_lists_every_change(changed: GitRepo) -> None:
    code, output = run(changed, "base", "head", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(output)
    for side in ("base", "head"):
        assert data[side]["sha"] == changed.git("rev-parse", side)
        data[side]["sha"] = data[side]["short"] = "<sha>"
    expected = json.loads((GOLDEN / "diff.json").read_text())
    assert json.dumps(data, indent=2).splitlines() == json.dumps(expected, indent=2).splitlines()


def test_the_markdown_is_a_compact_table_and_details(changed: GitRepo) -> None:
    code, output = run(changed, "base", "head", "--as-of", AS_OF)
    assert code == 0
    short = {side: changed.git("rev-parse", "--short", side) for side in ("base", "head")}
    output = output.replace(short["base"], "<base>").replace(short["head"], "<head>")
    assert output.splitlines() == (GOLDEN / "diff.md").read_text().splitlines()


def test_head_defaults_to_the_working_tree(changed: GitRepo) -> None:
    changed.git("checkout", "--quiet", "base")
    changed.edit("sales/win.md", "current: 4", "current: 5")
    code, output = run(changed, "HEAD", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data["head"] == {"rev": None, "sha": None, "short": None}
    assert [(c["id"], c["score"]) for c in data["objectives"]] == [
        ("win-mid-market", {"before": 0.2, "after": 0.25}),
        ("grow", {"before": 0.3759, "after": 0.3926}),
    ]
    code, output = run(changed, "HEAD", "--as-of", AS_OF)
    assert "### OKR changes: HEAD (" in output and "→ the working tree" in output


def test_private_objectives_never_show_their_titles_or_ids(changed: GitRepo) -> None:
    changed.edit("eng/hire.md", "parent: grow#quality", "parent: ship-sso")
    changed.edit("eng/hire.md", "title: Shortlist three candidates", "title: Shortlist five")
    changed.write("eng/secret.md", EMEA.replace("open-emea", "secret-plan")
                  .replace("Open EMEA", "Secret plan").replace("period:", "visibility: private\n"
                                                               "period:"))
    changed.write("eng/child.md", DOCS.replace("write-docs", "child-of-secret")
                  .replace("parent: ship-sso", "parent: hire-cto-office"))
    for fmt in ("json", "markdown"):
        code, output = run(changed, "base", "--as-of", AS_OF, "--format", fmt)
        assert code == 0
        for secret in ("hire-cto-office", "Quietly replace", "shortlist", "Shortlist",
                       "secret-plan", "Secret plan", "first-deal"):
            assert secret not in output, (fmt, secret)
        assert "private objective" in output


def test_head_with_errors_prints_them_and_exits_1(changed: GitRepo) -> None:
    changed.edit("sales/win.md", "owner: sales", "owner: nobody")
    code, output = run(changed, "base", "--as-of", AS_OF)
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith("goals/sales/win.md:5: owner: unknown unit 'nobody'")
    assert lines[1:] == ["Error: 1 error in the goal files"]


def test_base_with_errors_compares_what_it_can(changed: GitRepo) -> None:
    changed.git("checkout", "--quiet", "base")
    changed.edit("sales/win.md", "target: 10", "targte: 10")
    changed.commit("2026-10-06")
    changed.git("tag", "broken")
    changed.git("checkout", "--quiet", "head")
    code, output = run(changed, "broken", "head", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert [p["file"] for p in data["base_problems"]] == ["goals/sales/win.md"] * 2
    assert data["base_left_out"] == ["goals/sales/win.md"]
    assert [a["id"] for a in data["added"]] == ["open-emea", "win-mid-market"]
    code, output = run(changed, "broken", "head", "--as-of", AS_OF)
    assert "> broken (" in output
    assert "has 2 error(s) in its goal files; 1 file(s) left out of the comparison." in output


def test_a_base_without_goals_counts_everything_as_added(changed: GitRepo) -> None:
    changed.git("checkout", "--quiet", "--orphan", "empty")
    changed.git("rm", "-r", "--quiet", "--cached", "goals")
    changed.git("commit", "--quiet", "--allow-empty", "-m", "empty", day="2026-10-01")
    code, output = run(changed, "empty", "head", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    assert len(json.loads(output)["added"]) == 6


def test_unknown_revisions_are_errors(changed: GitRepo) -> None:
    code, output = run(changed, "nope")
    assert (code, output) == (1, "Error: unknown revision 'nope'\n")


def test_nothing_changed(changed: GitRepo) -> None:
    code, output = run(changed, "head", "head", "--as-of", AS_OF)
    assert code == 0
    assert output.splitlines()[-1] == "No changes to objectives, key results, KPIs or scores."


def test_a_new_id_in_the_same_file_is_a_rename(changed: GitRepo) -> None:
    changed.edit("sales/win.md", "id: win-mid-market", "id: win-midmarket")
    changed.edit("sales/emea.md", "parent: win-mid-market#deals", "parent: win-midmarket#deals")
    code, output = run(changed, "head", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert (data["added"], data["removed"]) == ([], [])
    assert data["renamed"] == [{
        "kind": "objective",
        "id": {"before": "win-mid-market", "after": "win-midmarket"},
        "title": {"before": "Win the mid-market", "after": "Win the mid-market"},
    }]
    assert data["realigned"] == [{
        "kind": "objective", "id": "open-emea", "title": "Open EMEA <b>now</b> | fast",
        "parent": {"before": "win-mid-market#deals", "after": "win-midmarket#deals"},
        "owner": None,
    }]


def test_a_goals_folder_missing_from_head_is_an_error(changed: GitRepo) -> None:
    code, output = run(changed, "base", "head", "--goals-dir", "okrs")
    assert code == 1
    assert "Error: there is no goals folder 'okrs' in head" in output


# --- the comparison on sources ------------------------------------------------------------------


def test_the_command_prints_what_the_stages_compose(changed: GitRepo) -> None:
    handle = git.repo_at(changed.root)
    revisions = git.resolve(handle, "base"), git.resolve(handle, "head")
    base, head = (git.read_side(handle, rev, "goals") for rev in revisions)
    assert base is not None and head is not None
    result = compared(base, head, date.fromisoformat(AS_OF))
    sides = git.describe(revisions[0]), git.describe(revisions[1])
    code, output = run(changed, "base", "head", "--as-of", AS_OF)
    assert (code, output) == (0, as_markdown(result, *sides))
    code, output = run(changed, "base", "head", "--as-of", AS_OF, "--format", "json")
    assert json.loads(output) == json.loads(json.dumps(as_json(result, *sides)))


def objective(name: str, parent: str | None = None, key_result: str = "") -> str:
    return (f"---\nkind: objective\nid: {name}\ntitle: {name.title()}\nowner: sales\n"
            f"period: 2026-Q4\n" + (f"parent: {parent}\n" if parent else "") +
            "key_results:\n" + (key_result or "  - title: Done\n    type: milestone\n"
                                 "    done: false\n") + "---\n")


def test_base_leaves_out_what_refers_to_its_broken_files() -> None:
    """A broken objective takes a chain of twelve descendants with it, a broken KPI the
    objective whose key result names it, and that one, in turn, the objective whose aligned
    key result no one aligns to any more: all found with BASE validated twice (leaving files
    out round by round gave up after ten rounds, and counted everything in HEAD as added)."""
    head = read_goals_dir(WORKFLOW_GOALS, "goals")
    extra = {f"chain/c{i}.md": objective(f"c{i}", f"c{i - 1}" if i > 1 else "win-mid-market")
             for i in range(1, 13)}
    extra["hub/hub.md"] = objective("hub", key_result="  - id: via\n    title: Via\n"
                                    "    type: aligned\n")
    extra["hub/x.md"] = objective("x", "hub#via", "  - title: Up\n    start: 0\n"
                                  "    target: 9\n    kpi: broken\n")
    extra["kpis/broken.md"] = ("---\nkind: kpi\nid: broken\ntitle: Broken\nowner: sales\n"
                               "direction: sideways\nvalues:\n  - {date: 2026-10-01, value: 1}\n"
                               "---\n")
    base = [Source(s.rel, s.name, s.content.replace(b"target: 10", b"targte: 10"))
            if s.rel == "sales/win.md" else s for s in head]
    base += [Source(rel, f"goals/{rel}", text.encode()) for rel, text in extra.items()]
    result = compared(base, head, date.fromisoformat(AS_OF))
    assert sorted({p.file for p in result.base_problems}) == [
        "goals/kpis/broken.md", "goals/sales/win.md"
    ]
    assert set(result.base_left_out) == {
        "goals/sales/win.md", "goals/kpis/broken.md", "goals/hub/hub.md", "goals/hub/x.md",
        *(f"goals/chain/c{i}.md" for i in range(1, 13)),
    }
    assert [a.id for a in result.added] == ["win-mid-market"]  # BASE was compared
    assert [r.id for r in result.removed] == []


def test_base_leaves_out_a_kpi_whose_csv_is_broken_and_what_uses_it() -> None:
    """A CSV with a row that is not a date and a date given twice: both are BASE's problems,
    the KPI naming it (its values are not known) and the objective using that KPI are left
    out, and the rest of BASE is compared."""
    head = read_goals_dir(WORKFLOW_GOALS, "goals")
    extra = {
        "kpis/csv.md": ("---\nkind: kpi\nid: from-csv\ntitle: From a CSV\nowner: sales\n"
                        "direction: higher_is_better\nvalues_file: csv.csv\n---\n"),
        "kpis/csv.csv": "date,value\n2026-10-01,1\n2026-10-01,2\n2026-13-01,3\n",
        "sales/uses.md": objective("uses", key_result="  - title: Up\n    start: 0\n"
                                   "    target: 9\n    kpi: from-csv\n"),
    }
    base = [*head, *(Source(rel, f"goals/{rel}", text.encode()) for rel, text in extra.items())]
    result = compared(base, head, date.fromisoformat(AS_OF))
    assert sorted((p.file, p.line, p.message) for p in result.base_problems) == [
        ("goals/kpis/csv.csv", 3, "duplicate date 2026-10-01 (also on line 2)"),
        ("goals/kpis/csv.csv", 4, "'2026-13-01' is not a date (YYYY-MM-DD)"),
    ]
    assert set(result.base_left_out) == {"goals/kpis/csv.csv", "goals/kpis/csv.md",
                                         "goals/sales/uses.md"}
    assert result.added == () and result.removed == ()  # BASE was compared


def test_a_change_in_a_kpis_csv_alone_is_a_kpi_change_and_moves_its_key_results() -> None:
    """A KPI's CSV is part of the goals folder for diff: a new value there, and nothing else,
    changes the KPI and the key result that follows it."""
    head = read_goals_dir(WORKFLOW_GOALS, "goals")
    kpi = ("---\nkind: kpi\nid: from-csv\ntitle: From a CSV\nowner: sales\n"
           "direction: higher_is_better\nthresholds: {green: 8, amber: 4}\n"
           "values_file: csv.csv\n---\n")
    uses = objective("uses", key_result="  - id: up\n    title: Up\n    start: 0\n"
                     "    target: 10\n    kpi: from-csv\n")
    csv_before = "date,value\n2026-10-01,2\n2026-11-01,5\n"
    csv_after = csv_before + "2026-11-15,9\n"

    def tree(csv: str) -> list[Source]:
        files = {"kpis/csv.md": kpi, "kpis/csv.csv": csv, "sales/uses.md": uses}
        return [*head, *(Source(rel, f"goals/{rel}", text.encode()) for rel, text in files.items())]

    result = compared(tree(csv_before), tree(csv_after), date.fromisoformat(AS_OF))
    assert [(k.id, k.latest.before, k.latest.after, k.health.before, k.health.after)
            for k in result.kpis] == [("from-csv", 5, 9, "amber", "green")]
    changed = {o.id: [(kr.id, kr.score.before, kr.score.after) for kr in o.key_results]
               for o in result.objectives}
    assert changed["uses"] == [("up", 0.5, 0.9)]


def test_base_with_a_broken_org_counts_everything_as_added() -> None:
    head = read_goals_dir(WORKFLOW_GOALS, "goals")
    base = [Source(s.rel, s.name, b"organization: [") if s.rel == "org.yml" else s
            for s in head]
    result = compared(base, head, date.fromisoformat(AS_OF))
    assert [p.file for p in result.base_problems] == ["goals/org.yml"]
    assert len(result.added) == len(head) - 1
    assert result.objectives == () and result.overall.before is None



def test_private_key_results_count_in_the_objective_change_and_show_nothing_else() -> None:
    org = (b"organization: Acme\nunits:\n  - {id: acme, name: Acme}\n"
           b"periods:\n  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n")

    def goal(current: int, extra: str = "") -> bytes:
        return (
            "---\nkind: objective\ntitle: Win\nowner: acme\nperiod: 2026-Q4\nkey_results:\n"
            "  - {id: open, title: Open one, start: 0, target: 10, current: 5}\n"
            f"  - {{id: lease, title: ZQSECRET lease, start: 0, target: 10, current: {current},"
            f" visibility: private}}\n{extra}---\n"
        ).encode()

    child = (b"---\nkind: objective\ntitle: Child\nowner: acme\nperiod: 2026-Q4\n"
             b"parent: win#lease\nkey_results:\n  - {id: x, title: X, type: milestone,"
             b" done: false}\n---\n")
    base = [Source("org.yml", "goals/org.yml", org), Source("win.md", "goals/win.md", goal(0))]
    head = [Source("org.yml", "goals/org.yml", org), Source("win.md", "goals/win.md", goal(10)),
            Source("child.md", "goals/child.md", child)]
    result = compared(base, head, date(2026, 11, 15))
    (change,) = result.objectives
    assert (change.score.before, change.score.after) == (0.25, 0.75)
    assert change.key_results == ()
    for text in (as_markdown(result, {}, {}), json.dumps(as_json(result, {}, {}))):
        assert "ZQSECRET" not in text
        assert "lease" not in text
