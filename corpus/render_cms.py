"""A report published as the detail page itself, in the markup real CMSs produce (issue 13).

Two families, drawn per report: Word pasted into a CMS editor (each cell a <p class=MsoNormal>
holding <span> runs that Word split anywhere, even inside a number; &nbsp; runs in labels;
<o:p></o:p> in empty cells; widths in pt; a label's lines as separate <p> or one) and a plain
CMS table (<td> text, <br> between lines, border=1). Around it the page's chrome: the site's
header, a view counter and a date that change between visits, the title as the portal prints
it (one of the title registry's variants), and sometimes a link to a PDF of the same report.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from corpus.document import Document, Heading, Para, RuledTable, span_attributes

_TITLES = (
    "{agency}{year}年度政府信息公开工作年度报告",
    "{agency}{year}年政府信息公开年度报告",
    "{agency}{year}年政府信息公开年报",
    "{year}年度{agency}政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作报告",
    "{agency}政府信息公开工作年度报告（{year}年度）",
)


@dataclass(frozen=True)
class CmsLook:
    family: str  # 'word-paste' | 'plain'
    split_runs: float  # chance that Word cut a text into several <span> runs
    nbsp_labels: bool  # &nbsp; runs around and inside labels
    empty: str  # what an empty cell holds
    lines_as_paragraphs: bool  # a label's lines as separate <p> (else one line)
    widths: str  # 'pt' | 'px' | 'none'
    title: str  # a format of _TITLES
    views: int  # the chrome's view counter
    pdf_beside: bool  # the page also links a PDF of the report


def draw_cms_look(rng: random.Random) -> CmsLook:
    family = rng.choice(("word-paste", "word-paste", "plain"))
    return CmsLook(
        family=family,
        split_runs=rng.choice((0.0, 0.2, 0.5)) if family == "word-paste" else 0.0,
        nbsp_labels=rng.random() < 0.5,
        empty=rng.choice(("", "<o:p></o:p>", "&nbsp;", "<o:p>&nbsp;</o:p>")),
        lines_as_paragraphs=rng.random() < 0.5,
        widths=rng.choice(("pt", "px", "none")),
        title=rng.choice(_TITLES),
        views=rng.randint(1, 99999),
        pdf_beside=rng.random() < 0.3,
    )


def to_cms_page(doc: Document, look: CmsLook, rng: random.Random, agency: str, year: int) -> str:
    """`doc` as a portal's detail page; `rng` draws the run splits and spaces, cell by cell."""
    title = html.escape(look.title.format(agency=agency, year=year))
    body = "".join(_block(block, look, rng) for block in doc.blocks)
    pdf = '<p>附件：<a href="report.pdf">全文下载.pdf</a></p>' if look.pdf_beside else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta name="ArticleTitle" content="{title}"><title>{title}-云溪市人民政府</title></head>'
        '<body><div class="top"><a href="/">云溪市人民政府门户网站</a> &gt; 政府信息公开年报</div>'
        f'<div class="article_title">{title}</div>'
        f'<div class="info">发布日期：{year + 1}-01-{rng.randint(10, 31)} 浏览次数：{look.views}</div>'
        f'<div class="article_content"><div class="TRS_Editor">{body}</div></div>{pdf}'
        '<div class="foot">主办：云溪市人民政府办公室</div></body></html>'
    )


def _block(block: Heading | Para | RuledTable, look: CmsLook, rng: random.Random) -> str:
    if isinstance(block, Heading):
        return f"<p><strong>{html.escape(block.text)}</strong></p>"
    if isinstance(block, Para):
        return f"<p>{html.escape(block.text)}</p>"
    return _table(block, look, rng)


def _table(t: RuledTable, look: CmsLook, rng: random.Random) -> str:
    rows = []
    for row in t.drawn_rows():
        cells = []
        for c, text, spans in row:
            attrs = span_attributes(spans) + _width(t.col_widths_mm[c] * spans[1], look.widths)
            cells.append(f"<td{attrs}>{_cell(text, look, rng, c in t.centered_cols)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    border = ' border="1" cellspacing="0"' if look.family == "plain" else ' class="MsoNormalTable"'
    return f"<table{border}><tbody>{''.join(rows)}</tbody></table>"


def _width(mm: float, unit: str) -> str:
    if unit == "pt":
        return f' width="{mm * 2.83:.0f}" style="width:{mm * 2.83:.1f}pt;border:solid windowtext 1.0pt"'
    if unit == "px":
        return f' style="width:{mm * 3.78:.0f}px"'
    return ""


def _cell(text: str, look: CmsLook, rng: random.Random, is_value: bool) -> str:
    if not text.strip():
        return f"<p>{look.empty}</p>" if look.family == "word-paste" else look.empty
    lines = text.split("\n") if look.lines_as_paragraphs else [text.replace("\n", "")]
    if look.family == "plain":
        return "<br>".join(_label_text(ln, look, rng, is_value) for ln in lines)
    paragraphs = (
        f'<p class="MsoNormal" align="center">{_runs(ln, look, rng, is_value)}</p>' for ln in lines
    )
    return "".join(paragraphs)


def _runs(line: str, look: CmsLook, rng: random.Random, is_value: bool) -> str:
    """A line as Word's <span> runs: cut at random places when Word split it (formatting
    changes, spell-check marks), a number too."""
    pieces = [line]
    while rng.random() < look.split_runs and len(pieces[-1]) > 1:
        last = pieces.pop()
        cut = rng.randint(1, len(last) - 1)
        pieces += [last[:cut], last[cut:]]
    spans = (
        f'<span lang="EN-US" style="font-size:10.5pt;font-family:宋体">{_label_text(p, look, rng, is_value)}</span>'
        for p in pieces
    )
    return "".join(spans)


def _label_text(text: str, look: CmsLook, rng: random.Random, is_value: bool) -> str:
    escaped = html.escape(text)
    if is_value or not look.nbsp_labels:
        return escaped
    if len(escaped) > 3 and rng.random() < 0.3:  # a space typed inside a label
        cut = rng.randint(1, len(escaped) - 1)
        if escaped[cut - 1].isalpha() and escaped[cut].isalpha():
            escaped = escaped[:cut] + "&nbsp;" + escaped[cut:]
    lead = "&nbsp;" * rng.randint(0, 3)
    return lead + escaped + "&nbsp;" * rng.randint(0, 2)
