"""The options several commands share: dates, the goals folder, the site's folders, logging."""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import OkrError


class DateParam(click.ParamType):
    """An ISO date (``2026-11-20``)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = DateParam()

GOALS_DIR = Path("goals")
GoalsCommand = TypeVar("GoalsCommand", bound=Callable[..., Any])


_goals_dir = click.option(
    "--goals-dir", type=click.Path(file_okay=False, path_type=Path), default=GOALS_DIR,
    show_default=True, help="The goals folder.",
)


def _existing(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command``, refusing a goals folder that does not exist before anything runs (unless
    the goals are read from a revision)."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        goals_dir = kwargs["goals_dir"]
        if kwargs.get("revision") is None and not goals_dir.is_dir():
            raise OkrError(f"no such goals folder: {goals_dir}")
        return command(*args, **kwargs)

    return checked


def goals_dir_option(command: GoalsCommand) -> GoalsCommand:
    """``--goals-dir``, the one way every command names the goals folder."""
    return _goals_dir(_existing(command))  # type: ignore[return-value]


def goals_dir_argument(command: GoalsCommand) -> GoalsCommand:
    """:func:`goals_dir_option`, and the positional ``GOALS_DIR`` of earlier releases, kept
    as a deprecated alias of ``--goals-dir`` (said so in the command's help; scripts that use
    it go on working, their output unchanged)."""
    inner = _existing(command)

    @functools.wraps(command)
    def either(*args: Any, old_goals_dir: Path | None = None, **kwargs: Any) -> Any:
        if old_goals_dir is not None:
            source = click.get_current_context().get_parameter_source("goals_dir")
            if source is click.core.ParameterSource.COMMANDLINE:
                raise click.UsageError("name the goals folder once: --goals-dir or GOALS_DIR")
            kwargs["goals_dir"] = old_goals_dir
        return inner(*args, **kwargs)

    either.__doc__ = (command.__doc__ or "").rstrip() + (
        "\n\nGOALS_DIR is the deprecated way to write --goals-dir GOALS_DIR.")
    positional = click.argument("old_goals_dir", metavar="[GOALS_DIR]", required=False,
                                type=click.Path(file_okay=False, path_type=Path))
    return positional(_goals_dir(either))  # type: ignore[return-value]


as_of_option = click.option(
    "--as-of", type=DATE, default=None, help="Score as of this date instead of today (YYYY-MM-DD)."
)


revision_option = click.option(
    "--revision",
    metavar="REV",
    default=None,
    help="Read the goal files from this git revision instead of the working tree.",
)

config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Your mkdocs.yml (default: ./mkdocs.yml if there is one).",
)
staging_dir_option = click.option(
    "--staging-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".okrsite",
    show_default=True,
    help="Where the generated MkDocs project is written.",
)
no_git_option = click.option(
    "--no-git",
    is_flag=True,
    help="Do not count the date of the last commit that changed a key result as an update.",
)
strict_option = click.option(
    "-s", "--strict", is_flag=True,
    help="Fail on a warning of the site engine too (as mkdocs build --strict).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print debug messages too.")


@contextlib.contextmanager
def logging_to_stderr(quiet: bool, verbose: bool, default: int) -> Iterator[None]:
    """Log messages (the site engine's among them) to stderr while a command runs, as mkdocs
    prints them: errors only with ``quiet``, down to debug messages with ``verbose``."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other")
    handler = logging.StreamHandler(sys.stderr)  # as it is now (a test runner swaps it)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    root = logging.getLogger()
    ours = [logging.getLogger(name) for name in ("mkdocs", "okrsite")]
    levels = [logger.level for logger in (root, *ours)]
    root.addHandler(handler)
    root.setLevel(logging.ERROR if quiet else default)
    for logger in ours:  # -v: their debug messages, not every library's
        logger.setLevel(logging.DEBUG if verbose else logging.NOTSET)
    try:
        yield
    finally:
        root.removeHandler(handler)
        for logger, level in zip((root, *ours), levels, strict=True):
            logger.setLevel(level)


def with_options(options: list[Callable[[Any], Any]]) -> Callable[[GoalsCommand], GoalsCommand]:
    def decorate(command: GoalsCommand) -> GoalsCommand:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate

