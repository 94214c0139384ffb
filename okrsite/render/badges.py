"""Score badges: the status in words and colours with WCAG AA contrast, never colour alone.

A badge file (``badges/<objective-id>.svg``) is a stand-alone SVG that READMEs and other
sites can embed: ``[ 62% | on track ]``, white text on dark fills (contrast >= 4.5:1). Pages
use the same words as small HTML chips styled by the site's stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..vocabulary import STATUS_WORDS, percent
from . import one_line, render

STATUS_FILL: dict[str, str] = {
    "on_track": "#1a7f37",
    "at_risk": "#9a6700",
    "off_track": "#cf222e",
    "not_started": "#57606a",
}
"""Badge fills; each has at least 4.5:1 contrast with white text."""

LABEL_FILL = "#24292f"
TEXT_FILL = "#ffffff"

CHAR_WIDTHS = {
    **dict.fromkeys("fijlrt.,:;!|'()[] ", 3.9),
    **dict.fromkeys("0123456789", 7.0),
    **dict.fromkeys("mwMW@", 10.0),
    "%": 11.9,
    "–": 7.0,
}
"""Approximate advance widths at 11px Verdana (the widest common badge font)."""
DEFAULT_WIDTH = 6.8
PADDING = 6


def text_width(text: str) -> int:
    """An estimate of ``text``'s width in pixels at 11px Verdana-like fonts."""
    return round(sum(CHAR_WIDTHS.get(char, DEFAULT_WIDTH) for char in text))


@dataclass(frozen=True, slots=True)
class BadgePart:
    """One half of a badge: its text, fill and geometry."""

    text: str
    fill: str
    x: int
    width: int

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_length(self) -> int:
        return self.width - 2 * PADDING


def badge_svg(score: float | None, status: str) -> str:
    """A stand-alone SVG badge: the score as a percentage and the status in words."""
    return _badge(percent(score), status)


@cache
def _badge(left_text: str, status: str) -> str:
    """The badge for a percentage and a status: a few hundred of them make every badge."""
    right_text = STATUS_WORDS[status]
    left = BadgePart(left_text, LABEL_FILL, 0, text_width(left_text) + 2 * PADDING)
    right = BadgePart(
        right_text, STATUS_FILL[status], left.width, text_width(right_text) + 2 * PADDING
    )
    label = f"Score {left_text}, {right_text}"
    svg = render("badge.svg", left=left, right=right, label=label, text_fill=TEXT_FILL)
    return one_line(svg) + "\n"
