"""Incremental builds for the live preview: write only what changed, rebuild only those pages.

:class:`Staging` is the staging project on disk with a copy of every file in memory: a
refresh hands it some files (or the whole project) and it writes only those whose bytes
differ, and says which they were. The project stays plain: at any moment
``mkdocs build -f <staging>/mkdocs.yml`` builds what the preview serves.

:class:`Engine` builds the staging project with MkDocs into the folder the preview serves:

* a **full** build (into a fresh folder swapped in whole, as ``okrsite build`` does, and as
  there in shares on several cores for a large project: :mod:`okrsite.site.shards`) first,
  and whenever ``mkdocs.yml`` or ``theme/`` changed, the user's configuration has plugins
  or hooks other than search, or the last build failed;
* otherwise a **dirty** build (``mkdocs.commands.build.build(config, dirty=True)``, what
  ``mkdocs serve --dirty`` runs): MkDocs reads and renders only the pages whose source is
  newer than their output, and copies only the newer static files. It writes into the served
  site, so a ``strict`` configuration (where a warning fails the build when it is done)
  builds in full instead, and a failed build leaves the last good site.

When only generated pages and static files changed (an edit's usual outcome), MkDocs builds
just those pages, in a project of their own beside the site (:meth:`Engine.build_pages`): the
staging project's configuration with a ``docs_dir`` holding those pages and the pages of the
navigation only, so that MkDocs lists, reads and renders a few dozen pages rather than
thousands; their output (the same: see there) and the changed static files are copied into
the site.

What a dirty build alone would get wrong is put right through the documented plugin events
of an in-process plugin (:class:`Incremental`, added to the loaded configuration only, never
to the staging project's ``mkdocs.yml``):

* ``on_nav``: a page of the navigation whose title or metadata MkDocs only knows by reading
  it (the user's own pages) is touched, so that it is read and its entry drawn as in a full
  build (generated pages carry their title in the nav);
* ``on_env``: the theme's Jinja environment of the last full build is reused, so that its
  templates are not compiled again for every edit (the theme cannot have changed: a change
  under ``theme/`` makes a full build);
* ``on_files``, ``on_env`` and ``on_pre_page``: which files and pages there are and which
  pages were rebuilt, so that the output of a removed source is deleted and the search index,
  which the search plugin writes with the rebuilt pages' entries only, is merged with the
  other pages' entries in the order a full build writes them (:class:`SearchIndex`).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin

from ..errors import BuildError
from . import theme_cache
from .engines import Warnings, mkdocs_failure, strict_failure
from .project import remove_empty_folders, sync_tree
from .search import MERGEABLE_PLUGINS, SearchIndex
from .shards import PLUGIN_NAME as SHARD_PLUGIN
from .shards import SHARD_PAGES, Shard, build_sharded, is_generated, page_url, plan_shards
from .swap import atomic_site

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

PLUGIN_NAME = "okrsite/preview"
"""The name :class:`Incremental` has among the loaded configuration's plugins."""
SERVE_FIRST_SHARE = 0.3
"""The part of the pages outside the navigation the preview's own process builds in a full
build (see :func:`~okrsite.site.shards.plan_shards`): less than ``okrsite build``'s, as its
watcher and server threads share its core."""


def quiet_dirty(record: logging.LogRecord) -> bool:
    """A logging filter: MkDocs' lines about a dirty build's progress, and its warning that it
    may be inaccurate, are dropped."""
    return record.levelno > logging.INFO and "'dirty' build" not in record.getMessage()


def errors_only(record: logging.LogRecord) -> bool:
    """A logging filter that lets errors through only."""
    return record.levelno >= logging.ERROR


# --- the staging project ------------------------------------------------------------------------


class Staging:
    """The staging project on disk and a copy in memory of every file it holds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, bytes] = {}
        self.synced = False

    @property
    def config_path(self) -> Path:
        return self.root / "mkdocs.yml"

    def replace(self, files: Mapping[str, bytes]) -> set[str]:
        """Make the project hold exactly ``files``; the paths that changed."""
        changed = {rel for rel, data in files.items() if self.files.get(rel) != data}
        changed |= self.files.keys() - files.keys()
        sync_tree(self.root, files)  # checks the folder is ours; rewrites what differs on disk
        self.files = dict(files)
        if not self.synced:
            self.synced = True
            changed = set(files)
        return changed

    def update(self, files: Mapping[str, bytes | None]) -> set[str]:
        """Write some files (``None``: delete it); the paths that changed."""
        changed = set()
        for rel, data in files.items():
            if self.files.get(rel) == data:
                continue
            changed.add(rel)
            target = self.root / rel
            if data is None:
                self.files.pop(rel, None)
                target.unlink(missing_ok=True)
                remove_empty_folders(self.root, rel)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self.files[rel] = data
        return changed

    def is_generated(self, rel: str) -> bool:
        """A page okrsite wrote (its title is in the nav, its metadata holds nothing the theme
        shows elsewhere), rather than one of the user's."""
        return is_generated(self.files.get(rel, b""))


# --- the in-process plugin --------------------------------------------------------------------


class Incremental(BasePlugin):
    """What a dirty build needs to agree with a full one (see the module's documentation).

    Added to a loaded configuration's plugins (``config.plugins[name] = plugin``, as MkDocs
    adds hooks), never named in the staging project's ``mkdocs.yml``."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.env: Environment | None = None
        self.dirty = False
        self.pages: list[str] = []
        """The URLs of the documentation pages, in the order MkDocs builds them."""
        self.outputs: dict[str, str] = {}
        """Every source file's output, by source path inside ``docs/``."""
        self.rebuilt: dict[str, str] = {}
        """The pages the last build rendered: their URLs by source path inside ``docs/``."""
        self.nav_sources: list[str] = []
        """The source paths of the pages in the navigation."""

    def start(self, *, dirty: bool) -> None:
        self.dirty = dirty
        self.rebuilt = {}
        if not dirty:
            self.env = None  # a full build compiles the theme afresh

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Here, before a shard's build keeps only its own files (see okrsite.site.shards).
        self.outputs = {f.src_uri: f.dest_uri for f in files if f.abs_src_path is not None}
        self.pages = [page_url(f.url) for f in files.documentation_pages()]
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav_sources = [page.file.src_uri for page in nav.pages]
        if self.dirty:
            for page in nav.pages:
                source = page.file.abs_src_path
                generated = self.staging.is_generated(f"docs/{page.file.src_uri}")
                if source is not None and (page.title is None or not generated):
                    os.utime(source)  # read, and drawn in the nav, as in a full build
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        if self.env is None:
            self.env = env
        return self.env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        self.rebuilt[page.file.src_uri] = page.url
        return page


# --- the engine -------------------------------------------------------------------------------


class Engine:
    """Builds the staging project into ``site_dir``: full, or dirty where that is safe; and
    when only generated pages and static files changed, builds those pages in a project of
    their own (:meth:`build_pages`)."""

    def __init__(self, staging: Staging, site_dir: Path, *,
                 share_pages: int = SHARD_PAGES) -> None:
        self.staging = staging
        self.site_dir = site_dir
        self.share_pages = share_pages
        """The fewest pages a share of a full build has (see
        :func:`~okrsite.site.shards.plan_shards`)."""
        self.plugin = Incremental(staging)
        self.search: SearchIndex | None = None
        self.needs_full = True
        self.config: MkDocsConfig | None = None
        """The configuration of the first build (its ``dev_addr`` and ``site_url``)."""
        self.pages_dir = site_dir.with_name(f"{site_dir.name}-pages")
        self.pages_plugin = Incremental(staging)
        self.pages_files: dict[str, bytes] = {}

    def build(self, changed: set[str]) -> str | None:
        """Bring the site up to date after ``changed`` staging files; what it did, in words
        (``None``: nothing to do).

        A failed build raises :class:`BuildError`, and the next one is full."""
        full = self.needs_full or any(rel == "mkdocs.yml" or rel.startswith("theme/")
                                      for rel in changed)
        if not changed and not full:
            return None
        self.needs_full = True  # until this build succeeds
        if not full:
            pages = self.generated_only(changed)
            if pages is not None and self.build_pages(pages, changed):
                self.needs_full = False
                return f"{len(pages)} pages rebuilt, {len(changed) - len(pages)} files copied"
            config = self.load(self.site_dir)
            if set(config.plugins) <= MERGEABLE_PLUGINS and not config.strict:
                before = dict(self.plugin.outputs)
                self.run(config, self.plugin, dirty=True)
                self.remove_outputs(before)
                self.needs_full = not self.merge_search(self.site_dir, self.plugin.rebuilt)
                return f"{len(self.plugin.rebuilt)} pages rebuilt"
        with atomic_site(self.site_dir) as out:
            self.run_full(self.load(out), out)
        self.search = SearchIndex.read(self.site_dir)
        self.pages_plugin.env = None  # the theme may have changed
        self.build_pages(set(), set())  # ready for the next edit
        self.needs_full = False
        return f"full build of {len(self.plugin.pages)} pages"

    def load(self, out: Path, docs_dir: Path | None = None) -> MkDocsConfig:
        """The staging project's configuration, building into ``out`` (from ``docs_dir``)."""
        extra = {"docs_dir": str(docs_dir)} if docs_dir is not None else {}
        try:
            config = load_config(str(self.staging.config_path), site_dir=str(out), **extra)
        except (MkDocsException, OSError) as exc:
            raise BuildError(f"mkdocs failed: {exc}") from exc
        if self.config is None:
            config.plugins.on_startup(command="build", dirty=False)
            self.config = config
        return config

    def run_full(self, config: MkDocsConfig, out: Path) -> None:
        """A full build into ``out``: a large project in shares on several cores (see
        :mod:`okrsite.site.shards`), this process building the first with :attr:`plugin`."""
        plan = plan_shards(config, share_pages=self.share_pages, share=SERVE_FIRST_SHARE)
        if plan is None:
            self.run(config, self.plugin, dirty=False)
            return
        try:
            build_sharded(self.staging.config_path, out, plan,
                          lambda shard: self.run(config, self.plugin, dirty=False, shard=shard))
        except (MkDocsException, TemplateError, OSError) as exc:  # a share's, built again here
            raise mkdocs_failure(exc) from exc

    def run(self, config: MkDocsConfig, plugin: Incremental, *, dirty: bool,
            quiet_links: bool = False, shard: Shard | None = None) -> list[str]:
        """One MkDocs build, with ``plugin`` (and ``shard``) among its plugins (a dirty one
        without MkDocs' progress lines and its warning that dirty builds may be inaccurate:
        these are made accurate); what MkDocs warned about."""
        plugin.start(dirty=dirty)
        theme_cache.add_to(config)
        config.plugins[PLUGIN_NAME] = plugin
        if shard is not None:
            config.plugins[SHARD_PLUGIN] = shard
        quiet: list[tuple[logging.Logger, Callable[[logging.LogRecord], bool]]] = []
        if dirty:
            quiet.append((logging.getLogger("mkdocs.commands.build"), quiet_dirty))
        if quiet_links:
            quiet.append((logging.getLogger("mkdocs.structure.pages"), errors_only))
        for logger, keep in quiet:
            logger.addFilter(keep)
        warnings = Warnings()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(warnings)
        try:
            build(config, dirty=dirty)
        except (MkDocsException, TemplateError, OSError) as exc:
            if config.strict and warnings.messages:
                raise BuildError(strict_failure(warnings.messages)) from exc
            raise BuildError(f"mkdocs failed: {exc}") from exc
        finally:
            mkdocs_log.removeHandler(warnings)
            for logger, keep in quiet:
                logger.removeFilter(keep)
        return warnings.messages

    def generated_only(self, changed: set[str]) -> set[str] | None:
        """The generated pages among ``changed`` (by source path inside ``docs/``), when every
        other changed file is a static file of ``docs/`` and nothing was added or removed;
        else ``None``."""
        pages = set()
        for rel in changed:
            src = rel.removeprefix("docs/")
            if src == rel or src not in self.plugin.outputs or rel not in self.staging.files:
                return None
            if src.endswith(".md"):
                if not self.staging.is_generated(rel):
                    return None
                pages.add(src)
        return pages

    def build_pages(self, pages: set[str], changed: set[str]) -> bool:
        """Rebuild ``pages`` (generated ones, no page added or removed, the same nav) in a
        project of their own, the staging project's configuration with another ``docs_dir``
        holding only them and the pages of the navigation; copy their output, and the other
        ``changed`` files, into the site.

        Such a page's output does not depend on the pages outside the navigation (okrsite's
        HTML never goes through Markdown, and so holds no link MkDocs rewrites), so a build
        that skips reading, and even listing, the site's thousands of other pages makes it
        the same. MkDocs' warnings about the links of the user's pages there (whose targets
        it cannot see) are not shown: the full build shows them. When only static files
        changed (the API, the badges), MkDocs does not run: they are copied. ``False`` (and
        nothing done) when the configuration needs full builds."""
        docs = self.pages_dir / "docs"
        out = self.pages_dir / "site"
        docs.mkdir(parents=True, exist_ok=True)
        config = self.load(out, docs)
        if not set(config.plugins) <= MERGEABLE_PLUGINS:
            return False
        if changed and not pages:  # static files only (the API, badges): nothing to render
            self.copy_changed(changed, pages)
            return True
        wanted = {src: self.staging.files[f"docs/{src}"]
                  for src in {*self.plugin.nav_sources, *pages}}
        for src in self.pages_files.keys() - wanted.keys():
            (docs / src).unlink(missing_ok=True)
            remove_empty_folders(docs, src)
        for src, data in wanted.items():
            if src in pages or self.pages_files.get(src) != data:
                (docs / src).parent.mkdir(parents=True, exist_ok=True)
                (docs / src).write_bytes(data)
        self.pages_files = wanted
        self.run(config, self.pages_plugin, dirty=True, quiet_links=True)
        for src in pages:
            self.copy(out / self.plugin.outputs[src], self.plugin.outputs[src])
        self.copy_changed(changed, pages)
        rebuilt = {src: url for src, url in self.pages_plugin.rebuilt.items() if src in pages}
        if not self.merge_search(out, rebuilt):
            raise BuildError("the search index cannot be merged")
        return True

    def copy_changed(self, changed: set[str], pages: set[str]) -> None:
        """Copy the ``changed`` staging files but ``pages`` (static files) into the site."""
        for rel in changed:
            src = rel.removeprefix("docs/")
            if src not in pages:
                self.copy(self.staging.root / rel, self.plugin.outputs[src])

    def copy(self, source: Path, dest: str) -> None:
        target = self.site_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def shutdown(self) -> None:
        """The plugins' ``on_shutdown``, once the preview ends."""
        if self.config is not None:
            self.config.plugins.on_shutdown()

    def remove_outputs(self, before: Mapping[str, str]) -> None:
        """Delete what the sources removed since the last build had put into the site."""
        kept = set(self.plugin.outputs.values())
        for src in before.keys() - self.plugin.outputs.keys():
            dest = before[src]
            target = self.site_dir / dest
            if dest not in kept and target.is_file():
                target.unlink()
                remove_empty_folders(self.site_dir, dest)

    def merge_search(self, built: Path, rebuilt: Mapping[str, str]) -> bool:
        """Write the search index of every page into the site, as a full build writes it,
        from the entries of the ``rebuilt`` pages in the one written into ``built``; ``False``
        when that cannot be done (then the next build is full)."""
        partial = SearchIndex.read(built)
        if self.search is None or partial is None:
            return self.search is None and partial is None  # no search at all: fine
        self.search.merge(partial, rebuilt.values(), self.plugin.pages)
        self.search.write(self.site_dir)
        return True
