"""An OFD report (GB/T 33190, the national fixed-layout format) drawn as a PDF, which the PDF
readers then read like any other: every character at the place the OFD gives it (its
TextCode's X/Y and DeltaX, in its object's Boundary and CTM), every PathObject's lines as
rules, in an embedded CJK font. The OFD fixes where each character and rule is, so the
ruled-table reader, the glyph reader and the text-position reader see the page as printed.

Read: a document's pages and their text and paths. Not read: page templates, images (an
OFD of page images is quarantined, saying so), clipping, fills' colours."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from nianbao.errors import ReaderMissing, UnreadableFile

OFD_PREFIX = "ofd-"  # a report read from an OFD: its method, e.g. 'ofd-lattice-vector'
PT = 72 / 25.4  # PDF points per millimetre (OFD's unit)
DEFAULT_LINE_WIDTH = 0.353  # mm (GB/T 33190: 1 pt)

# CJK fonts the drawn PDF may embed, the first present used (Debian's fonts-wqy-zenhei,
# fonts-noto-cjk, fonts-arphic-uming: the Makefile installs the first).
CJK_FONTS: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


@dataclass(frozen=True)
class OfdChar:
    text: str
    x: float  # mm from the page's left edge, at the character's origin
    y: float  # mm from the page's top edge, its baseline
    size: float  # mm
    advance: float | None = None  # mm to the next character of its TextCode (its DeltaX)


@dataclass(frozen=True)
class OfdPage:
    width: float  # mm
    height: float
    chars: tuple[OfdChar, ...]
    lines: tuple[tuple[float, float, float, float, float], ...]  # x0, y0, x1, y1, width (mm)


def ofd_as_pdf(path: Path, pdf: Path) -> Path:
    """Draw the OFD at `path` as the PDF `pdf`; UnreadableFile or ReaderMissing saying why not."""
    pages = read_ofd(path)
    if not any(p.chars for p in pages):
        raise UnreadableFile(
            "an OFD whose pages hold no text (page images, a scan): nianbao reads an OFD's "
            "text, not its images; a PDF of the same report, where the portal has one, is read"
        )
    _draw(pages, pdf)
    return pdf


def read_ofd(path: Path) -> list[OfdPage]:
    try:
        with zipfile.ZipFile(path) as ofd:
            return list(_pages(ofd))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as err:
        raise UnreadableFile(f"an OFD file that cannot be read ({err})") from err


def _xml(ofd: zipfile.ZipFile, name: PurePosixPath) -> etree._Element:
    return etree.fromstring(ofd.read(str(name).lstrip("/")))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (e for e in element.iter() if isinstance(e.tag, str) and _local(e) == name)


def _first_text(element: etree._Element, name: str) -> str | None:
    found = next(_children(element, name), None)
    return found.text.strip() if found is not None and found.text else None


def _pages(ofd: zipfile.ZipFile) -> Iterator[OfdPage]:
    names = {n.upper().lstrip("/"): n for n in ofd.namelist()}
    root = _xml(ofd, PurePosixPath(names["OFD.XML"]))
    doc_root = _first_text(root, "DocRoot")
    if doc_root is None:
        raise ValueError("OFD.xml names no DocRoot")
    document_path = PurePosixPath(doc_root.lstrip("/"))
    document = _xml(ofd, document_path)
    box = _box(_first_text(document, "PhysicalBox") or "0 0 210 297")
    for page in _children(document, "Page"):
        location = page.get("BaseLoc")
        if not location:
            continue
        content_path = _resolve(document_path.parent, location)
        content = _xml(ofd, content_path)
        own_box = _first_text(content, "PhysicalBox")
        page_box = _box(own_box) if own_box else box
        yield OfdPage(
            page_box[2],
            page_box[3],
            tuple(c for t in _children(content, "TextObject") for c in _chars(t)),
            tuple(line for p in _children(content, "PathObject") for line in _path_lines(p)),
        )


def _resolve(folder: PurePosixPath, location: str) -> PurePosixPath:
    return PurePosixPath(location.lstrip("/")) if location.startswith("/") else folder / location


def _box(text: str | None) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in (text or "0 0 0 0").split())
    return x, y, w, h


def _matrix(text: str | None) -> Matrix:
    if not text:
        return IDENTITY
    a, b, c, d, e, f = (float(v) for v in text.split())
    return a, b, c, d, e, f


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _chars(obj: etree._Element) -> Iterator[OfdChar]:
    """A TextObject's characters on the page: each TextCode's X/Y (or where the last left
    off), its DeltaX spacing, through the object's CTM, from its Boundary's corner."""
    bx, by, _, _ = _box(obj.get("Boundary"))
    ctm = _matrix(obj.get("CTM"))
    size = float(obj.get("Size", "3.528"))
    scale = (abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) ** 0.5 or 1.0
    x = y = 0.0
    for code in _children(obj, "TextCode"):
        text = code.text or ""
        x = float(code.get("X", x))
        y = float(code.get("Y", y))
        dx = deltas(code.get("DeltaX"), len(text))
        dy = deltas(code.get("DeltaY"), len(text))
        for i, char in enumerate(text):
            px, py = _apply(ctm, x, y)
            step_x = dx[i] if i < len(dx) else None
            if char.strip():
                advance = None if step_x is None else step_x * scale
                yield OfdChar(char, bx + px, by + py, size * scale, advance)
            if i < len(text) - 1:
                step_y = dy[i]
                x += size if step_x is None else step_x
                y += 0.0 if step_y is None else step_y
        x += size


def deltas(text: str | None, chars: int) -> list[float | None]:
    """OFD's DeltaX/DeltaY: the advance after each character but the last, where `g N d`
    stands for N advances of d; None where it gives none (the font's own advance then)."""
    found: list[float | None] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g":
            found.extend([float(tokens[i + 2])] * int(tokens[i + 1]))
            i += 3
        else:
            found.append(float(tokens[i]))
            i += 1
    return (found + [None] * chars)[: max(chars - 1, 0)]


_COMMAND = re.compile(r"[MLQBACS]|-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")
_ARGUMENTS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}


def _path_lines(obj: etree._Element) -> Iterator[tuple[float, float, float, float, float]]:
    """A PathObject's segments as straight lines on the page (curves by their chord: the
    form's rules are straight)."""
    if obj.get("Stroke", "true") == "false" and obj.get("Fill", "false") == "false":
        return
    bx, by, _, _ = _box(obj.get("Boundary"))
    ctm = _matrix(obj.get("CTM"))
    width = float(obj.get("LineWidth", DEFAULT_LINE_WIDTH))
    tokens = _COMMAND.findall(_first_text(obj, "AbbreviatedData") or "")
    start = here = None
    i = 0
    while i < len(tokens):
        command = tokens[i]
        count = _ARGUMENTS.get(command, 0)
        args = [float(v) for v in tokens[i + 1 : i + 1 + count]]
        i += 1 + count
        if command in ("M", "S"):
            start = here = _apply(ctm, args[0], args[1])
        elif command == "C":
            if here is not None and start is not None:
                yield (*_moved(here, bx, by), *_moved(start, bx, by), width)
            here = start
        elif args:
            end = _apply(ctm, args[-2], args[-1])
            if here is not None:
                yield (*_moved(here, bx, by), *_moved(end, bx, by), width)
            here = end


def _moved(point: tuple[float, float], bx: float, by: float) -> tuple[float, float]:
    return point[0] + bx, point[1] + by


def _stretch(char: OfdChar, em_width: float) -> float:
    """How wide to draw a character: as wide as the OFD spaces it (its advance to the next),
    not as wide as the drawing font's own glyph: the readers tell words apart by the gaps
    between glyphs, and this font's '(' is narrower than the one the report was set in. An
    advance over an em is a gap, not a glyph: drawn at its own width."""
    natural = em_width * char.size
    if char.advance is None or natural <= 0 or char.advance > 1.05 * char.size:
        return 1.0
    return char.advance / natural


DRAWING_FONT = "nianbao-ofd"


def _drawing_font() -> str:
    """The CJK font the PDF is drawn in, registered with reportlab the first time (it parses
    the whole font file; reportlab's registry keeps it for the process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if DRAWING_FONT in pdfmetrics.getRegisteredFontNames():
        return DRAWING_FONT
    font = next(((f, i) for f, i in CJK_FONTS if f.exists()), None)
    if font is None:
        raise ReaderMissing(
            "an OFD file: drawing it for the PDF readers needs a CJK font (fonts-wqy-zenhei), "
            "which this machine does not have"
        )
    pdfmetrics.registerFont(TTFont(DRAWING_FONT, str(font[0]), subfontIndex=font[1]))
    return DRAWING_FONT


def _draw(pages: list[OfdPage], pdf: Path) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = _drawing_font()
    canvas = Canvas(str(pdf))
    for page in pages:
        height = page.height * PT
        canvas.setPageSize((page.width * PT, height))
        for x0, y0, x1, y1, width in page.lines:
            canvas.setLineWidth(width * PT)
            canvas.line(x0 * PT, height - y0 * PT, x1 * PT, height - y1 * PT)
        for char in page.chars:
            text = canvas.beginText(char.x * PT, height - char.y * PT)
            text.setFont(font, char.size * PT)
            text.setHorizScale(100 * _stretch(char, stringWidth(char.text, font, 1.0)))
            text.textOut(char.text)
            canvas.drawText(text)
        canvas.showPage()
    canvas.save()
