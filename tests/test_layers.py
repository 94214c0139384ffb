"""The import graph keeps the pipeline's layering (``../shared/guides/style.md``).

Read from the source with :mod:`ast`, so a new import that breaks a rule fails here, whichever
code path would have run it: only ``site`` imports mkdocs, only ``publish`` imports mike, only
``cli`` prints or exits, and each stage knows nothing of the stages after it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "okrsite"

LATER = {
    # stage: what it must never import (the stages after it, and the commands on top)
    "okrsite.load": {"validate", "model", "score", "history", "render", "site", "git"},
    "okrsite.validate": {"score", "history", "render", "site", "git"},
    "okrsite.model": {"validate", "score", "history", "render", "site", "git"},
    "okrsite.score": {"load", "validate", "history", "render", "site", "git"},
    "okrsite.history": {"validate", "score", "render", "site"},
    "okrsite.render": {"load", "validate", "history", "site", "git"},
    "okrsite.site": {"load", "validate", "model", "score", "history", "git"},
}
COMMANDS = {"build", "cli", "preview", "publish", "checkin", "workflow", "lsp"}
"""What sits on top of the stages: no stage imports these."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text("utf-8")) for p in PACKAGE.rglob("*.py")}


def imported(name: str, tree: ast.Module) -> Iterator[str]:
    """Every module ``name`` imports, relative imports resolved (``from . import x`` counts
    as ``package.x``)."""
    is_package = (PACKAGE.parent / name.replace(".", "/") / "__init__.py").is_file()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                yield node.module or ""
                continue
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            if node.module:
                yield f"{base}.{node.module}"
            else:
                yield from (f"{base}.{alias.name}" for alias in node.names)


def stage_of(module: str) -> str:
    """``okrsite.render.pages`` -> ``render``; ``okrsite.cli`` -> ``cli``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def importers_of(library: str) -> set[str]:
    return {
        name for name, tree in modules().items()
        if any(m == library or m.startswith(f"{library}.") for m in imported(name, tree))
    }


def test_the_graph_is_read() -> None:
    """The reader sees the imports these rules are about (a broken reader passes every rule)."""
    assert "okrsite.site.engines" in importers_of("mkdocs")
    score = [target for name, tree in modules().items() if stage_of(name) == "score"
             for target in imported(name, tree)]
    assert any(target.startswith("okrsite.model") for target in score)


def test_only_site_imports_mkdocs() -> None:
    assert {stage_of(m) for m in importers_of("mkdocs")} == {"site"}


def test_only_publish_imports_mike() -> None:
    assert {m for m in importers_of("mike")} <= {"okrsite.publish"}
    uses = [name for name, tree in modules().items()
            if any(isinstance(n, ast.Constant) and n.value == "mike" for n in ast.walk(tree))]
    assert uses == ["okrsite.publish"], "mike is run from publish only"


@pytest.mark.parametrize("stage", sorted(LATER))
def test_a_stage_knows_nothing_of_later_stages(stage: str) -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, tree in modules().items() if name == stage or name.startswith(f"{stage}.")
        for target in imported(name, tree)
        if target.startswith("okrsite.") and stage_of(target) in LATER[stage] | COMMANDS
    )
    assert not wrong


PRINTS_OR_EXITS = {"print", "exit", "quit", "echo", "secho", "_exit"}


def prints_or_exits(tree: ast.Module) -> Iterator[str]:
    """Calls of ``print``, ``sys.exit``, ``click.echo``… outside a ``show`` method: the
    :class:`click.ClickException` hook click's main calls to print an error is the one place
    an error says itself."""
    shows = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "show"]
    inside_show = {id(c) for s in shows for c in ast.walk(s)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside_show:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name in PRINTS_OR_EXITS:
            yield f"{name}() at line {node.lineno}"


def test_only_the_cli_prints_or_exits() -> None:
    found = {name: list(prints_or_exits(tree)) for name, tree in modules().items()
             if stage_of(name) != "cli" and name != "okrsite.__main__"}
    assert {name: calls for name, calls in found.items() if calls} == {}
    assert list(prints_or_exits(modules()["okrsite.cli.goals"])), "the reader finds echoes"
