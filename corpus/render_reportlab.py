"""Renderer 1: reportlab, embedding TrueType CJK fonts as subsets (as WPS does)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from corpus.document import Document, Heading, Para, RuledTable
from corpus.fonts import FONTS


@cache
def _font(key: str) -> str:
    font = FONTS[key]
    if font.outlines != "TrueType":
        raise ValueError(f"reportlab embeds TrueType outlines only, not {key}")
    name = f"corpus-{key}"
    pdfmetrics.registerFont(TTFont(name, str(font.file), subfontIndex=font.subfont))
    return name


def _styles(font: str, size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=1),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=20, spaceBefore=4),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=21),
        "cell": ParagraphStyle("cell", parent=base, fontSize=size, leading=size * 1.3),
        "cellc": ParagraphStyle(
            "cellc", parent=base, fontSize=size, leading=size * 1.3, alignment=1
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br/>"), style)


def _table(t: RuledTable, st: dict[str, ParagraphStyle]) -> Table:
    rows = [
        [
            _p(text, st["cellc"] if c in t.centered_cols else st["cell"]) if text else ""
            for c, text in enumerate(row)
        ]
        for row in t.rows
    ]
    commands: list[tuple[Any, ...]] = [
        *([("GRID", (0, 0), (-1, -1), 0.6, colors.black)] if t.ruled else []),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in t.spans]
    return Table(
        rows,
        colWidths=[w * mm for w in t.col_widths_mm],
        style=TableStyle(commands),
    )


class BreakableTable(Flowable):
    """A ruled table that breaks across pages inside merged cells, as Word and WPS do.

    reportlab will not split a table inside a row span (the vertical 三、本年度办理结果 spans
    nearly all of table 三), so this cuts the rows itself and clips the spans at the cut; the
    header rows are repeated on the continuation when the publisher's style says so.
    """

    def __init__(
        self,
        t: RuledTable,
        st: dict[str, ParagraphStyle],
        start: int | None = None,
        header: bool = True,
    ):
        super().__init__()
        self.t, self.st = t, st
        self.start = t.header_rows if start is None else start
        self.header = header
        self.table = _table(self._piece(len(t.rows)), st)

    def _piece(self, stop: int) -> RuledTable:
        t = self.t
        keep = (list(range(t.header_rows)) if self.header else []) + list(range(self.start, stop))
        index = {row: i for i, row in enumerate(keep)}
        spans = []
        for c0, r0, c1, r1 in t.spans:
            rows = [r for r in range(r0, r1 + 1) if r in index]
            if rows and (c0, rows[0]) != (c1, rows[-1]):
                spans.append((c0, index[rows[0]], c1, index[rows[-1]]))
        # A merged cell cut by the break keeps its text above the cut: only its first row has it.
        cut_rows = [t.rows[r] for r in keep]
        return replace(
            t,
            rows=tuple(cut_rows),
            spans=tuple(spans),
            header_rows=t.header_rows if self.header else 0,
        )

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.table.wrap(aw, ah)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.table.wrap(aw, ah)
        tops = self.table._rowpositions  # y of each row line, top down, after wrap
        heights = [tops[i] - tops[i + 1] for i in range(len(tops) - 1)]
        head = self.t.header_rows if self.header else 0
        used, fits = sum(heights[:head]), 0
        for h in heights[head:]:
            if used + h > ah:
                break
            used, fits = used + h, fits + 1
        for k in range(
            fits, 0, -1
        ):  # a clipped merged cell may need taller rows: shrink till it fits
            first = BreakableTable(self.t, self.st, self.start, self.header)
            first.table = _table(first._piece(self.start + k), self.st)
            if first.wrap(aw, ah)[1] <= ah:
                return [
                    first,
                    BreakableTable(self.t, self.st, self.start + k, self.t.repeat_header),
                ]
        return []

    def draw(self) -> None:
        self.table.drawOn(self.canv, 0, 0)


def render_pdf(doc: Document, path: Path, encrypt: str | None = None) -> None:
    style = doc.style
    font = _font(style.font)
    st = _styles(font, style.font_size)
    margin = style.margin_mm * mm

    def footer(canvas: Any, template: Any) -> None:
        canvas.setFont(font, 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 10 * mm, f"- {template.page} -")

    def template(name: str, size: tuple[float, float]) -> PageTemplate:
        frame = Frame(
            margin,
            margin,
            size[0] - 2 * margin,
            size[1] - 2 * margin,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        return PageTemplate(id=name, frames=[frame], pagesize=size, onPage=footer)

    story: list[Any] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            if block.new_page:
                story.append(PageBreak())
            story.append(_p(block.text, st["title"] if block.level == 0 else st["h"]))
            if block.level == 0 and block.text.endswith("报告"):
                story.append(Spacer(1, 5 * mm))
        elif isinstance(block, Para):
            story.append(_p(block.text, st["body"]))
        elif block.landscape:
            story += [
                NextPageTemplate("landscape"),
                PageBreak(),
                _table(block, st),
                NextPageTemplate("portrait"),
                PageBreak(),
            ]
        else:
            story.append(BreakableTable(block, st) if block.header_rows else _table(block, st))
    out = BaseDocTemplate(
        str(path),
        pagesize=A4,
        title=doc.title,
        author="nianbao corpus generator",
        creator="nianbao corpus (reportlab)",
        invariant=1,
        encrypt=encrypt,
    )
    out.addPageTemplates([template("portrait", A4), template("landscape", landscape(A4))])
    out.build(story)
