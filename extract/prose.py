"""What the report's prose says of the year's applications, for R8 (SPEC §2).

The 依申请公开 paragraph usually states the year's count ("共收到政府信息公开申请 N 件",
"受理政府信息公开申请 N 件", "未接到依申请公开申请"); it should equal row 1 (or 1 + 2) of
table 三's total column. Each way of saying it is a row below, with a sentence it must read
(tests/extract/test_prose.py checks every row)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.records import StatedCount

_VERB = r"(?:收到|受理|接到|接收|新收)"
_WHAT = (
    r"(?:各类|公民、法人(?:和|或)其他组织(?:提出的?)?)?"
    r"(?:政府信息公开|依申请(?:信息)?公开(?:政府信息)?|信息公开)(?:申请)?"
)


@dataclass(frozen=True)
class StatedPattern:
    name: str
    pattern: re.Pattern[str]
    example: str
    value: int  # what `example` states


STATED_PATTERNS: tuple[StatedPattern, ...] = (
    StatedPattern(
        "received N",
        re.compile(rf"{_VERB}{_WHAT}(?:共|总计|合计|共计)?(?P<n>\d[\d,]*)件"),
        "2024年，全市共受理政府信息公开申请3119件，答复3050件",
        3119,
    ),
    StatedPattern(
        "received none",
        re.compile(rf"(?:未|没有)(?:收到|受理|接到){_WHAT}"),
        "2024年，区行政审批局未接到依申请公开申请。",
        0,
    ),
)


def stated_applications(page_texts: Sequence[str]) -> tuple[StatedCount, ...]:
    """Every statement of the year's application count, with its page (1-based)."""
    found = []
    for page, text in enumerate(page_texts, start=1):
        squashed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        for stated in STATED_PATTERNS:
            for m in stated.pattern.finditer(squashed):
                n = m.groupdict().get("n")
                value = int(n.replace(",", "")) if n else 0
                found.append((m.start(), StatedCount(value, m.group(0), page)))
    return tuple(s for _, s in sorted(found, key=lambda f: (f[1].page, f[0])))
