"""``okrsite serve``'s goals side: an edit re-reads one file and re-renders the pages it changed.

:class:`GoalsPreview` is the :class:`~okrsite.site.serve.Source` that
:func:`okrsite.site.serve_project` previews. It keeps every goal file's bytes and parsed
document, and the last good version of the site: the goals, their scores and every page.
On a change it

1. re-reads only the files the watcher named (a folder: every goal file under it) and parses
   only those whose bytes differ;
2. validates and models the whole organisation again, reusing what depends on one unchanged
   document only (its schema problems, its objective: :class:`Checked`), and scores again
   only what the edit can change (:func:`okrsite.score.rescore`); an error keeps the last
   good version, and the browser shows it;
3. compares the new model and scores with the last good ones (:func:`affected`): what changed
   in an objective, a KPI or a unit's standing, and which pages show it. The objective,
   the objectives it is aligned to (their rows show its score), those aligned to it when its
   title changed (their breadcrumbs show it), those it shares key results with, its KPI,
   its unit and the units above, and home are rendered at once: an edit shows where one
   looks for it;
4. leaves the overview pages (attention, alignment, units, KPIs, updates, tags) and the other
   files (``api/okrs.json``, ``feed.xml``, the badges) for a second refresh
   (:meth:`GoalsPreview.later`), which the next edit may interrupt and restart.

Whatever alters the site's structure (``org.yml`` beyond a unit's name or lead, the as-of date,
an objective, key result or KPI added, removed, moved to another parent, owner or period, made
private or public) makes a full render instead, as ``okrsite build`` renders. A change of the
navigation (a unit in it renamed) rewrites ``mkdocs.yml``, and MkDocs builds every page again.
Either way, the staging project the preview serves is the one ``okrsite build`` writes for the
same files once the later work is done.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import OkrError, Problem
from ..load import (
    ORG_FILE,
    Document,
    LoadedTree,
    Source,
    display_name,
    display_prefix,
    goal_order,
    is_goal_path,
    is_table_path,
    iter_goal_paths,
    load_sources,
    parse_goal,
    parse_org,
    read_goals_dir,
    read_tables,
)
from ..load import parse_all as parse_sources
from ..load.files import read_file
from ..model import Goals
from ..render.pages import (
    Page,
    home_page,
    index_pages,
    kpi_pages,
    navigation,
    objective_pages,
    render_site,
    site_files,
    tag_pages,
    unit_pages,
    updates_page,
)
from ..render.view import View
from ..score import Scorecard, rescore, score_goals
from ..site.config import config_dir, doc_path, read_user_config
from ..site.project import page_source, project_files, user_sources
from ..site.serve import Refresh
from .changes import Version, affected
from .checked import Checked

Parsed = tuple[Document | None, list[Problem]]


@dataclass(frozen=True)
class Overviews:
    """The overview pages and other files rendered for ``version``, waiting to be written."""

    version: Version
    pages: list[Page]
    files: dict[str, bytes]


# --- the source ---------------------------------------------------------------------------------


class GoalsPreview:
    """The goals folder and the user's configuration, as staging files (see the module)."""

    def __init__(self, goals_dir: Path, config_file: Path | None,
                 as_of: date | None = None, *, strict: bool = False) -> None:
        self.goals_dir = goals_dir.absolute()
        self.config_file = config_file
        self.as_of = as_of
        self.extra_config: dict[str, Any] = {"strict": True} if strict else {}
        """Merged over the derived configuration, as ``okrsite build`` merges it (``strict``:
        a warning of MkDocs fails the build)."""
        self.prefix = display_prefix(goals_dir)
        self.sources: dict[str, Source] = {}
        self.parsed: dict[str, Parsed] = {}
        self.good: Version | None = None
        self.pending = False
        """The overviews and other files still show an older version: :meth:`later`."""
        self.suspect = False
        """A refresh failed unexpectedly: read everything again next time."""
        self.checked = Checked()
        self.known: frozenset[str] = frozenset()
        """The goal files read, for :meth:`relevant` on the watcher's thread."""

    # --- what the watcher watches ---

    def watched(self) -> list[tuple[Path, bool]]:
        found = [(self.goals_dir, True)]
        for path in user_sources(self.config_file):
            found.append((path.absolute(), path.is_dir()))
        theme = read_user_config(self.config_file).get("theme")
        custom = theme.get("custom_dir") if isinstance(theme, dict) else None
        if custom:
            found.append(((config_dir(self.config_file) / str(custom)).absolute(), True))
        return found

    def is_goal_change(self, path: Path) -> bool:
        return path == self.goals_dir or self.goals_dir in path.parents

    def relevant(self, path: Path) -> bool:
        """A goal file, a folder that may hold some, or anything of the user's project; not
        an editor's or a tool's temporary file beside goal files."""
        if not self.is_goal_change(path):
            return True
        rel = path.relative_to(self.goals_dir).as_posix()
        if rel == "." or is_goal_path(rel) or path.is_dir():
            return True
        known = self.known  # replaced whole by the builder's thread, never changed in place
        return not path.exists() and any(r.startswith(f"{rel}/") for r in known)

    # --- reading ---

    def read_all(self) -> None:
        sources = read_goals_dir(self.goals_dir, self.prefix)
        self.sources = {s.rel: s for s in sources}
        files = [s for s in sources if not is_table_path(s.rel)]
        self.parsed = dict(zip((s.rel for s in files), parse_sources(files), strict=True))
        self.known = frozenset(self.sources)

    def read_changed(self, paths: Iterable[Path]) -> int:
        """Read again the goal files at or below ``paths``; how many changed."""
        wanted: set[str] = set()
        on_disk: set[str] | None = None
        for path in paths:
            rel = path.relative_to(self.goals_dir).as_posix()
            if path.is_file():
                if is_goal_path(rel):
                    wanted.add(rel)
                continue
            if on_disk is None:  # a folder, or something gone: look at everything below it
                on_disk = set(iter_goal_paths(self.goals_dir))
            under = "" if rel == "." else f"{rel}/"
            wanted.update(r for r in (*on_disk, *self.sources) if r.startswith(under)
                          or r == rel)
        changed = 0
        for rel in wanted:
            path = self.goals_dir / rel
            if not os.path.lexists(path) or path.is_dir():
                if self.sources.pop(rel, None) is not None:
                    self.parsed.pop(rel, None)
                    changed += 1
                continue
            source = read_file(path, rel, display_name(self.prefix, rel))
            if self.sources.get(rel) == source:
                continue
            self.sources[rel] = source
            if not is_table_path(rel):
                self.parsed[rel] = (parse_org(source) if rel == ORG_FILE
                                    else parse_goal(source))
            changed += 1
        self.known = frozenset(self.sources)
        return changed

    def tree(self) -> LoadedTree:
        """The loaded tree, as :func:`okrsite.load.load_sources` assembles it from the files."""
        order = sorted(self.sources, key=goal_order)
        if ORG_FILE not in self.parsed:  # it reports the missing org.yml
            return load_sources([self.sources[rel] for rel in order], self.prefix)
        org: Document | None = None
        goals: list[Document] = []
        problems = []
        for rel in order:
            if is_table_path(rel):
                continue
            doc, found = self.parsed[rel]
            if rel == ORG_FILE:
                org = doc
            elif doc is not None:
                goals.append(doc)
            problems.extend(found)
        tables, found = read_tables(goals, {rel: self.sources[rel] for rel in order
                                            if is_table_path(rel)})
        return LoadedTree(org, tuple(goals), (*problems, *found), tables)

    def scored(self) -> tuple[Goals, Scorecard]:
        """Validate, model and score the files as they are (:class:`GoalErrors` if wrong).
        Scored without git; after an edit, only what it can change is scored again."""
        goals = self.checked.goals(self.tree())
        as_of = self.as_of or date.today()
        if self.good is None:
            return goals, score_goals(goals, as_of)
        return goals, rescore(goals, as_of, self.good.goals, self.good.card)

    # --- the staging project ---

    def project(self, version: Version) -> dict[str, bytes]:
        return project_files(version.content(), default_name=version.goals.org.name,
                             config_file=self.config_file, extra_config=self.extra_config)

    def start(self) -> Mapping[str, bytes]:
        self.read_all()
        goals, card = self.scored()
        self.good = Version.of(goals, card, render_site(goals, card))
        return self.project(self.good)

    def refresh(self, changed: set[Path]) -> Refresh:
        try:
            return self.refreshed(changed)
        except OkrError:
            raise
        except Exception:
            self.suspect = True  # whatever state it left, the next refresh reads it all again
            raise

    def refreshed(self, changed: set[Path]) -> Refresh:
        assert self.good is not None, "start() first"
        if self.suspect:
            self.suspect = False
            self.checked = Checked()
            self.read_all()
            goals_changed = len(self.sources)
        else:
            goals_changed = self.read_changed(p for p in changed if self.is_goal_change(p))
        project_changed = any(not self.is_goal_change(p) for p in changed)
        today = self.as_of or date.today()
        if not goals_changed and today == self.good.card.as_of:
            if project_changed:
                return Refresh(files=self.project(self.good), more=self.pending,
                               summary="configuration or docs changed")
            return Refresh(more=self.pending)
        began = time.perf_counter()
        goals, card = self.scored()
        view = View(goals, card)
        scored = time.perf_counter()
        plan = affected(self.good, goals, card, view)
        if plan is None:
            self.good = Version.of(goals, card, render_site(goals, card))
            self.pending = False
            return Refresh(files=self.project(self.good),
                           summary=f"{goals_changed} goal files changed: every page re-rendered")
        nav = navigation(view)
        project_changed = project_changed or nav != self.good.nav  # then every page changes
        self.good = Version(goals, card, view, dict(self.good.pages), self.good.files, nav)
        pages = [
            *objective_pages(view, [o for o in goals.objectives if o.id in plan.objectives]),
            *unit_pages(view, [u for u in goals.org.units if u.id in plan.units]),
            *kpi_pages(view, [k for k in goals.kpis if k.id in plan.kpis]),
            home_page(view),
        ]
        updates = self.take(self.good, pages)
        self.pending = self.pending or plan.changed > 0
        summary = (f"{goals_changed} goal files changed: checked and scored in "
                   f"{scored - began:.2f} s, {len(pages)} pages re-rendered in "
                   f"{time.perf_counter() - scored:.2f} s")
        if project_changed:
            return Refresh(files=self.project(self.good), more=self.pending, summary=summary)
        return Refresh(updates=updates, more=self.pending, summary=summary)

    @staticmethod
    def take(version: Version, pages: Iterable[Page]) -> dict[str, bytes | None]:
        """Pages into ``version``, and as staging files."""
        updates: dict[str, bytes | None] = {}
        for page in pages:
            version.pages[page.url] = page
            updates[f"docs/{doc_path(page.url)}"] = page_source(page)
        return updates

    def later(self, interrupted: Callable[[], bool]) -> Overviews | None:
        """The overview pages and the other files of the good version, rendered on the
        preview's own thread; ``None`` when they are up to date or ``interrupted()``."""
        version = self.good
        if version is None or not self.pending:
            return None
        view = version.view
        pages: list[Page] = []

        def overview_pages() -> Iterator[Page]:
            yield from index_pages(view)
            yield updates_page(view)
            yield from tag_pages(view)

        for page in overview_pages():
            if interrupted():
                return None
            pages.append(page)
        if interrupted():
            return None
        return Overviews(version, pages, site_files(view))

    def commit(self, done: object) -> Refresh | None:
        if not isinstance(done, Overviews) or done.version is not self.good:
            return None  # rendered for a version a refresh has replaced since
        version = done.version
        tags = {url for url in version.pages if url.startswith("tags/")}
        updates = self.take(version, done.pages)
        for url in tags - {page.url for page in done.pages}:  # a tag nothing carries any more
            del version.pages[url]
            updates[f"docs/{doc_path(url)}"] = None
        updates.update({f"docs/{path}": data for path, data in done.files.items()})
        updates.update({f"docs/{path}": None for path in version.files.keys() - done.files.keys()})
        version.files = done.files
        self.pending = False
        return Refresh(updates=updates, summary="overviews, badges, feed and API re-rendered")
