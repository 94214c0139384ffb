"""Synthetic, valid goal trees for benchmarks and tests.

    python benchmarks/generate.py UNITS OUTDIR [--seed N] [--mutate K]

writes ``OUTDIR/org.yml`` and one file per objective and KPI: a company, about ``sqrt(UNITS)``
departments and teams under them, four objectives of four key results per unit (alignment to the
parent unit's objectives and key results, KPI links, check-ins), a KPI per ten units, and the
periods 2026, 2026-Q3 and 2026-Q4. 500 units make about 2,050 files and 17 KPI CSV files. The
same seed always writes the same files.

Format 1.1 is used in about the proportions of real organisations' OKRs (500 units, seed 0): of
the 7,900 key results 61% are metrics (one in eight of them with a stretch, some beyond their
target), 10% thresholds or checklists, 17% milestones, 9% grades, 2% aligned and 1% ``shared``
from the objective they align to; a third carry check-in notes (most with ``by``, some with a
``confidence``), one in thirteen a due date inside its period (a few overdue), 2% are private;
metrics with check-ins leave out ``current`` half of the time. About 1% of the objectives have no
key results (scored by the objectives aligned to them); leads, tags and links are on a fifth to a
quarter of the objectives and on fewer key results (leads on a quarter, links and tags on one in
thirteen and one in twenty). Half to two thirds of the KPIs have a ``cadence`` (a few of them
stale at the as-of date), every third reads its values from a CSV file beside it
(``values_file``), and a few values carry notes.

``--mutate K`` writes the same organisation with K goal files changed, as a pull request would:
one objective re-aligned, one added, one removed, and key-result values changed in the others. It
is meant for benchmarking ``okrsite diff`` between two git revisions: generate, commit, generate
again with ``--mutate``, commit. Goal files (``*.md``) and CSV files (``*.csv``) that an earlier
run left in OUTDIR and the new tree lacks are deleted; nothing else in OUTDIR is touched, and
unchanged files are not rewritten.

Importable: ``generate(units, out, seed=0, mutate=0)`` returns the number of files written.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 20)
"""The date the generated check-ins are written for: most are fresh then, some are stale."""
PERIODS = {
    "2026": (date(2026, 1, 1), date(2026, 12, 31)),
    "2026-Q3": (date(2026, 7, 1), date(2026, 9, 30)),
    "2026-Q4": (date(2026, 10, 1), date(2026, 12, 31)),
}
OBJECTIVE_FIELDS = ("kind", "title", "owner", "period", "parent", "weight", "visibility", "status",
                    "lead", "tags", "links", "key_results")
FLOW_LISTS = frozenset(("values", "history", "items", "links"))
"""Lists of small mappings written one per line in flow style: ``- {date: ..., value: ...}``."""
OBJECTIVES_PER_UNIT = 4
KEY_RESULTS_PER_OBJECTIVE = 4
UNITS_PER_KPI = 10

FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dario", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jon",
               "Kira", "Lars", "Maya", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tess", "Yusuf")
LAST_NAMES = ("Almeida", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat",
              "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov")
VERBS = ("Improve", "Simplify", "Scale", "Modernise", "Strengthen", "Accelerate", "Automate")
TOPICS = ("customer onboarding", "the billing pipeline", "our partner channel",
          "release reliability", "warehouse throughput", "hiring in engineering",
          "self-serve sales", "data quality", "the mobile app experience", "incident response",
          "renewals in the mid-market", "the reporting suite", "supplier onboarding",
          "order tracking", "the developer platform", "field service scheduling")
MILESTONES = ("Launch the new pricing page", "Ship single sign-on for all plans",
              "Sign the first reseller agreement", "Retire the legacy billing system",
              "Publish the public API reference", "Open the second support hub",
              "Complete the SOC 2 Type II audit", "Roll out the new onboarding flow")
GRADES = ("Customer advisory board grade", "Architecture review grade",
          "Quality review grade", "Quarterly retrospective grade")
CHECKLISTS = ("Complete the launch readiness checklist", "Close the audit findings",
              "Finish the migration runbook", "Deliver the onboarding initiatives",
              "Complete the security review actions", "Prepare every region for the peak")
ITEMS = ("Scope agreed with the stakeholders", "Budget approved", "Vendor selected",
         "Pilot with two teams", "Runbook written", "Training for all staff",
         "Rollout to every region", "Old process switched off", "Dashboards in place",
         "Customers informed", "Support team briefed", "Retrospective held")
NOTES = ("On plan.", "Slower than planned: two people on holiday.",
         "Two customers moved to the new flow this week", "Blocked on the vendor's API change",
         "Back on track after the release freeze", "Data now from the warehouse, not the sheet",
         "New hire started; expect faster progress", "First full month measured",
         "Reviewed with the leadership team, target kept", "Dip caused by the public holiday",
         "=> 66% (two regions done, the third moves to next quarter)")
EVENT_NOTES = ("Design approved", "Vendor contract signed", "Testing with two pilot customers",
               "Waiting for the security review", "Date moved: the supplier is late",
               "Go/no-go meeting booked", "Scope cut to the essentials, agreed with the sponsor")
KPI_NOTES = ("Public holidays", "Billing system migration", "One-off project revenue",
             "Incident on the 14th", "Definition changed: now excludes test accounts")
ROLES = ("Head of Operations", "VP Sales", "Product lead", "Programme manager",
         "Finance business partner", "Engineering manager", "Chief of Staff")
TAGS = ("p0", "p1", "growth", "reliability", "cost", "customer", "platform", "compliance",
        "hiring", "sustainability", "ai")
KR_KINDS = ("metric", "milestone", "score", "threshold", "checklist")
KR_KIND_WEIGHTS = (62, 18, 9, 6, 5)
# name, unit, lower is better, low, high, decimals
METRICS: tuple[tuple[str, str, bool, float, float, int], ...] = (
    ("weekly active accounts", "accounts", False, 200, 5000, 0),
    ("activation rate", "%", False, 15, 70, 1),
    ("p95 API latency", "ms", True, 150, 1500, 0),
    ("open support tickets", "tickets", True, 40, 600, 0),
    ("cost per shipment", "EUR", True, 3, 15, 2),
    ("on-time delivery", "%", False, 80, 95, 1),
    ("monthly churn", "%", True, 0.5, 4, 2),
    ("net revenue retention", "%", False, 90, 125, 1),
    ("deploys per week", "deploys", False, 3, 40, 0),
    ("time to hire", "days", True, 20, 70, 0),
    ("qualified pipeline", "k EUR", False, 200, 3000, 0),
    ("defect escape rate", "%", True, 1, 12, 1),
)
# title, unit, lower is better, value at the start of the year, target
KPIS: tuple[tuple[str, str, bool, float, float], ...] = (
    ("Monthly recurring revenue", "k EUR", False, 800, 1100),
    ("Gross revenue churn", "%", True, 2.4, 1.2),
    ("First response time", "hours", True, 7.5, 2.0),
    ("Platform availability", "%", False, 99.5, 99.95),
    ("Net Promoter Score", "points", False, 18, 40),
    ("Cost per order", "EUR", True, 9.8, 7.5),
    ("Employee attrition", "%", True, 18, 11),
)


# --- the organisation in memory ----------------------------------------------------------


@dataclass
class Unit:
    id: str
    name: str
    parent: str | None
    folder: str
    lead: str
    owners: list[str] = field(default_factory=list)


@dataclass
class Kpi:
    id: str
    owner: str
    folder: str
    data: dict[str, Any]
    csv: bool = False
    """Its values are written to ``<id>.csv`` beside it (``values_file``), not inline."""

    @property
    def values(self) -> list[dict[str, Any]]:
        return self.data["values"]


@dataclass
class Objective:
    id: str
    owner: str
    period: str
    folder: str
    data: dict[str, Any]
    """The front matter (written in :data:`OBJECTIVE_FIELDS` order)."""
    body: str = ""

    @property
    def key_results(self) -> list[dict[str, Any]]:
        """Empty for an objective scored only by the objectives aligned to it."""
        return self.data["key_results"]

    @property
    def parent(self) -> str | None:
        """``obj`` or ``obj#kr``."""
        return self.data.get("parent")

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.id}.md"


@dataclass
class Org:
    units: list[Unit]
    kpis: list[Kpi]
    objectives: dict[str, Objective] = field(default_factory=dict)
    """By id, in the order they were made."""
    owned: dict[str, list[Objective]] = field(default_factory=dict)
    """Unit id -> the objectives it owns."""

    def __post_init__(self) -> None:
        self._units = {u.id: u for u in self.units}

    def unit(self, unit_id: str) -> Unit:
        return self._units[unit_id]

    def add(self, objective: Objective) -> None:
        self.objectives[objective.id] = objective
        self.owned.setdefault(objective.owner, []).append(objective)

    def remove(self, objective: Objective) -> None:
        del self.objectives[objective.id]
        self.owned[objective.owner].remove(objective)

    def shared_sources(self) -> set[str]:
        """``obj#kr`` of every key result some ``shared`` key result names."""
        return {kr["from"] for o in self.objectives.values() for kr in o.key_results
                if kr.get("type") == "shared"}

    def parents_for(self, unit: Unit, period: str) -> list[Objective]:
        """Objectives of the nearest ancestor unit that has any whose period encloses ``period``."""
        ancestor = unit
        while ancestor.parent is not None:
            ancestor = self.unit(ancestor.parent)
            found = [o for o in self.owned.get(ancestor.id, ()) if _encloses(o.period, period)]
            if found:
                return found
        return []


def _encloses(outer: str, inner: str) -> bool:
    (outer_start, outer_end), (inner_start, inner_end) = PERIODS[outer], PERIODS[inner]
    return outer_start <= inner_start and inner_end <= outer_end


# --- building ----------------------------------------------------------------------------


def build_units(count: int, rng: random.Random) -> list[Unit]:
    """A company, about sqrt(count) departments, and teams spread over them."""
    def lead() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    units = [Unit("company", "Synthetic Corp", None, "company", lead(), ["@synthetic/leadership"])]
    departments = round(math.sqrt(count - 1)) if count > 1 else 0
    for d in range(1, departments + 1):
        uid = f"dept-{d:02d}"
        owners = [f"@synthetic/{uid}-leads"] if d % 3 == 1 else []
        units.append(Unit(uid, f"Department {d}", "company", uid, lead(), owners))
    for t in range(count - 1 - departments):
        dept = units[1 + t % departments]
        uid = f"team-{dept.id[5:]}-{t // departments + 1:02d}"
        units.append(Unit(uid, f"Team {uid[5:]}", dept.id, f"{dept.folder}/{uid}", lead()))
    return units


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def lead_text(rng: random.Random) -> str:
    """A person, or (one time in three) a role, as real OKRs name their owners."""
    return rng.choice(ROLES) if rng.random() < 0.35 else person(rng)


def tags(rng: random.Random) -> list[str]:
    return rng.sample(TAGS, rng.choice((1, 1, 2, 3)))


def issue_link(rng: random.Random) -> dict[str, str]:
    key = f"{rng.choice(('OPS', 'PLAT', 'GTM', 'FIN'))}-{rng.randint(100, 2999)}"
    kind = rng.choice(("Issue", "Epic"))
    return {"title": f"{kind} {key}", "url": f"https://issues.example.com/browse/{key}"}


def objective_links(unit: Unit, rng: random.Random) -> list[dict[str, str]]:
    links = [issue_link(rng)]
    if rng.random() < 0.5:
        links.append({"title": "Planning notes",
                      "url": f"https://wiki.example.com/okrs/{rng.randint(100, 999)}"})
    if rng.random() < 0.3:
        links.append({"title": "Our unit page", "url": f"/units/{unit.id}/"})
    return links


def build_kpis(units: list[Unit], rng: random.Random) -> list[Kpi]:
    count = max(1, len(units) // UNITS_PER_KPI)
    kpis = []
    for i in range(count):
        title, unit, lower, start, target = KPIS[i % len(KPIS)]
        owner = units[(i * len(units)) // count]
        months = rng.randint(6, 12)
        last_month = 10 if rng.random() < 0.85 else 8  # some KPIs are behind with their figures
        values = []
        for m in range(months):  # month ends up to October (or August) 2026
            month = last_month - (months - 1 - m)
            first_of_next = date(2026 + month // 12, month % 12 + 1, 1)
            share = (m + 1) / 12 * rng.uniform(-0.4, 1.0)  # some end up red
            point: dict[str, Any] = {"date": first_of_next - timedelta(days=1),
                                     "value": _round(start + (target - start) * share, 2)}
            if rng.random() < 0.08:
                point["note"] = rng.choice(KPI_NOTES)
            values.append(point)
        green = _round(target + (start - target) * 0.3, 2)
        data: dict[str, Any] = {
            "kind": "kpi",
            "title": title if i < len(KPIS) else f"{title} ({owner.name})",
            "owner": owner.id,
            "unit": unit,
            "direction": "lower_is_better" if lower else "higher_is_better",
            "target": target,
            "thresholds": {"green": green, "amber": start},
        }
        if i == 4:
            data["visibility"] = "private"
        if rng.random() < 0.3:
            data["lead"] = lead_text(rng)
        if rng.random() < 0.25:
            data["tags"] = tags(rng)
        if rng.random() < 0.3:
            data["links"] = [{"title": "Dashboard",
                              "url": f"https://bi.example.com/kpis/{i + 1:03d}"}]
        if rng.random() < 0.65:
            data["cadence"] = rng.choice(("monthly", "monthly", "monthly", "quarterly"))
        data["values"] = values
        kpis.append(Kpi(f"kpi-{i + 1:03d}", owner.id, owner.folder, data, csv=i % 3 == 1))
    return kpis


def build_objectives(org: Org, rng: random.Random) -> None:
    """Four objectives per unit, aligned upwards; then key results aligned to become ``aligned``,
    a few shared from the parent objective, and a few objectives left to their children."""
    for unit in org.units:
        for n in range(1, OBJECTIVES_PER_UNIT + 1):
            period = "2026" if unit.parent is None else rng.choice(("2026-Q4",) * 5 + ("2026-Q3",))
            org.add(new_objective(org, unit, f"{unit.id}-o{n}", period, rng))
    aligned_to = {o.parent for o in org.objectives.values() if o.parent}
    for objective in org.objectives.values():
        for n, kr in enumerate(objective.key_results):
            if f"{objective.id}#{kr['id']}" in aligned_to and rng.random() < 0.6:
                title = f"Teams deliver {rng.choice(TOPICS)}"
                objective.key_results[n] = {"id": kr["id"], "title": title, "type": "aligned"}
    leave_to_children(org, rng)
    share_key_results(org, rng)


def share_key_results(org: Org, rng: random.Random) -> None:
    """"We share this KR": about one objective in sixteen takes a key result of its parent
    objective instead of a copy of its own (the parent public, the key result public and
    measured here, not ``aligned``)."""
    aligned_to = {o.parent for o in org.objectives.values() if o.parent}
    for objective in org.objectives.values():
        if objective.parent is None or rng.random() >= 0.08:
            continue
        parent = org.objectives[objective.parent.split("#")[0]]
        sources = [kr for kr in parent.key_results
                   if kr.get("type") not in ("aligned", "shared") and "visibility" not in kr]
        mine = [n for n, kr in enumerate(objective.key_results)
                if f"{objective.id}#{kr['id']}" not in aligned_to and kr.get("type") != "aligned"]
        if parent.data.get("visibility") == "private" or not sources or not mine:
            continue
        n, source = rng.choice(mine), rng.choice(sources)
        shared: dict[str, Any] = {"id": objective.key_results[n]["id"]}
        if rng.random() < 0.3:  # else it takes the source's title
            shared["title"] = f"Our part: {source['title'][0].lower()}{source['title'][1:]}"
        shared.update({"type": "shared", "from": f"{parent.id}#{source['id']}"})
        if rng.random() < 0.3:
            shared["weight"] = 2
        objective.key_results[n] = shared


def leave_to_children(org: Org, rng: random.Random) -> None:
    """About a quarter of the objectives that others align to drop their key results: the
    objectives aligned to them or to one of their key results now align to the objective
    itself, and score it alone."""
    children: dict[str, list[Objective]] = {}
    for o in org.objectives.values():
        if o.parent:
            children.setdefault(o.parent.split("#")[0], []).append(o)
    for objective in org.objectives.values():
        if objective.id not in children or rng.random() >= 0.25:
            continue
        objective.key_results.clear()
        for child in children[objective.id]:
            child.data["parent"] = objective.id


def new_objective(org: Org, unit: Unit, oid: str, period: str, rng: random.Random) -> Objective:
    data: dict[str, Any] = {
        "kind": "objective",
        "title": f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
        "owner": unit.id,
        "period": period,
    }
    if rng.random() < 0.15:
        data["weight"] = rng.choice((0.5, 2))
    if rng.random() < 0.02:
        data["visibility"] = "private"
    if rng.random() < 0.03:
        data["status"] = rng.choice(("on_track", "at_risk", "off_track"))
    if rng.random() < 0.2:
        data["lead"] = lead_text(rng)
    if rng.random() < 0.25:
        data["tags"] = tags(rng)
    if rng.random() < 0.2:
        data["links"] = objective_links(unit, rng)
    public_kpis = [k for k in org.kpis if k.data.get("visibility") != "private"]
    data["key_results"] = [
        new_key_result(n, period, public_kpis, unit, rng)
        for n in range(KEY_RESULTS_PER_OBJECTIVE)
    ]
    if "visibility" not in data:
        for kr in data["key_results"]:
            if rng.random() < 0.02:  # a confidential target in a public objective
                kr["visibility"] = "private"
    candidates = org.parents_for(unit, period)
    if candidates and rng.random() < 0.85:
        parent = rng.choice(candidates)
        kr_ids = [kr["id"] for kr in parent.key_results if kr.get("type") != "shared"]
        data["parent"] = (f"{parent.id}#{rng.choice(kr_ids)}" if kr_ids and rng.random() < 0.5
                          else parent.id)
    return Objective(oid, unit.id, period, unit.folder, data, body=body(rng))


def new_key_result(
    n: int, period: str, kpis: list[Kpi], unit: Unit, rng: random.Random
) -> dict[str, Any]:
    kind = rng.choices(KR_KINDS, KR_KIND_WEIGHTS)[0]
    kr: dict[str, Any] = {"id": f"kr{n + 1}"}
    notes = rng.random() < 0.36  # a third of the key results carry check-in notes
    who = (unit.lead if rng.random() < 0.5 else person(rng)) if rng.random() < 0.75 else None
    if kind == "milestone":
        done = rng.random() < 0.4
        kr.update(title=rng.choice(MILESTONES), type="milestone", done=done)
        dated_notes(kr, period, notes if notes or not done else None, who, rng)
    elif kind == "score":
        kr.update(title=rng.choice(GRADES), type="score", score=_round(rng.uniform(0.2, 0.9), 1))
        dated_notes(kr, period, notes, who, rng)
    elif kind == "checklist":
        checklist(kr, period, rng)
        done = all(item["done"] for item in kr["items"])
        dated_notes(kr, period, notes if notes or not done else None, who, rng)
    elif kind == "threshold":
        threshold(kr, period, kpis, notes, who, rng)
    else:
        metric(kr, period, kpis, notes, who, rng)
    checkins = kr.pop("history", None)
    if rng.random() < 0.25:
        kr["lead"] = lead_text(rng)
    if rng.random() < 0.08:
        kr["due"] = due_date(period, rng)
    if rng.random() < 0.04:
        kr["description"] = "Scope and definitions agreed in the planning review; see the issue."
    if rng.random() < 0.08:
        kr["links"] = [issue_link(rng)]
    if rng.random() < 0.05:
        kr["tags"] = tags(rng)
    if checkins:
        kr["history"] = checkins
    return kr


def metric(kr: dict[str, Any], period: str, kpis: list[Kpi], notes: bool, who: str | None,
           rng: random.Random) -> None:
    progress = expected_progress(period, rng)
    if kpis and rng.random() < 0.1:
        kpi = rng.choice(kpis)
        start = kpi.values[-4]["value"]  # three months ago: the KPI's values move it
        target = _round(start + (kpi.data["target"] - start) * rng.uniform(0.3, 0.7), 2)
        if target == start:
            target = kpi.data["target"]
        unit = kpi.data["unit"]
        kr.update(title=f"Move {kpi.data['title'].lower()} from {amount(start, unit)} to "
                        f"{amount(target, unit)}",
                  start=start, target=target, unit=unit, kpi=kpi.id)
        confidence(kr, rng)
        dated_notes(kr, period, notes, who, rng)  # the KPI gives the value: notes only
        return
    name, unit, lower, low, high, decimals = rng.choice(METRICS)
    start = _round(rng.uniform(low, high), decimals)
    step = max((high - low) * rng.uniform(0.1, 0.4), 10 ** -decimals)
    target = _round(start - step if lower else start + step, decimals)
    if target <= 0 or target == start:
        target = _round(start + step, decimals)
    verb = "Raise" if target > start else "Cut"
    kr.update(title=f"{verb} {name} from {num(start)} to {amount(target, unit)}",
              start=start, target=target)
    if rng.random() < 0.15:  # commit and stretch
        stretch = _round(target + (target - start) * rng.uniform(0.2, 0.5), decimals)
        if stretch > 0 and (stretch - target) * (target - start) > 0:
            kr["stretch"] = stretch
            kr["title"] += f" (stretch {num(stretch)})"
            if rng.random() < 0.3:  # some reach the commit
                progress = rng.uniform(1.0, 1.5)
    current = _round(start + (target - start) * progress, decimals)
    if current <= 0:
        current = target
    kr.update(current=current, unit=unit)
    if rng.random() < 0.2:
        kr["weight"] = 2
    confidence(kr, rng)
    updated = check_in_date(period, rng)
    if notes or rng.random() < 0.45:
        points = history(start, current, PERIODS[period][0], updated, rng)
        kr["history"] = annotate(points, notes, who, rng)
        if rng.random() < 0.5:  # current is the latest check-in's value
            del kr["current"]
        if any("confidence" in c for c in kr["history"]) and rng.random() < 0.7:
            kr.pop("confidence", None)
    else:
        kr["updated"] = updated


def threshold(kr: dict[str, Any], period: str, kpis: list[Kpi], notes: bool, who: str | None,
              rng: random.Random) -> None:
    """Hold a level: about seven in ten are met."""
    met = rng.random() < 0.7
    if kpis and rng.random() < 0.25:
        kpi = rng.choice(kpis)
        lower = kpi.data["direction"] == "lower_is_better"
        latest = kpi.values[-1]["value"]
        margin = max(abs(latest) * rng.uniform(0.01, 0.08), 0.01)
        target = _round(latest + margin if lower == met else latest - margin, 2)
        unit = kpi.data["unit"]
        word = "below" if lower else "above"
        kr.update(title=f"Keep {kpi.data['title'].lower()} at or {word} {amount(target, unit)}",
                  type="threshold", target=target, unit=unit, kpi=kpi.id)
        dated_notes(kr, period, notes, who, rng)
        return
    name, unit, lower, low, high, decimals = rng.choice(METRICS)
    target = _round(rng.uniform(low, high), decimals)
    step = max((high - low) * rng.uniform(0.01, 0.1), 10 ** -decimals)
    good, bad = (target - step, target + step) if lower else (target + step, target - step)
    current = _round(max(good if met else bad, 10 ** -decimals), decimals)
    strict = rng.random() < 0.1
    word = ("below" if lower else "above") if strict else ("at or below" if lower else
                                                           "at or above")
    kr.update(title=f"Keep {name} {word} {amount(target, unit)}", type="threshold",
              target=target)
    if lower:
        kr["direction"] = "lower_is_better"
    if strict:
        kr["strict"] = True
    kr.update(current=current, unit=unit)
    confidence(kr, rng)
    updated = check_in_date(period, rng)
    if notes or rng.random() < 0.4:
        dates = checkin_dates(PERIODS[period][0], updated, rng)
        points = [{"date": d, "value": _round(target + (current - target) * rng.uniform(0.5, 2)
                                              if i < len(dates) - 1 else current, decimals)}
                  for i, d in enumerate(dates)]
        kr["history"] = annotate(points, notes, who, rng)
        if rng.random() < 0.5:
            del kr["current"]
    else:
        kr["updated"] = updated


def checklist(kr: dict[str, Any], period: str, rng: random.Random) -> None:
    titles = rng.sample(ITEMS, rng.randint(3, 8))
    done = round(len(titles) * min(1.0, expected_progress(period, rng) * 1.2))
    items: list[dict[str, Any]] = []
    for i, title in enumerate(titles):
        item: dict[str, Any] = {"title": title, "done": i < done}
        if rng.random() < 0.2:
            item["weight"] = 2
        items.append(item)
    kr.update(title=rng.choice(CHECKLISTS), type="checklist", items=items)


def confidence(kr: dict[str, Any], rng: random.Random) -> None:
    if rng.random() < 0.7:
        kr["confidence"] = _round(rng.uniform(0.2, 0.9), 1)


def dated_notes(kr: dict[str, Any], period: str, notes: bool | None, who: str | None,
                rng: random.Random) -> None:
    """Check-ins without values, or ``updated``: with ``notes`` one to three dated notes;
    ``None``: neither (a milestone or checklist that is done needs no update)."""
    if notes is None:
        return
    updated = check_in_date(period, rng)
    if not notes:
        kr["updated"] = updated
        return
    dates = checkin_dates(PERIODS[period][0], updated, rng)[-rng.randint(1, 3):]
    kr["history"] = annotate([{"date": d} for d in dates], True, who, rng, EVENT_NOTES, 1.0)


def annotate(points: list[dict[str, Any]], notes: bool, who: str | None, rng: random.Random,
             texts: tuple[str, ...] = NOTES, share: float = 0.4) -> list[dict[str, Any]]:
    """With ``notes``: the latest check-in and ``share`` of the earlier ones get a note (no two
    alike), ``by`` and sometimes a confidence."""
    if not notes:
        return points
    for i, (point, text) in enumerate(zip(points, rng.sample(texts, len(points)), strict=True)):
        if i == len(points) - 1 or rng.random() < share:
            if who:
                point["by"] = who
            if rng.random() < 0.4:
                point["confidence"] = _round(rng.uniform(0.2, 0.9), 1)
            point["note"] = text
    return points


def due_date(period: str, rng: random.Random) -> date:
    """A day in the later two thirds of the period: some before the as-of date (overdue
    unless reached), most after it."""
    start, end = PERIODS[period]
    earliest = start + timedelta(days=(end - start).days // 3)
    return earliest + timedelta(days=rng.randint(0, (end - earliest).days))


def expected_progress(period: str, rng: random.Random) -> float:
    """A score that gives a mix of on-track, at-risk and off-track objectives at ``AS_OF``."""
    start, end = PERIODS[period]
    elapsed = min(1.0, ((AS_OF - start).days + 1) / ((end - start).days + 1))
    pace = rng.choices((rng.uniform(0.75, 1.3), rng.uniform(0.4, 0.7), rng.uniform(0, 0.4)),
                       (5, 3, 2))[0]
    return min(1.0, elapsed * pace)


def check_in_date(period: str, rng: random.Random) -> date:
    """Most check-ins are fresh at ``AS_OF``; about one in seven is older than 14 days."""
    start, end = PERIODS[period]
    last = min(end, AS_OF - timedelta(days=1))
    earliest = max(start, last - timedelta(days=12 if rng.random() < 0.85 else 40))
    return earliest + timedelta(days=rng.randint(0, (last - earliest).days))


def checkin_dates(first: date, last: date, rng: random.Random) -> list[date]:
    """Two to four distinct dates from ``first`` to ``last``, at most 14 days apart, ending at
    ``last``."""
    available = (last - first).days
    points = min(rng.randint(2, 4), available + 1)
    step = min(14, available // max(points - 1, 1))
    return [last - timedelta(days=step * (points - 1 - i)) for i in range(points)]


def history(
    start: float, current: float, first: date, last: date, rng: random.Random
) -> list[dict[str, Any]]:
    """Two to four check-ins inside the period, ending at ``last`` with ``current``."""
    dates = checkin_dates(first, last, rng)
    return [{"date": d, "value": _round(start + (current - start) * (i + 1) / len(dates), 2)}
            for i, d in enumerate(dates)]


def body(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    return (
        f"Why this matters: {topic} is where customers feel our progress first.\n\n"
        f"- Plan: {rng.choice(MILESTONES).lower()}.\n"
        f"- Measure weekly and review in the team's check-in.\n\n"
        f"See the [planning notes](https://wiki.example.com/okrs/{rng.randint(100, 999)}).\n"
    )


def build(units: int, seed: int) -> Org:
    rng = random.Random(seed)
    unit_list = build_units(units, rng)
    org = Org(unit_list, build_kpis(unit_list, rng))
    build_objectives(org, rng)
    return org


# --- mutating: what a pull request changes ------------------------------------------------


def apply_mutations(org: Org, count: int, rng: random.Random) -> None:
    """Change ``count`` goal files: re-align one, add one, remove one, edit values in the rest."""
    plan = ["edit", "realign", "add", "remove"][:count] if count < 4 else (
        ["realign", "add", "remove"] + ["edit"] * (count - 3))
    touched: set[str] = set()
    for action in plan:
        if action == "add":
            unit = rng.choice(org.units[1:] or org.units)
            n = len(org.owned.get(unit.id, ())) + 1
            while f"{unit.id}-o{n}" in org.objectives:
                n += 1
            org.add(new_objective(org, unit, f"{unit.id}-o{n}", "2026-Q4", rng))
            touched.add(f"{unit.id}-o{n}")
            continue
        refs = Counter(o.parent for o in org.objectives.values() if o.parent)
        candidates = [o for o in org.objectives.values()
                      if o.id not in touched and movable(org, o, action, refs)]
        if not candidates:
            continue
        objective = rng.choice(candidates)
        touched.add(objective.id)
        if action == "remove":
            org.remove(objective)
        elif action == "realign":
            parents = org.parents_for(org.unit(objective.owner), objective.period)
            objective.data["parent"] = rng.choice(
                [p.id for p in parents if p.id != objective.parent])
        else:
            edit_values(objective, rng)


def movable(org: Org, objective: Objective, action: str, refs: Counter[str]) -> bool:
    """Whether an objective can be edited, re-aligned or removed leaving the tree valid.

    ``refs`` counts the objectives aligned to each ``obj`` and ``obj#kr``.
    """
    if action == "edit":
        return True
    parent = objective.parent
    if parent and "#" in parent:  # the last objective aligned to an aligned key result stays
        parent_id, kr_id = parent.split("#")
        kr = next(k for k in org.objectives[parent_id].key_results if k["id"] == kr_id)
        if kr.get("type") == "aligned" and refs[parent] < 2:
            return False
    elif parent and not org.objectives[parent].key_results and refs[parent] < 2:
        return False  # the last objective that scores one without key results stays
    if action == "remove":  # nothing may be aligned to or share from a removed objective
        shared = {ref.split("#")[0] for ref in org.shared_sources()}
        return objective.id not in shared and not any(
            ref.split("#")[0] == objective.id for ref in refs)
    parents = org.parents_for(org.unit(objective.owner), objective.period)
    return any(p.id != parent for p in parents)


def edit_values(objective: Objective, rng: random.Random) -> None:
    """A check-in: move a current value (or the latest check-in's), a target, a grade, a
    milestone or a checklist item."""
    for kr in rng.sample(objective.key_results, len(objective.key_results)):
        kind = kr.get("type", "metric")
        measured = [c for c in kr.get("history", ()) if "value" in c]
        if kind == "milestone":
            kr["done"] = not kr["done"]
        elif kind == "score":
            kr["score"] = 0.9 if kr["score"] < 0.55 else 0.2
        elif kind == "checklist":
            item = rng.choice(kr["items"])
            item["done"] = not item["done"]
        elif kind in ("metric", "threshold") and (measured or "current" in kr) and (
                rng.random() < 0.7):
            if kind == "metric":
                value = _round(kr["start"] + (kr["target"] - kr["start"]) * rng.random(), 2)
            else:
                value = _round(kr["target"] * rng.uniform(0.9, 1.1), 2)
            if "current" in kr:
                kr["current"] = value
            else:
                measured[-1]["value"] = value
        elif kind == "metric":
            kr["target"] = _round(kr["start"] + (kr["target"] - kr["start"]) * 1.25, 2)
            if "stretch" in kr:  # stays beyond the target
                kr["stretch"] = _round(kr["start"] + (kr["stretch"] - kr["start"]) * 1.25, 2)
        elif kind == "threshold":
            kr["target"] = _round(kr["target"] * 1.02 + 0.01, 2)
        else:
            continue
        return
    objective.data["weight"] = 0.5 if objective.data.get("weight") == 2 else 2  # all aligned


# --- writing -----------------------------------------------------------------------------


def write(org: Org, out: Path) -> int:
    """Write the tree, delete goal and CSV files an earlier run left that it lacks; count
    files."""
    files = {"org.yml": org_yaml(org)}
    for kpi in org.kpis:
        data = dict(kpi.data)
        if kpi.csv:
            data["values_file"] = f"{kpi.id}.csv"
            files[f"{kpi.folder}/{kpi.id}.csv"] = values_csv(data.pop("values"))
        files[f"{kpi.folder}/{kpi.id}.md"] = f"---\n{dump(data)}---\n{kpi_body(kpi)}"
    for o in org.objectives.values():
        data = {key: o.data[key] for key in OBJECTIVE_FIELDS if o.data.get(key) not in (None, [])}
        files[o.rel] = f"---\n{dump(data)}---\n{o.body}"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.rglob("*"):
        rel = old.relative_to(out)
        if (old.suffix in (".md", ".csv") and rel.as_posix() not in files and old.is_file()
                and not any(part[0] in "._" for part in rel.parts)):
            old.unlink()
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        hidden = any(part[0] in "._" for part in folder.relative_to(out).parts)
        if not hidden and not any(folder.iterdir()):
            folder.rmdir()
    return len(files)


def org_yaml(org: Org) -> str:
    units = []
    for u in org.units:
        entry: dict[str, Any] = {"id": u.id, "name": u.name}
        if u.parent:
            entry["parent"] = u.parent
        entry["lead"] = u.lead
        if u.owners:
            entry["owners"] = u.owners
        units.append(entry)
    periods = [{"id": pid, "start": s, "end": e} for pid, (s, e) in PERIODS.items()]
    return dump({"organization": "Synthetic Corp", "units": units, "periods": periods})


def values_csv(values: list[dict[str, Any]]) -> str:
    """A KPI's values as a spreadsheet export: ``date,value,note``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("date", "value", "note"))
    for point in values:
        writer.writerow((point["date"].isoformat(), num(point["value"]), point.get("note", "")))
    return buffer.getvalue()


def kpi_body(kpi: Kpi) -> str:
    return (f"How we measure {kpi.data['title'].lower()}: monthly, from the data warehouse.\n\n"
            f"- Owner: `{kpi.owner}`\n- Reviewed in the monthly business review.\n")


_PLAIN = re.compile(r"[A-Za-z][\w ,.()/'&+%#-]*|\d{4}-Q[1-4]")
_FLOW_PLAIN = re.compile(r"[A-Za-z][\w .()/'&+%-]*")
"""Plain inside ``{...}``: no comma, colon or ``#``."""
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def scalar(value: Any, flow: bool = False) -> str:
    """One YAML scalar that every reader (YAML 1.1 or 1.2) reads the same way; ``flow``: inside
    a flow mapping."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return num(value)
    if isinstance(value, date):
        return value.isoformat()
    pattern = _FLOW_PLAIN if flow else _PLAIN
    plain = pattern.fullmatch(value) and " #" not in value and not value.endswith(" ")
    if plain and value.lower() not in _KEYWORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def dump(data: dict[str, Any], indent: str = "") -> str:
    """Block YAML for the few shapes goal files use; check-ins, values, checklist items and
    links one per line in flow style (``- {date: 2026-10-31, value: 12, note: "..."}``)."""
    return "".join(_lines(data, indent))


def _lines(data: dict[str, Any], indent: str) -> Iterator[str]:
    for key, value in data.items():
        if isinstance(value, dict):
            yield f"{indent}{key}: {_flow(value)}\n"
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            yield f"{indent}{key}:\n"
            for item in value:
                if key in FLOW_LISTS:
                    yield f"{indent}  - {_flow(item)}\n"
                else:
                    block = dump(item, indent + "    ")
                    yield f"{indent}  - {block[len(indent) + 4:]}"
        elif isinstance(value, list):
            yield f"{indent}{key}: [{', '.join(scalar(v) for v in value)}]\n"
        else:
            yield f"{indent}{key}: {scalar(value)}\n"


def _flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in mapping.items()) + "}"


def amount(value: float, unit: str) -> str:
    """``12%``, ``12 days``."""
    return f"{num(value)}{unit}" if unit == "%" else f"{num(value)} {unit}"


def num(value: float) -> str:
    """A number as a plain decimal: ``12`` for 12.0, never an exponent."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0")


def _round(value: float, decimals: int) -> float:
    rounded = round(value, decimals)
    return float(int(rounded)) if decimals == 0 else rounded


# --- entry points ------------------------------------------------------------------------


def generate(units: int, out: Path, seed: int = 0, mutate: int = 0) -> int:
    """Write a valid organisation of ``units`` units to ``out``; return the number of files.

    With ``mutate`` > 0 the same organisation (same seed) is written with that many goal files
    changed, for benchmarking ``okrsite diff``.
    """
    if units < 1:
        raise ValueError("units must be at least 1")
    org = build(units, seed)
    if mutate:
        apply_mutations(org, mutate, random.Random(f"{seed}-mutate"))
    return write(org, Path(out))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("units", type=int, help="number of units (company, departments, teams)")
    parser.add_argument("outdir", type=Path, help="the goals folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--mutate", type=int, default=0, metavar="K",
                        help="change K goal files of the same organisation")
    args = parser.parse_args(argv)
    count = generate(args.units, args.outdir, seed=args.seed, mutate=args.mutate)
    print(f"wrote {count} files to {args.outdir}")


if __name__ == "__main__":
    main()
