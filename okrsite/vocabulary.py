"""The words and defaults of the domain, each defined once.

Statuses, healths, key-result types, the scoring defaults and the words readers see for each:
every other module (model, validation, scoring, pages, badges, terminal text, diff comments,
the export) takes them from here, and a test checks that the JSON Schemas state the same
defaults.
"""

from __future__ import annotations

from typing import Literal

KrType = Literal["metric", "milestone", "score", "aligned", "threshold", "checklist", "shared"]
Status = Literal["not_started", "on_track", "at_risk", "off_track"]
Direction = Literal["higher_is_better", "lower_is_better"]
Health = Literal["green", "amber", "red"]
Cadence = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Visibility = Literal["public", "private"]

KR_TYPES: tuple[KrType, ...] = (
    "metric", "milestone", "score", "aligned", "threshold", "checklist", "shared"
)
DEFAULT_KR_TYPE: KrType = "metric"
"""A key result's type when it names none."""
MEASURED_TYPES: frozenset[KrType] = frozenset(("metric", "threshold"))
"""Key-result types whose check-ins carry a ``value``."""
NO_HISTORY_TYPES: frozenset[KrType] = frozenset(("aligned", "shared"))
"""Key-result types that take no ``history``: they are measured elsewhere."""
NOT_SHAREABLE: frozenset[KrType] = frozenset(("aligned", "shared"))
"""A ``shared`` key result may not name a key result of these types."""
CADENCE_DAYS: dict[str, int] = {
    "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366,
}
"""How many days one cadence step is, for a KPI's staleness."""
STATUSES: tuple[Status, ...] = ("not_started", "on_track", "at_risk", "off_track")
"""Every status, from the least to the most severe."""

DEFAULT_ON_TRACK = 0.7
"""A pace at or above this share of the expected progress is on track (Google's 0.7)."""
DEFAULT_AT_RISK = 0.4
"""A pace at or above this (and below on track) is at risk; below it, off track."""
DEFAULT_STALE_AFTER_DAYS = 14
"""A key result not updated for more days than this is stale."""

STRETCH_COMMIT = 0.7
"""With a ``stretch``, reaching the ``target`` (the commit) scores this much."""
UPDATES_DAYS = 28
"""The updates page and feed list the check-ins of this many days before the as-of date."""
DEFAULT_DIRECTION: Direction = "higher_is_better"
"""A threshold key result's direction when neither it nor its KPI says otherwise."""
MAX_NOTE = 2000
"""The longest check-in note, in characters."""
LINK_SCHEMES = ("https:", "http:", "mailto:")
"""The schemes a link may use; a path on the site itself starts with ``/``."""

STATUS_TOLERANCE = 1e-9
"""A pace this little below a threshold still reaches it: a metric from 2 to 5 at 4.1 is 0.7 on
paper and 0.6999999999999998 in floats, and the site shows it as 70%."""

STATUS_WORDS: dict[str, str] = {
    "not_started": "not started",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
}
"""Every status as readers see it."""

HEALTH_WORDS: dict[str | None, str] = {
    "green": "healthy",
    "amber": "warning",
    "red": "critical",
    None: "no thresholds",
}
"""Every KPI health as readers see it (``None``: the KPI has no thresholds)."""

NO_VALUE = "–"
"""What stands where a number is missing."""


def percent(score: float | None) -> str:
    """A 0..1 score as a whole percentage: ``0.456`` -> ``46%``; none: an en dash."""
    return NO_VALUE if score is None else f"{score * 100:.0f}%"


def plural(count: int, word: str, words: str | None = None) -> str:
    """The count and the word it takes: ``1 objective``, ``2 objectives``, ``0 KPIs``
    (``words``: the plural when it is not ``word`` + ``s``)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def status_word(status: str | None) -> str:
    """A status in words; none: an en dash."""
    return NO_VALUE if status is None else STATUS_WORDS.get(status, status)


def default_kr_id(position: int) -> str:
    """The id of a key result written without one: ``kr1``, ``kr2``, … by position from 0."""
    return f"kr{position + 1}"
