"""Generate the bundled sample portal: seeded report PDFs, their truth, and CMS-like HTML pages.

    python data/generate_sample_portal.py            # rewrite data/sample_portal and data/sample_truth

Reports are drawn the way WPS/Word print them: ruled tables with merged header cells, the
vertical label 三、本年度办理结果, wrapped labels, and table 三 cut by a page break (the
continuation with or without the header repeated). Values come from a seeded model whose
arithmetic holds, except where a publisher's mistake is planted on purpose (listed in the
truth's `expected_failures`). Needs the WenQuanYi Zen Hei TrueType font
(`make sample-fonts` installs Debian's fonts-wqy-zenhei).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from nianbao.form import (  # noqa: E402
    APPLICANT_CODES,
    APPLICANT_PARTS,
    DISCLOSURE_MEASURES,
    OUTCOME_CODES,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT = "WQYZenHei"
SEED = 20241231
PORTAL = ROOT / "sample_portal"
TRUTH = ROOT / "sample_truth"
SEED_TEXT = ROOT.parent.parent / "shared" / "reference" / "seed-report-2024.txt"

GROUP_LABELS = {
    "3.3": "（三）不予公开",
    "3.4": "（四）无法提供",
    "3.5": "（五）不予处理",
    "3.6": "（六）其他处理",
}
ROW_LABELS = {
    "1": "一、本年新收政府信息公开申请数量",
    "2": "二、上年结转政府信息公开申请数量",
    "3.1": "（一）予以公开",
    "3.2": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3.3.1": "属于国家秘密",
    "3.3.2": "其他法律行政法规禁止公开",
    "3.3.3": "危及“三安全一稳定”",
    "3.3.4": "保护第三方合法权益",
    "3.3.5": "属于三类内部事务信息",
    "3.3.6": "属于四类过程性信息",
    "3.3.7": "属于行政执法案卷",
    "3.3.8": "属于行政查询事项",
    "3.4.1": "本机关不掌握相关政府信息",
    "3.4.2": "没有现成信息需要另行制作",
    "3.4.3": "补正后申请内容仍不明确",
    "3.5.1": "信访举报投诉类申请",
    "3.5.2": "重复申请",
    "3.5.3": "要求提供公开出版物",
    "3.5.4": "无正当理由大量反复申请",
    "3.5.5": "要求行政机关确认或重新出具已获取信息",
    "3.6.1": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "3.6.2": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.6.3": "其他",
    "3.6": "（六）其他处理",
    "3.7": "（七）总计",
    "4": "四、结转下年度继续办理",
}
APPLICANT_HEADERS = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)
OUTCOME_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass
class Report:
    """The canonical model of one report, and how its publisher prints it."""

    slug: str
    agency: str
    year: int
    form_rows: int
    application: dict[str, dict[str, int]]
    review: dict[str, dict[str, int]]
    disclosure: dict[str, dict[str, float | int]]
    numbering: str = "."  # "1." / "1、" / "1．"
    split_after: str | None = "3.4.1"  # table 三 continues on a new page after this row
    repeat_header: bool = False
    prose: list[str] = field(default_factory=list)
    expected_failures: list[dict[str, str]] = field(default_factory=list)

    def truth(self) -> dict[str, object]:
        return {
            "file": f"{self.slug}.pdf",
            "agency": self.agency,
            "year": self.year,
            "table3_rows": self.form_rows,
            "application": self.application,
            "review": self.review,
            "disclosure": self.disclosure,
            "expected_failures": self.expected_failures,
        }


# ---- the model ------------------------------------------------------------------------


def _rows(form_rows: int) -> tuple[str, ...]:
    return ROW_CODES_23 if form_rows == 23 else ROW_CODES_25


def consistent_application(
    rng: random.Random, form_rows: int, carried_in: dict[str, int], scale: int
) -> dict[str, dict[str, int]]:
    """Table 三 whose R2, R3 and R4 hold, with `carried_in` as row 二 (R7 with last year)."""
    rows = _rows(form_rows)
    result_rows = [r for r in rows if r.startswith("3.") and r != "3.7"]
    app: dict[str, dict[str, int]] = {r: {} for r in rows}
    for col in APPLICANT_PARTS:
        weight = scale if col == "natural_person" else rng.choice([0, 0, 1, max(1, scale // 8)])
        handled = {r: (rng.randint(0, weight) if rng.random() < 0.6 else 0) for r in result_rows}
        total_handled = sum(handled.values())
        carry_out = rng.randint(0, max(1, weight // 4)) if weight else 0
        carry_in = carried_in.get(col, 0)
        received = total_handled + carry_out - carry_in
        if received < 0:  # keep 一 ≥ 0 by carrying more out
            carry_out -= received
            received = 0
        for r in result_rows:
            app[r][col] = handled[r]
        app["1"][col], app["2"][col] = received, carry_in
        app["3.7"][col], app["4"][col] = total_handled, carry_out
    for r in rows:
        app[r]["total"] = sum(app[r][c] for c in APPLICANT_PARTS)
        app[r] = {c: app[r][c] for c in APPLICANT_CODES}
    return app


def consistent_review(rng: random.Random, scale: int) -> dict[str, dict[str, int]]:
    review = {}
    for p in PROCEEDING_CODES:
        parts = {o: rng.randint(0, scale) for o in OUTCOME_CODES[:-1]}
        review[p] = {**parts, "total": sum(parts.values())}
    return review


def disclosure(rng: random.Random, scale: int) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for item, measures in DISCLOSURE_MEASURES.items():
        if item == "administrative_fees":
            out[item] = {"amount_10k_yuan": round(rng.uniform(0, 90 * scale), 2)}
        elif len(measures) == 3:
            issued, repealed = rng.randint(0, scale), rng.randint(0, scale // 2)
            out[item] = {
                "issued": issued,
                "repealed": repealed,
                "in_force": issued + rng.randint(0, 5 * scale),
            }
        else:
            out[item] = {"decisions": rng.randint(0, 400 * scale)}
    return out


def seed_report() -> Report:
    """攀枝花市西区行政审批局 2024 (shared/reference/seed-report-2024.txt): every value is 0."""
    zeros = {r: dict.fromkeys(APPLICANT_CODES, 0) for r in ROW_CODES_25}
    review = {p: dict.fromkeys(OUTCOME_CODES, 0) for p in PROCEEDING_CODES}
    disc: dict[str, dict[str, float | int]] = {
        item: dict.fromkeys(m, 0) for item, m in DISCLOSURE_MEASURES.items()
    }
    return Report(
        slug="panzhihua-xiqu-xzspj-2024",
        agency="攀枝花市西区行政审批局",
        year=2024,
        form_rows=25,
        application=zeros,
        review=review,
        disclosure=disc,
        numbering=". ",
        split_after="3.6.1",
        repeat_header=False,
        prose=_seed_prose(),
    )


def _seed_prose() -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("### 一、总体情况"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("二、主动公开政府信息情况"))
    return [ln.lstrip("# ").strip() for ln in lines[start:end] if ln.strip()]


FILLER = [
    "本年度，我单位坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开工作。",
    "（一）主动公开情况。围绕重点领域信息公开要求，及时通过门户网站发布政策文件、规划计划、财政预决算等信息。",
    "（二）依申请公开情况。进一步规范依申请公开受理、登记、审查、答复流程，确保在法定期限内答复。",
    "（三）政府信息管理情况。严格落实公开前保密审查机制，动态更新政府信息公开指南和主动公开目录。",
    "（四）政府信息公开平台建设情况。优化门户网站栏目设置，加强政务新媒体管理，提升平台集约化水平。",
    "（五）监督保障情况。将政务公开工作纳入年度绩效考核，组织业务培训，强化社会评议。",
]


def body_reports() -> list[Report]:
    """Two bodies over two years; year two carries in what year one carried out (R7 holds)."""
    rng = random.Random(SEED)
    bodies = [
        # slug, names by year, rows, numbering, scale, split row, header repeated
        (
            "yunxi-city",
            {2023: "云溪市人民政府", 2024: "云溪市人民政府"},
            25,
            "、",
            60,
            "3.4.1",
            True,
        ),
        (
            "yunxi-linjiang-edu",
            {2023: "云溪市临江区教育局", 2024: "临江区教育局"},
            23,
            "．",
            6,
            "3.3.6",
            False,
        ),
    ]
    reports = []
    for slug, names, form_rows, numbering, scale, split_after, repeat in bodies:
        carried: dict[str, int] = {}
        for year in (2023, 2024):
            app = consistent_application(rng, form_rows, carried, scale)
            carried = {c: app["4"][c] for c in APPLICANT_PARTS}
            prose_len = rng.randint(4, 12)
            reports.append(
                Report(
                    slug=f"{slug}-{year}",
                    agency=names[year],
                    year=year,
                    form_rows=form_rows,
                    application=app,
                    review=consistent_review(rng, max(1, scale // 10)),
                    disclosure=disclosure(rng, scale),
                    numbering=numbering,
                    split_after=split_after,
                    repeat_header=repeat,
                    prose=[FILLER[i % len(FILLER)] for i in range(prose_len)],
                )
            )
    plant_row_total_mistake(reports[-1])
    return reports


def plant_row_total_mistake(report: Report) -> None:
    """A publisher's slip: one 总计 cell of row （一）予以公开 printed one too high."""
    report.application["3.1"]["total"] += 1
    printed = report.application["3.1"]["total"]
    report.expected_failures = [
        {"check": "R2", "where": f"row 3.1: total {printed}, parts sum {printed - 1}"},
        {"check": "R3", "where": "total column: 3.7 differs from the sum of rows 3.1–3.6"},
    ]


# ---- rendering ------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=1),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=20, spaceBefore=6),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=21),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "cellc": ParagraphStyle("cellc", parent=base, fontSize=9, leading=11.5, alignment=1),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text.replace("\n", "<br/>"), style)


def _grid_style(spans: list[tuple[int, int, int, int]]) -> TableStyle:
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    commands += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
    return TableStyle(commands)


def disclosure_table(report: Report, st: dict[str, ParagraphStyle]) -> Table:
    d = report.disclosure
    rows: list[list[object]] = []
    spans: list[tuple[int, int, int, int]] = []

    def section(title: str) -> None:
        spans.append((0, len(rows), 3, len(rows)))
        rows.append([title, "", "", ""])

    def single(label: str, header: str, value: str) -> None:
        spans.append((1, len(rows), 3, len(rows)))
        rows.append(["信息内容", header, "", ""])
        spans.append((1, len(rows), 3, len(rows)))
        rows.append([label, value, "", ""])

    section("第二十条第（一）项")
    rows.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    for item, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([label, *(str(d[item][m]) for m in DISCLOSURE_MEASURES[item])])
    section("第二十条第（五）项")
    single("行政许可", "本年处理决定数量", str(d["administrative_license"]["decisions"]))
    section("第二十条第（六）项")
    spans.append((1, len(rows), 3, len(rows)))
    rows.append(["信息内容", "本年处理决定数量", "", ""])
    for item, label in (
        ("administrative_penalty", "行政处罚"),
        ("administrative_coercion", "行政强制"),
    ):
        spans.append((1, len(rows), 3, len(rows)))
        rows.append([label, str(d[item]["decisions"]), "", ""])
    section("第二十条第（八）项")
    single(
        "行政事业性收费",
        "本年收费金额（单位：万元）",
        _amount(d["administrative_fees"]["amount_10k_yuan"]),
    )
    return Table(rows, colWidths=[45 * mm, 40 * mm, 40 * mm, 40 * mm], style=_grid_style(spans))


def _amount(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def application_rows(
    report: Report, st: dict[str, ParagraphStyle]
) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """Table 三's data rows (no header) and their merged cells, row 0 = row code '1'."""
    codes = _rows(report.form_rows)
    rows: list[list[object]] = []
    spans: list[tuple[int, int, int, int]] = []
    group_start: dict[str, int] = {}
    for i, code in enumerate(codes):
        values = [str(report.application[code][c]) for c in APPLICANT_CODES]
        parts = code.split(".")
        if code in ("1", "2", "4"):
            rows.append([_p(ROW_LABELS[code], st["cell"]), "", "", *values])
            spans.append((0, i, 2, i))
        elif len(parts) == 3:
            group = ".".join(parts[:2])
            first = group not in group_start
            group_start.setdefault(group, i)
            label = f"{parts[2]}{report.numbering}{ROW_LABELS[code]}"
            rows.append(
                [
                    "",
                    _p(GROUP_LABELS[group], st["cell"]) if first else "",
                    _p(label, st["cell"]),
                    *values,
                ]
            )
        else:
            rows.append(["", _p(ROW_LABELS[code], st["cell"]), "", *values])
            spans.append((1, i, 2, i))
    for group, start in group_start.items():
        end = max(i for i, c in enumerate(codes) if c.startswith(group + "."))
        spans.append((1, start, 1, end))
    first3, last3 = codes.index("3.1"), codes.index("3.7")
    rows[first3][0] = _p("三、\n本\n年\n度\n办\n理\n结\n果", st["cellc"])
    spans.append((0, first3, 0, last3))
    return rows, spans


def application_header(
    st: dict[str, ParagraphStyle],
) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    note = _p("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", st["cell"])
    rows: list[list[object]] = [
        [note, "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", *(_p(h, st["cellc"]) for h in APPLICANT_HEADERS[1:6]), ""],
    ]
    spans = [(0, 0, 2, 2), (3, 0, 9, 0), (3, 1, 3, 2), (4, 1, 8, 1), (9, 1, 9, 2)]
    return rows, spans


def clip_spans(
    spans: list[tuple[int, int, int, int]], start: int, stop: int, offset: int
) -> list[tuple[int, int, int, int]]:
    """Merged cells of data rows [start, stop) moved down by `offset` (header rows above)."""
    out = []
    for c0, r0, c1, r1 in spans:
        lo, hi = max(r0, start), min(r1, stop - 1)
        if lo <= hi and (c0, lo) != (c1, hi):
            out.append((c0, lo - start + offset, c1, hi - start + offset))
    return out


def application_pieces(report: Report, st: dict[str, ParagraphStyle]) -> list[Table]:
    """Table 三 as printed: one ruled table, or two when a page break falls inside it."""
    data, spans = application_rows(report, st)
    header, header_spans = application_header(st)
    widths = [12 * mm, 18 * mm, 48 * mm] + [13 * mm] * 6 + [14 * mm]
    codes = _rows(report.form_rows)
    cut = codes.index(report.split_after) + 1 if report.split_after else len(codes)
    pieces = []
    for n, (start, stop) in enumerate(((0, cut), (cut, len(codes)))):
        if start >= stop:
            continue
        with_header = n == 0 or report.repeat_header
        top = header if with_header else []
        body = [list(r) for r in data[start:stop]]
        piece_spans = (header_spans if with_header else []) + clip_spans(
            spans, start, stop, len(top)
        )
        pieces.append(Table(top + body, colWidths=widths, style=_grid_style(piece_spans)))
    return pieces


def review_table(report: Report, st: dict[str, ParagraphStyle]) -> Table:
    header_cells = [_p(h, st["cellc"]) for h in OUTCOME_HEADERS]
    rows: list[list[object]] = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*header_cells, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *header_cells, *[_p(h, st["cellc"]) for h in OUTCOME_HEADERS]],
        [str(report.review[p][o]) for p in PROCEEDING_CODES for o in OUTCOME_CODES],
    ]
    spans = [(0, 0, 4, 0), (5, 0, 14, 0), (5, 1, 9, 1), (10, 1, 14, 1)]
    spans += [(i, 1, i, 2) for i in range(5)]
    return Table(rows, colWidths=[11.6 * mm] * 15, style=_grid_style(spans))


def render(report: Report, path: Path) -> None:
    st = _styles()
    story: list[object] = [
        _p(report.agency, st["title"]),
        _p(f"{report.year}年政府信息公开工作年度报告", st["title"]),
        Spacer(1, 6 * mm),
        _p("一、总体情况", st["h"]),
        *(_p(t, st["body"]) for t in report.prose),
        _p("二、主动公开政府信息情况", st["h"]),
        disclosure_table(report, st),
        _p("三、收到和处理政府信息公开申请情况", st["h"]),
    ]
    pieces = application_pieces(report, st)
    story.append(pieces[0])
    for piece in pieces[1:]:
        story += [PageBreak(), piece]
    story += [
        _p("四、政府信息公开行政复议、行政诉讼情况", st["h"]),
        review_table(report, st),
        _p("五、存在的主要问题及改进情况", st["h"]),
        _p(
            "政务公开工作仍存在信息发布不够及时、政策解读形式较为单一等问题，下一步将持续改进。",
            st["body"],
        ),
        _p("六、其他需要报告的事项", st["h"]),
        _p("本年度未收取信息处理费，无其他需要报告的事项。", st["body"]),
    ]
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{report.agency}{report.year}年政府信息公开工作年度报告",
        author="nianbao sample generator",
        creator="nianbao",
        invariant=1,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)


def _footer(canvas: object, doc: object) -> None:
    canvas.setFont(FONT, 9)  # type: ignore[attr-defined]
    canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {doc.page} -")  # type: ignore[attr-defined]


# ---- the portal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    title: str
    date: str  # YYYYMMDD
    item_id: int
    attachment: str | None  # file name under the detail page's folder
    report: Report | None = None
    expected: str = "loaded"  # or the start of a quarantine reason


def corrupt_pdf_bytes() -> bytes:
    """A PDF header followed by noise: what a broken upload looks like."""
    rng = random.Random(SEED + 1)
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(rng.randrange(256) for _ in range(4096))


def build_items(reports: list[Report]) -> list[Item]:
    items = []
    for n, r in enumerate(reports):
        date = f"{r.year + 1}0{1 + n % 3}{15 + n:02d}"
        items.append(
            Item(
                f"{r.agency}{r.year}年政府信息公开工作年度报告",
                date,
                9001 + n,
                f"P0{date}{n:04d}.pdf",
                r,
            )
        )
    items.append(
        Item(
            "云溪市发展改革委2024年政府信息公开工作年度报告",
            "20250120",
            9101,
            "P020250120_fgw.pdf",
            None,
            "the PDF is damaged",
        )
    )
    items.append(Item("关于开展2025年政务公开业务培训的通知", "20250210", 9201, None))
    items.append(Item("云溪市2025年政务公开工作要点", "20250305", 9202, "P020250305_yd.pdf"))
    return sorted(items, key=lambda i: (i.date, i.item_id), reverse=True)


def write_portal(items: list[Item], per_page: int = 4) -> list[dict[str, object]]:
    if PORTAL.exists():
        shutil.rmtree(PORTAL)
    PORTAL.mkdir(parents=True)
    manifest = []
    for item in items:
        folder = PORTAL / item.date[:6]
        folder.mkdir(exist_ok=True)
        if item.attachment:
            target = folder / item.attachment
            if item.report is not None:
                render(item.report, target)
            elif item.expected != "loaded":
                target.write_bytes(corrupt_pdf_bytes())
            else:
                target.write_bytes(_plain_pdf("云溪市2025年政务公开工作要点"))
        (folder / f"t{item.date}_{item.item_id}.html").write_text(
            _detail_html(item), encoding="utf-8"
        )
        if item.attachment and (item.report is not None or item.expected != "loaded"):
            manifest.append(
                {
                    "path": f"{item.date[:6]}/{item.attachment}",
                    "truth": f"{item.report.slug}.json" if item.report else None,
                    "expected": "loaded" if item.report else "quarantined",
                    "reason_starts": None if item.report else item.expected,
                }
            )
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    for n, page_items in enumerate(pages):
        name = "index.html" if n == 0 else f"index_{n}.html"
        (PORTAL / name).write_text(_listing_html(page_items, n, len(pages)), encoding="utf-8")
    return manifest


def _plain_pdf(title: str) -> bytes:
    from io import BytesIO

    st = _styles()
    buf = BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(
        [_p(title, st["title"]), _p("各单位：请按要求做好年度政务公开工作。", st["body"])]
    )
    return buf.getvalue()


_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="header"><a href="/">云溪市人民政府门户网站</a> &gt; <a href="/xxgk/">政府信息公开</a></div>
"""


def _listing_html(items: list[Item], page: int, pages: int) -> str:
    lis = "\n".join(
        f'<li><a href="./{i.date[:6]}/t{i.date}_{i.item_id}.html" target="_blank">{i.title}</a>'
        f"<span>{i.date[:4]}-{i.date[4:6]}-{i.date[6:]}</span></li>"
        for i in items
    )
    nav = " ".join(
        f'<a href="{"index.html" if n == 0 else f"index_{n}.html"}">{n + 1}</a>'
        if n != page
        else f"<b>{n + 1}</b>"
        for n in range(pages)
    )
    return (
        _HEAD.format(title="政府信息公开年报")
        + f'<div class="list"><h2>政府信息公开年报</h2><ul>\n{lis}\n</ul></div>\n'
        + f'<div class="page">{nav}</div>\n'
        + f'<script>createPageHTML({pages}, {page}, "index", "html");</script>\n</body></html>\n'
    )


def _detail_html(item: Item) -> str:
    body = f"<h1>{item.title}</h1><p>发布日期：{item.date[:4]}-{item.date[4:6]}-{item.date[6:]}</p>"
    if item.attachment:
        body += f'<p>附件：<a href="./{item.attachment}">{item.title}.pdf</a></p>'
    else:
        body += "<p>各县区、市各部门：现就开展政务公开业务培训有关事项通知如下……</p>"
    return _HEAD.format(title=item.title) + f'<div class="article">{body}</div>\n</body></html>\n'


def main() -> None:
    reports = [seed_report(), *body_reports()]
    if TRUTH.exists():
        shutil.rmtree(TRUTH)
    TRUTH.mkdir(parents=True)
    for r in reports:
        (TRUTH / f"{r.slug}.json").write_text(
            json.dumps(r.truth(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    manifest = write_portal(build_items(reports))
    (TRUTH / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(reports)} reports, {len(manifest)} attachments to {PORTAL}")


if __name__ == "__main__":
    main()
