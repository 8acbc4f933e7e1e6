"""Canonical codes of the 2021 national report form (SPEC §1), in form order."""

from __future__ import annotations

APPLICANT_CODES: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
APPLICANT_PARTS: tuple[str, ...] = APPLICANT_CODES[:-1]

# Table 三 rows of the 2021 form; （六）其他处理 split into three.
ROW_CODES_25: tuple[str, ...] = (
    "1",
    "2",
    "3.1",
    "3.2",
    *(f"3.3.{i}" for i in range(1, 9)),
    *(f"3.4.{i}" for i in range(1, 4)),
    *(f"3.5.{i}" for i in range(1, 6)),
    *(f"3.6.{i}" for i in range(1, 4)),
    "3.7",
    "4",
)
# The 2019 trial layout many bodies still print: （六）其他处理 as one row `3.6`.
ROW_CODES_23: tuple[str, ...] = ROW_CODES_25[:20] + ("3.6", "3.7", "4")

# Every row code either form can print, in form order.
FORM_ROW_ORDER: tuple[str, ...] = ROW_CODES_25[:20] + ("3.6",) + ROW_CODES_25[20:]

PROCEEDING_CODES: tuple[str, ...] = (
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
)
OUTCOME_CODES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
OUTCOME_PARTS: tuple[str, ...] = OUTCOME_CODES[:-1]
# Table 四 prints its values as one row: every proceeding's outcomes, side by side.
REVIEW_CELLS = len(PROCEEDING_CODES) * len(OUTCOME_CODES)

DISCLOSURE_MEASURES: dict[str, tuple[str, ...]] = {
    "rules": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "administrative_license": ("decisions",),
    "administrative_penalty": ("decisions",),
    "administrative_coercion": ("decisions",),
    "administrative_fees": ("amount_10k_yuan",),
}

TABLES: tuple[str, ...] = ("disclosure", "application", "review")


# The labels and heads the form prints (SPEC §1), numbered as the form numbers them: what a
# misread label of a scanned report is compared with (extract/ocr.py). Publishers' own
# wordings are matched by the registries in extract/labels.py.
PRINTED_LABELS: tuple[str, ...] = (
    # table 二
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "规章",
    "行政规范性文件",
    "本年处理决定数量",
    "行政许可",
    "行政处罚",
    "行政强制",
    "本年收费金额（单位：万元）",
    "行政事业性收费",
    # table 三
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "（四）无法提供",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "（五）不予处理",
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
    # table 四
    "行政复议",
    "行政诉讼",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
)


# What the form prints for each code (SPEC §1), for people reading findings (alert mails).
_ROW_LABELS = dict(
    zip(
        FORM_ROW_ORDER,
        (
            "一、本年新收政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
            "（一）予以公开",
            "（二）部分公开",
            *(f"（三）不予公开 {i}" for i in range(1, 9)),
            *(f"（四）无法提供 {i}" for i in range(1, 4)),
            *(f"（五）不予处理 {i}" for i in range(1, 6)),
            "（六）其他处理",
            *(f"（六）其他处理 {i}" for i in range(1, 4)),
            "（七）总计",
            "四、结转下年度继续办理",
        ),
        strict=True,
    )
)
CODE_LABELS: dict[str, dict[str, str]] = {
    "row_code": _ROW_LABELS,
    "applicant_code": dict(
        zip(
            APPLICANT_CODES,
            ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
            strict=True,
        )
    ),
    "proceeding_code": dict(
        zip(
            PROCEEDING_CODES,
            ("行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉"),
            strict=True,
        )
    ),
    "outcome_code": dict(
        zip(OUTCOME_CODES, ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"), strict=True)
    ),
}

# What each check means, in a line (SPEC §2).
CHECK_MEANINGS: dict[str, str] = {
    "R1": "every count is a whole number ≥ 0 (a value that is not a number, or was not read)",
    "R2": "table 三, each row: 总计 is the sum of the six applicant columns",
    "R3": "table 三, each column: （七）总计 is the sum of the handling rows （一）…（六）",
    "R4": "table 三, each column: 一 + 二 (received + carried over) = （七）总计 + 四 (carried forward)",
    "R5": "table 四, each proceeding: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
    "R6": "every cell of 三 and 四 is present (175 or 161, and 15)",
    "R7": "this year's 二 (carried over) equals last year's 四 (carried forward), same body",
    "R8": "the application count the text states equals table 三's",
}
