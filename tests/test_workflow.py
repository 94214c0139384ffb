"""``okrsite init``, ``carry-over`` and ``codeowners``, and the pre-commit hook we ship."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from okrsite import __version__
from okrsite.site.swap import NEW, OLD
from okrsite.workflow import carried_id, init_files, quarter

from .conftest import REPO, WORKFLOW_GOALS, GitRepo, invoke_in

GOLDEN = WORKFLOW_GOALS.parent


def run(cwd: Path, *args: str | Path) -> tuple[int, str]:
    return invoke_in(cwd, *(str(a) for a in args))


@pytest.fixture
def goals(tmp_path: Path) -> Path:
    shutil.copytree(WORKFLOW_GOALS, tmp_path / "goals")
    return tmp_path / "goals"


# --- init -------------------------------------------------------------------------------------

INIT_FILES = [
    ".github/workflows/okrs.yml", ".gitignore", ".gitlab-ci.yml",
    ".okrsite-schemas/kpi.schema.json", ".okrsite-schemas/objective.schema.json",
    ".okrsite-schemas/org.schema.json", ".pre-commit-config.yaml", ".vscode/extensions.json",
    ".vscode/settings.json", "CODEOWNERS", "goals/company/nps.md", "goals/org.yml",
    "goals/product/customers-recommend-us.md", "mkdocs.yml",
]


@pytest.mark.slow
def test_init_then_check_and_build_pass(tmp_path: Path) -> None:
    code, output = run(tmp_path, "init", "new")
    assert code == 0
    new = tmp_path / "new"
    assert sorted(p.relative_to(new).as_posix() for p in new.rglob("*")
                  if p.is_file() and ".git/" not in p.as_posix()) == INIT_FILES
    assert output.splitlines()[-2:] == [
        "initialised a git repository in new on branch main",
        "Next: okrsite check, then okrsite build (or okrsite serve).",
    ]
    assert (new / ".git").is_dir()
    branch = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=new, check=True,
                            capture_output=True, text=True).stdout.strip()
    assert branch == "main"  # the branch the workflow runs on
    assert yaml.safe_load((new / ".github/workflows/okrs.yml").read_text())[True]["push"][
        "branches"] == ["main"]
    assert run(new, "check") == (0, "goals: 1 objective, 3 key results, 1 KPI: no errors\n")
    assert run(new, "build") == (0, "Site built in site\n")
    assert (new / "site" / "objectives" / "customers-recommend-us" / "index.html").is_file()
    assert run(new, "codeowners", "--check") == (0, "CODEOWNERS is up to date\n")
    assert run(new, "build") == (0, "Site built in site\n")  # again: the swap replaces a site
    # only what init wrote shows: site/, .okrsite/ and the swap's folders are all ignored
    assert sorted(line.removeprefix("?? ") for line in git_status(new)) == INIT_FILES


def git_status(repo: Path) -> list[str]:
    """Untracked, unignored files and changes of ``repo``, as ``git status`` lists them."""
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                          check=True, capture_output=True, text=True).stdout.splitlines()


def test_an_init_repository_ignores_what_builds_leave(tmp_path: Path) -> None:
    """The site, the staging project and the folders a build swaps the site through (which a
    killed build leaves until the next one): none of them can be committed by mistake."""
    assert run(tmp_path, "init", "new")[0] == 0
    new = tmp_path / "new"
    left = ["site/index.html", ".okrsite/mkdocs.yml", f"{NEW.format('site')}1a2b3c4d/index.html",
            f"{OLD.format('site')}1a2b3c4d/index.html"]
    for rel in [*left, "goals/product/notes.md"]:
        (new / rel).parent.mkdir(parents=True, exist_ok=True)
        (new / rel).write_text("x\n")
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *left, "goals/product/notes.md"],
                             cwd=new, capture_output=True, text=True, check=False)
    assert ignored.stdout.splitlines() == left  # each one, and not the goal file
    assert "?? goals/product/notes.md" in git_status(new)


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\n")
    (tmp_path / "goals").mkdir()
    (tmp_path / "goals" / "org.yml").write_text("organization: Mine\n")
    code, output = run(tmp_path, "init")
    assert (code, output) == (1, "Error: refusing to overwrite existing files: goals/org.yml, "
                                 "mkdocs.yml\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["goals", "mkdocs.yml", "org.yml"]


def test_init_fills_in_the_current_periods() -> None:
    files = init_files(date(2026, 12, 31))
    org = files["goals/org.yml"].decode()
    assert '  - id: "2026"\n    start: 2026-01-01\n    end: 2026-12-31\n' in org
    assert "  - id: 2026-Q4\n    start: 2026-10-01\n    end: 2026-12-31\n" in org
    assert "  - id: 2027-Q1\n    start: 2027-01-01\n    end: 2027-03-31\n" in org
    assert "period: 2026-Q4\n" in files["goals/product/customers-recommend-us.md"].decode()
    assert quarter(date(2027, 2, 14)) == ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))


def test_init_in_a_repository_runs_the_ci_on_its_branch(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "existing", goals=None)
    repo.git("symbolic-ref", "HEAD", "refs/heads/trunk")
    code, output = run(repo.root, "init")
    assert code == 0 and "initialised" not in output
    workflow = yaml.safe_load((repo.root / ".github/workflows/okrs.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads `on` as True


def test_the_generated_configuration_files_parse() -> None:
    files = init_files(date(2026, 11, 20))
    settings = json.loads(files[".vscode/settings.json"])
    assert settings["yaml.schemas"] == {"./.okrsite-schemas/org.schema.json": ["goals/org.yml"]}
    assert (settings["glspc.server.command"], settings["glspc.server.commandArguments"]) == (
        "okrsite", ["lsp"])  # the generic LSP client starts okrsite's language server
    assert "markdown" in settings["glspc.server.languageId"]
    assert "zsol.vscode-glspc" in json.loads(files[".vscode/extensions.json"])["recommendations"]
    for name in ("org", "objective", "kpi"):
        assert json.loads(files[f".okrsite-schemas/{name}.schema.json"])["$schema"]
    workflow = yaml.safe_load(files[".github/workflows/okrs.yml"])
    assert workflow["env"]["OKRSITE_INSTALL"] == (
        f"${{{{ vars.OKRSITE_INSTALL || 'okrsite=={__version__}' }}}}")
    steps = [s.get("run", "") for s in workflow["jobs"]["check"]["steps"]]
    assert "pip install $OKRSITE_INSTALL" in steps
    assert "okrsite check --format github" in steps
    assert any(step.startswith('okrsite diff "origin/$BASE" > okr-diff.md\n') for step in steps)
    assert 'okrsite publish deploy "$VERSION" latest --set-default --push' in (
        workflow["jobs"]["publish"]["steps"][-1]["run"])
    assert workflow["jobs"]["publish"]["steps"][-2]["run"] == "pip install $OKRSITE_INSTALL"
    assert {job["timeout-minutes"] for job in workflow["jobs"].values()} == {15}
    gitlab = yaml.safe_load(files[".gitlab-ci.yml"])
    assert set(gitlab) >= {"check", "diff", "pages"}
    assert gitlab["variables"]["OKRSITE_INSTALL"] == f"okrsite=={__version__}"
    assert gitlab["default"] == {"timeout": "15 minutes",
                                 "before_script": ["pip install $OKRSITE_INSTALL"]}
    assert f"rev: v{__version__}\n" in files[".pre-commit-config.yaml"].decode()


@pytest.mark.parametrize(("name", "schema"), [
    (".github/workflows/okrs.yml", "vendor.github-workflows"),
    (".gitlab-ci.yml", "vendor.gitlab-ci"),
])
def test_the_ci_files_pass_their_official_schemas(tmp_path: Path, name: str, schema: str) -> None:
    """check-jsonschema's copies of the schemas that GitHub and GitLab publish (no network)."""
    pytest.importorskip("check_jsonschema")
    path = tmp_path / Path(name).name
    path.write_bytes(init_files(date(2026, 11, 20))[name])
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def comment_step(tmp_path: Path, diff: str) -> tuple[str, list[str]]:
    """Run the workflow's comment step with ``diff`` as okrsite's output and a stand-in ``gh``;
    return the comment and the arguments ``gh`` got."""
    workflow = yaml.safe_load(init_files(date(2026, 11, 20))[".github/workflows/okrs.yml"])
    step = next(s for s in workflow["jobs"]["check"]["steps"]
                if s.get("name") == "Comment on the pull request")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$GH_ARGS"\n')
    gh.chmod(0o755)
    (tmp_path / "okr-diff.md").write_text(diff, encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PR": "7",
           "RUN_URL": "https://github.example/acme/okrs/actions/runs/42",
           "GH_ARGS": str(tmp_path / "gh-args")}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, check=True)
    return ((tmp_path / "comment.md").read_text(encoding="utf-8"),
            (tmp_path / "gh-args").read_text().splitlines())


def test_the_pull_request_comment_is_the_diff(tmp_path: Path) -> None:
    comment, args = comment_step(tmp_path, "## OKR changes\n\n| a | b |\n")
    assert comment == "## OKR changes\n\n| a | b |\n"
    assert args == ["pr", "comment", "7", "--edit-last", "--body-file", "comment.md"]


def test_a_long_diff_is_cut_below_githubs_limit_with_a_link(tmp_path: Path) -> None:
    rows = [f"| objective-{i:05} | 0.{i % 100:02} → 0.5 · “ünïcödé” |\n" for i in range(4000)]
    comment, _ = comment_step(tmp_path, "## OKR changes\n\n" + "".join(rows))
    assert len(comment) < 65_536
    body, note = comment.rsplit("\n\n", 1)
    assert body.splitlines()[-1] in [row.rstrip("\n") for row in rows]  # cut at a line end
    assert note == ("**The diff is cut here**: it is longer than a comment can be. The whole "
                    "diff: [the run summary](https://github.example/acme/okrs/actions/runs/42).\n")


def test_the_pre_commit_hook_and_config_are_valid(tmp_path: Path) -> None:
    manifest = subprocess.run(["pre-commit", "validate-manifest",
                               str(REPO / ".pre-commit-hooks.yaml")], capture_output=True,
                              text=True, check=False)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_bytes(init_files(date(2026, 11, 20))[".pre-commit-config.yaml"])
    checked = subprocess.run(["pre-commit", "validate-config", str(config)],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "id: okrsite-check" in config.read_text()
    hook = (REPO / ".pre-commit-hooks.yaml").read_text()
    for line in ("- id: okrsite-check", "  entry: okrsite check", "  language: python",
                 "  pass_filenames: false", "  files: ^goals/"):
        assert line in hook.splitlines()


# --- codeowners -------------------------------------------------------------------------------


def test_codeowners_from_the_unit_tree(goals: Path) -> None:
    (goals / "sales" / "eng-help.md").write_text(
        (goals / "eng" / "ship.md").read_text().replace("id: ship-sso", "id: eng-help"))
    (goals / "platform").mkdir()
    (goals / "platform" / "ci.md").write_text(
        (goals / "eng" / "ship.md").read_text().replace("id: ship-sso", "id: ci")
        .replace("owner: eng", "owner: platform"))
    root = goals.parent
    assert run(root, "codeowners") == (0, "wrote CODEOWNERS\n")
    assert (root / "CODEOWNERS").read_text().splitlines() == [
        "# Generated by `okrsite codeowners` from the units' owners in org.yml: edit them there,",
        "# then run `okrsite codeowners` again. Later lines win.",
        "/goals/ @acme/leads",
        "/goals/org.yml @acme/leads",
        "/goals/eng/ @acme/eng @bob",
        "/goals/kpis/ @acme/sales",
        "/goals/platform/ @acme/eng @bob",  # platform has no owners: engineering's
        "/goals/sales/ @acme/sales",
        "/goals/sales/eng-help.md @acme/eng @bob",
    ]
    assert run(root, "codeowners") == (0, "CODEOWNERS is up to date\n")
    (goals / "sales" / "eng-help.md").unlink()
    assert run(root, "codeowners", "--check") == (
        1, "Error: CODEOWNERS is out of date: run okrsite codeowners\n")
    (root / "CODEOWNERS").unlink()
    assert run(root, "codeowners", "--check") == (
        1, "Error: CODEOWNERS is missing: run okrsite codeowners\n")


# --- carry-over -------------------------------------------------------------------------------


def test_carry_over_writes_the_unfinished_objectives(goals: Path) -> None:
    (goals / "sales" / "emea.md").write_text(
        "---\nkind: objective\nid: open-emea\ntitle: Open EMEA\nowner: sales\n"
        "period: 2026-Q4\nparent: win-mid-market#deals\nkey_results:\n"
        "  - title: First EMEA deal\n    type: milestone\n    done: false\n---\nBody.\n")
    code, output = run(goals.parent, "carry-over", "2026-Q4", "2027-Q1", "--as-of", "2026-12-31")
    assert code == 0
    dropped = "  dropped its parent {}: not carried over, and its period does not enclose 2027-Q1"
    assert output.splitlines() == [
        "wrote goals/eng/hire-cto-office-2027-q1.md  (hire-cto-office at 0.50 -> "
        "hire-cto-office-2027-q1)",
        dropped.format("grow#quality"),  # grow is an objective of 2026
        "wrote goals/eng/ship-sso-2027-q1.md  (ship-sso at 0.83 -> ship-sso-2027-q1)",
        dropped.format("grow#quality"),
        "wrote goals/sales/open-emea-2027-q1.md  (open-emea at 0.00 -> open-emea-2027-q1)",
        "wrote goals/sales/win-mid-market-2027-q1.md  (win-mid-market at 0.20 -> "
        "win-mid-market-2027-q1)",
        dropped.format("grow"),
        "4 objectives carried over from 2026-Q4 to 2027-Q1",
    ]
    for name in ("win-mid-market-2027-q1.md", "open-emea-2027-q1.md"):
        assert (goals / "sales" / name).read_text() == (GOLDEN / "carried" / name).read_text()
    assert (goals / "eng" / "ship-sso-2027-q1.md").read_text() == (
        GOLDEN / "carried" / "ship-sso-2027-q1.md").read_text()
    assert run(goals.parent, "check") == (
        0, "goals: 9 objectives, 13 key results, 1 KPI: no errors\n")


def test_carry_over_never_overwrites(goals: Path) -> None:
    assert run(goals.parent, "carry-over", "2026-Q4", "2027-Q1", "--owner", "sales")[0] == 0
    (goals / "eng" / "ship-sso-2027-q1.md").write_text(
        (goals / "eng" / "ship.md").read_text().replace("id: ship-sso", "id: mine"))
    before = sorted(p.name for p in goals.rglob("*.md"))
    code, output = run(goals.parent, "carry-over", "2026-Q4", "2027-Q1")
    assert (code, output) == (1, "Error: refusing to overwrite existing files: "
                                 "goals/eng/ship-sso-2027-q1.md, "
                                 "goals/sales/win-mid-market-2027-q1.md\n")
    assert sorted(p.name for p in goals.rglob("*.md")) == before


def test_carry_over_by_owner_and_unknown_periods(goals: Path) -> None:
    code, output = run(goals.parent, "carry-over", "2026-Q4", "2027-Q1", "--owner", "eng")
    assert code == 0
    assert output.splitlines()[-1] == "2 objectives carried over from 2026-Q4 to 2027-Q1"
    assert run(goals.parent, "carry-over", "2026-Q4", "2027-Q9") == (
        1, "Error: unknown period '2027-Q9': org.yml defines 2026, 2026-Q3, 2026-Q4, 2027-Q1\n")


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        ("win", "win-2027-q1"),
        ("win-2026-q4", "win-2027-q1"),  # carried before: the suffix is replaced
        ("x" * 63, "x" * 55 + "-2027-q1"),  # ids stay at most 63 characters
    ],
)
def test_carried_ids(old: str, expected: str) -> None:
    assert carried_id(old, "2026-Q4", "2027-Q1") == expected


def test_two_long_ids_cut_to_one_length_stay_two_files(goals: Path) -> None:
    """Ids are cut to fit the period suffix; two that agree up to the cut must not become one
    file (one of them would be lost)."""
    from okrsite.workflow import carry_over

    stem = "x" * 60
    for tail in ("aa", "bb"):
        (goals / "sales" / f"{tail}.md").write_text(
            f"---\nkind: objective\nid: {stem}{tail}\ntitle: Long {tail}\nowner: sales\n"
            "period: 2026-Q4\nkey_results:\n  - title: Done?\n    type: milestone\n"
            "    done: false\n---\n")
    carried = carry_over(goals, "2026-Q4", "2027-Q1", as_of=date(2026, 12, 31), owner="sales")
    long_ones = sorted(item.new_id for item in carried if item.old_id.startswith(stem))
    assert long_ones == ["x" * 53 + "-2027-q1-2", "x" * 55 + "-2027-q1"]
    assert all(item.path.exists() for item in carried)


def test_carry_over_names_a_dropped_parent_and_leaves_due_dates_and_done_items(
    goals: Path,
) -> None:
    from okrsite.workflow import carry_over

    (goals / "sales" / "side.md").write_text(
        "---\nkind: objective\nid: side\ntitle: Side\nowner: sales\nperiod: 2026-Q4\n"
        "parent: ship-sso\nkey_results:\n  - title: Steps\n    type: checklist\n"
        "    due: 2026-11-30\n    items:\n      - {title: One, done: true}\n"
        "      - {title: Two, done: false}\n---\n")
    carried = {c.old_id: c for c in carry_over(goals, "2026-Q4", "2027-Q1",
                                                as_of=date(2026, 12, 31), owner="sales")}
    assert carried["side"].dropped_parent == "ship-sso"  # eng's objective is not carried here
    written = yaml.safe_load((goals / "sales" / "side-2027-q1.md").read_text().split("---")[1])
    assert written["key_results"] == [
        {"title": "Steps", "type": "checklist", "items": [{"title": "Two", "done": False}]}
    ]
    assert "parent" not in written


# --- pre-commit, for real -----------------------------------------------------------------------


def project_clone(target: Path) -> Path:
    """A git repository of the project as it is in this working tree (its tracked and new
    files), with the release tag of its version, as a published release has."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("the project is not a git working tree")
    for rel in listed.stdout.decode().split("\0"):
        if rel and (REPO / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, target / rel)
    clone = GitRepo(target, goals=None)
    clone.commit("2026-11-20", "release")
    clone.git("tag", f"v{__version__}")
    return target


@pytest.mark.slow
def test_pre_commit_runs_the_hook_of_the_release_the_config_names(tmp_path: Path) -> None:
    """``pre-commit run --all-files`` in a repository made by ``okrsite init``, with the hook
    repository at a local clone (the network here reaches the package index only): the config's
    ``rev`` is the release tag, and the hook passes, then fails at the broken line."""
    clone = project_clone(tmp_path / "okrsite")
    assert run(tmp_path, "init", "new")[0] == 0
    new = tmp_path / "new"
    config = new / ".pre-commit-config.yaml"
    text = config.read_text()
    assert "  - repo: https://github.com/okrsite/okrsite\n" in text
    config.write_text(text.replace("https://github.com/okrsite/okrsite", str(clone)))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}

    def pre_commit() -> subprocess.CompletedProcess[str]:
        subprocess.run(["git", "add", "--all"], cwd=new, check=True)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"],
                              cwd=new, env=env, capture_output=True, text=True, check=False)

    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "okrsite check" in passed.stdout and "Passed" in passed.stdout
    goal = new / "goals" / "product" / "customers-recommend-us.md"
    goal.write_text(goal.read_text().replace("owner: product\n", "owner: prodcut\n"))
    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert ("goals/product/customers-recommend-us.md:4: owner: unknown unit 'prodcut' "
            "(did you mean 'product'?)") in failed.stdout
