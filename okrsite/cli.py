"""The command line: parse options, call the pipeline (:mod:`okrsite.build`), print.

The only module that prints or exits; the library raises :class:`~okrsite.errors.OkrError`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from . import build as pipeline
from .errors import GoalErrors, OkrError, Problem
from .render.text import tree_lines
from .validate import SCHEMA_NAMES, schema_text
from .vocabulary import plural


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


class OkrGroup(click.Group):
    """The ``okrsite`` group: a file system that fails (full, read-only, a folder that cannot
    be created) is ``Error: …`` and exit 1 like every other error; ``--debug`` shows the
    traceback of any error instead."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except OkrError as exc:
            if debug and not isinstance(exc, GoalErrors):
                import traceback

                traceback.print_exception(exc, file=sys.stderr)
            raise
        except OSError as exc:
            if debug:
                raise
            reason = exc.strerror or str(exc)
            where = f"{exc.filename} -> {exc.filename2}" if exc.filename2 else exc.filename
            raise OkrError(f"{where}: {reason}" if where else reason) from exc


@click.group(cls=OkrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrsite")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def cli(debug: bool) -> None:
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
    """The last line of a failed check, as every other command says it."""
    return GoalErrors(problems).format_message()


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


# --- export, show, schema -----------------------------------------------------------------


revision_option = click.option(
    "--revision",
    metavar="REV",
    default=None,
    help="Read the goal files from this git revision instead of the working tree.",
)


@cli.command()
@goals_dir_argument
@as_of_option
@revision_option
def export(goals_dir: Path, as_of: date | None, revision: str | None) -> None:
    """Print api/okrs.json (every published goal with its scores) without building the site."""
    data = pipeline.export(goals_dir, as_of or date.today(), revision=revision)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@goals_dir_argument
@as_of_option
def show(goals_dir: Path, as_of: date | None) -> None:
    """Print the alignment tree with scores, statuses and stale flags."""
    found = pipeline.scored(goals_dir, as_of or date.today(), use_git=False)
    for line in tree_lines(found.goals, found.card):
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


@cli.command()
@click.option("--stdio", is_flag=True, hidden=True, help="Accepted for clients that add it.")
def lsp(stdio: bool) -> None:
    """Run the language server for goal files on stdin and stdout (for an editor to start).

    Diagnostics as okrsite check reports them, as you type; completion of fields and of unit,
    period, parent and KPI ids; hover with each field's description.
    """
    from . import lsp as language_server

    language_server.start()


# --- build, serve -------------------------------------------------------------------------

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


@cli.command()
@config_file_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the site goes (default: site_dir of mkdocs.yml, else ./site).",
)
@goals_dir_option
@staging_dir_option
@as_of_option
@click.option(
    "--engine",
    type=click.Choice(pipeline.ENGINES),
    default="mkdocs",
    show_default=True,
    help="The site engine that builds the staging project.",
)
@no_git_option
@revision_option
@strict_option
@quiet_option
@verbose_option
def build(
    config_file: Path | None,
    site_dir: Path | None,
    goals_dir: Path,
    staging_dir: Path,
    as_of: date | None,
    engine: str,
    no_git: bool,
    revision: str | None,
    strict: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check, score and build the site; a failed build leaves the previous site untouched."""
    config = pipeline.find_config(config_file)
    with logging_to_stderr(quiet, verbose, logging.WARNING):
        target = pipeline.build(
            goals_dir=goals_dir,
            config_file=config,
            site_dir=site_dir or pipeline.default_site_dir(config),
            staging_dir=staging_dir,
            as_of=as_of or date.today(),
            engine=engine,
            use_git=not no_git,
            revision=revision,
            strict=strict,
        )
    if not quiet:
        click.echo(f"Site built in {target}")


@cli.command()
@config_file_option
@goals_dir_option
@staging_dir_option
@as_of_option
@click.option("-a", "--dev-addr", default=None, metavar="IP:PORT", help="Default 127.0.0.1:8000.")
@click.option("-o", "--open", "open_in_browser", is_flag=True, help="Open the site in a browser.")
@strict_option
@quiet_option
@verbose_option
def serve(
    config_file: Path | None,
    goals_dir: Path,
    staging_dir: Path,
    as_of: date | None,
    dev_addr: str | None,
    open_in_browser: bool,
    strict: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Live preview: edit a goal file and the browser reloads with the new scores."""
    with logging_to_stderr(quiet, verbose, logging.INFO):
        pipeline.serve(
            goals_dir=goals_dir,
            config_file=pipeline.find_config(config_file),
            staging_dir=staging_dir,
            as_of=as_of,
            dev_addr=dev_addr,
            open_in_browser=open_in_browser,
            strict=strict,
        )


# --- the git workflow: diff, publish, init, carry-over, codeowners --------------------------


@cli.command("diff")
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
    from .render.diff import as_json, as_markdown

    result, base_rev, head_rev = pipeline.diff(
        Path.cwd(), base, head, goals_dir, as_of or date.today()
    )
    if output_format == "json":
        click.echo(json.dumps(as_json(result, base_rev, head_rev), indent=2, ensure_ascii=False))
    else:
        click.echo(as_markdown(result, base_rev, head_rev), nl=False)


class PublishGroup(click.Group):
    """``okrsite publish``: mike's commands (deploy, list, delete, set-default, retitle), and
    ``okrsite publish VERSION …`` of earlier releases, which still deploys (its --list and
    --delete flags still work too)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["snapshot", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=PublishGroup, invoke_without_command=True)
@click.pass_context
def publish(ctx: click.Context) -> None:
    """Publish versioned snapshots of the site with mike, and manage them.

    The version switcher lists every snapshot. okrsite publish VERSION [--alias NAME…] is
    okrsite publish deploy VERSION [NAME…].
    """
    if ctx.invoked_subcommand is None:
        raise click.UsageError(
            "give a VERSION to publish (okrsite publish deploy VERSION), or a command: "
            "list, delete, set-default, retitle")


pages_branch_options = [
    click.option("--push", is_flag=True, help="Push the pages branch afterwards."),
    click.option("--remote", default="origin", show_default=True, help="The remote to push to."),
    click.option("--branch", default="gh-pages", show_default=True, help="The pages branch."),
]
deploy_options = [
    click.option("--title", default=None, help="The name in the version switcher (default "
                 "VERSION)."),
    click.option("--set-default", is_flag=True, help="Redirect the site's root to this "
                 "snapshot."),
    *pages_branch_options,
    as_of_option, config_file_option, goals_dir_option, staging_dir_option, no_git_option,
    revision_option,
]


def with_options(options: list[Callable[[Any], Any]]) -> Callable[[GoalsCommand], GoalsCommand]:
    def decorate(command: GoalsCommand) -> GoalsCommand:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def deploy_snapshot(version: str, aliases: tuple[str, ...], title: str | None,
                    set_default: bool, push: bool, remote: str, branch: str, as_of: date | None,
                    config_file: Path | None, goals_dir: Path, staging_dir: Path, no_git: bool,
                    revision: str | None) -> None:
    from . import publish as snapshots

    snapshot = snapshots.publish(
        version, goals_dir=goals_dir, config_file=pipeline.find_config(config_file),
        staging_dir=staging_dir, today=date.today(), as_of=as_of, aliases=aliases, title=title,
        set_default=set_default, push_to=remote if push else None, branch=branch,
        use_git=not no_git, revision=revision,
    )
    click.echo(f"Published {version} (as of {snapshot.as_of}) to {branch}"
               + (f" and pushed to {remote}" if push else ""))


@publish.command("deploy")
@click.argument("version")
@click.argument("aliases", nargs=-1, metavar="[ALIAS]...")
@with_options(deploy_options)
def publish_deploy(version: str, aliases: tuple[str, ...], **options: Any) -> None:
    """Build the site and commit it to the pages branch as VERSION (and as each ALIAS, a
    redirect, moved from an older snapshot: e.g. latest).

    Without --as-of, a VERSION that names a finished period is scored as of the period's end.
    """
    deploy_snapshot(version, aliases, **options)


@publish.command("list")
@click.option("--branch", default="gh-pages", show_default=True, help="The pages branch.")
def publish_list(branch: str, where: Path | None = None) -> None:
    """List the published snapshots, newest first, with their aliases and as-of dates."""
    from . import publish as snapshots

    for item in snapshots.list_published(where or Path.cwd(), branch=branch):
        aka = f" [{', '.join(item.aliases)}]" if item.aliases else ""
        scored = f" as of {item.snapshot['as_of']}" if item.snapshot else ""
        title_text = f' "{item.title}"' if item.title != item.version else ""
        click.echo(f"{item.version}{title_text}{aka}{scored}")


@publish.command("delete")
@click.argument("versions", nargs=-1, required=True, metavar="VERSION...")
@with_options(pages_branch_options)
def publish_delete(versions: tuple[str, ...], push: bool, remote: str, branch: str,
                   where: Path | None = None) -> None:
    """Delete snapshots (with their aliases) or aliases from the pages branch."""
    from . import publish as snapshots

    for version in versions:
        snapshots.delete(where or Path.cwd(), version, branch=branch,
                         push_to=remote if push else None)
        click.echo(f"Deleted {version} from {branch}")


@publish.command("set-default")
@click.argument("version")
@with_options(pages_branch_options)
def publish_set_default(version: str, push: bool, remote: str, branch: str) -> None:
    """Redirect the site's root to the snapshot (or alias) VERSION."""
    from . import publish as snapshots

    snapshots.set_default(Path.cwd(), version, branch=branch, push_to=remote if push else None)
    click.echo(f"The site's root now goes to {version} on {branch}")


@publish.command("retitle")
@click.argument("version")
@click.argument("title")
@with_options(pages_branch_options)
def publish_retitle(version: str, title: str, push: bool, remote: str, branch: str) -> None:
    """Name the snapshot VERSION TITLE in the version switcher."""
    from . import publish as snapshots

    snapshots.retitle(Path.cwd(), version, title, branch=branch,
                      push_to=remote if push else None)
    click.echo(f"{version} is now called {title!r} on {branch}")


@publish.command("snapshot", hidden=True)
@click.argument("version", required=False)
@click.option("--alias", "aliases", multiple=True, help="Also publish as this name.")
@click.option("--list", "list_only", is_flag=True, help="Same as okrsite publish list.")
@click.option("--delete", "delete_version", metavar="VERSION",
              help="Same as okrsite publish delete VERSION.")
@with_options(deploy_options)
def publish_snapshot(version: str | None, aliases: tuple[str, ...], list_only: bool,
                     delete_version: str | None, **options: Any) -> None:
    """okrsite publish VERSION [--alias NAME…] as earlier releases wrote it: publish deploy."""
    if list_only and delete_version:
        raise click.UsageError("--list and --delete exclude each other: okrsite publish list, "
                               "or okrsite publish delete VERSION")
    where = options["goals_dir"]
    if list_only or delete_version:
        if version:
            raise click.UsageError(f"--list and --delete publish nothing: leave out {version}")
        if delete_version:
            publish_delete.callback(  # type: ignore[misc]
                (delete_version,), options["push"], options["remote"], options["branch"], where)
        else:
            publish_list.callback(options["branch"], where)  # type: ignore[misc]
        return
    if not version:
        hint = " (to change the default: okrsite publish set-default VERSION)" if options[
            "set_default"] else ""
        raise click.UsageError(f"give a VERSION to publish{hint}")
    deploy_snapshot(version, aliases, **options)


@cli.command()
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
    from . import checkin as checkins
    from . import git

    request = checkins.Checkin(ref, day or date.today(), value, note, confidence,
                               by if by is not None else git.user_name(goals_dir), done, item)
    written = checkins.record(goals_dir, request)
    click.echo(f"{written.path}:{written.line}: checked in {ref} on {request.day.isoformat()}")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(directory: Path) -> None:
    """Start a goals repository that checks and builds at once.

    Writes mkdocs.yml, goals/ with an example objective and KPI, CI for GitHub and GitLab, a
    pre-commit hook, editor settings (the language server, schemas) and CODEOWNERS; never
    overwrites a file. A new git repository starts on branch main.
    """
    from . import git, workflow

    repo = git.find_repo(directory)
    branch = (git.current_branch(repo) if repo else None) or "main"
    written = workflow.write_new(directory, workflow.init_files(date.today(), branch))
    for path in written:
        click.echo(f"wrote {path}")
    if repo is None:
        git.init_repo(directory, branch)
        click.echo(f"initialised a git repository in {directory} on branch {branch}")
    click.echo("Next: okrsite check, then okrsite build (or okrsite serve).")


@cli.command("carry-over")
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
    from .workflow import carry_over as write_carried

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


@cli.command()
@goals_dir_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default="CODEOWNERS", show_default=True, help="The file to write.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the file is missing or out of date.")
def codeowners(goals_dir: Path, output: Path, check_only: bool) -> None:
    """Regenerate CODEOWNERS from the owners of the units in org.yml."""
    from .workflow import codeowners_for

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


def main() -> None:
    """The ``okrsite`` command."""
    cli()
