"""Files that cannot be read are refused with a reason a person understands."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from extract.report import extract_report
from nianbao.errors import NotAPdf, TerminalError, UnknownLayout, UnreadableFile, UnreadablePdf
from tests.conftest import SAMPLE_PORTAL, real_pdf, sample_manifest


def _reportlab_pdf(path: Path, draw, **kwargs) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1, **kwargs)
    draw(c)
    c.showPage()
    c.save()
    return path


SPECIAL_FILES = [
    m for m in sample_manifest() if m["expected"] == "quarantined" and m["kind"] != "dead-link"
]


@pytest.mark.parametrize("entry", SPECIAL_FILES, ids=[m["kind"] for m in SPECIAL_FILES])
def test_special_corpus_file_is_refused_with_its_reason(entry: dict) -> None:
    with pytest.raises(TerminalError) as err:
        extract_report(SAMPLE_PORTAL / entry["path"])
    assert entry["reason"] in err.value.reason


def test_truncated_real_pdf_is_refused(tmp_path: Path) -> None:
    data = real_pdf("hongze-district-2023").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(TerminalError):
        extract_report(cut)


def test_zero_byte_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(NotAPdf, match="empty file"):
        extract_report(empty)


def test_html_served_as_pdf(tmp_path: Path) -> None:
    page = tmp_path / "report.pdf"
    page.write_text("<!DOCTYPE html><html><body>404 页面不存在</body></html>", encoding="utf-8")
    with pytest.raises(NotAPdf, match="not a PDF"):
        extract_report(page)


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    img = Image.new("RGB", (200, 100), "white")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    path = _reportlab_pdf(
        tmp_path / "scan.pdf",
        lambda c: c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 50, 500),
    )
    with pytest.raises(UnreadablePdf, match="no text layer"):
        extract_report(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = _reportlab_pdf(
        tmp_path / "locked.pdf", lambda c: c.drawString(50, 500, "locked"), encrypt="secret"
    )
    with pytest.raises(UnreadablePdf, match="encrypted"):
        extract_report(path)


def test_prose_only_report_has_no_tables(tmp_path: Path) -> None:
    path = _reportlab_pdf(
        tmp_path / "prose.pdf", lambda c: c.drawString(50, 500, "annual report, no tables")
    )
    with pytest.raises(UnknownLayout):
        extract_report(path)


def test_an_ofd_file_with_no_pages_is_quarantined_saying_it_holds_no_text(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "report.ofd"
    with zipfile.ZipFile(path, "w") as ofd:  # the OFD container: a zip with OFD.xml at its root
        ofd.writestr(
            "OFD.xml",
            '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody>'
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        ofd.writestr(
            "Doc_0/Document.xml", '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
    with pytest.raises(UnreadableFile, match="OFD whose pages hold no text"):
        extract_report(path)
