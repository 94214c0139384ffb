"""The atomic site: a build goes into a new folder beside the site and replaces it only whole.

A reader of the site (or a web server) sees the old site or the new one, never a half-built
mix, and a failed build leaves the old site as it was and nothing of its own behind.

* The swap exchanges the two folders in one step where the system can (Linux'
  ``renameat2(RENAME_EXCHANGE)``), so that the site is never missing, not even for an
  instant; elsewhere it is two renames, and a build killed between them leaves the old site
  as ``.<site>.old-<token>`` beside a missing site, which the next build puts back.
* While a build uses its ``.<site>.new-<token>`` folder, it holds a lock on it (``flock``),
  so the next build can tell a killed build's leftovers (removed, or put back as above) from
  the folder of a build still running (left alone).
* The replaced site is deleted by a process of its own (:func:`discard`), which holds the
  same lock until it is done: the command ends as soon as the new site is in place, not after
  thousands of files are unlinked (1 to 2 s at 500 units on a disk mounted with ``discard``;
  ``mkdocs build`` spends the same at its start, emptying its ``site_dir``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: leftovers are removed without asking
    fcntl = None  # type: ignore[assignment]

NEW = ".{}.new-"
OLD = ".{}.old-"
"""The names of a build's folders beside the site ``{}``: ``.site.new-1a2b3c4d`` holds the
site being built, ``.site.old-1a2b3c4d`` the replaced site until it is deleted."""


def os_reason(exc: OSError) -> str:
    """An :class:`OSError` in words: ``No space left on device``, with the file it names."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


@contextmanager
def atomic_site(site_dir: Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``site_dir``; swap it in only if the block succeeds.

    On success the replaced site is deleted; on failure the fresh folder is, and ``site_dir``
    is untouched. Beside the site, so that the swap stays on one file system. Leftovers of
    killed builds are cleaned up first (see :func:`tidy`).
    """
    site_dir = site_dir.absolute()
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot create the site's folder: {os_reason(exc)}") from exc
    tidy(site_dir)
    token = uuid.uuid4().hex[:8]
    new = site_dir.with_name(NEW.format(site_dir.name) + token)
    old = site_dir.with_name(OLD.format(site_dir.name) + token)
    try:
        new.mkdir()
    except OSError as exc:
        raise BuildError(
            f"{site_dir}: cannot create the new site beside it: {os_reason(exc)}"
        ) from exc
    lock = hold(new)
    try:
        yield new
        if lock is not None and os.stat(new).st_ino != os.fstat(lock).st_ino:
            release(lock)  # the engine replaced the folder (Zensical moves its own in)
            lock = hold(new)
        replaced = swap(new, site_dir, old)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    finally:
        release(lock)
    if replaced is not None:
        discard(replaced)


def swap(new: Path, site_dir: Path, old: Path) -> Path | None:
    """Put ``new`` in place of ``site_dir``; return where the replaced site now is (to be
    deleted), ``None`` when there was none. In one step where the system can (then the
    replaced site is at ``new``); else two renames, the replaced site at ``old``, and if the
    second fails the replaced site goes back."""
    had_site = os.path.lexists(site_dir)
    try:
        if had_site and exchange(new, site_dir):
            return new
        if had_site:
            site_dir.rename(old)
        new.rename(site_dir)
    except OSError as exc:
        if os.path.lexists(old) and not os.path.lexists(site_dir):
            old.rename(site_dir)
        raise BuildError(f"{site_dir}: cannot put the new site in place: {os_reason(exc)}") from exc
    return old if had_site else None


# --- exchanging two folders in one step ---------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}


def _renameat2() -> Callable[..., int] | None:
    try:
        import ctypes

        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return None
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap what the paths ``a`` and ``b`` name, atomically; ``False`` (nothing done) where
    the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    import ctypes

    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


# --- leftovers of killed builds -----------------------------------------------------------------


def hold(folder: Path) -> int | None:
    """Lock ``folder`` for this build (the lock ends with the process); ``None`` where there
    are no locks."""
    if fcntl is None:  # pragma: no cover
        return None
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def in_use(folder: Path) -> bool:
    """A running build, or the deletion of a replaced site, holds ``folder`` (see :func:`hold`)."""
    if fcntl is None:  # pragma: no cover
        return False
    return not lock_briefly(folder, wait=False)


def lock_briefly(folder: Path, *, wait: bool) -> bool:
    """Take ``folder``'s lock and let it go at once; with ``wait``, once its holder is done.
    ``False``: another process holds it (only without ``wait``). A folder that is gone is free."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


_REMOVER = """
import os, shutil, sys
if os.fork():  # the process okrsite waits for ends at once, its child carries on alone
    os._exit(0)
os.setsid()
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""
"""The remover of :func:`discard`: a separate Python (isolated, standard library only) that
detaches itself, so that it outlives the command and holds none of its pipes."""


def discard(path: Path) -> None:
    """Delete a replaced site (or the symbolic link it was) in the background: a process of
    its own removes it, holding its lock (:func:`hold`, passed on as an open file) until it is
    gone, so that :func:`tidy` of another build leaves it alone. Where that cannot be done
    (a link; no locks, so nothing would tell it from a killed build's; no process to start),
    it is deleted here."""
    lock = None if path.is_symlink() else hold(path)
    if lock is None:
        remove(path)
        return
    try:
        starter = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _REMOVER, str(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(lock,), check=False,
        )
    except OSError:
        starter = None
    finally:
        release(lock)
    if starter is None or starter.returncode != 0:
        remove(path)


def leftovers(site_dir: Path) -> list[Path]:
    """The ``.site.new-*`` and ``.site.old-*`` folders beside ``site_dir``."""
    prefixes = (NEW.format(site_dir.name), OLD.format(site_dir.name))
    try:
        names = os.listdir(site_dir.parent)
    except OSError:
        return []
    return sorted(site_dir.parent / name for name in names if name.startswith(prefixes))


def wait_for_removal(site_dir: Path, *, besides: Collection[Path] = ()) -> None:
    """Wait until the replaced sites beside ``site_dir`` that :func:`discard` is deleting are
    gone (and the folders of builds still running are done with): for a script or test that
    looks beside the site right after a build. ``besides``: folders not to wait for."""
    if fcntl is None:  # pragma: no cover - deleted before the build returned
        return
    for path in leftovers(site_dir):
        if path not in besides:
            lock_briefly(path, wait=True)


def tidy(site_dir: Path) -> None:
    """Clean up after builds that were killed: a site missing beside a replaced one
    (``.site.old-*``, a swap killed between its two renames) is put back, and every other
    leftover folder is removed, except those of builds still running and replaced sites still
    being removed (:func:`discard`)."""
    old_prefix = OLD.format(site_dir.name)
    found = leftovers(site_dir)
    olds = [p for p in found if p.name.startswith(old_prefix)]
    running = {p.name.rpartition("-")[2] for p in found if in_use(p)}
    if not os.path.lexists(site_dir):
        dead = [p for p in olds if p.name[len(old_prefix):] not in running]
        if dead:
            latest = max(dead, key=lambda p: p.lstat().st_ctime)  # a rename sets ctime
            with contextlib.suppress(OSError):
                latest.rename(site_dir)
    for path in leftovers(site_dir):
        token = path.name.rpartition("-")[2]
        if token not in running:
            remove(path)


def remove(path: Path) -> None:
    """Delete a folder (or the symbolic link a replaced site was), as far as possible."""
    if path.is_symlink():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
