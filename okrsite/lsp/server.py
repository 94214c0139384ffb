"""The pygls server: the editor's documents and its requests, handed to the goals folders
(:mod:`.folder`), completion (:mod:`.completion`), hover (:mod:`.hover`) and published as
diagnostics (:mod:`.diagnostics`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec, ServerTextPosition

from .. import __version__
from ..errors import Problem
from ..load import ORG_FILE, display_prefix
from .completion import complete
from .diagnostics import SOURCE, to_diagnostic
from .folder import Folder, folder_root
from .hover import hover_text

DEBOUNCE = 0.15
"""Seconds without a change before a changed buffer is checked."""
IDLE_CHECK = 3.0
"""Seconds without a change before the whole folder is checked again (0: never)."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """An open goal file and a position in it, as completion and hover need them."""

    lines: Sequence[str]
    is_org: bool
    folder: Folder
    codec: PositionCodec
    where: ServerTextPosition


class GoalsServer:
    """The language server's state and handlers; :attr:`server` is the pygls server."""

    def __init__(self, debounce: float = DEBOUNCE, idle_check: float = IDLE_CHECK) -> None:
        self.server = LanguageServer(
            SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.idle_check = idle_check
        self.workspace_root: Path | None = None
        self.folders: dict[Path, Folder] = {}
        self._loading: dict[Path, asyncio.Future[Folder]] = {}
        self._pending: dict[Path, set[str]] = {}
        self._timers: dict[Path, asyncio.TimerHandle] = {}
        self._idle: dict[Path, asyncio.TimerHandle] = {}
        self._published: dict[str, tuple[Problem, ...]] = {}
        self._uris: dict[Path, str] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._checking: dict[Path, bool] = {}
        """The folders being checked whole; True: check again when done."""
        self.checked: list[tuple[Path, float]] = []
        """How long each fast check took (seconds), newest last (the benchmark reads it)."""
        self._register()

    def _register(self) -> None:
        def feature(name: str, method: Callable[[Any], Any], options: Any = None) -> None:
            handler: Callable[[Any], Any]
            if asyncio.iscoroutinefunction(method):
                async def handler(params: Any) -> Any:
                    return await method(params)
            else:
                def handler(params: Any) -> Any:
                    return method(params)
            self.server.feature(name, options)(handler)  # pygls marks the function it gets

        feature(types.INITIALIZE, self.initialize)
        feature(types.INITIALIZED, self.initialized)
        feature(types.TEXT_DOCUMENT_DID_OPEN, self.did_open)
        feature(types.TEXT_DOCUMENT_DID_CHANGE, self.did_change)
        feature(types.TEXT_DOCUMENT_DID_CLOSE, self.did_close)
        feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.did_change_watched_files)
        feature(types.TEXT_DOCUMENT_COMPLETION, self.completion,
                types.CompletionOptions(trigger_characters=[":", " ", "#", "-"]))
        feature(types.TEXT_DOCUMENT_HOVER, self.hover)

    # -- life cycle ---------------------------------------------------------------------

    def initialize(self, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, Mapping):
            if isinstance(options.get("debounce"), (int, float)):
                self.debounce = max(0.0, options["debounce"] / 1000)
            if isinstance(options.get("idleCheck"), (int, float)):
                self.idle_check = max(0.0, options["idleCheck"] / 1000)
        uri = params.root_uri
        if uri is None and params.workspace_folders:
            uri = params.workspace_folders[0].uri
        path = to_fs_path(uri) if uri is not None else params.root_path
        self.workspace_root = Path(path) if path else None

    async def initialized(self, params: types.InitializedParams) -> None:
        caps = self.server.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch is not None and watch.dynamic_registration:
            options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                types.FileSystemWatcher(glob_pattern=pattern)
                for pattern in ("**/*.md", f"**/{ORG_FILE}", "**/*.csv")
            ])
            await self.server.client_register_capability_async(types.RegistrationParams(
                registrations=[types.Registration(
                    id="okrsite-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=options)]))
        if self.workspace_root is not None and (self.workspace_root / "goals" / ORG_FILE).is_file():
            await self.folder(self.workspace_root / "goals")

    def prefix_for(self, root: Path) -> str:
        base = self.workspace_root
        if base is not None:
            try:
                rel = root.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                return root.resolve().as_posix()
            return rel if rel != "." else ""
        return display_prefix(root)

    async def folder(self, root: Path) -> Folder:
        """The goals folder at ``root``, read once (in a worker thread), then checked whole."""
        if root in self.folders:
            return self.folders[root]
        if root not in self._loading:
            loop = asyncio.get_running_loop()
            prefix = self.prefix_for(root)
            self._loading[root] = loop.run_in_executor(None, Folder.load, root, prefix)
        folder = await self._loading[root]
        if root not in self.folders:
            self.folders[root] = folder
            for path, uri in self._uris.items():
                rel = folder.rel_of(path)
                document = self.server.workspace.text_documents.get(uri)
                if rel is not None and document is not None:
                    folder.update(rel, document.source.encode("utf-8"))
            await self.check_all(folder)
        return self.folders[root]

    async def locate(self, uri: str) -> tuple[Folder, str] | None:
        path_text = to_fs_path(uri)
        if path_text is None:
            return None
        path = Path(path_text)
        root = folder_root(path)
        if root is None:
            return None
        folder = await self.folder(root)
        rel = folder.rel_of(path)
        return (folder, rel) if rel is not None else None

    def loaded(self, uri: str) -> tuple[Folder, str] | None:
        path_text = to_fs_path(uri)
        if path_text is None:
            return None
        root = folder_root(Path(path_text))
        folder = self.folders.get(root) if root else None
        rel = folder.rel_of(Path(path_text)) if folder else None
        return (folder, rel) if folder is not None and rel is not None else None

    # -- documents ----------------------------------------------------------------------

    def buffer(self, folder: Folder, rel: str) -> bytes | None:
        uri = self._uris.get(folder.path_of(rel).resolve())
        document = self.server.workspace.text_documents.get(uri) if uri else None
        if document is not None:
            text: str = document.source
            return text.encode("utf-8")
        return folder.read_disk(rel)

    async def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        path_text = to_fs_path(params.text_document.uri)
        if path_text is not None:
            self._uris[Path(path_text).resolve()] = params.text_document.uri
        found = await self.locate(params.text_document.uri)
        if found is not None:
            self.changed(*found, delay=0)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        found = self.loaded(params.text_document.uri)
        if found is not None:
            self.changed(*found)
        else:
            self._spawn(self.did_open_later(params.text_document.uri))

    async def did_open_later(self, uri: str) -> None:
        found = await self.locate(uri)
        if found is not None:
            self.changed(*found)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        path_text = to_fs_path(params.text_document.uri)
        if path_text is not None:
            self._uris.pop(Path(path_text).resolve(), None)
        found = self.loaded(params.text_document.uri)
        if found is not None:
            self.changed(*found, delay=0)  # back to the file on disk

    def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            found = self.loaded(change.uri)
            if found is not None:
                self.changed(*found, delay=0)

    def changed(self, folder: Folder, rel: str, delay: float | None = None) -> None:
        """Check ``rel`` again after ``delay`` seconds (default :attr:`debounce`) without a
        further change in its folder."""
        root = folder.root
        self._pending.setdefault(root, set()).add(rel)
        if root in self._timers:
            self._timers.pop(root).cancel()
        if root in self._idle:
            self._idle.pop(root).cancel()
        loop = asyncio.get_running_loop()
        wait = self.debounce if delay is None else delay
        self._timers[root] = loop.call_later(wait, self.flush, folder)

    def flush(self, folder: Folder) -> None:
        """Read the changed files into ``folder``, check what they affect, publish."""
        self._timers.pop(folder.root, None)
        begun = time.perf_counter()
        changed = sorted(self._pending.pop(folder.root, set()))
        affected: set[str] | None = set()
        for rel in changed:
            found = folder.update(rel, self.buffer(folder, rel))
            affected = None if found is None or affected is None else affected | found
        if affected is None or folder.too_many(affected):
            self.publish(folder, folder.problems(changed))
            self._spawn(self.check_all(folder))
        else:
            self.publish(folder, folder.problems(affected))
            if self.idle_check:
                loop = asyncio.get_running_loop()
                self._idle[folder.root] = loop.call_later(
                    self.idle_check, lambda: self._spawn(self.check_all(folder)))
        self.checked.append((folder.root, time.perf_counter() - begun))
        del self.checked[:-100]

    async def check_all(self, folder: Folder) -> None:
        """Check the whole folder in a worker thread; publish unless it changed meanwhile (then
        check it again). One such check runs at a time per folder."""
        if folder.root in self._checking:
            self._checking[folder.root] = True  # again, once this one is done
            return
        self._checking[folder.root] = False
        try:
            while True:
                generation, run = folder.generation, folder.snapshot()
                found = await asyncio.get_running_loop().run_in_executor(None, run)
                if folder.generation == generation:
                    self.publish(folder, found)
                if not self._checking[folder.root]:
                    return  # (a later change asked for no whole check: its own was enough)
                self._checking[folder.root] = False
        finally:
            del self._checking[folder.root]

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def publish(self, folder: Folder, found: Mapping[str, list[Problem]]) -> None:
        codec = self.server.workspace.position_codec
        for rel, problems in found.items():
            path = folder.path_of(rel).resolve()
            uri = self._uris.get(path) or from_fs_path(str(path))
            if uri is None or self._published.get(uri, ()) == tuple(problems):
                continue
            self._published[uri] = tuple(problems)
            document = self.server.workspace.text_documents.get(uri)
            if document is not None:
                lines = document.lines
            else:
                lines = (folder.content(rel) or b"").decode("utf-8", "replace").splitlines(True)
            diagnostics = [to_diagnostic(p, lines, codec) for p in problems]
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics,
                version=document.version if document is not None else None))

    # -- completion and hover -------------------------------------------------------------

    async def _cursor(self, uri: str, position: types.Position) -> Cursor | None:
        """Where a completion or hover request points: the open file's lines, whether it is
        ``org.yml``, the folder it belongs to and the position in server units (``None``: not
        an open goal file of a goals folder, or a CSV)."""
        document = self.server.workspace.text_documents.get(uri)
        path_text = to_fs_path(uri)
        if document is None or path_text is None or path_text.endswith(".csv"):
            return None
        found = await self.locate(uri)
        if found is None:
            return None  # not a file of a goals folder
        codec = self.server.workspace.position_codec
        where = codec.position_from_client_units(document.lines, position)
        return Cursor(document.lines, Path(path_text).name == ORG_FILE, found[0], codec, where)

    async def completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        at = await self._cursor(params.text_document.uri, params.position)
        if at is None:
            return None
        items = complete(at.lines, at.is_org, at.where.line, at.where.character, at.folder)
        for item in items:
            if isinstance(item.text_edit, types.TextEdit):
                item.text_edit.range = at.codec.range_to_client_units(at.lines,
                                                                      item.text_edit.range)
        return types.CompletionList(is_incomplete=False, items=items)

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        at = await self._cursor(params.text_document.uri, params.position)
        if at is None:
            return None
        lines, where, codec = at.lines, at.where, at.codec
        shown = hover_text(lines, at.is_org, where.line, where.character, at.folder)
        if shown is None:
            return None
        markdown, start, end = shown
        key = types.Range(types.Position(where.line, start), types.Position(where.line, end))
        return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, markdown),
                           range=codec.range_to_client_units(lines, key))


def start(debounce: float = DEBOUNCE) -> None:
    """Serve the Language Server Protocol on stdin and stdout until the client exits."""
    GoalsServer(debounce).server.start_io()
