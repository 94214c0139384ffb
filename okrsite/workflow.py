"""The rituals around the goals: start a repository, carry objectives over, assign reviewers.

* :func:`init_files` — everything ``okrsite init`` writes, from ``okrsite/templates/init``
  (a path part ``dot-x`` is written ``.x``; a ``.tmpl`` file has ``${year}``-style fields
  filled in with the current periods), plus the JSON Schemas and a ``CODEOWNERS``.
* :func:`carry_over` — next-period files for the unfinished objectives of a period.
* :func:`codeowners` — ``CODEOWNERS`` from the ``owners`` of the units in ``org.yml``.

Nothing here writes outside :func:`write_new`, which refuses to overwrite any file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from string import Template
from typing import Any

import yaml

from . import __version__
from .errors import OkrError
from .load import Document, Source, load_goals
from .model import Goals, Objective, Unit
from .pipeline import check_tree, read_sources
from .score import Scorecard, score_goals
from .validate import SCHEMA_NAMES, schema_text

SCHEMAS_DIR = ".okrsite-schemas"
CODEOWNERS = "CODEOWNERS"
MAX_ID = 63


def refuse_existing(paths: Iterable[Path]) -> None:
    """:class:`OkrError` naming every one of ``paths`` that exists."""
    existing = sorted(str(path) for path in paths if path.exists())
    if existing:
        raise OkrError("refusing to overwrite existing files: " + ", ".join(existing))


def write_new(root: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (paths relative to ``root``); if any exists, write none and say which."""
    targets = {rel: root / rel for rel in files}
    refuse_existing(targets.values())
    for rel, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as out:
            out.write(files[rel])
    return list(targets.values())


# --- init -------------------------------------------------------------------------------------


def quarter(day: date) -> tuple[str, date, date]:
    """The calendar quarter of ``day``: ``("2026-Q4", first day, last day)``."""
    index = (day.month - 1) // 3
    start = date(day.year, index * 3 + 1, 1)
    after = date(day.year + 1, 1, 1) if index == 3 else date(day.year, index * 3 + 4, 1)
    return f"{day.year}-Q{index + 1}", start, after - timedelta(days=1)


def template_values(today: date) -> dict[str, str]:
    """The fields of the ``.tmpl`` files."""
    name, start, end = quarter(today)
    next_name, next_start, next_end = quarter(end + timedelta(days=1))
    return {
        "year": str(today.year), "today": today.isoformat(),
        "last_month": (today - timedelta(days=30)).isoformat(),
        "quarter": name, "quarter_start": start.isoformat(), "quarter_end": end.isoformat(),
        "next_quarter": next_name, "next_quarter_start": next_start.isoformat(),
        "next_quarter_end": next_end.isoformat(), "okrsite_version": __version__,
    }


def template_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """``(path as written, template)`` for every template under ``folder``."""
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        name = "." + item.name[4:] if item.name.startswith("dot-") else item.name
        if item.is_dir():
            yield from template_files(item, f"{prefix}{name}/")
        else:
            yield prefix + name, item


def init_files(today: date) -> dict[str, bytes]:
    """Every file ``okrsite init`` writes, by path in the new repository."""
    values = template_values(today)
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


# --- codeowners -------------------------------------------------------------------------------


def unit_owners(org_units: Mapping[str, Unit], unit_id: str) -> tuple[str, ...]:
    """The unit's owners, else those of its nearest ancestor that has some."""
    seen: set[str] = set()
    unit = org_units.get(unit_id)
    while unit is not None and unit.id not in seen:
        if unit.owners:
            return unit.owners
        seen.add(unit.id)
        unit = org_units.get(unit.parent) if unit.parent else None
    return ()


def pattern(path: str) -> str:
    """A CODEOWNERS path pattern, anchored at the repository root, spaces escaped."""
    return "/" + re.sub(r"([ #\\])", r"\\\1", path)


def codeowners(goals: Goals, goals_path: str) -> str:
    """``CODEOWNERS`` for the goals folder ``goals_path`` (relative to the file).

    The whole folder and ``org.yml`` belong to the owners of the top units. A folder named after
    a unit belongs to its owners, any other folder to the owners of most of its files (so a new
    file there is covered at once); each file that differs from its folder gets its own line.
    A unit without owners is covered by its nearest ancestor's. Later lines win.
    """
    units = goals.org.unit_by_id
    top = tuple(dict.fromkeys(o for u in goals.org.top_units() for o in unit_owners(units, u.id)))
    owners_of = {item.rel: unit_owners(units, item.owner) for item in (*goals.objectives,
                                                                        *goals.kpis)}
    base = goals_path.strip("/")
    prefix = f"{base}/" if base else ""
    lines = [
        "# Generated by `okrsite codeowners` from the units' owners in org.yml: edit them there,",
        "# then run `okrsite codeowners` again. Later lines win.",
        " ".join([pattern(prefix) if prefix else "*", *top]),
        line(f"{prefix}org.yml", top),
        *folder_lines(owners_of, top, {u.id: unit_owners(units, u.id) for u in goals.org.units},
                      prefix),
    ]
    return "\n".join(lines) + "\n"


def codeowners_for(goals: Goals, goals_dir: Path, output: Path) -> str:
    """:func:`codeowners` for a file at ``output``: paths relative to the file's folder."""
    try:
        rel = goals_dir.resolve().relative_to(output.resolve().parent)
    except ValueError:
        raise OkrError(f"{goals_dir} is not inside {output.resolve().parent}, where "
                       f"{output.name} is") from None
    return codeowners(goals, "" if str(rel) == "." else rel.as_posix())


def line(path: str, owners: tuple[str, ...]) -> str:
    return " ".join([pattern(path), *owners])


def folder_of(rel: str) -> str:
    return rel.rpartition("/")[0]


def folder_owners(folder: str, files: Mapping[str, tuple[str, ...]],
                  named: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """Who owns a folder: the unit it is named after (``goals/<unit>/``), else the owners of
    most of its files (ties: the first in sorted order); ``None``: it has no files."""
    name = folder.rpartition("/")[2]
    if name in named:
        return named[name]
    counts = Counter(files.values())
    return min(counts, key=lambda owners: (-counts[owners], owners)) if counts else None


def folder_lines(owners_of: Mapping[str, tuple[str, ...]], top: tuple[str, ...],
                 named: Mapping[str, tuple[str, ...]], prefix: str) -> Iterator[str]:
    """The lines of every folder under the goals folder, parents first, then their files."""
    direct: dict[str, dict[str, tuple[str, ...]]] = {}
    for rel, owners in owners_of.items():
        direct.setdefault(folder_of(rel), {})[rel] = owners
    folders = {""}
    for folder in direct:
        parts = folder.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    effective = {"": top}
    for folder in sorted(folders, key=lambda f: f.split("/") if f else []):
        here = effective[folder_of(folder)] if folder else top
        owners = folder_owners(folder, direct.get(folder, {}), named) if folder else None
        if owners is not None and owners != here:
            here = owners
            yield line(f"{prefix}{folder}/", here)
        effective[folder] = here
        for rel, owners in sorted(direct.get(folder, {}).items()):
            if owners != here:
                yield line(prefix + rel, owners)


# --- carry-over -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Carried:
    """One objective written for the next period."""

    old_id: str
    new_id: str
    path: Path
    score: float


def period_slug(period: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", period.lower()).strip("-")


def carried_id(old_id: str, from_period: str, to_period: str) -> str:
    """``win`` -> ``win-2027-q1``; ``win-2026-q4`` -> ``win-2027-q1`` (the old suffix goes)."""
    suffix = f"-{period_slug(to_period)}"
    base = old_id.removesuffix(f"-{period_slug(from_period)}")
    return base[: MAX_ID - len(suffix)].rstrip("-") + suffix


def unfinished_krs(goals: Goals, card: Scorecard, objective: Objective,
                   carried: Mapping[str, str]) -> set[str]:
    """The key results to carry: not yet done; aligned ones only if something carried still
    aligns to them (else the new file would have an aligned key result with no contributor)."""
    result = card.objectives[objective.id].key_results
    keep = set()
    for kr in objective.key_results:
        if kr.type == "aligned":
            if any(c.id in carried for c in goals.aligned_to_kr(objective.id, kr.id)):
                keep.add(kr.id)
        elif result[kr.id].score < 1:
            keep.add(kr.id)
    return keep


def plan(goals: Goals, card: Scorecard, from_period: str, to_period: str,
         owner: str | None) -> dict[str, tuple[str, set[str]]]:
    """Objective id -> (new id, key results to carry), children decided before parents."""
    chosen: dict[str, tuple[str, set[str]]] = {}
    new_ids: dict[str, str] = {}
    for _, objective in reversed(list(goals.walk())):
        if objective.period != from_period or (owner and objective.owner != owner):
            continue
        if card.objectives[objective.id].score >= 1:
            continue
        krs = unfinished_krs(goals, card, objective, new_ids)
        if krs:
            new_ids[objective.id] = carried_id(objective.id, from_period, to_period)
            chosen[objective.id] = (new_ids[objective.id], krs)
    return chosen


def new_parent(goals: Goals, objective: Objective, chosen: Mapping[str, tuple[str, set[str]]],
               to_period: str) -> str | None:
    """Where the carried objective aligns: the carried parent (its key result if that is
    carried too, else the objective), else the old parent if its period encloses the new one."""
    if objective.parent is None:
        return None
    if objective.parent in chosen:
        parent_id, krs = chosen[objective.parent]
        return f"{parent_id}#{objective.parent_kr}" if objective.parent_kr in krs else parent_id
    org = goals.org
    parent = goals.objective_by_id.get(objective.parent)
    target = org.period_by_id[to_period]
    if parent is not None and org.period_by_id[parent.period].encloses(target):
        return objective.parent_ref
    return None


def carried_front(doc: Document, goals: Goals, card: Scorecard, objective: Objective,
                  chosen: Mapping[str, tuple[str, set[str]]], to_period: str) -> dict[str, Any]:
    """The new front matter: new id, period and parent; key results restarted from where they
    stand (``start`` = the last ``current``; no ``current``, ``history`` or ``updated``)."""
    new_id, krs = chosen[objective.id]
    parent = new_parent(goals, objective, chosen, to_period)
    results = card.objectives[objective.id].key_results
    front: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key == "key_results":
            value = [restart(raw, kr.type, results[kr.id].current)
                     for raw, kr in zip(value, objective.key_results, strict=True)
                     if kr.id in krs]
        elif key == "parent":
            if parent is None:
                continue
            value = parent
        if key != "id":
            front[key] = value
        if key == "kind":
            front["id"] = new_id
    front["period"] = to_period
    if parent is not None:
        front["parent"] = parent
    return front


def restart(raw: Mapping[str, Any], kr_type: str, current: float | None) -> dict[str, Any]:
    kr = {k: v for k, v in raw.items() if k not in ("history", "updated", "current")}
    if kr_type == "metric" and current is not None:
        kr["start"] = int(current) if float(current).is_integer() else current
    elif "current" in raw:
        kr["current"] = raw["current"]
    return kr


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as people write goal files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def front_matter(data: Mapping[str, Any], comment: str) -> str:
    text = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1000, default_flow_style=False)
    return f"---\n# {comment}\n{text}---\n"


def carry_over(goals_dir: Path, from_period: str, to_period: str, *, as_of: date,
               owner: str | None = None) -> list[Carried]:
    """Write next-period files for the unfinished objectives (score < 1) of ``from_period``,
    beside the originals; refuse (writing nothing) if any new file or id exists already."""
    tree = load_goals(goals_dir)
    goals = check_tree(tree)
    for period in (from_period, to_period):
        if period not in goals.org.period_by_id:
            raise OkrError(f"unknown period {period!r}: org.yml defines "
                           + ", ".join(p.id for p in goals.org.periods))
    if owner is not None and owner not in goals.org.unit_by_id:
        raise OkrError(f"unknown unit {owner!r}")
    card = score_goals(goals, as_of)
    chosen = plan(goals, card, from_period, to_period, owner)
    docs = {doc.rel: doc for doc in tree.goals}
    files: dict[str, bytes] = {}
    carried: list[Carried] = []
    for objective in goals.objectives:
        if objective.id not in chosen:
            continue
        new_id = chosen[objective.id][0]
        rel = str(PurePosixPath(objective.rel).with_name(f"{new_id}.md"))
        front = carried_front(docs[objective.rel], goals, card, objective, chosen, to_period)
        comment = f"Carried over from {objective.id} ({from_period}) by okrsite carry-over."
        files[rel] = (front_matter(front, comment) + docs[objective.rel].body).encode()
        score = card.objectives[objective.id].score
        carried.append(Carried(objective.id, new_id, goals_dir / rel, score))
    refuse_existing(item.path for item in carried)
    taken = [f"{item.new_id} ({goals.objective_by_id[item.new_id].source})" for item in carried
             if item.new_id in goals.objective_by_id]
    if taken:
        raise OkrError("objectives with these ids exist already: " + ", ".join(taken))
    write_new(goals_dir, files)
    return carried
