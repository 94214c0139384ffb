"""The user's ``mkdocs.yml``, read and written back with its tags, and the configuration we derive.

The staging project's ``mkdocs.yml`` is the user's with okrsite's pages, nav, theme overrides and
stylesheet added (:func:`derive_config`). Tags we do not interpret (``!ENV``,
``!!python/name:…``) are kept as they are (:class:`Tagged`): MkDocs resolves them when it reads
the derived file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import BuildError
from ..render import safe_title

if TYPE_CHECKING:
    from ..render.pages import NavItem, SiteContent

STYLESHEET = "assets/okrsite/okrsite.css"
"""Where okrsite's stylesheet goes inside ``docs/``."""
THEME_FEATURES = (
    "navigation.indexes",
    "navigation.prune",
    "navigation.top",
    "search.suggest",
    "search.highlight",
)
"""Added to the user's: section pages for units, and a nav that renders only what is open
(every page carries the nav, so rendering all of it makes the build slower for every page)."""
PLACEHOLDER_SITE_URL = "https://okrsite.invalid/"
"""``site_url`` when the user gives none: MkDocs lists pages in ``sitemap.xml`` only with one,
and mkdocs-material's version switcher finds the same page in another snapshot through that
sitemap (only the paths matter to it). ``.invalid`` never resolves: nothing is ever fetched
from it."""
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


# --- reading and writing with tags ------------------------------------------------------------


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


def load_config(text: str) -> Any:
    """A MkDocs configuration's YAML, its unknown tags kept as :class:`Tagged`."""
    return yaml.load(text, Loader=_Loader)  # a SafeLoader


def dump_config(config: Mapping[str, Any]) -> str:
    """A configuration as YAML, keys in order, :class:`Tagged` values with their tags."""
    return yaml.dump(dict(config), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def read_user_config(config_file: Path | None) -> dict[str, Any]:
    """The user's ``mkdocs.yml`` as a mapping (empty without one)."""
    if config_file is None:
        return {}
    try:
        data = load_config(config_file.read_text(encoding="utf-8"))
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


def config_dir(config_file: Path | None) -> Path:
    """The folder the user's relative paths start from: their config's, else the current one."""
    return (config_file.parent if config_file else Path.cwd()).resolve()


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
    """A generated nav item as a MkDocs ``nav`` entry (a section starts with its own page)."""
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


def absolute(base: Path, value: Any) -> Any:
    """A path of the user's config made absolute (it is read from the staging folder)."""
    if isinstance(value, str):
        return str((base / value).resolve())
    if isinstance(value, list):
        return [absolute(base, v) for v in value]
    return value


def derive_config(
    user: Mapping[str, Any],
    content: SiteContent,
    user_pages: list[str],
    base: Path,
    default_name: str,
) -> dict[str, Any]:
    """The staging project's configuration: the user's, with our pages, nav, theme and CSS.

    ``base`` is the folder of the user's config; ``default_name`` names the site when the user
    does not (made a safe title here). ``use_directory_urls`` is always on:
    ``objectives/<id>/`` is the URL ``api/okrs.json`` promises. Markdown extensions and plugins
    stay the user's: generated pages give them nothing to act on (see :mod:`okrsite.site`).
    """
    config = {k: v for k, v in user.items() if k not in ("docs_dir", "site_dir", "nav")}
    for key in ("INHERIT", "hooks", "watch"):
        if key in config:
            config[key] = absolute(base, config[key])
    user_nav = user.get("nav") or user_pages
    config.update(
        site_name=user.get("site_name") or safe_title(default_name),
        site_url=user.get("site_url") or PLACEHOLDER_SITE_URL,
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
