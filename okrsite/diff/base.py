"""BASE, as far as it can be compared: its tree rebuilt from git, its broken files left out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import Problem
from ..load import Document, LoadedTree, Source, load_sources, read_tables, values_file_rel
from ..load.files import is_table_path
from ..model import Goals, build_goals, build_kpi, build_objective
from ..validate import validate


def base_tree(base: Sequence[Source], head: Sequence[Source], head_tree: LoadedTree,
              prefix: str) -> LoadedTree:
    """BASE's tree, reusing HEAD's parsed documents for the files that did not change (a pull
    request changes a few files of thousands)."""
    head_content = {source.rel: source.content for source in head}
    parsed = {doc.rel: doc for doc in head_tree.goals}
    unchanged = {s.rel for s in base if s.rel in parsed and head_content[s.rel] == s.content}
    fresh = load_sources(
        [s for s in base if s.rel not in unchanged and not is_table_path(s.rel)], prefix
    )
    fresh_docs = {doc.rel: doc for doc in fresh.goals}
    goals = tuple(
        doc for doc in (parsed.get(s.rel) if s.rel in unchanged else fresh_docs.get(s.rel)
                        for s in base)
        if doc is not None
    )
    tables, table_problems = read_tables(
        goals, {s.rel: s for s in base if is_table_path(s.rel)}
    )
    return LoadedTree(fresh.org, goals, (*fresh.problems, *table_problems), tables)


def comparable(tree: LoadedTree) -> tuple[Goals | None, list[Problem], list[str]]:
    """BASE as far as it can be compared: ``(goals or None, its problems, files left out)``.

    The files with problems are left out, and with them the files that the cross-file rules
    would then refuse because they refer to what was left out (:func:`dependents`), found
    without validating again; one more validation confirms that the rest is clean. So BASE is
    validated twice, where leaving files out round by round took one validation per link of a
    chain of parents (and gave up after ten). Should the second validation still find
    problems (a rule :func:`dependents` does not foresee), files are left out round by round
    until none has a problem, which ends as leaving them out round by round always did.
    """
    problems = [*tree.problems, *validate(tree)]
    found, left_out = list(problems), set[str]()
    while problems or tree.org is None:
        bad = {p.file for p in problems}
        if tree.org is None or tree.org.name in bad:
            return None, found, sorted(left_out)
        bad |= kpis_of_tables(tree.goals, bad)
        bad |= dependents([d for d in tree.goals if d.name not in bad])
        kept = tuple(d for d in tree.goals if d.name not in bad)
        if len(kept) == len(tree.goals) and not tree.problems:
            return None, found, sorted(left_out)  # problems no file can be left out for
        left_out |= bad
        tables = {rel: t for rel, t in tree.tables.items() if t is None or t.name not in bad}
        tree = LoadedTree(tree.org, kept, (), tables)
        problems = validate(tree)
    return build_goals(tree.org, tree.goals, tree.tables), found, sorted(left_out)


PRIVATE_FILE = "a private goal file"
"""How BASE's problems and left-out files name a file that holds a private objective or KPI:
its name may say what the objective is about (``goals/sales/acquire-rival.md``)."""
_PRIVATE_LINE = re.compile(r"^visibility[ \t]*:[ \t]*(['\"]?)private\1[ \t]*(?:#.*)?\r?$", re.M)


def comparable_base(base: Sequence[Source], head: Sequence[Source], head_tree: LoadedTree,
                    prefix: str) -> tuple[Goals | None, list[Problem], list[str]]:
    """:func:`comparable` of :func:`base_tree`, with the files of private goals unnamed in
    the problems and the files left out (see :func:`private_files`)."""
    tree = base_tree(base, head, head_tree, prefix)
    goals, problems, left_out = comparable(tree)
    private = private_files(base, tree, head_tree)
    shown = [Problem(PRIVATE_FILE, 0, "", "has errors (not shown: the file is private)")
             if p.file in private else p for p in problems]
    return goals, shown, [PRIVATE_FILE if name in private else name for name in left_out]


def private_files(base: Sequence[Source], tree: LoadedTree, head_tree: LoadedTree) -> set[str]:
    """The names of BASE's files that hold a private objective or KPI, as far as can be told:
    from the document when it parsed, else from a line ``visibility: private`` in the file or
    from HEAD's file of the same path being private."""
    def private(doc: Document) -> bool:
        return doc.data.get("visibility") == "private"

    found = {doc.name for doc in tree.goals if private(doc)}
    parsed = {doc.rel for doc in tree.goals}
    private_in_head = {doc.rel for doc in head_tree.goals if private(doc)}
    for source in base:
        if source.rel in parsed or is_table_path(source.rel):
            continue
        text = source.content.decode("utf-8", "replace")
        if source.rel in private_in_head or _PRIVATE_LINE.search(text):
            found.add(source.name)
    return found


def kpis_of_tables(documents: Sequence[Document], files: set[str]) -> set[str]:
    """The KPI documents (by name) whose ``values_file`` is one of ``files``: a KPI whose CSV
    is left out is left out with it, since its values are not known."""
    found: set[str] = set()
    for doc in documents:
        named = doc.data.get("values_file")
        if doc.data.get("kind") != "kpi" or not isinstance(named, str):
            continue
        rel = values_file_rel(doc.rel, named)
        prefix = doc.name[: len(doc.name) - len(doc.rel)] if doc.name.endswith(doc.rel) else ""
        if rel is not None and prefix + rel in files:
            found.add(doc.name)
    return found


def dependents(documents: Sequence[Document]) -> set[str]:
    """The documents (by name) of a tree whose files, each valid on its own, the cross-file
    rules refuse once the others are left out, and, in turn, those that then refer to them:
    an objective whose parent (objective or key result) is gone, whose key result names a KPI
    that is gone, or whose ``aligned`` key result no objective aligns to any more."""
    kept = {d.name: build_objective(d) for d in documents if d.data.get("kind") == "objective"}
    kpis = {build_kpi(d, {}).id for d in documents if d.data.get("kind") == "kpi"}
    gone: set[str] = set()
    while True:
        ids = {o.id for o in kept.values()}
        aligned_to = {(o.parent, o.parent_kr) for o in kept.values() if o.parent_kr}
        broken = {
            name for name, o in kept.items()
            if (o.parent is not None and o.parent not in ids)
            or any(kr.kpi is not None and kr.kpi not in kpis for kr in o.key_results)
            or any(kr.type == "aligned" and (o.id, kr.id) not in aligned_to
                   for kr in o.key_results)
        }
        if not broken:
            return gone
        gone |= broken
        for name in broken:
            del kept[name]
