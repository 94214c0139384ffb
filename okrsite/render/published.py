"""What of the goals may be published: one set of rules for every output.

Pages, the search index, ``updates/``, ``feed.xml``, ``tags/``, ``api/okrs.json`` and
``okrsite show`` all ask here which key results are public, what an objective's parent may
say, and which key result a ``shared`` one is measured by. Private objectives and KPIs are
left out by the callers (``not o.private``); private key results of public objectives are
left out here, and only counted (pages say "1 private key result").
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..model import Goals, KeyResult, Objective
from ..vocabulary import LINK_SCHEMES

_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f\\]")
"""Whitespace, control characters and backslashes (browsers read ``\\`` as ``/``)."""


def public_key_results(objective: Objective) -> tuple[KeyResult, ...]:
    """The key results that may be shown: all but the private ones."""
    return tuple(kr for kr in objective.key_results if not kr.private)


def private_key_results(objective: Objective) -> int:
    """How many key results of ``objective`` are private (shown only as a count)."""
    return sum(1 for kr in objective.key_results if kr.private)


def published_parent(goals: Goals, objective: Objective) -> str | None:
    """``objective``'s parent as it may be published (:meth:`Goals.public_parent`)."""
    return goals.public_parent(objective)


def measured(goals: Goals, kr: KeyResult) -> KeyResult:
    """The key result whose numbers ``kr`` shows: its source when it is ``shared``."""
    found = goals.shared_source(kr) if kr.type == "shared" else None
    return found[1] if found is not None else kr


def shared_from(goals: Goals, kr: KeyResult) -> tuple[Objective, KeyResult] | None:
    """Where a ``shared`` key result comes from (always public when ``kr`` is: validation
    refuses a public objective sharing a private key result)."""
    if kr.type != "shared":
        return None
    found = goals.shared_source(kr)
    if found is None or found[0].private or found[1].private:
        return None
    return found


def shared_with(goals: Goals, objective: Objective, kr: KeyResult) -> list[
    tuple[Objective, KeyResult]
]:
    """The public objectives and public key results that share ``kr`` (private ones are not
    named, nor counted)."""
    return [
        (o, sharing)
        for o, sharing in goals.shared_by(objective.id, kr.id)
        if not o.private and not sharing.private
    ]


def link_href(url: str, root: str) -> str | None:
    """Where a goal's link points from a page at ``root`` (``../../``): a site path
    (``/handbook/``) becomes relative to the page, so that versioned copies of the site keep
    their own; ``None`` for anything validation refuses (checked again here: a link is
    written into an ``href``)."""
    if _UNSAFE_URL.search(url):
        return None
    if url.startswith("/") and not url.startswith("//"):
        segments = urlsplit(url).path.split("/")
        return None if ".." in segments else root + url[1:]
    return url if url.lower().startswith(LINK_SCHEMES) else None
