"""A report published as a Word file: its tables read straight from the .docx XML.

Merged cells come from the XML itself (w:gridSpan across, w:vMerge down), so the grid is the
table as its author built it: exact by construction, no geometry involved. Each cell is read
twice: python-docx's text of its paragraphs, and the w:t text nodes of each w:p gathered
directly (a line break or tab inside a value then shows as a disagreement, never as one
number). A .doc or .wps file (Word 97 / WPS binary) is converted to .docx by LibreOffice
first, when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from lxml import etree

from extract.grid import DOCX_METHOD, Grid
from nianbao.errors import ReaderMissing, UnreadableFile

_W_P, _W_T, _W_BR, _W_TAB, _W_CR = qn("w:p"), qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")


@dataclass(frozen=True)
class WordDocument:
    titles: tuple[str, ...]  # the first paragraphs, then the file's own title property
    text: str  # every paragraph and table cell, a line each
    grids: tuple[Grid, ...]


def read_docx(path: Path) -> WordDocument:
    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises zipfile/KeyError/lxml errors for bad files
        raise UnreadableFile(
            f"the Word file cannot be opened ({type(err).__name__}: {err})"
        ) from err
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    grids = tuple(_grid(i, table) for i, table in enumerate(document.tables))
    cells = ["\t".join(row) for grid in grids for row in grid.rows]
    titles = (*paragraphs[:12], document.core_properties.title or "")
    return WordDocument(tuple(t for t in titles if t), "\n".join(paragraphs + cells), grids)


def _grid(index: int, table: Table) -> Grid:
    """The table's cells placed on its grid: a cell's text in its top-left position, the
    positions it spans (gridSpan) or continues (vMerge) covered and empty."""
    tbl = table._tbl
    first: dict[tuple[int, int], str] = {}
    second: dict[tuple[int, int], str] = {}
    covered: set[tuple[int, int]] = set()
    rows = tbl.findall(qn("w:tr"))
    for r, tr in enumerate(rows):
        c = _grid_before(tr)
        for tc in tr.findall(qn("w:tc")):
            span = _int_val(tc, "w:gridSpan", 1)
            continues = _vmerge(tc) == "continue"
            for dc in range(span):
                place = (r, c + dc)
                if continues or dc:
                    covered.add(place)
                    first[place] = second[place] = ""
                else:
                    first[place] = _Cell(tc, table).text.strip()
                    second[place] = _xml_text(tc).strip()
            c += span
    width = max((c + 1 for _, c in first), default=0)
    for sliver in reversed(_sliver_columns(tbl, width)):
        first, second, covered = _joined(sliver, first, second, covered, len(rows), width)
        width -= 1
    return Grid(
        page=1,
        order=index,
        rows=_rows(first, len(rows), width),
        second_rows=_rows(second, len(rows), width),
        ambiguous=frozenset(),
        covered=frozenset(covered),
        method=DOCX_METHOD,
        accuracy=None,
        whitespace=None,
        confidence=None,
    )


# A grid column narrower than this (4 pt, as extract/tables.SLIVER_PT) holds no text: two
# cell borders meant as one (Word 97 → .docx conversion leaves a 1-twip column, say).
SLIVER_TWIPS = 80


def _sliver_columns(tbl: etree._Element, width: int) -> list[int]:
    grid = tbl.find(qn("w:tblGrid"))
    cols = grid.findall(qn("w:gridCol")) if grid is not None else []
    widths = [int(c.get(qn("w:w"), "0") or 0) for c in cols]
    if len(widths) != width or width < 2:
        return []
    return [c for c, w in enumerate(widths) if 0 < w < SLIVER_TWIPS]


def _joined(
    c: int,
    first: dict[tuple[int, int], str],
    second: dict[tuple[int, int], str],
    covered: set[tuple[int, int]],
    height: int,
    width: int,
) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str], set[tuple[int, int]]]:
    """Column `c` joined to the column after it (the last to the one before): each row's two
    texts run together, the joined cell covered only when both were."""
    a, b = (c, c + 1) if c + 1 < width else (c - 1, c)
    out1: dict[tuple[int, int], str] = {}
    out2: dict[tuple[int, int], str] = {}
    out_covered: set[tuple[int, int]] = set()
    for r in range(height):
        for col in range(width):
            if col == b:
                continue
            to = col if col <= a else col - 1
            if col == a:
                out1[(r, to)] = first.get((r, a), "") + first.get((r, b), "")
                out2[(r, to)] = second.get((r, a), "") + second.get((r, b), "")
                if (r, a) in covered and (r, b) in covered:
                    out_covered.add((r, to))
                continue
            out1[(r, to)] = first.get((r, col), "")
            out2[(r, to)] = second.get((r, col), "")
            if (r, col) in covered:
                out_covered.add((r, to))
    return out1, out2, out_covered


def _rows(
    texts: dict[tuple[int, int], str], height: int, width: int
) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(texts.get((r, c), "") for c in range(width)) for r in range(height))


def _grid_before(tr: etree._Element) -> int:
    """Columns a row leaves empty before its first cell (w:trPr/w:gridBefore)."""
    props = tr.find(qn("w:trPr"))
    return _int_val(props, "w:gridBefore", 0) if props is not None else 0


def _int_val(element: etree._Element, tag: str, default: int) -> int:
    found = element.find(f".//{qn(tag)}")
    if found is None:
        return default
    try:
        return max(0, int(found.get(qn("w:val"), default)))
    except ValueError:
        return default


def _vmerge(tc: etree._Element) -> str | None:
    """'restart' for the first cell of a vertical merge, 'continue' for the ones below."""
    props = tc.find(qn("w:tcPr"))
    found = props.find(qn("w:vMerge")) if props is not None else None
    if found is None:
        return None
    return found.get(qn("w:val"), "continue")


def _xml_text(tc: etree._Element) -> str:
    """The cell's w:t nodes, a line per paragraph, a line break or tab kept as whitespace."""
    lines = []
    for p in tc.iter(_W_P):
        parts = []
        for node in p.iter(_W_T, _W_BR, _W_TAB, _W_CR):
            parts.append(node.text or "" if node.tag == _W_T else "\n")
        lines.append("".join(parts))
    return "\n".join(lines)


# ---- Word 97 / WPS binaries, through LibreOffice --------------------------------------------


def converted_to_docx(path: Path, work: Path) -> Path:
    """`path` (.doc / .wps) converted into `work` by LibreOffice; a TerminalError naming what
    is missing when LibreOffice is not installed."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise ReaderMissing(
            "a Word 97 (.doc) or WPS file: reading it needs LibreOffice, which is not installed "
            "(apt-get install libreoffice-writer-nogui; `make corpus-tools` installs it)"
        )
    source = work / "report.doc"
    shutil.copyfile(path, source)
    profile = f"-env:UserInstallation=file://{work}/profile"
    done = subprocess.run(
        [
            program,
            profile,
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(work),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    out = work / "report.docx"
    if done.returncode != 0 or not out.is_file():
        raise ReaderMissing(
            f"LibreOffice could not convert the Word 97 / WPS file (exit {done.returncode}): "
            f"{done.stderr.decode(errors='replace')[-300:]}"
        )
    return out


def read_word97(path: Path) -> WordDocument:
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        return read_docx(converted_to_docx(path, Path(tmp)))
