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


def user_docs(user: Mapping[str, Any], base: Path) -> Path | None:
    """The user's own docs folder, when there is one (``base``: the folder of their config)."""
    docs = (base / str(user.get("docs_dir") or "docs")).resolve()
    if docs == base:
        raise BuildError(f"{docs}: docs_dir may not be the folder of mkdocs.yml")
    return docs if docs.is_dir() else None


def user_sources(config_file: Path | None) -> list[Path]:
    """What of the user's goes into the staging project: their config and docs folder."""
    docs = user_docs(read_user_config(config_file), config_dir(config_file))
    return [path for path in (config_file, docs) if path is not None]


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


def theme_files(user: Mapping[str, Any], base: Path) -> dict[str, bytes]:
    """Our template overrides and scripts (``assets/javascripts/``, which the engine copies
    into the site), then the user's ``custom_dir`` on top of them."""
    files: dict[str, bytes] = {}
    ours = theme_dir()
    for path in sorted([*ours.rglob("*.html"), *ours.glob("assets/javascripts/*.js")]):
        files[f"theme/{path.relative_to(ours).as_posix()}"] = path.read_bytes()
    theme = user.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if custom:
        folder = base / str(custom)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[f"theme/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
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
    mine = read_user_docs(user_docs(user, base))
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


def sync_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Make ``root`` hold exactly ``files``; unchanged files are not rewritten (serve)."""
    if root.exists() and any(root.iterdir()) and not (root / STAGING_MARKER).is_file():
        raise BuildError(f"{root}: not empty and not an okrsite staging folder; refusing to use it")
    root.mkdir(parents=True, exist_ok=True)
    existing = set(files_under(root))
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
        target.write_bytes(data)


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
