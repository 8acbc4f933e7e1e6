"""Table 四's columns are placed by position and count; its header is evidence, not a gate
(issue 12: a stacked, merged Word header whose 总计 head read blank lost all 15 cells)."""

from __future__ import annotations

import pytest

from extract.grid import Grid
from extract.layout import parse_review
from nianbao.errors import UnknownLayout
from nianbao.form import OUTCOME_CODES, PROCEEDING_CODES

OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
VALUES = tuple(str(n) for n in (1, 2, 0, 1, 4, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0))


def _grid(heads: list[str]) -> Grid:
    rows = (
        ("行政复议", "", "", "", "", "行政诉讼", *("",) * 9),
        ("", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""),
        tuple(heads),
        VALUES,
    )
    return Grid(3, 1, rows, rows, frozenset(), frozenset(), "lattice-vector", 99.0, 1.0, 99.0)


def _heads() -> list[str]:
    return list(OUTCOMES * 3)


def test_the_forms_header_reads_all_fifteen_values() -> None:
    cells = parse_review([_grid(_heads())])
    got = {(c.row, c.col): c.value for c in cells}
    assert len(got) == 15
    assert got[("reconsideration", "total")] == 4
    assert got[("litigation_direct", "other")] == 1


@pytest.mark.parametrize("blank", [4, 14, 0])
def test_a_head_that_reads_blank_is_taken_by_its_position(blank: int) -> None:
    heads = _heads()
    heads[blank] = ""
    cells = parse_review([_grid(heads)])
    expected = {(PROCEEDING_CODES[i // 5], OUTCOME_CODES[i % 5]): int(VALUES[i]) for i in range(15)}
    assert {(c.row, c.col): c.value for c in cells} == expected


def test_a_head_naming_another_outcome_means_the_columns_are_not_the_forms() -> None:
    heads = _heads()
    heads[3], heads[4] = heads[4], heads[3]
    with pytest.raises(UnknownLayout, match="column 4 header '总计' is 'total'"):
        parse_review([_grid(heads)])


def test_a_whole_proceedings_heads_left_on_the_page_before_are_taken_by_position() -> None:
    heads = _heads()
    heads[0:5] = [""] * 5  # cut by a page break: they sit in a piece of other columns
    assert len(parse_review([_grid(heads)])) == 15


def test_too_many_unread_heads_are_no_evidence_at_all() -> None:
    heads = _heads()
    for i in (0, 1, 6, 7, 11, 12):
        heads[i] = "?"
    with pytest.raises(UnknownLayout, match="6 of 15 column headers"):
        parse_review([_grid(heads)])


def test_an_empty_column_after_the_values_does_not_shift_them() -> None:
    rows = tuple((*r, "") for r in _grid(_heads()).rows)  # a stray rule: one more column
    grid = Grid(3, 1, rows, rows, frozenset(), frozenset(), "lattice-vector", 99.0, 1.0, 99.0)
    got = {(c.row, c.col): c.value for c in parse_review([grid])}
    assert got[("reconsideration", "upheld")] == 1 and got[("litigation_direct", "other")] == 1


def test_columns_under_another_proceedings_heading_are_refused() -> None:
    """A shift by five columns keeps every outcome head in place; the proceeding heads tell."""
    rows = list(_grid(_heads()).rows)
    rows[1] = ("", "", "", "", "", "复议后起诉", "", "", "", "", "未经复议直接起诉", "", "", "", "")
    grid = Grid(
        3, 1, tuple(rows), tuple(rows), frozenset(), frozenset(), "lattice-vector", 99.0, 1.0, 99.0
    )
    with pytest.raises(UnknownLayout, match="columns 6–10 are under 复议后起诉"):
        parse_review([grid])


def test_heads_row_left_alone_on_the_page_before_is_taken_from_the_proceedings_under_it() -> None:
    """fuzz 840009 scanned: 行政复议 | 行政诉讼 at the foot of page 2, a one-row band with no
    column rule (so no table there); the rest of table 四 on page 3."""
    grid = _grid(_heads())
    rest = grid.rows[1:]
    cut = Grid(3, 1, rest, rest, frozenset(), frozenset(), "ocr", None, None, 0.9)
    assert len(parse_review([cut])) == 15
    unheaded = tuple(("",) * 15 for _ in rest[:1]) + rest[1:]
    bare = Grid(3, 1, unheaded, unheaded, frozenset(), frozenset(), "ocr", None, None, 0.9)
    with pytest.raises(UnknownLayout, match="no 行政复议 heading"):
        parse_review([bare])


def test_heads_found_without_their_row_of_values_says_so() -> None:
    """910002 (a scan): 四's heads on one page, its values found on the next with 12 columns
    (a seal over column rules), so no row of 15. Refused with that reason, not dropped."""
    heads_only = _grid(_heads())
    heads_only = Grid(
        3,
        1,
        heads_only.rows[:3],
        heads_only.rows[:3],
        frozenset(),
        frozenset(),
        "ocr",
        None,
        None,
        None,
    )
    with pytest.raises(UnknownLayout, match="its heads found, but no row of its 15 values"):
        parse_review([heads_only])
