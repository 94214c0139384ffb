"""``okrsite publish``: versioned snapshots with mike, as a group mirroring mike's commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from .. import build as pipeline
from .options import (
    as_of_option,
    config_file_option,
    goals_dir_option,
    no_git_option,
    revision_option,
    staging_dir_option,
    with_options,
)


class PublishGroup(click.Group):
    """``okrsite publish``: mike's commands (deploy, list, delete, set-default, retitle), and
    ``okrsite publish VERSION …`` of earlier releases, which still deploys (its --list and
    --delete flags still work too)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["snapshot", *args]
        return super().parse_args(ctx, args)


@click.group(cls=PublishGroup, invoke_without_command=True)
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



def deploy_snapshot(version: str, aliases: tuple[str, ...], title: str | None,
                    set_default: bool, push: bool, remote: str, branch: str, as_of: date | None,
                    config_file: Path | None, goals_dir: Path, staging_dir: Path, no_git: bool,
                    revision: str | None) -> None:
    from .. import publish as snapshots

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
    from .. import publish as snapshots

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
    from .. import publish as snapshots

    for version in versions:
        snapshots.delete(where or Path.cwd(), version, branch=branch,
                         push_to=remote if push else None)
        click.echo(f"Deleted {version} from {branch}")


@publish.command("set-default")
@click.argument("version")
@with_options(pages_branch_options)
def publish_set_default(version: str, push: bool, remote: str, branch: str) -> None:
    """Redirect the site's root to the snapshot (or alias) VERSION."""
    from .. import publish as snapshots

    snapshots.set_default(Path.cwd(), version, branch=branch, push_to=remote if push else None)
    click.echo(f"The site's root now goes to {version} on {branch}")


@publish.command("retitle")
@click.argument("version")
@click.argument("title")
@with_options(pages_branch_options)
def publish_retitle(version: str, title: str, push: bool, remote: str, branch: str) -> None:
    """Name the snapshot VERSION TITLE in the version switcher."""
    from .. import publish as snapshots

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

