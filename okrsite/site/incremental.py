"""Incremental builds for the live preview: write only what changed, rebuild only those pages.

:class:`Staging` is the staging project on disk with a copy of every file in memory: a
refresh hands it some files (or the whole project) and it writes only those whose bytes
differ, and says which they were. The project stays plain: at any moment
``mkdocs build -f <staging>/mkdocs.yml`` builds what the preview serves.

:class:`Engine` builds the staging project with MkDocs into the folder the preview serves:

* a **full** build (into a fresh folder swapped in whole, as ``okrsite build`` does) first,
  and whenever ``mkdocs.yml`` or ``theme/`` changed, the user's configuration has plugins
  or hooks other than search, or the last build failed;
* otherwise a **dirty** build (``mkdocs.commands.build.build(config, dirty=True)``, what
  ``mkdocs serve --dirty`` runs): MkDocs reads and renders only the pages whose source is
  newer than their output, and copies only the newer static files.

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

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin

from ..errors import BuildError
from .project import remove_empty_folders, sync_tree
from .swap import atomic_site

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

PLUGIN_NAME = "okrsite/preview"
"""The name :class:`Incremental` has among the loaded configuration's plugins."""
DIRTY_SAFE_PLUGINS = frozenset({"search", "material/search"})
"""Plugins whose output a dirty build plus :class:`SearchIndex` gets right; with any other
plugin or hook (which may gather something from every page) every build is full."""
SEARCH_INDEX = "search/search_index.json"
GENERATED_KEY = b"\nokrsite_html: "
"""In the front matter of every generated page (see :func:`~okrsite.site.project.page_source`)."""


def quiet_dirty(record: logging.LogRecord) -> bool:
    """A logging filter: MkDocs' lines about a dirty build's progress, and its warning that it
    may be inaccurate, are dropped."""
    return record.levelno > logging.INFO and "'dirty' build" not in record.getMessage()


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
        data = self.files.get(rel, b"")
        front, _, _ = data.partition(b"\n---\n")
        return data.startswith(b"---\n") and GENERATED_KEY in front


# --- the search index ---------------------------------------------------------------------------


class SearchIndex:
    """The search plugin's ``search_index.json`` as entries by page, to merge partial builds."""

    def __init__(self, config: Any, pages: dict[str, list[Any]]) -> None:
        self.config = config
        self.pages = pages

    @staticmethod
    def page_of(entry: Mapping[str, Any]) -> str:
        """The URL of the page an entry (a page or one of its sections) belongs to."""
        return str(entry["location"]).partition("#")[0]

    @classmethod
    def read(cls, site_dir: Path) -> SearchIndex | None:
        """The index a build wrote (``None``: there is none, or not in the expected form)."""
        path = site_dir / SEARCH_INDEX
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pages: dict[str, list[Any]] = {}
            for entry in data["docs"]:
                pages.setdefault(cls.page_of(entry), []).append(entry)
            return cls(data["config"], pages)
        except (ValueError, KeyError, TypeError):
            return None

    def merge(self, partial: SearchIndex, rebuilt: Iterable[str], order: Iterable[str]) -> None:
        """Take the entries of the ``rebuilt`` pages from ``partial``; keep the pages of
        ``order`` only, in that order (the order a full build indexes them in)."""
        for url in rebuilt:
            self.pages[url] = partial.pages.get(url, [])
        self.config = partial.config
        self.pages = {url: self.pages[url] for url in order if url in self.pages}

    def write(self, site_dir: Path) -> None:
        """Written as the search plugin writes it (compact JSON), so a full build agrees."""
        docs = [entry for entries in self.pages.values() for entry in entries]
        text = json.dumps({"config": self.config, "docs": docs}, separators=(",", ":"),
                          default=str)
        (site_dir / SEARCH_INDEX).write_text(text, encoding="utf-8")


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
        self.rebuilt: list[str] = []
        """The URLs of the pages the last build rendered."""

    def start(self, *, dirty: bool) -> None:
        self.dirty = dirty
        self.rebuilt = []
        if not dirty:
            self.env = None  # a full build compiles the theme afresh

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.outputs = {f.src_uri: f.dest_uri for f in files if f.abs_src_path is not None}
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.dirty:
            for page in nav.pages:
                source = page.file.abs_src_path
                generated = self.staging.is_generated(f"docs/{page.file.src_uri}")
                if source is not None and (page.title is None or not generated):
                    os.utime(source)  # read, and drawn in the nav, as in a full build
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.pages = [f.page.url for f in files.documentation_pages() if f.page is not None]
        if self.env is None:
            self.env = env
        return self.env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        self.rebuilt.append(page.url)
        return page


# --- the engine -------------------------------------------------------------------------------


class Engine:
    """Builds the staging project into ``site_dir``: full, or dirty where that is safe."""

    def __init__(self, staging: Staging, site_dir: Path) -> None:
        self.staging = staging
        self.site_dir = site_dir
        self.plugin = Incremental(staging)
        self.search: SearchIndex | None = None
        self.needs_full = True
        self.config: MkDocsConfig | None = None
        """The configuration of the first build (its ``dev_addr`` and ``site_url``)."""

    def build(self, changed: set[str]) -> str:
        """Bring the site up to date after ``changed`` staging files; what it did, in words.

        A failed build raises :class:`BuildError`, and the next one is full."""
        full = self.needs_full or any(rel == "mkdocs.yml" or rel.startswith("theme/")
                                      for rel in changed)
        if not changed and not full:
            return "nothing to rebuild"
        self.needs_full = True  # until this build succeeds
        if not full:
            before = dict(self.plugin.outputs)
            config = self.load(self.site_dir)
            if set(config.plugins) <= DIRTY_SAFE_PLUGINS:
                self.run(config, dirty=True)
                self.remove_outputs(before)
                self.needs_full = not self.merge_search()
                return f"{len(self.plugin.rebuilt)} pages rebuilt"
        with atomic_site(self.site_dir) as out:
            self.run(self.load(out), dirty=False)
        self.search = SearchIndex.read(self.site_dir)
        self.needs_full = False
        return f"full build of {len(self.plugin.pages)} pages"

    def load(self, out: Path) -> MkDocsConfig:
        """The staging project's configuration, building into ``out``."""
        try:
            config = load_config(str(self.staging.config_path), site_dir=str(out))
        except (MkDocsException, OSError) as exc:
            raise BuildError(f"mkdocs failed: {exc}") from exc
        if self.config is None:
            config.plugins.on_startup(command="build", dirty=False)
            self.config = config
        return config

    def run(self, config: MkDocsConfig, *, dirty: bool) -> None:
        """One MkDocs build, with :class:`Incremental` among its plugins (a dirty one without
        MkDocs' progress lines and its warning that dirty builds may be inaccurate: these are
        made accurate)."""
        self.plugin.start(dirty=dirty)
        config.plugins[PLUGIN_NAME] = self.plugin
        quiet = logging.getLogger("mkdocs.commands.build")
        if dirty:
            quiet.addFilter(quiet_dirty)
        try:
            build(config, dirty=dirty)
        except (MkDocsException, TemplateError, OSError) as exc:
            raise BuildError(f"mkdocs failed: {exc}") from exc
        finally:
            quiet.removeFilter(quiet_dirty)

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

    def merge_search(self) -> bool:
        """Write the search index of every page, as a full build writes it; ``False`` when
        that cannot be done (then the next build is full)."""
        partial = SearchIndex.read(self.site_dir)
        if self.search is None or partial is None:
            return self.search is None and partial is None  # no search at all: fine
        self.search.merge(partial, self.plugin.rebuilt, self.plugin.pages)
        self.search.write(self.site_dir)
        return True
