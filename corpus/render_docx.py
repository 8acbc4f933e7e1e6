"""Renderer 2: a Word document with real merged cells, printed to PDF by LibreOffice.

This is how most publishers make their reports: a .docx (or WPS) file with the national
form's tables pasted in, exported to PDF by an office suite. LibreOffice embeds TrueType
fonts as TrueType and Noto CJK (OpenType) as CFF, the case some PDF readers place a line off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from corpus.document import Document, Heading, Para, RuledTable
from corpus.fonts import FONTS


def _set_fonts(run_or_style: object, family: str, size: float | None = None) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = family
    if size:
        font.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _page_number_footer(section: object, family: str) -> None:
    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(paragraph.add_run("- "), family, 9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _set_fonts(paragraph.add_run(" -"), family, 9)


def _repeat_as_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _add_table(docx: object, t: RuledTable, family: str, size: float) -> None:
    table = docx.add_table(rows=len(t.rows), cols=len(t.col_widths_mm))  # type: ignore[attr-defined]
    if t.ruled:  # an unruled table is a Word table without borders (read from its XML)
        table.style = "Table Grid"
    table.autofit = False
    for c, width in enumerate(t.col_widths_mm):
        table.columns[c].width = Mm(width)
        for cell in table.columns[c].cells:
            cell.width = Mm(width)
    for c0, r0, c1, r1 in t.spans:  # merge first: merging cells with text would stack paragraphs
        table.cell(r0, c0).merge(table.cell(r1, c1))
    _, covered = t.merges()
    for r, row in enumerate(t.rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            cell = table.cell(r, c)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            if c in t.centered_cols:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            lines = text.split("\n")
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                _set_fonts(run, family, size)
                if i < len(lines) - 1:
                    run.add_break()
    if t.repeat_header:
        for r in range(t.header_rows):
            _repeat_as_header(table.rows[r])


def build_docx(doc: Document, path: Path) -> None:
    style = doc.style
    family = FONTS[style.font].family
    docx = new_docx()
    normal = docx.styles["Normal"]
    _set_fonts(normal, family, 10.5)
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(style.margin_mm))
    _page_number_footer(section, family)
    for block in doc.blocks:
        if isinstance(block, Heading):
            p = docx.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if block.level == 0 else WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.page_break_before = block.new_page
            _set_fonts(p.add_run(block.text), family, 16 if block.level == 0 else 12)
        elif isinstance(block, Para):
            p = docx.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(21)
            _set_fonts(p.add_run(block.text), family, 10.5)
        elif block.landscape:
            _landscape_section(docx, True)
            _add_table(docx, block, family, style.font_size)
            _landscape_section(docx, False)
        else:
            _add_table(docx, block, family, style.font_size)
    docx.core_properties.title = doc.title
    docx.save(str(path))


def _landscape_section(docx: object, landscape: bool) -> None:
    from docx.enum.section import WD_SECTION

    section = docx.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise RuntimeError(
            "LibreOffice is needed to print the .docx reports: `make corpus-tools` installs it"
        )
    return found


def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> None:
    """Print every .docx to PDF with one headless LibreOffice process."""
    if not docx_files:
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out_dir),
                *map(str, docx_files),
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
