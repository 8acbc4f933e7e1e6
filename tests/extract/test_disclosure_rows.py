"""Table 二 refuses a row whose values it cannot place, not the table (issue 13: a scan whose
rule between two columns was not seen merged "6" and "25" into one cell)."""

from __future__ import annotations

from extract.grid import Grid
from extract.layout import parse_disclosure

ROWS = (
    ("第二十条第（一）项", "", "", ""),
    ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
    ("规章", "4", "6 25"),  # the rule between the last two columns not seen
    ("行政规范性文件", "1", "3", "61"),
    ("第二十条第（五）项", "", "", ""),
    ("信息内容", "本年处理决定数量", "", ""),
    ("行政许可", "28059", "", ""),
)


def _parsed() -> dict[tuple[str, str], tuple[object, str, str]]:
    grid = Grid(1, 0, ROWS, ROWS, frozenset(), frozenset(), "ocr", None, None, 0.9)
    return {(c.row, c.col): (c.value, c.raw, c.reading) for c in parse_disclosure([grid])}


def test_a_row_with_too_few_cells_is_refused_with_what_it_printed() -> None:
    cells = _parsed()
    rules = [v for (row, _), v in cells.items() if row == "rules"]
    assert len(rules) == 3
    assert all(
        value is None and raw == "4 6 25" and reading == "ambiguous"
        for value, raw, reading in rules
    )


def test_the_other_rows_are_read() -> None:
    cells = _parsed()
    assert [v[0] for (row, _), v in cells.items() if row == "normative_documents"] == [1, 3, 61]
    assert cells[("administrative_license", "decisions")][0] == 28059


def test_a_head_that_names_two_measures_refuses_them_rather_than_shift_a_column() -> None:
    # The rule between 本年制发件数 and 本年废止件数 not seen (a 0.5 px rule, scanned): the
    # heads merge, and so do the values; 现行有效件数's 5 must not be read as 废止.
    rows = (
        ("信息内容", "本年制发件数 本年废止件数", "现行有效件数"),
        ("规章", "1 0", "5"),
    )
    grid = Grid(1, 0, rows, rows, frozenset(), frozenset(), "ocr", None, None, 0.9)
    cells = {c.col: (c.value, c.reading) for c in parse_disclosure([grid])}
    assert cells == {m: (None, "ambiguous") for m in ("issued", "repealed", "in_force")}
