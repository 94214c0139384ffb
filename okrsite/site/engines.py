"""The site engines that build a staging project: MkDocs (in this process) or Zensical.

:func:`run_engine` is the one entry: the engine by name, the staging project's ``mkdocs.yml``
and the (empty) folder the site goes into. An engine's failure is a :class:`BuildError`.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError
from .config import dump_config, read_user_config

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin


class Warnings(logging.Handler):
    """The warnings MkDocs logs while this is one of its handlers (those the filters let
    through: the ones a strict build counts)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def strict_failure(warnings: Sequence[str] = ()) -> str:
    """What a strict build that MkDocs warned about says: the warnings, or where they are."""
    rule = "and in strict mode a warning fails the build"
    if warnings:
        return f"MkDocs warned, {rule}: {' / '.join(warnings)}"
    return f"MkDocs warned (see above), {rule}"


def mkdocs_failure(exc: Exception) -> BuildError:
    """An exception of a MkDocs build as okrsite reports it."""
    if str(exc).endswith("in strict mode!"):  # mkdocs' Abort: "Aborted with 2 warnings …"
        return BuildError(strict_failure())
    return BuildError(f"mkdocs failed: {exc}")


def build_once(config: MkDocsConfig, plugins: Mapping[str, BasePlugin] | None = None) -> list[str]:
    """One MkDocs build of a loaded configuration, with okrsite's in-process ``plugins`` (by
    name) and the theme's compiled templates kept (:mod:`.theme_cache`); what MkDocs warned
    about."""
    from mkdocs.commands.build import build

    from . import theme_cache

    theme_cache.add_to(config)
    for name, plugin in (plugins or {}).items():
        config.plugins[name] = plugin
    caught = Warnings()
    logging.getLogger("mkdocs").addHandler(caught)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
        logging.getLogger("mkdocs").removeHandler(caught)
    return caught.messages


def run_mkdocs(config_path: Path, out_dir: Path, *, processes: int | None = None,
               share_pages: int | None = None) -> None:
    """Build with MkDocs' Python API into ``out_dir``, as ``mkdocs build`` does; a large
    project in shares on several cores, the same site (:func:`~okrsite.site.shards.plan_shards`
    says when, and takes ``processes`` and ``share_pages``)."""
    from jinja2 import TemplateError
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .shards import PLUGIN_NAME, SHARD_PAGES, build_sharded, plan_shards

    try:
        config = load_config(str(config_path), site_dir=str(out_dir))
        plan = plan_shards(config, processes, share_pages or SHARD_PAGES)
        if plan is None:
            build_once(config)
        else:
            build_sharded(config_path, out_dir, plan,
                          lambda shard: build_once(config, {PLUGIN_NAME: shard}))
    except (MkDocsException, TemplateError, OSError) as exc:
        raise mkdocs_failure(exc) from exc


def run_zensical(config_path: Path, out_dir: Path) -> None:
    """Build with Zensical (a separate program), then move its output into ``out_dir``.

    Zensical insists on a ``site_dir`` inside the project, so it builds into the staging
    folder first.
    """
    staging = config_path.parent
    built = staging / "zensical-site"
    config = read_user_config(config_path)
    config["site_dir"] = built.name
    variant = staging / "zensical.yml"
    variant.write_text(dump_config(config), encoding="utf-8")
    shutil.rmtree(built, ignore_errors=True)
    command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(variant)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not built.is_dir():
        raise BuildError(f"zensical failed:\n{done.stderr or done.stdout}")
    out_dir.rmdir()
    shutil.move(built, out_dir)


_RUNNERS: dict[str, Callable[[Path, Path], None]] = {"mkdocs": run_mkdocs, "zensical": run_zensical}
ENGINES = tuple(_RUNNERS)
"""The engines' names, for ``--engine``."""


def run_engine(name: str, config_path: Path, out_dir: Path) -> None:
    """Build the staging project of ``config_path`` with engine ``name`` into ``out_dir``."""
    runner = _RUNNERS.get(name)
    if runner is None:
        raise BuildError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    runner(config_path, out_dir)
