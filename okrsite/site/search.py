"""The search plugin's index, by page: what lets builds of parts of a site be merged.

MkDocs' search plugin (and mkdocs-material's) writes ``search/search_index.json`` with an entry
per page and per heading, in the order the pages are built. A build of some of the pages writes
only theirs; :class:`SearchIndex` puts such indexes together as one build of every page
writes it (the live preview's partial builds, the shards of a large build).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

SEARCH_INDEX = "search/search_index.json"
MERGEABLE_PLUGINS = frozenset({"search", "material/search"})
"""The plugins whose output the merge gets right. Any other plugin or hook may gather
something from every page (a blog's index, a tags page), so a configuration with one is
always built whole."""


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


