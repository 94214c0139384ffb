"""The atomic site: a build goes into a new folder beside the site and replaces it only whole.

A reader of the site (or a web server) sees the old site or the new one, never a half-built
mix, and a failed build leaves the old site as it was and nothing of its own behind.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BuildError


@contextmanager
def atomic_site(site_dir: Path) -> Iterator[Path]:
    """Yield a fresh folder beside ``site_dir``; swap it in only if the block succeeds.

    On success the replaced site is deleted; on failure the fresh folder is, and ``site_dir``
    is untouched. Beside the site, so that the swap is two renames on one file system.
    """
    site_dir = site_dir.absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    new = site_dir.with_name(f".{site_dir.name}.new-{token}")
    old = site_dir.with_name(f".{site_dir.name}.old-{token}")
    new.mkdir()
    try:
        yield new
        swap(new, site_dir, old)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def swap(new: Path, site_dir: Path, old: Path) -> None:
    """Put ``new`` in place of ``site_dir``, moving the replaced site to ``old``; if that
    fails half-way, the replaced site goes back."""
    try:
        if site_dir.exists():
            site_dir.rename(old)
        new.rename(site_dir)
    except OSError as exc:
        if old.exists() and not site_dir.exists():
            old.rename(site_dir)
        raise BuildError(f"{site_dir}: cannot put the new site in place: {exc}") from exc
