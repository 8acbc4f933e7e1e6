"""The glyph reading: cells filled from glyph boxes, merged cells, wraps, doubtful glyphs."""

from __future__ import annotations

from types import SimpleNamespace

from extract.glyphs import Glyph, read_cells
from extract.report import extract_report
from extract.values import parse_count
from tests.conftest import SAMPLE_PORTAL, sample_manifest

# Two rows (y 100–80, 80–60) × two columns (x 0–40, 40–80), camelot's conventions.
ROWS = [(100.0, 80.0), (80.0, 60.0)]
COLS = [(0.0, 40.0), (40.0, 80.0)]


def glyph(
    text: str, x: float, baseline: float, width: float = 5.0, size: float = 10.0, low: bool = False
) -> Glyph:
    """A glyph with its drawn box (punctuation sits low) and its advance/line box."""
    bottom = baseline - 1 if not low else baseline - 2
    top = baseline + 7 if not low else baseline + 1
    return Glyph(
        text, x, bottom, x + width - 1, top, x, baseline - 2, x + width, baseline - 2 + size
    )


def cells(merged_right: bool = False) -> list[list[SimpleNamespace]]:
    def cell(r: int, c: int) -> SimpleNamespace:
        open_side = merged_right and r == 0  # no rule between the two cells of row 0
        return SimpleNamespace(
            left=not (open_side and c == 1), right=not (open_side and c == 0), top=True, bottom=True
        )

    return [[cell(r, c) for c in range(2)] for r in range(2)]


def test_each_glyph_goes_to_the_cell_its_centre_is_in() -> None:
    reading = read_cells(
        [glyph("1", 45, 86), glyph("2", 50, 86), glyph("7", 45, 66)], ROWS, COLS, cells()
    )
    assert reading.rows == (("", "12"), ("", "7"))
    assert not reading.ambiguous and not reading.covered


def test_a_number_wrapped_in_a_narrow_cell_is_joined() -> None:
    line1 = [glyph(ch, 41 + 6 * i, 90, width=6) for i, ch in enumerate("3,11")]  # fills the cell
    reading = read_cells([*line1, glyph("1", 41, 82, width=6)], ROWS, COLS, cells())
    assert reading.rows[0][1] == "3,111"


def test_two_short_numbers_in_one_cell_are_not_joined() -> None:
    reading = read_cells([glyph("1", 55, 90), glyph("2", 55, 82)], ROWS, COLS, cells())
    assert reading.rows[0][1] == "1\n2"
    assert parse_count(reading.rows[0][1]) is None


def test_low_punctuation_stays_on_its_line() -> None:
    text = [
        glyph("1", 2, 86),
        glyph("、", 7, 86, low=True),
        glyph("属", 12, 86, width=10),
        glyph("于", 22, 86, width=10),
    ]
    assert read_cells(text, ROWS, COLS, cells()).rows[0][0] == "1、属于"


def test_a_glyph_on_a_rule_makes_its_cell_ambiguous() -> None:
    reading = read_cells([glyph("5", 50, 77)], ROWS, COLS, cells())  # centre at y 80: the rule
    assert reading.ambiguous


def test_merged_cell_text_goes_to_its_top_left_cell() -> None:
    reading = read_cells(
        [glyph("行", 30, 86, width=10), glyph("政", 40, 86, width=10)],
        ROWS,
        COLS,
        cells(merged_right=True),
    )
    assert reading.rows[0] == ("行政", "")
    assert reading.covered == frozenset({(0, 1)})


def test_second_reading_differs_where_camelot_misplaces_cff_text() -> None:
    # yunxi-city-2022 is printed by LibreOffice in Noto Sans CJK (OpenType/CFF): camelot's own
    # text lands a line low in places; the glyph reading keeps every value exact (see the
    # corpus tests) and records where the two readings disagreed.
    entry = next(m for m in sample_manifest() if m["slug"] == "yunxi-city-2022")
    report = extract_report(SAMPLE_PORTAL / entry["path"])
    differs = [c for c in report.cells if c.reading == "camelot-differs"]
    assert differs and all(c.value is not None for c in differs)
