"""The layout fuzzer: each report drawn from independent random choices over many layout
dimensions, from its own seed, so that a range of seeds can be tuned on and another, never
looked at, judged on (issue 12). Nothing here is chosen to suit the reader.

Renderers: reportlab (TrueType fonts), headless Chromium printing HTML tables, LibreOffice
printing a .docx, and XeLaTeX setting longtables (the last three with any of the four CJK
fonts, TrueType or OpenType/CFF)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from corpus.document import PROSE, Document, report_document
from corpus.fonts import FONTS
from corpus.model import (
    Report,
    Style,
    consistent_application,
    consistent_review,
    disclosure_values,
    failing_relations,
    plant,
)
from corpus.render_html import Look

RENDERER_FONTS = {
    "reportlab": ("wqy-zenhei", "ar-pl-uming"),
    "html-chromium": tuple(FONTS),
    "docx-libreoffice": tuple(FONTS),
    "latex": tuple(FONTS),
}
AGENCIES = (
    "云溪市人民政府",
    "云溪市临江区人民政府",
    "临江区教育局",
    "云溪市公安局",
    "青山县人民政府",
    "云溪市卫生健康委员会",
    "云溪市市场监督管理局",
    "云溪市自然资源和规划局",
)
MISTAKES = ("R2", "R3", "R4", "R5")
TABLES = ("disclosure", "application", "review")


@dataclass(frozen=True)
class FuzzedReport:
    seed: int
    report: Report
    look: Look  # HTML and LaTeX renderers
    statement: str = ""  # the prose's sentence stating the year's applications ('' = none)
    statement_mismatch: bool = False  # planted: the sentence disagrees with table 三 (R8)

    def dimensions(self) -> dict[str, object]:
        """The drawn layout dimensions, for the scorer's per-dimension table."""
        look = {f"look_{k}": v for k, v in asdict(self.look).items()}
        return {
            **asdict(self.report.style),
            **look,
            "form_rows": self.report.form_rows,
            "states_count": bool(self.statement),
        }

    def document(self) -> Document:
        prose = [PROSE[i % len(PROSE)] for i in range(self.report.style.prose_paragraphs)]
        return report_document(self.report, prose + ([self.statement] if self.statement else []))

    def truth(self) -> dict[str, object]:
        truth = self.report.truth()
        if self.statement_mismatch:
            failures = list(truth["expected_failures"])  # type: ignore[call-overload]
            truth["expected_failures"] = [*failures, {"check": "R8", "where": self.statement}]
        return truth


# Fixed, so that a seed draws the same report on every machine. (Until 2026-12-02 noon only
# the first two were drawn: seeds scored before then drew other reports.)
RENDERERS = ("reportlab", "html-chromium", "docx-libreoffice", "latex")


def fuzz_report(seed: int) -> FuzzedReport:
    rng = random.Random(seed)
    renderer = rng.choice(RENDERERS)
    form_rows = rng.choice((23, 25))
    scale = rng.choice((1, 3, 12, 40, 150, 600))
    style = Style(
        renderer=renderer,
        font=rng.choice(RENDERER_FONTS[renderer]),
        font_size=rng.choice((8, 8.5, 9, 9.5, 10, 10.5, 11, 12)),
        margin_mm=rng.choice((12, 15, 20, 25, 30)),
        prose_paragraphs=rng.randint(0, 16),
        table3_new_page=rng.random() < 0.25,
        repeat_header=rng.random() < 0.5,
        numbering=rng.choice((".", "、", "．")),
        brackets=rng.choice(("full", "ascii")),
        digits="full" if rng.random() < 0.15 else "ascii",
        quotes=rng.choice(("curly", "straight")),
        typo=rng.random() < 0.1,
        zero_mark=rng.choice(("0", "0", "", "—", "/")),
        thousands=scale >= 150 and rng.random() < 0.5,
        landscape_review=rng.random() < 0.15,
        has_table2=rng.random() < 0.9,
        label_width_mm=rng.choice((26, 30, 34, 40, 48, 56, 64)),
        unruled=tuple(t for t in TABLES if rng.random() < 0.08)
        if renderer != "docx-libreoffice"
        else (),
    )
    look = Look(
        rule_px=rng.choice((0.5, 0.75, 1.0, 1.5, 2.0)),
        padding_px=rng.choice((0.0, 1.0, 2.0, 4.0, 6.0)),
        line_height=rng.choice((1.0, 1.15, 1.3, 1.6)),
        rows_break=rng.random() < 0.6,
        valign=rng.choice(("middle", "top")),
        cell_align=rng.choice(("center", "right")),
    )
    year = rng.choice((2021, 2022, 2023, 2024, 2025))
    report = Report(
        slug=f"fuzz-{seed}",
        agency=rng.choice(AGENCIES),
        year=year,
        form_rows=form_rows,
        application=consistent_application(rng, form_rows, {}, scale),
        review=consistent_review(rng, max(1, scale // 20)),
        disclosure=disclosure_values(rng, scale),
        style=style,
    )
    if rng.random() < 0.2:
        report = plant(report, rng.choice(MISTAKES))
    report = replace(report, expected_failures=failing_relations(report, None))
    return FuzzedReport(seed, report, look, *_statement(seed, report))


# How the prose states the year's applications (extract/prose.py reads them).
STATEMENTS = (
    "本年度共收到政府信息公开申请{n}件，均在法定期限内予以答复。",
    "{year}年，本机关受理政府信息公开申请{n}件，已全部办结。",
    "全年共收到依申请公开申请{n}件。",
)


def _statement(seed: int, report: Report) -> tuple[str, bool]:
    """The sentence stating the year's applications (row 1, or 1 + 2, of the printed table),
    sometimes none, sometimes planted wrong. Its own random stream: drawing it leaves every
    other dimension of a seed as it was."""
    rng = random.Random(f"prose-{seed}")
    if rng.random() < 0.3:
        return "", False
    first, carried = report.application["1"]["total"], report.application["2"]["total"]
    n = rng.choice((first, first + carried))
    mismatch = rng.random() < 0.15
    if mismatch:
        n += rng.choice([k for k in (1, 2, 3, 5, 10) if n + k not in (first, first + carried)])
    if n == 0 and rng.random() < 0.5:
        return "本年度未收到政府信息公开申请。", False
    return rng.choice(STATEMENTS).format(n=n, year=report.year), mismatch


# ---- printing a drawn report (each renderer imported only when its report is printed) ----


def _reportlab(doc: Document, path: Path, look: Look) -> None:
    from corpus.render_reportlab import render_pdf

    render_pdf(doc, path)


def _chromium(doc: Document, path: Path, look: Look) -> None:
    from corpus.render_html import render_pdf

    render_pdf(doc, path, look)


def _libreoffice(doc: Document, path: Path, look: Look) -> None:
    from corpus.render_docx import build_docx, convert_to_pdf

    docx = path.with_suffix(".docx")
    build_docx(doc, docx)
    convert_to_pdf([docx], path.parent)
    docx.unlink()


def _xelatex(doc: Document, path: Path, look: Look) -> None:
    from corpus.render_latex import render_pdf

    render_pdf(doc, path, look)


PRINTERS: dict[str, Callable[[Document, Path, Look], None]] = {
    "reportlab": _reportlab,
    "html-chromium": _chromium,
    "docx-libreoffice": _libreoffice,
    "latex": _xelatex,
}


def print_fuzzed(fuzzed: FuzzedReport, path: Path) -> None:
    """`fuzzed` printed to `path` by the renderer its seed drew."""
    PRINTERS[fuzzed.report.style.renderer](fuzzed.document(), path, fuzzed.look)


# ---- publishing a drawn report the other ways portals do (issue 13) ---------------------


def _as_printed(fuzzed: FuzzedReport, folder: Path) -> Path:
    path = folder / f"fuzz-{fuzzed.seed}.pdf"
    print_fuzzed(fuzzed, path)
    return path


def _as_page(fuzzed: FuzzedReport, folder: Path) -> Path:
    """The report as its portal's detail page, in a CMS's markup drawn from the seed."""
    from corpus.render_cms import draw_cms_look, to_cms_page

    rng = random.Random(f"cms-{fuzzed.seed}")
    look = draw_cms_look(rng)  # the look first: cms_dimensions draws the same
    report = fuzzed.report
    page = to_cms_page(fuzzed.document(), look, rng, report.agency, report.year)
    path = folder / f"fuzz-{fuzzed.seed}.html"
    path.write_text(page, encoding="utf-8")
    return path


def _as_word(fuzzed: FuzzedReport, folder: Path) -> Path:
    from corpus.render_docx import build_docx

    path = folder / f"fuzz-{fuzzed.seed}.docx"
    build_docx(fuzzed.document(), path)
    return path


def _as_ofd(fuzzed: FuzzedReport, folder: Path) -> Path:
    """Printed by the renderer its seed drew, then re-published as OFD as a portal's
    converter would (corpus/render_ofd.py)."""
    from corpus.render_ofd import pdf_as_ofd

    pdf = _as_printed(fuzzed, folder)
    path = folder / f"fuzz-{fuzzed.seed}.ofd"
    path.write_bytes(pdf_as_ofd(pdf, f"{fuzzed.report.agency}{fuzzed.report.year}"))
    pdf.unlink()
    return path


def cms_dimensions(seed: int) -> dict[str, object]:
    """The page's drawn markup dimensions (the view counter left out), for the scorer."""
    from corpus.render_cms import draw_cms_look

    look = asdict(draw_cms_look(random.Random(f"cms-{seed}")))
    return {f"cms_{k}": v for k, v in look.items() if k not in ("views",)}


# How a drawn report reaches the portal: printed to PDF by the renderer its seed drew, or
# published as a web page or a Word file (neither needs a renderer installed), or printed and
# re-published as OFD.
PUBLISHERS: dict[str, Callable[[FuzzedReport, Path], Path]] = {
    "printed": _as_printed,
    "page": _as_page,
    "docx": _as_word,
    "ofd": _as_ofd,
}
