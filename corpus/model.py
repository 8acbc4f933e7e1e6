"""The canonical model of the corpus: bodies, years, values, planted mistakes, and the truth.

Everything here is pure Python drawn from one seed, so the truth of the whole corpus can be
rebuilt and compared without rendering a single PDF.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field, replace

from nianbao.form import (
    APPLICANT_CODES,
    APPLICANT_PARTS,
    DISCLOSURE_MEASURES,
    OUTCOME_CODES,
    OUTCOME_PARTS,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)

SEED = 20241231
YEARS = (2022, 2023, 2024)

Table = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Style:
    """How one publisher prints its report; every field is recorded in the truth."""

    renderer: str  # 'docx-libreoffice' | 'reportlab'
    font: str  # key of corpus/fonts.py FONTS
    font_size: float  # 9–12 pt, table text
    margin_mm: int
    prose_paragraphs: int  # pushes table 三 down the page: where it breaks
    table3_new_page: bool  # table 三 starts on a fresh page (often: no break at all)
    repeat_header: bool  # table 三's header repeated on continuation pages
    numbering: str  # '.', '、', '．'
    brackets: str  # 'full' （一） | 'ascii' (一)
    digits: str  # 'ascii' | 'full' (１．)
    quotes: str  # 'curly' “” | 'straight' ""
    typo: bool  # 其他法律行政止公开 (hongze-district's typo)
    zero_mark: str  # how a zero is printed: '0', '', '—', '/'
    thousands: bool  # 447,228
    landscape_review: bool  # table 四 on a landscape page
    has_table2: bool
    label_width_mm: int  # narrow label columns wrap labels over 2–3 lines
    # tables printed with no rules at all (lattice finds no grid: read by text position)
    unruled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    slug: str
    agency: str
    year: int
    form_rows: int  # 25, or 23 with （六）其他处理 as one row
    application: Table
    review: Table
    disclosure: dict[str, dict[str, float | int]]
    style: Style
    planted: tuple[str, ...] = ()  # what was planted, in words
    expected_failures: tuple[dict[str, str], ...] = ()

    def truth(self) -> dict[str, object]:
        return {
            "file": f"{self.slug}.pdf",
            "agency": self.agency,
            "year": self.year,
            "table3_rows": self.form_rows,
            "application": self.application,
            "review": self.review,
            "disclosure": self.disclosure if self.style.has_table2 else {},
            "expected_failures": list(self.expected_failures),
            "planted": list(self.planted),
            "variant": asdict(self.style),
        }


@dataclass(frozen=True)
class Body:
    key: str
    names: dict[int, str]  # the name as printed, by year
    scale: int  # typical count in a busy cell
    form_rows: int
    renderer: str


BODIES: tuple[Body, ...] = (
    Body("yunxi-city", dict.fromkeys(YEARS, "云溪市人民政府"), 400, 25, "docx-libreoffice"),
    Body(
        "linjiang-district",
        {2022: "云溪市临江区人民政府", 2023: "临江区人民政府", 2024: "云溪市临江区人民政府"},
        60,
        23,
        "reportlab",
    ),
    Body("yunxi-edu", dict.fromkeys(YEARS, "云溪市教育局"), 12, 25, "reportlab"),
    Body(
        "linjiang-edu",
        {2022: "云溪市临江区教育局", 2023: "云溪市临江区教育局", 2024: "临江区教育局"},
        3,
        23,
        "docx-libreoffice",
    ),
    Body("yunxi-eco", dict.fromkeys(YEARS, "云溪市生态环境局"), 20, 25, "docx-libreoffice"),
    Body("yunxi-samr", dict.fromkeys(YEARS, "云溪市市场监督管理局"), 40, 25, "reportlab"),
    Body(
        "qingshan-county",
        {2022: "青山县人民政府", 2023: "云溪市青山县人民政府", 2024: "青山县人民政府"},
        30,
        23,
        "docx-libreoffice",
    ),
    Body("yunxi-police", dict.fromkeys(YEARS, "云溪市公安局"), 25, 25, "reportlab"),
    Body("yunxi-health", dict.fromkeys(YEARS, "云溪市卫生健康委员会"), 15, 25, "docx-libreoffice"),
    Body("yunxi-nrp", dict.fromkeys(YEARS, "云溪市自然资源和规划局"), 50, 23, "reportlab"),
)

FONTS_BY_RENDERER = {
    # LibreOffice embeds TrueType fonts as TrueType and Noto CJK (OpenType/CFF) as CFF.
    "docx-libreoffice": ("noto-sans-cjk", "noto-serif-cjk", "wqy-zenhei", "ar-pl-uming"),
    "reportlab": ("wqy-zenhei", "ar-pl-uming"),
}


def rows_of(form_rows: int) -> tuple[str, ...]:
    return ROW_CODES_23 if form_rows == 23 else ROW_CODES_25


# ---- values whose arithmetic holds ------------------------------------------------------


def consistent_application(
    rng: random.Random, form_rows: int, carried_in: dict[str, int], scale: int
) -> Table:
    """Table 三 with R2, R3, R4 holding and row 二 = `carried_in` (R7 with last year)."""
    rows = rows_of(form_rows)
    result_rows = [r for r in rows if r.startswith("3.") and r != "3.7"]
    app: dict[str, dict[str, int]] = {r: {} for r in rows}
    for col in APPLICANT_PARTS:
        weight = scale if col == "natural_person" else rng.choice([0, 0, 0, 1, max(1, scale // 6)])
        handled = {r: (rng.randint(0, weight) if rng.random() < 0.55 else 0) for r in result_rows}
        total_handled = sum(handled.values())
        carry_out = rng.randint(0, max(1, weight // 5)) if weight else 0
        carry_in = carried_in.get(col, 0)
        received = total_handled + carry_out - carry_in
        if received < 0:
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


def consistent_review(rng: random.Random, scale: int) -> Table:
    review = {}
    for p in PROCEEDING_CODES:
        parts = {o: (rng.randint(0, scale) if rng.random() < 0.6 else 0) for o in OUTCOME_PARTS}
        review[p] = {**parts, "total": sum(parts.values())}
    return review


def disclosure_values(rng: random.Random, scale: int) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for item, measures in DISCLOSURE_MEASURES.items():
        if item == "administrative_fees":
            cents = rng.choice([0, rng.randint(0, 900 * scale * 100)])
            out[item] = {"amount_10k_yuan": round(cents / 100, 2) if cents % 100 else cents // 100}
        elif len(measures) == 3:
            issued, repealed = rng.randint(0, scale // 4 + 1), rng.randint(0, scale // 8 + 1)
            out[item] = {
                "issued": issued,
                "repealed": repealed,
                "in_force": issued + rng.randint(0, 3 * scale),
            }
        else:
            out[item] = {"decisions": rng.randint(0, 2000 * scale) if rng.random() < 0.8 else 0}
    return out


# ---- the arithmetic, re-implemented independently of nianbao's expectations --------------


def failing_relations(report: Report, previous: Report | None) -> tuple[dict[str, str], ...]:
    """Every (check, place) that the report's printed values break: R2–R5, and R7."""
    app, rev = report.application, report.review
    rows = rows_of(report.form_rows)
    found: list[dict[str, str]] = []
    for r in rows:
        parts = sum(app[r][c] for c in APPLICANT_PARTS)
        if app[r]["total"] != parts:
            found.append(
                {"check": "R2", "where": f"row {r}: total {app[r]['total']}, parts sum {parts}"}
            )
    results = [r for r in rows if r.startswith("3.") and r != "3.7"]
    for c in APPLICANT_CODES:
        parts = sum(app[r][c] for r in results)
        if app["3.7"][c] != parts:
            found.append(
                {"check": "R3", "where": f"{c}: 3.7 is {app['3.7'][c]}, rows 3.1–3.6 sum {parts}"}
            )
    for c in APPLICANT_CODES:
        lhs, rhs = app["1"][c] + app["2"][c], app["3.7"][c] + app["4"][c]
        if lhs != rhs:
            found.append({"check": "R4", "where": f"{c}: 1+2 = {lhs}, 3.7+4 = {rhs}"})
    for p in PROCEEDING_CODES:
        parts = sum(rev[p][o] for o in OUTCOME_PARTS)
        if rev[p]["total"] != parts:
            found.append(
                {"check": "R5", "where": f"{p}: total {rev[p]['total']}, parts sum {parts}"}
            )
    if previous is not None:
        for c in APPLICANT_CODES:
            if app["2"][c] != previous.application["4"][c]:
                found.append(
                    {
                        "check": "R7",
                        "where": f"{c}: 2 is {app['2'][c]}, {previous.year} row 4 was {previous.application['4'][c]}",
                    }
                )
    return tuple(found)


# ---- publishers' mistakes, one cell each ------------------------------------------------


def _bump(table: Table, row: str, col: str, by: int) -> Table:
    return {
        r: ({**cols, col: cols[col] + by} if r == row else dict(cols)) for r, cols in table.items()
    }


def plant(report: Report, mistake: str) -> Report:
    """One printed cell off, the way publishers slip; the truth keeps the printed value."""
    app, rev = report.application, report.review
    if mistake == "R2":  # a row's 总计 one too high
        return replace(
            report, application=_bump(app, "3.2", "total", 1), planted=("row 3.2 总计 +1",)
        )
    if mistake == "R3":  # （七）总计 of one column one too low (its row total follows it)
        col = "natural_person"
        changed = (
            _bump(_bump(app, "3.7", col, -1), "3.7", "total", -1)
            if app["3.7"][col]
            else _bump(_bump(app, "3.7", col, 1), "3.7", "total", 1)
        )
        return replace(
            report, application=changed, planted=("row 3.7 natural_person and total off by one",)
        )
    if mistake == "R4":  # 本年新收 miscounted (with its row total)
        changed = _bump(_bump(app, "1", "natural_person", 2), "1", "total", 2)
        return replace(report, application=changed, planted=("row 1 natural_person and total +2",))
    if mistake == "R5":  # 行政复议 总计 printed as 0 (hongze-district-2023 did this)
        changed_rev = {p: dict(v) for p, v in rev.items()}
        parts = sum(rev["reconsideration"][o] for o in OUTCOME_PARTS)
        changed_rev["reconsideration"]["total"] = 0 if parts else 1
        return replace(report, review=changed_rev, planted=("reconsideration 总计 printed wrong",))
    raise ValueError(mistake)


def break_continuity(report: Report) -> Report:
    """R7: 上年结转 that does not match last year's 结转下年度 (row 一 absorbs it, R4 holds)."""
    app = _bump(_bump(report.application, "2", "natural_person", 3), "2", "total", 3)
    app = _bump(_bump(app, "1", "natural_person", -3), "1", "total", -3)
    if app["1"]["natural_person"] < 0:
        app = _bump(_bump(app, "1", "natural_person", 6), "1", "total", 6)
        app = _bump(_bump(app, "2", "natural_person", -6), "2", "total", -6)
    return replace(
        report,
        application=app,
        planted=(*report.planted, "row 2 natural_person ≠ last year's row 4"),
    )


# ---- the corpus ---------------------------------------------------------------------------


def draw_style(rng: random.Random, body: Body, index: int) -> Style:
    fonts = FONTS_BY_RENDERER[body.renderer]
    return Style(
        renderer=body.renderer,
        font=fonts[index % len(fonts)],
        font_size=rng.choice([9, 9.5, 10, 10.5, 11, 12]),
        margin_mm=rng.choice([15, 20, 25, 30]),
        prose_paragraphs=rng.randint(2, 14),
        table3_new_page=index % 5 == 0,
        repeat_header=index % 3 == 1,
        numbering=(".", "、", "．")[index % 3],
        brackets="ascii" if index % 4 == 1 else "full",
        digits="full" if index % 7 == 3 else "ascii",
        quotes="straight" if index % 4 == 2 else "curly",
        typo=index % 6 == 5,
        zero_mark=("0", "0", "", "—", "/")[index % 5],
        thousands=body.scale >= 100 and index % 2 == 0,
        landscape_review=index % 8 == 4,
        has_table2=index % 11 != 7,
        label_width_mm=rng.choice([34, 40, 48, 56]),
        # Drawn after every random choice, so the other reports keep their seeded values.
        unruled=UNRULED.get(index, ()),
    )


# Reports (by index) whose tables are printed with no rules at all: lattice finds no grid and
# they are read by text position. Table 三 alone at 9 pt with narrow labels (wrapped), and all
# three tables at 12 pt with the header repeated over a page break.
UNRULED: dict[int, tuple[str, ...]] = {
    5: ("application",),
    8: ("disclosure", "review"),
    22: ("disclosure", "application", "review"),
}

MISTAKES = {  # (body key, year) → planted mistake
    ("yunxi-edu", 2023): "R2",
    ("yunxi-samr", 2024): "R3",
    ("linjiang-district", 2022): "R4",
    ("yunxi-police", 2024): "R5",
    ("yunxi-city", 2023): "R5",
}
CONTINUITY_BREAKS = {("yunxi-health", 2024), ("qingshan-county", 2023)}


def body_reports(seed: int = SEED) -> list[Report]:
    rng = random.Random(seed)
    reports: list[Report] = []
    index = 0
    for body in BODIES:
        carried: dict[str, int] = {}
        previous: Report | None = None
        for year in YEARS:
            app = consistent_application(rng, body.form_rows, carried, body.scale)
            carried = {c: app["4"][c] for c in APPLICANT_PARTS}
            report = Report(
                slug=f"{body.key}-{year}",
                agency=body.names[year],
                year=year,
                form_rows=body.form_rows,
                application=app,
                review=consistent_review(rng, max(1, body.scale // 20)),
                disclosure=disclosure_values(rng, body.scale),
                style=draw_style(rng, body, index),
            )
            if (body.key, year) in MISTAKES:
                report = plant(report, MISTAKES[(body.key, year)])
            if (body.key, year) in CONTINUITY_BREAKS:
                report = break_continuity(report)
            report = replace(report, expected_failures=failing_relations(report, previous))
            reports.append(report)
            previous = report
            index += 1
    return reports


def seed_report() -> Report:
    """攀枝花市西区行政审批局 2024 (shared/reference/seed-report-2024.txt): every value is 0."""
    zeros = {r: dict.fromkeys(APPLICANT_CODES, 0) for r in ROW_CODES_25}
    style = Style(
        renderer="reportlab",
        font="wqy-zenhei",
        font_size=10.5,
        margin_mm=25,
        prose_paragraphs=0,
        table3_new_page=False,
        repeat_header=False,
        numbering=". ",
        brackets="full",
        digits="ascii",
        quotes="curly",
        typo=False,
        zero_mark="0",
        thousands=False,
        landscape_review=False,
        has_table2=True,
        label_width_mm=48,
    )
    return Report(
        slug="panzhihua-xiqu-xzspj-2024",
        agency="攀枝花市西区行政审批局",
        year=2024,
        form_rows=25,
        application=zeros,
        review={p: dict.fromkeys(OUTCOME_CODES, 0) for p in PROCEEDING_CODES},
        disclosure={item: dict.fromkeys(m, 0) for item, m in DISCLOSURE_MEASURES.items()},
        style=style,
    )


@dataclass(frozen=True)
class Special:
    """A file that is not a readable report of the 2021 form, and what nianbao must do with it."""

    slug: str
    kind: str
    title: str
    expected: str  # 'quarantined' | 'loaded' | 'duplicate'
    reason: str = ""  # words the quarantine reason must contain
    of: str = ""  # the report it is derived from
    extra: dict[str, str] = field(default_factory=dict)


SPECIALS: tuple[Special, ...] = (
    # Published only as a scan (scanned_report): read by OCR, its truth beside the others.
    Special(
        "scan-yunxi-water-2024",
        "scanned",
        "云溪市水务局2024年政府信息公开工作年度报告",
        "loaded",
        "",
        "scan-yunxi-water-2024",
    ),
    Special(
        "truncated-yunxi-transport-2024",
        "truncated",
        "云溪市交通运输局2024年政府信息公开工作年度报告",
        "quarantined",
        "truncated",
        "yunxi-edu-2024",
    ),
    Special(
        "encrypted-yunxi-finance-2024",
        "encrypted",
        "云溪市财政局2024年政府信息公开工作年度报告",
        "quarantined",
        "encrypted",
    ),
    Special(
        "empty-yunxi-civil-2024",
        "zero-byte",
        "云溪市民政局2024年政府信息公开工作年度报告",
        "quarantined",
        "empty file",
    ),
    Special(
        "html-yunxi-audit-2024",
        "html-as-pdf",
        "云溪市审计局2024年政府信息公开工作年度报告",
        "quarantined",
        "not a PDF",
    ),
    Special(
        "prose-yunxi-archives-2024",
        "prose-only",
        "云溪市档案馆2024年政府信息公开工作年度报告",
        "quarantined",
        "no statistical tables",
    ),
    Special(
        "trial-yunxi-tourism-2019",
        "trial-format",
        "云溪市文化广电和旅游局2019年政府信息公开工作年度报告",
        "quarantined",
        "unsupported form version",
    ),
    Special(
        "dead-yunxi-sports-2024",
        "dead-link",
        "云溪市体育局2024年政府信息公开工作年度报告",
        "quarantined",
        "HTTP 404",
    ),
    Special(
        "dup-yunxi-city-2024",
        "duplicate",
        "云溪市人民政府2024年政府信息公开工作年度报告（转载）",
        "duplicate",
        "",
        "yunxi-city-2024",
    ),
)


def scanned_report() -> Report:
    """云溪市水务局 2024, which its portal publishes only as a scan (the scanned special)."""
    rng = random.Random(SEED + 11)
    report = replace(
        seed_report(),
        slug="scan-yunxi-water-2024",
        agency="云溪市水务局",
        application=consistent_application(rng, 25, {}, 8),
        review=consistent_review(rng, 1),
        disclosure=disclosure_values(rng, 8),
    )
    return replace(report, expected_failures=failing_relations(report, None))


def corpus(seed: int = SEED) -> list[Report]:
    return [seed_report(), *body_reports(seed)]


def truth_files(seed: int = SEED) -> dict[str, dict[str, object]]:
    """File name → truth JSON of every report in the corpus (what the generator writes),
    the one published only as a scan included."""
    return {f"{r.slug}.json": r.truth() for r in [*corpus(seed), scanned_report()]}
