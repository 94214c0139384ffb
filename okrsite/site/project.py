"""The staging project: rendered content -> a plain MkDocs project in a folder of ours.

:func:`write_project` writes ``mkdocs.yml`` (derived from the user's), ``docs/`` (the generated
pages beside the user's own) and ``theme/`` (our block overrides, the user's ``custom_dir`` on
top), touching only the files that changed (:func:`sync_tree`), so that ``serve`` reloads
only what a goal edit altered.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import okrsite

from ..errors import BuildError
from .config import (
    STYLESHEET,
    config_dir,
    deep_merge,
    derive_config,
    doc_path,
    dump_config,
    read_user_config,
)

if TYPE_CHECKING:
    from ..render.pages import Page, SiteContent

STAGING_MARKER = ".okrsite-staging"
"""Marks a folder as ours: :func:`sync_tree` empties only folders that carry it."""
LOCK_FILE = ".okrsite-lock"
"""The lock of the staging folder (see :mod:`.lock`): never synced, never removed."""
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""What MkDocs reads as pages."""
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
    "updates/",
    "tags/",
    "feed.xml",
)
"""Paths under ``docs/`` that belong to the generated site; a user's page may not use them."""


def theme_dir() -> Path:
    """``docs_theme/``: inside the installed package, else at the top of the repository."""
    packaged = Path(okrsite.__file__).parent / "docs_theme"
    if packaged.is_dir():
        return packaged
    return Path(okrsite.__file__).parent.parent / "docs_theme"


# --- generated pages ----------------------------------------------------------------------------

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


# --- the user's own files -----------------------------------------------------------------------


def docs_folder(user: Mapping[str, Any], base: Path) -> Path:
    """Where the user's docs folder is (``base``: the folder of their config), there or not."""
    docs = (base / str(user.get("docs_dir") or "docs")).resolve()
    if docs == base:
        raise BuildError(f"{docs}: docs_dir may not be the folder of mkdocs.yml")
    return docs


def user_docs(user: Mapping[str, Any], base: Path) -> Path | None:
    """The user's own docs folder, when there is one (``base``: the folder of their config)."""
    docs = docs_folder(user, base)
    return docs if docs.is_dir() else None


def user_sources(config_file: Path | None) -> list[Path]:
    """What of the user's goes into the staging project: their config and docs folder."""
    docs = user_docs(read_user_config(config_file), config_dir(config_file))
    return [path for path in (config_file, docs) if path is not None]


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies inside it (both resolved)."""
    return path == folder or folder in path.parents


def read_folder(folder: Path, what: str) -> dict[str, bytes]:
    """Every file under ``folder`` by its path inside it, in order, read without ever leaving
    the folder: a symbolic link to anything outside it (``/proc/self/environ``, a secret), a
    broken link, a FIFO or a device is refused, naming it (``what`` names the folder)."""
    root = folder.resolve()
    files: dict[str, bytes] = {}
    stack: list[tuple[Path, str, frozenset[Path]]] = [(root, "", frozenset({root}))]
    while stack:
        real, prefix, branch = stack.pop()
        with os.scandir(real) as scanned:
            entries = sorted(scanned, key=lambda e: e.name)
        for entry in entries:
            rel, shown = prefix + entry.name, folder / (prefix + entry.name)
            target = Path(entry.path)
            if entry.is_symlink():
                target = target.resolve()
                if not is_within(target, root):
                    raise BuildError(
                        f"{shown}: a symbolic link to {target}, outside {what} {folder}: "
                        f"okrsite never publishes what lies outside it; copy the file in instead"
                    )
            try:
                info = target.stat()
            except FileNotFoundError:
                raise BuildError(f"{shown}: a broken symbolic link in {what}") from None
            if stat.S_ISDIR(info.st_mode):
                if target not in branch:  # a link to a folder above it would never end
                    stack.append((target, rel + "/", branch | {target}))
            elif stat.S_ISREG(info.st_mode):
                files[rel] = target.read_bytes()
            else:
                raise BuildError(f"{shown}: not a regular file (a FIFO, socket or device) "
                                 f"in {what}; remove it")
    return dict(sorted(files.items()))


def read_user_docs(docs: Path | None) -> dict[str, bytes]:
    """The user's own pages and assets, by path inside their docs folder."""
    return {} if docs is None else read_folder(docs, "the docs folder")


def site_path(rel: str) -> str:
    """Where MkDocs puts a file of ``docs/`` in the site (directory URLs):
    ``units.md`` -> ``units/index.html``, ``a/README.md`` -> ``a/index.html``."""
    if not rel.endswith(MARKDOWN_SUFFIXES):
        return rel
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    url = f"{folder}/" if folder else ""
    return f"{url}index.html" if stem in ("index", "README") else f"{url}{stem}/index.html"


def refuse_collisions(mine: Mapping[str, bytes], content: SiteContent, docs: Path | None) -> None:
    """The user's files may not take a path of the generated site: neither a generated page's
    or file's place (``docs/units.md`` is the page ``/units/``) nor one of its folders."""
    generated = {f"{page.url}index.html": f"the generated page /{page.url} ({page.title})"
                 for page in content.pages}
    generated.update({path: f"the generated file /{path}" for path in content.files})
    folders = [path for path in GENERATED if path.endswith("/")]
    clashes = []
    for rel in mine:
        out = site_path(rel)
        if out in generated:
            clashes.append(f"{docs}/{rel} (/{out.removesuffix('index.html')}) collides "
                           f"with {generated[out]}")
        elif rel in GENERATED or out in GENERATED:
            clashes.append(f"{docs}/{rel} collides with the generated /{rel}")
        elif any(rel.startswith(f) or out.startswith(f) for f in folders):
            folder = next(f for f in folders if rel.startswith(f) or out.startswith(f))
            clashes.append(f"{docs}/{rel} (/{out.removesuffix('index.html')}) lies in "
                           f"/{folder}, which the generated site uses")
    if clashes:
        raise BuildError("these files of yours use paths of the generated site; rename them: "
                         + "; ".join(clashes))


# --- where the folders may be -------------------------------------------------------------------


def overlap(a: Path, b: Path) -> bool:
    """One of two (resolved) folders is, holds or lies inside the other."""
    return is_within(a, b) or is_within(b, a)


def check_folders(
    *,
    goals_dir: Path,
    config_file: Path | None,
    staging_dir: Path,
    site_dir: Path | None = None,
) -> None:
    """Refuse folders that a build would destroy or publish: a site or staging folder that
    is, holds or lies inside the goals or the docs folder (the swap replaces the site whole,
    the staging folder is emptied), and a goals folder inside the docs folder (or the docs
    folder itself), whose files, private ones too, would be published as they are."""
    goals = goals_dir.resolve()
    docs = docs_folder(read_user_config(config_file), config_dir(config_file))
    if docs.is_dir() and overlap(goals, docs):
        raise BuildError(
            f"{goals_dir}: the goals folder and the docs folder ({docs}) overlap: every goal "
            f"file, private ones too, would be published as it is; keep the goals folder out "
            f"of docs_dir"
        )
    config = config_file.resolve() if config_file is not None else None
    for label, option, path in (("site", "-d/--site-dir", site_dir),
                                ("staging", "--staging-dir", staging_dir)):
        if path is None:
            continue
        resolved = path.resolve()
        for what, other in (("the goals folder", goals), ("the docs folder", docs)):
            if overlap(resolved, other):
                raise BuildError(
                    f"{path}: the {label} folder may not be, hold or lie inside {what} "
                    f"({other}): builds replace or empty it; choose another {option}"
                )
        if config is not None and is_within(config, resolved):
            raise BuildError(f"{path}: the {label} folder may not hold your MkDocs "
                             f"configuration ({config}); choose another {option}")
    if site_dir is not None and overlap(site_dir.resolve(), staging_dir.resolve()):
        raise BuildError(f"{site_dir}: the site folder and the staging folder ({staging_dir}) "
                         f"overlap; give them separate places")


def theme_files(user: Mapping[str, Any], base: Path) -> dict[str, bytes]:
    """Our template overrides and scripts (``assets/javascripts/``, which the engine copies
    into the site), then the user's ``custom_dir`` on top of them."""
    files: dict[str, bytes] = {}
    ours = theme_dir()
    for path in sorted([*ours.rglob("*.html"), *ours.glob("assets/javascripts/*.js")]):
        files[f"theme/{path.relative_to(ours).as_posix()}"] = path.read_bytes()
    theme = user.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom and (base / str(custom)).is_dir():
        mine = read_folder(base / str(custom), "the theme's custom_dir")
        files.update({f"theme/{rel}": data for rel, data in mine.items()})
    return files


# --- the project --------------------------------------------------------------------------------


def project_files(
    content: SiteContent,
    *,
    default_name: str,
    config_file: Path | None,
    extra_config: Mapping[str, Any],
) -> dict[str, bytes]:
    """Every file of the staging project by its path inside the staging folder."""
    user = read_user_config(config_file)
    base = config_dir(config_file)
    docs = user_docs(user, base)
    mine = read_user_docs(docs)
    refuse_collisions(mine, content, docs)
    pages = sorted(rel for rel in mine if rel.endswith(".md"))
    config = deep_merge(derive_config(user, content, pages, base, default_name), extra_config)
    files = {f"docs/{rel}": data for rel, data in mine.items()}
    files.update({f"docs/{doc_path(p.url)}": page_source(p) for p in content.pages})
    files.update({f"docs/{path}": data for path, data in content.files.items()})
    files[f"docs/{STYLESHEET}"] = (theme_dir() / "okrsite.css").read_bytes()
    files.update(theme_files(user, base))
    text = "# Generated by okrsite: edit your own mkdocs.yml.\n" + dump_config(config)
    files["mkdocs.yml"] = text.encode()
    files[STAGING_MARKER] = b"okrsite staging project\n"
    unsafe = [path for path in files if not SAFE_PATH.fullmatch(path) or "/../" in f"/{path}/"]
    if unsafe:
        raise BuildError(f"refusing to write outside the staging folder: {unsafe[:5]}")
    return files


def files_under(root: Path) -> Iterator[str]:
    """Every file (and symlink) below ``root`` as a relative path with ``/``: one directory
    listing per folder."""
    folders = [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    yield prefix + entry.name


def refuse_foreign(root: Path) -> None:
    """A folder that holds anything but is not an okrsite staging folder is not ours to empty."""
    try:
        names = set(os.listdir(root)) - {LOCK_FILE}
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise BuildError(f"{root}: cannot read the staging folder: {exc.strerror}") from exc
    if names and not (root / STAGING_MARKER).is_file():
        raise BuildError(f"{root}: not empty and not an okrsite staging folder; refusing to use it")


def sync_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Make ``root`` hold exactly ``files``; unchanged files are not rewritten (serve).

    A file system that fails (full, read-only) is a :class:`BuildError` naming the file."""
    refuse_foreign(root)
    try:
        write_tree(root, files)
    except OSError as exc:
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
        raise BuildError(f"{root}: cannot write the staging project: {reason}") from exc


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    existing = set(files_under(root)) - {LOCK_FILE}
    for rel in sorted(existing - files.keys()):
        (root / rel).unlink()
        remove_empty_folders(root, rel)
    folders = {rel.rpartition("/")[0] for rel in existing}
    for rel, data in files.items():
        target = root / rel
        if rel in existing:
            if target.read_bytes() == data:
                continue
        else:
            folder = rel.rpartition("/")[0]
            if folder not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(folder)
        try:
            target.write_bytes(data)
        except OSError as exc:  # a full disk names no file: name the one being written
            raise OSError(exc.errno, exc.strerror, exc.filename or str(target)) from exc


def remove_empty_folders(root: Path, rel: str) -> None:
    """Remove the folders of ``rel`` below ``root`` that the removal of ``rel`` left empty."""
    folder = (root / rel).parent
    while folder != root and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write_project(
    content: SiteContent,
    *,
    default_name: str,
    config_file: Path | None,
    staging_dir: Path,
    extra_config: Mapping[str, Any] | None = None,
) -> Path:
    """Write the complete, plain MkDocs project; return the path of its ``mkdocs.yml``.

    ``default_name`` names the site when the user's config does not; ``extra_config`` is
    merged over the derived configuration (e.g. ``site_dir``, mike's version switcher).
    """
    files = project_files(
        content, default_name=default_name, config_file=config_file,
        extra_config=extra_config or {},
    )
    sync_tree(staging_dir, files)
    return staging_dir / "mkdocs.yml"
