"""The README says what the code does (as sqlite-utils checks its docs): the views it lists are
the views the warehouse has, and every setting it names is one nianbao reads."""

from __future__ import annotations

import re
from pathlib import Path

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
