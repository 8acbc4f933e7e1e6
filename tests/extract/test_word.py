"""Reports published as Word files (extract/word.py): merged cells from the XML, two readings,
and a Word 97 / WPS file on a machine without LibreOffice."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from corpus.fuzz import PUBLISHERS, fuzz_report
from extract.report import extract_report
from nianbao.errors import ReaderMissing
from tests.conftest import REPO

# Seeds drawn for these tests only, never tuned on (bench/fuzz.py --as docx tunes on 0–199).
UNSEEN = range(720000, 720016)


def _expected(fuzzed) -> dict[tuple[str, str, str], float]:
    truth = fuzzed.truth()
    return {
        (t, r, c): float(v)
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }


@pytest.mark.parametrize("seed", UNSEEN)
def test_generated_word_files_read_exactly(tmp_path: Path, seed: int) -> None:
    fuzzed = fuzz_report(seed)
    report = extract_report(PUBLISHERS["docx"](fuzzed, tmp_path))
    got = {(c.table, c.row, c.col): float(c.value) for c in report.cells if c.value is not None}
    assert got == _expected(fuzzed)
    assert (report.agency, report.year, report.method) == (
        fuzzed.report.agency,
        fuzzed.report.year,
        "docx",
    )
    assert {c.reading for c in report.cells} == {"agree"}


def test_merged_heads_are_covered_and_values_never_are(tmp_path: Path) -> None:
    fuzzed = fuzz_report(UNSEEN[0])
    path = PUBLISHERS["docx"](fuzzed, tmp_path)
    from extract.word import read_docx

    grids = read_docx(path).grids
    assert any(grid.covered for grid in grids)  # the form's stacked heads are merged cells
    report = extract_report(path)
    assert all(c.reading != "ambiguous" for c in report.cells)


def test_a_line_break_inside_a_value_is_refused_not_joined(tmp_path: Path) -> None:
    fuzzed = fuzz_report(UNSEEN[1])
    path = PUBLISHERS["docx"](fuzzed, tmp_path)
    document = docx.Document(str(path))
    row = next(r for t in document.tables for r in t.rows if "本年新收" in r.cells[0].text)
    cell = row.cells[-1]  # 总计 of row 1
    printed = cell.text
    cell.paragraphs[0].runs[0].text = printed[:1]
    cell.paragraphs[0].runs[0].add_break()
    cell.paragraphs[0].add_run(printed[1:] or "0")
    document.save(str(path))
    report = extract_report(path)
    (total,) = [c for c in report.cells if (c.table, c.row, c.col) == ("application", "1", "total")]
    assert total.value is None


def test_a_word97_file_without_libreoffice_is_quarantined_saying_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Word 97 / WPS binary starts with the OLE compound-file signature.
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    with pytest.raises(ReaderMissing, match="needs LibreOffice"):
        extract_report(path)


def test_a_word97_file_converted_by_libreoffice_reads_exactly() -> None:
    # data/fuzz_cases/word97-740001.docx: seed 740001 published as .docx, saved as .doc by
    # LibreOffice and converted back by extract/word.converted_to_docx (as a .doc attachment
    # is read). The round trip leaves a 1-twip grid column inside table 四's heads.
    from docx.oxml.ns import qn

    path = REPO / "data" / "fuzz_cases" / "word97-740001.docx"
    widths = [
        int(c.get(qn("w:w")))
        for t in docx.Document(str(path)).tables
        for c in t._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    ]
    assert min(widths) < 80  # the sliver is there
    fuzzed = fuzz_report(740001)
    report = extract_report(path)
    got = {(c.table, c.row, c.col): float(c.value) for c in report.cells if c.value is not None}
    assert got == _expected(fuzzed) and report.unread == ()
