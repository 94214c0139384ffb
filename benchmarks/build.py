"""Benchmark: a cold ``okrsite build`` against a plain ``mkdocs build`` of as many pages.

Generates the synthetic organisation (500 units by default, and 2,000 units for the linearity
check), then times, each in a fresh process and each the best of ``--repeat`` runs, all four
commands taking turns (so that a burst of load on a shared machine hits both sizes alike):

* ``okrsite build`` (process start, reading, validation, scoring, rendering, writing the
  staging project, MkDocs with mkdocs-material, and the atomic swap of the site), on as many
  cores as it uses (a forked child parses and renders, MkDocs builds in shares: the CPU
  seconds printed beside each time say how many);
* ``mkdocs build`` of a hand-written project with the same number of Markdown pages, simple
  content (a heading, a paragraph with a link, a list), the same theme settings as okrsite's
  derived ``mkdocs.yml`` and a bounded nav of the same size.

okrsite's bytecode is written first, as an installed package has it (so is MkDocs').

Prints the figures and the ratios; exits 1 when a target is missed. Run:
``python benchmarks/build.py [--units 500] [--big 2000] [--repeat 3] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from generate import generate
from timing import Command, Run, all_runs, compile_okrsite, fastest, okrsite

AS_OF = "2026-11-20"
TARGET_OVERHEAD = 1.3
TARGET_LINEAR = 4.4


def nav_size(nav: list[Any]) -> int:
    """How many entries (pages and sections) a MkDocs nav has."""
    total = 0
    for entry in nav:
        total += 1
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            total += nav_size(value)
    return total


def plain_project(root: Path, pages: int, nav_entries: int, theme: dict[str, Any]) -> None:
    """A hand-written MkDocs project: ``pages`` simple pages, a flat nav of ``nav_entries``."""
    docs = root / "docs"
    for i in range(pages):
        folder = docs / f"section-{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{i:05d}.md").write_text(
            f"# Page {i}\n\nSome text about page {i}, with a [link](../index.md).\n\n"
            "## Details\n\n- one\n- two\n- three\n"
        )
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    step = max(pages // max(nav_entries - 1, 1), 1)
    picked = [f"section-{i // 100:03d}/page-{i:05d}.md" for i in range(0, pages, step)]
    nav = ["index.md", *picked[: nav_entries - 1]]
    config = {
        "site_name": "Plain",
        "theme": theme,
        "nav": nav,
        "validation": {"nav": {"omitted_files": "ignore"}},
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def prepare(units: int, root: Path) -> tuple[int, Command, Command]:
    """Generate, build once with okrsite, write the matching plain project: the number of
    pages and the two commands to time (okrsite's, plain mkdocs')."""
    generate(units, root / "goals")
    build = okrsite("build", "--as-of", AS_OF)
    subprocess.run(build, check=True, cwd=root, stdout=subprocess.DEVNULL)
    derived = yaml.load((root / ".okrsite" / "mkdocs.yml").read_text(), Loader=yaml.SafeLoader)
    pages = sum(1 for _ in (root / ".okrsite" / "docs").rglob("*.md"))
    theme = {k: v for k, v in derived["theme"].items() if k != "custom_dir"}
    plain_root = root / "plain"
    plain_project(plain_root, pages, nav_size(derived["nav"]), theme)
    plain = [sys.executable, "-m", "mkdocs", "build", "-q"]
    return pages, (build, root), (plain, plain_root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--big", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build here and keep the folders")
    args = parser.parse_args()

    compile_okrsite()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        small, big = base / f"org-{args.units}", base / f"org-{args.big}"
        small.mkdir(parents=True, exist_ok=True)
        big.mkdir(parents=True, exist_ok=True)
        pages, ours_small, plain_small_run = prepare(args.units, small)
        big_pages, ours_big, plain_big_run = prepare(args.big, big)
        every = all_runs([ours_small, plain_small_run, ours_big, plain_big_run], args.repeat)
    runs = fastest(every)
    build_small, plain_small, build_big, plain_big = (run.wall for run in runs)
    paired = statistics.median(a.wall / b.wall for a, b in zip(every[0], every[1], strict=True))

    def cpu(run: Run) -> str:
        return f"(cpu {run.cpu:6.2f} s: {run.cpu / run.wall:.1f} cores)"

    overhead = build_small / plain_small
    linear = build_big / build_small
    print(f"{args.units} units, {pages} pages:")
    print(f"  plain mkdocs build (cold)   {plain_small:6.2f} s  {cpu(runs[1])}")
    print(f"  okrsite build (cold)        {build_small:6.2f} s  {cpu(runs[0])}")
    print(f"  ratio                       {overhead:6.2f}x  (target <= {TARGET_OVERHEAD}x)")
    print(f"  median of the runs' ratios  {paired:6.2f}x  (each okrsite run to the plain run "
          "after it)")
    print(f"{args.big} units, {big_pages} pages:")
    print(f"  plain mkdocs build (cold)   {plain_big:6.2f} s  {cpu(runs[3])}")
    print(f"  okrsite build (cold)        {build_big:6.2f} s  {cpu(runs[2])}")
    print(f"  ratio to plain              {build_big / plain_big:6.2f}x")
    print(f"  ratio to {args.units} units         {linear:6.2f}x  (target <= {TARGET_LINEAR}x)")
    return 0 if overhead <= TARGET_OVERHEAD and linear <= TARGET_LINEAR else 1


if __name__ == "__main__":
    sys.exit(main())
