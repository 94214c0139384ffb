"""One process at a time in a staging folder: a build, a ``publish`` or a ``serve`` holds it.

Two commands writing the same staging project would build a site that mixes both. The holder
keeps an ``flock`` on ``<staging>/.okrsite-lock`` (which holds its process id, for the
message) for as long as it runs; the kernel ends the lock with the process, however it ends,
so a killed build never leaves the folder locked. A second command refuses at once with a
message naming the holder rather than waiting behind a ``serve`` that may run for hours.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError
from .project import LOCK_FILE, refuse_foreign
from .swap import os_reason

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None  # type: ignore[assignment]

_held: dict[Path, int] = {}
"""The staging folders this process holds, with how many blocks hold each (a build holds the
folder while :func:`okrsite.build.build_into`, inside it, takes it again)."""
_guard = threading.Lock()


class StagingInUse(BuildError):
    """Another process holds the staging folder."""


@contextmanager
def staging_lock(staging_dir: Path) -> Iterator[None]:
    """Hold ``staging_dir`` (created if missing) for the block; :class:`StagingInUse` when
    another process holds it. Re-entrant within this process."""
    key = staging_dir.absolute()
    with _guard:
        if key in _held:
            _held[key] += 1
            again = True
        else:
            again = False
    if again:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    fd = acquire(staging_dir)
    with _guard:
        _held[key] = 1
    try:
        yield
    finally:
        with _guard:
            del _held[key]
        if fd is not None:
            os.close(fd)  # ends the lock


def acquire(staging_dir: Path) -> int | None:
    """Create the staging folder if need be and lock it; the lock's file descriptor."""
    refuse_foreign(staging_dir)
    try:
        staging_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(staging_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(
            f"{staging_dir}: cannot create or lock the staging folder: {os_reason(exc)}"
        ) from exc
    if fcntl is None:  # pragma: no cover
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        who = f" (process {holder})" if holder.isdigit() else ""
        raise StagingInUse(
            f"{staging_dir} is in use by another okrsite build, publish or serve{who}: "
            f"wait for it to finish, or give this one its own --staging-dir"
        ) from None
    except OSError:  # a file system without locks (ENOLCK): go on unlocked
        pass
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:  # a full disk: the lock holds all the same
        pass
    return fd
