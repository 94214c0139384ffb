"""What every benchmark here shares: cold runs of commands, timed in turns."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

Command = tuple[list[str], Path | None]
"""A command line and the folder it runs in (None: here)."""


def best_of(commands: list[Command], repeat: int) -> list[float]:
    """For each command, the fastest of ``repeat`` cold runs (each must succeed).

    The commands take turns, so a burst of load on a shared machine hits all of them alike,
    and each starts with nothing left to write back from the one before (``os.sync``): the
    file system's delayed writes would otherwise land in the middle of the next run.
    """
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for spent, (command, cwd) in zip(times, commands, strict=True):
            os.sync()
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def okrsite(*args: str) -> list[str]:
    """``okrsite ARGS`` as a fresh Python process."""
    return [sys.executable, "-m", "okrsite", *args]
