"""Registries of printed labels → SPEC codes.

Publishers word, wrap and number the form's labels in many ways; every variant we have
met lives here as data, not as branches in the parser. Patterns are matched against
`normalize_label` output: NFKC (full-width brackets and digits become ASCII), no
whitespace, "、" and "．" numbering folded to ".".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from nianbao.form import PRINTED_LABELS

_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(r"^(\d)[、.．]")


# A rule's stroke read as a sign at a label's end (a scan's cell edge, "|3、其他"): the form
# prints none of these in a label.
_RULE_MARKS = "|丨¦"


def normalize_label(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = _SPACE.sub("", folded).strip(_RULE_MARKS)
    return _NUMBERING.sub(r"\1.", folded)


@dataclass(frozen=True)
class RowLabel:
    code: str
    pattern: re.Pattern[str]


def _rows(*pairs: tuple[str, str]) -> tuple[RowLabel, ...]:
    return tuple(RowLabel(code, re.compile(p)) for code, p in pairs)


# Table 三: matched against the innermost label of a row (its rightmost label cell),
# most specific first. The leading sub-item number, when printed, must agree with the code.
APPLICATION_ROW_LABELS: tuple[RowLabel, ...] = _rows(
    ("3.3.1", r"国家秘密"),
    # hongze-district-2023/2024 print the typo 其他法律行政止公开 (SPEC, real/README.md).
    ("3.3.2", r"其他法律行政"),
    ("3.3.3", r"三安全"),
    ("3.3.4", r"第三方合法权益"),
    ("3.3.5", r"三类内部事务"),
    ("3.3.6", r"四类过程性"),
    ("3.3.7", r"行政执法案卷"),
    ("3.3.8", r"行政查询事项"),
    ("3.4.1", r"不掌握"),
    ("3.4.2", r"另行制作"),
    ("3.4.3", r"补正后"),
    ("3.5.1", r"信访举报投诉"),
    ("3.5.2", r"重复申请"),
    ("3.5.3", r"公开出版物"),
    ("3.5.4", r"大量反复"),
    ("3.5.5", r"确认或重新|重新出具"),
    ("3.6.1", r"逾期不补正|无正当理由逾期"),
    ("3.6.2", r"收费通知|缴纳费用"),
    ("3.6.3", r"^3\.其他$"),
    ("3.1", r"予以公开$"),
    ("3.2", r"部分公开"),
    ("3.6", r"其他处理$"),
    ("3.7", r"总计$"),
    ("1", r"本年新收"),
    ("2", r"上年结转"),
    ("4", r"结转下年度"),
)

# Table 二: the item label stands alone in the row's first cell.
DISCLOSURE_ITEM_LABELS: tuple[RowLabel, ...] = _rows(
    ("rules", r"^规章$"),
    ("normative_documents", r"^(行政)?规范性文件$"),
    ("administrative_license", r"^行政许可$"),
    ("administrative_penalty", r"^行政处罚$"),
    ("administrative_coercion", r"^行政强制$"),
    ("administrative_fees", r"^行政事业性收费$"),
)

# Table 二's column heads: which measure a column holds.
DISCLOSURE_MEASURE_LABELS: tuple[RowLabel, ...] = _rows(
    ("issued", r"制发"),
    ("repealed", r"废止"),
    ("in_force", r"现行有效"),
    ("decisions", r"处理决定"),
    ("amount_10k_yuan", r"收费金额"),
)

# Table 四 outcome headers, in the order the form prints them under each proceeding.
REVIEW_OUTCOME_LABELS: tuple[RowLabel, ...] = _rows(
    ("upheld", r"维持"),
    ("corrected", r"纠正"),
    ("other", r"其他"),
    ("pending", r"尚未审结"),
    ("total", r"总计"),
)

# Text that tells which table a ruled grid belongs to.
TABLE_MARKERS: dict[str, re.Pattern[str]] = {
    "disclosure": re.compile(r"第二十条|信息内容|本年制发件数|本年处理决定数量|本年收费金额"),
    "review": re.compile(r"行政复议|行政诉讼|复议后起诉"),
    "application": re.compile(r"申请人情况|本年新收|本年度办理结果|予以公开|不予处理|结转下年度"),
}

# Older form versions we recognise but do not read; the value names the version.
UNSUPPORTED_FORMS: dict[str, re.Pattern[str]] = {
    "2019 trial format (国办公开办函〔2019〕60号): table 二 counts 本年新制作/本年新公开/对外公开总数量": re.compile(
        r"本年新制作数量|本年新公开数量|对外公开总数量"
    ),
}

# Pages worth giving to camelot: they print words found only inside the tables.
TABLE_PAGE_MARKERS: re.Pattern[str] = re.compile(
    r"本年制发件数|本年处理决定数量|本年新收政府信息公开申请|结转下年度继续办理|尚未审结|不予处理|无法提供"
)

PAGE_FOOTER: re.Pattern[str] = re.compile(r"^[-—－–\s]*\d+[-—－–\s]*$|^第\d+页")


def match_row(registry: tuple[RowLabel, ...], label: str) -> str | None:
    """The code of the first registry entry whose pattern occurs in the normalized label."""
    for entry in registry:
        if entry.pattern.search(label):
            return entry.code
    return None


def match_rows(registry: tuple[RowLabel, ...], label: str) -> set[str]:
    """The code of every registry entry whose pattern occurs in the normalized label (more
    than one where a cell holds two rows' labels)."""
    return {entry.code for entry in registry if entry.pattern.search(label)}


# A label's numbering as the form prints it (NFKC-folded, as normalize_label leaves it):
# 一、 (一) 1. 1、
_FORM_NUMBERING = re.compile(
    r"^(\d+[、.．]|[(][一二三四五六七八九十]+[)]|[一二三四五六七八九十]+、)"
)


def starts_numbered(label: str) -> bool:
    return _FORM_NUMBERING.match(label) is not None


def leading_number(label: str) -> int | None:
    m = re.match(r"^(\d)\.", label)
    return int(m.group(1)) if m else None


# A misread label is taken for the form's printed label it is this close to (difflib's ratio),
# when no other printed label comes within LABEL_MARGIN of it: "(一)于以公开" is (一)予以公开,
# "5.属于四类过程性信息" is 6.属于四类过程性信息, "规草" is 规章 (scans, extract/ocr.py). A
# wrong choice cannot pass unseen: table 三's rows must come in the form's order, and R2–R5
# add them up.
LABEL_LIKENESS, LABEL_MARGIN = 0.5, 0.15
LABEL_MOST, LABEL_WHOLE = 0.7, 0.9
LABEL_ALIKE = 0.75
PRINTED = tuple(normalize_label(label) for label in PRINTED_LABELS)
# One CJK ideograph (labels are ideographs; values and zero marks are not)
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")
_SIGNS = re.compile(r"[^“”‘’\"']")


def closest_printed_label(text: str) -> str:
    """The form's printed label (normalized) that `text` misreads, or `text` unchanged when
    it is one already, is not a label (fewer than two ideographs) or is near none or two."""
    label = normalize_label(text)
    if label in PRINTED:
        return text
    printed = _nearest_printed(label)
    if printed is None:
        return text
    held = len(_signs(label)) / len(_signs(printed))
    return printed if held >= _least_length(label, printed) else text


def _signs(label: str) -> str:
    """What a label says, without its quotes (OCR drops them)."""
    return "".join(_SIGNS.findall(label))


def _nearest_printed(label: str) -> str | None:
    """The printed label `label` is at least LABEL_LIKENESS like, with no other within
    LABEL_MARGIN of it; None for text of fewer than two ideographs (no label)."""
    if len(IDEOGRAPH.findall(label)) < 2:
        return None
    likeness = sorted(
        ((SequenceMatcher(None, label, printed).ratio(), printed) for printed in PRINTED),
        reverse=True,
    )
    (best, printed), (second, other) = likeness[0], likeness[1]
    if best < LABEL_LIKENESS:
        return None
    if best - second >= LABEL_MARGIN or _told_apart(label, printed, other):
        return printed
    return None


def _told_apart(label: str, printed: str, other: str) -> bool:
    """Two printed labels too alike to tell by likeness alone (rows 1 and 2 of table 三 share
    "政府信息公开申请数量") are told by where they differ: the text holds at least two of the
    characters only `printed` has, and none of those only `other` has
    ("年新收政府言息公开请数量": 新收, not 上 or 结转)."""
    mine, theirs = set(printed) - set(other), set(other) - set(printed)
    held = set(label)
    return len(held & mine) >= 2 and not held & theirs


def _least_length(label: str, printed: str) -> float:
    """How much of a printed label a text must hold to be taken for it: a piece of a label
    cut by a page break ("法规禁止公开") is left for the parser to join with its other
    piece, and one the registries read already ("2.其他法律行政法规禁止") is taken for a whole
    label only when nearly all of it is there. A text with signs missing inside it, not at an
    end, is a misreading, not a piece ("3.危及三全稳定": OCR passed over 安, 一 and the quotes)."""
    rows = (APPLICATION_ROW_LABELS, DISCLOSURE_ITEM_LABELS)  # the labels a page break cuts
    signs, whole = _signs(label), _signs(printed)
    a_piece = whole.startswith(signs) or whole.endswith(signs)
    return LABEL_WHOLE if a_piece and any(match_row(r, label) for r in rows) else LABEL_MOST


def is_printed_label(text: str) -> bool:
    """`text` is one of the form's printed labels, or a misreading of most of one, and no
    more: not a label with other text run on ("尚未审结总计", two heads read as one line).
    A misreading the registries would read ("本年新收政府言息公开请数量", its numbering
    apart) is one here, though closest_printed_label leaves it to them."""
    label = normalize_label(text)
    if label in PRINTED:
        return True
    printed = _nearest_printed(label) or _alike_printed(label)
    return printed is not None and LABEL_MOST * len(printed) <= len(label) <= len(printed) + 1


def _alike_printed(label: str) -> str | None:
    """The printed label `label` is at least LABEL_ALIKE like, another alike or not: a label
    is told from other text even where two labels are too alike to tell which it misreads
    ("、年新收政府言息公开E请数量": rows 1 and 2 of table 三)."""
    if len(IDEOGRAPH.findall(label)) < 2:
        return None
    best, printed = max((SequenceMatcher(None, label, p).ratio(), p) for p in PRINTED)
    return printed if best >= LABEL_ALIKE else None
