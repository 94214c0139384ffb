"""Writing new files into a repository: all of them or none, never over an existing one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import OkrError


def refuse_existing(paths: Iterable[Path]) -> None:
    """:class:`OkrError` naming every one of ``paths`` that exists."""
    existing = sorted(str(path) for path in paths if path.exists())
    if existing:
        raise OkrError("refusing to overwrite existing files: " + ", ".join(existing))


def write_new(root: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (paths relative to ``root``); if any exists, write none and say which."""
    targets = {rel: root / rel for rel in files}
    refuse_existing(targets.values())
    for rel, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as out:
            out.write(files[rel])
    return list(targets.values())
