"""Every command's --help: plain metavars, its choices, and a few examples to copy."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from quotetrack.cli import app

runner = CliRunner()
COMMANDS = ["extract", "export", "review", "speakers", "evaluate", "install-models", "doctor", "report", "agreement"]
# What Typer would print for a Python type instead of a word a user reads.
TYPE_NAMES = re.compile(r"<(bool|str|int|float|path|list\[[^>]*\]|int range|float range)>|\{[a-z_]+\}")


def help_of(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_shows_words_not_python_types(command):
    text = help_of(*command)
    assert not TYPE_NAMES.search(text), TYPE_NAMES.search(text).group(0)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_shows_two_or_three_examples(command):
    text = help_of(command)
    examples = text[text.index("Examples"):]
    lines = [line.strip(" │") for line in examples.splitlines() if line.strip(" │").startswith(f"quotetrack {command}")]
    assert 2 <= len(lines) <= 4, examples


@pytest.mark.parametrize("command, choices", [
    ("extract", ["<json|jsonl|csv>", "<local|dask>", "<window|document|off>"]),
    ("export", ["<json|jsonl|csv>", "<direct|indirect|mixed>", "pending, confirmed", "reviewed"]),
    ("review", ["<pending|confirmed|rejected|corrected|reviewed|disputed>"]),  # disputed: issue 14
])
def test_choices_are_shown(command, choices):
    text = help_of(command)
    for choice in choices:
        assert choice in text


def test_the_usage_line_names_the_paths_plainly():
    assert "Usage: quotetrack extract [OPTIONS] PATH..." in help_of("extract")


def test_a_value_given_to_the_force_flag_is_not_taken_for_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    result = runner.invoke(app, ["extract", "a.txt", "--force", "true"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "--force takes no value" in result.stderr
    assert not (tmp_path / "quotetrack.db").exists()


def test_make_demo_ends_by_suggesting_commands_that_exist():
    """The lines `make demo` prints last: each suggested command parses (its options exist) and shows its help."""
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ndemo:") + 1:].split("\n\n")[0].splitlines()[1:]
    assert "extract seeds/" in recipe[0]
    suggested = [line.split("$(BIN)/quotetrack", 1)[1].split("#")[0].split() for line in recipe[1:] if "$(BIN)/quotetrack" in line]
    assert [s[0] for s in suggested if s[0] != "--help"][:2] == ["review", "report"]
    for args in suggested:
        args = [a for a in args if a != "YOUR_FOLDER/"]
        result = runner.invoke(app, [*args, "--help"] if args != ["--help"] else args)
        assert result.exit_code == 0, (args, result.output)
