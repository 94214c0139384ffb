"""Shared fixtures: paths of the goal trees under tests/fixtures and the example organisation."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsite.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
EXAMPLE_GOALS = REPO / "goals"
TINY_GOALS = FIXTURES / "tiny" / "goals"
WORKFLOW_GOALS = FIXTURES / "workflow" / "goals"


@pytest.fixture
def tiny_goals(tmp_path: Path) -> Path:
    """A writable copy of the tiny organisation (two objectives, one KPI)."""
    target = tmp_path / "goals"
    shutil.copytree(TINY_GOALS, target)
    return target


def invoke_in(directory: Path, *args: str) -> tuple[int, str]:
    """Run ``okrsite ARGS`` in ``directory``; return the exit code and the output."""
    with contextlib.chdir(directory):
        result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


class GitRepo:
    """A throw-away repository holding a copy of the workflow fixture in ``goals/``."""

    def __init__(self, root: Path, goals: Path | None = WORKFLOW_GOALS) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        if goals is not None:
            shutil.copytree(goals, root / "goals")

    @property
    def goals(self) -> Path:
        return self.root / "goals"

    def git(self, *args: str, day: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
        if day is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
        done = subprocess.run(["git", *args], cwd=self.root, env=env, check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    def commit(self, day: str, message: str = "change") -> str:
        """Commit everything, dated ``day``; return the commit's sha."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message, day=day)
        return self.git("rev-parse", "HEAD")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.goals / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))

    def write(self, rel: str, text: str) -> None:
        path = self.goals / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
