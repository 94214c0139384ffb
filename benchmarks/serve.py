"""Benchmark: ``okrsite serve`` on the 500-unit organisation, edit -> visible, against a build.

Generates the synthetic organisation, starts ``okrsite serve`` (a real process on 127.0.0.1 and
a free port) and, for ``--edits`` objectives spread over the unit tree, changes one key result's
``current`` in the objective's file and polls the objective's page over HTTP until the new value
shows (fetched again each time the dev server's live-reload request returns, as a browser
reloads it). Between two edits it waits until ``api/okrs.json`` has the new value too (the
overview pages and the other files are re-rendered after the edited pages show) and the
preview is idle.
Then, in the same run:

* a title change that alters the navigation (a department in the nav renamed in ``org.yml``),
  polled on the department's page; and an objective's title change (not in the nav);
* a full cold ``okrsite build`` of the same files, timed as a fresh process.

Prints every figure, the preview's own timing of each refresh (from its log: checking and
scoring, rendering, MkDocs) and the load average before and after (the machine may be shared);
exits 1 when a target is missed: median edit -> visible <= 1 s and <= 0.1x the full build, the
nav change <= the full build. Run: ``python benchmarks/serve.py [--units 500] [--edits 7]
[--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from generate import generate
from timing import okrsite

from okrsite.render import number

AS_OF = "2026-11-20"
TARGET_VISIBLE_S = 1.0
TARGET_SHARE = 0.1
WAIT_S = 600.0
"""The longest any one wait lasts before the benchmark gives up."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=WAIT_S) as answer:
            return str(answer.read().decode())
    except (urllib.error.URLError, OSError):
        return None


LIVERELOAD = re.compile(r"livereload\((\d+), (\d+)\);")
"""The call MkDocs' dev server adds to every page: the site's version and the page's id."""


def poll(url: str, shows: str, since: float) -> float:
    """Seconds from ``since`` until the page at ``url`` contains ``shows``, watched as a
    browser watches it: fetched again each time the dev server's live-reload request (which
    it answers once a newer version of the site is served) returns."""
    base = url.split("/", 3)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        text = fetch(url)
        if text is not None and shows in text:
            return time.perf_counter() - since
        found = LIVERELOAD.search(text or "")
        if found is None:
            time.sleep(0.05)  # not served yet
            continue
        fetch(f"{base[0]}//{base[2]}/livereload/{found.group(1)}/{found.group(2)}")
    raise SystemExit(f"gave up waiting for {shows!r} on {url}")


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text()
    return dict(yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n")))


def editable(goals: Path, count: int) -> list[tuple[Path, str, str, float]]:
    """``count`` public objectives, spread over the tree, each with a metric key result whose
    ``current`` is what it shows (no KPI, no check-ins): (file, objective, key result, current)."""
    found = []
    for path in sorted(goals.rglob("*.md")):
        data = front_matter(path)
        if data.get("kind") != "objective" or data.get("visibility") == "private":
            continue
        for kr in data.get("key_results") or []:
            if (kr.get("type", "metric") == "metric" and "current" in kr and "kpi" not in kr
                    and not kr.get("history") and kr.get("visibility") != "private"
                    and "id" in kr):
                found.append((path, data.get("id") or path.stem, kr["id"], float(kr["current"])))
                break
    random.Random(0).shuffle(found)
    return found[:count]


def set_current(path: Path, kr_id: str, value: float) -> None:
    """Rewrite one key result's ``current`` line in place."""
    text = path.read_text()
    block = re.compile(rf"(- id: {re.escape(kr_id)}\n(?:(?!  - ).*\n)*?\s+current: )[-0-9.e]+")
    new, count = block.subn(lambda m: m.group(1) + repr(value), text, count=1)
    assert count == 1, f"no current for {kr_id} in {path}"
    path.write_text(new)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="work here and keep the folders")
    args = parser.parse_args()
    print(f"load average at the start: {load()}")

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        goals = root / "goals"
        generate(args.units, goals)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (root / "serve.log").open("wb")
        command = okrsite("serve", "--goals-dir", str(goals), "--staging-dir",
                          str(root / ".okrsite"), "--as-of", AS_OF, "-a", f"127.0.0.1:{port}")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        start = time.perf_counter()
        server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
        try:
            started = poll(f"{base}/", "<html", start)
            time.sleep(2)  # the first look at the files after the start
            visible, settled = [], []
            for i, (path, objective, kr_id, current) in enumerate(editable(goals, args.edits)):
                value = round(current + 1.01 + i, 2)
                edited = time.perf_counter()
                set_current(path, kr_id, value)
                visible.append(poll(f"{base}/objectives/{objective}/",
                                    f"→ {number(value)} →", edited))
                settled.append(poll(f"{base}/api/okrs.json",
                                    f'"current":{json.dumps(value)}', edited))
                time.sleep(1.5)
            org = goals / "org.yml"
            text = org.read_text()
            match = re.search(r"- id: (dept-\d+)\n\s+name: (.+)\n", text)
            assert match is not None
            unit, name = match.group(1), match.group(2).strip()
            edited = time.perf_counter()
            org.write_text(text.replace(f"name: {name}\n", f"name: {name} renamed\n", 1))
            nav_change = poll(f"{base}/units/{unit}/", f"{name} renamed", edited)
            time.sleep(3)
            path, objective, _, _ = editable(goals, 1)[0]
            title = front_matter(path)["title"]
            edited = time.perf_counter()
            path.write_text(path.read_text().replace(f"title: {title}\n",
                                                     f"title: {title} again\n", 1))
            retitled = poll(f"{base}/objectives/{objective}/", f"{title} again", edited)
            poll(f"{base}/alignment/", f"{title} again", edited)
            time.sleep(1.5)
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
        steps = [line.split("-  ", 1)[-1] for line in (root / "serve.log").read_text().splitlines()
                 if "goal files changed:" in line]
        build = okrsite("build", "--goals-dir", str(goals), "--staging-dir",
                        str(root / "build-staging"), "-d", str(root / "build-site"),
                        "--as-of", AS_OF, "--no-git")
        os.sync()
        begin = time.perf_counter()
        subprocess.run(build, check=True, cwd=root, stdout=subprocess.DEVNULL, env=env)
        full = time.perf_counter() - begin

    median = statistics.median(visible)
    print(f"{args.units} units: serve started (first page served) in {started:6.2f} s")
    print("  edit -> objective page shows it: "
          + ", ".join(f"{t:.2f}" for t in visible) + " s")
    print(f"  median                          {median:6.2f} s  (target <= {TARGET_VISIBLE_S} s)")
    print("  edit -> api/okrs.json has it:  " + ", ".join(f"{t:.2f}" for t in settled)
          + f" s (median {statistics.median(settled):.2f} s)")
    print(f"  nav change (unit renamed)       {nav_change:6.2f} s  (target <= the full build)")
    print(f"  objective title change          {retitled:6.2f} s")
    print(f"  full cold okrsite build         {full:6.2f} s")
    print("  the preview's own timing of each refresh (from its log):")
    for step in steps:
        print(f"    {step}")
    print(f"  median edit / full build        {median / full:6.3f}x (target <= {TARGET_SHARE}x)")
    print(f"load average at the end: {load()}")
    met = median <= TARGET_VISIBLE_S and median <= TARGET_SHARE * full and nav_change <= full
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
