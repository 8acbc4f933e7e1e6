"""Renderer 3: the document as an HTML page printed to PDF by headless Chromium (Debian's
`chromium`), the way a CMS page or an HTML-authored report reaches a PDF: other line breaking,
other table layout, other font embedding than reportlab's or LibreOffice's.

How the page is styled (rule widths, padding, line height, whether rows may break across
pages, vertical alignment) is a `Look`, drawn per report by the fuzzer."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from corpus.document import Document, Heading, Para, RuledTable, span_attributes
from corpus.fonts import FONTS


@dataclass(frozen=True)
class Look:
    rule_px: float = 1.0  # table rule width
    padding_px: float = 2.0  # cell padding
    line_height: float = 1.3
    rows_break: bool = True  # a row may break across pages (Word's default), or never
    valign: str = "middle"  # 'middle' | 'top'
    cell_align: str = "center"  # how value cells are aligned: 'center' | 'right'


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("headless Chromium is not installed: `make test-tools` installs it")


def _cell(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _table(t: RuledTable, look: Look) -> str:
    lines = []
    for r, row in enumerate(t.drawn_rows()):
        cells = []
        for c, text, spans in row:
            align = look.cell_align if c in t.centered_cols and r >= t.header_rows else "center"
            if c not in t.centered_cols:
                align = "left"
            cells.append(
                f'<td{span_attributes(spans)} style="text-align:{align}">{_cell(text)}</td>'
            )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    head, body = lines[: t.header_rows], lines[t.header_rows :]
    widths = "".join(f'<col style="width:{w}mm">' for w in t.col_widths_mm)
    classes = " ".join(c for c, on in (("ruled", t.ruled), ("land", t.landscape)) if on)
    thead = f"<thead>{''.join(head)}</thead>" if head and t.repeat_header else "".join(head)
    return f'<table class="{classes}"><colgroup>{widths}</colgroup>{thead}<tbody>{"".join(body)}</tbody></table>'


def to_html(doc: Document, look: Look) -> str:
    st = doc.style
    font = FONTS[st.font].family
    parts = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            cls = "title" if block.level == 0 else "h"
            brk = ' style="break-before:page"' if block.new_page else ""
            parts.append(f'<p class="{cls}"{brk}>{_cell(block.text)}</p>')
        elif isinstance(block, Para):
            parts.append(f'<p class="body">{_cell(block.text)}</p>')
        else:
            parts.append(_table(block, look))
    rule = f"{look.rule_px}px solid #000"
    css = f"""
@page {{ size: A4; margin: {st.margin_mm}mm; }}
@page land {{ size: A4 landscape; margin: {st.margin_mm}mm; }}
body {{ font-family: "{font}"; font-size: 10.5pt; line-height: 1.5; margin: 0; }}
p.title {{ font-size: 16pt; text-align: center; margin: 0 0 4mm 0; }}
p.h {{ font-size: 12pt; margin: 3mm 0 1mm 0; }}
p.body {{ text-indent: 2em; margin: 0; }}
table {{ border-collapse: collapse; table-layout: fixed; font-size: {st.font_size}pt;
         line-height: {look.line_height}; margin: 1mm 0 3mm 0; }}
table.land {{ page: land; }}
td {{ padding: {look.padding_px}px; vertical-align: {look.valign}; word-break: break-all; }}
table.ruled td {{ border: {rule}; }}
tr {{ break-inside: {"auto" if look.rows_break else "avoid"}; }}
"""
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(doc.title)}</title>'
        f"<style>{css}</style></head><body>{''.join(parts)}</body></html>"
    )


def render_pdf(doc: Document, path: Path, look: Look) -> None:
    """`doc` printed to `path` by headless Chromium (no network, a throwaway profile)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(to_html(doc, look), encoding="utf-8")
        done = subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={tmp}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={path}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
        )
        if done.returncode != 0 or not path.is_file():
            raise RuntimeError(f"chromium could not print {path.name}: {done.stderr[-500:]!r}")
