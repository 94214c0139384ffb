"""MkDocs on several cores: a large staging project built in shares side by side, one site.

MkDocs builds one page after another, on one core, and at a few thousand pages that is most of
a build. A generated page's output depends only on the page itself and on the navigation (its
sidebar): okrsite's HTML never goes through Markdown, so MkDocs rewrites no link in it. So when
the project allows it (:func:`plan_shards`), its pages are shared out: this process builds the
first share into the site's folder, fresh Python processes (:func:`okrsite.parallel.alongside`)
build the others, each into a folder of its own, all from the same ``mkdocs.yml``. Each build
keeps, through the documented ``on_files`` event of an in-process plugin (:class:`Shard`,
never named in the staging project's ``mkdocs.yml``), the pages of the navigation and its own
share; the first share also keeps every other file (the theme's assets, badges, the API).

Then :func:`merge` makes the site one build of every page would have made (the same bytes, as
the tests check): the other shares' pages are moved in, and the two files written from every
page are put together in the order MkDocs builds the pages: the search index
(:class:`~okrsite.site.search.SearchIndex`) and ``sitemap.xml`` with its ``.gz``.
"""

from __future__ import annotations

import functools
import gzip
import html
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files, get_files

from ..parallel import alongside, cpus
from .engines import build_once
from .search import MERGEABLE_PLUGINS, SearchIndex

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

PLUGIN_NAME = "okrsite/shard"
SHARD_PAGES = 700
"""Pages a share needs to be worth a process of its own (which starts Python and MkDocs and
builds every page of the navigation again)."""
FIRST_SHARE = 0.5
"""The first share's part of the pages outside the navigation when there are two shares. This
process also copies the site's other files and merges the shares, the other one starts Python
and MkDocs first: on two cores, at 500 units, both builds end within a second of each other
(0.42 left this process waiting about 3 s for the other)."""
SHARES_DIR = "shares"
"""The folder of the staging project the other shares are built in, removed afterwards (and,
after a killed build, by the next one's sync of the project)."""
GENERATED_KEY = b"\nokrsite_html: "
"""In the front matter of every generated page (see :func:`~okrsite.site.project.page_source`)."""
SITEMAP = "sitemap.xml"
_SITEMAP_URL = re.compile(r"\s*<url>.*?</url>", re.DOTALL)
_LOC = re.compile(r"<loc>(.*?)</loc>")


@dataclass(frozen=True)
class ShardPlan:
    """Which build builds which page."""

    shares: tuple[frozenset[str], ...]
    """The pages outside the navigation each build builds (source paths inside ``docs/``); the
    first is this process'."""
    nav: frozenset[str]
    """The pages of the navigation: every build builds them (the first one's are kept)."""
    dest: Mapping[str, str]
    """Every page's output, by source path."""
    urls: tuple[str, ...]
    """Every page's URL, in the order MkDocs builds them."""
    locations: tuple[str, ...] = ()
    """Every page's address in the sitemap (its canonical URL), in the same order; none
    without a ``site_url``."""


class Shard(BasePlugin):
    """Keeps one share's files in a build (see the module's documentation)."""

    def __init__(self, pages: Iterable[str], *, everything_else: bool) -> None:
        self.pages = frozenset(pages)
        self.everything_else = everything_else

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.everything_else:
            kept = [f for f in files
                    if not f.is_documentation_page() or f.src_uri in self.pages]
        else:
            kept = [f for f in files if f.src_uri in self.pages]
        return Files(kept)


def nav_sources(nav: Any) -> set[str]:
    """The paths inside ``docs/`` a configuration's ``nav`` names."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return {path for value in nav.values() for path in nav_sources(value)}
    if isinstance(nav, list):
        return {path for entry in nav for path in nav_sources(entry)}
    return set()


def plan_shards(config: MkDocsConfig, processes: int | None = None,
                share_pages: int = SHARD_PAGES, share: float = FIRST_SHARE) -> ShardPlan | None:
    """How to share out the project's pages among ``processes`` builds (default: one per CPU),
    at least ``share_pages`` pages each, the first (this process') getting ``share`` of the
    pages outside the navigation when there are two; ``None``: build it whole.

    It is shared out only when every page is generated (a page of the user's could link to a
    page another build has not got), the navigation is written out, and no plugin or hook but
    search may gather something from every page."""
    if not set(config.plugins) <= MERGEABLE_PLUGINS or not isinstance(config.nav, list):
        return None
    pages = list(get_files(config).documentation_pages())
    count = min(processes or cpus(), len(pages) // max(share_pages, 1))
    if count < 2 or not all(generated(f.abs_src_path) for f in pages):
        return None
    nav = nav_sources(config.nav)
    rest = [f.src_uri for f in pages if f.src_uri not in nav]
    return ShardPlan(
        shares=share_out(rest, count, share),
        nav=frozenset(f.src_uri for f in pages if f.src_uri in nav),
        dest={f.src_uri: f.dest_uri for f in pages},
        urls=tuple(page_url(f.url) for f in pages),
        locations=canonical_urls(config.site_url, [page_url(f.url) for f in pages]),
    )


def page_url(file_url: str) -> str:
    """A page's URL (its ``page.url``) from its file's: the home page's is empty."""
    return "" if file_url in (".", "./") else file_url


def canonical_urls(site_url: str | None, urls: Sequence[str]) -> tuple[str, ...]:
    """The pages' canonical URLs, as MkDocs makes them (``site_url`` with a final slash,
    joined with the page's URL)."""
    if not site_url:
        return ()
    base = site_url if site_url.endswith("/") else f"{site_url}/"
    return tuple(urljoin(base, url) for url in urls)


def generated(path: str | None) -> bool:
    """The file at ``path`` is a page okrsite wrote (see :func:`is_generated`)."""
    if path is None:
        return False
    with open(path, "rb") as source:
        return is_generated(source.read(4096))


def is_generated(source: bytes) -> bool:
    """A page okrsite wrote (its front matter holds the page's HTML and its title is in the
    nav), not one of the user's: from its source, or the beginning of it."""
    front, _, _ = source.partition(b"\n---\n")
    return source.startswith(b"---\n") and GENERATED_KEY in front


def share_out(pages: Sequence[str], count: int,
              share: float = FIRST_SHARE) -> tuple[frozenset[str], ...]:
    """``pages`` dealt out in turn, the first share getting ``share`` of them when there are
    two shares (an equal part when there are more) and the others the rest evenly (dealt, not
    cut, so that each share has pages of every kind)."""
    shares: list[set[str]] = [set() for _ in range(count)]
    first = share if count == 2 else 1 / count
    dealt = 0  # to the other shares
    for i, page in enumerate(pages):
        if int((i + 1) * first) > int(i * first):
            shares[0].add(page)
        else:
            shares[1 + dealt % (count - 1)].add(page)
            dealt += 1
    return tuple(frozenset(share) for share in shares)


# --- building ----------------------------------------------------------------------------------


def build_sharded(config_path: Path, out_dir: Path, plan: ShardPlan,
                  build_here: Callable[[Shard], list[str]]) -> None:
    """Build ``plan``'s first share into ``out_dir`` with ``build_here(plugin)`` (MkDocs in
    this process with ``plugin`` among its plugins; it returns what MkDocs warned about) and the
    others in fresh processes, then :func:`merge` them into ``out_dir``. What the other builds
    warned about, and this one did not, is logged here."""
    root = config_path.parent.absolute() / SHARES_DIR
    folders = [root / str(i) for i in range(1, len(plan.shares))]
    others = [functools.partial(build_share, str(config_path), str(folder), plan.nav | share,
                                os.getpid())
              for folder, share in zip(folders, plan.shares[1:], strict=True)]
    first = Shard(plan.nav | plan.shares[0], everything_else=True)
    try:
        mine, theirs = alongside(functools.partial(build_here, first), others)
        shown = set(mine)
        for message in (m for messages in theirs for m in messages):
            if message not in shown:
                shown.add(message)
                logging.getLogger("mkdocs.commands.build").warning(message)
        merge(out_dir, list(zip(folders, plan.shares[1:], strict=True)), plan)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build_share(config_path: str, site_dir: str, pages: frozenset[str],
                started_by: int) -> list[str]:
    """Build ``pages`` of the project into ``site_dir``. In a process of its own, what MkDocs
    warns about is returned for the process that started it (``started_by``) to show; run
    again in that process (the other one failed), it is logged there as usual."""
    from mkdocs.config import load_config

    elsewhere = os.getpid() != started_by
    if elsewhere:
        logging.getLogger("mkdocs").propagate = False  # shown by the process that started it
    config = load_config(config_path, site_dir=site_dir)
    warned = build_once(config, {PLUGIN_NAME: Shard(pages, everything_else=False)})
    return warned if elsewhere else []


# --- merging -----------------------------------------------------------------------------------


def merge(out_dir: Path, others: Sequence[tuple[Path, frozenset[str]]], plan: ShardPlan) -> None:
    """Make ``out_dir``, the first share's site, the whole site: move the ``others``' pages
    in and put the search index and the sitemap together."""
    for folder, pages in others:
        for src in pages:
            target = out_dir / plan.dest[src]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(folder / plan.dest[src], target)
    url_of = dict(zip(plan.dest, plan.urls, strict=True))
    index = SearchIndex.read(out_dir)
    if index is not None:
        for folder, pages in others:
            theirs = SearchIndex.read(folder)
            if theirs is not None:
                index.merge(theirs, [url_of[src] for src in pages], plan.urls)
        index.write(out_dir)
    merge_sitemap(out_dir, others, plan)


def merge_sitemap(out_dir: Path, others: Sequence[tuple[Path, frozenset[str]]],
                  plan: ShardPlan) -> None:
    """``sitemap.xml`` with the entries of the ``others``' own pages put in the pages' order,
    and its ``.gz`` as MkDocs writes it (dated by the latest of the shares'). Without a
    ``site_url`` the sitemap lists no page, and the first share's stays as it is."""
    path = out_dir / SITEMAP
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    ours = list(_SITEMAP_URL.finditer(text))
    if not ours:
        return
    rank = {loc: i for i, loc in enumerate(plan.locations)}
    location = dict(zip(plan.dest, plan.locations, strict=True))
    entries = [m.group(0) for m in ours]
    for folder, pages in others:
        theirs = {location[src] for src in pages}
        entries += [entry for entry in _SITEMAP_URL.findall(
            (folder / SITEMAP).read_text(encoding="utf-8")) if _loc(entry) in theirs]
    entries.sort(key=lambda entry: rank.get(_loc(entry), len(rank)))
    merged = text[: ours[0].start()] + "".join(entries) + text[ours[-1].end():]
    path.write_text(merged, encoding="utf-8")
    stamp = max(gzip_mtime(folder / f"{SITEMAP}.gz")
                for folder in (out_dir, *(folder for folder, _ in others)))
    gz_path = out_dir / f"{SITEMAP}.gz"
    with open(gz_path, "wb") as raw, \
            gzip.GzipFile(fileobj=raw, filename=str(gz_path), mode="wb", mtime=stamp) as gz:
        gz.write(merged.encode("utf-8"))


def _loc(entry: str) -> str:
    found = _LOC.search(entry)
    return html.unescape(found.group(1)) if found else ""


def gzip_mtime(path: Path) -> int:
    """The time in a gzip file's header."""
    with gzip.GzipFile(path) as gz:
        gz.read(1)  # the header is read with the first data
        return int(gz.mtime or 0)
