"""Shared fixtures: paths of the goal trees under tests/fixtures and the example organisation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
EXAMPLE_GOALS = REPO / "goals"
TINY_GOALS = FIXTURES / "tiny" / "goals"


@pytest.fixture
def tiny_goals(tmp_path: Path) -> Path:
    """A writable copy of the tiny organisation (two objectives, one KPI)."""
    target = tmp_path / "goals"
    shutil.copytree(TINY_GOALS, target)
    return target
