"""Commands that build the site: build, serve."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import click

from .. import build as pipeline
from .options import (
    as_of_option,
    config_file_option,
    goals_dir_option,
    logging_to_stderr,
    no_git_option,
    quiet_option,
    revision_option,
    staging_dir_option,
    strict_option,
    verbose_option,
)


@click.command()
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


@click.command()
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

