"""Table 三 printed without rules, read by position (extract/position_rows.py)."""

from __future__ import annotations

import pytest

from extract.chunks import Chunk, Line, is_page_footer
from extract.grid import TEXT_POSITION, Grid
from extract.layout import parse_application
from extract.position_rows import application_pieces
from nianbao.errors import UnknownLayout

SIZE = 10.0
HEADS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def chunk(text: str, left: float, top: float, width: float | None = None) -> Chunk:
    return Chunk(text, left, left + (width or SIZE * len(text)), top - SIZE, top, SIZE)


def head_line(heads: tuple[str, ...] = HEADS) -> Line:
    label = chunk("（本列数据的勾稽关系）", 0, 200, 150)
    return (label, *(chunk(t, 200 + 40 * i, 200, 30) for i, t in enumerate(heads)))


def values(top: float, *printed: tuple[int, str]) -> tuple[Chunk, ...]:
    """Values printed under the applicant columns numbered in `printed`, the rest blank."""
    return tuple(chunk(text, 210 + 40 * column, top) for column, text in printed)


def read(lines: list[Line]) -> tuple[tuple[str, ...], ...]:
    ((page, placed),) = application_pieces([(1, lines)])
    return placed.rows


def test_a_wrapped_label_joins_the_values_between_its_lines() -> None:
    rows = read(
        [
            head_line(),
            (chunk("2、其他法律行政法", 60, 106),),
            values(100, (0, "8"), (6, "8")),
            (chunk("规禁止公开", 60, 94),),
        ]
    )
    assert rows[1] == ("", "", "2、其他法律行政法 规禁止公开", "8", "", "", "", "", "", "8")


def test_a_row_printing_no_value_is_a_row_of_blanks_not_part_of_its_neighbour() -> None:
    rows = read(
        [
            head_line(),
            (chunk("2、重复申请", 60, 120), *values(120, (1, "2"), (6, "2"))),
            (chunk("3、要求提供公开出", 60, 100),),  # every value blank (printed as nothing)
            (chunk("版物", 60, 88),),
            (chunk("4、无正当理由大量", 60, 70), *values(70, (0, "7"), (6, "7"))),
        ]
    )
    assert [r[2] for r in rows[1:]] == [
        "2、重复申请",
        "3、要求提供公开出 版物",
        "4、无正当理由大量",
    ]
    assert rows[2][3:] == ("",) * 7


def test_a_group_label_beside_item_labels_is_not_a_row() -> None:
    rows = read(
        [
            head_line(),
            (chunk("1、信访举报投诉类", 60, 120), *values(120, (0, "4"))),
            (
                chunk("（五）不予处理", 0, 100, 50),
                chunk("2、重复申请", 60, 100),
                *values(100, (1, "2")),
            ),
            (chunk("3、要求提供公开出版物", 60, 80), *values(80, (0, "1"))),
        ]
    )
    assert len(rows) == 4  # the header and three items
    assert rows[2][1:3] == ("（五）不予处理", "2、重复申请")


def test_a_value_between_two_applicant_columns_is_ambiguous_not_guessed() -> None:
    ((_, placed),) = application_pieces(
        [(1, [head_line(), (chunk("1、属于国家秘密", 60, 100), chunk("5", 230, 100))])]
    )
    # centre 235, as near 自然人 as 商业企业: flagged in the first, its value not trusted
    assert placed.ambiguous == {(1, 3)}


def test_heads_stacked_over_two_lines_read_as_one_and_a_spanning_head_is_left_out() -> None:
    spanning = (chunk("法人或其他组织", 240, 220, 190),)
    upper = (
        chunk("（本列数据的勾稽关系）", 0, 210, 150),
        chunk("自然人", 200, 210, 30),
        *(chunk(t[:2], 240 + 40 * i, 210, 30) for i, t in enumerate(HEADS[1:6])),
        chunk("总计", 440, 210, 30),
    )
    lower = tuple(chunk(t[2:], 240 + 40 * i, 198, 30) for i, t in enumerate(HEADS[1:5]))
    rows = read([spanning, upper, lower, (chunk("一、本年新收", 0, 150), *values(150, (0, "1")))])
    assert rows[0][3:] == HEADS


def test_applicant_columns_out_of_the_forms_order_are_not_read() -> None:
    shuffled = head_line(("总计", *HEADS[1:6], "自然人"))
    assert (
        application_pieces(
            [(1, [shuffled, (chunk("一、本年新收", 0, 150), *values(150, (0, "1")))])]
        )
        == []
    )


def test_a_page_number_printed_apart_from_its_dashes_is_a_footer_not_values() -> None:
    assert is_page_footer((chunk("-", 290, 30), chunk("1", 300, 30), chunk("-", 310, 30)))
    assert not is_page_footer((chunk("1", 290, 30), chunk("2", 300, 30), chunk("3", 310, 30)))


def _grid(*labels: str) -> Grid:
    rows = tuple(("", "", label, *("1",) * 7) for label in labels)
    return Grid(1, 101, rows, rows, frozenset(), frozenset(), TEXT_POSITION, None, None, None)


def test_rows_out_of_the_forms_order_mean_a_label_was_misread() -> None:
    assert len(parse_application([_grid("1、属于国家秘密", "2、其他法律行政法规禁止公开")])) == 14
    with pytest.raises(UnknownLayout, match="out of the form's order"):
        parse_application([_grid("2、其他法律行政法规禁止公开", "1、属于国家秘密")])


def _page(page: int, *rows: tuple[str, ...]) -> Grid:
    return Grid(page, 1, rows, rows, frozenset(), frozenset(), "lattice-vector", 99.0, 1.0, 99.0)


def _row(label: str, *values: str) -> tuple[str, ...]:
    return ("", "", label, *(values or ("",) * 7))


def test_a_label_cut_by_a_page_break_is_one_row_read_with_its_values() -> None:
    """Issue 12: '1.本机关不' at the foot of a page, '掌握相关政府信息' atop the next."""
    v = ("1", "0", "0", "0", "0", "0", "1")
    for first, second in [(v, ()), ((), v)]:  # the values on either side of the break
        cells = parse_application(
            [
                _page(
                    1,
                    _row("（三）不予公开 8.属于行政查询事项", *("0",) * 7),
                    _row("1.本机关不", *first),
                ),
                _page(
                    2,
                    _row("掌握相关政府信息", *second),
                    _row("2.没有现成信息需要另行制作", *("2",) * 7),
                ),
            ]
        )
        got = {(c.row, c.col): c.value for c in cells}
        assert got[("3.4.1", "natural_person")] == 1 and got[("3.4.1", "total")] == 1
        assert got[("3.4.2", "total")] == 2
        assert len(cells) == 21


def test_values_on_both_sides_of_a_cut_label_are_not_guessed() -> None:
    v = ("1",) * 7
    with pytest.raises(UnknownLayout, match="1.本机关不"):
        parse_application(
            [_page(1, _row("1.本机关不", *v)), _page(2, _row("掌握相关政府信息", *v))]
        )


def test_a_label_cut_after_the_words_that_name_its_row_is_still_one_row() -> None:
    """'3.危及“三安全' already names row 3.3.3; '一稳定”' atop the next page is its rest."""
    v = ("0", "2", "0", "0", "0", "0", "2")
    cells = parse_application(
        [
            _page(1, _row("2.其他法律行政法规禁止公开", *("1",) * 7), _row("3.危及“三安全")),
            _page(
                2,
                _row("申请人情况 自然人"),
                _row("一稳定”", *v),
                _row("4.保护第三方合法权益", *("0",) * 7),
            ),
        ]
    )
    got = {(c.row, c.col): c.value for c in cells}
    assert got[("3.3.3", "commercial_enterprise")] == 2 and got[("3.3.3", "total")] == 2
    assert len(cells) == 21


def test_a_labels_numbering_set_apart_from_its_words_is_one_label() -> None:
    """XeLaTeX's xeCJK spaces "(一)" and "3.危及”" from the CJK after them."""
    rows = read(
        [
            head_line(),
            (
                chunk("(一)", 60, 106, 20),
                chunk("予以公开", 84, 106),
                *values(106, (0, "3"), (6, "3")),
            ),
            (chunk("3.危及”", 60, 94, 50), chunk("三安全一稳定”", 113, 94), *values(94, (6, "0"))),
        ]
    )
    assert rows[1][2] == "(一) 予以公开"
    assert rows[2][2] == "3.危及” 三安全一稳定”"


def test_a_groups_label_beside_an_items_wrapped_line_stays_apart() -> None:
    """ "（四）无" (a group, wrapped) a few points left of "府信息" (the rest of the item's
    label "1、本机关不掌握相关政"): two labels, however close."""
    rows = read(
        [
            head_line(),
            (chunk("1、本机关不掌握相关政", 60, 106), *values(106, (0, "1"), (6, "1"))),
            (chunk("（四）无", 16, 94, 40), chunk("府信息", 60, 94)),
        ]
    )
    assert rows[1][2] == "1、本机关不掌握相关政 府信息"


def test_columns_placed_by_the_next_pages_values_when_the_header_page_has_one_line() -> None:
    """The heads read as one run ("自然人商业企科研机…", OCR), and the table breaks after row
    一: its page has one line of values, too few to place the columns by; the next page's
    lines place them for both pages."""
    run_together = (chunk("自然人商业企业科研机构社会公益组织法律服务机构其他总计", 200, 200, 280),)
    full = [(c, str(c + 1)) for c in range(7)]
    first = [
        run_together,
        (chunk("一、本年新收政府信息公开申请数量", 0, 150, 150), *values(150, *full)),
    ]
    second = [
        (chunk("二、上年结转政府信息公开申请数量", 0, 300, 150), *values(300, *full)),
        (chunk("（一）予以公开", 30, 280, 100), *values(280, *full)),
    ]
    pieces = application_pieces([(1, first), (2, second)])
    assert [page for page, _ in pieces] == [1, 2]
    assert pieces[0][1].rows[-1][-7:] == tuple(str(c + 1) for c in range(7))
    assert [row[-1] for row in pieces[1][1].rows] == ["7", "7"]


def test_the_vertical_headings_characters_under_a_row_label_set_close_are_not_its_wrap() -> None:
    """850038: 三、本年度办理结果 a character a line, its column just left of where row 二's
    label starts (overlapping it): the characters are the heading's, not 二's wrapped lines,
    and the rows stay in the form's order."""
    rows = read(
        [
            head_line(),
            (chunk("一、本年新收政府信息公开申请数量", 24, 130), *values(130, (0, "9"), (6, "9"))),
            (chunk("二、上年结转政府信息公开申请数量", 24, 115),),  # zero marks the OCR missed
            (chunk("三", 0, 103), chunk("（一）予以公开", 40, 100), *values(100, (6, "1"))),
            (chunk("本", 0, 91),),
            (chunk("年", 0, 79), chunk("（二）部分公开", 40, 76), *values(76, (6, "2"))),
            (chunk("度", 0, 67),),
        ]
    )
    labels = [row[2] for row in rows[1:]]
    assert labels == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（二）部分公开",
    ]
    assert rows[2][3:] == ("",) * 7


def test_a_total_head_hidden_under_a_seal_still_reads_the_columns_in_order() -> None:
    """850015: an opaque seal over the header's corner: 总计 read blank. 自然人 first and no
    总计 anywhere else: the columns are the form's; 总计 read elsewhere still refuses."""
    from extract.layout import _check_applicant_header

    def grid(heads: list[str]) -> Grid:
        rows = (("label", "", "", *heads),)
        return Grid(1, 0, rows, rows, frozenset(), frozenset(), "ocr", None, None, None)

    _check_applicant_header(grid(["自然人", "", "", "", "", "", ""]))
    with pytest.raises(UnknownLayout):
        _check_applicant_header(grid(["自然人", "", "", "", "", "总计", ""]))
