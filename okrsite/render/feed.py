"""``feed.xml``: the updates page as an Atom feed (RFC 4287), so feed readers follow it.

The entries are :func:`~okrsite.render.updates.recent_updates`'. Each has a stable id, a
``tag:`` URI (RFC 4151) made of the organisation, the objective, the key result and the
check-in's date (check-in dates are unique within a key result): the same check-in keeps its
id across builds, whatever else changes. Links are relative to ``feed.xml`` at the site's root
(feed readers resolve them against the feed's address), so versioned copies of the site link
to their own pages. ``feed.xml`` is drawn by its template, escaped like every page; characters
XML 1.0 cannot carry (control characters, lone surrogates) are left out of goal text first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from ..model import Goals
from ..score import Scorecard
from ..vocabulary import UPDATES_DAYS
from . import render
from .updates import Update

TAG_AUTHORITY = "okrsite,2026"
"""The tagging entity of every id (RFC 4151: a name and the year it was taken)."""
FEED_PATH = "feed.xml"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _NOT_XML.sub("", text)


def tag_uri(goals: Goals, *parts: str) -> str:
    """``tag:okrsite,2026:<organisation>/<part>/<part>…``, each part percent-encoded."""
    names = [goals.org.name, *parts]
    return f"tag:{TAG_AUTHORITY}:" + "/".join(quote(xml_text(n), safe="") for n in names)


def timestamp(day: date) -> str:
    """An RFC 3339 date-time: the start of ``day`` in UTC."""
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``<entry>``: plain text, ready for the template to escape."""

    id: str
    title: str
    updated: str
    link: str
    summary: str
    content: str | None
    author: str | None
    categories: tuple[str, ...]


def entry(goals: Goals, update: Update) -> Entry:
    kr, objective = update.kr, update.objective
    facts = [objective.title, update.unit.name, update.change or "note"]
    if update.checkin.confidence is not None:
        facts.append(f"confidence {round(update.checkin.confidence * 100)}%")
    if update.checkin.by:
        facts.append(f"by {update.checkin.by}")
    return Entry(
        id=tag_uri(goals, "checkin", *update.key),
        title=xml_text(f"{kr.title}: {update.change or 'check-in'}"),
        updated=timestamp(update.date),
        link=update.anchor,
        summary=xml_text(" · ".join(facts)),
        content=xml_text(update.checkin.note) if update.checkin.note else None,
        author=xml_text(update.checkin.by) if update.checkin.by else None,
        categories=tuple(dict.fromkeys((*objective.tags, *kr.tags))),
    )


def feed_xml(goals: Goals, card: Scorecard, updates: list[Update]) -> bytes:
    """The Atom document of ``updates`` (newest first)."""
    entries = [entry(goals, u) for u in updates]
    updated = max((u.date for u in updates), default=card.as_of)
    text = render(
        "feed.xml",
        feed_id=tag_uri(goals, "updates"),
        title=xml_text(f"{goals.org.name}: check-ins"),
        subtitle=f"Every public check-in of the last {UPDATES_DAYS} days, newest first.",
        updated=timestamp(updated),
        author=xml_text(goals.org.name),
        entries=entries,
        path=FEED_PATH,
    )
    return str(text).encode("utf-8")
