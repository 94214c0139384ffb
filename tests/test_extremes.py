"""What passes ``check`` never breaks a later stage: numbers at the ends of the accepted range
go through scoring, ``show``, ``export``, charts and a real build without NaN or infinity, and
numbers beyond it are refused at their line."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from okrsite.build import build

from .conftest import invoke_in

ORG = """\
organization: Extremes
units:
  - {id: acme, name: Acme}
periods:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
"""
EXTREME = """\
---
kind: objective
title: At the ends of the range
owner: acme
period: 2026-Q4
key_results:
  - id: huge-span
    title: From minus to plus 1e15
    start: -1e15
    target: 1e15
    current: 1e-9
    weight: 1e15
  - id: tiny-span
    title: A span of 1e-9
    start: 0
    target: 1e-9
    weight: 1e15
    history:
      - {date: 2026-10-10, value: 1e-9}
  - id: flat-kpi
    title: Linked to a flat KPI
    start: 1e15
    target: -1e15
    kpi: flat
  - id: stretch
    title: Stretch at the edge
    start: 0
    target: 1e14
    stretch: 1e15
    current: 1e15
---
"""
FLAT_KPI = """\
---
kind: kpi
title: A KPI that never moves
owner: acme
direction: lower_is_better
thresholds: {green: -1e15, amber: 1e15}
values:
  - {date: 2026-10-31, value: 1e15}
  - {date: 2026-11-30, value: 1e15}
---
"""


@pytest.fixture
def goals(tmp_path: Path) -> Path:
    folder = tmp_path / "goals"
    folder.mkdir()
    (folder / "org.yml").write_text(ORG)
    (folder / "extreme.md").write_text(EXTREME)
    (folder / "flat.md").write_text(FLAT_KPI)
    return folder


def no_special_floats(text: str) -> None:
    assert not re.search(r"\b(nan|inf|infinity)\b", text, re.IGNORECASE), text


def test_the_extremes_check_clean(goals: Path, tmp_path: Path) -> None:
    code, output = invoke_in(tmp_path, "check", "goals")
    assert code == 0, output
    assert output == "goals: 1 objective, 4 key results, 1 KPI: no errors\n"


def test_export_and_show_stay_finite(goals: Path, tmp_path: Path) -> None:
    code, output = invoke_in(tmp_path, "export", "goals", "--as-of", "2026-12-01")
    assert code == 0, output

    def refuse(constant: str) -> float:
        raise AssertionError(f"{constant} in the export")

    data = json.loads(output, parse_constant=refuse)
    krs = {kr["id"]: kr for kr in data["objectives"][0]["key_results"]}
    assert krs["huge-span"]["score"] == 0.5
    assert krs["tiny-span"]["score"] == 1.0
    assert krs["stretch"]["score"] == 1.0
    assert all(math.isfinite(kr["score"]) for kr in krs.values())
    assert math.isfinite(data["objectives"][0]["score"])
    code, shown = invoke_in(tmp_path, "show", "goals", "--as-of", "2026-12-01")
    assert code == 0, shown
    no_special_floats(shown)


@pytest.mark.slow
def test_a_real_build_of_the_extremes_has_finite_charts(goals: Path, tmp_path: Path) -> None:
    site = build(goals_dir=goals, config_file=None, site_dir=tmp_path / "site",
                 staging_dir=tmp_path / ".okrsite", as_of=date(2026, 12, 1), use_git=False)
    svgs = list(site.rglob("*.svg"))
    assert svgs
    for svg in svgs:
        text = svg.read_text()
        ET.fromstring(text)  # well-formed
        no_special_floats(text)
    no_special_floats((site / "api" / "okrs.json").read_text())


@pytest.mark.parametrize(
    ("line", "value"),
    [(9, "1e16"), (9, "-1e16"), (9, "1e-10")],
)
def test_numbers_beyond_the_range_are_refused_at_their_line(
    goals: Path, tmp_path: Path, line: int, value: str
) -> None:
    (goals / "extreme.md").write_text(EXTREME.replace("start: -1e15", f"start: {value}", 1))
    code, output = invoke_in(tmp_path, "check", "goals")
    assert code == 1
    assert f"goals/extreme.md:{line}: key_results[0].start: " in output
    assert "out of range" in output
