"""What an objective page shows of each public key result beyond its row (format 1.1).

Its description (rendered like a body, safely), its check-ins newest first, where a shared key
result comes from and where a key result is shared, the marks of a stretch target on its bar,
and how far beyond 100% or below 0% a metric has gone (its progress, which the score clamps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..model import Checkin, KeyResult, Objective
from ..vocabulary import STRETCH_COMMIT, percent
from . import number
from .markdown import render_body
from .published import shared_from, shared_with
from .view import KrView, View

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday(day: date) -> str:
    """The day's English name, whatever the locale."""
    return WEEKDAYS[day.weekday()]


@dataclass(frozen=True, slots=True)
class Mark:
    """A labelled position on a progress bar (0..100, the share of its width)."""

    kind: str
    """``target`` or ``stretch``: how the stylesheet draws it."""
    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Progress:
    """A metric's unclamped progress, in words: over-achievement and regression show."""

    value: float
    kind: str
    """``over`` (beyond the target), ``regression`` (moved away from it) or ``within``."""
    text: str


@dataclass(frozen=True)
class KrDetails:
    description: Markup
    checkins: tuple[Checkin, ...]
    """Counted at the as-of date, newest first."""
    unit: str | None
    """The unit of the check-ins' values (a shared key result's source's)."""
    marks: tuple[Mark, ...]
    progress: Progress | None
    shared_from: tuple[Objective, KeyResult] | None
    shared_with: list[tuple[Objective, KeyResult]]


def stretch_marks(kr: KeyResult) -> tuple[Mark, ...]:
    """With a stretch, reaching the target scores :data:`STRETCH_COMMIT`: both are marked."""
    if kr.type != "metric" or kr.stretch is None:
        return ()
    return (
        Mark("target", round(STRETCH_COMMIT * 100, 1), f"target {number(kr.target, kr.unit)}"),
        Mark("stretch", 100.0, f"stretch {number(kr.stretch, kr.unit)}"),
    )


def progress_words(value: float | None) -> Progress | None:
    if value is None:
        return None
    share = percent(value)
    if value > 1:
        return Progress(value, "over", f"{share} of the way to the target: beyond it")
    if value < 0:
        return Progress(value, "regression", f"{share}: moved away from the target")
    return Progress(value, "within", f"{share} of the way to the target")


def kr_details(view: View, objective: Objective, kv: KrView) -> KrDetails:
    numbers = kv.measured
    return KrDetails(
        description=render_body(kv.kr.description),
        checkins=tuple(reversed(kv.result.checkins)),
        unit=numbers.unit,
        marks=stretch_marks(numbers),
        progress=progress_words(kv.result.progress),
        shared_from=shared_from(view.goals, kv.kr),
        shared_with=shared_with(view.goals, objective, kv.kr),
    )
