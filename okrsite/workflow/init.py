"""``okrsite init``: everything a new goals repository starts with.

The files come from ``okrsite/templates/init`` (a path part ``dot-x`` is written ``.x``; a
``.tmpl`` file has ``${year}``-style fields filled in: the current periods, the okrsite
version the CI files install and the pre-commit hook names, the branch the CI runs on), plus
the JSON Schemas and a ``CODEOWNERS``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from string import Template

from .. import __version__
from ..build import read_sources
from ..load import Source
from ..validate import SCHEMA_NAMES, schema_text
from .codeowners import CODEOWNERS, codeowners

SCHEMAS_DIR = ".okrsite-schemas"


def quarter(day: date) -> tuple[str, date, date]:
    """The calendar quarter of ``day``: ``("2026-Q4", first day, last day)``."""
    index = (day.month - 1) // 3
    start = date(day.year, index * 3 + 1, 1)
    after = date(day.year + 1, 1, 1) if index == 3 else date(day.year, index * 3 + 4, 1)
    return f"{day.year}-Q{index + 1}", start, after - timedelta(days=1)


def template_values(today: date, branch: str = "main") -> dict[str, str]:
    """The fields of the ``.tmpl`` files (``$$`` in one is a ``$``)."""
    name, start, end = quarter(today)
    next_name, next_start, next_end = quarter(end + timedelta(days=1))
    return {
        "year": str(today.year), "today": today.isoformat(),
        "last_month": (today - timedelta(days=30)).isoformat(),
        "quarter": name, "quarter_start": start.isoformat(), "quarter_end": end.isoformat(),
        "next_quarter": next_name, "next_quarter_start": next_start.isoformat(),
        "next_quarter_end": next_end.isoformat(), "okrsite_version": __version__,
        "branch": json.dumps(branch),  # a YAML scalar whatever the name
    }


def template_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """``(path as written, template)`` for every template under ``folder``."""
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        name = "." + item.name[4:] if item.name.startswith("dot-") else item.name
        if item.is_dir():
            yield from template_files(item, f"{prefix}{name}/")
        else:
            yield prefix + name, item


def init_files(today: date, branch: str = "main") -> dict[str, bytes]:
    """Every file ``okrsite init`` writes, by path in the new repository; ``branch`` is the
    one the CI runs on besides pull requests (the repository's, ``main`` for a new one)."""
    values = template_values(today, branch)
    files: dict[str, bytes] = {}
    for rel, item in template_files(resources.files("okrsite") / "templates" / "init"):
        if rel.endswith(".tmpl"):
            text = Template(item.read_text("utf-8")).substitute(values)
            files[rel.removesuffix(".tmpl")] = text.encode()
        else:
            files[rel] = item.read_bytes()
    for name in SCHEMA_NAMES:
        files[f"{SCHEMAS_DIR}/{name}.schema.json"] = schema_text(name).encode()
    goals = read_sources(
        [Source(rel[6:], rel, data) for rel, data in files.items() if rel.startswith("goals/")]
    )
    files[CODEOWNERS] = codeowners(goals, "goals").encode()
    return files
