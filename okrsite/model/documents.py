"""Validated documents -> the model.

Nothing here checks anything: :func:`build_goals` runs only on documents that
:mod:`okrsite.validate` found clean, so it may assume every field has the right shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from ..load import Document, Row, Table, usable, values_file_rel
from ..vocabulary import DEFAULT_KR_TYPE, default_kr_id
from .goals import Checkin, Item, KeyResult, Kpi, Link, Objective, Point
from .org import Org, Period, Scoring, Unit
from .tree import Goals


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def _text(value: Any) -> str | None:
    """Optional text: an empty note is no note."""
    return value.strip() or None if isinstance(value, str) else None


def _points(doc: Document, key: str, rows: Iterable[Row] = ()) -> tuple[Point, ...]:
    """A KPI's values from its file and its CSV, sorted by date."""
    points = [
        Point(date.fromisoformat(p["date"]), float(p["value"]), _text(p.get("note")),
              doc.line_of((key, i)))
        for i, p in enumerate(doc.data.get(key) or ())
    ]
    points += (Point(r.date, r.value, r.note, r.line) for r in rows)
    return tuple(sorted(points, key=lambda p: p.date))


def _checkins(raw: list[dict[str, Any]] | None, line_of: Callable[[int], int]) -> tuple[
    Checkin, ...
]:
    checkins = (
        Checkin(
            date=date.fromisoformat(c["date"]),
            value=_number(c.get("value")),
            note=_text(c.get("note")),
            confidence=_number(c.get("confidence")),
            by=_text(c.get("by")),
            line=line_of(i),
        )
        for i, c in enumerate(raw or ())
    )
    return tuple(sorted(checkins, key=lambda c: c.date))


def _links(raw: list[dict[str, Any]] | None) -> tuple[Link, ...]:
    return tuple(Link(link["title"], link["url"]) for link in raw or ())


def _items(raw: list[dict[str, Any]] | None) -> tuple[Item, ...]:
    return tuple(
        Item(item["title"], bool(item.get("done", False)), float(item.get("weight", 1)))
        for item in raw or ()
    )


def goal_id(doc: Document) -> str:
    """An objective's or KPI's id: ``id`` as written, else the file's name without ``.md``."""
    return str(doc.data.get("id") or doc.stem)


def kr_id(raw: Mapping[str, Any], position: int) -> str:
    """A key result's id: ``id`` as written, else ``kr1``, ``kr2``, … by its position."""
    return str(raw.get("id") or default_kr_id(position))


def build_org(doc: Document) -> Org:
    data = doc.data
    units = tuple(
        Unit(
            id=u["id"],
            name=u["name"],
            parent=u.get("parent"),
            lead=u.get("lead"),
            owners=tuple(u.get("owners") or ()),
        )
        for u in data["units"]
    )
    periods = tuple(
        Period(p["id"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in data["periods"]
    )
    raw_scoring = data.get("scoring") or {}
    defaults = Scoring()
    scoring = Scoring(
        on_track=float(raw_scoring.get("on_track", defaults.on_track)),
        at_risk=float(raw_scoring.get("at_risk", defaults.at_risk)),
        stale_after_days=int(raw_scoring.get("stale_after_days", defaults.stale_after_days)),
    )
    return Org(data["organization"], units, periods, data.get("current_period"), scoring)


def build_key_result(doc: Document, position: int) -> KeyResult:
    raw: dict[str, Any] = doc.data["key_results"][position]
    here = ("key_results", position)
    return KeyResult(
        id=kr_id(raw, position),
        title=raw.get("title", ""),
        type=raw.get("type", DEFAULT_KR_TYPE),
        start=_number(raw.get("start")),
        target=_number(raw.get("target")),
        current=_number(raw.get("current")),
        unit=raw.get("unit"),
        kpi=raw.get("kpi"),
        weight=float(raw.get("weight", 1)),
        confidence=_number(raw.get("confidence")),
        updated=_date(raw.get("updated")),
        history=_checkins(raw.get("history"), lambda i: doc.line_of((*here, "history", i))),
        done=raw.get("done"),
        score=_number(raw.get("score")),
        line=doc.line_of(here),
        lead=_text(raw.get("lead")),
        description=raw.get("description") or "",
        links=_links(raw.get("links")),
        tags=tuple(raw.get("tags") or ()),
        private=raw.get("visibility") == "private",
        direction=raw.get("direction"),
        strict=bool(raw.get("strict", False)),
        stretch=_number(raw.get("stretch")),
        due=_date(raw.get("due")),
        items=_items(raw.get("items")),
        source=raw.get("from"),
    )


def split_parent(ref: str | None) -> tuple[str | None, str | None]:
    """``obj#kr`` -> ``("obj", "kr")``; ``obj`` -> ``("obj", None)``."""
    if ref is None:
        return None, None
    objective, _, kr = ref.partition("#")
    return objective, kr or None


def build_objective(doc: Document) -> Objective:
    data = doc.data
    parent, parent_kr = split_parent(data.get("parent"))
    return Objective(
        id=goal_id(doc),
        title=data["title"],
        owner=data["owner"],
        period=data["period"],
        key_results=tuple(
            build_key_result(doc, i) for i in range(len(data.get("key_results") or ()))
        ),
        parent=parent,
        parent_kr=parent_kr,
        weight=float(data.get("weight", 1)),
        private=data.get("visibility") == "private",
        status=data.get("status"),
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
        lead=_text(data.get("lead")),
        tags=tuple(data.get("tags") or ()),
        links=_links(data.get("links")),
    )


def build_kpi(doc: Document, tables: Mapping[str, Table | None]) -> Kpi:
    data = doc.data
    thresholds = data.get("thresholds") or {}
    values_file = data.get("values_file")
    rel = values_file_rel(doc.rel, values_file) if values_file else None
    table = usable(tables.get(rel)) if rel else None
    return Kpi(
        id=goal_id(doc),
        title=data["title"],
        owner=data["owner"],
        direction=data["direction"],
        values=_points(doc, "values", table.rows if table else ()),
        unit=data.get("unit"),
        target=_number(data.get("target")),
        green=_number(thresholds.get("green")),
        amber=_number(thresholds.get("amber")),
        private=data.get("visibility") == "private",
        body=doc.body,
        source=doc.name,
        rel=doc.rel,
        lead=_text(data.get("lead")),
        tags=tuple(data.get("tags") or ()),
        links=_links(data.get("links")),
        cadence=data.get("cadence"),
        values_file=rel,
    )


def with_shared_titles(objectives: tuple[Objective, ...]) -> tuple[Objective, ...]:
    """A ``shared`` key result written without a title takes its source's."""
    by_id = {o.id: o for o in objectives}

    def titled(kr: KeyResult) -> KeyResult:
        if kr.title or kr.source_ref is None:
            return kr
        objective_id, kr_id = kr.source_ref
        source = by_id[objective_id].key_result(kr_id) if objective_id in by_id else None
        return replace(kr, title=source.title) if source is not None else kr

    return tuple(
        replace(o, key_results=tuple(titled(kr) for kr in o.key_results))
        if any(kr.type == "shared" and not kr.title for kr in o.key_results)
        else o
        for o in objectives
    )


def build_goals(
    org: Document,
    documents: tuple[Document, ...],
    tables: Mapping[str, Table | None] | None = None,
) -> Goals:
    """Turn validated documents (and the CSV files their KPIs name) into the model."""
    objectives = tuple(build_objective(d) for d in documents if d.data["kind"] == "objective")
    kpis = tuple(build_kpi(d, tables or {}) for d in documents if d.data["kind"] == "kpi")
    return Goals(build_org(org), with_shared_titles(objectives), kpis)
