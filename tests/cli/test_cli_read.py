"""`nianbao read FILE [--json]` (SPEC §4): one local report read and printed, no warehouse."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from corpus.score import truth_cells
from tests.conftest import real_file, real_truth


def test_read_prints_a_page_reports_tables() -> None:
    result = CliRunner().invoke(app, ["read", str(real_file("shuyang-fgj-2023"))])
    assert result.exit_code == 0, result.output
    assert "沭阳县发展和改革局 2023 · read by html" in result.output
    assert "table 三 (175 cells)" in result.output
    assert "the text states 26 applications" in result.output


def test_read_json_gives_every_value_as_printed() -> None:
    result = CliRunner().invoke(app, ["read", "--json", str(real_file("hongze-district-2023"))])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    got = {(c["table"], c["row"], c["col"]): float(c["value"]) for c in report["cells"]}
    assert got == truth_cells(real_truth("hongze-district-2023"))
    assert report["unread"] == [] and report["method"] == "lattice-vector"


def test_read_says_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["read", str(empty)])
    assert result.exit_code == 2 and "empty file (0 bytes)" in result.output
    missing = CliRunner().invoke(app, ["read", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2 and "no such file" in missing.output
