"""The last stage: rendered content -> a plain MkDocs project -> a site. The only package that
imports mkdocs; it takes :class:`~okrsite.render.pages.SiteContent` and knows no goals.

* :mod:`.config`: the user's ``mkdocs.yml`` read and written back with its tags, and the
  configuration derived from it;
* :mod:`.project`: the staging project (``mkdocs.yml``, ``docs/``, ``theme/``), synced file by
  file;
* :mod:`.engines`: :func:`run_engine` builds the staging project with MkDocs or Zensical; a
  large one in shares on several cores (:mod:`.shards`, which merges the search indexes with
  :mod:`.search`);
* :mod:`.swap`: :func:`atomic_site`, the site built beside the old one and swapped in whole;
* :mod:`.lock`: :func:`staging_lock`, one build, publish or serve at a time per staging folder;
* :mod:`.serve`: the live preview around a ``regenerate`` callback.

Nothing in the staging project needs a plugin of ours: ``mkdocs build -f .okrsite/mkdocs.yml``
rebuilds the same site.

A generated page is one Markdown file, ``docs/<url>/index.md``, pre-rendered and escaped by
:mod:`okrsite.render`:

* its front matter holds a neutralised ``title`` and ``okrsite_html``, the page's HTML as a YAML
  string, which ``docs_theme/main.html``'s ``content`` block writes out as it is: data, never
  Jinja source;
* its Markdown body is the page's search summary, one line of HTML in a ``<div markdown="0">``.
  Python-Markdown keeps such a block verbatim and no line of it starts with goal text, so no
  extension (snippets, attr_list, fenced code, macros) finds anything to act on.

Neither holds a ``{`` (goal text has them as character references), so a macros plugin finds
nothing to evaluate either. The page's HTML never goes through Markdown, MkDocs' anchor scan or
the search indexer, which would parse every tag of it three times (most of a build's time);
the search index gets the short summary, whose headings carry the same anchors as the page.
"""

from __future__ import annotations

from .config import default_site_dir, find_config, load_config, read_user_config
from .engines import ENGINES, run_engine
from .lock import StagingInUse, staging_lock
from .project import (
    STAGING_MARKER,
    check_folders,
    files_under,
    sync_tree,
    user_sources,
    write_project,
    yaml_string,
)
from .serve import serve_project
from .swap import atomic_site

__all__ = [
    "ENGINES",
    "STAGING_MARKER",
    "StagingInUse",
    "atomic_site",
    "check_folders",
    "default_site_dir",
    "files_under",
    "find_config",
    "load_config",
    "read_user_config",
    "run_engine",
    "serve_project",
    "staging_lock",
    "sync_tree",
    "user_sources",
    "write_project",
    "yaml_string",
]
