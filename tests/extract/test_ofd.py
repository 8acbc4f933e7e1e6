"""OFD reports: each character and rule where the OFD puts it, read by the PDF readers, exactly
as the same report printed to PDF."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from corpus.render_ofd import pdf_as_ofd
from corpus.score import truth_cells
from extract.formats import file_format
from extract.ofd import deltas, read_ofd
from extract.report import extract_report
from nianbao.errors import UnreadableFile
from tests.conftest import (
    REAL_NAMES,
    SAMPLE_PORTAL,
    real_pdf,
    real_truth,
    sample_manifest,
    sample_truth,
)

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _exact(report, truth: dict) -> dict:
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    expected = truth_cells(truth)
    assert set(got) == set(expected)
    return {k: (got[k], v) for k, v in expected.items() if got[k] is None or float(got[k]) != v}


@pytest.mark.parametrize("name", REAL_NAMES)
def test_a_real_report_re_published_as_ofd_reads_exactly(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.ofd"
    path.write_bytes(pdf_as_ofd(real_pdf(name)))
    assert file_format(path) == "ofd"
    report = extract_report(path)
    truth = real_truth(name)
    assert (report.agency, report.year) == (truth["agency"], truth["year"])
    assert report.method == "ofd-lattice-vector"
    assert _exact(report, truth) == {}


def _sample_reports() -> list[dict]:
    """One sample report per renderer, and each printed with a table without rules."""
    reports = [
        m
        for m in sample_manifest()
        if m["kind"] == "report" and m["expected"] == "loaded" and m["path"].endswith(".pdf")
    ]
    chosen: dict[object, dict] = {}
    for m in reports:
        variant = sample_truth(m["truth"])["variant"]
        key = tuple(variant["unruled"]) or variant["renderer"]
        chosen.setdefault(key, m)
    return list(chosen.values())


@pytest.mark.parametrize("entry", _sample_reports(), ids=lambda m: m["slug"])
def test_a_sample_report_as_ofd_reads_as_its_pdf_does(entry: dict, tmp_path: Path) -> None:
    path = tmp_path / "report.ofd"
    path.write_bytes(pdf_as_ofd(SAMPLE_PORTAL / entry["path"]))
    assert _exact(extract_report(path), sample_truth(entry["truth"])) == {}


def _ofd(path: Path, content: str, box: str = "0 0 210 297") -> Path:
    with zipfile.ZipFile(path, "w") as ofd:
        ofd.writestr(
            "OFD.xml",
            f"<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        ofd.writestr(
            "Doc_0/Document.xml",
            f"<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>{box}"
            "</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>"
            '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        )
        ofd.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f"<ofd:Page {NS}><ofd:Content><ofd:Layer>{content}</ofd:Layer></ofd:Content></ofd:Page>",
        )
    return path


def test_deltas_expand_the_g_shorthand_and_stop_at_the_last_character() -> None:
    assert deltas("g 3 1.5 2", 5) == [1.5, 1.5, 1.5, 2.0]
    assert deltas("1 2 3 4", 3) == [1.0, 2.0]
    assert deltas(None, 3) == [None, None]
    assert deltas("2", 4) == [2.0, None, None]


def test_characters_and_rules_are_placed_by_boundary_ctm_and_delta_x(tmp_path: Path) -> None:
    path = _ofd(
        tmp_path / "placed.ofd",
        '<ofd:TextObject Boundary="10 20 50 10" Size="4" CTM="2 0 0 2 0 0">'
        '<ofd:TextCode X="1" Y="3" DeltaX="g 2 2.5">总计数</ofd:TextCode></ofd:TextObject>'
        '<ofd:PathObject Boundary="5 6 100 100" LineWidth="0.5">'
        "<ofd:AbbreviatedData>M 0 0 L 30 0 L 30 10 C</ofd:AbbreviatedData></ofd:PathObject>",
        box="0 0 100 150",
    )
    (page,) = read_ofd(path)
    assert (page.width, page.height) == (100, 150)
    assert [(c.text, c.x, c.y, c.size) for c in page.chars] == [
        ("总", 12.0, 26.0, 8.0),
        ("计", 17.0, 26.0, 8.0),
        ("数", 22.0, 26.0, 8.0),
    ]
    assert page.lines == (
        (5.0, 6.0, 35.0, 6.0, 0.5),
        (35.0, 6.0, 35.0, 16.0, 0.5),
        (35.0, 16.0, 5.0, 6.0, 0.5),
    )


def test_an_ofd_of_page_images_is_quarantined_saying_so(tmp_path: Path) -> None:
    path = _ofd(tmp_path / "scan.ofd", '<ofd:ImageObject ResourceID="9" Boundary="0 0 210 297"/>')
    with pytest.raises(UnreadableFile, match="no text .*page images"):
        extract_report(path)


def test_an_ofd_without_its_document_is_quarantined_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "broken.ofd"
    with zipfile.ZipFile(path, "w") as ofd:
        ofd.writestr("OFD.xml", f"<ofd:OFD {NS}><ofd:DocBody/></ofd:OFD>")
    with pytest.raises(UnreadableFile, match="OFD file that cannot be read"):
        extract_report(path)
