"""The values a field may take, from a goals folder (unit, period, parent, shared key result and
KPI ids) and from the schemas (their choices)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..load import ORG_FILE, FieldPath
from ..validate import GOAL_KINDS, key_result_ids
from .folder import Folder
from .positions import ITEM
from .schemas import schema_at

Choice = tuple[str, str, str]
"""A value to offer: ``(value, detail, documentation)``."""


class Choices:
    """The ids a value may name, from a goals folder."""

    def __init__(self, folder: Folder | None) -> None:
        self.folder = folder
        org = folder.document(ORG_FILE) if folder else None
        self.org: Mapping[str, Any] = org.data if org else {}

    def _listed(self, name: str) -> Iterator[Mapping[str, Any]]:
        items = self.org.get(name)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                yield item

    def units(self) -> list[Choice]:
        return [(u["id"], str(u.get("name", "")), "") for u in self._listed("units")]

    def periods(self) -> list[Choice]:
        return [(p["id"], f"{p.get('start', '?')} to {p.get('end', '?')}", "")
                for p in self._listed("periods")]

    def kpis(self) -> list[Choice]:
        docs = self.folder.goals("kpi") if self.folder else {}
        return [(g, str(d.data.get("title", "")), d.name) for g, d in docs.items()]

    def objectives(self, partial: str, itself: str | None, krs_only: bool) -> list[Choice]:
        """``obj`` for every objective; ``obj#kr`` for those ``partial`` names (``obj#…``)
        or, when it narrows them to a few, those whose id starts with it."""
        docs = self.folder.goals("objective") if self.folder else {}
        docs.pop(itself or "", None)
        wanted, hashed, _ = partial.partition("#")
        starting = [g for g in docs if g.startswith(wanted)] if wanted else []
        found: list[Choice] = []
        for goal, doc in docs.items():
            title = str(doc.data.get("title", ""))
            if not krs_only and not hashed:
                found.append((goal, title, f"{doc.name}\n\nperiod {doc.data.get('period', '?')}"))
            few = not hashed and goal in starting and len(starting) <= 5
            if (hashed and goal == wanted) or few:
                krs = doc.data.get("key_results")
                for kr_id, kr in zip(key_result_ids(doc), krs if isinstance(krs, list) else (),
                                     strict=False):
                    if kr_id and isinstance(kr, Mapping):
                        found.append((f"{goal}#{kr_id}", str(kr.get("title", "")),
                                      f"key result of {title}"))
        return found

    def values(self, schema_name: str, path: FieldPath, partial: str,
               itself: str | None) -> list[Choice]:
        """The values to offer for the field at ``path``."""
        if schema_name == "org":
            if path == ("units", ITEM, "parent"):
                return self.units()
            if path == ("current_period",):
                return self.periods()
        elif path == ("owner",):
            return self.units()
        elif path == ("period",) and schema_name == "objective":
            return self.periods()
        elif path == ("parent",) and schema_name == "objective":
            return self.objectives(partial, itself, krs_only=False)
        elif path == ("key_results", ITEM, "kpi"):
            return self.kpis()
        elif path == ("key_results", ITEM, "from"):
            return self.objectives(partial, itself, krs_only=True)
        elif path == ("kind",):
            return [(kind, "", "") for kind in GOAL_KINDS]
        schema = schema_at(schema_name, path)
        if schema is None:
            return []
        if "enum" in schema:
            return [(str(v), "", "") for v in schema["enum"]]
        if schema.get("type") == "boolean":
            return [("true", "", ""), ("false", "", "")]
        return []
