"""Open a PDF, read its text layer, find the title and the pages that hold the tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from extract.labels import PAGE_FOOTER, TABLE_PAGE_MARKERS, UNSUPPORTED_FORMS
from extract.titles import title_in_lines
from nianbao.errors import (
    NotAPdf,
    NoTextLayer,
    UnknownLayout,
    UnreadablePdf,
    UnsupportedFormVersion,
)
from nianbao.form import REVIEW_CELLS


@dataclass(frozen=True)
class PdfText:
    path: str
    page_texts: tuple[str, ...]

    @property
    def pages(self) -> int:
        return len(self.page_texts)


def read_pdf_text(path: str | Path) -> PdfText:
    """Every page's text, or a TerminalError that says in words why the file cannot be read."""
    path = Path(path)
    _check_is_pdf(path)
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise UnreadablePdf(_pdfium_reason(str(err))) from err
    try:
        texts = tuple(_page_text(doc, i) for i in range(len(doc)))
    finally:
        doc.close()
    if not texts:
        raise UnreadablePdf("the PDF has no pages")
    if not any(t.strip() for t in texts):
        raise NoTextLayer("no text layer: the PDF holds only images (a scan?), nothing to read")
    return PdfText(str(path), texts)


def _check_is_pdf(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise NotAPdf("empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        preview = head[:40].decode("utf-8", "replace").strip().replace("\n", " ")
        raise NotAPdf(f"not a PDF: the file starts with {preview!r}")
    with path.open("rb") as fh:
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise UnreadablePdf(
            f"truncated: the file ({size} bytes) ends before the PDF's end-of-file marker; "
            "the download or the upload was cut short"
        )


def _pdfium_reason(message: str) -> str:
    lowered = message.lower()
    if "password" in lowered or "security" in lowered:
        return "the PDF is encrypted (password protected)"
    if "format" in lowered or "corrupt" in lowered or "damaged" in lowered:
        return "the PDF is damaged or truncated and cannot be opened"
    return f"the PDF cannot be opened ({message})"


def _page_text(doc: pdfium.PdfDocument, index: int) -> str:
    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def find_title(text: PdfText) -> tuple[str, int]:
    """(agency, year) as printed in the report's title on its first page(s)."""
    for page_text in text.page_texts[:2]:
        lines = [ln.strip() for ln in page_text.splitlines()]
        found = title_in_lines([ln for ln in lines if ln and not PAGE_FOOTER.match(ln)])
        if found:
            return found
    raise UnknownLayout(NO_TITLE)


NO_TITLE = (
    "no title '<机关> <年> 年政府信息公开工作年度报告' (or 年报, 工作报告, 政务公开…) "
    "found on the first pages"
)


def table_page_numbers(text: PdfText) -> tuple[int, ...]:
    """1-based pages from the first to the last page printing a table-only phrase."""
    hits = [i + 1 for i, t in enumerate(text.page_texts) if TABLE_PAGE_MARKERS.search(_squash(t))]
    if not hits:
        raise UnknownLayout(
            "no statistical tables: none of the form's table headings "
            "(本年制发件数, 本年新收政府信息公开申请数量, 尚未审结…) appear in the text"
        )
    last = hits[-1]
    if last < text.pages and _review_values_on_next_page(text.page_texts[last - 1]):
        last += 1
    return tuple(range(hits[0], last + 1))


_VALUE_TOKEN = re.compile(r"^(\d[\d,]*|[-—–/／])$")
# 尚未审结, which a narrow head may wrap anywhere (尚未审 / 结), or 行政诉讼 atop table 四 when
# the page breaks inside its heads (尚 / 未 / 审 at the foot, 结 on the next page).
_PENDING_HEAD = re.compile(r"审\s*结|行政诉讼")


def _review_values_on_next_page(page_text: str) -> bool:
    """Table 四's heading ends the page but its 15 values do not follow on it."""
    heads = list(_PENDING_HEAD.finditer(page_text))
    if not heads:
        return False
    tail = page_text[heads[-1].end() :].split()
    return sum(1 for token in tail if _VALUE_TOKEN.match(token)) < REVIEW_CELLS


def check_form_version(text: PdfText) -> None:
    check_form_text("".join(text.page_texts))


def check_form_text(body: str) -> None:
    """Raises UnsupportedFormVersion when the tables' text is that of a form nianbao does not
    read (the 2019 trial format's table 二)."""
    squashed = _squash(body)
    for version, pattern in UNSUPPORTED_FORMS.items():
        if pattern.search(squashed):
            raise UnsupportedFormVersion(f"unsupported form version: {version}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
