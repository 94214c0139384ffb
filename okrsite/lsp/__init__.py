"""``okrsite lsp``: a Language Server Protocol server for goal files, on pygls, over stdio.

* **Diagnostics**: every problem ``okrsite check`` finds in a file (the loader's, the schemas',
  the cross-file rules': unknown unit, period, parent or KPI, duplicate ids, cycles), for the
  goal files, ``org.yml`` and the KPI CSV files of a goals folder, against the folder on disk
  with the editor's open buffers in place of their files. They are published while the user
  types (after :data:`DEBOUNCE` seconds without a change), at the problem's line and field.
* **Completion** of the field names the schema allows in the mapping under the cursor (for a
  key result, those of its ``type``), and of values: unit, period, parent (``obj`` and
  ``obj#kr``), shared key result and KPI ids from the folder, and the schema's choices.
* **Hover**: the schema's description of the field under the cursor (and what an id names).

A goals folder is the nearest folder above an opened file that holds an ``org.yml``. It is read
and parsed once (:meth:`Folder.load`); afterwards only the file that changed is parsed again,
and the problems are computed for the files that change can affect only (:meth:`Folder.update`,
:meth:`Folder.problems`): each of them is checked by :func:`okrsite.validate.validate` together
with every file its problems depend on (its parent chain, children, files with the same id,
what it references), which gives the same problems as checking the whole folder. An edit of
``org.yml`` affects every file: those are checked over the whole folder, in a worker thread, as
is the whole folder once after every pause (:data:`IDLE_CHECK`), in case a rule reads further
than :mod:`.folder` knows.

One module per job: :mod:`.server` (the pygls server and its handlers), :mod:`.folder` (the
goals folder in memory and what depends on what), :mod:`.facts` (what one file tells the
others), :mod:`.positions` (where the cursor is), :mod:`.schemas` (what the schemas say of a
field), :mod:`.choices`, :mod:`.completion`, :mod:`.hover`, :mod:`.diagnostics`.
"""

from __future__ import annotations

from .completion import complete
from .diagnostics import problem_range
from .folder import Folder, check_files, folder_root
from .hover import hover_text
from .positions import context_at
from .server import DEBOUNCE, GoalsServer, start

__all__ = [
    "DEBOUNCE",
    "Folder",
    "GoalsServer",
    "check_files",
    "complete",
    "context_at",
    "folder_root",
    "hover_text",
    "problem_range",
    "start",
]
