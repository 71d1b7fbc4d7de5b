"""Docs match behaviour: every public field, command, option and error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from sitroom.cli import app
from sitroom.errors import CODES
from sitroom.store import PUBLIC_EVENT_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_public_field_is_documented():
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", schema, re.M))
    assert set(PUBLIC_EVENT_COLUMNS) <= documented
    for key in ("text", "name", "country", "sector"):
        assert f"| `{key}` |" in schema


def test_every_error_code_is_documented():
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in CODES:
        if code.startswith("E1"):
            assert f"| {code} |" in errors, code


def test_every_command_and_option_is_in_the_readme():
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():
        assert f"sitroom {name}" in README, name
        for param in sub.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in README, f"{name} {opt}"


def test_readme_starts_with_the_two_setup_commands():
    head = README[:1500]
    assert "make demo" in head and "make test" in head
