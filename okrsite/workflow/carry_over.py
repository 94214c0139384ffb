"""``okrsite carry-over``: next-period files for the unfinished objectives of a period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..build import check_tree
from ..errors import OkrError
from ..load import Document, load_goals
from ..model import Goals, Objective
from ..numbers import plain_number
from ..score import Scorecard, score_goals
from ..validate import slugify
from .files import refuse_existing, write_new

MAX_ID = 63


@dataclass(frozen=True, slots=True)
class Carried:
    """One objective written for the next period."""

    old_id: str
    new_id: str
    path: Path
    score: float
    dropped_parent: str | None = None
    """The parent it had and no longer has: not carried, and not in an enclosing period."""


def period_slug(period: str) -> str:
    return slugify(period)


def carried_id(old_id: str, from_period: str, to_period: str, n: int = 1) -> str:
    """``win`` -> ``win-2027-q1``; ``win-2026-q4`` -> ``win-2027-q1`` (the old suffix goes);
    the ``n``-th of several that would be cut to the same id: ``…-2027-q1-2``."""
    suffix = f"-{period_slug(to_period)}" + (f"-{n}" if n > 1 else "")
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
        elif kr.type == "metric" and (result[kr.id].progress or 0) >= 1:
            continue  # the target is reached; only a stretch was left
        elif result[kr.id].score < 1:
            keep.add(kr.id)
    return keep


def plan(goals: Goals, card: Scorecard, from_period: str, to_period: str,
         owner: str | None) -> dict[str, tuple[str, set[str]]]:
    """Objective id -> (new id, key results to carry), children decided before parents."""
    chosen: dict[str, tuple[str, set[str]]] = {}
    new_ids: dict[str, str] = {}
    taken: set[str] = set()
    """The new ids given so far (an id that exists already is refused by carry_over)."""
    for _, objective in reversed(list(goals.walk())):
        if objective.period != from_period or (owner and objective.owner != owner):
            continue
        if card.objectives[objective.id].score >= 1:
            continue
        krs = unfinished_krs(goals, card, objective, new_ids)
        if krs:
            n = 1
            while carried_id(objective.id, from_period, to_period, n) in taken:
                n += 1
            new_ids[objective.id] = carried_id(objective.id, from_period, to_period, n)
            taken.add(new_ids[objective.id])
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


LEFT_BEHIND = ("history", "updated", "current", "due")
"""What a carried key result does not take along: its check-ins belong to the old period, and a
due date would lie outside the new one."""


def restart(raw: Mapping[str, Any], kr_type: str, current: float | None) -> dict[str, Any]:
    """A key result for the new period, starting where it stands: a metric's ``start`` is its
    last value; a checklist keeps the items not done yet."""
    kr = {k: v for k, v in raw.items() if k not in LEFT_BEHIND}
    if kr_type == "metric" and current is not None:
        kr["start"] = plain_number(float(current))
    elif "current" in raw:
        kr["current"] = raw["current"]
    if kr_type == "checklist":
        kr["items"] = [item for item in raw.get("items") or () if not item.get("done")]
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
        dropped = objective.parent_ref if front.get("parent") is None else None
        carried.append(Carried(objective.id, new_id, goals_dir / rel, score, dropped))
    refuse_existing(item.path for item in carried)
    taken = [f"{item.new_id} ({goals.objective_by_id[item.new_id].source})" for item in carried
             if item.new_id in goals.objective_by_id]
    if taken:
        raise OkrError("objectives with these ids exist already: " + ", ".join(taken))
    write_new(goals_dir, files)
    return carried
