"""The pipeline, in the order it runs. Every command that reads goals goes through here.

=========  ===========================================  ===================
stage      what it does                                 where
=========  ===========================================  ===================
load       goal files -> documents with line marks      :func:`load_tree`
validate   every problem at once, then the model        :func:`check_tree`
history    what git says about each key result          :func:`score`
score      scores, statuses, staleness, KPI health      :func:`score`
render     pages, badges, ``api/okrs.json``             :func:`stage`
project    the staging MkDocs project on disk           :func:`stage`
engine     MkDocs (or Zensical) builds it               :func:`build_into`
swap       the new site replaces the old one whole      :func:`build`
=========  ===========================================  ===================

:func:`build` is ``okrsite build``; ``serve`` runs the same stages on what an edit changed
(:mod:`okrsite.preview`), ``publish`` builds into mike's folder (:func:`build_into`), ``export``,
``show`` and ``check`` stop after scoring or reading, and :func:`diff` reads and scores two
revisions. Each stage takes the previous stage's output and knows nothing of the later ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import git, site
from .errors import GoalErrors, OkrError, Problem
from .history import history
from .load import Document, LoadedTree, Source, display_prefix, load_goals, load_sources
from .model import Goals, History, build_goals
from .render.export import export_data
from .score import Scorecard, score_goals
from .validate import validate

if TYPE_CHECKING:
    from .diff import Diff

ENGINES = site.ENGINES
"""The site engines :func:`build` can run (``--engine``)."""
find_config = site.find_config
default_site_dir = site.default_site_dir
"""How the commands find the user's ``mkdocs.yml`` (``-f``, else ``./mkdocs.yml``) and the site's
folder (``-d``, else the config's ``site_dir``, else ``site/``)."""


# --- read: load -> validate -> model ------------------------------------------------------------


def load_tree(goals_dir: Path, *, revision: str | None = None) -> LoadedTree:
    """The goal files parsed: from disk, or as they were at git ``revision``.

    A revision's files are named ``REV:path/in/repo`` in errors, as ``git show`` takes them.
    """
    if revision is None:
        return load_goals(goals_dir)
    repo = git.repo_at(goals_dir)
    path = git.goals_path(repo, goals_dir.absolute())
    prefix = f"{revision}:{path or '.'}"
    sources = git.read_revision(repo, git.resolve(repo, revision), path, prefix)
    if sources is None:
        raise OkrError(f"there is no goals folder {display_prefix(goals_dir)} in {revision}")
    return load_sources(sources, prefix)


def check_tree(tree: LoadedTree) -> Goals:
    """Validate a loaded tree and build the model; :class:`GoalErrors` with every problem."""
    problems = [*tree.problems, *validate(tree)]
    if problems or tree.org is None:
        raise GoalErrors(problems)
    return build_goals(tree.org, tree.goals, tree.tables)


def read_goals(goals_dir: Path, *, revision: str | None = None) -> Goals:
    """Read, validate and model a goals folder (see :func:`load_tree`)."""
    return check_tree(load_tree(goals_dir, revision=revision))


def read_sources(sources: Iterable[Source], prefix: str = "goals") -> Goals:
    """Read, validate and model goal files given as sources (e.g. from a git revision)."""
    return check_tree(load_sources(sources, prefix))


# --- history -> score ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """A goals folder read and scored at one date, with what git knows about it."""

    goals: Goals
    card: Scorecard
    history: History
    """Empty without git (``use_git=False``, or outside a repository)."""


def score(
    goals: Goals,
    goals_dir: Path,
    as_of: date,
    *,
    use_git: bool = True,
    revision: str | None = None,
    documents: Iterable[Document] = (),
) -> Scored:
    """Score ``goals`` at ``as_of``; with ``use_git``, the date of the last commit that changed a
    key result counts as an update. Git's history is that of the working tree, or of
    ``revision`` for goals read from it; ``documents`` are the goal files as loaded (not
    parsed again)."""
    found = (history(goals_dir, goals, as_of, documents=documents, revision=revision)
             if use_git else History())
    return Scored(goals, score_goals(goals, as_of, found.dates), found)


def scored(
    goals_dir: Path, as_of: date, *, use_git: bool = True, revision: str | None = None
) -> Scored:
    """Read and score a goals folder: :func:`load_tree`, :func:`check_tree`, :func:`score`."""
    tree = load_tree(goals_dir, revision=revision)
    goals = check_tree(tree)
    return score(goals, goals_dir, as_of, use_git=use_git, revision=revision,
                 documents=tree.goals)


def export(goals_dir: Path, as_of: date, *, revision: str | None = None) -> dict[str, Any]:
    """``api/okrs.json`` without building the site (git dates do not count, as in a build
    with ``--no-git``)."""
    found = scored(goals_dir, as_of, use_git=False, revision=revision)
    return export_data(found.goals, found.card)


# --- render -> staging project -> engine -> swap ------------------------------------------------


def build(
    *,
    goals_dir: Path,
    config_file: Path | None,
    site_dir: Path,
    staging_dir: Path,
    as_of: date,
    engine: str = "mkdocs",
    use_git: bool = True,
    revision: str | None = None,
    strict: bool = False,
) -> Path:
    """``okrsite build``: read, score, render, write the staging project, build it beside the
    site and swap it in only when everything succeeded. Returns the site's folder.

    With ``use_git``, objective pages also show when each key result last changed and when a
    target moved. With ``strict``, a warning of the engine fails the build (MkDocs'
    ``strict``), as an error does.
    """
    site.check_folders(goals_dir=goals_dir, config_file=config_file, site_dir=site_dir,
                       staging_dir=staging_dir)
    tree = load_tree(goals_dir, revision=revision)
    goals = check_tree(tree)
    found = score(goals, goals_dir, as_of, use_git=use_git, revision=revision,
                  documents=tree.goals)
    site_config: dict[str, Any] = {"site_dir": str(site_dir.absolute())}  # as `mkdocs build`
    if strict:
        site_config["strict"] = True
    with site.staging_lock(staging_dir), site.atomic_site(site_dir) as out_dir:
        build_into(found, out_dir, config_file=config_file, staging_dir=staging_dir,
                   engine=engine, extra_config=site_config)
    return site_dir


def build_into(
    found: Scored,
    out_dir: Path,
    *,
    config_file: Path | None,
    staging_dir: Path,
    engine: str = "mkdocs",
    extra_config: Mapping[str, Any] | None = None,
) -> Path:
    """Render ``found``, write the staging project (``extra_config`` merged over the derived
    configuration) and build it with ``engine`` into ``out_dir``. Returns the project's
    ``mkdocs.yml``."""
    with site.staging_lock(staging_dir):  # one build, publish or serve per staging folder
        config_path = stage(found, config_file=config_file, staging_dir=staging_dir,
                            extra_config=extra_config)
        site.run_engine(engine, config_path, out_dir)
    return config_path


def stage(
    found: Scored,
    *,
    config_file: Path | None,
    staging_dir: Path,
    extra_config: Mapping[str, Any] | None = None,
) -> Path:
    """Render ``found`` and write it with the user's config and docs as the staging project;
    returns its ``mkdocs.yml``."""
    from .render.pages import render_site  # here: check and show need no page templates

    content = render_site(found.goals, found.card, found.history)
    return site.write_project(content, default_name=found.goals.org.name,
                              config_file=config_file, staging_dir=staging_dir,
                              extra_config=extra_config)


# --- serve --------------------------------------------------------------------------------------


def serve(
    *,
    goals_dir: Path,
    config_file: Path | None,
    staging_dir: Path,
    as_of: date | None = None,
    dev_addr: str | None = None,
    open_in_browser: bool = False,
    strict: bool = False,
) -> None:
    """``okrsite serve``: the live preview. An edit re-reads the changed goal files only,
    re-scores, re-renders the pages it changed and has MkDocs rebuild just those
    (:mod:`okrsite.preview`, :mod:`okrsite.site.serve`); the browser reloads. Scored without
    git, as of ``as_of`` or the day of each refresh. With ``strict``, a warning of MkDocs
    fails a build, as in ``build``: the first one ends the command, a later one shows as an
    error in the browser."""
    from .preview import GoalsPreview  # here: only serve keeps a preview

    site.check_folders(goals_dir=goals_dir, config_file=config_file, staging_dir=staging_dir)
    with site.staging_lock(staging_dir):
        site.serve_project(GoalsPreview(goals_dir, config_file, as_of, strict=strict),
                           staging_dir, dev_addr=dev_addr, open_in_browser=open_in_browser)


# --- diff ---------------------------------------------------------------------------------------


def diff(
    cwd: Path, base: str, head: str | None, goals_dir: str, as_of: date
) -> tuple[Diff, dict[str, str | None], dict[str, str | None]]:
    """``okrsite diff``: the goals at ``base`` against ``head`` (``None``: the working tree),
    both scored at ``as_of``, and how to name both revisions.

    ``goals_dir`` is relative to the root of the repository holding ``cwd``. HEAD must be
    valid (:class:`GoalErrors` otherwise); BASE is compared as far as it can be, and missing
    there, everything in HEAD is new.
    """
    from .diff import Side, comparable_base, compare  # here: only `okrsite diff` compares

    repo = git.repo_at(cwd)
    path = git.goals_path(repo, Path(goals_dir))
    base_rev = git.resolve(repo, base)
    head_rev = git.resolve(repo, head) if head else None
    head_sources = git.read_side(repo, head_rev, path)
    if head_sources is None:
        raise OkrError(f"there is no goals folder {goals_dir!r} in {head or 'the working tree'}")
    base_sources = git.read_side(repo, base_rev, path)
    head_tree = load_sources(head_sources, path)
    head_goals = check_tree(head_tree)
    after = Side(head_goals, score_goals(head_goals, as_of))
    before: Side | None = None
    problems: list[Problem] = []
    left_out: list[str] = []
    if base_sources is not None:
        base_goals, problems, left_out = comparable_base(
            base_sources, head_sources, head_tree, path
        )
        before = Side(base_goals, score_goals(base_goals, as_of)) if base_goals else None
    result = compare(before, after, base_problems=tuple(sorted(set(problems))),
                     base_left_out=tuple(left_out))
    return result, git.describe(base_rev), git.describe(head_rev)
