"""``okrsite lsp``: driven end to end over stdio by pygls' language client, and the folder it keeps
in memory checked against ``okrsite check`` edit after edit."""

from __future__ import annotations

import asyncio
import random
import shutil
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from okrsite.errors import Problem
from okrsite.load import Source, goal_order, load_sources
from okrsite.lsp import Folder, complete, hover_text, problem_range
from okrsite.validate import validate

from .conftest import FIXTURES, WORKFLOW_GOALS

TIMEOUT = 20.0
SERVER = (sys.executable, "-m", "okrsite", "lsp")
SEED, STEPS = 13, 200


@pytest.fixture
def goals(tmp_path: Path) -> Path:
    shutil.copytree(WORKFLOW_GOALS, tmp_path / "goals")
    return tmp_path / "goals"


# --- a client over stdio ------------------------------------------------------------------------


class Editor:
    """A language client that starts ``okrsite lsp`` and remembers what it publishes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("okrsite-tests", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.log: list[str] = []
        """The URI of every publication, in order."""
        self.versions: dict[str, int] = {}
        self.changed = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.log.append(params.uri)
            self.changed.set()

    async def start(self, **options: Any) -> None:
        await self.client.start_io(*SERVER, cwd=str(self.root))
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=from_fs_path(str(self.root)),
            initialization_options={"debounce": 50, "idleCheck": 0, **options},
        ))
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    def uri(self, rel: str) -> str:
        uri = from_fs_path(str(self.root / rel))
        assert uri is not None
        return uri

    def open(self, rel: str, text: str | None = None) -> str:
        uri = self.uri(rel)
        text = (self.root / rel).read_text() if text is None else text
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        return uri

    def type(self, uri: str, text: str) -> None:
        """Replace the whole buffer, as a client that sends full changes does."""
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))

    async def ready(self, uri: str) -> None:
        """Return once the server has read the folder of ``uri`` (it answers a request)."""
        await self.client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri=uri), types.Position(0, 0)))

    async def wait(self, uri: str, test: Callable[[list[types.Diagnostic]], bool]) -> list[str]:
        """Wait until ``uri``'s diagnostics pass ``test``; return them as ``line: message``."""
        async def until() -> None:
            while uri not in self.diagnostics or not test(self.diagnostics[uri]):
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), TIMEOUT)
        return [f"{d.range.start.line}:{d.range.start.character}: {d.message}"
                for d in self.diagnostics[uri]]


def drive(
    root: Path, script: Callable[[Editor], Coroutine[Any, Any, None]], **options: Any
) -> None:
    """Run ``script`` with an editor on ``okrsite lsp`` (``options``: initializationOptions)."""

    async def run() -> None:
        editor = Editor(root)
        await editor.start(**options)
        try:
            await script(editor)
        finally:
            await asyncio.wait_for(editor.stop(), TIMEOUT)

    asyncio.run(run())


def win_with(goals: Path, old: str, new: str) -> str:
    text = (goals / "sales" / "win.md").read_text()
    assert old in text
    return text.replace(old, new, 1)


# --- end to end -----------------------------------------------------------------------------------


def test_diagnostics_as_the_user_types_then_cleared(goals: Path) -> None:
    broken = win_with(goals, "    target: 10\n", "    target: ten\n")
    broken = broken.replace("owner: sales\n", "owner: sails\n")

    async def script(editor: Editor) -> None:
        uri = editor.open("goals/sales/win.md")
        editor.type(uri, broken)
        shown = await editor.wait(uri, lambda d: len(d) == 2)
        assert shown == [
            "4:0: owner: unknown unit 'sails' (did you mean 'sales'?)",
            "11:4: key_results[0].target: must be a number, not 'ten'",
        ]
        assert {d.source for d in editor.diagnostics[uri]} == {"okrsite"}
        assert editor.diagnostics[uri][1].range.end == types.Position(11, len("    target: ten"))
        editor.type(uri, (goals / "sales" / "win.md").read_text())
        assert await editor.wait(uri, lambda d: not d) == []

    drive(goals.parent, script)


def test_a_burst_of_keystrokes_is_checked_once(goals: Path) -> None:
    text = (goals / "sales" / "win.md").read_text()

    async def script(editor: Editor) -> None:
        uri = editor.open("goals/sales/win.md")
        await editor.ready(uri)
        for typed in ("s", "sa", "sai", "sail"):  # owner: s, sa, ... each unknown
            editor.type(uri, text.replace("owner: sales", f"owner: {typed}"))
        shown = await editor.wait(uri, bool)
        assert shown == ["4:0: owner: unknown unit 'sail' (did you mean 'sales'?)"]
        await asyncio.sleep(0.5)
        assert editor.log == [uri]

    drive(goals.parent, script, debounce=300)


def test_an_error_already_on_disk_is_published_when_the_folder_is_read(goals: Path) -> None:
    (goals / "eng" / "hire.md").write_text(
        (goals / "eng" / "hire.md").read_text().replace("kind: objective", "kind: objectiv"))

    async def script(editor: Editor) -> None:
        uri = editor.open("goals/eng/hire.md")
        shown = await editor.wait(uri, bool)
        assert shown == ["1:0: kind: must be one of: objective, kpi (did you mean 'objective'?)"]

    drive(goals.parent, script)


def test_a_cross_file_error_in_the_open_buffer_and_in_the_file_it_breaks(goals: Path) -> None:
    async def script(editor: Editor) -> None:
        uri = editor.open("goals/sales/win.md")
        editor.type(uri, win_with(goals, "parent: grow\n", "parent: grwo\n"))
        assert await editor.wait(uri, bool) == [
            "6:0: parent: unknown objective 'grwo' (did you mean 'grow'?)"]
        # another buffer renames the objective that ship-sso aligns to: ship.md, closed, breaks
        grow = editor.open("goals/acme/grow.md")
        text = (goals / "acme" / "grow.md").read_text()
        editor.type(grow, text.replace("id: grow\n", "id: growth\n"))
        ship = editor.uri("goals/eng/ship.md")
        assert await editor.wait(ship, bool) == [
            "6:0: parent: unknown objective 'grow' (did you mean 'growth'?)"]
        assert await editor.wait(uri, lambda d: "growth" in d[0].message) == [
            "6:0: parent: unknown objective 'grwo' (did you mean 'growth'?)"]

    drive(goals.parent, script)


def test_an_edit_of_org_yml_reaches_every_file(goals: Path) -> None:
    async def script(editor: Editor) -> None:
        org = editor.open("goals/org.yml")
        text = (goals / "org.yml").read_text()
        editor.type(org, text.replace("  - id: sales\n", "  - id: sales-team\n"))
        win, nps = editor.uri("goals/sales/win.md"), editor.uri("goals/kpis/nps.md")
        unknown = "4:0: owner: unknown unit 'sales' (did you mean 'sales-team'?)"
        assert await editor.wait(win, bool) == [unknown]
        assert await editor.wait(nps, bool) == [unknown]
        editor.type(org, text)
        assert await editor.wait(win, lambda d: not d) == []

    drive(goals.parent, script)


def test_a_kpi_csv_file_is_checked_at_its_own_lines(goals: Path) -> None:
    (goals / "kpis" / "nps.csv").write_text("date,value\n2026-11-30,44\n2026-12-31,lots\n")

    async def script(editor: Editor) -> None:
        kpi = editor.open("goals/kpis/nps.md")
        editor.type(kpi, (goals / "kpis" / "nps.md").read_text().replace(
            "values:\n", "values_file: nps.csv\nvalues:\n"))
        csv = editor.uri("goals/kpis/nps.csv")
        assert await editor.wait(csv, bool) == ["2:0: value: 'lots' is not a finite number"]

    drive(goals.parent, script)


def test_completion_of_units_fields_and_parents_and_hover(goals: Path) -> None:
    text = win_with(goals, "owner: sales\n", "owner: \n")

    async def script(editor: Editor) -> None:
        uri = editor.open("goals/sales/win.md", text)
        doc = types.TextDocumentIdentifier(uri=uri)
        units = await editor.client.text_document_completion_async(
            types.CompletionParams(doc, types.Position(4, len("owner: "))))
        assert isinstance(units, types.CompletionList)
        assert [(i.label, i.detail) for i in units.items] == [
            ("acme", "Acme Corp"), ("sales", "Sales"), ("eng", "Engineering"),
            ("platform", "Platform")]
        # a new key in the first key result: its fields, the required ones first
        typed = text.replace("    current: 4\n", "    current: 4\n    \n")
        editor.type(uri, typed)
        fields = await editor.client.text_document_completion_async(
            types.CompletionParams(doc, types.Position(13, 4)))
        assert isinstance(fields, types.CompletionList)
        labels = [i.label for i in sorted(fields.items, key=lambda i: i.sort_text or "")]
        assert labels[:3] == ["title", "start", "target"] or "stretch" in labels
        assert "current" not in labels and "id" not in labels  # already there
        assert "done" not in labels  # not a field of a metric
        assert {"stretch", "history", "due", "kpi"} <= set(labels)
        parents = await editor.client.text_document_completion_async(
            types.CompletionParams(doc, types.Position(6, len("parent: gr"))))
        assert isinstance(parents, types.CompletionList)
        assert {"grow", "grow#arr", "grow#quality"} <= {i.label for i in parents.items}
        hover = await editor.client.text_document_hover_async(
            types.HoverParams(doc, types.Position(5, 2)))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.value.startswith("**period** — string\n\n")
        assert "period" in hover.contents.value.split("\n\n", 1)[1]

    drive(goals.parent, script)


def test_files_outside_a_goals_folder_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nnot: goals\n---\n")

    async def script(editor: Editor) -> None:
        uri = editor.open("README.md")
        done = await editor.client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri=uri), types.Position(1, 0)))
        assert done is None or not done.items
        assert uri not in editor.diagnostics

    drive(tmp_path, script)


# --- in process: completion, hover, ranges ------------------------------------------------------


def lines_of(text: str) -> list[str]:
    return text.splitlines(True)


def labels(text: str, line: int, column: int, folder: Folder | None = None) -> list[str]:
    return [item.label for item in complete(lines_of(text), False, line, column, folder)]


KR = "---\nkind: objective\nkey_results:\n  - title: A\n    type: milestone\n    {}\n---\n"


def test_key_result_fields_follow_its_type() -> None:
    milestone = labels(KR.format(""), 5, 4)
    assert "done" in milestone and "target" not in milestone and "title" not in milestone
    checklist = labels(KR.format("").replace("milestone", "checklist"), 5, 4)
    assert "items" in checklist and "done" not in checklist
    new_item = labels("---\nkind: objective\nkey_results:\n  - \n---\n", 3, 4)
    assert new_item[:1] == ["title"] or "title" in new_item
    top = labels("---\nkind: kpi\n\n---\n", 2, 0)
    assert {"thresholds", "values_file", "direction"} <= set(top) and "kind" not in top
    assert labels("---\nkind: objective\nvisibility: \n---\n", 2, 12) == ["public", "private"]


def test_completion_in_org_yml_and_quoted_period_ids(goals: Path) -> None:
    folder = Folder.load(goals, "goals")
    org = "units:\n  - id: x\n    parent: \n"
    items = complete(lines_of(org), True, 2, len("    parent: "), folder)
    assert [i.label for i in items] == ["acme", "sales", "eng", "platform"]
    text = "---\nkind: objective\nperiod: \n---\n"
    items = complete(lines_of(text), False, 2, len("period: "), folder)
    edits = {i.label: i.text_edit.new_text for i in items
             if isinstance(i.text_edit, types.TextEdit)}
    assert edits["2026"] == '"2026"' and edits["2026-Q4"] == "2026-Q4"
    shared = ("---\nkind: objective\nkey_results:\n  - type: shared\n"
              "    from: win-mid-market#\n---\n")
    items = complete(lines_of(shared), False, 4, len("    from: win-mid-market#"), folder)
    assert [i.label for i in items] == ["win-mid-market#deals", "win-mid-market#partners"]


def test_completion_of_kpi_ids_on_key_results_and_of_a_kpis_owner(goals: Path) -> None:
    """The spec's completion list names KPI ids; a KPI file's ``owner`` is a unit id too."""
    folder = Folder.load(goals, "goals")
    text = ("---\nkind: objective\nkey_results:\n  - title: A\n    start: 1\n    target: 2\n"
            "    kpi: \n---\n")
    items = complete(lines_of(text), False, 6, len("    kpi: "), folder)
    assert [(i.label, i.detail) for i in items] == [("nps", "Net Promoter Score")]
    kpi = "---\nkind: kpi\nowner: \n---\n"
    owners = complete(lines_of(kpi), False, 2, len("owner: "), folder)
    assert [i.label for i in owners] == ["acme", "sales", "eng", "platform"]


def test_hover_names_what_an_id_refers_to(goals: Path) -> None:
    folder = Folder.load(goals, "goals")
    text = (goals / "sales" / "win.md").read_text()
    shown = hover_text(lines_of(text), False, 4, len("owner: sa"), folder)
    assert shown is not None
    assert shown[0].endswith("`sales`: Sales") and shown[1:] == (0, 5)
    assert hover_text(lines_of(text), False, 17, 0, folder) is None  # the Markdown body


@pytest.mark.parametrize(
    ("problem", "line", "expected"),
    [
        (Problem("f", 12, "key_results[0].target", "x"), "    target: ten\n", (11, 4, 15)),
        (Problem("f", 3, "links[0]", "x"), "  - {title: A}\n", (2, 2, 14)),
        (Problem("f", 3, "thresholds.green", "x"), "thresholds: {green: 1, amber: 2}\n",
         (2, 13, 32)),
        (Problem("f", 0, "", "x"), "---\n", (0, 0, 3)),
    ],
)
def test_a_problem_covers_its_field(
    problem: Problem, line: str, expected: tuple[int, int, int]
) -> None:
    lines = ["x\n"] * (max(problem.line - 1, 0)) + [line]
    assert problem_range(problem, lines) == expected


# --- the folder in memory agrees with okrsite check ---------------------------------------------


def full_check(folder: Folder) -> list[Problem]:
    sources = [Source(rel, folder.name_of(rel), content)  # in the order the loader reads
               for rel in sorted(folder.rels(), key=goal_order)
               if (content := folder.content(rel)) is not None]
    tree = load_sources(sources, folder.prefix)
    return sorted({*tree.problems, *validate(tree)})


EDITS: list[Callable[[random.Random, str, list[str]], str | None]] = [
    lambda r, t, ids: t.replace("parent: ", f"parent: {r.choice([*ids, 'nope', 'grow#quality'])}"
                                "\n~~parent: ", 1),
    lambda r, t, ids: t.replace("\nid: ", f"\nid: {r.choice([*ids, 'fresh'])}\n~~id: ", 1),
    lambda r, t, ids: t.replace("owner: ", "owner: nobody\n~~owner: ", 1),
    lambda r, t, ids: t.replace("kind: ", "kind: [\n", 1),
    lambda r, t, ids: t.replace("kpi: ", f"kpi: {r.choice(ids)}\n    ~~kpi: ", 1),
    lambda r, t, ids: t.replace("target: ", "target: oops\n    ~~target: ", 1),
    lambda r, t, ids: t.replace("period: ", "period: 2027-Q1\n~~period: ", 1),
    lambda r, t, ids: t.replace("key_results:", "key_results: []\n~~key_results:", 1),
    lambda r, t, ids: t.replace("  - id: ", f"  - id: {r.choice(['kr9', 'deals', 'quality'])}"
                                "\n    ~~id: ", 1),
    lambda r, t, ids: t.replace("    type: ", f"    type: {r.choice(['metric', 'shared'])}"
                                "\n    ~~type: ", 1),
    lambda r, t, ids: t.replace("\nkey_results:", "\nvisibility: private\nkey_results:", 1),
    lambda r, t, ids: t.replace("    title: ", "    visibility: private\n    title: ", 1),
    lambda r, t, ids: t.replace("current: ", "current: 1\n    ~~current: ", 1),
    lambda r, t, ids: None,  # the file is deleted
]


@pytest.mark.parametrize("fixture", [WORKFLOW_GOALS, FIXTURES / "good" / "v11"])
def test_checking_what_an_edit_affects_finds_what_checking_the_folder_finds(
    tmp_path: Path, fixture: Path
) -> None:
    """Random edits (re-aligning, renaming, breaking files, deleting them, cycles and duplicates
    along the way): after each, the problems kept per file equal a whole ``okrsite check``."""
    shutil.copytree(fixture, tmp_path / "goals")
    folder = Folder.load(tmp_path / "goals", "goals")
    kept = folder.all_problems()
    assert sorted(p for found in kept.values() for p in found) == full_check(folder)
    rng = random.Random(SEED)
    rels = sorted(rel for rel in folder.entries if rel.endswith(".md"))
    ids = [rel.rsplit("/", 1)[-1][:-3] for rel in rels] + ["grow", "win-mid-market"]
    ids += [goal[:-1] for goal in ids] + [goal + "s" for goal in ids]  # near misses
    for _ in range(STEPS):
        rel = rng.choice(rels)
        current = folder.content(rel)
        if current is None or rng.random() < 0.2:
            new = folder.read_disk(rel)  # back to the file on disk, or back from deletion
        else:
            edited = rng.choice(EDITS)(rng, current.decode(), ids)
            new = None if edited is None else edited.replace("~~", "# ").encode()
        affected = folder.update(rel, new)
        found = folder.all_problems() if affected is None else folder.problems(affected)
        kept = {r: p for r, p in kept.items() if r in folder.entries or r in folder.csvs}
        kept.update(found)
        mine, real = sorted(p for found in kept.values() for p in found), full_check(folder)
        assert set(mine) - set(real) == set() and set(real) - set(mine) == set(), (rel, new)
