"""Compare two goal trees, BASE and HEAD of a pull request, both scored at one as-of date.

Pure: the trees arrive as :class:`~okrsite.load.Source` lists (:mod:`okrsite.git` reads them
from a revision or the working tree) and :func:`diff_sources` returns a :class:`Diff`, which
:func:`as_json` and :func:`as_markdown` turn into ``okrsite diff``'s two formats.

Rules the spec leaves to us (the docs repeat them):

- Objectives and KPIs are matched by id. An id that disappears while another appears in the
  same file, or with the same title and owner, is a rename, not a removal and an addition;
  a new title is a rename too.
- A score "changes" when it differs at the 4 decimals every output rounds to.
- A moved goalpost is a key result (metric in both trees) whose ``start`` or ``target`` differs,
  when the as-of date lies after the first day of the objective's period.
- Private objectives and KPIs (private in either tree) never show an id, a title, an owner, a
  parent or a key result: they appear as "private objective" / "private KPI" with their score
  (or value) changes only, because a pull-request comment may be read by the whole company.
  A public objective aligned to a private one shows its parent as "private objective".
- BASE with errors: the files with problems are left out (and, in turn, those that then fail
  because they refer to them) and the rest is compared; without a usable ``org.yml`` in BASE,
  everything in HEAD counts as added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from .errors import Problem
from .load import LoadedTree, Source, load_sources
from .model import Goals, Kpi, Objective, build_goals
from .pipeline import check_tree
from .render.export import plain_number, rounded
from .score import Scorecard, score_goals
from .validate import validate

PRIVATE = {"objective": "private objective", "kpi": "private KPI"}
MAX_ROUNDS = 10
"""How often BASE is re-validated after leaving files out before giving up on it."""

Kind = Literal["objective", "kpi"]


@dataclass(frozen=True, slots=True)
class Pair:
    """A value before → after (``None`` on a side where there is none)."""

    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Entry:
    """An objective or KPI added or removed."""

    kind: Kind
    id: str | None
    """``None`` for a private one."""
    title: str
    private: bool = False
    owner: str | None = None
    period: str | None = None
    parent: str | None = None
    score: float | None = None
    """Objectives: the score in the tree it is in."""
    status: str | None = None
    """Objectives: the status; KPIs: the health."""


@dataclass(frozen=True, slots=True)
class Renamed:
    """An objective or KPI whose id (its file renamed) or title changed."""

    kind: Kind
    id: Pair
    title: Pair


@dataclass(frozen=True, slots=True)
class Realigned:
    """An objective whose parent or owner changed (a KPI: its owner)."""

    kind: Kind
    id: str
    title: str
    parent: Pair | None = None
    owner: Pair | None = None


@dataclass(frozen=True, slots=True)
class KeyResultEntry:
    """A key result added to or removed from an objective present in both trees."""

    objective: str
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class KeyResultChange:
    id: str
    title: str
    score: Pair
    delta: float


@dataclass(frozen=True, slots=True)
class ObjectiveChange:
    """An objective in both trees whose score, status or key-result scores changed."""

    id: str | None
    title: str
    private: bool
    score: Pair
    delta: float
    status: Pair
    key_results: tuple[KeyResultChange, ...] = ()


@dataclass(frozen=True, slots=True)
class KpiChange:
    id: str | None
    title: str
    private: bool
    latest: Pair
    health: Pair


@dataclass(frozen=True, slots=True)
class UnitChange:
    """The roll-up: a unit whose score changed, in the unit tree's order."""

    id: str
    name: str
    depth: int
    score: Pair
    delta: float | None


@dataclass(frozen=True, slots=True)
class MovedGoalpost:
    objective: str
    key_result: str
    title: str
    start: Pair
    target: Pair
    period_start: str


@dataclass(frozen=True)
class Diff:
    """Everything that changed from BASE to HEAD, each list in the order it is reported."""

    as_of: date
    organization: str
    overall: Pair
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    realigned: tuple[Realigned, ...] = ()
    key_results_added: tuple[KeyResultEntry, ...] = ()
    key_results_removed: tuple[KeyResultEntry, ...] = ()
    objectives: tuple[ObjectiveChange, ...] = ()
    """Biggest score change first."""
    kpis: tuple[KpiChange, ...] = ()
    units: tuple[UnitChange, ...] = ()
    moved_goalposts: tuple[MovedGoalpost, ...] = ()
    base_problems: tuple[Problem, ...] = ()
    """BASE's errors (its files with problems were left out)."""
    base_left_out: tuple[str, ...] = field(default=())
    """The BASE files left out of the comparison."""

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.renamed, self.realigned,
                        self.key_results_added, self.key_results_removed, self.objectives,
                        self.kpis, self.units, self.moved_goalposts))


# --- reading both sides -----------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    goals: Goals
    card: Scorecard


def load_base(base: Sequence[Source], head: Sequence[Source], head_tree: LoadedTree,
              prefix: str) -> LoadedTree:
    """BASE's tree, reusing HEAD's parsed documents for the files that did not change (a pull
    request changes a few files of thousands)."""
    head_content = {source.rel: source.content for source in head}
    parsed = {doc.rel: doc for doc in head_tree.goals}
    unchanged = {s.rel for s in base if s.rel in parsed and head_content[s.rel] == s.content}
    fresh = load_sources([s for s in base if s.rel not in unchanged], prefix)
    fresh_docs = {doc.rel: doc for doc in fresh.goals}
    goals = (parsed.get(s.rel) if s.rel in unchanged else fresh_docs.get(s.rel) for s in base)
    return LoadedTree(fresh.org, tuple(doc for doc in goals if doc is not None), fresh.problems)


def comparable(tree: LoadedTree) -> tuple[Goals | None, list[Problem], list[str]]:
    """BASE as far as it can be compared: ``(goals or None, its problems, files left out)``."""
    problems = [*tree.problems, *validate(tree)]
    found, left_out = list(problems), set()
    for _ in range(MAX_ROUNDS):
        if not problems and tree.org is not None:
            return build_goals(tree.org, tree.goals), found, sorted(left_out)
        bad = {p.file for p in problems}
        if tree.org is None or tree.org.name in bad:
            break
        left_out |= bad
        tree = LoadedTree(tree.org, tuple(d for d in tree.goals if d.name not in bad), ())
        problems = validate(tree)
    return None, found, sorted(left_out)


def diff_sources(
    base: Sequence[Source] | None, head: Sequence[Source], *, as_of: date, prefix: str = "goals"
) -> Diff:
    """Read, check and score both trees at ``as_of`` and compare them.

    HEAD must be valid (:class:`~okrsite.errors.GoalErrors` otherwise); BASE (``None``: no goals
    folder there) is compared as far as it can be.
    """
    head_tree = load_sources(head, prefix)
    head_goals = check_tree(head_tree)
    base_goals, problems, left_out = (
        comparable(load_base(base, head, head_tree, prefix)) if base is not None else (None, [], [])
    )
    before = Side(base_goals, score_goals(base_goals, as_of)) if base_goals else None
    after = Side(head_goals, score_goals(head_goals, as_of))
    return Diff(**compare(before, after), base_problems=tuple(sorted(set(problems))),
                base_left_out=tuple(left_out))


# --- comparing --------------------------------------------------------------------------------


def changed(before: float | None, after: float | None) -> bool:
    return rounded(before) != rounded(after)


def delta(before: float | None, after: float | None) -> float:
    return rounded((after or 0.0) - (before or 0.0)) or 0.0


def is_private(*items: Objective | Kpi | None) -> bool:
    return any(item is not None and item.private for item in items)


def parent_label(goals: Goals, objective: Objective) -> str | None:
    """The parent as written, or "private objective" when the parent is private."""
    parent = goals.objective_by_id.get(objective.parent) if objective.parent else None
    if parent is not None and parent.private:
        return PRIVATE["objective"]
    return objective.parent_ref


def match(before: Sequence[Objective | Kpi], after: Sequence[Objective | Kpi]
          ) -> tuple[list[tuple[Any, Any]], list[Any], list[Any], list[tuple[Any, Any]]]:
    """Pair items by id, then renames: ``(same id, removed, added, renamed)``."""
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    same = [(old[i], new[i]) for i in new if i in old]
    removed = [item for i, item in old.items() if i not in new]
    added = [item for i, item in new.items() if i not in old]
    renamed: list[tuple[Any, Any]] = []
    for item in list(added):
        twin = next((r for r in removed if not is_private(r, item) and (
            r.rel == item.rel or (r.title, r.owner) == (item.title, item.owner))), None)
        if twin is not None:
            removed.remove(twin)
            added.remove(item)
            renamed.append((twin, item))
    return same, removed, added, renamed


def compare(before: Side | None, after: Side) -> dict[str, Any]:
    """The fields of a :class:`Diff` (but BASE's problems) for two scored trees."""
    goals, card = after.goals, after.card
    old_objectives = before.goals.objectives if before else ()
    old_kpis = before.goals.kpis if before else ()
    same, removed, added, renamed = match(old_objectives, goals.objectives)
    same_kpis, removed_kpis, added_kpis, renamed_kpis = match(old_kpis, goals.kpis)
    pairs = same + renamed
    return {
        "as_of": card.as_of,
        "organization": goals.org.name,
        "overall": Pair(rounded(before.card.overall) if before else None, rounded(card.overall)),
        "added": tuple([objective_entry(after, o) for o in added]
                       + [kpi_entry(after, k) for k in added_kpis]),
        "removed": tuple([objective_entry(before, o) for o in removed]
                         + [kpi_entry(before, k) for k in removed_kpis]) if before else (),
        "renamed": tuple(
            Renamed(kind, Pair(a.id, b.id), Pair(a.title, b.title))
            for kind, group in (("objective", pairs), ("kpi", same_kpis + renamed_kpis))
            for a, b in group
            if (a.id, a.title) != (b.id, b.title) and not is_private(a, b)
        ),
        "realigned": tuple(realigned(before, after, pairs, same_kpis + renamed_kpis)),
        "key_results_added": tuple(kr_entries(pairs, added=True)),
        "key_results_removed": tuple(kr_entries(pairs, added=False)),
        "objectives": tuple(objective_changes(before, after, pairs)),
        "kpis": tuple(kpi_changes(before, after, same_kpis + renamed_kpis)),
        "units": tuple(unit_changes(before, after)),
        "moved_goalposts": tuple(moved_goalposts(after, pairs)),
    }


def objective_entry(side: Side, objective: Objective) -> Entry:
    result = side.card.objectives[objective.id]
    if objective.private:
        return Entry("objective", None, PRIVATE["objective"], True, score=rounded(result.score),
                     status=result.status)
    return Entry("objective", objective.id, objective.title, False, objective.owner,
                 objective.period, parent_label(side.goals, objective), rounded(result.score),
                 result.status)


def kpi_entry(side: Side, kpi: Kpi) -> Entry:
    health = side.card.kpis[kpi.id].health
    if kpi.private:
        return Entry("kpi", None, PRIVATE["kpi"], True, status=health)
    return Entry("kpi", kpi.id, kpi.title, False, kpi.owner, status=health)


def realigned(before: Side | None, after: Side, pairs: list[tuple[Objective, Objective]],
              kpi_pairs: list[tuple[Kpi, Kpi]]) -> Iterator[Realigned]:
    if before is None:
        return
    for old, new in pairs:
        if is_private(old, new):
            continue
        parent = Pair(parent_label(before.goals, old), parent_label(after.goals, new))
        owner = Pair(old.owner, new.owner)
        if parent.before != parent.after or owner.before != owner.after:
            yield Realigned("objective", new.id, new.title,
                            parent if parent.before != parent.after else None,
                            owner if owner.before != owner.after else None)
    for old_kpi, new_kpi in kpi_pairs:
        if not is_private(old_kpi, new_kpi) and old_kpi.owner != new_kpi.owner:
            yield Realigned("kpi", new_kpi.id, new_kpi.title,
                            owner=Pair(old_kpi.owner, new_kpi.owner))


def kr_entries(
    pairs: list[tuple[Objective, Objective]], *, added: bool
) -> Iterator[KeyResultEntry]:
    for old, new in pairs:
        if is_private(old, new):
            continue
        here, there = (new, old) if added else (old, new)
        for kr in here.key_results:
            if there.key_result(kr.id) is None:
                yield KeyResultEntry(new.id, kr.id, kr.title)


def objective_changes(before: Side | None, after: Side,
                      pairs: list[tuple[Objective, Objective]]) -> list[ObjectiveChange]:
    if before is None:
        return []
    found = []
    for old, new in pairs:
        was, now = before.card.objectives[old.id], after.card.objectives[new.id]
        private = is_private(old, new)
        krs = () if private else tuple(kr_changes(old, new, before.card, after.card))
        if changed(was.score, now.score) or was.status != now.status or krs:
            found.append(ObjectiveChange(
                None if private else new.id, PRIVATE["objective"] if private else new.title,
                private, Pair(rounded(was.score), rounded(now.score)),
                delta(was.score, now.score), Pair(was.status, now.status), krs))
    return sorted(found, key=lambda c: (-abs(c.delta), c.private, c.id or "", c.title))


def kr_changes(old: Objective, new: Objective, was: Scorecard, now: Scorecard
               ) -> Iterator[KeyResultChange]:
    for kr in new.key_results:
        if old.key_result(kr.id) is None:
            continue
        a = was.objectives[old.id].key_results[kr.id].score
        b = now.objectives[new.id].key_results[kr.id].score
        if changed(a, b):
            yield KeyResultChange(kr.id, kr.title, Pair(rounded(a), rounded(b)), delta(a, b))


def kpi_changes(before: Side | None, after: Side, pairs: list[tuple[Kpi, Kpi]]
                ) -> Iterator[KpiChange]:
    if before is None:
        return
    for old, new in pairs:
        was, now = before.card.kpis[old.id], after.card.kpis[new.id]
        if was.latest.value != now.latest.value or was.health != now.health:
            private = is_private(old, new)
            yield KpiChange(None if private else new.id,
                            PRIVATE["kpi"] if private else new.title, private,
                            Pair(plain_number(was.latest.value), plain_number(now.latest.value)),
                            Pair(was.health, now.health))


def unit_changes(before: Side | None, after: Side) -> Iterator[UnitChange]:
    """Units whose score changed, depth first from the top units (the roll-up)."""
    org = after.goals.org
    stack = [(0, unit) for unit in reversed(org.top_units())]
    while stack:
        depth, unit = stack.pop()
        was = before.card.units.get(unit.id) if before else None
        now = after.card.units.get(unit.id)
        if changed(was, now):
            yield UnitChange(unit.id, unit.name, depth, Pair(rounded(was), rounded(now)),
                             delta(was, now) if was is not None and now is not None else None)
        stack.extend((depth + 1, u) for u in reversed(org.sub_units(unit.id)))


def moved_goalposts(after: Side, pairs: list[tuple[Objective, Objective]]
                    ) -> Iterator[MovedGoalpost]:
    as_of = after.card.as_of
    for old, new in pairs:
        period = after.goals.org.period_by_id[new.period]
        if is_private(old, new) or as_of <= period.start:
            continue
        for kr in new.key_results:
            was = old.key_result(kr.id)
            if was is None or was.type != "metric" or kr.type != "metric":
                continue
            if (was.start, was.target) != (kr.start, kr.target):
                yield MovedGoalpost(new.id, kr.id, kr.title,
                                    Pair(plain_number(was.start), plain_number(kr.start)),
                                    Pair(plain_number(was.target), plain_number(kr.target)),
                                    period.start.isoformat())


# --- output -----------------------------------------------------------------------------------


def as_json(diff: Diff, base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """``okrsite diff --format json``; ``base``/``head`` describe the revisions compared."""
    data = asdict(diff)
    data["as_of"] = diff.as_of.isoformat()
    data["base_problems"] = [p.as_dict() for p in diff.base_problems]
    return {"base": base, "head": head, **data}


STATUS_WORDS = {"not_started": "not started", "on_track": "on track", "at_risk": "at risk",
                "off_track": "off track"}
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ",
                             **{c: f"\\{c}" for c in "\\`*_[]|~"}})
PRIVATE_NOTE = "Private objectives and KPIs are shown without ids, titles or details."


def md(text: object) -> str:
    """Goal text made inert in Markdown (and in the HTML a PR comment allows)."""
    return str(text).translate(_MD_ESCAPES)


def code(text: str | None) -> str:
    """An id or reference as code; "none" and "private objective" as words."""
    if text is None:
        return "none"
    return md(text) if text in PRIVATE.values() else f"`{text}`"


def word(value: str | None) -> str:
    return "–" if value is None else STATUS_WORDS.get(value, value)


def score_text(score: float | None) -> str:
    return "–" if score is None else f"{score:.2f}"


def score_move(pair: Pair) -> str:
    """``0.62 → 0.58 (−0.04)``, the difference of the numbers shown; one number if equal."""
    before, after = score_text(pair.before), score_text(pair.after)
    if before == after:
        return after
    if pair.before is None or pair.after is None:
        return f"{before} → {after}"
    change = f"{float(after) - float(before):+.2f}".replace("-", "−")
    return f"{before} → {after} ({change})"


def move(pair: Pair, show: Callable[[Any], str] = word) -> str:
    """``on track → at risk``; the value once when it did not change."""
    before, after = show(pair.before), show(pair.after)
    return after if before == after else f"{before} → {after}"


def label(kind: str, item_id: str | None, title: str) -> str:
    """``objective `win` Win the mid-market``; a private one: ``*private objective*``."""
    if item_id is None:
        return f"*{md(title)}*"
    return f"{'KPI' if kind == 'kpi' else kind} `{item_id}` {md(title)}"


def cell(change: ObjectiveChange) -> str:
    """An objective in the table: ``Win the mid-market `win` ``, or *private objective*."""
    return f"*{md(change.title)}*" if change.id is None else f"{md(change.title)} `{change.id}`"


def revision_label(rev: Mapping[str, str | None]) -> str:
    """``main (abc1234)``, ``abc1234`` or ``the working tree``."""
    name, short = rev.get("rev"), rev.get("short")
    if name is None:
        return "the working tree"
    if short is None or name == rev.get("sha"):
        return md(short or name)
    return f"{md(name)} ({short})"


def as_markdown(diff: Diff, base: Mapping[str, str | None], head: Mapping[str, str | None]
                ) -> str:
    """``okrsite diff``'s pull-request comment: the scores in a compact table, everything else
    in a collapsible ``<details>`` section."""
    lines = [
        f"### OKR changes: {revision_label(base)} → {revision_label(head)}",
        "",
        f"Scored as of {diff.as_of.isoformat()}. "
        f"**{md(diff.organization)}: {score_move(diff.overall)}**",
    ]
    if diff.base_problems:
        lines += ["", f"> {revision_label(base)} has {len(diff.base_problems)} error(s) in its "
                  f"goal files; {len(diff.base_left_out)} file(s) left out of the comparison."]
    visible = [u for u in diff.units if score_text(u.score.before) != score_text(u.score.after)]
    if visible:  # the units whose score changes at the 2 decimals shown
        rollup = " · ".join(f"{md(u.name)}: {score_move(u.score)}" for u in visible)
        lines += ["", f"Roll-up: {rollup}"]
    if diff.objectives:
        lines += ["", "| Objective | Score | Status |", "| --- | --- | --- |"]
        lines += [f"| {cell(c)} | {score_move(c.score)} | {move(c.status)} |"
                  for c in diff.objectives]
    if diff.empty:
        return "\n".join([*lines, "", "No changes to objectives, key results, KPIs or scores."
                          ]) + "\n"
    details = [f"**{title}**\n\n" + "\n".join(items) for title, items in sections(diff) if items]
    lines += ["", "<details>", f"<summary>{summary(diff)}</summary>", "",
              "\n\n".join([*details, PRIVATE_NOTE]), "</details>"]
    return "\n".join(lines) + "\n"


def summary(diff: Diff) -> str:
    """The line a reader sees before opening the details."""
    counts = [
        (len(diff.added), "added", "added"),
        (len(diff.removed), "removed", "removed"),
        (len(diff.renamed), "renamed", "renamed"),
        (len(diff.realigned), "re-aligned", "re-aligned"),
        (len(diff.key_results_added) + len(diff.key_results_removed),
         "key result added or removed", "key results added or removed"),
        (sum(len(o.key_results) for o in diff.objectives),
         "key-result score changed", "key-result scores changed"),
        (len(diff.kpis), "KPI changed", "KPIs changed"),
        (len(diff.moved_goalposts), "moved goalpost", "moved goalposts"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n)


def entry_line(entry: Entry) -> str:
    facts = [
        f"owner {md(entry.owner)}" if entry.owner else None,
        md(entry.period) if entry.period else None,
        f"parent {code(entry.parent)}" if entry.parent else None,
        f"score {score_text(entry.score)}" if entry.score is not None else None,
        word(entry.status) if entry.kind == "objective" else None,
        f"health {entry.status}" if entry.kind == "kpi" and entry.status else None,
    ]
    return f"- {label(entry.kind, entry.id, entry.title)} — {', '.join(f for f in facts if f)}"


def realigned_line(item: Realigned) -> str:
    moves = [f"{name} {move(pair, code)}"
             for name, pair in (("parent", item.parent), ("owner", item.owner)) if pair]
    return f"- {label(item.kind, item.id, item.title)}: {'; '.join(moves)}"


def goalpost_line(item: MovedGoalpost) -> str:
    moves = [f"{name} {move(pair, str)}"
             for name, pair in (("start", item.start), ("target", item.target))
             if pair.before != pair.after]
    return (f"- `{item.objective}#{item.key_result}` {md(item.title)}: {', '.join(moves)} "
            f"(the period began {item.period_start})")


def sections(diff: Diff) -> list[tuple[str, list[str]]]:
    """The details, section by section."""
    kind = {"objective": "objective", "kpi": "KPI"}
    return [
        ("Added", [entry_line(e) for e in diff.added]),
        ("Removed", [entry_line(e) for e in diff.removed]),
        ("Renamed", [f"- {kind[r.kind]} {move(r.id, code)}: {move(r.title, md)}"
                     for r in diff.renamed]),
        ("Re-aligned", [realigned_line(r) for r in diff.realigned]),
        ("Key results",
         [f"- added `{k.objective}#{k.id}` {md(k.title)}" for k in diff.key_results_added]
         + [f"- removed `{k.objective}#{k.id}` {md(k.title)}" for k in diff.key_results_removed]
         + [f"- `{o.id}#{k.id}` {md(k.title)}: {score_move(k.score)}"
            for o in diff.objectives for k in o.key_results]),
        ("KPIs", [f"- {label('kpi', k.id, k.title)}: latest {move(k.latest, str)}, "
                  f"health {move(k.health)}" for k in diff.kpis]),
        ("Moved goalposts", [goalpost_line(m) for m in diff.moved_goalposts]),
    ]
