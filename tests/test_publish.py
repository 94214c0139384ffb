"""``okrsite publish``: versioned snapshots with mike in a real temporary repository."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite import __version__
from okrsite.build import read_goals
from okrsite.cli import cli
from okrsite.publish import snapshot_date

from .conftest import WORKFLOW_GOALS, GitRepo, invoke_in

pytestmark = pytest.mark.slow


def run(repo: GitRepo, *args: str) -> tuple[int, str]:
    return invoke_in(repo.root, "publish", *args)


def pages(repo: GitRepo, path: str) -> str:
    """A file of the gh-pages branch."""
    return repo.git("show", f"gh-pages:{path}")


@pytest.fixture
def published(tmp_path: Path) -> tuple[GitRepo, str, str]:
    """Two snapshots: 2026-Q3 (its period is over: scored as of its end), then 2026-Q4 after a
    check-in, as ``latest`` and the default. Returns the repository and both commits."""
    repo = GitRepo(tmp_path / "repo")
    (repo.root / ".gitignore").write_text(".okrsite/\n")
    first = repo.commit("2026-09-15")
    assert run(repo, "2026-Q3", "--alias", "latest") == (
        0, "Published 2026-Q3 (as of 2026-09-30) to gh-pages\n")
    repo.edit("sales/win.md", "current: 4", "current: 8")
    second = repo.commit("2026-11-02")
    code, output = run(repo, "2026-Q4", "--alias", "latest", "--title", "Q4 2026",
                       "--set-default", "--as-of", "2026-11-20")
    assert (code, output) == (0, "Published 2026-Q4 (as of 2026-11-20) to gh-pages\n")
    return repo, first, second


def test_versions_json_lists_every_snapshot(published: tuple[GitRepo, str, str]) -> None:
    repo, first, second = published
    assert json.loads(pages(repo, "versions.json")) == [
        {"version": "2026-Q4", "title": "Q4 2026", "aliases": ["latest"], "properties": {
            "okrsite": {"version": "2026-Q4", "as_of": "2026-11-20", "okrsite": __version__,
                        "commit": second, "dirty": False}}},
        {"version": "2026-Q3", "title": "2026-Q3", "aliases": [], "properties": {
            "okrsite": {"version": "2026-Q3", "as_of": "2026-09-30", "okrsite": __version__,
                        "commit": first, "dirty": False}}},
    ]


def test_each_snapshot_keeps_its_own_scores(published: tuple[GitRepo, str, str]) -> None:
    repo, first, second = published
    for version, commit, as_of, score, status in (
        ("2026-Q3", first, "2026-09-30", 0.2, "not_started"),
        ("2026-Q4", second, "2026-11-20", 0.4, "on_track"),
    ):
        okrs = json.loads(pages(repo, f"{version}/api/okrs.json"))
        win = next(o for o in okrs["objectives"] if o["id"] == "win-mid-market")
        assert (okrs["as_of"], win["score"], win["status"]) == (as_of, score, status)
        assert json.loads(pages(repo, f"{version}/api/snapshot.json")) == {
            "version": version, "as_of": as_of, "okrsite": __version__, "commit": commit,
            "dirty": False,
        }
        assert '"provider":"mike"' in pages(repo, f"{version}/index.html").replace(" ", "")


def test_the_alias_and_the_root_redirect_to_the_newest(
    published: tuple[GitRepo, str, str],
) -> None:
    repo, _, _ = published
    assert 'window.location.replace(\n      "../2026-Q4/"' in pages(repo, "latest/index.html")
    assert 'url=../../../2026-Q4/objectives/win-mid-market/"' in pages(
        repo, "latest/objectives/win-mid-market/index.html")
    assert 'href="2026-Q4/"' in pages(repo, "index.html")
    assert repo.git("ls-tree", "--name-only", "gh-pages").splitlines() == [
        ".nojekyll", "2026-Q3", "2026-Q4", "index.html", "latest", "versions.json"]


def test_list_and_delete(published: tuple[GitRepo, str, str]) -> None:
    repo, _, _ = published
    assert run(repo, "--list") == (0, '2026-Q4 "Q4 2026" [latest] as of 2026-11-20\n'
                                      "2026-Q3 as of 2026-09-30\n")
    assert run(repo, "--delete", "2026-Q3") == (0, "Deleted 2026-Q3 from gh-pages\n")
    assert [v["version"] for v in json.loads(pages(repo, "versions.json"))] == ["2026-Q4"]
    assert "2026-Q3" not in repo.git("ls-tree", "--name-only", "gh-pages").split()
    assert run(repo, "--delete", "2026-Q3") == (
        1, "Error: gh-pages has no snapshot or alias '2026-Q3' (okrsite publish list shows what "
           "it has)\n")


def test_push_to_a_remote(published: tuple[GitRepo, str, str], tmp_path: Path) -> None:
    repo, _, _ = published
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    code, output = run(repo, "2026-Q4", "--as-of", "2026-11-21", "--push")
    assert (code, output) == (0, "Published 2026-Q4 (as of 2026-11-21) to gh-pages and pushed "
                                 "to origin\n")
    assert repo.git("rev-parse", "gh-pages") == subprocess.run(
        ["git", "rev-parse", "gh-pages"], cwd=remote, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_publish_a_revision(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    (repo.root / ".gitignore").write_text(".okrsite/\n")
    first = repo.commit("2026-09-15")
    repo.edit("sales/win.md", "current: 4", "current: 8")
    repo.commit("2026-11-02")
    repo.edit("sales/win.md", "current: 8", "current: 9")  # uncommitted: not in the snapshot
    assert run(repo, "v1", "--revision", first, "--as-of", "2026-11-20") == (
        0, "Published v1 (as of 2026-11-20) to gh-pages\n")
    assert json.loads(pages(repo, "v1/api/snapshot.json")) == {
        "version": "v1", "as_of": "2026-11-20", "okrsite": __version__, "commit": first,
        "dirty": False,
    }
    okrs = json.loads(pages(repo, "v1/api/okrs.json"))
    assert next(o["score"] for o in okrs["objectives"] if o["id"] == "win-mid-market") == 0.2


def test_publish_needs_a_version_and_a_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    code, output = run(repo)
    assert code == 2 and "give a VERSION to publish" in output
    outside = tmp_path / "outside"
    (outside / "goals").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["publish", "v1", "--goals-dir", str(outside / "goals")])
    assert (result.exit_code, result.output) == (1, f"Error: {outside / 'goals'} is not in a "
                                                    "git repository\n")


@pytest.mark.parametrize("staging", ["goals/.stage", "goals", "."])
def test_publish_refuses_the_folders_build_refuses(tmp_path: Path, staging: str) -> None:
    """A staging folder inside, equal to or holding the goals folder would be emptied by the
    build: publish refuses it before anything is built or committed, as build does."""
    repo = GitRepo(tmp_path / "repo")
    (repo.root / ".gitignore").write_text(".okrsite/\n")
    repo.commit("2026-11-02")
    before = sorted(p.relative_to(repo.root) for p in repo.root.rglob("*") if ".git" not in p.parts)
    code, output = run(repo, "deploy", "2026-Q4", "--as-of", "2026-11-20", "--staging-dir", staging)
    assert code == 1
    assert output.startswith(f"Error: {staging}: the staging folder may not be, hold or lie "
                             "inside the goals folder")
    assert "Traceback" not in output and output.count("\n") == 1
    after = sorted(p.relative_to(repo.root) for p in repo.root.rglob("*") if ".git" not in p.parts)
    assert after == before  # nothing written, nothing emptied
    with pytest.raises(subprocess.CalledProcessError):  # nothing published
        repo.git("rev-parse", "--verify", "gh-pages")
    built = invoke_in(repo.root, "build", "--as-of", "2026-11-20", "--staging-dir", staging)
    assert built == (code, output)  # the very refusal of build


@pytest.mark.parametrize(
    ("version", "today", "expected"),
    [
        ("2026-Q3", date(2026, 11, 20), date(2026, 9, 30)),  # over: its last day
        ("2026-Q4", date(2026, 11, 20), date(2026, 11, 20)),  # running: today
        ("v1.0", date(2026, 11, 20), date(2026, 11, 20)),  # not a period: today
        ("2026-Q4", date(2026, 12, 31), date(2026, 12, 31)),  # its last day: not over yet
    ],
)
def test_the_snapshot_date(version: str, today: date, expected: date) -> None:
    assert snapshot_date(read_goals(WORKFLOW_GOALS), version, today) == expected
