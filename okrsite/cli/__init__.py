"""The command line: parse options, call the pipeline (:mod:`okrsite.build`), print.

The only package that prints or exits; the library raises :class:`~okrsite.errors.OkrError`.
One module per family of commands: :mod:`.goals` (check, export, show, schema, lsp),
:mod:`.site` (build, serve), :mod:`.publish`, :mod:`.workflow` (diff, checkin, init,
carry-over, codeowners); :mod:`.options` holds what they share.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import __version__
from ..errors import GoalErrors, OkrError
from . import goals, publish, site, workflow


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


for command in (
    goals.check, goals.export, goals.show, goals.schema, goals.lsp,
    site.build, site.serve,
    workflow.diff_command, publish.publish, workflow.checkin, workflow.init,
    workflow.carry_over, workflow.codeowners,
):
    cli.add_command(command)


def main() -> None:
    """The ``okrsite`` command."""
    cli()
