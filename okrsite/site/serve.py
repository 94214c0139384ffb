"""Live preview: a :class:`Source` of staging files, rebuilt incrementally and served with reload.

:func:`serve_project` knows nothing of goals. It asks its source for the whole staging project
once (an error then ends the command), builds it, and serves the site with MkDocs' dev server
(``mkdocs.livereload.LiveReloadServer``, which reloads the browsers after every build). Then:

1. **Watching.** Threads watch the source's folders with ``watchfiles`` (inotify, no polling of
   the trees), a change coalesced with the others of the next :data:`QUIET_MS` milliseconds,
   and the changed paths are queued (:class:`Changes`). The server itself watches one file of
   ours, the *trigger*: the watcher rewrites it once the paths are queued.
2. **Refreshing.** The server's build loop then calls the builder (:class:`Preview`, on the
   thread that called :func:`serve_project`): the source turns the queued paths into staging
   files (it re-reads only the changed goal files and re-renders only the pages whose content
   changed), :class:`~.incremental.Staging` writes those that differ, and only then
   :class:`~.incremental.Engine` has MkDocs rebuild what they touch. While it runs, the dev
   server holds requests back, so no browser sees a half-written site.
3. **Later work.** A source may leave work for later (``Refresh.more``: okrsite re-renders
   the overview pages once the pages an edit changed are visible). A thread of its own
   (:class:`Later`) does it while the site is served, stopping when new changes come; its
   result goes through the next build like a refresh's.
4. **Errors.** When the goals (or the build) fail, the site stays the last good version and
   every page it serves carries a banner naming each problem's file, line and message
   (:func:`with_banner`, a WSGI middleware set with the server's ``set_app``: nothing of it is
   ever written into the staging project or the site); the banner goes with the next good
   build. Any unexpected error is logged with its traceback and shown the same way; the
   watcher and the server go on.

Every refresh runs while the watcher and server threads run, so
:func:`okrsite.parallel.can_fork` refuses and serve never forks; only the first one, before
any thread starts, may. A full build of a large project still uses the other cores: MkDocs'
shares are built by fresh processes (:mod:`okrsite.site.shards`), which inherit no threads.
"""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import jinja2

from ..errors import BuildError, GoalErrors, OkrError
from ..vocabulary import plural

log = logging.getLogger("okrsite")

QUIET_MS = 100
"""A change is handled once the watched folders have been quiet this long (watchfiles' ``step``):
changes that follow each other more closely make one refresh."""
MAX_WAIT_MS = 400
"""A stream of changes is handled after this long at most (watchfiles' ``debounce``)."""
TRIGGER_POLL_S = 0.02
"""How often the dev server looks at the trigger file (one ``stat``)."""
NUDGE_S = 0.5
"""How often the trigger is rewritten again while changes wait for the builder."""
LATER_DELAY_S = 0.2
"""The work a refresh left for later starts this long after it (if nothing else came)."""
BANNER_LIMIT = 20
"""Problems listed on the banner; the rest are counted."""

Notice = tuple[str, str]
"""A problem as the banner shows it: where (``goals/x.md:12``, or empty) and what."""


@dataclass(frozen=True)
class Refresh:
    """What a source made of some changes."""

    files: Mapping[str, bytes] | None = None
    """The whole staging project (``None``: only ``updates``)."""
    updates: Mapping[str, bytes | None] = field(default_factory=dict)
    """Some staging files, by path; ``None`` deletes one."""
    more: bool = False
    """Work is left: refresh again (with no changes) when nothing else is waiting."""
    summary: str = ""
    """What was done, for the log."""


class Source(Protocol):
    """What :func:`serve_project` previews."""

    def start(self) -> Mapping[str, bytes]:
        """The whole staging project."""
        ...

    def refresh(self, changed: set[Path]) -> Refresh:
        """The staging files that ``changed`` paths alter (on the builder's thread)."""
        ...

    def later(self, interrupted: Callable[[], bool]) -> object | None:
        """Do the work a refresh left for later, on a thread of its own while the site is
        served; ``None`` when there is none, or when ``interrupted()`` (new changes wait)
        made it stop. It changes nothing: :meth:`commit` takes its result."""
        ...

    def commit(self, done: object) -> Refresh | None:
        """The staging files of work done :meth:`later` (on the builder's thread); ``None``
        when a refresh since made it stale."""
        ...

    def watched(self) -> list[tuple[Path, bool]]:
        """What to watch: each path with whether it is a folder (watched through and through)
        or a file."""
        ...

    def relevant(self, path: Path) -> bool:
        """Whether a change of ``path`` may matter (asked on a watcher thread): the others
        cause no build, and no reload."""
        ...


# --- the queue of changed paths ---------------------------------------------------------------


class Changes:
    """The changed paths the watcher threads found and the builder has not taken yet."""

    def __init__(self, trigger: Path) -> None:
        self.trigger = trigger
        self.lock = threading.Lock()
        self.paths: set[Path] = set()
        self.count = 0
        trigger.write_text("0\n")

    def add(self, paths: Iterable[Path]) -> None:
        with self.lock:
            self.paths.update(paths)
        self.kick()

    def take(self) -> set[Path]:
        with self.lock:
            taken, self.paths = self.paths, set()
        return taken

    def waiting(self) -> bool:
        with self.lock:
            return bool(self.paths)

    def kick(self) -> None:
        """Tell the dev server to build (it watches the trigger file, which is replaced whole:
        its poll never sees it half-written, and so never counts one kick twice)."""
        with self.lock:
            self.count += 1
            fresh = self.trigger.with_name(f"{self.trigger.name}.new")
            fresh.write_text(f"{self.count}\n")
            os.replace(fresh, self.trigger)


def watch_loop(paths: Sequence[Path], folders: bool, relevant: Callable[[Path], bool],
               changes: Changes, stop: threading.Event) -> None:
    """A watcher thread: queue what changes in ``paths`` until ``stop`` is set. Folders are
    watched through and through; files through their folder, so that an editor that saves by
    renaming is seen too. It survives any error (logged) and watches again what exists."""
    from watchfiles import Change, DefaultFilter, watch

    absolute = [path.absolute() for path in paths]
    files = set() if folders else set(absolute)
    usual = DefaultFilter()  # no editors' swap files, no .git

    def wanted(change: Change, changed: str) -> bool:
        return usual(change, changed) if folders else Path(changed) in files

    while not stop.is_set():
        roots = sorted({path if folders else path.parent for path in absolute}, key=str)
        roots = [root for root in roots if root.is_dir()]
        try:
            if not roots:
                stop.wait(1.0)
                continue
            for batch in watch(*roots, watch_filter=wanted, recursive=folders, step=QUIET_MS,
                               debounce=MAX_WAIT_MS, stop_event=stop, raise_interrupt=False):
                found = [path for path in (Path(changed) for _, changed in batch)
                         if relevant(path)]
                if found:
                    changes.add(found)
                if not all(root.is_dir() for root in roots):
                    break  # a watched folder went away: watch what is there again
        except Exception:
            log.exception("the file watcher failed; watching again")
            stop.wait(1.0)


# --- errors in the browser --------------------------------------------------------------------


def notices(exc: BaseException) -> list[Notice]:
    """What the banner says of an error."""
    if isinstance(exc, GoalErrors):
        return [(p.where, f"{p.path}: {p.message}" if p.path else p.message)
                for p in exc.problems]
    if isinstance(exc, OkrError):
        return [("", exc.message)]
    return [("", f"internal error ({type(exc).__name__}: {exc}); see the terminal")]


@cache
def banner_template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("okrsite.site", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["plural"] = plural
    return env.get_template("banner.html")


def banner_html(found: Sequence[Notice]) -> bytes:
    """A notice block for the top of every page (``templates/banner.html``)."""
    shown = found[:BANNER_LIMIT]
    text = banner_template().render(count=len(found), shown=shown, more=len(found) - len(shown))
    return " ".join(text.split("\n")).encode()


def insert_banner(page: bytes, banner: bytes) -> bytes:
    """``banner`` right after the page's ``<body>`` tag (at the start without one)."""
    body = page.find(b"<body")
    end = page.find(b">", body) + 1 if body >= 0 else 0
    return page[:end] + banner + page[end:]


App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_banner(app: App, current: Callable[[], bytes | None]) -> App:
    """A WSGI middleware: while ``current()`` gives a banner, HTML pages carry it."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        banner = current()
        if banner is None:
            return app(environ, start_response)
        answer: list[Any] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer[:] = [status, headers]
            return lambda data: None

        result = app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = answer
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        if kind.startswith("text/html"):
            body = insert_banner(body, banner)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    return serve


# --- the builder ------------------------------------------------------------------------------


class Later:
    """The thread that does the work refreshes leave for later (:meth:`Source.later`), so that
    the dev server keeps answering meanwhile; its result waits in :attr:`ready` for the next
    build."""

    def __init__(self, source: Source, changes: Changes) -> None:
        self.source = source
        self.changes = changes
        self.wanted = threading.Event()
        self.ready: object | None = None
        self.refreshing = threading.Event()
        """Set while the builder refreshes: the later work gives way."""

    def run(self, stop: threading.Event) -> None:
        def interrupted() -> bool:
            return stop.is_set() or self.changes.waiting() or self.refreshing.is_set()

        while not stop.is_set():
            if not self.wanted.wait(NUDGE_S):
                continue
            self.wanted.clear()
            if stop.wait(LATER_DELAY_S):  # the browsers reload what the refresh changed first
                return
            if self.ready is not None:
                continue  # a result waits for the builder, which asks again if need be
            try:
                done = self.source.later(interrupted)
            except Exception:
                log.exception("the preview's later work failed")
                continue
            if done is not None:
                self.ready = done
                self.changes.kick()


class Preview:
    """The dev server's builder: refresh the source (or take the work done later), write the
    staging files that differ, and only then rebuild."""

    def __init__(self, source: Source, staging_dir: Path, site_dir: Path,
                 changes: Changes) -> None:
        from .incremental import Engine, Staging

        self.source = source
        self.staging = Staging(staging_dir)
        self.engine = Engine(self.staging, site_dir)
        self.changes = changes
        self.later = Later(source, changes)
        self.banner: bytes | None = None
        self.unbuilt: set[str] = set()
        """Staging files written since the last build."""

    def start(self) -> None:
        """The first build; its errors end the command."""
        self.engine.build(self.staging.replace(self.source.start()))

    def __call__(self) -> None:
        """Write the work done later (when still current), refresh with the changed paths
        (when there are any), then build what was written. Never raises: the dev server would
        stop serving."""
        ready, self.later.ready = self.later.ready, None
        changed = self.changes.take()
        if ready is None and not changed and not self.unbuilt:
            return  # a nudge the build before already answered
        done: list[Refresh] = []
        refreshed = False
        try:
            start = time.perf_counter()
            if ready is not None:
                committed = self.source.commit(ready)
                if committed is not None:
                    done.append(self.stage(committed))
            if changed:
                self.later.refreshing.set()
                try:
                    done.append(self.stage(self.source.refresh(changed)))
                finally:
                    self.later.refreshing.clear()
                refreshed = True
            staged = time.perf_counter()
            what = self.engine.build(self.unbuilt)
            self.unbuilt = set()
            built = time.perf_counter()
        except OkrError as exc:
            self.fail(exc)
            return
        except Exception as exc:
            log.exception("the preview failed")
            self.fail(exc)
            return
        if refreshed and self.banner is not None:
            log.info("problems fixed: the preview is up to date again")
            self.banner = None
        summary = "; ".join(r.summary for r in done if r.summary)
        if summary or what is not None:
            log.info("%s (%.2f s); MkDocs: %s (%.2f s)", summary or "refreshed",
                     staged - start, what or "nothing to rebuild", built - staged)
        if any(r.more for r in done):
            self.later.wanted.set()

    def stage(self, result: Refresh) -> Refresh:
        """Write ``result``'s staging files; those that changed wait for the next build."""
        self.unbuilt |= (self.staging.replace(result.files) if result.files is not None
                         else self.staging.update(result.updates))
        return result

    def fail(self, exc: BaseException) -> None:
        found = notices(exc)
        if isinstance(exc, GoalErrors):
            for problem in exc.problems:
                log.error("%s", problem)
        if isinstance(exc, OkrError):
            log.error("%s (the preview keeps the last good version)", exc.message)
        self.banner = banner_html(found)


def parse_dev_addr(dev_addr: str) -> tuple[str, int]:
    """``IP:PORT`` -> ``(IP, PORT)``."""
    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise BuildError(f"{dev_addr!r}: give the address as IP:PORT")
    return host.strip("[]"), int(port)


def serve_project(
    source: Source,
    staging_dir: Path,
    *,
    dev_addr: str | None = None,
    open_in_browser: bool = False,
) -> None:
    """Serve the staging project that ``source`` writes, rebuilt as its files change (see the
    module's documentation); the first build's error ends the command."""
    from urllib.parse import urlsplit

    from mkdocs.livereload import LiveReloadServer

    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # it logs every batch
    with tempfile.TemporaryDirectory(prefix="okrsite-serve-") as temp:
        changes = Changes(Path(temp) / "trigger")
        preview = Preview(source, staging_dir, Path(temp) / "site", changes)
        try:
            preview.start()  # no thread runs yet: the first rendering may fork
            config = preview.engine.config
            assert config is not None  # the first build loaded it
            host, port = (parse_dev_addr(dev_addr) if dev_addr
                          else (config.dev_addr.host, config.dev_addr.port))
            site_dir = preview.engine.site_dir
            server = LiveReloadServer(builder=preview, host=host, port=port, root=str(site_dir),
                                      mount_path=urlsplit(config.site_url or "/").path or "/",
                                      polling_interval=TRIGGER_POLL_S)
            server.build_delay = 0  # the watcher has waited for quiet already
            server.error_handler = lambda code: error_page(site_dir, code)
            server.set_app(with_banner(server.serve_request, lambda: preview.banner))
            server.watch(str(changes.trigger), recursive=False)
            with watching(source, changes, preview.later):
                serving(server, open_in_browser)
        finally:
            preview.engine.shutdown()


def error_page(site_dir: Path, code: int) -> bytes | None:
    """The site's own 404 page, as ``mkdocs serve`` answers."""
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


@contextmanager
def watching(source: Source, changes: Changes, later: Later) -> Iterator[None]:
    """The threads: the watchers (one for the folders, one for single files), the nudger and
    the later work; and a first look at everything once they run (whatever changed while the
    first build ran)."""
    stop = threading.Event()
    watched = source.watched()
    groups = {kind: [path for path, folder in watched if folder is kind] for kind in (True, False)}
    threads = [
        threading.Thread(target=watch_loop, args=(paths, kind, source.relevant, changes, stop),
                         daemon=True, name="okrsite-watch")
        for kind, paths in groups.items() if paths
    ]
    threads.append(threading.Thread(target=nudge, args=(changes, stop), daemon=True,
                                    name="okrsite-nudge"))
    threads.append(threading.Thread(target=later.run, args=(stop,), daemon=True,
                                    name="okrsite-later"))
    for thread in threads:
        thread.start()
    changes.add(path for path, _ in watched)
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def nudge(changes: Changes, stop: threading.Event) -> None:
    """Rewrite the trigger while changes wait: the dev server starts watching it only once it
    serves, and may have missed a rewrite before."""
    while not stop.wait(NUDGE_S):
        if changes.waiting():
            changes.kick()


def serving(server: Any, open_in_browser: bool) -> None:
    """Run the dev server until Ctrl-C (or SIGTERM, in the main thread)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, interrupt) if main else None
    try:
        server.serve(open_in_browser=open_in_browser)
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        if main:
            signal.signal(signal.SIGTERM, previous)
