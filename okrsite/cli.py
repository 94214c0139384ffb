"""The command line: parse options, call the pipeline, print.

The only module that prints or exits; the library raises :class:`~okrsite.errors.OkrError`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import GoalErrors, Problem
from .pipeline import read_goals
from .render.export import export_data
from .render.text import tree_lines
from .score import score_goals
from .validate import SCHEMA_NAMES, schema_text


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

goals_dir_argument = click.argument(
    "goals_dir", type=click.Path(file_okay=False, path_type=Path), default="goals"
)
as_of_option = click.option(
    "--as-of", type=DATE, default=None, help="Score as of this date instead of today (YYYY-MM-DD)."
)

STYLES: dict[str | None, dict[str, Any]] = {
    None: {},
    "bold": {"bold": True},
    "dim": {"dim": True},
    "on_track": {"fg": "green"},
    "at_risk": {"fg": "yellow"},
    "off_track": {"fg": "red"},
    "not_started": {"dim": True},
    "stale": {"fg": "magenta"},
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsite")
def cli() -> None:
    """OKRs and KPIs in git, checked in pull requests, published as a static site."""


# --- check --------------------------------------------------------------------------------


def github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape text for a GitHub Actions workflow command."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(problem: Problem) -> str:
    props = f"file={github_escape(problem.file, property_value=True)}"
    if problem.line:
        props += f",line={problem.line}"
    if problem.path:
        props += f",title={github_escape(problem.path, property_value=True)}"
    return f"::error {props}::{github_escape(problem.message)}"


def summary(problems: tuple[Problem, ...]) -> str:
    files = len({p.file for p in problems})
    return (
        f"{len(problems)} error{'s' if len(problems) != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}"
    )


@cli.command()
@goals_dir_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text: path:line: field: message; github: Actions annotations; json: a list.",
)
def check(goals_dir: Path, output_format: str) -> None:
    """Validate every goal file; print every error; exit 1 on any."""
    try:
        goals = read_goals(goals_dir)
        score_goals(goals, date.today())
    except GoalErrors as exc:
        problems = exc.problems
    else:
        problems = ()
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
    elif output_format == "github":
        for problem in problems:
            click.echo(github_annotation(problem))
    else:
        for problem in problems:
            click.echo(str(problem))
        if problems:
            click.echo(summary(problems))
        else:
            counts = (
                f"{len(goals.objectives)} objectives, "
                f"{sum(len(o.key_results) for o in goals.objectives)} key results, "
                f"{len(goals.kpis)} KPIs"
            )
            click.echo(f"{goals_dir}: {counts}: no errors")
    if problems:
        raise SystemExit(1)


# --- export, show, schema -----------------------------------------------------------------


@cli.command()
@goals_dir_argument
@as_of_option
def export(goals_dir: Path, as_of: date | None) -> None:
    """Print api/okrs.json (every published goal with its scores) without building the site."""
    goals = read_goals(goals_dir)
    card = score_goals(goals, as_of or date.today())
    click.echo(json.dumps(export_data(goals, card), indent=2, ensure_ascii=False))


@cli.command()
@goals_dir_argument
@as_of_option
def show(goals_dir: Path, as_of: date | None) -> None:
    """Print the alignment tree with scores, statuses and stale flags."""
    goals = read_goals(goals_dir)
    card = score_goals(goals, as_of or date.today())
    for line in tree_lines(goals, card):
        click.echo("".join(click.style(text, **STYLES[style]) for text, style in line))


@cli.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES), required=False)
def schema(name: str | None) -> None:
    """Print the JSON Schema of org.yml, objectives or KPIs (all three without NAME)."""
    if name:
        click.echo(schema_text(name))
    else:
        combined = {n: json.loads(schema_text(n)) for n in SCHEMA_NAMES}
        click.echo(json.dumps(combined, indent=2))


def main() -> None:
    cli()
