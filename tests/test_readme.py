"""The README says what the code does (as sqlite-utils checks its docs): the views it lists are
the views the warehouse has, every setting it names is one nianbao reads, the commands it shows
are the CLI's, and the exit codes it states for a run are the ones `nianbao run --help` states."""

from __future__ import annotations

import re
from pathlib import Path

from cli import app
from cli.app import run
from nianbao.settings import Settings
from warehouse.migrate import view_files

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_every_view_and_no_other() -> None:
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", README, flags=re.M))
    assert listed == {name for name, _ in view_files()}


def test_every_setting_the_readme_names_is_read() -> None:
    named = set(re.findall(r"NIANBAO_([A-Z_]+[A-Z])", README))
    assert named, "the README names no NIANBAO_ setting"
    assert {n.lower() for n in named} <= set(Settings.model_fields)


def test_the_readme_shows_every_command_and_no_other() -> None:
    shown = set(re.findall(r"\.venv/bin/nianbao ([a-z]+)", README))
    commands = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    groups = {g.name for g in app.registered_groups if g.name}  # nianbao alerts …
    assert shown == commands | groups


def _exit_codes(text: str) -> list[int]:
    """The codes of an "Exit codes: 0 done; 2 …; 3 …" sentence, in its order."""
    sentence = re.search(r"[Ee]xit\s+codes:(.*?SIGTERM)", text, flags=re.S)
    assert sentence, "no exit codes stated"
    return [int(code) for code in re.findall(r"(?:^|;)\s*(\d+)\s", sentence.group(1))]


def test_the_readme_states_the_exit_codes_run_help_states() -> None:
    assert _exit_codes(README) == _exit_codes(run.__doc__ or "") == [0, 2, 3, 4, 143]
