"""Versioned snapshots of the site with mike: publish, list, delete.

A snapshot is the site built as ``okrsite build`` builds it, scored at the snapshot's as-of date,
with mkdocs-material's version switcher turned on (``extra.version.provider: mike``), and
committed by mike to the pages branch (default ``gh-pages``) under ``VERSION/``, beside every
earlier snapshot; mike's ``versions.json`` lists them all for the switcher.

A snapshot records what it was scored with, so it can be rebuilt exactly later: the okrsite
version, the as-of date, the commit of the goals and whether uncommitted goal edits were in the
build. They are in the snapshot's ``api/snapshot.json`` and in the version's ``properties``
(``okrsite``) in ``versions.json``.

mike's Python API (``mike.commands``) runs git in the current directory, so its calls run from
the repository root. Aliases are mike's ``redirect`` type: HTML redirects that any static server
serves (mike's default, a symbolic link in git, needs a server that follows them).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mike import commands
from mike import git_utils as mike_git

from . import __version__, git, site
from .errors import PublishError
from .model import Goals
from .pipeline import read_goals
from .score import score_goals

SNAPSHOT_FILE = "api/snapshot.json"
MIKE_CONFIG = {"extra": {"version": {"provider": "mike"}}}
"""What the staging project's configuration gains: mkdocs-material's version switcher."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a snapshot was scored with."""

    version: str
    as_of: date
    okrsite: str
    """The okrsite version that scored and built it."""
    commit: str | None
    """The commit of the goals (``None``: a repository with no commit yet)."""
    dirty: bool
    """Uncommitted edits of the goals folder were part of the build."""

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "as_of": self.as_of.isoformat(),
                "okrsite": self.okrsite, "commit": self.commit, "dirty": self.dirty}


@dataclass(frozen=True, slots=True)
class Published:
    """A snapshot on the pages branch, as mike lists it."""

    version: str
    title: str
    aliases: tuple[str, ...]
    snapshot: Mapping[str, Any] | None
    """What it was scored with (``None`` for versions okrsite did not publish)."""


def snapshot_date(goals: Goals, version: str, today: date) -> date:
    """The as-of date of a snapshot: the end of the period VERSION names, once it is over;
    otherwise today."""
    period = goals.org.period_by_id.get(version)
    return period.end if period is not None and period.end < today else today


@contextlib.contextmanager
def mike_in(repo: git.Repo, *, remote: str, branch: str) -> Iterator[None]:
    """Run mike's calls from the repository root, the pages branch first brought up to date
    with ``remote`` (as mike does); mike's errors become :class:`PublishError`."""
    try:
        with contextlib.chdir(repo.root):
            mike_git.update_from_upstream(remote, branch)
            yield
    except (ValueError, mike_git.GitError) as exc:
        raise PublishError(str(exc)) from exc


def push(repo: git.Repo, remote: str, branch: str) -> None:
    with contextlib.chdir(repo.root):
        try:
            mike_git.push_branch(remote, branch)
        except mike_git.GitError as exc:
            raise PublishError(str(exc)) from exc


def build_snapshot(
    goals: Goals, snapshot: Snapshot, out_dir: Path, *, goals_dir: Path, config_file: Path | None,
    staging_dir: Path, engine: str, use_git: bool
) -> None:
    """Score at the snapshot's date and build the site (version switcher on) into ``out_dir``."""
    found = git.history(goals_dir, goals, snapshot.as_of) if use_git else git.History()
    card = score_goals(goals, snapshot.as_of, found.dates)
    config_path = site.write_project(goals, card, config_file=config_file,
                                     staging_dir=staging_dir, extra_config=MIKE_CONFIG,
                                     history=found)
    site.RUNNERS[engine](config_path, out_dir)
    record = out_dir / SNAPSHOT_FILE
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(snapshot.as_dict(), indent=2) + "\n", encoding="utf-8")


def publish(
    version: str,
    *,
    goals_dir: Path,
    config_file: Path | None,
    staging_dir: Path,
    today: date,
    as_of: date | None = None,
    aliases: Sequence[str] = (),
    title: str | None = None,
    set_default: bool = False,
    push_to: str | None = None,
    branch: str = "gh-pages",
    use_git: bool = True,
    engine: str = "mkdocs",
) -> Snapshot:
    """Build the site as of the snapshot's date and commit it as VERSION with mike.

    ``push_to`` names the remote to push the pages branch to afterwards (``None``: no push).
    """
    repo = git.repo_at(goals_dir)
    goals = read_goals(goals_dir)
    snapshot = Snapshot(version, as_of or snapshot_date(goals, version, today), __version__,
                        git.head(repo), git.dirty(repo, goals_dir))
    with tempfile.TemporaryDirectory(prefix="okrsite-snapshot-") as tmp:
        out_dir = Path(tmp)
        build_snapshot(goals, snapshot, out_dir, goals_dir=goals_dir, config_file=config_file,
                       staging_dir=staging_dir, engine=engine, use_git=use_git)
        config = site.read_user_config(staging_dir / "mkdocs.yml")
        mike_config = {"site_dir": str(out_dir),
                       "use_directory_urls": config.get("use_directory_urls", True)}
        message = (f"okrsite {__version__}: publish {version} as of {snapshot.as_of} "
                   f"from {snapshot.commit or 'no commit'}{' (dirty)' if snapshot.dirty else ''}")
        with mike_in(repo, remote=push_to or "origin", branch=branch):
            deploy = commands.deploy(
                mike_config, version, title, list(aliases), update_aliases=True,
                alias_type=commands.AliasType.redirect, branch=branch, message=message,
                set_props=[("okrsite", snapshot.as_dict())],
            )
            with contextlib.suppress(mike_git.GitEmptyCommit), deploy:  # empty: same again
                pass  # the site is already built
            if set_default:
                with contextlib.suppress(mike_git.GitEmptyCommit):
                    commands.set_default(version, branch=branch,
                                         message=f"okrsite: default version {version}")
    if push_to:
        push(repo, push_to, branch)
    return snapshot


def list_published(path: Path, *, branch: str = "gh-pages") -> list[Published]:
    """The snapshots on the pages branch of the repository holding ``path``, newest first."""
    repo = git.repo_at(path)
    with contextlib.chdir(repo.root):
        versions = commands.list_versions(branch)
    return [
        Published(str(info.version), info.title, tuple(sorted(info.aliases)),
                  (info.properties or {}).get("okrsite"))
        for info in versions
    ]


def delete(path: Path, version: str, *, branch: str = "gh-pages",
           push_to: str | None = None) -> None:
    """Remove a snapshot (or just an alias) from the pages branch."""
    repo = git.repo_at(path)
    with mike_in(repo, remote=push_to or "origin", branch=branch):
        commands.delete([version], branch=branch, message=f"okrsite: delete {version}")
    if push_to:
        push(repo, push_to, branch)
