"""A report as a renderer-neutral document: headings, paragraphs and ruled tables with merges.

Both renderers (reportlab, DOCX → LibreOffice) draw exactly this, so a difference between
their PDFs is the engine's, not the content's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.model import Report, Style, rows_of
from nianbao.form import APPLICANT_CODES, DISCLOSURE_MEASURES, OUTCOME_CODES, PROCEEDING_CODES

Span = tuple[int, int, int, int]  # first col, first row, last col, last row


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 = title
    new_page: bool = False


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class RuledTable:
    rows: tuple[tuple[str, ...], ...]
    spans: tuple[Span, ...]
    col_widths_mm: tuple[float, ...]
    header_rows: int = 0
    repeat_header: bool = False
    landscape: bool = False
    centered_cols: frozenset[int] = field(default_factory=frozenset)
    ruled: bool = True  # False: no rules at all, columns only by where the text sits

    def merges(self) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
        """(row, col) of each span's top-left cell → (rows, cols) it spans; and the cells
        the spans cover besides their top-left ones."""
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for c0, r0, c1, r1 in self.spans:
            origin[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
            covered |= cells - {(r0, c0)}
        return origin, covered

    def drawn_rows(self) -> list[list[tuple[int, str, tuple[int, int]]]]:
        """Each row's cells as drawn in markup with spans: (column, text, (rows, cols) it
        spans), the cells a span covers left out."""
        origin, covered = self.merges()
        return [
            [
                (c, text, origin.get((r, c), (1, 1)))
                for c, text in enumerate(row)
                if (r, c) not in covered
            ]
            for r, row in enumerate(self.rows)
        ]


def span_attributes(spans: tuple[int, int]) -> str:
    """rowspan/colspan attributes of an HTML cell spanning (rows, cols)."""
    rows, cols = spans
    return (f' rowspan="{rows}"' if rows > 1 else "") + (f' colspan="{cols}"' if cols > 1 else "")


Block = Heading | Para | RuledTable


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    style: Style


# ---- labels as a publisher prints them ---------------------------------------------------

FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
CHINESE_NUMERALS = "一二三四五六七"

ROW_TEXT = {
    "1": "一、本年新收政府信息公开申请数量",
    "2": "二、上年结转政府信息公开申请数量",
    "3.1": "予以公开",
    "3.2": "部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3.3": "不予公开",
    "3.4": "无法提供",
    "3.5": "不予处理",
    "3.6": "其他处理",
    "3.7": "总计",
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
    "4": "四、结转下年度继续办理",
}


def group_label(group: str, style: Style) -> str:
    """（三）不予公开 with the publisher's brackets."""
    n = CHINESE_NUMERALS[int(group.split(".")[1]) - 1]
    open_, close = ("（", "）") if style.brackets == "full" else ("(", ")")
    text = ROW_TEXT[group].replace("（", open_).replace("）", close)
    return f"{open_}{n}{close}{text}"


def item_label(code: str, style: Style) -> str:
    """A sub-item: number, the publisher's separator, the text (typo and quotes as printed)."""
    text = ROW_TEXT[code]
    if code == "3.3.2" and style.typo:
        text = "其他法律行政止公开"  # hongze-district-2023/2024's typo
    if style.quotes == "straight":
        text = text.replace("“", '"').replace("”", '"')
    number = code.rsplit(".", 1)[1]
    if style.digits == "full":
        number = number.translate(FULL_DIGITS)
    return f"{number}{style.numbering}{text}"


def value_text(value: float | int, style: Style) -> str:
    if value == 0 and style.zero_mark != "0":
        return style.zero_mark
    if isinstance(value, float):
        text = f"{value:,.2f}" if style.thousands else f"{value:.2f}"
        return text.rstrip("0").rstrip(".")
    return f"{value:,}" if style.thousands else str(value)


# ---- tables -----------------------------------------------------------------------------


def disclosure_table(report: Report) -> RuledTable:
    d, st = report.disclosure, report.style
    rows: list[tuple[str, ...]] = []
    spans: list[Span] = []

    def add(row: tuple[str, ...], span: Span | None = None) -> None:
        if span:
            spans.append((span[0], len(rows), span[2], len(rows)))
        rows.append(row)

    def art(n: str) -> str:
        return f"第二十条第（{n}）项" if st.brackets == "full" else f"第二十条第({n})项"

    add((art("一"), "", "", ""), (0, 0, 3, 0))
    add(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"))
    for item, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
        add((label, *(value_text(d[item][m], st) for m in DISCLOSURE_MEASURES[item])))
    for n, header, items in (
        ("五", "本年处理决定数量", (("administrative_license", "行政许可", "decisions"),)),
        (
            "六",
            "本年处理决定数量",
            (
                ("administrative_penalty", "行政处罚", "decisions"),
                ("administrative_coercion", "行政强制", "decisions"),
            ),
        ),
        (
            "八",
            "本年收费金额（单位：万元）",
            (("administrative_fees", "行政事业性收费", "amount_10k_yuan"),),
        ),
    ):
        add((art(n), "", "", ""), (0, 0, 3, 0))
        add(("信息内容", header, "", ""), (1, 0, 3, 0))
        for item, label, measure in items:
            add((label, value_text(d[item][measure], st), "", ""), (1, 0, 3, 0))
    return RuledTable(
        tuple(rows),
        tuple(spans),
        (40, 40, 40, 40),
        centered_cols=frozenset(range(4)),
        ruled="disclosure" not in st.unruled,
    )


def application_table(report: Report) -> RuledTable:
    st = report.style
    codes = rows_of(report.form_rows)
    header: list[tuple[str, ...]] = [
        (
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "",
            "",
            "申请人情况",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
        ("", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"),
        ("", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""),
    ]
    spans: list[Span] = [(0, 0, 2, 2), (3, 0, 9, 0), (3, 1, 3, 2), (4, 1, 8, 1), (9, 1, 9, 2)]
    body: list[tuple[str, ...]] = []
    group_rows: dict[str, list[int]] = {}
    for code in codes:
        r = len(header) + len(body)
        values = tuple(value_text(report.application[code][c], st) for c in APPLICANT_CODES)
        parts = code.split(".")
        if code in ("1", "2", "4"):
            body.append((ROW_TEXT[code], "", "", *values))
            spans.append((0, r, 2, r))
        elif len(parts) == 3:
            group = ".".join(parts[:2])
            first = group not in group_rows
            group_rows.setdefault(group, []).append(r)
            body.append(
                ("", group_label(group, st) if first else "", item_label(code, st), *values)
            )
        else:
            body.append(("", group_label(code, st), "", *values))
            spans.append((1, r, 2, r))
    for rows in group_rows.values():
        spans.append((1, rows[0], 1, rows[-1]))
    first3 = len(header) + codes.index("3.1")
    last3 = len(header) + codes.index("3.7")
    vertical = "三、\n" + "\n".join("本年度办理结果")  # WPS prints it one character a line
    body[first3 - len(header)] = (vertical, *body[first3 - len(header)][1:])
    spans.append((0, first3, 0, last3))
    label_w = min(st.label_width_mm, 210 - 2 * st.margin_mm - 118)  # fit the text block
    widths = (11.0, 17.0, float(label_w)) + (12.5,) * 6 + (13.5,)
    return RuledTable(
        tuple(header + body),
        tuple(spans),
        widths,
        header_rows=3,
        repeat_header=st.repeat_header,
        centered_cols=frozenset({0, *range(3, 10)}),
        ruled="application" not in st.unruled,
    )


OUTCOME_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def review_table(report: Report) -> RuledTable:
    st = report.style
    rows = (
        ("行政复议", "", "", "", "", "行政诉讼", *[""] * 9),
        (*OUTCOME_HEADERS, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""),
        ("", "", "", "", "", *OUTCOME_HEADERS, *OUTCOME_HEADERS),
        tuple(value_text(report.review[p][o], st) for p in PROCEEDING_CODES for o in OUTCOME_CODES),
    )
    spans = [
        (0, 0, 4, 0),
        (5, 0, 14, 0),
        (5, 1, 9, 1),
        (10, 1, 14, 1),
        *((i, 1, i, 2) for i in range(5)),
    ]
    page_width = 297 if st.landscape_review else 210
    width = min(16.0, (page_width - 2 * st.margin_mm - 1) / 15)
    return RuledTable(
        rows,
        tuple(spans),
        (width,) * 15,
        landscape=st.landscape_review,
        centered_cols=frozenset(range(15)),
        ruled="review" not in st.unruled,
    )


# ---- the whole report ---------------------------------------------------------------------

PROSE = (
    "（一）主动公开情况。围绕重点领域信息公开要求，及时通过门户网站发布政策文件、规划计划、财政预决算、重大建设项目等信息，持续做好政策解读和回应关切工作。",
    "（二）依申请公开情况。进一步规范依申请公开受理、登记、审查、答复流程，加强与申请人沟通，确保在法定期限内答复，答复文书规范完整。",
    "（三）政府信息管理情况。严格落实公开前保密审查机制，坚持“先审后发”，动态更新政府信息公开指南和主动公开目录，清理过时失效信息。",
    "（四）政府信息公开平台建设情况。优化门户网站栏目设置，加强政务新媒体管理，推进平台集约化建设，提升信息检索和无障碍浏览能力。",
    "（五）监督保障情况。将政务公开工作纳入年度绩效考核，组织业务培训两次，邀请社会评议员开展评议，及时整改发现的问题。",
    "本年度，本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，以公开促落实、促规范、促服务。",
)


def report_document(report: Report, seed_prose: list[str] | None = None) -> Document:
    st = report.style
    prose = (
        seed_prose
        if seed_prose is not None
        else [PROSE[i % len(PROSE)] for i in range(st.prose_paragraphs)]
    )
    blocks: list[Block] = [
        Heading(report.agency, 0),
        Heading(f"{report.year}年政府信息公开工作年度报告", 0),
        Para(
            f"本报告根据《中华人民共和国政府信息公开条例》编制，统计期限自{report.year}年1月1日至{report.year}年12月31日。"
        ),
        Heading("一、总体情况"),
        *(Para(t) for t in prose),
        Heading("二、主动公开政府信息情况"),
    ]
    if st.has_table2:
        blocks.append(disclosure_table(report))
    else:
        blocks.append(Para("本年度主动公开情况详见第一部分“主动公开情况”。"))
    blocks += [
        Heading("三、收到和处理政府信息公开申请情况", new_page=st.table3_new_page),
        application_table(report),
        Heading("四、政府信息公开行政复议、行政诉讼情况"),
        review_table(report),
        Heading("五、存在的主要问题及改进情况"),
        Para("政务公开工作仍存在信息发布不够及时、政策解读形式较为单一等问题，下一步将持续改进。"),
        Heading("六、其他需要报告的事项"),
        Para("本年度未收取信息处理费，无其他需要报告的事项。"),
    ]
    return Document(f"{report.agency}{report.year}年政府信息公开工作年度报告", tuple(blocks), st)


def trial_format_document(agency: str, year: int, style: Style) -> Document:
    """A 2019 trial-format report: table 二 counts 本年新制作 / 本年新公开 / 对外公开总数量."""
    rows = (
        ("第二十条第（一）项", "", "", ""),
        ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
        ("规章", "0", "0", "3"),
        ("规范性文件", "2", "2", "15"),
        ("第二十条第（五）项", "", "", ""),
        ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        ("行政许可", "12", "0", "340"),
    )
    spans = ((0, 0, 3, 0), (0, 4, 3, 4))
    table = RuledTable(rows, spans, (40, 40, 40, 40), centered_cols=frozenset(range(4)))
    blocks: tuple[Block, ...] = (
        Heading(agency, 0),
        Heading(f"{year}年政府信息公开工作年度报告", 0),
        Heading("一、总体情况"),
        Para(PROSE[5]),
        Heading("二、主动公开政府信息情况"),
        table,
        Heading("三、收到和处理政府信息公开申请情况"),
        Para("本年度共收到政府信息公开申请5件，均已按期答复。"),
    )
    return Document(f"{agency}{year}年政府信息公开工作年度报告", blocks, style)


def prose_only_document(agency: str, year: int, style: Style) -> Document:
    blocks: tuple[Block, ...] = (
        Heading(agency, 0),
        Heading(f"{year}年政府信息公开工作年度报告", 0),
        *(
            Heading(h) if i % 2 == 0 else Para(PROSE[i % len(PROSE)])
            for i, h in enumerate(
                (
                    "一、总体情况",
                    "",
                    "二、主动公开政府信息情况",
                    "",
                    "三、收到和处理政府信息公开申请情况",
                    "",
                )
            )
        ),
        Para("本年度未收到政府信息公开申请，未发生政府信息公开行政复议、行政诉讼。"),
    )
    return Document(f"{agency}{year}年政府信息公开工作年度报告", blocks, style)
