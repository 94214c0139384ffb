"""The one place okrsite uses more cores: other processes do part of a big job.

* :func:`side_by_side`: parsing goal files and rendering objective pages are pure Python and
  independent per item, so on a large organisation a forked child takes a share of the items
  while this process does the rest. The child inherits the work through ``fork`` (nothing is
  pickled on the way in) and sends its result back through a pipe. Forking is refused, and
  everything runs in this process, when it is not safe or not worth it: no ``fork`` start
  method, one CPU, or any other thread running (a forked child of a threaded process may
  inherit a lock held by another thread; this is also why ``serve``, whose watcher and server
  run threads, never forks).
* :func:`alongside`: MkDocs building shares of one site (:mod:`okrsite.site.shards`) in fresh
  Python processes (``spawn``), which inherit no threads, locks or state, and so also run
  under ``serve``.

Either way a share whose process fails or dies is done again in this process, so its errors
surface as they would without other processes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")


def cpus() -> int:
    """The CPUs this process may run on (a container's or ``taskset``'s limit included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """A POSIX ``fork`` is available, there are several CPUs, and no other thread runs."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and cpus() > 1
        and threading.active_count() == 1
    )


_PR_SET_PDEATHSIG = 1
"""``prctl``'s option: the signal the kernel sends a child when its parent dies."""


def _die_with_parent(parent: int) -> bool:
    """In the child: be killed when the parent dies (Linux ``PR_SET_PDEATHSIG``); ``False``
    when it is already gone (nothing to do then). Elsewhere the closed pipe ends the child
    once its work is done."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux, or no prctl
        pass
    return os.getppid() == parent  # else the parent died before prctl took effect


def _send_result(
    work: Callable[[], Any], pipe: Connection, parents_end: Connection | None, parent: int
) -> None:
    # A forked child inherits the parent's end of the pipe: close it, so that a send to a
    # parent that is gone fails instead of blocking on a pipe only this child reads.
    if parents_end is not None:
        parents_end.close()
    if not _die_with_parent(parent):
        pipe.close()
        return
    try:
        result = (True, work())
    except BaseException as exc:  # the parent re-runs the work and sees the error itself
        result = (False, repr(exc))
    try:
        pipe.send(result)
    except OSError:  # the parent is gone or stopped listening
        pass
    except Exception as exc:  # e.g. a result too deep to pickle: the parent re-runs it
        with contextlib.suppress(OSError):
            pipe.send((False, repr(exc)))
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
    child = context.Process(target=_send_result, args=(there, sender, receiver, os.getpid()),
                            daemon=True)
    child.start()
    sender.close()
    answered = False
    try:
        mine = here()
        ok, theirs = _answer(receiver)
        answered = True
    finally:
        receiver.close()
        if not answered:  # ``here`` failed (or this process is interrupted): no one waits
            child.kill()
        child.join()
    return mine, (theirs if ok else there())


def alongside(here: Callable[[], A], there: Sequence[Callable[[], B]]) -> tuple[A, list[B]]:
    """``(here(), [work() for work in there])``, each of ``there`` run in a fresh Python
    process (``spawn``) while this process runs ``here``. The works must be picklable
    (module-level functions, or :func:`functools.partial` of one) and safe to run twice: a
    work whose process fails or dies runs again here. If ``here`` fails, the other processes
    are stopped."""
    context = multiprocessing.get_context("spawn")
    started: list[tuple[BaseProcess, Connection]] = []
    answers: list[tuple[bool, Any]] = []
    try:
        for work in there:
            receiver, sender = context.Pipe(duplex=False)
            process: BaseProcess = context.Process(target=_send_result,
                                                   args=(work, sender, None, os.getpid()),
                                                   daemon=True)
            process.start()
            sender.close()
            started.append((process, receiver))
        mine = here()
        answers = [_answer(receiver) for _, receiver in started]
    finally:
        for process, receiver in started:
            receiver.close()
            if not answers:  # ``here`` failed, or this process is interrupted: no one waits
                process.kill()
            process.join()
    return mine, [theirs if ok else work() for (ok, theirs), work in zip(answers, there,
                                                                         strict=True)]


def _answer(receiver: Connection) -> tuple[bool, Any]:
    try:
        answer: tuple[bool, Any] = receiver.recv()
    except EOFError:  # the child died without answering
        return False, None
    return answer
