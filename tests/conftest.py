"""Shared fixtures and helpers: paths of the goal trees under tests/fixtures and the example
organisation, the CLI in a folder, a throw-away git repository, fixture sites built once for the
whole run, and built pages parsed into a small tree with the checks several test files make."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from okrsite.build import build, read_goals
from okrsite.cli import cli
from okrsite.model import Goals
from okrsite.score import Scorecard, score_goals

from .browser import FIXTURE_VIEWPORTS, chromium, watched_tab

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
EXAMPLE_GOALS = REPO / "goals"
TINY_GOALS = FIXTURES / "tiny" / "goals"
WORKFLOW_GOALS = FIXTURES / "workflow" / "goals"


@pytest.fixture
def tiny_goals(tmp_path: Path) -> Path:
    """A writable copy of the tiny organisation (two objectives, one KPI)."""
    target = tmp_path / "goals"
    shutil.copytree(TINY_GOALS, target)
    return target


def invoke_in(directory: Path, *args: str) -> tuple[int, str]:
    """Run ``okrsite ARGS`` in ``directory``; return the exit code and the output."""
    with contextlib.chdir(directory):
        result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


class GitRepo:
    """A throw-away repository holding a copy of the workflow fixture in ``goals/``."""

    def __init__(self, root: Path, goals: Path | None = WORKFLOW_GOALS) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")
        if goals is not None:
            shutil.copytree(goals, root / "goals")

    @property
    def goals(self) -> Path:
        return self.root / "goals"

    def git(self, *args: str, day: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
        if day is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
        done = subprocess.run(["git", *args], cwd=self.root, env=env, check=True,
                              capture_output=True, text=True)
        return done.stdout.strip()

    def commit(self, day: str, message: str = "change") -> str:
        """Commit everything, dated ``day``; return the commit's sha."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message, day=day)
        return self.git("rev-parse", "HEAD")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.goals / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))

    def write(self, rel: str, text: str) -> None:
        path = self.goals / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# --- fixture sites, built ------------------------------------------------------------------------

AS_OF = date(2026, 11, 20)
"""The as-of date every fixture site is built at."""


@dataclass(frozen=True)
class Built:
    """A copy of a fixture project (``goals/``, maybe ``mkdocs.yml`` and ``docs/``) in a folder
    of its own, with the folders a build writes beside it."""

    root: Path

    @property
    def goals_dir(self) -> Path:
        return self.root / "goals"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".okrsite"

    @property
    def config_file(self) -> Path | None:
        config = self.root / "mkdocs.yml"
        return config if config.is_file() else None

    def build(self, as_of: date = AS_OF, **options: Any) -> Path:
        """``okrsite build`` of the project (``options``: more of :func:`build`'s keywords)."""
        return build(goals_dir=self.goals_dir, config_file=self.config_file,
                     site_dir=self.site_dir, staging_dir=self.staging_dir, as_of=as_of,
                     **options)

    def goals_and_card(self, as_of: date = AS_OF) -> tuple[Goals, Scorecard]:
        goals = read_goals(self.goals_dir)
        return goals, score_goals(goals, as_of)


def copy_fixture(root: Path, fixture: str) -> Built:
    """A writable copy of ``tests/fixtures/<fixture>`` in ``root``, not built yet."""
    shutil.copytree(FIXTURES / fixture, root, dirs_exist_ok=True)
    return Built(root)


def built_fixture(factory: pytest.TempPathFactory, fixture: str) -> Built:
    built = copy_fixture(factory.mktemp(fixture), fixture)
    built.build()
    return built


@pytest.fixture(scope="session")
def acme(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``tests/fixtures/site`` (Acme Corp) built once for the whole run and only read: the site
    that test_site.py parses and test_browser.py clicks through."""
    return built_fixture(tmp_path_factory, "site")


@pytest.fixture(scope="session")
def v11(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``tests/fixtures/v11site`` (every field of format 1.1) built once for the whole run and
    only read: the site that test_site_v11.py parses and test_browser_v11.py clicks through."""
    return built_fixture(tmp_path_factory, "v11site")


# --- a built page, parsed ------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
"""Elements without an end tag."""


@dataclass
class Node:
    """An element of a parsed page: tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element inside it (of ``tag``), in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def raw_text(self) -> str:
        """The text inside, character for character (a script's or a style's body)."""
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """The text inside as a reader sees it: runs of white space as one space."""
        return " ".join(self.raw_text().split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """The elements of ``tag`` inside (this one too) that have the class ``cls`` and
        exactly the values ``attrs``."""
        return [
            n for n in self.iter(tag)
            if (cls is None or cls in n.attrs.get("class", "").split())
            and all(n.attrs.get(k) == v for k, v in attrs.items())
        ]  # fmt: skip

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node | None:
        """The first of :meth:`all`, or ``None``."""
        return next(iter(self.all(tag, cls, **attrs)), None)

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        """The one element :meth:`all` finds; fails when there are none or several."""
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]


class TreeBuilder(HTMLParser):
    """Builds a :class:`Node` tree, forgiving as browsers are about end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def parsed_page(site_dir: Path, url: str) -> Node:
    """The page at ``url`` (a folder URL such as ``objectives/grow``) of a built site."""
    return parse_html((site_dir / url / "index.html").read_text(encoding="utf-8"))


def content(doc: Node) -> Node:
    """The page's article (what okrsite or the user wrote), without the theme around it."""
    return doc.one("article", "md-content__inner")


def article(site_dir: Path, url: str) -> Node:
    """:func:`content` of the page at ``url``."""
    return content(parsed_page(site_dir, url))


SAFE_SCHEMES = {"", "http", "https", "mailto"}
KNOWN_INLINE_SCRIPTS = ("__md_scope=", "var palette=", "var target=")
"""How the theme's own inline scripts begin."""


def assert_inert_html(doc: Node, where: str) -> None:
    """No element of ``doc`` can run script or fetch from another scheme: no event handler,
    no ``javascript:`` link, no frame or object, only the theme's own scripts."""
    for node in doc.iter():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), f"{where}: <{node.tag} {name}=…>"
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                cleaned = re.sub(r"[\x00-\x20]", "", value)
                scheme = urlsplit(cleaned).scheme.lower()
                assert scheme in SAFE_SCHEMES, f"{where}: <{node.tag} {name}={value}>"
        assert node.tag not in ("iframe", "object", "embed", "foreignobject", "base"), where
    for script in doc.iter("script"):
        if "src" in script.attrs:
            assert script.attrs["src"].split("/")[-3:-1] == ["assets", "javascripts"], where
            continue
        body = script.raw_text().strip()
        if script.attrs.get("type") == "application/json":
            json.loads(body)
            continue
        assert body.startswith(KNOWN_INLINE_SCRIPTS), f"{where}: unexpected script {body[:60]}"
    for style in doc.iter("style"):
        assert "display:none" not in style.raw_text(), where
    for img in doc.iter("img"):
        assert "tracker.example" not in img.attrs.get("src", ""), where


LINKING = ("a", "img", "link", "script")


def broken_links(path: Path, tags: tuple[str, ...] = LINKING) -> list[str]:
    """The links and sources of the page at ``path`` (in elements of ``tags``) that name a
    file of the site that is not there: ``href`` or ``src`` as written."""
    doc = parse_html(path.read_text(encoding="utf-8"))
    broken = []
    for node in (node for tag in tags for node in doc.iter(tag)):
        url = node.attrs.get("href") or node.attrs.get("src")
        if not url or urlsplit(url).scheme or url.startswith(("#", "//")):
            continue
        target = (path.parent / unquote(urlsplit(url).path)).resolve()
        if not (target / "index.html" if target.is_dir() else target).exists():
            broken.append(url)
    return broken


# --- a browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, launched once per test module (see :func:`tests.browser.chromium`)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A desktop tab on the site that the test module's ``base_url`` fixture serves; the test
    fails if the page requested anything from another host."""
    with watched_tab(browser, base_url, FIXTURE_VIEWPORTS["desktop"]) as tab:
        yield tab
