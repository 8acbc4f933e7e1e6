"""Renderer 4: the document typeset by XeLaTeX with xeCJK, its tables as `longtable`s that
break across pages wherever TeX decides, spans drawn with `\\multicolumn` / `\\multirow`,
partial rules with `\\cline`, and a landscape table 四 on a landscape page of its own.

Debian's `texlive-xetex` and `texlive-lang-chinese` (`make corpus-tools`)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from corpus.document import Document, Heading, Para, RuledTable
from corpus.fonts import FONTS
from corpus.render_html import Look

SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}", "^": r"\^{}"}


def xelatex() -> str:
    found = shutil.which("xelatex")
    if not found:
        raise FileNotFoundError("xelatex is not installed: `make corpus-tools` installs it")
    return found


def _escape(text: str) -> str:
    return "".join(SPECIAL.get(c, c) for c in text.replace("\\", r"\textbackslash{}"))


def _cell_text(text: str, align: str) -> str:
    lines = [_escape(line) for line in text.split("\n")]
    if len(lines) > 1:  # a heading set one character a line: its own stacked box
        return r"\shortstack{" + r"\\".join(lines) + "}"
    return {"center": r"\centering ", "right": r"\raggedleft ", "left": r"\raggedright "}[
        align
    ] + lines[0]


def _column(width: float, look: Look) -> str:
    kind = "m" if look.valign == "middle" else "p"
    return f"{kind}{{{width}mm}}"


def _tabcolsep_pt(look: Look) -> float:
    return look.padding_px * 0.75 + 1


def _spanned_mm(t: RuledTable, c: int, cols: int, look: Look) -> float:
    """The text width of a cell spanning `cols` columns: the document's widths are whole
    columns, padding included (as in Word and HTML), so a cell's own padding comes off."""
    padding = 2 * _tabcolsep_pt(look) * 25.4 / 72.27
    return round(sum(t.col_widths_mm[c : c + cols]) - padding, 2)


# The table's merges (RuledTable.merges), and the rows below each \multirow's first with
# the span's width in columns.
_Spans = tuple[
    tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]], dict[tuple[int, int], int]
]


def _row(t: RuledTable, r: int, look: Look, spans: _Spans) -> str:
    (origin, covered), under_multirow = spans
    bar = "|" if t.ruled else ""
    cells = []
    c = 0
    while c < len(t.col_widths_mm):
        under = (r, c) in under_multirow
        if (r, c) in covered and not under:
            c += 1
            continue
        if under:  # an empty cell of the \multirow's width, its rules drawn
            rows, cols, text = 1, under_multirow[(r, c)], ""
        else:
            rows, cols = origin.get((r, c), (1, 1))
            text = _cell_text(t.rows[r][c], _alignment(t, r, c, look))
        width = _spanned_mm(t, c, cols, look)
        if rows > 1:
            text = rf"\multirow{{{rows}}}{{{width}mm}}{{{text}}}"
        if cols > 1 or rows > 1 or under:
            left = bar if c == 0 else ""
            text = rf"\multicolumn{{{cols}}}{{{left}{_column(width, look)}{bar}}}{{{text}}}"
        cells.append(text)
        c += cols
    return " & ".join(cells) + r" \tabularnewline"


def _alignment(t: RuledTable, r: int, c: int, look: Look) -> str:
    if c not in t.centered_cols:
        return "left"
    return look.cell_align if r >= t.header_rows else "center"


def _rules_below(t: RuledTable, r: int) -> str:
    """\\hline, or \\cline over the columns no \\multirow continues through."""
    if not t.ruled:
        return ""
    through = set()
    for c0, r0, c1, r1 in t.spans:
        if r0 <= r < r1:
            through |= set(range(c0, c1 + 1))
    ncols = len(t.col_widths_mm)
    if not through:
        return r"\hline"
    runs, start = [], None
    for c in range(ncols + 1):
        if c < ncols and c not in through:
            start = c if start is None else start
        elif start is not None:
            runs.append(rf"\cline{{{start + 1}-{c}}}")
            start = None
    return "".join(runs)


def _table(t: RuledTable, look: Look) -> str:
    under_multirow = {
        (r, c0): c1 - c0 + 1 for c0, r0, c1, r1 in t.spans for r in range(r0 + 1, r1 + 1)
    }
    spans = (t.merges(), under_multirow)
    bar = "|" if t.ruled else ""
    widths = (_spanned_mm(t, c, 1, look) for c in range(len(t.col_widths_mm)))
    spec = bar + bar.join(_column(w, look) for w in widths) + bar
    top = r"\hline" if t.ruled else ""
    lines = [rf"\begin{{longtable}}{{{spec}}}", top]
    head = [_row(t, r, look, spans) + _rules_below(t, r) for r in range(t.header_rows)]
    if head:
        lines += head
        if t.repeat_header:
            lines += [r"\endfirsthead", top, *head, r"\endhead"]
    for r in range(t.header_rows, len(t.rows)):
        lines.append(_row(t, r, look, spans) + _rules_below(t, r))
    lines.append(r"\end{longtable}")
    body = "\n".join(lines)
    if not t.landscape:
        return body
    return f"{_PAPER.format(w=297, h=210)}\n{body}\n{_PAPER.format(w=210, h=297)}"


# A wide table on a landscape page of its own, the page itself turned (as Word's landscape
# section does), not its content on an upright page turned by /Rotate as pdflscape does.
_PAPER = (
    r"\clearpage\pdfpagewidth={w}mm \pdfpageheight={h}mm \paperwidth={w}mm \paperheight={h}mm"
    r"\newgeometry{{margin=\nianbaomargin}}"
)


def to_latex(doc: Document, look: Look) -> str:
    st = doc.style
    font = FONTS[st.font].family
    parts = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            brk = r"\clearpage" if block.new_page else ""
            if block.level == 0:
                parts.append(rf"{brk}\begin{{center}}\Large {_escape(block.text)}\end{{center}}")
            else:
                parts.append(rf"{brk}\par\medskip\noindent{{\large {_escape(block.text)}}}\par")
        elif isinstance(block, Para):
            parts.append(rf"\par\indent {_escape(block.text)}\par")
        else:
            size = rf"\fontsize{{{st.font_size}pt}}{{{st.font_size * look.line_height * 1.2:.1f}pt}}\selectfont"
            parts.append(rf"{{{size}{_table(block, look)}}}")
    return rf"""\documentclass[a4paper,11pt]{{article}}
\usepackage[margin={st.margin_mm}mm]{{geometry}}
\usepackage{{xeCJK}}
\setCJKmainfont{{{font}}}
\setmainfont{{{font}}}
\usepackage{{longtable,multirow,array}}
\newcommand{{\nianbaomargin}}{{{st.margin_mm}mm}}
\setlength{{\arrayrulewidth}}{{{look.rule_px * 0.75}pt}}
\setlength{{\tabcolsep}}{{{_tabcolsep_pt(look)}pt}}
\setlength{{\parindent}}{{2em}}
\setlength{{\LTleft}}{{0pt}}
\begin{{document}}
{chr(10).join(parts)}
\end{{document}}
"""


def render_pdf(doc: Document, path: Path, look: Look) -> None:
    """`doc` typeset to `path` by XeLaTeX, run twice: longtable settles its column widths
    from the first run (a span wider than its columns widens them)."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "report.tex").write_text(to_latex(doc, look), encoding="utf-8")
        for _ in range(2):
            done = subprocess.run(
                [xelatex(), "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                cwd=tmp,
                capture_output=True,
                timeout=180,
            )
        pdf = Path(tmp) / "report.pdf"
        if done.returncode != 0 or not pdf.is_file():
            log = (Path(tmp) / "report.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"xelatex could not typeset {path.name}: {log}")
        shutil.move(pdf, path)
