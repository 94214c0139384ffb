"""What every benchmark here shares: cold runs of commands, timed in turns."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from okrsite.site.swap import wait_for_removal

Command = tuple[list[str], Path | None]
"""A command line and the folder it runs in (None: here)."""


@dataclass(frozen=True)
class Run:
    """One run of a command."""

    wall: float
    cpu: float
    """User and system seconds of the command and of the processes it waited for (its
    workers): more than ``wall`` when it used several cores."""


def all_runs(commands: list[Command], repeat: int) -> list[list[Run]]:
    """For each command, its ``repeat`` cold runs (each must succeed), in order.

    The commands take turns, so a burst of load on a shared machine hits all of them alike,
    and each starts with nothing left to write back from the one before (``os.sync``): the
    file system's delayed writes would otherwise land in the middle of the next run. Nor is
    anything left to delete: ``okrsite build`` ends once the new site is in place and leaves
    the deletion of the replaced one to a process of its own, which the next run waits for
    (untimed; ``mkdocs build`` empties its site at its start, timed).
    """
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(repeat):
        for done, (command, cwd) in zip(runs, commands, strict=True):
            os.sync()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            done.append(Run(wall, cpu))
            wait_for_removal((cwd or Path.cwd()) / "site")
    return runs


def fastest(runs: list[list[Run]]) -> list[Run]:
    """For each command's runs (:func:`all_runs`), the fastest."""
    return [min(done, key=lambda run: run.wall) for done in runs]


def best_of(commands: list[Command], repeat: int) -> list[float]:
    """For each command, the wall time of the fastest of ``repeat`` cold runs."""
    return [run.wall for run in fastest(all_runs(commands, repeat))]


def compile_okrsite() -> None:
    """Write okrsite's bytecode, as installing a package does: an editable install under
    ``PYTHONDONTWRITEBYTECODE`` (set on some machines) would otherwise compile every module in
    every process timed (0.2 s each here), while MkDocs, installed, has its bytecode."""
    import compileall

    import okrsite as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def okrsite(*args: str) -> list[str]:
    """``okrsite ARGS`` as a fresh Python process."""
    return [sys.executable, "-m", "okrsite", *args]
