"""A corpus PDF re-published as OFD (GB/T 33190, the national fixed-layout format), as a
portal's converter would: each line of text one TextObject whose TextCode spaces its
characters by DeltaX (with the `g` shorthand for runs of equal advances), each rule a
PathObject, in millimetres with y running down the page. Its truth is the PDF's."""

from __future__ import annotations

import ctypes
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MM = 25.4 / 72  # millimetres per PDF point
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def pdf_as_ofd(pdf: Path, title: str = "") -> bytes:
    """The OFD container (a zip) of the PDF's pages: text and rules, no images."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        pages = [_page(doc, i) for i in range(len(doc))]
        width, height = (v * MM for v in doc[0].get_size())
    finally:
        doc.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as ofd:
        ofd.writestr("OFD.xml", _root(title))
        ofd.writestr("Doc_0/Document.xml", _document(len(pages), width, height))
        ofd.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        )
        for i, content in enumerate(pages):
            ofd.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", content)
    return out.getvalue()


def _root(title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )


def _document(pages: int, width: float, height: float) -> str:
    listed = "".join(
        f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
        f"<ofd:MaxUnitID>1</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width:.2f} "
        f"{height:.2f}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml"
        f"</ofd:PublicRes></ofd:CommonData><ofd:Pages>{listed}</ofd:Pages></ofd:Document>"
    )


def _page(doc: pdfium.PdfDocument, index: int) -> str:
    page = doc[index]
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        objects = _text_objects(textpage, height) + _rule_objects(page, height)
    finally:
        textpage.close()
        page.close()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content>'
        f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def _text_objects(textpage: pdfium.PdfTextPage, height: float) -> list[str]:
    """A TextObject per run of characters on one baseline at one size."""
    runs: list[list[tuple[str, float, float, float]]] = []
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if not char.strip():  # a space ends a run: each advance in a run is a glyph's own
            if runs and runs[-1]:
                runs.append([])
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
        size = pdfium_c.FPDFText_GetFontSize(textpage, i) * _scale(textpage, i)
        glyph = (char, x.value * MM, (height - y.value) * MM, size * MM)
        if runs and _continues(runs[-1], glyph):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return [_text_object(run) for run in runs if run]


def _continues(
    run: list[tuple[str, float, float, float]], glyph: tuple[str, float, float, float]
) -> bool:
    """A glyph goes on a run begun after a space, or one whose last glyph is on its baseline,
    at its size, and to its left."""
    if not run:
        return True
    last = run[-1]
    return abs(last[2] - glyph[2]) < 0.05 and last[3] == glyph[3] and glyph[1] > last[1]


def _scale(textpage: pdfium.PdfTextPage, index: int) -> float:
    """How much the character's matrix scales its font size (a PDF may set text at size 1
    in a matrix that makes it 10.5 pt)."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix)):
        return 1.0
    return float(abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5) or 1.0


def _text_object(run: list[tuple[str, float, float, float]]) -> str:
    _, x0, baseline, size = run[0]
    width = run[-1][1] - x0 + size
    advances = [b[1] - a[1] for a, b in zip(run, run[1:], strict=False)]
    delta = f' DeltaX="{_delta_x(advances)}"' if advances else ""
    text = escape("".join(g[0] for g in run))
    return (
        f'<ofd:TextObject ID="3" Boundary="{x0:.3f} {baseline - size:.3f} {width:.3f} '
        f'{size * 1.3:.3f}" Font="1" Size="{size:.3f}"><ofd:TextCode X="0" Y="{size:.3f}"'
        f"{delta}>{text}</ofd:TextCode></ofd:TextObject>"
    )


def _delta_x(advances: list[float]) -> str:
    """OFD's DeltaX: `g N d` for N equal advances d, else each advance."""
    parts: list[str] = []
    i = 0
    while i < len(advances):
        j = i
        while j + 1 < len(advances) and abs(advances[j + 1] - advances[i]) < 0.001:
            j += 1
        if j > i:
            parts.append(f"g {j - i + 1} {advances[i]:.3f}")
        else:
            parts.append(f"{advances[i]:.3f}")
        i = j + 1
    return " ".join(parts)


def _rule_objects(page: pdfium.PdfPage, height: float) -> list[str]:
    """A PathObject per drawn path: a thin one (a rule, however drawn) as a line along it,
    a wider one as its outline."""
    found = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        x0, x1 = left * MM, right * MM
        y0, y1 = (height - top) * MM, (height - bottom) * MM
        if min(x1 - x0, y1 - y0) < 0.8:
            if x1 - x0 >= y1 - y0:
                y = (y0 + y1) / 2
                path = f"M {x0:.3f} {y:.3f} L {x1:.3f} {y:.3f}"
            else:
                x = (x0 + x1) / 2
                path = f"M {x:.3f} {y0:.3f} L {x:.3f} {y1:.3f}"
        else:
            path = (
                f"M {x0:.3f} {y0:.3f} L {x1:.3f} {y0:.3f} L {x1:.3f} {y1:.3f} L {x0:.3f} {y1:.3f} C"
            )
        found.append(
            f'<ofd:PathObject ID="4" Boundary="0 0 {x1 + 1:.3f} {y1 + 1:.3f}" LineWidth="0.25">'
            f"<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>"
        )
    return found
