"""Tables printed without rules, read by where their text sits (extract/positions.py)."""

from __future__ import annotations

from corpus.score import truth_cells
from extract.positions import Chunk, _bands, place_chunks
from extract.report import extract_report
from tests.conftest import SAMPLE_PORTAL, sample_manifest, sample_truth

SIZE = 10.0


def chunk(text: str, left: float, top: float) -> Chunk:
    return Chunk(text, left, left + SIZE * len(text), top - SIZE, top, SIZE)


HEADER = (chunk("信息内容", 0, 100), chunk("件数", 100, 100), chunk("金额", 200, 100))


def test_values_go_under_their_column_heads_and_blanks_stay_blank() -> None:
    data = (chunk("规章", 0, 80), chunk("7", 115, 80))  # 件数 printed, 金额 left blank
    placed = place_chunks(_bands([HEADER, data], [])[0])
    assert placed.rows[-1] == ("规章", "7", "")
    assert placed.ambiguous == frozenset()


def test_a_value_between_two_column_heads_is_ambiguous_not_guessed() -> None:
    between = (chunk("规章", 0, 80), chunk("7", 157, 80))  # centre 162: under neither head
    placed = place_chunks(_bands([HEADER, between], [])[0])
    assert placed.ambiguous == {(1, 2)}  # flagged in the column it is nearest to


def test_two_values_under_one_head_are_ambiguous() -> None:
    crowded = (chunk("规章", 0, 80), chunk("1", 102, 80), chunk("2", 112, 80))
    placed = place_chunks(_bands([HEADER, crowded], [])[0])
    assert placed.rows[-1][1] == "1 2"
    assert (1, 1) in placed.ambiguous


def test_the_lowest_head_makes_the_column_and_a_title_line_makes_none() -> None:
    title = (chunk("第二十条第（五）项", 60, 120),)  # one chunk across the table: a title
    spanning = (chunk("信息内容", 0, 110), chunk("本年处理决定数量", 100, 110))
    lower = (chunk("维持", 100, 100), chunk("纠正", 140, 100))  # under 本年处理决定数量
    bands, columns = _bands([title, spanning, lower, (chunk("1", 105, 80),)], [])
    assert [c.text for c in columns] == ["信息内容", "维持", "纠正"]
    assert place_chunks(bands).rows[-1] == ("", "1", "")


def test_a_table_broken_across_pages_keeps_its_columns() -> None:
    _, columns = _bands([HEADER, (chunk("规章", 0, 80), chunk("1", 105, 80))], [])
    bands, _ = _bands([(chunk("行政许可", 0, 700), chunk("3", 205, 700))], columns)
    assert place_chunks(bands).rows == (("行政许可", "", "3"),)


def test_unruled_sample_reports_are_exact_and_say_how_they_were_read() -> None:
    unruled = [
        m
        for m in sample_manifest()
        if m["kind"] == "report" and sample_truth(m["truth"])["variant"]["unruled"]
    ]
    assert len(unruled) == 3
    for entry in unruled:
        truth = sample_truth(entry["truth"])
        report = extract_report(SAMPLE_PORTAL / entry["path"])
        by_piece = {(p.page, p.piece): p for p in report.pieces}
        for table in truth["variant"]["unruled"]:
            cells = [c for c in report.cells if c.table == table]
            assert cells, table
            for c in cells:
                piece = by_piece[(c.page, c.piece)]
                assert (piece.method, piece.accuracy) == ("text-position", None)
                assert (
                    c.value is not None
                    and float(c.value) == truth_cells(truth)[(c.table, c.row, c.col)]
                )
                assert c.reading == "agree"  # pdfium's bounded text says the same


def _glyph_run(text: str, x: float = 100.0, size: float = 10.0) -> list:
    from extract.glyphs import Glyph

    return [
        Glyph(
            ch,
            x + i * size,
            700,
            x + (i + 1) * size,
            710,
            x + i * size,
            700,
            x + (i + 1) * size,
            710,
        )
        for i, ch in enumerate(text)
    ]


def test_a_vertical_heading_character_set_close_to_a_label_is_its_own_chunk() -> None:
    """Chromium set 本 of 三、本年度办理结果 hard against （二）部分公开: two cells, two chunks."""
    from extract.chunks import _chunks

    assert [c.text for c in _chunks(_glyph_run("本（二）部分公开"))] == ["本", "（二）部分公开"]
    assert [c.text for c in _chunks(_glyph_run("三、（一）予以公开"))] == ["三、", "（一）予以公开"]
    # a numbering inside a title is no label start: 第二十条第（一）项 stays one chunk
    assert [c.text for c in _chunks(_glyph_run("第二十条第（一）项"))] == ["第二十条第（一）项"]


def test_an_opening_bracket_left_behind_goes_to_the_numbering_it_opens() -> None:
    from extract.chunks import _chunks

    glyphs = _glyph_run("三、(") + _glyph_run("一)予以公开", x=135.0)
    assert [c.text for c in _chunks(glyphs)] == ["三、", "(一)予以公开"]


def test_a_value_flush_beside_its_head_is_that_columns_when_far_nearer_to_it() -> None:
    """A value set flush right in a wide cell sits beside its centred head, not under it."""
    beside = (chunk("规章", 0, 80), chunk("7", 128, 80))  # centre 133: 23 from 件数, 77 from 金额
    placed = place_chunks(_bands([HEADER, beside], [])[0])
    assert placed.rows[-1] == ("规章", "7", "")
    assert placed.ambiguous == frozenset()
