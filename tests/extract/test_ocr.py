"""Scanned reports read by OCR (extract/ocr.py): never a value loaded wrong, most loaded, the
rest refused; a cell a reading left blank though ink is in it is never read as zero."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np

from corpus.scan import draw_scan_look, scanned_pdf
from extract.ocr import (
    DPI,
    ScannedPage,
    _as_printed,
    _divides_a_cell,
    _is_lone_zero,
    _labels_from_either,
    _open_ends,
    _read_across,
    _rule_masks,
    _table_bounds,
    _zero_mark,
)
from extract.report import extract_report
from tests.conftest import REPO, SAMPLE_PORTAL, SAMPLE_TRUTH, sample_manifest

# A scan made here from a committed report of the fuzz slice (seeds nobody tuned on), with a
# scan look drawn from a seed bench/scans.py does not use.
SLICE_SEED, LOOK_SEED = 400007, 910001


def _score(report, truth: dict) -> tuple[int, int, list]:
    expected = {
        (t, r, c): float(v)
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    exact = sum(1 for k, v in expected.items() if got.get(k) is not None and float(got[k]) == v)
    wrong = [
        (k, got[k], v) for k, v in expected.items() if got.get(k) is not None and float(got[k]) != v
    ]
    return exact, len(expected), wrong


def test_the_sample_portals_scan_reads_with_nothing_wrong() -> None:
    (entry,) = [m for m in sample_manifest() if m["kind"] == "scanned"]
    report = extract_report(SAMPLE_PORTAL / entry["path"])
    truth = json.loads((SAMPLE_TRUTH / entry["truth"]).read_text(encoding="utf-8"))
    exact, expected, wrong = _score(report, truth)
    assert wrong == [] and exact >= 0.9 * expected
    assert (report.agency, report.year, report.method) == (truth["agency"], truth["year"], "ocr")
    assert all(p.method == "ocr" and p.confidence and p.confidence > 0.5 for p in report.pieces)


def test_a_scan_of_a_report_nobody_tuned_on_reads_with_nothing_wrong(tmp_path: Path) -> None:
    slice_dir = REPO / "data" / "fuzz_slice"
    rng = random.Random(LOOK_SEED)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(slice_dir / f"fuzz-{SLICE_SEED}.pdf", draw_scan_look(rng), rng))
    truth = json.loads((slice_dir / f"fuzz-{SLICE_SEED}.json").read_text(encoding="utf-8"))
    report = extract_report(scan)
    exact, expected, wrong = _score(report, truth)
    assert wrong == []
    # Measured 155/186 when written: the 90 % is not reached on scans (bench/README.md);
    # this is a floor against regression, not the target.
    assert exact >= 0.8 * expected, f"{exact}/{expected}"


def _cell(draw) -> ScannedPage:
    image = np.full((60, 100), 250, np.uint8)
    draw(image)
    rules = (np.zeros_like(image), np.zeros_like(image))
    return ScannedPage(1, image, rules, (), 0.0, DPI)


def _slash(image: np.ndarray) -> None:
    for y in range(14, 46):  # a thin stroke leaning right, ~65° from the baseline
        x = 40 + (46 - y) // 2
        image[y, x : x + 3] = 80


def test_ink_no_detector_read_is_a_zero_mark_only_when_it_looks_like_one() -> None:
    one = _cell(lambda im: im.__setitem__((slice(18, 44), slice(48, 51)), 150))
    dash = _cell(lambda im: im.__setitem__((slice(29, 32), slice(35, 65)), 90))
    specks = _cell(
        lambda im: [im.__setitem__((y, x), 60) for y, x in ((15, 20), (40, 80), (25, 60))]
    )
    box = (0, 0, 100, 60)
    assert _zero_mark(one, box) is None  # a thin 1: refused, never read as 0
    assert _zero_mark(dash, box) == "—"
    assert _zero_mark(_cell(_slash), box) == "/"
    assert _zero_mark(specks, box) == ""


def test_a_rules_grey_fringe_along_the_edge_does_not_hide_a_dash_nor_make_a_blank() -> None:
    def dash_and_fringe(image: np.ndarray) -> None:
        image[29:32, 35:65] = 90  # the dash
        image[5:40, 0:2] = 170  # a rule's grey fringe along the left edge (a skew's)

    def thin_one_at_the_edge(image: np.ndarray) -> None:
        image[18:44, 0:3] = 150  # a thin grey 1 set tight against the rule

    box = (0, 0, 100, 60)
    assert _zero_mark(_cell(dash_and_fringe), box) == "—"
    assert _zero_mark(_cell(thin_one_at_the_edge), box) is None  # refused, never a blank


def test_a_dash_one_pixel_thin_is_a_zero_mark_and_specks_beside_it_do_not_matter() -> None:
    def thin_dash(image: np.ndarray) -> None:
        image[30, 35:65] = 120  # a 200-dpi scan of a hairline dash: one pixel tall
        image[10, 10] = image[50, 90] = 60

    assert _zero_mark(_cell(thin_dash), (0, 0, 100, 60)) == "—"


def _tight_table() -> np.ndarray:
    """Ink of a table set tight: four rows 25 px high; a column rule through rows 0–2
    only (table 二's sections), 75 px long; in row 3 a character's stroke fills the row
    from rule to rule; and the same character printed in rows 1 and 2, one above the
    other, so that its strokes meet across the rule between them."""
    ink = np.zeros((140, 400), np.uint8)
    for y in (10, 35, 60, 85, 110):
        ink[y : y + 2, 20:380] = 255  # rules across
    ink[10:112, 20:22] = ink[10:112, 378:380] = 255  # the table's sides
    ink[10:87, 200:202] = 255  # a column's rule through three rows
    ink[85:112, 300:302] = 255  # a stroke touching the rules above and below in one row
    return ink


def test_a_short_rule_down_is_one_only_when_it_crosses_a_rule_across() -> None:
    horizontal, vertical, short = _rule_masks(_tight_table(), 1.0)
    columns = np.nonzero(vertical[20:30].any(axis=0))[0]
    assert {int(x) for x in columns} >= {20, 200, 378}
    assert not vertical[90:105, 295:305].any()  # the stroke in one row is not a rule
    assert short[20:80, 199:203].any() and not short[20:80, 20:22].any()


def test_a_tables_one_row_alone_on_a_page_is_a_table() -> None:
    """Table 四's values carried onto the next page: one row, its cells' rules running from
    its top rule to its bottom one; two such strokes alone are characters, not a row."""
    ink = np.zeros((120, 900), np.uint8)
    ink[20:22, 20:880] = ink[60:62, 20:880] = 255  # the row's rules across
    for x in range(20, 881, 57):  # 16 rules down: 15 cells
        ink[20:62, x : x + 2] = 255
    horizontal, vertical, _ = _rule_masks(ink, 1.0)
    assert vertical[30:50, 77:79].all() and len(_table_bounds(horizontal, vertical)) == 1
    # straightened but for a last 0.8°: its rules step down 12 px over the row, and so do
    # the tops and bottoms of its cells' rules
    tilted = np.zeros_like(ink)
    for x in range(20, 880):
        dy = (x - 20) * 12 // 860
        tilted[20 + dy : 22 + dy, x] = tilted[60 + dy : 62 + dy, x] = 255
    for x in range(20, 881, 57):
        dy = (x - 20) * 12 // 860
        tilted[20 + dy : 62 + dy, x : x + 2] = 255
    tilted_down = _rule_masks(tilted, 1.0)[1]
    dividers = [x for x in range(20, 881, 57) if tilted_down[40 + (x - 20) * 12 // 860, x]]
    assert len(dividers) == 16
    two = np.zeros_like(ink)
    two[20:22, 20:880] = two[60:62, 20:880] = 255
    two[20:62, 300:302] = two[20:62, 500:502] = 255
    assert not _rule_masks(two, 1.0)[1].any()


def test_a_stroke_across_part_of_a_cell_is_no_rule() -> None:
    """Ideographs' strokes run together by a blur (68 px in a 500-px label cell) are no row's
    rule; a rule runs the width of a cell at least."""
    horizontal = np.zeros((100, 700), np.uint8)
    horizontal[10:12, 0:700] = 255  # a rule across the table
    horizontal[40:42, 0:100] = 255  # a rule under the first column's cell only
    horizontal[70:72, 300:368] = 255  # strokes inside the label cell
    xs = [0, 100, 600, 700]
    assert _divides_a_cell(horizontal, 11, xs) and _divides_a_cell(horizontal, 41, xs)
    assert not _divides_a_cell(horizontal, 71, xs)


def test_a_short_rule_ocr_read_a_line_of_text_across_is_a_character_not_a_rule() -> None:
    _, _, short = _rule_masks(_tight_table(), 1.0)
    across_rows_1_2 = (("一、本年新收政府信息公开申请数量", 0.9, (120.0, 38.0, 290.0, 58.0)),)
    beside = (("规章", 0.9, (120.0, 38.0, 190.0, 58.0)),)
    assert _read_across(short, across_rows_1_2, 1.0)[40:55, 200:202].all()
    assert not _read_across(short, beside, 1.0).any()


def test_a_label_misread_in_pieces_across_a_stroke_taken_for_a_rule_still_vetoes_it() -> None:
    # The rule's pixels erased before OCR, the label reads in three pieces, and rows 1 and 2
    # are too alike for the misreading to tell which it is: still a label, not a rule.
    _, _, short = _rule_masks(_tight_table(), 1.0)
    pieces = (
        ("、年新收政府", 0.9, (120.0, 38.0, 196.0, 58.0)),
        ("言息公开", 0.9, (206.0, 38.0, 250.0, 58.0)),
        ("E请数量", 0.9, (255.0, 38.0, 290.0, 58.0)),
    )
    assert _read_across(short, pieces, 1.0)[40:55, 200:202].all()
    assert not _read_across(short, pieces[:1], 1.0).any()  # one piece alone is no label


def _oval(hole_from: float, hole_to: float) -> np.ndarray:
    """An upright ring 24 px high, 14 wide, its hole running between the given fractions
    of its height."""
    ink = np.zeros((40, 30), bool)
    yy, xx = np.mgrid[0:40, 0:30]
    ink[((yy - 20) / 12) ** 2 + ((xx - 15) / 7) ** 2 <= 1] = True
    top, bottom = 8 + int(24 * hole_from), 8 + int(24 * hole_to)
    ink[top:bottom, 12:18] = False
    return ink


def test_a_lone_zero_is_told_by_its_one_tall_hole_in_the_middle() -> None:
    assert _is_lone_zero(_oval(0.2, 0.8), 1.0)
    assert not _is_lone_zero(_oval(0.55, 0.85), 1.0)  # a hole low and short: a 6
    assert not _is_lone_zero(_oval(0.15, 0.45), 1.0)  # high: a 9
    two_holes = _oval(0.2, 0.8)
    two_holes[19:21, 10:20] = True  # a bar across the middle: an 8
    assert not _is_lone_zero(two_holes, 1.0)
    open_ring = _oval(0.2, 0.8)
    open_ring[14:26, 17:] = False  # a C (a 0 cut by its rule, not drawn on): not told as 0
    assert not _is_lone_zero(open_ring, 1.0)


def test_numbering_misread_as_a_stroke_is_the_forms_numbering() -> None:
    assert _as_printed("3/其他") == "3、其他"  # a seal's arc through the 、
    assert _as_printed("3/4") == "3/4"  # not a label: left as read


def test_a_label_the_first_reading_misread_beyond_knowing_comes_from_the_second() -> None:
    # 新 alone of the characters only row 1 prints: too alike to row 2 to tell which it is
    first = (("、年新政府言息公开E请数量", "4"), ("二、上年结转政府信息公开申请数量", "0"))
    second = (("一、本年新收政府信息公开申请数量", "7"), ("二、上年结转政府信息公开申请数", "0"))
    assert _labels_from_either(first, second) == (
        ("一、本年新收政府信息公开申请数量", "4"),  # values stay the first reading's
        ("二、上年结转政府信息公开申请数量", "0"),
    )


def test_a_table_broken_over_pages_without_a_rule_at_the_break_keeps_its_first_row() -> None:
    vertical = np.zeros((200, 300), np.uint8)
    for x in (10, 100, 200, 290):
        vertical[5:195, x - 1 : x + 1] = 255  # the columns run from the page's top
    xs = [10, 100, 200, 290]
    assert _open_ends(vertical, xs, [40, 80, 194], 0, 0, 1.0) == [5, 40, 80, 194]
    assert _open_ends(vertical, xs, [8, 80, 194], 0, 0, 1.0) == [8, 80, 194]  # closed


def test_a_scanned_table_printed_without_rules_is_read_by_where_its_text_sits(
    tmp_path: Path,
) -> None:
    """Fuzz slice 400012 prints tables 二 and 三 without rules: no grid on the image, so they
    are read from the OCR boxes' positions (extract/positions.py), each value read twice."""
    slice_dir = REPO / "data" / "fuzz_slice"
    rng = random.Random(910002)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(slice_dir / "fuzz-400012.pdf", draw_scan_look(rng), rng))
    truth = json.loads((slice_dir / "fuzz-400012.json").read_text(encoding="utf-8"))
    report = extract_report(scan)
    truth = {**truth, "review": {}, "disclosure": {}}  # table 三's cells alone
    exact, expected, wrong = _score(report, truth)
    assert wrong == []
    assert exact >= 0.8 * expected, f"{exact}/{expected}"
    assert any(p.table == "application" and p.method == "ocr" for p in report.pieces)


def test_a_label_and_the_value_set_close_after_it_are_two_chunks() -> None:
    from extract.ocr import _label_apart

    (label, box), (value, box2) = _label_apart(
        "一、本年新收政府信息公开申请数量3408", (0, 0, 180, 20)
    )
    assert (label, value) == ("一、本年新收政府信息公开申请数量", "3408")
    assert box[2] == box2[0] and 150 < box[2] < 170  # 16 ideographs a full em, 4 digits half
    assert _label_apart("2.重复申请", (0, 0, 60, 20)) == [("2.重复申请", (0, 0, 60, 20))]
    assert _label_apart("1145", (0, 0, 40, 20)) == [("1145", (0, 0, 40, 20))]


def _page_of(image: np.ndarray) -> ScannedPage:
    blank = np.zeros(image.shape, np.uint8)
    return ScannedPage(1, image, (blank, blank), (), 0.0, DPI)


def _inked(
    image: np.ndarray, spans: list[tuple[int, int]], top: int = 10, bottom: int = 32
) -> None:
    for left, right in spans:
        image[top:bottom, left:right] = 0


def test_text_of_two_cells_read_as_one_box_is_parted_at_the_wide_white_between() -> None:
    """860015: the applicant heads 商业企 科研机 set close were read as one box; the white
    between two cells is wider than any inside one cell's text (after a numbering: 1.属于)."""
    from extract.ocr import _apart_at_gaps

    image = np.full((40, 400), 255, np.uint8)
    chars = [(10 + 25 * i, 32 + 25 * i) for i in range(3)]  # 22 px ideographs, 3 px apart
    _inked(image, chars + [(a + 110, b + 110) for a, b in chars])  # 110 - 75 + 3 = 38 px of white
    (first, box1), (second, box2) = _apart_at_gaps(
        _page_of(image), "商业企科研机", (0, 5, 200, 37), 33.0
    )
    assert (first, second) == ("商业企", "科研机")
    assert box1[0] == 10 and box1[2] == 82 and box2[0] == 120
    numbered = np.full((40, 400), 255, np.uint8)
    _inked(numbered, [(10, 20), (38, 60), (63, 85)])  # "1." then 18 px, then 属于
    assert _apart_at_gaps(_page_of(numbered), "1.属于", (0, 5, 90, 37), 33.0) == [
        ("1.属于", (0, 5, 90, 37))
    ]


def test_a_neighbours_stroke_at_a_boxs_edge_is_trimmed_off_not_made_a_piece() -> None:
    from extract.ocr import _apart_at_gaps

    image = np.full((40, 400), 255, np.uint8)
    _inked(image, [(100, 103), (142, 164), (167, 189)])  # a sliver, 39 px of white, 其他
    assert _apart_at_gaps(_page_of(image), "其他", (100, 5, 195, 37), 33.0) == [
        ("其他", (142, 5, 189, 37))
    ]


def test_a_column_of_characters_read_as_one_tall_box_is_a_character_a_line() -> None:
    """860017: table 三's vertical heading read as one box 本年度办理结果 took its middle
    for a line of labels and joined a wrapped label's line."""
    from extract.ocr import _stacked_apart

    pieces = _stacked_apart("本年度", (10, 100, 40, 190))
    assert pieces == [
        ("本", (10, 100, 40, 130)),
        ("年", (10, 130, 40, 160)),
        ("度", (10, 160, 40, 190)),
    ]
    assert _stacked_apart("1,579", (10, 100, 70, 120)) == [("1,579", (10, 100, 70, 120))]


def test_a_number_the_detector_passed_over_is_recognised_alone() -> None:
    """860015 (noisy, 200 dpi): the detector passed over a column of lone 1s that the
    recogniser reads; ink beside a rule, or too small for a digit, is not taken."""
    import cv2

    from extract.ocr import _missed_numbers, ocr_engine

    image = np.full((200, 600), 255, np.uint8)
    cv2.putText(image, "1", (300, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    cv2.putText(image, "7", (500, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    image[150:152, 100:103] = 0  # a speck
    rules = np.zeros(image.shape, np.uint8)
    rules[20:80, 517:519] = 255  # a rule tight beside the 7
    boxes = (("自然人", 0.99, (10.0, 35.0, 110.0, 68.0)),)  # an ideograph line 33 px high
    found = _missed_numbers(image, boxes, rules, ocr_engine(), 1.0)
    assert [text for text, _, _ in found] == ["1"]
    ((_, _, (left, top, right, bottom)),) = found
    assert left < 310 < right and top < 50 < bottom


def test_a_number_whose_ink_stands_in_more_pieces_than_its_digits_is_counted_so() -> None:
    """900022: 125 read as 25 at both scales, the box round all three digits. The cell's ink
    stands in three pieces; a 25 has two characters (Grid.uncounted, refused in table 二)."""
    import cv2

    from extract.ocr import _ink_pieces

    image = np.full((60, 200), 250, np.uint8)
    cv2.putText(image, "125", (60, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    page = replace(_page_of(image), marks=image)
    ys, xs = np.nonzero(image < 128)
    box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
    assert _ink_pieces(page, (0, 0, 200, 60), [box]) == 3
    inked = (image < 128).any(axis=0)
    one_ends = next(x for x in range(int(box[0]), 200) if not inked[x])
    image[:, :one_ends] = 250  # the 1 not printed: two pieces, as 25 has
    assert _ink_pieces(replace(page, image=image, marks=image), (0, 0, 200, 60), [box]) == 2


def test_a_number_beside_a_seals_erased_ink_is_uncounted_one_clear_of_it_is_not() -> None:
    """940022: 规章 现行有效 3 read 30 at both scales, the 0 the grey outline a red seal's
    character left once its colour was taken off; 30's ink stands in two pieces, as it
    should. Where coloured ink was taken off beside a number, 二 cannot trust it."""
    import cv2

    from extract.glyphs import merged_regions
    from extract.grid import CellEdges
    from extract.ocr import _digits_uncounted, _without_colour

    rgb = np.full((60, 400, 3), 250, np.uint8)
    cv2.putText(rgb, "3", (40, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.putText(rgb, "7", (240, 42), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.circle(rgb, (78, 30), 12, (220, 30, 30), 3)  # a seal's stroke beside the 3
    grey, seal = _without_colour(rgb)
    assert seal[30, 66] and not seal[30, 250] and grey[30, 66] == 255
    blank = np.zeros(grey.shape, np.uint8)
    page = ScannedPage(1, grey, (blank, blank), (), 0.0, DPI, grey, None, seal)
    rows = (("30", "7"),)
    boxes = [("30", 0.9, (38.0, 18.0, 92.0, 44.0)), ("7", 0.9, (238.0, 18.0, 262.0, 44.0))]
    ruled = CellEdges(True, True, True, True)
    regions = merged_regions([[ruled, ruled]])  # two cells, each ruled round
    xs, ys = [0, 200, 400], [0, 60]
    assert _digits_uncounted(page, rows, boxes, regions, xs, ys) == {(0, 0)}
    assert _digits_uncounted(replace(page, seal=None), rows, boxes, regions, xs, ys) == set()


def test_a_number_of_table_two_with_a_digit_uncounted_is_refused_one_of_a_summed_table_is_not() -> (
    None
):
    from extract.grid import Grid
    from extract.layout import read_value
    from extract.values import parse_amount, parse_count

    rows = (("行政规范性文件", "25"),)
    grid = Grid(
        1, 0, rows, rows, frozenset(), frozenset(), "ocr", None, None, None, frozenset({(0, 1)})
    )
    two = read_value(grid, 0, 1, parse_amount, ("disclosure", "normative_documents", "in_force"))
    three = read_value(grid, 0, 1, parse_count, ("application", "1", "total"))
    assert (two.value, two.reading) == (None, "ambiguous")
    assert three.value == 25


def test_a_dash_one_reading_saw_is_taken_where_the_other_has_it_faint_not_where_it_is_blank() -> (
    None
):
    """900010 (150 dpi, blurred): '—'s set against their rule, seen at one scale, grey past
    the ink level at the other. Both images hold the dash: a zero mark. Blank in one: not."""
    from extract.ocr import _mark_seen_twice

    dark = _cell(lambda im: im.__setitem__((slice(29, 32), slice(35, 65)), 90))
    grey = _cell(lambda im: im.__setitem__((slice(29, 32), slice(35, 65)), 205))
    blank = _cell(lambda im: None)
    box = (0, 0, 100, 60)
    pages = [replace(p, marks=p.image) for p in (dark, grey, blank)]
    dark, grey, blank = pages
    assert _zero_mark(grey, box) == ""
    assert _mark_seen_twice(dark, grey, box, {"—", ""}) == {"—"}
    assert _mark_seen_twice(dark, blank, box, {"—", ""}) == {"—", ""}


def test_a_slash_one_reading_saw_is_taken_where_the_other_has_it_in_the_cells_middle() -> None:
    """910014: '/'s read as slashes at 200 dpi, and at 300 dpi as other ink, the image
    straightened again leaving a rule's remains along the cell's edges."""
    from extract.ocr import _mark_seen_twice

    def edged(draw) -> ScannedPage:  # the mark, and dark remains of rules at two edges
        def both(im: np.ndarray) -> None:
            draw(im)
            im[0:60, 0:3] = 60
            im[0:3, 0:100] = 60

        page = _cell(both)
        return replace(page, marks=page.image)

    clean = replace(_cell(_slash), marks=_cell(_slash).image)
    box = (0, 0, 100, 60)
    slash = edged(_slash)
    one = edged(lambda im: im.__setitem__((slice(18, 44), slice(48, 51)), 60))
    assert _zero_mark(slash, box) is None
    assert _mark_seen_twice(clean, slash, box, {"/", None}) == {"/"}
    assert _mark_seen_twice(clean, one, box, {"/", None}) == {"/", None}  # a 1: no mark
