"""Render the corpus and lay it out as a government CMS column (the bundled sample portal).

python -m corpus          # rewrite data/sample_portal and data/sample_truth (make corpus)
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium

from corpus.document import prose_only_document, report_document, trial_format_document
from corpus.fonts import missing_fonts
from corpus.model import (
    SEED,
    SPECIALS,
    Report,
    Special,
    consistent_application,
    corpus,
    scanned_report,
    seed_report,
)
from corpus.render_docx import build_docx, convert_to_pdf
from corpus.render_reportlab import render_pdf
from corpus.scan import ScanLook, scanned_pdf

REPO = Path(__file__).resolve().parents[1]
PORTAL = REPO / "data" / "sample_portal"
TRUTH = REPO / "data" / "sample_truth"
SEED_TEXT = REPO.parent / "shared" / "reference" / "seed-report-2024.txt"
PER_PAGE = 10
GBK_LISTING_PAGE = 2  # index_2.html is served GBK-encoded, as some CMSs still do


@dataclass(frozen=True)
class Item:
    """One article of the column: a detail page, maybe with an attachment."""

    item_id: int
    title: str
    date: str  # YYYYMMDD
    attachment: str | None  # file name in the detail page's YYYYMM folder
    link_style: str = "relative"  # how the detail page links it: relative | root | parent
    encoding: str = "utf-8"

    @property
    def folder(self) -> str:
        return self.date[:6]

    @property
    def detail_path(self) -> str:
        return f"{self.folder}/t{self.date}_{self.item_id}.html"

    @property
    def attachment_path(self) -> str:
        return f"{self.folder}/{self.attachment}"


def seed_prose() -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("### 一、总体情况"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("二、主动公开政府信息情况"))
    return [ln.lstrip("# ").strip() for ln in lines[start + 1 : end] if ln.strip()]


# ---- rendering --------------------------------------------------------------------------


def render_reports(reports: list[Report], out: Path) -> None:
    """Every report to `out/<slug>.pdf`, through the renderer its style names."""
    docx_dir = Path(tempfile.mkdtemp(prefix="nianbao-docx-"))
    try:
        docx_files = []
        for report in reports:
            prose = seed_prose() if report.slug == seed_report().slug else None
            document = report_document(report, prose)
            if report.style.renderer == "reportlab":
                render_pdf(document, out / f"{report.slug}.pdf")
            else:
                docx_files.append(docx_dir / f"{report.slug}.docx")
                build_docx(document, docx_files[-1])
        convert_to_pdf(docx_files, out)
    finally:
        shutil.rmtree(docx_dir)


def special_bytes(special: Special, rendered: Path) -> bytes | None:
    """The file published for a special case (None: the link is dead)."""
    base_style = seed_report().style
    if special.kind == "scanned":
        return _scanned(scanned_report())
    if special.kind == "truncated":
        data = (rendered / f"{special.of}.pdf").read_bytes()
        return data[: len(data) * 55 // 100]
    if special.kind == "encrypted":
        rng = random.Random(SEED + 7)
        report = replace(
            seed_report(),
            slug=special.slug,
            agency="云溪市财政局",
            application=consistent_application(rng, 25, {}, 5),
        )
        return _render_to_bytes(report_document(report), encrypt="nianbao")
    if special.kind == "zero-byte":
        return b""
    if special.kind == "html-as-pdf":
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
            "<body><h1>抱歉，您访问的页面不存在或已被删除</h1></body></html>\n"
        ).encode()
    if special.kind == "prose-only":
        return _render_to_bytes(prose_only_document("云溪市档案馆", 2024, base_style))
    if special.kind == "trial-format":
        return _render_to_bytes(trial_format_document("云溪市文化广电和旅游局", 2019, base_style))
    if special.kind == "dead-link":
        return None
    if special.kind == "duplicate":
        return (rendered / f"{special.of}.pdf").read_bytes()
    raise ValueError(special.kind)


def _render_to_bytes(document: object, encrypt: str | None = None) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.pdf"
        render_pdf(document, path, encrypt=encrypt)  # type: ignore[arg-type]
        return path.read_bytes()


# How the sample portal's scan was scanned (corpus/scan.py draws others for bench/).
SCAN_LOOK = ScanLook(dpi=200, skew=0.6, blur=0.5, noise=4.0, jpeg=75, stamp_corner="top-right")


def _scanned(report: Report) -> bytes:
    """The report printed, then scanned: page images with a little skew, blur and noise, a
    seal over a corner, and no text layer."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "printed.pdf"
        render_pdf(report_document(report), path)
        return scanned_pdf(path, SCAN_LOOK, random.Random(SEED + 12))


# ---- layout facts measured on the rendered files -----------------------------------------

TABLE3_WORDS = re.compile(
    r"本年新收|上年结转|予以公开|部分公开|国家秘密|不掌握|另行制作|仍不明确|信访举报|重复申请|出版物|大量反复|重新出具|逾期|缴纳费用|结转下年度"
)


def layout_facts(pdf: Path) -> dict[str, object]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    pages3 = [i + 1 for i, t in enumerate(texts) if TABLE3_WORDS.search(re.sub(r"\s+", "", t))]
    return {"pages": len(texts), "table3_pages": pages3, "table3_breaks": max(0, len(pages3) - 1)}


# ---- the portal -------------------------------------------------------------------------

NOTICES = (
    ("关于开展2024年政务公开业务培训的通知", "20240412"),
    ("云溪市2024年政务公开工作要点", "20240320"),
    ("关于公布2023年度政务公开考核结果的通报", "20240228"),
    ("云溪市2025年政务公开工作要点", "20250318"),
)


def build_items(reports: list[Report]) -> tuple[list[Item], list[dict[str, object]]]:
    """Articles of the column and the manifest: each attachment's path and expected outcome."""
    items: list[Item] = []
    manifest: list[dict[str, object]] = []
    styles = ("relative", "root", "parent")
    next_id = 9001
    for n, report in enumerate(reports):
        date = f"{report.year + 1}{1 + n % 3:02d}{10 + n % 18:02d}"
        encoding = "gbk" if report.slug.startswith("qingshan-county") else "utf-8"
        item = Item(
            next_id,
            f"{report.agency}{report.year}年政府信息公开工作年度报告",
            date,
            f"P0{date}{next_id}.pdf",
            styles[n % 3],
            encoding,
        )
        items.append(item)
        manifest.append(
            {
                "path": item.attachment_path,
                "page": item.detail_path,
                "slug": report.slug,
                "truth": f"{report.slug}.json",
                "kind": "report",
                "expected": "loaded",
                "reason": "",
            }
        )
        next_id += 1
    for n, special in enumerate(SPECIALS):
        date = f"2025{4 + n % 2:02d}{10 + n:02d}"
        item = Item(next_id, special.title, date, f"P0{date}{next_id}.pdf", styles[n % 3])
        items.append(item)
        manifest.append(
            {
                "path": item.attachment_path,
                "page": item.detail_path,
                "slug": special.slug,
                "truth": f"{special.of}.json" if special.kind in ("duplicate", "scanned") else None,
                "kind": special.kind,
                "expected": special.expected,
                "reason": special.reason,
            }
        )
        next_id += 1
    for title, date in NOTICES:
        items.append(Item(next_id, title, date, None))
        next_id += 1
    items.sort(key=lambda i: (i.date, i.item_id), reverse=True)
    return items, manifest


HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title></head>
<body><div class="top"><a href="/">云溪市人民政府门户网站</a> &gt; <a href="/index.html">政府信息公开</a> &gt; 政府信息公开年报</div>
"""


def listing_html(items: list[Item], page: int, pages: int, charset: str) -> str:
    lis = "\n".join(
        f'<li><a href="./{i.detail_path}" target="_blank" title="{i.title}">{i.title}</a>'
        f"<span>{i.date[:4]}-{i.date[4:6]}-{i.date[6:]}</span></li>"
        for i in items
    )
    return (
        HEAD.format(charset=charset, title="政府信息公开年报")
        + f'<div class="list"><ul>\n{lis}\n</ul></div>\n'
        + f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script></div>\n'
        + "</body></html>\n"
    )


def detail_html(item: Item) -> str:
    date = f"{item.date[:4]}-{item.date[4:6]}-{item.date[6:]}"
    body = f"<h1>{item.title}</h1><p>发布日期：{date}　来源：云溪市人民政府办公室</p>"
    if item.attachment:
        href = {
            "relative": f"./{item.attachment}",
            "root": f"/{item.attachment_path}",
            "parent": f"../{item.attachment_path}",
        }[item.link_style]
        body += f'<p>附件：<a href="{href}">{item.title}.pdf</a></p>'
    else:
        body += "<p>各县区人民政府，市各委办局：现将有关事项通知如下……</p>"
    charset = "gbk" if item.encoding == "gbk" else "utf-8"
    return (
        HEAD.format(charset=charset, title=item.title)
        + f'<div class="article">{body}</div>\n</body></html>\n'
    )


def write_portal(items: list[Item], files: dict[str, bytes | None]) -> None:
    if PORTAL.exists():
        shutil.rmtree(PORTAL)
    PORTAL.mkdir(parents=True)
    for item in items:
        folder = PORTAL / item.folder
        folder.mkdir(exist_ok=True)
        (folder / Path(item.detail_path).name).write_bytes(detail_html(item).encode(item.encoding))
        content = files.get(item.attachment_path) if item.attachment else None
        if content is not None:
            (folder / item.attachment).write_bytes(content)  # type: ignore[arg-type]
    pages = [items[i : i + PER_PAGE] for i in range(0, len(items), PER_PAGE)]
    for n, page_items in enumerate(pages):
        charset = "gbk" if n == GBK_LISTING_PAGE else "utf-8"
        name = "index.html" if n == 0 else f"index_{n}.html"
        (PORTAL / name).write_bytes(
            listing_html(page_items, n, len(pages), charset).encode(charset)
        )


def build(seed: int = SEED) -> None:
    missing = missing_fonts()
    if missing:
        raise SystemExit(f"fonts missing: {', '.join(missing)} (run `make corpus-tools`)")
    reports = corpus(seed)
    with tempfile.TemporaryDirectory() as tmp:
        rendered = Path(tmp)
        render_reports(reports, rendered)
        items, manifest = build_items(reports)
        by_slug = {m["slug"]: m["path"] for m in manifest}
        files: dict[str, bytes | None] = {
            str(by_slug[r.slug]): (rendered / f"{r.slug}.pdf").read_bytes() for r in reports
        }
        for special in SPECIALS:
            files[str(by_slug[special.slug])] = special_bytes(special, rendered)
        write_portal(items, files)
        layout = {r.slug: layout_facts(rendered / f"{r.slug}.pdf") for r in reports}
    write_truth(reports, manifest, layout)
    print(f"corpus: {len(reports)} reports + {len(SPECIALS)} special files → {PORTAL}")


def write_truth(
    reports: list[Report], manifest: list[dict[str, object]], layout: dict[str, object]
) -> None:
    if TRUTH.exists():
        shutil.rmtree(TRUTH)
    TRUTH.mkdir(parents=True)
    for report in [*reports, scanned_report()]:
        _write_json(TRUTH / f"{report.slug}.json", report.truth())
    _write_json(TRUTH / "manifest.json", manifest)
    _write_json(TRUTH / "layout.json", layout)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
