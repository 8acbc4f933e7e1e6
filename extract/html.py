"""A report published as a web page: its <table>s as grids, each cell read by two HTML parsers.

Portals publish the report as the detail page itself, the tables pasted from Word into a CMS
editor: labels split over <p> and &nbsp; runs, nested <span>s, rowspan/colspan. Each table is
expanded into the same grid contract the PDF readers give (extract/tables.Grid: a merged cell's
text in its top-left cell, the cells it covers empty and marked), so the form-anchored parsers,
the label registry and the checks are shared. Every cell is read by lxml (libxml2) and by
selectolax (lexbor), two independent parsers; a value both do not read alike is not trusted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from extract.grid import HTML_METHOD, Grid
from extract.labels import TABLE_MARKERS
from extract.titles import squashed

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)
# Elements that start a new line where a browser shows them: a value split over two of them
# is two printed numbers, never one (values.clean_text keeps the gap).
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table"}
)
_SPANNED = tuple[str, int, int]  # a cell's text, rowspan, colspan


def decode_page(content: bytes, declared: str | None = None) -> str:
    """Page text by the declared charset, then the page's <meta>, then UTF-8, then GB18030."""
    if not declared:
        m = _META_CHARSET.search(content[:2048])
        declared = m.group(1).decode() if m else None
    for encoding in (declared, "utf-8", "gb18030"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", "replace")


@dataclass(frozen=True)
class HtmlPage:
    """What a report page says: its title candidates, its prose, its tables as grids."""

    titles: tuple[str, ...]  # <meta ArticleTitle>, <title>, headings, in that order
    text: str  # the whole page's text, tables included, a line per block
    grids: tuple[Grid, ...]


def read_html(content: bytes) -> HtmlPage:
    html = decode_page(content)
    root = lxml.html.document_fromstring(html)
    first = [_grid_rows(_lxml_rows(t)) for t in _outer_tables(root)]
    second = [_grid_rows(_lexbor_rows(t)) for t in _lexbor_tables(html)]
    grids = tuple(_grid(i, rows, second) for i, rows in enumerate(first))
    return HtmlPage(_titles(root), _block_text(_body(root)), grids)


def page_holds_form_tables(html: str) -> bool:
    """The page prints table 三 of the form as an HTML table (it is a report, not a notice)."""
    root = lxml.html.document_fromstring(html)
    marker = TABLE_MARKERS["application"]
    return any(marker.search(squashed(t.text_content())) for t in _outer_tables(root))


def content_sha256(content: bytes) -> str | None:
    """A report page's identity: the hash of its title and its tables' cell texts, so that a
    view counter or a date in the page's chrome does not make it a new report. None for a
    page without tables."""
    page = read_html(content)
    if not page.grids:
        return None
    digest = hashlib.sha256("\n".join(page.titles[:1]).encode())
    for grid in page.grids:
        for row in grid.rows:
            digest.update(("\t".join(squashed(c) for c in row) + "\n").encode())
    return digest.hexdigest()


# ---- the first reading: lxml -------------------------------------------------------------


def _outer_tables(root: etree._Element) -> list[etree._Element]:
    return [t for t in root.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]


def _lxml_rows(table: etree._Element) -> list[list[_SPANNED]]:
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    return [[_lxml_cell(td) for td in tr.xpath("./td | ./th")] for tr in rows]


def _lxml_cell(td: etree._Element) -> _SPANNED:
    return "".join(_lxml_text(td)).strip(), _span(td.get("rowspan")), _span(td.get("colspan"))


def _lxml_text(element: etree._Element) -> Iterator[str]:
    if not isinstance(element.tag, str):  # a comment or processing instruction
        yield element.tail or ""
        return
    block = element.tag.lower() in _BLOCKS
    if block:
        yield "\n"
    yield element.text or ""
    for child in element:
        yield from _lxml_text(child)
    if block:
        yield "\n"
    yield element.tail or ""


def _titles(root: etree._Element) -> tuple[str, ...]:
    found = [m.get("content", "") for m in root.iter("meta") if m.get("name") == "ArticleTitle"]
    found += [t.text_content() for t in root.iter("title")]
    found += [h.text_content() for h in root.iter("h1", "h2")]
    found += [d.text_content() for d in root.iter("div") if "title" in (d.get("class") or "")]
    return tuple(t.strip() for t in found if t and t.strip())


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    return root if body is None else body


def _block_text(root: etree._Element) -> str:
    lines = "".join(_lxml_text(root)).split("\n")
    return "\n".join(ln.strip() for ln in lines if ln.strip())


# ---- the second reading: selectolax (lexbor) ---------------------------------------------


def _lexbor_tables(html: str) -> list[LexborNode]:
    tree = LexborHTMLParser(html)
    return [t for t in tree.css("table") if not _has_ancestor(t, "table")]


def _has_ancestor(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _lexbor_rows(table: LexborNode) -> list[list[_SPANNED]]:
    rows = [tr for tr in table.css("tr") if _nearest_table(tr) == table]
    return [[_lexbor_cell(td) for td in tr.iter() if td.tag in ("td", "th")] for tr in rows]


def _nearest_table(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent


def _lexbor_cell(td: LexborNode) -> _SPANNED:
    attrs = td.attributes
    return (
        "".join(_lexbor_text(td)).strip(),
        _span(attrs.get("rowspan")),
        _span(attrs.get("colspan")),
    )


def _lexbor_text(node: LexborNode) -> Iterator[str]:
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            yield child.text_content or ""
        elif child.tag in ("-comment",):
            continue
        else:
            block = child.tag in _BLOCKS
            yield "\n" if block else ""
            yield from _lexbor_text(child)
            yield "\n" if block else ""


# ---- the grid both readings fill ---------------------------------------------------------


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


@dataclass(frozen=True)
class _Expanded:
    rows: tuple[tuple[str, ...], ...]
    covered: frozenset[tuple[int, int]]


def _grid_rows(rows: list[list[_SPANNED]]) -> _Expanded:
    """rowspan/colspan expanded: a merged cell's text in its top-left cell, the cells it
    covers empty and listed (as a ruled PDF grid gives them)."""
    taken: dict[tuple[int, int], str] = {}
    covered: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
                    if (dr, dc) != (0, 0):
                        covered.add((r + dr, c + dc))
            c += colspan
    height = len(rows)
    width = max((c + 1 for (_, c) in taken), default=0)
    grid = tuple(tuple(taken.get((r, c), "") for c in range(width)) for r in range(height))
    return _Expanded(grid, frozenset(cell for cell in covered if cell[0] < height))


def _grid(index: int, first: _Expanded, second: list[_Expanded]) -> Grid:
    other = second[index] if index < len(second) else None
    if other is None or _shape(other.rows) != _shape(first.rows):
        other = _Expanded(tuple(tuple("?" for _ in row) for row in first.rows), frozenset())
    return Grid(
        page=1,
        order=index,
        rows=first.rows,
        second_rows=other.rows,
        ambiguous=frozenset(),
        covered=first.covered | other.covered,
        method=HTML_METHOD,
        accuracy=None,
        whitespace=None,
        confidence=None,
    )


def _shape(rows: Iterable[tuple[str, ...]]) -> list[int]:
    return [len(r) for r in rows]
