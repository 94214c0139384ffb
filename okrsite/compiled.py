"""Jinja's compiled templates, kept between runs as Python keeps compiled modules.

Compiling okrsite's templates takes about half a second per build, and MkDocs compiles
mkdocs-material's again in every process that builds pages. Jinja's documented bytecode cache
(:class:`jinja2.FileSystemBytecodeCache`) keeps the compiled code in a folder of the user's own
under the system's temporary folder, which Jinja creates private and checks before use. Each
entry is stored with a checksum of its template's source and Jinja's and Python's versions, so a
changed template, or another Jinja, is compiled afresh; a file is written whole (to a temporary
name, then renamed), so processes building at once never read half of one. A cache that cannot
be read or written (a full disk) is only a cache missed: templates are compiled as without one.
"""

from __future__ import annotations

import contextlib
from functools import cache

import jinja2
from jinja2.bccache import Bucket


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file system cache, which a failing folder never fails a build through."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def template_cache() -> jinja2.BytecodeCache | None:
    """The cache of compiled templates; ``None`` where no private folder can be had (then
    templates are compiled in each run, as without a cache)."""
    try:
        return TemplateCache()
    except (RuntimeError, OSError):
        return None
