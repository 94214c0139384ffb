"""The core pipeline in one place: load -> validate -> model -> (git history) -> score.

Every command that needs scored goals goes through :func:`read_goals` (and :func:`score_folder`
when it also wants what git knows), so the stages run in the same order everywhere.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import GoalErrors
from .git import History, history
from .load import LoadedTree, Source, load_goals, load_sources
from .model import Goals, build_goals
from .score import Scorecard, score_goals
from .validate import validate


def check_tree(tree: LoadedTree) -> Goals:
    """Validate a loaded tree and build the model; raise :class:`GoalErrors` with every problem."""
    problems = [*tree.problems, *validate(tree)]
    if problems or tree.org is None:
        raise GoalErrors(problems)
    return build_goals(tree.org, tree.goals)


def read_goals(goals_dir: Path, prefix: str | None = None) -> Goals:
    """Read, validate and model a goals folder on disk."""
    with fewer_collections():
        return check_tree(load_goals(goals_dir, prefix))


def read_sources(sources: Iterable[Source], prefix: str = "goals") -> Goals:
    """Read, validate and model a goals folder given as sources (e.g. from a git revision)."""
    return check_tree(load_sources(sources, prefix))


@dataclass(frozen=True)
class Scored:
    """A goals folder read, scored at one date, with what git knows about it."""

    goals: Goals
    card: Scorecard
    history: History
    """Empty with ``use_git=False`` or outside a git repository."""


def score_folder(goals_dir: Path, as_of: date, *, use_git: bool = True) -> Scored:
    """Read a goals folder once and score it, counting git commit dates as updates."""
    goals = read_goals(goals_dir)
    found = history(goals_dir, goals, as_of) if use_git else History()
    return Scored(goals, score_goals(goals, as_of, found.dates), found)


@contextmanager
def fewer_collections(threshold: int = 100_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a build allocates its many small,
    long-lived objects (model, pages, MkDocs' files): its full passes grow with the heap and
    made big builds superlinear. Reference counting still frees everything acyclic."""
    previous = gc.get_threshold()
    gc.set_threshold(threshold, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def long_lived_heap() -> Iterator[None]:
    """Objects alive when the block starts (the model, the scorecard, imported modules) outlive
    it: the collector's full passes during the block need not walk them again and again. On
    2,000 units this took a tenth of MkDocs' time."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
