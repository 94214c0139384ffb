"""The docs cover every command and every option of it, and every command has help."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from okrsite.cli import cli

from .conftest import REPO

COMMANDS = sorted(cli.commands)
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_HEADING = re.compile(r"#{1,6} ")


def test_the_cli_has_the_commands_of_the_spec() -> None:
    spec_commands = {
        "init", "check", "build", "export", "serve", "publish", "diff", "schema", "show",
        "carry-over", "codeowners",
    }
    assert spec_commands <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help, f"{name} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (REPO / "README.md").read_text()
    assert re.search(rf"`okrsite {re.escape(name)}\b", readme), f"README lacks `okrsite {name}`"


# --- every command and option, in the docs --------------------------------------------------


def every_command(
    group: click.Group = cli, typed: str = "okrsite"
) -> Iterator[tuple[str, click.Command]]:
    """``(the command as typed, the command)`` for the group, every command and subcommand of
    it (``okrsite publish deploy``), except hidden ones (old forms kept working)."""
    yield typed, group
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from every_command(command, f"{typed} {name}")
        else:
            yield f"{typed} {name}", command


def long_options(command: click.Command) -> Iterator[str]:
    """The longest name of each visible option but ``--help``: ``--goals-dir``, ``--strict``."""
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            yield max(param.opts, key=len)


def sections(text: str) -> Iterator[tuple[str, str]]:
    """``(heading, text)`` of every section of a Markdown page (``#`` in code is no heading)."""
    heading, body, fenced = "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and _HEADING.match(line):
            yield heading, "\n".join(body)
            heading, body = line, []
        else:
            body.append(line)
    yield heading, "\n".join(body)


def passages(typed: str) -> str:
    """What the docs say of a command: its row in a command table and the sections whose
    heading names it (for ``okrsite publish list``, those of ``okrsite publish``); for
    ``okrsite`` itself, everything."""
    texts = [path.read_text() for path in DOCS]
    if typed == "okrsite":
        return "\n".join(texts)
    top = " ".join(typed.split()[:2])
    found = []
    for text in texts:
        found += [line for line in text.splitlines() if line.startswith(f"| `{top}")]
        found += [f"{heading}\n{body}" for heading, body in sections(text)
                  if f"`{top}" in heading]
    return "\n".join(found)


def mentions(text: str, word: str) -> bool:
    """``word`` in ``text`` as a word of its own (``--set`` is not in ``--set-default``)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


EVERYWHERE = {"--goals-dir": "every command that reads goals takes `--goals-dir`"}
"""Options the README documents once for every command that has them, and how it says so."""

COMMAND_OPTIONS = [
    pytest.param(typed, option, id=f"{typed} {option}")
    for typed, command in every_command()
    for option in long_options(command)
    if option not in EVERYWHERE
]


def test_the_walk_finds_subcommands_and_their_options() -> None:
    typed = {name for name, _ in every_command()}
    assert {"okrsite", "okrsite check", "okrsite publish", "okrsite publish deploy",
            "okrsite publish set-default"} <= typed
    assert "okrsite publish snapshot" not in typed  # hidden: the old form
    assert ("okrsite build", "--staging-dir") in {p.values for p in COMMAND_OPTIONS}
    assert ("okrsite publish delete", "--remote") in {p.values for p in COMMAND_OPTIONS}


def test_passages_are_those_of_the_command() -> None:
    assert mentions(passages("okrsite diff"), "--format")
    assert not mentions(passages("okrsite codeowners"), "--format")
    assert not mentions("`--set-default`", "--set")


@pytest.mark.parametrize("typed", [name for name, _ in every_command()])
def test_every_command_is_in_the_docs(typed: str) -> None:
    docs = "\n".join(path.read_text() for path in DOCS)
    assert f"`{typed}" in docs, f"no doc names `{typed}`"


@pytest.mark.parametrize(("typed", "option"), COMMAND_OPTIONS)
def test_every_option_of_every_command_is_in_its_docs(typed: str, option: str) -> None:
    """Each option appears where the docs speak of its command (its row in the README's
    table, its sections in ``docs/``), under its long name."""
    assert mentions(passages(typed), option), f"the docs of `{typed}` do not mention {option}"


@pytest.mark.parametrize("option", sorted(EVERYWHERE))
def test_an_option_of_every_command_is_documented_once_for_all(option: str) -> None:
    readme = " ".join((REPO / "README.md").read_text().split())
    assert EVERYWHERE[option] in readme
    assert sum(option in set(long_options(command)) for _, command in every_command()) > 1
