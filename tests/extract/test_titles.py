"""The title registry: every variant reads its own example, and the crawl's three answers."""

from __future__ import annotations

import pytest

from extract.titles import TITLE_VARIANTS, TitleVariant, parse_title, title_in_lines, title_kind


@pytest.mark.parametrize("variant", TITLE_VARIANTS, ids=lambda v: v.name)
def test_each_variant_reads_its_example(variant: TitleVariant) -> None:
    title = parse_title(variant.example)
    assert title is not None
    assert (title.variant, title.agency, title.year) == (variant.name, variant.agency, variant.year)


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        ("攀枝花市西区行政审批局2024年政府信息公开工作年度报告", "攀枝花市西区行政审批局", 2024),
        ("2024年政府信息公开工作年度报告", "", 2024),
        ("沭阳县发展和改革局2023年政府信息公开年度报告", "沭阳县发展和改革局", 2023),
        ("XX局2022年度政府信息公开工作报告", "XX局", 2022),
        ("云溪市教育局2023年政府信息公开年报", "云溪市教育局", 2023),
        ("云溪市2023年政务公开工作年度报告", "云溪市", 2023),
        ("云溪市人民政府 ２０２３ 年 政府信息公开 工作年度报告", "云溪市人民政府", 2023),
        ("【云溪市水务局】2021年度政府信息公开工作年度报告", "云溪市水务局", 2021),
    ],
)
def test_titles_portals_print(text: str, agency: str, year: int) -> None:
    title = parse_title(text)
    assert title is not None and (title.agency, title.year) == (agency, year)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2023年度政府信息公开工作报告", "report"),
        ("云溪市教育局2023年政府信息公开年报", "report"),
        ("2023年度报告", "maybe"),
        ("云溪市2023年政府工作报告", "maybe"),
        ("关于做好2023年度政府信息公开工作年度报告编制工作的通知", "not"),
        ("图解：云溪市2023年政府信息公开工作年度报告", "not"),
        ("云溪市政府信息公开指南", "not"),
        ("关于公布云溪市第二批行政许可事项的公告", "not"),
    ],
)
def test_title_kind(text: str, kind: str) -> None:
    assert title_kind(text) == kind


def test_body_on_the_line_above_the_title() -> None:
    assert title_in_lines(["云溪市人民政府", "2023年政府信息公开工作年度报告"]) == (
        "云溪市人民政府",
        2023,
    )
    assert title_in_lines(["一、总体情况", "本机关认真贯彻"]) is None
