"""Table 三 read from a scan: rows whose labels OCR lost, misread or read twice are placed by
the form's order where the count of rows says where, and never under another row's code
(extract/layout.py `_placed_in_order`)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from extract.grid import OCR_METHOD, Grid
from extract.layout import ROW_DOUBTED, parse_application
from extract.sums import refuse_unconfirmed
from nianbao.errors import UnknownLayout
from nianbao.form import APPLICANT_CODES, ROW_CODES_23, ROW_CODES_25

LABELS = {
    "1": "一、本年新收政府信息公开申请数量",
    "2": "二、上年结转政府信息公开申请数量",
    "3.1": "（一）予以公开",
    "3.2": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3.3.1": "1.属于国家秘密",
    "3.3.2": "2.其他法律行政法规禁止公开",
    "3.3.3": "3.危及“三安全一稳定”",
    "3.3.4": "4.保护第三方合法权益",
    "3.3.5": "5.属于三类内部事务信息",
    "3.3.6": "6.属于四类过程性信息",
    "3.3.7": "7.属于行政执法案卷",
    "3.3.8": "8.属于行政查询事项",
    "3.4.1": "1.本机关不掌握相关政府信息",
    "3.4.2": "2.没有现成信息需要另行制作",
    "3.4.3": "3.补正后申请内容仍不明确",
    "3.5.1": "1.信访举报投诉类申请",
    "3.5.2": "2.重复申请",
    "3.5.3": "3.要求提供公开出版物",
    "3.5.4": "4.无正当理由大量反复申请",
    "3.5.5": "5.要求行政机关确认或重新出具已获取信息",
    "3.6": "（六）其他处理",
    "3.6.1": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "3.6.2": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.6.3": "3.其他",
    "3.7": "（七）总计",
    "4": "四、结转下年度继续办理",
}
HEADER = ("", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def table(codes: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Values of every row, each row unlike the others, the form's sums holding."""
    leaves = [c for c in codes if c.startswith("3.") and c != "3.7"]
    values = {}
    for k, code in enumerate(leaves):
        parts = (k + 1, k % 3, 0, k % 2, 0, (k * 7) % 4)
        values[code] = (*parts, sum(parts))
    handled = tuple(sum(values[c][i] for c in leaves) for i in range(7))
    values["3.7"] = handled
    values["4"] = (1, 0, 0, 1, 0, 0, 2)
    values["2"] = (2, 0, 0, 0, 0, 1, 3)
    values["1"] = tuple(handled[i] + values["4"][i] - values["2"][i] for i in range(7))
    return {c: values[c] for c in codes}


def grid(
    lines: list[tuple[str, ...]],
    method: str = OCR_METHOD,
    page: int = 1,
    header: tuple[str, ...] | None = HEADER,
) -> Grid:
    rows = (header, *lines) if header else tuple(lines)
    return Grid(page, 0, rows, rows, frozenset(), frozenset(), method, None, None, None)


def lines_of(values: dict[str, tuple[int, ...]]) -> list[tuple[str, ...]]:
    return [(LABELS[code], *map(str, row)) for code, row in values.items()]


def read(lines: list[tuple[str, ...]], method: str = OCR_METHOD) -> dict:
    return {(c.row, c.col): c for c in parse_application([grid(lines, method)])}


def exact(cells: dict, values: dict[str, tuple[int, ...]]) -> bool:
    return all(
        cells[(code, col)].value == row[i]
        for code, row in values.items()
        for i, col in enumerate(APPLICANT_CODES)
    )


@pytest.mark.parametrize("codes", [ROW_CODES_25, ROW_CODES_23], ids=["25 rows", "23 rows"])
def test_a_scan_read_whole_places_every_row_by_its_label(codes: tuple[str, ...]) -> None:
    values = table(codes)
    assert exact(read(lines_of(values)), values)


@pytest.mark.parametrize("lost", ["1", "3.3.4", "3.6.3", "4"])
def test_a_row_whose_label_ocr_lost_is_placed_by_the_forms_order(lost: str) -> None:
    values = table(ROW_CODES_25)
    lines = [
        ("", *line[1:]) if code == lost else line
        for code, line in zip(values, lines_of(values), strict=True)
    ]
    assert exact(read(lines), values)


def test_a_lost_label_in_a_pdf_still_refuses_the_table() -> None:
    """A PDF's text is not misread: a row with values and no form label is not the form's."""
    values = table(ROW_CODES_25)
    lines = [
        ("", *line[1:]) if code == "3.3.4" else line
        for code, line in zip(values, lines_of(values), strict=True)
    ]
    with pytest.raises(UnknownLayout, match="is not one of the form's rows"):
        read(lines, method="lattice-vector")


def test_a_label_read_as_its_neighbours_is_placed_where_the_column_sums_say() -> None:
    """fuzz 910016: 一's cell read with 二's line in it (so named 二), 二's own label lost."""
    values = table(ROW_CODES_25)
    lines = lines_of(values)
    lines[0] = (LABELS["1"].replace("年", "个") + "\n" + LABELS["2"], *lines[0][1:])
    lines[1] = ("", *lines[1][1:])
    assert exact(read(lines), values)


def test_a_row_printed_blank_whose_label_was_lost_is_placed_where_the_count_says() -> None:
    """fuzz 910017: 一's and 二's labels read into the header cell above them, 二 printed
    blank for its zeros: a ruled row with nothing in it, placed as 二 since it makes the
    count the form's."""
    values = table(ROW_CODES_25)
    values["1"] = tuple(a + b for a, b in zip(values["1"], values["2"], strict=True))
    values["2"] = (0,) * 7
    lines = lines_of(values)
    lines[0] = ("", *lines[0][1:])
    lines[1] = ("",) * 8
    del lines[list(values).index("3.3.5")]  # and a row lost, so the count alone says nothing
    cells = read(lines)
    assert exact(cells, {c: values[c] for c in ("1", "2", "3.1", "4")})


def test_values_a_line_above_their_label_are_the_labels_row() -> None:
    """940014 (read by position): （二）'s values on a line of their own above its label's,
    which holds none. One row, not a row over that doubts the table."""
    values = table(ROW_CODES_23)
    lines = lines_of(values)
    n = list(values).index("3.2")
    lines[n : n + 1] = [("", *lines[n][1:]), (lines[n][0], *("",) * 7)]
    del lines[list(values).index("3.5.3") + 1]  # a row lost too: the count says nothing
    cells = read(lines)
    assert exact(cells, {c: values[c] for c in ("3.1", "3.2", "3.3.1")})


def test_rows_whose_column_rule_a_seal_hid_keep_their_place_not_their_values() -> None:
    """fuzz 900024: the piece on the first page found with a column too few (two values in
    one cell). Its rows are the form's 一 and 二, refused; the next page's rows load."""
    values = table(ROW_CODES_25)
    lines = lines_of(values)
    narrow = [(line[0], *line[1:5], f"{line[5]} {line[6]}", line[7]) for line in lines[:2]]
    first = grid(narrow, header=HEADER[:7])
    rest = grid(lines[2:], page=2, header=None)
    cells = {(c.row, c.col): c for c in parse_application([first, rest])}
    assert all(
        cells[(code, col)].reading == "ambiguous" for code in ("1", "2") for col in APPLICANT_CODES
    )
    assert all(cells[(code, col)].value is None for code in ("1", "2") for col in APPLICANT_CODES)
    assert exact(cells, {c: v for c, v in values.items() if c not in ("1", "2")})
    with pytest.raises(UnknownLayout, match="a row has 7 columns"):
        parse_application(
            [replace(first, method="lattice-vector"), replace(rest, method="lattice-vector")]
        )


def test_a_row_read_on_two_lines_is_one_row() -> None:
    """fuzz 900015: a value sitting a little high read on a line of its own, same label."""
    values = table(ROW_CODES_25)
    lines = lines_of(values)
    n = list(values).index("3.3.2")
    row = lines[n]
    high = tuple(v if i == 4 else "" for i, v in enumerate(row))
    low = tuple("" if i == 4 else v for i, v in enumerate(row))
    lines[n : n + 1] = [(row[0], *high[1:]), (row[0], *low[1:])]
    assert exact(read(lines), values)


def test_rows_more_than_the_form_prints_doubt_the_run_of_labels_before_them() -> None:
    """1's label misread as 2's and 2's lost: a row over between 2 and 3.1, and the column
    sums fail if the count is forced (a row dropped too). Neither 1's values nor 2's load."""
    values = table(ROW_CODES_25)
    lines = lines_of(values)
    lines[0] = (LABELS["2"], *lines[0][1:])
    lines[1] = ("", *lines[1][1:])
    del lines[list(values).index("3.3.5")]  # the count no longer says where each row is
    cells = read(lines)
    assert all(cells[("2", col)].reading == ROW_DOUBTED for col in APPLICANT_CODES)
    assert not any(("1", col) in cells for col in APPLICANT_CODES)


def test_a_run_of_labels_each_read_as_the_next_rows_is_doubted_whole() -> None:
    """3.3.3 and 3.3.4 each read as the row after (their own text illegible, the next row's
    line in their cells), 3.3.5's label lost, a row lost elsewhere so the count says nothing:
    the row over after 3.3.5 doubts the run 3.3.4–3.3.5 as named, not only its last."""
    values = table(ROW_CODES_25)
    codes = list(values)
    lines = lines_of(values)
    for code in ("3.3.3", "3.3.4"):
        n = codes.index(code)
        lines[n] = (garbled(LABELS[code]) + "\n" + LABELS[codes[n + 1]], *lines[n][1:])
    lines[codes.index("3.3.5")] = ("", *lines[codes.index("3.3.5")][1:])
    del lines[codes.index("3.5.2")]
    cells = read(lines)
    for code in ("3.3.3", "3.3.4", "3.3.5"):
        assert all(
            cells.get((code, col)) is None or cells[(code, col)].value is None
            for col in APPLICANT_CODES
        )
    assert exact(cells, {c: values[c] for c in ("1", "2", "3.3.1", "3.5.5", "4")})


def test_a_cell_holding_two_rows_labels_names_neither() -> None:
    """fuzz 900014 (read by position): '8.属于行政查询事项 1.本机关不掌握…' beside 3.4.1's
    values, 3.3.8's own line lost. Which row the values are cannot be told: not placed."""
    values = table(ROW_CODES_25)
    codes = list(values)
    lines = lines_of(values)
    n = codes.index("3.4.1")
    lines[n] = (LABELS["3.3.8"] + " " + LABELS["3.4.1"], *lines[n][1:])
    del lines[codes.index("3.3.8")]
    cells = read(lines)
    assert all((code, col) not in cells for code in ("3.3.8", "3.4.1") for col in APPLICANT_CODES)
    assert exact(cells, {c: values[c] for c in ("1", "3.3.1", "3.4.3", "4")})


def corrupted(values: dict[str, tuple[int, ...]], rng: random.Random) -> list[tuple[str, ...]]:
    """The rows as a poor scan might read them: labels lost, two rows' labels read in one
    cell (its own, or only the other, legible), a numbered label's number misread, a label
    set a row or two below its values (its own lost: fuzz 930032's position reading), rows
    lost, rows read on two lines. (A label read as a wholly other row's, whose own row the
    grid lost, no count or sum could tell.)"""
    lines = lines_of(values)
    codes = list(values)
    for _ in range(rng.randint(1, 4)):
        n = rng.randrange(len(lines))
        kind = rng.choice(("lost", "neighbour", "renumbered", "displaced", "dropped", "split"))
        if kind == "lost":
            lines[n] = ("", *lines[n][1:])
        elif kind == "neighbour":  # two rows' labels in one cell, a rule between lost
            other = LABELS[codes[min(max(n + rng.choice((-1, 1)), 0), len(codes) - 1)]]
            own = lines[n][0] if rng.random() < 0.5 else garbled(lines[n][0])
            both = (own, other) if rng.random() < 0.5 else (other, own)
            lines[n] = ("\n".join(both), *lines[n][1:])
        elif kind == "renumbered" and lines[n][0][:1].isdigit():  # '5.属于…' read '6.属于…'
            lines[n] = (str(int(lines[n][0][0]) % 8 + 1) + lines[n][0][1:], *lines[n][1:])
        elif kind == "displaced" and n + 2 < len(lines):  # labels set off their values
            k = rng.randint(1, 2)
            lines[n], lines[n + k] = ("", *lines[n][1:]), (lines[n][0], *lines[n + k][1:])
        elif kind == "dropped" and len(lines) > 2:
            del lines[n]
            del codes[n]
        elif kind == "split":
            row = lines[n]
            cut = rng.randrange(1, 8)
            lines[n : n + 1] = [
                (row[0], *(v if i < cut else "" for i, v in enumerate(row[1:]))),
                (row[0], *("" if i < cut else v for i, v in enumerate(row[1:]))),
            ]
            codes[n : n + 1] = [codes[n], codes[n]]
    return lines


def garbled(label: str) -> str:
    """A label OCR misread past knowing (fuzz 910016: 本年新收 read 本个新收)."""
    return "".join("口" if i % 2 else ch for i, ch in enumerate(label))


@pytest.mark.parametrize("seed", range(1000))
def test_no_value_is_loaded_under_another_rows_code(seed: int) -> None:
    """Whatever a scan does to the labels, a value placed is its own row's (a blank cell,
    read as 0, is the sums' to judge); and after the form's sums judge them, as a scan's
    are, every value that loads is exact: the rest are refused, or missing (R6 names them)."""
    rng = random.Random(seed)
    codes = ROW_CODES_25 if rng.random() < 0.5 else ROW_CODES_23
    values = table(codes)
    try:
        cells = parse_application([grid(corrupted(values, rng))])
    except UnknownLayout:
        return  # the table refused whole, with its reason
    misplaced = [c for c in wrong(cells, values) if c.raw.strip()]
    assert misplaced == []
    assert wrong(refuse_unconfirmed(cells, len(codes)), values) == []


def wrong(cells: list, values: dict[str, tuple[int, ...]]) -> list:
    return [
        c
        for c in cells
        if c.value is not None and c.value != values[c.row][APPLICANT_CODES.index(c.col)]
    ]
