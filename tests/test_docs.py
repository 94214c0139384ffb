"""The docs cover every command, and every command has help."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from okrsite.cli import cli

from .conftest import REPO

COMMANDS = sorted(cli.commands)


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
