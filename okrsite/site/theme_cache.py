"""The theme's compiled templates kept between builds (see :mod:`okrsite.compiled`).

MkDocs makes the theme's Jinja environment afresh in every build, and compiling
mkdocs-material's templates is a fixed cost of each process that builds pages. The plugin here,
added to a loaded configuration only (never to the staging project's ``mkdocs.yml``), gives
that environment Jinja's bytecode cache through the documented ``on_env`` event, unless
something else gave it one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin

from ..compiled import template_cache

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

PLUGIN_NAME = "okrsite/compiled-theme"


class CompiledTheme(BasePlugin):
    """Gives the theme's environment the cache of compiled templates."""

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if env.bytecode_cache is None:
            env.bytecode_cache = template_cache()
        return env


def add_to(config: MkDocsConfig) -> None:
    """Add :class:`CompiledTheme` to a loaded configuration's plugins."""
    config.plugins[PLUGIN_NAME] = CompiledTheme()
