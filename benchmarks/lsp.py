"""Benchmark: how soon ``okrsite lsp`` has the diagnostics of one edited file.

Generates the synthetic organisation (500 units, about 2,050 files), then measures:

* **in process** — :meth:`okrsite.lsp.Folder.update` and :meth:`~okrsite.lsp.Folder.problems`,
  what the server does once a buffer has stopped changing (parse the one file, check every
  file the edit can affect), for a team's objective, a department's, the company's (the one
  most objectives align to, and a key result of it renamed: the worst case, every objective
  aligned to it is checked again), a KPI and a KPI's CSV file; each edit is made ``--edits``
  times, alternately breaking the file (an unknown owner, a bad value, a key result that
  objectives align to renamed) and mending it.
* **over stdio** — a language client (pygls') starts ``okrsite lsp`` with no debounce, opens a
  team's objective and sends edits; the time from each ``didChange`` to the
  ``publishDiagnostics`` that answers it (process start and the first read of the folder are
  reported apart).

Prints the medians and the worst of each, and exits 1 when a median is not below
``--target`` milliseconds (default 200). Run:
``python benchmarks/lsp.py [--units 500] [--edits 9] [--target 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from generate import generate
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path
from timing import okrsite

from okrsite.lsp import Folder

TEAM_EDITED = "a team's objective, edited"
Edit = Callable[[str, bool], str]
"""Text of the file -> the text with the edit made (True) or undone (False)."""


def swap(old: str, new: str) -> Edit:
    def edit(text: str, broken: bool) -> str:
        assert old in text, f"{old!r} is not in the file"
        return text.replace(old, new, 1) if broken else text

    return edit


def first_line(text: str, start: str) -> str:
    return next(line for line in text.splitlines(True) if line.startswith(start))


def cases(goals: Path) -> list[tuple[str, str, Edit]]:
    """``(what, file, edit)`` to time."""
    team = next(goals.glob("dept-01/team-01-01/*-o1.md")).relative_to(goals).as_posix()
    dept = "dept-01/dept-01-o1.md"
    company = max((p for p in goals.glob("company/company-o*.md")),
                  key=lambda p: sum(1 for q in goals.rglob("*.md")
                                    if f"parent: {p.stem}" in q.read_text()))
    kpi_with_csv = next(p for p in goals.rglob("kpi-*.md") if "values_file:" in p.read_text())
    csv = sorted(goals.rglob("*.csv"))[0].relative_to(goals).as_posix()
    last = (goals / csv).read_text().splitlines(True)[-1]
    day, _, rest = last.partition(",")
    bad = f"{day},lots,{rest.partition(',')[2]}"
    owner = first_line((goals / team).read_text(), "owner:")
    return [
        ("a team's objective (unknown owner)", team, swap(owner, "owner: nobody\n")),
        ("a department's objective (bad target)", dept, swap("    target: ", "    target: x")),
        (f"the company's {company.stem} (unknown owner)", company.relative_to(goals).as_posix(),
         swap("owner: company\n", "owner: nobody\n")),
        (f"{company.stem}'s kr1 renamed (breaks what aligns to it)",
         company.relative_to(goals).as_posix(), swap("  - id: kr1\n", "  - id: kr1-old\n")),
        ("a KPI read from a CSV file (unknown owner)",
         kpi_with_csv.relative_to(goals).as_posix(),
         swap(first_line(kpi_with_csv.read_text(), "owner:"), "owner: nobody\n")),
        ("a KPI's CSV file (a bad value)", csv, swap(last, bad)),
    ]


def in_process(goals: Path, edits: int) -> list[tuple[str, list[float]]]:
    begun = time.perf_counter()
    folder = Folder.load(goals, "goals")
    print(f"  {'read and parse the folder once':<52} {time.perf_counter() - begun:7.2f} s")
    begun = time.perf_counter()
    folder.all_problems()
    print(f"  {'check the whole folder (in the background)':<52} "
          f"{time.perf_counter() - begun:7.2f} s")
    results = []
    for what, rel, edit in cases(goals):
        original = (goals / rel).read_text()
        spent = []
        for i in range(edits):
            text = edit(original, i % 2 == 0)
            begun = time.perf_counter()
            affected = folder.update(rel, text.encode())
            found = folder.all_problems() if affected is None else folder.problems(affected)
            spent.append(time.perf_counter() - begun)
            assert any(found.values()) == (i % 2 == 0), what
        folder.update(rel, original.encode())
        results.append((what, spent))
    return results


async def over_stdio(goals: Path, edits: int) -> tuple[float, list[float]]:
    """Seconds until the first diagnostics (start, read, check); each edit's round trip."""
    client = LanguageClient("benchmark", "1")
    arrived: asyncio.Queue[tuple[float, types.PublishDiagnosticsParams]] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        arrived.put_nowait((time.perf_counter(), params))

    _, team, edit = cases(goals)[0]
    path = goals / team
    uri = from_fs_path(str(path))
    assert uri is not None
    original = path.read_text()

    async def answer(sent: float) -> float:
        while True:
            when, params = await asyncio.wait_for(arrived.get(), 120)
            if params.uri == uri:
                return when - sent

    begun = time.perf_counter()
    command, *args = okrsite("lsp")
    await client.start_io(command, *args, cwd=str(goals.parent))
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(goals.parent)),
        initialization_options={"debounce": 0, "idleCheck": 0}))
    client.initialized(types.InitializedParams())
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=edit(original, True))))
    startup = await answer(begun)
    spent = []
    for i in range(edits):
        text = edit(original, i % 2 == 1)
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
        spent.append(await answer(sent))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return startup, spent


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument("--target", type=float, default=200.0, help="milliseconds")
    args = parser.parse_args()
    target = args.target / 1000
    medians = []
    with tempfile.TemporaryDirectory() as tmp:
        goals = Path(tmp, "goals")
        files = generate(args.units, goals)
        print(f"{args.units} units, {files} files; {args.edits} edits of each file, "
              "median and worst:")
        print("in process (parse the file, check what it affects):")
        for what, spent in in_process(goals, args.edits):
            medians.append(statistics.median(spent))
            print(f"  {what:<52} {ms(medians[-1])}  worst {ms(max(spent))}")
        print("over stdio (didChange -> publishDiagnostics, no debounce):")
        startup, spent = asyncio.run(over_stdio(goals, args.edits))
        medians.append(statistics.median(spent))
        print(f"  {'start, read the folder, check it whole':<52} {startup:7.2f} s")
        print(f"  {TEAM_EDITED:<52} {ms(medians[-1])}  "
              f"worst {ms(max(spent))}")
    worst = max(medians)
    print(f"slowest median {ms(worst)} (target < {args.target:.0f} ms)")
    return 0 if worst < target else 1


if __name__ == "__main__":
    sys.exit(main())
