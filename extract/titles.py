"""What a report's title looks like: a registry of the ways portals and reports print it.

A title names the disclosure (政府信息公开, 政务公开), the kind of document (工作年度报告,
年度报告, 年报, 工作报告) and a year, with the body's name before the year, after it, or not
at all. Each variant below is one row, with a title it must read; tests/extract/test_titles.py
checks every row. The crawl asks `title_kind` of a listing item; a report's own first lines
are read with `parse_title`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DISCLOSURE = r"(?:政府信息公开|政务公开|政府信息与政务公开|信息公开)"
_DOCUMENT = r"(?:工作)?(?:年度报告|年报|报告)"
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年度?"


@dataclass(frozen=True)
class TitleVariant:
    """One way a report's title is printed, and a title printed that way."""

    name: str
    pattern: re.Pattern[str]
    example: str
    agency: str  # what `example` names as the body ('' when it names none)
    year: int


def _variant(name: str, pattern: str, example: str, agency: str, year: int) -> TitleVariant:
    return TitleVariant(name, re.compile(pattern), example, agency, year)


# First match wins: the body-before-year reading is tried before the year-first one, so
# "2023年政府信息公开…" names no body rather than reading 政府 as one.
TITLE_VARIANTS: tuple[TitleVariant, ...] = (
    _variant(
        "body, year, disclosure, report",
        rf"(?P<agency>[^\d\s]*?){_YEAR}{_DISCLOSURE}{_DOCUMENT}",
        "淮安市人民政府2023年度政府信息公开工作年度报告",
        "淮安市人民政府",
        2023,
    ),
    _variant(
        "year, body, disclosure, report",
        rf"{_YEAR}(?P<agency>[^\d\s]+?){_DISCLOSURE}{_DOCUMENT}",
        "2023年度沭阳县发展和改革局政府信息公开工作年度报告",
        "沭阳县发展和改革局",
        2023,
    ),
    _variant(
        "body, disclosure, report, year in brackets",
        rf"(?P<agency>[^\d\s（(]*?){_DISCLOSURE}{_DOCUMENT}[（(]{_YEAR}[）)]",
        "沭阳县发展和改革局政府信息公开工作年度报告（2023年度）",
        "沭阳县发展和改革局",
        2023,
    ),
    _variant(
        "body, 关于 the year's disclosure work, report",
        rf"(?P<agency>[^\d\s]*?)关于{_YEAR}{_DISCLOSURE}工作(?:情况)?的?(?:年度)?报告",
        "淮安市人民政府办公室关于2022年度政府信息公开工作情况的报告",
        "淮安市人民政府办公室",
        2022,
    ),
)

# Items about a report that are not one: the notice asking for it, its illustrated reading.
NOT_A_REPORT = re.compile(r"通知|征集|报送|编制|图解|解读|一图读懂|指南|目录|制度")
# A title that may be a report but does not say of what: the page decides (crawl.py).
MAYBE_A_REPORT = re.compile(r"年度报告|年报|工作报告")


@dataclass(frozen=True)
class Title:
    agency: str  # '' when the title names no body
    year: int
    variant: str


def squashed(text: str) -> str:
    """Full-width digits made ASCII (NFKC) and all whitespace removed, as titles are matched."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_title(text: str) -> Title | None:
    """The body and year a report title names, by the first variant that reads it."""
    line = squashed(text)
    if NOT_A_REPORT.search(line):
        return None
    for variant in TITLE_VARIANTS:
        m = variant.pattern.search(line)
        if m:
            return Title(_cleaned_agency(m.group("agency")), int(m.group("year")), variant.name)
    return None


def _cleaned_agency(agency: str) -> str:
    return agency.strip("《》【】[]“”\"'：:、，,-—_|").removesuffix("关于")


def title_kind(title: str) -> str:
    """'report' (the title names an annual disclosure report), 'maybe' (a report of some kind:
    its page decides) or 'not'."""
    if parse_title(title) is not None:
        return "report"
    line = squashed(title)
    if MAYBE_A_REPORT.search(line) and not NOT_A_REPORT.search(line):
        return "maybe"
    return "not"


def title_in_lines(lines: list[str]) -> tuple[str, int] | None:
    """(agency, year) of the first line that is a report title naming its body, the body
    possibly printed on the line above (a title set on two lines)."""
    for i, line in enumerate(lines):
        title = parse_title(line)
        if title is None:
            continue
        agency = title.agency or (squashed(lines[i - 1]) if i > 0 else "")
        if agency:
            return agency, title.year
    return None
