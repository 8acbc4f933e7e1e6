"""What the prose says of the year's applications (extract/prose.py): each pattern reads its
example, and the real reports' sentences are found."""

from __future__ import annotations

import pytest

from extract.prose import STATED_PATTERNS, StatedPattern, stated_applications
from extract.report import extract_report
from tests.conftest import REAL_REPORTS, real_file


@pytest.mark.parametrize("pattern", STATED_PATTERNS, ids=lambda p: p.name)
def test_each_pattern_reads_its_example(pattern: StatedPattern) -> None:
    (found,) = stated_applications([pattern.example])
    assert found.value == pattern.value and found.page == 1


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("2023年度我局共收到依申请信息公开26件，及时回复申请人", [26]),
        ("本年度共收到政府信息公开申请 1,204 件。", [1204]),
        ("全年受理网络问政182件。", []),  # not a disclosure application
        ("主动公开政府信息1136条。", []),
        ("2023年全区受理政府信息公开申请21件，均在法定期限答复。", [21]),
    ],
)
def test_sentences_portals_print(text: str, values: list[int]) -> None:
    assert [s.value for s in stated_applications([text])] == values


# What the real reports state, checked by reading them (R8 compares it with row 1 / 1 + 2).
REAL_STATED = {
    "huaian-city-2024": [3119],
    "hongze-district-2023": [21],
    "hongze-district-2024": [17],  # the office's own count; table 三 says 95 for the body
    "shuyang-fgj-2023": [26],
}


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_the_real_reports_statements_are_found(name: str) -> None:
    report = extract_report(real_file(name))
    assert [s.value for s in report.stated] == REAL_STATED[name]
