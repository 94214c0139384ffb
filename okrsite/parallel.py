"""The one place okrsite uses a second core: a forked child does part of a big job.

Parsing goal files and rendering objective pages are pure Python and independent per item, so
on a large organisation a forked child takes a share of the items while this process does the
rest. The child inherits the work through ``fork`` (nothing is pickled on the way in) and sends
its result back through a pipe. Forking is refused, and everything runs in this process, when
it is not safe or not worth it: no ``fork`` start method, one CPU, or any other thread running
(a forked child of a threaded process may inherit a lock held by another thread; this is also
why ``serve``, whose watcher and server run threads, never forks).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")


def can_fork() -> bool:
    """A POSIX ``fork`` is available, there are several CPUs, and no other thread runs."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


def _send_result(work: Callable[[], Any], pipe: Connection) -> None:
    try:
        result = (True, work())
    except BaseException as exc:  # the parent re-runs the work and sees the error itself
        result = (False, repr(exc))
    try:
        pipe.send(result)
    except OSError:  # the parent is gone or stopped listening
        pass
    finally:
        pipe.close()


def side_by_side(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``(here(), there())``, with ``there`` run in a forked child while this process runs
    ``here``, when :func:`can_fork`. Both must be pure: their results, not their side effects,
    come back. If the child fails or dies, ``there`` runs again here, so its errors surface
    as they would without a child."""
    if not can_fork():
        return here(), there()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_result, args=(there, sender), daemon=True)
    child.start()
    sender.close()
    try:
        mine = here()
        try:
            ok, theirs = receiver.recv()
        except EOFError:  # the child died without answering
            ok, theirs = False, None
    finally:
        receiver.close()
        child.join()
    return mine, (theirs if ok else there())
