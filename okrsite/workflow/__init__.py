"""The rituals around the goals: start a repository, carry objectives over, assign reviewers.

* :mod:`.init` — everything ``okrsite init`` writes;
* :mod:`.carry_over` — next-period files for the unfinished objectives of a period;
* :mod:`.codeowners` — ``CODEOWNERS`` from the ``owners`` of the units in ``org.yml``.

Nothing here writes outside :func:`.files.write_new`, which refuses to overwrite any file.
"""

from __future__ import annotations

from .carry_over import Carried, carried_id, carry_over
from .codeowners import CODEOWNERS, codeowners, codeowners_for
from .files import refuse_existing, write_new
from .init import SCHEMAS_DIR, init_files, quarter

__all__ = [
    "CODEOWNERS",
    "SCHEMAS_DIR",
    "Carried",
    "carried_id",
    "carry_over",
    "codeowners",
    "codeowners_for",
    "init_files",
    "quarter",
    "refuse_existing",
    "write_new",
]
