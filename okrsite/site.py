"""Stage 6: the site content -> a plain MkDocs project -> a site. The only module importing mkdocs.

:func:`build_site` is the whole pipeline: read and score the goals, write the staging project
(:func:`write_project`: ``mkdocs.yml`` derived from the user's, ``docs/`` with the generated
pages beside the user's own, ``theme/`` with our block overrides), run the engine into a folder
beside the site and swap it in only when everything succeeded. Nothing in the staging project
needs a plugin of ours: ``mkdocs build -f .okrsite/mkdocs.yml`` rebuilds the same site.

A generated page is one Markdown file, ``docs/<url>/index.md``, pre-rendered and escaped by
:mod:`okrsite.render`:

* its front matter holds a neutralised ``title`` and ``okrsite_html``, the page's HTML as a YAML
  string, which ``docs_theme/main.html``'s ``content`` block writes out as it is: data, never
  Jinja source;
* its Markdown body is the page's search summary, one line of HTML in a ``<div markdown="0">``.
  Python-Markdown keeps such a block verbatim and no line of it starts with goal text, so no
  extension (snippets, attr_list, fenced code, macros) finds anything to act on.

Neither holds a ``{`` (goal text has them as character references), so a macros plugin finds
nothing to evaluate either. The page's HTML never goes through Markdown, MkDocs' anchor scan or
the search indexer, which would parse every tag of it three times (most of a build's time);
the search index gets the short summary, whose headings carry the same anchors as the page.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Container, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from mkdocs.plugins import BasePlugin

import okrsite

from .errors import BuildError, OkrError
from .git import History
from .model import Goals
from .pipeline import fewer_collections, long_lived_heap, read_goals, score_folder
from .render import safe_title
from .render.pages import NavItem, Page, SiteContent, render_site
from .score import Scorecard, score_goals

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("okrsite")

STAGING_MARKER = ".okrsite-staging"
"""Marks a folder as ours: :func:`write_project` empties only folders that carry it."""
PREVIOUS_SITE = "previous-site"
"""In the staging folder: the site the last build replaced, until the next build (see
:func:`atomic_site`)."""
STYLESHEET = "assets/okrsite/okrsite.css"
SAFE_PATH = re.compile(r"(?!/)[^\x00\\:]+(?<!/)")
"""A relative path with ``/``: no drive, no backslash, no NUL (``..`` is checked apart)."""
GENERATED = (
    "index.md",
    "attention/",
    "alignment/",
    "units/",
    "objectives/",
    "kpis/",
    "badges/",
    "api/",
    "assets/okrsite/",
)
"""Paths under ``docs/`` that belong to the generated site; a user's page may not use them."""
THEME_FEATURES = (
    "navigation.indexes",
    "navigation.prune",
    "navigation.top",
    "search.suggest",
    "search.highlight",
)
"""Added to the user's: section pages for units, and a nav that renders only what is open
(every page carries the nav, so rendering all of it makes the build slower for every page)."""
DEFAULT_PALETTE = [
    {
        "media": "(prefers-color-scheme: light)",
        "scheme": "default",
        "primary": "custom",
        "accent": "custom",
        "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"},
    },
    {
        "media": "(prefers-color-scheme: dark)",
        "scheme": "slate",
        "primary": "custom",
        "accent": "custom",
        "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"},
    },
]
ENGINES = ("mkdocs", "zensical")


# --- the theme ------------------------------------------------------------------------------


def theme_dir() -> Path:
    """``docs_theme/``: inside the installed package, else at the top of the repository."""
    packaged = Path(okrsite.__file__).parent / "docs_theme"
    if packaged.is_dir():
        return packaged
    return Path(okrsite.__file__).parent.parent / "docs_theme"


# --- the user's mkdocs.yml, read and written back with its tags -----------------------------


class Tagged:
    """A YAML node with a tag we do not interpret (``!ENV``, ``!!python/name:…``): kept as is."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Loader.add_multi_constructor("", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(Tagged, _represent_tagged)


def read_user_config(config_file: Path | None) -> dict[str, Any]:
    """The user's ``mkdocs.yml`` as a mapping (empty without one)."""
    if config_file is None:
        return {}
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{config_file}: cannot read the MkDocs configuration: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BuildError(f"{config_file}: must be a YAML mapping")
    return data


def find_config(config_file: Path | None) -> Path | None:
    """``-f`` as given, else ``./mkdocs.yml`` when there is one (the user's config is optional)."""
    if config_file is not None:
        if not config_file.is_file():
            raise BuildError(f"{config_file}: no such configuration file")
        return config_file
    default = Path("mkdocs.yml")
    return default if default.is_file() else None


def default_site_dir(config_file: Path | None) -> Path:
    """The user's ``site_dir`` (relative to their config), else ``site/``."""
    configured = read_user_config(config_file).get("site_dir") if config_file else None
    if isinstance(configured, str) and config_file is not None:
        return config_file.parent / configured
    return Path("site")


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``, merging nested mappings key by key."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# --- the derived configuration --------------------------------------------------------------


def doc_path(url: str) -> str:
    """The source file of a page: ``objectives/x/`` -> ``objectives/x/index.md``."""
    return f"{url}index.md"


def nav_entry(item: NavItem) -> str | dict[str, Any]:
    if not item.children:
        return {item.title: doc_path(item.url)}
    return {item.title: [doc_path(item.url), *(nav_entry(c) for c in item.children)]}


def theme_config(user_theme: Any) -> dict[str, Any]:
    """The user's theme settings with okrsite's: material, our overrides, no web fonts."""
    theme = {"name": user_theme} if isinstance(user_theme, str) else dict(user_theme or {})
    theme.setdefault("name", "material")
    if theme["name"] != "material":
        raise BuildError(f"theme {theme['name']!r}: okrsite's pages need the material theme")
    features = list(theme.get("features") or [])
    features += [f for f in THEME_FEATURES if f not in features]
    theme.update(custom_dir="theme", font=False, features=features)
    theme.setdefault("palette", DEFAULT_PALETTE)
    return theme


def absolute(config_dir: Path, value: Any) -> Any:
    """A path of the user's config made absolute (it is read from the staging folder)."""
    if isinstance(value, str):
        return str((config_dir / value).resolve())
    if isinstance(value, list):
        return [absolute(config_dir, v) for v in value]
    return value


def derive_config(
    user: Mapping[str, Any],
    goals: Goals,
    content: SiteContent,
    user_pages: list[str],
    config_dir: Path,
) -> dict[str, Any]:
    """The staging project's configuration: the user's, with our pages, nav, theme and CSS.

    ``use_directory_urls`` is always on: ``objectives/<id>/`` is the URL ``api/okrs.json``
    promises. Markdown extensions and plugins stay the user's: generated pages give them
    nothing to act on (see the module's docstring).
    """
    config = {k: v for k, v in user.items() if k not in ("docs_dir", "site_dir", "nav")}
    for key in ("INHERIT", "hooks", "watch"):
        if key in config:
            config[key] = absolute(config_dir, config[key])
    user_nav = user.get("nav") or user_pages
    config.update(
        site_name=user.get("site_name") or safe_title(goals.org.name),
        docs_dir="docs",
        use_directory_urls=True,
        theme=theme_config(user.get("theme")),
        extra_css=[*(user.get("extra_css") or []), STYLESHEET],
        nav=[nav_entry(item) for item in content.nav] + list(user_nav),
    )
    validation = dict(config.get("validation") or {})
    validation["nav"] = {"omitted_files": "ignore", **(validation.get("nav") or {})}
    config["validation"] = validation
    return config


# --- the staging project ----------------------------------------------------------------------


_YAML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON is YAML) whose characters libyaml reads back as is.

    JSON leaves line separators and C1 controls raw; YAML would fold the former and refuse the
    latter, so they are written as escapes too.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def page_source(page: Page) -> bytes:
    """A generated page: front matter with its title and HTML, the search summary as body."""
    if "{" in page.html or "}" in page.html or "{" in page.summary:
        raise BuildError(f"page /{page.url}: rendered HTML contains a brace; refusing it")
    meta: dict[str, Any] = {
        "title": page.title,
        "render_macros": False,
        "hide": ["toc"],
        "okrsite_html": str(page.html),
    }
    if not page.summary:
        meta["search"] = {"exclude": True}
    front = "\n".join(
        f"{key}: {yaml_string(value) if isinstance(value, str) else json.dumps(value)}"
        for key, value in meta.items()
    )
    return f"---\n{front}\n---\n\n{page.summary}\n".encode()


def user_docs(user: Mapping[str, Any], config_dir: Path) -> Path | None:
    """The user's own docs folder, when there is one."""
    docs = (config_dir / str(user.get("docs_dir") or "docs")).resolve()
    if docs == config_dir:
        raise BuildError(f"{docs}: docs_dir may not be the folder of mkdocs.yml")
    return docs if docs.is_dir() else None


def read_user_docs(docs: Path | None) -> dict[str, bytes]:
    """The user's own pages and assets, by path inside their docs folder."""
    if docs is None:
        return {}
    files = {}
    for path in sorted(docs.rglob("*")):
        if path.is_file():
            files[path.relative_to(docs).as_posix()] = path.read_bytes()
    clashes = [rel for rel in files if rel.startswith(GENERATED) or rel == "index.md"]
    if clashes:
        listed = ", ".join(f"{docs}/{rel}" for rel in clashes)
        raise BuildError(f"these files use paths of the generated site; rename them: {listed}")
    return files


def theme_files(user: Mapping[str, Any], config_dir: Path) -> dict[str, bytes]:
    """Our template overrides, then the user's ``custom_dir`` on top of them."""
    files: dict[str, bytes] = {}
    ours = theme_dir()
    for path in sorted(ours.rglob("*.html")):
        files[f"theme/{path.relative_to(ours).as_posix()}"] = path.read_bytes()
    theme = user.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom:
        base = config_dir / str(custom)
        for path in sorted(base.rglob("*")):
            if path.is_file():
                files[f"theme/{path.relative_to(base).as_posix()}"] = path.read_bytes()
    return files


def project_files(
    goals: Goals,
    card: Scorecard,
    config_file: Path | None,
    extra_config: Mapping[str, Any],
    history: History | None = None,
) -> dict[str, bytes]:
    """Every file of the staging project by its path inside the staging folder."""
    user = read_user_config(config_file)
    config_dir = (config_file.parent if config_file else Path.cwd()).resolve()
    content = render_site(goals, card, history)
    mine = read_user_docs(user_docs(user, config_dir))
    pages = sorted(rel for rel in mine if rel.endswith(".md"))
    config = deep_merge(derive_config(user, goals, content, pages, config_dir), extra_config)
    files = {f"docs/{rel}": data for rel, data in mine.items()}
    files.update({f"docs/{doc_path(p.url)}": page_source(p) for p in content.pages})
    files.update({f"docs/{path}": data for path, data in content.files.items()})
    files[f"docs/{STYLESHEET}"] = (theme_dir() / "okrsite.css").read_bytes()
    files.update(theme_files(user, config_dir))
    text = yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    files["mkdocs.yml"] = ("# Generated by okrsite: edit your own mkdocs.yml.\n" + text).encode()
    files[STAGING_MARKER] = b"okrsite staging project\n"
    unsafe = [path for path in files if not SAFE_PATH.fullmatch(path) or "/../" in f"/{path}/"]
    if unsafe:
        raise BuildError(f"refusing to write outside the staging folder: {unsafe[:5]}")
    return files


def files_under(root: Path, skip: Container[str] = ()) -> Iterator[str]:
    """Every file (and symlink) below ``root`` but outside its folders named in ``skip``, as a
    relative path with ``/``: one directory listing per folder."""
    folders = [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name in skip:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    yield prefix + entry.name


def sync_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Make ``root`` hold exactly ``files`` (and the previous site, if any); unchanged files
    are not rewritten (serve).

    A changed file is replaced by a new one, never rewritten in place: the built site may
    hold a hard link to it (see :class:`LinkStaticFiles`).
    """
    if root.exists() and any(root.iterdir()) and not (root / STAGING_MARKER).is_file():
        raise BuildError(f"{root}: not empty and not an okrsite staging folder; refusing to use it")
    root.mkdir(parents=True, exist_ok=True)
    existing = set(files_under(root, skip={PREVIOUS_SITE}))
    for rel in sorted(existing - files.keys()):
        (root / rel).unlink()
        remove_empty_folders(root, rel)
    folders = {rel.rpartition("/")[0] for rel in existing}
    for rel, data in files.items():
        target = root / rel
        if rel in existing:
            if target.read_bytes() == data:
                continue
            target.unlink()
        else:
            folder = rel.rpartition("/")[0]
            if folder not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(folder)
        target.write_bytes(data)


def remove_empty_folders(root: Path, rel: str) -> None:
    """Remove the folders of ``rel`` below ``root`` that the removal of ``rel`` left empty."""
    folder = (root / rel).parent
    while folder != root and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write_project(
    goals: Goals,
    card: Scorecard,
    *,
    config_file: Path | None,
    staging_dir: Path,
    extra_config: dict | None = None,
    history: History | None = None,
) -> Path:
    """Write the complete, plain MkDocs project; return the path of its ``mkdocs.yml``."""
    files = project_files(goals, card, config_file, extra_config or {}, history)
    sync_tree(staging_dir, files)
    return staging_dir / "mkdocs.yml"


# --- engines and the atomic swap --------------------------------------------------------------


class LinkStaticFiles(BasePlugin):
    """Hard-links the staging project's static files into the new site before MkDocs copies.

    MkDocs copies every static file, but skips a destination that already is the source file
    (plugins may write straight into ``site_dir``). A link costs one directory entry where a
    copy creates a file and its data: with thousands of badges, most of a second of the build.
    Added by :func:`run_mkdocs` for its build only: the staging project needs no plugin.
    :func:`sync_tree` replaces a changed file instead of rewriting it, so no later build can
    alter a published file through its link. Where a link is impossible (another file
    system), MkDocs copies as usual.
    """

    def __init__(self, docs_dir: Path) -> None:
        super().__init__()
        self.docs_dir = f"{docs_dir.resolve()}{os.sep}"

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        folders: set[str] = set()
        for file in files:
            source = file.abs_src_path
            if file.is_documentation_page() or not source or not source.startswith(self.docs_dir):
                continue
            folder = os.path.dirname(file.abs_dest_path)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            try:
                os.link(source, file.abs_dest_path)
            except OSError:
                break
        return files


def run_mkdocs(config_path: Path, out_dir: Path) -> None:
    """Build with MkDocs' Python API into ``out_dir``."""
    from jinja2 import TemplateError
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(str(config_path), site_dir=str(out_dir))
        config.plugins["okrsite-link-static-files"] = LinkStaticFiles(config_path.parent / "docs")
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, TemplateError, OSError) as exc:
        raise BuildError(f"mkdocs failed: {exc}") from exc


def run_zensical(config_path: Path, out_dir: Path) -> None:
    """Build with Zensical (a separate program), then move its output into ``out_dir``.

    Zensical insists on a ``site_dir`` inside the project, so it builds into the staging
    folder first.
    """
    staging = config_path.parent
    built = staging / "zensical-site"
    config = read_user_config(config_path)
    config["site_dir"] = built.name
    variant = staging / "zensical.yml"
    variant.write_text(yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True))
    shutil.rmtree(built, ignore_errors=True)
    command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(variant)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not built.is_dir():
        raise BuildError(f"zensical failed:\n{done.stderr or done.stdout}")
    out_dir.rmdir()
    shutil.move(built, out_dir)


RUNNERS = {"mkdocs": run_mkdocs, "zensical": run_zensical}


@contextmanager
def atomic_site(site_dir: Path, previous: Path | None = None) -> Iterator[Path]:
    """Yield a fresh folder beside ``site_dir``; swap it in only if the block succeeds.

    The site it replaces is deleted; with ``previous`` (a folder on the same file system) it
    is kept there instead, until the next build deletes it in a separate process while its
    block runs. Removing thousands of files then costs no time of the build's own, and until
    then the last site can be put back by hand.
    """
    site_dir = site_dir.absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    new = site_dir.with_name(f".{site_dir.name}.new-{token}")
    new.mkdir()
    removal = start_removing(previous)
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    finally:
        finish_removing(removal, previous)
    old = site_dir.with_name(f".{site_dir.name}.old-{token}")
    if previous is not None and not previous.exists() and same_file_system(previous, site_dir):
        old = previous
    if site_dir.exists():
        site_dir.rename(old)
    new.rename(site_dir)
    if old != previous:
        shutil.rmtree(old, ignore_errors=True)


def start_removing(folder: Path | None) -> subprocess.Popen[bytes] | None:
    """Start deleting ``folder`` (if there is one) in a separate process: no thread, no lock
    shared with this one, which may still fork."""
    if folder is None or not folder.is_dir():
        return None
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    quiet = subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-c", code, str(folder)], stdin=quiet, stdout=quiet)


def finish_removing(removal: subprocess.Popen[bytes] | None, folder: Path | None) -> None:
    """Wait for :func:`start_removing`, then delete whatever it left behind."""
    if removal is not None:
        removal.wait()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def same_file_system(folder: Path, site_dir: Path) -> bool:
    """Whether ``folder`` can be renamed onto from beside ``site_dir``."""
    try:
        return folder.parent.stat().st_dev == site_dir.parent.stat().st_dev
    except OSError:
        return False


def build_site(
    *,
    goals_dir: Path,
    config_file: Path | None,
    site_dir: Path,
    staging_dir: Path,
    as_of: date,
    engine: str = "mkdocs",
    use_git: bool = False,
) -> Path:
    """Check, score, write the staging project, build it and swap the site in. Returns it.

    With ``use_git``, the last commit that changed a key result counts as an update, and
    objective pages show when they last changed and when a target moved.
    """
    if engine not in RUNNERS:
        raise BuildError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    with fewer_collections():
        scored = score_folder(goals_dir, as_of, use_git=use_git)
        extra = {"site_dir": str(site_dir.absolute())}
        config_path = write_project(
            scored.goals,
            scored.card,
            config_file=config_file,
            staging_dir=staging_dir,
            extra_config=extra,
            history=scored.history,
        )
        previous = staging_dir / PREVIOUS_SITE
        with atomic_site(site_dir, previous) as out_dir, long_lived_heap():
            RUNNERS[engine](config_path, out_dir)
    return site_dir


# --- serve ------------------------------------------------------------------------------------


def snapshot(paths: list[Path]) -> dict[str, tuple[float, int]]:
    """Modification time and size of every file under ``paths``: what a change alters."""
    state = {}
    for root in paths:
        candidates = [root] if root.is_file() else root.rglob("*") if root.is_dir() else []
        for path in candidates:
            if path.is_file():
                stat = path.stat()
                state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


def serve_site(
    *,
    goals_dir: Path,
    config_file: Path | None,
    staging_dir: Path,
    as_of: date | None = None,
    dev_addr: str | None = None,
    open_in_browser: bool = False,
    interval: float = 0.5,
) -> None:
    """Live preview: regenerate the staging project when a goal file changes; MkDocs reloads."""
    from mkdocs.commands.serve import serve

    def regenerate() -> Path:
        goals = read_goals(goals_dir)
        card = score_goals(goals, as_of or date.today())
        return write_project(goals, card, config_file=config_file, staging_dir=staging_dir)

    config_path = regenerate()
    user = read_user_config(config_file)
    config_dir = (config_file.parent if config_file else Path.cwd()).resolve()
    watched = [goals_dir, *(p for p in (config_file, user_docs(user, config_dir)) if p)]
    stop = threading.Event()

    def watch() -> None:
        seen = snapshot(watched)
        while not stop.wait(interval):
            now = snapshot(watched)
            if now != seen:
                seen = now
                try:
                    regenerate()
                    log.info("goals changed: staging project regenerated")
                except OkrError as exc:
                    for problem in getattr(exc, "problems", ()):
                        log.error("%s", problem)
                    log.error("%s (the preview keeps the last good version)", exc.message)

    thread = threading.Thread(target=watch, name="okrsite-watch", daemon=True)
    thread.start()
    kwargs: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        serve(
            config_file=str(config_path), livereload=True, open_in_browser=open_in_browser, **kwargs
        )
    finally:
        stop.set()
