"""Commands that read the goals and print them: check, export, show, schema, lsp."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from .. import build as pipeline
from ..errors import GoalErrors, Problem
from ..render.text import tree_lines
from ..validate import SCHEMA_NAMES, schema_text
from ..vocabulary import plural
from .options import as_of_option, goals_dir_argument, revision_option

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
    """The last line of a failed check, as every other command says it."""
    return GoalErrors(problems).format_message()


@click.command()
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
        goals = pipeline.read_goals(goals_dir)
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
                f"{plural(len(goals.objectives), 'objective')}, "
                f"{plural(sum(len(o.key_results) for o in goals.objectives), 'key result')}, "
                f"{plural(len(goals.kpis), 'KPI')}"
            )
            click.echo(f"{goals_dir}: {counts}: no errors")
    if problems:
        raise click.exceptions.Exit(1)  # the problems are printed: no "Error:" line



@click.command()
@goals_dir_argument
@as_of_option
@revision_option
def export(goals_dir: Path, as_of: date | None, revision: str | None) -> None:
    """Print api/okrs.json (every published goal with its scores) without building the site."""
    data = pipeline.export(goals_dir, as_of or date.today(), revision=revision)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@goals_dir_argument
@as_of_option
def show(goals_dir: Path, as_of: date | None) -> None:
    """Print the alignment tree with scores, statuses and stale flags."""
    found = pipeline.scored(goals_dir, as_of or date.today(), use_git=False)
    for line in tree_lines(found.goals, found.card):
        click.echo("".join(click.style(text, **STYLES[style]) for text, style in line))


@click.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES), required=False)
def schema(name: str | None) -> None:
    """Print the JSON Schema of org.yml, objectives or KPIs (all three without NAME)."""
    if name:
        click.echo(schema_text(name))
    else:
        combined = {n: json.loads(schema_text(n)) for n in SCHEMA_NAMES}
        click.echo(json.dumps(combined, indent=2))


@click.command()
@click.option("--stdio", is_flag=True, hidden=True, help="Accepted for clients that add it.")
def lsp(stdio: bool) -> None:
    """Run the language server for goal files on stdin and stdout (for an editor to start).

    Diagnostics as okrsite check reports them, as you type; completion of fields and of unit,
    period, parent and KPI ids; hover with each field's description.
    """
    from .. import lsp as language_server

    language_server.start()

