"""Commands of the git workflow: diff, checkin, init, carry-over, codeowners."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from .. import build as pipeline
from ..errors import OkrError
from ..vocabulary import plural
from .options import DATE, as_of_option, goals_dir_option


@click.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--goals-dir",
    default="goals",
    show_default=True,
    help="The goals folder, relative to the repository root.",
)
@as_of_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown: a pull-request comment; json: every change, machine-readable.",
)
def diff_command(
    base: str, head: str | None, goals_dir: str, as_of: date | None, output_format: str
) -> None:
    """Compare the goals at two git revisions.

    HEAD defaults to the working tree.

    Both sides are read from git objects and scored at the same --as-of date (default today).
    Private objectives and KPIs appear without ids or titles, with score changes only.
    """
    from ..render.diff import as_json, as_markdown

    result, base_rev, head_rev = pipeline.diff(
        Path.cwd(), base, head, goals_dir, as_of or date.today()
    )
    if output_format == "json":
        click.echo(json.dumps(as_json(result, base_rev, head_rev), indent=2, ensure_ascii=False))
    else:
        click.echo(as_markdown(result, base_rev, head_rev), nl=False)



@click.command()
@click.argument("ref", metavar="OBJ#KR")
@click.argument("value", type=float, required=False)
@click.option("--goals-dir", type=click.Path(file_okay=False, path_type=Path), default="goals",
              show_default=True, help="The goals folder.")
@click.option("--date", "day", type=DATE, default=None, help="The check-in's date (default today).")
@click.option("--note", default=None, help="What changed, in a sentence.")
@click.option("--confidence", type=click.FloatRange(0, 1), default=None,
              help="How sure the owner is of reaching the target, 0..1.")
@click.option("--by", default=None, help="Who checks in (default: git config user.name).")
@click.option("--done", is_flag=True, help="Mark the milestone (or, with --item, the item) done.")
@click.option("--item", type=click.IntRange(1), default=None, metavar="N",
              help="With --done: the checklist item to tick, counted from 1.")
def checkin(ref: str, value: float | None, goals_dir: Path, day: date | None, note: str | None,
            confidence: float | None, by: str | None, done: bool, item: int | None) -> None:
    """Record a check-in: append it to the key result's history, nothing else in the file
    changes. The goals folder is checked with it first; if it would not pass, nothing is
    written."""
    from .. import checkin as checkins
    from .. import git

    request = checkins.Checkin(ref, day or date.today(), value, note, confidence,
                               by if by is not None else git.user_name(goals_dir), done, item)
    written = checkins.record(goals_dir, request)
    click.echo(f"{written.path}:{written.line}: checked in {ref} on {request.day.isoformat()}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Start a goals repository that checks and builds at once.

    Writes mkdocs.yml, goals/ with an example objective and KPI, CI for GitHub and GitLab, a
    pre-commit hook, editor settings (the language server, schemas) and CODEOWNERS; never
    overwrites a file. A new git repository starts on branch main.
    """
    from .. import git, workflow

    repo = git.find_repo(directory)
    branch = (git.current_branch(repo) if repo else None) or "main"
    written = workflow.write_new(directory, workflow.init_files(date.today(), branch))
    for path in written:
        click.echo(f"wrote {path}")
    if repo is None:
        git.init_repo(directory, branch)
        click.echo(f"initialised a git repository in {directory} on branch {branch}")
    click.echo("Next: okrsite check, then okrsite build (or okrsite serve).")


@click.command("carry-over")
@click.argument("from_period")
@click.argument("to_period")
@click.option("--owner", default=None, metavar="UNIT", help="Only the objectives of this unit.")
@goals_dir_option
@as_of_option
def carry_over(
    from_period: str, to_period: str, owner: str | None, goals_dir: Path, as_of: date | None
) -> None:
    """Write next-period files for the unfinished objectives.

    For each objective of FROM_PERIOD scoring below 1, a TO_PERIOD file. Each gets a new id
    (<id>-<to period>), starts where it stands (start = the last current; no history, no
    updated) and is written beside the original; no file is ever overwritten.
    """
    from ..workflow import carry_over as write_carried

    carried = write_carried(
        goals_dir, from_period, to_period, as_of=as_of or date.today(), owner=owner
    )
    for item in carried:
        click.echo(f"wrote {item.path}  ({item.old_id} at {item.score:.2f} -> {item.new_id})")
        if item.dropped_parent:
            click.echo(f"  dropped its parent {item.dropped_parent}: not carried over, and "
                       f"its period does not enclose {to_period}")
    click.echo(f"{plural(len(carried), 'objective')} carried over "
               f"from {from_period} to {to_period}")


@click.command()
@goals_dir_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default="CODEOWNERS", show_default=True, help="The file to write.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the file is missing or out of date.")
def codeowners(goals_dir: Path, output: Path, check_only: bool) -> None:
    """Regenerate CODEOWNERS from the owners of the units in org.yml."""
    from ..workflow import codeowners_for

    text = codeowners_for(pipeline.read_goals(goals_dir), goals_dir, output)
    current = output.read_text("utf-8") if output.is_file() else None
    if check_only:
        if current is None:
            raise OkrError(f"{output} is missing: run okrsite codeowners")
        if current != text:
            raise OkrError(f"{output} is out of date: run okrsite codeowners")
        click.echo(f"{output} is up to date")
    elif current == text:
        click.echo(f"{output} is up to date")
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")

