"""Numbers as every machine-readable output writes them: ``api/okrs.json``, ``okrsite export``
and the JSON and Markdown of ``okrsite diff`` round and print them the same way."""

from __future__ import annotations

SCORE_DIGITS = 4
"""Decimals kept of scores and shares."""


def rounded(score: float | None) -> float | None:
    """Scores and shares are rounded to 4 decimals in every output."""
    return None if score is None else round(score, SCORE_DIGITS)


def plain_number(value: float | None) -> int | float | None:
    """``10.0`` -> ``10``: numbers read as integers are written back as integers."""
    if value is None:
        return None
    return int(value) if value.is_integer() else value
