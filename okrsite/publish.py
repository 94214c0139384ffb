"""Versioned snapshots of the site with mike: publish, list, delete, set the default, retitle.

A snapshot is the site built as ``okrsite build`` builds it, scored at the snapshot's as-of date,
with mkdocs-material's version switcher turned on (``extra.version.provider: mike``), and
committed by mike to the pages branch (default ``gh-pages``) under ``VERSION/``, beside every
earlier snapshot; mike's ``versions.json`` lists them all for the switcher.

A snapshot records what it was scored with, so it can be rebuilt exactly later: the okrsite
version, the as-of date, the commit of the goals and whether uncommitted goal edits were in the
build. They are in the snapshot's ``api/snapshot.json`` and in the version's ``properties``
(``okrsite``) in ``versions.json``.

The site is built by the pipeline (:func:`okrsite.build.build_into`) into a temporary folder
that mike then commits. mike's Python API (``mike.commands``, ``mike.git_utils``) runs ``git``
in the current directory, without a way to name another: that is mike's constraint, so its
calls run inside ``contextlib.chdir(repo.root)`` (:func:`at_root`). ``chdir`` changes the
directory of the whole process, so nothing else may run beside a publish; every path okrsite
passes in is absolute or used before the change.

Aliases are mike's ``redirect`` type: HTML redirects that any static server serves (mike's
default, a symbolic link in git, needs a server that follows them).
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

from . import __version__, build, git
from .errors import PublishError
from .model import Goals
from .site import check_folders, read_user_config

SNAPSHOT_FILE = "api/snapshot.json"
MIKE_CONFIG = {"extra": {"version": {"provider": "mike", "alias": True, "default": "latest"}}}
"""What the staging project's configuration gains: mkdocs-material's version switcher, showing
each version's aliases ("latest"), and its notice on every snapshot that is not ``latest``."""


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
def at_root(repo: git.Repo) -> Iterator[None]:
    """Run mike's calls from the repository root (mike runs git in the current directory);
    mike's errors become :class:`PublishError`."""
    try:
        with contextlib.chdir(repo.root):
            yield
    except (ValueError, mike_git.GitError) as exc:
        raise PublishError(str(exc)) from exc


@contextlib.contextmanager
def mike_in(repo: git.Repo, *, remote: str, branch: str) -> Iterator[None]:
    """:func:`at_root`, the pages branch first brought up to date with ``remote`` (as mike
    does)."""
    with at_root(repo):
        mike_git.update_from_upstream(remote, branch)
        yield


def push(repo: git.Repo, remote: str, branch: str) -> None:
    with at_root(repo):
        mike_git.push_branch(remote, branch)


def build_snapshot(
    found: build.Scored, snapshot: Snapshot, out_dir: Path, *, config_file: Path | None,
    staging_dir: Path, engine: str,
) -> Path:
    """Build the site (version switcher on) into ``out_dir`` with the record of what it was
    scored with; returns the staging project's ``mkdocs.yml``."""
    config_path = build.build_into(found, out_dir, config_file=config_file,
                                   staging_dir=staging_dir, engine=engine,
                                   extra_config=MIKE_CONFIG)
    record = out_dir / SNAPSHOT_FILE
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(snapshot.as_dict(), indent=2) + "\n", encoding="utf-8")
    return config_path


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
    revision: str | None = None,
) -> Snapshot:
    """Build the site as of the snapshot's date and commit it as VERSION with mike.

    ``push_to`` names the remote to push the pages branch to afterwards (``None``: no push);
    ``revision``: the goal files as they were at that git revision. Refuses the folders a
    build refuses (the snapshot's site folder is a temporary one of its own).
    """
    check_folders(goals_dir=goals_dir, config_file=config_file, staging_dir=staging_dir)
    repo = git.repo_at(goals_dir)
    tree = build.load_tree(goals_dir, revision=revision)
    goals = build.check_tree(tree)
    commit, dirty = ((git.resolve(repo, revision).sha, False) if revision
                     else (git.head(repo), git.dirty(repo, goals_dir)))
    snapshot = Snapshot(version, as_of or snapshot_date(goals, version, today), __version__,
                        commit, dirty)
    found = build.score(goals, goals_dir, snapshot.as_of, use_git=use_git, revision=revision,
                        documents=tree.goals)
    with tempfile.TemporaryDirectory(prefix="okrsite-snapshot-") as tmp:
        out_dir = Path(tmp)
        config_path = build_snapshot(found, snapshot, out_dir, config_file=config_file,
                                     staging_dir=staging_dir, engine=engine)
        mike_config = {"site_dir": str(out_dir), "use_directory_urls":
                       read_user_config(config_path).get("use_directory_urls", True)}
        message = (f"okrsite {__version__}: publish {version} as of {snapshot.as_of} "
                   f"from {snapshot.commit or 'no commit'}{' (dirty)' if snapshot.dirty else ''}")
        with mike_in(repo, remote=push_to or "origin", branch=branch):
            deploy = commands.deploy(
                mike_config, version, title, list(aliases), update_aliases=True,
                alias_type=commands.AliasType.redirect, branch=branch, message=message,
                set_props=[("okrsite", snapshot.as_dict())],
            )
            # mike's deploy yields for the caller to build into site_dir, then commits it; the
            # site is built already (before the chdir, where its relative paths hold).
            with contextlib.suppress(mike_git.GitEmptyCommit), deploy:  # empty: same again
                pass
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
    with at_root(repo):
        versions = commands.list_versions(branch)
    return [
        Published(str(info.version), info.title, tuple(sorted(info.aliases)),
                  (info.properties or {}).get("okrsite"))
        for info in versions
    ]


def known(identifier: str, branch: str) -> None:
    """:class:`PublishError`, in okrsite's words, when the pages branch (of the repository in
    the current directory) has no snapshot or alias ``identifier``."""
    if not commands.list_versions(branch).find(identifier):
        raise PublishError(f"{branch} has no snapshot or alias {identifier!r} "
                           "(okrsite publish list shows what it has)")


def delete(path: Path, version: str, *, branch: str = "gh-pages",
           push_to: str | None = None) -> None:
    """Remove a snapshot (or just an alias) from the pages branch."""
    repo = git.repo_at(path)
    with mike_in(repo, remote=push_to or "origin", branch=branch):
        known(version, branch)
        commands.delete([version], branch=branch, message=f"okrsite: delete {version}")
    if push_to:
        push(repo, push_to, branch)


def set_default(path: Path, version: str, *, branch: str = "gh-pages",
                push_to: str | None = None) -> None:
    """Redirect the site's root to the snapshot (or alias) ``version``."""
    repo = git.repo_at(path)
    with mike_in(repo, remote=push_to or "origin", branch=branch):
        known(version, branch)
        with contextlib.suppress(mike_git.GitEmptyCommit):  # the default already
            commands.set_default(version, branch=branch,
                                 message=f"okrsite: default version {version}")
    if push_to:
        push(repo, push_to, branch)


def retitle(path: Path, version: str, title: str, *, branch: str = "gh-pages",
            push_to: str | None = None) -> None:
    """Rename the snapshot ``version`` in the version switcher."""
    repo = git.repo_at(path)
    with mike_in(repo, remote=push_to or "origin", branch=branch):
        known(version, branch)
        with contextlib.suppress(mike_git.GitEmptyCommit):  # that title already
            commands.retitle(version, title, branch=branch,
                             message=f"okrsite: title of {version}: {title}")
    if push_to:
        push(repo, push_to, branch)
